#!/bin/bash
# The whole test suite: install what it needs, build with warnings as errors and
# AddressSanitizer + UndefinedBehaviorSanitizer, run every unit and integration test;
# then, on a plain build, the integration tests that reach every parser and file
# reader once more with each plugin under valgrind; a short run of every libFuzzer
# harness (a clang build); then `make distcheck` (a plain build from the release
# tarball, tested again).
# Ends with one line: "N passed, N failed, N skipped". With CI=true a skipped test
# counts as a failure: every server is installed, so nothing may be skipped.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }

build=$top/_build-sanitize
rm -rf "$build" && mkdir -p "$build" && cd "$build" || exit 1
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
if ! ../configure -q --enable-werror CFLAGS="-O1 -g $san" LDFLAGS="$san" ||
	! make -s -j"$jobs"; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
make -j"$jobs" check >"$build/check.out" 2>&1
grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):' "$build/check.out" | grep -v '^PASS' || true
count() { sed -n "s/^# $1: *//p" "$build/check.out" | tail -n 1; }
passed=$(count PASS)
failed=$(( $(count FAIL) + $(count ERROR) + $(count XPASS) ))
skipped=$(count SKIP)
passed=${passed:-0} skipped=${skipped:-0}
[ -n "$(count TOTAL)" ] || { echo "make check did not run"; failed=$((failed + 1)); }
for log in $(grep -lE '^(not ok|Bail out)' $(find "$build/tests" -name '*.log') 2>/dev/null); do
	echo "--- $log"
	cat "$log"
done

# --- valgrind ----------------------------------------------------------------------
# The sanitizers change the memory they watch; memcheck sees the plain build. A
# subset, for time: the hostile peers and certificates, the file readers, and one
# test per protocol family and per judged fact (every protocol's parser is met
# in hostile.sh). Wall-time assertions are skipped (lib.sh).
valgrind_tests="hostile hostile-certs files tls smtp pgsql mysql ldap xmpp imap kafka redis mqtt h2 grpc
	mtls ocsp rules dane dane-check"
vg=$top/_build-valgrind
rm -rf "$vg" && mkdir -p "$vg" && cd "$vg" || exit 1
if ../configure -q --enable-werror CFLAGS="-O1 -g" && make -s -j"$jobs"; then
	TLSCHECK_VALGRIND=1 make -j"$jobs" check \
		TESTS="$(printf 'tests/integration/%s.sh ' $valgrind_tests)" >"$vg/check.out" 2>&1
	grep -E '^(FAIL|XPASS|ERROR|SKIP):' "$vg/check.out" | sed 's/^/valgrind: /'
	vg_count() { sed -n "s/^# $1: *//p" "$vg/check.out" | tail -n 1; }
	if [ -n "$(vg_count TOTAL)" ]; then
		passed=$((passed + $(vg_count PASS)))
		failed=$((failed + $(vg_count FAIL) + $(vg_count ERROR) + $(vg_count XPASS)))
		skipped=$((skipped + $(vg_count SKIP)))
	else
		echo "FAIL: valgrind: make check did not run"
		failed=$((failed + 1))
	fi
	for log in $(find "$vg/tests" -name '*.log'); do
		# An expected failure (# TODO) is not news.
		grep -E '^(not ok|Bail out)' "$log" | grep -qv '# TODO' || continue
		echo "--- valgrind: $log"
		cat "$log"
	done
else
	echo "FAIL: valgrind: the plain build failed"
	failed=$((failed + 1))
fi

# --- fuzzing -------------------------------------------------------------------------
# Every harness from its seed corpus (replayed first: the regression tests), then
# FUZZ_SECONDS of new inputs each (scripts/fuzz.sh).
fz=$top/_build-fuzz
rm -rf "$fz" && mkdir -p "$fz" && cd "$fz" || exit 1
harnesses="cli dane dns grpc h2 hpack kafka ldap mqtt mysql pgsql redis targets textproto time validity xmpp"
if ../configure -q CC=clang --enable-fuzzing --enable-werror CFLAGS="-O1 -g" &&
	make -s -j"$jobs" $(printf 'tests/fuzz/fuzz_%s ' $harnesses); then
	# shellcheck disable=SC2086 # one word per harness
	bash "$top/scripts/fuzz.sh" "$fz" "${FUZZ_SECONDS:-20}" $harnesses >"$fz/fuzz.out" 2>&1
	cat "$fz/fuzz.out"
	passed=$((passed + $(grep -c '^PASS: fuzz' "$fz/fuzz.out")))
	failed=$((failed + $(grep -c '^FAIL: fuzz' "$fz/fuzz.out")))
else
	echo "FAIL: fuzzing: the clang build failed"
	failed=$((failed + 1))
fi

cd "$top" || exit 1
# The committed .clang-format is the style: every C file must already follow it.
# Every tracked one in a git checkout; in the tree of a release tarball, every one but
# the build directories and what configure wrote (config.h).
c_files() {
	if [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
		git ls-files '*.c' '*.h'
	else
		find . -path './_*' -prune -o -type f -name '*.[ch]' ! -path ./config.h -print |
			sed 's|^\./||'
	fi
}
unformatted=$(c_files | while read -r f; do
	clang-format "$f" | cmp -s - "$f" || echo "$f"
done)
if [ -z "$unformatted" ]; then
	echo "PASS: clang-format"
	passed=$((passed + 1))
else
	echo "FAIL: clang-format: $unformatted"
	failed=$((failed + 1))
fi

# The Debian package, built from a copy of the tree, installed with dpkg -i and
# removed again; outside `make check`, which installs nothing into the system.
pkg_out=$top/_build-sanitize/package.out
bash tests/integration/package.sh >"$pkg_out" 2>&1
if grep -q '^1\.\.0 # SKIP' "$pkg_out"; then
	echo "SKIP: tests/integration/package.sh: $(sed -n 's/^1\.\.0 # SKIP //p' "$pkg_out")"
	skipped=$((skipped + 1))
elif grep -q '^ok' "$pkg_out" && ! grep -Eq '^(not ok|Bail out)' "$pkg_out"; then
	echo "PASS: tests/integration/package.sh"
	passed=$((passed + 1))
else
	cat "$pkg_out"
	echo "FAIL: tests/integration/package.sh"
	failed=$((failed + 1))
fi

plain=$top/_build-distcheck
rm -rf "$plain" && mkdir -p "$plain" && cd "$plain" || exit 1
if ../configure -q && make -s -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror \
	>"$plain/distcheck.out" 2>&1; then
	echo "PASS: make distcheck"
	passed=$((passed + 1))
else
	tail -n 40 "$plain/distcheck.out"
	echo "FAIL: make distcheck"
	failed=$((failed + 1))
fi

if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "CI: $skipped skipped test(s) count as failures"
	failed=$((failed + skipped))
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
