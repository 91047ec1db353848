#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "report.h"

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
	fprintf(out, "%-24s ", place);
	if (processes)
		fprintf(out, "%-15s ", l->process[0] ? l->process : "-");
	fprintf(out, "%-8s ", protocol_name(l));
	if (l->outcome != DISCOVER_TLS) {
		fprintf(out, "%-12s %s\n", "-", l->detail);
		return;
	}
	fprintf(out, "%-12s %s (issuer %s)\n", store_name(l), leaf->label, leaf->issuer_label);
	fprintf(out, "%10s%s\n", "", l->command);
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
	json_key(out, "command", l->command);
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

static void icinga2_service(FILE *out, const struct discover_listener *l)
{
	bool own = discover_has_own_plugin(l->protocol);
	char name[64], path[PATH_MAX];

	snprintf(name, sizeof(name), "tlscheck %s %u", l->protocol->name, l->port);
	fputs("object Service ", out);
	report_json_string(out, name);
	fputs(" {\n\thost_name = ", out);
	report_json_string(out, l->host);
	fprintf(out, "\n\tcheck_command = \"tls%s%s\"\n", own ? "_" : "",
	        own ? l->protocol->name : "");
	if (!own && strcmp(l->protocol->name, "tls") != 0)
		fprintf(out, "\tvars.tlscheck_protocol = \"%s\"\n", l->protocol->name);
	fprintf(out, "\tvars.tlscheck_port = %u\n", l->port);
	if (other_name(l)) {
		fputs("\tvars.tlscheck_host = ", out);
		report_json_string(out, l->check_name);
		fputs("\n", out);
	}
	if (l->check_name[0] == '\0')
		fputs("\tvars.tlscheck_no_verify_name = true\n", out);
	if (l->implicit_tls)
		fputs("\tvars.tlscheck_implicit_tls = true\n", out);
	if (l->ca_file != NULL) {
		absolute(l->ca_file, path, sizeof(path));
		fputs("\tvars.tlscheck_ca_file = ", out);
		report_json_string(out, path);
		fputs("\n", out);
	}
	fputs("}\n\n", out);
}

/* Nagios reads '!' as the argument separator and ';' as a comment. */
static void nagios_service(FILE *out, const struct discover_listener *l)
{
	bool own = discover_has_own_plugin(l->protocol);
	char path[PATH_MAX];

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
	if (l->ca_file != NULL) {
		absolute(l->ca_file, path, sizeof(path));
		fprintf(out, " -C %s", path);
	}
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

static void zabbix_host(FILE *out, const struct discover_listener *l)
{
	char host[HOSTNAME_MAX + 32];

	zabbix_host_name(l, host, sizeof(host));
	fprintf(out, "    - host: '%s'\n      name: '%s'\n", host, host);
	fprintf(out, "      templates:\n        - name: '%s'\n", ZABBIX_TEMPLATE);
	fprintf(out, "      groups:\n        - name: '%s'\n", ZABBIX_GROUP);
	fputs("      interfaces:\n        - ", out);
	if (l->check_address)
		fprintf(out, "ip: '%s'\n          dns: '%s'\n", l->host_ascii, l->check_name);
	else
		fprintf(out, "useip: 'NO'\n          dns: '%s'\n", l->host_ascii);
	fputs("          interface_ref: if1\n", out);
	fprintf(out, "      macros:\n        - macro: '{$TLSCHECK.PORT}'\n          value: '%u'\n",
	        l->port);
	/* The template has no --implicit-tls: such a listener is checked as plain TLS. */
	fprintf(out, "        - macro: '{$TLSCHECK.PROTOCOL}'\n          value: '%s'\n",
	        l->implicit_tls ? "tls" : l->protocol->name);
}

static size_t write_engine(FILE *out, const struct discover_run *r, enum inventory_format format)
{
	size_t written = 0;

	if (format == INVENTORY_ZABBIX)
		fprintf(out,
		        "zabbix_export:\n  version: '6.0'\n  groups:\n    - name: '%s'\n"
		        "  hosts:\n",
		        ZABBIX_GROUP);
	for (size_t i = 0; i < r->count; i++) {
		const struct discover_listener *l = &r->listeners[i];

		if (l->outcome != DISCOVER_TLS)
			continue;
		if (format == INVENTORY_ICINGA2)
			icinga2_service(out, l);
		else if (format == INVENTORY_NAGIOS)
			nagios_service(out, l);
		else if (l->check_name[0] != '\0')
			zabbix_host(out, l);
		written++;
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
