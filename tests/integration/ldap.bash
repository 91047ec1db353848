# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# ldap.bash — a private OpenLDAP server (slapd) for ldap.sh and
# discover-servers.sh, sourced after lib.sh: an old-style slapd.conf, its
# database and files in TEST_DIR. It runs as whoever runs the test (root
# included: slapd drops no privileges without -u), so it reads the key made
# here; TEST_DIR is 0755 either way.

# require_slapd: slapd and its mdb backend.
require_slapd() {
	require_server 'slapd (slapd)' command -v slapd
	require_server 'slapd back_mdb (slapd)' test -e /usr/lib/ldap/back_mdb.so
}

# slapd_conf NAME [CERTFILE KEYFILE]: TEST_DIR/NAME.conf; without a certificate,
# no TLS at all.
slapd_conf() {
	local name=$1 dir=$TEST_DIR/$1
	mkdir -p "$dir/db" || return 1
	{
		echo 'include /etc/ldap/schema/core.schema'
		echo 'modulepath /usr/lib/ldap'
		echo 'moduleload back_mdb'
		echo "pidfile $dir/slapd.pid"
		echo "argsfile $dir/slapd.args"
		if [ $# -ge 3 ]; then
			echo "TLSCertificateFile $2"
			echo "TLSCertificateKeyFile $3"
		fi
		echo 'database mdb'
		echo 'suffix "dc=test"'
		echo "directory $dir/db"
		echo 'maxsize 10485760'
	} >"$TEST_DIR/$name.conf"
}

# slapd_wait PID ADDRESS:PORT...: until each listener accepts a connection.
# Returns 1 when PID exits first or after 10 s.
slapd_wait() {
	local pid=$1 i hp ready
	shift
	for i in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || return 1
		ready=1
		for hp in "$@"; do
			if ! (exec 3<>"/dev/tcp/${hp%:*}/${hp##*:}") 2>/dev/null; then
				ready=0
				break
			fi
		done
		[ "$ready" = 1 ] && return 0
		sleep 0.05
	done
	return 1
}

# start_slapd NAME [CERTFILE KEYFILE]: slapd with StartTLS on 127.0.0.1:LDAP_PORT;
# with a certificate, also LDAPS on 127.0.0.1:LDAPS_PORT and on GC_ADDRESS:3269
# (the global catalog port, on a loopback address of its own so that it clashes
# with nothing). Free ports are picked at each attempt; a clash is retried.
start_slapd() {
	local name=$1 attempt urls listeners pid
	slapd_conf "$@" || return 1
	for attempt in 1 2 3 4 5; do
		LDAP_PORT=$(free_port) && LDAPS_PORT=$(free_port) || return 1
		GC_ADDRESS=127.$((RANDOM % 250 + 2)).$((RANDOM % 250 + 2)).$((RANDOM % 250 + 2))
		urls="ldap://127.0.0.1:$LDAP_PORT/"
		listeners=("127.0.0.1:$LDAP_PORT")
		if [ $# -ge 3 ]; then
			urls+=" ldaps://127.0.0.1:$LDAPS_PORT/ ldaps://$GC_ADDRESS:3269/"
			listeners+=("127.0.0.1:$LDAPS_PORT" "$GC_ADDRESS:3269")
		fi
		new_server_log "slapd-$name"
		# -d 1 keeps it in the foreground and logs a failed bind ("errno=98").
		slapd -f "$TEST_DIR/$name.conf" -h "$urls" -d 1 </dev/null >"$SERVER_LOG" 2>&1 &
		pid=$!
		kill_at_exit "$pid"
		if slapd_wait "$pid" "${listeners[@]}" && port_owned_by "$LDAP_PORT" "$pid"; then
			return 0
		fi
		stop_pid "$pid"
		grep -q 'errno=98' "$SERVER_LOG" && continue
		diag "slapd $name did not start"
		diag_file "$SERVER_LOG"
		return 1
	done
	return 1
}
