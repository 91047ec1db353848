#!/bin/bash
# bench/instructions.sh — what one check costs in instructions (callgrind), side
# by side with the floor of any verified check, in one run.
#
#   bash bench/instructions.sh
#
# One leaf (ECDSA P-256, signed by a private root in ca.pem) served by gnutls-serv
# (TLS at connect) and by aiosmtpd (STARTTLS) on 127.0.0.1. Then, each once under
# valgrind --tool=callgrind (the count does not drift with a busy machine):
#   floor        bench/floor-client: GnuTLS starts, loads ca.pem, completes one
#                handshake with the chain and the name verified, exits
#   tls          check_tls -C ca.pem -N NAME (the same listener)
#   tls system   check_tls -N NAME, the system store
#   smtp         check_tls_smtp -C ca.pem -N NAME
#   smtp system  check_tls_smtp -N NAME, the system store
# and prints each count, tls / floor, and the targets of doc/PERFORMANCE.md.
# The system store is the bundle GnuTLS reads; the bench runs in a private mount
# namespace where a copy of it with the test root added is mounted over it.
#
# Environment: TLSCHECK_BUILDDIR, where plugins/check_tls* are built (default:
# the source tree). Needs root (the mount namespace), cc, pkg-config, valgrind.

set -u
export LC_ALL=C

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNS=1
SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt
CERT_NAME=bench.tlscheck.test

# shellcheck source-path=SCRIPTDIR source=lib.bash
. "$SRC/bench/lib.bash" || { echo "bench: cannot read bench/lib.bash" >&2; exit 1; }
bench_init instructions.sh 1
# shellcheck source-path=SCRIPTDIR source=../tests/integration/lib.sh
. "$SRC/tests/integration/lib.sh" || die "cannot read tests/integration/lib.sh"

# instructions CMD...: callgrind's instruction count for one run of CMD, which
# must exit 0 (a check that fails fast measures nothing); run in $(...), so the
# caller stops on its failure.
instructions() {
	local out
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" </dev/null 2>&1 >/dev/null) ||
		die "not OK under callgrind: $*"
	awk '/Collected :/ { print $NF }' <<<"$out"
}

# verdict TEXT VALUE LIMIT: "met" when VALUE <= LIMIT.
verdict() {
	awk -v text="$1" -v v="$2" -v limit="$3" 'BEGIN {
		printf "  %-46s %-8s (%s)\n", text, (v <= limit ? "met" : "NOT met"), v
	}'
}

main() {
	local tls_port smtp_port floor tls tls_system smtp smtp_system
	need_prog valgrind valgrind
	need_prog cc build-essential
	need_prog pkg-config pkg-config
	need_prog certtool gnutls-bin
	"$PYTHON" -c 'import aiosmtpd' 2>/dev/null || die "aiosmtpd not found: install python3-aiosmtpd"
	lib_init
	cd "$TEST_DIR" || die "cannot enter $TEST_DIR"
	# shellcheck disable=SC2046 # pkg-config's words are the flags
	cc -O2 -o floor-client "$SRC/bench/floor-client.c" $(pkg-config --cflags --libs gnutls) ||
		die "cannot build bench/floor-client.c"
	make_ca ca || die "certtool could not make the CA"
	make_leaf leaf ca "$CERT_NAME" "$CERT_NAME" '-1 day' '+90 days' ||
		die "certtool could not make the leaf certificate"
	cat "$SYSTEM_BUNDLE" ca.pem >system-bundle.pem &&
		mount --bind system-bundle.pem "$SYSTEM_BUNDLE" ||
		die "cannot mount a copy of $SYSTEM_BUNDLE over it"
	start_gnutls_serv leaf.pem leaf.key --disable-client-cert ||
		die "gnutls-serv did not start (log: $SERVER_LOG)"
	tls_port=$SERVER_PORT
	start_smtpd starttls "$TEST_DIR/leaf.pem" "$TEST_DIR/leaf.key" ||
		die "aiosmtpd did not start (log: $SERVER_LOG)"
	smtp_port=$SERVER_PORT

	floor=$(instructions ./floor-client 127.0.0.1 "$tls_port" ca.pem "$CERT_NAME") || exit 1
	tls=$(instructions "$CHECK_TLS" -H 127.0.0.1 -p "$tls_port" -C ca.pem -N "$CERT_NAME") || exit 1
	tls_system=$(instructions "$CHECK_TLS" -H 127.0.0.1 -p "$tls_port" -N "$CERT_NAME") || exit 1
	smtp=$(instructions "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$smtp_port" -C ca.pem -N "$CERT_NAME") || exit 1
	smtp_system=$(instructions "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$smtp_port" -N "$CERT_NAME") || exit 1

	echo "tlscheck instructions, $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(machine)"
	printf '  %-34s %12s\n' 'floor-client (GnuTLS alone)' "$floor" \
		'check_tls, CA file' "$tls" 'check_tls, system store' "$tls_system" \
		'check_tls_smtp, CA file' "$smtp" 'check_tls_smtp, system store' "$smtp_system"
	echo 'targets:'
	verdict 'check_tls_smtp, CA file <= 13.5 M' "$smtp" 13500000
	verdict 'check_tls_smtp, system store <= 14.5 M' "$smtp_system" 14500000
	verdict 'check_tls / floor-client <= 1.05' "$(awk -v a="$tls" -v b="$floor" \
		'BEGIN { printf "%.3f", a / b }')" 1.05
}

# In a private mount namespace, where the system store can be replaced by a copy
# holding the test root without touching the machine's.
if [ -z "${TLSCHECK_BENCH_PRIVATE:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root: the system store is replaced in a mount namespace"
	exec unshare -m env TLSCHECK_BENCH_PRIVATE=1 bash "$SRC/bench/instructions.sh" "$@"
fi
main
