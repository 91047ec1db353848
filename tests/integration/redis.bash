# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# redis.bash — private redis-server instances for redis.sh and discover.sh, sourced
# after lib.sh. A TLS one takes the client CA $TEST_DIR/client-ca.pem (make_ca
# client-ca).

REDIS=/usr/bin/redis-server

# start_redis NAME tls|plain [CERT] [REDIS ARGS...]: a private redis-server on a
# free loopback port, with TLS only (port 0) or without it, saving nothing.
start_redis() {
	mkdir -p "$TEST_DIR/redis-$1" || return 1
	start_on_free_port "redis-server ($1)" launch_redis "$@"
}

launch_redis() {
	local port=$1 name=$2 mode=$3 cert=${4:-ok} listen
	shift 3
	[ $# -gt 0 ] && shift
	if [ "$mode" = tls ]; then
		listen=(--port 0 --tls-port "$port" --tls-cert-file "$TEST_DIR/$cert.pem"
			--tls-key-file "$TEST_DIR/$cert.key" --tls-ca-cert-file "$TEST_DIR/client-ca.pem")
	else
		listen=(--port "$port")
	fi
	new_server_log "redis-$name"
	"$REDIS" --bind 127.0.0.1 "${listen[@]}" --dir "$TEST_DIR/redis-$name" --save '' \
		--appendonly no --daemonize no --logfile '' "$@" </dev/null >"$SERVER_LOG" 2>&1 &
}
