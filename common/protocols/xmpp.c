#include <config.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hostname.h"
#include "protocol.h"
#include "textproto.h"

/* XMPP (RFC 6120 5.4): open a stream, read the server's stream features, ask for
 * STARTTLS and stop right after <proceed/>. Direct TLS (XEP-0368) starts at
 * connect, with ALPN xmpp-client or xmpp-server.
 *
 * The stream is XML, not lines: a small scanner below reads it tag by tag, within
 * fixed bounds, and understands no more XML than the handshake needs. XMPP forbids
 * comments, DTDs and entity declarations (RFC 6120 11.1), so none is ever
 * expanded: any "<!" is refused. */

#define NS_STREAMS "urn:ietf:params:xml:ns:xmpp-streams"
#define NS_TLS     "urn:ietf:params:xml:ns:xmpp-tls"

#define XMPP_TAG_MAX    2048  /* one tag between '<' and '>', attributes included */
#define XMPP_STREAM_MAX 65536 /* bytes read from the server in one step */
#define XMPP_DEPTH_MAX  16    /* elements open at once */
#define XMPP_NAME_SIZE  64    /* element and attribute names we compare */

enum { XMPP_OPT_SERVER, XMPP_OPT_DOMAIN };

static const struct protocol_option xmpp_options[] = {
        [XMPP_OPT_SERVER] = {"server", NULL,
                             "server-to-server: ports 5269 and 5270, ALPN xmpp-server", false},
        [XMPP_OPT_DOMAIN] = {"xmpp-domain", "NAME", "XMPP domain sent in to= (default: -H)", false},
        {NULL, NULL, NULL, false},
};

static const struct textproto_step step_header = {"the XMPP stream header", "XMPP stream header"};
static const struct textproto_step step_features = {"the stream features", "stream features"};
static const struct textproto_step step_starttls = {"the reply to STARTTLS", "reply to STARTTLS"};
static const struct textproto_step step_header_tls = {"the XMPP stream header over TLS",
                                                      "XMPP stream header over TLS"};
static const struct textproto_step step_features_tls = {"the stream features over TLS",
                                                        "stream features over TLS"};

/* --- the scanner ----------------------------------------------------------------- */

enum xml_kind {
	XML_OPEN,  /* <name ...> */
	XML_EMPTY, /* <name .../> */
	XML_CLOSE, /* </name> */
	XML_DECL,  /* <?xml ...?> */
};

struct xml_tag {
	enum xml_kind kind;
	int level;                  /* 1 for <stream:stream>, 2 for its children ... */
	char raw[XMPP_TAG_MAX + 1]; /* between '<' and '>' */
	char name[XMPP_NAME_SIZE];  /* the local name: "features" for <stream:features> */
};

struct xml_reader {
	struct net_conn *conn;
	const struct textproto_step *step; /* what is awaited, for messages */
	size_t consumed;                   /* bytes read in this step */
	int depth;                         /* elements open */
	char text[TEXTPROTO_QUOTE_SIZE];   /* the character data before the last tag */
};

static void reader_init(struct xml_reader *r, struct net_conn *c, const struct textproto_step *step)
{
	memset(r, 0, sizeof(*r));
	r->conn = c;
	r->step = step;
}

/* Start a new step of the same stream: a fresh byte budget, the same depth. */
static void reader_step(struct xml_reader *r, const struct textproto_step *step)
{
	r->step = step;
	r->consumed = 0;
}

static int read_byte(struct xml_reader *r, char *ch, struct fault *f)
{
	if (r->consumed == XMPP_STREAM_MAX) {
		fault_set(f, FAULT_PEER, "%s: more than %d bytes", r->step->awaited,
		          XMPP_STREAM_MAX);
		return -1;
	}
	if (net_read_exact(r->conn, ch, 1, r->step->awaited, f) < 0)
		return -1;
	r->consumed++;
	if (*ch == '\0') {
		fault_set(f, FAULT_PEER, "%s: NUL byte", r->step->awaited);
		return -1;
	}
	return 0;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static int unexpected(const struct xml_reader *r, const char *what, struct fault *f)
{
	char quoted[TEXTPROTO_QUOTE_SIZE];

	textproto_quote(quoted, sizeof(quoted), what);
	fault_set(f, FAULT_PEER, "unexpected %s: '%s'", r->step->name, quoted);
	return -1;
}

/* Text outside the stream: not XMPP at all (an SMTP banner, an HTTP reply). Quote
 * what already arrived up to its end of line, without waiting for more. */
static int stray_text(struct xml_reader *r, char first, struct fault *f)
{
	char text[TEXTPROTO_QUOTE_MAX + 1] = {first};
	size_t n = 1;

	while (n < TEXTPROTO_QUOTE_MAX && net_buffered(r->conn) > 0 &&
	       read_byte(r, &text[n], f) == 0 && text[n] != '\n' && text[n] != '<')
		n++;
	text[n] = '\0';
	return unexpected(r, text, f);
}

/* Skip character data up to the next '<', keeping its start (quoted) in R->text. */
static int skip_text(struct xml_reader *r, struct fault *f)
{
	char text[TEXTPROTO_QUOTE_MAX + 1];
	size_t n = 0;
	char ch;

	for (;;) {
		if (read_byte(r, &ch, f) < 0)
			return -1;
		if (ch == '<')
			break;
		if (r->depth == 0 && !is_space(ch))
			return stray_text(r, ch, f);
		if (n < TEXTPROTO_QUOTE_MAX)
			text[n++] = ch;
	}
	text[n] = '\0';
	textproto_quote(r->text, sizeof(r->text), text);
	return 0;
}

/* Read the rest of a tag up to its '>', which may also appear inside a quoted
 * attribute value. */
static int read_tag_text(struct xml_reader *r, char *raw, struct fault *f)
{
	size_t n = 0;
	char quote = '\0';
	char ch;

	for (;;) {
		if (read_byte(r, &ch, f) < 0)
			return -1;
		if (quote == '\0' && ch == '>')
			break;
		if (quote == '\0' && (ch == '\'' || ch == '"'))
			quote = ch;
		else if (ch == quote)
			quote = '\0';
		if (n == XMPP_TAG_MAX) {
			fault_set(f, FAULT_PEER, "%s: tag longer than %d bytes", r->step->awaited,
			          XMPP_TAG_MAX);
			return -1;
		}
		raw[n++] = ch;
	}
	raw[n] = '\0';
	return 0;
}

/* The local name of the qualified name at START (up to a space, '/' or the end). */
static int take_name(const struct xml_reader *r, const char *start, struct xml_tag *t,
                     struct fault *f)
{
	size_t len = strcspn(start, " \t\r\n/");
	const char *colon = memchr(start, ':', len);
	const char *local = colon != NULL ? colon + 1 : start;
	size_t local_len = len - (size_t)(local - start);

	if (local_len == 0 || local_len >= sizeof(t->name))
		return unexpected(r, t->raw, f);
	memcpy(t->name, local, local_len);
	t->name[local_len] = '\0';
	return 0;
}

/* Classify RAW into T and keep the depth. */
static int classify(struct xml_reader *r, struct xml_tag *t, struct fault *f)
{
	size_t len = strlen(t->raw);

	if (t->raw[0] == '!') {
		fault_set(f, FAULT_PEER,
		          "%s: comment, CDATA or DTD (not allowed in XMPP), refusing",
		          r->step->awaited);
		return -1;
	}
	if (t->raw[0] == '?') {
		t->kind = XML_DECL;
		t->level = r->depth;
		return len >= 2 && t->raw[len - 1] == '?' ? 0 : unexpected(r, t->raw, f);
	}
	if (t->raw[0] == '/') {
		t->kind = XML_CLOSE;
		t->level = r->depth--;
		if (t->level == 0)
			return unexpected(r, t->raw, f);
		return take_name(r, t->raw + 1, t, f);
	}
	t->kind = len > 0 && t->raw[len - 1] == '/' ? XML_EMPTY : XML_OPEN;
	t->level = r->depth + 1;
	if (t->kind == XML_OPEN && ++r->depth > XMPP_DEPTH_MAX) {
		fault_set(f, FAULT_PEER, "%s: elements nested deeper than %d", r->step->awaited,
		          XMPP_DEPTH_MAX);
		return -1;
	}
	return take_name(r, t->raw, t, f);
}

/* The next tag of the stream, character data before it skipped. */
static int next_tag(struct xml_reader *r, struct xml_tag *t, struct fault *f)
{
	if (skip_text(r, f) < 0 || read_tag_text(r, t->raw, f) < 0)
		return -1;
	return classify(r, t, f);
}

/* The value of attribute NAME of T into OUT (cut to SIZE), either quote style.
 * Returns whether T has it. */
static bool tag_attr(const struct xml_tag *t, const char *name, char *out, size_t size)
{
	const char *p = t->raw + strcspn(t->raw, " \t\r\n");
	size_t want = strlen(name);

	for (;;) {
		const char *attr, *end;
		size_t len;
		char quote;

		p += strspn(p, " \t\r\n");
		attr = p;
		len = strcspn(p, " \t\r\n=");
		p += len;
		p += strspn(p, " \t\r\n");
		if (len == 0 || *p != '=')
			return false;
		p++;
		p += strspn(p, " \t\r\n");
		quote = *p;
		if (quote != '\'' && quote != '"')
			return false;
		end = strchr(p + 1, quote);
		if (end == NULL)
			return false;
		if (len == want && memcmp(attr, name, len) == 0) {
			snprintf(out, size, "%.*s", (int)(end - p - 1), p + 1);
			return true;
		}
		p = end + 1;
	}
}

static bool tag_in_ns(const struct xml_tag *t, const char *ns)
{
	char value[128];

	return tag_attr(t, "xmlns", value, sizeof(value)) && strcmp(value, ns) == 0;
}

/* The character data before a tag must be kept before the next read replaces it. */
static void keep_text(const struct xml_reader *r, char *out, size_t size)
{
	snprintf(out, size, "%s", r->text);
}

/* --- the dialogue -------------------------------------------------------------------- */

/* <stream:error> was read: name its condition and text, then fail. */
static int stream_error(struct xml_reader *r, const struct xml_tag *start, struct fault *f)
{
	char condition[TEXTPROTO_QUOTE_SIZE] = "";
	char text[TEXTPROTO_QUOTE_SIZE] = "";
	struct xml_tag t;
	struct fault ignored;

	/* Read up to </stream:error>; a server that closes right after its error
	 * still told us what it had to. */
	while (start->kind == XML_OPEN && next_tag(r, &t, &ignored) == 0 &&
	       !(t.kind == XML_CLOSE && t.level <= start->level)) {
		if (t.kind == XML_CLOSE && t.level == start->level + 1 &&
		    strcmp(t.name, "text") == 0)
			keep_text(r, text, sizeof(text));
		else if (t.kind != XML_CLOSE && t.level == start->level + 1 &&
		         strcmp(t.name, "text") != 0 && tag_in_ns(&t, NS_STREAMS))
			textproto_quote(condition, sizeof(condition), t.name);
	}
	fault_set(f, FAULT_REFUSED, "server sent stream error '%s' instead of %s%s%s%s",
	          condition[0] ? condition : "(no condition)", r->step->awaited,
	          text[0] ? ": '" : "", text, text[0] ? "'" : "");
	return -1;
}

static int stream_header(const struct protocol_context *ctx, char *out, size_t size,
                         struct fault *f)
{
	const char *given = ctx->args->values[XMPP_OPT_DOMAIN];
	char domain[HOSTNAME_MAX];

	if (given == NULL)
		snprintf(domain, sizeof(domain), "%s", ctx->host);
	else if (hostname_to_ascii(given, domain, sizeof(domain), f) < 0)
		return -1;
	snprintf(out, size,
	         "<?xml version='1.0'?><stream:stream "
	         "xmlns:stream='http://etherx.jabber.org/streams' xmlns='%s' to='%s' "
	         "version='1.0'>",
	         ctx->args->values[XMPP_OPT_SERVER] ? "jabber:server" : "jabber:client", domain);
	return 0;
}

/* Send our stream header (only into silence: the client speaks first) and read the
 * server's, after an optional XML declaration. */
static int open_stream(const struct protocol_context *ctx, struct xml_reader *r, struct fault *f)
{
	char header[HOSTNAME_MAX + 256];
	struct xml_tag t;

	if (stream_header(ctx, header, sizeof(header), f) < 0 ||
	    textproto_send(ctx->conn, header, "the stream header", f) < 0)
		return -1;
	if (next_tag(r, &t, f) < 0)
		return -1;
	if (t.kind == XML_DECL && next_tag(r, &t, f) < 0)
		return -1;
	if (t.kind != XML_OPEN || t.level != 1 || strcmp(t.name, "stream") != 0)
		return unexpected(r, t.raw, f);
	return 0;
}

/* Read <stream:features> through its end; *STARTTLS tells whether it offered
 * <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>. */
static int read_features(struct xml_reader *r, bool *starttls, struct fault *f)
{
	struct xml_tag t;
	int level;

	*starttls = false;
	if (next_tag(r, &t, f) < 0)
		return -1;
	if (t.level == 2 && t.kind != XML_CLOSE && strcmp(t.name, "error") == 0)
		return stream_error(r, &t, f);
	if (t.level != 2 || t.kind == XML_CLOSE || t.kind == XML_DECL ||
	    strcmp(t.name, "features") != 0)
		return unexpected(r, t.raw, f);
	if (t.kind == XML_EMPTY)
		return 0;
	level = t.level;
	for (;;) {
		if (next_tag(r, &t, f) < 0)
			return -1;
		if (t.kind == XML_CLOSE && t.level == level)
			return 0;
		if (t.kind != XML_CLOSE && t.level == level + 1 &&
		    strcmp(t.name, "starttls") == 0 && tag_in_ns(&t, NS_TLS))
			*starttls = true;
	}
}

/* Whitespace may follow the features (a keepalive); anything else already there
 * came before STARTTLS was sent, so it cannot be the answer to it. */
static int drain_space(struct xml_reader *r, struct fault *f)
{
	size_t early = net_buffered(r->conn);
	char ch;

	while (net_buffered(r->conn) > 0) {
		if (read_byte(r, &ch, f) < 0)
			return -1;
		if (!is_space(ch)) {
			fault_set(f, FAULT_PEER,
			          "server sent %zu bytes before STARTTLS was sent, refusing",
			          early);
			return -1;
		}
	}
	return 0;
}

/* <proceed/> (or <proceed></proceed>) is the go-ahead; not a byte is read past it. */
static int read_proceed(struct xml_reader *r, struct fault *f)
{
	struct xml_tag t;

	if (next_tag(r, &t, f) < 0)
		return -1;
	if (t.level == 2 && t.kind != XML_CLOSE && strcmp(t.name, "error") == 0)
		return stream_error(r, &t, f);
	if (t.level == 2 && t.kind != XML_CLOSE && strcmp(t.name, "failure") == 0) {
		fault_set(f, FAULT_NO_TLS, "STARTTLS refused: server answered <failure/>");
		return -1;
	}
	if (t.kind == XML_CLOSE && t.level == 1) {
		fault_set(f, FAULT_NO_TLS, "STARTTLS refused: server closed the stream");
		return -1;
	}
	if (t.level != 2 || t.kind == XML_CLOSE || strcmp(t.name, "proceed") != 0 ||
	    !tag_in_ns(&t, NS_TLS))
		return unexpected(r, t.raw, f);
	if (t.kind == XML_EMPTY)
		return 0;
	if (next_tag(r, &t, f) < 0)
		return -1;
	return t.kind == XML_CLOSE && t.level == 2 ? 0 : unexpected(r, t.raw, f);
}

static int xmpp_upgrade(const struct protocol_context *ctx, struct fault *f)
{
	struct xml_reader r;
	bool starttls;

	reader_init(&r, ctx->conn, &step_header);
	if (open_stream(ctx, &r, f) < 0)
		return -1;
	reader_step(&r, &step_features);
	if (read_features(&r, &starttls, f) < 0)
		return -1;
	if (!starttls) {
		fault_set(f, FAULT_NO_TLS, "server does not offer STARTTLS");
		return -1;
	}
	reader_step(&r, &step_starttls);
	if (drain_space(&r, f) < 0 ||
	    textproto_send(ctx->conn, "<starttls xmlns='" NS_TLS "'/>", "STARTTLS", f) < 0)
		return -1;
	return read_proceed(&r, f);
}

/* Direct TLS (XEP-0368): open a stream over TLS and read its features, which
 * confirms an XMPP server behind the TLS endpoint and that it serves the domain.
 * After STARTTLS the stream would restart with a new header of ours: nothing to
 * confirm there. */
static int xmpp_after(const struct protocol_context *ctx, struct fault *f)
{
	struct xml_reader r;
	bool starttls;

	if (!ctx->tls_on_connect)
		return 0;
	reader_init(&r, ctx->conn, &step_header_tls);
	if (open_stream(ctx, &r, f) < 0)
		return -1;
	reader_step(&r, &step_features_tls);
	return read_features(&r, &starttls, f);
}

static int xmpp_validate(const struct protocol_args *a, struct fault *f)
{
	char domain[HOSTNAME_MAX];

	if (a->values[XMPP_OPT_DOMAIN] == NULL)
		return 0;
	if (hostname_to_ascii(a->values[XMPP_OPT_DOMAIN], domain, sizeof(domain), f) < 0)
		return -1;
	if (hostname_is_ip_literal(domain)) {
		fault_set(f, FAULT_USAGE, "--xmpp-domain takes a domain name, not an address");
		return -1;
	}
	return 0;
}

static void xmpp_profile(const struct protocol_args *a, struct protocol_profile *profile)
{
	if (a->values[XMPP_OPT_SERVER] == NULL)
		return;
	profile->port = 5269;
	profile->implicit_port = 5270;
	profile->alpn = "xmpp-server";
}

const struct tls_protocol protocol_xmpp = {
        .name = "xmpp",
        .description = "XMPP STARTTLS, client or --server",
        .own_plugin = true,
        .port = 5222,
        .implicit_port = 5223,
        .alpn = "xmpp-client",
        .options = xmpp_options,
        .validate = xmpp_validate,
        .profile = xmpp_profile,
        .upgrade = xmpp_upgrade,
        .after = xmpp_after,
};
