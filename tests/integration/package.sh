#!/bin/bash
# package.sh — the Debian package: built with dpkg-buildpackage from a copy of the
# source tree, checked by lintian, installed with dpkg -i, and used: the
# installed plugins and tlscheck-discover run, the man pages are there, a
# private Icinga 2 loads the CheckCommands from the Icinga Template Library's
# plugins-contrib, and a private Nagios 4 the command definitions from
# /etc/nagios-plugins/config, the directory Debian's nagios4 reads.
# The package is purged (dpkg --purge, its conffile with it) at the end.
#
# It installs into the system, so it is not part of `make check`:
# scripts/test.sh runs it. Run it alone as root: bash tests/integration/package.sh

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/engines.bash
. "$(dirname "$0")/engines.bash" || exit 99

require_server 'root (dpkg -i)' test "$(id -u)" -eq 0
require_server 'dpkg-buildpackage (dpkg-dev)' command -v dpkg-buildpackage
require_server 'dh (debhelper)' command -v dh
require_server 'lintian' command -v lintian
require_server 'icinga2 (icinga2-bin)' command -v icinga2
require_server 'nagios4 (nagios4-core)' command -v nagios4
if dpkg-query -W -f='${Status}' tlscheck 2>/dev/null | grep -q 'install ok installed'; then
	bail_out 'a tlscheck package is installed already: not replacing it'
fi
lib_init

PLUGINS=(check_tls check_tls_smtp check_tls_pgsql check_tls_ldap check_tls_imap
	check_tls_pop3 check_tls_xmpp check_tls_ftp check_tls_mysql check_tls_kafka
	check_tls_redis check_tls_mqtt check_tls_grpc)

# A copy of the sources: the files git knows of (tracked or not ignored), or the
# whole tree of a release tarball.
src=$TEST_DIR/src
mkdir -p "$src"
if git -C "$TLSCHECK_SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$TLSCHECK_SRCDIR" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) |
		tar -xf - -C "$src"
else
	cp -a "$TLSCHECK_SRCDIR/." "$src/"
fi

if (cd "$src" && dpkg-buildpackage -us -uc -b -j2) >"$TEST_DIR/build.log" 2>&1; then
	ok 'dpkg-buildpackage -us -uc -b builds the package'
else
	not_ok 'dpkg-buildpackage -us -uc -b builds the package'
	tail -n 40 "$TEST_DIR/build.log" | sed 's/^/#   /'
	finish
fi
deb=$(ls "$TEST_DIR"/tlscheck_*.deb)

# The build installed into its own DESTDIR, nothing into the system.
if [ ! -e /usr/lib/nagios/plugins/check_tls ] && dpkg -c "$deb" | grep ' ./usr/lib/nagios/plugins/check_tls$' >/dev/null; then
	ok 'make install honoured DESTDIR: the files are in the package, not in /usr'
else
	not_ok 'make install honoured DESTDIR: the files are in the package, not in /usr'
fi

# Without ca-certificates the system store is empty: every check that names no
# CA file (-C) is UNKNOWN.
recommends=$(dpkg-deb -f "$deb" Recommends)
if [[ ", $recommends," == *", ca-certificates,"* ]]; then
	ok 'the package recommends ca-certificates'
else
	not_ok 'the package recommends ca-certificates'
	diag "Recommends: $recommends"
fi

if lintian --fail-on error,warning "$deb" >"$TEST_DIR/lintian.log" 2>&1 &&
	! grep -qE '^[EW]:' "$TEST_DIR/lintian.log"; then
	ok 'lintian finds no error and no warning'
	grep -E '^[IP]:' "$TEST_DIR/lintian.log" | sed 's/^/# /'
else
	not_ok 'lintian finds no error and no warning'
	diag_file "$TEST_DIR/lintian.log"
fi

# Purged, not removed: a removed package leaves its conffile, which Nagios
# would go on reading.
at_exit dpkg --purge tlscheck
if dpkg -i "$deb" >"$TEST_DIR/dpkg.log" 2>&1; then
	ok 'dpkg -i installs it'
else
	not_ok 'dpkg -i installs it'
	diag_file "$TEST_DIR/dpkg.log"
	finish
fi

missing=()
for p in "${PLUGINS[@]}"; do
	[ -x "/usr/lib/nagios/plugins/$p" ] || missing+=("/usr/lib/nagios/plugins/$p")
	[ -f "/usr/share/man/man1/$p.1.gz" ] || missing+=("/usr/share/man/man1/$p.1.gz")
done
NAGIOS_CFG=/etc/nagios-plugins/config/tlscheck.cfg
for f in /usr/share/icinga2/include/plugins-contrib.d/tlscheck.conf \
	"$NAGIOS_CFG" \
	/usr/share/icinga2/include/plugins-contrib.d/tlscheck-ssl_cert.conf \
	/usr/share/doc/tlscheck/examples/zabbix/userparameter_tlscheck.conf \
	/usr/share/doc/tlscheck/examples/zabbix/tlscheck_template.yaml \
	/usr/share/doc/tlscheck/copyright; do
	[ -f "$f" ] || missing+=("$f")
done
# dh_compress compresses a doc of more than 4 kB.
[ -f /usr/share/doc/tlscheck/MIGRATION.md ] || [ -f /usr/share/doc/tlscheck/MIGRATION.md.gz ] ||
	missing+=(/usr/share/doc/tlscheck/MIGRATION.md)
etc=$(dpkg -L tlscheck | grep '^/etc/' | grep -vxE '/etc/nagios-plugins(/config)?')
if [ ${#missing[@]} -eq 0 ] && [ "$etc" = "$NAGIOS_CFG" ]; then
	ok "the plugins, man pages, commands and examples are where they belong, in /etc $NAGIOS_CFG alone"
else
	not_ok "the plugins, man pages, commands and examples are where they belong, in /etc $NAGIOS_CFG alone"
	diag "missing: ${missing[*]}"
	printf '%s\n' "$etc" | sed 's/^/# in \/etc: /'
fi

# An operator's changes to the command definitions survive an upgrade: dpkg
# asks before replacing a conffile. The file is contrib's, unchanged.
if dpkg-query -W -f='${Conffiles}\n' tlscheck | grep -qE "^ $NAGIOS_CFG [0-9a-f]{32}\$" &&
	cmp -s "$NAGIOS_CFG" "$src/contrib/nagios/commands.cfg"; then
	ok "$NAGIOS_CFG is a conffile, contrib/nagios/commands.cfg"
else
	not_ok "$NAGIOS_CFG is a conffile, contrib/nagios/commands.cfg"
	dpkg-query -W -f='${Conffiles}\n' tlscheck | sed 's/^/# conffile: /'
fi

# The test framework is linked into the tests alone (Makefile.am's default LDADD
# has it; every installed program overrides it).
linked=()
for f in $(dpkg -L tlscheck | grep -E '^/usr/(lib/nagios/plugins|bin)/'); do
	[ -f "$f" ] && [ -x "$f" ] || continue
	readelf -d "$f" 2>/dev/null | grep -q 'NEEDED.*cmocka' && linked+=("$f")
done
if [ ${#linked[@]} -eq 0 ]; then
	ok 'no installed program links cmocka'
else
	not_ok 'no installed program links cmocka'
	diag "linked: ${linked[*]}"
fi

for p in "${PLUGINS[@]}"; do
	expect_check "installed $p --version" 3 "^$p \\(tlscheck\\) [0-9]" '@lines=1' \
		-- "/usr/lib/nagios/plugins/$p" --version
done

# tlscheck-discover is a command run by hand: on PATH, where the README's
# `$ tlscheck-discover` finds it, not among the plugins.
if [ "$(command -v tlscheck-discover)" = /usr/bin/tlscheck-discover ] &&
	[ -f /usr/share/man/man1/tlscheck-discover.1.gz ] &&
	[ ! -e /usr/lib/nagios/plugins/tlscheck-discover ] &&
	tlscheck-discover --help >"$TEST_DIR/discover-help.log" 2>&1 &&
	grep -q '^Usage: tlscheck-discover ' "$TEST_DIR/discover-help.log"; then
	ok 'tlscheck-discover is /usr/bin/tlscheck-discover, with its man page, and runs --help'
else
	not_ok 'tlscheck-discover is /usr/bin/tlscheck-discover, with its man page, and runs --help'
	diag "command -v: $(command -v tlscheck-discover)"
	dpkg -L tlscheck | grep discover | sed 's/^/# /'
	diag_file "$TEST_DIR/discover-help.log"
fi

# Icinga 2 finds the CheckCommands through include <plugins-contrib>, as an
# operator's icinga2.conf has it, with the constants of Debian's constants.conf.
I=$TEST_DIR/icinga2
mkdir -p "$I"/{etc,lib,log,cache,spool,run}
cat >"$I/etc/icinga2.conf" <<'CONF'
const PluginDir = "/usr/lib/nagios/plugins"
const PluginContribDir = "/usr/lib/nagios/plugins"
const ManubulonPluginDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
include <plugins-contrib>
object Host "www.example" { address = "192.0.2.1"; check_command = "dummy" }
object Service "https" { host_name = "www.example"; check_command = "tlscheck" }
object Service "postgresql" { host_name = "www.example"; check_command = "tlscheck-pgsql" }
object Service "https-ssl_cert" { host_name = "www.example"; check_command = "tlscheck-ssl_cert" }
CONF
if icinga2 daemon -C -c "$I/etc/icinga2.conf" -DConfigDir="$I/etc" -DDataDir="$I/lib" \
	-DLogDir="$I/log" -DCacheDir="$I/cache" -DSpoolDir="$I/spool" -DInitRunDir="$I/run" \
	-DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)" >"$I/validate.log" 2>&1; then
	ok 'Icinga 2 loads the installed CheckCommands with include <plugins-contrib>'
else
	not_ok 'Icinga 2 loads the installed CheckCommands with include <plugins-contrib>'
	diag_file "$I/validate.log"
fi

# Nagios 4 finds the command definitions through the cfg_dir line of Debian's
# nagios4 configuration (/etc/nagios4/nagios.cfg), next to monitoring-plugins'
# (a command defined twice would be an error), with $USER1$ from Debian's
# resource.cfg. A service on a command nobody defined fails the check.
N=$TEST_DIR/nagios
mkdir -p "$N"
if cfg_dir=$(grep -x 'cfg_dir=/etc/nagios-plugins/config' /etc/nagios4/nagios.cfg) &&
	resource=$(grep -x 'resource_file=/etc/nagios4/resource.cfg' /etc/nagios4/nagios.cfg); then
	ok "Debian's nagios4 reads /etc/nagios-plugins/config"
else
	not_ok "Debian's nagios4 reads /etc/nagios-plugins/config"
	grep -E '^(cfg_dir|resource_file)=' /etc/nagios4/nagios.cfg | sed 's/^/# /'
	cfg_dir=cfg_dir=/etc/nagios-plugins/config resource=resource_file=/etc/nagios4/resource.cfg
fi
printf '%s\n' "$cfg_dir" "cfg_file=$N/objects.cfg" "$resource" >"$N/nagios.cfg"
{
	nagios_quiet_objects
	printf 'define host {\n\thost_name\twww.example\n\taddress\t192.0.2.1\n'
	printf '\tmax_check_attempts\t1\n\tcontacts\tnobody\n}\n'
	for command in 'check_tls!-w 21d' 'check_tls_pgsql_name!db1.example!-C /etc/ssl/ca.pem'; do
		printf 'define service {\n\thost_name\twww.example\n\tservice_description\t%s\n' "${command%%!*}"
		printf '\tcheck_command\t%s\n\tmax_check_attempts\t1\n' "$command"
		printf '\tcheck_interval\t60\n\tretry_interval\t5\n\tcontacts\tnobody\n}\n'
	done
} >"$N/objects.cfg"
if nagios4 -v "$N/nagios.cfg" >"$N/verify.log" 2>&1; then
	ok 'Nagios 4 loads the installed command definitions from /etc/nagios-plugins/config'
else
	not_ok 'Nagios 4 loads the installed command definitions from /etc/nagios-plugins/config'
	grep -E 'Error|Warning: Duplicate' "$N/verify.log" | head -n 20 | sed 's/^/#   /'
fi

if dpkg --purge tlscheck >"$TEST_DIR/purge.log" 2>&1 && [ ! -e "$NAGIOS_CFG" ] &&
	[ ! -e /usr/bin/tlscheck-discover ]; then
	ok 'dpkg --purge removes it, the conffile with it'
else
	not_ok 'dpkg --purge removes it, the conffile with it'
	diag_file "$TEST_DIR/purge.log"
fi

finish
