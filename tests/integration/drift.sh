#!/bin/bash
# drift.sh — every list of check_tls's protocols written by hand in the docs
# (README, the man page, --help, the Icinga 2 CheckCommands, the Zabbix item and
# template) names exactly the protocols `check_tls -P help` lists: a protocol
# added to the table and forgotten in one of them fails here, naming the file
# and what is missing or extra.

# shellcheck disable=SC2016,SC2317 # backticks and $ are literal text here; check calls the extractors
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_plugin "$CHECK_TLS"
lib_init

src=$TLSCHECK_SRCDIR
readme=$src/README.md
man=$src/doc/check_tls.man.in
icinga=$src/contrib/icinga2/tlscheck.conf
userparam=$src/contrib/zabbix/userparameter_tlscheck.conf
template=$src/contrib/zabbix/tlscheck_template.yaml
zabbix_readme=$src/contrib/zabbix/README.md

# words: the names of a prose list on stdin ("tls (default), smtp or pgsql"):
# asides in parentheses dropped, split at commas, '|' and "or".
words() {
	sed -e 's/([^()]*)//g' -e 's/ or /,/g' -e 's/[,|]/\n/g' |
		sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -E '^[a-z][a-z0-9]*$'
}

# backticked: the `name` words of a Markdown line on stdin.
backticked() {
	sed -e 's/([^()]*)//g' | grep -oE '`[a-z][a-z0-9]*`' | tr -d '`'
}

# bold: the \fBname\fR words of roff text on stdin.
bold() {
	grep -oE '\\fB[a-z][a-z0-9]*\\fR' | sed -e 's/^\\fB//' -e 's/\\fR$//'
}

# between START END FILE: the lines after the first one matching START, up to
# the next one matching END (extended regular expressions, passed through the
# environment: awk -v would take their backslashes for escapes).
between() {
	START=$1 END=$2 awk 'on && $0 ~ ENVIRON["END"] { exit } on { print } $0 ~ ENVIRON["START"] { on = 1 }' "$3"
}

# The extractors, one per hand-written list, each reading FILE.
help_rows() { awk '/^      [a-z0-9]+ +[0-9]/ { print $1 }' "$1"; }
help_list() { between '^ -P, --protocol' '^ -|^     --|^[A-Za-z]' "$1" | awk '/^      [a-z0-9]+ +[0-9]/ { print $1 }'; }
readme_option() { grep -m 1 '^| `-P`, `--protocol' "$1" | awk -F '|' '{ print $4 }' | backticked; }
man_entries() { between '^\\fB\\-P\\fR chooses the protocol:' '^\.PP' "$1" | awk '/^\.B [a-z0-9]+$/ { print $2 }'; }
man_option() { between '^\\fB\\-P\\fR, \\fB\\-\\-protocol\\fR' '^Default:' "$1" | bold; }
man_ports() { between '^\\fB\\-p\\fR, \\fB\\-\\-port\\fR' "^On the protocol's implicit" "$1" | bold; }
icinga_var() { { grep '^ \*   tlscheck_protocol ' "$1"; between '^ \*   tlscheck_protocol ' '^ \*   tlscheck_' "$1"; } | grep -oE '"[a-z0-9]+"' | tr -d '"'; }
icinga_ports() { { grep '^ \*   tlscheck_port ' "$1"; between '^ \*   tlscheck_port ' '^ \*   tlscheck_' "$1"; } | grep -oE '[a-z][a-z0-9]* [0-9]+' | awk '{ print $1 }'; }
icinga_arg() { between '^		"-P" = \{' '^		\}' "$1" | sed -n 's/.*description = "[^:]*: \(.*\)"$/\1/p' | words; }
userparam_list() { awk '/^#   protocol  / { on = 1; sub(/^#   protocol  /, ""); print; next }
	on && /^#             [a-z]/ { sub(/^# +/, ""); print; next } on { exit }' "$1" | words; }
template_setup() { sed -n 's/.*{\$TLSCHECK\.PROTOCOL} (\(.*\))\.$/\1/p' "$1" | words; }
template_macro() { between "macro: '\\{\\\$TLSCHECK\\.PROTOCOL\\}'" 'macro:' "$1" |
	sed -n 's/.*description: .How TLS is started: \(.*\)$/\1/p' | sed -e 's/([^()]*)//g' -e 's/;.*//' | words; }
zabbix_prose() { tr '\n' ' ' <"$1" | sed -n 's/.*reaches every protocol with `-P` (\([^;]*\);.*/\1/p' | words; }
zabbix_macro() { grep -m 1 '^| `{$TLSCHECK.PROTOCOL}`' "$1" | awk -F '|' '{ print $4 }' | backticked; }

# The truth: the protocol table, as -P help prints it (one indented row each).
"$CHECK_TLS" -P help >"$TEST_DIR/help.out"
protocols=$(help_rows "$TEST_DIR/help.out" | sort -u)
count=$(wc -w <<<"$protocols")
[ "$count" -gt 1 ] || bail_out "check_tls -P help lists no protocols: $(head -c 300 "$TEST_DIR/help.out")"

# drift NAMES: "" when NAMES are the protocols of -P help, else what differs.
drift() {
	local got missing extra
	got=$(sort -u <<<"$1" | sed '/^$/d')
	[ -n "$got" ] || { echo 'no list found'; return; }
	missing=$(comm -23 <(echo "$protocols") <(echo "$got") | paste -sd ' ')
	extra=$(comm -13 <(echo "$protocols") <(echo "$got") | paste -sd ' ')
	[ -z "$missing$extra" ] && return
	echo "missing: ${missing:-none}; extra: ${extra:-none}"
}

# check FILE WHAT EXTRACTOR [NAME]: the list EXTRACTOR finds in FILE (called
# NAME, default its path in the source tree) is the protocols'.
check() {
	local file=$1 what=$2 name=${4:-${1#"$src"/}} diff
	diff=$(drift "$("$3" "$file")")
	if [ -z "$diff" ]; then
		ok "$name, $what: the $count protocols of check_tls -P help"
	else
		not_ok "$name, $what: $diff"
	fi
}

"$CHECK_TLS" --help >"$TEST_DIR/usage.out"
check "$TEST_DIR/usage.out" '-P' help_list 'check_tls --help'
check "$readme" 'the -P row of the options table' readme_option
check "$man" 'the protocols -P chooses' man_entries
check "$man" 'the -P option' man_option
check "$man" "the -p option's defaults" man_ports
check "$icinga" 'tlscheck_protocol' icinga_var
check "$icinga" "tlscheck_port's defaults" icinga_ports
check "$icinga" "the -P argument's description" icinga_arg
check "$userparam" 'the protocol parameter' userparam_list
check "$template" "the template's setup text" template_setup
check "$template" '{$TLSCHECK.PROTOCOL}' template_macro
check "$zabbix_readme" 'what check_tls reaches' zabbix_prose
check "$zabbix_readme" 'the {$TLSCHECK.PROTOCOL} row' zabbix_macro

# The test catches drift: a README whose row lost mqtt and gained foo.
sed '/^| `-P`, `--protocol/ s/`mqtt`/`foo`/' "$readme" >"$TEST_DIR/README.md"
diff=$(drift "$(readme_option "$TEST_DIR/README.md")")
if [ "$diff" = 'missing: mqtt; extra: foo' ]; then
	ok 'a list that lost a protocol and gained another is named as such'
else
	not_ok 'a list that lost a protocol and gained another is named as such'
	diag "got: '$diff'"
fi

finish
