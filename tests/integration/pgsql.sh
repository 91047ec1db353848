#!/bin/bash
# pgsql.sh — check_tls_pgsql against a private PostgreSQL cluster: the served
# certificate follows reloads (and only reloads), and ssl=off is a refusal.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/pgsql.bash
. "$(dirname "$0")/pgsql.bash" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'PostgreSQL (postgresql)' pg_find_bin
require_server 'runuser (util-linux)' command -v runuser
require_server 'PostgreSQL as user postgres (the test must run as root)' test "$(id -u)" -eq 0
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_PGSQL"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca pg.test pg.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca pg.test pg.test '-1 day' '+10 days -1 hour' &&
		make_leaf crit ca pg.test pg.test '-1 day' '+3 days -1 hour' &&
		make_leaf renewed ca pg.test pg.test '-1 day' '+400 days -1 hour'
} || bail_out 'cannot make the test certificates'

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'

start_postgres "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" || bail_out 'PostgreSQL did not start'

PG_CHECK=("$CHECK_TLS_PGSQL" -H 127.0.0.1 -p "$PG_PORT" -S pg.test -C ca.pem)

expect_check 'ssl=on, fine certificate: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$PG_PORT pgsql: certificate 'CN=pg\\.test' expires in 199d 2[23]h" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${PG_CHECK[@]}"

expect_check 'check_tls -P pgsql reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$PG_PORT pgsql: " \
	-- "$CHECK_TLS" -P pgsql -H 127.0.0.1 -p "$PG_PORT" -S pg.test -C ca.pem

if ! pg_use_cert "$TEST_DIR/warn.pem" "$TEST_DIR/warn.key" || ! pg_reload; then
	bail_out 'cannot swap the certificate'
fi
expect_check 'certificate with 10 days left, reloaded: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$PG_PORT pgsql: certificate 'CN=pg\\.test' expires in 9d 2[23]h" \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${PG_CHECK[@]}"

# Renewed on disk but not reloaded: the socket still serves the old certificate.
pg_use_cert "$TEST_DIR/crit.pem" "$TEST_DIR/crit.key" || bail_out 'cannot swap the certificate'
expect_check 'certificate replaced on disk, no reload: still the served one (WARNING)' 1 \
	'expires in 9d 2[23]h' \
	-- "${PG_CHECK[@]}"

pg_reload || bail_out 'cannot reload PostgreSQL'
expect_check 'certificate with 3 days left, reloaded: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$PG_PORT pgsql: certificate 'CN=pg\\.test' expires in 2d 2[23]h" \
	"\\| days_left=2\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${PG_CHECK[@]}"

expect_check '--output=days' 0 '^2\.9[0-9]$' '@lines=1' \
	-- "${PG_CHECK[@]}" --output=days

# --cert-file names the renewed file: until the server reloads it, the check says
# so with both dates; after the reload it is satisfied.
pg_use_cert "$TEST_DIR/renewed.pem" "$TEST_DIR/renewed.key" || bail_out 'cannot swap the certificate'
expect_check '--cert-file, renewed on disk but not reloaded: CRITICAL, reload the service' 2 \
	"serving the certificate that expires $DATE_RE, renewed\\.pem holds one that expires $DATE_RE: reload the service" \
	"\\| days_left=2\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${PG_CHECK[@]}" --cert-file renewed.pem
pg_reload || bail_out 'cannot reload PostgreSQL'
expect_check '--cert-file, reloaded: OK' 0 \
	"^TLS OK - .* certificate 'CN=pg\\.test' expires in 399d" '!renewed\.pem' \
	-- "${PG_CHECK[@]}" --cert-file renewed.pem
expect_check '--cert-file naming an older certificate: WARNING, rolled back or the wrong file' 1 \
	"^TLS WARNING - .* crit\\.pem holds an older certificate \\(expires $DATE_RE\\) than the one served \\(expires $DATE_RE\\): rolled back, or the wrong file" \
	-- "${PG_CHECK[@]}" --cert-file crit.pem

if ! pg_set ssl off || ! pg_reload; then
	bail_out 'cannot turn ssl off'
fi
expect_check "ssl=off: CRITICAL, the server answered 'N'" 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$PG_PORT pgsql: server does not offer TLS \\(SSLRequest answered 'N'\\)" \
	"$PERF_FAILED" '@lines=1' \
	-- "${PG_CHECK[@]}"

expect_check 'ssl=off, --output=days: the sentinel' 0 '^-65535$' '@lines=1' \
	-- "${PG_CHECK[@]}" --output=days

finish
