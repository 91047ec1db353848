#!/bin/bash
# h2.sh — check_tls -P h2 against real servers: nginx and etcd (Go's HTTP/2,
# under gRPC) with ALPN h2, confirmed by their SETTINGS; nginx without http2,
# which refuses ALPN h2 or, offered http/1.1 too, chooses it and answers the
# preface with HTTP/1.1; a TLS server without ALPN that is not HTTP/2.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/nginx.bash
. "$(dirname "$0")/nginx.bash" || exit 99
# shellcheck source=tests/integration/etcd.bash
. "$(dirname "$0")/etcd.bash" || exit 99

require_server 'nginx (nginx-light)' test -x "$NGINX"
require_server 'etcd (etcd-server)' test -x "$ETCD"
require_server 'certtool (gnutls-bin)' command -v certtool
require_server 'gnutls-serv (gnutls-bin)' command -v gnutls-serv
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca web.test web.test '-1 day' '+200 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_nginx h2 ok http2 || bail_out 'nginx (http2) did not start'
P_H2=$SERVER_PORT
start_nginx h1 ok || bail_out 'nginx (no http2) did not start'
P_H1=$SERVER_PORT
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_PLAIN_TLS=$SERVER_PORT
start_etcd etcd ok || bail_out 'etcd did not start'
P_ETCD=$SERVER_PORT

H2_CHECK=("$CHECK_TLS" -P h2 -H web.test -I 127.0.0.1 -C ca.pem)

expect_check 'nginx with http2: ALPN h2 and its SETTINGS, OK' 0 \
	"^TLS OK - web\\.test:$P_H2 h2: certificate 'CN=web\\.test' expires in 199d" \
	'chain trusted by ca\.pem' '!ALPN' '!HTTP' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	'@lines=1' '@max-secs=3' \
	-- "${H2_CHECK[@]}" -p "$P_H2"

expect_check '-vv names the ALPN h2 negotiated' 0 \
	"^TLS OK - web\\.test:$P_H2 h2: " '*^TLS: .*ALPN h2' \
	-- "${H2_CHECK[@]}" -p "$P_H2" -vv

expect_check 'etcd with TLS: ALPN h2 and its SETTINGS, OK' 0 \
	"^TLS OK - web\\.test:$P_ETCD h2: certificate 'CN=web\\.test' expires in 199d" \
	'chain trusted by ca\.pem' '@lines=1' '@max-secs=3' \
	-- "${H2_CHECK[@]}" -p "$P_ETCD"

expect_check 'nginx without http2, only h2 offered: CRITICAL, the ALPN refused' 2 \
	"^TLS CRITICAL - web\\.test:$P_H1 h2: the server accepts none of the ALPN protocols offered: h2" \
	-- "${H2_CHECK[@]}" -p "$P_H1"

expect_check 'nginx without http2, http/1.1 offered too: WARNING naming http/1.1 and its answer' 1 \
	"^TLS WARNING - web\\.test:$P_H1 h2: .*server negotiated 'http/1\\.1', not h2, and server answered the HTTP/2 preface with 'HTTP/1\\.1 400 Bad Request': not HTTP/2" \
	'chain trusted by ca\.pem' \
	-- "${H2_CHECK[@]}" -p "$P_H1" --alpn=h2,http/1.1

expect_check 'a TLS server without ALPN, not HTTP/2: WARNING naming no ALPN' 1 \
	"^TLS WARNING - web\\.test:$P_PLAIN_TLS h2: .*server negotiated no ALPN, and server answered the HTTP/2 preface with '.*': not HTTP/2" \
	'@max-secs=5' \
	-- "${H2_CHECK[@]}" -p "$P_PLAIN_TLS"

expect_check '--no-service-check: no preface sent, the certificate only, OK' 0 \
	"^TLS OK - web\\.test:$P_PLAIN_TLS h2: certificate 'CN=web\\.test'" \
	-- "${H2_CHECK[@]}" -p "$P_PLAIN_TLS" --no-service-check

finish
