#!/bin/bash
# pool.sh — every node behind a name, every name on a node: -I repeated, -A
# (a name with several addresses, from a private /etc/hosts), several -S names
# and --sni-file on one openssl s_server, --mx against a DNS server of our own
# (dnsmasq) publishing two MX hosts, the certificates in rotation across a
# pool, and addresses that refuse or stay silent, all under one deadline.
#
# openssl s_server binds one address (gnutls-serv binds them all): one per
# loopback address 127.0.0.N, all on the same port. The SMTP nodes are real
# SMTP servers (aiosmtpd), one per address.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'certtool (gnutls-bin)' command -v certtool
require_server 'openssl s_server (openssl)' command -v openssl
require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
require_server 'dnsmasq (dnsmasq-base)' command -v dnsmasq
require_server 'unshare and mount (root, for a private /etc/hosts and resolv.conf)' \
	unshare -m true
require_plugin "$CHECK_TLS"
require_plugin "$CHECK_TLS_SMTP"
lib_init

{
	make_ca ca &&
		make_leaf ok ca pool.test pool.test '-1 day' '+200 days -1 hour' &&
		make_leaf renewed ca pool.test pool.test '-1 day' '+300 days -1 hour' &&
		make_leaf expired ca pool.test pool.test '-90 days' '-2 days -1 hour' &&
		make_leaf other ca other.test other.test '-1 day' '+10 days -1 hour' &&
		make_leaf mx1 ca mx1.test mx1.test '-1 day' '+200 days -1 hour' &&
		make_leaf mx2 ca mx2.test mx2.test '-1 day' '+10 days -1 hour' &&
		make_leaf node ca smtp.test smtp.test '-1 day' '+200 days -1 hour' &&
		make_leaf node_warn ca smtp.test smtp.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

# wait_on ADDRESS PORT PID: until ADDRESS:PORT accepts a connection, or PID exits.
wait_on() {
	for _ in $(seq 1 200); do
		(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# node ADDRESS CERT [S_SERVER ARGS...]: openssl s_server on ADDRESS:$PORT.
node() {
	local address=$1 cert=$2 accept=$1
	shift 2
	[[ $address != *:* ]] || accept="[$address]"
	new_server_log "node-$address"
	openssl s_server -quiet -cert "$TEST_DIR/$cert.pem" -key "$TEST_DIR/$cert.key" \
		-accept "$accept:$PORT" "$@" </dev/null >"$SERVER_LOG" 2>&1 &
	kill_at_exit $!
	wait_on "$address" "$PORT" $! || bail_out "openssl s_server on $address:$PORT did not start"
}

# smtp_node ADDRESS CERT: aiosmtpd with STARTTLS on ADDRESS:$PORT.
smtp_node() {
	new_server_log "smtp-$1"
	"$PYTHON" -m aiosmtpd -n -l "$1:$PORT" --tlscert "$TEST_DIR/$2.pem" \
		--tlskey "$TEST_DIR/$2.key" --no-requiretls </dev/null >"$SERVER_LOG" 2>&1 &
	kill_at_exit $!
	wait_on "$1" "$PORT" $! || bail_out "aiosmtpd on $1:$PORT did not start"
}

# silent ADDRESS...: a socket listening on each ADDRESS:$PORT that never
# accepts: the kernel completes the TCP handshake, nothing ever answers.
silent() {
	new_server_log silent
	"$PYTHON" - "$PORT" "$@" </dev/null >"$SERVER_LOG" 2>&1 <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
held = []
for address in sys.argv[2:]:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, port))
    s.listen(64)
    held.append(s)
time.sleep(120)
PY
	kill_at_exit $!
	wait_on "${@: -1}" "$PORT" $! || bail_out "the silent listeners did not start"
}

PORT=$(free_port) || bail_out 'no free port'
node 127.0.0.2 ok
node 127.0.0.3 ok
node 127.0.0.4 ok
node 127.0.0.5 expired
node 127.0.0.6 renewed
# Two names on one node: pool.test by default, other.test (10 days) by SNI.
node 127.0.0.7 ok -servername other.test -cert2 "$TEST_DIR/other.pem" \
	-key2 "$TEST_DIR/other.key"
mapfile -t silent_twenty < <(for n in $(seq 10 29); do echo "127.0.0.$n"; done)
silent 127.0.0.8 "${silent_twenty[@]}"
# ::1 too: IPv6 given with brackets or without.
node ::1 ok

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
POOL=("$CHECK_TLS" -H pool.test -p "$PORT" -C ca.pem)

expect_check 'three addresses, one certificate: OK with the count' 0 \
	"^TLS OK - pool\\.test:$PORT tls: 3 of 3 addresses OK, 127\\.0\\.0\\.[234]: certificate 'CN=pool\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	"*^\\|'127\\.0\\.0\\.2 days_left'=199\\.9[0-9];14:;7:;0; '127\\.0\\.0\\.3 days_left'=199\\.9[0-9];14:;7:;0; '127\\.0\\.0\\.4 days_left'=199\\.9[0-9];14:;7:;0;\$" \
	'@lines=2' \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.3 -I 127.0.0.4

expect_check 'IPv4 and IPv6 nodes, ::1 given twice (with and without brackets): probed once' 0 \
	"^TLS OK - pool\\.test:$PORT tls: 2 of 2 addresses OK, " \
	"\\| days_left=199" "*^\\|'127\\.0\\.0\\.2 days_left'=199\\.9[0-9];14:;7:;0; '::1 days_left'=199\\.9[0-9];14:;7:;0;\$" \
	-- "${POOL[@]}" -I 127.0.0.2 -I '[::1]' -I ::1

expect_check 'one node of four expired: CRITICAL naming it, and two leaves in rotation' 2 \
	"^TLS CRITICAL - pool\\.test:$PORT tls: 3 of 4 addresses OK, 127\\.0\\.0\\.5: certificate 'CN=pool\\.test' expired 2d 1h ago" \
	'2 certificates in rotation: 3 addresses serve serial [0-9a-f]+ \(expires '"$DATE_RE"'\), 1 serves serial [0-9a-f]+' \
	"\\| days_left=-2\\.0[0-9];14:;7:;0; " "*^\\|.*'127\\.0\\.0\\.5 days_left'=-2\\.0[0-9];14:;7:;0;" \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.3 -I 127.0.0.4 -I 127.0.0.5

expect_check '-v: one block per address with its leaf serial and days left' 2 \
	'*^127\.0\.0\.2: OK, leaf serial [0-9a-f]+, 199\.9[0-9] days left$' \
	'*^127\.0\.0\.5: CRITICAL, leaf serial [0-9a-f]+, -2\.0[0-9] days left$' \
	'*^WARNING rotation: 2 certificates in rotation' \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.5 -v

expect_check 'a half-finished renewal: WARNING, two certificates in rotation' 1 \
	"^TLS WARNING - pool\\.test:$PORT tls: 2 of 2 addresses OK, 2 certificates in rotation: 1 address serves serial [0-9a-f]+ \\(expires $DATE_RE\\), 1 serves serial [0-9a-f]+ \\(expires $DATE_RE\\), 127\\.0\\.0\\.[26]: certificate 'CN=pool\\.test' expires in 199d" \
	-- "${POOL[@]}" -I 127.0.0.2 -I '[127.0.0.6]'

expect_check '--allow-mixed: the rotation is not judged' 0 \
	"^TLS OK - pool\\.test:$PORT tls: 2 of 2 addresses OK, 127\\.0\\.0\\.2: " \
	'~rotation' \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.6 --allow-mixed

expect_check '--output=days: the minimum over the addresses' 0 '^-2\.0[0-9]$' '@lines=1' \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.5 --output=days

run_check "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.5 --output=json
json_check 'JSON: the run and one entry per address' '
need(d["state"] == "CRITICAL" and d["exit_code"] == 2, "state")
need(d["days_left"] < -2, "days_left is the minimum")
need([t["address"] for t in d["targets"]] == ["127.0.0.2", "127.0.0.5"], "targets in order")
need(d["targets"][0]["state"] == "OK" and d["targets"][1]["state"] == "CRITICAL", "per-target states")
need(d["targets"][1]["chain"][0]["subject"] == "CN=pool.test", "per-target chain")
need(any(f["rule"] == "rotation" for f in d["findings"]), "the rotation finding")
need(d["summary"].startswith("1 of 2 addresses OK"), "summary")
'

# --- a name with several addresses: -A --------------------------------------
printf '127.0.0.2 pool.test\n127.0.0.3 pool.test\n127.0.0.5 pool.test\n' >"$TEST_DIR/hosts"
with_hosts=(unshare -m bash -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' _
	"$TEST_DIR/hosts")

expect_check '-A: every address of the name, the expired node named' 2 \
	"^TLS CRITICAL - pool\\.test:$PORT tls: 2 of 3 addresses OK, 127\\.0\\.0\\.5: certificate 'CN=pool\\.test' expired" \
	"*^\\|'127\\.0\\.0\\.2 days_left'=.*'127\\.0\\.0\\.3 days_left'=.*'127\\.0\\.0\\.5 days_left'=" \
	-- "${with_hosts[@]}" "${POOL[@]}" -A

expect_check 'without -A: the first address that answers, as before' 0 \
	"^TLS OK - pool\\.test:$PORT tls: certificate 'CN=pool\\.test' expires in 199d" \
	-- "${with_hosts[@]}" "${POOL[@]}"

# --- several names on one node -------------------------------------------------
expect_check 'two SNI names on one node: WARNING naming the name that expires' 1 \
	"^TLS WARNING - pool\\.test:$PORT tls: 1 of 2 names OK, other\\.test@127\\.0\\.0\\.7: certificate 'CN=other\\.test' expires in 9d" \
	"\\| days_left=9\\.9[0-9]" "*^\\|'pool\\.test@127\\.0\\.0\\.7 days_left'=199\\.9[0-9];14:;7:;0; 'other\\.test@127\\.0\\.0\\.7 days_left'=9\\.9[0-9];14:;7:;0;\$" \
	-- "${POOL[@]}" -I 127.0.0.7 -S pool.test -S other.test

printf '# the virtual hosts of node 7\npool.test\n\n  other.test  \n' >"$TEST_DIR/names"
expect_check '--sni-file: the same names from a file' 1 \
	"^TLS WARNING - pool\\.test:$PORT tls: 1 of 2 names OK, other\\.test@127\\.0\\.0\\.7: " \
	-- "${POOL[@]}" -I 127.0.0.7 --sni-file names

expect_check 'names x addresses: each name checked at each address' 2 \
	"^TLS CRITICAL - pool\\.test:$PORT tls: 2 of 4 targets OK, other\\.test@127\\.0\\.0\\.2: certificate 'CN=pool\\.test' does not match 'other\\.test'" \
	'2 certificates in rotation for other\.test: 1 address serves serial' \
	"*^\\|.*'pool\\.test@127\\.0\\.0\\.2 days_left'=" "*^\\|.*'other\\.test@127\\.0\\.0\\.7 days_left'=" \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.7 -S pool.test -S other.test

# --- several names on HOST's listener: HOST alone resolves ---------------------
# The names are virtual hosts of HOST: sent to HOST's addresses, never looked up.
printf '127.0.0.7 vhosts.test\n' >"$TEST_DIR/hosts-vhosts"
with_vhosts=(unshare -m bash -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' _
	"$TEST_DIR/hosts-vhosts")
VHOSTS=("$CHECK_TLS" -H vhosts.test -p "$PORT" -C ca.pem)

expect_check 'two SNI names, no -I: both sent to HOST' 1 \
	"^TLS WARNING - vhosts\\.test:$PORT tls: 1 of 2 names OK, other\\.test@127\\.0\\.0\\.7: certificate 'CN=other\\.test' expires in 9d" \
	"\\| days_left=9\\.9[0-9]" "*^\\|'pool\\.test@127\\.0\\.0\\.7 days_left'=199\\.9[0-9];14:;7:;0; 'other\\.test@127\\.0\\.0\\.7 days_left'=9\\.9[0-9];14:;7:;0;\$" \
	'~resolve' \
	-- "${with_vhosts[@]}" "${VHOSTS[@]}" -S pool.test -S other.test

expect_check '--sni-file, no -I: the names sent to HOST' 1 \
	"^TLS WARNING - vhosts\\.test:$PORT tls: 1 of 2 names OK, other\\.test@127\\.0\\.0\\.7: " \
	-- "${with_vhosts[@]}" "${VHOSTS[@]}" --sni-file names

printf '127.0.0.7 vhosts.test\n127.0.0.2 vhosts.test\n' >"$TEST_DIR/hosts-vhosts2"
expect_check '-A with two names: every name at every address of HOST' 2 \
	"^TLS CRITICAL - vhosts\\.test:$PORT tls: 2 of 4 targets OK, other\\.test@127\\.0\\.0\\.2: certificate 'CN=pool\\.test' does not match 'other\\.test'" \
	"*^\\|.*'pool\\.test@127\\.0\\.0\\.2 days_left'=" "*^\\|.*'other\\.test@127\\.0\\.0\\.7 days_left'=9\\." \
	'~resolve' \
	-- unshare -m bash -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' _ \
	"$TEST_DIR/hosts-vhosts2" "${VHOSTS[@]}" -A -S pool.test -S other.test

# --- refusals and silence -------------------------------------------------------
expect_check 'a refusing address: its own finding, the others reported' 2 \
	"^TLS CRITICAL - pool\\.test:$PORT tls: 1 of 2 addresses OK, 127\\.0\\.0\\.9: connection refused by 127\\.0\\.0\\.9 port $PORT" \
	"\\| days_left=199" "*^\\|'127\\.0\\.0\\.2 days_left'=199\\.9[0-9];14:;7:;0;\$" \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.9

expect_check 'a silent address: its own timeout within the deadline' 2 \
	"^TLS CRITICAL - pool\\.test:$PORT tls: 1 of 2 addresses OK, 127\\.0\\.0\\.8: timeout" \
	"*^\\|'127\\.0\\.0\\.2 days_left'=199" '@max-secs=3.5' \
	-- "${POOL[@]}" -I 127.0.0.2 -I 127.0.0.8 -t 3

twenty=()
for n in $(seq 10 29); do twenty+=(-I "127.0.0.$n"); done
expect_check '20 silent addresses under -t 3: done within 3.5 s' 2 \
	"^TLS CRITICAL - pool\\.test:$PORT tls: 0 of 20 addresses OK, 127\\.0\\.0\\.[0-9]+: timeout" \
	'@max-secs=3.5' \
	-- "${POOL[@]}" "${twenty[@]}" -t 3

# --- the bound --------------------------------------------------------------------
many=()
for n in $(seq 1 33); do many+=(-I "127.0.1.$n"); done
expect_check '33 addresses x 2 names: past the bound of 64, UNKNOWN before any probe' 3 \
	'^check_tls: more than 64 probes \(names x addresses\): at most 64 a run$' \
	-- "${POOL[@]}" "${many[@]}" -S a.test -S b.test
for n in $(seq 34 65); do many+=(-I "127.0.1.$n"); done
expect_check '65 addresses: UNKNOWN, -I is bounded' 3 \
	'^check_tls: --address may be given at most 64 times$' \
	-- "${POOL[@]}" "${many[@]}"

# --- a real protocol server on three addresses ------------------------------------
PORT=$(free_port) || bail_out 'no free port'
smtp_node 127.0.0.2 node
smtp_node 127.0.0.3 node
smtp_node 127.0.0.4 node_warn
expect_check 'SMTP on three nodes, one expiring: WARNING naming it' 1 \
	"^TLS WARNING - smtp\\.test:$PORT smtp: 2 of 3 addresses OK, 127\\.0\\.0\\.4: certificate 'CN=smtp\\.test' expires in 9d .*, 2 certificates in rotation: 2 addresses serve" \
	-- "$CHECK_TLS_SMTP" -H smtp.test -p "$PORT" -C ca.pem -I 127.0.0.2 -I 127.0.0.3 -I 127.0.0.4

# --- --mx: the MX hosts a DNS server of our own publishes --------------------------
smtp_node 127.0.0.12 mx1
smtp_node 127.0.0.13 mx2
new_server_log dnsmasq
dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --port=53 \
	--listen-address=127.0.0.153 --bind-interfaces --pid-file="$TEST_DIR/dnsmasq.pid" \
	--local=/test/ \
	--mx-host=mail.test,mx1.test,10 --mx-host=mail.test,mx2.test,20 \
	--host-record=mx1.test,127.0.0.12 --host-record=mx2.test,127.0.0.13 \
	--log-facility="$SERVER_LOG" </dev/null >/dev/null 2>&1 &
kill_at_exit $!
sleep 0.3
kill -0 $! 2>/dev/null || bail_out 'dnsmasq did not start'
echo 'nameserver 127.0.0.153' >"$TEST_DIR/resolv.conf"
with_dns=(unshare -m bash -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' _
	"$TEST_DIR/resolv.conf")

expect_check '--mx: every MX host, the expiring one named' 1 \
	"^TLS WARNING - mail\\.test:$PORT smtp: 1 of 2 MX hosts OK, mx2\\.test@127\\.0\\.0\\.13: certificate 'CN=mx2\\.test' expires in 9d" \
	"*^\\|'mx1\\.test@127\\.0\\.0\\.12 days_left'=199\\.9[0-9];14:;7:;0; 'mx2\\.test@127\\.0\\.0\\.13 days_left'=9\\.9[0-9]" \
	-- "${with_dns[@]}" "$CHECK_TLS_SMTP" -H mail.test --mx -p "$PORT" -C ca.pem

expect_check '--mx for a domain without MX: the domain itself (implicit MX)' 0 \
	"^TLS OK - mx1\\.test:$PORT smtp: certificate 'CN=mx1\\.test' expires in 199d" \
	-- "${with_dns[@]}" "$CHECK_TLS_SMTP" -H mx1.test --mx -p "$PORT" -C ca.pem

expect_check '--mx for a domain that does not exist: CRITICAL, one line' 2 \
	"^TLS CRITICAL - nowhere\\.test:$PORT smtp: mail domain 'nowhere\\.test' does not exist" \
	'@lines=1' \
	-- "${with_dns[@]}" "$CHECK_TLS_SMTP" -H nowhere.test --mx -p "$PORT" -C ca.pem

echo 'nameserver 127.0.0.154' >"$TEST_DIR/resolv-silent.conf"
expect_check '--mx with no name server answering: within the deadline' 2 \
	"^TLS CRITICAL - mail\\.test:$PORT smtp: " '@max-secs=3.5' \
	-- unshare -m bash -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' _ \
	"$TEST_DIR/resolv-silent.conf" "$CHECK_TLS_SMTP" -H mail.test --mx -p "$PORT" -C ca.pem -t 3

finish
