#!/bin/bash
# bench/discover.sh — tlscheck-discover over 100 listeners on loopback, side by
# side with the same 100 ports one tlscheck-discover each and with nmap; then
# over all 65,535 ports of the host, side by side with nmap's port scan and
# with nmap's service and certificate scan of the open ports; in one run, in a
# network namespace of its own (unshare -n: no other listener of the machine
# counts, and what is listed is exactly what the bench started).
#
#   bash bench/discover.sh [RUNS]     RUNS of each timed command, default 3
#
# The listeners, all on 127.0.0.1, on ports no protocol claims: 30 gnutls-serv
# (TLS at connect, one leaf signed by a private root in ca.pem), 30 aiosmtpd
# without STARTTLS (plaintext SMTP) and 40 closed ports. Then, after each other:
#   ours        tlscheck-discover -C ca.pem -t 3 127.0.0.1:P1,...,P100
#   sequential  the same 100 ports, one tlscheck-discover each, one after
#               another: the baseline (once, whatever RUNS: it takes over a minute)
#   nmap        nmap -Pn -sV --version-light --script ssl-cert -p P1,...,P100
#               127.0.0.1 (finds the services and reads the certificates: the
#               closest existing tool)
# and over the whole host:
#   all         tlscheck-discover -C ca.pem -t 3 127.0.0.1:1-65535
#   scan        nmap -sT -Pn -n -p- 127.0.0.1 (the port scan alone)
#   open        tlscheck-discover -C ca.pem -t 3 127.0.0.1:OPEN (the 60 ports
#               the scan found open, alone)
#   nmap-open   nmap -sT -Pn -sV --version-light --script ssl-cert -p OPEN
#               127.0.0.1
# Each runs RUNS times, alternating. Every run must find what is
# there (discover: the 30 TLS listeners with the leaf's days left, trusted by
# ca.pem, and the 30 SMTP listeners without STARTTLS, nothing else; nmap: the
# leaf on each of the 30 TLS ports; the scan: the 60 ports open, no other), or
# the bench stops: a broken run is not timed as a fast one.
# Prints, per command, the median wall time, CPU time (user + system) and peak
# RSS from GNU time, the ratios, and the targets: the whole host within 64 MiB
# of peak RSS, and within 3x the wall time of scan + open.
# With BENCH_WRITE=1 the table also replaces the one between the discover
# markers of doc/PERFORMANCE.md.
#
# Environment:
#   TLSCHECK_BUILDDIR   where plugins/tlscheck-discover is built (default: the
#                       source tree, i.e. an in-tree build)
#   NMAP                the peer (default /usr/bin/nmap)
#   BENCH_NOTE          what else the machine was doing, for the table's header
#                       (e.g. "a CI run going on")
#   NMAP_LIGHT          1 (default): nmap -sV --version-light; 0: -sV at its
#                       default intensity, which takes minutes a run
#
# Needs root: scripts/install-deps.sh installs what is missing, and nmap -sV
# scans as root does by default (SYN scan on raw sockets).

set -u
export LC_ALL=C
# nmap prints the certificate's dates in the local zone; the leaf's are in UTC.
export TZ=UTC

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=${1:-3}
N_TLS=30
N_SMTP=30
N_CLOSED=40
CERT_NAME=bench.tlscheck.test
CERT_DAYS=90
NMAP=${NMAP:-/usr/bin/nmap}
NMAP_LIGHT=${NMAP_LIGHT:-1}
GNU_TIME=/usr/bin/time
# A run that takes longer than this (seconds) is a hang, not a result.
LIMIT_OURS=120
LIMIT_SEQUENTIAL=900
LIMIT_NMAP=1800
LIMIT_ALL=600
LIMIT_SCAN=120
# The targets of the whole host's run.
TARGET_RSS_KIB=$((64 * 1024))
TARGET_WALL_RATIO=3

# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$SRC/bench/lib.bash" || { echo "bench: cannot read bench/lib.bash" >&2; exit 1; }

bench_init discover.sh 3

# shellcheck source-path=SCRIPTDIR source=../tests/integration/lib.sh
. "$SRC/tests/integration/lib.sh" || die "cannot read tests/integration/lib.sh"
DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover

# Outside the namespace, where the package mirror is reachable.
install_requirements() {
	[ "$(id -u)" -eq 0 ] || die "run as root: scripts/install-deps.sh installs what is missing"
	bash "$TLSCHECK_SRCDIR/scripts/install-deps.sh" bench || die "cannot install the peers"
	need_prog unshare util-linux
	need_prog ip iproute2
}

check_requirements() {
	[ -x "$DISCOVER" ] ||
		die "$DISCOVER is not built: run make (or set TLSCHECK_BUILDDIR to the build directory)"
	need_prog "$NMAP" nmap
	need_prog "$GNU_TIME" time
	need_prog certtool gnutls-bin
	need_prog gnutls-serv gnutls-bin
	need_prog "$PYTHON" python3
	"$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd not found: install python3-aiosmtpd"
	[ -z "${BENCH_WRITE:-}" ] ||
		grep -q '^<!-- discover:begin -->$' "$TLSCHECK_SRCDIR/doc/PERFORMANCE.md" ||
		die "no discover markers in doc/PERFORMANCE.md"
}

# ---------------------------------------------------------------------------
# The listeners

TLS_PORTS=()
SMTP_PORTS=()
CLOSED_PORTS=()
declare -A TAKEN=()

start_listeners() {
	local i port
	for ((i = 0; i < N_TLS; i++)); do
		start_gnutls_serv leaf.pem leaf.key --disable-client-cert ||
			die "gnutls-serv did not start (log: $SERVER_LOG)"
		TLS_PORTS+=("$SERVER_PORT")
		TAKEN[$SERVER_PORT]=1
	done
	for ((i = 0; i < N_SMTP; i++)); do
		start_smtpd plain || die "aiosmtpd did not start (log: $SERVER_LOG)"
		SMTP_PORTS+=("$SERVER_PORT")
		TAKEN[$SERVER_PORT]=1
	done
	while [ "${#CLOSED_PORTS[@]}" -lt "$N_CLOSED" ]; do
		port=$(free_port) || die 'no free port'
		[ -z "${TAKEN[$port]:-}" ] || continue
		CLOSED_PORTS+=("$port")
		TAKEN[$port]=1
	done
}

# ---------------------------------------------------------------------------
# Measuring

# measure KEY LIMIT CMD...: one run of CMD in TEST_DIR, stopped after LIMIT
# seconds. Appends "wall_s cpu_s rss_kib exit" to KEY.runs (GNU time: %e, %U +
# %S, %M: the largest single process of the run); leaves its output in KEY.out.
measure() {
	local key=$1 limit=$2 rusage
	shift 2
	"$GNU_TIME" -f '%e %U %S %M %x' -o "$key.rusage" timeout -k 5 "$limit" "$@" \
		</dev/null >"$key.out" 2>"$key.err"
	# After a non-zero exit GNU time writes a line of its own before the format.
	rusage=$(tail -n 1 "$key.rusage")
	awk -v ru="$rusage" 'BEGIN {
		split(ru, r, " ")
		printf "%.2f %.2f %d %d\n", r[1], r[2] + r[3], r[4], r[5]
	}' >>"$key.runs"
}

# found_wrong KEY WHAT: stop, showing the run's output.
found_wrong() {
	local key=$1
	shift
	printf '  last run: %s\n' "$(tail -n 1 "$key.runs")" >&2
	sed 's/^/  | /' "$key.out" "$key.err" | head -n 40 >&2
	die "$(<"$key.label"): $*"
}

# check_exit KEY: the last run exited 0.
check_exit() {
	local rc
	rc=$(tail -n 1 "$1.runs" | awk '{ print $4 }')
	[ "$rc" = 0 ] || found_wrong "$1" "exit $rc (124: stopped after its time limit)"
}

# The ports of a list, sorted, one a line.
sorted() {
	printf '%s\n' "$@" | sort -n
}

# check_discover KEY: the output of tlscheck-discover (one run or the
# sequential loop's) lists each TLS port once as TLS with the leaf's days left
# and ca.pem as its store, each SMTP port once as SMTP without TLS, and nothing
# else (closed ports are listed only with -v).
check_discover() {
	local key=$1 tls smtp other
	check_exit "$key"
	# A listener's row: DAYS STATE LISTENER PROTOCOL TRUSTED-BY ...; STATE "NO TLS"
	# is two words. The command lines under TLS rows name no 127.0.0.1:PORT.
	tls=$(awk -v days="$CERT_DAYS" '$3 ~ /^127\.0\.0\.1:/ && $2 == "OK" && $4 == "tls" &&
		$5 == "ca.pem" && $1 >= days - 1 && $1 <= days { sub(/.*:/, "", $3); print $3 }' \
		"$key.out" | sort -n)
	smtp=$(awk '$4 ~ /^127\.0\.0\.1:/ && $2 == "NO" && $3 == "TLS" && $5 == "smtp" {
		sub(/.*:/, "", $4); print $4 }' "$key.out" | sort -n)
	other=$(grep -cE ' 127\.0\.0\.1:[0-9]+ ' "$key.out")
	[ "$tls" = "$(sorted "${TLS_PORTS[@]}")" ] ||
		found_wrong "$key" "not the $N_TLS TLS listeners with $CERT_DAYS days left, trusted by ca.pem"
	[ "$smtp" = "$(sorted "${SMTP_PORTS[@]}")" ] ||
		found_wrong "$key" "not the $N_SMTP SMTP listeners without STARTTLS"
	[ "$other" -eq $((N_TLS + N_SMTP)) ] ||
		found_wrong "$key" "$other listeners listed, not $((N_TLS + N_SMTP))"
}

# check_nmap KEY: nmap read the leaf (its subject and expiry) on each TLS port
# and on no other, and named each SMTP port smtp.
check_nmap() {
	local key=$1 not_after tls smtp
	check_exit "$key"
	not_after=$(sed -n 's/^expiration_date = "\(.*\) \(.*\)"$/\1T\2/p' leaf.tmpl)
	tls=$(awk -v cn="commonName=$CERT_NAME" -v after="$not_after" '
		$1 ~ /^[0-9]+\/tcp$/ { port = $1; sub(/\/.*/, "", port) }
		/ssl-cert: Subject:/ && index($0, cn) { subject[port] = 1 }
		/Not valid after:/ && $NF == after && subject[port] { print port }' "$key.out" | sort -n)
	smtp=$(awk '$1 ~ /^[0-9]+\/tcp$/ && $2 == "open" && $3 == "smtp" {
		sub(/\/.*/, "", $1); print $1 }' "$key.out" | sort -n)
	[ "$tls" = "$(sorted "${TLS_PORTS[@]}")" ] ||
		found_wrong "$key" "did not read the leaf (expiring $not_after) on the $N_TLS TLS ports alone"
	[ "$smtp" = "$(sorted "${SMTP_PORTS[@]}")" ] ||
		found_wrong "$key" "did not name the $N_SMTP SMTP ports smtp"
}

# check_scan KEY: nmap's port scan found the 60 listeners open, and no other port.
check_scan() {
	local key=$1 open
	check_exit "$key"
	open=$(open_ports "$key.gnmap")
	[ "$open" = "$(sorted "${TLS_PORTS[@]}" "${SMTP_PORTS[@]}")" ] ||
		found_wrong "$key" "did not find the $((N_TLS + N_SMTP)) listeners open, and no other port"
}

# The open TCP ports of nmap's grepable output FILE, sorted, one a line.
open_ports() {
	grep -o '[0-9]*/open/tcp/' "$1" | cut -d / -f 1 | sort -n
}

# ---------------------------------------------------------------------------
# Reporting

# ratio A_KEY B_KEY COLUMN: A's median over B's.
ratio() {
	awk -v a="$(median "$1.runs" "$3")" -v b="$(sum_median "$2" "$3")" \
		'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}

# sum_median KEY[+KEY...] COLUMN: the sum of their medians.
sum_median() {
	local key total=0
	for key in ${1//+/ }; do
		total=$(awk -v t="$total" -v m="$(median "$key.runs" "$2")" 'BEGIN { print t + m }')
	done
	echo "$total"
}

# The targets of the whole host's run, met or missed.
targets() {
	local rss wall within
	rss=$(median all.runs 3)
	wall=$(ratio all scan+open 1)
	within=$(awk -v r="$rss" -v t="$TARGET_RSS_KIB" 'BEGIN { print (r <= t ? "met" : "missed") }')
	echo "Target: peak RSS of the whole host within $((TARGET_RSS_KIB / 1024)) MiB:" \
		"$rss KiB, $within."
	within=$(awk -v r="$wall" -v t="$TARGET_WALL_RATIO" 'BEGIN { print (r <= t ? "met" : "missed") }')
	echo "Target: wall time of the whole host within ${TARGET_WALL_RATIO}x of the port scan" \
		"plus tlscheck-discover on the open ports alone: ${wall}x, $within."
}

row() {
	printf '  %-44s %9.2f %9.2f %12.0f   (%d runs)\n' "$(<"$1.label")" "$(median "$1.runs" 1)" \
		"$(median "$1.runs" 2)" "$(median "$1.runs" 3)" "$(wc -l <"$1.runs")"
}

ratio_row() {
	printf '  %-44s %9s %9s %12s\n' "$1" "$(ratio "$2" "$3" 1)" "$(ratio "$2" "$3" 2)" \
		"$(ratio "$2" "$3" 3)"
}

md_row() {
	printf '| %s | %s | %d | %.2f | %.2f | %.0f |\n' "$(<"$1.label")" "$2" "$(wc -l <"$1.runs")" \
		"$(median "$1.runs" 1)" "$(median "$1.runs" 2)" "$(median "$1.runs" 3)"
}

md_ratio() {
	printf '| **%s** | | | **%s** | **%s** | **%s** |\n' "$1" "$(ratio "$2" "$3" 1)" \
		"$(ratio "$2" "$3" 2)" "$(ratio "$2" "$3" 3)"
}

markdown() {
	echo "Run of $(date -u '+%Y-%m-%d %H:%M UTC'), \`bash bench/discover.sh $RUNS\`" \
		"(medians of $RUNS runs; the sequential loop once), in a network namespace of its own."
	echo "Machine: $MACHINE at the start, $(cut -d ' ' -f 1-3 /proc/loadavg) at the end${BENCH_NOTE:+ ($BENCH_NOTE)}."
	echo "Listeners on 127.0.0.1: $N_TLS gnutls-serv, $N_SMTP aiosmtpd without STARTTLS," \
		"$N_CLOSED closed. $NMAP_VERSION, $(gnutls-serv --version | head -n 1)."
	echo
	echo '| run | command | runs | wall s | CPU s | peak RSS KiB |'
	echo '|---|---|---:|---:|---:|---:|'
	md_row ours '`tlscheck-discover -C ca.pem -t 3 127.0.0.1:P1,...,P100`'
	md_row sequential 'the same, one port a run: `tlscheck-discover -C ca.pem -t 3 127.0.0.1:P` for each P'
	md_row nmap "\`nmap ${NMAP_ARGS[*]} -p P1,...,P100 127.0.0.1\`"
	md_ratio 'ratio ours / sequential' ours sequential
	md_ratio 'ratio ours / nmap' ours nmap
	md_row all '`tlscheck-discover -C ca.pem -t 3 127.0.0.1:1-65535`'
	md_row scan "\`nmap ${SCAN_ARGS[*]} 127.0.0.1\`"
	md_row open '`tlscheck-discover -C ca.pem -t 3 127.0.0.1:OPEN` (the 60 open ports alone)'
	md_row nmap_open "\`nmap ${NMAP_OPEN_ARGS[*]} -p OPEN 127.0.0.1\`"
	md_ratio 'ratio all / (scan + open)' all scan+open
	md_ratio 'ratio open / nmap on the open ports' open nmap_open
	echo
	targets
	echo
	echo "Every run found what is there: tlscheck-discover the $N_TLS TLS listeners" \
		"($CERT_DAYS days left, trusted by ca.pem) and the $N_SMTP SMTP listeners without" \
		"STARTTLS, nmap the leaf on the $N_TLS TLS ports."
}

main() {
	local ports list open i
	if [ -z "${BENCH_IN_NETNS:-}" ]; then
		install_requirements
		# shellcheck disable=SC2016 # expanded by the inner bash
		exec unshare -n env BENCH_IN_NETNS=1 bash -c 'ip link set lo up && exec bash "$@"' \
			bench "${BASH_SOURCE[0]}" "$RUNS"
	fi
	check_requirements
	lib_init
	cd "$TEST_DIR" || die "cannot enter $TEST_DIR"
	MACHINE=$(machine)
	NMAP_VERSION=$("$NMAP" --version | awk 'NR == 1 { print "nmap " $3 }')

	make_ca ca || die "certtool could not make the CA"
	make_leaf leaf ca "$CERT_NAME" "$CERT_NAME" '-1 day' "+$CERT_DAYS days" ||
		die "certtool could not make the leaf certificate"
	echo "starting $N_TLS gnutls-serv and $N_SMTP aiosmtpd on 127.0.0.1..." >&2
	start_listeners
	# Sorted, the three kinds are mixed as on a real host.
	ports=$(sorted "${TLS_PORTS[@]}" "${SMTP_PORTS[@]}" "${CLOSED_PORTS[@]}")
	list=$(printf '%s' "$ports" | tr '\n' ',')
	mapfile -t ports <<<"$ports"

	# -sV at its default intensity tries every probe of its list on each service
	# it cannot name to the version (here all 60): over five minutes for the 100
	# ports. --version-light (intensity 2) still finds TLS under an unknown
	# service, which is what ssl-cert needs, and names SMTP.
	NMAP_ARGS=(-Pn -sV)
	[ "$NMAP_LIGHT" = 0 ] || NMAP_ARGS+=(--version-light)
	NMAP_ARGS+=(--script ssl-cert)
	# shellcheck disable=SC2016 # expanded by the inner bash
	{
		ours=("$DISCOVER" -C ca.pem -t 3 "127.0.0.1:$list")
		sequential=(bash -c 'd=$1; shift; for p; do "$d" -C ca.pem -t 3 "127.0.0.1:$p"; done'
			sequential "$DISCOVER" "${ports[@]}")
		nmap=("$NMAP" "${NMAP_ARGS[@]}" -p "$list" 127.0.0.1)
	}
	SCAN_ARGS=(-sT -Pn -n -p-)
	NMAP_OPEN_ARGS=(-sT "${NMAP_ARGS[@]}")
	all=("$DISCOVER" -C ca.pem -t 3 127.0.0.1:1-65535)
	scan=("$NMAP" "${SCAN_ARGS[@]}" -oG scan.gnmap 127.0.0.1)
	open=$(sorted "${TLS_PORTS[@]}" "${SMTP_PORTS[@]}" | paste -sd ,)
	echo 'tlscheck-discover, all 65,535 ports' >all.label
	echo 'nmap -sT -p- (the port scan alone)' >scan.label
	echo 'tlscheck-discover, the open ports alone' >open.label
	echo 'nmap -sT -sV --script ssl-cert, the open ports' >nmap_open.label
	: >all.runs
	: >scan.runs
	: >open.runs
	: >nmap_open.runs
	echo tlscheck-discover >ours.label
	echo 'one tlscheck-discover a port, sequentially' >sequential.label
	echo nmap >nmap.label
	: >ours.runs
	: >sequential.runs
	: >nmap.runs

	echo "tlscheck discover bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $MACHINE"
	echo "listeners on 127.0.0.1: $N_TLS gnutls-serv (leaf '$CERT_NAME', $CERT_DAYS days," \
		"signed by a private root in ca.pem), $N_SMTP aiosmtpd without STARTTLS," \
		"$N_CLOSED closed: ports $list"
	echo "runs: $RUNS of tlscheck-discover and of nmap, alternating; the sequential loop once"
	for ((i = 1; i <= RUNS; i++)); do
		echo "run $i of $RUNS: tlscheck-discover..." >&2
		measure ours "$LIMIT_OURS" "${ours[@]}"
		check_discover ours
		if [ "$i" -eq 1 ]; then
			echo "the same 100 ports one tlscheck-discover each (about 80 s)..." >&2
			measure sequential "$LIMIT_SEQUENTIAL" "${sequential[@]}"
			check_discover sequential
		fi
		echo "run $i of $RUNS: nmap..." >&2
		measure nmap "$LIMIT_NMAP" "${nmap[@]}"
		check_nmap nmap
		echo "run $i of $RUNS: the whole host: tlscheck-discover..." >&2
		measure all "$LIMIT_ALL" "${all[@]}"
		check_discover all
		echo "run $i of $RUNS: the whole host: nmap's port scan..." >&2
		measure scan "$LIMIT_SCAN" "${scan[@]}"
		check_scan scan
		echo "run $i of $RUNS: tlscheck-discover on the open ports..." >&2
		measure open "$LIMIT_OURS" "$DISCOVER" -C ca.pem -t 3 "127.0.0.1:$(open_ports scan.gnmap | paste -sd ,)"
		check_discover open
		echo "run $i of $RUNS: nmap -sV --script ssl-cert on the open ports..." >&2
		measure nmap_open "$LIMIT_NMAP" "$NMAP" "${NMAP_OPEN_ARGS[@]}" -p "$open" 127.0.0.1
		check_nmap nmap_open
	done

	echo
	printf '  %-44s %9s %9s %12s\n' 'median of each command' 'wall s' 'CPU s' 'peak RSS KiB'
	row ours
	row sequential
	row nmap
	ratio_row 'ratio ours / sequential' ours sequential
	ratio_row 'ratio ours / nmap' ours nmap
	row all
	row scan
	row open
	row nmap_open
	ratio_row 'ratio all / (scan + open)' all scan+open
	ratio_row 'ratio open / nmap on the open ports' open nmap_open
	echo
	targets
	echo
	echo 'CPU = user + system of the command and every process it starts; peak RSS = the'
	echo 'largest single process (GNU time %M), for the sequential loop its largest run.'
	markdown >"$TEST_DIR/table.md"
	printf '\nas markdown:\n\n'
	cat "$TEST_DIR/table.md"
	[ -z "${BENCH_WRITE:-}" ] || write_doc discover "$TEST_DIR/table.md"
}

main
