# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# pgsql.bash — a private PostgreSQL cluster for pgsql.sh, discover.sh, the engine
# tests (engines.bash) and scripts/demo.sh, sourced after lib.sh.

PG_BIN=
PG_DIR=
PG_DATA=
PG_PORT=

pg_find_bin() {
	local dirs=(/usr/lib/postgresql/*/bin)
	PG_BIN=$(printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1)
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] &&
		id postgres >/dev/null 2>&1
}

as_postgres() {
	runuser -u postgres -- "$@"
}

# pg_use_cert CERTFILE KEYFILE: copy them to the files the server is configured
# with (takes effect at the next reload).
pg_use_cert() {
	install -o postgres -g postgres -m 0644 "$1" "$PG_DIR/server.crt" &&
		install -o postgres -g postgres -m 0600 "$2" "$PG_DIR/server.key"
}

# pg_set NAME VALUE: set a parameter in postgresql.auto.conf (reload to apply).
pg_set() {
	local conf=$PG_DATA/postgresql.auto.conf
	sed -i "/^$1 = /d" "$conf" && printf "%s = '%s'\n" "$1" "$2" >>"$conf" &&
		chown postgres:postgres "$conf"
}

# Reload the configuration and wait until the postmaster has done it: it logs
# the SIGHUP before it reloads, and accepts no connection until it has finished.
pg_reload() {
	local before i
	before=$(grep -c 'reloading configuration files' "$PG_DIR/log" 2>/dev/null)
	before=${before:-0}
	as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" reload >/dev/null 2>&1 || return 1
	for i in $(seq 1 200); do
		if [ "$(grep -c 'reloading configuration files' "$PG_DIR/log")" -gt "$before" ]; then
			sleep 0.1
			return 0
		fi
		sleep 0.05
	done
	diag 'PostgreSQL did not reload'
	return 1
}

# start_postgres CERTFILE KEYFILE: a private cluster on 127.0.0.1 with ssl=on.
# Sets PG_PORT (and SERVER_PORT), PG_DATA, PG_DIR.
start_postgres() {
	local attempt
	pg_find_bin || return 1
	PG_DIR=$TEST_DIR/pg
	PG_DATA=$PG_DIR/data
	mkdir -p "$PG_DIR/sock" && chown -R postgres:postgres "$PG_DIR" || return 1
	if ! as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -N \
		>"$PG_DIR/initdb.log" 2>&1; then
		diag 'initdb failed'
		diag_file "$PG_DIR/initdb.log"
		return 1
	fi
	pg_use_cert "$1" "$2" || return 1
	pg_set listen_addresses 127.0.0.1
	pg_set unix_socket_directories "$PG_DIR/sock"
	pg_set ssl on
	pg_set ssl_cert_file "$PG_DIR/server.crt"
	pg_set ssl_key_file "$PG_DIR/server.key"
	pg_set fsync off
	at_exit as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w stop
	for attempt in 1 2 3 4 5; do
		PG_PORT=$(free_port) || return 1
		pg_set port "$PG_PORT"
		if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/log" -w -t 30 start \
			>"$PG_DIR/pg_ctl.log" 2>&1; then
			SERVER_PORT=$PG_PORT
			return 0
		fi
		diag "PostgreSQL did not start on port $PG_PORT (attempt $attempt)"
		diag_file "$PG_DIR/log"
		grep -Eqi 'could not bind|in use' "$PG_DIR/log" 2>/dev/null || return 1
	done
	return 1
}
