#!/bin/bash
# discover-hostile.sh — a certificate is written by whoever runs the listener,
# and the configuration tlscheck-discover emits is code the engine runs. Leaves
# that name "hosts" made to break out (shell backticks for Nagios, an Icinga 2
# macro that resolves a secret, '!' and ';' that cut a Nagios command, a quote
# that breaks YAML) are listed, not emitted; the configuration is loaded into a
# real Nagios 4 and Icinga 2, which run what was emitted with a canary file
# that must not appear and secrets that must not reach the plugin's argv, and
# the Zabbix import goes through a YAML parser. A process named with terminal
# escape sequences reaches the table escaped.
#
# The '$' in single quotes are meant: they are the attack.
# shellcheck disable=SC2016,SC2317

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'PyYAML (python3-yaml)' "$PYTHON" -c 'import yaml'
require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_server 'nagios4 (nagios4-core)' command -v nagios4
require_server 'icinga2 (icinga2-bin)' command -v icinga2
require_server 'the Icinga Template Library (icinga2-common)' test -r /usr/share/icinga2/include/itl
require_server 'the processes of --local (the test must run as root)' test "$(id -u)" -eq 0
require_plugin "$CHECK_TLS"
require_plugin "$DISCOVER"
lib_init

CANARY=$TEST_DIR/PWNED
NAGIOS_SECRET=nagios-secret-$$
ICINGA_SECRET=icinga-secret-$$
# One leaf per name; each would break the configuration it lands in.
HOSTILE=(
	"x'\`touch $CANARY\`'.example"
	'$host.vars.api_token$'
	'$USER3$'
	'a.test!--no-verify-trust --at 2020-01-01 -t 1:ok'
	'a.test;x'
	"o'brien.test"
)
PORTS=()
make_ca ca || bail_out 'cannot make the CA'
for i in "${!HOSTILE[@]}"; do
	make_leaf "hostile$i" ca hostile "${HOSTILE[$i]}" '-1 day' '+200 days' ||
		bail_out "cannot make the leaf naming ${HOSTILE[$i]}"
	start_gnutls_serv "$TEST_DIR/hostile$i.pem" "$TEST_DIR/hostile$i.key" \
		--disable-client-cert || bail_out 'gnutls-serv did not start'
	PORTS+=("$SERVER_PORT")
done
# A hostile name first, a good one after it: the good one is the check's.
make_leaf mixed ca good.test 'evil.test;x' good.test '-1 day' '+200 days' ||
	bail_out 'cannot make the leaf naming good.test'
start_gnutls_serv "$TEST_DIR/mixed.pem" "$TEST_DIR/mixed.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
GOOD=$SERVER_PORT
TARGET=127.0.0.1:$(IFS=,; echo "${PORTS[*]}"),$GOOD
# A CA file whose path is an Icinga 2 macro: written, its '$' doubled.
DOLLAR_CA='ca$host.vars.api_token$.pem'
cp "$TEST_DIR/ca.pem" "$TEST_DIR/$DOLLAR_CA" || bail_out 'cannot copy the CA'

# The plugins as the engines run them, each call's argv logged first.
ARGV_LOG=$TEST_DIR/argv.log
mkdir "$TEST_DIR/plugins" || bail_out 'cannot make the plugin directory'
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>%s\nexec %s "$@"\n' "$ARGV_LOG" "$CHECK_TLS" \
	>"$TEST_DIR/plugins/check_tls"
chmod 0755 "$TEST_DIR/plugins/check_tls"

# emitted DESC ENGINE ARGS...: one TAP result, tlscheck-discover --emit=ENGINE
# ARGS on every listener: exit 0, one "# not emitted" line per hostile leaf,
# none of the hostile text outside the comments. EMITTED is what it wrote.
emitted() {
	local desc=$1 engine=$2 problems=() n p
	shift 2
	run_check "$DISCOVER" -t 6 --emit="$engine" "$@" "$TARGET"
	EMITTED=$CHECK_OUT
	[ "$CHECK_RC" -eq 0 ] || problems+=("exit code $CHECK_RC")
	n=$(printf '%s\n' "$EMITTED" | grep -Ec "^ *# not emitted: 127\\.0\\.0\\.1:[0-9]+ tls: the certificate's name '[^']*'.* is not a valid host name: ")
	[ "$n" -eq ${#HOSTILE[@]} ] || problems+=("$n '# not emitted' lines, expected ${#HOSTILE[@]}")
	! printf '%s\n' "$EMITTED" | grep -v '^ *#' | grep -v 'tlscheck_ca_file' | grep -Eq 'touch|api_token|USER3|brien|a\.test|evil' ||
		problems+=("hostile text outside a comment")
	printf '%s\n' "$EMITTED" | grep -q 'good\.test' || problems+=("good.test is not emitted")
	if [ ${#problems[@]} -eq 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	for p in "${problems[@]}"; do
		diag "  $p"
	done
	diag "$EMITTED"
	diag "$CHECK_ERR"
}

# argv_clean DESC WANT: one TAP result, the plugins ran (a line matches WANT),
# with no secret in their argv, and the canary was never made.
argv_clean() {
	if grep -q -e "$NAGIOS_SECRET" -e "$ICINGA_SECRET" "$ARGV_LOG"; then
		not_ok "$1"
		diag "a secret reached the plugin's argv:"
		diag_file "$ARGV_LOG"
	elif [ -e "$CANARY" ]; then
		not_ok "$1"
		diag "the canary $CANARY was made"
	elif ! grep -q -e "$2" "$ARGV_LOG"; then
		not_ok "$1"
		diag "no plugin run matches '$2':"
		diag_file "$ARGV_LOG"
	else
		ok "$1"
	fi
}

# --- the table and the JSON ------------------------------------------------------

expect_check 'the table: the hostile leaves listed, each with why it is not emitted' 0 \
	"*^ +not emitted: the certificate's name 'x'.touch .*PWNED.'\\.example' is not a valid host name: " \
	"*^ +not emitted: the certificate's name '\\\$host\\.vars\\.api_token\\\$' is not a valid host name: " \
	"*^ +check_tls -H good\\.test -I 127\\.0\\.0\\.1 -p $GOOD -C ca\\.pem\$" \
	-- "$DISCOVER" -C ca.pem -t 6 "$TARGET"
run_check "$DISCOVER" -C ca.pem -t 6 --json "$TARGET"
json_check '--json: not_emitted and no command for the hostile leaves' "
ls = d['listeners']
bad = [l for l in ls if l['port'] != $GOOD]
need(len(bad) == ${#HOSTILE[@]}, 'the hostile listeners')
need(all(l['command'] is None and 'is not a valid host name' in l['not_emitted'] for l in bad),
     'not_emitted, command null')
good = [l for l in ls if l['port'] == $GOOD][0]
need(good['command'].startswith('check_tls -H good.test '), 'the good command')
need('not_emitted' not in good, 'the good one emitted')"

# --- Nagios ---------------------------------------------------------------------

emitted '--emit=nagios: the hostile leaves commented out, good.test emitted' nagios -C ca.pem
nagios_prepare "$TEST_DIR/plugins"
printf '$USER3$=%s\n' "$NAGIOS_SECRET" >>"$N/etc/resource.cfg"
{
	nagios_quiet_objects
	nagios_discovery_base
	printf '%s\n' "$EMITTED"
} >"$N/etc/objects.cfg"
if nagios4 -v "$N/etc/nagios.cfg" >"$N/var/verify.log" 2>&1; then
	ok 'nagios4 -v: the emitted configuration is valid'
else
	not_ok 'nagios4 -v: the emitted configuration is valid'
	diag_file "$N/var/verify.log"
fi
nagios_start
checked() {
	status_of "tlscheck tls $GOOD" | grep -q '^[[:space:]]*has_been_checked=1$'
}
if wait_until 30 "$NAGIOS_PID" checked; then
	ok 'Nagios ran the emitted check of good.test'
else
	not_ok 'Nagios ran the emitted check of good.test'
	diag_file "$N/var/nagios.log"
fi
stop_engine "$NAGIOS_PID"
argv_clean 'Nagios: no canary, no $USER3$ secret in the argv' "^-H good\\.test -I 127\\.0\\.0\\.1 -p $GOOD "

run_check "$DISCOVER" -t 6 --emit=nagios -C "$DOLLAR_CA" "127.0.0.1:$GOOD"
if [ "$CHECK_RC" -eq 0 ] && ! printf '%s\n' "$CHECK_OUT" | grep -q '^define' &&
	printf '%s\n' "$CHECK_OUT" | grep -q "^# not emitted: 127\\.0\\.0\\.1:$GOOD tls: a Nagios command cannot carry the CA file's path '.*ca\\\$host"; then
	ok '--emit=nagios: a CA file path with a $ is not emitted, with why'
else
	not_ok '--emit=nagios: a CA file path with a $ is not emitted, with why'
	diag "$CHECK_OUT"
fi
run_check "$DISCOVER" -t 6 --emit=zabbix -C "$DOLLAR_CA" "127.0.0.1:$GOOD"
if [ "$CHECK_RC" -eq 0 ] && ! printf '%s\n' "$CHECK_OUT" | grep -q -e '- host:' &&
	printf '%s\n' "$CHECK_OUT" | grep -q "^    # not emitted: 127\\.0\\.0\\.1:$GOOD tls: a Zabbix item key cannot carry the CA file's path '.*ca\\\$host"; then
	ok '--emit=zabbix: a CA file path with a $ is not emitted, with why'
else
	not_ok '--emit=zabbix: a CA file path with a $ is not emitted, with why'
	diag "$CHECK_OUT"
fi

# --- Icinga 2 -------------------------------------------------------------------

: >"$ARGV_LOG"
emitted '--emit=icinga2: the hostile leaves commented out, good.test emitted' icinga2 \
	-C "$DOLLAR_CA"
if printf '%s\n' "$EMITTED" |
	grep -Fq "vars.tlscheck_ca_file = \"$TEST_DIR/ca\$\$host.vars.api_token\$\$.pem\""; then
	ok "--emit=icinga2: the CA file's '\$' doubled"
else
	not_ok "--emit=icinga2: the CA file's '\$' doubled"
	diag "$EMITTED"
fi
icinga2_prepare "$TEST_DIR/icinga2"
{
	cat <<CONF
include <itl>
include <plugins>
const PluginDir = "$TEST_DIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
$(icinga2_features)
CONF
	# What was emitted, the host given a secret, checked every second.
	printf '%s\n' "$EMITTED" |
		sed -e "s/^object Host \"127\\.0\\.0\\.1\" {\$/&\\n\\tvars.api_token = \"$ICINGA_SECRET\"/" \
			-e 's/^\t\(check\|retry\)_interval = .*/\t\1_interval = 1s/' \
			-e 's/^\thost_name = .*/&\n\tmax_check_attempts = 1/'
} >"$I/etc/icinga2.conf"
if icinga2_validate 'icinga2 daemon -C: the emitted configuration is valid'; then
	icinga2_start
	icinga2_wait 30 'Icinga 2 ran the emitted check of good.test' "tlscheck tls $GOOD"
	rec=$(record_of "tlscheck tls $GOOD")
	if [ "$(field "$rec" STATE_ID)" = 0 ]; then
		ok 'Icinga 2: good.test OK, its CA file read from the path with the $ in it'
	else
		not_ok 'Icinga 2: good.test OK, its CA file read from the path with the $ in it'
		diag "$rec"
	fi
	icinga2_stop "$I"
fi
argv_clean 'Icinga 2: no secret of the host in the argv' \
	"^-H good\\.test -I 127\\.0\\.0\\.1 -p $GOOD .*ca\\\$host\\.vars\\.api_token\\\$\\.pem"

# --- Zabbix ---------------------------------------------------------------------

emitted '--emit=zabbix: the hostile leaves commented out, good.test emitted' zabbix -C ca.pem
if why=$(printf '%s\n' "$EMITTED" | "$PYTHON" -c '
import sys, yaml
d = yaml.safe_load(sys.stdin)
hosts = d["zabbix_export"]["hosts"]
assert len(hosts) == 1, "%d hosts" % len(hosts)
i = hosts[0]["interfaces"][0]
assert i == {"ip": "127.0.0.1", "interface_ref": "if1"}, i
assert hosts[0]["description"].endswith(": tls '"$GOOD"' good.test"), hosts[0]["description"]
m = {x["macro"]: x["value"] for x in hosts[0]["macros"]}
assert m == {"{$TLSCHECK.LLD.PORTS}": "'"$GOOD"'",
             "{$TLSCHECK.LLD.OPTION}": "--ca-file='"$TEST_DIR"'/ca.pem"}, m
' 2>&1); then
	ok 'yaml.safe_load: the Zabbix import parses, one host, good.test'
else
	not_ok 'yaml.safe_load: the Zabbix import parses, one host, good.test'
	diag "$why"
	diag "$EMITTED"
fi

# Discovery JSON has no comments: the hostile leaves are left out, and every
# value is a word Zabbix can put into a key and an argv as it is.
run_check "$DISCOVER" -t 6 --emit=zabbix-lld -C ca.pem "$TARGET"
json_check '--emit=zabbix-lld: the hostile leaves left out, good.test alone, every value a plain word' "
import re
need(len(d) == 1 and d[0]['{#NAME}'] == 'good.test' and d[0]['{#PORT}'] == '$GOOD', d)
need(all(re.fullmatch(r'[A-Za-z0-9._/:+%=-]+', v) for v in d[0].values()), d)
"

# --- a process and a certificate named with escape sequences ----------------------

printf 'cn = "\033]0;owned\007x"\ndns_name = "cn.test"\n' >"$TEST_DIR/escaped.names"
make_key escaped && cert_template "$TEST_DIR/escaped.tmpl" cn.test '-1 day' '+200 days' \
	tls_www_server signing_key && cat "$TEST_DIR/escaped.names" >>"$TEST_DIR/escaped.tmpl" &&
	sed -i '1d' "$TEST_DIR/escaped.tmpl" && sign_cert escaped ca ||
	bail_out 'cannot make the leaf with escape sequences in its CN'
start_gnutls_serv "$TEST_DIR/escaped.pem" "$TEST_DIR/escaped.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
ESCAPED=$SERVER_PORT

"$PYTHON" -c '
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, b"\x1b[31mEVIL\x1b]0;x\x07", 0, 0, 0)
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
time.sleep(120)' "$TEST_DIR/evil.port" </dev/null >/dev/null 2>&1 &
kill_at_exit $!
for _ in $(seq 1 100); do
	[ -s "$TEST_DIR/evil.port" ] && break
	sleep 0.05
done
EVIL=$(cat "$TEST_DIR/evil.port" 2>/dev/null)
run_check "$DISCOVER" -t 2 --local
if [ -n "$EVIL" ] && ! grep -q "$(printf '[\033\007]')" "$TEST_DIR/check.out" &&
	grep -Eq "127\\.0\\.0\\.1:$EVIL +\\\\x1b\\[31mEVIL\\\\x1b\\]0;x\\\\x07 " "$TEST_DIR/check.out" &&
	grep -Eq "127\\.0\\.0\\.1:$ESCAPED +gnutls-serv .*CN=[^ ]*owned" "$TEST_DIR/check.out"; then
	ok '--local: a process and a CN of escape sequences reach the table escaped'
else
	not_ok '--local: a process and a CN of escape sequences reach the table escaped'
	diag "port $EVIL"
	diag "$(cat -v "$TEST_DIR/check.out")"
fi

finish
