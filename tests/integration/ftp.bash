# shellcheck shell=bash
# ftp.bash — a private vsftpd for ftp.sh and discover-servers.sh, sourced after
# lib.sh.

VSFTPD=/usr/sbin/vsftpd

# require_vsftpd: vsftpd, and root to start it.
require_vsftpd() {
	require_server 'vsftpd (vsftpd)' test -x "$VSFTPD"
	require_server 'vsftpd (the test must run as root)' test "$(id -u)" -eq 0
}

# start_vsftpd NAME auth|implicit|plain [CERT]: a private vsftpd in the foreground
# on a free loopback port. It refuses every session when no login at all is
# allowed, so anonymous read-only logins to an empty directory are; its default
# cipher list fails with OpenSSL 3, hence ssl_ciphers=HIGH.
start_vsftpd() {
	local name=$1 mode=$2 cert=${3:-ok} dir=$TEST_DIR/$1 port rc
	mkdir -p "$dir/empty" || return 1
	for _ in 1 2 3 4 5; do
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
