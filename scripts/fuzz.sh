#!/bin/bash
# fuzz.sh BUILDDIR SECONDS [HARNESS...]: run each libFuzzer harness of BUILDDIR
# (configured with --enable-fuzzing) for SECONDS, one after the other, starting
# from its seed corpus in tests/fuzz/corpus/NAME. New inputs go to a scratch
# corpus in BUILDDIR, never into the tree; a crash, leak or timeout leaves its
# input in BUILDDIR/tests/fuzz/crash-NAME/ to become a regression test.
# Prints one line per harness ("PASS: fuzz NAME 30s 12345 runs cov 210") and
# exits 1 if any found something.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$1 seconds=$2
shift 2
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(cli kafka ldap mqtt mysql pgsql redis textproto time xmpp)

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
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
		echo "PASS: fuzz $name ${seconds}s ${runs:-?} runs ${cov:-}"
	else
		echo "FAIL: fuzz $name (inputs in $crashes)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5
		status=1
	fi
done
exit "$status"
