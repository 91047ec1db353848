#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "emitquote.h"
#include "inventory.h"
#include "report.h"
#include "textproto.h"

#define ZABBIX_TEMPLATE "TLS certificate by tlscheck"
#define ZABBIX_GROUP    "Discovered TLS listeners"

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
	fprintf(out, ",\"not_after\":%lld", (long long)leaf->not_after);
	json_key(out, "trusted_by",
	         l->ca_file != NULL  ? l->ca_file
	         : l->system_trusted ? "system"
	                             : NULL);
	json_key(out, "summary",
	         l->target.verdict.count > 0 ? l->target.verdict.items[0].text : "");
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
	fputs("]}\n", out);
}

/* ---------------------------------------------------------------- engines */

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

/* What one listener's configuration carries besides its own fields. */
struct emitted {
	char ca_path[PATH_MAX]; /* the CA file, absolute; "" for none */
	char why[FAULT_TEXT_SIZE + 2 * TEXTPROTO_QUOTE_SIZE]; /* "": written; else why not */
};

/* Only what each engine takes as plain data is written: a name from the leaf
 * that -H's parser took, and words a Nagios command line carries without a
 * shell, a macro, an argument separator or a comment in them. */
static bool emittable(const struct discover_listener *l, enum inventory_format format,
                      struct emitted *e)
{
	char quoted[TEXTPROTO_QUOTE_SIZE];

	e->ca_path[0] = e->why[0] = '\0';
	if (l->ca_file != NULL)
		absolute(l->ca_file, e->ca_path, sizeof(e->ca_path));
	textproto_quote(quoted, sizeof(quoted), e->ca_path);
	if (l->name_refused[0] != '\0')
		snprintf(e->why, sizeof(e->why), "%s", l->name_refused);
	else if (emitquote_has_control(l->host) || emitquote_has_control(e->ca_path))
		snprintf(e->why, sizeof(e->why),
		         "a control byte in the host or the CA file's path");
	else if (format == INVENTORY_NAGIOS && other_name(l) &&
	         !emitquote_nagios_safe(l->check_name))
		snprintf(e->why, sizeof(e->why), "a Nagios command cannot carry the name");
	else if (format == INVENTORY_NAGIOS && l->ca_file != NULL &&
	         !emitquote_nagios_safe(e->ca_path))
		snprintf(e->why, sizeof(e->why),
		         "a Nagios command cannot carry the CA file's path '%s' (only letters, "
		         "digits and ._-:/@=+%%,)",
		         quoted);
	else if (format == INVENTORY_ZABBIX && l->check_name[0] == '\0')
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

static void icinga2_var(FILE *out, const char *name, const char *value)
{
	fprintf(out, "\tvars.%s = ", name);
	emitquote_icinga2(out, value, true);
	fputc('\n', out);
}

static void icinga2_service(FILE *out, const struct discover_listener *l, const struct emitted *e)
{
	bool own = discover_has_own_plugin(l->protocol);
	char name[64];

	snprintf(name, sizeof(name), "tlscheck %s %u", l->protocol->name, l->port);
	fputs("object Service ", out);
	emitquote_icinga2(out, name, false);
	fputs(" {\n\thost_name = ", out);
	emitquote_icinga2(out, l->host, false);
	fprintf(out, "\n\tcheck_command = \"tls%s%s\"\n", own ? "_" : "",
	        own ? l->protocol->name : "");
	if (!own && strcmp(l->protocol->name, "tls") != 0)
		icinga2_var(out, "tlscheck_protocol", l->protocol->name);
	fprintf(out, "\tvars.tlscheck_port = %u\n", l->port);
	if (other_name(l))
		icinga2_var(out, "tlscheck_host", l->check_name);
	if (l->check_name[0] == '\0')
		fputs("\tvars.tlscheck_no_verify_name = true\n", out);
	if (l->implicit_tls)
		fputs("\tvars.tlscheck_implicit_tls = true\n", out);
	if (e->ca_path[0] != '\0')
		icinga2_var(out, "tlscheck_ca_file", e->ca_path);
	fputs("}\n\n", out);
}

/* Nagios reads '!' as the argument separator and ';' as a comment: every word
 * here passed emitquote_nagios_safe() (emittable()). */
static void nagios_service(FILE *out, const struct discover_listener *l, const struct emitted *e)
{
	bool own = discover_has_own_plugin(l->protocol);

	fprintf(out, "define service {\n\tuse                  generic-service\n");
	fprintf(out, "\thost_name            %s\n", l->host);
	fprintf(out, "\tservice_description  tlscheck %s %u\n", l->protocol->name, l->port);
	fprintf(out, "\tcheck_command        check_tls%s%s%s!", own ? "_" : "",
	        own ? l->protocol->name : "", other_name(l) ? "_name" : "");
	if (other_name(l))
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
	fputs("\n}\n\n", out);
}

/* A Zabbix host name: letters, digits, '.', '-', '_' and spaces. */
static void zabbix_host_name(const struct discover_listener *l, char *out, size_t size)
{
	snprintf(out, size, "%s %s %u", l->check_name[0] ? l->check_name : l->host,
	         l->protocol->name, l->port);
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

static void zabbix_host(FILE *out, const struct discover_listener *l)
{
	char host[HOSTNAME_MAX + 32], port[8];

	zabbix_host_name(l, host, sizeof(host));
	snprintf(port, sizeof(port), "%u", l->port);
	yaml_pair(out, "    - ", "host", host);
	yaml_pair(out, "      ", "name", host);
	fputs("      templates:\n", out);
	yaml_pair(out, "        - ", "name", ZABBIX_TEMPLATE);
	fputs("      groups:\n", out);
	yaml_pair(out, "        - ", "name", ZABBIX_GROUP);
	fputs("      interfaces:\n", out);
	if (l->check_address) {
		yaml_pair(out, "        - ", "ip", l->host_ascii);
		yaml_pair(out, "          ", "dns", l->check_name);
	} else {
		yaml_pair(out, "        - ", "useip", "NO");
		yaml_pair(out, "          ", "dns", l->host_ascii);
	}
	fputs("          interface_ref: if1\n      macros:\n", out);
	yaml_pair(out, "        - ", "macro", "{$TLSCHECK.PORT}");
	yaml_pair(out, "          ", "value", port);
	/* The template has no --implicit-tls: such a listener is checked as plain TLS. */
	yaml_pair(out, "        - ", "macro", "{$TLSCHECK.PROTOCOL}");
	yaml_pair(out, "          ", "value", l->implicit_tls ? "tls" : l->protocol->name);
}

static size_t write_engine(FILE *out, const struct discover_run *r, enum inventory_format format)
{
	const char *indent = format == INVENTORY_ZABBIX ? "    " : "";
	struct emitted e;
	size_t written = 0;

	if (format == INVENTORY_ZABBIX) {
		fputs("zabbix_export:\n  version: '6.0'\n  groups:\n", out);
		yaml_pair(out, "    - ", "name", ZABBIX_GROUP);
		fputs("  hosts:\n", out);
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct discover_listener *l = &r->listeners[i];

		if (l->outcome != DISCOVER_TLS)
			continue;
		if (!emittable(l, format, &e))
			not_emitted(out, l, indent, e.why);
		else if (format == INVENTORY_ICINGA2)
			icinga2_service(out, l, &e);
		else if (format == INVENTORY_NAGIOS)
			nagios_service(out, l, &e);
		else
			zabbix_host(out, l);
		written += e.why[0] == '\0';
	}
	if (format == INVENTORY_ZABBIX && written == 0)
		fputs("    []\n", out);
	return written;
}

size_t inventory_write(FILE *out, struct discover_run *r, const struct inventory_options *o)
{
	size_t tls = 0;

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
	default:
		write_engine(out, r, o->format);
		break;
	}
	return tls;
}
