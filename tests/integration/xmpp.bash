# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# xmpp.bash — a private Prosody for xmpp.sh and discover-servers.sh, sourced
# after lib.sh.

PROSODY=/usr/bin/prosody

# require_prosody: Prosody, its user, and a way to start it as that user.
require_prosody() {
	require_server 'Prosody (prosody)' test -x "$PROSODY"
	require_server 'Prosody as user prosody (the test must run as root)' test "$(id -u)" -eq 0
	require_server 'user prosody (prosody)' id prosody
	require_server 'setpriv (util-linux)' command -v setpriv
}

# start_prosody NAME tls|plain [CERT]: a private Prosody serving the VirtualHost
# xmpp.test on four free loopback ports: c2s and s2s (STARTTLS), and their direct
# TLS ports. With tls its certificate is TEST_DIR/CERT.pem (default ok), found by
# the host's name in a certificates directory of its own (direct TLS looks only
# there); plain has no TLS module at all. Sets C2S, C2S_TLS, S2S, S2S_TLS. Prosody refuses to run as
# root, and `prosody --version` would start a server: it is only ever started here.
start_prosody() {
	local name=$1 mode=$2 cert=${3:-ok} dir=$TEST_DIR/$1 attempt port pid rc
	local enabled='"tls", "saslauth", "dialback", "disco"' disabled='' required=true
	mkdir -p "$dir/data" "$dir/certs" && chown prosody "$dir/data" || return 1
	if [ "$mode" = tls ]; then
		install -o prosody -m 0600 "$TEST_DIR/$cert.pem" "$dir/certs/xmpp.test.crt" &&
			install -o prosody -m 0600 "$TEST_DIR/$cert.key" "$dir/certs/xmpp.test.key" ||
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
