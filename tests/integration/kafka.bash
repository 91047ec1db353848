# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# kafka.bash — the Kafka broker of kafka.sh and discover-servers.sh: librdkafka's
# mock cluster (tests/integration/kafka-mock, built by `make check`), sourced after
# lib.sh. Plain Kafka only: stunnel.bash puts TLS in front of it.

KAFKA_MOCK=$TLSCHECK_BUILDDIR/tests/integration/kafka-mock
KAFKA_ADDRESS=

# start_kafka_mock: a broker on a loopback port of librdkafka's choosing, its
# address in KAFKA_ADDRESS.
start_kafka_mock() {
	local out=$TEST_DIR/kafka-mock.out i pid
	new_server_log kafka-mock
	"$KAFKA_MOCK" </dev/null >"$out" 2>"$SERVER_LOG" &
	pid=$!
	kill_at_exit "$pid"
	for i in $(seq 1 100); do
		KAFKA_ADDRESS=$(head -n 1 "$out")
		[ -n "$KAFKA_ADDRESS" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	diag 'kafka-mock did not start'
	diag_file "$SERVER_LOG"
	return 1
}
