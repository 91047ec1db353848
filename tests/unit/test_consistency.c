#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "consistency.h"

#define JAN_2027 1798761600 /* 2027-01-01 00:00 UTC */
#define DEC_2026 1796083200 /* 2026-12-01 00:00 UTC */

static void set_leaf(struct cert_info *c, const char *serial, const char *sha256, time_t not_after)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->serial, sizeof(c->serial), "%s", serial);
	snprintf(c->sha256, sizeof(c->sha256), "%s", sha256);
	c->not_after = not_after;
}

static void test_one_leaf_everywhere(void **state)
{
	struct cert_info leaf;
	struct verdict v;
	const struct consistency_leaf leaves[] = {
	        {"www.example", &leaf}, {"www.example", &leaf}, {"www.example", NULL}};

	(void)state;
	set_leaf(&leaf, "0a", "aa", JAN_2027);
	verdict_init(&v);
	consistency_judge(leaves, 3, false, &v);
	assert_int_equal(v.count, 0);
}

/* The most served leaf first; a failed target is no leaf; names apart. */
static void test_rotation(void **state)
{
	struct cert_info new_leaf, old_leaf, other;
	struct verdict v;
	const struct consistency_leaf leaves[] = {
	        {"www.example", &old_leaf}, {"www.example", &new_leaf}, {"www.example", NULL},
	        {"www.example", &new_leaf}, {"api.example", &other},    {"www.example", &new_leaf},
	};

	(void)state;
	set_leaf(&new_leaf, "0b", "bb", JAN_2027);
	set_leaf(&old_leaf, "0a", "aa", DEC_2026);
	set_leaf(&other, "0c", "cc", DEC_2026);
	verdict_init(&v);
	consistency_judge(leaves, 6, false, &v);
	assert_int_equal(v.count, 1);
	assert_int_equal(v.items[0].state, STATE_WARNING);
	assert_string_equal(v.items[0].rule, "rotation");
	assert_string_equal(
	        v.items[0].text,
	        "2 certificates in rotation: 3 addresses serve serial 0b (expires "
	        "2027-01-01 00:00 UTC), 1 serves serial 0a (expires 2026-12-01 00:00 UTC)");
	verdict_init(&v);
	consistency_judge(leaves, 6, true, &v);
	assert_non_null(strstr(v.items[0].text, "2 certificates in rotation for www.example: "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_one_leaf_everywhere),
	        cmocka_unit_test(test_rotation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
