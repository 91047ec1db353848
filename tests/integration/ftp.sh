#!/bin/bash
# ftp.sh — check_tls_ftp against real vsftpd servers: AUTH TLS, implicit FTPS,
# an expiring certificate, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/ftp.bash
. "$(dirname "$0")/ftp.bash" || exit 99

CHECK_TLS_FTP=$TLSCHECK_BUILDDIR/plugins/check_tls_ftp

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_vsftpd
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_FTP"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca ftp.test ftp.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca ftp.test ftp.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_vsftpd auth auth || bail_out 'vsftpd (AUTH TLS) did not start'
P_AUTH=$SERVER_PORT
start_vsftpd warn auth warn || bail_out 'vsftpd (AUTH TLS, 10 days) did not start'
P_WARN=$SERVER_PORT
start_vsftpd implicit implicit || bail_out 'vsftpd (implicit FTPS) did not start'
P_IMPLICIT=$SERVER_PORT
start_vsftpd plain plain || bail_out 'vsftpd (no TLS) did not start'
P_PLAIN=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
FTP=("$CHECK_TLS_FTP" -H ftp.test -I 127.0.0.1 -C ca.pem)

expect_check 'AUTH TLS: OK' 0 \
	"^TLS OK - ftp\\.test:$P_AUTH ftp: certificate 'CN=ftp\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${FTP[@]}" -p "$P_AUTH"

expect_check 'AUTH TLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - ftp\\.test:$P_WARN ftp: certificate 'CN=ftp\\.test' expires in 9d 2[23]h" \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${FTP[@]}" -p "$P_WARN"

expect_check 'check_tls -P ftp reaches the same protocol' 0 \
	"^TLS OK - ftp\\.test:$P_AUTH ftp: " \
	-- "$CHECK_TLS" -P ftp -H ftp.test -I 127.0.0.1 -p "$P_AUTH" -C ca.pem

expect_check 'implicit FTPS: OK, the greeting read over TLS' 0 \
	"^TLS OK - ftp\\.test:$P_IMPLICIT ftp: certificate 'CN=ftp\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${FTP[@]}" -p "$P_IMPLICIT" --implicit-tls

expect_check 'no TLS: CRITICAL, the refusal named with what the server said' 2 \
	"^TLS CRITICAL - ftp\\.test:$P_PLAIN ftp: AUTH TLS refused: 530 Please login with USER and PASS\\." \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${FTP[@]}" -p "$P_PLAIN"

expect_check 'implicit FTPS port spoken to with AUTH TLS, -t 2: CRITICAL timeout, with the hint' 2 \
	'^TLS CRITICAL - .*timeout waiting for the FTP greeting \(nothing received: if this port speaks TLS at connect, use --implicit-tls\)' \
	"$PERF_FAILED" '@max-secs=5' \
	-- "${FTP[@]}" -p "$P_IMPLICIT" -t 2

finish
