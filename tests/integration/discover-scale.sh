#!/bin/bash
# discover-scale.sh — tlscheck-discover over many listeners: port ranges and
# lists, a whole host's 65,535 ports, address blocks, nmap's grepable output
# (nmap -sT -oG, of the test's own listeners, from a file and from standard
# input) and the refusals of bad input, each one line naming the file and line
# (or the argument), exit 3, before anything is probed: a listener of the
# test's own that counts its connections is never reached.

# In a network namespace of its own: the scan of every port reaches no other
# test's listeners, and no other test's scan reaches these.
if [ -z "${DISCOVER_SCALE_NETNS:-}" ] && unshare -n true 2>/dev/null; then
	# shellcheck disable=SC2016 # expanded by the inner bash
	exec unshare -n env DISCOVER_SCALE_NETNS=1 bash -c 'ip link set lo up && exec bash "$@"' \
		discover-scale "$0" "$@"
fi

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
require_server nmap command -v nmap
require_server 'unshare -n and ip (root; util-linux, iproute2)' unshare -n ip link set lo up
require_plugin "$DISCOVER"
lib_init

{ make_ca ca && make_leaf tls ca tls.test tls.test '-1 day' '+200 days -1 hour' &&
	make_leaf smtp ca smtp.test smtp.test '-1 day' '+10 days -1 hour'; } ||
	bail_out 'cannot make the test certificates'
start_gnutls_serv "$TEST_DIR/tls.pem" "$TEST_DIR/tls.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
TLS=$SERVER_PORT
start_smtpd starttls "$TEST_DIR/smtp.pem" "$TEST_DIR/smtp.key" || bail_out 'aiosmtpd did not start'
SMTP=$SERVER_PORT
start_smtpd plain || bail_out 'aiosmtpd (plain) did not start'
PLAIN=$SERVER_PORT
CLOSED=$(free_port) || bail_out 'no free port'

# A listener that writes a line for each connection it accepts: what was
# probed. It runs with the command under test in a network namespace of their
# own (no other test's scan of this machine's listeners reaches it there), on
# 127.0.0.1:7; the one connection that waits for it is its first line.
CANARY='import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 7))
s.listen(64)
while True:
    c, _ = s.accept()
    with open(sys.argv[1], "a") as log:
        log.write("accepted\n")
    c.close()'

# "${WITH_CANARY[@]}" CMD...: CMD beside the canary (in TEST_DIR, where run_check
# runs), its output and exit status.
# shellcheck disable=SC2016 # expanded by the inner bash
WITH_CANARY=(unshare -n bash -c 'ip link set lo up || exit 99
	rm -f canary.accepted
	"$1" -c "$2" canary.accepted </dev/null >canary.log 2>&1 &
	canary=$!
	for try in $(seq 100); do
		(exec 3<>/dev/tcp/127.0.0.1/7) 2>/dev/null && break
		[ "$try" -lt 100 ] || { echo "the canary did not listen" >&2; exit 99; }
		sleep 0.05
	done
	shift 2
	"$@"
	rc=$?
	kill "$canary"
	exit "$rc"' with_canary "$PYTHON" "$CANARY")

# untouched DESCRIPTION: the canary accepted no connection but the first.
untouched() {
	local seen
	seen=$(wc -l <"$TEST_DIR/canary.accepted")
	if [ "$seen" -eq 1 ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "the canary accepted $((seen - 1)) connection(s)"
	fi
}

expect_check 'a list of ports and ranges: each listener found out' 0 \
	"*^ +199\\.[0-9]+ +OK +127\\.0\\.0\\.1:$TLS +tls +ca\\.pem +CN=tls\\.test" \
	"*^ +9\\.[0-9]+ +WARNING +127\\.0\\.0\\.1:$SMTP +smtp +ca\\.pem +CN=smtp\\.test" \
	"*^ +- +NO TLS +127\\.0\\.0\\.1:$PLAIN +smtp " \
	"*^ +- +CLOSED +127\\.0\\.0\\.1:$CLOSED " \
	-- "$DISCOVER" -C ca.pem -v "127.0.0.1:$SMTP,$((TLS - 1))-$((TLS + 1)),$PLAIN,$CLOSED-$CLOSED,$TLS"

# Every port of the host: the listeners among them, and nothing else.
expect_check 'all 65,535 ports of 127.0.0.1 (1-65535)' 0 @lines=6 \
	"*^ +199\\.[0-9]+ +OK +127\\.0\\.0\\.1:$TLS +tls +ca\\.pem +CN=tls\\.test" \
	"*^ +9\\.[0-9]+ +WARNING +127\\.0\\.0\\.1:$SMTP +smtp +ca\\.pem +CN=smtp\\.test" \
	"*^ +- +NO TLS +127\\.0\\.0\\.1:$PLAIN +smtp " \
	-- "$DISCOVER" -C ca.pem 127.0.0.1:1-65535

# A name's ports: looked up once, knocked on at its address.
expect_check 'a range of a host name: the listener in it found out' 0 \
	"*^ +199\\.[0-9]+ +[A-Z]+ +localhost:$TLS +tls +ca\\.pem +CN=tls\\.test" \
	"*^ +- +CLOSED +localhost:$CLOSED " \
	-- "$DISCOVER" -C ca.pem -v "localhost:$CLOSED,$((TLS - 1))-$((TLS + 1))"

# gnutls-serv binds every address: each of 127.0.0.0/30 reaches it.
expect_check 'an address block: each address at each port' 0 \
	"*^ +199\\.[0-9]+ +OK +127\\.0\\.0\\.1:$TLS +tls +ca\\.pem " \
	"*^ +199\\.[0-9]+ +OK +127\\.0\\.0\\.3:$TLS +tls +ca\\.pem " \
	"*127\\.0\\.0\\.0:$CLOSED " "*127\\.0\\.0\\.3:$CLOSED " \
	-- "$DISCOVER" -C ca.pem -v "127.0.0.2/30:$TLS,$CLOSED"

# nmap's port scan in front: its open TCP ports only, the host as nmap names it
# (127.0.0.1's name, when it has one), connected to at the address.
nmap -sT -Pn -n -p "$TLS,$SMTP,$PLAIN,$CLOSED" -oG "$TEST_DIR/scan.gnmap" 127.0.0.1 \
	>/dev/null 2>"$TEST_DIR/nmap.err" || bail_out "nmap failed: $(cat "$TEST_DIR/nmap.err")"
nmap -sT -Pn -R --system-dns -p "$TLS,$SMTP" -oG "$TEST_DIR/named.gnmap" 127.0.0.1 \
	>/dev/null 2>"$TEST_DIR/nmap.err" || bail_out "nmap failed: $(cat "$TEST_DIR/nmap.err")"
NAME=$(sed -n 's/^Host: 127\.0\.0\.1 (\([^)]*\)).*Ports:.*/\1/p' "$TEST_DIR/named.gnmap")
NAME=${NAME:-127.0.0.1}
expect_check "nmap -oG: its open ports, the closed one left out" 0 \
	"*^ +199\\.[0-9]+ +OK +127\\.0\\.0\\.1:$TLS +tls +ca\\.pem +CN=tls\\.test" \
	"*^ +9\\.[0-9]+ +WARNING +127\\.0\\.0\\.1:$SMTP +smtp +ca\\.pem +CN=smtp\\.test" \
	"*^ +- +NO TLS +127\\.0\\.0\\.1:$PLAIN +smtp " \
	"~:$CLOSED " @lines=6 \
	-- "$DISCOVER" -C ca.pem -v -f scan.gnmap
# shellcheck disable=SC2016 # expanded by the inner bash
expect_check "nmap -oG - into -f -: the host as nmap names it ($NAME), checked at its address" 0 \
	"*^ .*${NAME//./\\.}:$TLS +tls +ca\\.pem +CN=tls\\.test" \
	"*check_tls(_smtp)? -H ${NAME//./\\.} -I 127\\.0\\.0\\.1 -p $SMTP -C ca\\.pem$" \
	-- bash -c 'nmap -sT -Pn -R --system-dns -p "$1" -oG - 127.0.0.1 | "$2" -C ca.pem -f -' _ \
	"$TLS,$SMTP" "$DISCOVER"

# Bad input anywhere: one line with where, exit 3, nothing probed.
{
	for _ in $(seq 59999); do echo "127.0.0.1:7"; done
	echo "127.0.0.1:9-1"
} >"$TEST_DIR/big"
expect_check 'a reversed range at line 60,000: one line naming it, exit 3' 3 \
	"^tlscheck-discover: file 'big' line 60000: '9-1' is a reversed port range$" \
	-- "${WITH_CANARY[@]}" "$DISCOVER" -f big
untouched 'a reversed range at line 60,000: nothing probed'

{ cat "$TEST_DIR/scan.gnmap" && printf 'Host: 127.0.0.1 ()\tPorts: %s/open/tcp//x///, 25/open\n' \
	7; } >"$TEST_DIR/bad.gnmap"
LINE=$(wc -l <"$TEST_DIR/bad.gnmap")
expect_check 'a port entry that is not nmap'"'"'s: one line naming it, exit 3' 3 \
	"^tlscheck-discover: file 'bad\\.gnmap' line $LINE: '25/open' is not an nmap port entry$" \
	-- "${WITH_CANARY[@]}" "$DISCOVER" -f bad.gnmap
untouched 'a port entry that is not nmap'"'"'s: nothing probed'

{ echo "127.0.0.1:7" && echo "Nmap scan report for localhost (127.0.0.1)"; } \
	>"$TEST_DIR/normal"
expect_check 'a line neither a target nor nmap'"'"'s (its normal output): exit 3' 3 \
	"^tlscheck-discover: file 'normal' line 2: 'Nmap scan report for localhost \\(127\\.0\\.0\\.1\\)' is not a valid host name" \
	-- "${WITH_CANARY[@]}" "$DISCOVER" -f normal
untouched 'a line neither a target nor nmap'"'"'s: nothing probed'

{ echo "127.0.0.1:7" && for i in $(seq 0 32); do echo "192.0.2.$i:1-65535"; done; } \
	>"$TEST_DIR/huge"
expect_check 'past the bound on listeners: refused at the line that passes it' 3 \
	"^tlscheck-discover: file 'huge' line 34: more than 2097152 listeners \\(hosts x ports\\): at most 2097152 a run$" \
	-- "${WITH_CANARY[@]}" "$DISCOVER" -f huge
untouched 'past the bound on listeners: nothing probed'

expect_check 'a block past the bound: one line, exit 3' 3 \
	"^tlscheck-discover: '10\\.0\\.0\\.0/8' is larger than a /16: at most 65536 addresses a block$" \
	-- "${WITH_CANARY[@]}" "$DISCOVER" 127.0.0.1:7 10.0.0.0/8:443
untouched 'a block past the bound: nothing probed'
expect_check 'a port range past 65535: one line, exit 3' 3 \
	"^tlscheck-discover: '1-70000' is not a port range \\(FIRST-LAST, from 1 to 65535\\)$" \
	-- "${WITH_CANARY[@]}" "$DISCOVER" 127.0.0.1:7 127.0.0.1:1-70000
untouched 'a port range past 65535 after a good target: nothing probed'

# shellcheck disable=SC2016 # expanded by the inner bash
expect_check 'standard input past its bound: refused, nothing probed' 3 \
	"^tlscheck-discover: file of targets '-' is larger than 16 MiB" \
	-- "${WITH_CANARY[@]}" bash -c 'yes 127.0.0.1:7 | head -c 17000000 | "$1" -f -' _ "$DISCOVER"
untouched 'standard input past its bound: nothing probed'

# The canary counts what reaches it: a good file probes it, once per knock
# and attempt.
echo 127.0.0.1:7 >"$TEST_DIR/good"
expect_check 'the canary, listed alone: found out (it closes at once)' 0 '^ +DAYS ' \
	-- "${WITH_CANARY[@]}" "$DISCOVER" -t 1 -f good
if [ "$(wc -l <"$TEST_DIR/canary.accepted")" -gt 1 ]; then
	ok 'the canary, listed alone: probed'
else
	not_ok 'the canary, listed alone: probed'
fi

finish
