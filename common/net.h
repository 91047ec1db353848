/* net — resolve, connect and buffered reads/writes, all under one deadline.
 *
 * Sockets are non-blocking from the start; every wait is a poll() bounded by the
 * run's deadline. Reads are buffered (lines may arrive split across segments or
 * several in one) with hard size limits, and the buffer is visible so that the
 * caller can refuse plaintext left over after a STARTTLS go-ahead.
 * No state outside the structs the caller owns.
 */
#ifndef TLSCHECK_COMMON_NET_H
#define TLSCHECK_COMMON_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "deadline.h"
#include "fault.h"

#define NET_MAX_ADDRESSES 64
#define NET_ADDRESS_TEXT  64 /* an IPv6 literal with scope, NUL-terminated */
#define NET_BUFFER_SIZE   8192

struct net_address {
	struct sockaddr_storage sa;
	socklen_t len;
	char text[NET_ADDRESS_TEXT]; /* "192.0.2.1" or "2001:db8::1", no brackets */
};

struct net_address_list {
	struct net_address items[NET_MAX_ADDRESSES];
	size_t count;
	bool truncated; /* the resolver gave more than NET_MAX_ADDRESSES */
};

/* Resolve HOST (an IP literal or an ASCII name, A-labels already applied) for
 * PORT, restricted to FAMILY (AF_UNSPEC, AF_INET or AF_INET6). Keeps at most
 * NET_MAX_ADDRESSES addresses (OUT->truncated says when there were more),
 * duplicates dropped, in resolver order. DL may be NULL for an IP literal.
 * Returns 0, or -1 with FAULT_RESOLVE ("cannot resolve 'HOST': ...") or
 * FAULT_TIMEOUT if the deadline passes first. */
int net_resolve(const char *host, unsigned port, int family, const struct deadline *dl,
                struct net_address_list *out, struct fault *f);

/* Connect a non-blocking TCP socket to ADDR. On success *FD is the connected
 * socket (still non-blocking; the caller closes it). Returns 0, or -1 with
 * FAULT_CONNECT ("connection refused by 192.0.2.1 port 25") or FAULT_TIMEOUT. */
int net_connect(const struct net_address *addr, const struct deadline *dl, int *fd,
                struct fault *f);

/* Make ADDR (as net_resolve() gave it) an address for PORT. */
void net_address_set_port(struct net_address *addr, unsigned port);

/* net_connect() in steps, for a caller that waits on many at once: start
 * connecting to ADDR (returns 0 with *FD connected, 1 with *FD connecting: wait
 * for POLLOUT, or a hang-up, then net_connect_end(); -1 with F); tell how a
 * connecting FD ended (0 connected, or -1 with F as net_connect() says); the
 * fault of one whose time ran out ("timeout connecting to 192.0.2.1 port 25"). */
int net_connect_start(const struct net_address *addr, int *fd, struct fault *f);
int net_connect_end(int fd, const struct net_address *addr, struct fault *f);
void net_connect_timed_out(const struct net_address *addr, struct fault *f);

/* Wait until FD is ready for EVENTS (POLLIN or POLLOUT) or the deadline DL
 * passes; never waits once it has passed. Ready includes an error or hang-up on
 * FD: the next read, write or SO_ERROR tells which. Returns 0 when ready, or -1
 * with FAULT_TIMEOUT "timeout WHAT" (WHAT: "during the TLS handshake", "sending
 * STARTTLS") or FAULT_INTERNAL when poll() fails. */
int net_wait(int fd, short events, const struct deadline *dl, const char *what, struct fault *f);

/* How bytes move over a connection: the plain socket before TLS, the TLS session
 * after it (probe.h provides that one). Both calls never block. They return the
 * number of bytes moved (> 0), 0 for the end of the stream (recv only),
 * NET_AGAIN with *EVENTS set to what to poll the socket for, or -1 with F set
 * (WHAT names what was awaited or sent, for the message). */
#define NET_AGAIN (-2)

struct net_transport {
	ssize_t (*recv)(void *io, int fd, void *buf, size_t len, short *events, const char *what,
	                struct fault *f);
	ssize_t (*send)(void *io, int fd, const void *buf, size_t len, short *events,
	                const char *what, struct fault *f);
};

/* The plain bytes of a connection before TLS, each direction's run of bytes
 * one exchange, for -vvv: what an operator reads when a STARTTLS fails. Bounded:
 * what does not fit is counted, not kept. */
#define NET_TRANSCRIPT_BYTES     4096
#define NET_TRANSCRIPT_EXCHANGES 64

struct net_exchange {
	bool sent;    /* by us; else received */
	size_t start; /* into the transcript's bytes */
	size_t len;
};

struct net_transcript {
	unsigned char bytes[NET_TRANSCRIPT_BYTES];
	size_t used;
	struct net_exchange items[NET_TRANSCRIPT_EXCHANGES];
	size_t count;
	size_t dropped; /* bytes moved that did not fit */
};

/* A connected socket with a read buffer, and the transport bytes go through. The
 * caller owns it (stack is fine) and the fd; net_conn_init() does not take
 * ownership. */
struct net_conn {
	int fd;
	const struct deadline *deadline;
	const struct net_transport *transport;
	void *io; /* the transport's own state; NULL for the plain socket */
	unsigned char buf[NET_BUFFER_SIZE];
	size_t head;                       /* first unread byte */
	size_t tail;                       /* one past the last received byte */
	size_t received, sent;             /* bytes moved since net_conn_init(), for messages */
	struct net_transcript *transcript; /* where plain bytes are recorded; NULL: not */
};

/* Start C on the plain socket FD, every wait bounded by DL. */
void net_conn_init(struct net_conn *c, int fd, const struct deadline *dl);

/* Record the plain bytes C moves into TRANSCRIPT (the caller's, emptied here)
 * until net_conn_use() switches to another transport. */
void net_conn_record(struct net_conn *c, struct net_transcript *transcript);

/* From now on, move bytes through TRANSPORT (with its state IO), as after a TLS
 * handshake. Whatever is still buffered is dropped: it came before the switch. */
void net_conn_use(struct net_conn *c, const struct net_transport *transport, void *io);

/* Bound every later wait on C by DL instead (a step's own sub-deadline). */
void net_conn_set_deadline(struct net_conn *c, const struct deadline *dl);

/* Wait until at least one unread byte is buffered, reading if none is. Returns 0,
 * or -1 with F set as for net_read_line() (timeout, closed, transport error). */
int net_await(struct net_conn *c, const char *what, struct fault *f);

/* Send all of DATA. Returns 0, or -1 with FAULT_PEER (peer closed/reset) or
 * FAULT_TIMEOUT. WHAT says what was being sent, for the message
 * ("timeout sending STARTTLS"). */
int net_write_all(struct net_conn *c, const void *data, size_t len, const char *what,
                  struct fault *f);

/* Send all of DATA, but only into silence: bytes already waiting from the server
 * were sent before it saw DATA, so they cannot answer it (a pipelined or injected
 * go-ahead would otherwise pass for one). WHAT names what is sent ("STARTTLS",
 * "the SSLRequest"). Returns 0, or -1 with FAULT_PEER "server sent N bytes before
 * WHAT was sent, refusing", or the faults of net_write_all(). */
int net_send_into_silence(struct net_conn *c, const void *data, size_t len, const char *what,
                          struct fault *f);

/* Read one line, up to and including '\n', into LINE without the CR/LF,
 * NUL-terminated. A line that does not fit in SIZE-1 bytes, or holds a NUL byte,
 * is a FAULT_PEER ("SMTP greeting line longer than 511 bytes"). End of stream
 * before '\n' is FAULT_PEER ("server closed the connection ..."). WHAT names what
 * is awaited, for those messages ("the SMTP greeting"). Returns 0 or -1. */
int net_read_line(struct net_conn *c, char *line, size_t size, const char *what, struct fault *f);

/* Read exactly LEN bytes. Errors as net_read_line(). */
int net_read_exact(struct net_conn *c, void *out, size_t len, const char *what, struct fault *f);

/* Bytes received but not yet consumed by a read. */
size_t net_buffered(const struct net_conn *c);

#endif
