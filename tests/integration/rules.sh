#!/bin/bash
# rules.sh — the chain judged like an operator would, against gnutls-serv and
# OpenSSL's s_server: the renewed file on disk, pins, the store that is used,
# the trust anchor the server does not send (and a root renewed in place beside
# its expired copy), an intermediate left out or sent out of order,
# certificates sent twice, an expired intermediate, and a TLS version floor.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server gnutls-serv command -v gnutls-serv
require_server openssl command -v openssl
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

# Every not_after is an hour short of a whole day, so days never round across a
# boundary while the test runs.
{
	make_ca ca &&
		make_leaf ok ca ok.test ok.test '-1 day' '+200 days -1 hour' &&
		make_leaf renewed ca ok.test ok.test '-1 day' '+400 days -1 hour' &&
		make_leaf older ca ok.test ok.test '-30 days' '+100 days -1 hour' &&
		make_ca shortroot '-3650 days' '+5 days -1 hour' &&
		make_leaf short shortroot ok.test ok.test '-1 day' '+200 days -1 hour' &&
		make_intermediate inter ca '-1 day' '+900 days -1 hour' &&
		make_leaf chained inter chained.test chained.test '-1 day' '+200 days -1 hour' &&
		make_chain chained-full chained inter &&
		make_chain ca-and-inter ca inter &&
		make_chain inter-twice-ca-twice inter inter ca ca &&
		make_intermediate oldinter ca '-400 days' '-3 days -1 hour' &&
		make_leaf orphan oldinter orphan.test orphan.test '-1 day' '+200 days -1 hour' &&
		make_chain orphan-full orphan oldinter &&
		make_ca twin '-3650 days' '-1 day -1 hour' &&
		make_renewed_ca twin-renewed twin '-2 days' '+3000 days -1 hour' &&
		make_leaf twinned twin-renewed twinned.test twinned.test '-1 day' '+200 days -1 hour' &&
		make_chain twins-old-first twin twin-renewed &&
		make_chain twins-new-first twin-renewed twin
} || bail_out 'cannot make the test certificates'

declare -A PORT
serve() {
	local name=$1 cert=$2 key=$3
	shift 3
	start_gnutls_serv "$TEST_DIR/$cert.pem" "$TEST_DIR/$key.key" --disable-client-cert "$@" ||
		bail_out "gnutls-serv for $name did not start"
	PORT[$name]=$SERVER_PORT
}
serve ok ok ok
serve short short short
serve leaf-only chained chained
serve orphan orphan-full orphan
serve twinned twinned twinned
serve tls12 ok ok --priority NORMAL:-VERS-TLS1.3
# s_server sends -cert_chain in the file's order: here the root before the
# intermediate that issued the leaf.
start_openssl_server "$TEST_DIR/chained.pem" "$TEST_DIR/chained.key" \
	-cert_chain "$TEST_DIR/ca-and-inter.pem" ||
	bail_out 'openssl s_server did not start'
PORT[reversed]=$SERVER_PORT
# [leaf, I, I, R, R]: every certificate in its place, two of them twice.
start_openssl_server "$TEST_DIR/chained.pem" "$TEST_DIR/chained.key" \
	-cert_chain "$TEST_DIR/inter-twice-ca-twice.pem" ||
	bail_out 'openssl s_server did not start'
PORT[duplicates]=$SERVER_PORT

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

# --- the renewed file on disk ---------------------------------------------------
check '--cert-file, the served certificate: OK, nothing to say' 0 \
	"^TLS OK - .* certificate 'CN=ok\\.test' expires in 199d" '!ok\.pem' \
	-- ok -S ok.test -C ca.pem --cert-file ok.pem
check '--cert-file, renewed but not reloaded: CRITICAL with both dates' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:${PORT[ok]} tls: serving the certificate that expires $DATE_RE, renewed\\.pem holds one that expires $DATE_RE: reload the service" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- ok -S ok.test -C ca.pem --cert-file renewed.pem
check '--cert-file, an older certificate in the file: WARNING' 1 \
	"^TLS WARNING - .* older\\.pem holds an older certificate \\(expires $DATE_RE\\) than the one served \\(expires $DATE_RE\\): rolled back, or the wrong file" \
	-- ok -S ok.test -C ca.pem --cert-file older.pem
openssl x509 -in "$TEST_DIR/renewed.pem" -outform DER -out "$TEST_DIR/renewed.der"
check '--cert-file in DER' 2 'renewed\.der holds one that expires' \
	-- ok -S ok.test -C ca.pem --cert-file renewed.der
check '--cert-file, a bundle: its first certificate is the leaf' 1 '^TLS WARNING - ' '!holds' \
	-- leaf-only -S chained.test -C ca-and-inter.pem --cert-file chained-full.pem
run_check "$CHECK_TLS" -H 127.0.0.1 -p "${PORT[ok]}" -S ok.test -C ca.pem --cert-file ca.key
assert_check '--cert-file without a certificate: UNKNOWN before connecting' 3 \
	"^check_tls: certificate file 'ca\\.key' holds no certificate" '@lines=1'

# --- pins ---------------------------------------------------------------------------
PIN=$(openssl x509 -in "$TEST_DIR/ok.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
OTHER=$(openssl x509 -in "$TEST_DIR/renewed.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
check '--fingerprint matching (colons, upper case): OK' 0 '^TLS OK - ' '!fingerprint' \
	-- ok -S ok.test -C ca.pem --fingerprint "$PIN"
check '--fingerprint, one of two pins matching: OK' 0 '^TLS OK - ' \
	-- ok -S ok.test -C ca.pem --fingerprint "$OTHER" --fingerprint "$(echo "$PIN" | tr -d : | tr A-F a-f)"
check '--fingerprint not matching: CRITICAL with the SHA-256 served' 2 \
	"^TLS CRITICAL - .* certificate 'CN=ok\\.test' matches no --fingerprint pin \\(its SHA-256 is $(echo "$PIN" | tr -d : | tr A-F a-f)\\)" \
	-- ok -S ok.test -C ca.pem --fingerprint "$OTHER"
run_check "$CHECK_TLS" -H 127.0.0.1 -p "${PORT[ok]}" --fingerprint abc
assert_check '--fingerprint not a SHA-256: UNKNOWN' 3 "^check_tls: --fingerprint takes a SHA-256"

# --- which store ---------------------------------------------------------------------
check 'an internal CA against the system store: CRITICAL, says so' 2 \
	"^TLS CRITICAL - .* chain not trusted by the system store: issuer 'CN=tlscheck ca' is unknown \\(an internal CA\\? name its file with -C\\)" \
	-- ok -S ok.test
check 'a chain broken on the named store: no such hint' 2 \
	"^TLS CRITICAL - .* chain not trusted by ca\\.pem: issuer 'CN=tlscheck inter' is unknown" \
	'!internal CA' \
	-- leaf-only -S chained.test -C ca.pem

# --- the anchor not served -------------------------------------------------------
check 'the trust anchor has 5 days left, not served: CRITICAL, its days are days_left' 2 \
	"^TLS CRITICAL - .* root 'CN=tlscheck shortroot' expires in 4d 2[23]h \\($DATE_RE\\)" \
	"\\| days_left=4\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- short -S ok.test -C shortroot.pem
# A root renewed in place (same subject, same key) beside its expired copy: the
# chain verifies with either, and clients use the valid one, in any order.
for store in 'twins-old-first.pem' 'twins-new-first.pem' 'twin.pem -C twin-renewed.pem' \
	'twin-renewed.pem -C twin.pem'; do
	# shellcheck disable=SC2086 # two -C files in one word
	check "a root and its renewed copy (-C $store): OK, the copy that expires last is judged" 0 \
		"^TLS OK - .* certificate 'CN=twinned\\.test' expires in 199d" \
		"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '!expired' \
		-- twinned -S twinned.test -C $store
done
check 'the expired copy alone: CRITICAL, the root expired' 2 \
	"^TLS CRITICAL - .* root 'CN=tlscheck twin' expired 25h( [0-9]+m)? ago \\($DATE_RE\\)" \
	-- twinned -S twinned.test -C twin.pem

# --- what the server sends ------------------------------------------------------
check 'an intermediate the store holds, left out by the server: trusted, WARNING' 1 \
	"^TLS WARNING - .* server does not send intermediate 'CN=tlscheck inter'" \
	'chain trusted by ca-and-inter\.pem' \
	-- leaf-only -S chained.test -C ca-and-inter.pem
check 'the chain out of order: WARNING naming where' 1 \
	"^TLS WARNING - .* server sends its chain out of order \\('CN=chained\\.test' is followed by 'CN=tlscheck ca', not by its issuer\\)" \
	-- reversed -S chained.test -C ca.pem
check 'the intermediate and the root sent twice: WARNING naming the copies, not the order' 1 \
	"^TLS WARNING - .* server sends 'CN=tlscheck inter' twice, 'CN=tlscheck ca' twice in its chain" \
	'!out of order' -- duplicates -S chained.test -C ca.pem
check 'an expired intermediate: CRITICAL naming it' 2 \
	"^TLS CRITICAL - .* intermediate 'CN=tlscheck oldinter' expired 3d [0-9]+h ago \\($DATE_RE\\)" \
	-- orphan -S orphan.test -C ca.pem

# --- a TLS version floor -------------------------------------------------------------
check '--min-tls 1.3 against a TLS 1.2 server: CRITICAL' 2 \
	"^TLS CRITICAL - .* TLSv1\\.2 negotiated, below --min-tls 1\\.3" \
	-- tls12 -S ok.test -C ca.pem --min-tls 1.3
check '--min-tls 1.2 against a TLS 1.2 server: OK' 0 '^TLS OK - .*TLSv1\.2' \
	-- tls12 -S ok.test -C ca.pem --min-tls 1.2
check '--min-tls 1.3 against a TLS 1.3 server: OK' 0 '^TLS OK - .*TLSv1\.3' \
	-- ok -S ok.test -C ca.pem --min-tls=1.3
run_check "$CHECK_TLS" -H 127.0.0.1 -p "${PORT[ok]}" --min-tls 1.4
assert_check '--min-tls 1.4: UNKNOWN' 3 "^check_tls: invalid --min-tls '1\\.4'"

finish
