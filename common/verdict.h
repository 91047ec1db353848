/* verdict — the rules: a table of small functions, each turning facts into
 * findings (a state, a short text and the id of the rule that found it). Never
 * prints; report.c words the result.
 *
 * The rule ids are part of the JSON output ("rule" in every finding) and stay
 * as they are once released. In the order the rules run:
 *
 *   probe        the probe ended before a chain was seen (refused, DNS, no
 *                STARTTLS, handshake failure, deadline): CRITICAL, the STATE of
 *                -t for the deadline, UNKNOWN for an internal failure.
 *   expiry       every chain element: expired or not yet valid (CRITICAL),
 *                within -c / -w (CRITICAL / WARNING); else one OK finding for
 *                the element that expires first.
 *   name         the leaf does not match the name to verify: CRITICAL.
 *   trust        the chain is not trusted by the store (CRITICAL), or is (OK);
 *                UNKNOWN when the verification could not run.
 *   ocsp         the OCSP response stapled to the leaf (unless --ocsp=ignore):
 *                revoked, unusable (not an OCSP response, for another
 *                certificate, not signed by the leaf's issuer) or absent under
 *                --ocsp=require: CRITICAL; status unknown, stale (past its next
 *                update) or dated in the future: WARNING; good: OK.
 *   crypto       weak cryptography on a served element: signed with MD5 or MD2
 *                (CRITICAL), with SHA-1 (WARNING, unless --allow-sha1), an RSA
 *                key under 2048 bits (WARNING, unless --allow-weak-rsa). The
 *                signature of a self-signed element proves nothing and is not
 *                judged; its key is.
 *   time-format  a validity time of a served element, or of the anchor in use
 *                when not served, is not written as RFC 5280 writes one (30
 *                February, a second 60, no seconds, not in UTC):
 *                CRITICAL, naming the element, the field and the time as
 *                written (OpenSSL-based clients refuse the certificate).
 *   handshake    the handshake failed after the chain was seen: CRITICAL.
 *   client-cert  the server asked for a client certificate and got none: OK,
 *                a note (the served chain is judged as usual). With ours
 *                given: the server rejected it (the handshake failed after we
 *                sent it, TLS 1.2, or a fatal alert came after the handshake,
 *                TLS 1.3): CRITICAL naming the alert; accepted (TLS 1.2, or the
 *                service answered over TLS 1.3): OK; TLS 1.3 without an answer:
 *                OK, "did not reject ... within 0.5s", never "accepted".
 *   client-expiry  our client certificate (--client-cert, --client-p12):
 *                expired or not yet valid (CRITICAL), within -c / -w (CRITICAL /
 *                WARNING); judged whether or not the server asked for it. Its
 *                days are client_days_left in perfdata.
 *   client-usage our client certificate names extended key usages without
 *                clientAuth: WARNING (servers refuse it).
 *   client-key   the file of our private key is readable by every user: WARNING.
 *   service      after the handshake the service behind TLS did not answer like
 *                itself within its short sub-deadline (the protocol's after()
 *                step), or answered that it is not serving (gRPC health
 *                NOT_SERVING): WARNING; OK naming what an answer confirmed
 *                when the step says more than that it answered (gRPC health
 *                SERVING).
 *   cert-file    the served leaf is not the one in --cert-file: CRITICAL when the
 *                file's expires later (renewed, not reloaded), WARNING when it
 *                expires earlier (rolled back, or the wrong file).
 *   pin          the served leaf matches no --fingerprint: CRITICAL.
 *   anchor       the trust anchor in use, when not served, is expired or not yet
 *                valid (CRITICAL) or within -c / -w; its days count in days_left.
 *   chain        the server leaves out an intermediate the store happens to hold,
 *                sends a certificate more than once, sends its chain out of
 *                order (a copy is not a break of the order), or sends more
 *                certificates than are judged (CERT_MAX_CHAIN): WARNING.
 *   tls-version  the negotiated version is below --min-tls: CRITICAL.
 *   alpn         the server accepts none of the ALPN protocols offered (alert
 *                no_application_protocol, before any chain): CRITICAL, naming
 *                them, in place of the probe rule's finding; or it closed the
 *                connection right after a handshake that negotiated none, with
 *                no alert and nothing said (grpc-go): WARNING, in place of the
 *                client-cert rule's reading of that silence.
 *   dane         --dane: the TLSA records of the name against the chain
 *                (tlsa.h): a usable record matches (OK, and the trust and name
 *                rules then only note what they found, for a chain the server
 *                proved its own), none does or the answer is bogus (CRITICAL),
 *                none is usable or the address records are unsigned (WARNING),
 *                the resolver does not validate or does not answer (UNKNOWN);
 *                under require, no records or an unsigned answer (CRITICAL).
 *
 * A new rule is one function in verdict.c and one row of its table. A rule
 * that takes an option declares it there too, in the table of options: its
 * name, help line and a parser that sets a field of settings_judge, which the
 * rule reads through facts->judge. The command line knows none by name.
 */
#ifndef TLSCHECK_COMMON_VERDICT_H
#define TLSCHECK_COMMON_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "state.h"

struct settings_option; /* settings.h */

#define VERDICT_MAX_FINDINGS 32
#define VERDICT_TEXT_SIZE    320

struct finding {
	enum plugin_state state;
	const char *rule; /* a static id from the list above */
	/* An OK fact that answers nothing asked (the server would take a client
	 * certificate we were not given): long output, not the status line. */
	bool note;
	char text[VERDICT_TEXT_SIZE];
};

/* What the expiry rule found, for perfdata and JSON. */
struct expiry_summary {
	bool valid;             /* false when there was no chain to judge */
	size_t index;           /* the chain element that expires first */
	double seconds_left;    /* of that element; negative when expired */
	double warning_seconds; /* thresholds converted for that element */
	double critical_seconds;
};

/* What a yes-or-no rule concluded. UNJUDGED (zero) when it did not judge: told
 * not to (--no-verify-trust, --no-verify-name), no chain to judge, or the
 * verification could not run. */
enum verdict_answer { VERDICT_UNJUDGED, VERDICT_YES, VERDICT_NO };

/* Everything judged about one target. */
struct verdict {
	struct finding items[VERDICT_MAX_FINDINGS];
	size_t count;
	struct expiry_summary expiry;
	struct expiry_summary client_expiry; /* our client certificate's; index 0 */
	/* The answers of the trust and name rules, which JSON states on their own
	 * so that a consumer need not read them out of the findings. */
	enum verdict_answer trusted;
	enum verdict_answer name_matches;
};

void verdict_init(struct verdict *v);

/* The options of the rules, in --help order, ended by a NULL name. */
const struct settings_option *verdict_options(void);

/* Run every rule over FACTS, in the order listed above, adding their findings to
 * V and filling V->expiry. */
void verdict_judge(struct verdict *v, const struct facts *facts);

/* Add a finding of rule RULE (a static string). When full, the finding is
 * dropped unless it is worse than the best one held, which it then replaces: the
 * verdict never loses its worst. */
void verdict_add(struct verdict *v, const char *rule, enum plugin_state state, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Add an OK finding of RULE that is a note (struct finding). */
void verdict_note(struct verdict *v, const char *rule, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* OK for an empty verdict. */
enum plugin_state verdict_worst(const struct verdict *v);

/* Order for the status line: the worst finding first (the first added among
 * equals), then the other problems shortest first, then the OK facts in the
 * order they were added. */
void verdict_sort(struct verdict *v);

#endif
