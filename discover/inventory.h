/* inventory — what tlscheck-discover found, written out: a table for people,
 * JSON, or the monitoring configuration that checks every TLS listener found
 * (Icinga 2 Host and Service objects on contrib/icinga2's CheckCommands,
 * Nagios host and service definitions on contrib/nagios's commands, Zabbix
 * hosts on contrib/zabbix's template, Zabbix low-level discovery JSON).
 *
 * In every engine's file, with --local, a socket bound to every address and
 * reached over IPv4 and IPv6 (the same port, protocol, leaf, name and CA file)
 * is one service (one discovered listener for Zabbix), checked over IPv4. A
 * Zabbix host is one per host, its ports the macro of its template's discovery
 * rule. For Icinga 2 and Nagios, a host's address is the host as given (a
 * name resolved at every check); every service is checked hourly (retried every
 * 15 minutes), and named "tlscheck PROTOCOL PORT", with the address after it
 * when its host has another listener on that protocol and port.
 *
 * Listeners come sorted: TLS first, the fewest days left first; then those that
 * answer without TLS; closed ones only when asked for (-v).
 *
 * Generated configuration is code the engine runs, and what a listener says is
 * untrusted: every value goes through emitquote in the engine's own quoting,
 * and a listener that cannot be written safely (a leaf whose names -H's parser
 * refuses, a CA file path a Nagios command cannot carry) is written as one line
 * "# not emitted: HOST:PORT PROTOCOL: why" instead. Zabbix low-level discovery
 * JSON has no comments and Zabbix puts its values into item keys and the
 * plugin's argv: a listener with a value outside [A-Za-z0-9._/:+%=-] is left
 * out of it. The table escapes control bytes in everything it prints.
 */
#ifndef TLSCHECK_DISCOVER_INVENTORY_H
#define TLSCHECK_DISCOVER_INVENTORY_H

#include <stdbool.h>
#include <stdio.h>

#include "discover.h"

enum inventory_format {
	INVENTORY_TABLE,
	INVENTORY_JSON,
	INVENTORY_ICINGA2,
	INVENTORY_NAGIOS,
	INVENTORY_ZABBIX,
	INVENTORY_ZABBIX_LLD,
};

struct inventory_options {
	enum inventory_format format;
	bool colour;      /* the table's states in colour (stdout is a terminal) */
	bool show_closed; /* -v: closed ports too (table and JSON) */
	/* Icinga 2 and Nagios: the host the services go to. By default one Host
	 * (host) per host discovered, named as given, with its addresses; with
	 * LOCAL, this machine's own (NodeName, localhost); HOST_NAME (a name
	 * emitquote_object_name() takes) names an existing one instead. */
	bool local;
	const char *host_name;
	const char *endpoint; /* Icinga 2: the command_endpoint of every service; NULL: none */
	/* Zabbix LLD: the name every listener's check verifies ({#NAME}), the
	 * Zabbix host's DNS name; NULL: each certificate's own name, which an
	 * address alone gives no other way to know. */
	const char *verify_name;
};

/* Write what R found to OUT. Sorts R's listeners. Returns the number of TLS
 * listeners written. */
size_t inventory_write(FILE *out, struct discover_run *r, const struct inventory_options *o);

#endif
