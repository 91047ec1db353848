#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

#include "hostname.h"

/* --- resolving --------------------------------------------------------------- */

/* Everything getaddrinfo_a() keeps pointers to, in one block: a request that
 * cannot be cancelled is abandoned to the resolver thread together with it. */
struct resolve_request {
	struct gaicb cb;
	struct addrinfo hints;
	char host[NI_MAXHOST];
	char service[8];
};

static void address_text(const struct sockaddr *sa, char *text, size_t size)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)(const void *)sa;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)(const void *)sa;
	const void *raw = sa->sa_family == AF_INET6 ? (const void *)&sin6->sin6_addr
	                                            : (const void *)&sin->sin_addr;
	char scope[IF_NAMESIZE];
	size_t used;

	if (inet_ntop(sa->sa_family, raw, text, (socklen_t)size) == NULL) {
		snprintf(text, size, "?");
		return;
	}
	if (sa->sa_family != AF_INET6 || sin6->sin6_scope_id == 0)
		return;
	used = strlen(text);
	if (if_indextoname(sin6->sin6_scope_id, scope) != NULL)
		snprintf(text + used, size - used, "%%%s", scope);
	else
		snprintf(text + used, size - used, "%%%u", (unsigned)sin6->sin6_scope_id);
}

static bool address_listed(const struct net_address_list *list, const struct addrinfo *ai)
{
	for (size_t i = 0; i < list->count; i++) {
		const struct net_address *a = &list->items[i];

		if (a->len == ai->ai_addrlen && memcmp(&a->sa, ai->ai_addr, a->len) == 0)
			return true;
	}
	return false;
}

static void collect_addresses(const struct addrinfo *res, struct net_address_list *out)
{
	out->count = 0;
	out->truncated = false;
	for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		struct net_address *a;

		if (ai->ai_addrlen > sizeof(out->items[0].sa) || address_listed(out, ai))
			continue;
		if (out->count == NET_MAX_ADDRESSES) {
			out->truncated = true;
			break;
		}
		a = &out->items[out->count++];
		memset(a, 0, sizeof(*a));
		memcpy(&a->sa, ai->ai_addr, ai->ai_addrlen);
		a->len = ai->ai_addrlen;
		address_text(ai->ai_addr, a->text, sizeof(a->text));
	}
}

static void fill_hints(struct addrinfo *hints, int family, int flags)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = family;
	hints->ai_socktype = SOCK_STREAM;
	hints->ai_protocol = IPPROTO_TCP;
	/* No AI_ADDRCONFIG: it hides ::1 and 127.0.0.1 on hosts with only loopback. */
	hints->ai_flags = AI_NUMERICSERV | flags;
}

static int resolve_result(int rc, const char *host, struct addrinfo *res,
                          struct net_address_list *out, struct fault *f)
{
	if (rc != 0) {
		fault_set(f, FAULT_RESOLVE, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	collect_addresses(res, out);
	if (out->count == 0) {
		fault_set(f, FAULT_RESOLVE, "cannot resolve '%s': no usable address", host);
		return -1;
	}
	return 0;
}

/* A literal needs no resolver, and so no thread. */
static int resolve_literal(const char *host, const char *service, int family,
                           struct net_address_list *out, struct fault *f)
{
	struct addrinfo hints;
	struct addrinfo *res = NULL;
	int rc;

	fill_hints(&hints, family, AI_NUMERICHOST);
	rc = getaddrinfo(host, service, &hints, &res);
	rc = resolve_result(rc, host, res, out, f);
	if (res != NULL)
		freeaddrinfo(res);
	return rc;
}

/* Wait for the request until the deadline. Returns its gai_error() status,
 * EAI_INPROGRESS when the deadline passed first. */
static int wait_for_request(struct gaicb *cb, const struct deadline *dl)
{
	const struct gaicb *list[1] = {cb};
	int status;

	while ((status = gai_error(cb)) == EAI_INPROGRESS) {
		int left = deadline_left_ms(dl);
		struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};

		if (left == 0)
			break;
		gai_suspend(list, 1, &ts);
	}
	return status;
}

static int resolve_name(const char *host, const char *service, int family,
                        const struct deadline *dl, struct net_address_list *out, struct fault *f)
{
	struct resolve_request *req = calloc(1, sizeof(*req));
	struct gaicb *list[1];
	int status;
	int rc = -1;

	if (req == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory resolving '%s'", host);
		goto out;
	}
	snprintf(req->host, sizeof(req->host), "%s", host);
	snprintf(req->service, sizeof(req->service), "%s", service);
	fill_hints(&req->hints, family, 0);
	req->cb.ar_name = req->host;
	req->cb.ar_service = req->service;
	req->cb.ar_request = &req->hints;
	list[0] = &req->cb;
	status = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (status != 0) {
		fault_set(f, FAULT_RESOLVE, "cannot resolve '%s': %s", host, gai_strerror(status));
		goto out;
	}
	status = wait_for_request(&req->cb, dl);
	if (status == EAI_INPROGRESS) {
		fault_set(f, FAULT_TIMEOUT, "timeout resolving '%s'", host);
		/* Still running: the resolver thread owns REQ now; leave it to it. */
		if (gai_cancel(&req->cb) == EAI_NOTCANCELED)
			req = NULL;
		goto out;
	}
	rc = resolve_result(status, host, req->cb.ar_result, out, f);
out:
	if (req != NULL && req->cb.ar_result != NULL)
		freeaddrinfo(req->cb.ar_result);
	free(req);
	return rc;
}

int net_resolve(const char *host, unsigned port, int family, const struct deadline *dl,
                struct net_address_list *out, struct fault *f)
{
	char service[8];

	out->count = 0;
	if (port > 65535) {
		fault_set(f, FAULT_USAGE, "port %u is out of range", port);
		return -1;
	}
	if (strlen(host) >= NI_MAXHOST) {
		fault_set(f, FAULT_RESOLVE, "cannot resolve '%.64s...': name too long", host);
		return -1;
	}
	snprintf(service, sizeof(service), "%u", port);
	if (hostname_is_ip_literal(host))
		return resolve_literal(host, service, family, out, f);
	return resolve_name(host, service, family, dl, out, f);
}

/* --- waiting ----------------------------------------------------------------- */

int net_wait(int fd, short events, const struct deadline *dl, const char *what, struct fault *f)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		int left = deadline_left_ms(dl);
		int n;

		if (left == 0)
			break;
		n = poll(&p, 1, left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR) {
			fault_set(f, FAULT_INTERNAL, "cannot wait for the server (%s): %s", what,
			          strerror(errno));
			return -1;
		}
	}
	fault_set(f, FAULT_TIMEOUT, "timeout %s", what);
	return -1;
}

/* --- connecting -------------------------------------------------------------- */

static unsigned address_port(const struct net_address *addr)
{
	const struct sockaddr *sa = (const struct sockaddr *)&addr->sa;

	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)->sin6_port);
	return ntohs(((const struct sockaddr_in *)(const void *)sa)->sin_port);
}

void net_address_set_port(struct net_address *addr, unsigned port)
{
	struct sockaddr *sa = (struct sockaddr *)&addr->sa;

	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)sa)->sin6_port = htons((uint16_t)port);
	else
		((struct sockaddr_in *)(void *)sa)->sin_port = htons((uint16_t)port);
}

static void connect_fault(const struct net_address *addr, int err, struct fault *f)
{
	unsigned port = address_port(addr);

	switch (err) {
	case ECONNREFUSED:
		fault_set(f, FAULT_CONNECT, "connection refused by %s port %u", addr->text, port);
		break;
	case ENETUNREACH:
	case EHOSTUNREACH:
		fault_set(f, FAULT_CONNECT, "no route to %s port %u", addr->text, port);
		break;
	case ETIMEDOUT:
		fault_set(f, FAULT_CONNECT, "connection to %s port %u timed out", addr->text, port);
		break;
	default:
		fault_set(f, FAULT_CONNECT, "cannot connect to %s port %u: %s", addr->text, port,
		          strerror(err));
		break;
	}
}

static void connecting(const struct net_address *addr, char *what, size_t size)
{
	snprintf(what, size, "connecting to %s port %u", addr->text, address_port(addr));
}

int net_connect_start(const struct net_address *addr, int *fd, struct fault *f)
{
	int family = ((const struct sockaddr *)&addr->sa)->sa_family;
	int s = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (s < 0) {
		fault_set(f, FAULT_CONNECT, "cannot create a socket for %s: %s", addr->text,
		          strerror(errno));
		return -1;
	}
	/* Every write is a whole message that the server must see before it answers.
	 * With Nagle's algorithm a request written right after the last handshake
	 * flight (Kafka's ApiVersions, Redis's PING, MQTT's CONNECT) waits for the
	 * server's delayed ACK of that flight: 40 ms on Linux, every check. Should it
	 * fail, the check is only that much slower. */
	(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
	*fd = s;
	if (connect(s, (const struct sockaddr *)&addr->sa, addr->len) == 0)
		return 0;
	/* EINTR: the connection still completes in the background. */
	if (errno == EINPROGRESS || errno == EINTR)
		return 1;
	connect_fault(addr, errno, f);
	close(s);
	*fd = -1;
	return -1;
}

int net_connect_end(int fd, const struct net_address *addr, struct fault *f)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err != 0) {
		connect_fault(addr, err, f);
		return -1;
	}
	return 0;
}

void net_connect_timed_out(const struct net_address *addr, struct fault *f)
{
	char what[FAULT_TEXT_SIZE];

	connecting(addr, what, sizeof(what));
	fault_set(f, FAULT_TIMEOUT, "timeout %s", what);
}

int net_connect(const struct net_address *addr, const struct deadline *dl, int *fd, struct fault *f)
{
	char what[FAULT_TEXT_SIZE];
	int s = -1, rc = net_connect_start(addr, &s, f);

	if (rc == 1) {
		connecting(addr, what, sizeof(what));
		rc = net_wait(s, POLLOUT, dl, what, f) < 0 ? -1 : net_connect_end(s, addr, f);
	}
	if (rc < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	*fd = s;
	return 0;
}

/* --- the plain socket -------------------------------------------------------- */

static void read_fault(int err, const char *what, struct fault *f)
{
	if (err == ECONNRESET)
		fault_set(f, FAULT_PEER, "server reset the connection while we waited for %s",
		          what);
	else
		fault_set(f, FAULT_PEER, "cannot read %s: %s", what, strerror(err));
}

static void write_fault(int err, const char *what, struct fault *f)
{
	if (err == EPIPE || err == ECONNRESET)
		fault_set(f, FAULT_PEER, "server closed the connection while we sent %s", what);
	else
		fault_set(f, FAULT_PEER, "cannot send %s: %s", what, strerror(err));
}

static ssize_t socket_recv(void *io, int fd, void *buf, size_t len, short *events, const char *what,
                           struct fault *f)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

	(void)io;
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		*events = POLLIN;
		return NET_AGAIN;
	}
	read_fault(errno, what, f);
	return -1;
}

static ssize_t socket_send(void *io, int fd, const void *buf, size_t len, short *events,
                           const char *what, struct fault *f)
{
	/* MSG_NOSIGNAL: a peer that hung up must not kill us with SIGPIPE. */
	ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)io;
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		*events = POLLOUT;
		return NET_AGAIN;
	}
	write_fault(errno, what, f);
	return -1;
}

static const struct net_transport plain_socket = {
        .recv = socket_recv,
        .send = socket_send,
};

/* --- buffered I/O ------------------------------------------------------------ */

void net_conn_init(struct net_conn *c, int fd, const struct deadline *dl)
{
	c->fd = fd;
	c->deadline = dl;
	c->transport = &plain_socket;
	c->io = NULL;
	c->head = 0;
	c->tail = 0;
	c->received = 0;
	c->sent = 0;
	c->transcript = NULL;
}

void net_conn_record(struct net_conn *c, struct net_transcript *transcript)
{
	transcript->used = 0;
	transcript->count = 0;
	transcript->dropped = 0;
	c->transcript = transcript;
}

/* Keep what fits of DATA, joined to the last exchange when it went the same way. */
static void record(struct net_conn *c, bool sent, const unsigned char *data, size_t len)
{
	struct net_transcript *t = c->transcript;
	struct net_exchange *last;
	size_t keep;

	if (t == NULL)
		return;
	keep = len < sizeof(t->bytes) - t->used ? len : sizeof(t->bytes) - t->used;
	last = t->count > 0 ? &t->items[t->count - 1] : NULL;
	if (keep > 0 && (last == NULL || last->sent != sent)) {
		if (t->count < NET_TRANSCRIPT_EXCHANGES) {
			last = &t->items[t->count++];
			*last = (struct net_exchange){.sent = sent, .start = t->used};
		} else {
			keep = 0;
		}
	}
	if (keep > 0) {
		memcpy(t->bytes + t->used, data, keep);
		t->used += keep;
		last->len += keep;
	}
	t->dropped += len - keep;
}

void net_conn_use(struct net_conn *c, const struct net_transport *transport, void *io)
{
	c->transport = transport;
	c->io = io;
	c->transcript = NULL;
	c->head = 0;
	c->tail = 0;
}

void net_conn_set_deadline(struct net_conn *c, const struct deadline *dl)
{
	c->deadline = dl;
}

size_t net_buffered(const struct net_conn *c)
{
	return c->tail - c->head;
}

static void compact(struct net_conn *c)
{
	if (c->head == 0)
		return;
	memmove(c->buf, c->buf + c->head, c->tail - c->head);
	c->tail -= c->head;
	c->head = 0;
}

/* Receive more bytes into the buffer (which must have room after compacting).
 * Returns 0, or -1 with F set on timeout, end of stream or error. */
static int fill(struct net_conn *c, const char *what, struct fault *f)
{
	char waiting[FAULT_TEXT_SIZE];

	compact(c);
	if (c->tail == sizeof(c->buf)) {
		fault_set(f, FAULT_INTERNAL, "no room to read %s", what);
		return -1;
	}
	snprintf(waiting, sizeof(waiting), "waiting for %s", what);
	for (;;) {
		short events = POLLIN;
		ssize_t n = c->transport->recv(c->io, c->fd, c->buf + c->tail,
		                               sizeof(c->buf) - c->tail, &events, what, f);

		if (n > 0) {
			record(c, false, c->buf + c->tail, (size_t)n);
			c->tail += (size_t)n;
			c->received += (size_t)n;
			return 0;
		}
		if (n == 0) {
			fault_set(f, FAULT_PEER,
			          "server closed the connection while we waited for %s", what);
			return -1;
		}
		if (n != NET_AGAIN)
			return -1;
		if (net_wait(c->fd, events, c->deadline, waiting, f) < 0)
			return -1;
	}
}

int net_await(struct net_conn *c, const char *what, struct fault *f)
{
	if (net_buffered(c) > 0)
		return 0;
	return fill(c, what, f);
}

/* Hand out the line ending at the '\n' at EOL, or fail if it breaks a limit. */
static int take_line(struct net_conn *c, const unsigned char *eol, char *line, size_t limit,
                     const char *what, struct fault *f)
{
	const unsigned char *start = c->buf + c->head;
	size_t len = (size_t)(eol - start);

	if (len > 0 && start[len - 1] == '\r')
		len--;
	if (len > limit) {
		fault_set(f, FAULT_PEER, "%s: line longer than %zu bytes", what, limit);
		return -1;
	}
	if (memchr(start, '\0', len) != NULL) {
		fault_set(f, FAULT_PEER, "%s: NUL byte in line", what);
		return -1;
	}
	memcpy(line, start, len);
	line[len] = '\0';
	c->head += (size_t)(eol - start) + 1;
	return 0;
}

int net_read_line(struct net_conn *c, char *line, size_t size, const char *what, struct fault *f)
{
	/* The longest line we accept: it must fit in LINE, and with CR LF in the buffer. */
	size_t limit;

	if (size == 0) {
		fault_set(f, FAULT_INTERNAL, "no room to read %s", what);
		return -1;
	}
	limit = size - 1 < NET_BUFFER_SIZE - 2 ? size - 1 : NET_BUFFER_SIZE - 2;
	for (;;) {
		size_t pending = net_buffered(c);
		const unsigned char *eol = memchr(c->buf + c->head, '\n', pending);

		if (eol != NULL)
			return take_line(c, eol, line, limit, what, f);
		/* Even if a CR ends what we have, the line is already too long. */
		if (pending > limit + 1) {
			fault_set(f, FAULT_PEER, "%s: line longer than %zu bytes", what, limit);
			return -1;
		}
		if (fill(c, what, f) < 0)
			return -1;
	}
}

int net_read_exact(struct net_conn *c, void *out, size_t len, const char *what, struct fault *f)
{
	unsigned char *dst = out;
	size_t done = 0;

	for (;;) {
		size_t take = net_buffered(c);

		if (take > len - done)
			take = len - done;
		memcpy(dst + done, c->buf + c->head, take);
		c->head += take;
		done += take;
		if (done == len)
			return 0;
		if (fill(c, what, f) < 0)
			return -1;
	}
}

int net_write_all(struct net_conn *c, const void *data, size_t len, const char *what,
                  struct fault *f)
{
	const unsigned char *src = data;
	char sending[FAULT_TEXT_SIZE];
	size_t done = 0;

	snprintf(sending, sizeof(sending), "sending %s", what);
	while (done < len) {
		short events = POLLOUT;
		ssize_t n =
		        c->transport->send(c->io, c->fd, src + done, len - done, &events, what, f);

		if (n > 0) {
			record(c, true, src + done, (size_t)n);
			done += (size_t)n;
			c->sent += (size_t)n;
			continue;
		}
		/* 0 bytes taken is no error: wait until the socket takes more. */
		if (n != NET_AGAIN && n != 0)
			return -1;
		if (net_wait(c->fd, events, c->deadline, sending, f) < 0)
			return -1;
	}
	return 0;
}

int net_send_into_silence(struct net_conn *c, const void *data, size_t len, const char *what,
                          struct fault *f)
{
	size_t early = net_buffered(c);

	if (early > 0) {
		fault_set(f, FAULT_PEER, "server sent %zu byte%s before %s was sent, refusing",
		          early, early == 1 ? "" : "s", what);
		return -1;
	}
	return net_write_all(c, data, len, what, f);
}
