#include <config.h>

#include <arpa/nameser.h>
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
#include "net.h"

#define RESOLV_CONF     "/etc/resolv.conf"
#define RESOLV_CONF_MAX ((size_t)64 << 10)
#define MAX_SERVERS     3   /* glibc reads no more (MAXNS) */
#define TRY_SECONDS     2.0 /* one server's chance in one round */
#define ROUNDS          2
#define QUERY_MAX       (12 + HOSTNAME_MAX + 2 + 4)
#define ANSWER_MAX      65535

/* What one server's answer said. */
enum answer_kind { ANSWER_DONE, ANSWER_NEXT_SERVER, ANSWER_TRUNCATED, ANSWER_FAILED };

struct exchange {
	const char *domain;
	unsigned char query[QUERY_MAX];
	size_t query_len;
	unsigned char answer[ANSWER_MAX];
	size_t answer_len;
};

/* A resolv.conf line: "nameserver ADDRESS" adds ADDRESS, while there is room. */
static int add_server(char *line, unsigned number, void *arg, struct fault *f)
{
	struct net_address_list *servers = arg, one;
	char address[NET_ADDRESS_TEXT];
	struct fault ignored;

	(void)number;
	(void)f;
	if (servers->count < MAX_SERVERS && sscanf(line, "nameserver %63s", address) == 1 &&
	    hostname_is_ip_literal(address) &&
	    net_resolve(address, NS_DEFAULTPORT, AF_UNSPEC, NULL, &one, &ignored) == 0)
		servers->items[servers->count++] = one.items[0];
	return 0;
}

/* The "nameserver" lines, as glibc reads them; 127.0.0.1 when there are none. */
static void read_servers(struct net_address_list *servers)
{
	struct net_address_list one;
	struct fault ignored;

	servers->count = 0;
	(void)file_read_lines(RESOLV_CONF, "resolver configuration", RESOLV_CONF_MAX, add_server,
	                      servers, &ignored);
	if (servers->count == 0 &&
	    net_resolve("127.0.0.1", NS_DEFAULTPORT, AF_INET, NULL, &one, &ignored) == 0)
		servers->items[servers->count++] = one.items[0];
}

/* One question, "DOMAIN IN MX", recursion desired, with a random id. */
static int build_query(struct exchange *x, struct fault *f)
{
	unsigned char *p = x->query;
	const char *label = x->domain;

	if (gnutls_rnd(GNUTLS_RND_NONCE, p, 2) < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot draw a DNS query id");
		return -1;
	}
	p[2] = 0x01; /* RD */
	p[3] = 0x00;
	memcpy(p + 4, "\0\1\0\0\0\0\0\0", 8); /* one question, no records */
	p += 12;
	while (*label) {
		size_t len = strcspn(label, ".");

		if (len == 0 || len > 63 || (size_t)(p - x->query) + len + 6 > sizeof(x->query)) {
			fault_set(f, FAULT_USAGE, "'%s' is not a domain to look up", x->domain);
			return -1;
		}
		*p++ = (unsigned char)len;
		memcpy(p, label, len);
		p += len;
		label += len + (label[len] == '.');
	}
	memcpy(p, "\0\0\x0f\0\x01", 5); /* root, MX, IN */
	x->query_len = (size_t)(p + 5 - x->query);
	return 0;
}

/* The answer to our question, not another datagram that happened by. */
static bool answers_us(const struct exchange *x, size_t len)
{
	return len >= 12 && memcmp(x->answer, x->query, 2) == 0 && (x->answer[2] & 0x80) != 0;
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

static enum answer_kind read_answer(const struct exchange *x, const struct net_address *server,
                                    struct dns_mx_list *out, struct fault *f)
{
	ns_msg msg;
	ns_rr rr;

	if (ns_initparse(x->answer, (int)x->answer_len, &msg) < 0) {
		fault_set(f, FAULT_RESOLVE, "name server %s sent a malformed answer", server->text);
		return ANSWER_NEXT_SERVER;
	}
	if (ns_msg_getflag(msg, ns_f_tc))
		return ANSWER_TRUNCATED;
	switch (ns_msg_getflag(msg, ns_f_rcode)) {
	case ns_r_noerror:
		break;
	case ns_r_nxdomain:
		fault_set(f, FAULT_RESOLVE, "mail domain '%s' does not exist", x->domain);
		return ANSWER_FAILED;
	case ns_r_refused:
		fault_set(f, FAULT_RESOLVE, "name server %s refused to answer for '%s'",
		          server->text, x->domain);
		return ANSWER_NEXT_SERVER;
	default:
		fault_set(f, FAULT_RESOLVE, "name server %s failed to answer for '%s' (rcode %d)",
		          server->text, x->domain, (int)ns_msg_getflag(msg, ns_f_rcode));
		return ANSWER_NEXT_SERVER;
	}
	out->count = 0;
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			break;
		if (ns_rr_type(rr) == ns_t_mx && ns_rr_class(rr) == ns_c_in &&
		    read_mx_record(&msg, &rr, out) < 0) {
			fault_set(f, FAULT_RESOLVE, "name server %s sent a malformed MX record",
			          server->text);
			return ANSWER_NEXT_SERVER;
		}
	}
	return ANSWER_DONE;
}

/* One server, one round: UDP, then TCP if the answer did not fit. */
static enum answer_kind ask_server(const struct net_address *server, struct exchange *x,
                                   const struct deadline *dl, struct dns_mx_list *out,
                                   struct fault *f)
{
	struct deadline try;
	enum answer_kind kind;

	deadline_within(&try, dl, TRY_SECONDS);
	if (ask_udp(server, x, &try, f) < 0)
		return ANSWER_NEXT_SERVER;
	kind = read_answer(x, server, out, f);
	if (kind != ANSWER_TRUNCATED)
		return kind;
	if (ask_tcp(server, x, dl, f) < 0)
		return ANSWER_NEXT_SERVER;
	kind = read_answer(x, server, out, f);
	return kind == ANSWER_TRUNCATED ? ANSWER_NEXT_SERVER : kind;
}

static int ask_servers(struct exchange *x, const struct deadline *dl, struct dns_mx_list *out,
                       struct fault *f)
{
	struct net_address_list servers;

	read_servers(&servers);
	fault_set(f, FAULT_RESOLVE, "no name server answered for '%s'", x->domain);
	for (int round = 0; round < ROUNDS; round++) {
		for (size_t i = 0; i < servers.count; i++) {
			if (deadline_passed(dl)) {
				fault_set(f, FAULT_TIMEOUT,
				          "timeout looking up the MX records of '%s'", x->domain);
				return -1;
			}
			switch (ask_server(&servers.items[i], x, dl, out, f)) {
			case ANSWER_DONE:
				return 0;
			case ANSWER_FAILED:
				return -1;
			default:
				break;
			}
		}
	}
	return -1;
}

int dns_lookup_mx(const char *domain, const struct deadline *dl, struct dns_mx_list *out,
                  struct fault *f)
{
	struct exchange *x = calloc(1, sizeof(*x));
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (x == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory looking up '%s'", domain);
		return -1;
	}
	x->domain = domain;
	if (build_query(x, f) < 0 || ask_servers(x, dl, out, f) < 0)
		goto out;
	if (out->count == 0 && !out->null_mx) {
		out->implicit = true;
		add_mx(out, 0, domain);
	}
	rc = 0;
out:
	free(x);
	return rc;
}
