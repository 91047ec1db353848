#!/bin/bash
# engines-zabbix.sh — a real Zabbix agent (zabbix_agentd) with the UserParameters
# of contrib/zabbix/userparameter_tlscheck.conf, asked over its own protocol
# for the days left and the JSON on real servers on loopback (gnutls-serv,
# aiosmtpd, PostgreSQL): the values are the plugin's --output=days (-65535 when
# the probe fails) and --output=json, nothing else. Then a real Zabbix server
# (zabbix_server), with the template of contrib/zabbix/tlscheck_template.yaml
# imported through the Zabbix frontend's API, runs its external check on the
# same servers: the values its dependent items store, the arguments it gives
# the plugin, and the triggers that fire, on hosts made through the API and on
# the host that tlscheck-discover --emit=zabbix writes. The discovery rules, on
# the agent's tlscheck.discovery and by the server's external check
# tlscheck-discover --emit=zabbix-lld: the items and triggers they make for
# each TLS listener, with their values, a stale reload's trigger among them.
# And a real active Zabbix proxy (zabbix_proxy) runs the checks of a host, whose
# values reach the server's history.
#
# The whole test runs in a network namespace of its own (unshare -n), with only
# its loopback: the listeners the agent's tlscheck-discover --local finds are
# the test's servers, and no others.
#
# All are private: their configuration, PID file and log are in the test's
# directory, the agent, the frontend (php -S) and the server's trapper listen
# on 127.0.0.1 only, the server's database is in the test's PostgreSQL, the
# proxy's in the test's directory, and all are stopped by PID.

if [ "${TLSCHECK_NETNS:-}" != 1 ]; then
	TLSCHECK_NETNS=1 exec unshare -n -- "$BASH" "$0" "$@"
fi
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
ip link set lo up || bail_out 'cannot bring up the loopback of the network namespace'
# shellcheck source=tests/integration/pgsql.bash
. "$(dirname "$0")/pgsql.bash" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

require_server 'zabbix_agentd (zabbix-agent)' command -v zabbix_agentd
require_server 'zabbix_server (zabbix-server-pgsql)' command -v zabbix_server
require_server 'PyYAML (python3-yaml)' "$PYTHON" -c 'import yaml'
require_server 'php (php-cli)' command -v php
require_server 'php-pgsql' php -r 'exit(function_exists("pg_connect") ? 0 : 1);'
require_server 'the Zabbix frontend (zabbix-frontend-php)' test -f /usr/share/zabbix/api_jsonrpc.php
# Where scripts/install-deps.sh unpacks zabbix-proxy-sqlite3.
ZABBIX_PROXY_DIR=${ZABBIX_PROXY_DIR:-/opt/tlscheck/zabbix-proxy-sqlite3}
require_server 'zabbix_proxy (zabbix-proxy-sqlite3, unpacked by scripts/install-deps.sh)' \
	"$ZABBIX_PROXY_DIR/usr/sbin/zabbix_proxy" -V
engines_require_servers
require_plugin "$CHECK_TLS"
lib_init
engines_start_servers

Z=$TEST_DIR/zabbix
mkdir -p "$Z"
# contrib's file, with the plugin where this build has it.
sed -e "s|/usr/lib/nagios/plugins/|$TLSCHECK_BUILDDIR/plugins/|" \
	-e "s|/usr/bin/tlscheck-discover|$TLSCHECK_BUILDDIR/plugins/tlscheck-discover|" \
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
StartAgents=3
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

# tlscheck.json: the plugin's JSON alone, whatever the state (the agent merges
# stderr into the value), with the answers of trust and name.
expect_value 'tlscheck.json, good certificate: OK, trusted, the name matches' \
	"tlscheck.json[tls.test,$TLS_GOOD,,$CA,127.0.0.1,14d,7d]" \
	'\{"host":"tls\.test",.*"exit_code":0,.*"trusted":true,"name_matches":true,.*\}'
expect_value 'tlscheck.json, -w 300d: WARNING' \
	"tlscheck.json[tls.test,$TLS_GOOD,,$CA,127.0.0.1,300d,7d]" '\{.*"exit_code":1,.*\}'
expect_value 'tlscheck.json, the system store: CRITICAL, not trusted' \
	"tlscheck.json[tls.test,$TLS_GOOD,,,127.0.0.1]" '\{.*"exit_code":2,.*"trusted":false,.*\}'
expect_value 'tlscheck.json, another name: CRITICAL, the name does not match' \
	"tlscheck.json[www.other.test,$TLS_GOOD,,$CA,127.0.0.1]" \
	'\{.*"exit_code":2,.*"trusted":true,"name_matches":false,.*\}'
expect_value 'tlscheck.json, connection refused: CRITICAL, neither judged' \
	"tlscheck.json[tls.test,$TLS_REFUSED,,$CA,127.0.0.1]" \
	'\{.*"exit_code":2,.*"trusted":null,"name_matches":null,.*\}'
expect_value 'tlscheck.json, a bad threshold: UNKNOWN, one JSON object' \
	"tlscheck.json[tls.test,$TLS_GOOD,,$CA,127.0.0.1,bad]" \
	'\{"plugin":"check_tls","state":"UNKNOWN","exit_code":3,.*"rule":"usage".*\}'

# tlscheck.discovery: the TLS listeners of the namespace, with the name their
# certificate has and the test's CA that validates it; gnutls-serv's socket for
# IPv4 and the one for IPv6 are one listener, checked over IPv4. The agent's
# own port and the refused one are not there. How long it takes is what the
# agent's Timeout must allow (contrib/zabbix/README.md).
started=$(date +%s%N)
lld=$(zabbix_get 127.0.0.1 "$AGENT_PORT" "tlscheck.discovery[$CA_FILE]" 2>&1)
took=$((($(date +%s%N) - started) / 1000000))
lld_rows=$(printf '%s' "$lld" | "$PYTHON" -c '
import json, sys
for o in json.load(sys.stdin):
    print(" ".join(o[k] for k in ("{#PROTOCOL}", "{#HOST}", "{#PORT}", "{#PLUGIN}", "{#NAME}", "{#CAFILE}")))
' 2>&1 | sort)
want_rows=$(printf '%s\n' "tls 127.0.0.1 $TLS_GOOD check_tls tls.test $CA_FILE" \
	"tls 127.0.0.1 $TLS_EXPIRING check_tls tls.test $CA_FILE" \
	"smtp 127.0.0.1 $SMTP_GOOD check_tls_smtp smtp.test $CA_FILE" \
	"smtp 127.0.0.1 $SMTP_EXPIRING check_tls_smtp smtp.test $CA_FILE" \
	"pgsql 127.0.0.1 $PGSQL_GOOD check_tls_pgsql db.test $CA_FILE" | sort)
if [ "$lld_rows" = "$want_rows" ]; then
	ok 'tlscheck.discovery: the TLS listeners of the namespace once each, their protocol, name and CA file'
else
	not_ok 'tlscheck.discovery: the TLS listeners of the namespace once each, their protocol, name and CA file'
	diag "value: $lld"
	diag "expected: $want_rows"
fi
diag "tlscheck.discovery took $took ms"
# With the host's DNS name (the template's {HOST.DNS}): the name every
# listener's certificate must match, whatever name it has.
lld=$(zabbix_get 127.0.0.1 "$AGENT_PORT" "tlscheck.discovery[$CA_FILE,tls.test]" 2>&1)
names=$(printf '%s' "$lld" | "$PYTHON" -c '
import json, sys
print(" ".join(sorted(o["{#NAME}"] for o in json.load(sys.stdin))))' 2>&1)
if [ "$names" = "tls.test tls.test tls.test tls.test tls.test" ]; then
	ok 'tlscheck.discovery with the host name: {#NAME} is that name on every listener'
else
	not_ok 'tlscheck.discovery with the host name: {#NAME} is that name on every listener'
	diag "value: $lld"
fi
expect_value 'tlscheck.discovery without a CA file: still a JSON array' \
	'tlscheck.discovery' '\[(\{.*\})?\]'

# --- external checks, run by a real zabbix_server ------------------------------
# The server keeps its configuration in a database: Zabbix's schema and its own
# data go into a database of their own in the PostgreSQL that serves db.test.
# The template of contrib/zabbix and the hosts linked to it go in through the
# Zabbix frontend's API (tests/integration/zabbix-api.py), as an operator's
# import does. One host per service, as the template checks one port per host;
# their interface has the service's name as DNS name and 127.0.0.1 as IP
# address to connect to.
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
# The renewal of the good listener's certificate, on disk but not loaded.
make_leaf tls-renewed ca tls.test tls.test '-1 hour' '+400 days' ||
	bail_out 'the renewed certificate could not be made'
# A listener that never answers: the plugin's deadline is past the server's
# Timeout, the server kills it, and the check gives no value.
PEER_LIFETIME=$((PEER_LIFETIME * 5)) start_peer silent || bail_out 'the silent peer did not start'
TLS_SILENT=$SERVER_PORT

# HOST DNS-NAME PORT PROTOCOL OPTION: the hosts, and the macros each sets. The
# test's CA goes in {$TLSCHECK.OPTION}, but for tls-untrusted, which is judged
# by the system store. tls-changed is moved to another listener once checked:
# its certificate changes. The interval of 1 second makes the first check come
# at once (the template's is 1 hour).
CA_OPTION=--ca-file=$CA_FILE
zabbix_hosts=(
	"tls-good tls.test $TLS_GOOD tls $CA_OPTION"
	"tls-expiring tls.test $TLS_EXPIRING tls $CA_OPTION"
	"tls-critical tls.test $TLS_CRITICAL tls $CA_OPTION"
	"tls-refused tls.test $TLS_REFUSED tls $CA_OPTION"
	"tls-untrusted tls.test $TLS_GOOD tls -"
	"tls-wrong-name www.other.test $TLS_GOOD tls $CA_OPTION"
	"smtp-good smtp.test $SMTP_GOOD smtp $CA_OPTION"
	"pgsql-good db.test $PGSQL_GOOD pgsql $CA_OPTION"
	"no-dns - $TLS_GOOD tls $CA_OPTION"
	"tls-changed tls.test $TLS_GOOD tls $CA_OPTION"
	"tls-silent tls.test $TLS_SILENT tls $CA_OPTION"
)
host_args=()
# And the host tlscheck-discover --emit=zabbix writes for two listeners of one
# address, as an operator imports it: one host, its address, and the ports and
# the CA file its discovery rule (an external check of the server) reads.
run_check "$TLSCHECK_BUILDDIR/plugins/tlscheck-discover" -C "$CA_FILE" -t 6 --emit=zabbix \
	"127.0.0.1:$TLS_EXPIRING,$SMTP_GOOD"
printf '%s\n' "$CHECK_OUT" >"$ZS/discovered.yaml"
DISCOVERED=127.0.0.1
if [ "$CHECK_RC" -eq 0 ] && [ "$(grep -c '^    - host: ' "$ZS/discovered.yaml")" -eq 1 ] &&
	grep -Fqx '    - host: "127.0.0.1"' "$ZS/discovered.yaml" &&
	grep -Fqx '        - ip: "127.0.0.1"' "$ZS/discovered.yaml" &&
	grep -Fqx "          value: \"$TLS_EXPIRING,$SMTP_GOOD\"" "$ZS/discovered.yaml" &&
	grep -Fqx "          value: \"--ca-file=$CA_FILE\"" "$ZS/discovered.yaml"; then
	ok 'tlscheck-discover --emit=zabbix: one host for two listeners of one address, their ports and CA file'
else
	not_ok 'tlscheck-discover --emit=zabbix: one host for two listeners of one address, their ports and CA file'
	diag_file "$ZS/discovered.yaml"
	diag "$CHECK_ERR"
fi
host_args+=(--hosts "$ZS/discovered.yaml" --macro "{\$TLSCHECK.INTERVAL}=1s"
	--macro "{\$TLSCHECK.LLD.INTERVAL}=5s")
# A host linked by hand to the template of discovery by external check, which
# the proxy monitors (the proxy runs the discovery and the checks): of its
# ports, the refused one and the silent one are not listeners; the good tls one
# is checked with --cert-file (the option of that port alone, by a macro's
# context) against a renewed certificate the server has not loaded: a stale
# reload. The silent port takes the discovery's whole -t 2, which must stay
# within the server's Timeout=5: run here the same way, it is timed, with the
# good one over IPv6 too ("[{HOST.CONN}]" of an IPv6 interface).
EXT_PORTS=$TLS_GOOD,$PGSQL_GOOD,$TLS_REFUSED,$TLS_SILENT
started=$(date +%s%N)
run_check "$TLSCHECK_BUILDDIR/plugins/tlscheck-discover" --emit=zabbix-lld -t 2 "$CA_OPTION" \
	"[127.0.0.1]:$EXT_PORTS" "[::1]:$TLS_GOOD"
took=$((($(date +%s%N) - started) / 1000000))
if [ "$CHECK_RC" -eq 0 ] && [ -z "$CHECK_ERR" ] && [ "$took" -lt 4000 ] &&
	[ "$(printf '%s' "$CHECK_OUT" | grep -o '"{#PORT}"' | wc -l)" -eq 3 ] &&
	[[ $CHECK_OUT == *'"{#HOST}":"::1","{#PORT}":"'"$TLS_GOOD"'"'* ]]; then
	ok "the external check's discovery, a port that never answers among them: 3 listeners (one over IPv6) in $took ms, within Timeout=5"
else
	not_ok "the external check's discovery, a port that never answers among them: 3 listeners (one over IPv6) in $took ms, within Timeout=5"
	diag "$CHECK_OUT"
	diag "$CHECK_ERR"
fi
host_args+=(--host ext-lld --ip 127.0.0.1 --dns tls.test --template 'TLS listeners by tlscheck external check'
	--proxy tlscheck-proxy
	--macro "{\$TLSCHECK.LLD.PORTS}=$EXT_PORTS"
	--macro "{\$TLSCHECK.LLD.OPTION}=$CA_OPTION" --macro "{\$TLSCHECK.LLD.INTERVAL}=5s"
	--macro "{\$TLSCHECK.INTERVAL}=1s"
	--macro "{\$TLSCHECK.OPTION:\"$TLS_GOOD\"}=--cert-file=$TEST_DIR/tls-renewed.pem")
# And a host whose agent is the test's own, for the agent's discovery rule: it
# finds the listeners of the namespace again every 5 seconds, with the test's CA.
# Without a DNS name, each listener is checked for its certificate's own name.
# It is linked to the template of discovery by external check too, whose
# prototypes have keys of their own: the import takes both (its ports, the
# template's default ones, are closed in the namespace).
host_args+=(--host lld-agent --ip 127.0.0.1 --dns '' --port "$AGENT_PORT"
	--template 'TLS listeners by tlscheck Zabbix agent'
	--template 'TLS listeners by tlscheck external check'
	--macro "{\$TLSCHECK.INTERVAL}=1s" --macro "{\$TLSCHECK.LLD.CAFILE}=$CA_FILE"
	--macro "{\$TLSCHECK.LLD.INTERVAL}=5s")
for h in "${zabbix_hosts[@]}"; do
	read -r name dns port protocol option <<<"$h"
	[ "$dns" != - ] || dns=
	host_args+=(--host "$name" --ip 127.0.0.1 --dns "$dns" --macro "{\$TLSCHECK.PORT}=$port"
		--macro "{\$TLSCHECK.PROTOCOL}=$protocol" --macro "{\$TLSCHECK.INTERVAL}=1s")
	[ "$option" = - ] || host_args+=(--macro "{\$TLSCHECK.OPTION}=$option")
done
# The silent one: a deadline past the server's Timeout, and no value for 30 s
# is a problem.
host_args+=(--macro "{\$TLSCHECK.TIMEOUT}=20" --macro "{\$TLSCHECK.NODATA}=30s")
# A host the active proxy monitors: its own -t 3 tells its checks from the
# server's.
host_args+=(--host via-proxy --ip 127.0.0.1 --dns tls.test --proxy tlscheck-proxy
	--macro "{\$TLSCHECK.PORT}=$TLS_GOOD" --macro "{\$TLSCHECK.OPTION}=$CA_OPTION"
	--macro "{\$TLSCHECK.INTERVAL}=1s" --macro "{\$TLSCHECK.TIMEOUT}=3")

# The frontend: a copy of Debian's, because it reads its configuration from one
# fixed path (/etc/zabbix/zabbix.conf.php, the constant CConfigFile::
# CONFIG_FILE_PATH), which the copy points at the test's own file; served by
# PHP's built-in web server on loopback.
FRONTEND=$ZS/frontend
cat >"$ZS/zabbix.conf.php" <<PHP
<?php
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '$PG_DIR/sock';
\$DB['PORT'] = '$PGSQL_GOOD';
\$DB['DATABASE'] = 'zabbix';
\$DB['USER'] = 'postgres';
\$DB['PASSWORD'] = '';
\$DB['SCHEMA'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER_NAME = 'tlscheck test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
PHP
# shellcheck disable=SC2317 # called by start_on_free_port
# OPcache keeps the frontend's classes compiled from one request to the next.
launch_frontend() {
	new_server_log php-frontend
	php -d opcache.enable_cli=1 -S "127.0.0.1:$1" -t "$FRONTEND" </dev/null >"$SERVER_LOG" 2>&1 &
}
config_path=include/classes/core/CConfigFile.php
if cp -r /usr/share/zabbix "$FRONTEND" >"$ZS/import.log" 2>&1 &&
	sed -i "s|'/etc/zabbix/zabbix.conf.php'|'$ZS/zabbix.conf.php'|" "$FRONTEND/$config_path" &&
	grep -Fq "'$ZS/zabbix.conf.php'" "$FRONTEND/$config_path" &&
	start_on_free_port 'php -S (the Zabbix frontend)' launch_frontend; then
	FRONTEND_URL=http://127.0.0.1:$SERVER_PORT/api_jsonrpc.php
	ok 'the Zabbix frontend, served by php -S'
else
	not_ok 'the Zabbix frontend, served by php -S'
	diag_file "$ZS/import.log"
	finish
fi

# The schema and Zabbix's own data (its user, roles, configuration, stock
# templates), then through the API the template of --output=days, the hosts
# linked to it, and the template of now over it, as an upgrade: the hosts'
# days items must stay the same items, with their history.
# One transaction: data.sql's rows are many single INSERTs, each a commit
# otherwise.
if zabbix_psql -c 'CREATE DATABASE zabbix' >>"$ZS/import.log" 2>&1 &&
	{ echo 'BEGIN;'; gzip -dc "$ZABBIX_SQL/schema.sql.gz" "$ZABBIX_SQL/images.sql.gz" \
		"$ZABBIX_SQL/data.sql.gz"; echo 'COMMIT;'; } |
	zabbix_psql zabbix >>"$ZS/import.log" 2>&1 &&
	"$PYTHON" "$TLSCHECK_SRCDIR/tests/integration/zabbix-api.py" "$FRONTEND_URL" \
		"$TLSCHECK_SRCDIR/contrib/zabbix/tlscheck_template.yaml" \
		--upgrade-from "$TLSCHECK_SRCDIR/tests/integration/zabbix-template-days.yaml" \
		"${host_args[@]}" >>"$ZS/import.log" 2>&1; then
	ok 'the templates imported through the frontend API over the --output=days one, 15 hosts linked, their days items kept'
else
	not_ok 'the templates imported through the frontend API over the --output=days one, 15 hosts linked, their days items kept'
	diag_file "$ZS/import.log"
	finish
fi

# The plugin and tlscheck-discover in ExternalScripts under their own names, as
# an operator installs them, behind a wrapper that writes down the arguments
# the server (or, in its own folder, the proxy) gives them.
# external_scripts DIR LOG: the wrappers in DIR, writing to LOG.
external_scripts() {
	mkdir -p "$1"
	printf '#!/bin/sh\nprintf "%%s " "$@" >>%s\necho >>%s\nexec %s "$@"\n' \
		"$2" "$2" "$CHECK_TLS" >"$1/check_tls"
	printf '#!/bin/sh\nexec %s "$@"\n' "$TLSCHECK_BUILDDIR/plugins/tlscheck-discover" \
		>"$1/tlscheck-discover"
	chmod 0755 "$1/check_tls" "$1/tlscheck-discover"
}
external_scripts "$ZS/scripts" "$ZS/argv.log"

# One trapper on loopback, for the proxy. One process of each kind it cannot
# run without; the configuration is read every second. The namespace is the
# test's own: no other process takes the port.
TRAPPER_PORT=$((10000 + RANDOM % 20000))
while [ "$TRAPPER_PORT" = "$AGENT_PORT" ] || (exec 3<>"/dev/tcp/127.0.0.1/$TRAPPER_PORT") 2>/dev/null; do
	TRAPPER_PORT=$((10000 + RANDOM % 20000))
done
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
StartPollers=2
StartPollersUnreachable=1
StartTrappers=1
ListenIP=127.0.0.1
ListenPort=$TRAPPER_PORT
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

# count SQL: the number the query gives.
count() {
	zabbix_psql zabbix -c "$1" 2>/dev/null || echo 0
}
# Every host of one listener but the silent one has a state (the proxy's
# too), the 10 listeners the discovery rules find (by the agent: gnutls-serv's
# three, aiosmtpd's two, PostgreSQL; by external check: 2 on the emitted host,
# 2 on the proxy's ext-lld) have one each, and the 13 problems that should open (6 of them
# on discovered listeners) are open.
# shellcheck disable=SC2317 # called by wait_until
server_done() {
	[ "$(count "SELECT count(DISTINCT hostid) FROM history_uint JOIN items USING (itemid)
		WHERE key_ = 'tlscheck.state'")" -ge 11 ] &&
	[ "$(count "SELECT count(DISTINCT itemid) FROM history_uint JOIN items USING (itemid)
		WHERE key_ LIKE 'tlscheck.%.state[%'")" -ge 10 ] &&
		[ "$(count 'SELECT count(*) FROM problem WHERE source = 0 AND object = 0
			AND r_eventid IS NULL')" -ge 13 ]
}
# shellcheck disable=SC2317 # called by wait_until
changed_seen() {
	[ "$(count "SELECT count(*) FROM problem p JOIN triggers t ON t.triggerid = p.objectid
		WHERE p.source = 0 AND p.object = 0 AND t.priority = 1")" -ge 1 ]
}
# The same problem, resolved: last()<>last(#2) is false again at the next check.
# shellcheck disable=SC2317 # called by wait_until
changed_resolved() {
	[ "$(count "SELECT count(*) FROM problem p JOIN triggers t ON t.triggerid = p.objectid
		WHERE p.source = 0 AND p.object = 0 AND t.priority = 1
		AND p.r_eventid IS NOT NULL")" -ge 1 ]
}

setsid zabbix_server -f -c "$ZS/zabbix_server.conf" >"$ZS/stdout.log" 2>&1 &
ZS_PID=$!
at_exit stop_engine "$ZS_PID"

# The active proxy (zabbix_proxy of Debian's zabbix-proxy-sqlite3, unpacked
# by scripts/install-deps.sh: the package conflicts with the server's). It
# dials the server's trapper, which must listen first (a proxy that finds it
# closed tries again only after 120 s), takes its hosts' configuration, runs
# their checks with ExternalScripts of its own and sends the values back.
# shellcheck disable=SC2317 # called by wait_until
trapper_up() {
	(exec 3<>"/dev/tcp/127.0.0.1/$TRAPPER_PORT") 2>/dev/null
}
ZP=$TEST_DIR/zabbix-proxy
mkdir -p "$ZP/run"
external_scripts "$ZP/scripts" "$ZP/argv.log"
cat >"$ZP/zabbix_proxy.conf" <<CONF
ProxyMode=0
Server=127.0.0.1:$TRAPPER_PORT
Hostname=tlscheck-proxy
LogFile=$ZP/zabbix_proxy.log
LogType=file
PidFile=$ZP/run/zabbix_proxy.pid
SocketDir=$ZP/run
TmpDir=$ZP/run
DBName=$ZP/proxy.db
AllowRoot=1
ExternalScripts=$ZP/scripts
Timeout=5
ConfigFrequency=2
DataSenderFrequency=1
HousekeepingFrequency=0
StartPollers=1
StartPollersUnreachable=1
StartTrappers=0
StartPingers=0
StartDiscoverers=0
StartHTTPPollers=0
StartPreprocessors=1
StartDBSyncers=1
StartHistoryPollers=0
StartODBCPollers=0
StartVMwareCollectors=0
StartJavaPollers=0
CONF
# Its SQLite database it makes itself, with the schema built into it.
if wait_until 30 "$ZS_PID" trapper_up; then
	setsid "$ZABBIX_PROXY_DIR/usr/sbin/zabbix_proxy" -f -c "$ZP/zabbix_proxy.conf" \
		>"$ZP/stdout.log" 2>&1 &
	ZP_PID=$!
	at_exit stop_engine "$ZP_PID"
else
	diag "the server's trapper did not listen on port $TRAPPER_PORT"
fi
server_started=$SECONDS
if wait_until 120 "$ZS_PID" server_done; then
	diag "every value and problem $((SECONDS - server_started)) s after the server started"
	ok "zabbix_server ran the templates' checks on every host, through the proxy too"
else
	not_ok "zabbix_server ran the templates' checks on every host, through the proxy too"
	diag "$(tail -n 30 "$ZS/zabbix_server.log")"
	diag "$(zabbix_psql zabbix -c "SELECT h.host, i.key_, r.state, r.error FROM items i
		JOIN hosts h USING (hostid) JOIN item_rtdata r USING (itemid)
		WHERE h.host <> 'Zabbix server' AND r.error <> ''" 2>&1)"
fi
# An operator moves tls-changed to the listener of another certificate.
if "$PYTHON" "$TLSCHECK_SRCDIR/tests/integration/zabbix-api.py" "$FRONTEND_URL" --set \
	tls-changed "{\$TLSCHECK.PORT}=$TLS_EXPIRING" >>"$ZS/import.log" 2>&1 &&
	wait_until 30 "$ZS_PID" changed_seen && wait_until 10 "$ZS_PID" changed_resolved; then
	ok 'zabbix_server, a host moved to another certificate: the INFO trigger "changed", resolved at the next check'
else
	not_ok 'zabbix_server, a host moved to another certificate: the INFO trigger "changed", resolved at the next check'
	diag_file "$ZS/import.log"
fi
# The server has done its part: what it stored is read below.
[ -z "${ZP_PID:-}" ] || stop_engine "$ZP_PID"
stop_engine "$ZS_PID"

# item_value HOST KEY: the last value the server stored for HOST's item KEY.
item_value() {
	zabbix_psql zabbix -v host="$1" -v key="$2" <<'SQL' 2>&1
SELECT value FROM (
	SELECT itemid, clock, ns, value::text FROM history
	UNION ALL SELECT itemid, clock, ns, value::text FROM history_uint
	UNION ALL SELECT itemid, clock, ns, value FROM history_str
	UNION ALL SELECT itemid, clock, ns, value FROM history_text) v
JOIN items USING (itemid) JOIN hosts USING (hostid)
WHERE host = :'host' AND key_ = :'key' ORDER BY clock DESC, ns DESC LIMIT 1;
SQL
}
# shellcheck disable=SC2016 # Zabbix macros, not shell
DAYS_KEY='check_tls["-H","{HOST.DNS}","-I","{HOST.CONN}","-p","{$TLSCHECK.PORT}","-P","{$TLSCHECK.PROTOCOL}","-t","{$TLSCHECK.TIMEOUT}","--output=days"]'
# shellcheck disable=SC2016 # Zabbix macros, not shell
JSON_KEY='check_tls["-H","{HOST.DNS}","-I","{HOST.CONN}","-p","{$TLSCHECK.PORT}","-P","{$TLSCHECK.PROTOCOL}","-t","{$TLSCHECK.TIMEOUT}","-w","{$TLSCHECK.WARN}","-c","{$TLSCHECK.CRIT}","{$TLSCHECK.OPTION}","--output=json"]'

# expect_items DESC HOST KEY=REGEX...: the last value of each item matches ^REGEX$
# (days: the days item, json: the master item).
# lld_prefix HOST: the prefix of the keys of HOST's discovered items, the
# agent's template's or the external check's.
lld_prefix() {
	if [ "$1" = lld-agent ]; then echo tlscheck.agent; else echo tlscheck.external; fi
}
expect_items() {
	local desc=$1 host=$2 pair key want value problems=()
	shift 2
	for pair in "$@"; do
		key=${pair%%=*} want=${pair#*=}
		case $key in
		days) key=$DAYS_KEY ;;
		json) key=$JSON_KEY ;;
		*\[*) key=$(lld_prefix "$host").$key ;;
		*) key=tlscheck.$key ;;
		esac
		value=$(item_value "$host" "$key")
		printf '%s\n' "$value" | grep -Eqx -e "$want" ||
			problems+=("${pair%%=*}: '$value', expected '$want'")
	done
	if [ ${#problems[@]} -eq 0 ]; then
		ok "zabbix_server, $desc"
		return 0
	fi
	not_ok "zabbix_server, $desc"
	for pair in "${problems[@]}"; do
		diag "$pair"
	done
	return 1
}
SHA='[0-9a-f]{64}'
expect_items 'tls, good certificate: OK, trusted, the name matches, the leaf' tls-good \
	state=0 "summary=OK: certificate 'CN=tls\\.test' expires in 199d .*, chain trusted by ca\\.pem, TLSv1\\.[23]" 'days=199\.9[0-9]*' \
	trusted=1 name_matches=1 "leaf.sha256=$SHA" 'leaf.not_after=20[0-9-]+T[0-9:]+Z' \
	'leaf.issuer=.*CN=tlscheck ca.*' 'tls.version=TLSv1\.[23]' 'findings=\[".*"\]'
expect_items 'tls, 10 days left: WARNING' tls-expiring state=1 'days=9\.9[0-9]*' trusted=1
expect_items 'tls, 5 days left: CRITICAL' tls-critical state=2 'days=4\.9[0-9]*'
expect_items 'tls, connection refused: CRITICAL, days -65535, trust and name not judged' \
	tls-refused state=2 'summary=CRITICAL: connection refused.*' days=-65535 trusted=2 name_matches=2
expect_items 'tls, chain not trusted by the system store: CRITICAL, trusted 0' tls-untrusted \
	state=2 trusted=0 name_matches=1 'summary=CRITICAL: .*chain not trusted by the system store.*' \
	'days=199\.9[0-9]*'
expect_items 'tls, a name the certificate does not have: CRITICAL, name_matches 0' \
	tls-wrong-name state=2 trusted=1 name_matches=0 "summary=CRITICAL: .*does not match 'www\\.other\\.test'.*"
expect_items 'smtp, good certificate: OK' smtp-good state=0 'days=199\.9[0-9]*' trusted=1
expect_items 'pgsql, good certificate: OK' pgsql-good state=0 'days=199\.9[0-9]*' trusted=1
expect_items 'an interface without a DNS name: UNKNOWN, saying why' no-dns \
	state=3 "summary=UNKNOWN: '' is not a valid host name.*"
L=127.0.0.1
# The host tlscheck-discover wrote: its discovery rule found its two listeners
# again, on their protocols, and checks each.
expect_items 'the host tlscheck-discover wrote, its tls listener, 10 days left: WARNING' \
	"$DISCOVERED" "state[$L,$TLS_EXPIRING]=1" "days[$L,$TLS_EXPIRING]=9\.9[0-9]*" \
	"trusted[$L,$TLS_EXPIRING]=1" "name_matches[$L,$TLS_EXPIRING]=1"
expect_items 'the host tlscheck-discover wrote, its smtp listener, good certificate: OK' \
	"$DISCOVERED" "state[$L,$SMTP_GOOD]=0" "days[$L,$SMTP_GOOD]=199\.9[0-9]*" \
	"summary[$L,$SMTP_GOOD]=OK: certificate 'CN=smtp\\.test' .*"
# The proxy's host: its values in the server's history, from checks the proxy
# ran (-t 3), which the server did not.
expect_items 'through the active proxy: OK, trusted, the days left' via-proxy \
	state=0 'days=199\.9[0-9]*' trusted=1 name_matches=1
if grep -Fq -e "-p $TLS_GOOD -P tls -t 3 " "$ZP/argv.log" 2>/dev/null &&
	! grep -Fq -e ' -t 3 ' "$ZS/argv.log"; then
	ok 'zabbix_proxy ran the checks of its host, the server did not'
else
	not_ok 'zabbix_proxy ran the checks of its host, the server did not'
	diag_file "$ZP/argv.log"
	diag_file "$ZP/stdout.log"
	diag "$(tail -n 20 "$ZP/zabbix_proxy.log" 2>&1)"
fi
# Discovery by external check on ext-lld, by the proxy: the tls and pgsql
# ports, not the refused or the silent one, each checked for the host's DNS
# name tls.test; the tls one against the renewed file: a stale reload; the
# pgsql one serves a certificate for db.test: the wrong name, seen.
expect_items 'discovery by external check, a certificate without the host'"'"'s DNS name: CRITICAL, name_matches 0' ext-lld \
	"state[$L,$PGSQL_GOOD]=2" "days[$L,$PGSQL_GOOD]=199\.9[0-9]*" "trusted[$L,$PGSQL_GOOD]=1" \
	"name_matches[$L,$PGSQL_GOOD]=0" "leaf.sha256[$L,$PGSQL_GOOD]=$SHA" \
	"summary[$L,$PGSQL_GOOD]=CRITICAL: .*does not match 'tls\\.test'.*"
expect_items 'discovery by external check, a renewal not loaded (--cert-file by a macro context): CRITICAL' \
	ext-lld "state[$L,$TLS_GOOD]=2" "trusted[$L,$TLS_GOOD]=1" \
	"summary[$L,$TLS_GOOD]=CRITICAL: .*tls-renewed\\.pem holds one that expires .*: reload the service.*"
found=$(zabbix_psql zabbix -c "SELECT string_agg(i.key_, ' ' ORDER BY i.key_) FROM items i
	JOIN hosts h USING (hostid) WHERE h.host IN ('ext-lld', '$DISCOVERED', 'lld-agent')
	AND i.key_ LIKE 'tlscheck.%.state[%' AND i.flags = 4" 2>&1)
want=$({
	printf 'tlscheck.external.state[%s]\n' "$L,$TLS_GOOD" "$L,$PGSQL_GOOD" "$L,$TLS_EXPIRING" \
		"$L,$SMTP_GOOD"
	printf 'tlscheck.agent.state[%s]\n' "$L,$TLS_GOOD" "$L,$TLS_EXPIRING" "$L,$TLS_CRITICAL" \
		"$L,$SMTP_GOOD" "$L,$SMTP_EXPIRING" "$L,$PGSQL_GOOD"
} | sort | paste -sd ' ')
rules=$(zabbix_psql zabbix -c "SELECT h.host || ' ' || r.state || ' ' || r.error FROM items i
	JOIN hosts h USING (hostid) JOIN item_rtdata r USING (itemid) WHERE i.flags = 1
	AND h.status = 0 ORDER BY 1" 2>&1)
if [ "$found" = "$want" ] &&
	[ "$rules" = "$(printf '%s 0 \n' "$DISCOVERED" ext-lld lld-agent lld-agent)" ]; then
	ok 'the discovery rules made one listener each of the listeners found, none of a closed port, none twice'
else
	not_ok 'the discovery rules made one listener each of the listeners found, none of a closed port, none twice'
	diag "found: $found"
	diag "expected: $want"
	diag "discovery rules (host, state, error): $rules"
fi

# The agent's discovery rule's items, by listener ({#HOST},{#PORT}), with the
# values of the agent's tlscheck.json.
expect_items 'discovered tls listener, good certificate: OK, trusted, the days left' lld-agent \
	"state[$L,$TLS_GOOD]=0" "summary[$L,$TLS_GOOD]=OK: certificate 'CN=tls\\.test' .*" \
	"days[$L,$TLS_GOOD]=199\.9[0-9]*" "trusted[$L,$TLS_GOOD]=1" \
	"name_matches[$L,$TLS_GOOD]=1" "leaf.sha256[$L,$TLS_GOOD]=$SHA"
expect_items 'discovered smtp listener, good certificate: OK' lld-agent \
	"state[$L,$SMTP_GOOD]=0" "days[$L,$SMTP_GOOD]=199\.9[0-9]*" "trusted[$L,$SMTP_GOOD]=1"
expect_items 'discovered pgsql listener, good certificate: OK' lld-agent \
	"state[$L,$PGSQL_GOOD]=0" "days[$L,$PGSQL_GOOD]=199\.9[0-9]*" "trusted[$L,$PGSQL_GOOD]=1"
expect_items 'discovered listeners, 10 and 5 days left: WARNING, CRITICAL' lld-agent \
	"state[$L,$TLS_EXPIRING]=1" "state[$L,$SMTP_EXPIRING]=1" "state[$L,$TLS_CRITICAL]=2" \
	"days[$L,$TLS_CRITICAL]=4\.9[0-9]*"
names=$(zabbix_psql zabbix -c "SELECT i.name FROM items i JOIN hosts h USING (hostid)
	WHERE h.host = 'lld-agent' AND i.key_ IN ('tlscheck.agent.state[$L,$SMTP_GOOD]',
	'tlscheck.agent.days[$L,$PGSQL_GOOD]') AND i.flags = 4 ORDER BY 1" 2>&1)
if [ "$names" = "TLS pgsql $L:$PGSQL_GOOD: days left
TLS smtp $L:$SMTP_GOOD: state" ]; then
	ok 'discovered items are named by their listener'
else
	not_ok 'discovered items are named by their listener'
	diag "names: $names"
fi

# The master item's value is the plugin's standard output and standard error
# together: one JSON object on every host, nothing else.
bad=$(zabbix_psql zabbix -c "SELECT DISTINCT host FROM history_text JOIN items USING (itemid)
	JOIN hosts USING (hostid) WHERE items.type = 10 AND NOT (value LIKE '{%}')" 2>&1)
values=$(count "SELECT count(DISTINCT hostid) FROM history_text JOIN items USING (itemid)
	WHERE items.type = 10")
if [ -z "$bad" ] && [ "$values" -ge 13 ]; then
	ok 'zabbix_server, the master item: one JSON object on every host, nothing on stderr'
else
	not_ok 'zabbix_server, the master item: one JSON object on every host, nothing on stderr'
	diag "hosts with something else: $bad"
	diag "hosts with a value: $values"
fi

# The arguments: the interface's DNS name to -H, the address it connects to to -I,
# the thresholds of the macros to -w and -c.
want="-H tls.test -I 127.0.0.1 -p $TLS_GOOD -P tls -t 2 -w 14d -c 7d $CA_OPTION --output=json "
want_default="-H tls.test -I 127.0.0.1 -p $TLS_GOOD -P tls -t 2 -w 14d -c 7d --output=json --output=json "
# And the listeners the proxy discovered by external check: the name, address,
# protocol and store found, and the option of the macro's context for that
# port only.
want_stale="-H tls.test -I $L -p $TLS_GOOD -P tls --ca-file=$CA_FILE -t 2 -w 14d -c 7d --cert-file=$TEST_DIR/tls-renewed.pem --output=json "
want_pgsql="-H tls.test -I $L -p $PGSQL_GOOD -P pgsql --ca-file=$CA_FILE -t 2 -w 14d -c 7d --output=json --output=json "
if grep -Fqx -e "$want" "$ZS/argv.log" 2>/dev/null &&
	grep -Fqx -e "$want_default" "$ZS/argv.log" && grep -Fqx -e "$want_stale" "$ZP/argv.log" &&
	grep -Fqx -e "$want_pgsql" "$ZP/argv.log"; then
	ok 'zabbix_server and zabbix_proxy pass the DNS name or the name found to -H, the address to -I, the macros to -w, -c'
else
	not_ok 'zabbix_server and zabbix_proxy pass the DNS name or the name found to -H, the address to -I, the macros to -w, -c'
	diag "expected: $want"
	diag "and: $want_default"
	diag "and from the proxy: $want_stale"
	diag "and from the proxy: $want_pgsql"
	diag_file "$ZS/argv.log"
	diag_file "$ZP/argv.log"
fi

# The check that runs past the server's Timeout: unsupported, and no value.
error=$(zabbix_psql zabbix -c "SELECT r.state, r.error FROM item_rtdata r JOIN items USING (itemid)
	JOIN hosts USING (hostid) WHERE host = 'tls-silent' AND items.type = 10" 2>&1)
if [[ $error == "1|"*[Tt]imeout* ]]; then
	ok 'zabbix_server, a check past the Timeout: the master item is unsupported'
else
	not_ok 'zabbix_server, a check past the Timeout: the master item is unsupported'
	diag "state|error: $error"
fi

# expect_problems DESC HOST [EVENT NAME...]: the problems open on HOST (not
# resolved), by their event names (the listener, and why).
expect_problems() {
	local desc=$1 host=$2 got want
	shift 2
	got=$(zabbix_psql zabbix -c "SELECT DISTINCT p.name FROM problem p
		JOIN functions f ON f.triggerid = p.objectid JOIN items USING (itemid)
		JOIN hosts USING (hostid) WHERE p.source = 0 AND p.object = 0
		AND p.r_eventid IS NULL AND host = '$host' ORDER BY 1" 2>&1)
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
expect_problems 'good certificate over PostgreSQL: no problem' pgsql-good
# listener_event HOST LISTENER: the event name of a trigger on the state, with
# the summary HOST's check gave.
listener_event() {
	printf 'TLS on %s: %s' "$2" "$(item_value "$1" tlscheck.summary)"
}
expect_problems '10 days left: the WARNING trigger, with the summary' tls-expiring \
	"$(listener_event tls-expiring "tls.test tls port $TLS_EXPIRING")"
# The WARNING trigger's expression is false on a CRITICAL summary: one alert per
# problem holds without its dependency on the HIGH one, which is not exercised.
expect_problems '5 days left: the HIGH trigger only' \
	tls-critical "$(listener_event tls-critical "tls.test tls port $TLS_CRITICAL")"
expect_problems 'connection refused: the HIGH trigger' tls-refused \
	"$(listener_event tls-refused "tls.test tls port $TLS_REFUSED")"
expect_problems 'chain not trusted: the HIGH trigger' tls-untrusted \
	"$(listener_event tls-untrusted "tls.test tls port $TLS_GOOD")"
expect_problems 'wrong name: the HIGH trigger' tls-wrong-name \
	"$(listener_event tls-wrong-name "www.other.test tls port $TLS_GOOD")"
expect_problems 'no DNS name: the check cannot run' no-dns \
	"TLS check of no-dns tls port $TLS_GOOD: $(item_value no-dns tlscheck.summary)"
expect_problems 'a check that gives no value: the nodata trigger' tls-silent \
	"TLS check of tls-silent tls port $TLS_SILENT gave no result for 30s"
expect_problems 'a certificate that changed: WARNING open, the INFO trigger resolved since' \
	tls-changed "$(listener_event tls-changed "tls.test tls port $TLS_EXPIRING")"
changed=$(zabbix_psql zabbix -c "SELECT p.name FROM problem p JOIN triggers t
	ON t.triggerid = p.objectid WHERE p.source = 0 AND p.object = 0 AND t.priority = 1" 2>&1)
if [ "$changed" = "TLS certificate changed on tls.test tls port $TLS_EXPIRING: SHA-256 now $(item_value \
	tls-changed tlscheck.leaf.sha256)" ]; then
	ok 'zabbix_server, the INFO trigger "changed": its event name gives the new SHA-256'
else
	not_ok 'zabbix_server, the INFO trigger "changed": its event name gives the new SHA-256'
	diag "problems: $changed"
fi

# lld_event HOST PROTOCOL PORT: the event name of a trigger prototype's trigger
# on HOST, with the summary of the listener's check.
lld_event() {
	printf 'TLS on %s %s:%s: %s' "$2" "$L" "$3" "$(item_value "$1" "$(lld_prefix "$1").summary[$L,$3]")"
}
expect_problems 'discovered by the agent: WARNING for 10 days left, HIGH for 5' \
	lld-agent "$(lld_event lld-agent tls "$TLS_EXPIRING")" \
	"$(lld_event lld-agent smtp "$SMTP_EXPIRING")" "$(lld_event lld-agent tls "$TLS_CRITICAL")"
expect_problems 'the host tlscheck-discover wrote, 10 days left: the WARNING trigger' \
	"$DISCOVERED" "$(lld_event "$DISCOVERED" tls "$TLS_EXPIRING")"
expect_problems 'discovered by external check, a stale reload and a wrong name: the HIGH trigger, saying so' \
	ext-lld "$(lld_event ext-lld tls "$TLS_GOOD")" "$(lld_event ext-lld pgsql "$PGSQL_GOOD")"

# The value maps name the sentinel and the states.
mapped=$(zabbix_psql zabbix -c "SELECT string_agg(m.value || '=' || m.newvalue, ',' ORDER BY m.value)
	FROM items JOIN hosts USING (hostid) JOIN valuemap_mapping m USING (valuemapid)
	WHERE host = 'tls-refused' AND key_ IN ('tlscheck.state', '$DAYS_KEY')" 2>&1)
if [ "$mapped" = '-65535=probe failed,0=OK,1=WARNING,2=CRITICAL,3=UNKNOWN' ]; then
	ok 'the value maps show -65535 as "probe failed" and the states by name'
else
	not_ok 'the value maps show -65535 as "probe failed" and the states by name'
	diag "mapped: $mapped"
fi

finish
