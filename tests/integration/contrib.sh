#!/bin/bash
# contrib.sh — the Icinga 2 CheckCommands in contrib/ load in a real Icinga 2
# (its own configuration check), with one service per command.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'icinga2 (icinga2-bin)' command -v icinga2
lib_init

conf=$TEST_DIR/icinga2.conf
cat >"$conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "$TLSCHECK_BUILDDIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
object Host "db1.example" {
	address = "127.0.0.1"
	check_command = "dummy"
	vars.tlscheck_ca_file = [ "/etc/ssl/internal-ca.pem", "/etc/ssl/extra.pem" ]
}
object Service "tls" {
	host_name = "db1.example"
	check_command = "tls"
	vars.tlscheck_protocol = "pgsql"
}
object Service "tls-smtp" {
	host_name = "db1.example"
	check_command = "tls_smtp"
	vars.tlscheck_port = 587
	vars.tlscheck_ehlo = "monitor.example"
	vars.tlscheck_warning = "21d"
}
object Service "tls-pgsql" {
	host_name = "db1.example"
	check_command = "tls_pgsql"
	vars.tlscheck_verify_name = "db1.example"
	vars.tlscheck_timeout = "5:warning"
}
CONF

if icinga2 daemon -C -c "$conf" >"$TEST_DIR/icinga2.out" 2>&1 &&
	grep -q 'Instantiated 3 Services' "$TEST_DIR/icinga2.out"; then
	ok 'contrib/icinga2/tlscheck.conf loads in Icinga 2 with a service per command'
else
	not_ok 'contrib/icinga2/tlscheck.conf loads in Icinga 2 with a service per command'
	diag_file "$TEST_DIR/icinga2.out"
fi

finish
