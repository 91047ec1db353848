#!/bin/bash
# dane.sh — the DNS lookup against real DNSSEC: unbound validating zones
# signed at test time (dane.bash), a resolver that does not validate, one
# without Extended DNS Errors, a silent one and a name server that misbehaves
# (tests/hostile/dns_peer.py). What the lookup answers is read with
# dns-lookup, before any rule judges it; the MX lookup of check_tls_smtp --mx
# goes through the same questions (AD, EDNS0), asked of --dns-server or of
# the resolv.conf of the plugin's own mount namespace. Then the DANE verdicts
# that turn on the lookup, and Postfix's posttls-finger on the cases
# dane-check.sh (every DANE verdict) does not compare.
#
# The whole test runs in a network namespace of its own (unshare -n): the
# resolvers listen on port 53 of loopback addresses no one else has there.

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
require_server 'dig (bind9-dnsutils)' command -v dig
require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
require_server 'certtool (gnutls-bin)' command -v certtool
require_server 'posttls-finger (postfix)' command -v posttls-finger
require_plugin "$CHECK_TLS_SMTP"
lib_init

bed_dane_cases || bail_out 'the DNSSEC test bed did not start'

# --- the bed itself, as dig sees it -----------------------------------------------------

# dig_check DESCRIPTION SERVER NAME TYPE PATTERN...: each extended regex PATTERN
# matches dig +dnssec's answer (its flags line, EDE and status).
dig_check() {
	local desc=$1 server=$2 name=$3 type=$4 out p bad=
	shift 4
	out=$(dig +dnssec +time=2 +tries=1 @"$server" "$name" "$type" 2>&1)
	for p in "$@"; do
		grep -Eq -e "$p" <<<"$out" || bad="$bad '$p'"
	done
	if [ -z "$bad" ]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "no match for$bad in:"
		diag "$out"
	fi
}

AD='^;; flags: qr rd ra ad;'
NO_AD='^;; flags: qr rd ra;'
dig_check 'bed: the root validates (the probe)' "$BED_RESOLVER" . SOA "$AD" 'status: NOERROR'
dig_check 'bed: a signed TLSA answer has AD' "$BED_RESOLVER" "_$PORT._tcp.ee.test" TLSA \
	"$AD" 'status: NOERROR' 'IN	TLSA	3 1 1 '
dig_check 'bed: a name without TLSA in a signed zone: secure NODATA' "$BED_RESOLVER" \
	"_$PORT._tcp.norecords.test" TLSA "$AD" 'status: NOERROR' 'ANSWER: 0,'
dig_check 'bed: no such name in a signed zone: secure NXDOMAIN' "$BED_RESOLVER" \
	"_1._tcp.ee.test" TLSA "$AD" 'status: NXDOMAIN'
dig_check 'bed: the unsigned zone answers without AD' "$BED_RESOLVER" \
	"_$PORT._tcp.insecure.test" TLSA "$NO_AD" 'status: NOERROR' 'IN	TLSA	3 1 1 '
dig_check 'bed: a changed TLSA signature is SERVFAIL with EDE 6' "$BED_RESOLVER" \
	"_$PORT._tcp.ee.bogus.test" TLSA 'status: SERVFAIL' 'EDE: 6 \(DNSSEC Bogus\)'
dig_check 'bed: TLSA signatures in the past are SERVFAIL with EDE 7' "$BED_RESOLVER" \
	"_$PORT._tcp.ee.expired.test" TLSA 'status: SERVFAIL' 'EDE: 7 \(Signature Expired\)'
dig_check 'bed: a zone signed wholly in the past is SERVFAIL with an EDE' "$BED_RESOLVER" \
	"_$PORT._tcp.ee.past.test" TLSA 'status: SERVFAIL' 'EDE: [0-9]+ '
dig_check 'bed: the resolver that does not validate answers without AD' "$BED_PLAIN" \
	"_$PORT._tcp.ee.test" TLSA "$NO_AD" 'status: NOERROR'

# --- the lookup itself: dns-lookup prints what common/dns answers ---------------------------

# dane_cmd NAME [ARGS...]: check_tls_smtp --dane for NAME at 127.0.0.1 PORT, asking
# the validating resolver.
dane_cmd() {
	local name=$1
	shift
	CMD=("$CHECK_TLS_SMTP" -H "$name" -I 127.0.0.1 -p "$PORT" -C root.pem
		--dns-server="$BED_RESOLVER" "$@")
}

DNS_LOOKUP=$TLSCHECK_BUILDDIR/tests/integration/dns-lookup
require_plugin "$DNS_LOOKUP"
TLSA_OWNER="_$PORT\\._tcp"

expect_check 'TLSA: a signed answer is secure, its record read' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure rcode=0 ad=1 records=1$" "*^3 1 1 len=32 $EE$" '@lines=2' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee.test "$PORT"
expect_check 'TLSA: the name as given, a trailing dot and capitals' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure rcode=0 ad=1 records=1$" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa EE.Test. "$PORT"
expect_check 'TLSA: a rollover, both records in order' 0 \
	"^$TLSA_OWNER\\.rollover\\.test secure rcode=0 ad=1 records=2$" '@lines=3' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa rollover.test "$PORT"
expect_check 'TLSA: 3 1 0 (the whole key) and 3 1 2 (SHA-512)' 0 \
	"^$TLSA_OWNER\\.ee310\\.test secure" "*^3 1 0 len=91 $(tlsa_data 1 0 "$TEST_DIR/leaf.pem")$" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee310.test "$PORT"
expect_check 'TLSA: 3 1 2, 64 bytes' 0 "*^3 1 2 len=64 $(tlsa_data 1 2 "$TEST_DIR/leaf.pem")$" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee312.test "$PORT"
expect_check 'TLSA: unusable records are read as published' 0 \
	"^$TLSA_OWNER\\.unusable\\.test secure rcode=0 ad=1 records=3$" '*^4 1 1 len=32 ' \
	'*^3 1 1 len=20 ' '*^3 2 1 len=32 ' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa unusable.test "$PORT"
expect_check 'TLSA: records of every length, an answer only TCP holds, each kept whole' 0 \
	"^$TLSA_OWNER\\.big\\.test secure rcode=0 ad=1 records=5$" '*^3 0 0 len=[0-9]{3} 30' \
	'*^2 0 0 len=[0-9]{3} 30' '*^3 1 1 len=3000 0{6000}$' '@lines=6' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa big.test "$PORT"
expect_check 'TLSA: 40 records, 32 kept, all counted' 0 \
	"^$TLSA_OWNER\\.many\\.test secure rcode=0 ad=1 records=40$" '@lines=33' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa many.test "$PORT"
expect_check 'TLSA: a name without TLSA records in a signed zone: secure NODATA' 0 \
	"^$TLSA_OWNER\\.norecords\\.test secure rcode=0 ad=1 records=0 nodata$" '@lines=1' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa norecords.test "$PORT"
expect_check 'TLSA: no such name in a signed zone: secure NXDOMAIN' 0 \
	"^_1\\._tcp\\.ee\\.test secure rcode=3 ad=1 records=0 nxdomain$" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee.test 1
expect_check 'TLSA: the unsigned zone is insecure (the resolver probe says it validates)' 0 \
	"^$TLSA_OWNER\\.insecure\\.test insecure rcode=0 ad=0 records=1$" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa insecure.test "$PORT"
expect_check 'TLSA: a changed signature is bogus, with EDE 6' 0 \
	"^$TLSA_OWNER\\.ee\\.bogus\\.test bogus rcode=2 ad=0 records=0 EDE 6 \\(DNSSEC Bogus\\)" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee.bogus.test "$PORT"
bed_flush
expect_check 'TLSA: signatures in the past are bogus, with EDE 7' 0 \
	"^$TLSA_OWNER\\.ee\\.expired\\.test bogus rcode=2 ad=0 records=0 EDE 7 \\(Signature Expired\\)" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee.expired.test "$PORT"
bed_flush
# unbound names it EDE 7 (Signature Expired) or 9 (DNSKEY Missing), its
# extra text the key whose signatures expired
expect_check 'TLSA: a zone signed wholly in the past is bogus, with the EDE unbound gives' 0 \
	"^$TLSA_OWNER\\.ee\\.past\\.test bogus rcode=2 ad=0 records=0 EDE (7 \\(Signature Expired\\)|9 \\(DNSKEY Missing\\))" \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" tlsa ee.past.test "$PORT"
expect_check 'TLSA: bogus without EDE, told by asking again with CD' 0 \
	"^$TLSA_OWNER\\.ee\\.bogus\\.test bogus rcode=2 ad=0 records=0$" \
	-- "$DNS_LOOKUP" -s "$BED_NO_EDE" tlsa ee.bogus.test "$PORT"
expect_check 'TLSA: a resolver that does not validate (its probe fails)' 0 \
	"^$TLSA_OWNER\\.ee\\.test not validated rcode=0 ad=0 records=1$" \
	-- "$DNS_LOOKUP" -s "$BED_PLAIN" tlsa ee.test "$PORT"
# A silent resolver and a zone whose name server is silent: dane-check.sh,
# through the plugin (the same lookup, and the state of -t on top).
with_resolv "$TEST_DIR/resolv.conf" "$DNS_LOOKUP" tlsa ee.test "$PORT"
expect_check 'TLSA: asked of resolv.conf without --dns-server' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure rcode=0 ad=1 records=1$" -- "${CMD[@]}"
# AD is believed from a resolver on loopback, from --dns-server, or with
# "options trust-ad" (as glibc and Postfix do), not from any other resolv.conf
# name server: the path to it may forge the bit.
with_resolv "$TEST_DIR/resolv-remote.conf" "$DNS_LOOKUP" tlsa ee.test "$PORT"
expect_check 'TLSA: AD from a resolv.conf name server not on loopback: not believed' 0 \
	"^$TLSA_OWNER\\.ee\\.test not validated rcode=0 ad=1 records=1$" -- "${CMD[@]}"
with_resolv "$TEST_DIR/resolv-trust-ad.conf" "$DNS_LOOKUP" tlsa ee.test "$PORT"
expect_check 'TLSA: the same with options trust-ad: secure' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure rcode=0 ad=1 records=1$" -- "${CMD[@]}"
with_resolv "$TEST_DIR/resolv-remote.conf" "$DNS_LOOKUP" -s "$BED_REMOTE" tlsa ee.test "$PORT"
expect_check 'TLSA: the same named by --dns-server: secure' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure rcode=0 ad=1 records=1$" -- "${CMD[@]}"
expect_check 'TLSA: --dns-server with a port' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure" -- "$DNS_LOOKUP" -s "$BED_RESOLVER@53" tlsa ee.test "$PORT"
expect_check 'TLSA: --dns-server with an IPv6 address' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure" -- "$DNS_LOOKUP" -s ::1 tlsa ee.test "$PORT"
expect_check 'TLSA: --dns-server with an IPv6 address in brackets and a port' 0 \
	"^$TLSA_OWNER\\.ee\\.test secure" -- "$DNS_LOOKUP" -s '[::1]@53' tlsa ee.test "$PORT"
expect_check 'address records: signed' 0 '^ee\.test secure rcode=0 ad=1 records=0$' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" address ee.test
expect_check 'address records: in an unsigned zone' 0 '^insecure\.test insecure rcode=0 ad=0' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" address insecure.test
expect_check 'address records: a signed CNAME into an unsigned zone' 0 \
	'^addr-insecure\.test insecure rcode=0 ad=0' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" address addr-insecure.test
expect_check 'address records: a resolver that does not validate' 0 \
	'^ee\.test not validated rcode=0 ad=0' -- "$DNS_LOOKUP" -s "$BED_PLAIN" address ee.test
expect_check 'MX: by preference, through the same questions' 0 '^10 mx1\.test$' '*^20 mx2\.test$' \
	'@lines=2' -- "$DNS_LOOKUP" -s "$BED_RESOLVER" mx mail.test

# --- a name server that misbehaves (tests/hostile/dns_peer.py) ---------------------------

# hostile_lookup MODE: CMD, dns-lookup's TLSA question for a name of MODE, asked
# of the hostile name server under a deadline of 2 s.
# shellcheck disable=SC2317 # called by expect_check --command
hostile_lookup() {
	CMD=("$DNS_LOOKUP" -s "$BED_HOSTILE" -t 2 tlsa "$1.test" "$PORT")
}

expect_check --command=hostile_lookup 'hostile: records announced and not sent' 1 \
	"^failed: name server 127\\.0\\.0\\.5 sent a malformed answer$" '@max-secs=1' -- garbage
expect_check --command=hostile_lookup 'hostile: an OPT option past its record' 1 \
	"^failed: name server 127\\.0\\.0\\.5 sent a malformed answer$" '@max-secs=1' -- badopt
expect_check --command=hostile_lookup 'hostile: escape sequences in an EDE, printed escaped' 0 \
	'^_[0-9]+\._tcp\.edeesc\.test bogus rcode=2 ad=0 records=0 EDE 6 \(DNSSEC Bogus\): sig\\x1b\[2Jfailed\\x0anext line \\xff$' \
	'@lines=1' -- edeesc
expect_check --command=hostile_lookup 'hostile: a bare SERVFAIL, with CD too: no verdict on the zone' 1 \
	"^failed: name server 127\\.0\\.0\\.5 failed to answer for '$TLSA_OWNER\\.servfail\\.test' \\(SERVFAIL\\)$" \
	-- servfail
expect_check --command=hostile_lookup 'hostile: a bare SERVFAIL that CD cures, from a resolver that does not validate: no verdict on the zone' 1 \
	"^failed: name server 127\\.0\\.0\\.5 failed to answer for '$TLSA_OWNER\\.cdonly\\.test' \\(SERVFAIL\\)$" \
	-- cdonly
expect_check --command=hostile_lookup 'hostile: REFUSED' 1 \
	"^failed: name server 127\\.0\\.0\\.5 refused to answer for '$TLSA_OWNER\\.refused\\.test'$" \
	-- refused
expect_check --command=hostile_lookup 'hostile: a TLSA record of 60000 bytes over TCP, kept whole' 0 \
	"^$TLSA_OWNER\\.longtlsa\\.test secure rcode=0 ad=1 records=1$" '*^3 1 1 len=59997 [0-9a-f]+$' \
	-- longtlsa
expect_check --command=hostile_lookup 'hostile: TC set on a datagram cut inside its record: asked again over TCP' 0 \
	"^$TLSA_OWNER\\.tcshort\\.test secure rcode=0 ad=1 records=1$" '*^3 1 1 len=32 0{64}$' -- tcshort
expect_check --command=hostile_lookup 'hostile: TCP that stalls after the length: within the deadline' 1 \
	"^failed: \\(timeout\\) timeout looking up the TLSA records of '$TLSA_OWNER\\.tchang\\.test'$" \
	'@max-secs=2.5' -- tchang
expect_check --command=hostile_lookup 'hostile: TCP answering another question' 1 \
	"^failed: name server 127\\.0\\.0\\.5 answered another question$" -- tcwrong
expect_check --command=hostile_lookup 'hostile: a datagram with another id is not the answer' 0 \
	"^$TLSA_OWNER\\.wrongid\\.test secure rcode=0 ad=1 records=0 nodata$" -- wrongid
expect_check --command=dane_cmd 'hostile: the plugin, a garbage answer: UNKNOWN, the resolver at fault' 3 \
	"^TLS UNKNOWN - mx1\\.test:$PORT smtp: TLSA lookup of $TLSA_OWNER\\.garbage\\.test failed: name server 127\\.0\\.0\\.5 sent a malformed answer" \
	'@max-secs=2' -- mx1.test --dane --dane-name=garbage.test --dns-server="$BED_HOSTILE" -t 3
expect_check --command=dane_cmd 'hostile: the plugin, an EDE with escape sequences' 2 \
	'is bogus \(EDE 6 \(DNSSEC Bogus\): sig\\x1b\[2Jfailed\\x0anext line \\xff\)' "~"$'\e' '@lines=1' \
	-- mx1.test --dane --dane-name=edeesc.test --dns-server="$BED_HOSTILE"

# --- MX lookups through the same questions ----------------------------------------------

CA=(-C "$TEST_DIR/root.pem")
with_resolv "$TEST_DIR/resolv.conf" "$CHECK_TLS_SMTP" -H mail.test --mx -p "$PORT" "${CA[@]}"
expect_check '--mx, resolv.conf naming the validating resolver: both MX hosts' 0 \
	"^TLS OK - mail\\.test:$PORT smtp: 2 of 2 MX hosts OK" \
	-- "${CMD[@]}"
# The MX hosts' addresses from /etc/hosts, resolv.conf naming the silent
# server: only --dns-server can have answered the MX question.
with_hosts "$TEST_DIR/resolv-silent.conf" "$TEST_DIR/hosts" "$CHECK_TLS_SMTP" -H mail.test --mx \
	-p "$PORT" "${CA[@]}" --dns-server="$BED_RESOLVER"
expect_check '--mx --dns-server: the MX records asked of it, not of resolv.conf' 0 \
	"^TLS OK - mail\\.test:$PORT smtp: 2 of 2 MX hosts OK" '@max-secs=2' \
	-- "${CMD[@]}"
expect_check '--mx --dns-server naming a silent server: CRITICAL within the deadline' 2 \
	"^TLS CRITICAL - mail\\.test:$PORT smtp: timeout looking up the MX records of 'mail\\.test'" \
	'@max-secs=2.5' \
	-- "$CHECK_TLS_SMTP" -H mail.test --mx -p "$PORT" "${CA[@]}" --dns-server="$BED_SILENT" -t 2
expect_check '--dns-server takes an address, not a name' 3 \
	'^check_tls_smtp: --dns-server takes an IP address, optionally @PORT$' \
	-- "$CHECK_TLS_SMTP" -H mail.test --mx --dns-server=ns.test
expect_check '--dns-server: a port out of range' 3 \
	'^check_tls_smtp: --dns-server takes an IP address, optionally @PORT$' \
	-- "$CHECK_TLS_SMTP" -H mail.test --mx --dns-server=127.0.0.1@65536


# --- DANE verdicts the lookup decides -----------------------------------------------------
# (dane-check.sh judges every verdict of the TLSA records; these two turn on
# what the lookup says of the address records and of the file on disk.)

expect_check --command=dane_cmd 'DANE: signed records, the address records unsigned: WARNING' 1 \
	"^TLS WARNING - addr-insecure\\.test:$PORT smtp: the address records of addr-insecure\\.test are not signed: DANE clients will not look its TLSA records up" \
	-- addr-insecure.test --dane
expect_check --command=dane_cmd 'DANE: --cert-file holding the served certificate: no word of a reload' 0 \
	"^TLS OK - mx1\\.test:$PORT smtp: " '~break DANE' \
	-- mx1.test --dane --cert-file leaf.pem

# --- the reference: Postfix's posttls-finger on the same bed ------------------------------
# The cases dane-check.sh does not compare: the other matching types, an
# unrelated CA in the chain, unusable records, none, an unsigned zone and
# expired signatures.

mkdir -p "$TEST_DIR/postfix"
printf 'compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n' >"$TEST_DIR/postfix/main.cf"

# postfix_verdict NAME PORT: what posttls-finger -l dane makes of NAME:PORT, in a
# word, into POSTFIX_VERDICT: dane-verified, dane-no-match, dane-unusable,
# tlsa-lookup-error, no-dane; what it logged into POSTFIX_OUT.
postfix_verdict() {
	local out
	with_resolv "$TEST_DIR/resolv.conf" env MAIL_CONFIG="$TEST_DIR/postfix" \
		posttls-finger -t30 -T180 -c -l dane -P /etc/ssl/certs "[$1]:$2"
	out=$(cd "$TEST_DIR" && timeout 30 "${CMD[@]}" 2>&1 </dev/null)
	POSTFIX_OUT=$out
	if grep -q 'TLSA lookup error' <<<"$out"; then
		POSTFIX_VERDICT=tlsa-lookup-error
	elif grep -q 'num=65:no matching DANE TLSA records' <<<"$out"; then
		POSTFIX_VERDICT=dane-no-match
	elif grep -q 'Matched DANE' <<<"$out" && grep -q 'Verified TLS connection' <<<"$out"; then
		POSTFIX_VERDICT=dane-verified
	elif grep -Eq 'all TLSA records unusable|unsupported TLSA certificate usage' <<<"$out"; then
		POSTFIX_VERDICT=dane-unusable
	elif grep -q 'Untrusted TLS connection' <<<"$out"; then
		POSTFIX_VERDICT=no-dane
	else
		POSTFIX_VERDICT=unknown
	fi
}

# agree NAME POSTFIX EXIT [ARGS...]: posttls-finger says POSTFIX, and check_tls_smtp
# with ARGS (default --dane) exits EXIT, on the same bed.
agree() {
	local name=$1 want=$2 exit=$3 port=$PORT got
	shift 3
	[ $# -gt 0 ] || set -- --dane
	[ "$name" = unrelated.test ] && port=$PORT_UNRELATED
	postfix_verdict "$name" "$port"
	got=$POSTFIX_VERDICT
	dane_cmd "$name" -p "$port" "$@"
	run_check "${CMD[@]}"
	if [ "$got" = "$want" ] && [ "$CHECK_RC" = "$exit" ]; then
		ok "posttls-finger agrees on $name: $want, exit $exit"
		return
	fi
	not_ok "posttls-finger agrees on $name: $want, exit $exit"
	diag "posttls-finger: $got; check_tls_smtp $*: exit $CHECK_RC"
	diag "$POSTFIX_OUT"
	diag "$CHECK_OUT"
}

agree unrelated.test dane-no-match 2
agree ee310.test dane-verified 0
agree ee312.test dane-verified 0
agree ee301.test dane-verified 0
agree unusable.test dane-unusable 1
agree norecords.test no-dane 0 --dane=if-present
agree insecure.test no-dane 0 --dane=if-present
agree ee.expired.test tlsa-lookup-error 2

finish
