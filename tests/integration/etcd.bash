# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# etcd.bash — a private etcd (etcd-server) for h2.sh and grpc.sh, sourced after lib.sh: one
# member, its client port with TLS at connect (gRPC and its HTTP gateway over
# HTTP/2), its peer port plain on another free loopback port, its data under
# $TEST_DIR.

ETCD=/usr/bin/etcd

# start_etcd NAME CERT [ETCD ARGS...]: etcd serving clients with TLS and
# certificate CERT ($TEST_DIR/CERT.pem and .key) on a free loopback port, with
# ETCD ARGS added (--client-cert-auth --trusted-ca-file=FILE).
start_etcd() {
	start_on_free_port "etcd ($1)" launch_etcd "$@"
}

launch_etcd() {
	local port=$1 name=$2 cert=$3 peer
	shift 3
	peer=$(free_port) || return 1
	new_server_log "etcd-$name"
	"$ETCD" --name "$name" --data-dir "$TEST_DIR/etcd-$name" \
		--listen-client-urls "https://127.0.0.1:$port" \
		--advertise-client-urls "https://127.0.0.1:$port" \
		--listen-peer-urls "http://127.0.0.1:$peer" \
		--initial-advertise-peer-urls "http://127.0.0.1:$peer" \
		--initial-cluster "$name=http://127.0.0.1:$peer" \
		--cert-file "$TEST_DIR/$cert.pem" --key-file "$TEST_DIR/$cert.key" "$@" \
		</dev/null >"$SERVER_LOG" 2>&1 &
}
