#!/usr/bin/python3
"""peer.py - a scripted TCP peer that misbehaves on purpose, for the hostile tests.

Listens on 127.0.0.1 on a port the kernel picks, writes that port to --port-file,
serves each connection in MODE, and exits by itself after --lifetime seconds
(120 by default, at most 900), whatever its clients do: the whole of
hostile.sh, even on a loaded machine or under valgrind, runs inside it.
Standard library only.

Modes:
  silent         accept, then say nothing
  slow-banner    an SMTP greeting trickled one byte per second
  garbage        random bytes (fixed seed), then wait for the client to go
  huge-line      "220 " and 1 MiB without a newline
  close          accept, then close at once
  smtp-plaintext-after-starttls
                 a plausible ESMTP dialogue whose "220 go" to STARTTLS carries
                 an injected plaintext reply in the same segment
  smtp-postscreen
                 greets only after about 1 s, as Postfix's postscreen does, and
                 drops a client that talks before the greeting; then plain
                 ESMTP without STARTTLS
  pg-S-plus-bytes
                 answers the PostgreSQL SSLRequest with 'S' plus plaintext bytes
                 in the same segment
  smtp-no-starttls
                 a valid ESMTP dialogue that offers no STARTTLS
  pg-N, pg-E, pg-S-close
                 answers the PostgreSQL SSLRequest with 'N', with an ErrorResponse
                 (holding an escape sequence), or with 'S' and a hang-up
  mysql-err      greets with a MySQL ERR packet (1040, too many connections)
  ldap-protocol-error, ldap-truncated
                 answers the LDAP StartTLS request with resultCode 2, or with
                 an ExtendedResponse cut short by a hang-up
  ldap-bad-length
                 answers it with an ExtendedResponse longer than its SEQUENCE
  xmpp-failure   announces STARTTLS, then answers it with <failure/>
  kafka-lying-length
                 TLS at connect (--cert, --key), then an ApiVersions answer
                 whose length says 2 GiB
  tls-garbage-after
                 TLS at connect (--cert, --key), then random bytes for an answer
                 (Redis PING, MQTT CONNECT)
  tls-alert      reads the ClientHello, answers a fatal handshake_failure alert
  tls-cut-record reads the ClientHello, sends 20 bytes of a 100-byte record, closes
  tls-cut-handshake
                 reads the ClientHello, sends a whole record holding 4 bytes of
                 a ServerHello, closes
  tls13-bad-finished
                 relays to the TLS 1.3 server on --upstream, corrupting the
                 server's fifth encrypted record (its Finished, after the
                 CertificateRequest and the chain): a handshake that fails late
  tls13-late-alert
                 relays to the TLS 1.3 server on --upstream, holding back what
                 the server sends after the client's Finished by 1 s (a slow
                 verdict on a missing client certificate)
  tls12-rsa-impostor
                 a TLS 1.2 server that never holds the key: ServerHello with
                 TLS_RSA_WITH_AES_128_GCM_SHA256 (static RSA key exchange), the
                 chain of --cert copied, a CertificateRequest, ServerHelloDone;
                 then, once the client's Finished is in, a fatal
                 handshake_failure alert
  tls12-rsa-impostor-close
                 the same, hanging up instead of the alert
  tls12-rsa-impostor-no-request
                 the same without the CertificateRequest, then the alert
  smtp-tls12-rsa-impostor
                 a plausible ESMTP dialogue whose STARTTLS leads to the
                 impostor
  tls13-close-without-alpn
                 TLS 1.3 at connect (--cert, --key) choosing "h2" when offered,
                 asking for a client certificate with --client-ca (verified
                 against it when one comes); after a handshake in which no
                 ALPN protocol was negotiated it sends close_notify and hangs
                 up, saying nothing, as grpc-go servers do from 1.67
  tls13-hang-up-without-alpn
                 the same, hanging up without close_notify
  tls13-hang-up-after-client-cert
                 TLS 1.3 at connect choosing "h2" when offered, asking for a
                 client certificate (--client-ca); when one came, it hangs up
                 at once without an alert, as a server may refuse one; without
                 one, it waits for the client to go
  tls13-read-then-close
                 TLS 1.3 at connect, no ALPN chosen, asking for a client
                 certificate with --client-ca (verified when one comes); it
                 reads the client's first bytes, then hangs up without
                 close_notify, as a TLS proxy in front of a dead backend does
  h2-grpc-go     tls13-close-without-alpn, but after a handshake that chose
                 "h2" it reads the HTTP/2 connection preface and answers with
                 its SETTINGS: an HTTP/2 server that wants ALPN (grpc-go)
  h2-goaway      TLS at connect choosing "h2" (--cert, --key), then the preface
                 answered with a GOAWAY of error ENHANCE_YOUR_CALM
  h2-http1       the same, answering the preface in HTTP/1.1 (400 Bad Request)
  h2-silent      the same, reading the preface and never answering it
  h2-pings       the same, answering it with PING frames, never SETTINGS
  h2-long-frame  the same, answering it with a frame header that announces
                 16,385 bytes, one more than a first frame may hold
  grpc-endless-ping, grpc-endless-window-update
                 h2-silent's TLS, answering the preface with SETTINGS, then
                 PING (or WINDOW_UPDATE) frames until the client goes
  grpc-trickle   the same, then PING frames one byte every 0.2 s
  grpc-continuation-flood
                 the same, then a HEADERS on stream 1 without END_HEADERS and
                 CONTINUATION frames that never end the block
  grpc-longest-frame
                 the same, then a frame header announcing 0xffffff bytes
  grpc-bad-hpack-integer
                 the same, then a header block whose HPACK integer runs on
                 past 32 bits
  grpc-odd-message
                 the same, then a trailers-only answer, grpc-status 14, whose
                 grpc-message holds bad percent escapes, an escape sequence,
                 %00, %e2%80%ae, bytes not UTF-8, CR LF, '|' and ';'
"""

import argparse
import os
import random
import re
import select
import socket
import ssl
import sys
import threading
import time

DEFAULT_LIFETIME = 120.0
MAX_LIFETIME = 900.0
HUGE_LINE = 1024 * 1024
GARBAGE = 64 * 1024
# TLS record: alert, TLS 1.2, length 2, level fatal, handshake_failure (40).
TLS_FATAL_ALERT = bytes.fromhex("15030300020228")
TLS_APPLICATION_DATA = 0x17
LATE_ALERT_DELAY = 1.0
# TLS record: handshake, TLS 1.2, length 100.
SERVER_HELLO_HEADER = bytes.fromhex("1603030064")
TLS_HANDSHAKE = 0x16
TLS_CHANGE_CIPHER_SPEC = 0x14
TLS12 = b"\x03\x03"
TLS_RSA_WITH_AES_128_GCM_SHA256 = b"\x00\x9c"
# The ServerHello extensions the impostor echoes when offered:
# renegotiation_info (empty) and extended_master_secret.
RENEGOTIATION_INFO = 0xFF01
EXTENDED_MASTER_SECRET = 0x0017
PEM_CERT = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


class Peer:
    """One client connection, bounded by the process deadline."""

    def __init__(self, conn, deadline, seed, upstream=None, cert=None, key=None,
                 client_ca=None):
        self.conn = conn
        self.client_ca = client_ca
        self.upstream = upstream
        self.cert = cert
        self.key = key
        self.deadline = deadline
        self.buffer = b""
        self.rng = random.Random(seed)

    def remaining(self):
        return max(0.01, self.deadline - time.monotonic())

    def send(self, data):
        self.conn.settimeout(self.remaining())
        self.conn.sendall(data)

    def recv(self, limit=4096):
        self.conn.settimeout(self.remaining())
        return self.conn.recv(limit)

    def read_line(self, limit=4096):
        """A line without its CRLF, or None when the client went away."""
        while b"\n" not in self.buffer:
            if len(self.buffer) > limit:
                return None
            data = self.recv()
            if not data:
                return None
            self.buffer += data
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.rstrip(b"\r")

    def read_exactly(self, count):
        while len(self.buffer) < count:
            data = self.recv()
            if not data:
                return None
            self.buffer += data
        head, self.buffer = self.buffer[:count], self.buffer[count:]
        return head

    def read_record(self):
        """One TLS record (header included), or None when the client went away."""
        header = self.read_exactly(5)
        if header is None:
            return None
        body = self.read_exactly(int.from_bytes(header[3:5], "big"))
        return None if body is None else header + body

    def drain(self):
        """Read and discard until the client closes or time runs out."""
        while time.monotonic() < self.deadline:
            if not self.recv():
                return


def mode_silent(p):
    p.drain()


def mode_slow_banner(p):
    for byte in b"220 slow.hostile.test ESMTP a greeting that takes its time\r\n":
        p.send(bytes([byte]))
        time.sleep(1.0)
    p.drain()


def mode_garbage(p):
    p.send(p.rng.randbytes(GARBAGE))
    p.drain()


def mode_huge_line(p):
    p.send(b"220 " + b"A" * HUGE_LINE)
    p.drain()


def mode_close(p):
    pass


def smtp_dialogue(p, last_capability, starttls_reply, then=Peer.drain):
    """A plausible ESMTP dialogue: EHLO announces LAST_CAPABILITY last, and
    STARTTLS gets STARTTLS_REPLY in one send (None: refused), then THEN(p)
    (silence by default)."""
    p.send(b"220 hostile.test ESMTP\r\n")
    while True:
        line = p.read_line()
        if line is None:
            return
        verb = line.split(b" ", 1)[0].upper()
        if verb in (b"EHLO", b"HELO", b"LHLO"):
            p.send(b"250-hostile.test\r\n250-PIPELINING\r\n250 " + last_capability + b"\r\n")
        elif verb == b"STARTTLS" and starttls_reply is not None:
            p.send(starttls_reply)
            then(p)
            return
        elif verb == b"QUIT":
            p.send(b"221 bye\r\n")
            return
        else:
            p.send(b"502 not here\r\n")


def mode_smtp_plaintext_after_starttls(p):
    # One send: the go-ahead and the injected reply share a segment.
    smtp_dialogue(p, b"STARTTLS", b"220 go\r\n250-injected.hostile.test\r\n250 AUTH PLAIN\r\n")


def mode_smtp_early_go_ahead(p):
    """Answers EHLO and, in the same segment, the STARTTLS not yet sent: a
    pipelined or injected go-ahead the client must not take for the answer."""
    p.send(b"220 hostile.test ESMTP\r\n")
    line = p.read_line()
    if line is None:
        return
    p.send(b"250-hostile.test\r\n250 STARTTLS\r\n220 go ahead\r\n")
    p.drain()


POSTSCREEN_PAUSE = 1.0


def mode_smtp_postscreen(p):
    readable, _, _ = select.select([p.conn], [], [], POSTSCREEN_PAUSE)
    if readable:
        print("client talked before the greeting: dropped", flush=True)
        p.send(b"521 protocol error: talked before the greeting\r\n")
        return
    p.send(b"220 postscreen.test ESMTP\r\n")
    while True:
        line = p.read_line()
        if line is None:
            return
        verb = line.split(b" ", 1)[0].upper()
        if verb in (b"EHLO", b"HELO"):
            p.send(b"250-postscreen.test\r\n250 PIPELINING\r\n")
        elif verb == b"QUIT":
            p.send(b"221 bye\r\n")
            return
        else:
            p.send(b"502 no\r\n")


def mode_pg_s_plus_bytes(p):
    if p.read_exactly(8) is None:
        return
    p.send(b"S" + b"plaintext that must never reach the TLS layer")
    p.drain()


def mode_tls_cut_record(p):
    """A ServerHello record that announces 100 bytes, 20 of them sent, then
    the hang-up: TLS cut off mid-record."""
    if not p.recv():
        return
    p.send(SERVER_HELLO_HEADER + b"\x02" + bytes(19))


def mode_tls_cut_handshake(p):
    """A whole record holding the first 4 bytes of a ServerHello, then the
    hang-up: TLS cut off between records, mid-handshake."""
    if not p.recv():
        return
    p.send(bytes.fromhex("1603030004") + bytes.fromhex("02000046"))


def mode_smtp_no_starttls(p):
    """A valid ESMTP server that offers no STARTTLS."""
    smtp_dialogue(p, b"8BITMIME", None)


def pg_answer(answer):
    """A PostgreSQL server answering the SSLRequest with ANSWER, then silent."""
    def mode(p):
        if p.read_exactly(8) is None:
            return
        p.send(answer)
        p.drain()
    return mode


PG_ERROR_FIELDS = b"SFATAL\x00C28000\x00Mno pg_hba.conf entry \x1b[2J\x00\x00"
PG_ERROR = b"E" + (4 + len(PG_ERROR_FIELDS)).to_bytes(4, "big") + PG_ERROR_FIELDS


def pg_s_then_close(p):
    if p.read_exactly(8) is None:
        return
    p.send(b"S")


def mysql_packet(seq, payload):
    return len(payload).to_bytes(3, "little") + bytes([seq]) + payload


def mode_mysql_err(p):
    """MariaDB's answer to a host with too many connections: an ERR packet."""
    p.send(mysql_packet(0, b"\xff" + (1040).to_bytes(2, "little") + b"Too many connections"))
    p.drain()


def ldap_answer(answer, then_close=False):
    """An LDAP server answering the StartTLS request with ANSWER, then silent
    or gone."""
    def mode(p):
        if not p.recv():
            return
        p.send(answer)
        if not then_close:
            p.drain()
    return mode


def mode_xmpp_failure(p):
    """A server that announces STARTTLS and then refuses it."""
    if not p.recv():
        return
    p.send(b"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           b"xmlns:stream='http://etherx.jabber.org/streams' id='x' from='hostile.test' "
           b"version='1.0'><stream:features><starttls "
           b"xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>")
    if not p.recv():
        return
    p.send(b"<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>")
    p.drain()


def tls_then(answer):
    """TLS at connect (--cert, --key), then ANSWER(p, tls) to the first request."""
    def mode(p):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(p.cert, p.key)
        p.conn.settimeout(p.remaining())
        p.conn = context.wrap_socket(p.conn, server_side=True)
        if not p.recv():
            return
        answer(p)
        p.drain()
    return mode


def kafka_lying_length(p):
    """ApiVersions answered with a length of 2 GiB and 6 bytes."""
    p.send(b"\x7f\xff\xff\xff" + b"\x00\x00\x00\x01\x00\x00")


def random_reply(p):
    p.send(p.rng.randbytes(4096))


def mode_tls_alert(p):
    if not p.recv():
        return
    p.send(TLS_FATAL_ALERT)


def vector(data, size):
    """DATA behind its length in SIZE bytes, as TLS writes variable-length fields."""
    return len(data).to_bytes(size, "big") + data


def handshake_message(kind, body):
    return bytes([kind]) + vector(body, 3)


def client_hello_offers(record):
    """The session id, cipher suites and extension types of the ClientHello
    in RECORD (one record, as GnuTLS sends it), or None when it is not one."""
    body = record[5:]
    if record[0] != TLS_HANDSHAKE or len(body) < 4 or body[0] != 1:
        return None
    hello = body[4:4 + int.from_bytes(body[1:4], "big")]
    at = 2 + 32
    session_id = hello[at + 1:at + 1 + hello[at]]
    at += 1 + hello[at]
    size = int.from_bytes(hello[at:at + 2], "big")
    suites = {hello[i:i + 2] for i in range(at + 2, at + 2 + size, 2)}
    at += 2 + size
    at += 1 + hello[at]
    extensions = set()
    end = min(len(hello), at + 2 + int.from_bytes(hello[at:at + 2], "big"))
    at += 2
    while at + 4 <= end:
        extensions.add(int.from_bytes(hello[at:at + 2], "big"))
        at += 4 + int.from_bytes(hello[at + 2:at + 4], "big")
    return session_id, suites, extensions


def server_hello(session_id, offered):
    """TLS 1.2, static RSA key exchange, echoing the extensions that must be."""
    extensions = b""
    if RENEGOTIATION_INFO in offered:
        extensions += RENEGOTIATION_INFO.to_bytes(2, "big") + vector(b"\x00", 2)
    if EXTENDED_MASTER_SECRET in offered:
        extensions += EXTENDED_MASTER_SECRET.to_bytes(2, "big") + vector(b"", 2)
    # A random without the TLS 1.3 downgrade sentinel: a plain TLS 1.2 server.
    body = (TLS12 + os.urandom(32) + vector(session_id, 1) + TLS_RSA_WITH_AES_128_GCM_SHA256 +
            b"\x00" + vector(extensions, 2))
    return handshake_message(2, body)


def certificate_message(pem_file):
    """The chain in PEM_FILE as a Certificate message: copied, no key needed."""
    with open(pem_file, "rb") as f:
        pems = PEM_CERT.findall(f.read())
    chain = b"".join(vector(ssl.PEM_cert_to_DER_cert(pem.decode("ascii")), 3) for pem in pems)
    return handshake_message(11, vector(chain, 3))


# Certificate types rsa_sign and ecdsa_sign; signature algorithms
# rsa_pkcs1_sha256, ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256; no CA names.
CERTIFICATE_REQUEST = handshake_message(
    13, vector(b"\x01\x40", 1) + vector(bytes.fromhex("040104030804"), 2) + vector(b"", 2))
SERVER_HELLO_DONE = handshake_message(14, b"")


def await_client_finished(p):
    """Read the client's flight up to the record after its ChangeCipherSpec
    (its Finished). False when the client went away first."""
    changed = False
    while True:
        record = p.read_record()
        if record is None:
            return False
        if changed:
            return True
        changed = record[0] == TLS_CHANGE_CIPHER_SPEC


def rsa_impostor(request=True, then_alert=True):
    """A TLS 1.2 server with the chain of --cert and not its key: it can never
    send its Finished, so it ends the handshake once the client's is in."""
    def mode(p):
        record = p.read_record()
        offers = record and client_hello_offers(record)
        if not offers or TLS_RSA_WITH_AES_128_GCM_SHA256 not in offers[1]:
            p.send(TLS_FATAL_ALERT)
            return
        flight = server_hello(offers[0], offers[2]) + certificate_message(p.cert)
        if request:
            flight += CERTIFICATE_REQUEST
        flight += SERVER_HELLO_DONE
        # Records of at most 2^14 bytes, however long the chain.
        for at in range(0, len(flight), 1 << 14):
            p.send(bytes([TLS_HANDSHAKE]) + TLS12 + vector(flight[at:at + (1 << 14)], 2))
        if await_client_finished(p) and then_alert:
            p.send(TLS_FATAL_ALERT)
    return mode


class Records:
    """Splits one direction of a TLS stream into whole records."""

    def __init__(self):
        self.pending = b""

    def feed(self, data):
        self.pending += data
        records = []
        while len(self.pending) >= 5:
            size = 5 + int.from_bytes(self.pending[3:5], "big")
            if len(self.pending) < size:
                break
            records.append(self.pending[:size])
            self.pending = self.pending[size:]
        return records


def relay(p, tamper):
    """Forward between the client and the TLS server on --upstream. TAMPER(record,
    state) returns the server record to forward (state holds what the client
    sent so far)."""
    server = socket.create_connection(("127.0.0.1", p.upstream), timeout=p.remaining())
    from_server, from_client = Records(), Records()
    state = {"client_encrypted": False, "server_encrypted": 0}
    try:
        while time.monotonic() < p.deadline:
            ready, _, _ = select.select([p.conn, server], [], [], p.remaining())
            if p.conn in ready:
                data = p.conn.recv(65536)
                if not data:
                    return
                for record in from_client.feed(data):
                    if record[0] == TLS_APPLICATION_DATA:
                        state["client_encrypted"] = True
                server.sendall(data)
            if server in ready:
                data = server.recv(65536)
                if not data:
                    return
                for record in from_server.feed(data):
                    p.send(tamper(record, state))
    finally:
        server.close()


def corrupt_fifth_encrypted(record, state):
    if record[0] != TLS_APPLICATION_DATA:
        return record
    state["server_encrypted"] += 1
    if state["server_encrypted"] != 5:
        return record
    return record[:-1] + bytes([record[-1] ^ 0xFF])


def hold_back_after_client_finished(record, state):
    if state["client_encrypted"]:
        time.sleep(LATE_ALERT_DELAY)
    return record


def mode_tls13_bad_finished(p):
    relay(p, corrupt_fifth_encrypted)


def mode_tls13_late_alert(p):
    relay(p, hold_back_after_client_finished)


def close_without_alpn(notify=True):
    """TLS 1.3 choosing h2; after a handshake without ALPN, close_notify (or,
    without NOTIFY, a bare hang-up) and nothing said."""
    return lambda p: tls13_close_without_alpn(p, notify)


def tls13_close_without_alpn(p, notify, answer=None):
    """TLS 1.3 choosing h2; after a handshake without ALPN, close_notify (or,
    without NOTIFY, a bare hang-up). With h2 chosen, ANSWER(p) to the HTTP/2
    preface, or silence without one."""
    p.conn = h2_tls(p, ssl.TLSVersion.TLSv1_3)
    if p.conn.selected_alpn_protocol() is not None:
        if answer is not None and read_h2_preface(p):
            answer(p)
        p.drain()
        return
    if notify:
        p.conn.unwrap()  # close_notify, then the hang-up in serve()


def mode_tls13_read_then_close(p):
    """A TLS proxy whose backend is down: it reads the request, then hangs up."""
    p.conn = h2_tls(p, ssl.TLSVersion.TLSv1_3, alpn=())
    p.recv()


def mode_tls13_hang_up_after_client_cert(p):
    p.conn = h2_tls(p, ssl.TLSVersion.TLSv1_3)
    if not p.conn.getpeercert():
        p.drain()


def h2_tls(p, minimum=ssl.TLSVersion.TLSv1_2, alpn=("h2",)):
    """The server side of TLS at connect, choosing "h2" (or one of ALPN) when
    offered; a client certificate is asked for (and verified) only with
    --client-ca."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = minimum
    context.load_cert_chain(p.cert, p.key)
    if alpn:
        context.set_alpn_protocols(list(alpn))
    if p.client_ca:
        context.verify_mode = ssl.CERT_OPTIONAL
        context.load_verify_locations(p.client_ca)
    p.conn.settimeout(p.remaining())
    return context.wrap_socket(p.conn, server_side=True)


H2_CLIENT_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
H2_HEADERS, H2_SETTINGS, H2_PING, H2_GOAWAY = 0x1, 0x4, 0x6, 0x7
H2_WINDOW_UPDATE, H2_CONTINUATION = 0x8, 0x9
H2_END_STREAM, H2_END_HEADERS = 0x1, 0x4
TRICKLE_GAP = 0.2
H2_PINGS = 32
H2_ENHANCE_YOUR_CALM = 0xB


def h2_frame(kind, payload, length=None, flags=0, stream=0):
    """An HTTP/2 frame, on stream 0 unless told; LENGTH, when given, is the one
    announced."""
    size = len(payload) if length is None else length
    return (size.to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") +
            payload)


def hpack_int(value, prefix, first=0):
    """An HPACK integer (RFC 7541 5.1) of PREFIX bits, FIRST holding the bits
    above them."""
    top = (1 << prefix) - 1
    if value < top:
        return bytes([first | value])
    out = [first | top]
    value -= top
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    return bytes(out + [value])


def hpack_literal(name, value):
    """A literal header field without indexing, new name, no Huffman."""
    return (b"\x00" + hpack_int(len(name), 7) + name + hpack_int(len(value), 7) + value)


# Indexed :status 200 (static table entry 8).
HPACK_STATUS_200 = b"\x88"


def grpc_trailers(p, message):
    """A trailers-only answer of the call: UNAVAILABLE (14) and MESSAGE."""
    block = (HPACK_STATUS_200 + hpack_literal(b"grpc-status", b"14") +
             hpack_literal(b"grpc-message", message))
    p.send(h2_frame(H2_HEADERS, block, flags=H2_END_STREAM | H2_END_HEADERS, stream=1))


def endless(frame):
    """SETTINGS, then FRAME again and again until the client goes."""
    def answer(p):
        h2_settings(p)
        while time.monotonic() < p.deadline:
            p.send(frame * 64)
    return answer


def grpc_trickle(p):
    """SETTINGS, then a PING frame one byte at a time, again and again."""
    h2_settings(p)
    while time.monotonic() < p.deadline:
        for byte in h2_frame(H2_PING, bytes(8)):
            p.send(bytes([byte]))
            time.sleep(TRICKLE_GAP)


def grpc_continuation_flood(p):
    """SETTINGS, a HEADERS without END_HEADERS, then CONTINUATION frames that
    never end the block."""
    h2_settings(p)
    p.send(h2_frame(H2_HEADERS, HPACK_STATUS_200, stream=1))
    piece = h2_frame(H2_CONTINUATION, hpack_literal(b"x-pad", b"y" * 100), stream=1)
    while time.monotonic() < p.deadline:
        p.send(piece * 16)


def grpc_longest_frame(p):
    """SETTINGS, then a frame header announcing 0xffffff bytes, and a few."""
    h2_settings(p)
    p.send(h2_frame(H2_HEADERS, bytes(32), length=0xFFFFFF, stream=1))


def grpc_bad_hpack_integer(p):
    """SETTINGS, then a header block holding an indexed field whose integer runs
    on past any 32-bit value."""
    h2_settings(p)
    p.send(h2_frame(H2_HEADERS, b"\xff" + b"\xff" * 12 + b"\x01",
                    flags=H2_END_STREAM | H2_END_HEADERS, stream=1))


def grpc_odd_message(p):
    """SETTINGS, then UNAVAILABLE with a grpc-message of odd bytes: bad and
    signed percent escapes, an escape sequence, a NUL, right-to-left override,
    bytes not UTF-8."""
    h2_settings(p)
    grpc_trailers(p, b"%+1%-f% 2%zz%\x1b[2J%00%e2%80%ae\xff\xfe|x;y\r\nz%")


def read_h2_preface(p):
    """The client preface and the frame after it (its SETTINGS); False when the
    client went away or sent something else."""
    if p.read_exactly(len(H2_CLIENT_PREFACE)) != H2_CLIENT_PREFACE:
        return False
    header = p.read_exactly(9)
    return header is not None and p.read_exactly(int.from_bytes(header[:3], "big")) is not None


def h2_answer(answer):
    """TLS at connect choosing h2, then ANSWER(p) to the HTTP/2 preface."""
    def mode(p):
        p.conn = h2_tls(p)
        if read_h2_preface(p):
            answer(p)
        p.drain()
    return mode


def h2_settings(p):
    # SETTINGS_MAX_CONCURRENT_STREAMS (3) = 100.
    p.send(h2_frame(H2_SETTINGS, (3).to_bytes(2, "big") + (100).to_bytes(4, "big")))


def h2_goaway(p):
    # Last stream 0, the error code, and debug data the client may not print raw.
    p.send(h2_frame(H2_GOAWAY, bytes(4) + H2_ENHANCE_YOUR_CALM.to_bytes(4, "big") +
                    b"too many \x1b[2Jconnections"))


def h2_http1(p):
    p.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def h2_pings(p):
    p.send(b"".join(h2_frame(H2_PING, i.to_bytes(8, "big")) for i in range(H2_PINGS)))


def h2_long_frame(p):
    # A SETTINGS header that announces 16,385 bytes, and fewer of them.
    p.send(h2_frame(H2_SETTINGS, bytes(64), length=16385))


MODES = {
    "silent": mode_silent,
    "slow-banner": mode_slow_banner,
    "garbage": mode_garbage,
    "huge-line": mode_huge_line,
    "close": mode_close,
    "smtp-plaintext-after-starttls": mode_smtp_plaintext_after_starttls,
    "smtp-early-go-ahead": mode_smtp_early_go_ahead,
    "smtp-postscreen": mode_smtp_postscreen,
    "pg-S-plus-bytes": mode_pg_s_plus_bytes,
    "tls-alert": mode_tls_alert,
    "tls-cut-record": mode_tls_cut_record,
    "tls-cut-handshake": mode_tls_cut_handshake,
    "smtp-no-starttls": mode_smtp_no_starttls,
    "pg-N": pg_answer(b"N"),
    "pg-E": pg_answer(PG_ERROR),
    "pg-S-close": pg_s_then_close,
    "mysql-err": mode_mysql_err,
    # resultCode 2 (protocolError): StartTLS is not supported.
    "ldap-protocol-error": ldap_answer(bytes.fromhex("300c02010178070a010204000400")),
    # An ExtendedResponse whose SEQUENCE claims 12 bytes and holds 5, then the hang-up.
    "ldap-truncated": ldap_answer(bytes.fromhex("300c0201017807"), then_close=True),
    # A SEQUENCE of 5 bytes whose ExtendedResponse claims 7.
    "ldap-bad-length": ldap_answer(bytes.fromhex("30050201017807")),
    "xmpp-failure": mode_xmpp_failure,
    "kafka-lying-length": tls_then(kafka_lying_length),
    "tls-garbage-after": tls_then(random_reply),
    "tls13-bad-finished": mode_tls13_bad_finished,
    "tls13-late-alert": mode_tls13_late_alert,
    "tls12-rsa-impostor": rsa_impostor(),
    "tls12-rsa-impostor-close": rsa_impostor(then_alert=False),
    "tls12-rsa-impostor-no-request": rsa_impostor(request=False),
    "tls13-close-without-alpn": close_without_alpn(),
    "tls13-hang-up-without-alpn": close_without_alpn(notify=False),
    "tls13-hang-up-after-client-cert": mode_tls13_hang_up_after_client_cert,
    "tls13-read-then-close": mode_tls13_read_then_close,
    "h2-grpc-go": lambda p: tls13_close_without_alpn(p, True, h2_settings),
    "h2-goaway": h2_answer(h2_goaway),
    "h2-http1": h2_answer(h2_http1),
    "h2-silent": h2_answer(lambda p: None),
    "h2-long-frame": h2_answer(h2_long_frame),
    "h2-pings": h2_answer(h2_pings),
    "grpc-endless-ping": h2_answer(endless(h2_frame(H2_PING, bytes(8)))),
    "grpc-endless-window-update": h2_answer(endless(h2_frame(H2_WINDOW_UPDATE,
                                                             (1).to_bytes(4, "big")))),
    "grpc-trickle": h2_answer(grpc_trickle),
    "grpc-continuation-flood": h2_answer(grpc_continuation_flood),
    "grpc-longest-frame": h2_answer(grpc_longest_frame),
    "grpc-bad-hpack-integer": h2_answer(grpc_bad_hpack_integer),
    "grpc-odd-message": h2_answer(grpc_odd_message),
    "smtp-tls12-rsa-impostor": lambda p: smtp_dialogue(p, b"STARTTLS", b"220 go ahead\r\n",
                                                       rsa_impostor()),
}


def serve(conn, mode, deadline, args):
    try:
        MODES[mode](Peer(conn, deadline, args.seed, args.upstream, args.cert, args.key,
                         args.client_ca))
    except (OSError, ssl.SSLError):
        pass  # the client going away is part of the game
    finally:
        conn.close()


def main():
    parser = argparse.ArgumentParser(description="A misbehaving TCP peer.")
    parser.add_argument("mode", choices=sorted(MODES))
    parser.add_argument("--port-file", required=True, help="where to write the port")
    parser.add_argument("--lifetime", type=float, default=DEFAULT_LIFETIME,
                        help="seconds before exiting (at most %d)" % MAX_LIFETIME)
    parser.add_argument("--seed", type=int, default=1, help="seed of the garbage")
    parser.add_argument("--upstream", type=int, help="the TLS server's port, for the relays")
    parser.add_argument("--cert", help="certificate chain (PEM) of the TLS modes")
    parser.add_argument("--key", help="private key (PEM) of the TLS modes")
    parser.add_argument("--client-ca", help="CA (PEM) that client certificates are verified by")
    args = parser.parse_args()
    deadline = time.monotonic() + max(0.0, min(args.lifetime, MAX_LIFETIME))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)

    # Written then renamed, so a reader never sees half a port number.
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        f.write("%d\n" % listener.getsockname()[1])
    os.replace(tmp, args.port_file)

    while time.monotonic() < deadline:
        try:
            conn, _ = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve,
                         args=(conn, args.mode, deadline, args),
                         daemon=True).start()
    listener.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
