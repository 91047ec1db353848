#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "scripted_peer.h"

int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	int sv[2];

	if (fx == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(fx);
		return -1;
	}
	fx->client = sv[0];
	fx->peer = sv[1];
	fcntl(fx->client, F_SETFL, fcntl(fx->client, F_GETFL) | O_NONBLOCK);
	deadline_start(&fx->dl, DEADLINE_SECONDS);
	net_conn_init(&fx->conn, fx->client, &fx->dl);
	fault_clear(&fx->fault);
	fx->protocol = protocol_under_test;
	fx->ctx = (struct protocol_context){.host = "mail.example.com",
	                                    .args = &fx->args,
	                                    .conn = &fx->conn,
	                                    .deadline = &fx->dl};
	*state = fx;
	return 0;
}

int teardown(void **state)
{
	struct fixture *fx = *state;

	if (fx->client >= 0)
		close(fx->client);
	if (fx->peer >= 0)
		close(fx->peer);
	free(fx);
	return 0;
}

/* --- the peer end ---------------------------------------------------------------- */

void peer_send(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

void peer_write(struct fixture *fx, const char *text)
{
	peer_send(fx->peer, text, strlen(text));
}

/* The server stops talking but still listens. */
void peer_hang_up(struct fixture *fx)
{
	shutdown(fx->peer, SHUT_WR);
}

/* Everything the client has sent so far, NUL-terminated. */
size_t peer_heard(struct fixture *fx, char *buf, size_t size)
{
	size_t used = 0;
	ssize_t n;

	while (used + 1 < size &&
	       (n = recv(fx->peer, buf + used, size - 1 - used, MSG_DONTWAIT)) > 0)
		used += (size_t)n;
	buf[used] = '\0';
	return used;
}

void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

struct script {
	const struct step *steps;
	int fd;
	char heard[1024];
	size_t heard_len;
	bool spoke_early;
};

/* Read until what was heard ends with UNTIL (a line end for line protocols). */
static void script_read_until(struct script *s, const char *until)
{
	size_t want = strlen(until);
	size_t start = s->heard_len;
	char ch;

	while (s->heard_len + 1 < sizeof(s->heard)) {
		struct pollfd p = {.fd = s->fd, .events = POLLIN};

		if (poll(&p, 1, 2000) <= 0 || recv(s->fd, &ch, 1, 0) != 1)
			break;
		s->heard[s->heard_len++] = ch;
		if (s->heard_len - start >= want &&
		    memcmp(s->heard + s->heard_len - want, until, want) == 0)
			break;
	}
	s->heard[s->heard_len] = '\0';
}

static void *script_run(void *arg)
{
	struct script *s = arg;

	for (const struct step *st = s->steps; st->op != '\0'; st++) {
		struct pollfd p = {.fd = s->fd, .events = POLLIN};

		switch (st->op) {
		case 'S':
			peer_send(s->fd, st->text, st->n > 0 ? (size_t)st->n : strlen(st->text));
			break;
		case 'P':
			sleep_ms(st->n);
			break;
		case 'R':
			script_read_until(s, st->text != NULL ? st->text : "\n");
			break;
		case 'Q':
			if (poll(&p, 1, 0) > 0)
				s->spoke_early = true;
			break;
		case 'H':
			shutdown(s->fd, SHUT_WR);
			break;
		}
	}
	return NULL;
}

/* Play STEPS from a thread while the client runs HOOK; keep what it heard. */
static int play_hook(struct fixture *fx, const struct step *steps,
                     int (*hook)(const struct protocol_context *, struct fault *))
{
	struct script s = {.steps = steps, .fd = fx->peer};
	pthread_t thread;
	int rc;

	assert_int_equal(pthread_create(&thread, NULL, script_run, &s), 0);
	rc = hook(&fx->ctx, &fx->fault);
	/* A client that gave up says nothing more: let the script's reads end now. */
	shutdown(fx->client, SHUT_WR);
	pthread_join(thread, NULL);
	memcpy(fx->heard, s.heard, sizeof(fx->heard));
	fx->spoke_early = s.spoke_early;
	return rc;
}

int play(struct fixture *fx, const struct step *steps)
{
	return play_hook(fx, steps, fx->protocol->upgrade);
}

int play_after(struct fixture *fx, const struct step *steps)
{
	return play_hook(fx, steps, fx->protocol->after);
}

int after_answered(struct fixture *fx, const void *answer, size_t len)
{
	peer_send(fx->peer, answer, len);
	return fx->protocol->after(&fx->ctx, &fx->fault);
}

void expect_after_fault(struct fixture *fx, const void *answer, size_t len, enum fault_kind kind,
                        const char *text)
{
	assert_int_equal(after_answered(fx, answer, len), -1);
	assert_int_equal(fx->fault.kind, kind);
	assert_string_equal(fx->fault.text, text);
}

/* A well-behaved server: TURNS[0] (the greeting) at once, each later turn only
 * after one line from the client. NULL-terminated. */
int converse(struct fixture *fx, const char *const *turns)
{
	struct step steps[2 * MAX_TURNS + 1];
	size_t n = 0;

	for (size_t i = 0; turns[i] != NULL && i < MAX_TURNS; i++) {
		if (i > 0)
			steps[n++] = (struct step){'R', NULL, 0};
		steps[n++] = (struct step){'S', turns[i], 0};
	}
	steps[n] = (struct step){'\0', NULL, 0};
	return play(fx, steps);
}

/* Run a conversation, expect failure of KIND with FRAGMENT in the message. */
void expect_fault(struct fixture *fx, const char *const *turns, enum fault_kind kind,
                  const char *fragment)
{
	assert_int_equal(converse(fx, turns), -1);
	assert_int_equal(fx->fault.kind, kind);
	if (strstr(fx->fault.text, fragment) == NULL)
		fail_msg("'%s' not in '%s'", fragment, fx->fault.text);
}
