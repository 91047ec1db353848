/* h2frame — HTTP/2 framing (RFC 9113 section 4) for the steps after the
 * handshake that speak HTTP/2: the connection preface and the server's first
 * SETTINGS (h2, grpc), one frame read under a hard size bound, frames written,
 * the error codes named, and the verdict on the ALPN the handshake chose.
 *
 * A frame is a 9-byte header (24-bit length, type, flags, reserved bit and
 * 31-bit stream id), then its payload. Nothing here allocates or keeps state
 * beyond the caller's structs.
 */
#ifndef TLSCHECK_COMMON_H2FRAME_H
#define TLSCHECK_COMMON_H2FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "fault.h"
#include "net.h"

#define H2FRAME_HEADER_SIZE 9
/* SETTINGS_MAX_FRAME_SIZE's default: we never advertise more, so a server may
 * send no longer frame, and one announced longer is refused unread. */
#define H2FRAME_MAX_SIZE 16384

/* Frame types (RFC 9113 section 6). */
#define H2FRAME_DATA          0x0
#define H2FRAME_HEADERS       0x1
#define H2FRAME_RST_STREAM    0x3
#define H2FRAME_SETTINGS      0x4
#define H2FRAME_PUSH_PROMISE  0x5
#define H2FRAME_PING          0x6
#define H2FRAME_GOAWAY        0x7
#define H2FRAME_WINDOW_UPDATE 0x8
#define H2FRAME_CONTINUATION  0x9

/* Flags. */
#define H2FRAME_FLAG_ACK         0x1  /* SETTINGS, PING */
#define H2FRAME_FLAG_END_STREAM  0x1  /* DATA, HEADERS */
#define H2FRAME_FLAG_END_HEADERS 0x4  /* HEADERS, CONTINUATION */
#define H2FRAME_FLAG_PADDED      0x8  /* DATA, HEADERS */
#define H2FRAME_FLAG_PRIORITY    0x20 /* HEADERS */

#define H2FRAME_PING_SIZE 8

struct h2frame {
	uint32_t length;
	uint8_t type;
	uint8_t flags;
	uint32_t stream;
	unsigned char header[H2FRAME_HEADER_SIZE];
	unsigned char payload[H2FRAME_MAX_SIZE];
};

/* A big-endian 32-bit value at P. */
uint32_t h2frame_be32(const unsigned char *p);

/* The name of HTTP/2 error code CODE ("PROTOCOL_ERROR"), or "an unknown
 * error". */
const char *h2frame_error_name(uint32_t code);

/* What a step that reads frames waits for, for the messages. */
struct h2frame_step {
	const char *awaited;   /* "HTTP/2 SETTINGS frame" */
	const char *answering; /* what the server answers: "the HTTP/2 preface" */
};

/* Read one frame of C into FR: its header, then its payload, which is refused
 * by its announced length before it is read. START is C->received when STEP
 * began. Returns 0, or -1 with the fault of protocol_no_answer() for
 * STEP->awaited (timeout, closed), or FAULT_PEER "server answered the HTTP/2
 * preface with a frame of N bytes, above the 16384 allowed: not HTTP/2" (or
 * with the quoted text, when the header is printable: an HTTP/1.1 answer). */
int h2frame_read(struct net_conn *c, struct h2frame *fr, const struct h2frame_step *step,
                 size_t start, struct fault *f);

/* Append a frame of TYPE, FLAGS and STREAM with the LEN bytes of PAYLOAD to
 * OUT (CAP bytes) at *USED. Returns 0, or -1 with FAULT_INTERNAL when it does
 * not fit (*USED then unchanged). */
int h2frame_put(unsigned char *out, size_t cap, size_t *used, uint8_t type, uint8_t flags,
                uint32_t stream, const void *payload, size_t len, struct fault *f);

/* FR is a GOAWAY: FAULT_REFUSED "server sent GOAWAY: PROTOCOL_ERROR (0x1)"
 * (an HTTP/2 server refusing in its own words), or FAULT_PEER "server sent a
 * malformed GOAWAY (4 bytes, stream 0)". Returns -1. */
int h2frame_goaway(const struct h2frame *fr, struct fault *f);

/* Send the client connection preface and an empty SETTINGS frame, and read
 * the server's preface: its first SETTINGS frame, past a few other frames.
 * Returns 0, or -1 with FAULT_REFUSED naming a GOAWAY (h2frame_goaway()), or
 * FAULT_PEER naming a malformed SETTINGS, too many other frames, or a frame that is not HTTP/2,
 * or the faults of h2frame_read(). */
int h2frame_open(struct net_conn *c, struct fault *f);

/* The verdict on the ALPN protocol the handshake chose, ALPN (NULL: none),
 * after a step that returned RC with F: h2 passes RC on; another protocol,
 * or none, is FAULT_PEER "server negotiated no ALPN (it answered the HTTP/2
 * preface all the same)" when RC is 0, and "server negotiated 'http/1.1',
 * not h2, and " F's text when it is not. Returns RC or -1. */
int h2frame_judge_alpn(const char *alpn, int rc, struct fault *f);

#endif
