#!/bin/bash
# discover-engines.sh — what tlscheck-discover --emit=icinga2 and --emit=nagios
# write loads as it is into a real Icinga 2 (icinga2 daemon -C) and a real
# Nagios 4 (nagios4 -v), with contrib's commands and what a stock
# configuration has (Icinga 2's Host NodeName, Debian's Nagios localhost and
# templates), with no error:
#   - the man page's examples, word for word: --local, every socket listening
#     on this machine (whatever else listens), for the node's own host; a
#     socket bound to every address, seen on 127.0.0.1 and ::1, is one service;
#   - an inventory of a few loopback addresses and a name, listed in a file:
#     a host for each, with its address;
#   - --host-name and --endpoint: the services on an agent's existing host, run
#     by its Endpoint.
#
# The engines are private: their configuration is in the test's directory.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover
PAGE=$TLSCHECK_SRCDIR/doc/tlscheck-discover.1.in
require_server 'icinga2 (icinga2-bin)' command -v icinga2
require_server 'the Icinga Template Library (icinga2-common)' test -r /usr/share/icinga2/include/itl
require_server 'nagios4 (nagios4-core)' command -v nagios4
require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_plugin "$DISCOVER"
lib_init

{
	make_ca ca &&
		make_leaf web ca web.test web.test '-1 day' '+200 days -1 hour' &&
		make_leaf other ca other.test other.test '-1 day' '+100 days -1 hour'
} || bail_out 'cannot make the test certificates'
# gnutls-serv listens on every address, over IPv4 and IPv6.
start_gnutls_serv "$TEST_DIR/web.pem" "$TEST_DIR/web.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
WEB=$SERVER_PORT
start_gnutls_serv "$TEST_DIR/other.pem" "$TEST_DIR/other.key" --disable-client-cert ||
	bail_out 'gnutls-serv (other) did not start'
OTHER=$SERVER_PORT
CLOSED=$(free_port) || bail_out 'no free port'

# example ENGINE: the command of the man page's example for --local
# --emit=ENGINE, run word for word (tlscheck-discover found on PATH), its
# output into EMITTED.
example() {
	local line words
	line=$(grep -m 1 "^tlscheck-discover --local --emit=$1 >" "$PAGE")
	read -r -a words <<<"${line%%>*}"
	if [ ${#words[@]} -ne 3 ]; then
		not_ok "the man page's example for --emit=$1"
		diag "no example 'tlscheck-discover --local --emit=$1 >FILE' in $PAGE"
		return 1
	fi
	CHECK_LIMIT=120 run_check env PATH="$TLSCHECK_BUILDDIR/plugins:$PATH" "${words[@]}"
	EMITTED=$CHECK_OUT
	printf '%s\n' "$EMITTED" >"$TEST_DIR/$1-local.out"
	if [ "$CHECK_RC" -ne 0 ] || [ -n "$CHECK_ERR" ]; then
		not_ok "the man page's example: ${words[*]}"
		diag "exit $CHECK_RC: $CHECK_ERR"
		return 1
	fi
	ok "the man page's example: ${words[*]}"
}

# has DESC PATTERN...: one TAP result, EMITTED holds a line matching each
# PATTERN (an extended regex, \t a tab; !PATTERN: none does).
has() {
	local desc=$1 p missing=()
	shift
	for p in "$@"; do
		p=${p//\\t/$'\t'}
		if [ "${p#!}" != "$p" ]; then
			! printf '%s\n' "$EMITTED" | grep -Eq -e "${p#!}" || missing+=("a line matches '${p#!}'")
		else
			printf '%s\n' "$EMITTED" | grep -Eq -e "$p" || missing+=("no line matches '$p'")
		fi
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	for p in "${missing[@]}"; do
		diag "  $p"
	done
	diag "$EMITTED"
	return 1
}

# --- Icinga 2 -------------------------------------------------------------------

icinga2_prepare

# icinga2_load DESC FILE [OBJECTS [ZONE]]: one TAP result, icinga2 daemon -C on
# contrib's CheckCommands, the Icinga Template Library, OBJECTS and FILE (the
# output), included, or with ZONE in zones.d/ZONE/ as on a master.
icinga2_load() {
	local include="include \"$2\""
	rm -rf "$I/etc/zones.d"
	if [ -n "${4:-}" ]; then
		mkdir -p "$I/etc/zones.d/$4" && cp "$2" "$I/etc/zones.d/$4/" || return 1
		include=
	fi
	cat >"$I/etc/icinga2.conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "$TLSCHECK_BUILDDIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
${3:-}
$include
CONF
	icinga2_validate "$1" || diag_file "$2"
}

# The node's own host, as Icinga 2's default conf.d/hosts.conf defines it.
NODE_HOST='object Host NodeName {
	check_command = "hostalive"
	address = "127.0.0.1"
	address6 = "::1"
}'

example icinga2
has '--local --emit=icinga2: NodeName, no Host, the socket over IPv4 and IPv6 once' \
	'^\thost_name = NodeName$' '!^object Host' \
	"^# 127\\.0\\.0\\.1:$WEB and \\[::1\\]:$WEB: one socket" \
	"^object Service \"tlscheck tls $WEB\" \\{$" '^\tcheck_command = "tlscheck"$' \
	'^\tcheck_interval = 1h$' '^\tretry_interval = 15m$' '^\tvars.tlscheck_host = "web.test"$' \
	'^\tvars.tlscheck_address = "127.0.0.1"$' '!^\thost_name = "' '!"tls(_[a-z]+)?"$'
n=$(printf '%s\n' "$EMITTED" | grep -c "^object Service \"tlscheck tls $WEB\"")
if [ "$n" -eq 1 ]; then
	ok "--local --emit=icinga2: one service for port $WEB"
else
	not_ok "--local --emit=icinga2: one service for port $WEB"
	diag "$n of them"
fi
icinga2_load 'icinga2 daemon -C: the example, on the node'"'"'s own Host' \
	"$TEST_DIR/icinga2-local.out" "$NODE_HOST"

# A small range and a name, from a file; a closed port among them.
printf '127.0.0.1:%s,%s\n127.0.0.2:%s\n[::1]:%s\nlocalhost:%s\n127.0.0.3:%s\n' \
	"$WEB" "$OTHER" "$WEB" "$WEB" "$OTHER" "$CLOSED" >"$TEST_DIR/hosts"
run_check "$DISCOVER" -C ca.pem -f hosts --emit=icinga2
EMITTED=$CHECK_OUT
printf '%s\n' "$EMITTED" >"$TEST_DIR/icinga2-hosts.out"
has '-f hosts --emit=icinga2: a Host for each host, with its address' \
	'^object Host "127\.0\.0\.1" \{$' '^object Host "127\.0\.0\.2" \{$' '^object Host "::1" \{$' \
	'^object Host "localhost" \{$' '!^object Host "127\.0\.0\.3"' '^\taddress = "127\.0\.0\.2"$' \
	'^\taddress6 = "::1"$' '^\tcheck_command = "hostalive"$' '^\thost_name = "127\.0\.0\.2"$' \
	'^\thost_name = "localhost"$' "^object Service \"tlscheck tls $OTHER\" \\{$" \
	'!^# .* one socket' '!tlscheck_address'
[ "$(printf '%s\n' "$EMITTED" | grep -c '^object Service')" -eq 5 ] ||
	diag "$(printf '%s\n' "$EMITTED" | grep -c '^object Service') services, expected 5"
icinga2_load 'icinga2 daemon -C: the Hosts and their Services' "$TEST_DIR/icinga2-hosts.out"

# An agent's host on the master, its checks run by the agent.
# Its listener on one port at three addresses, 127.0.0.1, ::1 and 127.0.0.2:
# three services, named by the address (addresses given are not folded: they
# may be machines of their own).
run_check "$DISCOVER" -C ca.pem --emit=icinga2 --host-name=agent1.test --endpoint=agent1.test \
	"127.0.0.1:$WEB,$OTHER" "[::1]:$WEB" "127.0.0.2:$WEB"
EMITTED=$CHECK_OUT
printf '%s\n' "$EMITTED" >"$TEST_DIR/icinga2-agent.out"
has '--host-name --endpoint: the services on the host named, run by the endpoint' \
	'^\thost_name = "agent1\.test"$' '^\tcommand_endpoint = "agent1\.test"$' '!^object Host' \
	'!one socket' "^object Service \"tlscheck tls $WEB ::1\" \\{$" \
	'^\tvars.tlscheck_address = "127\.0\.0\.1"$' '^\tvars.tlscheck_address = "127\.0\.0\.2"$' \
	"^object Service \"tlscheck tls $WEB 127\\.0\\.0\\.1\" \\{$" \
	"^object Service \"tlscheck tls $WEB 127\\.0\\.0\\.2\" \\{$" \
	"^object Service \"tlscheck tls $OTHER\" \\{$"
# On the master, in its zone's directory, with the agent's Host.
printf 'object Host "agent1.test" {\n\tcheck_command = "dummy"\n\taddress = "192.0.2.10"\n}\n' \
	>>"$TEST_DIR/icinga2-agent.out"
icinga2_load 'icinga2 daemon -C: services of an agent'"'"'s host with command_endpoint' \
	"$TEST_DIR/icinga2-agent.out" 'object Endpoint NodeName { }
object Zone "master" { endpoints = [ NodeName ] }
object Endpoint "agent1.test" { }
object Zone "agent1.test" { endpoints = [ "agent1.test" ]; parent = "master" }' master

# An existing host whose address leads nowhere, its services run by a real
# Icinga 2, every second: each goes to its listener's address with its name.
run_check "$DISCOVER" -C ca.pem --emit=icinga2 --host-name=node.test "127.0.0.1:$WEB" \
	"[::1]:$WEB" "127.0.0.2:$WEB"
printf '%s\n' "$CHECK_OUT" | sed 's/^\t\(check\|retry\)_interval = .*/\t\1_interval = 1s/' \
	>"$TEST_DIR/icinga2-node.out"
if icinga2_load 'icinga2 daemon -C: services of an existing host' "$TEST_DIR/icinga2-node.out" \
	"$(icinga2_features)
object Host \"node.test\" { check_command = \"dummy\"; address = \"192.0.2.10\" }"; then
	icinga2_start
	icinga2_wait 30 'Icinga 2 ran the services of the existing host' \
		"tlscheck tls $WEB 127.0.0.1" "tlscheck tls $WEB 127.0.0.2"
	for a in 127.0.0.1 127.0.0.2; do
		rec=$(record_of "tlscheck tls $WEB $a")
		if [ "$(field "$rec" STATE_ID)" = 0 ] &&
			[[ $(field "$rec" OUTPUT) == "TLS OK - web.test:$WEB tls: "* ]]; then
			ok "Icinga 2: tlscheck tls $WEB $a OK, web.test verified at $a"
		else
			not_ok "Icinga 2: tlscheck tls $WEB $a OK, web.test verified at $a"
			diag "$rec"
		fi
	done
	stop_engine "$ICINGA2_PID"
fi

expect_check '--endpoint goes with --emit=icinga2 only' 3 \
	'^tlscheck-discover: --endpoint goes with --emit=icinga2$' \
	-- "$DISCOVER" --emit=nagios --endpoint=agent1.test "127.0.0.1:$WEB"
expect_check '--host-name: a name engines read as code is a bad argument' 3 \
	"^tlscheck-discover: --host-name: '\\\$host.vars.x\\\$' is not a name " \
	-- "$DISCOVER" --emit=icinga2 "--host-name=\$host.vars.x\$" "127.0.0.1:$WEB"
expect_check '--local --emit=zabbix: a bad argument, pointing to zabbix-lld' 3 \
	'^tlscheck-discover: --local goes with --emit=zabbix-lld \(the agent template of contrib/zabbix\), not --emit=zabbix$' \
	-- "$DISCOVER" --local --emit=zabbix
expect_check '--host-name empty: only for --emit=zabbix-lld' 3 \
	'^tlscheck-discover: --host-name: empty ' -- "$DISCOVER" --emit=icinga2 --host-name= "127.0.0.1:$WEB"

# --- Nagios ---------------------------------------------------------------------

nagios_prepare "$TLSCHECK_BUILDDIR/plugins"

# nagios_load DESC FILE: one TAP result, nagios4 -v with contrib's commands, the
# stock templates and localhost (as Debian's objects/templates.cfg and
# localhost.cfg define them), and FILE (the output): no error.
nagios_load() {
	{
		nagios_quiet_objects
		nagios_discovery_base
	} >"$N/etc/objects.cfg"
	sed -i '/^cfg_file=.*\.out$/d' "$N/etc/nagios.cfg"
	printf 'cfg_file=%s\n' "$2" >>"$N/etc/nagios.cfg"
	if nagios4 -v "$N/etc/nagios.cfg" >"$N/var/verify.log" 2>&1 &&
		grep -Eq '^Total Errors: +0$' "$N/var/verify.log"; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag_file "$N/var/verify.log"
	diag_file "$2"
}

example nagios
has '--local --emit=nagios: localhost, no host, the socket over IPv4 and IPv6 once' \
	'^\thost_name            localhost$' '!^define host' \
	"^# 127\\.0\\.0\\.1:$WEB and \\[::1\\]:$WEB: one socket" \
	"^\\tservice_description  tlscheck tls $WEB$" '^\tcheck_interval       60$' \
	'^\tretry_interval       15$' \
	"^\\tcheck_command        check_tls_at!web\\.test!127\\.0\\.0\\.1!-p $WEB$"
nagios_load 'nagios4 -v: the example, on localhost' "$TEST_DIR/nagios-local.out"

# The same but localhost, which Debian's configuration defines already.
grep -v '^localhost:' "$TEST_DIR/hosts" >"$TEST_DIR/hosts-nagios"
run_check "$DISCOVER" -C ca.pem -f hosts-nagios --emit=nagios
EMITTED=$CHECK_OUT
printf '%s\n' "$EMITTED" >"$TEST_DIR/nagios-hosts.out"
has '-f hosts --emit=nagios: a host for each host, with its address' \
	'^\thost_name            127\.0\.0\.2$' '^\taddress              127\.0\.0\.2$' \
	'^\thost_name            ::1$' '^\taddress              ::1$' '!^\thost_name            127\.0\.0\.3$' \
	"^\\tcheck_command        check_tls_name!web\\.test!-p $WEB -C $TEST_DIR/ca\\.pem$"
[ "$(printf '%s\n' "$EMITTED" | grep -c '^define host')" -eq 3 ] ||
	diag "$(printf '%s\n' "$EMITTED" | grep -c '^define host') hosts, expected 3"
nagios_load 'nagios4 -v: the hosts and their services' "$TEST_DIR/nagios-hosts.out"

run_check "$DISCOVER" -C ca.pem --emit=nagios --host-name=web1 "127.0.0.1:$WEB,$OTHER" \
	"[::1]:$WEB" "127.0.0.2:$WEB"
EMITTED=$CHECK_OUT
printf '%s\n' "$EMITTED" >"$TEST_DIR/nagios-web1.out"
has '--host-name: the services on the host named, with the name and the address' \
	'!^define host' "^\\tservice_description  tlscheck tls $WEB 127\\.0\\.0\\.2$" \
	"^\\tcheck_command        check_tls_at!web\\.test!127\\.0\\.0\\.2!-p $WEB -C "
printf 'define host {\n\tuse\tgeneric-host\n\thost_name\tweb1\n\taddress\t192.0.2.10\n' \
	>>"$TEST_DIR/nagios-web1.out"
printf '\tmax_check_attempts\t1\n\tcontacts\tnobody\n}\n' >>"$TEST_DIR/nagios-web1.out"
if nagios_load 'nagios4 -v: --host-name, the services on an existing host' \
	"$TEST_DIR/nagios-web1.out"; then
	# The host's own address leads nowhere: the checks go to the listeners'.
	nagios_start
	# shellcheck disable=SC2317 # called by wait_until
	checked() {
		status_of "tlscheck tls $WEB 127.0.0.2" | grep -q '^[[:space:]]*has_been_checked=1$'
	}
	wait_until 30 "$NAGIOS_PID" checked
	st=$(status_of "tlscheck tls $WEB 127.0.0.2")
	if printf '%s\n' "$st" | grep -q '^[[:space:]]*current_state=0$' &&
		printf '%s\n' "$st" | grep -q "^[[:space:]]*plugin_output=TLS OK - web\\.test:$WEB tls: "; then
		ok 'Nagios ran a check_tls_at service: OK, the name verified at the address given'
	else
		not_ok 'Nagios ran a check_tls_at service: OK, the name verified at the address given'
		diag "$st"
		diag_file "$N/var/nagios.log"
	fi
	stop_engine "$NAGIOS_PID"
fi

finish
