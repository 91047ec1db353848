#!/bin/bash
# grpc.sh — check_tls_grpc against real gRPC servers, each requiring a client
# certificate: python3-grpcio (gRPC's C core, tests/integration/grpc-server.py)
# with the standard health service and without any service, and etcd
# (etcd-server, Go's gRPC, which registers the health service) with
# --client-cert-auth; each with and without our client certificate, offering
# ALPN h2 (the default) and offering only http/1.1 (which no gRPC server
# chooses: the handshake then negotiates no ALPN). And nginx with http2, an
# HTTP/2 server that is not gRPC.
#
# What each server does, as observed (Debian 12: python3-grpcio 1.51, etcd
# 3.4.23), is written down by the checks below:
#
#   server          client cert  ALPN offered  verdict
#   grpcio health   ours         h2            OK, gRPC health SERVING, our certificate accepted
#   grpcio health   none         h2            OK, it requires a client certificate (it hangs up
#                                              without an alert: read as that refusal)
#   grpcio health   none         http/1.1      WARNING alpn: it hangs up right after the handshake,
#                                              no ALPN negotiated; no client-cert finding
#   grpcio health   ours         http/1.1      WARNING alpn: the same hang-up, which may also be a
#                                              refusal of ours: both named, no client-cert finding
#   grpcio bare     ours         h2            OK, gRPC server without the health service
#   grpcio bare     none         h2            OK, it requires a client certificate
#   grpcio bare     none / ours  http/1.1      WARNING alpn, as above
#   etcd            ours         h2            OK, gRPC health SERVING, our certificate accepted
#   etcd            none         h2 / http/1.1 OK, it requires a client certificate (alert
#                                              bad_certificate)
#   etcd            ours         http/1.1      WARNING service: no ALPN, and HTTP/1.1 400 to the
#                                              preface (etcd enforces no ALPN); certificate accepted

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/etcd.bash
. "$(dirname "$0")/etcd.bash" || exit 99
# shellcheck source=tests/integration/nginx.bash
. "$(dirname "$0")/nginx.bash" || exit 99

GRPC_SERVER=$TLSCHECK_SRCDIR/tests/integration/grpc-server.py
CHECK_TLS_GRPC=$TLSCHECK_BUILDDIR/plugins/check_tls_grpc

require_server 'python3-grpcio' "$PYTHON" -c 'import grpc'
require_server 'etcd (etcd-server)' test -x "$ETCD"
require_server 'nginx (nginx-light)' test -x "$NGINX"
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_GRPC"
require_plugin "$CHECK_TLS"
lib_init

# Every not_after is an hour short of a whole day, so the days left never round
# across a boundary while the test runs.
{
	make_ca ca &&
		make_leaf ok ca grpc.test grpc.test '-1 day' '+200 days -1 hour' &&
		make_client mon ca monitor '-1 day' '+300 days -1 hour'
} || bail_out 'cannot make the test certificates'

# start_grpc NAME [SERVER ARGS...]: grpc-server.py on a free loopback port,
# requiring a client certificate signed by ca.
start_grpc() {
	start_on_free_port "gRPC server ($1)" launch_grpc "$@"
}

launch_grpc() {
	local port=$1 name=$2
	shift 2
	new_server_log "grpc-$name"
	"$PYTHON" "$GRPC_SERVER" --port "$port" --cert "$TEST_DIR/ok.pem" \
		--key "$TEST_DIR/ok.key" --client-ca "$TEST_DIR/ca.pem" "$@" \
		</dev/null >"$SERVER_LOG" 2>&1 &
}

declare -A PORT
start_grpc health --health --serving shop.Orders --not-serving shop.Billing ||
	bail_out 'the gRPC server with the health service did not start'
PORT[health]=$SERVER_PORT
start_grpc bare || bail_out 'the gRPC server without services did not start'
PORT[bare]=$SERVER_PORT
start_etcd etcd ok --client-cert-auth --trusted-ca-file "$TEST_DIR/ca.pem" ||
	bail_out 'etcd did not start'
PORT[etcd]=$SERVER_PORT
start_nginx h2 ok http2 || bail_out 'nginx (http2) did not start'
PORT[nginx]=$SERVER_PORT

# on SERVER ARGS...: check_tls_grpc against SERVER, trusting its CA.
on() {
	local server=$1
	shift
	CMD=("$CHECK_TLS_GRPC" -H grpc.test -I 127.0.0.1 -p "${PORT[$server]}" -C ca.pem "$@")
}

grpc() {
	expect_check --command=on --default=@max-secs=3 "$@"
}

MON=(--client-cert "$TEST_DIR/mon.pem" --client-key "$TEST_DIR/mon.key")
OK_LINE="^TLS OK - grpc\\.test:[0-9]+ grpc: certificate 'CN=grpc\\.test' expires in 199d"
ACCEPTED="server accepted our client certificate 'CN=monitor'"
REQUIRED='^OK client-cert: server requires a client certificate \(none given'
CLOSED='server closed the connection right after the handshake, no ALPN negotiated \(offered: http/1\.1\)'
CLOSED_OURS="$CLOSED \\(or it refused our client certificate 'CN=monitor'\\)"

# --- python3-grpcio with the health service ---------------------------------------

grpc 'grpcio, our certificate, ALPN h2: OK, SERVING named, the certificate accepted' 0 \
	"$OK_LINE" "chain trusted by ca\\.pem, $ACCEPTED, gRPC health SERVING, TLSv1\\.3 \\|" \
	"days_left=199\\.9[0-9];14:;7:;0; client_days_left=299\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	'@lines=1' \
	-- health "${MON[@]}"

grpc 'grpcio, -v: the finding is of rule service' 0 "$OK_LINE" \
	'*^OK service: gRPC health SERVING$' "*^OK client-cert: $ACCEPTED$" '~^WARNING' \
	-- health "${MON[@]}" -v

grpc 'grpcio, no client certificate: it hangs up, read as requiring one, OK' 0 "$OK_LINE" \
	"*$REQUIRED" '~^WARNING' '~gRPC' '~ALPN' \
	-- health -v

grpc 'grpcio, our certificate, only http/1.1 offered: WARNING alpn naming both readings' \
	1 "^TLS WARNING - grpc\\.test:[0-9]+ grpc: $CLOSED_OURS, certificate 'CN=grpc\\.test'" \
	'*^WARNING alpn: ' '~client-cert:' '~accepted' '~^WARNING service' '~CRITICAL' \
	-- health "${MON[@]}" --alpn=http/1.1 -v

grpc 'grpcio, no client certificate, only http/1.1 offered: the same WARNING alpn' 1 \
	"^TLS WARNING - grpc\\.test:[0-9]+ grpc: $CLOSED" '~client-cert' \
	-- health --alpn=http/1.1 -v

grpc '--grpc-service of a service SERVING: OK, named' 0 "$OK_LINE" \
	"gRPC health SERVING \\(service 'shop\\.Orders'\\)" \
	-- health "${MON[@]}" --grpc-service=shop.Orders

grpc '--grpc-service of a service NOT_SERVING: WARNING, named' 1 \
	"^TLS WARNING - grpc\\.test:[0-9]+ grpc: gRPC health NOT_SERVING \\(service 'shop\\.Billing'\\), certificate 'CN=grpc\\.test'" \
	"$ACCEPTED" \
	-- health "${MON[@]}" --grpc-service=shop.Billing

grpc '--grpc-service the server does not know: WARNING, NOT_FOUND named' 1 \
	"^TLS WARNING - .*gRPC health: service unknown to the server \\(service 'no\\.Such'\\) \\(grpc-status NOT_FOUND\\)" \
	-- health "${MON[@]}" --grpc-service=no.Such

expect_check 'check_tls -P grpc: the same check' 0 \
	"^TLS OK - grpc\\.test:[0-9]+ grpc: .*gRPC health SERVING" \
	-- "$CHECK_TLS" -P grpc -H grpc.test -I 127.0.0.1 -p "${PORT[health]}" -C ca.pem "${MON[@]}"

grpc '--no-service-check: no call, the certificate only' 0 "$OK_LINE" '~gRPC' \
	-- health "${MON[@]}" --no-service-check -v

on health "${MON[@]}" --output=json
run_check "${CMD[@]}"
json_check 'JSON: the service finding, OK, and ALPN h2' '
need(d["state"] == "OK", "state %r" % d["state"])
need(d["tls"]["alpn"] == "h2", "tls.alpn %r" % d["tls"]["alpn"])
svc = [f for f in d["findings"] if f["rule"] == "service"]
need(len(svc) == 1 and svc[0]["state"] == "OK", "service findings %r" % svc)
need(svc[0]["text"] == "gRPC health SERVING", "text %r" % svc[0]["text"])'

# --- python3-grpcio without any service ---------------------------------------------

grpc 'grpcio without the health service: UNIMPLEMENTED confirms gRPC, OK, named' 0 \
	"$OK_LINE" "$ACCEPTED, gRPC server without the health service \\(grpc-status UNIMPLEMENTED\\)" \
	-- bare "${MON[@]}"

grpc 'grpcio without the health service, no client certificate: OK, it requires one' 0 \
	"$OK_LINE" "*$REQUIRED" '~^WARNING' \
	-- bare -v

grpc 'grpcio without the health service, only http/1.1 offered: WARNING alpn' 1 \
	"^TLS WARNING - .*$CLOSED_OURS" '~client-cert:' \
	-- bare "${MON[@]}" --alpn=http/1.1 -v

grpc 'grpcio without the health service, no certificate, only http/1.1: WARNING alpn' 1 \
	"^TLS WARNING - .*$CLOSED" '~client-cert' \
	-- bare --alpn=http/1.1 -v

# --- etcd with --client-cert-auth -------------------------------------------------

grpc 'etcd, our certificate, ALPN h2: OK, SERVING, the certificate accepted' 0 "$OK_LINE" \
	"$ACCEPTED, gRPC health SERVING" \
	-- etcd "${MON[@]}"

grpc 'etcd, no client certificate: OK, it requires one (its alert named)' 0 "$OK_LINE" \
	"*$REQUIRED, it sent alert " '~^WARNING' '~gRPC' \
	-- etcd -v

grpc 'etcd, our certificate, only http/1.1: WARNING, no ALPN and its HTTP/1.1 answer' 1 \
	"^TLS WARNING - grpc\\.test:[0-9]+ grpc: server negotiated no ALPN, and server answered the HTTP/2 preface with 'HTTP/1\\.1 400 Bad Request': not HTTP/2" \
	"$ACCEPTED" \
	-- etcd "${MON[@]}" --alpn=http/1.1

grpc 'etcd, no client certificate, only http/1.1: OK, it requires one' 0 "$OK_LINE" \
	"*$REQUIRED, it sent alert " '~^WARNING' \
	-- etcd --alpn=http/1.1 -v

# --- an HTTP/2 server that is not gRPC ------------------------------------------------

grpc 'nginx with http2: WARNING, not a gRPC server' 1 \
	"^TLS WARNING - grpc\\.test:[0-9]+ grpc: not a gRPC server: HTTP/2 answered :status 200 without grpc-status, certificate 'CN=grpc\\.test'" \
	-- nginx

finish
