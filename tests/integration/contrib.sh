#!/bin/bash
# contrib.sh — the Icinga 2 CheckCommands in contrib/ load in a real Icinga 2
# (its own configuration check), with services of every command; Icinga 2 itself
# resolves the command lines they give (the host's name to -H, its address to
# -I), tlscheck-ssl_cert's from the ssl_cert_* variables of the ITL's ssl_cert;
# and contrib/nagios/commands.cfg maps $HOSTNAME$ and $HOSTADDRESS$ the same way.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'icinga2 (icinga2-bin)' command -v icinga2
lib_init

# Everything Icinga 2 reads or writes stays in the test's directory.
mkdir -p "$TEST_DIR"/{etc,lib,log,cache,spool,run}
defs=(-DConfigDir="$TEST_DIR/etc" -DDataDir="$TEST_DIR/lib" -DLogDir="$TEST_DIR/log"
	-DCacheDir="$TEST_DIR/cache" -DSpoolDir="$TEST_DIR/spool" -DInitRunDir="$TEST_DIR/run"
	-DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)")

# One host with an address and one without, a service per command and per way of
# choosing the name and the address.
cat >"$TEST_DIR/objects.conf" <<'CONF'
object Host "db1.example" {
	address = "192.0.2.31"
	address6 = "2001:db8::31"
	check_command = "dummy"
	vars.tlscheck_ca_file = [ "/etc/ssl/internal-ca.pem", "/etc/ssl/extra.pem" ]
}
object Host "noaddress.example" {
	check_command = "dummy"
}
object Service "pgsql" {
	host_name = "db1.example"
	check_command = "tlscheck-pgsql"
}
object Service "tls-ipv6" {
	host_name = "db1.example"
	check_command = "tlscheck"
	vars.tlscheck_ipv6 = true
	vars.tlscheck_ca_file = "/etc/ssl/web-ca.pem"
	vars.tlscheck_verbose = false
}
object Service "smtp-vhost" {
	host_name = "db1.example"
	check_command = "tlscheck-smtp"
	vars.tlscheck_host = "mail.example"
	vars.tlscheck_port = 587
	vars.tlscheck_ehlo = "monitor.example"
	vars.tlscheck_verbose = true
	vars.tlscheck_no_verify_trust = true
}
object Service "no-address" {
	host_name = "noaddress.example"
	check_command = "tls"
	vars.tlscheck_protocol = "smtp"
	vars.tlscheck_timeout = "5:warning"
}
object Service "ldap" {
	host_name = "db1.example"
	check_command = "tlscheck-ldap"
	vars.tlscheck_port = 636
}
object Service "imap" {
	host_name = "db1.example"
	check_command = "tlscheck-imap"
}
object Service "pop3" {
	host_name = "db1.example"
	check_command = "tlscheck-pop3"
}
object Service "ftp" {
	host_name = "db1.example"
	check_command = "tlscheck-ftp"
}
object Service "xmpp" {
	host_name = "db1.example"
	check_command = "tlscheck-xmpp"
	vars.tlscheck_xmpp_server = true
	vars.tlscheck_xmpp_domain = "example.org"
}
object Service "mysql-pinned" {
	host_name = "db1.example"
	check_command = "tlscheck-mysql"
	vars.tlscheck_cert_file = "/etc/mysql/server.pem"
	vars.tlscheck_fingerprint = [ "aa", "bb" ]
	vars.tlscheck_min_tls = "1.2"
	vars.tlscheck_ocsp = "require"
	vars.tlscheck_allow_sha1 = true
	vars.tlscheck_client_cert = "/etc/tlscheck/monitor.pem"
	vars.tlscheck_client_key = "/etc/tlscheck/monitor.key"
}
object Service "kafka" {
	host_name = "db1.example"
	check_command = "tlscheck-kafka"
	vars.tlscheck_no_api_check = true
}
object Service "redis" {
	host_name = "db1.example"
	check_command = "tlscheck-redis"
}
object Service "mqtt" {
	host_name = "db1.example"
	check_command = "tlscheck-mqtt"
}
object Service "grpc" {
	host_name = "db1.example"
	check_command = "tlscheck-grpc"
	vars.tlscheck_port = 2379
	vars.tlscheck_grpc_service = "etcdserverpb.KV"
}
object Service "grpc-no-call" {
	host_name = "db1.example"
	check_command = "tlscheck-grpc"
	vars.tlscheck_no_service_check = true
}
object Service "redis-no-call" {
	host_name = "db1.example"
	check_command = "tlscheck"
	vars.tlscheck_protocol = "redis"
	vars.tlscheck_no_service_check = true
}
object Service "sieve" {
	host_name = "db1.example"
	check_command = "tlscheck"
	vars.tlscheck_protocol = "sieve"
	vars.tlscheck_perfdata_thresholds = "plain"
}
object Service "pool" {
	host_name = "db1.example"
	check_command = "tlscheck"
	vars.tlscheck_address = [ "192.0.2.41", "192.0.2.42" ]
	vars.tlscheck_sni = [ "www.example", "api.example" ]
	vars.tlscheck_allow_mixed = true
}
object Service "pool-all" {
	host_name = "db1.example"
	check_command = "tlscheck"
	vars.tlscheck_all_addresses = true
}
object Service "mail-mx" {
	host_name = "db1.example"
	check_command = "tlscheck-smtp"
	vars.tlscheck_host = "example.org"
	vars.tlscheck_mx = true
}
object Service "mail-dane" {
	host_name = "db1.example"
	check_command = "tlscheck-smtp"
	vars.tlscheck_host = "example.org"
	vars.tlscheck_mx = true
	vars.tlscheck_dane = "if-present"
	vars.tlscheck_dane_unmatched = "warning"
	vars.tlscheck_dns_server = "192.0.2.53"
}
object Service "https-dane" {
	host_name = "db1.example"
	check_command = "tlscheck"
	vars.tlscheck_dane = true
	vars.tlscheck_dane_name = "www.example"
}
object Service "address-off" {
	host_name = "db1.example"
	check_command = "tls_pgsql"
	vars.tlscheck_address = ""
	vars.tlscheck_warning = "21d"
}

// Services written for the ITL's ssl_cert, moved to tlscheck-ssl_cert by
// their check_command alone.
object Host "web1" {
	address = "192.0.2.51"
	check_command = "dummy"
}
object Service "ssl_cert-plain" {
	host_name = "web1"
	check_command = "tlscheck-ssl_cert"
}
object Service "ssl_cert-smtps" {
	host_name = "web1"
	check_command = "tlscheck-ssl_cert"
	vars.tlscheck_host = "web1.example.com"
	vars.ssl_cert_port = 465
	vars.ssl_cert_protocol = "smtps"
	vars.ssl_cert_warn = 30
	vars.ssl_cert_critical = 14
	vars.ssl_cert_rootssl_cert = "/etc/ssl/ca.pem"
	vars.ssl_cert_ignore_ocsp = true
	vars.ssl_cert_disable_ssl_versions = [ "ssl2", "ssl3", "tls1", "tls1_1" ]
	vars.ssl_cert_long_output = "all"
	vars.ssl_cert_noauth = false
	vars.ssl_cert_altnames = true
	vars.ssl_cert_ignore_sct = true
}
object Service "ssl_cert-pgsql" {
	host_name = "web1"
	check_command = "tlscheck-ssl_cert"
	vars.ssl_cert_address = "198.51.100.7"
	vars.ssl_cert_protocol = "postgres"
	vars.ssl_cert_port = 5432
	vars.ssl_cert_rootcert = "/etc/ssl/pg-ca.pem"
	vars.ssl_cert_cn = "db.example.com"
	vars.ssl_cert_sni = "db.example.com"
	vars.ssl_cert_timeout = 30
	vars.ssl_cert_clientssl_cert = "/etc/tlscheck/monitor.pem"
	vars.ssl_cert_ignore_signature = true
	vars.ssl_cert_ignore_host_cn = true
}
object Service "ssl_cert-refused" {
	host_name = "web1"
	check_command = "tlscheck-ssl_cert"
	vars.ssl_cert_issuer = "Example CA"
	vars.ssl_cert_ignore_expiration = true
	vars.ssl_cert_protocol = "xmpp-server"
	vars.ssl_cert_selfsigned = true
}
object Service "ssl_cert-dane" {
	host_name = "web1"
	check_command = "tlscheck-ssl_cert"
	vars.ssl_cert_dane = "311"
}
object Service "ssl_cert-own" {
	host_name = "web1"
	check_command = "tlscheck-ssl_cert"
	vars.ssl_cert_protocol = "imaps"
	vars.tlscheck_implicit_tls = false
	vars.tlscheck_protocol = "ldap"
	vars.ssl_cert_disable_ssl_versions = "tls1"
	vars.tlscheck_min_tls = "1.3"
	vars.tlscheck_warning = "21d"
}

// The README's apply rule for the pods behind Kubernetes headless Services.
object Host "k8s-shop" {
	check_command = "dummy"
	vars.k8s_tls_services["web"] = {
		tlscheck_host = "web.shop.svc.cluster.local"
		tlscheck_ca_file = "/etc/ssl/cluster-ca.pem"
	}
	vars.k8s_tls_services["api"] = {
		tlscheck_host = "api.shop.svc.cluster.local"
		tlscheck_port = 8443
		tlscheck_allow_mixed = true
	}
}
apply Service "pods " for (name => config in host.vars.k8s_tls_services) {
	check_command = "tlscheck"
	vars += config
	vars.tlscheck_all_addresses = true
	check_interval = 1h
	retry_interval = 5m
}
CONF

conf=$TEST_DIR/icinga2.conf
cat >"$conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "$TLSCHECK_BUILDDIR/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck-ssl_cert.conf"
include "$TEST_DIR/objects.conf"
CONF

if icinga2 daemon -C -c "$conf" "${defs[@]}" >"$TEST_DIR/icinga2.out" 2>&1 &&
	grep -q 'Instantiated 31 Services' "$TEST_DIR/icinga2.out"; then
	ok 'contrib/icinga2/tlscheck.conf and tlscheck-ssl_cert.conf load in Icinga 2 with services of every command'
else
	not_ok 'contrib/icinga2/tlscheck.conf and tlscheck-ssl_cert.conf load in Icinga 2 with services of every command'
	diag_file "$TEST_DIR/icinga2.out"
fi

# Loaded twice (the package's copy and one in a global zone), each file defines
# its commands once.
cat >"$TEST_DIR/twice.conf" <<CONF
include <itl>
include <plugins>
const PluginDir = "/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck-ssl_cert.conf"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck-ssl_cert.conf"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
CONF
if icinga2 daemon -C -c "$TEST_DIR/twice.conf" "${defs[@]}" >"$TEST_DIR/twice.out" 2>&1; then
	ok 'tlscheck.conf and tlscheck-ssl_cert.conf each loaded twice define their commands once'
else
	not_ok 'tlscheck.conf and tlscheck-ssl_cert.conf each loaded twice define their commands once'
	diag_file "$TEST_DIR/twice.out"
fi

# A configuration with a CheckCommand "tls" of its own loads beside the file
# once it drops the old names.
cat >"$TEST_DIR/own-tls.conf" <<CONF
const TlscheckOldNames = false
include <itl>
include <plugins>
const PluginDir = "/plugins"
include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
object CheckCommand "tls" { command = [ "/bin/true" ] }
CONF
if icinga2 daemon -C -c "$TEST_DIR/own-tls.conf" "${defs[@]}" >"$TEST_DIR/own-tls.out" 2>&1; then
	ok 'TlscheckOldNames = false: a CheckCommand "tls" of the configuration loads beside the file'
else
	not_ok 'TlscheckOldNames = false: a CheckCommand "tls" of the configuration loads beside the file'
	diag_file "$TEST_DIR/own-tls.out"
fi

# --- the command lines Icinga 2 builds ------------------------------------------
# In the console, the same objects are activated without a daemon, and each
# command resolves its macros in the dry run Icinga 2 uses for remote commands (a
# dictionary for the resolved macros, and nothing executed). The command
# attribute is swapped for a function that asks Icinga 2's own argument resolver
# for the command line (on a copy: the resolver appends to the array it is given).
# The dry run keeps an option whose variable is unset, with an empty value; a real
# check leaves it out, and so does the printed line.
cat >"$TEST_DIR/argv.conf" <<CONF
const PluginDir = "/plugins"
Internal.run_with_activation_context(function() {
	include <itl>
	include <plugins>
	include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck.conf"
	include "$TLSCHECK_SRCDIR/contrib/icinga2/tlscheck-ssl_cert.conf"
	include "$TEST_DIR/objects.conf"
})

function command_line(host, service) {
	var s = get_service(host, service)
	var cmd = get_object(CheckCommand, s.check_command)
	var original = cmd.command
	var out = {}
	cmd.modify_attribute("command", function() use(out, original) {
		out.argv = resolve_arguments(original.clone(), command.arguments)
		return [ "not run" ]
	})
	cmd.execute(s, CheckResult(), {}, false)
	cmd.modify_attribute("command", original)
	var words = []
	var i = 0
	while (i < out.argv.len()) {
		if (i + 1 < out.argv.len() && out.argv[i + 1] == "") {
			i += 2
			continue
		}
		words.add(out.argv[i])
		i += 1
	}
	log(LogInformation, "argv", service + ": " + words.join(" "))
}

for (s in [ "pgsql", "tls-ipv6", "smtp-vhost", "address-off", "ldap", "xmpp", "mysql-pinned",
	"sieve", "kafka", "grpc", "grpc-no-call", "redis-no-call", "pool", "pool-all", "mail-mx", "mail-dane",
	"https-dane" ]) {
	command_line("db1.example", s)
}
command_line("noaddress.example", "no-address")
for (s in [ "ssl_cert-plain", "ssl_cert-smtps", "ssl_cert-pgsql", "ssl_cert-refused", "ssl_cert-own", "ssl_cert-dane" ]) {
	command_line("web1", s)
}
command_line("k8s-shop", "pods web")
command_line("k8s-shop", "pods api")
CONF

timeout 60 icinga2 console -r "$TEST_DIR/argv.conf" "${defs[@]}" >"$TEST_DIR/argv.out" 2>&1

# The plugin, then its options each with its value, in a fixed order: Icinga 2
# passes arguments of equal order in no documented order, and getopt takes any.
options_of() {
	"$PYTHON" -c '
import sys
words = sys.argv[1].split()
groups = []
for w in words[1:]:
    if w.startswith("-") or not groups:
        groups.append(w)
    else:
        groups[-1] += " " + w
print(" ".join(words[:1] + sorted(groups)))' "$1"
}

# command_line DESC SERVICE EXPECTED: Icinga 2 builds EXPECTED for SERVICE.
command_line() {
	local desc=$1 service=$2 want=$3 got
	got=$(sed -n "s|^information/argv: $service: ||p" "$TEST_DIR/argv.out")
	if [ -n "$got" ] && [ "$(options_of "$got")" = "$(options_of "$want")" ]; then
		ok "Icinga 2 command line: $desc"
	else
		not_ok "Icinga 2 command line: $desc"
		diag "expected: $want"
		diag "got:      $got"
		[ -n "$got" ] || diag_file "$TEST_DIR/argv.out"
	fi
}
command_line 'host name to -H, address to -I, CA files repeated' pgsql \
	'/plugins/check_tls_pgsql -H db1.example -I 192.0.2.31 -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem'
command_line 'tlscheck-grpc: the port and --grpc-service' grpc \
	'/plugins/check_tls_grpc -H db1.example -I 192.0.2.31 -p 2379 -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem --grpc-service etcdserverpb.KV'
command_line 'tlscheck-grpc: tlscheck_no_service_check to --no-service-check' grpc-no-call \
	'/plugins/check_tls_grpc -H db1.example -I 192.0.2.31 -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem --no-service-check'
command_line 'tlscheck: tlscheck_no_service_check to --no-service-check' redis-no-call \
	'/plugins/check_tls -H db1.example -I 192.0.2.31 -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem -P redis --no-service-check'
command_line 'address and SNI arrays repeat -I and -S' pool \
	'/plugins/check_tls -H db1.example -I 192.0.2.41 -I 192.0.2.42 -S www.example -S api.example -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem --allow-mixed'
command_line 'tlscheck_all_addresses: -A instead of -I' pool-all \
	'/plugins/check_tls -H db1.example -A -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem'
command_line 'tlscheck_mx: the mail domain to -H, --mx, no -I' mail-mx \
	'/plugins/check_tls_smtp -H example.org --mx -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem'
command_line 'tlscheck_dane: --dane=MODE in one word, with the MX hosts and a resolver' mail-dane \
	'/plugins/check_tls_smtp -H example.org --mx -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem --dane=if-present --dane-unmatched warning --dns-server 192.0.2.53'
command_line 'tlscheck_dane = true: --dane alone, and the TLSA base domain' https-dane \
	'/plugins/check_tls -H db1.example -I 192.0.2.31 -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem --dane --dane-name www.example'
command_line 'tlscheck_ipv6: address6 to -I, and -6; a false flag passes nothing' tls-ipv6 \
	'/plugins/check_tls -H db1.example -I 2001:db8::31 -6 -C /etc/ssl/web-ca.pem'
command_line 'tlscheck_host names the service; flags set' smtp-vhost \
	'/plugins/check_tls_smtp -H mail.example -I 192.0.2.31 -p 587 --ehlo monitor.example --no-verify-trust -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem -v'
command_line 'the old name tls, a host without an address: no -I, the plugin resolves the name' no-address \
	'/plugins/check_tls -H noaddress.example -P smtp -t 5:warning'
command_line 'the old name tls_pgsql, tlscheck_address = "": no -I' address-off \
	'/plugins/check_tls_pgsql -H db1.example -C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem -w 21d'

ca='-C /etc/ssl/internal-ca.pem -C /etc/ssl/extra.pem'
command_line 'tlscheck-ldap on the LDAPS port' ldap \
	"/plugins/check_tls_ldap -H db1.example -I 192.0.2.31 -p 636 $ca"
command_line 'tlscheck-xmpp, server-to-server for a domain' xmpp \
	"/plugins/check_tls_xmpp -H db1.example -I 192.0.2.31 --server --xmpp-domain example.org $ca"
command_line 'tlscheck-mysql with the file on disk, pins, a TLS floor, OCSP and a client certificate' mysql-pinned \
	"/plugins/check_tls_mysql -H db1.example -I 192.0.2.31 --allow-sha1 --cert-file /etc/mysql/server.pem --fingerprint aa --fingerprint bb --min-tls 1.2 --ocsp require --client-cert /etc/tlscheck/monitor.pem --client-key /etc/tlscheck/monitor.key $ca"
command_line 'tlscheck-kafka without ApiVersions' kafka \
	"/plugins/check_tls_kafka -H db1.example -I 192.0.2.31 --no-api-check $ca"
command_line 'tlscheck with -P sieve, perfdata thresholds plain' sieve \
	"/plugins/check_tls -H db1.example -I 192.0.2.31 -P sieve $ca --perfdata-thresholds plain"

# Why both forms exist: Icinga 2's own parser, which its metric writers use,
# reads the guidelines' ranges as no threshold, and bare numbers as thresholds.
perfdata_parsed() {
	timeout 60 icinga2 console "${defs[@]}" \
		-e "var p = parse_performance_data(\"$1\"); p.warn + \",\" + p.crit" 2>&1 | tail -n 1
}
for form in 'days_left=60.04;14:;7:;0; ,' 'days_left=60.04;14;7;0; 14,7'; do
	got=$(perfdata_parsed "${form% *}")
	if [ "$got" = "\"${form##* }\"" ]; then
		ok "Icinga 2 parses ${form% *} with warn,crit = '${form##* }'"
	else
		not_ok "Icinga 2 parses ${form% *} with warn,crit = '${form##* }'"
		diag "got: $got"
	fi
done

command_line 'tlscheck-ssl_cert: the host name to -H, ssl_cert_address to -I, check_ssl_cert'"'"'s 20 and 15 days' \
	ssl_cert-plain '/plugins/check_tls -H web1 -I 192.0.2.51 -w 20 -c 15'
command_line 'tlscheck-ssl_cert: smtps is smtp with --implicit-tls; disabled versions give --min-tls' \
	ssl_cert-smtps '/plugins/check_tls -H web1.example.com -I 192.0.2.51 -p 465 -P smtp --implicit-tls -w 30 -c 14 -C /etc/ssl/ca.pem --ocsp ignore --min-tls 1.2 -v'
command_line 'tlscheck-ssl_cert: postgres is pgsql; the CA, name, SNI, timeout and client certificate' \
	ssl_cert-pgsql '/plugins/check_tls -H web1 -I 198.51.100.7 -p 5432 -P pgsql -C /etc/ssl/pg-ca.pem -N db.example.com -S db.example.com -t 30 --client-cert /etc/tlscheck/monitor.pem --client-key /etc/tlscheck/monitor.pem --allow-sha1 --no-verify-name -w 20 -c 15'
command_line 'tlscheck-ssl_cert: what tlscheck does not judge is refused by name; xmpp-server is xmpp --server' \
	ssl_cert-refused '/plugins/check_tls -H web1 -I 192.0.2.51 -P xmpp --server --no-verify-trust -w 20 -c 15 --ssl_cert_issuer-has-no-tlscheck-equivalent --ssl_cert_ignore_expiration-has-no-tlscheck-equivalent'
command_line 'tlscheck-ssl_cert: ssl_cert_dane gives --dane' \
	ssl_cert-dane '/plugins/check_tls -H web1 -I 192.0.2.51 -w 20 -c 15 --dane'
command_line 'tlscheck-ssl_cert: tlscheck_* variables win over ssl_cert_*' \
	ssl_cert-own '/plugins/check_tls -H web1 -I 192.0.2.51 -P ldap --min-tls 1.3 -w 21d -c 15'

command_line 'the README'"'"'s apply rule: every pod behind a headless Service with -A' \
	'pods web' '/plugins/check_tls -H web.shop.svc.cluster.local -A -C /etc/ssl/cluster-ca.pem'
command_line 'the README'"'"'s apply rule: a port, and one certificate per pod allowed' \
	'pods api' '/plugins/check_tls -H api.shop.svc.cluster.local -A -p 8443 --allow-mixed'

# --- Nagios ---------------------------------------------------------------------
# Every command of contrib/nagios/commands.cfg runs its plugin from $USER1$ with the
# host's address to -I and, as -H, the host's name, or $ARG1$ in the _name commands;
# the _at commands take the name and the address as $ARG1$ and $ARG2$;
# check_tls_all (-A) and check_tls_smtp_domain (--mx) find the addresses themselves.
cfg=$TLSCHECK_SRCDIR/contrib/nagios/commands.cfg
commands=$(awk '$1 == "command_name" { name = $2 }
	$1 == "command_line" { $1 = ""; print name $0 }' "$cfg")
wrong=
while read -r name line; do
	plugin=${name%_name}
	if [ "${name%_at}" != "$name" ]; then
		want="\$USER1\$/${name%_at} -H '\$ARG1\$' -I '\$ARG2\$' \$ARG3\$"
	elif [ "$name" = check_tls_all ]; then
		want="\$USER1\$/check_tls -H '\$HOSTNAME\$' -A \$ARG1\$"
	elif [ "$name" = check_tls_smtp_domain ]; then
		want="\$USER1\$/check_tls_smtp -H '\$ARG1\$' --mx \$ARG2\$"
	elif [ "$plugin" != "$name" ]; then
		want="\$USER1\$/$plugin -H '\$ARG1\$' -I '\$HOSTADDRESS\$' \$ARG2\$"
	else
		want="\$USER1\$/$plugin -H '\$HOSTNAME\$' -I '\$HOSTADDRESS\$' \$ARG1\$"
	fi
	[ "$line" = "$want" ] || wrong="$wrong$name: $line"$'\n'
done <<<"$commands"
if [ -n "$commands" ] && [ -z "$wrong" ]; then
	ok 'contrib/nagios/commands.cfg: the host name (or $ARG1$) to -H, $HOSTADDRESS$ ($ARG2$ of the _at commands) to -I'
else
	not_ok 'contrib/nagios/commands.cfg: the host name (or $ARG1$) to -H, $HOSTADDRESS$ ($ARG2$ of the _at commands) to -I'
	diag "$commands"
	diag "wrong: $wrong"
fi

finish
