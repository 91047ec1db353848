#!/bin/bash
# files.sh — the files a plugin is given are read with bounds: regular files
# only, a size limit, never a wait. Each refusal is one line naming the file,
# exit 3, before any network work (the port is closed, so a connection attempt
# would have said "refused"). Then a CA directory holding more than
# certificates, against a live server, and CA directories of many files under
# the deadline.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_server gnutls-serv command -v gnutls-serv
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

CLOSED=$(free_port) || bail_out 'no free port'

# huge.pem is sparse, one byte over the 4 MiB bound: large on paper, no disk.
setup_files() {
	make_ca ca &&
		make_leaf ok ca ok.test ok.test '-1 day' '+200 days -1 hour' &&
		mkfifo "$TEST_DIR/ca.fifo" &&
		mkdir "$TEST_DIR/ca.d" &&
		truncate -s $((4 * 1024 * 1024 + 1)) "$TEST_DIR/huge.pem" &&
		head -c 300 "$TEST_DIR/ca.pem" >"$TEST_DIR/truncated.pem"
}
setup_files || bail_out 'cannot make the test files'

# refused DESC QUOTED-RE ARGS...: exactly one line "check_tls: RE", exit 3, at
# once, no connection.
refused() {
	local desc=$1 what=$2
	shift 2
	expect_check "$desc" 3 "^check_tls: $what\$" '@lines=1' '@max-secs=2' '~refused' \
		-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" "$@"
}

refused '-C FIFO: refused at once, not waited on' \
	"CA file 'ca\\.fifo' is a FIFO, not a regular file" -C ca.fifo
refused '-C DIR' "CA file 'ca\\.d' is a directory, not a regular file" -C ca.d
refused '-C /dev/zero: refused, not read' \
	"CA file '/dev/zero' is a character device, not a regular file" -C /dev/zero
refused '-C /dev/null' "CA file '/dev/null' is a character device, not a regular file" \
	-C /dev/null
refused '-C a file over the bound' "CA file 'huge\\.pem' is larger than 4 MiB" -C huge.pem
refused '-C a truncated PEM' \
	"CA file 'truncated\\.pem' cannot be parsed: a PEM block is truncated or garbled" \
	-C truncated.pem
refused '-C FIFO after a good CA file' "CA file 'ca\\.fifo' is a FIFO, not a regular file" \
	-C ca.pem -C ca.fifo
refused '-C FIFO --output=days: exit 3 as for any bad argument' \
	"CA file 'ca\\.fifo' is a FIFO, not a regular file" -C ca.fifo --output=days
refused '--ca-path a regular file' "CA directory 'ca\\.pem' is a regular file, not a directory" \
	--ca-path ca.pem
refused '--ca-path FIFO' "CA directory 'ca\\.fifo' is a FIFO, not a directory" \
	--ca-path ca.fifo
refused '--ca-path a directory without a certificate' \
	"CA directory 'ca\\.d' holds no certificate" --ca-path ca.d

# --- every other file option goes through the same reader ------------------------

make_client client ca client.test '-1 day' '+200 days' || bail_out 'cannot make the client files'
head -c 100 "$TEST_DIR/client.key" >"$TEST_DIR/truncated.key"

# each_kind OPTION WHAT ARGS...: OPTION naming a FIFO, /dev/zero and a
# directory, each refused as WHAT by name (ARGS: the options it needs besides).
each_kind() {
	local option=$1 what=$2
	shift 2
	refused "$option FIFO: refused at once" "$what 'ca\\.fifo' is a FIFO, not a regular file" \
		"$@" "$option" ca.fifo
	refused "$option /dev/zero: refused, not read" \
		"$what '/dev/zero' is a character device, not a regular file" "$@" "$option" /dev/zero
	refused "$option DIR" "$what 'ca\\.d' is a directory, not a regular file" \
		"$@" "$option" ca.d
}
each_kind --cert-file 'certificate file'
each_kind --client-cert 'client certificate file' --client-key client.key
each_kind --client-key 'client key' --client-cert client.pem
each_kind --client-key-password-file 'password file' --client-cert client.pem \
	--client-key client.key
each_kind --client-p12 'PKCS#12 file'
each_kind --sni-file 'SNI file'
printf 'leaf.test\nleaf.test\0evil.test\n' >"$TEST_DIR/nul-names"
refused '--sni-file with a NUL byte: refused, naming the line, not cut short' \
	"SNI file 'nul-names' line 2 holds a NUL byte" --sni-file nul-names

truncated='cannot be parsed: a PEM block is truncated or garbled'
refused '--cert-file a truncated PEM' "certificate file 'truncated\\.pem' $truncated" \
	--cert-file truncated.pem
refused '--client-cert a truncated PEM' "client certificate file 'truncated\\.pem' $truncated" \
	--client-cert truncated.pem --client-key client.key
refused '--client-key a truncated PEM' "client key 'truncated\\.key' $truncated" \
	--client-cert client.pem --client-key truncated.key
refused '--client-p12 a truncated PEM' "PKCS#12 file 'truncated\\.pem' $truncated" \
	--client-p12 truncated.pem

# An encrypted PKCS#8 key of 16,777,216 PBKDF2 iterations is valid, but over
# GnuTLS's cap (under 10 Mi): GnuTLS refuses it before deriving anything. The
# count is rewritten into a key certtool encrypted (which no longer decrypts
# then, but GnuTLS never gets that far), DER and PEM.
high_iterations() {
	printf 'secret\n' >"$TEST_DIR/client.pw" &&
		run_certtool --to-p8 --load-privkey "$TEST_DIR/client.key" --password secret \
			--pkcs-cipher aes-256 --outder --outfile "$TEST_DIR/client-p8.der" &&
		"$PYTHON" - "$TEST_DIR/client-p8.der" "$TEST_DIR/client-iter" 16777216 <<'PY'
import base64, sys

def parse(b):
    out, i = [], 0
    while i < len(b):
        tag, n = b[i], b[i + 1]
        i += 2
        if n & 0x80:
            k = n & 0x7F
            n, i = int.from_bytes(b[i:i + k], "big"), i + k
        out.append([tag, parse(b[i:i + n]) if tag & 0x20 else b[i:i + n]])
        i += n
    return out

def encode(nodes):
    out = b""
    for tag, v in nodes:
        body = encode(v) if tag & 0x20 else v
        n = len(body)
        size = bytes([n]) if n < 128 else bytes([0x80 | (n.bit_length() + 7) // 8]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
        out += bytes([tag]) + size + body
    return out

der, stem, count = open(sys.argv[1], "rb").read(), sys.argv[2], int(sys.argv[3])
tree = parse(der)
# EncryptedPrivateKeyInfo { PBES2 { params { PBKDF2 { params { salt, count ...
pbkdf2 = tree[0][1][0][1][1][1][0][1][1][1]
assert pbkdf2[1][0] == 2, "not the iteration count"
pbkdf2[1][1] = count.to_bytes(count.bit_length() // 8 + 1, "big")
out = encode(tree)
open(stem + ".der", "wb").write(out)
text = base64.encodebytes(out).decode().replace("\n", "")
with open(stem + ".pem", "w") as pem:
    pem.write("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    for at in range(0, len(text), 64):
        pem.write(text[at:at + 64] + "\n")
    pem.write("-----END ENCRYPTED PRIVATE KEY-----\n")
PY
}
high_iterations || bail_out 'cannot make the key of many iterations'
for form in der pem; do
	refused "--client-key of 16777216 PBKDF2 iterations ($form): GnuTLS's cap named" \
		"client key 'client-iter\\.$form' is encrypted with parameters GnuTLS refuses: more PBKDF2 iterations than its cap of 10485759, or malformed ones \\(re-encrypt the key\\)" \
		--client-cert client.pem --client-key "client-iter.$form" --client-key-password-file client.pw
done

# --- a CA directory holding more than certificates ------------------------------

# What else a CA directory may hold is passed over unopened (a FIFO, a
# subdirectory) or unused (a note, a truncated file), as long as one anchor is there.
fill_ca_dir() {
	local d=$TEST_DIR/ca.d
	cp "$TEST_DIR/ca.pem" "$d/" &&
		ln -s ca.pem "$d/0123abcd.0" &&
		mkfifo "$d/fifo" &&
		mkdir "$d/sub" &&
		printf 'not a certificate\n' >"$d/README" &&
		cp "$TEST_DIR/truncated.pem" "$d/" &&
		ln -s nowhere "$d/dangling"
}
fill_ca_dir || bail_out 'cannot fill the CA directory'

expect_check '--ca-path with a FIFO, a note and a dangling link: read, not waited on' 2 \
	"^TLS CRITICAL - 127\\.0\\.0\\.1:$CLOSED tls: connection refused" '@max-secs=2' \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$CLOSED" --ca-path ca.d

start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
expect_check '--ca-path with more than certificates: the chain is trusted' 0 \
	"^TLS OK - 127\\.0\\.0\\.1:$SERVER_PORT tls: .*chain trusted by ca\\.d" \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$SERVER_PORT" -S ok.test --ca-path ca.d

# --- a CA directory of many files, and the deadline -----------------------------

# Each file is read and parsed: at most 1024 of them, all under the -t deadline.
# A store cut short would depend on readdir()'s order, so more is refused, not
# read in part.
fill_many() {
	local d=$TEST_DIR/$1 i
	mkdir "$d" || return 1
	for ((i = 0; i < $2; i++)); do
		cp "$TEST_DIR/ca.pem" "$d/$i.pem" || return 1
	done
}
for n in 1024 1025 4096; do
	fill_many "ca-$n" "$n" || bail_out 'cannot fill the CA directories'
done
expect_check '--ca-path of 1024 files: read, the chain trusted' 0 \
	"^TLS OK - .*chain trusted by ca-1024" \
	-- "$CHECK_TLS" -H 127.0.0.1 -p "$SERVER_PORT" -S ok.test --ca-path ca-1024
refused '--ca-path of 1025 files: UNKNOWN, the bound named' \
	"CA directory 'ca-1025' holds more than 1024 files" --ca-path ca-1025
# The files are counted before any is read: too many is refused whatever the
# deadline and however slowly they would parse (valgrind).
refused '--ca-path of 4096 files with -t 1: refused within the deadline' \
	"CA directory 'ca-4096' holds more than 1024 files" --ca-path ca-4096 -t 1
refused '--ca-path of 4096 files with -t 0.000001: refused for its size, before any file is read' \
	"CA directory 'ca-4096' holds more than 1024 files" --ca-path ca-4096 -t 0.000001
# The deadline passes while the directory is read: UNKNOWN, said so (how many
# files were read by then depends on the machine).
refused '--ca-path still being read at the deadline: UNKNOWN, said so' \
	"CA directory 'ca-1024' was still being read when the deadline passed \\([0-9]+ files? read\\)" \
	--ca-path ca-1024 -t 0.000001
# A named file read as the deadline passes: UNKNOWN, said so, not "not probed".
refused '-C read as the deadline passes: UNKNOWN, said so' \
	"the -t deadline passed while the files named were read" -C ca.pem -t 0.000001

finish
