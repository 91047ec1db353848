#!/bin/bash
# dane-check.sh — every DANE verdict of check_tls_smtp --dane against real
# DNSSEC (dane.sh tests the lookup under it, on the same bed): the test bed of
# dane.bash (unbound validating zones signed at test time, a resolver that
# does not validate, a silent one) and two STARTTLS listeners, one serving
# leaf + issuer + root, one leaf + issuer + an unrelated CA. Each case is a
# name of the bed with its TLSA records; the verdicts are the plugin's. Where
# Postfix's posttls-finger knows the case, it runs on the same bed and the two
# agree.
#
# The whole test runs in a network namespace of its own (unshare -n), as
# dane.sh does: the resolvers listen on port 53 of loopback addresses no one
# else has there.

if [ "${TLSCHECK_NETNS:-}" != 1 ]; then
	TLSCHECK_NETNS=1 exec unshare -n -- "$BASH" "$0" "$@"
fi
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
ip link set lo up || bail_out 'cannot bring up the loopback of the network namespace'
# shellcheck source=tests/integration/dane.bash
. "$(dirname "$0")/dane.bash" || exit 99

require_server 'unbound' command -v unbound
require_server 'ldns-signzone (ldnsutils)' command -v ldns-signzone
require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
require_server 'certtool (gnutls-bin)' command -v certtool
require_server 'posttls-finger (postfix)' command -v posttls-finger
require_plugin "$CHECK_TLS_SMTP"
lib_init

bed_dane_cases || bail_out 'the DNSSEC test bed did not start'

# dane_cmd NAME [PORT] [OPTION...]: check_tls_smtp of NAME at the listener
# (PORT, default PORT), with --dane against the validating resolver; the CA
# file is DANE_CA, default the root's.
#
# Under valgrind a run takes seconds of its own before the first question:
# the deadline (MARGIN) and that of the silent cases (SILENT_T) are longer
# there, so that valgrind's slowness is never read as a timeout (the silent
# cases' still ends inside the second round of tries: a timeout, as meant).
MARGIN=()
SILENT_T=3
if [ ${#VALGRIND[@]} -gt 0 ]; then
	MARGIN=(-t 60)
	SILENT_T=4
fi
dane_cmd() {
	local name=$1 port=$PORT
	shift
	case ${1:-} in [0-9]*) port=$1 && shift ;; esac
	CMD=("$CHECK_TLS_SMTP" -H "$name" -I 127.0.0.1 -p "$port" -C "${DANE_CA:-$TEST_DIR/root.pem}"
		--dns-server "$BED_RESOLVER" --dane "${MARGIN[@]}" "$@")
}
check() { expect_check --command=dane_cmd "$@"; }

EE=$(tlsa_data 1 1 "$TEST_DIR/leaf.pem")
EE8=${EE:0:8}
OLD8=${OLD:0:8}
PERF='tlsa_records=%s;;;0; tlsa_usable=%s;;;0; tlsa_matching=%s;;;0;'

# --- matches --------------------------------------------------------------------
check '3 1 1 of the current key: OK, trust from DANE' 0 \
	"^TLS OK .*TLSA 3 1 1 #1 \\($EE8\\.\\.\\.\\) matches the leaf key \\(1 of 1 usable\\): trust from DANE" \
	"*$(printf "$PERF" 1 1 1)" -- ee.test
check '3 1 0, 3 1 2 and 3 0 1 match too' 0 '^TLS OK .*TLSA 3 1 0 #1 .* matches the leaf key' -- ee310.test
check '3 1 2 (SHA-512)' 0 '^TLS OK .*TLSA 3 1 2 #1 .* matches the leaf key' -- ee312.test
check '3 0 1 (the certificate)' 0 '^TLS OK .*TLSA 3 0 1 #1 .* matches the leaf certificate' -- ee301.test
check '2 0 1 of the issuing CA' 0 \
	"^TLS OK .*TLSA 2 0 1 #1 .* matches the certificate of 'CN=tlscheck issuer' on the leaf's path" -- ta-issuer.test
check '2 0 1 of the root at depth 2' 0 \
	"^TLS OK .*TLSA 2 0 1 #1 .* matches the certificate of 'CN=tlscheck root' on the leaf's path" -- ta-root.test
# The answer's order is the resolver's (unbound sorts an RRset): the records
# are matched by their data.
check 'a rollover: the next key named and counted, not a WARNING' 0 \
	"^TLS OK .*TLSA 3 1 1 #[12] \\($EE8\\.\\.\\.\\) matches the leaf key \\(1 of 2 usable\\)" \
	"*TLSA 3 1 1 #[12] \\($OLD8\\.\\.\\.\\) matches nothing" "*$(printf "$PERF" 2 2 1)" -- rollover.test -v
check 'a rollover with --dane-unmatched=warning' 1 \
	"^TLS WARNING .*TLSA 3 1 1 #[12] \\($OLD8\\.\\.\\.\\) matches nothing" -- rollover.test --dane-unmatched=warning
check 'DANE-EE ignores the name: another -N is no CRITICAL' 0 \
	'^TLS OK .*trust from DANE' '*OK name: .* does not match .elsewhere\.test. .*: trust from DANE' \
	-- ee.test -N elsewhere.test -v
DANE_CA=$TEST_DIR/unrelated.pem
check 'DANE-EE stands in for the CA store: a store without the root is no CRITICAL' 0 \
	'^TLS OK .*trust from DANE' '*chain not trusted by unrelated\.pem: .*: trust from DANE' \
	-- ee.test -v
check 'DANE-TA stands in for the CA store too' 0 '^TLS OK .*trust from DANE' -- ta-issuer.test
check 'but not the old key: the CA store judges as usual' 2 \
	'^TLS CRITICAL .*none of 1 usable' '*CRITICAL trust: chain not trusted by unrelated\.pem' \
	-- oldkey.test -v
# The unsigned zone's 3 1 1 record matches the leaf, but anyone can forge an
# unsigned answer: it stands in neither for the CA store nor for the name; nor
# do records read through a resolver that does not validate.
check 'an unsigned record that matches: no trust from DANE' 2 \
	'^TLS CRITICAL ' '*CRITICAL trust: chain not trusted by unrelated\.pem' \
	"*CRITICAL name: certificate .* does not match 'elsewhere\\.test'" \
	'*OK dane: TLSA answer for .*insecure\.test is not signed' '~trust from DANE' \
	-- insecure.test --dane=if-present -N elsewhere.test -v
check 'records through a resolver that does not validate: no trust from DANE' 2 \
	'^TLS CRITICAL ' '*CRITICAL trust: chain not trusted by unrelated\.pem' \
	"*CRITICAL name: certificate .* does not match 'elsewhere\\.test'" \
	"*UNKNOWN dane: name server $BED_PLAIN does not validate DNSSEC" '~trust from DANE' \
	-- ee.test --dns-server "$BED_PLAIN" -N elsewhere.test -v
DANE_CA=

# big.test: 3 0 0 of the leaf and of the issuer, 2 0 0 of the root, 3 1 0 of
# the leaf, a 3 1 1 of 3000 bytes; the leaf does not name big.test.
check 'records of every length (over TCP), each read whole' 0 \
	'^TLS OK .*TLSA 3 [01] 0 #[1-5] .* matches the leaf (certificate|key) \(2 of 4 usable\)' \
	"*$(printf "$PERF" 5 4 2)" '*TLSA 3 1 1 #[1-5] \(00000000\.\.\.\) is unusable: SHA-256 data of 3000 bytes' \
	"*TLSA 2 0 0 #[1-5] .* matches nothing: the leaf does not carry the name 'big\.test'" -- big.test -v
check '3 0 0 of a leaf of more than 2048 bytes: read whole, it matches' 0 \
	'^TLS OK .*TLSA 3 0 0 #1 .* matches the leaf certificate \(1 of 1 usable\): trust from DANE' \
	-- long.test "$PORT_LONG"
# (the name rule's CRITICAL stands: many.test is not on the leaf)
check 'more records than are kept, none of those matching: UNKNOWN, not a mismatch' 2 \
	'*UNKNOWN dane: none of the first 32 of 40 TLSA records at .* matches the served chain, the rest not judged' \
	'~CRITICAL dane' \
	'*40 TLSA records at .*, the first 32 judged' \
	"*$(printf "$PERF" 32 32 0)" -- many.test -v

# --- no match ---------------------------------------------------------------------
check 'the old key only: CRITICAL with the served key'"'"'s 3 1 1' 2 \
	"^TLS CRITICAL .*none of 1 usable TLSA records at _${PORT}\\._tcp\\.oldkey\\.test matches the served chain: the leaf's key is 3 1 1 $EE" \
	"*$(printf "$PERF" 1 1 0)" -- oldkey.test
check 'an unrelated CA the server sends matches nothing' 2 \
	"^TLS CRITICAL .*none of 1 usable TLSA records" \
	"*TLSA 2 0 1 #1 .* matches nothing: it matches 'CN=tlscheck unrelated' \\(certificate 3 of the served chain\\), which is not on the leaf's issuer path" \
	-- unrelated.test "$PORT_UNRELATED" -v

# --- unusable, none, unsigned, bogus ----------------------------------------------
check 'PKIX-EE for SMTP: unusable, WARNING' 1 \
	'^TLS WARNING .*none of the 1 TLSA records at .* is usable: 1 1 1 #1 .*: usage 1 \(PKIX-EE\) is not for SMTP' \
	"*$(printf "$PERF" 1 0 0)" -- pkix.test
check 'unknown usage, short digest, unknown selector: each named with why' 1 \
	'^TLS WARNING .*none of the 3 TLSA records .* is usable: ' \
	'^TLS WARNING .*4 1 1 #[1-3] \([0-9a-f]{8}\.\.\.\): unknown usage 4' \
	'^TLS WARNING .*3 1 1 #[1-3] \([0-9a-f]{8}\.\.\.\): SHA-256 data of 20 bytes, not 32' \
	'^TLS WARNING .*3 2 1 #[1-3] \([0-9a-f]{8}\.\.\.\): unknown selector 2' -- unusable.test
check 'no records (a signed denial): CRITICAL under require' 2 \
	"^TLS CRITICAL .*no TLSA records at _${PORT}\\._tcp\\.norecords\\.test \\(signed denial\\)" \
	"*$(printf "$PERF" 0 0 0)" -- norecords.test
check 'no records with --dane=if-present: OK, a note' 0 '^TLS OK ' "*$(printf "$PERF" 0 0 0)" \
	'*OK dane: no TLSA records at' \
	-- norecords.test --dane=if-present -v
check 'an unsigned zone: CRITICAL under require' 2 \
	"^TLS CRITICAL .*TLSA answer for _${PORT}\\._tcp\\.insecure\\.test is not signed" -- insecure.test
check 'an unsigned zone with --dane=if-present: OK, not in force' 0 '^TLS OK ' \
	'*is not signed: DANE not in force' -- insecure.test --dane=if-present -v
check 'a bogus answer: CRITICAL with EDE 6' 2 \
	'^TLS CRITICAL .*TLSA answer for .*ee\.bogus\.test is bogus \(EDE 6 \(DNSSEC Bogus\).*\): DANE senders defer mail' \
	-- ee.bogus.test
check 'expired TLSA signatures: CRITICAL with EDE 7' 2 \
	'^TLS CRITICAL .*is bogus \(EDE 7 \(Signature Expired\)' -- ee.expired.test
check 'a zone signed wholly in the past: CRITICAL with its EDE' 2 \
	'^TLS CRITICAL .*ee\.past\.test is bogus \(EDE [0-9]+ ' -- ee.past.test

# --- the resolver ---------------------------------------------------------------------
check 'a resolver that does not validate: UNKNOWN, not a verdict on the zone' 3 \
	"^TLS UNKNOWN .*name server $BED_PLAIN(:53)? does not validate DNSSEC" \
	-- ee.test --dns-server "$BED_PLAIN"
remote_cmd() {
	with_resolv "$TEST_DIR/$1" "$CHECK_TLS_SMTP" -H ee.test -I 127.0.0.1 -p "$PORT" \
		-C "$TEST_DIR/root.pem" --dane "${MARGIN[@]}"
}
expect_check --command=remote_cmd 'a resolv.conf name server not on this host: its AD not believed, UNKNOWN with the fix' 3 \
	"^TLS UNKNOWN .*name server $BED_REMOTE is not on this host: its DNSSEC validation \\(AD\\) is not believed, .*--dns-server names a validating resolver to believe, or 'options trust-ad' in /etc/resolv.conf believes this one" \
	-- resolv-remote.conf
expect_check --command=remote_cmd 'the same with options trust-ad: believed' 0 \
	'^TLS OK .*TLSA 3 1 1 #1 .* matches the leaf key' -- resolv-trust-ad.conf
check 'a silent resolver: within -t, the STATE of -t' 1 \
	"^TLS WARNING .*TLSA lookup of _${PORT}\\._tcp\\.ee\\.test failed: timeout looking up the TLSA records of '_${PORT}\\._tcp\\.ee\\.test'" \
	@max-secs=4 -- ee.test --dns-server "$BED_SILENT" -t "$SILENT_T:warning"
check 'a zone whose name server is silent: within -t' 1 '^TLS WARNING ' @max-secs=4 \
	-- ee.silent.test -t "$SILENT_T:warning"

# --- the file on disk, and --mx ---------------------------------------------------
check '--cert-file: the renewed key matches no record, WARNING before the reload' 2 \
	"*reloading $TEST_DIR/renewed.pem will break DANE: no TLSA record matches its key \\(3 1 1 $(tlsa_data 1 1 "$TEST_DIR/renewed.pem")\\)" \
	-- mx1.test --cert-file "$TEST_DIR/renewed.pem" -v

# --mx: the MX hosts of mail.test resolve through the plugin's own /etc/hosts
# and resolv.conf (a private mount namespace), each judged by its own records.
mx_cmd() {
	CMD=(unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"'
		sh "$TEST_DIR/resolv.conf" "$TEST_DIR/hosts" "$CHECK_TLS_SMTP" -H mail.test --mx
		-p "$PORT" -C "$TEST_DIR/root.pem" --dane "${MARGIN[@]}" "$@")
}
expect_check --command=mx_cmd '--mx with two MX hosts: each against its own records' 2 \
	'^TLS CRITICAL .*1 of 2 MX hosts' \
	'*OK dane: TLSA 3 1 1 #1 .* matches the leaf key \(1 of 1 usable\)' \
	"*CRITICAL dane: none of 1 usable TLSA records at _${PORT}\\._tcp\\.mx2\\.test matches" \
	"*'mx1\\.test@127\\.0\\.0\\.1 tlsa_matching'=1;;;0;" "*'mx2\\.test@127\\.0\\.0\\.1 tlsa_matching'=0;;;0;" -- -v

# --- tlscheck-discover ----------------------------------------------------------------
# The listener at an address is checked under its leaf's name (mx1.test), which
# publishes signed TLSA records: its command carries --dane; read through a
# resolver that does not validate, the records vouch for nothing, and it does
# not. Through resolv.conf (a resolver on loopback).
DISCOVER=$TLSCHECK_BUILDDIR/plugins/tlscheck-discover
with_resolv "$TEST_DIR/resolv.conf" "$DISCOVER" -C "$TEST_DIR/root.pem" "127.0.0.1:$PORT"
expect_check 'tlscheck-discover: a listener with signed TLSA records gets --dane' 0 \
	"*check_tls_smtp -H mx1\\.test -I 127\\.0\\.0\\.1 -p $PORT -C .*root\\.pem --dane$" -- "${CMD[@]}"
with_resolv "$TEST_DIR/resolv.conf" "$DISCOVER" -C "$TEST_DIR/root.pem" --emit=icinga2 "127.0.0.1:$PORT"
expect_check 'tlscheck-discover --emit=icinga2: vars.tlscheck_dane for it' 0 \
	'*^	vars\.tlscheck_dane = true$' -- "${CMD[@]}"
with_resolv "$TEST_DIR/resolv.conf" "$DISCOVER" -C "$TEST_DIR/root.pem" --emit=nagios "127.0.0.1:$PORT"
expect_check 'tlscheck-discover --emit=nagios: --dane in its command arguments' 0 \
	"*^	check_command +check_tls_smtp_name!mx1\\.test!-p $PORT -C .*root\\.pem --dane$" -- "${CMD[@]}"
with_resolv "$TEST_DIR/resolv-plain.conf" "$DISCOVER" -C "$TEST_DIR/root.pem" "127.0.0.1:$PORT"
expect_check 'tlscheck-discover: records no validating resolver vouches for: no --dane' 0 \
	"*check_tls_smtp -H mx1\\.test -I 127\\.0\\.0\\.1 -p $PORT -C .*root\\.pem$" -- "${CMD[@]}"

# --- JSON -------------------------------------------------------------------------
run_check "$CHECK_TLS_SMTP" -H rollover.test -I 127.0.0.1 -p "$PORT" -C "$TEST_DIR/root.pem" \
	--dns-server "$BED_RESOLVER" --dane --output=json
if "$PYTHON" -c '
import json, sys
d = json.loads(sys.stdin.read())["dane"]
assert d["security"] == "secure", d
assert d["usable"] == 2 and d["matching"] == 1, d
r = d["records"]
m = [x for x in r if x["verdict"] == "matched"]
assert len(r) == 2 and len(m) == 1, r
assert m[0]["element"] == 0 and m[0]["record"] == "3 1 1 " + sys.argv[1], r
' "$EE" <<<"$CHECK_OUT"; then
	ok 'JSON: the records with their verdicts'
else
	not_ok 'JSON: the records with their verdicts'
	diag "$CHECK_OUT"
fi

# --- Postfix on the same bed ------------------------------------------------------
# posttls-finger -l dane: "Verified TLS connection" for a match, "no matching
# DANE TLSA records" (num=65) for none, "all TLSA records unusable" for
# unusable ones. It asks resolv.conf: a private mount namespace names the bed.
# glibc passes the AD bit on to Postfix only with trust-ad; the configuration
# directory is the test's (MAIL_CONFIG), DNSSEC on.
mkdir -p "$TEST_DIR/postfix"
printf 'compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\ninet_protocols = ipv4\n' \
	>"$TEST_DIR/postfix/main.cf"
printf 'nameserver %s\noptions trust-ad\n' "$BED_RESOLVER" >"$TEST_DIR/resolv-ad.conf"
finger() {
	MAIL_CONFIG=$TEST_DIR/postfix unshare -m sh -c \
		'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"' \
		sh "$TEST_DIR/resolv-ad.conf" "$TEST_DIR/hosts" \
		timeout 20 posttls-finger -t10 -T20 -c -l dane -P /etc/ssl/certs "[$1]:$PORT" 2>&1
}
# agree NAME PLUGIN_EXIT FINGER_PATTERN: Postfix logs FINGER_PATTERN, and the
# plugin exits PLUGIN_EXIT.
agree() {
	local name=$1 want=$2 pattern=$3 log
	printf '127.0.0.1 %s\n' "$name" >>"$TEST_DIR/hosts"
	log=$(finger "$name")
	dane_cmd "$name"
	run_check "${CMD[@]}"
	if grep -Eq -e "$pattern" <<<"$log" && [ "$CHECK_RC" = "$want" ]; then
		ok "posttls-finger agrees on $name"
	else
		not_ok "posttls-finger agrees on $name"
		diag "plugin (exit $CHECK_RC): $CHECK_FIRST"
		diag "posttls-finger: $(head -20 <<<"$log")"
	fi
}
agree ee.test 0 'Verified TLS connection'
agree ta-issuer.test 0 'Verified TLS connection'
agree ta-root.test 0 'Verified TLS connection'
agree rollover.test 0 'Verified TLS connection'
agree oldkey.test 2 'no matching DANE TLSA records|num=65'
agree pkix.test 1 'unsupported TLSA certificate usage'
agree ee.bogus.test 2 'TLSA lookup error|bogus|deferred'

finish
