#!/bin/bash
# engines-zabbix.sh — a real Zabbix agent (zabbix_agentd) with the UserParameter
# of contrib/zabbix/userparameter_tlscheck.conf, asked over its own protocol
# for the days left on real servers on loopback (gnutls-serv, aiosmtpd,
# PostgreSQL): the values are the plugin's --output=days, -65535 when the probe
# fails.
#
# The agent is private: its configuration, PID file and log are in the test's
# directory, it listens on 127.0.0.1 only, and it is stopped by PID.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

require_server 'zabbix_agentd (zabbix-agent)' command -v zabbix_agentd
engines_require_servers
require_plugin "$CHECK_TLS"
lib_init
engines_start_servers

Z=$TEST_DIR/zabbix
mkdir -p "$Z"
# contrib's file, with the plugin where this build has it.
sed "s|/usr/lib/nagios/plugins/|$TLSCHECK_BUILDDIR/plugins/|" \
	"$TLSCHECK_SRCDIR/contrib/zabbix/userparameter_tlscheck.conf" >"$Z/userparameter_tlscheck.conf"

# zabbix_get ADDRESS PORT KEY: the agent's answer, over the agent protocol (a
# "ZBXD\1" header, the length as 8 bytes little-endian, the data; the same back).
zabbix_get() {
	"$PYTHON" - "$@" <<'PY'
import socket, struct, sys
host, port, key = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
s = socket.create_connection((host, port), timeout=15)
s.sendall(b"ZBXD\x01" + struct.pack("<Q", len(key)) + key)
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
if data[:5] != b"ZBXD\x01":
    sys.exit("not a Zabbix answer: %r" % data[:40])
length = struct.unpack("<Q", data[5:13])[0]
sys.stdout.write(data[13:13 + length].decode().replace("\0", ": "))
PY
}

# The agent accepts ListenPort 1024-32767 only, outside the kernel's range of
# ephemeral ports that free_port draws from.
start_agent() {
	local attempt
	for attempt in 1 2 3 4 5; do
		AGENT_PORT=$((10000 + RANDOM % 20000))
		cat >"$Z/zabbix_agentd.conf" <<CONF
PidFile=$Z/zabbix_agentd.pid
LogFile=$Z/zabbix_agentd.log
LogType=file
Server=127.0.0.1
ListenIP=127.0.0.1
ListenPort=$AGENT_PORT
StartAgents=2
ServerActive=
Hostname=testhost
AllowRoot=1
Timeout=5
Include=$Z/userparameter_tlscheck.conf
CONF
		setsid zabbix_agentd -f -c "$Z/zabbix_agentd.conf" >"$Z/stdout.log" 2>&1 &
		AGENT_PID=$!
		at_exit stop_engine "$AGENT_PID"
		wait_until 10 "$AGENT_PID" agent_ready && return 0
		stop_engine "$AGENT_PID"
		grep -Eqi 'in use|bind' "$Z/zabbix_agentd.log" || break
	done
	diag_file "$Z/zabbix_agentd.log"
	return 1
}

agent_ready() {
	[ "$(zabbix_get 127.0.0.1 "$AGENT_PORT" agent.ping 2>/dev/null)" = 1 ]
}

if start_agent; then
	ok 'zabbix_agentd with contrib/zabbix/userparameter_tlscheck.conf answers'
else
	not_ok 'zabbix_agentd with contrib/zabbix/userparameter_tlscheck.conf answers'
	finish
fi

# expect_value DESC KEY REGEX: the agent's value for KEY matches ^REGEX$.
expect_value() {
	local desc=$1 key=$2 want=$3 value
	value=$(zabbix_get 127.0.0.1 "$AGENT_PORT" "$key" 2>&1)
	if printf '%s' "$value" | grep -Eqx -e "$want" && [ "$(printf '%s\n' "$value" | wc -l)" -eq 1 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "key: $key"
	diag "value: $value"
	diag "expected: $want"
	return 1
}

CA=$CA_FILE
expect_value 'tls, good certificate: the days left' \
	"tlscheck.days[tls.test,$TLS_GOOD,,$CA,127.0.0.1]" '199\.9[0-9]'
expect_value 'tls, 10 days left: the days left' \
	"tlscheck.days[tls.test,$TLS_EXPIRING,tls,$CA,127.0.0.1]" '9\.9[0-9]'
expect_value 'tls, connection refused: the sentinel -65535' \
	"tlscheck.days[tls.test,$TLS_REFUSED,,$CA,127.0.0.1]" '-65535'
expect_value 'smtp, good certificate: the days left' \
	"tlscheck.days[smtp.test,$SMTP_GOOD,smtp,$CA,127.0.0.1]" '199\.9[0-9]'
expect_value 'smtp, 10 days left: the days left' \
	"tlscheck.days[smtp.test,$SMTP_EXPIRING,smtp,$CA,127.0.0.1]" '9\.9[0-9]'
expect_value 'pgsql, good certificate: the days left' \
	"tlscheck.days[db.test,$PGSQL_GOOD,pgsql,$CA,127.0.0.1]" '199\.9[0-9]'
# The days say nothing about trust: an untrusted chain still gives the days.
expect_value 'tls, chain not trusted by the system store: still the days left' \
	"tlscheck.days[tls.test,$TLS_GOOD,,,127.0.0.1]" '199\.9[0-9]'
# No address: the name is resolved (it does not resolve here): the sentinel.
expect_value 'a name that does not resolve: the sentinel -65535' \
	"tlscheck.days[no-such-host.invalid,$TLS_GOOD]" '-65535'
expect_value 'plain TLS on SMTP: no STARTTLS answer, the sentinel -65535' \
	"tlscheck.days[smtp.test,$TLS_GOOD,smtp,$CA,127.0.0.1]" '-65535'

# --- external checks -------------------------------------------------------------
# No Zabbix server runs here (it needs its database schema and polling); what it
# does with an external check is run the program with the key's parameters as
# separate arguments, ignore the exit status and store standard output and
# standard error together. The template's key, run that way.
external_check() {
	local desc=$1 want=$2 value
	shift 2
	value=$("$TLSCHECK_BUILDDIR/plugins/check_tls" "$@" 2>&1)
	if printf '%s\n' "$value" | grep -Eqx -e "$want"; then
		ok "external check, as zabbix_server runs it: $desc"
	else
		not_ok "external check, as zabbix_server runs it: $desc"
		diag "arguments: $*"
		diag "output: $value"
	fi
}
external_check 'good certificate: the days, one line' '199\.9[0-9]' \
	-H tls.test -I 127.0.0.1 -p "$TLS_GOOD" -P tls -C "$CA" -t 2 --output=days
external_check 'refused: the sentinel, nothing else on either stream' '-65535' \
	-H tls.test -I 127.0.0.1 -p "$TLS_REFUSED" -P tls -C "$CA" -t 2 --output=days

finish
