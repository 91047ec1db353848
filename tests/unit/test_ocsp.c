#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ocsp.h"

/* Reading a staple that is not usable never fails the check: it is a fact. What
 * a usable one says is read from responses openssl makes at test time
 * (tests/integration/ocsp.sh). */

static void read_staple(const unsigned char *der, size_t size, struct ocsp_staple *out)
{
	const gnutls_datum_t datum = {(unsigned char *)der, (unsigned)size};
	struct cert_info leaf;
	struct fault f;

	memset(&leaf, 0, sizeof(leaf));
	assert_int_equal(ocsp_staple_read(&datum, &leaf, NULL, out, &f), 0);
}

static void test_none(void **state)
{
	struct cert_info leaf;
	struct ocsp_staple s;
	struct fault f;

	(void)state;
	memset(&leaf, 0, sizeof(leaf));
	assert_int_equal(ocsp_staple_read(NULL, &leaf, NULL, &s, &f), 0);
	assert_false(s.present);
	assert_int_equal(s.defect, OCSP_USABLE);
}

static void test_garbage(void **state)
{
	static const unsigned char garbage[] = "not DER at all";
	struct ocsp_staple s;

	(void)state;
	read_staple(garbage, sizeof(garbage) - 1, &s);
	assert_true(s.present);
	assert_int_equal(s.defect, OCSP_UNREADABLE);
	assert_string_equal(s.problem, "it is not an OCSP response");
}

/* OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED tryLater(3) }: a responder
 * that had no answer, stapled as if it were one. */
static void test_not_successful(void **state)
{
	static const unsigned char try_later[] = {0x30, 0x03, 0x0a, 0x01, 0x03};
	struct ocsp_staple s;

	(void)state;
	read_staple(try_later, sizeof(try_later), &s);
	assert_true(s.present);
	assert_int_equal(s.defect, OCSP_UNREADABLE);
	assert_string_equal(s.problem, "the responder answered tryLater");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_none),
	        cmocka_unit_test(test_garbage),
	        cmocka_unit_test(test_not_successful),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
