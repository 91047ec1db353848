#!/bin/bash
# mysql.sh — check_tls_mysql against private MariaDB servers (mariadb-server):
# one with TLS (a host it does not know is refused at greeting; the served
# certificate follows FLUSH SSL, and only it), one started without --ssl-*
# options, which does not offer CLIENT_SSL.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/mysql.bash
. "$(dirname "$0")/mysql.bash" || exit 99

CHECK_TLS_MYSQL=$TLSCHECK_BUILDDIR/plugins/check_tls_mysql

require_mariadb
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_MYSQL"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca db.test db.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca db.test db.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

mariadb_install || bail_out 'cannot make the MariaDB system database'
start_mariadb tls "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" || bail_out 'MariaDB (TLS) did not start'
P_TLS=$SERVER_PORT
DIR_TLS=$MY_DIR
start_mariadb plain || bail_out 'MariaDB (no TLS) did not start'
P_PLAIN=$SERVER_PORT
mariadb_sql "$MY_DIR" "CREATE USER 'tlscheck'@'127.0.0.1'" || bail_out 'cannot allow 127.0.0.1'

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
MY_CHECK=("$CHECK_TLS_MYSQL" -H 127.0.0.1 -p "$P_TLS" -S db.test -C ca.pem)

expect_check 'host not allowed: CRITICAL, the ERR packet at greeting named and quoted' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_TLS mysql: server refused the connection at greeting: error 1130 \\(host not allowed to connect\\): 'Host '127\\.0\\.0\\.1' is not allowed to connect to this MariaDB server'" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${MY_CHECK[@]}"

mariadb_sql "$DIR_TLS" "CREATE USER 'tlscheck'@'127.0.0.1'" || bail_out 'cannot allow 127.0.0.1'

expect_check 'TLS, fine certificate: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_TLS mysql: certificate 'CN=db\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' '!client certificate' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	'*^OK client-cert: server asks for a client certificate \(none given\)$' '@lines=2' \
	-- "${MY_CHECK[@]}"

expect_check 'check_tls -P mysql reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_TLS mysql: " \
	-- "$CHECK_TLS" -P mysql -H 127.0.0.1 -p "$P_TLS" -S db.test -C ca.pem

expect_check '--output=json names the protocol' 0 \
	'"protocol":"mysql"' '"state":"OK"' '"alpn":null' \
	-- "${MY_CHECK[@]}" --output=json

expect_check 'wrong name: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_TLS mysql: certificate 'CN=db\\.test' does not match 'other\\.test'" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "$CHECK_TLS_MYSQL" -H 127.0.0.1 -p "$P_TLS" -S other.test -C ca.pem

# Renewed on disk but not reloaded: the socket still serves the old certificate.
mariadb_use_cert "$DIR_TLS" "$TEST_DIR/warn.pem" "$TEST_DIR/warn.key" ||
	bail_out 'cannot swap the certificate'
expect_check 'certificate replaced on disk, no FLUSH SSL: still the served one (OK)' 0 \
	'^TLS OK - .* expires in 199d 2[23]h' \
	-- "${MY_CHECK[@]}"

mariadb_sql "$DIR_TLS" 'FLUSH SSL' || bail_out 'FLUSH SSL failed'
expect_check 'certificate with 10 days left, after FLUSH SSL: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$P_TLS mysql: certificate 'CN=db\\.test' expires in 9d 2[23]h" \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${MY_CHECK[@]}"

expect_check '--output=days' 0 '^9\.9[0-9]$' '@lines=1' \
	-- "${MY_CHECK[@]}" --output=days

expect_check 'no --ssl-* options: CRITICAL, no CLIENT_SSL in the greeting' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_PLAIN mysql: server does not offer TLS \\(MariaDB [0-9]+\\.[0-9]+\\.[0-9]+ without CLIENT_SSL\\)" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "$CHECK_TLS_MYSQL" -H 127.0.0.1 -p "$P_PLAIN" -S db.test -C ca.pem

expect_check 'no TLS, --output=days: the sentinel' 0 '^-65535$' '@lines=1' \
	-- "$CHECK_TLS_MYSQL" -H 127.0.0.1 -p "$P_PLAIN" -S db.test -C ca.pem --output=days

finish
