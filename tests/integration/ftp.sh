#!/bin/bash
# ftp.sh — check_tls_ftp against real vsftpd servers: AUTH TLS, implicit FTPS,
# an expiring certificate, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

CHECK_TLS_FTP=$TLSCHECK_BUILDDIR/plugins/check_tls_ftp
VSFTPD=/usr/sbin/vsftpd

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'vsftpd (vsftpd)' test -x "$VSFTPD"
require_server 'vsftpd (the test must run as root)' test "$(id -u)" -eq 0
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_FTP"
require_plugin "$CHECK_TLS"
lib_init

# start_vsftpd NAME auth|implicit|plain [CERT]: a private vsftpd in the foreground
# on a free loopback port. It refuses every session when no login at all is
# allowed, so anonymous read-only logins to an empty directory are; its default
# cipher list fails with OpenSSL 3, hence ssl_ciphers=HIGH.
start_vsftpd() {
	local name=$1 mode=$2 cert=${3:-ok} dir=$TEST_DIR/$1 attempt port rc
	mkdir -p "$dir/empty" || return 1
	for attempt in 1 2 3 4 5; do
		port=$(free_port) || return 1
		{
			printf '%s\n' listen=YES listen_ipv6=NO listen_address=127.0.0.1 \
				"listen_port=$port" background=NO anonymous_enable=YES local_enable=NO \
				write_enable=NO "anon_root=$dir/empty" "secure_chroot_dir=$dir/empty" \
				xferlog_enable=NO "vsftpd_log_file=$dir/vsftpd.log"
			if [ "$mode" = plain ]; then
				echo ssl_enable=NO
			else
				printf '%s\n' ssl_enable=YES "rsa_cert_file=$TEST_DIR/$cert.pem" \
					"rsa_private_key_file=$TEST_DIR/$cert.key" ssl_ciphers=HIGH \
					allow_anon_ssl=YES ssl_request_cert=NO
			fi
			[ "$mode" = implicit ] && echo implicit_ssl=YES
		} >"$dir/vsftpd.conf"
		new_server_log "vsftpd-$name"
		"$VSFTPD" "$dir/vsftpd.conf" </dev/null >"$SERVER_LOG" 2>&1 &
		server_started "$port" $! "vsftpd ($name)"
		rc=$?
		[ "$rc" -eq 2 ] || return "$rc"
	done
	return 1
}

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
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "${FTP[@]}" -p "$P_AUTH"

expect_check 'AUTH TLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - ftp\\.test:$P_WARN ftp: certificate 'CN=ftp\\.test' expires in 9d 2[23]h" \
	"\\| days_left=9\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "${FTP[@]}" -p "$P_WARN"

expect_check 'check_tls -P ftp reaches the same protocol' 0 \
	"^TLS OK - ftp\\.test:$P_AUTH ftp: " \
	-- "$CHECK_TLS" -P ftp -H ftp.test -I 127.0.0.1 -p "$P_AUTH" -C ca.pem

expect_check 'implicit FTPS: OK, the greeting read over TLS' 0 \
	"^TLS OK - ftp\\.test:$P_IMPLICIT ftp: certificate 'CN=ftp\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
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
