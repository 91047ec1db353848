#!/bin/bash
# hostile.sh — the plugins against peers that misbehave (tests/hostile/peer.py):
# silence, a slow banner, garbage, a huge line, an abrupt close, plaintext
# injected after the go-ahead, a TLS alert, TLS cut off, an impostor with a copied
# chain, HTTP/2 peers that answer the preface wrongly or never, and each
# protocol's refusals and broken replies. Every case must end in one status line, within
# the deadline, with an exit code of 0-3 and nothing on stderr.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_plugin "$CHECK_TLS"
require_plugin "$CHECK_TLS_SMTP"
require_plugin "$CHECK_TLS_PGSQL"
require_server 'certtool (gnutls-bin)' command -v certtool
[ -r "$HOSTILE_PEER" ] || bail_out "$HOSTILE_PEER not found"
lib_init

CHECK_TLS_LDAP=$TLSCHECK_BUILDDIR/plugins/check_tls_ldap
CHECK_TLS_MYSQL=$TLSCHECK_BUILDDIR/plugins/check_tls_mysql
CHECK_TLS_XMPP=$TLSCHECK_BUILDDIR/plugins/check_tls_xmpp
CHECK_TLS_KAFKA=$TLSCHECK_BUILDDIR/plugins/check_tls_kafka
CHECK_TLS_REDIS=$TLSCHECK_BUILDDIR/plugins/check_tls_redis
CHECK_TLS_MQTT=$TLSCHECK_BUILDDIR/plugins/check_tls_mqtt
CHECK_TLS_GRPC=$TLSCHECK_BUILDDIR/plugins/check_tls_grpc
for plugin in "$CHECK_TLS_LDAP" "$CHECK_TLS_MYSQL" "$CHECK_TLS_XMPP" "$CHECK_TLS_KAFKA" \
	"$CHECK_TLS_REDIS" "$CHECK_TLS_MQTT" "$CHECK_TLS_GRPC"; do
	require_plugin "$plugin"
done

# The certificate of the peers that speak TLS.
make_ca ca && make_leaf peer ca peer.test peer.test '-1 day' '+200 days' ||
	bail_out 'cannot make the certificates'

declare -A PEER
for mode in silent slow-banner garbage huge-line close \
	smtp-plaintext-after-starttls smtp-early-go-ahead pg-S-plus-bytes tls-alert \
	tls-cut-record tls-cut-handshake smtp-no-starttls pg-N pg-E pg-S-close mysql-err \
	ldap-protocol-error ldap-truncated ldap-bad-length xmpp-failure \
	kafka-lying-length tls-garbage-after h2-grpc-go h2-goaway h2-http1 h2-silent \
	h2-long-frame h2-pings grpc-endless-ping grpc-endless-window-update grpc-trickle \
	grpc-continuation-flood grpc-longest-frame grpc-bad-hpack-integer grpc-odd-message; do
	start_peer "$mode" --cert "$TEST_DIR/peer.pem" --key "$TEST_DIR/peer.key" ||
		bail_out "peer.py $mode did not start"
	PEER[$mode]=$SERVER_PORT
done

# on MODE PLUGIN ARGS...: the command line of PLUGIN against the peer in MODE.
on() {
	local mode=$1 plugin=$2
	shift 2
	CMD=("$plugin" -H 127.0.0.1 -p "${PEER[$mode]}" --no-verify-name "$@")
}

# hostile DESC EXIT PATTERNS... -- MODE PLUGIN ARGS...: one line of output.
hostile() {
	expect_check --command=on --always=@lines=1 "$@"
}

# --- the deadline is one deadline for the whole run ---------------------------

hostile 'silent peer, check_tls -t 2: CRITICAL timeout within 5 s' 2 \
	'^TLS CRITICAL - .*timeout' "$PERF_FAILED" '@max-secs=5' \
	-- silent "$CHECK_TLS" -t 2

hostile 'silent peer, -t 2:warning: WARNING' 1 \
	'^TLS WARNING - .*timeout' "$PERF_FAILED" '@max-secs=5' \
	-- silent "$CHECK_TLS" -t 2:warning

hostile 'silent peer, -t 2:unknown: UNKNOWN' 3 '^TLS UNKNOWN - .*timeout' '@max-secs=5' \
	-- silent "$CHECK_TLS" -t 2:unknown

hostile 'silent peer, check_tls_smtp -t 2: timeout waiting for the greeting' 2 \
	'^TLS CRITICAL - .* smtp: .*timeout' "$PERF_FAILED" '@max-secs=5' \
	-- silent "$CHECK_TLS_SMTP" -t 2

hostile 'silent peer, check_tls_pgsql -t 2: timeout waiting for the answer' 2 \
	'^TLS CRITICAL - .* pgsql: .*timeout' "$PERF_FAILED" '@max-secs=5' \
	-- silent "$CHECK_TLS_PGSQL" -t 2

hostile 'slow banner (1 byte/s), -t 2: the deadline covers the whole run' 2 \
	'^TLS CRITICAL - .*timeout' '@max-secs=5' \
	-- slow-banner "$CHECK_TLS_SMTP" -t 2

hostile 'silent peer, --output=days: the sentinel' 0 '^-65535$' '@max-secs=5' \
	-- silent "$CHECK_TLS" -t 2 --output=days

# --- nonsense is recognised at once, not waited out ----------------------------

for plugin in "$CHECK_TLS" "$CHECK_TLS_SMTP" "$CHECK_TLS_PGSQL"; do
	name=${plugin##*/}
	hostile "garbage, $name: CRITICAL" 2 '^TLS CRITICAL - ' "$PERF_FAILED" '@max-secs=5' \
		-- garbage "$plugin" -t 10
	hostile "close at once, $name: CRITICAL" 2 '^TLS CRITICAL - ' "$PERF_FAILED" \
		'@max-secs=5' \
		-- close "$plugin" -t 10
done

hostile 'huge line (1 MiB, no newline), check_tls_smtp: CRITICAL' 2 \
	'^TLS CRITICAL - ' "$PERF_FAILED" '@max-secs=5' \
	-- huge-line "$CHECK_TLS_SMTP" -t 10

hostile 'huge line, check_tls: CRITICAL' 2 '^TLS CRITICAL - ' '@max-secs=5' \
	-- huge-line "$CHECK_TLS" -t 10

# --- injection and refusal -------------------------------------------------------

hostile 'plaintext after the STARTTLS go-ahead: CRITICAL, refused' 2 \
	'^TLS CRITICAL - .* smtp: .*[Pp]laintext' "$PERF_FAILED" '@max-secs=5' \
	-- smtp-plaintext-after-starttls "$CHECK_TLS_SMTP" -t 10

hostile 'a go-ahead sent before STARTTLS was: CRITICAL, refused' 2 \
	'^TLS CRITICAL - .* smtp: server sent [0-9]+ bytes before STARTTLS was sent, refusing' \
	"$PERF_FAILED" '@max-secs=5' \
	-- smtp-early-go-ahead "$CHECK_TLS_SMTP" -t 10

hostile "bytes after PostgreSQL's 'S': CRITICAL, refused" 2 \
	'^TLS CRITICAL - .* pgsql: .*[Pp]laintext' "$PERF_FAILED" '@max-secs=5' \
	-- pg-S-plus-bytes "$CHECK_TLS_PGSQL" -t 10

hostile 'fatal TLS alert: CRITICAL, names the alert' 2 \
	'^TLS CRITICAL - .*[Aa]lert' "$PERF_FAILED" '@max-secs=5' \
	-- tls-alert "$CHECK_TLS" -t 10

hostile 'fatal TLS alert on implicit SMTPS: CRITICAL' 2 '^TLS CRITICAL - .*[Aa]lert' \
	'@max-secs=5' \
	-- tls-alert "$CHECK_TLS_SMTP" --implicit-tls -t 10

# --- one peer per behaviour, -t 3: the documented state and its reason ----------

# quick DESC EXIT REASON -- MODE PLUGIN ARGS...: within -t 3 and 3.5 s of wall
# time, one line naming REASON, perfdata whole.
quick() {
	local desc=$1 want=$2 reason=$3
	shift 3
	hostile "$desc" "$want" "$reason" '@max-secs=3.5' "$@" -t 3
}
TRUSTED=(-C ca.pem)

quick 'TLS cut off mid-record: the server closed, not "not TLS"' 2 \
	'^TLS CRITICAL - .* tls: server closed the connection during the TLS handshake \| time=' \
	-- tls-cut-record "$CHECK_TLS"
quick 'TLS cut off between records: the server closed' 2 \
	'^TLS CRITICAL - .* tls: server closed the connection during the TLS handshake \| time=' \
	-- tls-cut-handshake "$CHECK_TLS"
quick 'garbage for a ClientHello: not TLS' 2 \
	"^TLS CRITICAL - .* tls: the server's reply is not TLS \\| time=" \
	-- garbage "$CHECK_TLS"
quick 'fatal alert for the ClientHello: named' 2 \
	"^TLS CRITICAL - .* tls: handshake failed: server sent alert 'Handshake failed' \\| time=" \
	-- tls-alert "$CHECK_TLS"
quick 'close at once, check_tls: closed during the handshake' 2 \
	'^TLS CRITICAL - .* tls: server closed the connection during the TLS handshake \| time=' \
	-- close "$CHECK_TLS"
quick 'close at once, check_tls_smtp: closed before the greeting' 2 \
	'^TLS CRITICAL - .* smtp: server closed the connection while we waited for the SMTP greeting \| time=' \
	-- close "$CHECK_TLS_SMTP"
quick 'close at once, check_tls_pgsql: closed before the answer' 2 \
	'^TLS CRITICAL - .* pgsql: server (closed|reset) the connection while we waited for the answer to the SSLRequest \| time=' \
	-- close "$CHECK_TLS_PGSQL"
quick '64 KiB of random bytes, check_tls_smtp: not a greeting' 2 \
	'^TLS CRITICAL - .* smtp: the SMTP greeting: .*\| time=' \
	-- garbage "$CHECK_TLS_SMTP"
# -vvv shows what came, bounded and escaped: nothing of it reaches the output raw.
expect_check --command=on '64 KiB of random bytes, check_tls_smtp -vvv: the bytes kept escaped, the rest counted' 2 \
	'^TLS CRITICAL - .* smtp: the SMTP greeting: ' '*^S: .*\\x[0-9a-f]{2}' \
	'*^\([0-9]+ more bytes of the dialogue not kept\)$' '~^S: .*[^ -~]' '~^S: .*[|;]' \
	'@max-secs=3.5' -- garbage "$CHECK_TLS_SMTP" -vvv -t 3
quick '64 KiB of random bytes, check_tls_pgsql: not an answer' 2 \
	'^TLS CRITICAL - .* pgsql: unexpected answer to the SSLRequest: 0x[0-9a-f]{2} \| time=' \
	-- garbage "$CHECK_TLS_PGSQL"
quick 'SMTP go-ahead followed by injected plaintext: refused' 2 \
	'^TLS CRITICAL - .* smtp: server sent [0-9]+ bytes of plaintext after its go-ahead for TLS \(injection risk\), refusing \| time=' \
	-- smtp-plaintext-after-starttls "$CHECK_TLS_SMTP"
quick "PostgreSQL 'S' followed by plaintext: refused" 2 \
	'^TLS CRITICAL - .* pgsql: server sent [0-9]+ bytes of plaintext after its go-ahead for TLS \(injection risk\), refusing \| time=' \
	-- pg-S-plus-bytes "$CHECK_TLS_PGSQL"
quick 'SMTP without STARTTLS: no TLS offered' 2 \
	'^TLS CRITICAL - .* smtp: server does not offer STARTTLS \| time=' \
	-- smtp-no-starttls "$CHECK_TLS_SMTP"
quick 'SMTP, one byte a second: the deadline' 2 '^TLS CRITICAL - .* smtp: timeout .*\| time=' \
	-- slow-banner "$CHECK_TLS_SMTP"
quick 'SMTP, a 1 MiB line: refused at its bound' 2 \
	'^TLS CRITICAL - .* smtp: .*longer than [0-9]+ bytes \| time=' \
	-- huge-line "$CHECK_TLS_SMTP"
quick "PostgreSQL 'N': no TLS offered" 2 \
	"^TLS CRITICAL - .* pgsql: server does not offer TLS \\(SSLRequest answered 'N'\\) \\| time=" \
	-- pg-N "$CHECK_TLS_PGSQL"
quick "PostgreSQL 'E' and a message: not echoed" 2 \
	'^TLS CRITICAL - .* pgsql: server answered the SSLRequest with an error message \| time=' \
	-- pg-E "$CHECK_TLS_PGSQL"
quick "PostgreSQL 'S' then the hang-up: closed during the handshake" 2 \
	'^TLS CRITICAL - .* pgsql: server closed the connection during the TLS handshake \| time=' \
	-- pg-S-close "$CHECK_TLS_PGSQL"
quick 'MySQL ERR at greeting: its number and text' 2 \
	"^TLS CRITICAL - .* mysql: server refused the connection at greeting: error 1040 \\(too many connections\\)" \
	-- mysql-err "$CHECK_TLS_MYSQL"
quick 'LDAP resultCode 2: StartTLS refused' 2 \
	'^TLS CRITICAL - .* ldap: server refused StartTLS: resultCode 2 \(protocolError\)' \
	-- ldap-protocol-error "$CHECK_TLS_LDAP"
quick 'LDAP response cut short by a hang-up' 2 \
	'^TLS CRITICAL - .* ldap: LDAP response to StartTLS cut short' \
	-- ldap-truncated "$CHECK_TLS_LDAP"
quick 'LDAP response whose BER lengths disagree: malformed' 2 \
	'^TLS CRITICAL - .* ldap: malformed LDAP response to StartTLS' \
	-- ldap-bad-length "$CHECK_TLS_LDAP"
quick 'XMPP <failure/>: STARTTLS refused' 2 \
	'^TLS CRITICAL - .* xmpp: STARTTLS refused: server answered <failure/> \| time=' \
	-- xmpp-failure "$CHECK_TLS_XMPP"
quick 'Kafka answer with a lying length: WARNING, the certificate still judged' 1 \
	"^TLS WARNING - .* kafka: no Kafka ApiVersions response within 3s: .*'CN=peer\\.test' expires in" \
	"$PERF_TAIL" -- kafka-lying-length "$CHECK_TLS_KAFKA" "${TRUSTED[@]}"
quick 'Redis garbage after TLS: WARNING, the certificate still judged' 1 \
	"^TLS WARNING - .* redis: no Redis reply to PING within 3s: .*'CN=peer\\.test' expires in" \
	"$PERF_TAIL" -- tls-garbage-after "$CHECK_TLS_REDIS" "${TRUSTED[@]}"
quick 'MQTT garbage after TLS: WARNING, the certificate still judged' 1 \
	"^TLS WARNING - .* mqtt: no MQTT CONNACK within 3s: .*'CN=peer\\.test' expires in" \
	"$PERF_TAIL" -- tls-garbage-after "$CHECK_TLS_MQTT" "${TRUSTED[@]}"
for plugin in "$CHECK_TLS" "$CHECK_TLS_SMTP" "$CHECK_TLS_PGSQL" "$CHECK_TLS_LDAP" \
	"$CHECK_TLS_MYSQL" "$CHECK_TLS_XMPP" "$CHECK_TLS_KAFKA"; do
	quick "silent after accept, ${plugin##*/} -t 3: the deadline" 2 \
		'^TLS CRITICAL - .*timeout.*\| time=' -- silent "$plugin"
done

# --- HTTP/2 behind TLS: check_tls -P h2 ----------------------------------------

# The chain is judged whatever the preface got back: only its answer is named.
H2_CHAIN="certificate 'CN=peer\\.test' expires in 199d 2[23]h \\([^)]*\\), chain trusted by ca\\.pem, TLSv1\\.3 \\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL"
quick 'HTTP/2 server that wants ALPN h2, -P h2: its SETTINGS, OK' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:[0-9]+ h2: $H2_CHAIN" \
	-- h2-grpc-go "$CHECK_TLS" -P h2 "${TRUSTED[@]}"
quick 'the same, -P h2 --alpn=http/1.1: the hang-up after the handshake without ALPN, rule alpn' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ h2: server closed the connection right after the handshake, no ALPN negotiated \\(offered: http/1\\.1\\), $H2_CHAIN" \
	-- h2-grpc-go "$CHECK_TLS" -P h2 --alpn=http/1.1 "${TRUSTED[@]}"
quick 'GOAWAY for the preface: WARNING naming its error code, its debug data unprinted' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ h2: server sent GOAWAY: ENHANCE_YOUR_CALM \\(0xb\\), $H2_CHAIN" \
	'~too many' -- h2-goaway "$CHECK_TLS" -P h2 "${TRUSTED[@]}"
quick 'HTTP/1.1 after negotiating h2: WARNING quoting the status line' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ h2: server answered the HTTP/2 preface with 'HTTP/1\\.1 400 Bad Request': not HTTP/2, $H2_CHAIN" \
	-- h2-http1 "$CHECK_TLS" -P h2 "${TRUSTED[@]}"
quick 'a frame longer than a first frame may be: WARNING, its payload never read' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ h2: server answered the HTTP/2 preface with a frame of 16385 bytes, above the 16384 allowed: not HTTP/2, $H2_CHAIN" \
	-- h2-long-frame "$CHECK_TLS" -P h2 "${TRUSTED[@]}"
quick 'frames, and no SETTINGS among them: WARNING after a few, not read to the end' 1 \
	"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ h2: server sent 9 HTTP/2 frames but no SETTINGS frame, $H2_CHAIN" \
	-- h2-pings "$CHECK_TLS" -P h2 "${TRUSTED[@]}"
# -t 3 (the step's own 3 s are the run's rest), and 6 s of wall time: the
# deadline honoured, with room for a loaded machine.
hostile 'no SETTINGS ever, -P h2 -t 3: CRITICAL at the deadline, the chain judged' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:[0-9]+ h2: no HTTP/2 SETTINGS frame within 3s: nothing received, certificate 'CN=peer\\.test' expires in 199d" \
	'@max-secs=6' -- h2-silent "$CHECK_TLS" -P h2 "${TRUSTED[@]}" -t 3
hostile 'no SETTINGS ever, -P h2 -t 3:warning: the state of -t' 1 \
	'^TLS WARNING - 127\.0\.0\.1:[0-9]+ h2: no HTTP/2 SETTINGS frame within 3s: nothing received, ' \
	'@max-secs=6' -- h2-silent "$CHECK_TLS" -P h2 "${TRUSTED[@]}" -t 3:warning

# --- check_tls_grpc against HTTP/2 peers that never end the call -------------------

# grpc DESC EXIT REASON -- MODE ARGS...: check_tls_grpc under -t 5, one line
# naming REASON within 4 s (the call's own 3 s are the bound, not -t), the
# certificate judged all the same.
grpc_hostile() {
	local desc=$1 want=$2 reason=$3
	shift 4
	local mode=$1
	shift
	hostile "$desc" "$want" "^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ grpc: $reason, certificate 'CN=peer\\.test' " \
		'@max-secs=4' -- "$mode" "$CHECK_TLS_GRPC" "${TRUSTED[@]}" -t 5 "$@"
}
ENDLESS='server sent 64 HTTP/2 frames without ending the gRPC call'
grpc_hostile 'gRPC: PING frames without end: bounded by the frame count' 1 "$ENDLESS" \
	-- grpc-endless-ping
grpc_hostile 'gRPC: WINDOW_UPDATE frames without end: bounded by the frame count' 1 "$ENDLESS" \
	-- grpc-endless-window-update
grpc_hostile 'gRPC: CONTINUATION frames without end: bounded' 1 "$ENDLESS" \
	-- grpc-continuation-flood
grpc_hostile 'gRPC: a byte every 0.2 s: the call gives up after its 3 s' 1 \
	'no gRPC answer to Health/Check within 3s: an incomplete answer \([0-9]+ bytes\)' \
	-- grpc-trickle
grpc_hostile 'gRPC: a frame of 0xffffff bytes: refused by its header' 1 \
	'server answered the gRPC call with a frame of 16777215 bytes, above the 16384 allowed: not HTTP/2' \
	-- grpc-longest-frame
grpc_hostile 'gRPC: an HPACK integer past 32 bits: a malformed header block' 1 \
	'malformed HTTP/2 header block: integer longer than 5 octets' \
	-- grpc-bad-hpack-integer
# Only %XY with two hex digits is decoded; what it decodes to is quoted like
# any text of the server's: no escape, no byte outside printable ASCII, no
# '|' or ';' in the status line.
grpc_hostile 'gRPC: odd bytes in grpc-message: decoded strictly, quoted' 1 \
	"gRPC health check failed: grpc-status UNAVAILABLE \\(14\\): '%\\+1%-f% 2%zz%\\?\\[2J\\?{6}/x:y\\?\\?z%'" \
	-- grpc-odd-message

# --- a chain anyone can copy ------------------------------------------------------

# An impostor with a copy of a trusted chain and not its key: static RSA key
# exchange, a CertificateRequest, then an alert or a hang-up once our Finished is
# in. Nothing it did proves the chain its own.
make_rsa_leaf victim ca victim.test victim.test '-1 day' '+200 days -1 hour' &&
	make_client mon ca monitor '-1 day' '+300 days -1 hour' ||
	bail_out 'cannot make the impostor certificates'
for mode in tls12-rsa-impostor tls12-rsa-impostor-close tls12-rsa-impostor-no-request \
	smtp-tls12-rsa-impostor; do
	start_peer "$mode" --cert "$TEST_DIR/victim.pem" || bail_out "peer.py $mode did not start"
	PEER[$mode]=$SERVER_PORT
done
UNPROVEN="server asked for a client certificate before proving it holds the key \\(static RSA key exchange\\): its chain is reported but not proven to be the server's"
GIVE_CLIENT_CERT=' \(give --client-cert to complete the handshake\)'
# The note that the server wanted a client certificate: long output.
NONE_GIVEN='*^OK client-cert: server requires a client certificate \(none given\)$'
CHAIN_JUDGED="certificate 'CN=victim\\.test' expires in 199d 2[23]h \\([^)]*\\), chain trusted by ca\\.pem"

# impostor DESC EXIT PATTERNS... -- MODE PLUGIN ARGS...: PLUGIN against the
# impostor in MODE under the name its chain is for, trusted by ca.pem.
impostor() {
	local desc=$1 want=$2 patterns=()
	shift 2
	while [ "$1" != -- ]; do
		patterns+=("$1")
		shift
	done
	local mode=$2 plugin=$3
	shift 3
	expect_check "$desc" "$want" '@max-secs=3.5' "${patterns[@]}" \
		-- "$plugin" -H victim.test -I 127.0.0.1 -p "${PEER[$mode]}" -C ca.pem -t 3 "$@"
}

for plugin in "$CHECK_TLS" "$CHECK_TLS_REDIS" "$CHECK_TLS_KAFKA" "$CHECK_TLS_MQTT" \
	"$CHECK_TLS_SMTP --implicit-tls" "$CHECK_TLS_LDAP --implicit-tls"; do
	read -r -a cmd <<<"$plugin"
	impostor "static RSA impostor that asks for a client certificate, ${plugin##*/}: WARNING, not proven" 1 \
		"^TLS WARNING - victim\\.test:${PEER[tls12-rsa-impostor]} [a-z]+: $UNPROVEN$GIVE_CLIENT_CERT, $CHAIN_JUDGED \\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
		"$NONE_GIVEN" '@lines=2' \
		-- tls12-rsa-impostor "${cmd[@]}"
done
impostor 'static RSA impostor that hangs up after the request: WARNING, not proven' 1 \
	"^TLS WARNING - victim\\.test:[0-9]+ tls: $UNPROVEN$GIVE_CLIENT_CERT, $CHAIN_JUDGED \\| " "$NONE_GIVEN" '@lines=2' \
	-- tls12-rsa-impostor-close "$CHECK_TLS"
impostor 'static RSA impostor behind SMTP STARTTLS: WARNING, not proven' 1 \
	"^TLS WARNING - victim\\.test:[0-9]+ smtp: $UNPROVEN$GIVE_CLIENT_CERT, $CHAIN_JUDGED \\| " "$NONE_GIVEN" '@lines=2' \
	-- smtp-tls12-rsa-impostor "$CHECK_TLS_SMTP"
impostor 'static RSA impostor that asks for nothing: CRITICAL, the handshake failed' 2 \
	"^TLS CRITICAL - victim\\.test:[0-9]+ tls: handshake failed: server sent alert 'Handshake failed', $CHAIN_JUDGED " \
	'!proving' '@lines=1' -- tls12-rsa-impostor-no-request "$CHECK_TLS"
impostor 'static RSA impostor, ours given and refused: CRITICAL, and not proven' 2 \
	"^TLS CRITICAL - victim\\.test:[0-9]+ tls: server rejected our client certificate 'CN=monitor': alert 'Handshake failed', $UNPROVEN, " \
	'!give --client-cert' \
	-- tls12-rsa-impostor "$CHECK_TLS" --client-cert mon.pem --client-key mon.key

run_check "$CHECK_TLS" -H victim.test -I 127.0.0.1 -p "${PEER[tls12-rsa-impostor]}" -C ca.pem \
	-t 3 --output=json
assert_check 'static RSA impostor, --output=json: exit 1' 1
json_check 'static RSA impostor, --output=json: a key-proof WARNING, the chain shown' '
found = [f for f in d["findings"] if f["rule"] == "key-proof"]
need(found and found[0]["state"] == "WARNING", "no key-proof WARNING: %s" % d["findings"])
need("not proven" in found[0]["text"], found[0]["text"])
need(d["state"] == "WARNING", "state %s" % d["state"])
need(d["chain"] and d["chain"][0]["subject"] == "CN=victim.test", "chain %s" % d.get("chain"))
'

# --- a TLS proxy before a dead backend ---------------------------------------------

# TLS 1.3 asking for an optional client certificate, reading the request, then
# hanging up without a word. Outside HTTP/2 and gRPC that is the service
# failing, which only may be a refusal: the service's WARNING with a hint, the
# same with our certificate and without, never a clean OK or a CRITICAL.
start_peer tls13-read-then-close --cert "$TEST_DIR/peer.pem" --key "$TEST_DIR/peer.key" \
	--client-ca "$TEST_DIR/ca.pem" || bail_out 'peer.py tls13-read-then-close did not start'
PEER[read-close]=$SERVER_PORT
MAY_REQUIRE='\(the server asked for a client certificate: it may require one\)'
MAY_REFUSE='\(it may have refused our client certificate\)'
REDIS_CLOSED='no Redis reply to PING within 3s: server closed the connection while we waited for the reply to PING'
MQTT_CLOSED='no MQTT CONNACK within 3s: server closed the connection while we waited for the answer to CONNECT'
XMPP_CLOSED='server closed the connection while we waited for the XMPP stream header over TLS'
for proto in redis mqtt xmpp; do
	case $proto in
	redis) closed=$REDIS_CLOSED args=() ;;
	mqtt) closed=$MQTT_CLOSED args=() ;;
	xmpp) closed=$XMPP_CLOSED args=(--implicit-tls) ;;
	esac
	# The request for a certificate is a note of the long output.
	expect_check --command=on "proxy before a dead backend, -P $proto ${args[*]}: the service's WARNING, a hint" 1 \
		"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ $proto: $closed $MAY_REQUIRE, " '!ALPN' \
		'*^OK client-cert: server asks for a client certificate \(none given\)$' '@lines=2' \
		'@max-secs=3.5' -- read-close "$CHECK_TLS" -P "$proto" "${args[@]}" "${TRUSTED[@]}" -t 3
	quick "proxy before a dead backend, -P $proto ${args[*]}, ours sent: the same WARNING" 1 \
		"^TLS WARNING - 127\\.0\\.0\\.1:[0-9]+ $proto: $closed $MAY_REFUSE, " '!ALPN' \
		'!did not reject' '!CRITICAL' \
		-- read-close "$CHECK_TLS" -P "$proto" "${args[@]}" "${TRUSTED[@]}" \
		--client-cert mon.pem --client-key mon.key
done

# --- the other formats on a failed probe ----------------------------------------

on close "$CHECK_TLS" -t 10 --output=json
run_check "${CMD[@]}"
assert_check 'closed connection, --output=json: exit 2' 2
if printf '%s' "$CHECK_OUT" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
assert str(d["state"]).upper() == "CRITICAL", d["state"]
assert d["findings"], "no findings"
assert not d.get("chain"), "a chain"
' 2>"$TEST_DIR/json.err"; then
	ok 'closed connection, --output=json: state CRITICAL, findings, no chain'
else
	not_ok 'closed connection, --output=json: state CRITICAL, findings, no chain'
	diag_file "$TEST_DIR/json.err"
	diag_file "$TEST_DIR/check.out"
fi

finish
