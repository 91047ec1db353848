#!/bin/bash
# discover-servers.sh — tlscheck-discover against the real servers of the
# protocols discover.sh leaves out, each on a loopback port no protocol claims:
# slapd (LDAP StartTLS, and LDAPS: on a free port, told by its answer to "Who am
# I?" behind TLS, and on the global catalog port 3269, which names it), Prosody
# (XMPP c2s STARTTLS, and direct TLS: told by its answer to the stream behind
# TLS), vsftpd (FTP AUTH TLS, and implicit FTPS: told by its greeting behind
# TLS), MariaDB (MySQL SSL), INN's nnrpd (NNTP STARTTLS), dovecot's ManageSieve
# (STARTTLS), a Kafka broker (librdkafka's mock cluster behind stunnel4), nginx
# with http2 and without, and etcd (gRPC over HTTP/2). One run over all of
# them must name each protocol (h2: ALPN h2 and the server's SETTINGS; grpc:
# that, and an answer of the health service's Check; nginx without http2 is
# plain TLS), the days left and the store that validates the
# chain, and print the plugin command line that checks it; those command lines,
# run, must say OK. Asking each service behind TLS at connect in its own words,
# and HTTP/2 with ALPN h2, on connections of their own, names each of them as
# before. Every --emit format gives the h2 listener check_tls -P h2 and etcd
# check_tls_grpc; scripted
# HTTP/2 peers (tests/hostile/peer.py) that hang up without ALPN (grpc-go), or
# answer with GOAWAY, are named h2 too, and one that never answers is not.
# An XMPP server answers a stream only for a domain it serves: Prosody is found
# by its domain's name (from a private /etc/hosts); by its address it is listed
# as XMPP without TLS, with the stream error that says why.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/dovecot.bash
. "$(dirname "$0")/dovecot.bash" || exit 99
# shellcheck source=tests/integration/ftp.bash
. "$(dirname "$0")/ftp.bash" || exit 99
# shellcheck source=tests/integration/ldap.bash
. "$(dirname "$0")/ldap.bash" || exit 99
# shellcheck source=tests/integration/mysql.bash
. "$(dirname "$0")/mysql.bash" || exit 99
# shellcheck source=tests/integration/nntp.bash
. "$(dirname "$0")/nntp.bash" || exit 99
# shellcheck source=tests/integration/xmpp.bash
. "$(dirname "$0")/xmpp.bash" || exit 99
# shellcheck source=tests/integration/kafka.bash
. "$(dirname "$0")/kafka.bash" || exit 99
# shellcheck source=tests/integration/stunnel.bash
. "$(dirname "$0")/stunnel.bash" || exit 99
# shellcheck source=tests/integration/nginx.bash
. "$(dirname "$0")/nginx.bash" || exit 99
# shellcheck source=tests/integration/etcd.bash
. "$(dirname "$0")/etcd.bash" || exit 99

DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_slapd
require_prosody
require_vsftpd
require_mariadb
require_nnrpd
require_dovecot 'dovecot-managesieved' managesieve-login
require_server 'the Kafka mock broker (librdkafka-dev)' test -x "$KAFKA_MOCK"
require_server 'stunnel4 (stunnel4)' test -x "$STUNNEL"
require_server 'nginx (nginx-light)' test -x "$NGINX"
require_server 'PyYAML (python3-yaml)' "$PYTHON" -c 'import yaml'
require_server 'etcd (etcd-server)' test -x "$ETCD"
require_server 'unshare and mount (root, for a private /etc/hosts)' unshare -m true
require_plugin "$DISCOVER"
lib_init

# A lifetime of its own for each server, so that the days left tell the rows apart.
{
	make_ca ca &&
		make_leaf ldap ca ldap.test ldap.test '-1 day' '+210 days -1 hour' &&
		make_leaf xmpp ca xmpp.test xmpp.test '-1 day' '+100 days -1 hour' &&
		make_leaf ftp ca ftp.test ftp.test '-1 day' '+150 days -1 hour' &&
		make_leaf db ca db.test db.test '-1 day' '+60 days -1 hour' &&
		make_leaf news ca news.test news.test '-1 day' '+170 days -1 hour' &&
		make_leaf mail ca mail.test mail.test '-1 day' '+90 days -1 hour' &&
		make_leaf kafka ca kafka.test kafka.test '-1 day' '+130 days -1 hour' &&
		make_leaf web ca web.test web.test '-1 day' '+120 days -1 hour' &&
		make_leaf www ca www.test www.test '-1 day' '+110 days -1 hour' &&
		make_leaf etcd ca etcd.test etcd.test '-1 day' '+80 days -1 hour' &&
		make_leaf grpc ca grpc.test grpc.test '-1 day' '+70 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_slapd ldap "$TEST_DIR/ldap.pem" "$TEST_DIR/ldap.key" || bail_out 'slapd did not start'
P_LDAP=$LDAP_PORT
P_LDAPS=$LDAPS_PORT
GC=$GC_ADDRESS
start_prosody xmpp tls xmpp || bail_out 'Prosody did not start'
P_XMPP=$C2S
P_XMPPS=$C2S_TLS
start_vsftpd ftp auth ftp || bail_out 'vsftpd did not start'
P_FTP=$SERVER_PORT
start_vsftpd ftps implicit ftp || bail_out 'vsftpd (implicit FTPS) did not start'
P_FTPS=$SERVER_PORT
{ mariadb_install && start_mariadb db "$TEST_DIR/db.pem" "$TEST_DIR/db.key"; } ||
	bail_out 'MariaDB did not start'
P_MYSQL=$SERVER_PORT
# Without an account for 127.0.0.1 the server refuses the client at greeting.
mariadb_sql "$MY_DIR" "CREATE USER 'tlscheck'@'127.0.0.1'" || bail_out 'cannot allow 127.0.0.1'
{ news_site news news && start_nnrpd news; } || bail_out 'nnrpd did not start'
P_NNTP=$SERVER_PORT
start_dovecot sieve "$TEST_DIR/mail.pem" "$TEST_DIR/mail.key" managesieve-login/sieve ||
	bail_out 'dovecot (ManageSieve) did not start'
P_SIEVE=${DOVECOT_PORT[sieve]}
{ start_kafka_mock && start_stunnel kafka kafka; } || bail_out 'the Kafka broker did not start'
P_KAFKA=$SERVER_PORT
start_nginx h2 web http2 || bail_out 'nginx (http2) did not start'
P_H2=$SERVER_PORT
start_nginx h1 www || bail_out 'nginx (no http2) did not start'
P_H1=$SERVER_PORT
start_etcd etcd etcd || bail_out 'etcd did not start'
P_ETCD=$SERVER_PORT

PORTS=$P_LDAP,$P_LDAPS,$P_XMPP,$P_FTP,$P_FTPS,$P_MYSQL,$P_NNTP,$P_SIEVE,$P_KAFKA,$P_H2,$P_H1,$P_ETCD
GC_RE=${GC//./\\.}
# xmpp.test is 127.0.0.1 in a mount namespace of its own.
printf '127.0.0.1 xmpp.test\n' >"$TEST_DIR/hosts"
with_hosts=(unshare -m bash -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' _
	"$TEST_DIR/hosts")
# -t 6: room for a slow build to try the client-first protocols one by one.
SERVERS=("${with_hosts[@]}" "$DISCOVER" -C ca.pem -t 6 "127.0.0.1:$PORTS" "$GC:3269"
	"xmpp.test:$P_XMPP,$P_XMPPS")

# row DAYS PORT PROTOCOL CN: the pattern of the table row of a listener on 127.0.0.1.
row() {
	printf '*^ +%s\\.[0-9]+ +OK +127\\.0\\.0\\.1:%s +%s +ca\\.pem +CN=%s' "$1" "$2" "$3" "${4//./\\.}"
}

# command PLUGIN HOST PORT: the pattern of the command line printed for a
# listener on 127.0.0.1.
command_re() {
	printf '*%s -H %s -I 127\\.0\\.0\\.1 -p %s -C ca\\.pem$' "$1" "${2//./\\.}" "$3"
}

expect_check 'one row per server, named by its protocol, with its days left and store' 0 \
	'^ +DAYS +STATE +LISTENER' \
	"$(row 209 "$P_LDAP" ldap ldap.test)" \
	"$(row 209 "$P_LDAPS" ldap ldap.test)" \
	"*^ +209\\.[0-9]+ +OK +$GC_RE:3269 +ldap +ca\\.pem +CN=ldap\\.test" \
	"*^ +99\\.[0-9]+ +OK +xmpp\\.test:$P_XMPP +xmpp +ca\\.pem +CN=xmpp\\.test" \
	"*^ +99\\.[0-9]+ +OK +xmpp\\.test:$P_XMPPS +xmpp +ca\\.pem +CN=xmpp\\.test" \
	"*^ +- +NO TLS +127\\.0\\.0\\.1:$P_XMPP +xmpp +- +server sent stream error 'host-unknown'" \
	"$(row 149 "$P_FTP" ftp ftp.test)" \
	"$(row 149 "$P_FTPS" ftp ftp.test)" \
	"$(row 59 "$P_MYSQL" mysql db.test)" \
	"$(row 169 "$P_NNTP" nntp news.test)" \
	"$(row 89 "$P_SIEVE" sieve mail.test)" \
	"$(row 129 "$P_KAFKA" kafka kafka.test)" \
	"$(row 119 "$P_H2" h2 web.test)" \
	"$(row 109 "$P_H1" tls www.test)" \
	"$(row 79 "$P_ETCD" grpc etcd.test)" \
	"$(command_re check_tls_ldap ldap.test "$P_LDAP")" \
	"*check_tls_ldap -H ldap\\.test -I 127\\.0\\.0\\.1 -p $P_LDAPS --implicit-tls -C ca\\.pem$" \
	"*check_tls_ldap -H ldap\\.test -I $GC_RE -p 3269 -C ca\\.pem$" \
	"*check_tls_xmpp -H xmpp\\.test -p $P_XMPP -C ca\\.pem$" \
	"*check_tls_xmpp -H xmpp\\.test -p $P_XMPPS --implicit-tls -C ca\\.pem$" \
	"$(command_re check_tls_ftp ftp.test "$P_FTP")" \
	"*check_tls_ftp -H ftp\\.test -I 127\\.0\\.0\\.1 -p $P_FTPS --implicit-tls -C ca\\.pem$" \
	"$(command_re check_tls_mysql db.test "$P_MYSQL")" \
	"$(command_re 'check_tls -P nntp' news.test "$P_NNTP")" \
	"$(command_re 'check_tls -P sieve' mail.test "$P_SIEVE")" \
	"$(command_re check_tls_kafka kafka.test "$P_KAFKA")" \
	"$(command_re 'check_tls -P h2' web.test "$P_H2")" \
	"$(command_re check_tls www.test "$P_H1")" \
	"$(command_re check_tls_grpc etcd.test "$P_ETCD")" \
	'~CLOSED|UNKNOWN|CRITICAL|WARNING' @lines=30 \
	-- "${SERVERS[@]}"

run_check "${SERVERS[@]}" --json
json_check '--json: each server with its protocol, days left, store and command' "
want = {
    $P_LDAP: ('ldap', 209, 'ldap.test'), $P_LDAPS: ('ldap', 209, 'ldap.test'),
    ('$GC', 3269): ('ldap', 209, 'ldap.test'), ('xmpp.test', $P_XMPP): ('xmpp', 99, 'xmpp.test'),
    ('xmpp.test', $P_XMPPS): ('xmpp', 99, 'xmpp.test'),
    $P_FTP: ('ftp', 149, 'ftp.test'), $P_FTPS: ('ftp', 149, 'ftp.test'), $P_MYSQL: ('mysql', 59, 'db.test'),
    $P_NNTP: ('nntp', 169, 'news.test'), $P_SIEVE: ('sieve', 89, 'mail.test'),
    $P_KAFKA: ('kafka', 129, 'kafka.test'), $P_H2: ('h2', 119, 'web.test'),
    $P_H1: ('tls', 109, 'www.test'), $P_ETCD: ('grpc', 79, 'etcd.test'),
}
want = {k if isinstance(k, tuple) else ('127.0.0.1', k): v for k, v in want.items()}
by = {(l['host'], l['port']): l for l in d['listeners']}
need(sorted(by) == sorted(list(want) + [('127.0.0.1', $P_XMPP)]), sorted(by))
x = by[('127.0.0.1', $P_XMPP)]
need(x['outcome'] == 'no-tls' and x['protocol'] == 'xmpp' and 'host-unknown' in x['detail'], x)
for key, (proto, days, cn) in want.items():
    l = by[key]
    need(l['outcome'] == 'tls' and l['protocol'] == proto, l)
    need(days < l['days_left'] < days + 1 and l['state'] == 'OK', l)
    need(l['trusted_by'] == 'ca.pem' and l['subject'] == 'CN=' + cn, l)
    tail = ' --implicit-tls' if key[1] in ($P_FTPS, $P_LDAPS, $P_XMPPS) else ''
    need(l['command'].endswith(' -p %d%s -C ca.pem' % (key[1], tail)), l['command'])
"

# The command lines printed are the checks: each, run, says OK.
printf '%s' "$CHECK_OUT" | "$PYTHON" -c '
import json, sys
for l in json.load(sys.stdin)["listeners"]:
    if "command" in l:
        print(l["command"])' >"$TEST_DIR/commands"
while read -r plugin args; do
	read -r -a words <<<"$args"
	expect_check "the printed command checks it: $plugin $args" 0 '^TLS OK - ' \
		-- "${with_hosts[@]}" "$TLSCHECK_BUILDDIR/plugins/$plugin" "${words[@]}"
done <"$TEST_DIR/commands"

# --- HTTP/2 in every format ----------------------------------------------------

# nginx with http2: check_tls -P h2 (no plugin of its own); etcd, which answers
# the health service too: check_tls_grpc; as each engine's commands take them.
# nginx without http2 stays plain TLS.
WEB=("$DISCOVER" -C ca.pem -t 6 "127.0.0.1:$P_H2,$P_H1,$P_ETCD")
CA=$TEST_DIR/ca.pem
CA_RE=${CA//./\\.}
expect_check '--emit=icinga2: nginx on tlscheck with tlscheck_protocol h2, etcd on tlscheck-grpc' 0 \
	"*^object Service \"tlscheck h2 $P_H2\" \\{\$" "*^object Service \"tlscheck grpc $P_ETCD\" \\{\$" \
	"*^object Service \"tlscheck tls $P_H1\" \\{\$" '*^	check_command = "tlscheck"$' \
	'*^	check_command = "tlscheck-grpc"$' '*^	vars\.tlscheck_protocol = "h2"$' \
	'~tlscheck_protocol = "(tls|grpc)"' '~check_command = "tlscheck-[^g]' \
	-- "${WEB[@]}" --emit=icinga2
run_check "${WEB[@]}" --emit=icinga2
if [ "$(printf '%s\n' "$CHECK_OUT" | grep -c '^	vars\.tlscheck_protocol = "h2"$')" -eq 1 ]; then
	ok '--emit=icinga2: tlscheck_protocol h2 on the h2 listener only'
else
	not_ok '--emit=icinga2: tlscheck_protocol h2 on the h2 listener only'
	diag "$CHECK_OUT"
fi
expect_check '--emit=nagios: check_tls_name with -P h2 for nginx, check_tls_grpc_name for etcd' 0 \
	"*^	check_command +check_tls_name!web\\.test!-P h2 -p $P_H2 -C $CA_RE$" \
	"*^	check_command +check_tls_grpc_name!etcd\\.test!-p $P_ETCD -C $CA_RE$" \
	"*^	check_command +check_tls_name!www\\.test!-p $P_H1 -C $CA_RE$" \
	-- "${WEB[@]}" --emit=nagios
run_check "${WEB[@]}" --emit=zabbix
yaml_check '--emit=zabbix: a host per listener, {$TLSCHECK.PROTOCOL} h2 and grpc' "
hosts = {h['host']: {m['macro']: m['value'] for m in h.get('macros', [])} for h in d['zabbix_export']['hosts']}
want = {'web.test h2 $P_H2': 'h2', 'etcd.test grpc $P_ETCD': 'grpc', 'www.test tls $P_H1': 'tls'}
need(sorted(hosts) == sorted(want), sorted(hosts))
for host, protocol in want.items():
    need(hosts[host].get('{\$TLSCHECK.PROTOCOL}') == protocol, (host, hosts[host]))
"
run_check "${WEB[@]}" --emit=zabbix-lld
json_check '--emit=zabbix-lld: {#PROTOCOL} and {#PLUGIN}: h2 with check_tls, grpc with check_tls_grpc' "
rows = {r['{#PORT}']: (r['{#PROTOCOL}'], r['{#PLUGIN}']) for r in d}
need(rows == {'$P_H2': ('h2', 'check_tls'), '$P_ETCD': ('grpc', 'check_tls_grpc'),
              '$P_H1': ('tls', 'check_tls')}, rows)
"
expect_check "the zabbix-lld macros make the check, h2 $P_H2: check_tls -P h2, OK" 0 \
	"^TLS OK - web\\.test:$P_H2 h2: " \
	-- "$CHECK_TLS" -P h2 -H web.test -I 127.0.0.1 -p "$P_H2" -C "$CA"
expect_check "the zabbix-lld macros make the check, grpc $P_ETCD: check_tls_grpc, OK, SERVING" 0 \
	"^TLS OK - etcd\\.test:$P_ETCD grpc: .*gRPC health SERVING" \
	-- "$TLSCHECK_BUILDDIR/plugins/check_tls_grpc" -H etcd.test -I 127.0.0.1 -p "$P_ETCD" -C "$CA"

# Scripted HTTP/2 peers on unclaimed ports: one that hangs up after a handshake
# without ALPN and asks for a client certificate (grpc-go with mTLS: the chain
# comes from a handshake without ALPN, and the hang-up is not what -P h2 meets),
# one that answers the preface with GOAWAY (HTTP/2's own refusal), one that
# chooses h2 and never answers (not confirmed: plain TLS).
start_peer h2-grpc-go --cert "$TEST_DIR/grpc.pem" --key "$TEST_DIR/grpc.key" \
	--client-ca "$TEST_DIR/ca.pem" || bail_out 'peer.py h2-grpc-go did not start'
P_GRPC=$SERVER_PORT
start_peer h2-goaway --cert "$TEST_DIR/grpc.pem" --key "$TEST_DIR/grpc.key" ||
	bail_out 'peer.py h2-goaway did not start'
P_GOAWAY=$SERVER_PORT
start_peer tls13-close-without-alpn --cert "$TEST_DIR/grpc.pem" --key "$TEST_DIR/grpc.key" ||
	bail_out 'peer.py tls13-close-without-alpn did not start'
P_MUTE=$SERVER_PORT
expect_check 'HTTP/2 peers: the one that wants ALPN h2 and the GOAWAY named h2, the mute one tls' 0 \
	"$(row 69 "$P_GRPC" h2 grpc.test)" "$(row 69 "$P_GOAWAY" h2 grpc.test)" \
	"$(row 69 "$P_MUTE" tls grpc.test)" \
	"$(command_re 'check_tls -P h2' grpc.test "$P_GRPC")" \
	"$(command_re 'check_tls -P h2' grpc.test "$P_GOAWAY")" \
	"$(command_re check_tls grpc.test "$P_MUTE")" '~WARNING|CRITICAL' \
	-- "$DISCOVER" -C ca.pem -t 6 "127.0.0.1:$P_GRPC,$P_GOAWAY,$P_MUTE"
expect_check 'the HTTP/2 server that wants ALPN h2: its printed command, OK' 0 \
	"^TLS OK - grpc\\.test:$P_GRPC h2: certificate 'CN=grpc\\.test' expires in 69d" \
	-- "$CHECK_TLS" -P h2 -H grpc.test -I 127.0.0.1 -p "$P_GRPC" -C ca.pem

finish
