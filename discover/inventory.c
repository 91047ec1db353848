#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emitquote.h"
#include "inventory.h"
#include "report.h"
#include "textproto.h"

/* The template whose discovery rule, an external check, finds the host's TLS
 * listeners on the ports of its macro {$TLSCHECK.LLD.PORTS}. */
#define ZABBIX_TEMPLATE "TLS listeners by tlscheck external check"
/* Zabbix keeps a host macro's value in 2048 characters. */
#define ZABBIX_MACRO_MAX 2048
#define ZABBIX_GROUP     "Discovered TLS listeners"
/* The import refuses a group without a uuid; a fixed one (an MD5 of the name,
 * made a version 4 uuid) gives every export the same group. */
#define ZABBIX_GROUP_UUID "8f37e98b2bdd47698fda91d261598bfb"

static int rank(const struct discover_listener *l)
{
	return l->outcome == DISCOVER_TLS ? 0 : l->outcome == DISCOVER_NO_TLS ? 1 : 2;
}

/* TLS first, the fewest days left first; then the rest, in the order listed. */
static int by_urgency(const void *a, const void *b)
{
	const struct discover_listener *x = a, *y = b;

	if (rank(x) != rank(y))
		return rank(x) - rank(y);
	if (rank(x) == 0 && x->days_known != y->days_known)
		return x->days_known ? -1 : 1;
	if (rank(x) == 0 && x->days_known && x->days_left != y->days_left)
		return x->days_left < y->days_left ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static const char *protocol_name(const struct discover_listener *l)
{
	return l->protocol != NULL ? l->protocol->name : "-";
}

/* "ca.pem", "system", or "none": the store that validates the chain. */
static const char *store_name(const struct discover_listener *l)
{
	if (l->ca_file != NULL)
		return l->ca_file;
	return l->system_trusted ? "system" : "none";
}

static bool shown(const struct discover_listener *l, const struct inventory_options *o)
{
	return l->outcome != DISCOVER_CLOSED || o->show_closed;
}

static void where(const struct discover_listener *l, char *out, size_t size)
{
	bool v6 = strchr(l->host, ':') != NULL;

	snprintf(out, size, "%s%s%s:%u", v6 ? "[" : "", l->host, v6 ? "]" : "", l->port);
}

/* ------------------------------------------------------------------ table */

static const char *colour_of(enum plugin_state s)
{
	switch (s) {
	case STATE_OK:
		return "\033[32m";
	case STATE_WARNING:
		return "\033[33m";
	case STATE_CRITICAL:
		return "\033[31m";
	default:
		return "\033[35m";
	}
}

static void table_state(FILE *out, const struct discover_listener *l, bool colour)
{
	const char *text = l->outcome == DISCOVER_TLS      ? state_name(l->state)
	                   : l->outcome == DISCOVER_NO_TLS ? "NO TLS"
	                                                   : "CLOSED";

	if (colour && l->outcome == DISCOVER_TLS)
		fprintf(out, "%s%-8s\033[0m ", colour_of(l->state), text);
	else
		fprintf(out, "%-8s ", text);
}

/* The table is read on a terminal: what a server, a certificate or a process
 * named goes through emitquote_terminal(), left-aligned in WIDTH columns. */
static void table_text(FILE *out, const char *text, int width, const char *after)
{
	char safe[4 * DISCOVER_COMMAND_SIZE];

	emitquote_terminal(safe, sizeof(safe), text);
	fprintf(out, "%-*s%s", width, safe, after);
}

static void table_row(FILE *out, const struct discover_listener *l, bool colour, bool processes)
{
	const struct cert_info *leaf = &l->target.chain.items[0];
	char place[HOSTNAME_MAX + 16];

	where(l, place, sizeof(place));
	if (l->outcome == DISCOVER_TLS && l->days_known)
		fprintf(out, "%8.2f  ", l->days_left);
	else
		fprintf(out, "%8s  ", "-");
	table_state(out, l, colour);
	table_text(out, place, 24, " ");
	if (processes)
		table_text(out, l->process[0] ? l->process : "-", 15, " ");
	fprintf(out, "%-8s ", protocol_name(l));
	if (l->outcome != DISCOVER_TLS) {
		fprintf(out, "%-12s ", "-");
		table_text(out, l->detail, 0, "\n");
		return;
	}
	table_text(out, store_name(l), 12, " ");
	table_text(out, leaf->label, 0, " (issuer ");
	table_text(out, leaf->issuer_label, 0, ")\n");
	if (l->name_refused[0] != '\0') {
		fprintf(out, "%10snot emitted: ", "");
		table_text(out, l->name_refused, 0, "\n");
		return;
	}
	fprintf(out, "%10s", "");
	table_text(out, l->command, 0, "\n");
}

static void write_table(FILE *out, const struct discover_run *r, const struct inventory_options *o)
{
	bool processes = false;

	for (size_t i = 0; i < r->count; i++)
		processes = processes || r->listeners[i].process[0] != '\0';
	fprintf(out, "%8s  %-8s %-24s ", "DAYS", "STATE", "LISTENER");
	if (processes)
		fprintf(out, "%-15s ", "PROCESS");
	fprintf(out, "%-8s %-12s %s\n", "PROTOCOL", "TRUSTED BY", "CERTIFICATE, or what answered");
	for (size_t i = 0; i < r->count; i++) {
		if (shown(&r->listeners[i], o))
			table_row(out, &r->listeners[i], o->colour, processes);
	}
}

/* ------------------------------------------------------------------- json */

static const char *outcome_name(enum discover_outcome o)
{
	return o == DISCOVER_TLS ? "tls" : o == DISCOVER_NO_TLS ? "no-tls" : "closed";
}

static void json_key(FILE *out, const char *key, const char *value)
{
	fprintf(out, ",\"%s\":", key);
	report_json_string(out, value);
}

static void json_tls(FILE *out, const struct discover_listener *l)
{
	const struct cert_info *leaf = &l->target.chain.items[0];

	json_key(out, "state", state_name(l->state));
	if (l->days_known)
		fprintf(out, ",\"days_left\":%.2f", l->days_left);
	else
		fputs(",\"days_left\":null", out);
	json_key(out, "subject", leaf->subject);
	json_key(out, "issuer", leaf->issuer);
	fputs(",\"not_after\":", out);
	report_json_time(out, leaf->not_after);
	json_key(out, "trusted_by",
	         l->ca_file != NULL  ? l->ca_file
	         : l->system_trusted ? "system"
	                             : NULL);
	json_key(out, "summary",
	         l->target.verdict.count > 0 ? l->target.verdict.items[0].text : "");
	fprintf(out, ",\"tlsa_records\":%zu", l->tlsa_records);
	json_key(out, "command", l->name_refused[0] == '\0' ? l->command : NULL);
	if (l->name_refused[0] != '\0')
		json_key(out, "not_emitted", l->name_refused);
}

static void write_json(FILE *out, const struct discover_run *r, const struct inventory_options *o)
{
	bool first = true;

	fputs("{\"listeners\":[", out);
	for (size_t i = 0; i < r->count; i++) {
		const struct discover_listener *l = &r->listeners[i];

		if (!shown(l, o))
			continue;
		fputs(first ? "{\"host\":" : ",{\"host\":", out);
		first = false;
		report_json_string(out, l->host);
		fprintf(out, ",\"port\":%u", l->port);
		json_key(out, "process", l->process[0] ? l->process : NULL);
		json_key(out, "outcome", outcome_name(l->outcome));
		json_key(out, "protocol", l->protocol != NULL ? l->protocol->name : NULL);
		if (l->outcome == DISCOVER_TLS)
			json_tls(out, l);
		else
			json_key(out, "detail", l->detail);
		fputc('}', out);
	}
	fputc(']', out);
	if (r->unfinished > 0)
		fprintf(out, ",\"unfinished\":%zu", r->unfinished);
	fputs("}\n", out);
}

/* ---------------------------------------------------------------- engines */

/* Certificates change slowly: a check an hour finds a renewal that was not
 * picked up well before the warning threshold, a retry every quarter of an hour
 * confirms a failure. Nagios counts in interval_length units, 60 s by default. */
#define ICINGA2_INTERVALS "\tcheck_interval = 1h\n\tretry_interval = 15m\n"
#define NAGIOS_INTERVALS  "\tcheck_interval       60\n\tretry_interval       15\n"

/* The CA file as an absolute path: the engine runs the check elsewhere. */
static void absolute(const char *path, char *out, size_t size)
{
	char resolved[PATH_MAX];

	snprintf(out, size, "%s", realpath(path, resolved) != NULL ? resolved : path);
}

/* Does L's check need a name other than the host's? */
static bool other_name(const struct discover_listener *l)
{
	return l->check_name[0] != '\0' && strcmp(l->check_name, l->host) != 0;
}

/* Do the services go to a host that is not written here (NodeName, localhost,
 * --host-name), whose name and address are not the listener's? */
static bool existing_host(const struct inventory_options *o)
{
	return o->local || o->host_name != NULL;
}

/* The name L's check sends and verifies when the host's name is not it: the
 * leaf's name at an address, else the host in its ASCII form. */
static const char *check_host(const struct discover_listener *l)
{
	return l->check_address && l->check_name[0] != '\0' ? l->check_name : l->host_ascii;
}

/* What one listener's configuration carries besides its own fields. */
struct emitted {
	char ca_path[PATH_MAX]; /* the CA file, absolute; "" for none */
	char why[FAULT_TEXT_SIZE + 2 * TEXTPROTO_QUOTE_SIZE]; /* "": written; else why not */
};

/* Words a Nagios command line carries without a shell, a macro, an argument
 * separator or a comment in them; why not, into E, when not. */
static bool nagios_emittable(const struct discover_listener *l, const struct inventory_options *o,
                             struct emitted *e)
{
	char quoted[TEXTPROTO_QUOTE_SIZE];

	textproto_quote(quoted, sizeof(quoted), e->ca_path);
	if ((other_name(l) && !emitquote_nagios_safe(l->check_name)) ||
	    (existing_host(o) &&
	     (!emitquote_nagios_safe(check_host(l)) || !emitquote_nagios_safe(l->host_ascii))))
		snprintf(e->why, sizeof(e->why), "a Nagios command cannot carry the name");
	else if (l->ca_file != NULL && !emitquote_nagios_safe(e->ca_path))
		snprintf(e->why, sizeof(e->why),
		         "a Nagios command cannot carry the CA file's path '%s' (only letters, "
		         "digits and ._-:/@=+%%,)",
		         quoted);
	return e->why[0] == '\0';
}

/* The CA file's path goes into {$TLSCHECK.LLD.OPTION}, which the template's
 * discovery key quotes: the words a Nagios command carries are the ones it
 * carries too. */
static void zabbix_unkeyable(struct emitted *e)
{
	char quoted[TEXTPROTO_QUOTE_SIZE];

	textproto_quote(quoted, sizeof(quoted), e->ca_path);
	snprintf(e->why, sizeof(e->why),
	         "a Zabbix item key cannot carry the CA file's path '%s' (only letters, digits "
	         "and ._-:/@=+%%,)",
	         quoted);
}

/* Only what each engine takes as plain data is written: a name from the leaf
 * that -H's parser took, and for Nagios words its command line carries. */
static bool emittable(const struct discover_listener *l, const struct inventory_options *o,
                      struct emitted *e)
{
	e->ca_path[0] = e->why[0] = '\0';
	if (l->ca_file != NULL)
		absolute(l->ca_file, e->ca_path, sizeof(e->ca_path));
	if (l->name_refused[0] != '\0' && o->verify_name == NULL)
		snprintf(e->why, sizeof(e->why), "%s", l->name_refused);
	else if (emitquote_has_control(l->host) || emitquote_has_control(e->ca_path))
		snprintf(e->why, sizeof(e->why),
		         "a control byte in the host or the CA file's path");
	else if (o->format == INVENTORY_NAGIOS)
		nagios_emittable(l, o, e);
	else if (o->format == INVENTORY_ZABBIX && l->ca_file != NULL &&
	         !emitquote_nagios_safe(e->ca_path))
		zabbix_unkeyable(e);
	else if ((o->format == INVENTORY_ZABBIX || o->format == INVENTORY_ZABBIX_LLD) &&
	         l->check_name[0] == '\0' && o->verify_name == NULL)
		snprintf(e->why, sizeof(e->why),
		         "the certificate names no host, and Zabbix checks a host by its name");
	return e->why[0] == '\0';
}

/* The line in place of a listener that is not written; every engine reads '#'
 * as a comment to the end of the line, and WHY is printable ASCII. */
static void not_emitted(FILE *out, const struct discover_listener *l, const char *indent,
                        const char *why)
{
	char place[HOSTNAME_MAX + 16], safe[4 * sizeof(place)];

	where(l, place, sizeof(place));
	emitquote_terminal(safe, sizeof(safe), place);
	fprintf(out, "%s# not emitted: %s %s: %s\n", indent, safe, l->protocol->name, why);
}

/* ------------------------------------------------- what Icinga 2 and Nagios get */

/* One service: a listener, and the same socket reached over the other family. */
struct service {
	const struct discover_listener *l;    /* checked: the IPv4 one of a pair */
	const struct discover_listener *twin; /* the same socket over IPv6, not checked again */
	bool by_address; /* its host has another service on its protocol and port */
};

/* 4 or 6 for an address, 0 for a name. */
static int family(const struct discover_listener *l)
{
	if (!hostname_is_ip_literal(l->host_ascii))
		return 0;
	return strchr(l->host_ascii, ':') != NULL ? 6 : 4;
}

/* Do A's and B's services go to one host (so their names must differ)? */
static bool same_host(const struct discover_listener *a, const struct discover_listener *b,
                      const struct inventory_options *o)
{
	return existing_host(o) || strcmp(a->host, b->host) == 0;
}

/* Can A and B be one socket? With --local, this machine's own: 127.0.0.1 and
 * ::1 are one machine. Addresses given otherwise, even for one existing host,
 * may be machines of their own, and each is checked. */
static bool same_machine(const struct discover_listener *a, const struct discover_listener *b,
                         const struct inventory_options *o)
{
	return o->local || strcmp(a->host, b->host) == 0;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Are A and B one socket, bound to every address, reached over IPv4 and IPv6:
 * the same host, port, protocol, leaf, name and store? */
static bool same_socket(const struct discover_listener *a, const struct discover_listener *b,
                        const struct inventory_options *o)
{
	const char *x = a->target.chain.items[0].sha256, *y = b->target.chain.items[0].sha256;

	return family(a) + family(b) == 10 && same_machine(a, b, o) && a->port == b->port &&
	       a->protocol == b->protocol && a->implicit_tls == b->implicit_tls && x[0] != '\0' &&
	       strcmp(x, y) == 0 && strcmp(a->check_name, b->check_name) == 0 &&
	       same_text(a->ca_file, b->ca_file);
}

/* Add L to the N services in S, or fold it into the one it is the twin of. */
static void plan_add(struct service *s, size_t *n, const struct discover_listener *l,
                     const struct inventory_options *o)
{
	for (size_t i = 0; i < *n; i++) {
		if (s[i].twin == NULL && same_socket(s[i].l, l, o)) {
			s[i].twin = l;
			if (family(l) == 4) {
				s[i].twin = s[i].l;
				s[i].l = l;
			}
			return;
		}
	}
	s[(*n)++] = (struct service){.l = l};
}

/* The services of R's emittable TLS listeners, into S (R->count entries). */
static size_t plan(const struct discover_run *r, const struct inventory_options *o,
                   struct service *s)
{
	struct emitted e;
	size_t n = 0;

	for (size_t i = 0; i < r->count; i++) {
		const struct discover_listener *l = &r->listeners[i];

		if (l->outcome == DISCOVER_TLS && emittable(l, o, &e))
			plan_add(s, &n, l, o);
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			if (j != i && same_host(s[i].l, s[j].l, o) &&
			    s[i].l->port == s[j].l->port &&
			    strcmp(s[i].l->protocol->name, s[j].l->protocol->name) == 0)
				s[i].by_address = true;
		}
	}
	return n;
}

/* "tlscheck smtp 25", with the address when its host has another on that port. */
static void service_name(const struct service *s, char *out, size_t size)
{
	snprintf(out, size, "tlscheck %s %u%s%s", s->l->protocol->name, s->l->port,
	         s->by_address ? " " : "", s->by_address ? s->l->host : "");
}

/* The comment over a service that checks a pair once. */
static void twin_comment(FILE *out, const struct service *s)
{
	char v4[HOSTNAME_MAX + 16], v6[HOSTNAME_MAX + 16];

	if (s->twin == NULL)
		return;
	where(s->l, v4, sizeof(v4));
	where(s->twin, v6, sizeof(v6));
	fprintf(out, "# %s and %s: one socket, the same certificate, checked at %s\n", v4, v6, v4);
}

/* The address of L's host: the host itself when it is an address (into V4 or
 * V6 by its family), else its name, into V4. A name is resolved again at every
 * check, so a host that moves is checked where it is now, not where discovery
 * found it. */
static void host_addresses(const struct discover_listener *l, char *v4, char *v6, size_t size)
{
	v4[0] = v6[0] = '\0';
	snprintf(family(l) == 6 ? v6 : v4, size, "%s", l->host_ascii);
}

/* Is S the first service of its host (whose Host is written with it)? */
static bool first_of_host(const struct service *services, const struct service *s)
{
	for (const struct service *t = services; t < s; t++) {
		if (strcmp(t->l->host, s->l->host) == 0)
			return false;
	}
	return true;
}

static void icinga2_var(FILE *out, const char *name, const char *value)
{
	fprintf(out, "\tvars.%s = ", name);
	emitquote_icinga2(out, value, true);
	fputc('\n', out);
}

/* The Host of L's host: its name as given, its addresses, pinged. */
static void icinga2_host(FILE *out, const struct discover_listener *l)
{
	char v4[HOSTNAME_MAX], v6[HOSTNAME_MAX];

	host_addresses(l, v4, v6, sizeof(v4));
	fputs("object Host ", out);
	emitquote_icinga2(out, l->host, false);
	fputs(" {\n\tcheck_command = \"hostalive\"\n", out);
	for (int i = 0; i < 2; i++) {
		if ((i == 0 ? v4 : v6)[0] == '\0')
			continue;
		fputs(i == 0 ? "\taddress = " : "\taddress6 = ", out);
		emitquote_icinga2(out, i == 0 ? v4 : v6, false);
		fputc('\n', out);
	}
	fputs("}\n\n", out);
}

/* Who the service belongs to and where it runs. */
static void icinga2_placement(FILE *out, const struct discover_listener *l,
                              const struct inventory_options *o)
{
	fputs("\thost_name = ", out);
	if (o->host_name != NULL)
		emitquote_icinga2(out, o->host_name, false);
	else if (o->local)
		fputs("NodeName", out);
	else
		emitquote_icinga2(out, l->host, false);
	fputc('\n', out);
	if (o->endpoint != NULL) {
		fputs("\tcommand_endpoint = ", out);
		emitquote_icinga2(out, o->endpoint, false);
		fputc('\n', out);
	}
}

static void icinga2_service(FILE *out, const struct service *s, const struct emitted *e,
                            const struct inventory_options *o)
{
	const struct discover_listener *l = s->l;
	bool own = discover_has_own_plugin(l->protocol);
	char name[HOSTNAME_MAX + 64];

	twin_comment(out, s);
	service_name(s, name, sizeof(name));
	fputs("object Service ", out);
	emitquote_icinga2(out, name, false);
	fputs(" {\n", out);
	icinga2_placement(out, l, o);
	fprintf(out, "\tcheck_command = \"tlscheck%s%s\"\n" ICINGA2_INTERVALS, own ? "-" : "",
	        own ? l->protocol->name : "");
	if (!own && strcmp(l->protocol->name, "tls") != 0)
		icinga2_var(out, "tlscheck_protocol", l->protocol->name);
	fprintf(out, "\tvars.tlscheck_port = %u\n", l->port);
	if (existing_host(o)) {
		icinga2_var(out, "tlscheck_host", check_host(l));
		icinga2_var(out, "tlscheck_address", l->host_ascii);
	} else if (other_name(l)) {
		icinga2_var(out, "tlscheck_host", l->check_name);
	}
	if (l->check_name[0] == '\0')
		fputs("\tvars.tlscheck_no_verify_name = true\n", out);
	if (l->implicit_tls)
		fputs("\tvars.tlscheck_implicit_tls = true\n", out);
	if (e->ca_path[0] != '\0')
		icinga2_var(out, "tlscheck_ca_file", e->ca_path);
	/* Its name publishes TLSA records in a validated answer. */
	if (l->tlsa_records > 0)
		fputs("\tvars.tlscheck_dane = true\n", out);
	fputs("}\n\n", out);
}

/* A host of Nagios's stock template generic-host (which sets no
 * max_check_attempts) at L's host's first address. */
static void nagios_host(FILE *out, const struct discover_listener *l)
{
	char v4[HOSTNAME_MAX], v6[HOSTNAME_MAX];

	/* Debian's nagios4 defines localhost (objects/localhost.cfg): a second
	 * definition would keep Nagios from starting. */
	if (strcmp(l->host, "localhost") == 0) {
		fputs("# host localhost: defined by the stock configuration "
		      "(objects/localhost.cfg)\n\n",
		      out);
		return;
	}
	host_addresses(l, v4, v6, sizeof(v4));
	fprintf(out, "define host {\n\tuse                  generic-host\n");
	fprintf(out, "\thost_name            %s\n", l->host);
	fprintf(out, "\taddress              %s\n", v4[0] != '\0' ? v4 : v6);
	fputs("\tmax_check_attempts   3\n}\n\n", out);
}

/* Nagios reads '!' as the argument separator and ';' as a comment: every word
 * here passed emitquote_nagios_safe() (emittable()). On a host of its own the
 * check takes the host's address (-I $HOSTADDRESS$) and name, or the leaf's
 * name (the _name commands); on an existing host, both (the _at commands). */
static void nagios_service(FILE *out, const struct service *s, const struct emitted *e,
                           const struct inventory_options *o)
{
	const struct discover_listener *l = s->l;
	bool own = discover_has_own_plugin(l->protocol);
	char name[HOSTNAME_MAX + 64];

	twin_comment(out, s);
	service_name(s, name, sizeof(name));
	fprintf(out, "define service {\n\tuse                  generic-service\n");
	fprintf(out, "\thost_name            %s\n",
	        o->host_name != NULL ? o->host_name
	        : o->local           ? "localhost"
	                             : l->host);
	fprintf(out, "\tservice_description  %s\n" NAGIOS_INTERVALS, name);
	fprintf(out, "\tcheck_command        check_tls%s%s%s!", own ? "_" : "",
	        own ? l->protocol->name : "",
	        existing_host(o) ? "_at"
	        : other_name(l)  ? "_name"
	                         : "");
	if (existing_host(o))
		fprintf(out, "%s!%s!", check_host(l), l->host_ascii);
	else if (other_name(l))
		fprintf(out, "%s!", l->check_name);
	if (!own && strcmp(l->protocol->name, "tls") != 0)
		fprintf(out, "-P %s ", l->protocol->name);
	if (l->check_name[0] == '\0')
		fputs("--no-verify-name ", out);
	fprintf(out, "-p %u", l->port);
	if (l->implicit_tls)
		fputs(" --implicit-tls", out);
	if (e->ca_path[0] != '\0')
		fprintf(out, " -C %s", e->ca_path);
	if (l->tlsa_records > 0)
		fputs(" --dane", out);
	fputs("\n}\n\n", out);
}

/* The service S whose checked listener is L; NULL when L is folded into another or
 * not written. */
static const struct service *service_of(const struct service *s, size_t n,
                                        const struct discover_listener *l)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].l == l)
			return &s[i];
	}
	return NULL;
}

/* Icinga 2 or Nagios: the hosts first (unless the services go to an existing
 * one), then each listener in order: its service, or why it is not written. */
static size_t write_hosts_services(FILE *out, const struct discover_run *r,
                                   const struct inventory_options *o)
{
	struct service *services = calloc(r->count + 1, sizeof(*services));
	const struct service *s;
	bool icinga2 = o->format == INVENTORY_ICINGA2;
	struct emitted e;
	size_t n;

	if (services == NULL) {
		fputs("# not emitted: out of memory\n", out);
		return 0;
	}
	n = plan(r, o, services);
	for (size_t i = 0; i < n && !existing_host(o); i++) {
		if (!first_of_host(services, &services[i]))
			continue;
		if (icinga2)
			icinga2_host(out, services[i].l);
		else
			nagios_host(out, services[i].l);
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct discover_listener *l = &r->listeners[i];

		if (l->outcome != DISCOVER_TLS)
			continue;
		if (!emittable(l, o, &e))
			not_emitted(out, l, "", e.why);
		else if ((s = service_of(services, n, l)) != NULL && icinga2)
			icinga2_service(out, s, &e, o);
		else if (s != NULL)
			nagios_service(out, s, &e, o);
	}
	free(services);
	return n;
}

/* ------------------------------------------------------------- what Zabbix gets */

/* A Zabbix host name: letters, digits, '.', '-', '_' and spaces. */
static void zabbix_host_name(const struct discover_listener *l, char *out, size_t size)
{
	snprintf(out, size, "%s", l->host_ascii);
	for (char *c = out; *c != '\0'; c++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_ ",
		            *c))
			*c = '_';
	}
}

/* INDENT KEY: VALUE, VALUE a YAML scalar of its own. */
static void yaml_pair(FILE *out, const char *indent, const char *key, const char *value)
{
	fprintf(out, "%s%s: ", indent, key);
	emitquote_yaml(out, value);
	fputc('\n', out);
}

/* What one host's macros carry: the ports of its services, and the CA file its
 * discovery tries; and what was found, for its description. */
struct zabbix_macros {
	char ports[ZABBIX_MACRO_MAX + 1];
	char ca_path[PATH_MAX];
	FILE *found; /* NULL: no description */
};

/* Add S's port, and its CA file, to M; false, and why not into E, when the
 * host's macros cannot carry them. */
static bool zabbix_add(struct zabbix_macros *m, const struct service *s, struct emitted *e)
{
	size_t used = strlen(m->ports);
	int len;

	if (e->ca_path[0] != '\0' && m->ca_path[0] != '\0' && strcmp(e->ca_path, m->ca_path) != 0) {
		snprintf(e->why, sizeof(e->why),
		         "another CA file than the host's other listeners, and its discovery tries "
		         "one");
		return false;
	}
	len = snprintf(m->ports + used, sizeof(m->ports) - used, "%s%u", used > 0 ? "," : "",
	               s->l->port);
	if (len < 0 || (size_t)len >= sizeof(m->ports) - used) {
		m->ports[used] = '\0';
		snprintf(e->why, sizeof(e->why),
		         "the host's ports fill the %d characters of a macro", ZABBIX_MACRO_MAX);
		return false;
	}
	if (e->ca_path[0] != '\0')
		snprintf(m->ca_path, sizeof(m->ca_path), "%s", e->ca_path);
	if (m->found != NULL)
		fprintf(m->found, "%s%s %u %s", used > 0 ? ", " : "",
		        s->l->implicit_tls ? "tls" : s->l->protocol->name, s->l->port,
		        check_host(s->l));
	return true;
}

/* L's host entry, with the macros M and the description FOUND (NULL: none). */
static void zabbix_host_entry(FILE *out, const struct discover_listener *l,
                              const struct zabbix_macros *m, const char *found)
{
	char host[HOSTNAME_MAX + 32], option[PATH_MAX + 16];

	zabbix_host_name(l, host, sizeof(host));
	yaml_pair(out, "    - ", "host", host);
	yaml_pair(out, "      ", "name", l->host);
	/* The names come from leaves -H's parser took, without a control byte. */
	if (found != NULL)
		yaml_pair(out, "      ", "description", found);
	fputs("      templates:\n", out);
	yaml_pair(out, "        - ", "name", ZABBIX_TEMPLATE);
	fputs("      groups:\n", out);
	yaml_pair(out, "        - ", "name", ZABBIX_GROUP);
	/* An address is connected to; a name is resolved at every check. */
	fputs("      interfaces:\n", out);
	if (family(l) != 0) {
		yaml_pair(out, "        - ", "ip", l->host_ascii);
	} else {
		yaml_pair(out, "        - ", "useip", "NO");
		yaml_pair(out, "          ", "dns", l->host_ascii);
	}
	fputs("          interface_ref: if1\n      macros:\n", out);
	yaml_pair(out, "        - ", "macro", "{$TLSCHECK.LLD.PORTS}");
	yaml_pair(out, "          ", "value", m->ports);
	if (m->ca_path[0] == '\0')
		return;
	/* One word: the template passes the macro as one argument of its key. */
	snprintf(option, sizeof(option), "--ca-file=%s", m->ca_path);
	yaml_pair(out, "        - ", "macro", "{$TLSCHECK.LLD.OPTION}");
	yaml_pair(out, "          ", "value", option);
}

/* The host of the services from FIRST on whose host is FIRST's: its real name
 * and interface, the template, and its ports as the macro its discovery rule
 * reads (the listeners it cannot carry, each as a comment); false when none. */
static bool zabbix_host(FILE *out, const struct service *first, const struct service *end,
                        const struct inventory_options *o)
{
	struct zabbix_macros m = {.ports = ""};
	char *found = NULL;
	size_t found_size = 0;
	struct emitted e;

	m.found = open_memstream(&found, &found_size);
	if (m.found != NULL)
		fputs("TLS listeners found by tlscheck-discover: ", m.found);
	for (const struct service *s = first; s < end; s++) {
		if (strcmp(s->l->host, first->l->host) == 0 && emittable(s->l, o, &e) &&
		    !zabbix_add(&m, s, &e))
			not_emitted(out, s->l, "    ", e.why);
	}
	/* Without its description, the host is still written. */
	if (m.found != NULL && fclose(m.found) != 0) {
		free(found);
		found = NULL;
	}
	if (m.ports[0] != '\0')
		zabbix_host_entry(out, first->l, &m, found);
	free(found);
	return m.ports[0] != '\0';
}

/* One host per host (a socket seen over IPv4 and IPv6 folded with --local),
 * each with the ports its discovery rule checks again. */
static size_t write_zabbix(FILE *out, const struct discover_run *r,
                           const struct inventory_options *o)
{
	struct service *services = calloc(r->count + 1, sizeof(*services));
	struct emitted e;
	size_t n, written = 0;

	fputs("zabbix_export:\n  version: '6.0'\n  groups:\n", out);
	yaml_pair(out, "    - ", "uuid", ZABBIX_GROUP_UUID);
	yaml_pair(out, "      ", "name", ZABBIX_GROUP);
	fputs("  hosts:\n", out);
	if (services == NULL) {
		fputs("    # not emitted: out of memory\n    []\n", out);
		return 0;
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct discover_listener *l = &r->listeners[i];

		if (l->outcome == DISCOVER_TLS && !emittable(l, o, &e))
			not_emitted(out, l, "    ", e.why);
	}
	n = plan(r, o, services);
	for (size_t i = 0; i < n; i++) {
		if (first_of_host(services, &services[i]))
			written += zabbix_host(out, &services[i], services + n, o);
	}
	if (written == 0)
		fputs("    []\n", out);
	free(services);
	return written;
}

/* ---------------------------------------------- what Zabbix discovery gets */

/* The discovery macros, in the order written. */
static const char *const lld_macros[] = {"HOST", "PORT",   "PROTOCOL", "PLUGIN",
                                         "NAME", "CAFILE", "TRUST"};
#define LLD_MACROS (sizeof(lld_macros) / sizeof(lld_macros[0]))

/* One listener's discovery macros, and the text they point into. */
struct lld_row {
	const char *values[LLD_MACROS];
	char port[8];
	char plugin[64];
	char trust[PATH_MAX + 16];
};

/* A value of a discovery macro: Zabbix substitutes it into item keys and the
 * check's argv unquoted, so only what needs no quoting in either, and no
 * JSON escaping. */
static bool lld_safe(const char *value)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                              "0123456789._/:+%=-";

	return strspn(value, allowed) == strlen(value);
}

/* The discovery macros of L into ROW; false when a value is not lld_safe(),
 * or empty where a check needs one. A listener reached by TLS at connect
 * where its protocol would upgrade is checked as plain TLS, as in the import
 * file. A chain the system store validates has no {#CAFILE} (the agent's key
 * then passes no -C) and a {#TRUST} that changes nothing (the key's last
 * option again): the system store's bundle has no one path on every system. */
static bool lld_values(const struct discover_listener *l, const struct inventory_options *o,
                       const struct emitted *e, struct lld_row *row)
{
	bool plain_tls = l->implicit_tls || !discover_has_own_plugin(l->protocol);

	snprintf(row->port, sizeof(row->port), "%u", l->port);
	snprintf(row->plugin, sizeof(row->plugin), "check_tls%s%s", plain_tls ? "" : "_",
	         plain_tls ? "" : l->protocol->name);
	snprintf(row->trust, sizeof(row->trust), "%s%s",
	         l->ca_file != NULL ? "--ca-file=" : "--output=json",
	         l->ca_file != NULL ? e->ca_path : "");
	row->values[0] = l->host_ascii;
	row->values[1] = row->port;
	row->values[2] = l->implicit_tls ? "tls" : l->protocol->name;
	row->values[3] = row->plugin;
	/* The host's own name, when given: a certificate's name would always
	 * match itself, and a wrong name would never be seen. */
	row->values[4] = o->verify_name != NULL ? o->verify_name : check_host(l);
	row->values[5] = l->ca_file != NULL ? e->ca_path : "";
	row->values[6] = row->trust;
	for (size_t i = 0; i < LLD_MACROS; i++) {
		if (!lld_safe(row->values[i]) || (i != 5 && row->values[i][0] == '\0'))
			return false;
	}
	return true;
}

/* A JSON array of one object per listener ({#HOST}, {#PORT}, {#PROTOCOL},
 * {#PLUGIN}, {#NAME}, {#CAFILE}, {#TRUST}), for a Zabbix discovery rule (an
 * agent's UserParameter, or the server's external check) to make items of.
 * With --local a socket seen over IPv4 and IPv6 is one listener, checked over
 * IPv4, as in the other engines' files. */
static size_t write_zabbix_lld(FILE *out, const struct discover_run *r,
                               const struct inventory_options *o)
{
	struct service *services = calloc(r->count + 1, sizeof(*services));
	struct lld_row row;
	struct emitted e;
	size_t n, written = 0;

	fputc('[', out);
	/* No object at all is better than a broken array. */
	n = services != NULL ? plan(r, o, services) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct discover_listener *l = services[i].l;

		if (!emittable(l, o, &e) || !lld_values(l, o, &e, &row))
			continue;
		fputs(written++ == 0 ? "{" : ",{", out);
		for (size_t m = 0; m < LLD_MACROS; m++)
			fprintf(out, "%s\"{#%s}\":\"%s\"", m == 0 ? "" : ",", lld_macros[m],
			        row.values[m]);
		fputc('}', out);
	}
	fputs("]\n", out);
	free(services);
	return written;
}

size_t inventory_write(FILE *out, struct discover_run *r, const struct inventory_options *o)
{
	size_t tls = 0;

	/* No listener at all (a machine, or a network namespace, with none):
	 * r->listeners is NULL, which qsort() must not be given. */
	if (r->count > 0)
		qsort(r->listeners, r->count, sizeof(*r->listeners), by_urgency);
	for (size_t i = 0; i < r->count; i++)
		tls += r->listeners[i].outcome == DISCOVER_TLS;
	switch (o->format) {
	case INVENTORY_TABLE:
		write_table(out, r, o);
		break;
	case INVENTORY_JSON:
		write_json(out, r, o);
		break;
	case INVENTORY_ZABBIX:
		write_zabbix(out, r, o);
		break;
	case INVENTORY_ZABBIX_LLD:
		write_zabbix_lld(out, r, o);
		break;
	default:
		write_hosts_services(out, r, o);
		break;
	}
	return tls;
}
