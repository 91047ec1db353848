#!/bin/bash
# mtls.sh — check_tls with a client certificate (mutual TLS) against servers
# that require one: gnutls-serv --require-client-cert and OpenSSL's s_server
# -Verify, each forced to TLS 1.2 and to TLS 1.3. The server's verdict on ours,
# our certificate's own expiry and usage, and the files it comes in; a TLS 1.2
# s_server with static RSA key exchange, whose chain only a completed handshake
# proves its own.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server gnutls-serv command -v gnutls-serv
require_server openssl command -v openssl
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

# Every not_after is an hour short of a whole day, so the days left never round
# across a boundary while the test runs.
setup_certs() {
	make_ca ca &&
		make_ca client-ca &&
		make_ca other-ca &&
		make_leaf ok ca localhost '-1 day' '+200 days -1 hour' &&
		make_leaf expired ca localhost '-30 days' '-3 days -1 hour' &&
		make_rsa_leaf rsa ca localhost '-1 day' '+200 days -1 hour' &&
		make_client mon client-ca monitor '-1 day' '+300 days -1 hour' &&
		make_client mon-expired client-ca monitor '-30 days' '-2 days -1 hour' &&
		make_client mon-soon client-ca monitor '-30 days' '+5 days -1 hour' &&
		make_client mon-stranger other-ca monitor '-1 day' '+300 days -1 hour' &&
		make_client mon-server client-ca monitor '-1 day' '+300 days -1 hour' tls_www_server &&
		run_certtool --to-p8 --load-privkey "$TEST_DIR/mon.key" --password secret \
			--outfile "$TEST_DIR/mon-enc.key" &&
		chmod 0600 "$TEST_DIR/mon-enc.key" &&
		printf 'secret\n' >"$TEST_DIR/password" &&
		printf 'wrong\n' >"$TEST_DIR/wrong-password" &&
		run_certtool --to-p12 --load-certificate "$TEST_DIR/mon.pem" \
			--load-privkey "$TEST_DIR/mon.key" --password secret --p12-name monitor \
			--outder --outfile "$TEST_DIR/mon.p12" &&
		openssl pkcs12 -export -in "$TEST_DIR/mon.pem" -inkey "$TEST_DIR/mon.key" \
			-passout pass:secret -out "$TEST_DIR/mon-openssl.p12" 2>/dev/null &&
		chmod 0600 "$TEST_DIR/mon.p12" "$TEST_DIR/mon-openssl.p12" &&
		cp "$TEST_DIR/mon.key" "$TEST_DIR/mon-world.key" &&
		chmod 0644 "$TEST_DIR/mon-world.key"
}
setup_certs || bail_out 'cannot make the test certificates'

declare -A PORT
TLS12=(--priority NORMAL:-VERS-TLS1.3)
TLS13=(--priority NORMAL:-VERS-ALL:+VERS-TLS1.3)
# gnutls-serv verifies what it gets against the client CA and refuses what
# does not verify.
serve_gnutls() {
	local name=$1 cert=$2
	shift 2
	start_gnutls_serv "$TEST_DIR/$cert.pem" "$TEST_DIR/$cert.key" --require-client-cert \
		--verify-client-cert --x509cafile="$TEST_DIR/client-ca.pem" "$@" ||
		bail_out "gnutls-serv for $name did not start"
	PORT[$name]=$SERVER_PORT
}
# s_server -Verify goes on after a failed verification unless told not to.
serve_openssl() {
	local name=$1 cert=$2
	shift 2
	start_openssl_server "$TEST_DIR/$cert.pem" "$TEST_DIR/$cert.key" -Verify 1 \
		-verify_return_error -CAfile "$TEST_DIR/client-ca.pem" "$@" ||
		bail_out "openssl s_server for $name did not start"
	PORT[$name]=$SERVER_PORT
}
serve_gnutls gnutls12 ok "${TLS12[@]}"
serve_gnutls gnutls13 ok "${TLS13[@]}"
serve_openssl openssl12 ok -tls1_2
serve_openssl openssl13 ok -tls1_3
serve_gnutls expired12 expired "${TLS12[@]}"
# TLS 1.2 with static RSA key exchange: nothing before the server's Finished
# proves it holds the key; and the same server with ECDHE, whose signed
# ServerKeyExchange does.
serve_openssl rsa-kx rsa -tls1_2 -cipher AES128-GCM-SHA256
serve_openssl ecdhe-kx rsa -tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256
serve_gnutls expired13 expired "${TLS13[@]}"

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
PERF_OK="\\| days_left=199\\.9[0-9];14:;7:;0; client_days_left=299\\.9[0-9];14:;7:;0; $PERF_TAIL"

# The key derivation of an encrypted key or a PKCS#12 file is read under -t;
# under valgrind it alone takes up to half a minute. A -t of the case's own
# comes later and wins.
SLOW_TIMEOUT=()
[ ${#VALGRIND[@]} -eq 0 ] || SLOW_TIMEOUT=(-t 100)

# check DESC EXIT PATTERNS... -- NAME ARGS...: expect_check on server NAME.
check() {
	local args=("$@") i=2
	while [ "${args[i]}" != -- ]; do
		i=$((i + 1))
	done
	expect_check "${args[@]:0:i+1}" "$CHECK_TLS" -H localhost -I 127.0.0.1 \
		-p "${PORT[${args[i + 1]}]}" -C ca.pem "${SLOW_TIMEOUT[@]}" "${args[@]:i+2}"
}

# Our certificate and key, as a pair of PEM files.
client() {
	printf '%s\n' --client-cert "$1.pem" --client-key "$1.key"
}

# --- the server's verdict, on each server and version -------------------------

for server in gnutls openssl; do
	for version in 12 13; do
		name=$server$version
		if [ "$version" = 12 ]; then
			accepted="server accepted our client certificate 'CN=monitor', TLSv1\\.2"
		else
			accepted="server did not reject our client certificate within 0\\.5s, TLSv1\\.3"
		fi
		mapfile -t args < <(client mon)
		check "$name: our certificate accepted: OK with the note" 0 \
			"^TLS OK - localhost:${PORT[$name]} tls: certificate 'CN=localhost' expires in 199d" \
			"$accepted" '!accepted.*within|rejected' "$PERF_OK" '@lines=1' \
			-- "$name" "${args[@]}"

		mapfile -t args < <(client mon-expired)
		check "$name: our certificate expired: CRITICAL, the alert named" 2 \
			"^TLS CRITICAL - localhost:${PORT[$name]} tls: server rejected our client certificate 'CN=monitor': alert '[^']+'" \
			"client certificate 'CN=monitor' expired 2d 1h ago \\($DATE_RE\\)" \
			'!handshake failed' \
			"\\| days_left=199\\.9[0-9];14:;7:;0; client_days_left=-2\\.0[0-9];14:;7:;0; $PERF_TAIL" \
			-- "$name" "${args[@]}"

		mapfile -t args < <(client mon-stranger)
		check "$name: our certificate from another CA: CRITICAL, the alert named" 2 \
			"^TLS CRITICAL - localhost:${PORT[$name]} tls: server rejected our client certificate 'CN=monitor': alert '[^']+'" \
			'!handshake failed' "$PERF_OK" \
			-- "$name" "${args[@]}"

		mapfile -t args < <(client mon-soon)
		check "$name: our certificate 5 days from expiry: WARNING naming it" 1 \
			"^TLS WARNING - localhost:${PORT[$name]} tls: client certificate 'CN=monitor' expires in 4d 2[23]h \\($DATE_RE\\)" \
			'!rejected' \
			"\\| days_left=199\\.9[0-9];14:;3:;0; client_days_left=4\\.9[0-9];14:;3:;0; $PERF_TAIL" \
			-- "$name" -c 3d "${args[@]}"
	done
done

# OpenSSL names its refusals: an expired certificate, an unknown CA.
mapfile -t args < <(client mon-expired)
check 'openssl13: the alert is certificate_expired' 2 \
	"alert 'Certificate is expired'" -- openssl13 "${args[@]}"
mapfile -t args < <(client mon-stranger)
check 'openssl12: the alert is unknown_ca' 2 \
	"alert 'CA is unknown'" -- openssl12 "${args[@]}"

# --- our certificate and its files ---------------------------------------------

mapfile -t args < <(client mon-server)
check 'without the clientAuth extended key usage: WARNING' 1 \
	"^TLS WARNING - .* tls: client certificate 'CN=monitor' lacks the clientAuth extended key usage: servers will refuse it" \
	"$PERF_OK" -- gnutls12 "${args[@]}"

check 'encrypted key with its password file: OK' 0 \
	"^TLS OK - .*server accepted our client certificate 'CN=monitor'" "$PERF_OK" \
	-- gnutls12 --client-cert mon.pem --client-key mon-enc.key \
	--client-key-password-file password

check 'encrypted key without a password file: UNKNOWN, one line' 3 \
	"^check_tls: client key 'mon-enc\\.key' is encrypted: name its password with --client-key-password-file$" \
	'@lines=1' -- gnutls12 --client-cert mon.pem --client-key mon-enc.key

check 'encrypted key, wrong password: UNKNOWN' 3 \
	"^check_tls: cannot decrypt client key 'mon-enc\\.key' with the password in 'wrong-password' \\(wrong password\\?\\)$" \
	'@lines=1' -- gnutls12 --client-cert mon.pem --client-key mon-enc.key \
	--client-key-password-file wrong-password

check 'PKCS#12 from certtool: OK' 0 \
	"^TLS OK - .*server did not reject our client certificate within 0\\.5s" "$PERF_OK" \
	-- gnutls13 --client-p12 mon.p12 --client-key-password-file password

check 'PKCS#12 from openssl pkcs12 -export: OK' 0 \
	"^TLS OK - .*server accepted our client certificate 'CN=monitor'" "$PERF_OK" \
	-- openssl12 --client-p12 mon-openssl.p12 --client-key-password-file password

check 'PKCS#12 without its password: UNKNOWN' 3 \
	"^check_tls: PKCS#12 file 'mon\\.p12' is protected by a password: name it with --client-key-password-file$" \
	-- gnutls13 --client-p12 mon.p12

# Nothing listens on the port: a check that went on to connect would say so.
PORT[nothing]=$(free_port)
check 'key and certificate that do not match: UNKNOWN before connecting' 3 \
	"^check_tls: client key 'ok\\.key' does not match client certificate 'CN=monitor' \\(mon\\.pem\\)$" \
	'@lines=1' -- nothing --client-cert mon.pem --client-key ok.key

check 'an unreadable key: UNKNOWN before connecting' 3 \
	"^check_tls: cannot read client key 'missing\\.key': No such file or directory$" \
	-- nothing --client-cert mon.pem --client-key missing.key

check 'key file readable by every user: WARNING' 1 \
	"^TLS WARNING - .* tls: client key file 'mon-world\\.key' is readable by every user" \
	"$PERF_OK" -- gnutls13 --client-cert mon.pem --client-key mon-world.key

# --- the served chain still comes first ---------------------------------------

for version in 12 13; do
	check "TLS 1.$version: server certificate expired, client certificate required, none given: CRITICAL expired" 2 \
		"^TLS CRITICAL - .* tls: certificate 'CN=localhost' expired 3d 1h ago" \
		'*^OK client-cert: server requires a client certificate \(none given' '!handshake failed' \
		"\\| days_left=-3\\.0[0-9];14:;7:;0; $PERF_TAIL" \
		-- "expired$version"
done

# --- a chain the server proved its own, or did not ----------------------------

UNPROVEN="server asked for a client certificate before proving it holds the key \\(static RSA key exchange\\): its chain is reported but not proven to be the server's \\(give --client-cert to complete the handshake\\)"
check 'TLS 1.2 static RSA key exchange, none given: WARNING, the chain not proven' 1 \
	"^TLS WARNING - localhost:${PORT[rsa-kx]} tls: $UNPROVEN, certificate 'CN=localhost' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by ca\\.pem \\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	'*^OK client-cert: server requires a client certificate \(none given\)$' '@lines=2' -- rsa-kx
mapfile -t args < <(client mon)
check 'TLS 1.2 static RSA key exchange, ours accepted: OK, the handshake proves the chain' 0 \
	"^TLS OK - localhost:${PORT[rsa-kx]} tls: certificate 'CN=localhost' expires in 199d 2[23]h .*server accepted our client certificate 'CN=monitor', TLSv1\\.2 " \
	'!proving' "$PERF_OK" -- rsa-kx "${args[@]}"
check 'TLS 1.2 ECDHE key exchange, none given: OK, the signed key exchange proves the chain' 0 \
	"^TLS OK - localhost:${PORT[ecdhe-kx]} tls: certificate 'CN=localhost' expires in 199d 2[23]h \\($DATE_RE\\), chain trusted by ca\\.pem \\| " \
	'*^OK client-cert: server requires a client certificate \(none given\)$' '!proving' -- ecdhe-kx

run_check "$CHECK_TLS" -H localhost -I 127.0.0.1 -p "${PORT[rsa-kx]}" -C ca.pem --output=json
json_check 'JSON: the unproven chain is a key-proof WARNING' '
found = [f for f in d["findings"] if f["rule"] == "key-proof"]
need(found and found[0]["state"] == "WARNING", "no key-proof WARNING: %s" % d["findings"])
need(d["state"] == "WARNING", "state %s" % d["state"])
'

run_check "$CHECK_TLS" -H localhost -I 127.0.0.1 -p "${PORT[gnutls13]}" -C ca.pem \
	--client-cert mon-soon.pem --client-key mon-soon.key --output=json
json_check 'JSON: the client rules by id, client_days_left' '
rules = [f["rule"] for f in d["findings"]]
need("client-expiry" in rules, "no client-expiry finding: %s" % rules)
need("client-cert" in rules, "no client-cert finding: %s" % rules)
need(4.9 < d["client_days_left"] < 5, "client_days_left %s" % d.get("client_days_left"))
'

finish
