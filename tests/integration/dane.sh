#!/bin/bash
# dane.sh — the DNS lookup against real DNSSEC: unbound validating zones
# signed at test time (dane.bash), a resolver that does not validate, and a
# silent one. The MX lookup of check_tls_smtp --mx goes through the same
# questions as the TLSA lookup (AD, EDNS0), asked of --dns-server or of the
# resolv.conf of the plugin's own mount namespace.
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
# the validating resolver; the CA file is DANE_CA, default the root's.
dane_cmd() {
	local name=$1
	shift
	CMD=("$CHECK_TLS_SMTP" -H "$name" -I 127.0.0.1 -p "$PORT" -C "${DANE_CA:-root.pem}"
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
expect_check 'TLSA: a silent resolver, within the deadline' 1 \
	"^failed: \\(timeout\\) timeout looking up the TLSA records of '$TLSA_OWNER\\.ee\\.test'" \
	'@max-secs=2.5' \
	-- "$DNS_LOOKUP" -s "$BED_SILENT" -t 2 tlsa ee.test "$PORT"
expect_check 'TLSA: a zone whose name server is silent, within the deadline' 1 \
	"^failed: " '@max-secs=3.5' \
	-- "$DNS_LOOKUP" -s "$BED_RESOLVER" -t 3 tlsa ee.silent.test "$PORT"
with_resolv "$TEST_DIR/resolv.conf" "$DNS_LOOKUP" tlsa ee.test "$PORT"
expect_check 'TLSA: asked of resolv.conf without --dns-server' 0 \
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
expect_check --command=hostile_lookup 'hostile: REFUSED' 1 \
	"^failed: name server 127\\.0\\.0\\.5 refused to answer for '$TLSA_OWNER\\.refused\\.test'$" \
	-- refused
expect_check --command=hostile_lookup 'hostile: a TLSA record of 60000 bytes over TCP, kept whole' 0 \
	"^$TLSA_OWNER\\.longtlsa\\.test secure rcode=0 ad=1 records=1$" '*^3 1 1 len=59997 [0-9a-f]+$' \
	-- longtlsa
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
	'@max-secs=3.5' \
	-- "$CHECK_TLS_SMTP" -H mail.test --mx -p "$PORT" "${CA[@]}" --dns-server="$BED_SILENT" -t 3
expect_check '--dns-server takes an address, not a name' 3 \
	'^check_tls_smtp: --dns-server takes an IP address, optionally @PORT$' \
	-- "$CHECK_TLS_SMTP" -H mail.test --mx --dns-server=ns.test
expect_check '--dns-server: a port out of range' 3 \
	'^check_tls_smtp: --dns-server takes an IP address, optionally @PORT$' \
	-- "$CHECK_TLS_SMTP" -H mail.test --mx --dns-server=127.0.0.1@65536


# --- DANE verdicts -----------------------------------------------------------------------


EE8="\\(${EE:0:8}\\.\\.\\.\\)"
OLD8="\\(${OLD:0:8}\\.\\.\\.\\)"
HEX8='\([0-9a-f]{8}\.\.\.\)'
at() { printf '_%s\\._tcp\\.%s' "$PORT" "${1//./\\.}"; }
RENEWED=$(tlsa_data 1 1 "$TEST_DIR/renewed.pem")

expect_check --command=dane_cmd 'DANE: 3 1 1 of the current key: OK, trust from DANE' 0 \
	"^TLS OK - ee\\.test:$PORT smtp: .*TLSA 3 1 1 #1 $EE8 matches the leaf key \\(1 of 1 usable\\): trust from DANE" \
	'tlsa_records=1;;;0; tlsa_usable=1;;;0; tlsa_matching=1;;;0;' \
	-- ee.test --dane
expect_check --command=dane_cmd 'DANE: 3 1 1 of the old key: CRITICAL, with the served key to paste' 2 \
	"^TLS CRITICAL - oldkey\\.test:$PORT smtp: none of 1 usable TLSA records at $(at oldkey.test) matches the served chain: the leaf's key is 3 1 1 $EE," \
	"*TLSA 3 1 1 #1 $OLD8 matches nothing" 'tlsa_matching=0;;;0;' \
	-- oldkey.test --dane
expect_check --command=dane_cmd 'DANE: 2 0 1 of the issuing CA' 0 \
	"^TLS OK - ta-issuer\\.test:$PORT smtp: .*TLSA 2 0 1 #1 $HEX8 matches the certificate of 'CN=tlscheck issuer' on the leaf's path \\(1 of 1 usable\\): trust from DANE" \
	-- ta-issuer.test --dane
expect_check --command=dane_cmd 'DANE: 2 0 1 of the root at depth 2' 0 \
	"^TLS OK - ta-root\\.test:$PORT smtp: .*TLSA 2 0 1 #1 $HEX8 matches the certificate of 'CN=tlscheck root' on the leaf's path \\(1 of 1 usable\\): trust from DANE" \
	-- ta-root.test --dane
expect_check --command=dane_cmd 'DANE: 2 0 1 of an unrelated CA the server merely sent: no match' 2 \
	"^TLS CRITICAL - unrelated\\.test:$PORT_UNRELATED smtp: none of 1 usable TLSA records at _${PORT_UNRELATED}\\._tcp\\.unrelated\\.test matches the served chain" \
	"*TLSA 2 0 1 #1 $HEX8 matches nothing: it matches 'CN=tlscheck unrelated' \\(certificate 3 of the served chain\\), which is not on the leaf's issuer path" \
	-- unrelated.test -p "$PORT_UNRELATED" --dane
expect_check --command=dane_cmd 'DANE: 3 0 0 of a leaf of more than 2048 bytes: read whole, it matches' 0 \
	"^TLS OK - long\\.test:$PORT_LONG smtp: .*TLSA 3 0 0 #1 $HEX8 matches the leaf certificate \\(1 of 1 usable\\): trust from DANE" \
	-- long.test -p "$PORT_LONG" --dane
expect_check --command=dane_cmd 'DANE: a rollover (old + new): OK, the unmatched record named and counted' 0 \
	"^TLS OK - rollover\\.test:$PORT smtp: .*TLSA 3 1 1 #[12] $EE8 matches the leaf key \\(1 of 2 usable\\): trust from DANE" \
	"*TLSA 3 1 1 #[12] $OLD8 matches nothing" 'tlsa_records=2;;;0; tlsa_usable=2;;;0; tlsa_matching=1;;;0;' \
	-- rollover.test --dane
expect_check --command=dane_cmd 'DANE: a rollover with --dane-unmatched=warning' 1 \
	"^TLS WARNING - rollover\\.test:$PORT smtp: TLSA 3 1 1 #[12] $OLD8 matches nothing" \
	-- rollover.test --dane --dane-unmatched=warning
expect_check --command=dane_cmd 'DANE: 3 1 0, the whole key' 0 \
	"TLSA 3 1 0 #1 $HEX8 matches the leaf key \\(1 of 1 usable\\): trust from DANE" \
	-- ee310.test --dane
expect_check --command=dane_cmd 'DANE: 3 1 2, SHA-512 of the key' 0 \
	"TLSA 3 1 2 #1 $HEX8 matches the leaf key \\(1 of 1 usable\\): trust from DANE" \
	-- ee312.test --dane
expect_check --command=dane_cmd 'DANE: 3 0 1, SHA-256 of the certificate' 0 \
	"TLSA 3 0 1 #1 $HEX8 matches the leaf certificate \\(1 of 1 usable\\): trust from DANE" \
	-- ee301.test --dane
expect_check --command=dane_cmd 'DANE: a PKIX usage is not for SMTP: WARNING' 1 \
	"^TLS WARNING - pkix\\.test:$PORT smtp: none of the 1 TLSA records at $(at pkix.test) is usable: 1 1 1 #1 $EE8: usage 1 \\(PKIX-EE\\) is not for SMTP \\(RFC 7672\\)" \
	-- pkix.test --dane
expect_check --command=dane_cmd 'DANE: records none usable, each with why: WARNING' 1 \
	"^TLS WARNING - unusable\\.test:$PORT smtp: none of the 3 TLSA records at $(at unusable.test) is usable: " \
	'3 1 1 #[123] \([0-9a-f]{8}\.\.\.\): SHA-256 data of 20 bytes, not 32' \
	'3 2 1 #[123] \([0-9a-f]{8}\.\.\.\): unknown selector 2' \
	'4 1 1 #[123] \([0-9a-f]{8}\.\.\.\): unknown usage 4' \
	-- unusable.test --dane
expect_check --command=dane_cmd 'DANE required, no records (a signed denial): CRITICAL' 2 \
	"^TLS CRITICAL - norecords\\.test:$PORT smtp: no TLSA records at $(at norecords.test) \\(signed denial\\)" \
	-- norecords.test --dane
expect_check --command=dane_cmd 'DANE if present, no records: OK' 0 \
	"^TLS OK - norecords\\.test:$PORT smtp: " "*dane: no TLSA records at $(at norecords.test)" \
	-- norecords.test --dane=if-present
expect_check --command=dane_cmd 'DANE required, an unsigned zone: CRITICAL' 2 \
	"^TLS CRITICAL - insecure\\.test:$PORT smtp: TLSA answer for $(at insecure.test) is not signed \\(insecure zone\\): DANE is not in force" \
	-- insecure.test --dane
expect_check --command=dane_cmd 'DANE if present, an unsigned zone: OK' 0 \
	"^TLS OK - insecure\\.test:$PORT smtp: " "*dane: TLSA answer for $(at insecure.test) is not signed" \
	-- insecure.test --dane=if-present
# The unsigned zone's 3 1 1 record matches the leaf, but anyone can forge an
# unsigned answer: it must not stand in for the CA store nor for the name.
DANE_CA=unrelated.pem
expect_check --command=dane_cmd 'DANE if present, an unsigned record matching: no trust from it' 2 \
	"^TLS CRITICAL - insecure\\.test:$PORT smtp: " '*CRITICAL trust: chain not trusted by unrelated\.pem' \
	"*CRITICAL name: certificate .* does not match 'elsewhere\\.test'" \
	"*dane: TLSA answer for $(at insecure.test) is not signed" '~trust from DANE' \
	-- insecure.test --dane=if-present -N elsewhere.test -v
expect_check --command=dane_cmd 'DANE: records through a resolver that does not validate: no trust from them' 2 \
	"^TLS CRITICAL - ee\\.test:$PORT smtp: " '*CRITICAL trust: chain not trusted by unrelated\.pem' \
	"*CRITICAL name: certificate .* does not match 'elsewhere\\.test'" \
	'*UNKNOWN dane: name server 127\.0\.0\.2 does not validate DNSSEC' '~trust from DANE' \
	-- ee.test --dane --dns-server="$BED_PLAIN" -N elsewhere.test -v
DANE_CA=
expect_check --command=dane_cmd 'DANE: a bogus answer: CRITICAL with the EDE' 2 \
	"^TLS CRITICAL - ee\\.bogus\\.test:$PORT smtp: TLSA answer for $(at ee.bogus.test) is bogus \\(EDE 6 \\(DNSSEC Bogus\\): .*\\): DANE senders defer mail" \
	-- ee.bogus.test --dane=if-present
bed_flush
expect_check --command=dane_cmd 'DANE: expired TLSA signatures: CRITICAL, EDE 7' 2 \
	"^TLS CRITICAL - ee\\.expired\\.test:$PORT smtp: TLSA answer for $(at ee.expired.test) is bogus \\(EDE 7 \\(Signature Expired\\)" \
	-- ee.expired.test --dane
bed_flush
expect_check --command=dane_cmd 'DANE: a zone signed wholly in the past: CRITICAL, the EDE named' 2 \
	"^TLS CRITICAL - ee\\.past\\.test:$PORT smtp: TLSA answer for $(at ee.past.test) is bogus \\(EDE (7 \\(Signature Expired\\)|9 \\(DNSKEY Missing\\))" \
	-- ee.past.test --dane
expect_check --command=dane_cmd 'DANE: a silent name server, within -t' 2 \
	"^TLS CRITICAL - ee\\.silent\\.test:$PORT smtp: TLSA lookup of $(at ee.silent.test) failed: timeout looking up the TLSA records" \
	'@max-secs=3.5' \
	-- ee.silent.test --dane -t 3
expect_check --command=dane_cmd 'DANE: a resolver that does not validate: UNKNOWN' 3 \
	"^TLS UNKNOWN - ee\\.test:$PORT smtp: name server 127\\.0\\.0\\.2 does not validate DNSSEC: the TLSA records of $(at ee.test) cannot be judged" \
	-- ee.test --dane --dns-server="$BED_PLAIN"
expect_check --command=dane_cmd 'DANE: a silent resolver, within -t' 2 \
	"^TLS CRITICAL - ee\\.test:$PORT smtp: TLSA lookup of $(at ee.test) failed: timeout looking up the TLSA records" \
	'@max-secs=3.5' \
	-- ee.test --dane --dns-server="$BED_SILENT" -t 3
expect_check --command=dane_cmd 'DANE: signed records, the address records unsigned: WARNING' 1 \
	"^TLS WARNING - addr-insecure\\.test:$PORT smtp: the address records of addr-insecure\\.test are not signed: DANE clients will not look its TLSA records up" \
	-- addr-insecure.test --dane
expect_check --command=dane_cmd 'DANE: --cert-file, the renewed key in no record: the reload would break DANE' 2 \
	"reloading renewed\\.pem will break DANE: no TLSA record matches its key \\(3 1 1 $RENEWED\\)" \
	-- mx1.test --dane --cert-file renewed.pem
expect_check --command=dane_cmd 'DANE: --cert-file holding the served certificate: no word of a reload' 0 \
	"^TLS OK - mx1\\.test:$PORT smtp: " '~break DANE' \
	-- mx1.test --dane --cert-file leaf.pem
with_resolv "$TEST_DIR/resolv.conf" "$CHECK_TLS_SMTP" -H mail.test --mx -p "$PORT" -C root.pem --dane
expect_check 'DANE: --mx, each MX host its own records, the stale one named' 2 \
	"^TLS CRITICAL - mail\\.test:$PORT smtp: 1 of 2 MX hosts OK, mx2\\.test@127\\.0\\.0\\.1: none of 1 usable TLSA records at $(at mx2.test) matches the served chain" \
	"*'mx1\\.test@127\\.0\\.0\\.1 tlsa_matching'=1;;;0;" "*'mx2\\.test@127\\.0\\.0\\.1 tlsa_matching'=0;;;0;" \
	-- "${CMD[@]}"

# --- the reference: Postfix's posttls-finger on the same bed ------------------------------

mkdir -p "$TEST_DIR/postfix"
printf 'compatibility_level = 3.6\nsmtp_dns_support_level = dnssec\n' >"$TEST_DIR/postfix/main.cf"

# postfix_verdict NAME PORT: what posttls-finger -l dane makes of NAME:PORT, in a
# word: dane-verified, dane-no-match, dane-unusable, tlsa-lookup-error, no-dane.
postfix_verdict() {
	local out
	with_resolv "$TEST_DIR/resolv.conf" env MAIL_CONFIG="$TEST_DIR/postfix" \
		posttls-finger -t30 -T180 -c -l dane -P /etc/ssl/certs "[$1]:$2"
	out=$(cd "$TEST_DIR" && timeout 30 "${CMD[@]}" 2>&1 </dev/null)
	POSTFIX_OUT=$out
	if grep -q 'TLSA lookup error' <<<"$out"; then
		echo tlsa-lookup-error
	elif grep -q 'num=65:no matching DANE TLSA records' <<<"$out"; then
		echo dane-no-match
	elif grep -q 'Matched DANE' <<<"$out" && grep -q 'Verified TLS connection' <<<"$out"; then
		echo dane-verified
	elif grep -Eq 'all TLSA records unusable|unsupported TLSA certificate usage' <<<"$out"; then
		echo dane-unusable
	elif grep -q 'Untrusted TLS connection' <<<"$out"; then
		echo no-dane
	else
		echo unknown
	fi
}

# agree NAME POSTFIX EXIT [ARGS...]: posttls-finger says POSTFIX, and check_tls_smtp
# with ARGS (default --dane) exits EXIT, on the same bed.
agree() {
	local name=$1 want=$2 exit=$3 port=$PORT got
	shift 3
	[ $# -gt 0 ] || set -- --dane
	[ "$name" = unrelated.test ] && port=$PORT_UNRELATED
	got=$(postfix_verdict "$name" "$port")
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

agree ee.test dane-verified 0
agree oldkey.test dane-no-match 2
agree ta-issuer.test dane-verified 0
agree ta-root.test dane-verified 0
agree unrelated.test dane-no-match 2
agree rollover.test dane-verified 0
agree ee310.test dane-verified 0
agree ee312.test dane-verified 0
agree ee301.test dane-verified 0
agree pkix.test dane-unusable 1
agree unusable.test dane-unusable 1
agree norecords.test no-dane 0 --dane=if-present
agree insecure.test no-dane 0 --dane=if-present
agree ee.bogus.test tlsa-lookup-error 2
agree ee.expired.test tlsa-lookup-error 2

finish
