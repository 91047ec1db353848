#!/bin/bash
# crypto.sh — weak cryptography in the served chain (MD5, SHA-1, short RSA keys)
# and its silencing options; short-lived certificates (hours below two days, %
# thresholds against each element's own lifetime); -v and JSON facts of each
# element (key, signature). Served by gnutls-serv; MD5 signatures are made with
# openssl, which still signs them, certtool does not.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server gnutls-serv command -v gnutls-serv
require_server openssl command -v openssl
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

# rsa_key NAME BITS: TEST_DIR/NAME.key
rsa_key() {
	run_certtool --generate-privkey --key-type=rsa --bits="$2" --no-text \
		--outfile "$TEST_DIR/$1.key"
}

# rsa_ca NAME: a self-signed root with an RSA 2048 key, CN "tlscheck NAME".
rsa_ca() {
	rsa_key "$1" 2048 &&
		cert_template "$TEST_DIR/$1.tmpl" "tlscheck $1" '-1 day' '+3650 days' \
			ca cert_signing_key &&
		run_certtool --generate-self-signed --load-privkey "$TEST_DIR/$1.key" \
			--template "$TEST_DIR/$1.tmpl" --outfile "$TEST_DIR/$1.pem"
}

# leaf_template NAME CN NOT_BEFORE NOT_AFTER: a TLS server template with CN as
# its one DNS name.
leaf_template() {
	cert_template "$TEST_DIR/$1.tmpl" "$2" "$3" "$4" tls_www_server signing_key \
		"dns_name = \"$2\""
}

# sign NAME CA [CERTTOOL ARGS...]: sign NAME's template and key with CA.
sign() {
	local name=$1 ca=$2
	shift 2
	run_certtool --generate-certificate --load-privkey "$TEST_DIR/$name.key" \
		--load-ca-certificate "$TEST_DIR/$ca.pem" --load-ca-privkey "$TEST_DIR/$ca.key" \
		--template "$TEST_DIR/$name.tmpl" --outfile "$TEST_DIR/$name.pem" "$@"
}

# openssl ARGS... quietly; what it said is shown only when it fails.
run_openssl() {
	local log=$TEST_DIR/openssl.log
	openssl "$@" >"$log" 2>&1 && return 0
	diag "openssl $* failed:"
	diag_file "$log"
	return 1
}

# md5_intermediate NAME CA: a CA certificate with an RSA 2048 key, CN
# "tlscheck NAME", signed by CA with RSA-MD5, valid for 300 days.
md5_intermediate() {
	local name=$1 ca=$2
	printf 'basicConstraints = critical, CA:true\nkeyUsage = critical, keyCertSign\n' \
		>"$TEST_DIR/$name.ext"
	rsa_key "$name" 2048 &&
		run_openssl req -new -key "$TEST_DIR/$name.key" -subj "/CN=tlscheck $name" \
			-out "$TEST_DIR/$name.csr" &&
		run_openssl x509 -req -in "$TEST_DIR/$name.csr" -CA "$TEST_DIR/$ca.pem" \
			-CAkey "$TEST_DIR/$ca.key" -set_serial 77 -md5 -days 300 \
			-extfile "$TEST_DIR/$name.ext" -out "$TEST_DIR/$name.pem"
}

# md5_root NAME: a self-signed root with an RSA 2048 key signed with RSA-MD5.
md5_root() {
	rsa_key "$1" 2048 &&
		run_openssl req -x509 -new -key "$TEST_DIR/$1.key" -subj "/CN=tlscheck $1" \
			-md5 -days 3650 -addext 'basicConstraints = critical, CA:true' \
			-addext 'keyUsage = critical, keyCertSign' -out "$TEST_DIR/$1.pem"
}

# forge NAME FROM: NAME.pem is FROM.pem with the last octet of its signature
# changed, NAME.key FROM's key.
forge() {
	"$PYTHON" - "$TEST_DIR/$2.pem" "$TEST_DIR/$1.pem" <<'EOF' && cp "$TEST_DIR/$2.key" "$TEST_DIR/$1.key"
import base64, sys
lines = open(sys.argv[1]).read().split('-----')[2].split()
der = bytearray(base64.b64decode(''.join(lines)))
der[-1] ^= 1
text = base64.encodebytes(bytes(der)).decode().replace('\n', '')
body = '\n'.join(text[i:i + 64] for i in range(0, len(text), 64))
open(sys.argv[2], 'w').write('-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' % body)
EOF
}

# Every not_after of a long-lived certificate is an hour short of a whole day,
# so the days left never round across a boundary while the test runs.
setup_certs() {
	rsa_ca rsaca &&
		make_ca ca &&
		rsa_key sha1 2048 &&
		leaf_template sha1 sha1.test '-1 day' '+200 days -1 hour' &&
		sign sha1 rsaca --hash=SHA1 &&
		rsa_key weak 1024 &&
		leaf_template weak weak.test '-1 day' '+200 days -1 hour' &&
		sign weak rsaca &&
		md5_intermediate md5int rsaca &&
		make_leaf md5leaf md5int md5leaf.test md5leaf.test '-1 day' '+200 days -1 hour' &&
		make_chain md5-chain md5leaf md5int &&
		md5_root md5root &&
		make_leaf rootleaf md5root rootleaf.test rootleaf.test '-1 day' '+200 days -1 hour' &&
		make_chain root-chain rootleaf md5root &&
		make_leaf good ca good.test good.test '-1 day' '+200 days -1 hour' &&
		forge forged good &&
		make_leaf short ca short.test short.test '-4 days' '+2 days -1 hour' &&
		make_intermediate shortint ca '-5 days' '+1 day -1 hour' &&
		make_leaf undershort shortint undershort.test undershort.test \
			'-1 day' '+200 days -1 hour' &&
		make_chain undershort-chain undershort shortint
}
setup_certs || bail_out 'cannot make the test certificates'

declare -A PORT
# serve NAME CERT KEY: gnutls-serv of CERT (a chain file) with KEY, reached as PORT[NAME].
serve() {
	start_gnutls_serv "$TEST_DIR/$2.pem" "$TEST_DIR/$3.key" --disable-client-cert ||
		bail_out "gnutls-serv for $1 did not start"
	PORT[$1]=$SERVER_PORT
}
serve sha1 sha1 sha1
serve weak weak weak
serve md5 md5-chain md5leaf
serve root root-chain rootleaf
serve forged forged forged
serve short short short
serve undershort undershort-chain undershort

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
PERF_200="\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL"

# The plugin, at the address every server listens on.
TLS=("$CHECK_TLS" -H 127.0.0.1)

# --- weak signatures and keys -------------------------------------------------

expect_check 'MD5-signed intermediate: CRITICAL, named, and the chain is still trusted' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:${PORT[md5]} tls: intermediate 'CN=tlscheck md5int' is signed with MD5, certificate 'CN=md5leaf\\.test' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by rsaca\\.pem, TLSv1\\.3 " \
	"$PERF_200" '!insecure' '@lines=1' \
	-- "${TLS[@]}" -p "${PORT[md5]}" -S md5leaf.test -C rsaca.pem

expect_check '--allow-sha1 does not silence MD5' 2 \
	"^TLS CRITICAL - .* tls: intermediate 'CN=tlscheck md5int' is signed with MD5, " \
	"$PERF_200" \
	-- "${TLS[@]}" -p "${PORT[md5]}" -S md5leaf.test -C rsaca.pem --allow-sha1 --allow-weak-rsa

expect_check 'SHA-1-signed leaf: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:${PORT[sha1]} tls: certificate 'CN=sha1\\.test' is signed with SHA-1, certificate 'CN=sha1\\.test' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by rsaca\\.pem, TLSv1\\.3 " \
	"$PERF_200" '@lines=1' \
	-- "${TLS[@]}" -p "${PORT[sha1]}" -S sha1.test -C rsaca.pem

expect_check '--allow-sha1 silences SHA-1' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:${PORT[sha1]} tls: certificate 'CN=sha1\\.test' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by rsaca\\.pem, TLSv1\\.3 " \
	'!SHA-1' "$PERF_200" \
	-- "${TLS[@]}" -p "${PORT[sha1]}" -S sha1.test -C rsaca.pem --allow-sha1

expect_check 'RSA-1024 leaf: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:${PORT[weak]} tls: certificate 'CN=weak\\.test' has a 1024-bit RSA key, certificate 'CN=weak\\.test' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by rsaca\\.pem, " \
	"$PERF_200" \
	-- "${TLS[@]}" -p "${PORT[weak]}" -S weak.test -C rsaca.pem

expect_check '--allow-weak-rsa silences the short RSA key' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:${PORT[weak]} tls: certificate 'CN=weak\\.test' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by rsaca\\.pem, " \
	'!RSA key' "$PERF_200" \
	-- "${TLS[@]}" -p "${PORT[weak]}" -S weak.test -C rsaca.pem --allow-weak-rsa

expect_check "a served self-signed root's own MD5 signature is not judged" 0 \
	"^TLS OK - 127\\.0\\.0\\.1:${PORT[root]} tls: certificate 'CN=rootleaf\\.test' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by md5root\\.pem, " \
	'!MD5' "$PERF_200" \
	-- "${TLS[@]}" -p "${PORT[root]}" -S rootleaf.test -C md5root.pem

expect_check 'a forged signature is still a bad signature' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:${PORT[forged]} tls: chain not trusted by ca\\.pem: bad signature, certificate 'CN=good\\.test' expires in 199d 2[23]h \\($DATE_RE\\), TLSv1\\.3 " \
	"$PERF_200" \
	-- "${TLS[@]}" -p "${PORT[forged]}" -S good.test -C ca.pem

# --- short-lived certificates ---------------------------------------------------

# A 6-day leaf (less an hour) with 47 hours left: 33% of its life, under -w 50%
# but not -c 20%; the thresholds in days are that life's 50% and 20%.
expect_check 'short-lived leaf: hours and minutes, % of its own life: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:${PORT[short]} tls: certificate 'CN=short\\.test' expires in 46h 5[0-9]m \\($DATE_RE\\), chain trusted by ca\\.pem, " \
	"\\| days_left=1\\.9[45];2\\.98:;1\\.19:;0; $PERF_TAIL" \
	-- "${TLS[@]}" -p "${PORT[short]}" -S short.test -C ca.pem -w 50% -c 20%

expect_check 'short-lived leaf under day thresholds: CRITICAL in hours' 2 \
	"^TLS CRITICAL - .* tls: certificate 'CN=short\\.test' expires in 46h 5[0-9]m " \
	"\\| days_left=1\\.9[45];14:;7:;0; $PERF_TAIL" \
	-- "${TLS[@]}" -p "${PORT[short]}" -S short.test -C ca.pem

# The same 6-day life on an intermediate with 23 hours left (16% of it) under a
# 200-day leaf: the intermediate alone is CRITICAL, judged against its own life.
expect_check 'short-lived intermediate: % of its own life: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:${PORT[undershort]} tls: intermediate 'CN=tlscheck shortint' expires in 22h 5[0-9]m \\($DATE_RE\\), chain trusted by ca\\.pem, TLSv1\\.3 " \
	'!undershort\.test' "\\| days_left=0\\.9[45];2\\.98:;1\\.19:;0; $PERF_TAIL" \
	-- "${TLS[@]}" -p "${PORT[undershort]}" -S undershort.test -C ca.pem -w 50% -c 20%

# --- -v and JSON: the facts of each element ---------------------------------------

expect_check '-vv: one line per element with key and signature, one per finding, the TLS parameters and step times, no ;' 1 \
	"^TLS WARNING - .* tls: certificate 'CN=sha1\\.test' is signed with SHA-1, " \
	"*^\\[0\\] leaf CN=sha1\\.test, issuer CN=tlscheck rsaca, serial [0-9a-f]+, valid $DATE_RE to $DATE_RE \\(199\\.9[0-9] days left\\), key RSA 2048, signature RSA-SHA1, sha256 [0-9a-f]{64}, SANs: sha1\\.test$" \
	"*^WARNING crypto: certificate 'CN=sha1\\.test' is signed with SHA-1$" \
	"*^OK expiry: certificate 'CN=sha1\\.test' expires in 199d 2[23]h \\($DATE_RE\\)$" \
	"*^OK trust: chain trusted by rsaca\\.pem$" \
	'*^TLS: TLSv1\.3, ' '*^timing: connect [0-9.]+s, TLS handshake [0-9.]+s, over TLS [0-9.]+s$' \
	'~^[^|]*;' '@lines=7' \
	-- "${TLS[@]}" -p "${PORT[sha1]}" -S sha1.test -C rsaca.pem -vv

expect_check '-v: a chain of two, the MD5 intermediate' 2 \
	"*^\\[0\\] leaf CN=md5leaf\\.test, issuer CN=tlscheck md5int, .* key EC P-256, signature RSA-SHA256, sha256 [0-9a-f]{64}, SANs: md5leaf\\.test$" \
	"*^\\[1\\] intermediate CN=tlscheck md5int, issuer CN=tlscheck rsaca, serial 4d, .* key RSA 2048, signature RSA-MD5, sha256 [0-9a-f]{64}$" \
	"*^CRITICAL crypto: intermediate 'CN=tlscheck md5int' is signed with MD5$" \
	'~^[^|]*;' '~^TLS: ' '@lines=6' \
	-- "${TLS[@]}" -p "${PORT[md5]}" -S md5leaf.test -C rsaca.pem -v

expect_check '--output=json with an MD5 intermediate: CRITICAL' 2 '"rule":"crypto"' \
	-- "${TLS[@]}" -p "${PORT[md5]}" -S md5leaf.test -C rsaca.pem --output=json
json_check '--output=json: key and signature of each element, the crypto finding' "
c = d['chain']
need([e['key'] for e in c] == ['EC P-256', 'RSA 2048'], 'keys %r' % c)
need([e['signature'] for e in c] == ['RSA-SHA256', 'RSA-MD5'], 'signatures %r' % c)
f = [x for x in d['findings'] if x['rule'] == 'crypto']
need(f == [{'state': 'CRITICAL', 'rule': 'crypto',
            'text': \"intermediate 'CN=tlscheck md5int' is signed with MD5\"}], 'findings %r' % f)
need(d['state'] == 'CRITICAL' and d['days_left'] > 199, 'state %r' % d)
"

finish
