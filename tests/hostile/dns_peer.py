#!/usr/bin/python3
"""dns_peer.py - a name server that misbehaves on purpose, for dane.sh.

Listens on ADDRESS port 53, over UDP and TCP, and answers each question by the
first label of its name that does not start with '_' ("_25._tcp.garbage.test":
garbage), for --lifetime seconds. Standard library only.

  garbage     our id and question echoed, then records announced and not sent
  badopt      an OPT record whose option runs past the record
  edeesc      SERVFAIL, EDE 6 with escape sequences and a newline in its text
  servfail    a bare SERVFAIL, asked with CD or not
  cdonly      a bare SERVFAIL; asked with CD, a TLSA record (a resolver that
              does not validate, failing for another reason)
  tcshort     over UDP TC set and the answer cut inside its record; over TCP
              AD and the whole TLSA record
  refused     REFUSED
  longtlsa    AD and one TLSA record of 60000 bytes (over TCP: TC over UDP)
  tchang      TC over UDP; over TCP a length prefix, then nothing
  tcwrong     TC over UDP; over TCP the answer to another question (id + 1)
  wrongid     an answer with another id, then the right one with AD and no
              records (a spoofed datagram first)
Anything else, the root's SOA among it: NOERROR without records, AD unset (a
resolver that does not validate).
"""

import argparse
import socket
import struct
import threading
import time


def question_end(msg):
    """The offset past the question of MSG (one question, no compression)."""
    at = 12
    while msg[at] != 0:
        at += 1 + msg[at]
    return at + 5


def mode_of(msg):
    at = 12
    while msg[at] != 0:
        label = msg[at + 1:at + 1 + msg[at]].decode("ascii", "replace").lower()
        if not label.startswith("_"):
            return label
        at += 1 + msg[at]
    return ""


def header(msg, flags, rcode, an=0, ar=0, ident=None):
    ident = struct.unpack(">H", msg[:2])[0] if ident is None else ident
    b2 = 0x80 | 0x01  # QR, RD
    b3 = 0x80 | flags | rcode  # RA
    return struct.pack(">HBBHHHH", ident, b2, b3, 1, an, 0, ar) + msg[12:question_end(msg)]


def truncated(msg):
    """An empty answer with TC set: ask again over TCP."""
    h = bytearray(header(msg, 0, 0))
    h[2] |= 0x02
    return bytes(h)


def opt(rdata):
    return b"\0" + struct.pack(">HHIH", 41, 1232, 0, len(rdata)) + rdata


def answer(msg, tcp):
    """The datagrams (one or more) to send back for MSG, or None: say nothing."""
    mode = mode_of(msg)
    if mode == "garbage":
        return [header(msg, 0x20, 0, an=5) + b"\xc0\x0c\x00\x34"]
    if mode == "badopt":
        return [header(msg, 0, 2, ar=1) + opt(struct.pack(">HHH", 15, 40, 6) + b"bogus")]
    if mode == "edeesc":
        text = b"sig\x1b[2Jfailed\nnext line \xff"
        return [header(msg, 0, 2, ar=1) + opt(struct.pack(">HHH", 15, len(text) + 2, 6) + text)]
    if mode == "servfail":
        return [header(msg, 0, 2)]
    if mode == "cdonly":
        if not msg[3] & 0x10:
            return [header(msg, 0, 2)]
        data = b"\3\1\1" + bytes(32)
        return [header(msg, 0, 0, an=1) + b"\xc0\x0c" + struct.pack(">HHIH", 52, 1, 300, len(data)) + data]
    if mode == "tcshort":
        data = b"\3\1\1" + bytes(32)
        whole = header(msg, 0x20, 0, an=1) + b"\xc0\x0c" + struct.pack(">HHIH", 52, 1, 300, len(data)) + data
        if tcp:
            return [whole]
        cut = bytearray(whole[:-20])
        cut[2] |= 0x02
        return [bytes(cut)]
    if mode == "refused":
        return [header(msg, 0, 5)]
    if mode in ("longtlsa", "tchang", "tcwrong") and not tcp:
        return [truncated(msg)]
    if mode == "longtlsa":
        data = b"\3\1\1" + bytes(60000 - 3)
        rr = b"\xc0\x0c" + struct.pack(">HHIH", 52, 1, 300, len(data)) + data
        return [header(msg, 0x20, 0, an=1) + rr]
    if mode in ("tchang", "tcwrong"):
        if mode == "tchang":
            return ["hang"]
        ident = (struct.unpack(">H", msg[:2])[0] + 1) & 0xffff
        return [header(msg, 0x20, 0, ident=ident)]
    if mode == "wrongid":
        ident = (struct.unpack(">H", msg[:2])[0] + 1) & 0xffff
        return [header(msg, 0x20, 0, ident=ident), header(msg, 0x20, 0)]
    return [header(msg, 0, 0)]


def serve_udp(sock):
    while True:
        msg, peer = sock.recvfrom(4096)
        try:
            for reply in answer(msg, False) or []:
                sock.sendto(reply, peer)
        except (IndexError, ValueError):
            pass


def serve_tcp_client(conn):
    with conn:
        try:
            size = struct.unpack(">H", conn.recv(2))[0]
            msg = b""
            while len(msg) < size:
                chunk = conn.recv(size - len(msg))
                if not chunk:
                    return
                msg += chunk
            for reply in answer(msg, True) or []:
                if reply == "hang":
                    conn.sendall(b"\x01\x00")
                    time.sleep(60)
                    return
                conn.sendall(struct.pack(">H", len(reply)) + reply)
        except (OSError, IndexError, ValueError, struct.error):
            pass


def serve_tcp(sock):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve_tcp_client, args=(conn,), daemon=True).start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("address")
    parser.add_argument("--lifetime", type=float, default=120)
    args = parser.parse_args()
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((args.address, 53))
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((args.address, 53))
    tcp.listen(16)
    threading.Thread(target=serve_udp, args=(udp,), daemon=True).start()
    threading.Thread(target=serve_tcp, args=(tcp,), daemon=True).start()
    time.sleep(min(args.lifetime, 900))


if __name__ == "__main__":
    main()
