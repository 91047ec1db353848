#!/bin/bash
# xmpp.sh — check_tls_xmpp against real Prosody servers: STARTTLS client-to-server
# and server-to-server (--server), direct TLS (XEP-0368) on both, a domain the
# server does not serve, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

CHECK_TLS_XMPP=$TLSCHECK_BUILDDIR/plugins/check_tls_xmpp
PROSODY=/usr/bin/prosody

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'Prosody (prosody)' test -x "$PROSODY"
require_server 'Prosody as user prosody (the test must run as root)' test "$(id -u)" -eq 0
require_server 'user prosody (prosody)' id prosody
require_server 'setpriv (util-linux)' command -v setpriv
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_XMPP"
require_plugin "$CHECK_TLS"
lib_init

# start_prosody NAME tls|plain: a private Prosody serving the VirtualHost
# xmpp.test on four free loopback ports: c2s and s2s (STARTTLS), and their direct
# TLS ports. With tls its certificate is TEST_DIR/ok.pem, found by the host's name
# in a certificates directory of its own (direct TLS looks only there); plain has
# no TLS module at all. Sets C2S, C2S_TLS, S2S, S2S_TLS. Prosody refuses to run as
# root, and `prosody --version` would start a server: it is only ever started here.
start_prosody() {
	local name=$1 mode=$2 dir=$TEST_DIR/$1 attempt port pid rc
	local enabled='"tls", "saslauth", "dialback", "disco"' disabled= required=true
	mkdir -p "$dir/data" "$dir/certs" && chown prosody "$dir/data" || return 1
	if [ "$mode" = tls ]; then
		install -o prosody -m 0600 "$TEST_DIR/ok.pem" "$dir/certs/xmpp.test.crt" &&
			install -o prosody -m 0600 "$TEST_DIR/ok.key" "$dir/certs/xmpp.test.key" ||
			return 1
	else
		enabled='"saslauth", "dialback", "disco"' disabled='"tls"' required=false
	fi
	for attempt in 1 2 3 4 5; do
		C2S=$(free_port) && C2S_TLS=$(free_port) && S2S=$(free_port) &&
			S2S_TLS=$(free_port) || return 1
		cat >"$dir/prosody.cfg.lua" <<-EOF
			pidfile = "$dir/data/prosody.pid"
			data_path = "$dir/data"
			certificates = "$dir/certs"
			interfaces = { "127.0.0.1" }
			c2s_ports = { $C2S }
			c2s_direct_tls_ports = { $C2S_TLS }
			s2s_ports = { $S2S }
			s2s_direct_tls_ports = { $S2S_TLS }
			http_ports = { }
			https_ports = { }
			component_ports = { }
			log = { { levels = { min = "info" }, to = "console" } }
			modules_enabled = { $enabled }
			modules_disabled = { $disabled }
			c2s_require_encryption = $required
			s2s_require_encryption = $required
			VirtualHost "xmpp.test"
		EOF
		new_server_log "prosody-$name"
		setpriv --reuid=prosody --regid=prosody --init-groups \
			"$PROSODY" -F --config "$dir/prosody.cfg.lua" </dev/null >"$SERVER_LOG" 2>&1 &
		pid=$!
		kill_at_exit "$pid"
		rc=0
		for port in "$C2S" "$C2S_TLS" "$S2S" "$S2S_TLS"; do
			wait_listening "$port" "$pid" 20
			rc=$?
			[ "$rc" -eq 0 ] || break
		done
		[ "$rc" -eq 0 ] && return 0
		diag "Prosody ($name) did not listen on port $port"
		diag_file "$SERVER_LOG"
		stop_pid "$pid"
		[ "$rc" -eq 2 ] || return 1
	done
	return 1
}

{
	make_ca ca &&
		make_leaf ok ca xmpp.test xmpp.test '-1 day' '+100 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_prosody tls tls || bail_out 'Prosody (TLS) did not start'
P_C2S=$C2S
P_C2S_TLS=$C2S_TLS
P_S2S=$S2S
P_S2S_TLS=$S2S_TLS
start_prosody plain plain || bail_out 'Prosody (no TLS) did not start'
P_PLAIN_C2S=$C2S
P_PLAIN_S2S=$S2S

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
XMPP=("$CHECK_TLS_XMPP" -H xmpp.test -I 127.0.0.1 -C ca.pem)

expect_check 'c2s STARTTLS: OK' 0 \
	"^TLS OK - xmpp\\.test:$P_C2S xmpp: certificate 'CN=xmpp\\.test' expires in 99d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=99\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "${XMPP[@]}" -p "$P_C2S"

expect_check 'c2s STARTTLS, -w 120 -c 30: WARNING' 1 \
	"^TLS WARNING - xmpp\\.test:$P_C2S xmpp: certificate 'CN=xmpp\\.test' expires in 99d 2[23]h" \
	"\\| days_left=99\\.9[0-9];120;30;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_C2S" -w 120 -c 30

# The XMPP domain goes in to=; the name checked is still -H's.
expect_check 'c2s STARTTLS, certificate for another name: CRITICAL' 2 \
	"^TLS CRITICAL - other\\.test:$P_C2S xmpp: certificate 'CN=xmpp\\.test' does not match 'other\\.test'" \
	"\\| days_left=99\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "$CHECK_TLS_XMPP" -H other.test -I 127.0.0.1 -p "$P_C2S" -C ca.pem --xmpp-domain xmpp.test

expect_check 'c2s, a domain the server does not serve: CRITICAL, the stream error named' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_C2S xmpp: server sent stream error 'host-unknown' instead of the stream features" \
	"$PERF_FAILED" '@lines=1' \
	-- "${XMPP[@]}" -p "$P_C2S" --xmpp-domain elsewhere.test

expect_check 's2s STARTTLS (--server): OK' 0 \
	"^TLS OK - xmpp\\.test:$P_S2S xmpp: certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_S2S" --server

expect_check 'check_tls -P xmpp reaches the same protocol' 0 \
	"^TLS OK - xmpp\\.test:$P_S2S xmpp: " \
	-- "$CHECK_TLS" -P xmpp -H xmpp.test -I 127.0.0.1 -p "$P_S2S" -C ca.pem --server

expect_check 'c2s direct TLS: OK, the stream confirmed over TLS' 0 \
	"^TLS OK - xmpp\\.test:$P_C2S_TLS xmpp: certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_C2S_TLS" --implicit-tls

expect_check 's2s direct TLS (--server): OK' 0 \
	"^TLS OK - xmpp\\.test:$P_S2S_TLS xmpp: certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_S2S_TLS" --implicit-tls --server

expect_check 'direct TLS, a domain the server does not serve: WARNING, chain still judged' 1 \
	"^TLS WARNING - xmpp\\.test:$P_C2S_TLS xmpp: server sent stream error 'host-unknown' instead of the stream features over TLS" \
	"certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_C2S_TLS" --implicit-tls --xmpp-domain elsewhere.test

expect_check 'c2s without TLS: CRITICAL, no STARTTLS' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_PLAIN_C2S xmpp: server does not offer STARTTLS" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${XMPP[@]}" -p "$P_PLAIN_C2S"

expect_check 's2s without TLS: CRITICAL, no STARTTLS' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_PLAIN_S2S xmpp: server does not offer STARTTLS" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${XMPP[@]}" -p "$P_PLAIN_S2S" --server

expect_check 'direct TLS port spoken to with STARTTLS, -t 2: CRITICAL at once' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_C2S_TLS xmpp: " "$PERF_FAILED" '@max-secs=5' \
	-- "${XMPP[@]}" -p "$P_C2S_TLS" -t 2

finish
