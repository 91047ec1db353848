#!/bin/bash
# lmtp.sh — check_tls_smtp --lmtp against a real LMTP server (dovecot's lmtp on
# a TCP listener): LHLO and STARTTLS, a wrong name, and a dovecot without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/dovecot.bash
. "$(dirname "$0")/dovecot.bash" || exit 99

require_dovecot 'dovecot-lmtpd' lmtp
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_SMTP"
require_plugin "$CHECK_TLS"
lib_init

make_mail_certificates
start_dovecot tls "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" lmtp/lmtp ||
	bail_out 'dovecot (TLS) did not start'
P_LMTP=${DOVECOT_PORT[lmtp]}
start_dovecot plain '' '' lmtp/lmtp || bail_out 'dovecot (ssl = no) did not start'
P_PLAIN=${DOVECOT_PORT[lmtp]}

expect_mail_checks 'LHLO and STARTTLS' smtp "$P_LMTP" "$P_PLAIN" \
	'server does not offer STARTTLS' -- "$CHECK_TLS_SMTP" --lmtp

expect_check 'check_tls -P smtp --lmtp --ehlo NAME reaches the same dialogue' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_LMTP smtp: " \
	-- "$CHECK_TLS" -P smtp --lmtp -H 127.0.0.1 -p "$P_LMTP" -S mail.test -C ca.pem \
	--ehlo probe.tlscheck.test

# An LMTP server answers EHLO with an error: without --lmtp the check says so.
expect_check 'LMTP spoken to as SMTP: CRITICAL, EHLO refused' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_LMTP smtp: EHLO refused: 5[0-9][0-9] " \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_LMTP" -S mail.test -C ca.pem

finish
