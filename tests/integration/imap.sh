#!/bin/bash
# imap.sh — check_tls_imap against a real IMAP server (dovecot): STARTTLS on a
# 143-style listener, TLS at connect on a 993-style one, a wrong name, and a
# dovecot without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/dovecot.bash
. "$(dirname "$0")/dovecot.bash" || exit 99

CHECK_TLS_IMAP=$TLSCHECK_BUILDDIR/plugins/check_tls_imap

require_dovecot 'dovecot-imapd' imap-login
require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_plugin "$CHECK_TLS_IMAP"
require_plugin "$CHECK_TLS"
lib_init

make_mail_certificates
start_dovecot tls "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" imap-login/imap imap-login/imaps/ssl ||
	bail_out 'dovecot (TLS) did not start'
P_IMAP=${DOVECOT_PORT[imap]}
P_IMAPS=${DOVECOT_PORT[imaps]}
start_dovecot plain '' '' imap-login/imap || bail_out 'dovecot (ssl = no) did not start'
P_PLAIN=${DOVECOT_PORT[imap]}
# A TLS endpoint with no IMAP server behind it (a terminator whose backend is gone).
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_TLS_ONLY=$SERVER_PORT

expect_mail_checks STARTTLS imap "$P_IMAP" "$P_PLAIN" 'server does not offer STARTTLS' \
	-- "$CHECK_TLS_IMAP"

expect_check 'check_tls -P imap reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_IMAP imap: " \
	-- "$CHECK_TLS" -P imap -H 127.0.0.1 -p "$P_IMAP" -S mail.test -C ca.pem

# 993-style: TLS at connect, then the greeting over TLS confirms IMAP.
expect_check 'IMAPS with --implicit-tls: OK, greeting read over TLS' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_IMAPS imap: certificate 'CN=mail\\.test' expires in 199d" \
	'chain trusted by ca\.pem' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_IMAP" -H 127.0.0.1 -p "$P_IMAPS" -S mail.test -C ca.pem --implicit-tls

expect_check 'IMAPS without an IMAP server behind TLS: WARNING, chain still judged' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$P_TLS_ONLY imap: timeout waiting for the IMAP greeting over TLS" \
	"certificate 'CN=mail\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@max-secs=8' \
	-- "$CHECK_TLS_IMAP" -H 127.0.0.1 -p "$P_TLS_ONLY" -S mail.test -C ca.pem --implicit-tls -t 20

expect_check 'IMAPS port spoken to as STARTTLS, -t 2: CRITICAL timeout, with the hint' 2 \
	'^TLS CRITICAL - .*timeout waiting for the IMAP greeting \(nothing received: if this port speaks TLS at connect, use --implicit-tls\)' \
	"$PERF_FAILED" '@max-secs=5' \
	-- "$CHECK_TLS_IMAP" -H 127.0.0.1 -p "$P_IMAPS" -S mail.test -C ca.pem -t 2

finish
