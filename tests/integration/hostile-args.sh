#!/bin/bash
# hostile-args.sh — argument text built to break the output: an unknown short
# option bundled after a long one, control bytes in a host name or an EHLO
# name, a bad argument with --output=json. The one line must stay one line of
# printable text, blame the right option, and speak JSON when asked to.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_plugin "$CHECK_TLS"
require_plugin "$CHECK_TLS_SMTP"
lib_init

CLOSED=$(free_port) || bail_out 'no free port'

expect_check "unknown short option after a long one: the short one blamed" 3 \
	"^check_tls: unknown option '-x'\$" '@max-secs=2' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --no-sni -xv

# Each control byte shown as '?', as the server's words are (textproto_quote).
expect_check 'newline and ESC in -H: one line, quoted printable' 3 \
	"^check_tls: 'a\\?b\\?\\[2J' is not a valid host name" '~[^ -~]' '@max-secs=2' \
	-- "$CHECK_TLS" -H "$(printf 'a\nb\033[2J')" -p "$CLOSED"
expect_check 'CR LF in --ehlo: one line, quoted printable' 3 \
	"^check_tls_smtp: 'x\\?\\?RCPT' is not a valid EHLO name" '~[^ -~]' '@max-secs=2' \
	-- "$CHECK_TLS_SMTP" -H 127.0.0.1 -p "$CLOSED" --ehlo "$(printf 'x\r\nRCPT')"

# A name is at most 253 characters as text (255 octets on the wire): a name of
# 254 is refused with the limit and its own length (the name shown is cut at
# 100 characters), not "longer than 255".
LONG_NAME=$(printf 'a%.0s' {1..63}).$(printf 'b%.0s' {1..63}).$(printf 'c%.0s' {1..63}).$(printf 'd%.0s' {1..62})
expect_check 'a 254-character -H: the limit and the length' 3 \
	"^check_tls: 'a+\\.b+' is not a valid host name: 254 characters, more than the 253 a name may have\$" \
	'@max-secs=2' -- "$CHECK_TLS" -H "$LONG_NAME" -p "$CLOSED"

run_check "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" -w bad --output=json
assert_check '--output=json and a bad argument: exit 3' 3
json_check '--output=json and a bad argument: one JSON object, state UNKNOWN, the reason' '
need(str(d.get("state")).upper() == "UNKNOWN", "state %r" % d.get("state"))
need("bad" in json.dumps(d), "the bad value is not named")'

finish
