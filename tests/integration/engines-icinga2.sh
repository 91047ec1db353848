#!/bin/bash
# engines-icinga2.sh — a real Icinga 2 daemon runs the CheckCommands of
# contrib/icinga2/tlscheck.conf against real servers on loopback (gnutls-serv,
# aiosmtpd, PostgreSQL): the states, the output and the perfdata it records
# (read back from its PerfdataWriter files) are the plugin's.
#
# The daemon is private: every path it uses is in the test's directory (-D
# constants), it runs as the user running the test, and it is stopped by PID.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

require_server 'icinga2 (icinga2-bin)' command -v icinga2
require_server 'the Icinga Template Library (icinga2-common)' test -r /usr/share/icinga2/include/itl
engines_require_servers
require_plugin "$CHECK_TLS"
require_plugin "$CHECK_TLS_SMTP"
require_plugin "$CHECK_TLS_PGSQL"
lib_init
engines_start_servers

I=$TEST_DIR/icinga2
mkdir -p "$I"/{etc,lib,log,cache,spool/perfdata,spool/tmp,run}
defs=(-DConfigDir="$I/etc" -DDataDir="$I/lib" -DLogDir="$I/log"
	-DCacheDir="$I/cache" -DSpoolDir="$I/spool" -DInitRunDir="$I/run"
	-DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)")

# The commands are contrib's, included as they are; the objects are what an
# operator writes: a host with its address, a service per port.
cat >"$I/etc/icinga2.conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "$TLSCHECK_BUILDDIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"

object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
	service_perfdata_path = "$I/spool/perfdata/service-perfdata"
	service_temp_path = "$I/spool/tmp/service-perfdata"
	host_perfdata_path = "$I/spool/perfdata/host-perfdata"
	host_temp_path = "$I/spool/tmp/host-perfdata"
	rotation_interval = 1s
	service_format_template = "SERVICE::\$service.name\$\tSTATE_ID::\$service.state_id\$\tPERFDATA::\$service.perfdata\$\tOUTPUT::\$service.output\$"
}

template Host "test-host" {
	address = "127.0.0.1"
	check_command = "dummy"
	check_interval = 1h
}
template Service "test-service" {
	check_interval = 1s
	retry_interval = 1s
	max_check_attempts = 1
	vars.tlscheck_ca_file = "$CA_FILE"
	vars.tlscheck_at = "$AT"
}
object Host "tls.test" { import "test-host" }
object Host "smtp.test" { import "test-host" }
object Host "db.test" { import "test-host" }

$(engine_services | while read -r name host command port; do
	printf 'object Service "%s" {\n\timport "test-service"\n' "$name"
	printf '\thost_name = "%s"\n\tcheck_command = "%s"\n' "$host" "$command"
	printf '\tvars.tlscheck_port = %s\n}\n' "$port"
done)
CONF

if ! icinga2 daemon -C -c "$I/etc/icinga2.conf" "${defs[@]}" >"$I/log/validate.log" 2>&1; then
	not_ok 'the configuration with contrib/icinga2/tlscheck.conf is valid'
	diag_file "$I/log/validate.log"
	finish
fi
ok 'the configuration with contrib/icinga2/tlscheck.conf is valid'

setsid icinga2 daemon -c "$I/etc/icinga2.conf" "${defs[@]}" >"$I/log/stdout.log" 2>&1 &
PID=$!
at_exit stop_engine "$PID"

read -r -a SERVICES <<<"$(engine_services | cut -d" " -f1 | tr "\n" " ")"

# The first record of SERVICE in the rotated perfdata files (one line: the
# plugins print one line without -v). Records run up to the next SERVICE:: line.
record_of() {
	cat "$I"/spool/perfdata/service-perfdata.* 2>/dev/null |
		awk -v s="SERVICE::$1" '/^SERVICE::/ { n = (index($0, s "\t") == 1) ? n + 1 : (n ? 99 : 0) } n == 1'
}

all_recorded() {
	local s
	for s in "${SERVICES[@]}"; do
		[ -n "$(record_of "$s")" ] || return 1
	done
}

if wait_until 30 "$PID" all_recorded; then
	ok 'Icinga 2 recorded a result of every service'
else
	not_ok 'Icinga 2 recorded a result of every service'
	diag_file "$I/log/stdout.log"
fi

# field RECORD NAME: the value of NAME:: in the record's first line.
field() {
	printf '%s\n' "$1" | head -n 1 | tr '\t' '\n' | sed -n "s/^$2:://p"
}

# recorded SERVICE DESC STATE PATTERN -- PLUGIN ARGS...
recorded() {
	local service=$1 desc=$2 want=$3 pattern=$4 rec output
	shift 4
	rec=$(record_of "$service")
	output=$(printf '%s\n' "$rec" | sed '1s/^.*\tOUTPUT:://')
	# Icinga keeps the space that stood before the '|'.
	output=${output% }
	expect_recorded "$desc" "$(field "$rec" STATE_ID)" "$output" "$(field "$rec" PERFDATA)" \
		"$want" "$pattern" "$@"
}

engines_expect_all 'CheckCommand '

DAYS200='days_left=199\.9[0-9];14;7;0;'
# The perfdata values themselves, as Icinga recorded them.
perf_ok=1
for s in tls-good smtp-good pgsql-good; do
	field "$(record_of "$s")" PERFDATA | grep -Eq "^$DAYS200 $PERF_TAIL" || perf_ok=0
done
for s in tls-expiring smtp-expiring; do
	field "$(record_of "$s")" PERFDATA | grep -Eq "^days_left=9\\.9[0-9];14;7;0; $PERF_TAIL" ||
		perf_ok=0
done
field "$(record_of tls-refused)" PERFDATA | grep -Eq "^$PERF_TAIL" || perf_ok=0
if [ "$perf_ok" = 1 ]; then
	ok 'the perfdata Icinga 2 recorded: days_left with the thresholds, and time'
else
	not_ok 'the perfdata Icinga 2 recorded: days_left with the thresholds, and time'
	for s in "${SERVICES[@]}"; do
		diag "$s: $(field "$(record_of "$s")" PERFDATA)"
	done
fi

finish
