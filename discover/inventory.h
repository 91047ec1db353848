/* inventory — what tlscheck-discover found, written out: a table for people,
 * JSON, or the monitoring configuration that checks every TLS listener found
 * (Icinga 2 Service objects on contrib/icinga2's CheckCommands, Nagios service
 * definitions on contrib/nagios's commands, Zabbix hosts on contrib/zabbix's
 * template).
 *
 * Listeners come sorted: TLS first, the fewest days left first; then those that
 * answer without TLS; closed ones only when asked for (-v).
 *
 * Generated configuration is code the engine runs, and what a listener says is
 * untrusted: every value goes through emitquote in the engine's own quoting,
 * and a listener that cannot be written safely (a leaf whose names -H's parser
 * refuses, a CA file path a Nagios command cannot carry) is written as one line
 * "# not emitted: HOST:PORT PROTOCOL: why" instead. The table escapes control
 * bytes in everything it prints.
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
};

struct inventory_options {
	enum inventory_format format;
	bool colour;      /* the table's states in colour (stdout is a terminal) */
	bool show_closed; /* -v: closed ports too (table and JSON) */
};

/* Write what R found to OUT. Sorts R's listeners. Returns the number of TLS
 * listeners written. */
size_t inventory_write(FILE *out, struct discover_run *r, const struct inventory_options *o);

#endif
