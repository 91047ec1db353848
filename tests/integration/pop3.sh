#!/bin/bash
# pop3.sh — check_tls_pop3 against a real POP3 server (dovecot): CAPA and STLS on
# a 110-style listener, TLS at connect on a 995-style one, a wrong name, and a
# dovecot without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/dovecot.bash
. "$(dirname "$0")/dovecot.bash" || exit 99

CHECK_TLS_POP3=$TLSCHECK_BUILDDIR/plugins/check_tls_pop3

require_dovecot 'dovecot-pop3d' pop3-login
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_POP3"
require_plugin "$CHECK_TLS"
lib_init

make_mail_certificates
start_dovecot tls "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" pop3-login/pop3 pop3-login/pop3s/ssl ||
	bail_out 'dovecot (TLS) did not start'
P_POP3=${DOVECOT_PORT[pop3]}
P_POP3S=${DOVECOT_PORT[pop3s]}
start_dovecot plain '' '' pop3-login/pop3 || bail_out 'dovecot (ssl = no) did not start'
P_PLAIN=${DOVECOT_PORT[pop3]}

expect_mail_checks STLS pop3 "$P_POP3" "$P_PLAIN" 'server does not offer STLS' \
	-- "$CHECK_TLS_POP3"

expect_check 'check_tls -P pop3 reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_POP3 pop3: " \
	-- "$CHECK_TLS" -P pop3 -H 127.0.0.1 -p "$P_POP3" -S mail.test -C ca.pem

# 995-style: TLS at connect, then the greeting over TLS confirms POP3.
expect_check 'POP3S with --implicit-tls: OK, greeting read over TLS' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_POP3S pop3: certificate 'CN=mail\\.test' expires in 199d" \
	'chain trusted by ca\.pem' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_POP3" -H 127.0.0.1 -p "$P_POP3S" -S mail.test -C ca.pem --implicit-tls

expect_check 'STLS port spoken to with --implicit-tls: CRITICAL at once' 2 \
	'^TLS CRITICAL - ' "$PERF_FAILED" '@max-secs=5' \
	-- "$CHECK_TLS_POP3" -H 127.0.0.1 -p "$P_POP3" -S mail.test -C ca.pem --implicit-tls -t 10

finish
