#!/bin/bash
# system-store.sh — the system store loads only the anchors a served chain can
# use: the verdicts must be those of the whole store. The store is the bundle
# GnuTLS reads (/etc/ssl/certs/ca-certificates.crt); each case runs in a private
# mount namespace with a copy of it, the test's roots added, bind-mounted over it.
# The machine's store is never edited.
#
# Each case runs twice: against the system store (no -C) and against the same
# bundle named with -C (loaded whole); the two status lines must agree (but for
# the store's name, and the hint the system store adds to an unknown issuer).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt

require_server 'certtool (gnutls-bin)' command -v certtool
require_server gnutls-serv command -v gnutls-serv
require_server "the system bundle $SYSTEM_BUNDLE (ca-certificates)" test -s "$SYSTEM_BUNDLE"
require_server 'unshare and mount (root, for a private trust store)' unshare -m true
require_plugin "$CHECK_TLS"
lib_init

# cross NAME KEYOF CA: a certificate for the key and template of KEYOF, signed
# by CA: the same subject and key as KEYOF, another issuer (a cross-signature).
cross() {
	run_certtool --generate-certificate --load-privkey "$TEST_DIR/$2.key" \
		--load-ca-certificate "$TEST_DIR/$3.pem" --load-ca-privkey "$TEST_DIR/$3.key" \
		--template "$TEST_DIR/$2.tmpl" --outfile "$TEST_DIR/$1.pem"
}

{
	make_ca oldroot && make_ca newroot && cross newroot_cross newroot oldroot &&
		make_intermediate inter newroot '-1 day' '+1000 days' &&
		make_leaf leaf inter store.test store.test '-1 day' '+200 days -1 hour' &&
		make_chain served leaf inter &&
		make_chain served_cross leaf inter newroot_cross
} || bail_out 'cannot make the test certificates'

# bundle NAME CERT...: the system bundle with CERTs added, in TEST_DIR/NAME.pem.
bundle() {
	local name=$1 c
	shift
	{
		cat "$SYSTEM_BUNDLE"
		for c in "$@"; do cat "$TEST_DIR/$c.pem"; done
	} >"$TEST_DIR/$name.pem"
}
bundle with_new newroot
bundle with_old oldroot
bundle with_inter newroot inter

start_gnutls_serv "$TEST_DIR/served.pem" "$TEST_DIR/leaf.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_SERVED=$SERVER_PORT
start_gnutls_serv "$TEST_DIR/served_cross.pem" "$TEST_DIR/leaf.key" --disable-client-cert ||
	bail_out 'gnutls-serv (cross-signed) did not start'
P_CROSS=$SERVER_PORT
start_gnutls_serv "$TEST_DIR/leaf.pem" "$TEST_DIR/leaf.key" --disable-client-cert ||
	bail_out 'gnutls-serv (leaf only) did not start'
P_LEAF=$SERVER_PORT

# case DESC EXIT PATTERN BUNDLE PORT: the check against the system store (BUNDLE
# mounted over it) gives EXIT and PATTERN, and says what -C BUNDLE says.
case_() {
	local desc=$1 want=$2 pattern=$3 bundle=$4 port=$5 system named
	# Both runs judge at one instant: "199d 23h" must not turn "199d 22h" between them.
	local at
	at=@$(date +%s)
	expect_check "$desc" "$want" "$pattern" \
		-- unshare -m bash -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ \
		"$TEST_DIR/$bundle.pem" "$SYSTEM_BUNDLE" \
		"$CHECK_TLS" -H store.test -I 127.0.0.1 -p "$port" --at "$at" || return
	# The hint to name an internal CA's file is for the system store only.
	system=$(printf '%s\n' "$CHECK_FIRST" |
		sed 's/ | .*//; s/the system store/STORE/g; s/ (an internal CA? name its file with -C)//')
	run_check "$CHECK_TLS" -H store.test -I 127.0.0.1 -p "$port" --at "$at" -C "$bundle.pem"
	named=$(printf '%s\n' "$CHECK_FIRST" | sed "s/ | .*//; s/$bundle\\.pem/STORE/g")
	if [ "$system" = "$named" ]; then
		ok "$desc: the same verdict as the whole bundle"
	else
		not_ok "$desc: the same verdict as the whole bundle"
		diag "system store: $system"
		diag "-C bundle:    $named"
	fi
}

case_ 'leaf and intermediate served, the root in the store: trusted' 0 \
	"^TLS OK - store\\.test:$P_SERVED tls: .*chain trusted by the system store" \
	with_new "$P_SERVED"

case_ 'the root cross-signed by an older root served, the newer root in the store: trusted' 0 \
	"^TLS OK - store\\.test:$P_CROSS tls: .*chain trusted by the system store" \
	with_new "$P_CROSS"

case_ 'the cross-signed root served, only the older root in the store: trusted' 0 \
	"^TLS OK - store\\.test:$P_CROSS tls: .*chain trusted by the system store" \
	with_old "$P_CROSS"

case_ 'no cross-signature served, only the older root in the store: not trusted' 2 \
	"^TLS CRITICAL - store\\.test:$P_SERVED tls: chain not trusted by the system store" \
	with_old "$P_SERVED"

case_ 'intermediate left out, the store holds it: trusted, and the chain rule says so' 1 \
	"^TLS WARNING - store\\.test:$P_LEAF tls: server does not send intermediate 'CN=tlscheck inter'" \
	with_inter "$P_LEAF"

case_ 'intermediate left out, the store holds only the root: not trusted' 2 \
	"^TLS CRITICAL - store\\.test:$P_LEAF tls: chain not trusted by the system store" \
	with_new "$P_LEAF"

finish
