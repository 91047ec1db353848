#include <config.h>

#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
 * The listeners to find out: the targets as listed, checked whole before any
 * probe, expanded one listener at a time when its turn comes. */

/* Ports a spec lists: FIRST to LAST, after BEFORE ports of the ranges before. */
struct port_range {
	unsigned first, last;
	size_t before;
};

struct discover_spec {
	const char *host, *host_ascii, *connect_to, *process; /* the run's text */
	/* An address block: ADDRESSES addresses of FAMILY from BASE (network order). */
	bool block;
	int family;
	unsigned char base[16];
	size_t addresses;
	struct port_range *ranges;
	size_t range_count;
	size_t ports; /* what the ranges hold */
	size_t first; /* the plan's index of its first listener */
	size_t listed;
	bool knock; /* a range or a block: knocked on first */
};

/* The run's strings, in blocks freed with it. */
struct discover_text {
	struct discover_text *next;
	size_t used, size;
	char data[];
};

#define TEXT_BLOCK ((size_t)64 << 10)

/* A copy of S that lives as long as R; NULL when memory ran out. */
static const char *keep_text(struct discover_run *r, const char *s)
{
	size_t len = strlen(s) + 1;
	struct discover_text *t = r->text;
	char *copy;

	if (t == NULL || t->size - t->used < len) {
		size_t size = len > TEXT_BLOCK ? len : TEXT_BLOCK;

		t = malloc(sizeof(*t) + size);
		if (t == NULL)
			return NULL;
		*t = (struct discover_text){.next = r->text, .size = size};
		r->text = t;
	}
	copy = t->data + t->used;
	memcpy(copy, s, len);
	t->used += len;
	return copy;
}

static int out_of_memory(struct fault *f)
{
	fault_set(f, FAULT_INTERNAL, "out of memory for the targets");
	return -1;
}

/* The ports one spec lists, each once, in the order first listed. */
struct port_list {
	struct port_range *ranges;
	size_t count, cap, ports;
	bool ranged; /* a range was listed */
	unsigned char seen[65536 / 8];
};

static bool port_seen(struct port_list *pl, unsigned port)
{
	bool seen = pl->seen[port / 8] & (1u << (port % 8));

	pl->seen[port / 8] |= (unsigned char)(1u << (port % 8));
	return seen;
}

/* Add FIRST..LAST, less the ports listed already. */
static int list_ports(struct port_list *pl, unsigned first, unsigned last, struct fault *f)
{
	for (unsigned p = first; p <= last; p++) {
		struct port_range *grown;

		if (port_seen(pl, p))
			continue;
		if (pl->count > 0 && pl->ranges[pl->count - 1].last + 1 == p) {
			pl->ranges[pl->count - 1].last = p;
		} else {
			if (pl->count == pl->cap) {
				pl->cap = pl->cap ? 2 * pl->cap : 4;
				grown = realloc(pl->ranges, pl->cap * sizeof(*grown));
				if (grown == NULL)
					return out_of_memory(f);
				pl->ranges = grown;
			}
			pl->ranges[pl->count++] = (struct port_range){p, p, pl->ports};
		}
		pl->ports++;
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

/* One item of a port list: "25" or "8000-8100". */
static int parse_port_item(char *item, struct port_list *pl, struct fault *f)
{
	char *dash = strchr(item, '-');
	unsigned first, last;
	char quoted[128];

	if (dash == NULL) {
		if (parse_port(item, &first, f) < 0)
			return -1;
		return list_ports(pl, first, first, f);
	}
	*dash = '\0';
	if (parse_port(item, &first, f) < 0 || parse_port(dash + 1, &last, f) < 0) {
		*dash = '-';
		snprintf(quoted, sizeof(quoted), "%.100s", item);
		fault_set(f, FAULT_USAGE, "'%s' is not a port range (FIRST-LAST, from 1 to 65535)",
		          quoted);
		return -1;
	}
	if (first > last) {
		*dash = '-';
		fault_set(f, FAULT_USAGE, "'%.100s' is a reversed port range", item);
		return -1;
	}
	pl->ranged = pl->ranged || first < last;
	return list_ports(pl, first, last, f);
}

static int parse_ports(char *ports, struct port_list *pl, struct fault *f)
{
	for (char *next, *p = ports; p != NULL; p = next) {
		next = strchr(p, ',');
		if (next != NULL)
			*next++ = '\0';
		if (parse_port_item(p, pl, f) < 0)
			return -1;
	}
	return 0;
}

/* Every port of the protocol table, each once. */
static int table_ports(struct port_list *pl, struct fault *f)
{
	for (const struct tls_protocol *const *p = protocol_all(); *p != NULL; p++) {
		const unsigned ports[] = {(*p)->port, (*p)->implicit_port,
		                          (*p)->second_implicit_port};

		for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
			if (ports[i] != 0 && list_ports(pl, ports[i], ports[i], f) < 0)
				return -1;
		}
	}
	return 0;
}

/* Add S (its strings kept already) with PL's ports, which it takes. */
static int add_spec(struct discover_run *r, struct discover_spec *s, struct port_list *pl,
                    struct fault *f)
{
	struct discover_spec *grown;
	size_t listeners = s->addresses * pl->ports;

	if (listeners > DISCOVER_MAX_LISTENERS - r->planned) {
		fault_set(f, FAULT_USAGE,
		          "more than %zu listeners (hosts x ports): at most %zu a run",
		          DISCOVER_MAX_LISTENERS, DISCOVER_MAX_LISTENERS);
		return -1;
	}
	if ((r->spec_count & (r->spec_count - 1)) == 0) {
		grown = realloc(r->specs, (r->spec_count ? 2 * r->spec_count : 1) * sizeof(*grown));
		if (grown == NULL)
			return out_of_memory(f);
		r->specs = grown;
	}
	s->knock = s->knock || pl->ranged;
	s->ranges = pl->ranges;
	s->range_count = pl->count;
	s->ports = pl->ports;
	s->listed = r->spec_count;
	pl->ranges = NULL;
	r->specs[r->spec_count++] = *s;
	r->planned += listeners;
	r->plan_ready = false;
	return 0;
}

/* HOST/PREFIX: an address block no larger than the bound, from its first
 * address (the host bits cleared). */
static int parse_block(const char *host, struct discover_spec *s, struct fault *f)
{
	char address[INET6_ADDRSTRLEN];
	const char *slash = strchr(host, '/');
	char *end;
	unsigned long prefix = strtoul(slash + 1, &end, 10);
	unsigned bits, least;

	snprintf(address, sizeof(address), "%.*s", (int)(slash - host), host);
	s->family = strchr(address, ':') != NULL ? AF_INET6 : AF_INET;
	bits = s->family == AF_INET6 ? 128 : 32;
	least = s->family == AF_INET6 ? DISCOVER_MIN_PREFIX_V6 : DISCOVER_MIN_PREFIX_V4;
	if ((size_t)(slash - host) >= sizeof(address) ||
	    inet_pton(s->family, address, s->base) != 1 || slash[1] < '0' || slash[1] > '9' ||
	    *end != '\0' || prefix > bits) {
		fault_set(f, FAULT_USAGE, "'%.100s' is not an address block (ADDRESS/PREFIX)",
		          host);
		return -1;
	}
	if (prefix < least) {
		fault_set(f, FAULT_USAGE,
		          "'%.100s' is larger than a /%u: at most %zu addresses a block", host,
		          least, (size_t)1 << (bits - least));
		return -1;
	}
	for (unsigned b = (unsigned)prefix; b < bits; b++)
		s->base[b / 8] &= (unsigned char)~(0x80u >> (b % 8));
	s->block = s->knock = true;
	s->addresses = (size_t)1 << (bits - prefix);
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

/* The strings of S: HOST as listed, ASCII, where to connect, the owner. */
static int name_spec(struct discover_run *r, struct discover_spec *s, const char *host,
                     const char *ascii, const char *connect_to, const char *process,
                     struct fault *f)
{
	s->host = keep_text(r, host);
	s->host_ascii = keep_text(r, ascii);
	s->connect_to = connect_to != NULL ? keep_text(r, connect_to) : s->host_ascii;
	s->process = keep_text(r, process != NULL ? process : "");
	if (s->host == NULL || s->host_ascii == NULL || s->connect_to == NULL || s->process == NULL)
		return out_of_memory(f);
	return 0;
}

/* TARGET's host and ports, into S and PL. TEXT is TARGET's copy, cut up. */
static int parse_target(struct discover_run *r, const char *target, char *text,
                        struct discover_spec *s, struct port_list *pl, struct fault *f)
{
	char ascii[HOSTNAME_MAX];
	char *host, *ports;

	if (split_target(text, &host, &ports, f) < 0)
		return -1;
	if (host[0] == '\0') {
		fault_set(f, FAULT_USAGE, "'%.100s' names no host", target);
		return -1;
	}
	s->addresses = 1;
	if (strchr(host, '/') != NULL) {
		if (parse_block(host, s, f) < 0)
			return -1;
		snprintf(ascii, sizeof(ascii), "%s", host);
	} else if (hostname_to_ascii(host, ascii, sizeof(ascii), f) < 0) {
		return -1;
	}
	if ((ports == NULL ? table_ports(pl, f) : parse_ports(ports, pl, f)) < 0)
		return -1;
	return name_spec(r, s, host, ascii, NULL, NULL, f);
}

int discover_add_target(struct discover_run *r, const char *target, struct fault *f)
{
	struct discover_spec s = {0};
	struct port_list *pl = calloc(1, sizeof(*pl));
	char *text = strdup(target);
	int rc = -1;

	if (pl == NULL || text == NULL) {
		rc = out_of_memory(f);
		goto out;
	}
	if (parse_target(r, target, text, &s, pl, f) == 0)
		rc = add_spec(r, &s, pl, f);
out:
	if (pl != NULL)
		free(pl->ranges);
	free(pl);
	free(text);
	return rc;
}

int discover_add_listener(struct discover_run *r, const char *host, unsigned port,
                          const char *process, struct fault *f)
{
	struct discover_spec s = {.addresses = 1};
	struct port_list *pl = calloc(1, sizeof(*pl));
	int rc = -1;

	if (pl == NULL)
		return out_of_memory(f);
	if (list_ports(pl, port, port, f) == 0 &&
	    name_spec(r, &s, host, host, NULL, process, f) == 0)
		rc = add_spec(r, &s, pl, f);
	free(pl->ranges);
	free(pl);
	return rc;
}

/* ----------------------------------------------------------------------------
 * nmap's grepable output: "Host: 192.0.2.7 (mail.test)\tPorts: 25/open/tcp//smtp///,
 * 80/closed/tcp//http///\tIgnored State: filtered (998)". Each port entry is
 * PORT/STATE/PROTOCOL/OWNER/SERVICE/RPC/VERSION/: seven slashes, whatever the
 * version says (it may hold commas). */

#define NMAP_HOST    "Host: "
#define NMAP_PORTS   "Ports: "
#define NMAP_SLASHES 7

/* One port entry at *AT: its port, and whether it is open over TCP. Moves *AT past
 * it and its ", ". Returns 0, or -1 with F. */
static int nmap_port(char **at, unsigned *port, bool *open_tcp, struct fault *f)
{
	char *entry = *at, *field[NMAP_SLASHES], *c = entry;
	char *end;
	unsigned long n = strtoul(entry, &end, 10);

	for (size_t i = 0; i < NMAP_SLASHES; i++) {
		c = strchr(c, '/');
		if (c == NULL)
			break;
		field[i] = ++c;
	}
	if (c == NULL || entry[0] < '0' || entry[0] > '9' || *end != '/' || n == 0 || n > 65535 ||
	    (*c != '\0' && strncmp(c, ", ", 2) != 0)) {
		fault_set(f, FAULT_USAGE, "'%.60s' is not an nmap port entry", entry);
		return -1;
	}
	*port = (unsigned)n;
	*open_tcp = strncmp(field[0], "open/", 5) == 0 && strncmp(field[1], "tcp/", 4) == 0;
	*at = *c != '\0' ? c + 2 : c;
	return 0;
}

static int nmap_ports(char *ports, struct port_list *pl, struct fault *f)
{
	unsigned port;
	bool open_tcp;

	while (*ports != '\0') {
		if (nmap_port(&ports, &port, &open_tcp, f) < 0)
			return -1;
		if (open_tcp && list_ports(pl, port, port, f) < 0)
			return -1;
	}
	return 0;
}

/* "ADDRESS (NAME)": the address connected to, and the host as nmap named it
 * (NAME, else ADDRESS; a NAME that is no host name is passed over). */
static int nmap_host(char *text, struct discover_run *r, struct discover_spec *s, struct fault *f)
{
	char *open = strstr(text, " ("), *name = open != NULL ? open + 2 : NULL;
	char ascii[HOSTNAME_MAX], *close = name != NULL ? strchr(name, ')') : NULL;
	unsigned char bytes[16];
	struct fault ignored;

	if (open == NULL || close == NULL || close[1] != '\0') {
		fault_set(f, FAULT_USAGE, "'%.100s' is not nmap's 'ADDRESS (NAME)'", text);
		return -1;
	}
	*open = *close = '\0';
	if (inet_pton(strchr(text, ':') != NULL ? AF_INET6 : AF_INET, text, bytes) != 1) {
		fault_set(f, FAULT_USAGE, "'%.100s' is not an address", text);
		return -1;
	}
	if (name[0] == '\0' || hostname_is_ip_literal(name) ||
	    hostname_to_ascii(name, ascii, sizeof(ascii), &ignored) < 0)
		return name_spec(r, s, text, text, NULL, NULL, f);
	return name_spec(r, s, name, ascii, text, NULL, f);
}

/* One "Host: " line of nmap's, its fields apart by tabs. */
static int add_nmap_line(struct discover_run *r, char *line, struct fault *f)
{
	struct discover_spec s = {.addresses = 1};
	struct port_list *pl = calloc(1, sizeof(*pl));
	char *tab = strchr(line, '\t'), *field;
	int rc = -1;

	if (pl == NULL)
		return out_of_memory(f);
	if (tab != NULL)
		*tab++ = '\0';
	if (nmap_host(line + strlen(NMAP_HOST), r, &s, f) < 0)
		goto out;
	for (field = tab; field != NULL; field = tab) {
		tab = strchr(field, '\t');
		if (tab != NULL)
			*tab++ = '\0';
		if (strncmp(field, NMAP_PORTS, strlen(NMAP_PORTS)) == 0 &&
		    nmap_ports(field + strlen(NMAP_PORTS), pl, f) < 0)
			goto out;
	}
	rc = pl->ports > 0 ? add_spec(r, &s, pl, f) : 0;
out:
	free(pl->ranges);
	free(pl);
	return rc;
}

/* What a line of a file of targets is added to. */
struct target_file {
	struct discover_run *run;
	const char *path;
};

int discover_add_line(struct discover_run *r, char *line, struct fault *f)
{
	/* nmap's lines are read whole: what a server said (its version) may
	 * hold a '#'. */
	line += strspn(line, " \t");
	if (strncmp(line, NMAP_HOST, strlen(NMAP_HOST)) == 0)
		return add_nmap_line(r, line, f);
	line = file_list_item(line);
	return line == NULL ? 0 : discover_add_target(r, line, f);
}

static int add_listed_target(char *line, unsigned number, void *arg, struct fault *f)
{
	struct target_file *tf = arg;
	char why[FAULT_TEXT_SIZE];

	if (discover_add_line(tf->run, line, f) == 0)
		return 0;
	snprintf(why, sizeof(why), "%s", f->text);
	fault_set(f, f->kind, "file '%s' line %u: %s", tf->path, number, why);
	return -1;
}

int discover_add_file(struct discover_run *r, const char *path, struct fault *f)
{
	struct target_file tf = {r, path};

	return file_read_raw_lines(path, "file of targets", DISCOVER_FILE_MAX, add_listed_target,
	                           &tf, f);
}

/* ----------------------------------------------------------------------------
 * The plan: each listener once, found by its index */

static bool same_place(const struct discover_spec *x, const struct discover_spec *y)
{
	return strcmp(x->host, y->host) == 0 && strcmp(x->connect_to, y->connect_to) == 0 &&
	       strcmp(x->process, y->process) == 0;
}

static int by_place(const void *a, const void *b)
{
	const struct discover_spec *x = *(const struct discover_spec *const *)a;
	const struct discover_spec *y = *(const struct discover_spec *const *)b;
	int c = strcmp(x->host, y->host);

	if (c == 0)
		c = strcmp(x->connect_to, y->connect_to);
	if (c == 0)
		c = strcmp(x->process, y->process);
	return c != 0 ? c : x->listed < y->listed ? -1 : x->listed > y->listed;
}

/* INTO is listed first: it takes FROM's ports that it lists not, and FROM none. */
static int merge_spec(struct discover_spec *into, struct discover_spec *from, struct fault *f)
{
	struct port_list *pl = calloc(1, sizeof(*pl));
	int rc = -1;

	if (pl == NULL)
		return out_of_memory(f);
	for (size_t i = 0; i < into->range_count; i++) {
		if (list_ports(pl, into->ranges[i].first, into->ranges[i].last, f) < 0)
			goto out;
	}
	for (size_t i = 0; i < from->range_count; i++) {
		if (list_ports(pl, from->ranges[i].first, from->ranges[i].last, f) < 0)
			goto out;
	}
	free(into->ranges);
	into->ranges = pl->ranges;
	into->range_count = pl->count;
	into->ports = pl->ports;
	pl->ranges = NULL;
	free(from->ranges);
	into->knock = into->knock || from->knock;
	from->ranges = NULL;
	from->range_count = from->ports = 0;
	rc = 0;
out:
	free(pl->ranges);
	free(pl);
	return rc;
}

/* The same place listed twice (the same host, or block, written alike, with the
 * same owner) is probed once, in the order it was first listed. */
static int merge_duplicates(struct discover_run *r, struct fault *f)
{
	struct discover_spec **sorted = malloc((r->spec_count + 1) * sizeof(*sorted));
	int rc = 0;

	if (sorted == NULL)
		return out_of_memory(f);
	for (size_t i = 0; i < r->spec_count; i++)
		sorted[i] = &r->specs[i];
	qsort(sorted, r->spec_count, sizeof(*sorted), by_place);
	for (size_t i = 0, first = 0; i < r->spec_count && rc == 0; i++) {
		if (!same_place(sorted[first], sorted[i]))
			first = i;
		else if (i != first)
			rc = merge_spec(sorted[first], sorted[i], f);
	}
	free(sorted);
	return rc;
}

int discover_plan(struct discover_run *r, size_t *count, struct fault *f)
{
	if (!r->plan_ready) {
		if (merge_duplicates(r, f) < 0)
			return -1;
		r->planned = 0;
		for (size_t i = 0; i < r->spec_count; i++) {
			r->specs[i].first = r->planned;
			r->planned += r->specs[i].addresses * r->specs[i].ports;
		}
		r->plan_ready = true;
	}
	*count = r->planned;
	return 0;
}

/* Of COUNT items of SIZE bytes, sorted by the size_t at offset FIELD (where each
 * starts), the last that starts at or before INDEX. */
static size_t last_starting_by(const void *items, size_t count, size_t size, size_t field,
                               size_t index)
{
	const unsigned char *base = items;
	size_t low = 0, high = count;

	while (high - low > 1) {
		size_t mid = low + (high - low) / 2, start;

		memcpy(&start, base + mid * size + field, sizeof(start));
		if (start <= index)
			low = mid;
		else
			high = mid;
	}
	return low;
}

/* The spec that holds the INDEXth listener (a spec of no port holds none). */
static const struct discover_spec *spec_of(const struct discover_run *r, size_t index)
{
	return &r->specs[last_starting_by(r->specs, r->spec_count, sizeof(*r->specs),
	                                  offsetof(struct discover_spec, first), index)];
}

/* The port of the INDEXth listener of S's ports. */
static unsigned port_of(const struct discover_spec *s, size_t index)
{
	const struct port_range *range =
	        &s->ranges[last_starting_by(s->ranges, s->range_count, sizeof(*s->ranges),
	                                    offsetof(struct port_range, before), index)];

	return range->first + (unsigned)(index - range->before);
}

/* The OFFSETth address of block S, as text into OUT. */
static void block_address(const struct discover_spec *s, size_t offset, char *out, size_t size)
{
	unsigned char a[16];
	size_t len = s->family == AF_INET6 ? 16 : 4;
	unsigned carry = 0;

	memcpy(a, s->base, len);
	for (size_t i = len; i-- > 0 && (offset > 0 || carry > 0); offset >>= 8) {
		unsigned sum = a[i] + (unsigned)(offset & 0xff) + carry;

		a[i] = (unsigned char)sum;
		carry = sum >> 8;
	}
	inet_ntop(s->family, a, out, (socklen_t)size);
}

int discover_planned_at(const struct discover_run *r, size_t index, struct discover_place *out)
{
	const struct discover_spec *s;
	size_t offset;

	if (!r->plan_ready || index >= r->planned)
		return -1;
	s = spec_of(r, index);
	offset = index - s->first;
	*out = (struct discover_place){
	        .host = s->host,
	        .host_ascii = s->host_ascii,
	        .connect_to = s->connect_to,
	        .port = port_of(s, offset % s->ports),
	        .process = s->process,
	        .knock = s->knock,
	};
	if (s->block) {
		block_address(s, offset / s->ports, out->address, sizeof(out->address));
		out->host = out->host_ascii = out->connect_to = out->address;
	}
	return 0;
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

/* A listener while it is found out and judged: the probes' state (a target
 * holds a whole chain, its addresses and its findings), held by one worker for
 * one listener at a time; what the output reads of it is kept, the rest goes. */
struct probing {
	struct discover_place place;
	const char *host, *host_ascii, *connect_to; /* PLACE's */
	unsigned port;
	size_t order;
	enum discover_outcome outcome;
	const struct tls_protocol *protocol;
	bool implicit_tls;
	char detail[FAULT_TEXT_SIZE];

	struct target target;
	struct target_name name;
	const char *ca_file;
	bool system_trusted;
	char check_name[HOSTNAME_MAX];
	bool check_address;
	char name_refused[FAULT_TEXT_SIZE];
	size_t tlsa_records; /* in a validated answer: the check gets --dane */
	char command[DISCOVER_COMMAND_SIZE];
	enum plugin_state state;
	bool days_known;
	double days_left;
};

/* What one attempt at TLS came to. */
enum attempt_result {
	ATTEMPT_TLS,    /* a chain was served: the listener's target holds it */
	ATTEMPT_NO_TLS, /* the protocol answered like itself and declined TLS */
	ATTEMPT_CLOSED, /* nothing listens (refused, unreachable) */
	ATTEMPT_OTHER,  /* it did not answer like this protocol: try another way */
};

static enum attempt_result attempt(struct probing *l, const struct tls_protocol *p,
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
	target_init(t, l->connect_to, &l->name);
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
static enum attempt_result guess(struct probing *l, const struct tls_protocol *p,
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

static bool look_behind_tls(struct probing *l, const struct tls_protocol *p,
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
	target_init(t, l->connect_to, &l->name);
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
	struct probing *listener;
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
static void name_behind_tls(struct probing *l, const struct tls_protocol *skip,
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
	/* The chain came over TLS without ALPN; P's check offers P's, which the
	 * service answered: a hang-up for the want of it is not what that check
	 * meets (grpc-go). */
	if (p->alpn != NULL)
		l->target.closed_without_alpn = false;
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
static void look_again(struct probing *l, const struct tls_protocol *hint,
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
static enum attempt_result try_port_hint(struct probing *l, const struct tls_protocol *hint,
                                         const struct deadline *dl)
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
static enum attempt_result listen_first(struct probing *l, const struct deadline *dl,
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
	if (net_resolve(l->connect_to, l->port, AF_UNSPEC, dl, addresses, &f) < 0 ||
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
static enum attempt_result try_greeting(struct probing *l, const unsigned char *greeting,
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
static enum attempt_result try_client_first(struct probing *l, const struct tls_protocol *hint,
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

static enum attempt_result find_out(struct probing *l, const struct deadline *dl)
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

static void find_out_one(struct probing *l, double timeout)
{
	struct deadline dl;

	l->name = (struct target_name){
	        .host = l->host_ascii,
	        .sni = hostname_is_ip_literal(l->host_ascii) ? NULL : l->host_ascii,
	        .display = l->host,
	};
	deadline_start(&dl, timeout);
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
static void find_store(struct discover_run *r, struct probing *l)
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
static bool take_leaf_name(struct probing *l, const char *name)
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
static void choose_check_name(struct probing *l)
{
	const struct cert_info *leaf = &l->target.chain.items[0];

	l->check_address = false;
	l->name_refused[0] = '\0';
	snprintf(l->check_name, sizeof(l->check_name), "%s", l->host);
	/* A host nmap named is checked at the address nmap found it at. */
	l->check_address = strcmp(l->connect_to, l->host_ascii) != 0;
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
static int check_argv(const struct probing *l, const char **argv, char *port, size_t port_size)
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
		argv[n++] = l->connect_to;
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
static size_t secure_tlsa(const struct probing *l, double seconds, bool *cut)
{
	struct dns_tlsa_answer *a;
	struct deadline dl;
	struct fault f;
	size_t n = 0;
	int rc;

	/* Cut: --max-time gave the look-up less than its time, and it ran out. */
	*cut = false;
	if (l->check_name[0] == '\0' || hostname_is_ip_literal(l->check_name))
		return 0;
	if (seconds <= 0) {
		*cut = true;
		return 0;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return 0;
	deadline_start(&dl, seconds);
	rc = dns_lookup_tlsa(l->check_name, l->port, NULL, &dl, a, &f);
	if (rc == 0 && a->status.security == DNS_SECURE)
		n = a->total;
	*cut = rc < 0 && f.kind == FAULT_TIMEOUT && seconds < TLSA_SECONDS;
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

static void format_command(struct probing *l, const char *const *argv, int argc)
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
static int check_settings(const struct probing *l, struct settings *s, struct fault *f)
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
		snprintf(s->probe.addresses[0], sizeof(s->probe.addresses[0]), "%s", l->connect_to);
		s->probe.address_count = 1;
	}
	return 0;
}

/* Judge L's chain as its check would, with the check's own settings. */
static void judge(struct discover_run *r, struct probing *l)
{
	const char *argv[ARGV_MAX];
	struct settings *settings = malloc(sizeof(*settings));
	struct target_judging judging = {0};
	char port[8];
	struct fault f;

	find_store(r, l);
	choose_check_name(l);
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

/* ----------------------------------------------------------------------------
 * The run: a window of workers over the plan */

/* What a TLS listener keeps: its leaf (taken from the chain), its findings and
 * the strings of its check. */
struct discover_tls {
	struct cert_info leaf;
	struct finding *findings;
	char check_name[HOSTNAME_MAX];
	char name_refused[FAULT_TEXT_SIZE];
	char command[DISCOVER_COMMAND_SIZE];
};

/* What the workers share: the run, and the lock over its stores, its kept
 * listeners and its text. */
struct window {
	struct discover_run *run;
	const size_t *answered; /* the plan's listeners to find out */
	pthread_mutex_t lock;
	bool short_of_memory;
};

static void forget_tls(struct discover_tls *tls)
{
	if (tls == NULL)
		return;
	cert_info_clear(&tls->leaf);
	free(tls->findings);
	free(tls);
}

/* P's leaf, findings and check strings, moved into L. Returns 0, or -1. */
static int keep_tls(struct discover_listener *l, struct probing *p)
{
	struct discover_tls *tls = calloc(1, sizeof(*tls));
	size_t findings = p->target.verdict.count;

	if (tls == NULL || (tls->findings = calloc(findings + 1, sizeof(struct finding))) == NULL) {
		free(tls);
		return -1;
	}
	memcpy(tls->findings, p->target.verdict.items, findings * sizeof(struct finding));
	tls->leaf = p->target.chain.items[0];
	memset(&p->target.chain.items[0], 0, sizeof(p->target.chain.items[0]));
	memcpy(tls->check_name, p->check_name, sizeof(tls->check_name));
	memcpy(tls->name_refused, p->name_refused, sizeof(tls->name_refused));
	memcpy(tls->command, p->command, sizeof(tls->command));
	l->tls = tls;
	l->target.chain.items = &tls->leaf;
	l->target.chain.count = 1;
	l->target.verdict.items = tls->findings;
	l->target.verdict.count = findings;
	l->check_name = tls->check_name;
	l->name_refused = tls->name_refused;
	l->command = tls->command;
	l->ca_file = p->ca_file;
	l->system_trusted = p->system_trusted;
	l->check_address = p->check_address;
	l->tlsa_records = p->tlsa_records;
	l->state = p->state;
	l->days_known = p->days_known;
	l->days_left = p->days_left;
	return 0;
}

static int grow_listeners(struct discover_run *r)
{
	struct discover_listener *grown;

	if ((r->count & (r->count - 1)) != 0 || (r->count > 0 && r->count < 64))
		return 0;
	grown = realloc(r->listeners, (r->count < 64 ? 64 : 2 * r->count) * sizeof(*grown));
	if (grown == NULL)
		return -1;
	r->listeners = grown;
	return 0;
}

/* A new listener kept at PLACE (a block's address copied), the ORDERth
 * planned, with DETAIL; NULL when memory ran out. */
static struct discover_listener *new_listener(struct discover_run *r,
                                              const struct discover_place *place, size_t order,
                                              enum discover_outcome outcome, const char *detail)
{
	struct discover_listener *l;
	bool block = place->host == place->address;

	if (grow_listeners(r) < 0)
		return NULL;
	l = &r->listeners[r->count];
	*l = (struct discover_listener){
	        .host = block ? keep_text(r, place->host) : place->host,
	        .host_ascii = place->host_ascii,
	        .port = place->port,
	        .order = order,
	        .process = place->process,
	        .outcome = outcome,
	        .detail = keep_text(r, detail),
	        .check_name = "",
	        .name_refused = "",
	        .command = "",
	};
	if (block)
		l->host_ascii = l->host;
	return l->host == NULL || l->detail == NULL ? NULL : l;
}

/* Keep what the output reads of P (under the window's lock): nothing of a
 * closed port unless closed ports are shown. Returns 0, or -1. */
static int keep(struct discover_run *r, struct probing *p)
{
	struct discover_listener *l;

	r->closed += p->outcome == DISCOVER_CLOSED;
	if (p->outcome == DISCOVER_CLOSED && !r->options.keep_closed)
		return 0;
	l = new_listener(r, &p->place, p->order, p->outcome, p->detail);
	if (l == NULL)
		return -1;
	l->protocol = p->protocol;
	l->implicit_tls = p->implicit_tls;
	if (p->outcome == DISCOVER_TLS && keep_tls(l, p) < 0)
		return -1;
	r->count++;
	return 0;
}

/* The seconds one listener may take: -t, or 0 once --max-time has less than
 * that left. A listener is started only with its whole -t ahead of it: cut
 * short, a slow one would be reported silent, which it is not. */
static double listener_seconds(const struct discover_run *r)
{
	if (r->options.max_time <= 0 ||
	    deadline_left_ms(&r->until) >= (int)(r->options.timeout * 1000.0))
		return r->options.timeout;
	return 0;
}

/* WANT seconds, or what --max-time has left when that is less. */
static double seconds_left(const struct discover_run *r, double want)
{
	double left;

	if (r->options.max_time <= 0)
		return want;
	left = deadline_left_ms(&r->until) / 1000.0;
	return left < want ? left : want;
}

/* --dane in P's command when its name publishes TLSA records (secure_tlsa()). */
/* Returns false when --max-time cut the look-up short: the listener is then
 * not fully found out. */
static bool add_dane(struct probing *p, double seconds)
{
	const char *argv[ARGV_MAX];
	char port[8];
	bool cut;

	p->tlsa_records = secure_tlsa(p, seconds, &cut);
	if (p->tlsa_records > 0)
		format_command(p, argv, check_argv(p, argv, port, sizeof(port)));
	return !cut;
}

static void judge_and_keep(struct window *w, struct probing *p)
{
	pthread_mutex_lock(&w->lock);
	/* Judged one at a time: the stores are loaded once, when first needed. */
	if (p->outcome == DISCOVER_TLS)
		judge(w->run, p);
	pthread_mutex_unlock(&w->lock);
	/* A wait on the name server: not under the lock, which the stores need. */
	bool whole = p->outcome != DISCOVER_TLS || add_dane(p, seconds_left(w->run, TLSA_SECONDS));
	pthread_mutex_lock(&w->lock);
	if (!whole)
		w->run->unfinished++; /* left out whole, not kept without its --dane */
	else if (keep(w->run, p) < 0)
		w->short_of_memory = true;
	pthread_mutex_unlock(&w->lock);
}

/* The INDEXth listener of the plan, expanded now, found out, judged and kept;
 * counted unfinished when --max-time is up before it starts. */
static void discover_one(void *context, size_t index)
{
	struct window *w = context;
	double seconds = listener_seconds(w->run);
	struct probing *p;

	if (seconds <= 0) {
		pthread_mutex_lock(&w->lock);
		w->run->unfinished++;
		pthread_mutex_unlock(&w->lock);
		return;
	}
	p = calloc(1, sizeof(*p));

	if (p == NULL || discover_planned_at(w->run, w->answered[index], &p->place) < 0) {
		pthread_mutex_lock(&w->lock);
		w->short_of_memory = w->short_of_memory || p == NULL;
		pthread_mutex_unlock(&w->lock);
		free(p);
		return;
	}
	p->host = p->place.host;
	p->host_ascii = p->place.host_ascii;
	p->connect_to = p->place.connect_to;
	p->port = p->place.port;
	p->order = w->answered[index];
	target_init(&p->target, p->connect_to, &p->name);
	find_out_one(p, seconds);
	judge_and_keep(w, p);
	target_release(&p->target);
	free(p);
}

/* ----------------------------------------------------------------------------
 * Knocking: every port connected to once, many at a time in one poll loop, no
 * thread each; only those that accept (or that are names, resolved by their
 * probes) go on to the workers. */

/* One connection attempt in flight. */
struct knock {
	size_t index; /* in the plan */
	int fd;
	struct net_address address;
	struct deadline deadline;
	/* A name of several addresses, knocked on at its first: refused there,
	 * its probe tries the others. */
	bool others;
};

/* The knocks of a run, and the plan's listeners they found answering. */
struct knocking {
	struct discover_run *run;
	struct knock *knocks;
	struct pollfd *polls;
	size_t active, width;
	/* The addresses of the last host knocked on (its ports follow each other),
	 * looked up once: a name, under -t; NULL: none yet. */
	const char *looked_up;
	struct net_address_list *found;
	bool lookup_failed;
	size_t *answered;
	size_t answered_count;
	bool short_of_memory;
};

static void answered(struct knocking *k, size_t index)
{
	size_t *grown;

	if ((k->answered_count & (k->answered_count - 1)) == 0) {
		grown = realloc(k->answered,
		                (k->answered_count ? 2 * k->answered_count : 1) * sizeof(*grown));
		if (grown == NULL) {
			k->short_of_memory = true;
			return;
		}
		k->answered = grown;
	}
	k->answered[k->answered_count++] = index;
}

/* The INDEXth listener refused, is unreachable, or let its time pass: closed. */
static void knocked_closed(struct knocking *k, size_t index, const struct fault *why)
{
	struct discover_run *r = k->run;
	struct discover_place place;

	r->closed++;
	if (!r->options.keep_closed || discover_planned_at(r, index, &place) < 0)
		return;
	if (new_listener(r, &place, index, DISCOVER_CLOSED, why->text) == NULL)
		k->short_of_memory = true;
	else
		r->count++;
}

/* The first address of PLACE's host, for its port, into OUT: looked up once
 * for all the ports of a host. Returns 0, or -1 (its probe will say why). */
static int knock_address(struct knocking *k, const struct discover_place *place,
                         struct net_address *out)
{
	struct deadline dl;
	struct fault ignored;

	if (k->looked_up != place->connect_to) {
		deadline_start(&dl, seconds_left(k->run, k->run->options.timeout));
		k->looked_up = place->connect_to;
		k->lookup_failed =
		        net_resolve(place->connect_to, 0, AF_UNSPEC, &dl, k->found, &ignored) < 0 ||
		        k->found->count == 0;
	}
	if (k->lookup_failed)
		return -1;
	*out = k->found->items[0];
	net_address_set_port(out, place->port);
	return 0;
}

/* Start knocking on the INDEXth listener into the next free knock. */
static void knock_on(struct knocking *k, size_t index)
{
	struct knock *n = &k->knocks[k->active];
	struct discover_place place;
	struct fault f;
	int rc;

	/* Listed one by one (or by nmap, or --local), it is expected to answer. */
	if (discover_planned_at(k->run, index, &place) < 0 || !place.knock) {
		answered(k, index);
		return;
	}
	/* The address look-up may have taken what --max-time had left. */
	if (knock_address(k, &place, &n->address) < 0 || listener_seconds(k->run) <= 0) {
		if (listener_seconds(k->run) <= 0)
			k->run->unfinished++;
		else
			answered(k, index);
		return;
	}
	n->others = k->found->count > 1 && !hostname_is_ip_literal(place.connect_to);
	rc = net_connect_start(&n->address, &n->fd, &f);
	if (rc == 0) {
		close(n->fd);
		answered(k, index);
	} else if (rc < 0 && n->others) {
		answered(k, index);
	} else if (rc < 0) {
		knocked_closed(k, index, &f);
	} else {
		n->index = index;
		deadline_start(&n->deadline, listener_seconds(k->run));
		k->active++;
	}
}

/* The knock I has ended (READY) or its time has passed: told, and dropped. */
static void knock_ended(struct knocking *k, size_t i, bool ready)
{
	struct knock *n = &k->knocks[i];
	struct fault f;

	if (!ready)
		net_connect_timed_out(&n->address, &f);
	if ((ready && net_connect_end(n->fd, &n->address, &f) == 0) || n->others)
		answered(k, n->index);
	else
		knocked_closed(k, n->index, &f);
	close(n->fd);
	*n = k->knocks[--k->active];
}

/* Wait for the first of the knocks in flight to end, then take every one ended. */
static void wait_knocks(struct knocking *k)
{
	int wait = -1;

	for (size_t i = 0; i < k->active; i++) {
		int left = deadline_left_ms(&k->knocks[i].deadline);

		k->polls[i] = (struct pollfd){.fd = k->knocks[i].fd, .events = POLLOUT};
		wait = wait < 0 || left < wait ? left : wait;
	}
	/* Should poll() fail, the knocks still end when their time is up. */
	if (poll(k->polls, k->active, wait) < 0) {
		for (size_t i = 0; i < k->active; i++)
			k->polls[i].revents = 0;
	}
	for (size_t i = k->active; i-- > 0;) {
		bool ready = k->polls[i].revents != 0;

		if (ready || deadline_left_ms(&k->knocks[i].deadline) == 0)
			knock_ended(k, i, ready);
	}
}

/* Knock on the COUNT listeners of the plan, at most K's width at a time. */
static void knock_all(struct knocking *k, size_t count)
{
	size_t next = 0;

	while (next < count || k->active > 0) {
		/* --max-time up: the ports not knocked on yet are left out. */
		if (next < count && listener_seconds(k->run) <= 0) {
			k->run->unfinished += count - next;
			next = count;
		}
		while (k->active < k->width && next < count)
			knock_on(k, next++);
		if (k->active > 0)
			wait_knocks(k);
	}
}

/* With --max-time, the listeners are found out from a place that moves with
 * the clock: a run that cannot reach them all leaves out another tail each
 * time, so that a machine with more than one run can take is discovered over a
 * few runs instead of never at its end. (The output is sorted all the same.) */
static void rotate_answered(struct knocking *k, const struct discover_run *r)
{
	size_t n = k->answered_count, at, i;
	size_t *rotated;

	if (r->options.max_time <= 0 || n < 2 || (rotated = malloc(n * sizeof(*rotated))) == NULL)
		return;
	at = (size_t)time(NULL) % n;
	for (i = 0; i < n; i++)
		rotated[i] = k->answered[(at + i) % n];
	memcpy(k->answered, rotated, n * sizeof(*rotated));
	free(rotated);
}

int discover_run(struct discover_run *r, struct fault *f)
{
	struct knocking k = {.run = r, .width = DISCOVER_KNOCKS_PER_WORKER * r->options.parallel};
	struct window w = {.run = r};
	size_t count;
	int rc = -1;

	if (r->options.max_time > 0)
		deadline_start(&r->until, r->options.max_time);
	if (discover_plan(r, &count, f) < 0 || load_named_stores(r, f) < 0)
		return -1;
	k.knocks = calloc(k.width, sizeof(*k.knocks));
	k.polls = calloc(k.width, sizeof(*k.polls));
	k.found = malloc(sizeof(*k.found));
	if (k.knocks == NULL || k.polls == NULL || k.found == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory for the connections");
		goto out;
	}
	knock_all(&k, count);
	rotate_answered(&k, r);
	w.answered = k.answered;
	pthread_mutex_init(&w.lock, NULL);
	workers_run(k.answered_count, r->options.parallel, discover_one, &w);
	pthread_mutex_destroy(&w.lock);
	if (w.short_of_memory || k.short_of_memory) {
		fault_set(f, FAULT_INTERNAL, "out of memory for what was found");
		goto out;
	}
	rc = 0;
out:
	free(k.knocks);
	free(k.polls);
	free(k.found);
	free(k.answered);
	return rc;
}

void discover_release(struct discover_run *r)
{
	for (size_t i = 0; i < r->count; i++)
		forget_tls(r->listeners[i].tls);
	free(r->listeners);
	for (size_t i = 0; i < r->spec_count; i++)
		free(r->specs[i].ranges);
	free(r->specs);
	while (r->text != NULL) {
		struct discover_text *next = r->text->next;

		free(r->text);
		r->text = next;
	}
	for (size_t i = 0; i < r->options.ca_file_count; i++)
		trust_free(r->anchors[i]);
	trust_free(r->system);
	memset(r, 0, sizeof(*r));
}
