/* hostname — host names as the wire wants them: IP literals told apart, and
 * internationalised names (U-labels, "bücher.example") turned into A-labels
 * ("xn--bcher-kva.example") with libidn2, for DNS, SNI and name matching alike. */
#ifndef TLSCHECK_COMMON_HOSTNAME_H
#define TLSCHECK_COMMON_HOSTNAME_H

#include <stdbool.h>
#include <stddef.h>

#include "fault.h"

#define HOSTNAME_MAX 256

/* True when TEXT is an IPv4 or IPv6 literal (brackets not accepted). */
bool hostname_is_ip_literal(const char *text);

/* Convert the UTF-8 name TEXT to its lowercase ASCII form (IDNA2008 with UTS#46
 * mapping). IP literals and ASCII names pass through lowercased; a trailing dot is
 * dropped. OUT must hold HOSTNAME_MAX bytes. Returns 0, or -1 with FAULT_USAGE
 * ("'b..x' is not a valid host name: ...", "...: 254 characters, more than the
 * 253 a name may have", the length of the A-label form for an IDN). */
int hostname_to_ascii(const char *text, char *out, size_t size, struct fault *f);

#endif
