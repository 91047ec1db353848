#!/bin/bash
# ldap.sh — check_tls_ldap against private OpenLDAP servers (slapd): StartTLS,
# LDAPS with --implicit-tls (its "Who am I?" answered) and on 3269 by the port
# alone, an expiring certificate, a wrong name, a slapd without TLS that refuses
# StartTLS, and a TLS endpoint with no LDAP server behind it (gnutls-serv).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/ldap.bash
. "$(dirname "$0")/ldap.bash" || exit 99

CHECK_TLS_LDAP=$TLSCHECK_BUILDDIR/plugins/check_tls_ldap

require_slapd
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_LDAP"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca ldap.test ldap.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca ldap.test ldap.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_slapd ok "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" || bail_out 'slapd (TLS) did not start'
P_OK=$LDAP_PORT
P_LDAPS=$LDAPS_PORT
GC=$GC_ADDRESS
start_slapd warn "$TEST_DIR/warn.pem" "$TEST_DIR/warn.key" ||
	bail_out 'slapd (TLS, 10 days) did not start'
P_WARN=$LDAP_PORT
start_slapd plain || bail_out 'slapd (no TLS) did not start'
P_PLAIN=$LDAP_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'

expect_check 'StartTLS, fine certificate: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_OK ldap: certificate 'CN=ldap\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_OK" -S ldap.test -C ca.pem

expect_check 'check_tls -P ldap reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_OK ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "$CHECK_TLS" -P ldap -H 127.0.0.1 -p "$P_OK" -S ldap.test -C ca.pem

expect_check 'StartTLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$P_WARN ldap: certificate 'CN=ldap\\.test' expires in 9d 2[23]h" \
	'chain trusted by ca\.pem' \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_WARN" -S ldap.test -C ca.pem

expect_check 'StartTLS, --output=days' 0 '^9\.9[0-9]$' '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_WARN" -S ldap.test -C ca.pem --output=days

expect_check 'StartTLS, wrong name: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_OK ldap: certificate 'CN=ldap\\.test' does not match 'other\\.test' \\(SANs: ldap\\.test\\)" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_OK" -S other.test -C ca.pem

expect_check 'no TLS configured: StartTLS refused, CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_PLAIN ldap: server refused StartTLS: resultCode 2 \\(protocolError\\): 'unsupported extended operation', StartTLS not supported" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_PLAIN" -S ldap.test -C ca.pem

expect_check 'no TLS configured, --output=days: the sentinel' 0 '^-65535$' '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_PLAIN" --output=days

expect_check 'LDAPS with --implicit-tls: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_LDAPS ldap: certificate 'CN=ldap\\.test' expires in 199d 2[23]h" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_LDAPS" -S ldap.test -C ca.pem --implicit-tls

expect_check 'LDAPS port spoken to with StartTLS: CRITICAL, hints --implicit-tls' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_LDAPS ldap: server closed the connection while we waited for the response to StartTLS \\(nothing received: if this port speaks TLS at connect, use --implicit-tls\\)" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$P_LDAPS" -S ldap.test -C ca.pem

# A TLS endpoint whose backend is not an LDAP server (gnutls-serv, silent after
# the handshake): no answer to "Who am I?" within 3 s.
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
expect_check 'LDAPS endpoint without an LDAP server behind it: WARNING, and the certificate' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$SERVER_PORT ldap: timeout waiting for the response to Who am I\\?, certificate 'CN=ldap\\.test' expires in 199d" \
	'@lines=1' -- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$SERVER_PORT" -S ldap.test -C ca.pem --implicit-tls
expect_check '--no-whoami: nothing asked behind TLS, OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$SERVER_PORT ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	'@lines=1' -- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$SERVER_PORT" -S ldap.test -C ca.pem \
	--implicit-tls --no-whoami
expect_check '--no-service-check: nothing asked behind TLS, OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$SERVER_PORT ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	'@lines=1' -- "$CHECK_TLS_LDAP" -H 127.0.0.1 -p "$SERVER_PORT" -S ldap.test -C ca.pem \
	--implicit-tls --no-service-check
expect_check 'check_tls -P ldap --no-service-check: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$SERVER_PORT ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	'@lines=1' -- "$CHECK_TLS" -P ldap -H 127.0.0.1 -p "$SERVER_PORT" -S ldap.test -C ca.pem \
	--implicit-tls --no-service-check

# 3269 is an implicit-TLS port of the protocol's profile: no --implicit-tls needed.
expect_check 'global catalog port 3269: TLS at connect by the port alone' 0 \
	"^TLS OK - ${GC//./\\.}:3269 ldap: certificate 'CN=ldap\\.test' expires in 199d 2[23]h" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_LDAP" -H "$GC" -p 3269 -S ldap.test -C ca.pem

expect_check 'check_tls -P ldap on 3269: TLS at connect' 0 \
	"^TLS OK - ldap\\.test:3269 ldap: certificate 'CN=ldap\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "$CHECK_TLS" -P ldap -H ldap.test -I "$GC" -p 3269 -C ca.pem

finish
