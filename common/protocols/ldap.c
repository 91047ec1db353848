#include <config.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "protocol.h"
#include "textproto.h"

/* RFC 4511 4.14.1: the StartTLS ExtendedRequest, messageID 1. SEQUENCE {
 * INTEGER 1, [APPLICATION 23] { [0] requestName } }. */
#define STARTTLS_OID "1.3.6.1.4.1.1466.20037"
static const char starttls_request[] = "\x30\x1d\x02\x01\x01\x77\x18\x80\x16" STARTTLS_OID;

/* RFC 4532: the "Who am I?" ExtendedRequest, messageID 1. Harmless, and every LDAP
 * server answers an ExtendedRequest, with protocolError when it does not know it
 * (RFC 4511 4.12). */
#define WHOAMI_OID "1.3.6.1.4.1.4203.1.11.3"
static const char whoami_request[] = "\x30\x1e\x02\x01\x01\x77\x19\x80\x17" WHOAMI_OID;

enum { LDAP_OPT_NO_WHOAMI };

static const struct protocol_option ldap_options[] = {
        [LDAP_OPT_NO_WHOAMI] = {"no-whoami", NULL, "alias of --no-service-check", true},
        {NULL, NULL, NULL, false},
};

/* RFC 4511 4.4.1: what a server sends, unasked, before it drops the connection. */
#define NOTICE_OF_DISCONNECTION_OID "1.3.6.1.4.1.1466.20036"

/* An answer to StartTLS is a few dozen bytes (Active Directory's about 50); a
 * referral or a long diagnostic adds some. Anything claiming more is refused
 * before a byte of it is read. */
#define LDAP_MESSAGE_MAX 4096

/* The request an answer is awaited to, for the messages: "StartTLS" before TLS,
 * "Who am I?" behind it. */
struct exchange {
	const char *request;
	const char *awaited; /* "the response to StartTLS" */
	bool plaintext;      /* before TLS: a TLS answer means TLS at connect */
};

static const struct exchange starttls = {"StartTLS", "the response to StartTLS", true};
static const struct exchange whoami = {"Who am I?", "the response to Who am I?", false};

enum {
	BER_INTEGER = 0x02,
	BER_OCTET_STRING = 0x04,
	BER_ENUMERATED = 0x0a,
	BER_SEQUENCE = 0x30,
	LDAP_EXTENDED_RESPONSE = 0x78, /* [APPLICATION 24], constructed */
	LDAP_REFERRAL = 0xa3,          /* [3], constructed */
	LDAP_RESPONSE_NAME = 0x8a,     /* [10] */
};

/* Unread BER: a cursor over bytes already received in full. */
struct ber {
	const unsigned char *p;
	size_t left;
};

/* What the server answered, pointing into the message. */
struct ldap_response {
	unsigned long message_id;
	unsigned long result_code;
	struct ber diagnostic; /* diagnosticMessage, maybe empty */
	struct ber referral;   /* the first URL of a referral, or empty */
	struct ber name;       /* responseName, or empty */
};

static int malformed(const struct exchange *x, struct fault *f, const char *what,
                     const char *problem)
{
	fault_set(f, FAULT_PEER, "malformed LDAP response to %s: %s %s", x->request, what, problem);
	return -1;
}

/* The length octets at B (X.690 8.1.3): the short form, or the long form with 1
 * to 4 octets (0x81, 0x82, 0x84, as Active Directory sends them). LDAP forbids
 * the indefinite form (RFC 4511 5.1). Returns NULL, or what is wrong. */
static const char *ber_length(struct ber *b, size_t *len)
{
	unsigned char first;
	size_t octets;

	if (b->left == 0)
		return "is cut short";
	first = *b->p;
	b->p++, b->left--;
	if (first < 0x80) {
		*len = first;
		return NULL;
	}
	octets = first & 0x7f;
	if (octets == 0)
		return "has an indefinite length";
	if (octets > 4)
		return "has a length of more than 4 octets";
	if (b->left < octets)
		return "is cut short";
	for (*len = 0; octets > 0; octets--, b->p++, b->left--)
		*len = *len << 8 | *b->p;
	return NULL;
}

static bool ber_at(const struct ber *b, unsigned char tag)
{
	return b->left > 0 && *b->p == tag;
}

/* Take the next element of B, which must carry TAG, and its contents into OUT.
 * WHAT names it for the message. */
static int ber_take(struct ber *b, unsigned char tag, const char *what, struct ber *out,
                    const struct exchange *x, struct fault *f)
{
	const char *problem;
	char found[40];
	size_t len;

	if (b->left == 0)
		return malformed(x, f, what, "is missing");
	if (*b->p != tag) {
		snprintf(found, sizeof(found), "has tag 0x%02x, not 0x%02x", *b->p, tag);
		return malformed(x, f, what, found);
	}
	b->p++, b->left--;
	problem = ber_length(b, &len);
	if (problem == NULL && len > b->left)
		problem = "runs past the end of the message";
	if (problem != NULL)
		return malformed(x, f, what, problem);
	*out = (struct ber){b->p, len};
	b->p += len, b->left -= len;
	return 0;
}

/* A non-negative INTEGER or ENUMERATED of at most 4 octets (messageID and
 * resultCode are both below 2^31). */
static int ber_take_number(struct ber *b, unsigned char tag, const char *what, unsigned long *out,
                           const struct exchange *x, struct fault *f)
{
	struct ber v;

	if (ber_take(b, tag, what, &v, x, f) < 0)
		return -1;
	if (v.left == 0 || v.left > 4 || (v.p[0] & 0x80) != 0)
		return malformed(x, f, what, "is not a number from 0 to 2^31-1");
	for (*out = 0; v.left > 0; v.p++, v.left--)
		*out = *out << 8 | v.p[0];
	return 0;
}

/* The first element was a server that speaks something else, often TLS itself. */
static int not_ldap(unsigned char first, const struct exchange *x, struct fault *f)
{
	if (x->plaintext && (first == 0x15 || first == 0x16))
		fault_set(f, FAULT_PEER,
		          "server answered %s with a TLS record, not LDAP (if this port "
		          "speaks TLS at connect, use --implicit-tls)",
		          x->request);
	else
		fault_set(f, FAULT_PEER, "not an LDAP message in answer to %s: first byte 0x%02x",
		          x->request, first);
	return -1;
}

/* Read exactly one LDAPMessage into MSG (its contents, LEN bytes), and not a
 * byte past it: its length is in its header, so whatever follows stays buffered
 * for the caller to refuse. */
static int read_message(struct net_conn *c, const struct exchange *x, unsigned char *msg,
                        size_t *len, struct fault *f)
{
	unsigned char head[6]; /* tag, first length octet, up to 4 more */
	struct ber b = {head + 1, 1};
	const char *problem;

	if (net_read_exact(c, head, 2, x->awaited, f) < 0) {
		/* An LDAPS server takes the request for a broken ClientHello and hangs up. */
		if (x->plaintext && f->kind == FAULT_PEER && c->received == 0)
			fault_set(
			        f, FAULT_PEER,
			        "server closed the connection while we waited for %s (nothing "
			        "received: if this port speaks TLS at connect, use --implicit-tls)",
			        x->awaited);
		return -1;
	}
	if (head[0] != BER_SEQUENCE)
		return not_ldap(head[0], x, f);
	if (head[1] > 0x80 && head[1] <= 0x84) {
		b.left += head[1] & 0x7f;
		if (net_read_exact(c, head + 2, b.left - 1, x->awaited, f) < 0)
			return -1;
	}
	problem = ber_length(&b, len);
	if (problem != NULL)
		return malformed(x, f, "LDAPMessage", problem);
	if (*len > LDAP_MESSAGE_MAX) {
		fault_set(f, FAULT_PEER,
		          "LDAP response to %s claims %zu bytes, more than %d: refusing",
		          x->request, *len, LDAP_MESSAGE_MAX);
		return -1;
	}
	if (net_read_exact(c, msg, *len, x->awaited, f) < 0) {
		if (f->kind == FAULT_PEER)
			fault_set(f, FAULT_PEER,
			          "LDAP response to %s cut short: the server closed the "
			          "connection within its %zu bytes",
			          x->request, *len);
		return -1;
	}
	return 0;
}

/* LDAPMessage ::= SEQUENCE { messageID, ExtendedResponse, controls OPTIONAL }
 * ExtendedResponse ::= [APPLICATION 24] SEQUENCE { resultCode, matchedDN,
 *     diagnosticMessage, referral [3] OPTIONAL, responseName [10] OPTIONAL,
 *     responseValue [11] OPTIONAL } (RFC 4511 4.1.1, 4.1.9, 4.12). Controls,
 * the responseValue and what a later revision adds are not needed. */
static int parse_response(const unsigned char *msg, size_t len, const struct exchange *x,
                          struct ldap_response *r, struct fault *f)
{
	struct ber b = {msg, len}, op, matched, referral;

	memset(r, 0, sizeof(*r));
	if (ber_take_number(&b, BER_INTEGER, "messageID", &r->message_id, x, f) < 0)
		return -1;
	if (b.left > 0 && b.p[0] != LDAP_EXTENDED_RESPONSE) {
		fault_set(f, FAULT_PEER,
		          "server answered %s with LDAP operation [APPLICATION %d], not an "
		          "ExtendedResponse",
		          x->request, b.p[0] & 0x1f);
		return -1;
	}
	if (ber_take(&b, LDAP_EXTENDED_RESPONSE, "ExtendedResponse", &op, x, f) < 0 ||
	    ber_take_number(&op, BER_ENUMERATED, "resultCode", &r->result_code, x, f) < 0 ||
	    ber_take(&op, BER_OCTET_STRING, "matchedDN", &matched, x, f) < 0 ||
	    ber_take(&op, BER_OCTET_STRING, "diagnosticMessage", &r->diagnostic, x, f) < 0)
		return -1;
	if (ber_at(&op, LDAP_REFERRAL)) {
		if (ber_take(&op, LDAP_REFERRAL, "referral", &referral, x, f) < 0 ||
		    ber_take(&referral, BER_OCTET_STRING, "referral URL", &r->referral, x, f) < 0)
			return -1;
	}
	if (ber_at(&op, LDAP_RESPONSE_NAME))
		return ber_take(&op, LDAP_RESPONSE_NAME, "responseName", &r->name, x, f);
	return 0;
}

static bool ber_equals(const struct ber *b, const char *text)
{
	return b->left == strlen(text) && memcmp(b->p, text, b->left) == 0;
}

/* The server's words from B, quoted for a message (a NUL byte shown as '?'). */
static void quote(char *dst, size_t size, const struct ber *b)
{
	char text[TEXTPROTO_QUOTE_MAX + 2];
	size_t n = b->left < sizeof(text) - 1 ? b->left : sizeof(text) - 1;

	for (size_t i = 0; i < n; i++)
		text[i] = b->p[i] != '\0' ? (char)b->p[i] : '?';
	text[n] = '\0';
	textproto_quote(dst, size, text);
}

/* The resultCodes an answer to StartTLS carries in practice (RFC 4511 4.1.9,
 * 4.14.2), or NULL: others are shown by number. */
static const char *result_name(unsigned long code)
{
	switch (code) {
	case 0:
		return "success";
	case 1:
		return "operationsError";
	case 2:
		return "protocolError";
	case 10:
		return "referral";
	case 51:
		return "busy";
	case 52:
		return "unavailable";
	case 53:
		return "unwillingToPerform";
	default:
		return NULL;
	}
}

/* "resultCode 2 (protocolError): 'diagnostic', referral to 'URL'" */
static void describe_result(const struct ldap_response *r, const struct exchange *x, char *out,
                            size_t size)
{
	char name[40];
	char diagnostic[TEXTPROTO_QUOTE_SIZE + 4] = "";
	char url[TEXTPROTO_QUOTE_SIZE + 20] = "";
	char quoted[TEXTPROTO_QUOTE_SIZE];

	if (result_name(r->result_code) != NULL)
		snprintf(name, sizeof(name), "resultCode %lu (%s)", r->result_code,
		         result_name(r->result_code));
	else
		snprintf(name, sizeof(name), "resultCode %lu", r->result_code);
	if (r->diagnostic.left > 0) {
		quote(quoted, sizeof(quoted), &r->diagnostic);
		snprintf(diagnostic, sizeof(diagnostic), ": '%s'", quoted);
	}
	if (r->referral.left > 0) {
		quote(quoted, sizeof(quoted), &r->referral);
		snprintf(url, sizeof(url), ", referral to '%s'", quoted);
	}
	snprintf(out, size, "%s%s%s%s", name, diagnostic, url,
	         r->result_code == 2 && x == &starttls ? ", StartTLS not supported" : "");
}

static int judge_response(const struct ldap_response *r, struct fault *f)
{
	char result[FAULT_TEXT_SIZE], quoted[TEXTPROTO_QUOTE_SIZE];

	describe_result(r, &starttls, result, sizeof(result));
	if (r->message_id == 0 && ber_equals(&r->name, NOTICE_OF_DISCONNECTION_OID)) {
		fault_set(f, FAULT_PEER, "server sent a Notice of Disconnection: %s", result);
		return -1;
	}
	if (r->message_id == 0) {
		fault_set(f, FAULT_PEER,
		          "server sent an unsolicited notification instead of the StartTLS "
		          "response: %s",
		          result);
		return -1;
	}
	if (r->message_id != 1) {
		fault_set(f, FAULT_PEER, "server answered messageID %lu, not StartTLS (1): %s",
		          r->message_id, result);
		return -1;
	}
	if (r->result_code != 0) {
		fault_set(f, FAULT_NO_TLS, "server refused StartTLS: %s", result);
		return -1;
	}
	/* Optional in a success, but if named it must be StartTLS (RFC 4511 4.14.2). */
	if (r->name.left > 0 && !ber_equals(&r->name, STARTTLS_OID)) {
		quote(quoted, sizeof(quoted), &r->name);
		fault_set(f, FAULT_PEER, "StartTLS response names another operation: '%s'", quoted);
		return -1;
	}
	return 0;
}

/* RFC 4511 4.14, RFC 4513 3: the client speaks first; the go-ahead is an
 * ExtendedResponse with resultCode success. */
static int ldap_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	unsigned char msg[LDAP_MESSAGE_MAX];
	struct ldap_response r;
	size_t len;

	if (net_write_all(ctx->conn, starttls_request, sizeof(starttls_request) - 1,
	                  "the StartTLS request", f) < 0 ||
	    read_message(ctx->conn, &starttls, msg, &len, f) < 0 ||
	    parse_response(msg, len, &starttls, &r, f) < 0)
		return -1;
	return judge_response(&r, f);
}

/* LDAPS (TLS at connect): the answer to "Who am I?", whatever its resultCode,
 * confirms an LDAP server behind the TLS endpoint (not a terminator whose backend
 * is gone). A Notice of Disconnection is an answer too, and said as one. After
 * StartTLS the LDAP exchange was the confirmation already. */
static int ldap_after(const struct protocol_context *ctx, struct fault *f)
{
	unsigned char msg[LDAP_MESSAGE_MAX];
	struct ldap_response r;
	char result[FAULT_TEXT_SIZE];
	size_t len;

	if (!ctx->tls_on_connect)
		return 0;
	if (net_write_all(ctx->conn, whoami_request, sizeof(whoami_request) - 1,
	                  "the Who am I? request", f) < 0 ||
	    read_message(ctx->conn, &whoami, msg, &len, f) < 0 ||
	    parse_response(msg, len, &whoami, &r, f) < 0)
		return -1;
	if (r.message_id == 0 && ber_equals(&r.name, NOTICE_OF_DISCONNECTION_OID)) {
		describe_result(&r, &whoami, result, sizeof(result));
		fault_set(f, FAULT_PEER, "server sent a Notice of Disconnection: %s", result);
		return -1;
	}
	return 0;
}

const struct tls_protocol protocol_ldap = {
        .name = "ldap",
        .description = "LDAP StartTLS (RFC 4511)",
        .own_plugin = true,
        .port = 389,
        .implicit_port = 636,
        .second_implicit_port = 3269,
        .options = ldap_options,
        .upgrade = ldap_upgrade,
        .after = ldap_after,
        .service_check = true,
};
