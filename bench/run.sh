#!/bin/bash
# bench/run.sh — check_tls_smtp, check_tls_pgsql and check_tls_kafka side by side
# with their peers, on the same private listeners on loopback, in one run.
#
#   bash bench/run.sh [RUNS]          RUNS per command, default 51
#
# Pairs (A = ours, B = the peer), each run alternately A B A B ... after one
# warm-up run of each:
#   smtp   check_tls_smtp -C ca.pem (chain + name)  vs  check_smtp -S -D (expiry only)
#   smtp   check_tls_smtp, the system store          vs  check_smtp -S -D
#   tls    check_tls (TLS at connect)                vs  check_tcp -S -D
#   tls    check_tls                                 vs  gnutls-cli (the handshake alone: a floor)
#   smtp   check_tls_smtp                           vs  check_ssl_cert -P smtp
#   pgsql  check_tls_pgsql                          vs  check_ssl_cert -P postgres
#   kafka  check_tls_kafka (mTLS, ApiVersions)      vs  kcat -L, openssl s_client
#   pool   check_tls -I over 16 addresses           vs  check_tls -I one address
# The system store is the bundle GnuTLS reads; to judge the test chain against
# it, the whole bench runs in a private mount namespace where a copy of that
# bundle with the test root added is mounted over it (the machine's store is
# never edited). Then one check_tls_smtp run of each kind under callgrind: an
# instruction count that does not drift with a noisy machine.
# With BENCH_WRITE=1 the table also replaces the results section of
# doc/PERFORMANCE.md.
#   kafka  check_tls_kafka (mTLS, ApiVersions)      vs  kcat -L (the same client certificate)
#   kafka  check_tls_kafka                          vs  openssl s_client -cert -key
# Prints, per command, the median wall time, CPU time (user + system) and peak
# RSS, and per pair the ratios A/B of the medians.
#
# Environment:
#   TLSCHECK_BUILDDIR   where plugins/check_tls_* are built (default: the source
#                       tree, i.e. an in-tree build)
#   CHECK_SMTP, CHECK_SSL_CERT, KCAT   the peers (default: Debian's paths)
#
# The Kafka broker is librdkafka's mock cluster (tests/integration/kafka-mock,
# built here with make if it is not yet) behind stunnel4 with `verify = 2`, as
# in tests/integration/kafka.sh.
#
# Needs root: PostgreSQL is started as user postgres (runuser), as the
# integration tests do.

set -u
export LC_ALL=C

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-51}
SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CHECK_TCP=${CHECK_TCP:-/usr/lib/nagios/plugins/check_tcp}
POOL_SIZE=16
CERT_NAME=bench.tlscheck.test
CHECK_SMTP=${CHECK_SMTP:-/usr/lib/nagios/plugins/check_smtp}
CHECK_SSL_CERT=${CHECK_SSL_CERT:-/usr/lib/nagios/plugins/check_ssl_cert}
KCAT=${KCAT:-/usr/bin/kcat}
GNU_TIME=/usr/bin/time

# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$SRC/bench/lib.bash" || { echo "bench: cannot read bench/lib.bash" >&2; exit 1; }

bench_init run.sh 51
# check_ssl_cert costs over a second a run: fewer runs of its pairs.
SLOW_RUNS=$((RUNS < 21 ? RUNS : 21))

# shellcheck source-path=SCRIPTDIR source=../tests/integration/lib.sh
. "$SRC/tests/integration/lib.sh" || die "cannot read tests/integration/lib.sh"
CHECK_TLS_KAFKA=$TLSCHECK_BUILDDIR/plugins/check_tls_kafka

# ---------------------------------------------------------------------------
# What must be there before anything starts

check_requirements() {
	local plugin
	[ "$(id -u)" -eq 0 ] || die "run as root: PostgreSQL is started as user postgres"
	bash "$TLSCHECK_SRCDIR/scripts/install-deps.sh" bench || die "cannot install the peers"
	for plugin in "$CHECK_TLS_SMTP" "$CHECK_TLS_PGSQL" "$CHECK_TLS_KAFKA"; do
		[ -x "$plugin" ] ||
			die "$plugin is not built: run make (or set TLSCHECK_BUILDDIR to the build directory)"
	done
	need_prog "$CHECK_SMTP" 'monitoring-plugins-basic (pulled in by monitoring-plugins-standard)'
	need_prog "$CHECK_SSL_CERT" monitoring-plugins-contrib
	# check_ssl_cert answers UNKNOWN at once without these.
	need_prog openssl openssl
	need_prog host bind9-host
	need_prog bc bc
	need_prog file file
	need_prog "$GNU_TIME" time
	need_prog certtool gnutls-bin
	need_prog "$PYTHON" python3
	"$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd not found: install python3-aiosmtpd"
	pg_find_bin || die "PostgreSQL server not found: install postgresql"
	need_prog "$KCAT" kcat
	need_prog "$CHECK_TCP" 'monitoring-plugins-basic'
	need_prog gnutls-cli gnutls-bin
	need_prog valgrind valgrind
	need_prog "$STUNNEL" stunnel4
	# A test program, not built by a plain make.
	[ -x "$KAFKA_MOCK" ] || make -s -C "$TLSCHECK_BUILDDIR" tests/integration/kafka-mock ||
		die "cannot build $KAFKA_MOCK: install librdkafka-dev and configure again"
}

# ---------------------------------------------------------------------------
# Measuring

TIMEFORMAT='%3U %3S'

# measure KEY CMD...: one run of CMD in TEST_DIR. Appends "wall_ms cpu_ms rss_kib
# exit" to KEY.runs; leaves stdout in KEY.out.
#
# GNU time gives the peak RSS (%M) and the exit code (%x); its %e %U %S have only
# 10 ms resolution, too coarse for a run of a few milliseconds, so the wall time is
# taken from EPOCHREALTIME (microseconds) and the CPU time from the shell's `time`
# (getrusage of the children, milliseconds). Both include GNU time's own fork and
# exec: see the "floor" row.
measure() {
	local key=$1 t0 t1 cpu rusage
	shift
	t0=$EPOCHREALTIME
	{ time "$GNU_TIME" -f '%x %M' -o "$key.rusage" "$@" </dev/null >"$key.out" 2>"$key.err"; } \
		2>"$key.cpu"
	t1=$EPOCHREALTIME
	cpu=$(<"$key.cpu")
	# After a non-zero exit GNU time writes a line of its own before the format.
	rusage=$(tail -n 1 "$key.rusage")
	awk -v t0="$t0" -v t1="$t1" -v cpu="$cpu" -v ru="$rusage" 'BEGIN {
		split(cpu, c, " "); split(ru, r, " ")
		printf "%.3f %.3f %d %d\n", (t1 - t0) * 1000, (c[1] + c[2]) * 1000, r[2], r[1]
	}' >>"$key.runs"
}

# The exit code of KEY's last run.
last_exit() {
	tail -n 1 "$1.runs" | awk '{ print $4 }'
}

# warm_up KEY LABEL CMD...: one run, not counted; show what the command answers.
# A check that does not say OK is not measured: it would time a failure.
warm_up() {
	local key=$1 label=$2 rc
	shift 2
	: >"$key.runs"
	measure "$key" "$@"
	rc=$(last_exit "$key")
	printf '  %-30s exit %s  %s\n' "$label" "$rc" "$(head -n 1 "$key.out")"
	printf '%s\n' "$label" >"$key.label"
	show_cmd "$@" >"$key.cmd"
	if [ "$rc" != 0 ]; then
		printf '  command: %s\n' "$(<"$key.cmd")"
		sed 's/^/  | /' "$key.out" "$key.err" | head -n 20
		die "$label did not answer OK (exit $rc): nothing to benchmark"
	fi
	: >"$key.runs"
}

# The command as one line a reader can paste (quoted only where needed).
show_cmd() {
	local arg sep=
	for arg in "$@"; do
		if [[ $arg =~ ^[A-Za-z0-9_./,:=@%+-]+$ ]]; then
			printf '%s%s' "$sep" "$arg"
		else
			printf '%s%q' "$sep" "$arg"
		fi
		sep=' '
	done
}

# Runs of KEY that did not exit 0 (a check that failed while being measured).
failed_runs() {
	awk '$4 != 0 { n++ } END { print n + 0 }' "$1.runs"
}

# ---------------------------------------------------------------------------
# Reporting

row() {
	local key=$1
	printf '  %-34s %9.2f %9.2f %12.0f %s\n' "$(<"$key.label")" \
		"$(median "$key.runs" 1)" "$(median "$key.runs" 2)" "$(median "$key.runs" 3)" \
		"$(failures_note "$key")"
}

failures_note() {
	local n
	n=$(failed_runs "$1")
	[ "$n" -eq 0 ] || printf '(%s runs failed)' "$n"
}

ratio_row() {
	local a=$1 b=$2
	awk -v aw="$(median "$a.runs" 1)" -v ac="$(median "$a.runs" 2)" \
		-v am="$(median "$a.runs" 3)" -v bw="$(median "$b.runs" 1)" \
		-v bc="$(median "$b.runs" 2)" -v bm="$(median "$b.runs" 3)" -v name="$(<"$a.label")" '
	function ratio(x, y) { return y > 0 ? x / y : 0 }
	function speed(x, y,   r) {
		if (x <= 0 || y <= 0) return "n/a"
		r = y / x
		return r >= 1 ? sprintf("%.2fx faster", r) : sprintf("%.2fx slower", 1 / r)
	}
	BEGIN {
		printf "  %-34s %9.3f %9.3f %12.3f\n", "ratio A/B", ratio(aw, bw), ratio(ac, bc), ratio(am, bm)
		printf "  => A (%s) is %s in wall time, %s in CPU time\n", name, speed(aw, bw),
			speed(ac, bc)
	}'
}

# run_pair TITLE A_KEY B_KEY [N]: N (default RUNS) runs of each, alternating A B
# A B ... The commands are the arrays named after the keys (a warm-up run was
# done already).
run_pair() {
	local title=$1 a=$2 b=$3 n=${4:-$RUNS} i
	local -n a_cmd=$a b_cmd=$b
	printf '%s: %d runs each, alternating...\n' "$title" "$n" >&2
	for ((i = 0; i < n; i++)); do
		measure "$a" "${a_cmd[@]}"
		measure "$b" "${b_cmd[@]}"
	done
}

print_pair() {
	local title=$1 a=$2 b=$3
	printf '\n%s\n' "$title"
	printf '  A %s\n  B %s\n' "$(<"$a.cmd")" "$(<"$b.cmd")"
	row "$a"
	row "$b"
	ratio_row "$a" "$b"
}

# ratio_of A_KEY B_KEY COLUMN: A's median over B's.
ratio_of() {
	awk -v a="$(median "$1.runs" "$3")" -v b="$(median "$2.runs" "$3")" \
		'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}

# at_most TEXT A_KEY B_KEY COLUMN LIMIT: met when A/B in COLUMN is <= LIMIT.
at_most() {
	awk -v text="$1" -v r="$(ratio_of "$2" "$3" "$4")" -v limit="$5" 'BEGIN {
		printf "  %-44s %-8s (%.3f)\n", text, (r > 0 && r <= limit ? "met" : "NOT met"), r
	}'
}

# The performance targets of the design, judged on this run's medians.
targets() {
	echo
	echo 'targets (medians, A/B):'
	at_most 'system store: wall <= 1.0x check_smtp -S -D' ours_system check_smtp2 1 1.0
	at_most 'system store: CPU <= 1.0x check_smtp -S -D' ours_system check_smtp2 2 1.0
	at_most 'CA file: wall <= 0.6x check_smtp -S -D' ours_smtp check_smtp 1 0.6
	at_most 'CA file: CPU <= 0.6x check_smtp -S -D' ours_smtp check_smtp 2 0.6
	at_most 'CA file: peak RSS <= check_smtp -S -D' ours_smtp check_smtp 3 1.0
	at_most 'pgsql: CPU <= 1/200 of check_ssl_cert' ours_pgsql ssl_cert_pgsql 2 0.005
	at_most "-I over $POOL_SIZE addresses: wall <= 2x one" pool_all pool_one 1 2.0
	goal 'kafka: median wall < kcat -L' ours_kafka kcat 1
	goal 'kafka: median CPU < kcat -L' ours_kafka kcat 2
	goal 'kafka: median wall < openssl s_client' ours_kafka2 s_client 1
	goal 'kafka: median CPU < openssl s_client' ours_kafka2 s_client 2
}

# goal TEXT A_KEY B_KEY COLUMN: met when A's median in COLUMN is below B's.
goal() {
	awk -v text="$1" -v a="$(median "$2.runs" "$4")" -v b="$(median "$3.runs" "$4")" 'BEGIN {
		printf "  %-35s %-8s (%.2f vs %.2f ms)\n", text, (a < b ? "met" : "NOT met"), a, b
	}'
}

# ---------------------------------------------------------------------------

# make_kafka_certs: a leaf for the broker that names it by DNS name and by
# 127.0.0.1 (kcat verifies the address it connects to against the SANs; the
# plugins and s_client are given the DNS name), and the monitor's client
# certificate from a client CA of its own, as in tests/integration/kafka.sh.
make_kafka_certs() {
	make_key kafka-leaf &&
		cert_template "$TEST_DIR/kafka-leaf.tmpl" "$CERT_NAME" '-1 day' '+90 days' tls_www_server \
			signing_key "dns_name = \"$CERT_NAME\"" 'ip_address = "127.0.0.1"' &&
		sign_cert kafka-leaf ca &&
		make_ca client-ca &&
		make_client mon client-ca monitor '-1 day' '+90 days'
}

# start_pool PORT: openssl s_server on 127.0.2.1 ... 127.0.2.POOL_SIZE, all on
# PORT, each serving the leaf: the same server software for one address and for
# all of them.
start_pool() {
	local port=$1 n pid i
	for ((n = 1; n <= POOL_SIZE; n++)); do
		new_server_log "pool-$n"
		openssl s_server -quiet -cert leaf.pem -key leaf.key -accept "127.0.2.$n:$port" \
			</dev/null >"$SERVER_LOG" 2>&1 &
		pid=$!
		kill_at_exit "$pid"
		for i in $(seq 1 100); do
			(exec 3<>"/dev/tcp/127.0.2.$n/$port") 2>/dev/null && break
			kill -0 "$pid" 2>/dev/null || return 1
			sleep 0.05
		done
	done
}

# instructions CMD...: callgrind's instruction count for one run of CMD.
instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" </dev/null 2>&1 >/dev/null |
		awk '/Collected :/ { print $NF }'
}

# md_pair TITLE A_KEY B_KEY: the pair as rows of a markdown table.
md_pair() {
	local title=$1 a=$2 b=$3 key
	for key in "$a" "$b"; do
		printf '| %s | %s | %.2f | %.2f | %.0f |\n' "$title" "$(<"$key.label")" \
			"$(median "$key.runs" 1)" "$(median "$key.runs" 2)" "$(median "$key.runs" 3)"
		title=
	done
	printf '| | **ratio A/B** | **%s** | **%s** | **%s** |\n' "$(ratio_of "$a" "$b" 1)" \
		"$(ratio_of "$a" "$b" 2)" "$(ratio_of "$a" "$b" 3)"
}

markdown() {
	echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), \`bash bench/run.sh $RUNS\`" \
		"($RUNS runs per command, $SLOW_RUNS for the check_ssl_cert pairs)."
	echo "Machine: $(machine)."
	echo
	echo '| pair | command | wall ms | CPU ms | peak RSS KiB |'
	echo '|---|---|---:|---:|---:|'
	md_pair 'SMTP, CA file' ours_smtp check_smtp
	md_pair 'SMTP, system store' ours_system check_smtp2
	md_pair 'TLS at connect' ours_tls check_tcp
	md_pair 'TLS at connect' ours_tls2 gnutls_cli
	md_pair 'SMTP' ours_smtp2 ssl_cert_smtp
	md_pair 'PostgreSQL' ours_pgsql ssl_cert_pgsql
	md_pair 'Kafka mTLS' ours_kafka kcat
	md_pair 'Kafka mTLS' ours_kafka2 s_client
	md_pair "-I, $POOL_SIZE addresses" pool_all pool_one
	printf '| harness | floor: /bin/true | %.2f | %.2f | %.0f |\n' "$(median floor.runs 1)" \
		"$(median floor.runs 2)" "$(median floor.runs 3)"
	echo
	echo "Instructions of one check_tls_smtp run (callgrind): $INSN_CA with -C ca.pem," \
		"$INSN_SYSTEM with the system store."
	echo
	targets | sed -n 's/^  \(.*\)/- \1/p'
}

main() {
	local smtp_port pg_port kafka_port tls_port pool_port failed=0 key i n
	check_requirements
	lib_init
	cd "$TEST_DIR" || die "cannot enter $TEST_DIR"

	make_ca ca || die "certtool could not make the CA"
	make_leaf leaf ca "$CERT_NAME" "$CERT_NAME" '-1 day' '+90 days' ||
		die "certtool could not make the leaf certificate"
	# The system store with the test root, in this private mount namespace only.
	if ! cat "$SYSTEM_BUNDLE" ca.pem >system-bundle.pem ||
		! mount --bind system-bundle.pem "$SYSTEM_BUNDLE"; then
		die "cannot mount a copy of $SYSTEM_BUNDLE over it"
	fi
	start_smtpd starttls "$TEST_DIR/leaf.pem" "$TEST_DIR/leaf.key" ||
		die "aiosmtpd did not start (log: $SERVER_LOG)"
	smtp_port=$SERVER_PORT
	start_gnutls_serv leaf.pem leaf.key --disable-client-cert ||
		die "gnutls-serv did not start (log: $SERVER_LOG)"
	tls_port=$SERVER_PORT
	start_postgres "$TEST_DIR/leaf.pem" "$TEST_DIR/leaf.key" || die "PostgreSQL did not start"
	pg_port=$PG_PORT # set by lib.sh's start_postgres
	make_kafka_certs || die "certtool could not make the Kafka certificates"
	start_kafka_mock || die "the Kafka mock broker did not start"
	start_stunnel mtls kafka-leaf 'verify = 2' "CAfile = $TEST_DIR/client-ca.pem" ||
		die "stunnel did not start (log: $SERVER_LOG)"
	kafka_port=$SERVER_PORT
	pool_port=$(free_port) || die 'no free port'
	start_pool "$pool_port" || die "openssl s_server (pool) did not start"

	# check_ssl_cert verifies the chain with --rootcert-file and the name with -m;
	# --ignore-sct because a private CA's certificates carry no CT timestamps.
	# shellcheck disable=SC2034 # used through run_pair's namerefs
	{
		ours_smtp=("$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$smtp_port" -C ca.pem -N "$CERT_NAME")
		ours_smtp2=("${ours_smtp[@]}")
		ours_system=("$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$smtp_port" -N "$CERT_NAME")
		check_smtp=("$CHECK_SMTP" -H 127.0.0.1 -p "$smtp_port" -S -D '14,7')
		check_smtp2=("${check_smtp[@]}")
		ours_tls=("$CHECK_TLS" -H 127.0.0.1 -p "$tls_port" -C ca.pem -N "$CERT_NAME")
		ours_tls2=("${ours_tls[@]}")
		check_tcp=("$CHECK_TCP" -H 127.0.0.1 -p "$tls_port" -S -D '14,7')
		gnutls_cli=(gnutls-cli --x509cafile ca.pem --verify-hostname "$CERT_NAME"
			-p "$tls_port" 127.0.0.1)
		ssl_cert_smtp=("$CHECK_SSL_CERT" -H 127.0.0.1 -p "$smtp_port" -P smtp
			--rootcert-file ca.pem -m "$CERT_NAME" --ignore-sct)
		ours_pgsql=("$CHECK_TLS_PGSQL" -H 127.0.0.1 -p "$pg_port" -C ca.pem -N "$CERT_NAME")
		ssl_cert_pgsql=("$CHECK_SSL_CERT" -H 127.0.0.1 -p "$pg_port" -P postgres
			--rootcert-file ca.pem -m "$CERT_NAME" --ignore-sct)
		# The same client certificate for all three. kcat (librdkafka) verifies
		# the chain and the address it connects to; s_client is told to verify
		# both and to stop when they fail, or it would go on and exit 0.
		ours_kafka=("$CHECK_TLS_KAFKA" -H 127.0.0.1 -p "$kafka_port" -C ca.pem -N "$CERT_NAME"
			--client-cert mon.pem --client-key mon.key)
		ours_kafka2=("${ours_kafka[@]}")
		kcat=("$KCAT" -L -b "127.0.0.1:$kafka_port" -X security.protocol=ssl
			-X ssl.ca.location=ca.pem -X ssl.certificate.location=mon.pem
			-X ssl.key.location=mon.key)
		s_client=(openssl s_client -connect "127.0.0.1:$kafka_port" -CAfile ca.pem
			-cert mon.pem -key mon.key -verify_hostname "$CERT_NAME" -verify_return_error)
		pool_one=("$CHECK_TLS" -H "$CERT_NAME" -p "$pool_port" -C ca.pem -I 127.0.2.1)
		pool_all=("$CHECK_TLS" -H "$CERT_NAME" -p "$pool_port" -C ca.pem)
		for ((n = 1; n <= POOL_SIZE; n++)); do
			pool_all+=(-I "127.0.2.$n")
		done
		floor=(/bin/true)
	}

	echo "tlscheck bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(machine)"
	echo "listeners: aiosmtpd STARTTLS 127.0.0.1:$smtp_port," \
		"gnutls-serv 127.0.0.1:$tls_port," \
		"PostgreSQL $(basename "$(dirname "$PG_BIN")") ssl=on 127.0.0.1:$pg_port," \
		"Kafka (librdkafka mock) behind stunnel4 verify=2 127.0.0.1:$kafka_port," \
		"$POOL_SIZE openssl s_server on 127.0.2.1-$POOL_SIZE:$pool_port;" \
		"leaf '$CERT_NAME' (ECDSA P-256) signed by a private root in ca.pem," \
		"also in the system store mounted over $SYSTEM_BUNDLE"
	echo "runs: $RUNS per command ($SLOW_RUNS for the check_ssl_cert pairs)," \
		"A and B alternating, after one warm-up run each"
	echo
	echo "warm-up (exit code, first line of output):"
	warm_up ours_smtp check_tls_smtp "${ours_smtp[@]}"
	warm_up check_smtp 'check_smtp -S -D' "${check_smtp[@]}"
	warm_up ours_system 'check_tls_smtp, system store' "${ours_system[@]}"
	warm_up check_smtp2 'check_smtp -S -D' "${check_smtp2[@]}"
	warm_up ours_tls check_tls "${ours_tls[@]}"
	warm_up check_tcp 'check_tcp -S -D' "${check_tcp[@]}"
	warm_up ours_tls2 check_tls "${ours_tls2[@]}"
	warm_up gnutls_cli 'gnutls-cli (handshake)' "${gnutls_cli[@]}"
	warm_up ours_smtp2 check_tls_smtp "${ours_smtp2[@]}"
	warm_up ssl_cert_smtp 'check_ssl_cert -P smtp' "${ssl_cert_smtp[@]}"
	warm_up ours_pgsql check_tls_pgsql "${ours_pgsql[@]}"
	warm_up ssl_cert_pgsql 'check_ssl_cert -P postgres' "${ssl_cert_pgsql[@]}"
	warm_up ours_kafka check_tls_kafka "${ours_kafka[@]}"
	warm_up kcat 'kcat -L' "${kcat[@]}"
	warm_up ours_kafka2 check_tls_kafka "${ours_kafka2[@]}"
	warm_up s_client 'openssl s_client' "${s_client[@]}"
	warm_up pool_all "check_tls -I x $POOL_SIZE" "${pool_all[@]}"
	warm_up pool_one 'check_tls -I x 1' "${pool_one[@]}"
	warm_up floor 'floor: /bin/true' "${floor[@]}"

	run_pair 'SMTP STARTTLS, CA file' ours_smtp check_smtp
	run_pair 'SMTP STARTTLS, system store' ours_system check_smtp2
	run_pair 'TLS at connect' ours_tls check_tcp
	run_pair 'TLS at connect' ours_tls2 gnutls_cli
	run_pair 'SMTP STARTTLS' ours_smtp2 ssl_cert_smtp "$SLOW_RUNS"
	run_pair 'PostgreSQL SSLRequest' ours_pgsql ssl_cert_pgsql "$SLOW_RUNS"
	run_pair 'Kafka mTLS' ours_kafka kcat
	run_pair 'Kafka mTLS' ours_kafka2 s_client
	run_pair "-I over $POOL_SIZE addresses" pool_all pool_one
	for ((i = 0; i < RUNS; i++)); do
		measure floor "${floor[@]}"
	done
	INSN_CA=$(instructions "${ours_smtp[@]}")
	INSN_SYSTEM=$(instructions "${ours_system[@]}")

	echo
	printf '  %-34s %9s %9s %12s\n' 'median of each command' 'wall ms' 'CPU ms' 'peak RSS KiB'
	print_pair 'SMTP STARTTLS, chain + name verified (CA file) vs expiry only' ours_smtp check_smtp
	print_pair 'SMTP STARTTLS, chain + name verified (system store) vs expiry only' \
		ours_system check_smtp2
	print_pair 'TLS at connect, chain + name verified vs expiry only' ours_tls check_tcp
	print_pair 'TLS at connect, vs the handshake alone (the floor)' ours_tls2 gnutls_cli
	print_pair 'SMTP STARTTLS, both verify chain + name' ours_smtp2 ssl_cert_smtp
	print_pair 'PostgreSQL SSLRequest, both verify chain + name' ours_pgsql ssl_cert_pgsql
	print_pair 'Kafka mTLS, both send the client certificate and verify chain + name' \
		ours_kafka kcat
	print_pair 'Kafka mTLS, the handshake alone (s_client speaks no Kafka)' ours_kafka2 s_client
	print_pair "$POOL_SIZE addresses at once vs one" pool_all pool_one
	printf '\ninstructions of one check_tls_smtp run (callgrind): %s with -C, %s with the system store\n' \
		"$INSN_CA" "$INSN_SYSTEM"
	targets
	printf '\nthe harness alone (GNU time + fork/exec of /bin/true), included in every row:\n'
	row floor
	echo
	echo 'CPU = user + system of the check and every process it starts; peak RSS = the'
	echo 'largest single process (GNU time %M), not a sum over a script'"'"'s children.'
	markdown >"$TEST_DIR/table.md"
	printf '\nas markdown:\n\n'
	cat "$TEST_DIR/table.md"
	[ -z "${BENCH_WRITE:-}" ] || write_doc bench "$TEST_DIR/table.md"

	for key in ours_smtp check_smtp ours_system check_smtp2 ours_tls check_tcp ours_tls2 \
		gnutls_cli ours_smtp2 ssl_cert_smtp ours_pgsql ssl_cert_pgsql ours_kafka kcat \
		ours_kafka2 s_client pool_all pool_one; do
		[ "$(failed_runs "$key")" -eq 0 ] || failed=1
	done
	[ "$failed" -eq 0 ] || die "some measured runs did not exit 0: see the table"
}

# The whole bench in a private mount namespace, where the system store can be
# replaced by a copy holding the test root without touching the machine's.
if [ -z "${TLSCHECK_BENCH_PRIVATE:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root: PostgreSQL is started as user postgres"
	exec unshare -m env TLSCHECK_BENCH_PRIVATE=1 bash "$SRC/bench/run.sh" "$@"
fi
main
