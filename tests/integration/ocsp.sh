#!/bin/bash
# ocsp.sh — --ocsp against servers that staple OCSP responses made at test time
# by `openssl ocsp` (good, revoked, unknown, for another certificate, signed by a
# stranger), served by gnutls-serv (TLS 1.3) and openssl s_server (TLS 1.2).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server gnutls-serv command -v gnutls-serv
require_server openssl command -v openssl
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

# An index line for openssl ocsp: V (valid) or R (revoked at REVOKED, "date,reason").
# index_line STATUS CERT [REVOKED]
index_line() {
	local serial
	serial=$(openssl x509 -in "$TEST_DIR/$2.pem" -noout -serial) || return 1
	printf '%s\t301231000000Z\t%s\t%s\tunknown\t/CN=%s\n' "$1" "${3:-}" "${serial#serial=}" "$2"
}

# make_ocsp NAME INDEX CERT SIGNER: TEST_DIR/NAME.der, the answer of the responder
# of CA "ca" about CERT, as INDEX says, signed with SIGNER's key, valid 7 days.
make_ocsp() {
	local log=$TEST_DIR/ocsp.log
	openssl ocsp -index "$TEST_DIR/$2" -CA "$TEST_DIR/ca.pem" -issuer "$TEST_DIR/ca.pem" \
		-rsigner "$TEST_DIR/$4.pem" -rkey "$TEST_DIR/$4.key" \
		-cert "$TEST_DIR/$3.pem" -respout "$TEST_DIR/$1.der" -ndays 7 >"$log" 2>&1 && return 0
	diag "openssl ocsp for $1 failed:"
	diag_file "$log"
	return 1
}

# "2026-12-01 21:31 UTC": a date of response NAME as the plugin writes it.
# ocsp_date NAME 'This Update'|'Next Update'
ocsp_date() {
	local when
	when=$(openssl ocsp -respin "$TEST_DIR/$1.der" -resp_text -noverify 2>/dev/null |
		sed -n "s/^ *$2: //p" | head -n 1)
	TZ=UTC date -u -d "$when" '+%Y-%m-%d %H:%M UTC'
}

REVOKED_AT=$(TZ=UTC date -u -d '-2 days' '+%y%m%d100000Z')
REVOKED_TEXT=$(TZ=UTC date -u -d '-2 days' '+%Y-%m-%d 10:00 UTC')

setup() {
	make_ca ca &&
		make_ca stranger &&
		make_leaf ok ca ok.test ok.test '-1 day' '+200 days -1 hour' &&
		make_leaf other ca other.test other.test '-1 day' '+200 days -1 hour' &&
		index_line V ok >"$TEST_DIR/good.idx" &&
		index_line R ok "$REVOKED_AT,keyCompromise" >"$TEST_DIR/revoked.idx" &&
		index_line V other >"$TEST_DIR/other.idx" &&
		make_ocsp good good.idx ok ca &&
		make_ocsp revoked revoked.idx ok ca &&
		make_ocsp unknown other.idx ok ca &&
		make_ocsp for-other other.idx other ca &&
		make_ocsp forged good.idx ok stranger
}
setup || bail_out 'cannot make the test certificates and OCSP responses'

# gnutls-serv refuses to load a staple that does not say "good" about its
# certificate, unless told to ignore that.
declare -A PORT
serve() {
	local name=$1
	shift
	start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert "$@" ||
		bail_out "gnutls-serv for $name did not start"
	PORT[$name]=$SERVER_PORT
}
serve none
serve good --ocsp-response="$TEST_DIR/good.der"
for name in revoked unknown for-other forged; do
	serve "$name" --ocsp-response="$TEST_DIR/$name.der" --ignore-ocsp-response-errors
done
for name in good revoked; do
	start_openssl_server "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" -tls1_2 \
		-status_file "$TEST_DIR/$name.der" || bail_out "openssl s_server for $name did not start"
	PORT[ossl-$name]=$SERVER_PORT
done

PERF_OK="\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL"

# ocsp_check DESC EXIT PATTERNS... -- SERVER ARGS...: check_tls against SERVER as
# ok.test, trusting ca.pem.
ocsp_check() {
	local desc=$1 want=$2 patterns=() server
	shift 2
	while [ "$1" != -- ]; do
		patterns+=("$1")
		shift
	done
	server=$2
	shift 2
	expect_check "$desc" "$want" "${patterns[@]}" -- \
		"$CHECK_TLS" -H ok.test -I 127.0.0.1 -p "${PORT[$server]}" -C ca.pem "$@"
}

# --- a good staple ----------------------------------------------------------

ocsp_check 'good staple: OK, said briefly' 0 \
	"^TLS OK - ok\\.test:${PORT[good]} tls: certificate 'CN=ok\\.test' expires in 199d 2[23]h \\([^)]*\\), chain trusted by ca\\.pem, OCSP staple good, TLSv1\\.3 $PERF_OK" \
	'@lines=1' -- good
ocsp_check 'good staple, --ocsp=require: OK' 0 \
	"^TLS OK - .*, chain trusted by ca\\.pem, OCSP staple good, TLSv1\\.3 $PERF_OK" -- \
	good --ocsp=require
ocsp_check 'good staple over TLS 1.2 (openssl s_server): OK' 0 \
	"^TLS OK - .*, chain trusted by ca\\.pem, OCSP staple good, TLSv1\\.2 $PERF_OK" -- \
	ossl-good --ocsp=require

# --- what a staple says -------------------------------------------------------

REVOKED_FINDING="OCSP staple says certificate 'CN=ok\\.test' is revoked \\($REVOKED_TEXT, keyCompromise\\)"
ocsp_check 'revoked staple: CRITICAL, with date and reason' 2 \
	"^TLS CRITICAL - ok\\.test:${PORT[revoked]} tls: $REVOKED_FINDING, certificate 'CN=ok\\.test' expires in .*, chain trusted by ca\\.pem, TLSv1\\.3 $PERF_OK" \
	-- revoked
ocsp_check 'revoked staple over TLS 1.2 (openssl s_server): CRITICAL' 2 \
	"^TLS CRITICAL - ok\\.test:${PORT[ossl-revoked]} tls: $REVOKED_FINDING, .*TLSv1\\.2 $PERF_OK" \
	-- ossl-revoked
ocsp_check 'revoked staple, --ocsp=ignore: nothing judged' 0 \
	"^TLS OK - .*, chain trusted by ca\\.pem, TLSv1\\.3 $PERF_OK" '~OCSP' -- \
	revoked --ocsp=ignore
ocsp_check 'revoked staple in JSON: rule ocsp' 2 \
	"\"state\":\"CRITICAL\",\"rule\":\"ocsp\",\"text\":\"$REVOKED_FINDING\"" -- \
	revoked --output=json
ocsp_check 'status unknown: WARNING' 1 \
	"^TLS WARNING - ok\\.test:${PORT[unknown]} tls: OCSP staple says certificate 'CN=ok\\.test' is unknown to its responder, certificate .*, chain trusted by ca\\.pem, TLSv1\\.3 $PERF_OK" \
	-- unknown

# Judged 8 days on, the 7-day response is past its next update.
STALE_AT=@$(date -u -d '+8 days' +%s)
ocsp_check 'stale staple (--at after its next update): WARNING naming the dates' 1 \
	"^TLS WARNING - ok\\.test:${PORT[good]} tls: OCSP staple for certificate 'CN=ok\\.test' is stale \\(next update was due $(ocsp_date good 'Next Update'), this update $(ocsp_date good 'This Update')\\), certificate 'CN=ok\\.test' expires in 191d 2[23]h .*, chain trusted by ca\\.pem, TLSv1\\.3 \\| days_left=191\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- good --at="$STALE_AT"

# --- staples that cannot be used: the handshake completes, the check judges them

ocsp_check 'staple for another certificate: CRITICAL' 2 \
	"^TLS CRITICAL - ok\\.test:${PORT[for-other]} tls: OCSP staple is for another certificate, not 'CN=ok\\.test', certificate .*, chain trusted by ca\\.pem, TLSv1\\.3 $PERF_OK" \
	-- for-other
ocsp_check 'staple signed by a stranger: CRITICAL' 2 \
	"^TLS CRITICAL - ok\\.test:${PORT[forged]} tls: OCSP staple for certificate 'CN=ok\\.test' does not verify against issuer 'CN=tlscheck ca': signed by a responder the issuer did not certify, .*TLSv1\\.3 $PERF_OK" \
	-- forged

# --- no staple --------------------------------------------------------------

ocsp_check 'no staple, --ocsp=check: OK, no finding' 0 \
	"^TLS OK - ok\\.test:${PORT[none]} tls: certificate 'CN=ok\\.test' expires in 199d 2[23]h \\([^)]*\\), chain trusted by ca\\.pem, TLSv1\\.3 $PERF_OK" \
	'~OCSP' -- none
ocsp_check 'no staple, --ocsp=require: CRITICAL' 2 \
	"^TLS CRITICAL - ok\\.test:${PORT[none]} tls: server staples no OCSP response, certificate 'CN=ok\\.test' expires in .*, chain trusted by ca\\.pem, TLSv1\\.3 $PERF_OK" \
	-- none --ocsp=require

ocsp_check 'bad --ocsp value: UNKNOWN' 3 \
	"^check_tls: invalid --ocsp 'sometimes' \\(ignore, check or require\\)$" -- \
	none --ocsp=sometimes

finish
