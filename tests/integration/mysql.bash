# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# mysql.bash — private MariaDB servers (mariadb-server) for mysql.sh and
# discover-servers.sh, sourced after lib.sh.
#
# One system database is made once (a small redo log, no test database: no
# account for any host but localhost); each server runs on a copy of it, in a
# directory of its own owned by mysql (the server drops to that user, then reads
# its certificate and key, and writes its log there). With --skip-name-resolve,
# a client from 127.0.0.1 is not localhost: it is refused until an account for
# 127.0.0.1 exists.

MY_TEMPLATE=
MY_DIR=

# require_mariadb: the server, its installer, its client and its user.
require_mariadb() {
	require_server 'MariaDB (mariadb-server)' command -v mariadbd
	require_server 'mariadb-install-db (mariadb-server)' command -v mariadb-install-db
	require_server 'the mariadb client (mariadb-client)' command -v mariadb
	require_server 'user mysql (mariadb-server)' id mysql
	require_server 'MariaDB as user mysql (the test must run as root)' test "$(id -u)" -eq 0
}

# mariadb_install: the system database every server starts from, in MY_TEMPLATE.
mariadb_install() {
	MY_TEMPLATE=$TEST_DIR/mariadb-template
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
	local label=$1 tls=()
	MY_DIR=$TEST_DIR/$label
	mkdir -p "$MY_DIR" && cp -a "$MY_TEMPLATE" "$MY_DIR/data" && chown mysql:mysql "$MY_DIR" ||
		return 1
	if [ $# -eq 3 ]; then
		mariadb_use_cert "$MY_DIR" "$2" "$3" || return 1
		tls=(--ssl-cert="$MY_DIR/server.pem" --ssl-key="$MY_DIR/server.key")
	fi
	start_on_free_port "mariadbd ($label)" launch_mariadb "$label" "${tls[@]}"
}

launch_mariadb() {
	local port=$1 label=$2
	shift 2
	new_server_log "mariadb-$label"
	install -o mysql -g mysql -m 0644 /dev/null "$SERVER_LOG" || return 1
	mariadbd --no-defaults --user=mysql --datadir="$MY_DIR/data" \
		--bind-address=127.0.0.1 --port="$port" --socket="$MY_DIR/mysqld.sock" \
		--pid-file="$MY_DIR/mysqld.pid" --log-error="$SERVER_LOG" \
		--skip-name-resolve --skip-log-bin --performance-schema=OFF \
		--innodb-buffer-pool-size=16M --innodb-log-file-size=4M "$@" \
		</dev/null >>"$SERVER_LOG" 2>&1 &
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
