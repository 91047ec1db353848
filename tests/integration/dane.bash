# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# dane.bash — a DNSSEC test bed for dane.sh, sourced after lib.sh: zones made
# and signed at test time with ldns (ldns-keygen, ldns-signzone, ldns-key2ds),
# a signed root "." that delegates them, so that the root's DS is the one trust
# anchor and a resolver probe (". SOA" with AD) works as on the Internet, and
# unbound validating them from its auth-zones.
#
# The test runs in a network namespace of its own (unshare -n), so unbound
# listens on port 53 of 127.0.0.1 there (resolv.conf cannot name a port) and
# takes no address of the machine's. Everything is in $TEST_DIR/bed.
#
#   bed_zone ZONE MODE       a zone ("." "test." "insecure.test." ...): its SOA, its
#                            NS ns.ZONE at 127.0.0.1, delegated from its parent.
#                            MODE: signed; unsigned (no DS in the parent);
#                            bogus (one character of its TLSA signatures
#                            changed); expired-tlsa (the TLSA RRset signed in
#                            the past); past (the whole zone signed in the past);
#                            silent (delegated to BED_SILENT, which never answers)
#   bed_add ZONE LINE...     records, in zone file syntax, owner names absolute
#   bed_start                sign (children first), start unbound on BED_RESOLVER
#                            (and ::1)
#   bed_start_plain          a second unbound at BED_PLAIN, serving the same zones
#                            without validating (a resolver that does not validate)
#   bed_start_no_ede         a third at BED_NO_EDE, validating, without EDE
#   bed_silent               BED_SILENT port 53 reads questions and never answers
#   bed_flush                the validating resolver's failures forgotten
#   bed_hostile              tests/hostile/dns_peer.py at BED_HOSTILE: a name
#                            server that misbehaves as the question's first label says

BED_RESOLVER=127.0.0.1
BED_PLAIN=127.0.0.2
BED_SILENT=127.0.0.3
BED_NO_EDE=127.0.0.4
BED_HOSTILE=127.0.0.5
BED_REMOTE=192.0.2.53
BED=
BED_ZONES=()
declare -A BED_MODE=()

bed_init() {
	BED=$TEST_DIR/bed
	mkdir -p "$BED" || return 1
}

# The file name of ZONE: root for ".".
bed_file() {
	local z=${1%.}
	echo "$BED/${z:-root}"
}

bed_parent() {
	local z=${1%.}
	case $z in
	*.*) echo "${z#*.}." ;;
	*) echo . ;;
	esac
}

bed_zone() {
	local zone=$1 mode=$2 file
	[ -n "$BED" ] || bed_init || return 1
	file=$(bed_file "$zone")
	BED_ZONES+=("$zone")
	BED_MODE[$zone]=$mode
	[ "$mode" = silent ] && return 0
	{
		echo "\$TTL 300"
		printf '%s IN SOA ns.%s hostmaster.%s 1 3600 600 86400 300\n' "$zone" \
			"${zone#.}" "${zone#.}"
		if [ "$zone" = . ]; then
			printf '. IN NS ns.test.\n'
		else
			printf '%s IN NS ns.%s\nns.%s IN A 127.0.0.1\n' "$zone" "$zone" "$zone"
		fi
	} >"$file.zone"
}

bed_add() {
	local zone=$1 file
	file=$(bed_file "$zone")
	shift
	printf '%s\n' "$@" >>"$file.zone"
}

# Zones by depth, deepest first: a child's DS goes into its parent before the
# parent is signed.
bed_by_depth() {
	local z
	for z in "${BED_ZONES[@]}"; do
		printf '%s %s\n' "$(tr -cd . <<<"${z%.}" | wc -c)" "$z"
	done | sort -rn | awk '{ print $2 }'
}

# ldns-signzone with dates INCEPTION and EXPIRATION (YYYYMMDD).
bed_sign() {
	local zone=$1 file=$2 out=$3 inception=$4 expiration=$5
	ldns-signzone -o "$zone" -i "$inception" -e "$expiration" -f "$out" "$file.zone" \
		"$file.zsk" "$file.ksk" >>"$BED/ldns.log" 2>&1
}

bed_sign_zone() {
	local zone=$1 mode=$2 file now past_i past_e k name flags
	file=$(bed_file "$zone")
	# ldns-keygen names the files it writes K<zone>+013+<tag>; signing takes
	# those names without .key and .private.
	for k in ksk zsk; do
		flags=()
		[ $k = ksk ] && flags=(-k)
		name=$(cd "$BED" && ldns-keygen -a ECDSAP256SHA256 "${flags[@]}" "$zone" \
			2>>"$BED/ldns.log") || return 1
		ln -sf "$BED/$name.key" "$file.$k.key" && ln -sf "$BED/$name.private" "$file.$k.private" ||
			return 1
	done
	now=$(date -u -d '-1 day' +%Y%m%d)
	past_i=$(date -u -d '-60 days' +%Y%m%d)
	past_e=$(date -u -d '-30 days' +%Y%m%d)
	case $mode in
	past)
		bed_sign "$zone" "$file" "$file.signed" "$past_i" "$past_e" || return 1
		;;
	*)
		bed_sign "$zone" "$file" "$file.signed" "$now" "$(date -u -d '+30 days' +%Y%m%d)" ||
			return 1
		;;
	esac
	case $mode in
	bogus)
		# One character of each TLSA signature changed: the data no longer
		# validates, the zone's keys still do.
		awk '$4 == "RRSIG" && $5 == "TLSA" { c = substr($NF, 10, 1); \
			$NF = substr($NF, 1, 9) (c == "A" ? "B" : "A") substr($NF, 11) } { print }' \
			"$file.signed" >"$file.tmp" && mv "$file.tmp" "$file.signed"
		;;
	expired-tlsa)
		bed_sign "$zone" "$file" "$file.past" "$past_i" "$past_e" || return 1
		{
			awk '!($4 == "RRSIG" && $5 == "TLSA")' "$file.signed"
			awk '$4 == "RRSIG" && $5 == "TLSA"' "$file.past"
		} >"$file.tmp" && mv "$file.tmp" "$file.signed"
		;;
	esac
	ldns-key2ds -n -2 "$file.ksk.key" >"$file.ds" 2>>"$BED/ldns.log"
}

bed_start() {
	local zone parent mode conf=$BED/unbound.conf
	for zone in $(bed_by_depth); do
		mode=${BED_MODE[$zone]}
		if [ "$zone" != . ]; then
			parent=$(bed_parent "$zone")
			if [ "$mode" = silent ]; then
				bed_add "$parent" "$zone IN NS ns.$zone" "ns.$zone IN A $BED_SILENT"
			else
				bed_add "$parent" "$zone IN NS ns.$zone" "ns.$zone IN A 127.0.0.1"
			fi
		fi
		case $mode in
		silent) continue ;;
		unsigned)
			cp "$(bed_file "$zone").zone" "$(bed_file "$zone").signed"
			continue
			;;
		esac
		bed_sign_zone "$zone" "$mode" || {
			diag "signing $zone failed:"
			diag_file "$BED/ldns.log"
			return 1
		}
		[ "$zone" = . ] || bed_add "$parent" "$(cat "$(bed_file "$zone").ds")"
	done
	bed_unbound_conf "$conf" "$BED_RESOLVER" 'validator iterator' \
		"trust-anchor-file: \"$BED/root.ds\""
	# on ::1 too, for --dns-server with an IPv6 address; and on BED_REMOTE, an
	# address not on loopback, whose AD only --dns-server or trust-ad believe
	ip addr add "$BED_REMOTE/32" dev lo 2>/dev/null
	sed -i 's/^  interface: .*/&\n  interface: ::1@53\n  access-control: ::1 allow/' "$conf"
	sed -i "s|^  interface: ::1@53|&\\n  interface: $BED_REMOTE@53\\n  access-control: $BED_REMOTE/32 allow|" \
		"$conf"
	bed_launch unbound "$conf" "$BED_RESOLVER"
}

bed_start_plain() {
	bed_unbound_conf "$BED/plain.conf" "$BED_PLAIN" iterator ''
	bed_launch unbound-plain "$BED/plain.conf" "$BED_PLAIN"
}

# A validating resolver that gives no Extended DNS Errors: a bogus answer is a
# bare SERVFAIL there, told from a broken resolver only by asking with CD.
bed_start_no_ede() {
	bed_unbound_conf "$BED/no-ede.conf" "$BED_NO_EDE" 'validator iterator' \
		"trust-anchor-file: \"$BED/root.ds\""
	sed -i 's/^  ede: yes/  ede: no/' "$BED/no-ede.conf"
	bed_launch unbound-no-ede "$BED/no-ede.conf" "$BED_NO_EDE"
}

# bed_unbound_conf FILE ADDRESS MODULES TRUST
bed_unbound_conf() {
	local file=$1 address=$2 modules=$3 trust=$4 name zone
	{
		cat <<-EOF
			server:
			  interface: $address@53
			  do-daemonize: no
			  username: ""
			  chroot: ""
			  directory: "$BED"
			  pidfile: "$file.pid"
			  logfile: ""
			  use-syslog: no
			  verbosity: 1
			  ede: yes
			  val-log-level: 2
			  access-control: 127.0.0.0/8 allow
			  do-not-query-localhost: no
			  local-zone: "test." nodefault
			  module-config: "$modules"
			  outgoing-interface: 127.0.0.1
			  num-threads: 1
			  $trust
		EOF
		# unbound-control over a socket of the test's own (bed_flush)
		cat <<-EOF
			remote-control:
			  control-enable: yes
			  control-interface: "$file.ctl"
			  control-use-cert: no
		EOF
		for zone in "${BED_ZONES[@]}"; do
			[ "${BED_MODE[$zone]}" = silent ] && continue
			name=$(bed_file "$zone")
			cat <<-EOF
				auth-zone:
				  name: "$zone"
				  zonefile: "$name.signed"
				  for-upstream: yes
				  for-downstream: no
				  fallback-enabled: no
			EOF
		done
	} >"$file"
}

# bed_launch LABEL CONF ADDRESS: unbound -d, until it answers ". SOA".
bed_launch() {
	local label=$1 conf=$2 address=$3 pid
	new_server_log "$label"
	unbound -d -c "$conf" </dev/null >"$SERVER_LOG" 2>&1 &
	pid=$!
	kill_at_exit "$pid"
	for _ in $(seq 1 100); do
		if dig +time=1 +tries=1 @"$address" . SOA >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	diag "$label did not start"
	diag_file "$SERVER_LOG"
	return 1
}

# bed_flush: the validating resolver forgets what failed to validate. unbound
# names the reason of a validation failure (EDE 7, 9 ...) when it validates;
# the cached failure is EDE 6, whatever the reason was.
bed_flush() {
	unbound-control -c "$BED/unbound.conf" flush_bogus >/dev/null 2>&1
}

# bed_silent: BED_SILENT port 53 over UDP, reading and never answering.
bed_silent() {
	"$PYTHON" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((sys.argv[1], 53))
t.listen(16)
end = time.time() + float(sys.argv[2])
s.settimeout(1)
while time.time() < end:
    try:
        s.recv(4096)
    except socket.timeout:
        pass
' "$BED_SILENT" "$PEER_LIFETIME" </dev/null >/dev/null 2>&1 &
	kill_at_exit $!
}

bed_hostile() {
	local pid
	new_server_log dns-peer
	"$PYTHON" "$TLSCHECK_SRCDIR/tests/hostile/dns_peer.py" "$BED_HOSTILE" \
		--lifetime "$PEER_LIFETIME" </dev/null >"$SERVER_LOG" 2>&1 &
	pid=$!
	kill_at_exit "$pid"
	for _ in $(seq 1 100); do
		dig +time=1 +tries=1 @"$BED_HOSTILE" ok.test A >/dev/null 2>&1 && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	diag 'dns_peer.py did not start'
	diag_file "$SERVER_LOG"
	return 1
}

# tlsa_der SELECTOR PEMFILE: the DER a TLSA record of selector SELECTOR hashes.
tlsa_der() {
	if [ "$1" = 1 ]; then
		openssl x509 -in "$2" -noout -pubkey | openssl pkey -pubin -outform DER
	else
		openssl x509 -in "$2" -outform DER
	fi
}

# tlsa_data SELECTOR MTYPE PEMFILE: a TLSA record's data for the certificate, hex.
tlsa_data() {
	case $2 in
	0) tlsa_der "$1" "$3" | od -An -v -tx1 | tr -d ' \n' ;;
	1) tlsa_der "$1" "$3" | openssl dgst -sha256 -r | cut -d' ' -f1 ;;
	2) tlsa_der "$1" "$3" | openssl dgst -sha512 -r | cut -d' ' -f1 ;;
	esac
}

# ---------------------------------------------------------------------------
# The cases of dane.sh: the certificates, two STARTTLS listeners (aiosmtpd: PORT
# serves leaf + issuer + root; PORT_UNRELATED leaf + issuer + an unrelated CA),
# and a name per case with its TLSA records. Then both resolvers, the silent
# name server, and resolv.conf files naming each resolver.

# tlsa NAME PORT USAGE SELECTOR MTYPE DATA: the record line.
tlsa() {
	printf '_%s._tcp.%s. IN TLSA %s %s %s %s' "$2" "$1" "$3" "$4" "$5" "$6"
}

bed_dane_cases() {
	{
		make_ca root '-1 day' '+3650 days' &&
			make_intermediate issuer root '-1 day' '+3000 days' &&
			make_ca unrelated '-1 day' '+3650 days' &&
			make_leaf leaf issuer mx1.test mx1.test mx2.test ee.test oldkey.test ta-issuer.test \
				ta-root.test rollover.test ee310.test ee312.test ee301.test pkix.test \
				unusable.test norecords.test insecure.test ee.bogus.test ee.expired.test \
				ee.past.test ee.silent.test unrelated.test addr-insecure.test '-1 day' '+200 days' &&
			make_leaf old issuer mx1.test '-100 days' '+100 days' &&
			make_leaf renewed issuer mx1.test '-1 hour' '+300 days' &&
			make_leaf long issuer long.test long.test $(seq -f 'n%03g.long.test' 1 150) \
				'-1 day' '+200 days' &&
			make_chain served leaf issuer root &&
			make_chain served-long long issuer root &&
			make_chain served-unrelated leaf issuer unrelated
	} || { diag 'cannot make the test certificates'; return 1; }

	start_smtpd starttls "$TEST_DIR/served.pem" "$TEST_DIR/leaf.key" ||
		return 1
	PORT=$SERVER_PORT
	start_smtpd starttls "$TEST_DIR/served-unrelated.pem" "$TEST_DIR/leaf.key" ||
		return 1
	PORT_UNRELATED=$SERVER_PORT
	# a leaf of more than 2048 bytes, for a 3 0 0 record that long
	start_smtpd starttls "$TEST_DIR/served-long.pem" "$TEST_DIR/long.key" ||
		return 1
	PORT_LONG=$SERVER_PORT

	EE=$(tlsa_data 1 1 "$TEST_DIR/leaf.pem")
	OLD=$(tlsa_data 1 1 "$TEST_DIR/old.pem")

	bed_zone . signed
	bed_zone test. signed
	bed_zone insecure.test. unsigned
	bed_zone bogus.test. bogus
	bed_zone expired.test. expired-tlsa
	bed_zone past.test. past
	bed_zone silent.test. silent

	for host in mx1 mx2 ee oldkey ta-issuer ta-root rollover ee310 ee312 ee301 pkix unusable \
		norecords unrelated big many long; do
		bed_add test. "$host.test. IN A 127.0.0.1"
	done
	bed_add test. \
		'mail.test. IN MX 10 mx1.test.' 'mail.test. IN MX 20 mx2.test.' \
		"$(tlsa mx1.test "$PORT" 3 1 1 "$EE")" \
		"$(tlsa mx2.test "$PORT" 3 1 1 "$OLD")" \
		"$(tlsa ee.test "$PORT" 3 1 1 "$EE")" \
		"$(tlsa oldkey.test "$PORT" 3 1 1 "$OLD")" \
		"$(tlsa ta-issuer.test "$PORT" 2 0 1 "$(tlsa_data 0 1 "$TEST_DIR/issuer.pem")")" \
		"$(tlsa ta-root.test "$PORT" 2 0 1 "$(tlsa_data 0 1 "$TEST_DIR/root.pem")")" \
		"$(tlsa rollover.test "$PORT" 3 1 1 "$OLD")" \
		"$(tlsa rollover.test "$PORT" 3 1 1 "$EE")" \
		"$(tlsa ee310.test "$PORT" 3 1 0 "$(tlsa_data 1 0 "$TEST_DIR/leaf.pem")")" \
		"$(tlsa ee312.test "$PORT" 3 1 2 "$(tlsa_data 1 2 "$TEST_DIR/leaf.pem")")" \
		"$(tlsa ee301.test "$PORT" 3 0 1 "$(tlsa_data 0 1 "$TEST_DIR/leaf.pem")")" \
		"$(tlsa pkix.test "$PORT" 1 1 1 "$EE")" \
		"$(tlsa unusable.test "$PORT" 4 1 1 "$EE")" \
		"$(tlsa unusable.test "$PORT" 3 1 1 "${EE:0:40}")" \
		"$(tlsa unusable.test "$PORT" 3 2 1 "$EE")" \
		"$(tlsa unrelated.test "$PORT_UNRELATED" 2 0 1 \
			"$(tlsa_data 0 1 "$TEST_DIR/unrelated.pem")")"
	# a name that exists without TLSA records (secure NODATA); records of
	# every length, more than one UDP answer holds (over TCP); more records
	# than a lookup keeps
	bed_add test. "_$PORT._tcp.norecords.test. IN TXT \"no TLSA here\""
	bed_add test. "$(tlsa big.test "$PORT" 3 0 0 "$(tlsa_data 0 0 "$TEST_DIR/leaf.pem")")" \
		"$(tlsa big.test "$PORT" 3 0 0 "$(tlsa_data 0 0 "$TEST_DIR/issuer.pem")")" \
		"$(tlsa big.test "$PORT" 2 0 0 "$(tlsa_data 0 0 "$TEST_DIR/root.pem")")" \
		"$(tlsa big.test "$PORT" 3 1 0 "$(tlsa_data 1 0 "$TEST_DIR/leaf.pem")")" \
		"$(tlsa big.test "$PORT" 3 1 1 "$(head -c 3000 /dev/zero | od -An -v -tx1 | tr -d ' \n')")"
	bed_add test. "$(tlsa long.test "$PORT_LONG" 3 0 0 "$(tlsa_data 0 0 "$TEST_DIR/long.pem")")"
	for i in $(seq 1 40); do
		bed_add test. "$(tlsa many.test "$PORT" 3 1 1 "$(printf '%064x' "$i")")"
	done
	# signed TLSA records, the address records unsigned (a CNAME into the
	# unsigned zone): DANE senders never look the records up
	bed_add test. 'addr-insecure.test. IN CNAME insecure.test.' \
		"$(tlsa addr-insecure.test "$PORT" 3 1 1 "$EE")"
	bed_add insecure.test. 'insecure.test. IN A 127.0.0.1' \
		"$(tlsa insecure.test "$PORT" 3 1 1 "$EE")"
	for zone in bogus expired past; do
		bed_add "$zone.test." "ee.$zone.test. IN A 127.0.0.1" \
			"$(tlsa "ee.$zone.test" "$PORT" 3 1 1 "$EE")"
	done

	bed_start || return 1
	bed_start_plain || return 1
	bed_start_no_ede || return 1
	bed_silent
	bed_hostile || return 1

	echo "nameserver $BED_RESOLVER" >"$TEST_DIR/resolv.conf"
	echo "nameserver $BED_PLAIN" >"$TEST_DIR/resolv-plain.conf"
	echo "nameserver $BED_SILENT" >"$TEST_DIR/resolv-silent.conf"
	echo "nameserver $BED_REMOTE" >"$TEST_DIR/resolv-remote.conf"
	printf 'nameserver %s\noptions ndots:1 trust-ad\n' "$BED_REMOTE" >"$TEST_DIR/resolv-trust-ad.conf"
	printf '127.0.0.1 localhost mx1.test mx2.test\n' >"$TEST_DIR/hosts"
}

# with_resolv FILE CMD...: CMD (into the array CMD) in a mount namespace of its
# own where /etc/resolv.conf is FILE.
# shellcheck disable=SC2016 # expanded by sh, not here
with_resolv() {
	local file=$1
	shift
	CMD=(unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' _
		"$file" "$@")
}

# with_hosts RESOLV HOSTS CMD...: the same, /etc/hosts being HOSTS too.
# shellcheck disable=SC2016 # expanded by sh, not here
with_hosts() {
	local resolv=$1 hosts=$2
	shift 2
	CMD=(unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts &&
		shift 2 && exec "$@"' _ "$resolv" "$hosts" "$@")
}
