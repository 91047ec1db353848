#!/bin/bash
# mysql.sh — check_tls_mysql against private MariaDB servers (mariadb-server):
# one with TLS (a host it does not know is refused at greeting; the served
# certificate follows FLUSH SSL, and only it), one started without --ssl-*
# options, which does not offer CLIENT_SSL.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

CHECK_TLS_MYSQL=$TLSCHECK_BUILDDIR/plugins/check_tls_mysql

require_server 'MariaDB (mariadb-server)' command -v mariadbd
require_server 'mariadb-install-db (mariadb-server)' command -v mariadb-install-db
require_server 'the mariadb client (mariadb-client)' command -v mariadb
require_server 'user mysql (mariadb-server)' id mysql
require_server 'MariaDB as user mysql (the test must run as root)' test "$(id -u)" -eq 0
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_MYSQL"
require_plugin "$CHECK_TLS"
lib_init

# --- private MariaDB servers ---------------------------------------------------
#
# One system database is made once (a small redo log, no test database: no
# account for any host but localhost); each server runs on a copy of it, in a
# directory of its own owned by mysql (the server drops to that user, then reads
# its certificate and key, and writes its log there). With --skip-name-resolve,
# a client from 127.0.0.1 is not localhost: it is refused until an account for
# 127.0.0.1 exists.

MY_TEMPLATE=$TEST_DIR/mariadb-template
MY_DIR=

mariadb_install() {
	mkdir -p "$MY_TEMPLATE" && chown mysql:mysql "$MY_TEMPLATE" || return 1
	mariadb-install-db --no-defaults --user=mysql --datadir="$MY_TEMPLATE" --skip-test-db \
		--innodb-log-file-size=4M >"$TEST_DIR/mariadb-install-db.log" 2>&1 && return 0
	diag 'mariadb-install-db failed'
	diag_file "$TEST_DIR/mariadb-install-db.log"
	return 1
}

# mariadb_use_cert DIR CERTFILE KEYFILE: the files the server in DIR is started
# with (and reads again on FLUSH SSL).
mariadb_use_cert() {
	install -o mysql -g mysql -m 0644 "$2" "$1/server.pem" &&
		install -o mysql -g mysql -m 0600 "$3" "$1/server.key"
}

# start_mariadb LABEL [CERTFILE KEYFILE]: a server on 127.0.0.1, with TLS when
# given a certificate. Sets SERVER_PORT, SERVER_PID and MY_DIR (its socket is
# MY_DIR/mysqld.sock).
start_mariadb() {
	local label=$1 attempt port rc tls=()
	MY_DIR=$TEST_DIR/$label
	mkdir -p "$MY_DIR" && cp -a "$MY_TEMPLATE" "$MY_DIR/data" && chown mysql:mysql "$MY_DIR" ||
		return 1
	if [ $# -eq 3 ]; then
		mariadb_use_cert "$MY_DIR" "$2" "$3" || return 1
		tls=(--ssl-cert="$MY_DIR/server.pem" --ssl-key="$MY_DIR/server.key")
	fi
	for attempt in 1 2 3 4 5; do
		port=$(free_port) || return 1
		new_server_log "mariadb-$label"
		install -o mysql -g mysql -m 0644 /dev/null "$SERVER_LOG" || return 1
		mariadbd --no-defaults --user=mysql --datadir="$MY_DIR/data" \
			--bind-address=127.0.0.1 --port="$port" --socket="$MY_DIR/mysqld.sock" \
			--pid-file="$MY_DIR/mysqld.pid" --log-error="$SERVER_LOG" \
			--skip-name-resolve --skip-log-bin --performance-schema=OFF \
			--innodb-buffer-pool-size=16M --innodb-log-file-size=4M "${tls[@]}" \
			</dev/null >>"$SERVER_LOG" 2>&1 &
		server_started "$port" $! "mariadbd ($label)"
		rc=$?
		[ "$rc" -eq 2 ] || return "$rc"
	done
	return 1
}

# mariadb_sql DIR STATEMENT: run STATEMENT as root over the server's socket
# (root@localhost logs in as the system user root).
mariadb_sql() {
	mariadb --no-defaults --socket="$1/mysqld.sock" -u root -e "$2" \
		>"$TEST_DIR/mariadb-client.log" 2>&1 && return 0
	diag "mariadb -e '$2' failed:"
	diag_file "$TEST_DIR/mariadb-client.log"
	return 1
}

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
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "${MY_CHECK[@]}"

expect_check 'check_tls -P mysql reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_TLS mysql: " \
	-- "$CHECK_TLS" -P mysql -H 127.0.0.1 -p "$P_TLS" -S db.test -C ca.pem

expect_check '--output=json names the protocol' 0 \
	'"protocol":"mysql"' '"state":"OK"' '"alpn":null' \
	-- "${MY_CHECK[@]}" --output=json

expect_check 'wrong name: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_TLS mysql: certificate 'CN=db\\.test' does not match 'other\\.test'" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" \
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
	"\\| days_left=9\\.9[0-9];14;7;0; $PERF_TAIL" \
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
