#!/bin/bash
# cli.sh — the command line without a server: bad arguments, --help, --version,
# CA files that cannot be read or hold no certificate (refused before any
# connection), a closed port.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_plugin "$CHECK_TLS"
require_plugin "$CHECK_TLS_SMTP"
require_plugin "$CHECK_TLS_PGSQL"
lib_init

# Nothing listens here: a connection attempt would be refused.
CLOSED=$(free_port) || bail_out 'no free port'

# bad DESC QUOTED-RE PLUGIN ARGS...: exit 3, stdout "PLUGIN: ..." naming what is
# wrong, then the usage; nothing on stderr; no time spent.
bad() {
	local desc=$1 what=$2 plugin=$3 name
	shift 3
	name=${plugin##*/}
	run_check "$plugin" "$@"
	assert_check "bad argument: $desc" 3 "^$name: .*$what" '@min-lines=2' '@max-secs=2' \
		'~refused'
}

bad 'no -H' '' "$CHECK_TLS" -p "$CLOSED"
bad '-w 5x' '5x' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -w 5x
bad '-w -3' '-3' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -w -3
bad '-w 150%' '150%' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -w 150%
bad '-c 0.5q' '0\.5q' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -c 0.5q
bad '-w 5 -c 10 (warning below critical)' '' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -w 5 -c 10
bad 'unknown option' 'frobnicate' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --frobnicate
bad 'a prefix of two options' "ambiguous option '--ca' \\(--ca-file, --ca-path\\)" "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --ca=/x
bad 'unknown short option' '' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -Z
bad 'missing option value' '' "$CHECK_TLS" -H 127.0.0.1 -p
bad '-p 0' '0' "$CHECK_TLS" -H 127.0.0.1 -p 0
bad '-p 70000' '70000' "$CHECK_TLS" -H 127.0.0.1 -p 70000
bad '-p abc' 'abc' "$CHECK_TLS" -H 127.0.0.1 -p abc
bad '--output=xml' 'xml' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --output=xml
bad '-t 0' '0' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -t 0
bad '-t 5:sometimes' 'sometimes' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -t 5:sometimes
bad '--at not-a-date' 'not-a-date' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --at not-a-date
bad '-P unknown protocol' 'gopher' "$CHECK_TLS" -P gopher -H 127.0.0.1 -p "$CLOSED"
bad 'check_tls_smtp names itself' '' "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$CLOSED" -w 5x
bad 'check_tls_pgsql rejects --ehlo' '' "$CHECK_TLS_PGSQL" -H 127.0.0.1 -p "$CLOSED" \
	--ehlo probe.test
bad '-4 with -6' '-4 and -6 contradict each other$' "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -4 -6
bad '-6 with an IPv4 HOST' '-H 127\.0\.0\.1 is an IPv4 address, not of the family -6 asks for$' \
	"$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -6
bad '-4 with an IPv6 HOST' '-H ::1 is an IPv6 address, not of the family -4 asks for$' \
	"$CHECK_TLS" -H ::1 -p "$CLOSED" -4
bad '-4 with an IPv6 -I' '--address ::1 is an IPv6 address, not of the family -4 asks for$' \
	"$CHECK_TLS" -H localhost -p "$CLOSED" -4 -I ::1
expect_check '-6 with an IPv4 HOST and an IPv6 -I: -I gives the address' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED tls: connection refused by ::1 port $CLOSED" \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -6 -I ::1

expect_check '--help: exit 3, lists the options' 3 \
	'*--warning' '*--critical' '*--ca-file' '*--output' '@min-lines=10' \
	-- "$CHECK_TLS" --help
# A rule option's value is judged once the protocol is chosen, as -w's is: --help
# and a bad -P come first, and the last value given counts.
expect_check '--help past a bad --ocsp' 3 '*--warning' '@min-lines=10' \
	-- "$CHECK_TLS" --ocsp=bad --help
bad 'a bad -P before a bad --min-tls' "unknown protocol 'bogus'" "$CHECK_TLS" -P bogus --min-tls=9 \
	-H 127.0.0.1 -p "$CLOSED"
bad '--min-tls judged before --ocsp' "invalid --min-tls '9'" "$CHECK_TLS" --ocsp=bad --min-tls=9 \
	-H 127.0.0.1 -p "$CLOSED"
expect_check '--ocsp: the last value counts' 2 "^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED tls: connection refused" \
	-- "$CHECK_TLS" --ocsp=bad --ocsp=check -H 127.0.0.1 -p "$CLOSED"
bad '--fingerprint is judged as given, as -C is' 'fingerprint' "$CHECK_TLS" --fingerprint=xyz --help
expect_check '--no-s still means --no-sni' 2 "^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED tls: connection refused" \
	-- "$CHECK_TLS" --no-s -H 127.0.0.1 -p "$CLOSED"
bad '--no lists --no-sni once, not --no-s' "ambiguous option '--no' \\(--no-sni, --no-verify-name," \
	"$CHECK_TLS" --no -H 127.0.0.1 -p "$CLOSED"
expect_check 'check_tls_smtp --help lists --ehlo' 3 '*--ehlo' '*--warning' \
	-- "$CHECK_TLS_SMTP" --help
expect_check 'check_tls -P help: every protocol with its ports, exit 3' 3 \
	'*^ +tls +443 \(implicit\)' '*^ +smtp +25 \(465 implicit\)' '*^ +pgsql +5432 ' \
	'*^ +ldap +389 \(636, 3269 implicit\)' '*^ +mysql +3306 ' \
	'*^ +imap +143 \(993 implicit\)' '*^ +pop3 +110 \(995 implicit\)' '*^ +sieve +4190 ' \
	'*^ +xmpp +5222 \(5223 implicit\)' '*^ +ftp +21 \(990 implicit\)' \
	'*^ +nntp +119 \(563 implicit\)' '*^ +kafka +9093 \(implicit\)' \
	'*^ +redis +6379 \(implicit\)' '*^ +mqtt +8883 \(implicit\)' '*^ +h2 +443 \(implicit\)' \
	'*^ +grpc +443 \(implicit\)' \
	-- "$CHECK_TLS" -P help
# Under its title, one row per protocol and nothing else: each protocol once.
rows=$(printf '%s\n' "$CHECK_OUT" | tail -n +2 | sed -E 's/^ +([a-z0-9]+) +[0-9].*/\1/' | sort |
	tr '\n' ' ')
if [ "$rows" = 'ftp grpc h2 imap kafka ldap mqtt mysql nntp pgsql pop3 redis sieve smtp tls xmpp ' ]; then
	ok 'check_tls -P help: one row per protocol, none twice, nothing else'
else
	not_ok 'check_tls -P help: one row per protocol, none twice, nothing else'
	diag "rows: $rows"
	diag_file "$TEST_DIR/check.out"
fi
bad '--lmtp with -P imap names its protocol' '--lmtp applies to smtp only' \
	"$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --lmtp -P imap
bad '--ehlo with -P pgsql names its protocol' '--ehlo applies to smtp only' \
	"$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --ehlo probe.test -P pgsql

# Every long option a plugin's --help offers is documented in its man page, as the
# build assembles it (man.sh checks the page itself).
for plugin in "$CHECK_TLS" "$CHECK_TLS_SMTP" "$CHECK_TLS_PGSQL" \
	"$TLSCHECK_BUILDDIR/plugins/check_tls_xmpp" "$TLSCHECK_BUILDDIR/plugins/check_tls_ftp"; do
	name=$(basename "$plugin")
	page=$TLSCHECK_BUILDDIR/doc/$name.1
	undocumented=
	for option in $("$plugin" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
		# roff writes each '-' as '\-'
		grep -qF -- "${option//-/\\-}" "$page" || undocumented="$undocumented $option"
	done
	if [ -z "$undocumented" ]; then
		ok "$name: every --help option is in $name(1)"
	else
		not_ok "$name: every --help option is in $name(1)"
		diag "missing from $page:$undocumented"
	fi
done
expect_check '--version: exit 3' 3 '[0-9]+\.[0-9]+' '@max-secs=2' \
	-- "$CHECK_TLS" --version

# Files are checked while parsing: a missing CA file costs no connection (the
# port is closed, so a connection would have said "refused").
expect_check '-C /nonexistent: UNKNOWN before connecting' 3 \
	'^(check_tls: |TLS UNKNOWN - ).*/nonexistent' '~refused' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -C /nonexistent
expect_check '--ca-path /nonexistent: UNKNOWN before connecting' 3 \
	'^(check_tls: |TLS UNKNOWN - ).*/nonexistent' '~refused' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --ca-path /nonexistent

# A CA file or directory that holds no certificate is refused the same way: one
# line, exit 3 even with --output=days, and no connection.
printf 'no certificate in here\n' >"$TEST_DIR/notes.txt"
: >"$TEST_DIR/empty.pem"
mkdir "$TEST_DIR/empty-dir"
# no_anchor DESC QUOTED-NAME ARGS...
no_anchor() {
	local desc=$1 name=$2
	shift 2
	expect_check "$desc: UNKNOWN before connecting" 3 \
		"^check_tls: CA (file|directory) '$name' holds no certificate\$" '@lines=1' \
		'@max-secs=2' '~refused' \
		-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" "$@"
}
no_anchor '-C an empty file' 'empty\.pem' -C empty.pem
no_anchor '-C a text file' 'notes\.txt' -C notes.txt
no_anchor '-C an empty file --output=days' 'empty\.pem' -C empty.pem --output=days
no_anchor '-C an empty file --no-verify-trust (a named file is an argument)' 'empty\.pem' \
	-C empty.pem --no-verify-trust
no_anchor '--ca-path on an empty directory' empty-dir --ca-path empty-dir

# --- a closed port ------------------------------------------------------------

expect_check 'closed port: CRITICAL, connection refused' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED tls: connection refused by 127\\.0\\.0\\.1 port $CLOSED" \
	"$PERF_FAILED" '@lines=1' '@max-secs=2' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED"
expect_check 'closed port, check_tls_smtp' 2 "^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED smtp: .*refused" \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$CLOSED"
expect_check 'closed port, check_tls_pgsql' 2 "^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED pgsql: .*refused" \
	-- "$CHECK_TLS_PGSQL" -H 127.0.0.1 -p "$CLOSED"
expect_check 'closed port, -t 0.5 (fractional timeout accepted)' 2 'refused' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -t 0.5
expect_check 'closed port, --output=days: -65535, exit 0' 0 '^-65535$' '@lines=1' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --output=days

# --- a deadline that passes before the probe ----------------------------------
# One target has no queue to wait in: the text does not blame one.
expect_check '-t 0.000001, one target: not probed, no queue named' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED tls: not probed: the deadline passed before its probe began \\|" \
	'!turn' '@lines=1' -- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -t 0.000001
# 33 targets, 32 probed at a time: only the 33rd waited its turn.
ADDRESSES=()
for i in $(seq 1 33); do
	ADDRESSES+=(-I "127.0.0.$i")
done
run_check "$CHECK_TLS" -H x.test -p "$CLOSED" -t 0.000001 "${ADDRESSES[@]}" --output=json
assert_check '-t 0.000001, 33 targets: CRITICAL' 2
json_check '-t 0.000001, 33 targets: the queue named for the 33rd only' '
texts = [t["findings"][0]["text"] for t in d["targets"]]
need(len(texts) == 33, "%d targets" % len(texts))
need(all(x == "not probed: the deadline passed before its probe began" for x in texts[:32]), texts[:32])
need(texts[32] == "not probed: the deadline passed while it waited its turn (32 probes run at a time)", texts[32])'

finish
