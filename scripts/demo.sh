#!/bin/bash
# demo.sh — the quick start: on a fresh Debian 12 machine, as root, install the
# build dependencies and the demo servers, build, then run the plugins against
# private servers on loopback whose certificates are fine, expiring, expired and
# signed by a CA the check was not told to trust. Prints every command, its
# output and its exit code; stops every server it started; exits 0 when the
# build and the demo ran (the checks' own exit codes are the point of the demo).
#
#   bash scripts/demo.sh [--no-deps] [--no-build]
#     --no-deps    do not call scripts/install-deps.sh (everything is installed)
#     --no-build   use the plugins already built in the build directory
#   DEMO_BUILDDIR  build directory (default: _build in the source tree)
set -u

repo=$(cd "$(dirname "$0")/.." && pwd) || exit 1
build=${DEMO_BUILDDIR:-$repo/_build}
install_deps=yes
do_build=yes
for arg in "$@"; do
	case $arg in
	--no-deps) install_deps=no ;;
	--no-build) do_build=no ;;
	-h | --help)
		sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "demo.sh: unknown argument '$arg' (try --help)" >&2
		exit 2
		;;
	esac
done

step() {
	printf '\n==> %s\n' "$*"
}

die() {
	printf 'demo.sh: %s\n' "$*" >&2
	exit 1
}

# show CMD ARGS...: print the command as it can be typed, run it, print its exit code.
show() {
	local rc
	printf '\n$ %s\n' "$(printf '%q ' "$@" | sed 's/ $//')"
	"$@"
	rc=$?
	printf '[exit code %d]\n' "$rc"
	return 0
}

# --- build ----------------------------------------------------------------------

if [ "$install_deps" = yes ]; then
	step 'installing the build dependencies and the demo servers (apt-get)'
	bash "$repo/scripts/install-deps.sh" || die 'scripts/install-deps.sh failed'
fi

if [ "$do_build" = yes ]; then
	step "building in $build"
	(cd "$repo" && autoreconf -fi) || die 'autoreconf failed'
	mkdir -p "$build" || die "cannot create $build"
	(cd "$build" && "$repo/configure" -q && make -s -j"$(nproc 2>/dev/null || echo 2)") ||
		die 'the build failed'
fi
for plugin in check_tls check_tls_smtp check_tls_pgsql; do
	[ -x "$build/plugins/$plugin" ] || die "$build/plugins/$plugin is not built"
done

# --- servers --------------------------------------------------------------------

export TLSCHECK_BUILDDIR=$build TLSCHECK_SRCDIR=$repo
# shellcheck source=tests/integration/lib.sh
. "$repo/tests/integration/lib.sh" || die 'cannot load tests/integration/lib.sh'
# shellcheck source=tests/integration/pgsql.bash
. "$repo/tests/integration/pgsql.bash" || die 'cannot load tests/integration/pgsql.bash'
lib_init
trap 'step "stopping the demo servers"; lib_cleanup' EXIT
export PATH="$build/plugins:$PATH"

step "certificates (certtool) in $TEST_DIR"
{
	make_ca demo-ca &&
		make_ca other-ca &&
		make_leaf fine demo-ca fine.demo.test fine.demo.test '-1 day' '+200 days' &&
		make_leaf soon demo-ca soon.demo.test soon.demo.test '-80 days' '+10 days' &&
		make_leaf expired demo-ca expired.demo.test expired.demo.test '-90 days' '-2 days' &&
		make_leaf stranger other-ca stranger.demo.test stranger.demo.test '-1 day' '+200 days' &&
		make_leaf renewed demo-ca soon.demo.test soon.demo.test '-1 hour' '+365 days'
} || die 'certtool failed'
echo 'demo-ca.pem  the CA the checks trust (--ca-file demo-ca.pem)'
echo 'fine         valid for 200 more days'
echo 'soon         expires in 10 days'
echo 'expired      expired 2 days ago'
echo 'stranger     valid, but signed by other-ca, which the checks do not trust'
echo 'renewed      soon.demo.test again, valid for a year (for PostgreSQL)'

step 'starting gnutls-serv (TLS at connect), one per certificate'
declare -A PORT
for name in fine soon expired stranger; do
	start_gnutls_serv "$TEST_DIR/$name.pem" "$TEST_DIR/$name.key" --disable-client-cert ||
		die "gnutls-serv ($name) did not start"
	PORT[$name]=$SERVER_PORT
	echo "$name.demo.test on 127.0.0.1:$SERVER_PORT"
done

SMTP_PORT=
if "$PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
	step 'starting aiosmtpd (SMTP with STARTTLS)'
	if start_smtpd starttls "$TEST_DIR/fine.pem" "$TEST_DIR/fine.key"; then
		SMTP_PORT=$SERVER_PORT
		echo "SMTP on 127.0.0.1:$SMTP_PORT"
	else
		echo 'aiosmtpd did not start: skipping SMTP'
	fi
else
	step 'python3-aiosmtpd is not installed: skipping SMTP'
fi

PG_OK=
if pg_find_bin; then
	step 'starting PostgreSQL (ssl=on, a private cluster)'
	if start_postgres "$TEST_DIR/soon.pem" "$TEST_DIR/soon.key"; then
		PG_OK=yes
		echo "PostgreSQL on 127.0.0.1:$PG_PORT serving soon.demo.test"
	else
		echo 'PostgreSQL did not start: skipping it'
	fi
else
	step 'PostgreSQL is not installed: skipping it'
fi

# --- checks ----------------------------------------------------------------------

cd "$TEST_DIR" || die "cannot enter $TEST_DIR"

step 'plain TLS'
show check_tls -H 127.0.0.1 -p "${PORT[fine]}" --sni fine.demo.test --ca-file demo-ca.pem
show check_tls -H 127.0.0.1 -p "${PORT[soon]}" --sni soon.demo.test --ca-file demo-ca.pem
show check_tls -H 127.0.0.1 -p "${PORT[expired]}" --sni expired.demo.test --ca-file demo-ca.pem
show check_tls -H 127.0.0.1 -p "${PORT[stranger]}" --sni stranger.demo.test --ca-file demo-ca.pem
show check_tls -H 127.0.0.1 -p "${PORT[fine]}" --sni wrong.demo.test --ca-file demo-ca.pem

step 'the same, other ways'
show check_tls -H 127.0.0.1 -p "${PORT[soon]}" --sni soon.demo.test --ca-file demo-ca.pem -v
show check_tls -H 127.0.0.1 -p "${PORT[soon]}" --sni soon.demo.test --ca-file demo-ca.pem \
	--output=days
show check_tls -H 127.0.0.1 -p "${PORT[fine]}" --sni fine.demo.test --ca-file demo-ca.pem \
	--at "$(date -u -d '+195 days' '+%Y-%m-%d')"
show check_tls -H 127.0.0.1 -p "${PORT[fine]}" --sni fine.demo.test --ca-file demo-ca.pem \
	--output=json

if [ -n "$SMTP_PORT" ]; then
	step 'SMTP STARTTLS'
	show check_tls_smtp -H 127.0.0.1 -p "$SMTP_PORT" --sni fine.demo.test --ca-file demo-ca.pem
	echo
	echo '(-vvv: the chain, the TLS parameters, the time of each step and the dialogue before TLS)'
	show check_tls_smtp -H 127.0.0.1 -p "$SMTP_PORT" --sni fine.demo.test --ca-file demo-ca.pem \
		-vvv
fi

if [ -n "$PG_OK" ]; then
	step 'PostgreSQL SSLRequest'
	show check_tls_pgsql -H 127.0.0.1 -p "$PG_PORT" --sni soon.demo.test --ca-file demo-ca.pem
	echo
	echo '(renewing the certificate on disk, without a reload: the socket still serves the old one;'
	echo ' --cert-file names the file on disk, and the check says the service needs a reload)'
	pg_use_cert "$TEST_DIR/renewed.pem" "$TEST_DIR/renewed.key"
	show check_tls_pgsql -H 127.0.0.1 -p "$PG_PORT" --sni soon.demo.test --ca-file demo-ca.pem \
		--cert-file renewed.pem
	echo
	echo '(pg_ctl reload)'
	pg_reload
	show check_tls_pgsql -H 127.0.0.1 -p "$PG_PORT" --sni soon.demo.test --ca-file demo-ca.pem \
		--cert-file renewed.pem
fi

if command -v icinga2 >/dev/null; then
	step 'Icinga 2 past one machine: a master, and an agent that runs the check (command_endpoint)'
	echo '(two private daemons with their own certificates; the line is what the master recorded)'
	ZONES_LAYOUTS=package timeout 180 bash "$repo/tests/integration/engines-icinga2-zones.sh" \
		2>&1 | sed -n 's/^# the master shows/the master shows/p'
fi

step 'nothing listening'
show check_tls -H 127.0.0.1 -p "$(free_port)"

exit 0
