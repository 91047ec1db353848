#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gnutls/x509.h>

#include "credentials.h"

/* Keys and certificates made in-process, written to a directory of the test's
 * own, removed at the end. */
static char dir[] = "/tmp/tlscheck-credentials.XXXXXX";

static char *path_of(const char *name)
{
	static char paths[8][256];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

static void write_file(const char *name, const void *data, size_t size, mode_t mode)
{
	FILE *f = fopen(path_of(name), "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path_of(name), mode), 0);
}

static gnutls_x509_privkey_t new_key(void)
{
	gnutls_x509_privkey_t key;

	assert_int_equal(gnutls_x509_privkey_init(&key), 0);
	assert_int_equal(
	        gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0),
	        0);
	return key;
}

static void write_key_as(const char *name, gnutls_x509_privkey_t key, const char *password,
                         gnutls_x509_crt_fmt_t format)
{
	unsigned char buf[4096];
	size_t size = sizeof(buf);

	if (password == NULL)
		assert_int_equal(gnutls_x509_privkey_export(key, format, buf, &size), 0);
	else
		assert_int_equal(gnutls_x509_privkey_export_pkcs8(key, format, password,
		                                                  GNUTLS_PKCS_PBES2_AES_256, buf,
		                                                  &size),
		                 0);
	write_file(name, buf, size, 0600);
}

static void write_key(const char *name, gnutls_x509_privkey_t key, const char *password)
{
	write_key_as(name, key, password, GNUTLS_X509_FMT_PEM);
}

/* A self-signed certificate for KEY, CN=monitor, for PURPOSE. */
static void write_cert(const char *name, gnutls_x509_privkey_t key, const char *purpose)
{
	gnutls_x509_crt_t crt;
	unsigned char buf[4096];
	size_t size = sizeof(buf);
	time_t now = time(NULL);

	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_set_version(crt, 3), 0);
	assert_int_equal(gnutls_x509_crt_set_serial(crt, "\x01", 1), 0);
	assert_int_equal(gnutls_x509_crt_set_activation_time(crt, now - 86400), 0);
	assert_int_equal(gnutls_x509_crt_set_expiration_time(crt, now + 30 * 86400), 0);
	assert_int_equal(
	        gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "monitor", 7),
	        0);
	assert_int_equal(gnutls_x509_crt_set_key(crt, key), 0);
	if (purpose != NULL)
		assert_int_equal(gnutls_x509_crt_set_key_purpose_oid(crt, purpose, 0), 0);
	assert_int_equal(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), 0);
	assert_int_equal(gnutls_x509_crt_export(crt, GNUTLS_X509_FMT_PEM, buf, &size), 0);
	gnutls_x509_crt_deinit(crt);
	write_file(name, buf, size, 0644);
}

static int setup(void **state)
{
	gnutls_x509_privkey_t key = new_key(), other = new_key();

	(void)state;
	if (mkdtemp(dir) == NULL)
		return -1;
	write_key("mon.key", key, NULL);
	write_key("mon-enc.key", key, "secret");
	write_key_as("mon-enc.der", key, "secret", GNUTLS_X509_FMT_DER);
	write_key("other.key", other, NULL);
	write_cert("mon.pem", key, GNUTLS_KP_TLS_WWW_CLIENT);
	write_cert("server-only.pem", key, GNUTLS_KP_TLS_WWW_SERVER);
	write_cert("any.pem", key, NULL);
	write_file("pw", "secret\n", 7, 0600);
	write_file("badpw", "wrong\n", 6, 0600);
	write_key("world.key", key, NULL);
	chmod(path_of("world.key"), 0644);
	gnutls_x509_privkey_deinit(key);
	gnutls_x509_privkey_deinit(other);
	return 0;
}

static int teardown(void **state)
{
	static const char *const names[] = {
	        "mon.key",         "mon-enc.key", "mon-enc.der", "other.key", "mon.pem",
	        "server-only.pem", "any.pem",     "pw",          "badpw",     "world.key"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(path_of(names[i]));
	return rmdir(dir);
}

/* Load and expect success; the caller frees. */
static struct client_credentials *load_ok(const char *cert, const char *key, const char *password)
{
	struct credentials_files files = {path_of(cert), path_of(key),
	                                  password ? path_of(password) : NULL, NULL};
	struct client_credentials *c = NULL;
	struct fault f;

	fault_clear(&f);
	if (credentials_load(&files, &c, &f) < 0)
		fail_msg("%s", f.text);
	return c;
}

static void expand_dir(const char *text, char *out, size_t size)
{
	size_t used = 0;

	for (; *text && used + sizeof(dir) < size; text++) {
		if (*text == '@')
			used += (size_t)snprintf(out + used, size - used, "%s", dir);
		else
			out[used++] = *text;
	}
	out[used] = '\0';
}

static void expect_refusal(const char *cert, const char *key, const char *password,
                           const char *text)
{
	struct credentials_files files = {path_of(cert), key ? path_of(key) : NULL,
	                                  password ? path_of(password) : NULL, NULL};
	struct client_credentials *c = (struct client_credentials *)&files;
	struct fault f;
	char want[512];

	fault_clear(&f);
	assert_int_equal(credentials_load(&files, &c, &f), -1);
	assert_null(c);
	assert_int_equal(f.kind, FAULT_INTERNAL);
	/* TEXT writes the test's directory as '@'; the fault names files by path. */
	expand_dir(text, want, sizeof(want));
	assert_string_equal(f.text, want);
}

static void test_good_pair(void **state)
{
	struct client_credentials *c = load_ok("mon.pem", "mon.key", NULL);

	(void)state;
	assert_int_equal(credentials_chain(c)->count, 1);
	assert_string_equal(credentials_chain(c)->items[0].label, "CN=monitor");
	assert_non_null(credentials_key(c));
	assert_false(credentials_lacks_client_auth(c));
	assert_null(credentials_exposed_key_file(c));
	credentials_free(c);
}

static void test_mismatch(void **state)
{
	(void)state;
	expect_refusal("mon.pem", "other.key", NULL,
	               "client key '@/other.key' does not match client certificate 'CN=monitor' "
	               "(@/mon.pem)");
}

static void test_encrypted(void **state)
{
	struct client_credentials *c;

	(void)state;
	expect_refusal("mon.pem", "mon-enc.key", NULL,
	               "client key '@/mon-enc.key' is encrypted: name its password with "
	               "--client-key-password-file");
	expect_refusal("mon.pem", "mon-enc.key", "badpw",
	               "cannot decrypt client key '@/mon-enc.key' with the password in "
	               "'@/badpw' (wrong password?)");
	c = load_ok("mon.pem", "mon-enc.key", "pw");
	assert_string_equal(credentials_chain(c)->items[0].label, "CN=monitor");
	credentials_free(c);
	/* DER has no header that says "encrypted": GnuTLS's failure to decrypt
	 * without a password says it. */
	expect_refusal("mon.pem", "mon-enc.der", NULL,
	               "client key '@/mon-enc.der' is encrypted: name its password with "
	               "--client-key-password-file");
	expect_refusal("mon.pem", "mon-enc.der", "badpw",
	               "cannot decrypt client key '@/mon-enc.der' with the password in "
	               "'@/badpw' (wrong password?)");
	c = load_ok("mon.pem", "mon-enc.der", "pw");
	credentials_free(c);
}

static void test_unreadable(void **state)
{
	(void)state;
	expect_refusal("mon.pem", "missing.key", NULL,
	               "cannot read client key '@/missing.key': No such file or directory");
	expect_refusal("mon.key", "mon.key", NULL,
	               "client certificate file '@/mon.key' holds no certificate");
	expect_refusal("mon.pem", "mon.pem", NULL, "client key '@/mon.pem' holds no private key");
}

static void test_usage_and_exposure(void **state)
{
	struct client_credentials *c;

	(void)state;
	c = load_ok("server-only.pem", "mon.key", NULL);
	assert_true(credentials_lacks_client_auth(c));
	credentials_free(c);
	c = load_ok("any.pem", "mon.key", NULL);
	assert_false(credentials_lacks_client_auth(c));
	credentials_free(c);
	c = load_ok("mon.pem", "world.key", NULL);
	assert_string_equal(credentials_exposed_key_file(c), path_of("world.key"));
	credentials_free(c);
}

static void expect_usage(struct credentials_files files, const char *text)
{
	struct fault f;

	fault_clear(&f);
	assert_int_equal(credentials_validate(&files, &f), -1);
	assert_int_equal(f.kind, FAULT_USAGE);
	assert_string_equal(f.text, text);
}

static void test_validate(void **state)
{
	struct credentials_files none = {0}, pair = {"c", "k", NULL, NULL},
	                         p12 = {NULL, NULL, "pw", "m.p12"};
	struct fault f;

	(void)state;
	fault_clear(&f);
	assert_false(credentials_given(&none));
	assert_int_equal(credentials_validate(&none, &f), 0);
	assert_true(credentials_given(&pair));
	assert_int_equal(credentials_validate(&pair, &f), 0);
	assert_int_equal(credentials_validate(&p12, &f), 0);
	expect_usage((struct credentials_files){"c", NULL, NULL, NULL},
	             "--client-cert needs --client-key");
	expect_usage((struct credentials_files){NULL, "k", NULL, NULL},
	             "--client-key needs --client-cert");
	expect_usage((struct credentials_files){NULL, NULL, "pw", NULL},
	             "--client-key-password-file needs --client-key or --client-p12");
	expect_usage((struct credentials_files){"c", "k", NULL, "m.p12"},
	             "--client-p12 holds certificate and key: give it alone, without "
	             "--client-cert or --client-key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_pair),          cmocka_unit_test(test_mismatch),
	        cmocka_unit_test(test_encrypted),          cmocka_unit_test(test_unreadable),
	        cmocka_unit_test(test_usage_and_exposure), cmocka_unit_test(test_validate),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
