#!/bin/bash
# sieve.sh — check_tls -P sieve against a real ManageSieve server (dovecot's
# Pigeonhole): STARTTLS after the capability list, a wrong name, and a dovecot
# without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/dovecot.bash
. "$(dirname "$0")/dovecot.bash" || exit 99

require_dovecot 'dovecot-managesieved' managesieve-login
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

make_mail_certificates
start_dovecot tls "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" managesieve-login/sieve ||
	bail_out 'dovecot (TLS) did not start'
P_SIEVE=${DOVECOT_PORT[sieve]}
start_dovecot plain '' '' managesieve-login/sieve || bail_out 'dovecot (ssl = no) did not start'
P_PLAIN=${DOVECOT_PORT[sieve]}

expect_mail_checks STARTTLS sieve "$P_SIEVE" "$P_PLAIN" 'server does not offer STARTTLS' \
	-- "$CHECK_TLS" -P sieve

expect_check '--implicit-tls on the STARTTLS port: CRITICAL at once' 2 \
	'^TLS CRITICAL - ' "$PERF_FAILED" '@max-secs=5' \
	-- "$CHECK_TLS" -P sieve -H 127.0.0.1 -p "$P_SIEVE" -S mail.test -C ca.pem --implicit-tls

finish
