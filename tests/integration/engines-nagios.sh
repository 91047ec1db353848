#!/bin/bash
# engines-nagios.sh — a real Nagios 4 runs the commands of
# contrib/nagios/commands.cfg against real servers on loopback (gnutls-serv,
# aiosmtpd, PostgreSQL): the states, the output and the perfdata it records in
# status.dat are the plugin's. So are those of the services tlscheck-discover
# --emit=nagios writes for three of those listeners.
#
# The daemon is private: its configuration, state and spool are in the test's
# directory, it runs as the user running the test, and it is stopped by PID.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/pgsql.bash
. "$(dirname "$0")/pgsql.bash" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

require_server 'nagios4 (nagios4-core)' command -v nagios4
engines_require_servers
require_plugin "$CHECK_TLS"
require_plugin "$CHECK_TLS_SMTP"
require_plugin "$CHECK_TLS_PGSQL"
lib_init
engines_start_servers

nagios_prepare "$TLSCHECK_BUILDDIR/plugins"

# The commands are contrib's; the objects are what an operator writes: a host
# with its address, a service per port, options after the command's '!'.
{
	nagios_quiet_objects
	for host in tls.test smtp.test db.test; do
		printf 'define host {\n\thost_name\t%s\n\taddress\t127.0.0.1\n' "$host"
		printf '\tmax_check_attempts\t1\n\tcontacts\tnobody\n}\n'
	done
	engine_services | while read -r name host _ command port; do
		printf 'define service {\n\thost_name\t%s\n\tservice_description\t%s\n' "$host" "$name"
		printf '\tcheck_command\t%s!-p %s -C %s --at %s\n' "$command" "$port" "$CA_FILE" "$AT"
		printf '\tmax_check_attempts\t1\n\tcheck_interval\t1\n\tretry_interval\t1\n'
		printf '\tcontacts\tnobody\n}\n'
	done
	# Two names at one address, two targets: each one's days come on the
	# last line of the long output, after a '|'.
	printf 'define service {\n\thost_name\ttls.test\n\tservice_description\ttls-two-names\n'
	printf '\tcheck_command\tcheck_tls!-p %s -C %s --at %s -S tls.test -S other.test\n' \
		"$TLS_GOOD" "$CA_FILE" "$AT"
	printf '\tmax_check_attempts\t1\n\tcheck_interval\t1\n\tretry_interval\t1\n'
	printf '\tcontacts\tnobody\n}\n'
} >"$N/etc/objects.cfg"

# What tlscheck-discover --emit=nagios writes for three of the listeners, as an
# operator includes it: on the stock templates generic-service and generic-host,
# with the host 127.0.0.1 it writes. Each check is judged at the same moment (--at).
DISCOVERED=("tlscheck tls $TLS_EXPIRING" "tlscheck smtp $SMTP_EXPIRING" "tlscheck pgsql $PGSQL_GOOD")
run_check "$TLSCHECK_BUILDDIR/plugins/tlscheck-discover" -C "$CA_FILE" -t 6 --emit=nagios \
	"127.0.0.1:$TLS_EXPIRING,$SMTP_EXPIRING,$PGSQL_GOOD"
{
	nagios_discovery_base
	printf '%s\n' "$CHECK_OUT" | sed "s/^\tcheck_command .*/& --at $AT/"
} >"$N/etc/discovered.cfg"
printf 'cfg_file=%s\n' "$N/etc/discovered.cfg" >>"$N/etc/nagios.cfg"
if [ "$CHECK_RC" -eq 0 ] && [ "$(printf '%s\n' "$CHECK_OUT" | grep -c '^define service')" -eq 3 ]; then
	ok 'tlscheck-discover --emit=nagios: a service for each of three listeners'
else
	not_ok 'tlscheck-discover --emit=nagios: a service for each of three listeners'
	diag_file "$N/etc/discovered.cfg"
	diag "$CHECK_ERR"
fi

if nagios4 -v "$N/etc/nagios.cfg" >"$N/var/verify.log" 2>&1; then
	ok 'the configuration with contrib/nagios/commands.cfg is valid'
else
	not_ok 'the configuration with contrib/nagios/commands.cfg is valid'
	diag_file "$N/var/verify.log"
	finish
fi

nagios_start
PID=$NAGIOS_PID

# field BLOCK NAME: the value of NAME= in a status block.
field() {
	printf '%s\n' "$1" | sed -n "s/^[[:space:]]*$2=//p"
}

all_checked() {
	local s
	for s in "${SERVICES[@]}"; do
		status_of "$s" | grep -q '^[[:space:]]*has_been_checked=1$' || return 1
	done
}

read -r -a SERVICES <<<"$(engine_services | cut -d' ' -f1 | tr '\n' ' ') tls-two-names"
SERVICES+=("${DISCOVERED[@]}")
if wait_until 30 "$PID" all_checked; then
	ok 'Nagios recorded a result of every service'
else
	not_ok 'Nagios recorded a result of every service'
	diag_file "$N/var/nagios.log"
	diag_file "$N/var/stdout.log"
fi

# recorded SERVICE DESC STATE PATTERN -- PLUGIN ARGS...
recorded() {
	local service=$1 desc=$2 want=$3 pattern=$4 st
	shift 4
	st=$(status_of "$service")
	expect_recorded "$desc" "$(field "$st" current_state)" "$(field "$st" plugin_output)" \
		"$(field "$st" performance_data)" "$want" "$pattern" "$@"
	[ -z "$(field "$st" long_plugin_output)" ] ||
		diag "$service: long_plugin_output: $(field "$st" long_plugin_output)"
}

engines_expect_all nagios ''
recorded "${DISCOVERED[0]}" '--emit=nagios: tls, 10 days left: WARNING, as the plugin printed it' 1 \
	"^TLS WARNING - tls\\.test:$TLS_EXPIRING tls: certificate 'CN=tls\\.test' expires in 9d" \
	-- "$CHECK_TLS" -H tls.test -I 127.0.0.1 -p "$TLS_EXPIRING" -C "$CA_FILE" --at "$AT"
recorded "${DISCOVERED[1]}" '--emit=nagios: smtp, 10 days left: WARNING, as the plugin printed it' 1 \
	"^TLS WARNING - smtp\\.test:$SMTP_EXPIRING smtp: certificate 'CN=smtp\\.test' expires in 9d" \
	-- "$CHECK_TLS_SMTP" -H smtp.test -I 127.0.0.1 -p "$SMTP_EXPIRING" -C "$CA_FILE" --at "$AT"
recorded "${DISCOVERED[2]}" '--emit=nagios: pgsql, good certificate: OK, as the plugin printed it' 0 \
	"^TLS OK - db\\.test:$PGSQL_GOOD pgsql: certificate 'CN=db\\.test' expires in 199d" \
	-- "$CHECK_TLS_PGSQL" -H db.test -I 127.0.0.1 -p "$PGSQL_GOOD" -C "$CA_FILE" --at "$AT"

DAYS200='=199\.9[0-9];14:;7:;0;'
perf=$(field "$(status_of tls-two-names)" performance_data)
if printf '%s\n' "$perf" | grep -Eq "^days_left$DAYS200 ${PERF_TAIL%\$} 'tls\\.test@127\\.0\\.0\\.1 days_left'$DAYS200 'other\\.test@127\\.0\\.0\\.1 days_left'$DAYS200\$"; then
	ok "the perfdata Nagios recorded of two targets: the status line's and each target's from the long output"
else
	not_ok "the perfdata Nagios recorded of two targets: the status line's and each target's from the long output"
	diag "performance_data: $perf"
fi

finish
