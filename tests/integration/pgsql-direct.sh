#!/bin/bash
# pgsql-direct.sh — check_tls_pgsql --direct, PostgreSQL 17's direct TLS: the
# ClientHello at connect, with ALPN "postgresql", and --alpn in its place.
#
# Debian 12 ships PostgreSQL 15, which has no direct TLS, so the server here is a
# stand-in for the handshake only: openssl s_server with `-alpn postgresql`. Like
# PostgreSQL 17 it refuses a client offering another ALPN protocol (fatal
# no_application_protocol alert) and takes the first byte for a TLS record. Unlike
# it, it lets a client offering no ALPN at all finish the handshake (PostgreSQL 17
# then closes the connection). The SSLRequest path is tested against the real
# PostgreSQL 15 in pgsql.sh.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'openssl s_server (openssl)' command -v openssl
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_PGSQL"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca pg.test pg.test '-1 day' '+200 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_openssl_server "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" -alpn postgresql ||
	bail_out 'openssl s_server did not start'
P=$SERVER_PORT

DIRECT=("$CHECK_TLS_PGSQL" -H 127.0.0.1 -p "$P" -S pg.test -C ca.pem)

expect_check '--direct: OK, TLS at connect' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P pgsql: certificate 'CN=pg\\.test' expires in 199d 2[23]h" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${DIRECT[@]}" --direct

expect_check '--direct: the server chose ALPN postgresql' 0 \
	'"protocol":"pgsql"' '"state":"OK"' '"alpn":"postgresql"' \
	-- "${DIRECT[@]}" --direct --output=json

expect_check 'check_tls -P pgsql --direct reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P pgsql: " \
	-- "$CHECK_TLS" -P pgsql --direct -H 127.0.0.1 -p "$P" -S pg.test -C ca.pem

expect_check 'without --direct: CRITICAL, the SSLRequest is not TLS' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P pgsql: server closed the connection while we waited for the answer to the SSLRequest" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${DIRECT[@]}"

# --implicit-tls (a TLS proxy in front of the server) offers no ALPN: the
# stand-in lets it through, and the report shows none was chosen.
expect_check '--implicit-tls offers no ALPN' 0 \
	'"state":"OK"' '"alpn":null' \
	-- "${DIRECT[@]}" --implicit-tls --output=json

# --alpn replaces the protocol's own, and is offered where it has none.
expect_check '--direct --alpn=h2: postgresql not offered, CRITICAL, rule alpn' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P pgsql: the server accepts none of the ALPN protocols offered: h2 \\|" \
	'*^CRITICAL alpn: ' "$PERF_TAIL" \
	-- "${DIRECT[@]}" --direct --alpn=h2 -v

expect_check '--direct --alpn=h2,postgresql: the server chose postgresql' 0 \
	'"state":"OK"' '"alpn":"postgresql"' \
	-- "${DIRECT[@]}" --direct --alpn=h2,postgresql --output=json

expect_check '--implicit-tls --alpn=postgresql: offered where the protocol has none' 0 \
	'"state":"OK"' '"alpn":"postgresql"' \
	-- "${DIRECT[@]}" --implicit-tls --alpn=postgresql --output=json

expect_check '--direct with --implicit-tls: a usage error' 3 \
	'--implicit-tls: pgsql always starts TLS at connect here' \
	-- "${DIRECT[@]}" --direct --implicit-tls

expect_check '--direct with -P smtp: a usage error naming its protocol' 3 \
	'--direct applies to pgsql only' \
	-- "$CHECK_TLS" -P smtp --direct -H 127.0.0.1 -p "$P"

finish
