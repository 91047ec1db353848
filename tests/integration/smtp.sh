#!/bin/bash
# smtp.sh — check_tls_smtp against a real SMTP server (python3-aiosmtpd):
# STARTTLS, no STARTTLS offered, implicit TLS (SMTPS), --ehlo.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_plugin "$CHECK_TLS_SMTP"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca smtp.test smtp.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca smtp.test smtp.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_smtpd starttls "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" ||
	bail_out 'aiosmtpd (STARTTLS) did not start'
P_OK=$SERVER_PORT
LOG_OK=$SERVER_LOG
start_smtpd starttls "$TEST_DIR/warn.pem" "$TEST_DIR/warn.key" ||
	bail_out 'aiosmtpd (STARTTLS, 10 days) did not start'
P_WARN=$SERVER_PORT
start_smtpd plain || bail_out 'aiosmtpd (no TLS) did not start'
P_PLAIN=$SERVER_PORT
start_smtpd smtps "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" ||
	bail_out 'aiosmtpd (SMTPS) did not start'
P_SMTPS=$SERVER_PORT
# A TLS endpoint with no mail server behind it (a terminator whose backend is gone).
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_TLS_ONLY=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'

expect_check 'STARTTLS, fine certificate: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_OK smtp: certificate 'CN=smtp\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_OK" -S smtp.test -C ca.pem

expect_check '-vvv: the dialogue before TLS, line by line, and the time of each step' 0 \
	'^TLS OK - ' '*^S: 220 ' '*^C: EHLO ' '*^S: 250[ -]STARTTLS$' '*^C: STARTTLS$' '*^S: 220 ' \
	'*^timing: connect [0-9.]+s, smtp [0-9.]+s, TLS handshake [0-9.]+s, over TLS [0-9.]+s$' \
	'*^TLS: TLSv1\.[23], ' '*^OK trust: ' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_OK" -S smtp.test -C ca.pem -vvv
expect_check '-vv: the steps, no dialogue' 0 '^TLS OK - ' '*^timing: connect ' '~^[CS]: ' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_OK" -S smtp.test -C ca.pem -vv

expect_check 'STARTTLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$P_WARN smtp: certificate 'CN=smtp\\.test' expires in 9d 2[23]h" \
	'chain trusted by ca\.pem' \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_WARN" -S smtp.test -C ca.pem

expect_check 'STARTTLS, 10 days left, -w 5 -c 2: OK' 0 '^TLS OK - ' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_WARN" -S smtp.test -C ca.pem -w 5 -c 2

expect_check 'STARTTLS, --output=days' 0 '^9\.9[0-9]$' '@lines=1' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_WARN" -S smtp.test -C ca.pem --output=days

expect_check 'check_tls -P smtp reaches the same protocol' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_OK smtp: " \
	-- "$CHECK_TLS" -P smtp -H 127.0.0.1 -p "$P_OK" -S smtp.test -C ca.pem

expect_check '--ehlo NAME: OK' 0 '^TLS OK - ' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_OK" -S smtp.test -C ca.pem \
	--ehlo probe.tlscheck.test
if grep -Fq 'EHLO probe.tlscheck.test' "$LOG_OK"; then
	ok '--ehlo NAME: the server saw EHLO NAME'
else
	not_ok '--ehlo NAME: the server saw EHLO NAME'
	diag_file "$LOG_OK"
fi

# --- a name with two addresses, the first refusing --------------------------------
# aiosmtpd listens on 127.0.0.1 only. In a private mount namespace multi.test
# resolves to ::1 (refused) and 127.0.0.1: the check must move on to the second.
printf '::1 multi.test\n127.0.0.1 multi.test\n' >"$TEST_DIR/hosts"
with_hosts=(unshare -m bash -c 'mount --bind "$1" /etc/hosts && shift && exec "$@"' _
	"$TEST_DIR/hosts")

expect_check 'multi-address name, -6: the IPv6 address is tried and fails' 2 \
	"^TLS CRITICAL - multi\\.test:$P_OK smtp: .*::1 port $P_OK" \
	-- "${with_hosts[@]}" "$CHECK_TLS_SMTP" -6 -H multi.test -p "$P_OK" -C ca.pem

expect_check 'multi-address name: the refused address is skipped, the next one probed' 0 \
	'"state":"OK"' '"address":"127\.0\.0\.1"' '"host":"multi\.test"' \
	-- "${with_hosts[@]}" "$CHECK_TLS_SMTP" -H multi.test -p "$P_OK" -N smtp.test -C ca.pem \
	--output=json

expect_check 'no STARTTLS offered: CRITICAL' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$P_PLAIN smtp: server does not offer STARTTLS" \
	"$PERF_FAILED" '@lines=1' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_PLAIN" -S smtp.test -C ca.pem

expect_check 'no STARTTLS offered, --output=days: the sentinel' 0 '^-65535$' '@lines=1' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_PLAIN" -S smtp.test -C ca.pem --output=days

expect_check 'SMTPS with --implicit-tls: OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$P_SMTPS smtp: certificate 'CN=smtp\\.test' expires in 199d" \
	'chain trusted by ca\.pem' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_SMTPS" -S smtp.test -C ca.pem --implicit-tls

# After the handshake the greeting comes over TLS: reading it confirms SMTP. Its
# absence is a finding of its own, under a short sub-deadline, not the run's -t.
expect_check 'SMTPS without a mail server behind TLS: WARNING, chain still judged' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:$P_TLS_ONLY smtp: timeout waiting for the SMTP greeting over TLS" \
	"certificate 'CN=smtp\\.test' expires in 199d" 'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@max-secs=8' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_TLS_ONLY" -S smtp.test -C ca.pem --implicit-tls -t 20

# The run's own deadline passing inside that step gives the state of -t.
expect_check 'SMTPS without a mail server, -t 1:unknown: the deadline of -t, UNKNOWN' 3 \
	"^TLS UNKNOWN - 127\\.0\\.0\\.1:$P_TLS_ONLY smtp: timeout waiting for the SMTP greeting over TLS" \
	'@max-secs=5' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_TLS_ONLY" -S smtp.test -C ca.pem --implicit-tls -t 1:unknown

expect_check 'SMTPS port spoken to as STARTTLS, -t 2: CRITICAL timeout, with the hint' 2 \
	'^TLS CRITICAL - .*timeout waiting for the SMTP greeting \(nothing received: if this port speaks TLS at connect, use --implicit-tls\)' \
	"$PERF_FAILED" '@max-secs=5' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_SMTPS" -S smtp.test -C ca.pem -t 2

expect_check 'STARTTLS port spoken to with --implicit-tls: CRITICAL at once' 2 \
	'^TLS CRITICAL - ' "$PERF_FAILED" '@max-secs=5' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$P_OK" -S smtp.test -C ca.pem --implicit-tls -t 10

finish
