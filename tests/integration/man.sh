#!/bin/bash
# man.sh — the man pages the build assembles from doc/options.man and each
# plugin's doc/NAME.man.in: one page per part, well-formed for man and groff, the
# shared part in each page exactly once, the version filled in; and doc/man.awk
# refuses a part it cannot assemble.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'man (man-db)' command -v man
require_server 'groff (groff-base)' command -v groff
require_plugin "$CHECK_TLS"
lib_init

version=$("$CHECK_TLS" --version | awk '{ print $NF; exit }')
shared=$(grep -v '^\.\\"' "$TLSCHECK_SRCDIR/doc/options.man")
# The shared part around the place of the plugin's own options.
shared_head=${shared%%$'\n'@PROTOCOL_OPTIONS@$'\n'*}
shared_tail=${shared#*$'\n'@PROTOCOL_OPTIONS@$'\n'}
[ "$shared_head" != "$shared" ] && [ "$shared_tail" != "$shared" ] ||
	bail_out 'doc/options.man has no @PROTOCOL_OPTIONS@ line'

# count TEXT PIECE: how many times PIECE occurs in TEXT.
count() {
	local rest=${1//"$2"/}
	echo $(((${#1} - ${#rest}) / ${#2}))
}

for part in "$TLSCHECK_SRCDIR"/doc/*.man.in; do
	name=$(basename "$part" .man.in)
	page=$TLSCHECK_BUILDDIR/doc/$name.1
	if [ ! -s "$page" ]; then
		not_ok "$name.1 is built from $name.man.in"
		diag "no $page: is doc/$name.1 in man1_MANS?"
		continue
	fi
	ok "$name.1 is built from $name.man.in"

	LC_ALL=C.UTF-8 man --warnings -l -E UTF-8 "$page" >/dev/null 2>"$TEST_DIR/man.err"
	if [ $? -eq 0 ] && [ ! -s "$TEST_DIR/man.err" ]; then
		ok "$name.1: man --warnings prints no warning"
	else
		not_ok "$name.1: man --warnings prints no warning"
		diag_file "$TEST_DIR/man.err"
	fi
	groff -man -ww -z "$page" 2>"$TEST_DIR/groff.err"
	if [ $? -eq 0 ] && [ ! -s "$TEST_DIR/groff.err" ]; then
		ok "$name.1: groff -ww prints no warning"
	else
		not_ok "$name.1: groff -ww prints no warning"
		diag_file "$TEST_DIR/groff.err"
	fi

	text=$(<"$page")
	head_n=$(count "$text" "$shared_head")
	tail_n=$(count "$text" "$shared_tail")
	if [ "$head_n" -eq 1 ] && [ "$tail_n" -eq 1 ]; then
		ok "$name.1: the shared options, output and exit status appear exactly once"
	else
		not_ok "$name.1: the shared options, output and exit status appear exactly once"
		diag "doc/options.man before @PROTOCOL_OPTIONS@: $head_n times, after it: $tail_n times"
	fi

	th=$(grep -m 1 '^\.TH ' "$page")
	if [[ $th =~ ^\.TH\ ${name^^}\ 1\ [0-9]{4}-[0-9]{2}-[0-9]{2}\ \"tlscheck\ ${version//./\\.}\"\  ]] &&
		! grep -qE '@[A-Z][A-Z_ ]*@' "$page"; then
		ok "$name.1: .TH has the name, a date and version $version; no placeholder left"
	else
		not_ok "$name.1: .TH has the name, a date and version $version; no placeholder left"
		diag "$th"
		diag "$(grep -nE '@[A-Z][A-Z_ ]*@' "$page")"
	fi
done

# tlscheck-discover's page is its own, with the version filled in.
page=$TLSCHECK_BUILDDIR/doc/tlscheck-discover.1
if [ -s "$page" ] && LC_ALL=C.UTF-8 man --warnings -l -E UTF-8 "$page" 2>&1 >/dev/null |
	grep -q . || ! groff -man -ww -z "$page" 2>/dev/null; then
	not_ok 'tlscheck-discover.1: built, and man and groff print no warning'
elif grep -q "^\.TH TLSCHECK-DISCOVER 1 [0-9-]* \"tlscheck $version\"" "$page" &&
	! grep -qE '@[A-Z][A-Z_ ]*@' "$page"; then
	ok 'tlscheck-discover.1: built, and man and groff print no warning'
	ok 'tlscheck-discover.1: .TH has the version; no placeholder left'
else
	not_ok 'tlscheck-discover.1: .TH has the version; no placeholder left'
fi

# man.awk refuses what it cannot assemble, and prints nothing then.
awk_fails() {
	local desc=$1
	printf '%s\n' "$2" >"$TEST_DIR/part.man.in"
	if awk -v version=1 -v date=2000-01-01 -f "$TLSCHECK_SRCDIR/doc/man.awk" \
		"$TLSCHECK_SRCDIR/doc/options.man" "$TEST_DIR/part.man.in" \
		>"$TEST_DIR/awk.out" 2>"$TEST_DIR/awk.err"; then
		not_ok "man.awk refuses $desc"
		diag 'exit status 0'
	elif [ -s "$TEST_DIR/awk.out" ] || [ ! -s "$TEST_DIR/awk.err" ]; then
		not_ok "man.awk refuses $desc"
		diag 'expected no page and a message'
		diag_file "$TEST_DIR/awk.out"
	else
		ok "man.awk refuses $desc"
	fi
}
awk_fails 'a part without @OPTIONS@' $'.TH X 1\n.SH NAME\nx'
awk_fails 'an @OPTIONS@ block left open' $'.TH X 1\n@OPTIONS@\n.TP\n-x'
awk_fails 'an unknown placeholder' $'.TH X 1 @DATE@ "@VERSON@"\n@OPTIONS@\n@END OPTIONS@'

finish
