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
# shellcheck source=tests/integration/pgsql.bash
. "$(dirname "$0")/pgsql.bash" || exit 99
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

icinga2_prepare "$TEST_DIR/icinga2"

# The commands are contrib's, included as they are; the objects are what an
# operator writes: a host with its address, a service per port.
cat >"$I/etc/icinga2.conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "$TLSCHECK_BUILDDIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
$(icinga2_features)

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

$(engine_services | while read -r name host command _ port; do
	printf 'object Service "%s" {\n\timport "test-service"\n' "$name"
	printf '\thost_name = "%s"\n\tcheck_command = "%s"\n' "$host" "$command"
	printf '\tvars.tlscheck_port = %s\n}\n' "$port"
done)

// The first name of tlscheck, an alias kept for configurations that name it.
object Service "tls-old-name" {
	import "test-service"
	host_name = "tls.test"
	check_command = "tls"
	vars.tlscheck_port = $TLS_GOOD
}

// Two names at one address, two targets: each one's days come on the last
// line of the long output, after a '|'.
object Service "tls-two-names" {
	import "test-service"
	host_name = "tls.test"
	check_command = "tlscheck"
	vars.tlscheck_port = $TLS_GOOD
	vars.tlscheck_sni = [ "tls.test", "other.test" ]
}
CONF

icinga2_validate 'the configuration with contrib/icinga2/tlscheck.conf is valid' || finish
icinga2_start
read -r -a SERVICES <<<"$(engine_services | cut -d" " -f1 | tr "\n" " ") tls-old-name tls-two-names"
icinga2_wait 30 'Icinga 2 recorded a result of every service' "${SERVICES[@]}"

engines_expect_all icinga2 'CheckCommand '
recorded tls-old-name 'CheckCommand tls, the old name of tlscheck: as the plugin printed it' 0 \
	"^TLS OK - tls\\.test:$TLS_GOOD tls: certificate 'CN=tls\\.test' expires in 199d" \
	-- "$CHECK_TLS" -H tls.test -I 127.0.0.1 -p "$TLS_GOOD" -C "$CA_FILE" --at "$AT"

DAYS200='days_left=199\.9[0-9];14:;7:;0;'
# The perfdata values themselves, as Icinga recorded them.
perf_ok=1
for s in tls-good smtp-good pgsql-good; do
	field "$(record_of "$s")" PERFDATA | grep -Eq "^$DAYS200 $PERF_TAIL" || perf_ok=0
done
for s in tls-expiring smtp-expiring; do
	field "$(record_of "$s")" PERFDATA | grep -Eq "^days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" ||
		perf_ok=0
done
field "$(record_of tls-refused)" PERFDATA | grep -Eq "^$PERF_TAIL" || perf_ok=0
field "$(record_of tls-two-names)" PERFDATA |
	grep -Eq "^$DAYS200 ${PERF_TAIL%\$} 'tls\\.test@127\\.0\\.0\\.1 days_left'${DAYS200#days_left} 'other\\.test@127\\.0\\.0\\.1 days_left'${DAYS200#days_left}\$" ||
	perf_ok=0
if [ "$perf_ok" = 1 ]; then
	ok "the perfdata Icinga 2 recorded: days_left with the thresholds, and time; each target's from the long output"
else
	not_ok "the perfdata Icinga 2 recorded: days_left with the thresholds, and time; each target's from the long output"
	for s in "${SERVICES[@]}"; do
		diag "$s: $(field "$(record_of "$s")" PERFDATA)"
	done
fi

finish
