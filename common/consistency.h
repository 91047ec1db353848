/* consistency — what the targets of one name say together: every address behind
 * a name should serve the same certificate. Two leaves for one name is a
 * renewal that reached some nodes and not others (or a node left out of the
 * pool's configuration): the node still serving the old one fails on its own
 * date, while the check of "the name" passes.
 */
#ifndef TLSCHECK_COMMON_CONSISTENCY_H
#define TLSCHECK_COMMON_CONSISTENCY_H

#include <stdbool.h>
#include <stddef.h>

#include "cert.h"
#include "verdict.h"

struct settings_option; /* settings.h */

/* What one target served. */
struct consistency_leaf {
	const char *name;             /* the name judged there (its group) */
	const struct cert_info *leaf; /* NULL when the probe saw no chain */
};

/* For every name whose targets served different leaves, add to TOGETHER a
 * WARNING of rule "rotation": "2 certificates in rotation: 3 addresses serve
 * serial A (expires ...), 1 serves serial B (expires ...)", the name added when
 * NAMED (several names in the run). */
void consistency_judge(const struct consistency_leaf *leaves, size_t count, bool named,
                       struct verdict *together);

/* The rule's options (--allow-mixed: the rotation is not judged), in --help
 * order, ended by a NULL name. */
const struct settings_option *consistency_options(void);

#endif
