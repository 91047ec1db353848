#!/usr/bin/env python3
"""retime.py IN.pem SIGNER.key OUT.pem NOT_BEFORE NOT_AFTER

IN.pem (made by certtool) with its validity times written as given, byte for
byte, and signed again with SIGNER.key (its issuer's key, an ECDSA key as
lib.sh makes them) by `openssl dgst`: certtool writes no time that breaks RFC
5280, nor a GeneralizedTime before 2050, and a patched time must not cost the
certificate its signature.

A time is TYPE:TEXT, TYPE being UTC (UTCTime) or GEN (GeneralizedTime):
UTC:270230000000Z, GEN:19490301100000Z; "-" keeps the certificate's own.
"""

import base64
import subprocess
import sys

UTC_TIME = 0x17
GENERALIZED_TIME = 0x18
SEQUENCE = 0x30
BIT_STRING = 0x03
ECDSA_WITH_SHA256 = bytes.fromhex("06082a8648ce3d040302")


def read_pem(path):
    lines = open(path, encoding="ascii").read().splitlines()
    start = lines.index("-----BEGIN CERTIFICATE-----")
    end = lines.index("-----END CERTIFICATE-----")
    return base64.b64decode("".join(lines[start + 1:end]))


def write_pem(path, der):
    text = base64.b64encode(der).decode("ascii")
    with open(path, "w", encoding="ascii") as out:
        out.write("-----BEGIN CERTIFICATE-----\n")
        for i in range(0, len(text), 64):
            out.write(text[i:i + 64] + "\n")
        out.write("-----END CERTIFICATE-----\n")


def tlv(data, at):
    """(tag, start of the value, end of the value) of the TLV at AT."""
    tag, first = data[at], data[at + 1]
    at += 2
    if first < 0x80:
        return tag, at, at + first
    count = first & 0x7F
    length = int.from_bytes(data[at:at + count], "big")
    return tag, at + count, at + count + length


def encode(tag, value):
    if len(value) < 0x80:
        return bytes([tag, len(value)]) + value
    size = len(value).to_bytes((len(value).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + value


def elements(data, start, end):
    """The TLVs between START and END, each as its bytes."""
    out = []
    while start < end:
        _, _, stop = tlv(data, start)
        out.append(data[start:stop])
        start = stop
    return out


def new_time(spec, old):
    if spec == "-":
        return old
    kind, text = spec.split(":", 1)
    tag = {"UTC": UTC_TIME, "GEN": GENERALIZED_TIME}[kind]
    return encode(tag, text.encode("ascii"))


def sign(tbs, key):
    return subprocess.run(["openssl", "dgst", "-sha256", "-sign", key], input=tbs,
                          stdout=subprocess.PIPE, check=True).stdout


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    _, source, key, target, not_before, not_after = argv
    cert = read_pem(source)
    _, start, end = tlv(cert, 0)
    tbs, algorithm, _ = elements(cert, start, end)
    if ECDSA_WITH_SHA256 not in algorithm:
        sys.exit("retime.py: only ecdsa-with-SHA256 certificates are signed again")
    _, start, end = tlv(tbs, 0)
    fields = elements(tbs, start, end)
    # version [0], serialNumber, signature, issuer, validity: at 4 with a version.
    at = 4 if fields[0][0] == 0xA0 else 3
    _, start, end = tlv(fields[at], 0)
    before, after = elements(fields[at], start, end)
    fields[at] = encode(SEQUENCE, new_time(not_before, before) + new_time(not_after, after))
    tbs = encode(SEQUENCE, b"".join(fields))
    signature = encode(BIT_STRING, b"\0" + sign(tbs, key))
    write_pem(target, encode(SEQUENCE, tbs + algorithm + signature))


if __name__ == "__main__":
    main(sys.argv)
