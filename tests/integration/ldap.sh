#!/bin/bash
# ldap.sh — check_tls_ldap against private OpenLDAP servers (slapd): StartTLS,
# LDAPS with --implicit-tls and on 3269 by the port alone, an expiring
# certificate, a wrong name, and a slapd without TLS that refuses StartTLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

CHECK_TLS_LDAP=$TLSCHECK_BUILDDIR/plugins/check_tls_ldap

require_server 'slapd (slapd)' command -v slapd
require_server 'slapd back_mdb (slapd)' test -e /usr/lib/ldap/back_mdb.so
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_LDAP"
require_plugin "$CHECK_TLS"
lib_init

# --- slapd ------------------------------------------------------------------------
# A private slapd from an old-style slapd.conf, its database and files in TEST_DIR.
# It runs as whoever runs the test (root included: slapd drops no privileges
# without -u), so it reads the key made here; TEST_DIR is 0755 either way.

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

{
	make_ca ca &&
		make_leaf ok ca ldap.test ldap.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca ldap.test ldap.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_slapd ok "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" || bail_out 'slapd (TLS) did not start'
P_OK=$LDAP_PORT
P_LDAPS=$LDAPS_PORT
GC=$GC_ADDRESS
start_slapd warn "$TEST_DIR/warn.pem" "$TEST_DIR/warn.key" ||
	bail_out 'slapd (TLS, 10 days) did not start'
P_WARN=$LDAP_PORT
start_slapd plain || bail_out 'slapd (no TLS) did not start'
P_PLAIN=$LDAP_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'

expect_check 'StartTLS, fine certificate: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_OK ldap: certificate 'CN=ldap\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_OK" -S ldap.test -C ca.pem

expect_check 'check_tls -P ldap reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_OK ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "$CHECK_TLS" -P ldap -H 127.0.0.1 -p "$P_OK" -S ldap.test -C ca.pem

expect_check 'StartTLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$P_WARN ldap: certificate 'CN=ldap\\.test' expires in 9d 2[23]h" \
	'chain trusted by ca\.pem' \
	"\\| days_left=9\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_WARN" -S ldap.test -C ca.pem

expect_check 'StartTLS, --output=days' 0 '^9\.9[0-9]$' '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_WARN" -S ldap.test -C ca.pem --output=days

expect_check 'StartTLS, wrong name: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_OK ldap: certificate 'CN=ldap\\.test' does not match 'other\\.test' \\(SANs: ldap\\.test\\)" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_OK" -S other.test -C ca.pem

expect_check 'no TLS configured: StartTLS refused, CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_PLAIN ldap: server refused StartTLS: resultCode 2 \\(protocolError\\): 'unsupported extended operation', StartTLS not supported" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_PLAIN" -S ldap.test -C ca.pem

expect_check 'no TLS configured, --output=days: the sentinel' 0 '^-65535$' '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_PLAIN" --output=days

expect_check 'LDAPS with --implicit-tls: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_LDAPS ldap: certificate 'CN=ldap\\.test' expires in 199d 2[23]h" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_LDAPS" -S ldap.test -C ca.pem --implicit-tls

expect_check 'LDAPS port spoken to with StartTLS: CRITICAL, hints --implicit-tls' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_LDAPS ldap: server closed the connection while we waited for the response to StartTLS \\(nothing received: if this port speaks TLS at connect, use --implicit-tls\\)" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_LDAPS" -S ldap.test -C ca.pem

# 3269 is an implicit-TLS port of the protocol's profile: no --implicit-tls needed.
expect_check 'global catalog port 3269: TLS at connect by the port alone' 0 \
	"^TLS OK - ${GC//./\\.}:3269 ldap: certificate 'CN=ldap\\.test' expires in 199d 2[23]h" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H "$GC" -p 3269 -S ldap.test -C ca.pem

expect_check 'check_tls -P ldap on 3269: TLS at connect' 0 \
	"^TLS OK - ldap\\.test:3269 ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "$CHECK_TLS" -P ldap -H ldap.test -I "$GC" -p 3269 -C ca.pem

finish
