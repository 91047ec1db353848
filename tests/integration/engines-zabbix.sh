#!/bin/bash
# engines-zabbix.sh — a real Zabbix agent (zabbix_agentd) with the UserParameter
# of contrib/zabbix/userparameter_tlscheck.conf, asked over its own protocol
# for the days left on real servers on loopback (gnutls-serv, aiosmtpd,
# PostgreSQL): the values are the plugin's --output=days, -65535 when the probe
# fails. Then a real Zabbix server (zabbix_server) with the template of
# contrib/zabbix/tlscheck_template.yaml runs its external check on the same
# servers: the values it stores, the arguments it gives the plugin, and the
# triggers that fire, on hosts written by hand and on the hosts that
# tlscheck-discover --emit=zabbix writes.
#
# Both are private: their configuration, PID file and log are in the test's
# directory, the agent listens on 127.0.0.1 only and the server on no port, the
# server's database is in the test's PostgreSQL, and both are stopped by PID.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/pgsql.bash
. "$(dirname "$0")/pgsql.bash" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

require_server 'zabbix_agentd (zabbix-agent)' command -v zabbix_agentd
require_server 'zabbix_server (zabbix-server-pgsql)' command -v zabbix_server
require_server 'PyYAML (python3-yaml)' "$PYTHON" -c 'import yaml'
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

# shellcheck disable=SC2317 # called by wait_until
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

# --- external checks, run by a real zabbix_server ------------------------------
# The server keeps its configuration in a database: Zabbix's schema goes into a
# database of its own in the PostgreSQL that serves db.test, and the template of
# contrib/zabbix goes in with hosts linked to it, the rows the frontend's import
# and "link template" write (tests/integration/zabbix-db.py). One host per
# service, as the template checks one port per host; their interface has the
# service's name as DNS name and 127.0.0.1 as IP address to connect to.
ZS=$TEST_DIR/zabbix-server
ZABBIX_SQL=/usr/share/zabbix-server-pgsql
mkdir -p "$ZS/scripts" "$ZS/run"

zabbix_psql() {
	"$PG_BIN/psql" -h "$PG_DIR/sock" -p "$PGSQL_GOOD" -U postgres -X -q -A -t \
		-v ON_ERROR_STOP=1 "$@"
}

# A certificate inside the critical threshold: the HIGH trigger fires, and the
# WARNING one, which depends on it, does not.
{
	make_leaf tls-critical ca tls.test tls.test '-1 day' '+5 days -1 hour' &&
		start_gnutls_serv "$TEST_DIR/tls-critical.pem" "$TEST_DIR/tls-critical.key" \
			--disable-client-cert
} || bail_out 'gnutls-serv (5 days) did not start'
TLS_CRITICAL=$SERVER_PORT

# HOST DNS-NAME PORT PROTOCOL: the hosts, and the macros each sets. The interval
# of 1 second makes the first check come at once (the template's is 1 hour).
zabbix_hosts=(
	"tls-good tls.test $TLS_GOOD tls"
	"tls-expiring tls.test $TLS_EXPIRING tls"
	"tls-critical tls.test $TLS_CRITICAL tls"
	"tls-refused tls.test $TLS_REFUSED tls"
	"smtp-good smtp.test $SMTP_GOOD smtp"
	"pgsql-good db.test $PGSQL_GOOD pgsql"
	"no-dns - $TLS_GOOD tls"
)
host_args=()
# And the hosts tlscheck-discover --emit=zabbix writes for two of the listeners,
# as an operator imports them.
run_check "$TLSCHECK_BUILDDIR/plugins/tlscheck-discover" -C "$CA_FILE" -t 6 --emit=zabbix \
	"127.0.0.1:$TLS_EXPIRING,$SMTP_GOOD"
printf '%s\n' "$CHECK_OUT" >"$ZS/discovered.yaml"
DISCOVERED_TLS="tls.test tls $TLS_EXPIRING"
DISCOVERED_SMTP="smtp.test smtp $SMTP_GOOD"
if [ "$CHECK_RC" -eq 0 ] && grep -Fq "host: \"$DISCOVERED_TLS\"" "$ZS/discovered.yaml" &&
	grep -Fq "host: \"$DISCOVERED_SMTP\"" "$ZS/discovered.yaml"; then
	ok 'tlscheck-discover --emit=zabbix: a host for each of two listeners'
else
	not_ok 'tlscheck-discover --emit=zabbix: a host for each of two listeners'
	diag_file "$ZS/discovered.yaml"
	diag "$CHECK_ERR"
fi
host_args+=(--hosts "$ZS/discovered.yaml" --macro "{\$TLSCHECK.INTERVAL}=1s")
for h in "${zabbix_hosts[@]}"; do
	read -r name dns port protocol <<<"$h"
	[ "$dns" != - ] || dns=
	host_args+=(--host "$name" --ip 127.0.0.1 --dns "$dns" --macro "{\$TLSCHECK.PORT}=$port"
		--macro "{\$TLSCHECK.PROTOCOL}=$protocol" --macro "{\$TLSCHECK.INTERVAL}=1s")
done

# The schema, then from Zabbix's own data the rows the server refuses to start
# without (a user, the configuration) and what they refer to; the rest of
# data.sql, every stock template, is not needed here.
if zabbix_psql -c 'CREATE DATABASE zabbix' >"$ZS/import.log" 2>&1 &&
	gzip -dc "$ZABBIX_SQL/schema.sql.gz" | zabbix_psql zabbix >>"$ZS/import.log" 2>&1 &&
	gzip -dc "$ZABBIX_SQL/data.sql.gz" |
	grep -E '^INSERT INTO (role|users|usrgrp|hstgrp|config) ' |
		zabbix_psql zabbix >>"$ZS/import.log" 2>&1 &&
	"$PYTHON" "$TLSCHECK_SRCDIR/tests/integration/zabbix-db.py" \
		"$TLSCHECK_SRCDIR/contrib/zabbix/tlscheck_template.yaml" "${host_args[@]}" \
		>"$ZS/template.sql" 2>>"$ZS/import.log" &&
	zabbix_psql zabbix -f "$ZS/template.sql" >>"$ZS/import.log" 2>&1; then
	ok 'the Zabbix schema, and contrib/zabbix/tlscheck_template.yaml linked to 9 hosts'
else
	not_ok 'the Zabbix schema, and contrib/zabbix/tlscheck_template.yaml linked to 9 hosts'
	diag_file "$ZS/import.log"
	finish
fi

# The plugin in ExternalScripts under its own name, as an operator installs it,
# behind a wrapper that writes down the arguments the server gives it.
cat >"$ZS/scripts/check_tls" <<SCRIPT
#!/bin/sh
printf '%s ' "\$@" >>"$ZS/argv.log"
echo >>"$ZS/argv.log"
exec "$CHECK_TLS" "\$@"
SCRIPT
chmod 0755 "$ZS/scripts/check_tls"

# No trapper (StartTrappers=0): the server then listens on no port. One process
# of each kind it cannot run without; the configuration is read every second.
cat >"$ZS/zabbix_server.conf" <<CONF
LogFile=$ZS/zabbix_server.log
LogType=file
PidFile=$ZS/run/zabbix_server.pid
SocketDir=$ZS/run
TmpDir=$ZS/run
DBHost=$PG_DIR/sock
DBPort=$PGSQL_GOOD
DBName=zabbix
DBUser=postgres
AllowRoot=1
ExternalScripts=$ZS/scripts
AlertScriptsPath=$ZS/scripts
Timeout=5
CacheUpdateFrequency=1
HousekeepingFrequency=0
StartPollers=1
StartPollersUnreachable=1
StartTrappers=0
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartTimers=1
StartEscalators=1
StartAlerters=1
StartPreprocessors=1
StartDBSyncers=1
StartLLDProcessors=1
StartHistoryPollers=0
StartReportWriters=0
StartODBCPollers=0
StartProxyPollers=0
StartVMwareCollectors=0
StartJavaPollers=0
CONF

# Every host with a DNS name has a value, the three triggers that should fire
# have fired, and the item of the host without one is unsupported.
# shellcheck disable=SC2317 # called by wait_until
server_done() {
	[ "$(zabbix_psql zabbix -c 'SELECT count(DISTINCT itemid) FROM history')" -ge 8 ] &&
		[ "$(zabbix_psql zabbix -c 'SELECT count(*) FROM problem')" -ge 4 ] &&
		[ "$(zabbix_psql zabbix -c 'SELECT count(*) FROM item_rtdata WHERE state = 1')" -ge 1 ]
}

setsid zabbix_server -f -c "$ZS/zabbix_server.conf" >"$ZS/stdout.log" 2>&1 &
ZS_PID=$!
at_exit stop_engine "$ZS_PID"
if wait_until 30 "$ZS_PID" server_done; then
	ok "zabbix_server ran the template's external check on every host"
else
	not_ok "zabbix_server ran the template's external check on every host"
	diag "$(tail -n 30 "$ZS/zabbix_server.log")"
	diag "$(zabbix_psql zabbix -c 'SELECT h.host, r.state, r.error FROM items i
		JOIN hosts h USING (hostid) JOIN item_rtdata r USING (itemid)' 2>&1)"
fi
# The server has done its part: what it stored is read below.
stop_engine "$ZS_PID"

# expect_history DESC HOST REGEX: the first value the server stored for HOST's
# item matches ^REGEX$.
expect_history() {
	local desc=$1 host=$2 want=$3 value
	value=$(zabbix_psql zabbix -c "SELECT value FROM history JOIN items USING (itemid)
		JOIN hosts USING (hostid) WHERE host = '$host' ORDER BY clock, ns LIMIT 1" 2>&1)
	if printf '%s\n' "$value" | grep -Eqx -e "$want"; then
		ok "zabbix_server, $desc"
		return 0
	fi
	not_ok "zabbix_server, $desc"
	diag "stored: $value"
	diag "expected: $want"
	return 1
}
expect_history 'tls, good certificate: the days left' tls-good '199\.9[0-9]*'
expect_history 'tls, 10 days left: the days left' tls-expiring '9\.9[0-9]*'
expect_history 'tls, 5 days left: the days left' tls-critical '4\.9[0-9]*'
expect_history 'tls, connection refused: the sentinel -65535' tls-refused '-65535'
expect_history 'smtp, good certificate: the days left' smtp-good '199\.9[0-9]*'
expect_history 'pgsql, good certificate: the days left' pgsql-good '199\.9[0-9]*'
expect_history 'a host tlscheck-discover wrote, tls, 10 days left: the days left' \
	"$DISCOVERED_TLS" '9\.9[0-9]*'
expect_history 'a host tlscheck-discover wrote, smtp, good certificate: the days left' \
	"$DISCOVERED_SMTP" '199\.9[0-9]*'

# The arguments: the interface's DNS name to -H, the address it connects to to -I.
want="-H tls.test -I 127.0.0.1 -p $TLS_GOOD -P tls -t 2 --output=days "
if grep -Fqx -e "$want" "$ZS/argv.log" 2>/dev/null; then
	ok 'zabbix_server passes the DNS name to -H and the address to -I'
else
	not_ok 'zabbix_server passes the DNS name to -H and the address to -I'
	diag "expected: $want"
	diag_file "$ZS/argv.log"
fi

# An interface without a DNS name: -H is empty, which the plugin refuses, and the
# item is unsupported with what it said.
error=$(zabbix_psql zabbix -c "SELECT r.state, r.error FROM item_rtdata r JOIN items USING (itemid)
	JOIN hosts USING (hostid) WHERE host = 'no-dns'" 2>&1)
if [[ $error == "1|"*"'' is not a valid host name"* ]]; then
	ok 'zabbix_server, an interface without a DNS name: the item is unsupported, saying why'
else
	not_ok 'zabbix_server, an interface without a DNS name: the item is unsupported, saying why'
	diag "state|error: $error"
fi

# expect_problems DESC HOST [TRIGGER NAME...]: the problems open on HOST, by name.
expect_problems() {
	local desc=$1 host=$2 got want
	shift 2
	got=$(zabbix_psql zabbix -c "SELECT DISTINCT p.name FROM problem p
		JOIN functions f ON f.triggerid = p.objectid JOIN items USING (itemid)
		JOIN hosts USING (hostid) WHERE p.source = 0 AND p.object = 0
		AND host = '$host' ORDER BY 1" 2>&1)
	want=$(printf '%s\n' "$@" | sort)
	if [ "$got" = "$want" ]; then
		ok "zabbix_server, $desc"
		return 0
	fi
	not_ok "zabbix_server, $desc"
	diag "problems: $got"
	diag "expected: $want"
	return 1
}
expect_problems 'good certificate: no problem' tls-good
expect_problems 'good certificate over SMTP: no problem' smtp-good
expect_problems '10 days left: the WARNING trigger' tls-expiring \
	"TLS certificate: expires in less than 14 days (tls port $TLS_EXPIRING)"
expect_problems '5 days left: the HIGH trigger, and not the WARNING one that depends on it' \
	tls-critical \
	"TLS certificate: expires in less than 7 days or has expired (tls port $TLS_CRITICAL)"
expect_problems 'connection refused: the trigger on the sentinel' tls-refused \
	"TLS certificate: cannot probe tls port $TLS_REFUSED"
expect_problems 'a host tlscheck-discover wrote, 10 days left: the WARNING trigger' \
	"$DISCOVERED_TLS" "TLS certificate: expires in less than 14 days (tls port $TLS_EXPIRING)"

# The item's value map names the sentinel.
mapped=$(zabbix_psql zabbix -c "SELECT m.newvalue FROM items JOIN hosts USING (hostid)
	JOIN valuemap_mapping m USING (valuemapid) WHERE host = 'tls-refused'
	AND m.value = '-65535'" 2>&1)
if [ "$mapped" = 'probe failed' ]; then
	ok 'the value map shows -65535 as "probe failed"'
else
	not_ok 'the value map shows -65535 as "probe failed"'
	diag "mapped to: $mapped"
fi

finish
