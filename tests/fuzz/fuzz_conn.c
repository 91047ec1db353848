#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "fuzz_conn.h"

#include "deadline.h"
#include "fault.h"
#include "net.h"

struct memory {
	const uint8_t *data;
	size_t size;
	size_t pos;      /* next byte the server says */
	size_t turn_end; /* where its current turn ends */
	bool spoke;      /* the client sent something since the turn began */
};

/* Where the turn starting at FROM ends: at the next separator or the end. */
static size_t turn_end(const struct memory *m, size_t from)
{
	size_t sep = strlen(FUZZ_TURN);

	for (size_t i = from; i + sep <= m->size; i++)
		if (memcmp(m->data + i, FUZZ_TURN, sep) == 0)
			return i;
	return m->size;
}

static ssize_t memory_recv(void *io, int fd, void *buf, size_t len, short *events, const char *what,
                           struct fault *f)
{
	struct memory *m = io;
	size_t left;

	(void)fd, (void)events, (void)what, (void)f;
	if (m->pos == m->turn_end && m->pos < m->size && m->spoke) {
		m->pos += strlen(FUZZ_TURN);
		m->turn_end = turn_end(m, m->pos);
		m->spoke = false;
	}
	left = m->turn_end - m->pos;
	if (left == 0)
		return 0;
	if (len > left)
		len = left;
	memcpy(buf, m->data + m->pos, len);
	m->pos += len;
	return (ssize_t)len;
}

static ssize_t memory_send(void *io, int fd, const void *buf, size_t len, short *events,
                           const char *what, struct fault *f)
{
	struct memory *m = io;

	(void)fd, (void)buf, (void)events, (void)what, (void)f;
	m->spoke = true;
	return (ssize_t)len;
}

static const struct net_transport memory_transport = {
        .recv = memory_recv,
        .send = memory_send,
};

int fuzz_play(const struct tls_protocol *p, enum fuzz_hook hook, const struct protocol_args *args,
              const uint8_t *data, size_t size)
{
	static const struct protocol_args none;
	struct memory m = {.data = data, .size = size};
	struct deadline dl;
	struct net_conn conn;
	struct fault f;
	struct protocol_context ctx = {
	        .host = "mail.example.com",
	        .args = args != NULL ? args : &none,
	        .conn = &conn,
	        .deadline = &dl,
	        .tls_on_connect = hook == FUZZ_AFTER,
	};
	int (*run)(const struct protocol_context *, struct fault *) =
	        hook == FUZZ_UPGRADE ? p->upgrade : p->after;

	m.turn_end = turn_end(&m, 0);
	fault_clear(&f);
	/* Nothing waits on a memory transport: the deadline is never consulted. */
	deadline_start(&dl, 60.0);
	net_conn_init(&conn, -1, &dl);
	net_conn_use(&conn, &memory_transport, &m);
	return run(&ctx, &f);
}
