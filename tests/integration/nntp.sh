#!/bin/bash
# nntp.sh — check_tls -P nntp against INN's real news reader server (nnrpd, from
# inn2) run as a private daemon: STARTTLS, NNTP over TLS, an expiring
# certificate, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

NNRPD=/usr/lib/news/bin/nnrpd
MAKEHISTORY=/usr/lib/news/bin/makehistory

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server 'nnrpd (inn2)' test -x "$NNRPD"
require_server 'makehistory (inn2)' test -x "$MAKEHISTORY"
require_server 'user news (inn2)' id news
require_server 'nnrpd as user news (the test must run as root)' test "$(id -u)" -eq 0
require_server 'setpriv (util-linux)' command -v setpriv
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

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
	local name=$1 attempt port rc
	shift
	for attempt in 1 2 3 4 5; do
		port=$(free_port) || return 1
		new_server_log "nnrpd-$name"
		# setpriv execs nnrpd: $! is the daemon's own PID, which -f keeps in front.
		INNCONF=$TEST_DIR/$name/etc/inn.conf setpriv --reuid=news --regid=news \
			--init-groups "$NNRPD" -D -f -b 127.0.0.1 -p "$port" "$@" \
			</dev/null >"$SERVER_LOG" 2>&1 &
		server_started "$port" $! "nnrpd ($name)"
		rc=$?
		[ "$rc" -eq 2 ] || return "$rc"
	done
	return 1
}

{
	make_ca ca &&
		make_leaf ok ca news.test news.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca news.test news.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

{ news_site tls ok && news_site warn warn && news_site plain; } ||
	bail_out 'cannot set up the news sites'
start_nnrpd tls || bail_out 'nnrpd (STARTTLS) did not start'
P_STARTTLS=$SERVER_PORT
start_nnrpd tls -S || bail_out 'nnrpd (TLS at connect) did not start'
P_NNTPS=$SERVER_PORT
start_nnrpd warn || bail_out 'nnrpd (STARTTLS, 10 days) did not start'
P_WARN=$SERVER_PORT
start_nnrpd plain || bail_out 'nnrpd (no TLS) did not start'
P_PLAIN=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
NNTP=("$CHECK_TLS" -P nntp -H news.test -I 127.0.0.1 -C ca.pem)

expect_check 'STARTTLS: OK' 0 \
	"^TLS OK - news\\.test:$P_STARTTLS nntp: certificate 'CN=news\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "${NNTP[@]}" -p "$P_STARTTLS"

expect_check 'STARTTLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - news\\.test:$P_WARN nntp: certificate 'CN=news\\.test' expires in 9d 2[23]h" \
	"\\| days_left=9\\.9[0-9];14;7;0; $PERF_TAIL" \
	-- "${NNTP[@]}" -p "$P_WARN"

expect_check 'NNTP over TLS: OK, the greeting read over TLS' 0 \
	"^TLS OK - news\\.test:$P_NNTPS nntp: certificate 'CN=news\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14;7;0; $PERF_TAIL" '@lines=1' \
	-- "${NNTP[@]}" -p "$P_NNTPS" --implicit-tls

# nnrpd built with TLS lists STARTTLS even without a certificate, then refuses it.
expect_check 'no certificate configured: CRITICAL, the 580 refusal named' 2 \
	"^TLS CRITICAL - news\\.test:$P_PLAIN nntp: STARTTLS refused: 580 Error initializing TLS" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${NNTP[@]}" -p "$P_PLAIN"

expect_check 'NNTP over TLS port spoken to with STARTTLS, -t 2: CRITICAL at once' 2 \
	"^TLS CRITICAL - news\\.test:$P_NNTPS nntp: " "$PERF_FAILED" '@max-secs=5' \
	-- "${NNTP[@]}" -p "$P_NNTPS" -t 2

finish
