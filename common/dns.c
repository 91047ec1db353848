#include <config.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "dns.h"
#include "file.h"

#define RESOLV_CONF     "/etc/resolv.conf"
#define RESOLV_CONF_MAX ((size_t)64 << 10)
#define MAX_SERVERS     3   /* glibc reads no more (MAXNS) */
#define TRY_SECONDS     2.0 /* one server's chance in one round */
#define ROUNDS          2
#define OPT_LEN         11 /* the OPT record we send: root, type, payload, TTL, no options */
#define QUERY_MAX       (12 + HOSTNAME_MAX + 2 + 4 + OPT_LEN)
#define ANSWER_MAX      65535
#define EDNS_PAYLOAD    1232 /* fits unfragmented in IPv6's minimum MTU (DNS flag day 2020) */
#define TYPE_OPT        41
#define TYPE_TLSA       52
#define OPTION_EDE      15
#define HEADER_AD       0x20 /* in the header's fourth byte */
#define HEADER_CD       0x10
#define OPT_DO          0x8000 /* in the OPT record's TTL, lower half */

/* What one server's answer came to. */
enum answer_kind {
	ANSWER_DONE,      /* it says something about the name: kept */
	ANSWER_SERVFAIL,  /* SERVFAIL without a reason: another server may know */
	ANSWER_NEXT,      /* nothing to keep: the next server */
	ANSWER_TRUNCATED, /* again over TCP */
};

/* One question and its answer. */
struct exchange {
	const char *name; /* ASCII; "." or "" for the root */
	unsigned type;
	bool cd; /* checking disabled: the data even when it does not validate */
	unsigned char query[QUERY_MAX];
	size_t query_len;
	size_t question_len; /* of the question section, after the header */
	unsigned char answer[ANSWER_MAX];
	size_t answer_len;
};

/* The name servers to ask, and whose AD bit to believe. */
struct servers {
	struct net_address_list list;
	bool trust_ad; /* every one's: --dns-server, or resolv.conf's "options trust-ad" */
};

/* "options ndots:2 trust-ad": does the line hold trust-ad? */
static bool has_trust_ad(char *line)
{
	char *save = NULL;

	if (strncmp(line, "options", 7) != 0 || (line[7] != ' ' && line[7] != '\t'))
		return false;
	for (char *w = strtok_r(line + 7, " \t\r", &save); w != NULL;
	     w = strtok_r(NULL, " \t\r", &save)) {
		if (strcmp(w, "trust-ad") == 0)
			return true;
	}
	return false;
}

/* A resolv.conf line: "nameserver ADDRESS" adds ADDRESS, while there is room;
 * "options ... trust-ad" says the AD bits of all may be believed. */
static int add_server(char *line, unsigned number, void *arg, struct fault *f)
{
	struct servers *servers = arg;
	struct net_address_list *list = &servers->list, one;
	char address[NET_ADDRESS_TEXT];
	struct fault ignored;

	(void)number;
	(void)f;
	if (list->count < MAX_SERVERS && sscanf(line, "nameserver %63s", address) == 1 &&
	    hostname_is_ip_literal(address) &&
	    net_resolve(address, NS_DEFAULTPORT, AF_UNSPEC, NULL, &one, &ignored) == 0)
		list->items[list->count++] = one.items[0];
	else if (has_trust_ad(line))
		servers->trust_ad = true;
	return 0;
}

/* R's server, or the "nameserver" lines as glibc reads them; 127.0.0.1 when
 * there are none. */
static void read_servers(const struct dns_resolver *r, struct servers *servers)
{
	struct net_address_list one;
	struct fault ignored;

	servers->list.count = 0;
	servers->trust_ad = false;
	if (r != NULL && r->given) {
		servers->list.items[servers->list.count++] = r->server;
		servers->trust_ad = true;
		return;
	}
	(void)file_read_lines(RESOLV_CONF, "resolver configuration", RESOLV_CONF_MAX, add_server,
	                      servers, &ignored);
	if (servers->list.count == 0 &&
	    net_resolve("127.0.0.1", NS_DEFAULTPORT, AF_INET, NULL, &one, &ignored) == 0)
		servers->list.items[servers->list.count++] = one.items[0];
}

/* 127.0.0.0/8, ::1 or ::ffff:127.x.y.z: a resolver on this host. */
static bool is_loopback(const struct net_address *a)
{
	if (a->sa.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&a->sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->sa.ss_family == AF_INET6) {
		const struct in6_addr *in6 = &((const struct sockaddr_in6 *)&a->sa)->sin6_addr;

		return IN6_IS_ADDR_LOOPBACK(in6) ||
		       (IN6_IS_ADDR_V4MAPPED(in6) && in6->s6_addr[12] == 127);
	}
	return false;
}

/* An AD bit is only as good as the path it came over: as glibc (trust-ad)
 * and Postfix do, believe it from a resolver on this host, from the one
 * --dns-server names, or where resolv.conf says "options trust-ad". */
static bool ad_trusted(const struct servers *servers, size_t i)
{
	return servers->trust_ad || is_loopback(&servers->list.items[i]);
}

int dns_resolver_parse(struct dns_resolver *r, const char *text, struct fault *f)
{
	char address[NET_ADDRESS_TEXT];
	const char *at = strrchr(text, '@');
	size_t len = at != NULL ? (size_t)(at - text) : strlen(text);
	unsigned long port = NS_DEFAULTPORT;
	struct net_address_list one;
	struct fault why;
	char *end;

	if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
		text++;
		len -= 2;
	}
	if (at != NULL) {
		errno = 0;
		port = strtoul(at + 1, &end, 10);
		if (at[1] < '0' || at[1] > '9' || *end != '\0' || errno != 0 || port == 0 ||
		    port > 65535)
			goto bad;
	}
	if (len == 0 || len >= sizeof(address))
		goto bad;
	memcpy(address, text, len);
	address[len] = '\0';
	if (!hostname_is_ip_literal(address) ||
	    net_resolve(address, (unsigned)port, AF_UNSPEC, NULL, &one, &why) < 0)
		goto bad;
	r->given = true;
	r->server = one.items[0];
	return 0;
bad:
	fault_set(f, FAULT_USAGE, "--dns-server takes an IP address, optionally @PORT");
	return -1;
}

/* The name, a label at a time: "mx.example.com" (a trailing dot allowed; "."
 * or "" is the root). Returns the bytes written, or 0 when it is no name. */
static size_t encode_name(const char *name, unsigned char *out, size_t room)
{
	unsigned char *p = out;
	const char *label = strcmp(name, ".") == 0 ? "" : name;

	while (*label) {
		size_t len = strcspn(label, ".");

		if (len == 0 || len > 63 || (size_t)(p - out) + len + 2 > room)
			return 0;
		*p++ = (unsigned char)len;
		memcpy(p, label, len);
		p += len;
		label += len + (label[len] == '.');
	}
	*p++ = 0;
	return (size_t)(p - out);
}

/* One question, "NAME IN TYPE", recursion desired, AD (and CD) set, with a
 * random id and an OPT record: EDNS0, payload 1232, DNSSEC OK (some
 * validating resolvers report AD only to a client that sets DO). */
static int build_query(struct exchange *x, struct fault *f)
{
	static const unsigned char opt[OPT_LEN] = {
	        0, 0, TYPE_OPT, EDNS_PAYLOAD >> 8, EDNS_PAYLOAD & 0xff, 0, 0, OPT_DO >> 8, 0, 0, 0};
	unsigned char *p = x->query;
	size_t name_len;

	if (gnutls_rnd(GNUTLS_RND_NONCE, p, 2) < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot draw a DNS query id");
		return -1;
	}
	p[2] = 0x01; /* RD */
	p[3] = HEADER_AD | (x->cd ? HEADER_CD : 0);
	memcpy(p + 4, "\0\1\0\0\0\0\0\1", 8); /* one question, one additional record */
	name_len = encode_name(x->name, p + 12, HOSTNAME_MAX + 1);
	if (name_len == 0) {
		fault_set(f, FAULT_USAGE, "'%s' is not a domain to look up", x->name);
		return -1;
	}
	p += 12 + name_len;
	*p++ = (unsigned char)(x->type >> 8);
	*p++ = (unsigned char)x->type;
	*p++ = 0;
	*p++ = ns_c_in;
	x->question_len = (size_t)(p - x->query) - 12;
	memcpy(p, opt, sizeof(opt));
	x->query_len = (size_t)(p + sizeof(opt) - x->query);
	return 0;
}

/* The answer to our question, not another datagram that happened by: our id,
 * a response, our question echoed (names compare without case). */
static bool answers_us(const struct exchange *x, size_t len)
{
	return len >= 12 + x->question_len && memcmp(x->answer, x->query, 2) == 0 &&
	       (x->answer[2] & 0x80) != 0 && x->answer[4] == 0 && x->answer[5] == 1 &&
	       strncasecmp((const char *)x->answer + 12, (const char *)x->query + 12,
	                   x->question_len - 4) == 0 &&
	       memcmp(x->answer + 12 + x->question_len - 4, x->query + 12 + x->question_len - 4,
	              4) == 0;
}

static int ask_udp(const struct net_address *server, struct exchange *x, const struct deadline *dl,
                   struct fault *f)
{
	int fd = socket(server->sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int rc = -1;
	ssize_t n;

	if (fd < 0 || connect(fd, (const struct sockaddr *)&server->sa, server->len) < 0 ||
	    send(fd, x->query, x->query_len, 0) != (ssize_t)x->query_len) {
		fault_set(f, FAULT_RESOLVE, "cannot ask name server %s: %s", server->text,
		          strerror(errno));
		goto out;
	}
	for (;;) {
		if (net_wait(fd, POLLIN, dl, "waiting for the name server", f) < 0)
			goto out;
		n = recv(fd, x->answer, sizeof(x->answer), 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			fault_set(f, FAULT_RESOLVE, "name server %s: %s", server->text,
			          strerror(errno));
			goto out;
		}
		if (answers_us(x, (size_t)n))
			break;
	}
	x->answer_len = (size_t)n;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A truncated answer again, whole, over TCP: two length bytes before each message. */
static int ask_tcp(const struct net_address *server, struct exchange *x, const struct deadline *dl,
                   struct fault *f)
{
	unsigned char prefix[2] = {(unsigned char)(x->query_len >> 8), (unsigned char)x->query_len};
	struct net_conn conn;
	int fd = -1, rc = -1;
	size_t len;

	if (net_connect(server, dl, &fd, f) < 0)
		goto out;
	net_conn_init(&conn, fd, dl);
	if (net_write_all(&conn, prefix, 2, "the DNS query", f) < 0 ||
	    net_write_all(&conn, x->query, x->query_len, "the DNS query", f) < 0 ||
	    net_read_exact(&conn, prefix, 2, "the DNS answer", f) < 0)
		goto out;
	len = (size_t)prefix[0] << 8 | prefix[1];
	if (net_read_exact(&conn, x->answer, len, "the DNS answer", f) < 0)
		goto out;
	if (!answers_us(x, len)) {
		fault_set(f, FAULT_RESOLVE, "name server %s answered another question",
		          server->text);
		goto out;
	}
	x->answer_len = len;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Lowercase, without the root's trailing dot. */
static void normalise(char *name)
{
	size_t len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		name[--len] = '\0';
	for (char *p = name; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
}

/* EXTRA-TEXT as it may be printed: printable ASCII but '\', the rest \xNN,
 * cut before an escape that would not fit. */
static void escape_text(const unsigned char *text, size_t len, char *out, size_t size)
{
	size_t at = 0;

	for (size_t i = 0; i < len; i++) {
		bool plain = text[i] >= 0x20 && text[i] < 0x7f && text[i] != '\\';

		if (at + (plain ? 1 : 4) >= size)
			break;
		if (plain)
			out[at++] = (char)text[i];
		else
			at += (size_t)snprintf(out + at, size - at, "\\x%02x", text[i]);
	}
	out[at] = '\0';
}

/* The OPT record's options: the first Extended DNS Error into E. Each option's
 * length is checked against what is left of the record. Returns 0, or -1 when
 * an option runs past the record or an EDE is shorter than its code. */
static int read_opt(const unsigned char *rdata, size_t len, struct dns_ede *e)
{
	size_t at = 0;

	while (at < len) {
		unsigned code, size;

		if (len - at < 4)
			return -1;
		code = (unsigned)rdata[at] << 8 | rdata[at + 1];
		size = (unsigned)rdata[at + 2] << 8 | rdata[at + 3];
		at += 4;
		if (size > len - at)
			return -1;
		if (code == OPTION_EDE && e->code < 0) {
			if (size < 2)
				return -1;
			e->code = (int)((unsigned)rdata[at] << 8 | rdata[at + 1]);
			escape_text(rdata + at + 2, size - 2, e->text, sizeof(e->text));
		}
		at += size;
	}
	return 0;
}

/* The header and the OPT record of MSG: rcode (extended), AD, TC and the EDE.
 * Returns 0, or -1 with FAULT_PEER. */
static int read_header(const unsigned char *msg, size_t len, ns_msg *m, struct dns_status *st,
                       bool *truncated, struct fault *f)
{
	bool seen_opt = false;
	ns_rr rr;

	st->ede.code = -1;
	st->ede.text[0] = '\0';
	if (len > ANSWER_MAX || ns_initparse(msg, (int)len, m) < 0)
		goto bad;
	st->rcode = (int)ns_msg_getflag(*m, ns_f_rcode);
	st->ad = ns_msg_getflag(*m, ns_f_ad) != 0;
	*truncated = ns_msg_getflag(*m, ns_f_tc) != 0;
	for (int i = 0; i < ns_msg_count(*m, ns_s_ar); i++) {
		if (ns_parserr(m, ns_s_ar, i, &rr) < 0)
			goto bad;
		if (ns_rr_type(rr) != TYPE_OPT)
			continue;
		/* RFC 6891 section 6.1.1: one OPT record, owned by the root */
		if (seen_opt || ns_rr_name(rr)[0] != '.' || ns_rr_name(rr)[1] != '\0' ||
		    read_opt(ns_rr_rdata(rr), ns_rr_rdlen(rr), &st->ede) < 0)
			goto bad;
		seen_opt = true;
		st->rcode |= (int)(ns_rr_ttl(rr) >> 24) << 4;
	}
	return 0;
bad:
	fault_set(f, FAULT_PEER, "malformed answer");
	return -1;
}

/* Keep MX HOST at PREFERENCE, in order of preference (stable), once. */
static void add_mx(struct dns_mx_list *out, unsigned preference, const char *host)
{
	size_t at = out->count;

	for (size_t i = 0; i < out->count; i++) {
		if (strcmp(out->items[i].host, host) == 0)
			return;
	}
	if (out->count == DNS_MAX_MX)
		return;
	while (at > 0 && out->items[at - 1].preference > preference) {
		out->items[at] = out->items[at - 1];
		at--;
	}
	out->items[at].preference = preference;
	snprintf(out->items[at].host, sizeof(out->items[at].host), "%s", host);
	out->count++;
}

static int read_mx_record(const ns_msg *msg, const ns_rr *rr, struct dns_mx_list *out)
{
	const unsigned char *rdata = ns_rr_rdata(*rr);
	char host[NS_MAXDNAME];
	unsigned preference;

	if (ns_rr_rdlen(*rr) < 3)
		return -1;
	preference = (unsigned)rdata[0] << 8 | rdata[1];
	if (ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), rdata + 2, host, sizeof(host)) <
	    0)
		return -1;
	normalise(host);
	if (host[0] == '\0') {
		out->null_mx = true;
		return 0;
	}
	if (strlen(host) < HOSTNAME_MAX)
		add_mx(out, preference, host);
	return 0;
}

/* Each record of the answer section of TYPE, class IN, to READ. */
typedef int (*record_reader)(const ns_msg *msg, const ns_rr *rr, void *out);

static int read_records(ns_msg *m, unsigned type, record_reader read, void *out, struct fault *f)
{
	ns_rr rr;

	for (int i = 0; i < ns_msg_count(*m, ns_s_an); i++) {
		if (ns_parserr(m, ns_s_an, i, &rr) < 0 ||
		    (ns_rr_type(rr) == type && ns_rr_class(rr) == ns_c_in &&
		     read(m, &rr, out) < 0)) {
			fault_set(f, FAULT_PEER, "malformed answer");
			return -1;
		}
	}
	return 0;
}

static int read_mx(const ns_msg *msg, const ns_rr *rr, void *out)
{
	return read_mx_record(msg, rr, out);
}

static int count_record(const ns_msg *msg, const ns_rr *rr, void *out)
{
	(void)msg;
	(void)rr;
	++*(size_t *)out;
	return 0;
}

static int read_tlsa(const ns_msg *msg, const ns_rr *rr, void *arg)
{
	struct dns_tlsa_answer *out = arg;
	const unsigned char *rdata = ns_rr_rdata(*rr);
	size_t len = ns_rr_rdlen(*rr);
	struct dns_tlsa *t;

	(void)msg;
	out->total++;
	if (out->count == DNS_MAX_TLSA)
		return 0;
	t = &out->records[out->count++];
	memset(t, 0, sizeof(*t));
	if (len < 3) {
		t->malformed = true;
		return 0;
	}
	t->usage = rdata[0];
	t->selector = rdata[1];
	t->mtype = rdata[2];
	t->len = len - 3;
	if (t->len == 0)
		return 0;
	/* The records lie inside a message of at most ANSWER_MAX bytes: they fit. */
	if (t->len > sizeof(out->pool) - out->pool_used)
		return -1;
	memcpy(out->pool + out->pool_used, rdata + 3, t->len);
	t->data = out->pool + out->pool_used;
	out->pool_used += t->len;
	return 0;
}

static void set_nodata(struct dns_status *st, size_t records)
{
	st->nxdomain = st->rcode == ns_r_nxdomain;
	st->nodata = st->rcode == ns_r_noerror && records == 0;
}

int dns_parse_tlsa(const unsigned char *msg, size_t len, struct dns_tlsa_answer *out,
                   struct fault *f)
{
	bool truncated;
	ns_msg m;

	out->count = out->total = out->pool_used = 0;
	if (read_header(msg, len, &m, &out->status, &truncated, f) < 0 ||
	    read_records(&m, TYPE_TLSA, read_tlsa, out, f) < 0)
		return -1;
	set_nodata(&out->status, out->total);
	return 0;
}

int dns_parse_mx(const unsigned char *msg, size_t len, struct dns_mx_list *out,
                 struct dns_status *status, struct fault *f)
{
	struct dns_status ignored;
	bool truncated;
	ns_msg m;

	memset(out, 0, sizeof(*out));
	if (status == NULL)
		status = &ignored;
	if (read_header(msg, len, &m, status, &truncated, f) < 0 ||
	    read_records(&m, ns_t_mx, read_mx, out, f) < 0)
		return -1;
	set_nodata(status, out->count + out->null_mx);
	return 0;
}

/* A reason (RFC 8914) that says the resolver validated and the data failed. */
static bool ede_is_dnssec(int code)
{
	return code == 1 || code == 2 || (code >= 5 && code <= 12);
}

/* What a server's answer comes to; its status into ST. */
static enum answer_kind judge_answer(const struct exchange *x, const struct net_address *server,
                                     struct dns_status *st, struct fault *f)
{
	bool truncated;
	ns_msg m;

	/* TC first: an answer cut inside a record does not parse, and is whole
	 * over TCP (answers_us() saw the header). */
	if (x->answer[2] & 0x02) {
		snprintf(st->server, sizeof(st->server), "%s", server->text);
		return ANSWER_TRUNCATED;
	}
	if (read_header(x->answer, x->answer_len, &m, st, &truncated, f) < 0) {
		fault_set(f, FAULT_RESOLVE, "name server %s sent a malformed answer", server->text);
		return ANSWER_NEXT;
	}
	snprintf(st->server, sizeof(st->server), "%s", server->text);
	if (truncated)
		return ANSWER_TRUNCATED;
	switch (st->rcode) {
	case ns_r_noerror:
	case ns_r_nxdomain:
		return ANSWER_DONE;
	case ns_r_servfail:
		return st->ede.code >= 0 ? ANSWER_DONE : ANSWER_SERVFAIL;
	case ns_r_refused:
		fault_set(f, FAULT_RESOLVE, "name server %s refused to answer for '%s'",
		          server->text, x->name);
		return ANSWER_NEXT;
	default:
		fault_set(f, FAULT_RESOLVE, "name server %s failed to answer for '%s' (rcode %d)",
		          server->text, x->name, st->rcode);
		return ANSWER_NEXT;
	}
}

/* One server, one round: UDP, then TCP if the answer did not fit. */
static enum answer_kind ask_server(const struct net_address *server, struct exchange *x,
                                   const struct deadline *dl, struct dns_status *st,
                                   struct fault *f)
{
	struct deadline try;
	enum answer_kind kind;

	deadline_within(&try, dl, TRY_SECONDS);
	if (ask_udp(server, x, &try, f) < 0) {
		/* a try's own budget spent: the run's deadline is told apart later */
		if (f->kind == FAULT_TIMEOUT)
			fault_set(f, FAULT_RESOLVE, "name server %s did not answer for '%s'",
			          server->text, x->name);
		return ANSWER_NEXT;
	}
	kind = judge_answer(x, server, st, f);
	if (kind != ANSWER_TRUNCATED)
		return kind;
	/* A try of its own: a server that stalls over TCP leaves time for the next. */
	deadline_within(&try, dl, TRY_SECONDS);
	if (ask_tcp(server, x, &try, f) < 0) {
		if (f->kind == FAULT_TIMEOUT)
			fault_set(f, FAULT_RESOLVE,
			          "name server %s did not answer for '%s' over TCP", server->text,
			          x->name);
		return ANSWER_NEXT;
	}
	kind = judge_answer(x, server, st, f);
	return kind == ANSWER_TRUNCATED ? ANSWER_NEXT : kind;
}

static const char *type_name(unsigned type)
{
	switch (type) {
	case ns_t_mx:
		return "MX";
	case TYPE_TLSA:
		return "TLSA";
	case ns_t_a:
		return "A";
	case ns_t_aaaa:
		return "AAAA";
	default:
		return "SOA";
	}
}

/* The generic core: ask X's question of R's servers in turn, two rounds, until
 * one says something of the name. Returns 0 with X->answer and ST that
 * answer's (a NOERROR, an NXDOMAIN or a SERVFAIL with an EDE), or ST a bare
 * SERVFAIL when that was the best answer (X->answer then holds nothing to
 * read); -1 with FAULT_RESOLVE or FAULT_TIMEOUT when no server answered. */
static int query(struct exchange *x, const struct dns_resolver *r, const struct deadline *dl,
                 struct dns_status *st, struct fault *f)
{
	struct servers servers;
	struct dns_status servfail = {0};
	bool failed = false;

	memset(st, 0, sizeof(*st));
	st->ede.code = -1;
	if (build_query(x, f) < 0)
		return -1;
	read_servers(r, &servers);
	fault_set(f, FAULT_RESOLVE, "no name server answered for '%s'", x->name);
	for (int round = 0; round < ROUNDS && !deadline_passed(dl); round++) {
		for (size_t i = 0; i < servers.list.count && !deadline_passed(dl); i++) {
			enum answer_kind kind = ask_server(&servers.list.items[i], x, dl, st, f);

			st->ad_untrusted = !ad_trusted(&servers, i);
			switch (kind) {
			case ANSWER_DONE:
				return 0;
			case ANSWER_SERVFAIL:
				servfail = *st;
				failed = true;
				break;
			default:
				break;
			}
		}
	}
	if (!failed) {
		if (deadline_passed(dl))
			fault_set(f, FAULT_TIMEOUT, "timeout looking up the %s records of '%s'",
			          type_name(x->type), x->name);
		return -1;
	}
	*st = servfail;
	x->answer_len = 0;
	return 0;
}

static struct exchange *new_exchange(const char *name, unsigned type, struct fault *f)
{
	struct exchange *x = calloc(1, sizeof(*x));

	if (x == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory looking up '%s'", name);
		return NULL;
	}
	x->name = name;
	x->type = type;
	return x;
}

/* A SERVFAIL as one line: who, for what, and the EDE if any. */
static void servfail_fault(const struct dns_status *st, const char *name, struct fault *f)
{
	char ede[DNS_EDE_TEXT_SIZE + 64];

	dns_ede_describe(&st->ede, ede, sizeof(ede));
	fault_set(f, FAULT_RESOLVE, "name server %s failed to answer for '%s' (SERVFAIL%s%s)",
	          st->server, name, ede[0] ? ", " : "", ede);
}

int dns_lookup_mx(const char *domain, const struct dns_resolver *r, const struct deadline *dl,
                  struct dns_mx_list *out, struct fault *f)
{
	struct exchange *x = new_exchange(domain, ns_t_mx, f);
	struct dns_status st;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (x == NULL || query(x, r, dl, &st, f) < 0)
		goto out;
	if (st.rcode == ns_r_servfail) {
		servfail_fault(&st, domain, f);
		goto out;
	}
	if (st.rcode == ns_r_nxdomain) {
		fault_set(f, FAULT_RESOLVE, "mail domain '%s' does not exist", domain);
		goto out;
	}
	if (dns_parse_mx(x->answer, x->answer_len, out, NULL, f) < 0) {
		fault_set(f, FAULT_RESOLVE, "name server %s sent a malformed MX record", st.server);
		goto out;
	}
	if (out->count == 0 && !out->null_mx) {
		out->implicit = true;
		add_mx(out, 0, domain);
	}
	rc = 0;
out:
	free(x);
	return rc;
}

/* The resolver probe, as Postfix's "ns:.": does R validate at all? The root's
 * SOA comes with AD from a resolver that validates. Returns 1 (it validates),
 * 0 (it does not), or -1 with F when it did not answer. */
static int probe_resolver(const struct dns_resolver *r, const struct deadline *dl, struct fault *f)
{
	struct exchange *x = new_exchange(".", ns_t_soa, f);
	struct dns_status st;
	int rc = -1;

	if (x != NULL && query(x, r, dl, &st, f) == 0)
		rc = st.rcode == ns_r_noerror && st.ad && !st.ad_untrusted;
	free(x);
	return rc;
}

/* Security of an answer to X that came without AD, or SERVFAIL: the probe
 * (once: *PROBED keeps its answer) and a second question with CD set tell.
 * Returns 0, or -1 with F when a SERVFAIL is no DNSSEC failure or the
 * resolver stopped answering. */
static int judge_security(struct exchange *x, const struct dns_resolver *r,
                          const struct deadline *dl, struct dns_status *st, int *probed,
                          struct fault *f)
{
	struct dns_status again;

	if (st->rcode == ns_r_servfail) {
		st->security = DNS_BOGUS;
		if (ede_is_dnssec(st->ede.code))
			return 0;
		/* A bare SERVFAIL that CD cures says bogus only of a resolver that
		 * validates: one that does not is failing for another reason. */
		if (*probed < 0)
			*probed = probe_resolver(r, dl, f);
		if (*probed < 0)
			return -1;
		if (*probed == 0) {
			servfail_fault(st, x->name, f);
			return -1;
		}
		x->cd = true;
		if (query(x, r, dl, &again, f) < 0)
			return -1;
		x->cd = false;
		if (again.rcode == ns_r_noerror || again.rcode == ns_r_nxdomain)
			return 0;
		servfail_fault(st, x->name, f);
		return -1;
	}
	if (st->ad_untrusted) {
		/* no probe: its AD would be no better */
		st->security = DNS_NO_VALIDATION;
		return 0;
	}
	if (st->ad) {
		st->security = DNS_SECURE;
		return 0;
	}
	if (*probed < 0)
		*probed = probe_resolver(r, dl, f);
	if (*probed < 0)
		return -1;
	st->security = *probed ? DNS_INSECURE : DNS_NO_VALIDATION;
	return 0;
}

/* _PORT._tcp.NAME, lowercase, without the trailing dot. */
static int owner_name(const char *base_name, unsigned port, char *out, struct fault *f)
{
	int n = snprintf(out, DNS_OWNER_SIZE, "_%u._tcp.%s", port, base_name);

	if (base_name[0] == '\0' || strcmp(base_name, ".") == 0 || n < 0 || n >= DNS_OWNER_SIZE) {
		fault_set(f, FAULT_USAGE, "'%s' is not a name to look TLSA records up for",
		          base_name);
		return -1;
	}
	normalise(out);
	return 0;
}

int dns_lookup_tlsa(const char *base_name, unsigned port, const struct dns_resolver *r,
                    const struct deadline *dl, struct dns_tlsa_answer *out, struct fault *f)
{
	struct exchange *x = NULL;
	int probed = -1, rc = -1;

	out->count = out->total = out->pool_used = 0;
	memset(&out->status, 0, sizeof(out->status));
	out->status.ede.code = -1;
	if (owner_name(base_name, port, out->owner, f) < 0)
		goto out;
	x = new_exchange(out->owner, TYPE_TLSA, f);
	if (x == NULL || query(x, r, dl, &out->status, f) < 0)
		goto out;
	if (x->answer_len > 0 && out->status.rcode != ns_r_servfail &&
	    dns_parse_tlsa(x->answer, x->answer_len, out, f) < 0)
		goto out;
	if (judge_security(x, r, dl, &out->status, &probed, f) < 0)
		goto out;
	rc = 0;
out:
	free(x);
	return rc;
}

/* Worse first: bogus, not validated, insecure, secure. */
static int security_rank(enum dns_security s)
{
	switch (s) {
	case DNS_BOGUS:
		return 3;
	case DNS_NO_VALIDATION:
		return 2;
	case DNS_INSECURE:
		return 1;
	default:
		return 0;
	}
}

static int address_security(const char *name, unsigned type, const struct dns_resolver *r,
                            const struct deadline *dl, struct dns_status *st, int *probed,
                            struct fault *f)
{
	struct exchange *x = new_exchange(name, type, f);
	size_t records = 0;
	bool truncated;
	ns_msg m;
	int rc = -1;

	if (x == NULL || query(x, r, dl, st, f) < 0)
		goto out;
	if (x->answer_len > 0 && st->rcode != ns_r_servfail &&
	    (read_header(x->answer, x->answer_len, &m, st, &truncated, f) < 0 ||
	     read_records(&m, type, count_record, &records, f) < 0))
		goto out;
	set_nodata(st, records);
	rc = judge_security(x, r, dl, st, probed, f);
out:
	free(x);
	return rc;
}

int dns_lookup_address_security(const char *name, const struct dns_resolver *r,
                                const struct deadline *dl, struct dns_status *out, struct fault *f)
{
	struct dns_status aaaa;
	int probed = -1;

	if (address_security(name, ns_t_a, r, dl, out, &probed, f) < 0 ||
	    address_security(name, ns_t_aaaa, r, dl, &aaaa, &probed, f) < 0)
		return -1;
	out->nodata = out->nodata && aaaa.nodata;
	if (security_rank(aaaa.security) > security_rank(out->security)) {
		out->security = aaaa.security;
		out->ede = aaaa.ede;
		out->ad = aaaa.ad;
		out->rcode = aaaa.rcode;
	}
	return 0;
}

const char *dns_ede_name(int code)
{
	static const char *const names[] = {
	        "Other Error",
	        "Unsupported DNSKEY Algorithm",
	        "Unsupported DS Digest Type",
	        "Stale Answer",
	        "Forged Answer",
	        "DNSSEC Indeterminate",
	        "DNSSEC Bogus",
	        "Signature Expired",
	        "Signature Not Yet Valid",
	        "DNSKEY Missing",
	        "RRSIGs Missing",
	        "No Zone Key Bit Set",
	        "NSEC Missing",
	        "Cached Error",
	        "Not Ready",
	        "Blocked",
	        "Censored",
	        "Filtered",
	        "Prohibited",
	        "Stale NXDomain Answer",
	        "Not Authoritative",
	        "Not Supported",
	        "No Reachable Authority",
	        "Network Error",
	        "Invalid Data",
	        "Signature Expired before Valid",
	        "Too Early",
	        "Unsupported NSEC3 Iterations Value",
	        "Unable to conform to policy",
	        "Synthesized",
	        "Invalid Query Type",
	};

	if (code < 0 || (size_t)code >= sizeof(names) / sizeof(names[0]))
		return "unassigned";
	return names[code];
}

void dns_ede_describe(const struct dns_ede *e, char *buf, size_t size)
{
	if (size == 0)
		return;
	buf[0] = '\0';
	if (e->code < 0)
		return;
	snprintf(buf, size, "EDE %d (%s)%s%s", e->code, dns_ede_name(e->code),
	         e->text[0] ? ": " : "", e->text);
}

const char *dns_security_name(enum dns_security s)
{
	switch (s) {
	case DNS_SECURE:
		return "secure";
	case DNS_INSECURE:
		return "insecure";
	case DNS_BOGUS:
		return "bogus";
	default:
		return "not validated";
	}
}
