#include <config.h>

#include <stdio.h>
#include <string.h>

#include "consistency.h"
#include "settings.h"
#include "when.h"

/* Groups one name's leaves fall into; more are counted, not described. */
#define MAX_GROUPS 8

struct group {
	const struct cert_info *leaf;
	size_t count;
};

static bool same_leaf(const struct cert_info *a, const struct cert_info *b)
{
	return strcmp(a->sha256, b->sha256) == 0;
}

/* The leaves served for NAME, grouped, the most served first. Returns the
 * number of distinct leaves (groups may hold fewer). */
static size_t group_leaves(const struct consistency_leaf *leaves, size_t count, const char *name,
                           struct group *groups)
{
	size_t distinct = 0, kept = 0;

	for (size_t i = 0; i < count; i++) {
		size_t g;

		if (leaves[i].leaf == NULL || strcmp(leaves[i].name, name) != 0)
			continue;
		for (g = 0; g < kept && !same_leaf(groups[g].leaf, leaves[i].leaf); g++)
			;
		if (g < kept) {
			groups[g].count++;
			continue;
		}
		distinct++;
		if (kept < MAX_GROUPS)
			groups[kept++] = (struct group){leaves[i].leaf, 1};
	}
	for (size_t a = 1; a < kept; a++) {
		for (size_t b = a; b > 0 && groups[b].count > groups[b - 1].count; b--) {
			struct group swap = groups[b];

			groups[b] = groups[b - 1];
			groups[b - 1] = swap;
		}
	}
	return distinct;
}

/* "3 addresses serve", then "1 serves" / "2 serve". */
static const char *serving(size_t count, bool first)
{
	if (first)
		return count == 1 ? "address serves" : "addresses serve";
	return count == 1 ? "serves" : "serve";
}

static void describe(const struct group *groups, size_t kept, size_t distinct, const char *name,
                     bool named, char *text, size_t size)
{
	size_t used;
	char date[32];

	used = (size_t)snprintf(text, size, "%zu certificates in rotation%s%s:", distinct,
	                        named ? " for " : "", named ? name : "");
	for (size_t g = 0; g < kept && used < size; g++) {
		when_format(groups[g].leaf->not_after, date, sizeof(date));
		used += (size_t)snprintf(text + used, size - used,
		                         "%s %zu %s serial %s (expires %s)", g == 0 ? "" : ",",
		                         groups[g].count, serving(groups[g].count, g == 0),
		                         groups[g].leaf->serial, date);
	}
}

static bool judged_before(const struct consistency_leaf *leaves, size_t index)
{
	for (size_t i = 0; i < index; i++) {
		if (strcmp(leaves[i].name, leaves[index].name) == 0)
			return true;
	}
	return false;
}

void consistency_judge(const struct consistency_leaf *leaves, size_t count, bool named,
                       struct verdict *together)
{
	struct group groups[MAX_GROUPS];
	char text[VERDICT_TEXT_SIZE];

	for (size_t i = 0; i < count; i++) {
		size_t distinct, kept;

		if (judged_before(leaves, i))
			continue;
		distinct = group_leaves(leaves, count, leaves[i].name, groups);
		if (distinct < 2)
			continue;
		kept = distinct < MAX_GROUPS ? distinct : MAX_GROUPS;
		describe(groups, kept, distinct, leaves[i].name, named, text, sizeof(text));
		verdict_add(together, "rotation", STATE_WARNING, "%s", text);
	}
}

static int allow_mixed(struct settings_judge *j, const char *value, struct fault *f)
{
	(void)value, (void)f;
	j->allow_mixed = true;
	return 0;
}

static const struct settings_option options[] = {
        {"allow-mixed", NULL,
         "no WARNING when the addresses of a name serve\n"
         "different certificates",
         allow_mixed, false, false},
        {NULL, NULL, NULL, NULL, false, false},
};

const struct settings_option *consistency_options(void)
{
	return options;
}
