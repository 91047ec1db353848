#!/bin/bash
# discover.sh — tlscheck-discover against real servers on loopback: gnutls-serv
# (TLS at connect, a private CA and a self-signed certificate), aiosmtpd with
# STARTTLS and without, PostgreSQL with ssl=on, dovecot's IMAP and POP3 with
# STARTTLS and with TLS at connect (on free ports, and POP3S on IMAPS's port in
# a network namespace of its own), redis-server and mosquitto with TLS, a
# postscreen-like SMTP peer that drops clients talking before its late
# greeting, and a closed port. It must name the protocol of each, the days left
# and the store that validates the chain, list the plaintext listener and leave
# out the closed one; --local must
# find the same listeners with their processes; the Icinga 2 configuration it
# emits must pass `icinga2 daemon -C` with contrib/icinga2/tlscheck.conf, and a
# private Icinga 2 daemon running it must record the states and the output the
# plugins print.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99
# shellcheck source=tests/integration/dovecot.bash
. "$(dirname "$0")/dovecot.bash" || exit 99
# shellcheck source=tests/integration/mosquitto.bash
. "$(dirname "$0")/mosquitto.bash" || exit 99
# shellcheck source=tests/integration/pgsql.bash
. "$(dirname "$0")/pgsql.bash" || exit 99
# shellcheck source=tests/integration/redis.bash
. "$(dirname "$0")/redis.bash" || exit 99

DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
require_server 'PostgreSQL (postgresql)' pg_find_bin
require_server 'runuser (util-linux)' command -v runuser
require_server 'PostgreSQL as user postgres (the test must run as root)' test "$(id -u)" -eq 0
require_dovecot 'imap-login and pop3-login (dovecot-imapd, dovecot-pop3d)' imap-login
require_server 'pop3-login (dovecot-pop3d)' test -x "$DOVECOT_LIBEXEC/pop3-login"
require_server 'redis-server (redis-server)' test -x "$REDIS"
require_server 'mosquitto (mosquitto)' test -x "$MOSQUITTO"
require_server 'unshare -n and ip (root; util-linux, iproute2)' unshare -n ip link set lo up
require_plugin "$DISCOVER"
lib_init

{
	make_ca ca && make_ca other &&
		make_leaf tls ca tls.test tls.test '-1 day' '+200 days -1 hour' &&
		make_leaf smtp other smtp.test smtp.test '-1 day' '+10 days -1 hour' &&
		make_leaf db ca db.test db.test '-1 day' '+50 days -1 hour' &&
		make_leaf mail ca mail.test mail.test '-1 day' '+80 days -1 hour' &&
		make_ca client-ca &&
		make_leaf cache ca redis.test redis.test '-1 day' '+120 days -1 hour' &&
		make_leaf broker ca mqtt.test mqtt.test '-1 day' '+30 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_gnutls_serv "$TEST_DIR/tls.pem" "$TEST_DIR/tls.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
TLS=$SERVER_PORT
start_smtpd starttls "$TEST_DIR/smtp.pem" "$TEST_DIR/smtp.key" || bail_out 'aiosmtpd did not start'
SMTP=$SERVER_PORT
start_smtpd plain || bail_out 'aiosmtpd (plain) did not start'
PLAIN=$SERVER_PORT
start_postgres "$TEST_DIR/db.pem" "$TEST_DIR/db.key" || bail_out 'PostgreSQL did not start'
PG=$PG_PORT
start_peer smtp-postscreen || bail_out 'the postscreen-like peer did not start'
POSTSCREEN=$SERVER_PORT
POSTSCREEN_LOG=$SERVER_LOG
CLOSED=$(free_port) || bail_out 'no free port'
PORTS=$TLS,$SMTP,$PLAIN,$PG,$POSTSCREEN,$CLOSED
# IMAP and POP3 on ports no protocol claims, with STARTTLS (told by their
# greetings) and with TLS at connect (told by their greetings behind TLS).
start_dovecot mail "$TEST_DIR/mail.pem" "$TEST_DIR/mail.key" imap-login/imap pop3-login/pop3 \
	imap-login/imaps/ssl pop3-login/pop3s/ssl || bail_out 'dovecot did not start'
IMAP=${DOVECOT_PORT[imap]}
POP3=${DOVECOT_PORT[pop3]}
IMAPS=${DOVECOT_PORT[imaps]}
POP3S=${DOVECOT_PORT[pop3s]}

expect_check 'IMAP and POP3 (dovecot) on unclaimed ports: named by their greetings' 0 \
	"*^ +79\\.[0-9]+ +OK +127\\.0\\.0\\.1:$IMAP +imap +ca\\.pem +CN=mail\\.test" \
	"*^ +79\\.[0-9]+ +OK +127\\.0\\.0\\.1:$POP3 +pop3 +ca\\.pem +CN=mail\\.test" \
	"*check_tls_imap -H mail\\.test -I 127\\.0\\.0\\.1 -p $IMAP -C ca\\.pem$" \
	"*check_tls_pop3 -H mail\\.test -I 127\\.0\\.0\\.1 -p $POP3 -C ca\\.pem$" \
	-- "$DISCOVER" -C ca.pem "127.0.0.1:$IMAP,$POP3"

# -t 6: the silence awaited before TLS, the handshake, then every service asked
# at once what it is, on a slow build.
expect_check 'IMAPS and POP3S (dovecot) on unclaimed ports: named by their greetings behind TLS' 0 \
	"*^ +79\\.[0-9]+ +OK +127\\.0\\.0\\.1:$IMAPS +imap +ca\\.pem +CN=mail\\.test" \
	"*^ +79\\.[0-9]+ +OK +127\\.0\\.0\\.1:$POP3S +pop3 +ca\\.pem +CN=mail\\.test" \
	"*check_tls_imap -H mail\\.test -I 127\\.0\\.0\\.1 -p $IMAPS --implicit-tls -C ca\\.pem$" \
	"*check_tls_pop3 -H mail\\.test -I 127\\.0\\.0\\.1 -p $POP3S --implicit-tls -C ca\\.pem$" \
	-- "$DISCOVER" -C ca.pem -t 6 "127.0.0.1:$IMAPS,$POP3S"

# Services on other services' ports, in a network of our own where 993 and 995
# are free: dovecot's POP3S on IMAPS's port (another greeting behind TLS: named
# by it), and a TLS server that says nothing on POP3S's (silence proves no
# other service: the port's, with the finding).
mkdir -p "$TEST_DIR/misplaced/run" "$TEST_DIR/misplaced/state" &&
	dovecot_conf "$TEST_DIR/misplaced" "$TEST_DIR/mail.pem" "$TEST_DIR/mail.key" \
		pop3-login/pop3s/ssl &&
	sed -i "s/port = ${DOVECOT_PORT[pop3s]}\$/port = 993/" "$TEST_DIR/misplaced/dovecot.conf" ||
	bail_out 'cannot write the configuration of dovecot on 993'
expect_check 'POP3S on 993 named by its greeting; silence on 995 keeps the port'"'"'s name' 0 \
	"*^ +79\\.[0-9]+ +OK +127\\.0\\.0\\.1:993 +pop3 +ca\\.pem +CN=mail\\.test" \
	"*check_tls_pop3 -H mail\\.test -I 127\\.0\\.0\\.1 -p 993 --implicit-tls -C ca\\.pem$" \
	"*^ +199\\.[0-9]+ +WARNING +127\\.0\\.0\\.1:995 +pop3 +ca\\.pem +CN=tls\\.test" \
	"*check_tls_pop3 -H tls\\.test -I 127\\.0\\.0\\.1 -p 995 -C ca\\.pem$" \
	-- unshare -n bash -c 'ip link set lo up || exit 99
		"$1" -F -c misplaced/dovecot.conf </dev/null >dovecot-993.log 2>&1 &
		gnutls-serv --x509certfile=tls.pem --x509keyfile=tls.key --port=995 \
			--disable-client-cert </dev/null >tls-995.log 2>&1 &
		for port in 993 995; do
			for try in $(seq 100); do
				(exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break
				[ "$try" -lt 100 ] || { echo "nothing listens on $port" >&2; exit 99; }
				sleep 0.1
			done
		done
		shift
		"$@"
		rc=$?
		kill %1 %2 && wait && exit "$rc"' _ "$DOVECOT" "$DISCOVER" -C ca.pem -t 6 127.0.0.1:993,995

# Redis and an MQTT broker, TLS at connect on ports no protocol claims: told by
# the answers to their own requests (PING, CONNECT); -t 6 leaves a slow build
# room for the greeting wait, the handshake and the requests.
start_redis cache tls cache --tls-auth-clients no || bail_out 'redis-server did not start'
P_REDIS=$SERVER_PORT
start_mosquitto broker tls broker 'allow_anonymous true' || bail_out 'mosquitto did not start'
P_MQTT=$SERVER_PORT

expect_check 'Redis and MQTT (mosquitto) on unclaimed ports: named by their answers' 0 \
	"*^ +119\\.[0-9]+ +OK +127\\.0\\.0\\.1:$P_REDIS +redis +ca\\.pem +CN=redis\\.test" \
	"*^ +29\\.[0-9]+ +OK +127\\.0\\.0\\.1:$P_MQTT +mqtt +ca\\.pem +CN=mqtt\\.test" \
	"*check_tls_redis -H redis\\.test -I 127\\.0\\.0\\.1 -p $P_REDIS -C ca\\.pem$" \
	"*check_tls_mqtt -H mqtt\\.test -I 127\\.0\\.0\\.1 -p $P_MQTT -C ca\\.pem$" \
	-- "$DISCOVER" -C ca.pem -t 6 "127.0.0.1:$P_REDIS,$P_MQTT"

expect_check 'a table: one row per listener that answers, the closed port left out' 0 \
	'^ +DAYS +STATE +LISTENER' \
	"*^ +199\\.[0-9]+ +OK +127\\.0\\.0\\.1:$TLS +tls +ca\\.pem +CN=tls\\.test" \
	"*^ +9\\.[0-9]+ +WARNING +127\\.0\\.0\\.1:$SMTP +smtp +other\\.pem +CN=smtp\\.test" \
	"*check_tls_smtp -H smtp\\.test -I 127\\.0\\.0\\.1 -p $SMTP -C other\\.pem$" \
	"*NO TLS +127\\.0\\.0\\.1:$PLAIN +smtp .*does not offer STARTTLS" \
	"~:$CLOSED " @max-secs=10 \
	-- "$DISCOVER" -C ca.pem -C other.pem "127.0.0.1:$PORTS"

run_check "$DISCOVER" -C ca.pem -C other.pem --json "127.0.0.1:$PORTS"
json_check '--json: the protocol, days left and store of each listener' "
by = {l['port']: l for l in d['listeners']}
need($CLOSED not in by, 'the closed port is listed')
t, s, p, q = by[$TLS], by[$SMTP], by[$PG], by[$POSTSCREEN]
need(t['outcome'] == 'tls' and t['protocol'] == 'tls', t)
need(199 < t['days_left'] < 200 and t['trusted_by'] == 'ca.pem' and t['state'] == 'OK', t)
need(s['protocol'] == 'smtp' and 9 < s['days_left'] < 10 and s['trusted_by'] == 'other.pem', s)
need(s['state'] == 'WARNING' and s['subject'] == 'CN=smtp.test', s)
need(p['outcome'] == 'tls' and p['protocol'] == 'pgsql' and 49 < p['days_left'] < 50, p)
need(p['command'] == 'check_tls_pgsql -H db.test -I 127.0.0.1 -p $PG -C ca.pem', p['command'])
need(by[$PLAIN]['outcome'] == 'no-tls' and by[$PLAIN]['protocol'] == 'smtp', by[$PLAIN])
need(q['outcome'] == 'no-tls' and q['protocol'] == 'smtp', q)
need([l['port'] for l in d['listeners']][:3] == [$SMTP, $PG, $TLS], 'not sorted by days left')
"
if grep -q 'dropped' "$POSTSCREEN_LOG"; then
	not_ok 'the postscreen-like peer: never spoken to before its greeting'
	diag_file "$POSTSCREEN_LOG"
else
	ok 'the postscreen-like peer: never spoken to before its greeting'
fi

expect_check '-v lists the closed port; without -C the chains are not trusted' 0 \
	"*CLOSED +127\\.0\\.0\\.1:$CLOSED " "*^ +199\\.[0-9]+ +CRITICAL +127\\.0\\.0\\.1:$TLS +tls +none" \
	-- "$DISCOVER" -v "127.0.0.1:$TLS,$CLOSED"

expect_check '--local: the listeners of this machine, with their processes' 0 \
	"*127\\.0\\.0\\.1:$TLS +gnutls-serv +tls +ca\\.pem" \
	"*127\\.0\\.0\\.1:$PG +postgres +pgsql +ca\\.pem" \
	"*127\\.0\\.0\\.1:$PLAIN +python3 +smtp" \
	-- "$DISCOVER" -C ca.pem --local

# A network namespace of its own: not one socket listens there.
expect_check '--local where nothing listens: an empty answer, exit 0' 0 '^\[\]$' @lines=1 \
	-- unshare -n "$DISCOVER" --local --emit=zabbix-lld
expect_check '--local where nothing listens: the table'"'"'s header alone, exit 0' 0 \
	'^ +DAYS +STATE +LISTENER ' @lines=1 -- unshare -n "$DISCOVER" --local

printf '127.0.0.1:%s # the TLS server\n\n# and PostgreSQL\n127.0.0.1:%s\n' "$TLS" "$PG" \
	>"$TEST_DIR/targets"
expect_check '-f: targets from a file' 0 "*:$TLS +tls " "*:$PG +pgsql " @lines=5 \
	-- "$DISCOVER" -C ca.pem -f targets

expect_check 'a bad port: one line and the usage, exit 3' 3 \
	"^tlscheck-discover: '0' is not a valid port$" -- "$DISCOVER" 127.0.0.1:0
expect_check 'an unreadable CA file: one line, exit 3' 3 \
	"^tlscheck-discover: cannot read CA file 'nope.pem'" -- "$DISCOVER" -C nope.pem 127.0.0.1:1
expect_check 'a FIFO as the file of targets: refused at once' 3 \
	"^tlscheck-discover: file of targets '/dev/stdin'|is a" @max-secs=5 \
	-- "$DISCOVER" -f /proc/self/fd/0
printf '127.0.0.1:%s\0evil.test\n' "$TLS" >"$TEST_DIR/nul-targets"
expect_check 'a NUL byte in the file of targets: refused, naming the line' 3 \
	"^tlscheck-discover: file of targets 'nul-targets' line 1 holds a NUL byte$" @max-secs=5 \
	-- "$DISCOVER" -f nul-targets

# The Icinga 2 configuration, loaded with contrib's CheckCommands.
run_check "$DISCOVER" -C ca.pem -C other.pem -t 6 --emit=icinga2 "127.0.0.1:$PORTS,$IMAPS"
EMITTED=$CHECK_OUT
if [ "$(printf '%s\n' "$EMITTED" | grep -c '^object Service')" -eq 4 ] &&
	[ "$(printf '%s\n' "$EMITTED" | grep -c '^object Host "127.0.0.1" {$')" -eq 1 ] &&
	printf '%s\n' "$EMITTED" | grep -q 'check_command = "tlscheck-pgsql"' &&
	printf '%s\n' "$EMITTED" | grep -q 'vars.tlscheck_implicit_tls = true' &&
	printf '%s\n' "$EMITTED" | grep -q "vars.tlscheck_ca_file = \"$TEST_DIR/other.pem\""; then
	ok '--emit=icinga2: the Host, a Service for each TLS listener, with its command, CA file and TLS at connect'
else
	not_ok '--emit=icinga2: the Host, a Service for each TLS listener, with its command, CA file and TLS at connect'
	diag "$EMITTED"
fi
if command -v icinga2 >/dev/null && [ -r /usr/share/icinga2/include/itl ]; then
	icinga2_prepare "$TEST_DIR/icinga2"
	AT=@$(date +%s)
	# The Host and Services as emitted, each Service importing one template
	# first and checked every second, not hourly; judged at one moment (--at)
	# so that the plugin run again here prints the text the daemon recorded.
	cat >"$I/etc/icinga2.conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "$TLSCHECK_BUILDDIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
$(icinga2_features)

template Service "discovered" {
	max_check_attempts = 1
	vars.tlscheck_at = "$AT"
}
$(printf '%s\n' "$EMITTED" | sed -e 's/^object Service .* {$/&\n\timport "discovered"/' \
		-e 's/^\t\(check\|retry\)_interval = .*/\t\1_interval = 1s/')
CONF
	if icinga2_validate '--emit=icinga2 passes icinga2 daemon -C with contrib/icinga2/tlscheck.conf'; then
		icinga2_start
		icinga2_wait 20 '--emit=icinga2: a real Icinga 2 runs every Service it emitted' \
			"tlscheck tls $TLS" "tlscheck smtp $SMTP" "tlscheck pgsql $PG" "tlscheck imap $IMAPS"
		recorded "tlscheck tls $TLS" '--emit=icinga2: tls, 200 days: OK, as the plugin printed it' 0 \
			"^TLS OK - tls\\.test:$TLS tls: certificate 'CN=tls\\.test' expires in 199d" \
			-- "$CHECK_TLS" -H tls.test -I 127.0.0.1 -p "$TLS" -C "$TEST_DIR/ca.pem" --at "$AT"
		recorded "tlscheck smtp $SMTP" '--emit=icinga2: smtp, 10 days: WARNING, as the plugin printed it' 1 \
			"^TLS WARNING - smtp\\.test:$SMTP smtp: certificate 'CN=smtp\\.test' expires in 9d" \
			-- "$CHECK_TLS_SMTP" -H smtp.test -I 127.0.0.1 -p "$SMTP" -C "$TEST_DIR/other.pem" \
			--at "$AT"
		recorded "tlscheck pgsql $PG" '--emit=icinga2: pgsql, 50 days: OK, as the plugin printed it' 0 \
			"^TLS OK - db\\.test:$PG pgsql: certificate 'CN=db\\.test' expires in 49d" \
			-- "$CHECK_TLS_PGSQL" -H db.test -I 127.0.0.1 -p "$PG" -C "$TEST_DIR/ca.pem" --at "$AT"
		recorded "tlscheck imap $IMAPS" '--emit=icinga2: IMAPS on an unclaimed port, --implicit-tls: OK' 0 \
			"^TLS OK - mail\\.test:$IMAPS imap: certificate 'CN=mail\\.test' expires in 79d" \
			-- "$TLSCHECK_BUILDDIR/plugins/check_tls_imap" -H mail.test -I 127.0.0.1 -p "$IMAPS" --implicit-tls \
			-C "$TEST_DIR/ca.pem" --at "$AT"
		stop_engine "$ICINGA2_PID"
	fi
elif in_ci; then
	not_ok '--emit=icinga2 passes icinga2 daemon -C (icinga2 is not installed)'
else
	skip '--emit=icinga2 passes icinga2 daemon -C' 'icinga2 is not installed'
fi

# The command lines printed are the checks: run them.
run_check "$DISCOVER" -C ca.pem -C other.pem -t 6 --json "127.0.0.1:$TLS,$SMTP,$PG,$IMAPS"
printf '%s' "$CHECK_OUT" | "$PYTHON" -c '
import json, sys
for l in json.load(sys.stdin)["listeners"]:
    print(l["command"])' >"$TEST_DIR/commands"
while read -r -a words; do
	words[0]=$TLSCHECK_BUILDDIR/plugins/${words[0]}
	run_check "${words[@]}"
	want=0
	[[ ${words[0]} == *_smtp ]] && want=1 # 10 days left
	assert_check "the printed command checks it: ${words[0]##*/} ${words[*]:1}" "$want" \
		'^TLS (OK|WARNING) - '
done <"$TEST_DIR/commands"

# Zabbix low-level discovery: a row of macros per TLS listener, each value a
# word the template passes as it is; the checks they make are run.
run_check "$DISCOVER" -C ca.pem -C other.pem -t 6 --emit=zabbix-lld "127.0.0.1:$TLS,$SMTP,$PG,$IMAPS"
json_check '--emit=zabbix-lld: the macros of each TLS listener' "
import re
rows = {r['{#PORT}']: r for r in d}
need(sorted(rows) == sorted(['$TLS', '$SMTP', '$PG', '$IMAPS']), rows)
for r in d:
    need(sorted(r) == sorted(['{#HOST}', '{#PORT}', '{#PROTOCOL}', '{#PLUGIN}', '{#NAME}', '{#CAFILE}', '{#TRUST}']), r)
    need(all(re.fullmatch(r'[A-Za-z0-9._/:+%=-]+', v) for v in r.values()), r)
need(rows['$SMTP']['{#PLUGIN}'] == 'check_tls_smtp' and rows['$SMTP']['{#PROTOCOL}'] == 'smtp', rows['$SMTP'])
need(rows['$SMTP']['{#CAFILE}'] == '$TEST_DIR/other.pem', rows['$SMTP'])
need(rows['$SMTP']['{#TRUST}'] == '--ca-file=$TEST_DIR/other.pem', rows['$SMTP'])
need(rows['$IMAPS']['{#PROTOCOL}'] == 'tls' and rows['$IMAPS']['{#PLUGIN}'] == 'check_tls', rows['$IMAPS'])
need(rows['$PG']['{#HOST}'] == '127.0.0.1' and rows['$PG']['{#NAME}'] == 'db.test', rows['$PG'])
"
printf '%s' "$CHECK_OUT" | "$PYTHON" -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["{#PLUGIN}"], r["{#PROTOCOL}"], r["{#NAME}"], r["{#HOST}"], r["{#PORT}"], r["{#CAFILE}"])' \
	>"$TEST_DIR/lld"
while read -r plugin protocol name host port ca; do
	want=0
	[ "$protocol" = smtp ] && want=1 # 10 days left
	expect_check "--emit=zabbix-lld: the macros make the check, $protocol $port: $plugin" "$want" \
		'^TLS (OK|WARNING) - ' \
		-- "$TLSCHECK_BUILDDIR/plugins/$plugin" -H "$name" -I "$host" -p "$port" -C "$ca"
	expect_check "--emit=zabbix-lld: the macros make the check, $protocol $port: check_tls -P" "$want" \
		'^TLS (OK|WARNING) - ' \
		-- "$CHECK_TLS" -P "$protocol" -H "$name" -I "$host" -p "$port" -C "$ca"
done <"$TEST_DIR/lld"

run_check "$DISCOVER" -C ca.pem --emit=nagios "127.0.0.1:$PG"
printf '%s\n' "$CHECK_OUT" >"$TEST_DIR/nagios.cfg"
if grep -q "check_command        check_tls_pgsql_name!db.test!-p $PG -C $TEST_DIR/ca.pem" \
	"$TEST_DIR/nagios.cfg"; then
	ok '--emit=nagios: a service on the commands of contrib/nagios/commands.cfg'
else
	not_ok '--emit=nagios: a service on the commands of contrib/nagios/commands.cfg'
	diag_file "$TEST_DIR/nagios.cfg"
fi

# --max-time: six listeners that accept and never say a word, found out one at
# a time (-j 1) with -t 2: 12 s and more unbounded. Within --max-time=3 the run
# ends in about 3 s; those not reached are left out, counted in the JSON and on
# standard error, and zabbix-lld (whose standard error Zabbix would take into
# the value) stays quiet and valid.
SILENT=()
for i in 1 2 3 4 5 6; do
	start_peer silent || bail_out 'the silent peer did not start'
	SILENT+=("$SERVER_PORT")
done
SILENT_LIST=$(
	IFS=,
	echo "${SILENT[*]}"
)
run_check "$DISCOVER" -j 1 -t 2 --max-time=3 --json "127.0.0.1:$SILENT_LIST"
if [ "$CHECK_RC" -eq 0 ] && awk -v t="$CHECK_SECS" 'BEGIN { exit !(t < 7) }' &&
	printf '%s' "$CHECK_OUT" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d.get("unfinished", 0) >= 3 and len(d["listeners"]) + d["unfinished"] == 6 else 1)' &&
	[[ $CHECK_ERR == *"not found out within --max-time=3: left out"* ]]; then
	ok "--max-time=3: the run ends within it (${CHECK_SECS}s), the listeners not reached counted"
else
	not_ok "--max-time=3: the run ends within it (${CHECK_SECS}s), the listeners not reached counted"
	diag "exit $CHECK_RC; stdout: $CHECK_OUT; stderr: $CHECK_ERR"
fi
expect_check '--max-time=3 --emit=zabbix-lld: valid JSON, nothing on standard error, within it' 0 \
	'^\[' @max-secs=7 \
	-- "$DISCOVER" -j 1 -t 2 --max-time=3 --emit=zabbix-lld "127.0.0.1:$SILENT_LIST"
expect_check '--max-time=0: refused' 3 '^tlscheck-discover: --max-time' \
	-- "$DISCOVER" --max-time=0 127.0.0.1:1
expect_check '--max-time shorter than -t: refused (it would find nothing out)' 3 \
	'^tlscheck-discover: --max-time=2 is shorter than -t 3' \
	-- "$DISCOVER" --max-time=2 -t 3 127.0.0.1:1

finish
