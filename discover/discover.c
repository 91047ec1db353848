#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "discover.h"
#include "dns.h"
#include "file.h"
#include "greeting.h"
#include "textproto.h"
#include "verdict.h"
#include "workers.h"

/* How long a listener may stay silent before it is taken for one that waits for
 * the client. A late greeter (postscreen's greet pause) speaks well within it. */
#define GREETING_SECONDS 1.5
/* What one guess that the server may not answer costs at most (a ClientHello to
 * a plaintext service, an SSLRequest to something else). */
#define GUESS_SECONDS 1.0
/* The protocols one greeting may belong to (SMTP and FTP share 220). */
#define CANDIDATES_MAX 4
/* The looks behind TLS at one listener at most: one listens, one per protocol
 * that waits for the client asks. */
#define BEHIND_TLS_MAX 16

/* The plugin command line written for a listener: "-P NAME -H HOST -p PORT ...". */
#define ARGV_MAX     16
#define TLSA_SECONDS 2.0 /* one listener's TLSA look-up */

void discover_init(struct discover_run *r, const struct discover_options *options)
{
	memset(r, 0, sizeof(*r));
	r->options = *options;
}

/* ----------------------------------------------------------------------------
 * The listeners to find out */

static bool listed(const struct discover_run *r, const char *host, unsigned port)
{
	for (size_t i = 0; i < r->count; i++) {
		if (r->listeners[i].port == port && strcmp(r->listeners[i].host, host) == 0)
			return true;
	}
	return false;
}

static int add_listener(struct discover_run *r, const char *host, const char *ascii, unsigned port,
                        const char *process, struct fault *f)
{
	struct discover_listener *l;

	if (listed(r, host, port))
		return 0;
	if (r->count == DISCOVER_MAX_LISTENERS) {
		fault_set(f, FAULT_USAGE, "more than %d listeners: at most %d a run",
		          DISCOVER_MAX_LISTENERS, DISCOVER_MAX_LISTENERS);
		return -1;
	}
	if (r->count % 64 == 0) {
		l = realloc(r->listeners, (r->count + 64) * sizeof(*l));
		if (l == NULL) {
			fault_set(f, FAULT_INTERNAL, "out of memory for %zu listeners", r->count);
			return -1;
		}
		r->listeners = l;
	}
	l = &r->listeners[r->count++];
	memset(l, 0, sizeof(*l));
	snprintf(l->host, sizeof(l->host), "%s", host);
	snprintf(l->host_ascii, sizeof(l->host_ascii), "%s", ascii);
	snprintf(l->process, sizeof(l->process), "%s", process != NULL ? process : "");
	l->port = port;
	l->order = r->count - 1;
	target_init(&l->target, l->host_ascii, &l->name);
	return 0;
}

int discover_add_listener(struct discover_run *r, const char *host, unsigned port,
                          const char *process, struct fault *f)
{
	return add_listener(r, host, host, port, process, f);
}

/* Every port of the protocol table, each once. */
static int add_table_ports(struct discover_run *r, const char *host, const char *ascii,
                           struct fault *f)
{
	for (const struct tls_protocol *const *p = protocol_all(); *p != NULL; p++) {
		const unsigned ports[] = {(*p)->port, (*p)->implicit_port,
		                          (*p)->second_implicit_port};

		for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
			if (ports[i] != 0 && add_listener(r, host, ascii, ports[i], NULL, f) < 0)
				return -1;
		}
	}
	return 0;
}

static int parse_port(const char *text, unsigned *port, struct fault *f)
{
	char *end;
	unsigned long n = strtoul(text, &end, 10);

	if (text[0] < '0' || text[0] > '9' || *end != '\0' || n == 0 || n > 65535) {
		fault_set(f, FAULT_USAGE, "'%.100s' is not a valid port", text);
		return -1;
	}
	*port = (unsigned)n;
	return 0;
}

/* Split TARGET into HOST and the text of its ports (NULL: none given). */
static int split_target(char *target, char **host, char **ports, struct fault *f)
{
	char *colon = strrchr(target, ':');

	*host = target;
	*ports = NULL;
	if (target[0] == '[') {
		char *close = strchr(target, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':')) {
			fault_set(f, FAULT_USAGE, "'%.100s' is not HOST[:PORT[,PORT...]]", target);
			return -1;
		}
		*host = target + 1;
		*close = '\0';
		*ports = close[1] == ':' ? close + 2 : NULL;
		return 0;
	}
	/* More than one colon: a bare IPv6 literal. */
	if (colon != NULL && strchr(target, ':') == colon) {
		*colon = '\0';
		*ports = colon + 1;
	}
	return 0;
}

static int add_ports(struct discover_run *r, const char *host, const char *ascii, char *ports,
                     struct fault *f)
{
	unsigned port;

	for (char *next, *p = ports; p != NULL; p = next) {
		next = strchr(p, ',');
		if (next != NULL)
			*next++ = '\0';
		if (parse_port(p, &port, f) < 0 || add_listener(r, host, ascii, port, NULL, f) < 0)
			return -1;
	}
	return 0;
}

int discover_add_target(struct discover_run *r, const char *target, struct fault *f)
{
	char text[HOSTNAME_MAX + 512], ascii[HOSTNAME_MAX];
	char *host, *ports;

	if (strlen(target) >= sizeof(text)) {
		fault_set(f, FAULT_USAGE, "'%.100s...' is too long for HOST[:PORT[,PORT...]]",
		          target);
		return -1;
	}
	snprintf(text, sizeof(text), "%s", target);
	if (split_target(text, &host, &ports, f) < 0)
		return -1;
	if (host[0] == '\0') {
		fault_set(f, FAULT_USAGE, "'%.100s' names no host", target);
		return -1;
	}
	if (hostname_to_ascii(host, ascii, sizeof(ascii), f) < 0)
		return -1;
	if (ports == NULL)
		return add_table_ports(r, host, ascii, f);
	return add_ports(r, host, ascii, ports, f);
}

/* What a line of a file of targets is added to. */
struct target_file {
	struct discover_run *run;
	const char *path;
};

static int add_listed_target(char *line, unsigned number, void *arg, struct fault *f)
{
	struct target_file *tf = arg;
	char why[FAULT_TEXT_SIZE];

	if (discover_add_target(tf->run, line, f) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", f->text);
	fault_set(f, f->kind, "file '%s' line %u: %s", tf->path, number, why);
	return -1;
}

int discover_add_file(struct discover_run *r, const char *path, struct fault *f)
{
	struct target_file tf = {r, path};

	return file_read_lines(path, "file of targets", DISCOVER_FILE_MAX, add_listed_target, &tf,
	                       f);
}

/* ----------------------------------------------------------------------------
 * The settings of an attempt */

/* How P meets TLS with none of its own options given. */
static void default_profile(const struct tls_protocol *p, struct protocol_profile *profile)
{
	const struct protocol_args none = {0};

	protocol_profile(p, &none, profile);
}

/* ----------------------------------------------------------------------------
 * Finding out one listener */

/* What one attempt at TLS came to. */
enum attempt_result {
	ATTEMPT_TLS,    /* a chain was served: the listener's target holds it */
	ATTEMPT_NO_TLS, /* the protocol answered like itself and declined TLS */
	ATTEMPT_CLOSED, /* nothing listens (refused, unreachable) */
	ATTEMPT_OTHER,  /* it did not answer like this protocol: try another way */
};

static enum attempt_result attempt(struct discover_listener *l, const struct tls_protocol *p,
                                   const struct deadline *dl)
{
	struct settings *settings = malloc(sizeof(*settings));
	struct target *t = &l->target;
	enum attempt_result result = ATTEMPT_OTHER;

	if (settings == NULL) {
		snprintf(l->detail, sizeof(l->detail), "out of memory");
		return ATTEMPT_OTHER;
	}
	settings_for_protocol(settings, p, l->port);
	target_release(t);
	target_init(t, l->host_ascii, &l->name);
	target_probe(t, settings, NULL, dl);
	if (t->chain.count > 0) {
		l->protocol = p;
		result = ATTEMPT_TLS;
	} else if (t->failure.kind == FAULT_CONNECT) {
		result = ATTEMPT_CLOSED;
	} else if (t->failure.kind == FAULT_NO_TLS || t->failure.kind == FAULT_REFUSED) {
		l->protocol = p;
		result = ATTEMPT_NO_TLS;
	}
	if (result != ATTEMPT_TLS)
		snprintf(l->detail, sizeof(l->detail), "%s", t->failure.text);
	free(settings);
	return result;
}

/* An attempt that may meet a server that does not answer it costs at most a guess. */
static enum attempt_result guess(struct discover_listener *l, const struct tls_protocol *p,
                                 const struct deadline *dl)
{
	struct deadline budget;

	deadline_within(&budget, dl, GUESS_SECONDS);
	return attempt(l, p, &budget);
}

/* One look behind TLS at connect, on a fresh connection and under a guess's
 * budget, so that the chain L's target already holds stays there. With P: does
 * the service answer P's request like P (LDAP's "Who am I?", XMPP's stream,
 * Kafka's ApiVersions, Redis's PING, MQTT's CONNECT)? With P NULL: what does it
 * say unasked (into HEARD, PROTOCOL_GREETING_MAX + 1 bytes; *HEARD_LEN 0 for
 * nothing)? */
/* What a look that listens keeps: the greeting of a service that speaks first
 * behind TLS; silence (a service that waits for the client) leaves it empty. */
struct heard {
	unsigned char *text; /* PROTOCOL_GREETING_MAX + 1 bytes, NUL-terminated after LEN */
	size_t len;
};

static void listen_behind_tls(struct net_conn *conn, void *context)
{
	struct heard *h = context;
	struct fault ignored;

	(void)greeting_read(conn, h->text, PROTOCOL_GREETING_MAX + 1, &h->len, &ignored);
}

static bool look_behind_tls(struct discover_listener *l, const struct tls_protocol *p,
                            const struct deadline *dl, unsigned char *heard, size_t *heard_len)
{
	struct settings *settings = malloc(sizeof(*settings));
	struct target *t = malloc(sizeof(*t));
	struct heard h = {.text = heard, .len = 0};
	struct deadline budget;
	bool answered = false;

	if (settings == NULL || t == NULL)
		goto out;
	settings_for_protocol(settings, p != NULL ? p : protocol_default(), l->port);
	settings->probe.implicit_tls = p != NULL && p->upgrade != NULL;
	deadline_within(&budget, dl, GUESS_SECONDS);
	target_init(t, l->host_ascii, &l->name);
	if (p == NULL) {
		t->look = listen_behind_tls;
		t->look_context = &h;
	}
	target_probe(t, settings, NULL, &budget);
	/* A refusal in P's own words (an XMPP stream error) is P answering. */
	answered = !t->failed &&
	           (p != NULL ? t->service_answered || t->after_failure.kind == FAULT_REFUSED
	                      : h.len > 0);
	if (p == NULL)
		*heard_len = h.len;
	target_release(t);
out:
	free(t);
	free(settings);
	return answered;
}

/* The looks behind TLS at one listener: index 0 listens, the others ask. */
struct looks {
	struct discover_listener *listener;
	const struct deadline *deadline;
	const struct tls_protocol *asked[BEHIND_TLS_MAX]; /* [0] NULL: listen */
	bool answered[BEHIND_TLS_MAX];
	size_t count;
	unsigned char heard[PROTOCOL_GREETING_MAX + 1];
	size_t heard_len;
};

static void look_one(void *context, size_t index)
{
	struct looks *k = context;

	k->answered[index] =
	        look_behind_tls(k->listener, k->asked[index], k->deadline, k->heard, &k->heard_len);
}

/* TLS at connect, and no port, or not its port's service, to say what is behind
 * it. All at once (a service that sits on another's request, as Redis waits for
 * a line end in Kafka's binary one, would otherwise cost a whole guess each): one
 * connection listens for a greeting, told as before TLS (a 220 that names
 * neither SMTP nor FTP is taken for SMTP), and one per protocol that waits for
 * the client puts its own request, SKIP's aside. None answering leaves it plain
 * TLS. */
static void name_behind_tls(struct discover_listener *l, const struct tls_protocol *skip,
                            const struct deadline *dl)
{
	struct looks *k = calloc(1, sizeof(*k));
	const struct tls_protocol *p = NULL;
	struct protocol_profile profile;

	if (k == NULL || deadline_passed(dl))
		goto out;
	*k = (struct looks){.listener = l, .deadline = dl, .count = 1};
	for (const struct tls_protocol *const *all = protocol_all(); *all != NULL; all++) {
		if ((*all)->after != NULL && (*all)->greets == NULL && *all != skip &&
		    k->count < BEHIND_TLS_MAX)
			k->asked[k->count++] = *all;
	}
	workers_run(k->count, k->count, look_one, k);
	if (k->answered[0])
		(void)greeting_recognise(k->heard, k->heard_len, &p, 1);
	for (size_t i = 1; i < k->count && p == NULL; i++) {
		if (k->answered[i])
			p = k->asked[i];
	}
	if (p == NULL)
		goto out;
	l->protocol = p;
	/* On its port, the check would upgrade: tell it TLS starts at connect. */
	default_profile(p, &profile);
	l->implicit_tls = p->upgrade != NULL && !protocol_tls_on_connect(&profile, l->port, false);
out:
	free(k);
}

/* TLS at connect on a port of HINT's, and its service did not answer like itself
 * behind TLS. A refusal in HINT's own words (an XMPP stream error) is HINT's,
 * with the finding. Otherwise the chain is kept and the others are asked: one
 * answering names the listener (POP3S on 993). None answering leaves it plain
 * TLS when the service said something else, and HINT's, with the finding, when
 * it said nothing: silence proves no other service, and a slow one keeps its
 * name. */
static void look_again(struct discover_listener *l, const struct tls_protocol *hint,
                       const struct deadline *dl)
{
	bool silent = l->target.after_failure.kind == FAULT_TIMEOUT;

	/* The step ran under a guess's budget: only the run's deadline is -t's. */
	l->target.after_hit_run_deadline = deadline_passed(dl);
	if (l->target.after_failure.kind == FAULT_REFUSED)
		return;
	l->protocol = protocol_default();
	name_behind_tls(l, hint, dl);
	if (l->protocol == protocol_default() && silent)
		l->protocol = hint;
	else
		fault_clear(&l->target.after_failure);
}

/* The entry whose port (or TLS-at-connect port) this is; NULL for none. */
static const struct tls_protocol *known_for(unsigned port)
{
	for (const struct tls_protocol *const *p = protocol_all(); *p != NULL; p++) {
		if ((*p)->port == port || (*p)->implicit_port == port ||
		    (*p)->second_implicit_port == port)
			return *p;
	}
	return NULL;
}

/* The protocol the port is known for. A server-first one only listens first, so
 * it may take the whole deadline (a late greeting); any other is a guess. */
static enum attempt_result try_port_hint(struct discover_listener *l,
                                         const struct tls_protocol *hint, const struct deadline *dl)
{
	struct protocol_profile profile;
	enum attempt_result result;

	default_profile(hint, &profile);
	if (hint->greets != NULL && !protocol_tls_on_connect(&profile, l->port, false))
		return attempt(l, hint, dl);
	result = guess(l, hint, dl);
	if (result == ATTEMPT_TLS && l->target.after_failure.kind != FAULT_NONE)
		look_again(l, hint, dl);
	return result;
}

/* What the listener says before a word is said to it, read under a short wait;
 * *LEN 0 when it said nothing. Returns ATTEMPT_OTHER, or ATTEMPT_CLOSED when
 * nothing listens. */
static enum attempt_result listen_first(struct discover_listener *l, const struct deadline *dl,
                                        unsigned char *greeting, size_t size, size_t *len)
{
	struct net_address_list *addresses = &l->target.addresses;
	struct deadline wait;
	struct net_conn *conn = &l->target.conn;
	struct fault f;
	int fd = -1;
	enum attempt_result result = ATTEMPT_CLOSED;

	*len = 0;
	greeting[0] = '\0';
	if (net_resolve(l->host_ascii, l->port, AF_UNSPEC, dl, addresses, &f) < 0 ||
	    addresses->count == 0 || net_connect(&addresses->items[0], dl, &fd, &f) < 0) {
		snprintf(l->detail, sizeof(l->detail), "%s", f.text);
		return ATTEMPT_CLOSED;
	}
	result = ATTEMPT_OTHER;
	deadline_within(&wait, dl, GREETING_SECONDS);
	net_conn_init(conn, fd, &wait);
	if (greeting_read(conn, greeting, size, len, &f) < 0 && f.kind != FAULT_TIMEOUT)
		snprintf(l->detail, sizeof(l->detail), "%s", f.text);
	close(fd);
	return result;
}

/* The greeting's protocols, the port's own already tried. */
static enum attempt_result try_greeting(struct discover_listener *l, const unsigned char *greeting,
                                        size_t len, const struct tls_protocol *hint,
                                        const struct deadline *dl)
{
	const struct tls_protocol *candidates[CANDIDATES_MAX];
	size_t count = greeting_recognise(greeting, len, candidates, CANDIDATES_MAX);
	enum attempt_result result;
	char quoted[TEXTPROTO_QUOTE_SIZE];

	for (size_t i = 0; i < count; i++) {
		if (candidates[i] == hint)
			continue;
		result = attempt(l, candidates[i], dl);
		if (result != ATTEMPT_OTHER)
			return result;
	}
	if (l->protocol == NULL && count > 0)
		l->protocol = candidates[0];
	textproto_quote(quoted, sizeof(quoted), (const char *)greeting);
	snprintf(l->detail, sizeof(l->detail), "greets '%s'", quoted);
	return ATTEMPT_NO_TLS;
}

/* A silent listener: TLS at connect, then the upgrades of the protocols where the
 * client speaks first (PostgreSQL's SSLRequest, LDAP's StartTLS, XMPP's stream). */
static enum attempt_result try_client_first(struct discover_listener *l,
                                            const struct tls_protocol *hint,
                                            const struct deadline *dl)
{
	enum attempt_result result = ATTEMPT_OTHER;

	if (hint == NULL || hint->upgrade != NULL)
		result = guess(l, protocol_default(), dl);
	/* The port's protocol was tried before TLS only: it is asked behind TLS too. */
	if (result == ATTEMPT_TLS)
		name_behind_tls(l, NULL, dl);
	for (const struct tls_protocol *const *p = protocol_all();
	     *p != NULL && result == ATTEMPT_OTHER; p++) {
		if ((*p)->upgrade != NULL && (*p)->greets == NULL && *p != hint)
			result = guess(l, *p, dl);
	}
	if (result == ATTEMPT_OTHER)
		snprintf(
		        l->detail, sizeof(l->detail),
		        "accepts connections, says nothing, and none of the protocols reached TLS");
	return result;
}

static enum attempt_result find_out(struct discover_listener *l, const struct deadline *dl)
{
	const struct tls_protocol *hint = known_for(l->port);
	unsigned char greeting[PROTOCOL_GREETING_MAX + 1];
	enum attempt_result result;
	size_t len;

	if (hint != NULL) {
		result = try_port_hint(l, hint, dl);
		if (result != ATTEMPT_OTHER)
			return result;
		l->protocol = NULL;
	}
	result = listen_first(l, dl, greeting, sizeof(greeting), &len);
	if (result != ATTEMPT_OTHER)
		return result;
	if (len > 0)
		return try_greeting(l, greeting, len, hint, dl);
	return try_client_first(l, hint, dl);
}

static void discover_one(void *context, size_t index)
{
	struct discover_run *r = context;
	struct discover_listener *l = &r->listeners[index];
	struct deadline dl;

	l->name = (struct target_name){
	        .host = l->host_ascii,
	        .sni = hostname_is_ip_literal(l->host_ascii) ? NULL : l->host_ascii,
	        .display = l->host,
	};
	deadline_start(&dl, r->options.timeout);
	switch (find_out(l, &dl)) {
	case ATTEMPT_TLS:
		l->outcome = DISCOVER_TLS;
		break;
	case ATTEMPT_CLOSED:
		l->outcome = DISCOVER_CLOSED;
		break;
	default:
		l->outcome = DISCOVER_NO_TLS;
		break;
	}
	/* Nothing but the chain is kept; the rest goes before the next listener. */
	l->target.fd = -1;
}

/* ----------------------------------------------------------------------------
 * Judging what was found */

static bool trusted_by(const struct trust_anchors *anchors, const struct cert_chain *chain)
{
	struct trust_result result;
	struct fault f;

	return anchors != NULL && trust_verify(anchors, chain, &result, &f) == 0 && result.trusted;
}

/* The first store that validates L's chain: each -C file alone, then the system's. */
static void find_store(struct discover_run *r, struct discover_listener *l)
{
	for (size_t i = 0; i < r->options.ca_file_count; i++) {
		if (trusted_by(r->anchors[i], &l->target.chain)) {
			l->ca_file = r->options.ca_files[i];
			return;
		}
	}
	if (r->system == NULL && r->system_failure.kind == FAULT_NONE) {
		struct trust_store system = {0};

		trust_load(&system, NULL, &r->system, &r->system_failure);
	}
	l->system_trusted = trusted_by(r->system, &l->target.chain);
}

/* NAME, from the leaf, becomes the check's -H only if it is a valid host name by
 * -H's own parser (in its ASCII form): it is written into engine configuration,
 * which runs it. Otherwise the first refusal is kept, quoted. */
static bool take_leaf_name(struct discover_listener *l, const char *name)
{
	static const char invalid[] = "is not a valid host name: ";
	char quoted[TEXTPROTO_QUOTE_SIZE], problem[TEXTPROTO_QUOTE_SIZE];
	const char *why, *next;
	struct fault f;

	if (hostname_to_ascii(name, l->check_name, sizeof(l->check_name), &f) == 0) {
		l->name_refused[0] = '\0';
		return true;
	}
	l->check_name[0] = '\0';
	if (l->name_refused[0] != '\0')
		return false;
	/* The parser's message quotes the name raw: only its problem is kept. */
	for (why = f.text; (next = strstr(why, invalid)) != NULL; why = next + sizeof(invalid) - 1)
		;
	textproto_quote(quoted, sizeof(quoted), name);
	textproto_quote(problem, sizeof(problem), why);
	snprintf(l->name_refused, sizeof(l->name_refused),
	         "the certificate's name '%s' is not a valid host name: %s", quoted, problem);
	return false;
}

/* The name the check should send and verify: HOST, unless HOST is an address;
 * then the leaf's first DNS name that is a valid host name (not a wildcard), or
 * its CN. "" for none. */
static void choose_check_name(struct discover_listener *l)
{
	const struct cert_info *leaf = &l->target.chain.items[0];

	l->check_address = false;
	l->name_refused[0] = '\0';
	snprintf(l->check_name, sizeof(l->check_name), "%s", l->host);
	if (!hostname_is_ip_literal(l->host_ascii))
		return;
	l->check_address = true;
	l->check_name[0] = '\0';
	for (size_t i = 0; i < leaf->san_count; i++) {
		if (!hostname_is_ip_literal(leaf->sans[i]) && leaf->sans[i][0] != '*' &&
		    take_leaf_name(l, leaf->sans[i]))
			return;
	}
	if (strncmp(leaf->label, "CN=", 3) == 0 && cert_matches_name(leaf, leaf->label + 3))
		take_leaf_name(l, leaf->label + 3);
}

bool discover_has_own_plugin(const struct tls_protocol *p)
{
	return p->own_plugin;
}

/* The plugin's arguments for L (after argv[0]): -P, -H, -I, -p, -C, as its
 * command line takes them. PORT holds the port's text. Returns how many. */
static int check_argv(const struct discover_listener *l, const char **argv, char *port,
                      size_t port_size)
{
	int n = 0;

	snprintf(port, port_size, "%u", l->port);
	argv[n++] = "-P";
	argv[n++] = l->protocol->name;
	if (l->check_name[0] != '\0') {
		argv[n++] = "-H";
		argv[n++] = l->check_name;
	} else {
		argv[n++] = "-H";
		argv[n++] = l->host_ascii;
		argv[n++] = "--no-verify-name";
	}
	if (l->check_address && l->check_name[0] != '\0') {
		argv[n++] = "-I";
		argv[n++] = l->host_ascii;
	}
	argv[n++] = "-p";
	argv[n++] = port;
	if (l->implicit_tls)
		argv[n++] = "--implicit-tls";
	if (l->ca_file != NULL) {
		argv[n++] = "-C";
		argv[n++] = l->ca_file;
	}
	if (l->tlsa_records > 0)
		argv[n++] = "--dane";
	return n;
}

/* How many TLSA records L's name publishes in a validated answer (0 for an
 * address, an unsigned zone, a resolver that does not validate, or no
 * answer): those are the listeners a DANE client checks, so their check
 * should. A short look of its own, asked of the system's resolver. */
static size_t secure_tlsa(const struct discover_listener *l)
{
	struct dns_tlsa_answer *a;
	struct deadline dl;
	struct fault ignored;
	size_t n = 0;

	if (l->check_name[0] == '\0' || hostname_is_ip_literal(l->check_name))
		return 0;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return 0;
	deadline_start(&dl, TLSA_SECONDS);
	if (dns_lookup_tlsa(l->check_name, l->port, NULL, &dl, a, &ignored) == 0 &&
	    a->status.security == DNS_SECURE)
		n = a->total;
	free(a);
	return n;
}

/* Append ARG to OUT, quoted for a POSIX shell when it needs it. */
static void append_word(char *out, size_t size, const char *arg)
{
	size_t used = strlen(out);
	bool plain = arg[0] != '\0' && strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
	                                           "VWXYZ0123456789-_.,:/@=+%") == strlen(arg);

	if (used > 0 && used + 1 < size)
		out[used++] = ' ', out[used] = '\0';
	if (plain) {
		snprintf(out + used, size - used, "%s", arg);
		return;
	}
	snprintf(out + used, size - used, "'");
	for (const char *c = arg; *c != '\0'; c++) {
		used = strlen(out);
		snprintf(out + used, size - used, *c == '\'' ? "'\\''" : "%c", *c);
	}
	used = strlen(out);
	snprintf(out + used, size - used, "'");
}

static void format_command(struct discover_listener *l, const char *const *argv, int argc)
{
	char plugin[64];
	bool own = discover_has_own_plugin(l->protocol);

	snprintf(plugin, sizeof(plugin), own ? "check_tls_%s" : "check_tls", l->protocol->name);
	l->command[0] = '\0';
	append_word(l->command, sizeof(l->command), plugin);
	/* -P is the plugin's own protocol, or tls (the default): said only when needed. */
	for (int i = own || strcmp(l->protocol->name, "tls") == 0 ? 2 : 0; i < argc; i++)
		append_word(l->command, sizeof(l->command), argv[i]);
}

/* The settings of L's check, as its command line (check_argv()) says: its
 * protocol and port, the name it sends and verifies (HOST, or the leaf's name
 * at the address HOST), the -C file. Returns 0, or -1 with F when the name is
 * no host name. */
static int check_settings(const struct discover_listener *l, struct settings *s, struct fault *f)
{
	settings_for_protocol(s, l->protocol, l->port);
	s->probe.implicit_tls = l->implicit_tls;
	if (l->ca_file != NULL) {
		s->judge.store.ca_files[0] = l->ca_file;
		s->judge.store.ca_file_count = 1;
	}
	if (l->check_name[0] == '\0') {
		if (settings_set_host(s, l->host_ascii, f) < 0)
			return -1;
		s->probe.verify_name[0] = '\0'; /* --no-verify-name */
		s->probe.verify_name_display = NULL;
		return 0;
	}
	if (settings_set_host(s, l->check_name, f) < 0)
		return -1;
	if (l->check_address) {
		snprintf(s->probe.addresses[0], sizeof(s->probe.addresses[0]), "%s", l->host_ascii);
		s->probe.address_count = 1;
	}
	return 0;
}

/* Judge L's chain as its check would, with the check's own settings. */
static void judge(struct discover_run *r, struct discover_listener *l)
{
	const char *argv[ARGV_MAX];
	struct settings *settings = malloc(sizeof(*settings));
	struct target_judging judging = {0};
	char port[8];
	struct fault f;

	find_store(r, l);
	choose_check_name(l);
	l->tlsa_records = secure_tlsa(l);
	format_command(l, argv, check_argv(l, argv, port, sizeof(port)));
	if (settings == NULL || check_settings(l, settings, &f) < 0) {
		l->state = STATE_UNKNOWN;
		goto out;
	}
	l->name.verify =
	        settings->probe.verify_name[0] != '\0' ? settings->probe.verify_name : NULL;
	l->name.verify_display = settings->probe.verify_name_display;
	judging.anchors = l->ca_file != NULL ? r->anchors[0] : r->system;
	for (size_t i = 0; l->ca_file != NULL && i < r->options.ca_file_count; i++) {
		if (r->options.ca_files[i] == l->ca_file)
			judging.anchors = r->anchors[i];
	}
	judging.store_failure = &r->system_failure;
	target_judge(&l->target, settings, &judging);
	/* They pointed into SETTINGS. */
	l->name.verify = NULL;
	l->target.facts.judge = NULL;
	l->state = verdict_worst(&l->target.verdict);
	l->days_known = l->target.verdict.expiry.valid;
	l->days_left = l->target.verdict.expiry.seconds_left / 86400.0;
	verdict_sort(&l->target.verdict);
out:
	free(settings);
}

/* The named stores are arguments: unusable, they end the run before any probe. */
static int load_named_stores(struct discover_run *r, struct fault *f)
{
	for (size_t i = 0; i < r->options.ca_file_count; i++) {
		struct trust_store store = {.ca_files = {r->options.ca_files[i]},
		                            .ca_file_count = 1};

		if (trust_load(&store, NULL, &r->anchors[i], f) < 0)
			return -1;
	}
	return 0;
}

int discover_run(struct discover_run *r, struct fault *f)
{
	if (load_named_stores(r, f) < 0)
		return -1;
	workers_run(r->count, r->options.parallel, discover_one, r);
	for (size_t i = 0; i < r->count; i++) {
		if (r->listeners[i].outcome == DISCOVER_TLS)
			judge(r, &r->listeners[i]);
	}
	return 0;
}

void discover_release(struct discover_run *r)
{
	for (size_t i = 0; i < r->count; i++)
		target_release(&r->listeners[i].target);
	free(r->listeners);
	for (size_t i = 0; i < r->options.ca_file_count; i++)
		trust_free(r->anchors[i]);
	trust_free(r->system);
	memset(r, 0, sizeof(*r));
}
