# shellcheck shell=bash
# nntp.bash — INN's news reader server (nnrpd, from inn2) as a private daemon
# for nntp.sh and discover-servers.sh, sourced after lib.sh.

NNRPD=/usr/lib/news/bin/nnrpd
MAKEHISTORY=/usr/lib/news/bin/makehistory

# require_nnrpd: nnrpd, makehistory, and the user news to run them as.
require_nnrpd() {
	require_server 'nnrpd (inn2)' test -x "$NNRPD"
	require_server 'makehistory (inn2)' test -x "$MAKEHISTORY"
	require_server 'user news (inn2)' id news
	require_server 'nnrpd as user news (the test must run as root)' test "$(id -u)" -eq 0
	require_server 'setpriv (util-linux)' command -v setpriv
}

# as_news CMD...: CMD as the user news.
as_news() {
	setpriv --reuid=news --regid=news --init-groups "$@"
}

# news_site NAME [CERT]: a news site of its own under TEST_DIR/NAME (inn.conf,
# readers.conf open to anyone for reading, one group, its overview), with TLS
# from TEST_DIR/CERT.pem when CERT is given. nnrpd reads it through INNCONF.
news_site() {
	local name=$1 cert=${2:-} dir=$TEST_DIR/$1 d
	for d in etc db spool overview run log tmp http incoming outgoing archive; do
		mkdir -p "$dir/$d" || return 1
	done
	{
		printf '%s\n' 'domain: localdomain' 'pathhost: news.test' 'mta: "/bin/true %s"' \
			'pathnews: /usr/lib/news' 'pathbin: /usr/lib/news/bin' \
			'ovmethod: tradindexed' 'hismethod: hisv6' 'enableoverview: true' \
			'readerswhenstopped: true'
		for d in etc db spool overview run log tmp http incoming outgoing archive; do
			printf 'path%s: %s\n' "$d" "$dir/$d"
		done
		if [ -n "$cert" ]; then
			install -o news -m 0600 "$TEST_DIR/$cert.pem" "$dir/etc/cert.pem" &&
				install -o news -m 0600 "$TEST_DIR/$cert.key" "$dir/etc/key.pem" || return 1
			printf 'tlscertfile: %s\ntlskeyfile: %s\n' "$dir/etc/cert.pem" "$dir/etc/key.pem"
		fi
	} >"$dir/etc/inn.conf"
	printf '%s\n' 'auth "all" {' '    hosts: "*"' '    default: "<anyone>"' '}' \
		'access "all" {' '    users: "*"' '    newsgroups: "*"' '    access: "R"' '}' \
		>"$dir/etc/readers.conf"
	cp /etc/news/storage.conf "$dir/etc/" &&
		printf 'local.test 0000000000 0000000001 y\n' >"$dir/db/active" &&
		printf 'local.test\tA test group.\n' >"$dir/db/newsgroups" &&
		: >"$dir/db/history" && chown -R news:news "$dir" || return 1
	# nnrpd refuses readers (400) without the overview of its groups.
	INNCONF=$dir/etc/inn.conf as_news "$MAKEHISTORY" -O -x >"$dir/makehistory.log" 2>&1 ||
		{
			diag_file "$dir/makehistory.log"
			return 1
		}
}

# start_nnrpd NAME [-S]: nnrpd as a standalone daemon in the foreground for the
# site NAME, on a free loopback port; -S: TLS at connect.
start_nnrpd() {
	start_on_free_port "nnrpd ($1)" launch_nnrpd "$@"
}

launch_nnrpd() {
	local port=$1 name=$2
	shift 2
	new_server_log "nnrpd-$name"
	# setpriv execs nnrpd: $! is the daemon's own PID, which -f keeps in front.
	INNCONF=$TEST_DIR/$name/etc/inn.conf setpriv --reuid=news --regid=news \
		--init-groups "$NNRPD" -D -f -b 127.0.0.1 -p "$port" "$@" \
		</dev/null >"$SERVER_LOG" 2>&1 &
}
