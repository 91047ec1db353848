# man.awk — assemble one plugin's man page from the part every plugin shares and
# the plugin's own part:
#
#   awk -v version=0.1.0 -v date=2026-11-23 -f man.awk options.man check_tls_smtp.man.in
#
# The plugin's part is the page. Its lines from "@OPTIONS@" to "@END OPTIONS@" are
# the plugin's own options; the whole block is replaced by the shared part, whose
# "@PROTOCOL_OPTIONS@" line is replaced in turn by those options. @VERSION@ and
# @DATE@ are substituted everywhere. Roff comment lines (.\") of both parts are
# left out. Anything else between @ signs, or a block missing or given twice, is an
# error: nothing half-assembled is printed as if it were a page.

function fail(message) {
	printf "%s:%d: %s\n", FILENAME, FNR, message >"/dev/stderr"
	failed = 1
	exit 1
}

function put(line) {
	gsub(/@VERSION@/, version, line)
	gsub(/@DATE@/, date, line)
	if (line ~ /@[A-Z][A-Z_ ]*@/)
		fail("unknown placeholder in: " line)
	out[++nout] = line
}

BEGIN {
	if (version == "" || date == "") {
		print "man.awk: give -v version=VERSION -v date=YYYY-MM-DD" >"/dev/stderr"
		failed = 1
		exit 1
	}
}

FNR == 1 {
	part++
	name[part] = FILENAME
	sub(/.*\//, "", name[part])
}

/^\.\\"/ { next }

part == 1 {
	if ($0 == "@PROTOCOL_OPTIONS@")
		slots++
	shared[++nshared] = $0
	next
}

$0 == "@OPTIONS@" {
	if (in_block || done)
		fail("a second @OPTIONS@")
	in_block = 1
	next
}

$0 == "@END OPTIONS@" {
	if (!in_block)
		fail("@END OPTIONS@ without @OPTIONS@")
	in_block = 0
	done = 1
	for (i = 1; i <= nshared; i++) {
		if (shared[i] != "@PROTOCOL_OPTIONS@") {
			put(shared[i])
			continue
		}
		for (j = 1; j <= nown; j++)
			put(own[j])
	}
	next
}

in_block { own[++nown] = $0; next }

{ put($0) }

END {
	if (failed)
		exit 1
	if (part != 2)
		fail("give two files: the shared part, then the plugin's part")
	if (slots != 1)
		fail("the shared part needs one @PROTOCOL_OPTIONS@ line")
	if (in_block || !done)
		fail("the plugin's part needs one @OPTIONS@ ... @END OPTIONS@ block")
	printf ".\\\" Made by man.awk from %s and %s: edit those, not this page.\n", \
		name[2], name[1]
	for (i = 1; i <= nout; i++)
		print out[i]
}
