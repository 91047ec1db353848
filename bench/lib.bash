# shellcheck shell=bash
# bench/lib.bash — what the bench scripts share: stopping with a message,
# checking for programs, medians, the machine's description and writing a
# table into doc/PERFORMANCE.md. Sourced by bench/run.sh and bench/discover.sh.

die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# bench_init SCRIPT DEFAULT_RUNS: RUNS is a positive integer (SCRIPT's usage
# otherwise), TLSCHECK_BUILDDIR the build directory (default: the source tree
# SRC); both directories exported for tests/integration/lib.sh.
bench_init() {
	local builddir=${TLSCHECK_BUILDDIR:-$SRC}
	case $RUNS in
	'' | *[!0-9]*)
		die "usage: bash bench/$1 [RUNS]  (RUNS: a positive integer, default $2)"
		;;
	esac
	[ "$RUNS" -ge 1 ] || die "RUNS must be at least 1"
	TLSCHECK_BUILDDIR=$(cd "$builddir" 2>/dev/null && pwd) ||
		die "TLSCHECK_BUILDDIR=$builddir is not a directory"
	TLSCHECK_SRCDIR=$SRC
	export TLSCHECK_BUILDDIR TLSCHECK_SRCDIR
}

# need_prog PROGRAM PACKAGE: PROGRAM (a path or a name in PATH) is runnable.
need_prog() {
	if [ "${1#/}" != "$1" ]; then
		[ -x "$1" ] && return 0
	elif command -v "$1" >/dev/null 2>&1; then
		return 0
	fi
	die "$1 not found: install the Debian package $2"
}

# median FILE COLUMN
median() {
	awk -v col="$2" '{ print $col }' "$1" | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

machine() {
	local cpu debian
	cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	debian=$(cat /etc/debian_version 2>/dev/null || echo unknown)
	printf '%s CPUs (%s), Debian %s, Linux %s, load average %s\n' "$(nproc)" "$cpu" \
		"$debian" "$(uname -r)" "$(cut -d ' ' -f 1-3 /proc/loadavg)"
}

# write_doc NAME FILE: replace what lies between the markers <!-- NAME:begin -->
# and <!-- NAME:end --> of doc/PERFORMANCE.md with FILE.
write_doc() {
	local doc=$TLSCHECK_SRCDIR/doc/PERFORMANCE.md
	grep -q "^<!-- $1:begin -->\$" "$doc" || die "no $1 markers in $doc"
	awk -v begin="<!-- $1:begin -->" -v end="<!-- $1:end -->" -v table="$2" '
		$0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
		$0 == end { skip = 0 }
		!skip' "$doc" >"$doc.new" && mv "$doc.new" "$doc"
	echo "bench: doc/PERFORMANCE.md updated"
}
