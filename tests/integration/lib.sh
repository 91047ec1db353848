# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# lib.sh — what every integration test shares: TAP output, free ports, a
# certificate factory, starting and stopping private servers on loopback, the
# generic ones (gnutls-serv, openssl s_server, aiosmtpd, the hostile peer), and
# cleanup on exit. Every other server's starter is in NAME.bash beside it
# (redis.bash, pgsql.bash, ...), sourced after this file by the tests that use it.
#
# Source it, then call lib_init. Every server a test starts lives in the test's own
# temporary directory and is stopped by PID when the test exits, even on failure,
# so parallel `make check -j` runs and leftovers of earlier runs never collide.
#
# Environment (set by `make check`): TLSCHECK_BUILDDIR, TLSCHECK_SRCDIR; CI=true
# turns a missing server into a failure instead of a skip.

if [ -z "${BASH_VERSION:-}" ]; then
	echo 'Bail out! the integration tests need bash'
	exit 99
fi
set -u

PYTHON=/usr/bin/python3
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TLSCHECK_SRCDIR=${TLSCHECK_SRCDIR:-$(cd "$LIB_DIR/../.." && pwd)}
TLSCHECK_BUILDDIR=${TLSCHECK_BUILDDIR:-$PWD}
CHECK_TLS=$TLSCHECK_BUILDDIR/plugins/check_tls
CHECK_TLS_SMTP=$TLSCHECK_BUILDDIR/plugins/check_tls_smtp
CHECK_TLS_PGSQL=$TLSCHECK_BUILDDIR/plugins/check_tls_pgsql
HOSTILE_PEER=$TLSCHECK_SRCDIR/tests/hostile/peer.py

# The perfdata of a check that judged a chain, and of one that failed before it.
PERF_TAIL='time=[0-9]+(\.[0-9]+)?s;;;0;$'
PERF_FAILED='\| time=[0-9]+(\.[0-9]+)?s;;;0;$'

# A run of a plugin that takes longer than this is a hang, not a result.
CHECK_LIMIT=${CHECK_LIMIT:-30}

# TLSCHECK_VALGRIND=1 runs every plugin that run_check starts under valgrind
# (memcheck, every leak, glibc's own suppressed): an error fails the test, as
# its log must stay empty. Such a run judges memory, not time: wall-time
# assertions are skipped, and a hang takes longer to be one.
VALGRIND=()
if [ "${TLSCHECK_VALGRIND:-}" = 1 ]; then
	VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=all
		--errors-for-leak-kinds=all --track-fds=no --child-silent-after-fork=yes
		--suppressions="$TLSCHECK_SRCDIR/tests/valgrind.supp")
	CHECK_LIMIT=$((CHECK_LIMIT * 4))
fi
# How long a scripted peer (start_peer) lives: the whole of its test.
PEER_LIFETIME=120
[ ${#VALGRIND[@]} -eq 0 ] || PEER_LIFETIME=900

TEST_DIR=
CLEANUP_CMDS=()
CLEANUP_PIDS=()

# ---------------------------------------------------------------------------
# TAP

TAP_COUNT=0
TAP_FAILED=0

diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

# Print FILE as diagnostics, at most 40 lines of it.
diag_file() {
	[ -s "$1" ] || return 0
	head -n 40 -- "$1" | sed 's/^/#   /'
}

# While TAP_TODO is set, results carry "# TODO $TAP_TODO": a failure is
# expected (XFAIL, what is not built yet) and a pass is news (XPASS, a failure
# of the suite until the directive goes).
TAP_TODO=

todo_directive() {
	[ -z "$TAP_TODO" ] || printf ' # TODO %s' "$TAP_TODO"
}

ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	printf 'ok %d - %s%s\n' "$TAP_COUNT" "$1" "$(todo_directive)"
}

not_ok() {
	TAP_COUNT=$((TAP_COUNT + 1))
	[ -n "$TAP_TODO" ] || TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s%s\n' "$TAP_COUNT" "$1" "$(todo_directive)"
}

skip() {
	TAP_COUNT=$((TAP_COUNT + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_COUNT" "$1" "$2"
}

# The plan goes last: the number of tests is known only once they ran.
plan_done() {
	printf '1..%d\n' "$TAP_COUNT"
}

plan_skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit 0
}

# End the script with the plan. The results carry the failures: a non-zero exit
# would make the TAP driver count each of them a second time, as an ERROR.
finish() {
	plan_done
	exit 0
}

bail_out() {
	printf 'Bail out! %s\n' "$1"
	exit 99
}

in_ci() {
	[ "${CI:-}" = true ]
}

# require_server LABEL COMMAND...: the server is installed when COMMAND succeeds.
# Missing: a failure in CI, a skip of the whole script elsewhere.
require_server() {
	local label=$1
	shift
	"$@" >/dev/null 2>&1 && return 0
	if in_ci; then
		not_ok "server $label not installed"
		finish
	fi
	plan_skip_all "server $label not installed"
}

require_plugin() {
	[ -x "$1" ] || bail_out "plugin $1 is not built"
}

# ---------------------------------------------------------------------------
# Setup and cleanup

# Create the test's directory (0755, so a server running as another user can
# reach its files) and arrange for everything registered here to be undone at exit.
lib_init() {
	TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tlscheck-test.XXXXXX") || bail_out 'mktemp failed'
	chmod 0755 "$TEST_DIR"
	trap lib_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# at_exit COMMAND ARGS...: run at exit, latest registered first.
at_exit() {
	CLEANUP_CMDS+=("$(printf '%q ' "$@")")
}

kill_at_exit() {
	CLEANUP_PIDS+=("$1")
}

# Stop one process we started: TERM, up to 2 s of grace, then KILL.
stop_pid() {
	local pid=$1 i
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 1 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

lib_cleanup() {
	local i pid
	trap - EXIT HUP INT TERM
	for ((i = ${#CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUP_CMDS[i]}" >/dev/null 2>&1
	done
	for pid in "${CLEANUP_PIDS[@]}"; do
		stop_pid "$pid"
	done
	if [ -n "$TEST_DIR" ] && [ -d "$TEST_DIR" ]; then
		rm -rf -- "$TEST_DIR"
	fi
}

# ---------------------------------------------------------------------------
# Ports

# A TCP port free on 127.0.0.1 right now. Another process may take it before our
# server binds it, so every starter below retries with a new one.
free_port() {
	"$PYTHON" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Does process PID hold the listening socket on PORT? Without ss, a process that
# is still alive after the port answered is taken as the owner.
port_owned_by() {
	local port=$1 pid=$2
	if command -v ss >/dev/null 2>&1; then
		ss -Hltnp "sport = :$port" 2>/dev/null | grep -q "pid=$pid,"
		return
	fi
	sleep 0.2
	kill -0 "$pid" 2>/dev/null
}

# wait_listening PORT PID [SECONDS]: until 127.0.0.1:PORT accepts a connection and
# PID is the process listening there. Returns 0; 2 when another process answers
# on PORT or PID exits complaining about its address (a port clash: try another
# port); 1 when PID exits otherwise or SECONDS (default 10) pass.
wait_listening() {
	local port=$1 pid=$2 limit=${3:-10} start now
	start=$(date +%s)
	while :; do
		if ! kill -0 "$pid" 2>/dev/null; then
			grep -Eqi 'in use|bind' "$SERVER_LOG" 2>/dev/null && return 2
			return 1
		fi
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			port_owned_by "$port" "$pid" && return 0
			return 2
		fi
		now=$(date +%s)
		[ $((now - start)) -lt "$limit" ] || return 1
		sleep 0.05
	done
}

# ---------------------------------------------------------------------------
# Certificates (certtool, ECDSA P-256 keys; files in TEST_DIR)
#
# Dates are `date -d` expressions relative to now ("-1 day", "+10 days -1 hour");
# certtool reads template dates in the local zone, so both run in UTC.

cert_date() {
	TZ=UTC date -u -d "$1" '+%Y-%m-%d %H:%M:%S'
}

# certtool ARGS... in UTC, quietly; what it said is shown only when it fails.
run_certtool() {
	local log=$TEST_DIR/certtool.log
	TZ=UTC certtool "$@" >"$log" 2>&1 && return 0
	diag "certtool $* failed:"
	diag_file "$log"
	return 1
}

# make_key NAME: TEST_DIR/NAME.key
make_key() {
	run_certtool --generate-privkey --key-type=ecdsa --no-text --outfile "$TEST_DIR/$1.key"
}

# cert_template FILE CN NOT_BEFORE NOT_AFTER LINES...: a template with the given
# extra lines (each one template statement).
cert_template() {
	local file=$1 cn=$2 not_before not_after line
	not_before=$(cert_date "$3") || return 1
	not_after=$(cert_date "$4") || return 1
	shift 4
	{
		printf 'cn = "%s"\n' "$cn"
		printf 'activation_date = "%s"\n' "$not_before"
		printf 'expiration_date = "%s"\n' "$not_after"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$file"
}

# make_ca NAME [NOT_BEFORE NOT_AFTER]: a self-signed root, CN "tlscheck NAME",
# in TEST_DIR/NAME.pem and NAME.key. Valid from a day ago for ten years by default.
make_ca() {
	local name=$1 not_before=${2:--1 day} not_after=${3:-+3650 days}
	make_key "$name" || return 1
	cert_template "$TEST_DIR/$name.tmpl" "tlscheck $name" "$not_before" "$not_after" \
		ca cert_signing_key crl_signing_key || return 1
	run_certtool --generate-self-signed --load-privkey "$TEST_DIR/$name.key" \
		--template "$TEST_DIR/$name.tmpl" --outfile "$TEST_DIR/$name.pem"
}

# make_renewed_ca NAME ROOT NOT_BEFORE NOT_AFTER: ROOT (made by make_ca) renewed
# in place, as internal CAs often are: the same subject and key, new dates, in
# TEST_DIR/NAME.pem and NAME.key (ROOT's key).
make_renewed_ca() {
	local name=$1 root=$2
	cp "$TEST_DIR/$root.key" "$TEST_DIR/$name.key" || return 1
	cert_template "$TEST_DIR/$name.tmpl" "tlscheck $root" "$3" "$4" \
		ca cert_signing_key crl_signing_key || return 1
	run_certtool --generate-self-signed --load-privkey "$TEST_DIR/$name.key" \
		--template "$TEST_DIR/$name.tmpl" --outfile "$TEST_DIR/$name.pem"
}

# make_intermediate NAME CA NOT_BEFORE NOT_AFTER: a CA certificate, CN
# "tlscheck NAME", signed by CA (made by make_ca or make_intermediate).
make_intermediate() {
	local name=$1 ca=$2
	make_key "$name" || return 1
	cert_template "$TEST_DIR/$name.tmpl" "tlscheck $name" "$3" "$4" \
		ca cert_signing_key crl_signing_key || return 1
	sign_cert "$name" "$ca"
}

# make_leaf NAME CA CN [DNSNAME...] NOT_BEFORE NOT_AFTER: a TLS server certificate
# signed by CA, in TEST_DIR/NAME.pem and NAME.key. Without DNS names it has only
# the CN (names are then matched against the CN).
make_leaf() {
	make_key "$1" && leaf_cert sign "$@"
}

# make_rsa_leaf NAME CA CN [DNSNAME...] NOT_BEFORE NOT_AFTER: the same with an
# RSA 2048 key that may encrypt too (keyEncipherment), as static RSA key
# exchange (TLS_RSA_WITH_*) needs.
make_rsa_leaf() {
	run_certtool --generate-privkey --key-type=rsa --bits=2048 --no-text \
		--outfile "$TEST_DIR/$1.key" &&
		leaf_cert sign+encrypt "$@"
}

# leaf_cert USAGE NAME CA CN [DNSNAME...] NOT_BEFORE NOT_AFTER: the certificate
# of make_leaf for the key in TEST_DIR/NAME.key; USAGE: sign, or sign+encrypt.
leaf_cert() {
	local name=$2 ca=$3 cn=$4 not_before not_after dns lines=(signing_key)
	[ "$1" = sign+encrypt ] && lines+=(encryption_key)
	shift 4
	[ $# -ge 2 ] || return 1
	not_before=${*:$#-1:1}
	not_after=${*:$#:1}
	for dns in "${@:1:$#-2}"; do
		lines+=("dns_name = \"$dns\"")
	done
	cert_template "$TEST_DIR/$name.tmpl" "$cn" "$not_before" "$not_after" \
		tls_www_server "${lines[@]}" || return 1
	sign_cert "$name" "$ca"
}

# make_client NAME CA CN NOT_BEFORE NOT_AFTER [PURPOSE]: a TLS client certificate
# (PURPOSE: the certtool template statement, default tls_www_client) signed by
# CA, in TEST_DIR/NAME.pem and NAME.key (mode 0600, as a key should be).
make_client() {
	local name=$1 ca=$2 cn=$3 purpose=${6:-tls_www_client}
	make_key "$name" || return 1
	chmod 0600 "$TEST_DIR/$name.key"
	cert_template "$TEST_DIR/$name.tmpl" "$cn" "$4" "$5" "$purpose" signing_key || return 1
	sign_cert "$name" "$ca"
}

sign_cert() {
	local name=$1 ca=$2
	run_certtool --generate-certificate --load-privkey "$TEST_DIR/$name.key" \
		--load-ca-certificate "$TEST_DIR/$ca.pem" --load-ca-privkey "$TEST_DIR/$ca.key" \
		--template "$TEST_DIR/$name.tmpl" --outfile "$TEST_DIR/$name.pem"
}

# make_chain NAME CERT...: TEST_DIR/NAME.pem holding the CERTs in order (leaf first).
make_chain() {
	local name=$1 c
	shift
	for c in "$@"; do
		cat "$TEST_DIR/$c.pem"
	done >"$TEST_DIR/$name.pem"
}

# ---------------------------------------------------------------------------
# Servers. Each starter sets SERVER_PORT and SERVER_PID, registers the process
# for cleanup, logs to a file in TEST_DIR, and retries on a port clash.

SERVER_PORT=
SERVER_PID=
SERVER_LOG=
SERVER_SEQ=0

# new_server_log LABEL: a log file name used by no earlier server of this test.
new_server_log() {
	SERVER_SEQ=$((SERVER_SEQ + 1))
	SERVER_LOG=$TEST_DIR/$1.$SERVER_SEQ.log
}

# start_gnutls_serv CERTFILE KEYFILE [GNUTLS-SERV ARGS...]: TLS on connect.
# CERTFILE may hold a chain (leaf first). gnutls-serv binds every interface.
start_gnutls_serv() {
	start_on_free_port gnutls-serv launch_gnutls_serv "$@"
}

launch_gnutls_serv() {
	local port=$1 cert=$2 key=$3
	shift 3
	new_server_log gnutls-serv
	gnutls-serv --x509certfile="$cert" --x509keyfile="$key" --port="$port" "$@" \
		</dev/null >"$SERVER_LOG" 2>&1 &
}

# start_openssl_server CERTFILE KEYFILE [S_SERVER ARGS...]: TLS on connect from
# OpenSSL's s_server, a second TLS stack with its own alerts and timing.
start_openssl_server() {
	start_on_free_port 'openssl s_server' launch_openssl_server "$@"
}

# Its standard input is a FIFO it holds open itself: at the end of its input
# s_server closes every connection right after the handshake, and a server
# that hangs up then, saying nothing, reads as one that wants ALPN (grpc-go).
launch_openssl_server() {
	local port=$1 cert=$2 key=$3 input
	shift 3
	new_server_log openssl
	input=${SERVER_LOG%.log}.in
	mkfifo "$input" || return 1
	openssl s_server -quiet -cert "$cert" -key "$key" -accept "127.0.0.1:$port" "$@" \
		<>"$input" >"$SERVER_LOG" 2>&1 &
}

# start_smtpd MODE [CERTFILE KEYFILE] [EXTRA AIOSMTPD ARGS...]: aiosmtpd on 127.0.0.1.
# MODE: starttls (STARTTLS offered, not required), plain (no STARTTLS), smtps
# (TLS on connect). Logs each command line it reads (-d) to SERVER_LOG.
start_smtpd() {
	local mode=$1 tls_args=()
	shift
	case $mode in
	starttls)
		tls_args=(--tlscert "$1" --tlskey "$2" --no-requiretls)
		shift 2
		;;
	smtps)
		tls_args=(--smtpscert "$1" --smtpskey "$2")
		shift 2
		;;
	plain) ;;
	*) return 1 ;;
	esac
	start_on_free_port aiosmtpd launch_smtpd "${tls_args[@]}" "$@"
}

launch_smtpd() {
	local port=$1
	shift
	new_server_log smtpd
	"$PYTHON" -m aiosmtpd -n -d -l "127.0.0.1:$port" "$@" </dev/null >"$SERVER_LOG" 2>&1 &
}

# start_peer MODE [PEER ARGS...]: tests/hostile/peer.py in MODE (ARGS: --upstream
# PORT for the relays). It picks its own port (no race) and exits by itself
# after PEER_LIFETIME seconds.
start_peer() {
	local mode=$1 portfile pid i
	shift
	new_server_log "peer-$mode"
	portfile=${SERVER_LOG%.log}.port
	"$PYTHON" "$HOSTILE_PEER" "$mode" --port-file "$portfile" --lifetime "$PEER_LIFETIME" "$@" \
		</dev/null >"$SERVER_LOG" 2>&1 &
	pid=$!
	kill_at_exit "$pid"
	for i in $(seq 1 100); do
		if [ -s "$portfile" ]; then
			SERVER_PORT=$(cat "$portfile")
			SERVER_PID=$pid
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	diag "peer.py $mode did not start"
	diag_file "$SERVER_LOG"
	return 1
}

# start_on_free_port LABEL LAUNCH [ARGS...]: a server on a free loopback port.
# LAUNCH PORT ARGS... starts it in the background, its output in SERVER_LOG, and
# returns 0 (non-zero when it cannot); then it is awaited as server_started
# does. A port taken in between (a clash) means another port, five times at
# most. Sets SERVER_PORT and SERVER_PID.
start_on_free_port() {
	local label=$1 launch=$2 port rc
	shift 2
	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		"$launch" "$port" "$@" || return 1
		server_started "$port" $! "$label"
		rc=$?
		[ "$rc" -eq 2 ] || return "$rc"
	done
	return 1
}

# server_started PORT PID LABEL: register PID and wait for it on PORT. Returns 0
# when it listens, 2 on a port clash (the caller tries another port), 1 otherwise.
server_started() {
	local port=$1 pid=$2 label=$3 rc
	kill_at_exit "$pid"
	wait_listening "$port" "$pid" 15
	rc=$?
	if [ "$rc" -eq 0 ]; then
		SERVER_PORT=$port
		SERVER_PID=$pid
		return 0
	fi
	diag "$label did not listen on port $port"
	diag_file "$SERVER_LOG"
	stop_pid "$pid"
	return "$rc"
}

# ---------------------------------------------------------------------------
# Running a plugin
#
# run_check CMD ARGS...: run it in TEST_DIR (so "-C ca.pem" is reported as
# "ca.pem"), bounded by CHECK_LIMIT seconds. Sets CHECK_RC, CHECK_OUT (stdout),
# CHECK_ERR (stderr), CHECK_FIRST (first line), CHECK_LINES, CHECK_SECS, CHECK_CMD.

run_check() {
	local out=$TEST_DIR/check.out err=$TEST_DIR/check.err t0 t1 prefix=()
	CHECK_CMD=$(printf '%q ' "$@")
	VALGRIND_LOG=$TEST_DIR/valgrind.log
	rm -f "$VALGRIND_LOG"
	# Only our plugins: the servers and tools a test runs are not ours to judge.
	case $1 in
	"$TLSCHECK_BUILDDIR"/plugins/*)
		[ ${#VALGRIND[@]} -eq 0 ] || prefix=("${VALGRIND[@]}" --log-file="$VALGRIND_LOG")
		;;
	esac
	t0=$(date +%s.%N)
	(cd "$TEST_DIR" && exec timeout -k 2 "$CHECK_LIMIT" "${prefix[@]}" "$@") \
		</dev/null >"$out" 2>"$err"
	CHECK_RC=$?
	t1=$(date +%s.%N)
	CHECK_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
	CHECK_OUT=$(cat "$out")
	CHECK_ERR=$(cat "$err")
	CHECK_FIRST=$(head -n 1 "$out")
	CHECK_LINES=$(awk 'END { print NR }' "$out")
}

# start_cost: START_COST, the wall seconds check_tls --version takes (the
# fastest of three): starting and ending a process of this build, before and
# after anything -t bounds. A sanitizer build on a busy machine takes tenths of
# a second for it; an optimised one, hundredths.
START_COST=
start_cost() {
	local t0 t1 best=
	[ -z "$START_COST" ] || return 0
	for _ in 1 2 3; do
		t0=$(date +%s.%N)
		"$CHECK_TLS" --version >/dev/null 2>&1
		t1=$(date +%s.%N)
		best=$(awk -v a="$t0" -v b="$t1" -v m="$best" \
			'BEGIN { d = b - a; printf "%.3f", (m == "" || d < m) ? d : m }')
	done
	START_COST=$best
}

# The Monitoring Plugins guidelines' perfdata grammar: 'label'=value[UOM];
# [warn];[crit];[min];[max], a range being [@][start:][end] (start ~ for
# minus infinity).
PERF_NUM='-?[0-9]+(\.[0-9]+)?'
PERF_RANGE="@?((~|$PERF_NUM)?:$PERF_NUM|$PERF_NUM:?)"
PERF_ITEM="('([^']|'')+'|[^' =|;]+)=$PERF_NUM(s|ms|us|%|B|KB|MB|TB|c)?"
PERF_ITEM+="(;($PERF_RANGE)?(;($PERF_RANGE)?(;($PERF_NUM)?(;($PERF_NUM)?)?)?)?)?"

# perfdata_problems PERFDATA PLAIN: a line per way PERFDATA breaks the grammar,
# or the plugin's contract: days are alerted below their thresholds, so those
# are ranges N: (bare numbers N when PLAIN is 1, --perfdata-thresholds=plain).
perfdata_problems() {
	local rest=$1 plain=$2 item fields want='^[0-9]+(\.[0-9]+)?:$' what='ranges N:'
	[ "$plain" = 1 ] && want='^[0-9]+(\.[0-9]+)?$' what='plain numbers'
	while [[ $rest =~ ^\ *($PERF_ITEM)(\ +|$) ]]; do
		item=${BASH_REMATCH[1]}
		rest=${rest:${#BASH_REMATCH[0]}}
		[ -n "$item" ] || break
		case $item in
		*days_left*)
			IFS=';' read -r -a fields <<<"${item#*=}"
			[[ ${fields[1]:-} =~ $want && ${fields[2]:-} =~ $want ]] ||
				echo "perfdata $item: thresholds are not $what"
			;;
		esac
	done
	[ -z "$rest" ] || echo "perfdata does not parse at: $rest"
}

# A line per problem of the perfdata of the last run_check, when it printed a
# status line: the status line's (there must be some: time= always is), and
# the long output's, every line from the first later one with a '|' on (the
# guidelines make all of them perfdata).
check_perfdata_problems() {
	local plain=0 line long=
	[[ $CHECK_FIRST == 'TLS '* ]] || return 0
	[[ $CHECK_CMD == *--perfdata-thresholds=plain* ]] && plain=1
	if [[ $CHECK_FIRST != *' | '?* ]]; then
		echo "no perfdata on the status line"
		return 0
	fi
	perfdata_problems "${CHECK_FIRST#*|}" "$plain"
	while IFS= read -r line; do
		if [ -n "$long" ]; then
			perfdata_problems "$line" "$plain"
		elif [[ $line == *'|'* ]]; then
			long=yes
			perfdata_problems "${line#*|}" "$plain"
		fi
	done < <(printf '%s\n' "$CHECK_OUT" | sed -n '2,$p')
	return 0
}

# assert_check DESCRIPTION EXIT [PATTERN...]: one TAP result for the last
# run_check. Always required: exit code EXIT, nothing on stderr, and perfdata
# that parses (check_perfdata_problems). Patterns
# (extended regexes):
#   RE            the first line of stdout matches RE
#   !RE           the first line does not match RE
#   *RE           some line of stdout matches RE
#   ~RE           no line of stdout matches RE
#   @lines=N      stdout has exactly N lines (@min-lines=N: at least N)
#   @max-secs=S   the run took less than S seconds of wall time, beyond what
#                 starting and ending a plugin costs on this build and machine
#                 (start_cost; not checked under valgrind)
# Under valgrind (TLSCHECK_VALGRIND=1) its log must be empty too.
assert_check() {
	local desc=$1 want=$2 p problems=()
	shift 2
	[ "$CHECK_RC" = "$want" ] || problems+=("exit code $CHECK_RC, expected $want")
	[ -z "$CHECK_ERR" ] || problems+=("stderr is not empty")
	[ ! -s "${VALGRIND_LOG:-}" ] || problems+=("valgrind found errors")
	while IFS= read -r p; do
		problems+=("$p")
	done < <(check_perfdata_problems)
	for p in "$@"; do
		case $p in
		@lines=*)
			[ "$CHECK_LINES" -eq "${p#@lines=}" ] ||
				problems+=("$CHECK_LINES lines of output, expected ${p#@lines=}")
			;;
		@min-lines=*)
			[ "$CHECK_LINES" -ge "${p#@min-lines=}" ] ||
				problems+=("$CHECK_LINES lines of output, expected at least ${p#@min-lines=}")
			;;
		@max-secs=*)
			[ ${#VALGRIND[@]} -eq 0 ] || continue
			start_cost
			awk -v t="$CHECK_SECS" -v m="${p#@max-secs=}" -v c="$START_COST" \
				'BEGIN { exit !(t - c < m) }' ||
				problems+=("took ${CHECK_SECS}s, expected less than ${p#@max-secs=}s" \
					"beyond the ${START_COST}s a plugin takes to start and end here")
			;;
		'!'*)
			! printf '%s\n' "$CHECK_FIRST" | grep -Eq -e "${p#!}" ||
				problems+=("first line matches '${p#!}'")
			;;
		'*'*)
			printf '%s\n' "$CHECK_OUT" | grep -Eq -e "${p#\*}" ||
				problems+=("no line matches '${p#\*}'")
			;;
		'~'*)
			! printf '%s\n' "$CHECK_OUT" | grep -Eq -e "${p#\~}" ||
				problems+=("a line matches '${p#\~}'")
			;;
		*)
			printf '%s\n' "$CHECK_FIRST" | grep -Eq -e "$p" ||
				problems+=("first line does not match '$p'")
			;;
		esac
	done
	if [ ${#problems[@]} -eq 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "command: $CHECK_CMD"
	for p in "${problems[@]}"; do
		diag "  $p"
	done
	diag "exit code: $CHECK_RC, wall time: ${CHECK_SECS}s"
	diag "stdout:"
	diag_file "$TEST_DIR/check.out"
	diag "stderr:"
	diag_file "$TEST_DIR/check.err"
	[ ! -s "${VALGRIND_LOG:-}" ] || diag "valgrind:"
	diag_file "${VALGRIND_LOG:-}"
	return 1
}

# expect_check [OPTION...] DESCRIPTION EXIT [PATTERN...] -- WORDS...: run_check +
# assert_check, the command being WORDS. The options serve the tests that write
# many checks alike:
#   --command=FUNC     FUNC WORDS... makes the command instead: it sets the array CMD
#                      (a test's own way of naming a server and its plugin).
#   --always=PATTERN   PATTERN is asserted of every check, after its own.
#   --default=@NAME=V  asserted unless the check gives its own @NAME=.
expect_check() {
	local desc want make= patterns=() always=() defaults=() p
	CMD=()
	while :; do
		case ${1:-} in
		--command=*) make=${1#--command=} ;;
		--always=*) always+=("${1#--always=}") ;;
		--default=*) defaults+=("${1#--default=}") ;;
		*) break ;;
		esac
		shift
	done
	desc=$1 want=$2
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		patterns+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	for p in "${defaults[@]}"; do
		case " ${patterns[*]} " in
		*" ${p%%=*}="*) ;;
		*) patterns+=("$p") ;;
		esac
	done
	if [ -n "$make" ]; then
		"$make" "$@"
	else
		CMD=("$@")
	fi
	run_check "${CMD[@]}"
	assert_check "$desc" "$want" "${patterns[@]}" "${always[@]}"
}

# json_check DESC PYTHON-ASSERTIONS: one TAP result; the last run's stdout is one
# JSON object `d`, and need(COND, WHAT) fails the test with WHAT.
json_check() {
	parsed_check json.load "$@"
}

# yaml_check DESCRIPTION CODE: the same, the output read by PyYAML's safe_load.
yaml_check() {
	parsed_check yaml.safe_load "$@"
}

# parsed_check LOADER DESCRIPTION CODE: json_check's, stdout read by LOADER.
parsed_check() {
	local load=$1 desc=$2 code=$3 why
	if why=$(printf '%s' "$CHECK_OUT" | "$PYTHON" -c "
import sys, ${load%%.*}
d = $load(sys.stdin)
def need(cond, what):
    if not cond:
        print(what)
        sys.exit(1)
$code
" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $CHECK_CMD"
		diag "$why"
		diag_file "$TEST_DIR/check.out"
	fi
}
