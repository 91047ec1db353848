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
	mkdir -p "$TEST_DIR/$1/empty" || return 1
	start_on_free_port "vsftpd ($1)" launch_vsftpd "$@"
}

launch_vsftpd() {
	local port=$1 name=$2 mode=$3 cert=${4:-ok} dir=$TEST_DIR/$2
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
}
