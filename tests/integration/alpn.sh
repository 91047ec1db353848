#!/bin/bash
# alpn.sh — --alpn against gnutls-serv --alpn=h2 (which chooses h2, and with
# --alpn-fatal refuses any other offer with the alert no_application_protocol)
# and against a TLS 1.3 peer that hangs up after a handshake without ALPN, as
# grpc-go servers do (tests/hostile/peer.py tls13-close-without-alpn, and
# tls13-hang-up-without-alpn without close_notify): what was
# negotiated in -vv and JSON, and the alpn rule's findings: the hang-up is a
# WARNING, also when our client certificate was asked for and sent (naming it:
# the hang-up may be its refusal, never read as one); and a peer that agrees on h2,
# gets our certificate and hangs up without an alert (tests/hostile/peer.py
# tls13-hang-up-after-client-cert): CRITICAL, never "did not reject".

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server gnutls-serv command -v gnutls-serv
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
[ -r "$HOSTILE_PEER" ] || bail_out "$HOSTILE_PEER not found"
lib_init

# Every not_after is an hour short of a whole day, so the days left never round
# across a boundary while the test runs.
setup_certs() {
	make_ca ca &&
		make_leaf ok ca localhost localhost '-1 day' '+200 days -1 hour' &&
		make_client mon ca monitor '-1 day' '+300 days -1 hour' &&
		make_ca other &&
		make_client stranger other stranger '-1 day' '+300 days -1 hour'
}
setup_certs || bail_out 'cannot make the certificates'

declare -A PORT
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --alpn=h2 --alpn-fatal ||
	bail_out 'gnutls-serv --alpn=h2 did not start'
PORT[h2]=$SERVER_PORT
start_peer tls13-close-without-alpn --cert "$TEST_DIR/ok.pem" --key "$TEST_DIR/ok.key" \
	--client-ca "$TEST_DIR/ca.pem" || bail_out 'peer.py tls13-close-without-alpn did not start'
PORT[close]=$SERVER_PORT
start_peer tls13-hang-up-without-alpn --cert "$TEST_DIR/ok.pem" --key "$TEST_DIR/ok.key" \
	--client-ca "$TEST_DIR/ca.pem" || bail_out 'peer.py tls13-hang-up-without-alpn did not start'
PORT[hang-up]=$SERVER_PORT
# The same without --client-ca: it asks for no client certificate.
start_peer tls13-hang-up-without-alpn --cert "$TEST_DIR/ok.pem" --key "$TEST_DIR/ok.key" ||
	bail_out 'peer.py tls13-hang-up-without-alpn (no client CA) did not start'
PORT[close-unasked]=$SERVER_PORT
start_peer tls13-hang-up-after-client-cert --cert "$TEST_DIR/ok.pem" --key "$TEST_DIR/ok.key" \
	--client-ca "$TEST_DIR/ca.pem" || bail_out 'peer.py tls13-hang-up-after-client-cert did not start'
PORT[refuse]=$SERVER_PORT

# on SERVER ARGS...: check_tls against SERVER, trusting its CA.
on() {
	local server=$1
	shift
	CMD=("$CHECK_TLS" -H localhost -p "${PORT[$server]}" -C "$TEST_DIR/ca.pem" "$@")
}

alpn() {
	expect_check --command=on "$@"
}

OK_LINE='^TLS OK - localhost:[0-9]+ tls: certificate .CN=localhost. expires in 199d'
CLOSED='server closed the connection right after the handshake, no ALPN negotiated'

# --- the protocol the server chose ---------------------------------------------

alpn '--alpn=h2, the server chooses h2: OK, -vv names it' 0 "$OK_LINE" \
	'*^TLS: TLSv1\.[23], .*, ALPN h2$' \
	-- h2 --alpn=h2 -vv

alpn '--alpn=http/1.1,h2: the server chooses the one it speaks' 0 "$OK_LINE" \
	'*^TLS: .*, ALPN h2$' \
	-- h2 --alpn=http/1.1,h2 -vv

on h2 --alpn=http/1.1,h2 --output=json
run_check "${CMD[@]}"
json_check '--alpn=http/1.1,h2, JSON: tls.alpn is "h2"' '
need(d["state"] == "OK", "state %r" % d["state"])
need(d["tls"]["alpn"] == "h2", "tls.alpn %r" % d["tls"]["alpn"])'

alpn 'no --alpn: none offered, none negotiated' 0 "$OK_LINE" \
	'~ALPN' \
	-- h2 -vv

# --- a server that accepts none of them ----------------------------------------

alpn '--alpn=foo against a server of h2 only: CRITICAL, naming what was offered' 2 \
	'^TLS CRITICAL - localhost:[0-9]+ tls: the server accepts none of the ALPN protocols offered: foo \|' \
	"$PERF_TAIL" '@lines=1' \
	-- h2 --alpn=foo

alpn '--alpn=foo,http/1.1, -v: the finding is of rule alpn, not probe' 2 \
	'the server accepts none of the ALPN protocols offered: foo, http/1.1' \
	'*^CRITICAL alpn: the server accepts none of the ALPN protocols offered: foo, http/1.1$' \
	'~^CRITICAL probe:' \
	-- h2 --alpn=foo,http/1.1 -v

on h2 --alpn=foo --output=json
run_check "${CMD[@]}"
json_check '--alpn=foo, JSON: one finding, rule alpn' '
need(d["state"] == "CRITICAL", "state %r" % d["state"])
rules = [f["rule"] for f in d["findings"]]
need(rules == ["alpn"], "rules %r" % rules)'

# --- a server that hangs up after a handshake without ALPN ------------------------

alpn 'no --alpn, the server hangs up: WARNING, the hint, the chain judged' 1 \
	"^TLS WARNING - localhost:[0-9]+ tls: $CLOSED: try --alpn=h2, certificate .CN=localhost. expires in 199d" \
	'*^WARNING alpn: ' '*^OK trust: ' '~client-cert' \
	-- close -v

# With our certificate asked for and sent, the same silence may be its refusal
# (a server may refuse one by hanging up): which, cannot be told. The hang-up
# is never read as a verdict on ours: the same WARNING, naming ours too.
OURS="\\(or it refused our client certificate 'CN=monitor'\\)"
MON=(--client-cert "$TEST_DIR/mon.pem" --client-key "$TEST_DIR/mon.key")

alpn 'our client certificate sent, then the hang-up: the WARNING, naming ours' 1 \
	"^TLS WARNING - localhost:[0-9]+ tls: $CLOSED: try --alpn=h2 $OURS, certificate .CN=localhost. expires in 199d" \
	"*^WARNING alpn: $CLOSED: try --alpn=h2 $OURS\$" '*^OK trust: ' \
	'~client-cert:' '~accepted' '~^CRITICAL' \
	-- close "${MON[@]}" -v

on close "${MON[@]}" --output=json
run_check "${CMD[@]}"
json_check 'our client certificate sent, then the hang-up, JSON: one finding of rule alpn' '
need(d["state"] == "WARNING", "state %r" % d["state"])
bad = [f for f in d["findings"] if f["state"] != "OK"]
need([(f["rule"], f["state"]) for f in bad] == [("alpn", "WARNING")], bad)'

alpn 'a bare hang-up, without close_notify: the same WARNING' 1 \
	"^TLS WARNING - .*: $CLOSED: try --alpn=h2 $OURS, " '~client-cert:' \
	-- hang-up "${MON[@]}" -v

alpn '--alpn=http/1.1 and our certificate, then the hang-up: WARNING, naming the offer' 1 \
	"^TLS WARNING - .*: $CLOSED \\(offered: http/1.1\\) $OURS, " \
	-- close --alpn=http/1.1 "${MON[@]}"

# Asked for none, the server got none of ours and gave no verdict to wait
# for: the check does not linger, and the chain is all there is to judge.
alpn 'our client certificate given, none asked for: not sent, OK' 0 "$OK_LINE" \
	'~ALPN' '~client-cert:' \
	-- close-unasked "${MON[@]}" -v

# A refusal in words (an alert) is the client-cert rule's, whatever the ALPN.
alpn 'our client certificate refused with an alert: the client-cert CRITICAL, no ALPN finding' 2 \
	"^TLS CRITICAL - .*: server rejected our client certificate 'CN=stranger': alert " \
	'~alpn' '~ALPN' \
	-- close --client-cert "$TEST_DIR/stranger.pem" --client-key "$TEST_DIR/stranger.key" -v

# ALPN agreed, the server got ours and hung up at once without an alert: no
# acceptance of it (the silence is no grace passed), CRITICAL, both causes
# the hang-up may have named.
HUNG_UP="server closed the connection right after the handshake, saying nothing: our client certificate 'CN=monitor' refused, or no service behind TLS"
alpn '--alpn=h2, ours sent, then a hang-up: CRITICAL, not "did not reject"' 2 \
	"^TLS CRITICAL - localhost:[0-9]+ tls: $HUNG_UP, certificate .CN=localhost. expires in 199d" \
	"*^CRITICAL client-cert: $HUNG_UP\$" '~did not reject' '~alpn' \
	-- refuse --alpn=h2 "${MON[@]}" -v
alpn '-P h2, ours sent, then a hang-up: the same CRITICAL, and the preface unanswered' 2 \
	"^TLS CRITICAL - localhost:[0-9]+ h2: $HUNG_UP, no HTTP/2 SETTINGS frame within 3s: server closed the connection while we waited for an HTTP/2 frame, " \
	'~did not reject' \
	-- refuse -P h2 "${MON[@]}"
alpn '--alpn=h2, none of ours: the server stays, the request a note' 0 "$OK_LINE" \
	'*^OK client-cert: server asks for a client certificate \(none given\)$' \
	-- refuse --alpn=h2 -v

alpn '--alpn=http/1.1, the server hangs up: WARNING, naming what was offered' 1 \
	"^TLS WARNING - .*$CLOSED \\(offered: http/1.1\\)" \
	-- close --alpn=http/1.1

alpn '--alpn=h2, the server chooses h2 and stays: OK' 0 "$OK_LINE" \
	'*^TLS: TLSv1\.3, .*, ALPN h2$' '~alpn' \
	-- close --alpn=h2 -vv

alpn '--alpn=h2 with our client certificate: OK, not rejected' 0 "$OK_LINE" \
	'*^OK client-cert: server did not reject our client certificate' '~^WARNING' \
	-- close --alpn=h2 --client-cert "$TEST_DIR/mon.pem" --client-key "$TEST_DIR/mon.key" -v

finish
