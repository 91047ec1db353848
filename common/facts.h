/* facts — everything known about one target once its probe is over, the one
 * input of the verdict's rules.
 *
 * check.c gathers the facts once per target (probe, chain, trust verification,
 * the options that say what to judge); verdict.c judges them and report.c shows
 * the plain ones (the TLS parameters). Gathering judges nothing and judging
 * gathers nothing, so a rule can be tested with a facts value built by hand.
 *
 * What the operator asked to judge (now, thresholds, allow-flags, pins) is not
 * copied: the facts point at the judging settings, which every target of a
 * run shares. Every pointer is borrowed: the facts own nothing and are valid
 * as long as what they point at. A fact that is absent is NULL (or an empty chain), and
 * the rule that reads it judges nothing. A new fact is one field here.
 */
#ifndef TLSCHECK_COMMON_FACTS_H
#define TLSCHECK_COMMON_FACTS_H

#include <stdbool.h>
#include <time.h>

#include "cert.h"
#include "fault.h"
#include "ocsp.h"
#include "state.h"
#include "threshold.h"
#include "tlsa.h"
#include "trust.h"

struct settings_judge; /* settings.h */

/* The negotiated TLS parameters: "TLSv1.3", "TLS_AES_256_GCM_SHA384",
 * "X25519", "postgresql". NULL when unknown or none. */
struct facts_tls {
	const char *version;
	const char *cipher;
	const char *group;
	const char *alpn;
};

/* How long one step of the probe took ("connect", "smtp", "TLS handshake"),
 * for -vv. */
struct facts_step {
	const char *name; /* static, or the protocol's name */
	double seconds;
};

/* What the server made of the client certificate we sent. */
enum facts_client_verdict {
	FACTS_CLIENT_NOT_SENT,     /* not asked for, or none given */
	FACTS_CLIENT_ACCEPTED,     /* TLS 1.2 handshake completed, or the service answered */
	FACTS_CLIENT_REJECTED,     /* the handshake failed, or a fatal alert came after it */
	FACTS_CLIENT_NOT_REJECTED, /* TLS 1.3: no alert within the grace, nothing more said */
	FACTS_CLIENT_HUNG_UP,      /* TLS 1.3: a hang-up with no alert before a word was said */
};

/* Our client certificate (--client-cert, --client-p12) and its fate. */
struct facts_client {
	const struct cert_info *cert; /* NULL: no client certificate given */
	bool lacks_client_auth;       /* its extended key usage excludes clientAuth */
	const char *exposed_key_file; /* its key's file when readable by every user */
	enum facts_client_verdict verdict;
	const char *alert; /* REJECTED: the alert's name; NULL: a hang-up */
	double grace;      /* NOT_REJECTED: seconds waited for an alert */
	/* HUNG_UP: the service's failure (after_failure) says it may have been
	 * a refusal of ours, so the hang-up is no finding of its own. */
	bool hang_up_in_service;
};

struct facts {
	/* What ended the probe before a chain was seen; NULL when a chain was seen. */
	const struct fault *probe_failure;
	const struct cert_chain *chain; /* as served, leaf first; NULL or empty: none */

	/* What the operator asked to judge: now, the thresholds, the STATE of -t,
	 * the allow-flags, the OCSP mode, the pins, --min-tls. Never NULL. */
	const struct settings_judge *judge;
	const char *name_ascii;   /* A-labels or IP; NULL: --no-verify-name */
	const char *name_display; /* as given (U-labels kept) */

	/* The chain verified against the store: the result, or the fault that kept
	 * the verification from running (store unreadable, GnuTLS failure). Both
	 * NULL when trust is not judged (--no-verify-trust, or no chain). */
	const struct trust_result *trust;
	const struct fault *trust_failure;

	/* The OCSP response stapled to the leaf, as read: present or not, usable or
	 * not, what it says. NULL when it is not judged (--ocsp=ignore, or no chain
	 * was seen). With --ocsp=require, a missing staple is a problem.
	 * OCSP_FAILURE: what kept GnuTLS from reading it (out of memory). */
	const struct ocsp_staple *ocsp;
	const struct fault *ocsp_failure;

	/* What the handshake said beyond the chain. */
	struct facts_tls tls;
	const char *handshake_error;  /* probe_handshake_error(), or NULL */
	const char *client_cert_note; /* probe_client_cert_note(), or NULL */
	struct facts_client client;   /* zeroed when no client certificate was given */
	/* The handshake ended over the client certificate before the server proved
	 * it holds the leaf's key (TLS 1.2 static RSA key exchange): the chain is
	 * what the server sent, not proven its own. */
	bool chain_unproven;
	/* What the protocol's after() step found when the service behind TLS did
	 * not answer like itself (silent, refused, something else); NULL when it
	 * answered or the protocol has no such step. */
	const struct fault *after_failure;
	/* The run's own deadline (-t) had passed when after() gave up: its timeout
	 * is then the run's, and takes the STATE of -t. */
	bool after_hit_run_deadline;
	/* What the after() step's answer confirmed beyond that the service
	 * answered ("gRPC health SERVING"); NULL: nothing to say. */
	const char *service_confirmed;
	/* The ALPN protocols the ClientHello offered, in order; COUNT 0: none. */
	const char *const *alpn_offered;
	size_t alpn_offered_count;
	/* After a handshake that negotiated no ALPN protocol the server closed
	 * the channel, with no fatal alert and nothing said, while the check
	 * listened (for its verdict on a client certificate, as no after() step
	 * ran, or for the answer of HTTP/2 or gRPC): a service that wants ALPN
	 * (grpc-go), or, when ours was sent, maybe a refusal of our client
	 * certificate: the alpn rule's WARNING says both. */
	bool closed_without_alpn;

	/* What the served leaf is held against (its file is judge->cert_file). */
	const struct cert_info *expected_leaf; /* --cert-file's certificate; NULL: none */

	/* --dane: the TLSA records of the target's name, what DNSSEC said of
	 * them and how each held against the chain; NULL without --dane. */
	const struct tlsa_facts *dane;
};

#endif
