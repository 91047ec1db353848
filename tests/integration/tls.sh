#!/bin/bash
# tls.sh — check_tls against gnutls-serv (TLS on connect): dates, names, trust,
# servers that ask for a client certificate, thresholds, --at, and the three
# output formats.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server gnutls-serv command -v gnutls-serv
require_server openssl command -v openssl
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

# --- certificates: every not_after is an hour short of a whole day, so the
# days left never round across a boundary while the test runs.
setup_certs() {
	make_ca ca &&
		make_ca other-ca &&
		make_leaf ok ca ok.test ok.test www.ok.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca warn.test warn.test '-1 day' '+10 days -1 hour' &&
		make_leaf crit ca crit.test crit.test '-1 day' '+3 days -1 hour' &&
		make_leaf expired ca expired.test expired.test '-30 days' '-3 days -1 hour' &&
		make_leaf future ca future.test future.test '+2 days -1 hour' '+200 days' &&
		make_leaf stranger other-ca stranger.test stranger.test '-1 day' '+200 days -1 hour' &&
		make_leaf idn ca xn--bcher-kva.example xn--bcher-kva.example '-1 day' '+200 days -1 hour' &&
		make_intermediate inter ca '-1 day' '+10 days -1 hour' &&
		make_leaf chained inter chained.test chained.test '-1 day' '+200 days -1 hour' &&
		make_chain chained-chain chained inter &&
		make_leaf cnonly ca cnonly.test '-1 day' '+200 days -1 hour' &&
		mkdir "$TEST_DIR/cadir" && cp "$TEST_DIR/other-ca.pem" "$TEST_DIR/cadir/" &&
		run_certtool --certificate-info --infile "$TEST_DIR/other-ca.pem" --outder \
			--outfile "$TEST_DIR/other-ca.der" &&
		mkdir "$TEST_DIR/derdir" && cp "$TEST_DIR/other-ca.der" "$TEST_DIR/derdir/"
}
setup_certs || bail_out 'cannot make the test certificates'

# gnutls-serv asks for an (optional) client certificate unless told not to; the
# servers of the ordinary cases do not ask.
declare -A PORT
for name in ok warn crit expired future stranger idn cnonly; do
	start_gnutls_serv "$TEST_DIR/$name.pem" "$TEST_DIR/$name.key" --disable-client-cert ||
		bail_out "gnutls-serv for $name did not start"
	PORT[$name]=$SERVER_PORT
done
start_gnutls_serv "$TEST_DIR/chained-chain.pem" "$TEST_DIR/chained.key" --disable-client-cert ||
	bail_out 'gnutls-serv for the chain did not start'
PORT[chained]=$SERVER_PORT

# serve_client_cert NAME CERT ARGS...: a server of CERT that asks for a client
# certificate as ARGS say, reached as PORT[NAME].
serve_client_cert() {
	local name=$1 cert=$2
	shift 2
	start_gnutls_serv "$TEST_DIR/$cert.pem" "$TEST_DIR/$cert.key" "$@" ||
		bail_out "gnutls-serv for $name did not start"
	PORT[$name]=$SERVER_PORT
}
TLS12=(--priority NORMAL:-VERS-TLS1.3)
serve_client_cert require12 ok --require-client-cert "${TLS12[@]}"
serve_client_cert require13 ok --require-client-cert
serve_client_cert require12-warn warn --require-client-cert "${TLS12[@]}"
serve_client_cert ask12 ok "${TLS12[@]}"
serve_client_cert ask13 ok
# OpenSSL's s_server with -Verify: a client certificate required; its alert after
# a TLS 1.3 handshake is certificate_required, in TLS 1.2 handshake_failure.
serve_openssl() {
	local name=$1
	shift
	start_openssl_server "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" "$@" ||
		bail_out "openssl s_server for $name did not start"
	PORT[$name]=$SERVER_PORT
}
serve_openssl ossl-require13 -Verify 1 -tls1_3
serve_openssl ossl-require12 -Verify 1 -tls1_2
serve_openssl ossl-ask13 -verify 1 -tls1_3
# Relays in front of the TLS 1.3 server that requires a client certificate: one
# corrupts its Finished (a handshake that fails after the CertificateRequest and
# the chain), one holds back its verdict on us by 1 s, past the 0.5 s grace.
start_peer tls13-bad-finished --upstream "${PORT[require13]}" ||
	bail_out 'peer.py tls13-bad-finished did not start'
PORT[bad-finished]=$SERVER_PORT
start_peer tls13-late-alert --upstream "${PORT[require13]}" ||
	bail_out 'peer.py tls13-late-alert did not start'
PORT[late-alert]=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'

# at NAME ARGS...: check_tls against the server NAME.
at() {
	local name=$1
	shift
	CMD=("$CHECK_TLS" -H 127.0.0.1 -p "${PORT[$name]}" "$@")
}

# check DESC EXIT PATTERNS... -- NAME ARGS...
check() {
	expect_check --command=at "$@"
}

# --- dates ------------------------------------------------------------------

check 'fine certificate: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:${PORT[ok]} tls: " \
	"certificate 'CN=ok\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' 'TLSv1\.3' '!client certificate' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- ok -S ok.test -C ca.pem

check '10 days left: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:${PORT[warn]} tls: certificate 'CN=warn\\.test' expires in 9d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- warn -S warn.test -C ca.pem

check '3 days left: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:${PORT[crit]} tls: certificate 'CN=crit\\.test' expires in 2d 2[23]h" \
	"\\| days_left=2\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- crit -S crit.test -C ca.pem

check 'expired: CRITICAL, says how long ago' 2 \
	"^TLS CRITICAL - .* tls: certificate 'CN=expired\\.test' expired 3d 1h ago \\($DATE_RE\\)" \
	"\\| days_left=-3\\.0[0-9];14:;7:;0; $PERF_TAIL" \
	-- expired -S expired.test -C ca.pem

check 'not yet valid: CRITICAL, says when it starts' 2 \
	"^TLS CRITICAL - .* tls: certificate 'CN=future\\.test' is not valid before $DATE_RE \\(in 46h 5[0-9]m\\)" \
	-- future -S future.test -C ca.pem

check 'intermediate expiring before the leaf: WARNING naming the intermediate' 1 \
	"^TLS WARNING - .* tls: intermediate 'CN=tlscheck inter' expires in 9d 2[23]h" \
	'chain trusted by ca\.pem' \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- chained -S chained.test -C ca.pem

check '-v: one line per chain element' 1 \
	'^TLS WARNING - ' '*CN=chained\.test' '*CN=tlscheck inter' '@min-lines=3' \
	-- chained -S chained.test -C ca.pem -v

# --- names ------------------------------------------------------------------

check 'wrong name: CRITICAL, lists the SANs' 2 \
	"^TLS CRITICAL - .* tls: certificate 'CN=ok\\.test' does not match 'wrong\\.test' \\(SANs: ok\\.test, www\\.ok\\.test\\)" \
	-- ok -S wrong.test -C ca.pem

check '-N overrides the name to verify' 2 \
	"does not match 'wrong\\.test'" \
	-- ok -S ok.test -N wrong.test -C ca.pem

check 'IP literal host and no -S/-N: the IP is the name to verify' 2 \
	"does not match '127\\.0\\.0\\.1'" \
	-- ok -C ca.pem

check '--no-verify-name: a wrong name is not judged' 0 \
	'^TLS OK - ' '!does not match' \
	-- ok -S wrong.test --no-verify-name -C ca.pem

check '--no-sni with -N: OK' 0 '^TLS OK - ' \
	-- ok --no-sni -N www.ok.test -C ca.pem

check 'IDN: -S with U-labels matches the A-label SAN' 0 \
	"^TLS OK - .* certificate 'CN=xn--bcher-kva\\.example' expires" \
	-- idn -S 'bücher.example' -C ca.pem

check 'IDN: -N with U-labels matches the A-label SAN' 0 '^TLS OK - ' \
	-- idn -N 'bücher.example' -C ca.pem

check 'IDN: -S with the A-label' 0 '^TLS OK - ' \
	-- idn -S xn--bcher-kva.example -C ca.pem

check 'IDN mismatch names the U-label as given' 2 \
	"does not match 'müller\\.example'" \
	-- idn -N 'müller.example' -C ca.pem

check 'CN-only certificate: the CN is matched' 0 \
	"^TLS OK - .* certificate 'CN=cnonly\\.test' expires" \
	-- cnonly -S cnonly.test -C ca.pem

check 'CN-only certificate, other name: CRITICAL' 2 \
	"certificate 'CN=cnonly\\.test' does not match 'other\\.test'" \
	-- cnonly -S other.test -C ca.pem

# --- trust ------------------------------------------------------------------

check 'issuer not in the CA file: CRITICAL, names the issuer' 2 \
	"^TLS CRITICAL - .* tls: chain not trusted by ca\\.pem: issuer 'CN=tlscheck other-ca' is unknown" \
	-- stranger -S stranger.test -C ca.pem

check 'the right CA file: OK' 0 'chain trusted by other-ca\.pem' \
	-- stranger -S stranger.test -C other-ca.pem

check 'two CA files: both named' 0 'chain trusted by ca\.pem, other-ca\.pem' \
	-- stranger -S stranger.test -C ca.pem -C other-ca.pem

check '--ca-path DIR' 0 'chain trusted by [^;]*cadir' \
	-- stranger -S stranger.test --ca-path cadir

check '-C a CA file in DER: read as PEM is' 0 'chain trusted by other-ca\.der' \
	-- stranger -S stranger.test -C other-ca.der

check '--ca-path DIR of a DER file: read as PEM is' 0 'chain trusted by [^;]*derdir' \
	-- stranger -S stranger.test --ca-path derdir

check 'no -C: the system store does not know the test CA' 2 \
	'chain not trusted by the system store' \
	-- ok -S ok.test

check '--no-verify-trust: an unknown issuer is not judged' 0 \
	'^TLS OK - ' '!not trusted' \
	-- stranger -S stranger.test --no-verify-trust

check '--no-verify-trust still judges dates' 2 'expired 3d 1h ago' \
	-- expired -S expired.test --no-verify-trust

# A named CA file is part of the arguments: one without a certificate is refused
# like a bad argument, before connecting (cli.sh shows it on a closed port).
printf 'not a certificate\n' >"$TEST_DIR/junk.pem"
check 'a CA file with no certificate in it: UNKNOWN, one line naming the file' 3 \
	"^check_tls: CA file 'junk\\.pem' holds no certificate\$" '@lines=1' \
	-- ok -S ok.test -C junk.pem
check '-C /dev/null: UNKNOWN, one line' 3 \
	"^check_tls: CA file '/dev/null' is a character device, not a regular file\$" '@lines=1' \
	-- ok -S ok.test -C /dev/null
check '-C /dev/null with --output=days: exit 3 as for any bad argument' 3 \
	"^check_tls: CA file '/dev/null' is a character device, not a regular file\$" '@lines=1' \
	-- ok -S ok.test -C /dev/null --output=days

# --- servers that ask for a client certificate (none is given) ----------------

check 'TLS 1.2, client certificate required: the chain is judged, OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:${PORT[require12]} tls: certificate 'CN=ok\\.test' expires in 199d 2[23]h" \
	'chain trusted by ca\.pem' '*^OK client-cert: server requires a client certificate \(none given\)' '!client certificate' \
	'!handshake failed' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=2' \
	-- require12 -S ok.test -C ca.pem
check 'TLS 1.2, client certificate required: untrusted chain still CRITICAL' 2 \
	"^TLS CRITICAL - .* chain not trusted by other-ca\\.pem" '*requires a client certificate' \
	-- require12 -S ok.test -C other-ca.pem
check 'TLS 1.2, client certificate required: 10 days left is WARNING' 1 \
	"^TLS WARNING - .* certificate 'CN=warn\\.test' expires in 9d 2[23]h" \
	'*requires a client certificate' "\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- require12-warn -S warn.test -C ca.pem
check 'TLS 1.2, client certificate required: --output=days gives the days' 0 \
	'^199\.9[0-9]$' '@lines=1' \
	-- require12 -S ok.test -C ca.pem --output=days
# TLS 1.3: the handshake completes before the server judges us; its fatal alert
# right after it, whatever the number, tells "requires" from "asks".
check 'TLS 1.3, client certificate required (GnuTLS): the alert after the handshake says so' 0 \
	"^TLS OK - .* certificate 'CN=ok\\.test' expires in 199d" 'chain trusted by ca\.pem' \
	'TLSv1\.3' '*^OK client-cert: server requires a client certificate \(none given, it sent alert' '!client certificate' \
	'~asks for' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=2' \
	-- require13 -S ok.test -C ca.pem
check 'TLS 1.3, client certificate optional (GnuTLS): asks, never "required"' 0 \
	'^TLS OK - ' 'TLSv1\.3' '*^OK client-cert: server asks for a client certificate \(none given\)' '!client certificate' '~requires' \
	-- ask13 -S ok.test -C ca.pem
check 'TLS 1.3, client certificate required (OpenSSL): requires' 0 \
	'^TLS OK - ' 'TLSv1\.3' '*^OK client-cert: server requires a client certificate \(none given, it sent alert' '!client certificate' \
	-- ossl-require13 -S ok.test -C ca.pem
check 'TLS 1.2, client certificate required (OpenSSL): requires' 0 \
	'^TLS OK - ' '*^OK client-cert: server requires a client certificate \(none given\)' '!client certificate' '!handshake failed' \
	-- ossl-require12 -S ok.test -C ca.pem
check 'TLS 1.3, client certificate optional (OpenSSL): asks' 0 \
	'^TLS OK - ' 'TLSv1\.3' '*^OK client-cert: server asks for a client certificate \(none given\)' '!client certificate' '~requires' \
	-- ossl-ask13 -S ok.test -C ca.pem
check 'TLS 1.3, a handshake that fails after the certificate request: CRITICAL, not blamed on us' 2 \
	"^TLS CRITICAL - .* handshake failed" '~requires a client certificate' \
	-- bad-finished -S ok.test -C ca.pem
# The verdict that comes after the grace is seen by a protocol that reads on
# (SMTPS reads its greeting): still "requires", and no failure of the service.
expect_check 'TLS 1.3, the refusal later than the grace, seen by after(): requires, no service finding' 0 \
	'^TLS OK - ' '*^OK client-cert: server requires a client certificate \(none given, it sent alert' '!client certificate' \
	'~greeting' '~WARNING' \
	-- "$CHECK_TLS" -P smtp --implicit-tls -H 127.0.0.1 -p "${PORT[late-alert]}" -S ok.test -C ca.pem
check 'TLS 1.2, client certificate optional: OK, says it was asked for' 0 \
	'^TLS OK - ' 'TLSv1\.2' '*^OK client-cert: server asks for a client certificate \(none given\)' '!client certificate' \
	-- ask12 -S ok.test -C ca.pem

# --- thresholds and --at ----------------------------------------------------

check '-w/-c bare numbers are days' 0 \
	"\\| days_left=9\\.9[0-9];5:;2:;0; $PERF_TAIL" \
	-- warn -S warn.test -C ca.pem -w 5 -c 2

check '-w/-c in hours' 1 '^TLS WARNING' \
	"\\| days_left=9\\.9[0-9];10\\.42:;8\\.33:;0; $PERF_TAIL" \
	-- warn -S warn.test -C ca.pem -w 250h -c 200h

check '-c above the days left: CRITICAL' 2 '^TLS CRITICAL' \
	-- warn -S warn.test -C ca.pem -w 12 -c 10

check '-w 50% -c 10%: 91% of the lifetime left is OK' 0 '^TLS OK' \
	"\\| days_left=9\\.9[0-9];5\\.48:;1\\.10?:;0; $PERF_TAIL" \
	-- warn -S warn.test -C ca.pem -w 50% -c 10%

check '-w 100% -c 50%: WARNING, thresholds converted to days' 1 '^TLS WARNING' \
	"\\| days_left=199\\.9[0-9];200\\.9[0-9]:;100\\.4[0-9]:;0; $PERF_TAIL" \
	-- ok -S ok.test -C ca.pem -w 100% -c 50%

AT_SOON=$(date -u -d '+195 days' '+%Y-%m-%dT%H:%M:%SZ')
check "--at $AT_SOON: the fine certificate becomes CRITICAL" 2 \
	"^TLS CRITICAL - .* certificate 'CN=ok\\.test' expires in 4d 2[23]h" \
	"\\| days_left=4\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- ok -S ok.test -C ca.pem --at "$AT_SOON"

AT_LATE=@$(date -u -d '+300 days' '+%s')
check "--at $AT_LATE: expired" 2 "certificate 'CN=ok\\.test' expired 100d" \
	-- ok -S ok.test -C ca.pem --at "$AT_LATE"

AT_EARLY=$(date -u -d '-2 days' '+%Y-%m-%d %H:%M:%S')
check "--at '$AT_EARLY': not yet valid" 2 "certificate 'CN=ok\\.test' is not valid before" \
	-- ok -S ok.test -C ca.pem --at "$AT_EARLY"

# --- output formats ---------------------------------------------------------

check '--output=days: only the number' 0 '^9\.9[0-9]$' '@lines=1' \
	-- warn -S warn.test -C ca.pem --output=days
check '--output=days on an expired certificate: negative' 0 '^-3\.0[0-9]$' '@lines=1' \
	-- expired -S expired.test -C ca.pem --output=days
check '--output days (separate argument)' 0 '^199\.9[0-9]$' \
	-- ok -S ok.test -C ca.pem --output days

run_check "$CHECK_TLS" -H 127.0.0.1 -p "${PORT[warn]}" -S warn.test -C ca.pem --output=json
assert_check '--output=json: exit code of the state, nothing on stderr' 1
json_check '--output=json: one object with state, findings and the chain' "
need(isinstance(d, dict), 'not an object')
need(str(d.get('state')).upper() == 'WARNING', 'state %r' % d.get('state'))
need(d.get('host') == '127.0.0.1', 'host %r' % d.get('host'))
need(d.get('port') in (${PORT[warn]}, '${PORT[warn]}'), 'port %r' % d.get('port'))
need(d.get('protocol') == 'tls', 'protocol %r' % d.get('protocol'))
need(isinstance(d.get('findings'), list) and d['findings'], 'findings %r' % d.get('findings'))
c = d.get('chain')
need(isinstance(c, list) and len(c) == 1, 'chain %r' % c)
leaf = c[0]
need('CN=warn.test' in leaf.get('subject', ''), 'subject %r' % leaf.get('subject'))
need('CN=tlscheck ca' in leaf.get('issuer', ''), 'issuer %r' % leaf.get('issuer'))
for k in ('serial', 'not_before', 'not_after', 'sha256', 'sans'):
    need(k in leaf, 'no %s in the chain element' % k)
need(len(leaf['sha256'].replace(':', '')) == 64, 'sha256 %r' % leaf['sha256'])
need('warn.test' in leaf['sans'], 'sans %r' % leaf['sans'])
need(isinstance(d.get('tls'), dict) and 'version' in d['tls'], 'tls %r' % d.get('tls'))
"

run_check "$CHECK_TLS" -H 127.0.0.1 -p "${PORT[chained]}" -S chained.test -C ca.pem --output=json
assert_check '--output=json with a chain' 1
json_check '--output=json lists leaf then intermediate' "
c = d.get('chain')
need(isinstance(c, list) and len(c) == 2, 'chain %r' % c)
need('CN=chained.test' in c[0].get('subject', ''), 'first %r' % c[0].get('subject'))
need('CN=tlscheck inter' in c[1].get('subject', ''), 'second %r' % c[1].get('subject'))
"

# --- other ways in ------------------------------------------------------------

check '-P tls' 0 "^TLS OK - 127\\.0\\.0\\.1:${PORT[ok]} tls: " \
	-- ok -P tls -S ok.test -C ca.pem
check '-4' 0 '^TLS OK - ' -- ok -4 -S ok.test -C ca.pem
check '-t 5:warning on a healthy server changes nothing' 0 '^TLS OK - ' \
	-- ok -S ok.test -C ca.pem -t 5:warning

if (exec 3<>"/dev/tcp/::1/${PORT[ok]}") 2>/dev/null; then
	expect_check '-6 -H ::1' 0 '^TLS OK - .*::1.* tls: ' \
		-- "$CHECK_TLS" -6 -H ::1 -p "${PORT[ok]}" -S ok.test -C ca.pem
else
	diag 'no IPv6 loopback on this machine: -6 -H ::1 must fail cleanly'
	expect_check '-6 -H ::1 without IPv6: CRITICAL, one line' 2 '^TLS CRITICAL - ' '@lines=1' \
		-- "$CHECK_TLS" -6 -H ::1 -p "${PORT[ok]}" -S ok.test -C ca.pem
fi
expect_check '-H localhost' 0 "^TLS OK - localhost:${PORT[ok]} tls: " \
	-- "$CHECK_TLS" -H localhost -p "${PORT[ok]}" -N ok.test -C ca.pem
# ok.test resolves nowhere (RFC 6761): -I gives the address, the name is still
# sent with SNI and judged, and no DNS lookup is made.
expect_check '-I: HOST a name that does not resolve, judged by that name' 0 \
	"^TLS OK - ok\\.test:${PORT[ok]} tls: certificate 'CN=ok\\.test' expires" \
	-- "$CHECK_TLS" -H ok.test -I 127.0.0.1 -p "${PORT[ok]}" -C ca.pem
expect_check '-I: the name is judged, not the address' 2 \
	"^TLS CRITICAL - www\\.stranger\\.test:${PORT[ok]} tls: .*does not match 'www\\.stranger\\.test'" \
	-- "$CHECK_TLS" -H www.stranger.test -I 127.0.0.1 -p "${PORT[ok]}" -C ca.pem

# --- rule ids in --output=json --------------------------------------------------

check '--output=json: each finding names its rule' 2 '"rule":"expiry"' '"rule":"trust"' \
	-- stranger -S stranger.test -C ca.pem --output=json
json_check '--output=json: rule ids, and the TLS version is a fact, not a finding' "
rules = [f.get('rule') for f in d['findings']]
need(rules == ['trust', 'expiry'], 'rules %r' % rules)
need(d['findings'][0]['state'] == 'CRITICAL', 'first %r' % d['findings'][0])
need(d['tls'].get('version') == 'TLSv1.3', 'tls %r' % d['tls'])
need(d['summary'].endswith(', TLSv1.3'), 'summary %r' % d['summary'])
"

# --- the answers of trust and name in --output=json -------------------------------
# What a Zabbix item reads: true, false, or null when not judged; whatever the
# state, nothing goes to stderr (Zabbix would store it with the JSON).

# json_answers DESC EXIT TRUSTED NAME-MATCHES -- CHECK-ARGS...: check's run with
# --output=json; the object parses and holds the two answers (true, false, null).
json_answers() {
	local desc=$1 want=$2 trusted=$3 name=$4
	shift 5
	check "$desc: exit $want, nothing on stderr" "$want" -- "$@" --output=json
	json_check "$desc: trusted $trusted, name_matches $name" "
need(d.get('exit_code') == $want, 'exit_code %r' % d.get('exit_code'))
for key, want in (('trusted', '$trusted'), ('name_matches', '$name')):
    need(key in d and json.dumps(d[key]) == want, '%s %r' % (key, d.get(key)))
"
}
json_answers '--output=json, fine certificate' 0 true true -- ok -S ok.test -C ca.pem
json_answers '--output=json, chain not trusted' 2 false true -- stranger -S stranger.test -C ca.pem
json_answers '--output=json, certificate of another name' 2 true false \
	-- ok -S www.stranger.test -C ca.pem
json_answers '--output=json, --no-verify-trust' 0 null true \
	-- stranger -S stranger.test --no-verify-trust
CLOSED=$(free_port)
json_answers '--output=json, connection refused' 2 null null -- ok -p "$CLOSED" -S ok.test -C ca.pem
json_answers '--output=json, a bad argument' 3 null null -- ok -S ok.test -C ca.pem -w bad

finish
