/* greeting — what a server says first, unasked, and which protocols say it. */
#ifndef TLSCHECK_DISCOVER_GREETING_H
#define TLSCHECK_DISCOVER_GREETING_H

#include <stddef.h>

#include "fault.h"
#include "net.h"
#include "protocol.h"

/* Wait, without sending anything, for the server to speak first,
 * under C's deadline, and read what it says into BYTES (SIZE at most
 * PROTOCOL_GREETING_MAX + 1): up to the end of its first line, SIZE - 1 bytes, or
 * what arrived within a short while after the first byte (a binary greeting has
 * no line end). BYTES is NUL-terminated after *LEN. Returns 0, or -1 with net's
 * faults: FAULT_TIMEOUT when the server said nothing (it waits for the client),
 * FAULT_PEER when it closed the connection first. */
int greeting_read(struct net_conn *c, unsigned char *bytes, size_t size, size_t *len,
                  struct fault *f);

/* The protocols whose greeting BYTES (LEN of them, NUL-terminated after) may be:
 * the SURE matches first, then the MAYBE ones, in table order, at most MAX into
 * OUT. Returns how many. */
size_t greeting_recognise(const unsigned char *bytes, size_t len, const struct tls_protocol **out,
                          size_t max);

#endif
