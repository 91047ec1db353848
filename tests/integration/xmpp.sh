#!/bin/bash
# xmpp.sh — check_tls_xmpp against real Prosody servers: STARTTLS client-to-server
# and server-to-server (--server), direct TLS (XEP-0368) on both, a domain the
# server does not serve, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/xmpp.bash
. "$(dirname "$0")/xmpp.bash" || exit 99

CHECK_TLS_XMPP=$TLSCHECK_BUILDDIR/plugins/check_tls_xmpp

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_prosody
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_XMPP"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca xmpp.test xmpp.test '-1 day' '+100 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_prosody tls tls || bail_out 'Prosody (TLS) did not start'
P_C2S=$C2S
P_C2S_TLS=$C2S_TLS
P_S2S=$S2S
P_S2S_TLS=$S2S_TLS
start_prosody plain plain || bail_out 'Prosody (no TLS) did not start'
P_PLAIN_C2S=$C2S
P_PLAIN_S2S=$S2S

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
XMPP=("$CHECK_TLS_XMPP" -H xmpp.test -I 127.0.0.1 -C ca.pem)

expect_check 'c2s STARTTLS: OK' 0 \
	"^TLS OK - xmpp\\.test:$P_C2S xmpp: certificate 'CN=xmpp\\.test' expires in 99d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=99\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${XMPP[@]}" -p "$P_C2S"

expect_check 'c2s STARTTLS, -w 120 -c 30: WARNING' 1 \
	"^TLS WARNING - xmpp\\.test:$P_C2S xmpp: certificate 'CN=xmpp\\.test' expires in 99d 2[23]h" \
	"\\| days_left=99\\.9[0-9];120:;30:;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_C2S" -w 120 -c 30

# The XMPP domain goes in to=; the name checked is still -H's.
expect_check 'c2s STARTTLS, certificate for another name: CRITICAL' 2 \
	"^TLS CRITICAL - other\\.test:$P_C2S xmpp: certificate 'CN=xmpp\\.test' does not match 'other\\.test'" \
	"\\| days_left=99\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "$CHECK_TLS_XMPP" -H other.test -I 127.0.0.1 -p "$P_C2S" -C ca.pem --xmpp-domain xmpp.test

expect_check 'c2s, a domain the server does not serve: CRITICAL, the stream error named' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_C2S xmpp: server sent stream error 'host-unknown' instead of the stream features" \
	"$PERF_FAILED" '@lines=1' \
	-- "${XMPP[@]}" -p "$P_C2S" --xmpp-domain elsewhere.test

expect_check 's2s STARTTLS (--server): OK' 0 \
	"^TLS OK - xmpp\\.test:$P_S2S xmpp: certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_S2S" --server

expect_check 'check_tls -P xmpp reaches the same protocol' 0 \
	"^TLS OK - xmpp\\.test:$P_S2S xmpp: " \
	-- "$CHECK_TLS" -P xmpp -H xmpp.test -I 127.0.0.1 -p "$P_S2S" -C ca.pem --server

expect_check 'c2s direct TLS: OK, the stream confirmed over TLS' 0 \
	"^TLS OK - xmpp\\.test:$P_C2S_TLS xmpp: certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_C2S_TLS" --implicit-tls

expect_check 's2s direct TLS (--server): OK' 0 \
	"^TLS OK - xmpp\\.test:$P_S2S_TLS xmpp: certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_S2S_TLS" --implicit-tls --server

expect_check 'direct TLS, a domain the server does not serve: WARNING, chain still judged' 1 \
	"^TLS WARNING - xmpp\\.test:$P_C2S_TLS xmpp: server sent stream error 'host-unknown' instead of the stream features over TLS" \
	"certificate 'CN=xmpp\\.test' expires in 99d" \
	"\\| days_left=99\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${XMPP[@]}" -p "$P_C2S_TLS" --implicit-tls --xmpp-domain elsewhere.test

expect_check 'c2s without TLS: CRITICAL, no STARTTLS' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_PLAIN_C2S xmpp: server does not offer STARTTLS" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${XMPP[@]}" -p "$P_PLAIN_C2S"

expect_check 's2s without TLS: CRITICAL, no STARTTLS' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_PLAIN_S2S xmpp: server does not offer STARTTLS" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${XMPP[@]}" -p "$P_PLAIN_S2S" --server

expect_check 'direct TLS port spoken to with STARTTLS, -t 2: CRITICAL at once' 2 \
	"^TLS CRITICAL - xmpp\\.test:$P_C2S_TLS xmpp: " "$PERF_FAILED" '@max-secs=5' \
	-- "${XMPP[@]}" -p "$P_C2S_TLS" -t 2

finish
