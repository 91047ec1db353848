/* scripted_peer — the other end of a socketpair, acting out a server's side of
 * a protocol dialogue for the unit tests: what the server says is written at
 * once, or from a thread with pauses so that replies arrive split across
 * segments; what the client says is read back.
 *
 * One fixture per test (cmocka setup/teardown): a non-blocking client end wrapped
 * in a net_conn under a short deadline, the peer end, and a protocol context for
 * the protocol under test.
 */
#ifndef TLSCHECK_TESTS_UNIT_SCRIPTED_PEER_H
#define TLSCHECK_TESTS_UNIT_SCRIPTED_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"
#include "fault.h"
#include "net.h"
#include "protocol.h"

/* Every conversation must end well within this; a silent peer times out here. */
#define DEADLINE_SECONDS 0.3

struct fixture {
	int client;
	int peer;
	struct deadline dl;
	struct net_conn conn;
	struct fault fault;
	struct protocol_args args;
	struct protocol_context ctx;
	const struct tls_protocol *protocol; /* whose upgrade() play() runs */
	char heard[1024];                    /* what the client said to a scripted peer */
	bool spoke_early;                    /* the client talked where a 'Q' step wanted silence */
};

/* cmocka setup and teardown of a fixture for PROTOCOL_UNDER_TEST (set by each
 * test program before running; host "mail.example.com", no options). */
extern const struct tls_protocol *protocol_under_test;
int setup(void **state);
int teardown(void **state);

void peer_send(int fd, const void *data, size_t len);
void peer_write(struct fixture *fx, const char *text);
/* The server stops talking but still listens. */
void peer_hang_up(struct fixture *fx);
/* Everything the client has sent so far, NUL-terminated. */
size_t peer_heard(struct fixture *fx, char *buf, size_t size);
void sleep_ms(long ms);

/* A script step: 'S' send TEXT (N bytes of it when N > 0, for binary protocols;
 * else up to its NUL), 'P' pause N ms, 'R' read one line from the client (with
 * TEXT: read until what it said ends with TEXT, for protocols without lines),
 * 'Q' note whether the client has said anything it should not have yet, 'H' hang
 * up (stop talking, keep listening). A step with op '\0' ends the script. */
struct step {
	char op;
	const char *text;
	long n;
};

/* Play STEPS from a thread while the client runs FX's protocol's upgrade();
 * FX->heard gets what it heard, FX->spoke_early whether it talked out of turn.
 * Returns upgrade()'s result. */
int play(struct fixture *fx, const struct step *steps);

/* play(), with FX's protocol's after() step instead: a dialogue over the TLS
 * session, which a socketpair stands in for. */
int play_after(struct fixture *fx, const struct step *steps);

/* The server's answer, LEN bytes of ANSWER, is sent at once; then FX's protocol's
 * after() runs (a request it sends is read back with peer_heard()). Returns
 * after()'s result. */
int after_answered(struct fixture *fx, const void *answer, size_t len);

/* after_answered(), expecting failure of KIND with exactly TEXT. */
void expect_after_fault(struct fixture *fx, const void *answer, size_t len, enum fault_kind kind,
                        const char *text);

/* A well-behaved server: TURNS[0] (the greeting) at once, each later turn only
 * after one line from the client; at most MAX_TURNS. */
#define MAX_TURNS 8
int converse(struct fixture *fx, const char *const *turns);
#define TURNS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* converse(), expecting failure of KIND with FRAGMENT in the message. */
void expect_fault(struct fixture *fx, const char *const *turns, enum fault_kind kind,
                  const char *fragment);

#endif
