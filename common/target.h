/* target — one place a run probes: where to connect, the name sent and judged
 * there, the connection, and everything learned there (chain, trust, facts,
 * findings).
 *
 * A run holds a list of targets and the one deadline they share. One address is
 * the one-element list. Probing a target does network work only; judging it
 * (trust, then the rules) needs the trust anchors, which the run loads once for
 * all its targets, after probing and only if a target needs them. Targets share
 * nothing mutable, so they can be probed side by side.
 */
#ifndef TLSCHECK_COMMON_TARGET_H
#define TLSCHECK_COMMON_TARGET_H

#include <stdbool.h>

#include "cert.h"
#include "credentials.h"
#include "deadline.h"
#include "facts.h"
#include "fault.h"
#include "net.h"
#include "ocsp.h"
#include "probe.h"
#include "settings.h"
#include "trust.h"
#include "verdict.h"

/* The name a target is probed and judged under. */
struct target_name {
	const char *host;           /* ASCII: the protocol's own use (XMPP's stream to=) */
	const char *sni;            /* ASCII, sent with SNI; NULL: none */
	const char *verify;         /* ASCII, matched against the leaf; NULL: not verified */
	const char *verify_display; /* VERIFY as the operator gave it */
	const char *display;        /* the name as given, for labels */
};

/* connect, the protocol before TLS, the handshake, what follows over TLS, the
 * TLSA lookup */
#define TARGET_MAX_STEPS 5
/* What an after() step may say its answer confirmed ("gRPC health SERVING") */
#define TARGET_CONFIRMED_SIZE 160

struct target {
	/* Where: an IP literal, or a name tried address by address until one
	 * answers; and the name sent and judged there. */
	const char *connect_to;
	const struct target_name *name;
	const struct net_address_list *looked_up; /* CONNECT_TO's, given; NULL: resolve */
	struct net_address_list addresses;
	const char *address; /* the address connected to; NULL before */

	int fd; /* -1 when closed */
	struct net_conn conn;
	struct tls_probe *probe;

	/* Set by the run before probing: more targets than probes at a time, and
	 * this one waited for another to end before its turn. */
	bool queued;

	struct fault failure;        /* what ended the probe before a chain was seen */
	bool failed;                 /* FAILURE holds a fault */
	struct fault after_failure;  /* what the protocol's after() step found */
	bool after_hit_run_deadline; /* -t passed, not only after()'s own budget */
	bool service_answered;       /* after() heard the service answer like itself */
	/* What after() said the answer confirmed (protocol_confirm()); empty: none */
	char service_confirmed[TARGET_CONFIRMED_SIZE];
	/* The ALPN protocols offered, pointers into the settings */
	const char *alpn_offered[SETTINGS_MAX_ALPN];
	size_t alpn_offered_count;
	bool closed_without_alpn; /* facts.h */
	bool hang_up_in_service;  /* facts.h, struct facts_client */
	/* A look of the caller's over TLS once the after() step is done, under
	 * that step's budget (discovery listens there for what the service says
	 * unasked), with LOOK_CONTEXT; NULL, as target_init() leaves it: none. */
	void (*look)(struct net_conn *conn, void *look_context);
	void *look_context;

	/* The probe's steps as they ended, and with -vvv the plain dialogue
	 * before TLS: how the probe went, for the report. The dialogue is
	 * allocated only for -vvv (a discovery of thousands of listeners does
	 * not pay for it); NULL otherwise, or when memory ran out. */
	struct facts_step steps[TARGET_MAX_STEPS];
	size_t step_count;
	double step_began; /* seconds into the run */
	struct net_transcript *dialogue;

	struct cert_chain chain;
	struct trust_result trust;
	struct fault trust_failure;
	struct ocsp_staple ocsp;
	struct fault ocsp_failure; /* GnuTLS could not read the staple */
	struct tlsa_facts dane;    /* --dane: the TLSA records of the name */
	struct facts facts;        /* points into the above */
	struct verdict verdict;
};

/* Prepare T to probe CONNECT_TO under NAME (both kept, not copied): nothing
 * open, nothing known. */
void target_init(struct target *t, const char *connect_to, const struct target_name *name);

/* Have T try ADDRESSES (CONNECT_TO's, looked up once for every name probed
 * there; kept, not copied) in turn, instead of resolving CONNECT_TO at connect. */
void target_use_addresses(struct target *t, const struct net_address_list *addresses);

/* Mark T as failed before any probe, with F (its address could not be
 * resolved): target_probe() then does nothing. */
void target_fail(struct target *t, const struct fault *f);

/* Connect, speak the protocol up to TLS, run the handshake, then over TLS the
 * server's verdict on a client certificate it asked for and the protocol's
 * after() step, all under DL. CREDENTIALS (NULL: none) are sent when the server
 * asks for a client certificate. A failure is kept in T (failed, failure), never
 * returned: it is a fact to judge. The connection is closed when this returns.
 * A target whose turn comes after DL passed is not probed, and says so: while
 * it waited its turn when QUEUED, else before its probe began (the run's
 * earlier steps, or -t itself, left no time). */
void target_probe(struct target *t, const struct settings *settings,
                  const struct client_credentials *credentials, const struct deadline *dl);

/* The address T connected to; before that, or when no address answered, the
 * one address it had to try (an IP literal, -I, a name with one address), so a
 * failed probe still says where; NULL when there was no single one. */
const char *target_address(const struct target *t);

/* Does judging T need the trust anchors (a chain was seen and trust is judged)? */
bool target_needs_anchors(const struct target *t, const struct settings *settings);

/* What every target of a run is judged with, loaded once for all of them. */
struct target_judging {
	const struct trust_anchors *anchors;          /* NULL when not needed or not loaded */
	const struct fault *store_failure;            /* why the anchors could not be loaded */
	const struct cert_info *expected_leaf;        /* --cert-file's certificate; NULL: none */
	const struct client_credentials *credentials; /* ours; NULL: none given */
	/* A target judged already, whose trust result is taken when it saw the
	 * same chain (same anchors, same verdict); NULL: verify. */
	const struct target *verified_before;
};

/* Did A and B see the same chain, certificate for certificate? */
bool target_same_chain(const struct target *a, const struct target *b);

/* Gather T's facts (verifying its chain against J's anchors when
 * target_needs_anchors()) and run the rules over them. */
void target_judge(struct target *t, const struct settings *settings,
                  const struct target_judging *j);

/* Release what T holds. Safe after target_init(), and more than once. */
void target_release(struct target *t);

#endif
