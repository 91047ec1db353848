# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# stunnel.bash — stunnel4 in front of the Kafka broker of kafka.bash (KAFKA_ADDRESS),
# for kafka.sh and discover-servers.sh, sourced after lib.sh and kafka.bash.

STUNNEL=/usr/bin/stunnel4

# start_stunnel NAME CERT [LINES...]: TLS with TEST_DIR/CERT.pem and CERT.key on a
# free loopback port in front of the broker, with the service LINES added
# (verify, CAfile).
start_stunnel() {
	start_on_free_port "stunnel ($1)" launch_stunnel "$@"
}

launch_stunnel() {
	local port=$1 name=$2 cert=$3 conf=$TEST_DIR/stunnel-$2.conf
	shift 3
	printf '%s\n' 'foreground = yes' 'pid =' 'debug = 4' "[$name]" \
		"accept = 127.0.0.1:$port" "connect = $KAFKA_ADDRESS" \
		"cert = $TEST_DIR/$cert.pem" "key = $TEST_DIR/$cert.key" "$@" >"$conf"
	new_server_log "stunnel-$name"
	"$STUNNEL" "$conf" </dev/null >"$SERVER_LOG" 2>&1 &
}
