#!/bin/bash
# Install what tlscheck needs to build, and every server its tests and demo start,
# from Debian 12's own packages. Run as root; safe to run again.
# `install-deps.sh bench` adds the peers bench/run.sh and bench/discover.sh measure
# against.
set -eu

packages=(
	# build
	build-essential autoconf automake pkg-config
	libgnutls28-dev libidn2-dev libcmocka-dev
	# the source format check
	clang-format
	# libFuzzer harnesses (clang with its runtime, llvm-cov for their coverage)
	# and the valgrind pass of the integration tests
	clang libclang-rt-14-dev llvm valgrind
	# certificates at test time, and the plain-TLS test server
	gnutls-bin
	# a second TLS stack as a test server (s_server): other alerts, other timing
	openssl
	# real servers the integration tests start on loopback
	postgresql python3 python3-aiosmtpd mariadb-server
	# OpenLDAP for check_tls_ldap; ldap-utils (ldapsearch -ZZ) to debug it by hand
	slapd ldap-utils
	dovecot-core dovecot-imapd dovecot-pop3d dovecot-managesieved dovecot-lmtpd
	# XMPP, FTP and NNTP
	prosody vsftpd inn2
	# Kafka (librdkafka's mock cluster behind stunnel4), Redis and MQTT
	librdkafka-dev stunnel4 redis-server mosquitto
	# HTTP/2 (check_tls -P h2): nginx, and etcd (Go's HTTP/2 under gRPC); gRPC
	# (check_tls_grpc): etcd and a server of python3-grpcio (gRPC's C core)
	nginx-light etcd-server python3-grpcio
	# the monitoring engines that run contrib's configuration in the tests:
	# Icinga 2 (configuration check and daemon), Nagios 4, the Zabbix agent, and
	# the Zabbix server that runs the external checks (its schema goes into the
	# test's own PostgreSQL)
	icinga2-bin nagios4-core zabbix-agent zabbix-server-pgsql
	# the Icinga 2 master's REST API, read by tests/integration/engines-icinga2-zones.sh
	curl
	# contrib/zabbix's template, imported into the Zabbix server's database
	# through the Zabbix frontend's own API (served by php -S, no web server)
	python3-yaml zabbix-frontend-php php-cli php-pgsql php-symfony-yaml
	# the Debian package: built, checked and installed by tests/integration/package.sh
	debhelper dpkg-dev lintian
	# the man pages' check: man --warnings and groff -ww
	man-db groff-base
	# scripted hostile peers, and ss to tell which process holds a test port
	python3-minimal iproute2
	# a DNS server of the test's own, publishing MX records (no system service)
	dnsmasq-base
	libsqlite3-0 # the one library of the unpacked zabbix_proxy (below) the server does not bring
	# nmap's port scan in front of tlscheck-discover (tests/integration/discover-scale.sh)
	nmap
	# DNSSEC for tests/integration/dane.sh: unbound validating zones the test
	# signs with ldns, dig to see what it answers, and Postfix's posttls-finger,
	# the reference DANE client (Postfix itself left unconfigured, not started)
	unbound ldnsutils bind9-dnsutils postfix
)
if [ "${1:-}" = bench ]; then
	# check_smtp and check_ssl_cert, and what check_ssl_cert runs; GNU time for RSS;
	# kcat, the Kafka client operators check an mTLS listener with (nmap, which
	# finds services and reads their certificates for bench/discover.sh, is in
	# the main list)
	packages+=(monitoring-plugins-basic monitoring-plugins-contrib valgrind
		openssl bind9-host bc file time kcat)
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (it calls apt-get)" >&2
	exit 1
fi

# The Zabbix proxy of tests/integration/engines-zabbix.sh: zabbix-proxy-sqlite3
# conflicts with zabbix-server-pgsql (installing it removes the server), so its
# package is unpacked, not installed, here; zabbix_proxy runs from there and
# makes its SQLite database itself.
# Its version is the server's: the installed one, or on a fresh machine (the
# server is installed below) the one apt-get will install.
proxy_dir=/opt/tlscheck/zabbix-proxy-sqlite3
unpack_zabbix_proxy() {
	local tmp rc version
	version=$(dpkg-query -W -f='${Version}' zabbix-server-pgsql 2>/dev/null)
	[ -n "$version" ] ||
		version=$(apt-cache policy zabbix-server-pgsql | sed -n 's/^ *Candidate: //p')
	case $version in '' | '(none)')
		echo "install-deps.sh: no version of zabbix-server-pgsql to match zabbix-proxy-sqlite3 to" >&2
		return 1
		;;
	esac
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root \
		"zabbix-proxy-sqlite3=$version") &&
		mkdir -p "$proxy_dir" && dpkg-deb -x "$tmp"/zabbix-proxy-sqlite3_*.deb "$proxy_dir"
	rc=$?
	rm -rf "$tmp"
	[ "$rc" -eq 0 ] ||
		echo "install-deps.sh: cannot unpack zabbix-proxy-sqlite3 into $proxy_dir" >&2
	return "$rc"
}

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
proxy_missing=0
"$proxy_dir/usr/sbin/zabbix_proxy" -V >/dev/null 2>&1 || proxy_missing=1
[ "${#missing[@]}" -eq 0 ] && [ "$proxy_missing" -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
# Postfix installed for posttls-finger only: no mail system configured.
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
apt-get update -qq
[ "$proxy_missing" -eq 0 ] || unpack_zabbix_proxy || exit 1
[ "${#missing[@]}" -eq 0 ] && exit 0
# Package scripts must not start system-wide services on the test machine: the tests
# start their own private instances on loopback.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	# Removed however the install ends, or it would block services on this machine.
	trap 'rm -f "$policy"' EXIT
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
fi
# inn2's post-installation script stops when this host's name has no domain
# (innconfval), as on many CI machines: give its inn.conf one and configure again.
# The tests run their own news server with an inn.conf of their own.
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
	dpkg-query -W -f='${Status}' inn2 2>/dev/null | grep -Eq 'half-configured|unpacked' ||
		exit 1
	sed -i 's/^#\{0,1\}domain:.*/domain: localdomain/' /etc/news/inn.conf
	dpkg --configure -a
fi
