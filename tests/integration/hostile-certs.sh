#!/bin/bash
# hostile-certs.sh — servers whose certificates are built to hurt: a chain of 50
# certificates (OpenSSL's s_server sends them all; gnutls-serv stops at 16), one
# longer than the bound, validity times that RFC 5280 does not allow, a leaf
# with 5,000 names, a subject that is not UTF-8 and one that looks like a
# status line. Each ends in the documented state, in one line, within -t 3,
# with nothing on stderr and whole perfdata.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'openssl (openssl)' command -v openssl
require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

# The bound of the chain judged, as doc/options.man documents it.
CHAIN_MAX=64

# Every certificate of these chains shares one key: thousands of signatures
# would cost seconds, and nothing here is about keys.
make_key key || bail_out 'cannot make a key'

# mint NAME CA CN NOT_BEFORE NOT_AFTER LINES...: TEST_DIR/NAME.pem signed by
# CA (the key is shared); CA "" makes it self-signed.
mint() {
	local name=$1 ca=$2 cn=$3 nb=$4 na=$5
	shift 5
	cert_template "$TEST_DIR/$name.tmpl" "$cn" "$nb" "$na" "$@" || return 1
	if [ -z "$ca" ]; then
		run_certtool --generate-self-signed --load-privkey "$TEST_DIR/key.key" \
			--template "$TEST_DIR/$name.tmpl" --outfile "$TEST_DIR/$name.pem"
		return
	fi
	run_certtool --generate-certificate --load-privkey "$TEST_DIR/key.key" \
		--load-ca-certificate "$TEST_DIR/$ca.pem" --load-ca-privkey "$TEST_DIR/key.key" \
		--template "$TEST_DIR/$name.tmpl" --outfile "$TEST_DIR/$name.pem"
}

# long_chain NAME COUNT EXPIRED: TEST_DIR/NAME-leaf.pem and NAME-chain.pem, COUNT
# certificates served in all (leaf first), under the root "root"; the element at
# index EXPIRED (0 is the leaf) expired two days ago.
long_chain() {
	local name=$1 count=$2 expired=$3 i ca=root nb na
	for ((i = count - 1; i >= 1; i--)); do
		nb='-1 day' na='+3000 days'
		[ "$i" -ne "$expired" ] || nb='-20 days' na='-2 days'
		mint "$name-$i" "$ca" "tlscheck $name $i" "$nb" "$na" \
			ca cert_signing_key || return 1
		ca=$name-$i
	done
	mint "$name-leaf" "$ca" leaf.test '-1 day' '+200 days' 'dns_name = "leaf.test"' \
		tls_www_server signing_key || return 1
	for ((i = 1; i < count; i++)); do
		cat "$TEST_DIR/$name-$i.pem"
	done >"$TEST_DIR/$name-chain.pem"
}

# serve NAME-leaf NAME-chain: openssl s_server with that chain; sets SERVER_PORT.
serve() {
	local args=()
	[ -z "${2:-}" ] || args=(-cert_chain "$TEST_DIR/$2.pem")
	start_openssl_server "$TEST_DIR/$1.pem" "$TEST_DIR/key.key" "${args[@]}"
}

mint root '' 'tlscheck root' '-1 day' '+3650 days' ca cert_signing_key ||
	bail_out 'cannot make the root'

# check DESC EXIT PORT PATTERNS... -- ARGS...: check_tls -t 3 against PORT, one
# line within 3.5 s unless the check says otherwise.
check() {
	local desc=$1 want=$2 check_port=$3
	shift 3
	expect_check --command=at_check_port --always=@lines=1 --default=@max-secs=3.5 \
		"$desc" "$want" "$@"
}

# at_check_port ARGS...: the command of check, against the PORT it was given.
at_check_port() {
	CMD=("$CHECK_TLS" -H 127.0.0.1 -p "$check_port" -t 3 "$@")
}

# --- 50 certificates: every one judged ----------------------------------------

long_chain fifty 50 19 || bail_out 'cannot make the chain of 50'
serve fifty-leaf fifty-chain || bail_out 'openssl s_server did not start'
check 'chain of 50, element 19 expired: CRITICAL, names it' 2 "$SERVER_PORT" \
	"^TLS CRITICAL - .*intermediate 'CN=tlscheck fifty 19' expired" "$PERF_TAIL" \
	-- -N leaf.test --no-verify-trust
check 'chain of 50 with its root: trusted, no served element blamed' 2 "$SERVER_PORT" \
	"^TLS CRITICAL - .*intermediate 'CN=tlscheck fifty 19' expired.*, chain trusted by root\\.pem" \
	'~unknown' "$PERF_TAIL" \
	-- -N leaf.test -C root.pem

# --- more than the bound: cut, and said -----------------------------------------

long_chain long $((CHAIN_MAX + 6)) $((CHAIN_MAX + 2)) || bail_out 'cannot make the long chain'
serve long-leaf long-chain || bail_out 'openssl s_server did not start'
check "chain of $((CHAIN_MAX + 6)) with its root: not trusted, because it was cut" 2 \
	"$SERVER_PORT" \
	"^TLS CRITICAL - .*chain not trusted by root\\.pem: served chain longer than $CHAIN_MAX certificates" \
	"$PERF_TAIL" \
	-- -N leaf.test -C root.pem

check "chain of $((CHAIN_MAX + 6)), trust not judged: WARNING, the cut said" 1 "$SERVER_PORT" \
	"^TLS WARNING - .*served chain longer than $CHAIN_MAX certificates, the rest not judged" \
	"$PERF_TAIL" \
	-- -N leaf.test --no-verify-trust

# --- times GnuTLS reads and OpenSSL refuses --------------------------------------

# certtool writes no such time: retime.py writes it into a certtool leaf and
# signs the leaf again with the root's key, so that only the time is wrong.
mint timed root leaf.test '-1 day' '+200 days' 'dns_name = "leaf.test"' tls_www_server \
	signing_key || bail_out 'cannot make the leaf to retime'
# retime NAME NOT_BEFORE NOT_AFTER [SOURCE]: TEST_DIR/NAME.pem, SOURCE (timed)
# with those times, signed with the one key.
retime() {
	"$PYTHON" "$TLSCHECK_SRCDIR/tests/integration/retime.py" "$TEST_DIR/${4:-timed}.pem" \
		"$TEST_DIR/key.key" "$TEST_DIR/$1.pem" "$2" "$3"
}
{ retime valid-time - UTC:491231235959Z && serve valid-time; } ||
	bail_out 'cannot serve the retimed leaf'
check 'a leaf retimed to a valid notAfter: OK, trusted, no time named' 0 "$SERVER_PORT" \
	"^TLS OK - .*'CN=leaf\\.test' expires in .*\\(2049-12-31 23:59 UTC\\), chain trusted by root\\.pem" \
	'!not a valid time' "$PERF_TAIL" \
	-- -N leaf.test -C root.pem
# OpenSSL judges the anchor's times too, served or not.
retime bad-root - UTC:390230000000Z root || bail_out 'cannot retime the root'
check 'the anchor in use, not served, notAfter 390230000000Z: CRITICAL, named' 2 \
	"$SERVER_PORT" \
	"^TLS CRITICAL - [^|]*: root 'CN=tlscheck root' notAfter '390230000000Z' is not a valid time \\(30 February\\): OpenSSL-based clients refuse it" \
	"$PERF_TAIL" -- -N leaf.test -C bad-root.pem
for bad in 'notAfter UTC:270230000000Z 30 February' 'notAfter UTC:271231235960Z second 60' \
	'notAfter UTC:3001010000Z no seconds' 'notBefore GEN:202601010000Z no seconds'; do
	read -r field time why <<<"$bad"
	if [ "$field" = notBefore ]; then
		{ retime bad-time "$time" - && serve bad-time; } || bail_out "cannot serve $time"
	else
		{ retime bad-time - "$time" && serve bad-time; } || bail_out "cannot serve $time"
	fi
	text=${time#*:}
	check "$field ${text} ($why): CRITICAL, the element, field and time named" 2 \
		"$SERVER_PORT" \
		"^TLS CRITICAL - [^|]*: certificate 'CN=leaf\\.test' $field '${text//./\\.}' is not a valid time \\($why\\): OpenSSL-based clients refuse it" \
		"$PERF_TAIL" -- -N leaf.test -C root.pem
done

# GnuTLS gives dates before 1970 as the epoch; the certificate's own are told.
# certtool writes 1949 as UTCTime "49...", which reads 2049: retime.py writes
# it as RFC 5280 does, a GeneralizedTime.
{ retime old-time GEN:19490301100000Z UTC:500601120000Z && serve old-time; } ||
	bail_out 'cannot serve the leaf of 1949'
check 'a leaf of 1949 to 1950: CRITICAL, expired on its own date, counted from it' 2 \
	"$SERVER_PORT" \
	"^TLS CRITICAL - [^|]*certificate 'CN=leaf\\.test' expired 27[0-9]{3}d [0-9]+h ago \\(1950-06-01 12:00 UTC\\)" \
	'!1970-01-01' "$PERF_TAIL" -- -N leaf.test -C root.pem
expect_check 'a leaf of 1949 to 1950, -v: valid from 1949' 2 \
	'*valid 1949-03-01 10:00 UTC to 1950-06-01 12:00 UTC \(-[0-9]+\.[0-9]+ days left\)' '~1970-01-01' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$SERVER_PORT" -t 3 -N leaf.test -C root.pem -v
json_out=$(cd "$TEST_DIR" && "$CHECK_TLS" -H 127.0.0.1 -p "$SERVER_PORT" -t 3 -N leaf.test \
	-C root.pem --output=json)
if grep -q '"not_before":"1949-03-01T10:00:00Z","not_after":"1950-06-01T12:00:00Z"' \
	<<<"$json_out"; then
	ok 'a leaf of 1949 to 1950, JSON: both dates'
else
	not_ok 'a leaf of 1949 to 1950, JSON: both dates'
	diag "$json_out"
fi

# --- names and subjects ----------------------------------------------------------

# certtool keeps 128 names of a template; OpenSSL signs any number.
{
	printf 'subjectAltName = DNS:leaf.test'
	for i in $(seq 1 4999); do
		printf ',DNS:n%d.x' "$i"
	done
	printf '\nextendedKeyUsage = serverAuth\n'
} >"$TEST_DIR/many.ext"
openssl req -new -key "$TEST_DIR/key.key" -subj /CN=leaf.test -out "$TEST_DIR/many.csr" \
	2>/dev/null &&
	openssl x509 -req -in "$TEST_DIR/many.csr" -CA "$TEST_DIR/root.pem" \
		-CAkey "$TEST_DIR/key.key" -CAcreateserial -days 200 -extfile "$TEST_DIR/many.ext" \
		-out "$TEST_DIR/many.pem" 2>/dev/null &&
	[ "$(openssl x509 -in "$TEST_DIR/many.pem" -noout -ext subjectAltName | grep -o 'DNS:' |
		wc -l)" -eq 5000 ] ||
	bail_out 'cannot make the leaf with 5000 names'
serve many || bail_out 'openssl s_server did not start'
# GnuTLS grows its array of names by one element per realloc(): glibc does that
# in place, AddressSanitizer copies every time, and 5,000 names cost seconds of
# copying per import. A sanitizer build is judged by its own bound (CHECK_LIMIT).
many_secs=3.5
! ldd "$CHECK_TLS" 2>/dev/null | grep -q libasan || many_secs=$CHECK_LIMIT
check 'leaf with 5,000 names, the last one asked: matched, judged like any other' 0 \
	"$SERVER_PORT" "^TLS OK - .*'CN=leaf\\.test' expires in (199|200)d" "$PERF_TAIL" \
	"@max-secs=$many_secs" -- -N n4999.x -C root.pem
check 'leaf with 5,000 names, none of them asked: CRITICAL mismatch' 2 "$SERVER_PORT" \
	"^TLS CRITICAL - .*'CN=leaf\\.test' does not match 'other\\.test'" "$PERF_TAIL" \
	"@max-secs=$many_secs" \
	-- -N other.test -C root.pem

# A TeletexString holding bytes that are not UTF-8 (0xe9 0xff).
printf '[req]\ndistinguished_name = dn\nstring_mask = nombstr\n[dn]\n' >"$TEST_DIR/req.cnf"
openssl req -new -x509 -config "$TEST_DIR/req.cnf" -key "$TEST_DIR/key.key" -days 30 \
	-subj "/CN=caf$(printf '\351\377').test" -out "$TEST_DIR/latin.pem" 2>/dev/null ||
	bail_out 'cannot make the non-UTF-8 subject'
serve latin || bail_out 'openssl s_server did not start'
check 'subject that is not UTF-8: judged, the bytes not echoed' 0 "$SERVER_PORT" \
	"^TLS OK - .*expires in (29|30)d" "$PERF_TAIL" '~[^ -~]' \
	-- --no-verify-name --no-verify-trust -w 10d -c 5d

mint status root 'x) | days_left=999;14;7;0; time=0s;;;0;' '-1 day' '+200 days' \
	'dns_name = "leaf.test"' tls_www_server signing_key ||
	bail_out 'cannot make the status-line subject'
serve status || bail_out 'openssl s_server did not start'
check 'subject built like a status line: one verdict, one perfdata' 0 "$SERVER_PORT" \
	'^TLS OK - [^|;]*\| days_left=[0-9]+\.[0-9]+;14:;7:;0; time=[0-9.]+s;;;0;$' \
	-- -N leaf.test -C root.pem

finish
