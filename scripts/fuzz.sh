#!/bin/bash
# fuzz.sh BUILDDIR SECONDS [HARNESS...]: run each libFuzzer harness of BUILDDIR
# (configured with --enable-fuzzing) for SECONDS, one after the other, starting
# from its seed corpus in tests/fuzz/corpus/NAME. New inputs go to a scratch
# corpus in BUILDDIR, never into the tree; a crash, leak or timeout leaves its
# input in BUILDDIR/tests/fuzz/crash-NAME/ to become a regression test.
# Prints one line per harness ("PASS: fuzz pgsql 20s 12345 runs, edges reached:
# protocols/pgsql.c 8/9") and exits 1 if any found something or never reached
# the parser it is for.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 seconds=$2
shift 2
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(cli dane dns grpc h2 hpack kafka ldap mqtt mysql pgsql redis targets textproto
	time validity xmpp)

# The sources each harness is there to reach: its coverage of them is reported,
# and a harness that reaches none of their edges fails (a fuzzer that never gets
# to its parser finds nothing, and says so only here).
declare -A PARSERS=(
	[cli]='cli.c'
	[dane]='dane.c'
	[dns]='dns.c'
	[grpc]='protocols/grpc.c h2frame.c'
	[h2]='protocols/h2.c h2frame.c'
	[hpack]='hpack.c'
	[kafka]='protocols/kafka.c'
	[ldap]='protocols/ldap.c'
	[mqtt]='protocols/mqtt.c'
	[mysql]='protocols/mysql.c'
	[pgsql]='protocols/pgsql.c'
	[redis]='protocols/redis.c'
	[targets]='discover/discover.c'
	[textproto]='textproto.c protocols/smtp.c protocols/imap.c protocols/pop3.c protocols/ftp.c
		protocols/nntp.c protocols/sieve.c'
	[time]='threshold.c when.c'
	[validity]='validity.c'
	[xmpp]='protocols/xmpp.c'
)

# coverage NAME CORPUS...: "file covered/total edges" for each of NAME's parsers,
# from one pass over the corpora (-print_coverage=1 names every function).
coverage() {
	local name=$1 bin=$build/tests/fuzz/fuzz_$1
	shift
	"$bin" -runs=0 -print_coverage=1 "$@" 2>&1 |
		awk -v files="${PARSERS[$name]}" '
			BEGIN { n = split(files, want, /[ \t\n]+/) }
			/^(UN)?COVERED_FUNC:/ {
				split($5, e, "/")
				for (i = 1; i <= n; i++) {
					# discover/ is its own directory; the rest is common/.
					dir = want[i] ~ /^discover\// ? "/" : "/common/"
					if (want[i] != "" && index($NF, dir want[i] ":")) {
						hit[want[i]] += e[1]; all[want[i]] += e[2]
					}
				}
			}
			END {
				for (i = 1; i <= n; i++) {
					if (want[i] == "") continue
					printf "%s%s %d/%d", sep, want[i], hit[want[i]], all[want[i]]
					sep = ", "
					if (hit[want[i]] == 0) bad = 1
				}
				exit bad
			}'
}

status=0
for name in "${harnesses[@]}"; do
	bin=$build/tests/fuzz/fuzz_$name
	work=$build/tests/fuzz/corpus-$name
	crashes=$build/tests/fuzz/crash-$name
	log=$build/tests/fuzz/fuzz_$name.log
	dict=()
	[ ! -f "$top/tests/fuzz/$name.dict" ] || dict=(-dict="$top/tests/fuzz/$name.dict")
	mkdir -p "$work" "$crashes"
	# -timeout: one input may take 5 s at most (nothing here waits); -rss_limit_mb
	# and -malloc_limit_mb catch an allocation a hostile length could grow.
	if "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -malloc_limit_mb=256 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "${dict[@]}" \
		"$work" "$top/tests/fuzz/corpus/$name" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		if reached=$(coverage "$name" "$work" "$top/tests/fuzz/corpus/$name"); then
			echo "PASS: fuzz $name ${seconds}s ${runs:-?} runs, edges reached: $reached"
		else
			echo "FAIL: fuzz $name never reaches its parser: $reached"
			status=1
		fi
	else
		echo "FAIL: fuzz $name (inputs in $crashes)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5
		status=1
	fi
done
exit "$status"
