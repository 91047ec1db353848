# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# mosquitto.bash — private mosquitto brokers for mqtt.sh and discover.sh, sourced
# after lib.sh. A TLS one takes the client CA $TEST_DIR/client-ca.pem (make_ca
# client-ca).

MOSQUITTO=/usr/sbin/mosquitto

# start_mosquitto NAME tls|plain [CERT] [CONFIG LINES...]: a private broker on a
# free loopback port. As root it would switch to the user mosquitto, who cannot
# read the test's keys: it stays root.
start_mosquitto() {
	start_on_free_port "mosquitto ($1)" launch_mosquitto "$@"
}

launch_mosquitto() {
	local port=$1 name=$2 mode=$3 cert=${4:-ok} conf=$TEST_DIR/mosquitto-$2.conf
	shift 3
	[ $# -gt 0 ] && shift
	{
		printf '%s\n' 'user root' 'persistence false' 'log_dest stderr' \
			"listener $port 127.0.0.1"
		if [ "$mode" = tls ]; then
			printf '%s\n' "certfile $TEST_DIR/$cert.pem" \
				"keyfile $TEST_DIR/$cert.key" "cafile $TEST_DIR/client-ca.pem"
		fi
		printf '%s\n' "$@"
	} >"$conf"
	new_server_log "mosquitto-$name"
	"$MOSQUITTO" -c "$conf" </dev/null >"$SERVER_LOG" 2>&1 &
}
