#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/pkcs12.h>

#include "credentials.h"
#include "file.h"

/* A certificate with its intermediates, a key, a PKCS#12 bundle: kilobytes. The
 * bound only keeps a wrong path (a log, a disk image) from costing memory. */
#define CREDENTIALS_FILE_MAX ((size_t)1 << 20)
/* A password is one line. */
#define CREDENTIALS_PASSWORD_MAX ((size_t)4 << 10)
#define KEY_ID_SIZE              64

struct client_credentials {
	struct cert_chain chain;
	gnutls_x509_privkey_t key;
	gnutls_certificate_credentials_t tls; /* chain and key, for every session */
	const char *exposed_key_file;         /* as named; NULL when not readable by all */
	bool lacks_client_auth;
};

bool credentials_given(const struct credentials_files *files)
{
	return files->cert_file != NULL || files->key_file != NULL || files->p12_file != NULL ||
	       files->password_file != NULL;
}

int credentials_validate(const struct credentials_files *files, struct fault *f)
{
	if (files->p12_file != NULL && (files->cert_file != NULL || files->key_file != NULL))
		fault_set(f, FAULT_USAGE,
		          "--client-p12 holds certificate and key: give it alone, "
		          "without --client-cert or --client-key");
	else if (files->cert_file != NULL && files->key_file == NULL)
		fault_set(f, FAULT_USAGE, "--client-cert needs --client-key");
	else if (files->key_file != NULL && files->cert_file == NULL)
		fault_set(f, FAULT_USAGE, "--client-key needs --client-cert");
	else if (files->password_file != NULL && files->key_file == NULL && files->p12_file == NULL)
		fault_set(f, FAULT_USAGE,
		          "--client-key-password-file needs --client-key or --client-p12");
	else
		return 0;
	return -1;
}

/* The first line of the password file, without its line end: a file written by
 * `echo` ends in a newline that is no part of the password. *PASSWORD is
 * allocated (wiped and freed by forget_password()). */
static int read_password(const char *path, char **password, struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};

	*password = NULL;
	if (path == NULL)
		return 0;
	if (file_read_bounded(path, "password file", CREDENTIALS_PASSWORD_MAX, &data, f) < 0)
		return -1;
	data.data[strcspn((char *)data.data, "\r\n")] = '\0';
	if (data.data[0] == '\0') {
		fault_set(f, FAULT_INTERNAL, "password file '%s' is empty", path);
		file_release(&data);
		return -1;
	}
	*password = (char *)data.data; /* NUL-terminated by the reader */
	return 0;
}

static void forget_password(char *password)
{
	if (password == NULL)
		return;
	gnutls_memset(password, 0, strlen(password));
	free(password);
}

/* A key any user of the machine can read is a key anyone there can use to pass
 * as the monitor. A fact, judged by a rule; the file was read all the same. */
static void note_exposure(struct client_credentials *c, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & S_IROTH))
		c->exposed_key_file = path;
}

static bool is_pem(const gnutls_datum_t *data)
{
	return strstr((const char *)data->data, "-----BEGIN ") != NULL;
}

/* Every certificate of the list, as DER, into the facts chain. */
static int keep_chain(struct client_credentials *c, gnutls_x509_crt_t *list, unsigned count,
                      struct fault *f)
{
	gnutls_datum_t der[CERT_MAX_CHAIN];
	unsigned n = count < CERT_MAX_CHAIN ? count : CERT_MAX_CHAIN;
	unsigned done = 0;
	int rc = -1;

	memset(der, 0, sizeof(der));
	for (; done < n; done++) {
		if (gnutls_x509_crt_export2(list[done], GNUTLS_X509_FMT_DER, &der[done]) < 0) {
			fault_set(f, FAULT_INTERNAL, "out of memory");
			goto out;
		}
	}
	rc = cert_chain_load(&c->chain, der, n, f);
out:
	for (unsigned i = 0; i < done; i++)
		gnutls_free(der[i].data);
	return rc;
}

static void free_crt_list(gnutls_x509_crt_t *list, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
}

static int load_cert_file(struct client_credentials *c, const char *path, struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};
	gnutls_x509_crt_t *list = NULL;
	unsigned count = 0;
	int ret, rc = -1;

	if (file_read_bounded(path, "client certificate file", CREDENTIALS_FILE_MAX, &data, f) < 0)
		return -1;
	ret = gnutls_x509_crt_list_import2(
	        &list, &count, &data, is_pem(&data) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
	if (ret < 0 && strstr((const char *)data.data, "-----BEGIN CERTIFICATE") != NULL) {
		fault_set(f, FAULT_INTERNAL, "client certificate file '%s' cannot be parsed: %s",
		          path, file_parse_error(ret));
		goto out;
	}
	if (ret < 0 || count == 0) {
		fault_set(f, FAULT_INTERNAL, "client certificate file '%s' holds no certificate",
		          path);
		goto out;
	}
	rc = keep_chain(c, list, count, f);
out:
	free_crt_list(list, count);
	file_release(&data);
	return rc;
}

/* PEM's own words for an encrypted key: PKCS#8 and the older OpenSSL form. */
static bool is_encrypted_pem(const gnutls_datum_t *data)
{
	const char *text = (const char *)data->data;

	return strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL ||
	       strstr(text, "Proc-Type: 4,ENCRYPTED") != NULL;
}

/* GnuTLS's limit on the PBKDF2 iterations of an encrypted PKCS#8 key: it
 * refuses 10 Mi (MAX_ITER_COUNT in its lib/x509/pkcs7-crypt.c) and more. */
#define GNUTLS_PBKDF2_MAX_ITERATIONS (10 * 1024 * 1024 - 1)

/* gnutls_x509_privkey_import2() tries each key format in turn and returns the
 * last one's error, so an encrypted PKCS#8 key GnuTLS refuses to derive a key
 * for reads as "its DER is malformed". Read as PKCS#8 alone, GnuTLS says why:
 * GNUTLS_E_ILLEGAL_PARAMETER for an iteration count over its cap (or of 0, a
 * key length or PBES1 salt out of bounds). RET when that says nothing more. */
static int pkcs8_error(const gnutls_datum_t *data, const char *password, int ret)
{
	gnutls_x509_privkey_t key;
	int again;

	if (ret == GNUTLS_E_DECRYPTION_FAILED || password == NULL ||
	    gnutls_x509_privkey_init(&key) < 0)
		return ret;
	again = gnutls_x509_privkey_import_pkcs8(
	        key, data, is_pem(data) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, password, 0);
	gnutls_x509_privkey_deinit(key);
	return again == GNUTLS_E_ILLEGAL_PARAMETER ? again : ret;
}

static void describe_key_error(int ret, const char *path, const char *password_file,
                               struct fault *f)
{
	if (ret == GNUTLS_E_DECRYPTION_FAILED && password_file != NULL)
		fault_set(f, FAULT_INTERNAL,
		          "cannot decrypt client key '%s' with the password in '%s' (wrong "
		          "password?)",
		          path, password_file);
	else if (ret == GNUTLS_E_DECRYPTION_FAILED)
		/* DER has no header to say so before: GnuTLS tried it without one. */
		fault_set(f, FAULT_INTERNAL,
		          "client key '%s' is encrypted: name its password with "
		          "--client-key-password-file",
		          path);
	else if (ret == GNUTLS_E_ILLEGAL_PARAMETER && password_file != NULL)
		fault_set(f, FAULT_INTERNAL,
		          "client key '%s' is encrypted with parameters GnuTLS refuses: more "
		          "PBKDF2 iterations than its cap of %d, or malformed ones (re-encrypt "
		          "the key)",
		          path, GNUTLS_PBKDF2_MAX_ITERATIONS);
	else if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		/* PEM, but no key block in it: a certificate named by mistake. */
		fault_set(f, FAULT_INTERNAL, "client key '%s' holds no private key", path);
	else
		fault_set(f, FAULT_INTERNAL, "client key '%s' cannot be parsed: %s", path,
		          file_parse_error(ret));
}

static int load_key_file(struct client_credentials *c, const struct credentials_files *files,
                         const char *password, struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};
	int ret, rc = -1;

	if (file_read_bounded(files->key_file, "client key", CREDENTIALS_FILE_MAX, &data, f) < 0)
		return -1;
	note_exposure(c, files->key_file);
	if (password == NULL && is_encrypted_pem(&data)) {
		fault_set(f, FAULT_INTERNAL,
		          "client key '%s' is encrypted: name its password with "
		          "--client-key-password-file",
		          files->key_file);
		goto out;
	}
	ret = gnutls_x509_privkey_init(&c->key);
	if (ret >= 0)
		ret = gnutls_x509_privkey_import2(
		        c->key, &data, is_pem(&data) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
		        password, password == NULL ? GNUTLS_PKCS_PLAIN : 0);
	if (ret < 0) {
		describe_key_error(pkcs8_error(&data, password, ret), files->key_file,
		                   files->password_file, f);
		goto out;
	}
	rc = 0;
out:
	file_release(&data);
	return rc;
}

/* The key belongs to the certificate when both name the same public key. */
static bool same_key(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	unsigned char crt_id[KEY_ID_SIZE], key_id[KEY_ID_SIZE];
	size_t crt_size = sizeof(crt_id), key_size = sizeof(key_id);

	if (gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, crt_id, &crt_size) < 0 ||
	    gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, key_id, &key_size) < 0)
		return false;
	return crt_size == key_size && memcmp(crt_id, key_id, crt_size) == 0;
}

static int check_match(struct client_credentials *c, const struct credentials_files *files,
                       struct fault *f)
{
	const struct cert_info *leaf = &c->chain.items[0];

	if (same_key(leaf->crt, c->key))
		return 0;
	fault_set(f, FAULT_INTERNAL, "client key '%s' does not match client certificate '%s' (%s)",
	          files->key_file, leaf->label, files->cert_file);
	return -1;
}

static void describe_p12_error(int ret, const char *path, const char *password, struct fault *f)
{
	if (password == NULL && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		fault_set(f, FAULT_INTERNAL,
		          "PKCS#12 file '%s' is protected by a password: name it with "
		          "--client-key-password-file",
		          path);
	else if (ret == GNUTLS_E_MAC_VERIFY_FAILED || ret == GNUTLS_E_DECRYPTION_FAILED)
		fault_set(f, FAULT_INTERNAL,
		          "cannot open PKCS#12 file '%s' with the password given (wrong password?)",
		          path);
	else
		fault_set(f, FAULT_INTERNAL, "PKCS#12 file '%s' cannot be used: %s", path,
		          gnutls_strerror(ret));
}

/* gnutls_pkcs12_simple_parse() returns the key and the certificate that goes
 * with it (then its issuers), so a PKCS#12 file cannot hold a mismatch. */
static int parse_p12(struct client_credentials *c, gnutls_pkcs12_t p12, const char *password,
                     const char *path, struct fault *f)
{
	gnutls_x509_crt_t *list = NULL;
	unsigned count = 0;
	int ret;

	if (password != NULL)
		ret = gnutls_pkcs12_verify_mac(p12, password);
	else
		ret = 0;
	if (ret >= 0)
		ret = gnutls_pkcs12_simple_parse(p12, password, &c->key, &list, &count, NULL, NULL,
		                                 NULL, 0);
	if (ret >= 0 && (c->key == NULL || count == 0))
		ret = GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
	if (ret < 0) {
		describe_p12_error(ret, path, password, f);
		free_crt_list(list, count);
		return -1;
	}
	ret = keep_chain(c, list, count, f);
	free_crt_list(list, count);
	return ret;
}

static int load_p12_file(struct client_credentials *c, const char *path, const char *password,
                         struct fault *f)
{
	gnutls_datum_t data = {NULL, 0};
	gnutls_pkcs12_t p12 = NULL;
	int ret, rc = -1;

	if (file_read_bounded(path, "PKCS#12 file", CREDENTIALS_FILE_MAX, &data, f) < 0)
		return -1;
	note_exposure(c, path);
	ret = gnutls_pkcs12_init(&p12);
	if (ret >= 0)
		ret = gnutls_pkcs12_import(
		        p12, &data, is_pem(&data) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "PKCS#12 file '%s' cannot be parsed: %s", path,
		          file_parse_error(ret));
		goto out;
	}
	rc = parse_p12(c, p12, password, path, f);
out:
	if (p12 != NULL)
		gnutls_pkcs12_deinit(p12);
	file_release(&data);
	return rc;
}

/* Servers check the extended key usage of a client certificate: one issued for
 * servers only (serverAuth) is refused. No extension at all allows any use. */
static bool lacks_client_auth(gnutls_x509_crt_t crt)
{
	char oid[128];
	size_t size;
	int ret;

	for (unsigned i = 0;; i++) {
		size = sizeof(oid);
		ret = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &size, NULL);
		if (ret < 0)
			return i > 0 && ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
		if (strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT) == 0 || strcmp(oid, GNUTLS_KP_ANY) == 0)
			return false;
	}
}

static int load_files(struct client_credentials *c, const struct credentials_files *files,
                      const char *password, struct fault *f)
{
	if (files->p12_file != NULL)
		return load_p12_file(c, files->p12_file, password, f);
	if (load_cert_file(c, files->cert_file, f) < 0 || load_key_file(c, files, password, f) < 0)
		return -1;
	return check_match(c, files, f);
}

/* Our certificate, its intermediates and key, set once in the credentials
 * every session of the run uses (GnuTLS keeps its own copies). */
static int make_tls_credentials(struct client_credentials *c, struct fault *f)
{
	gnutls_x509_crt_t crts[CERT_MAX_CHAIN];
	int ret;

	for (size_t i = 0; i < c->chain.count; i++)
		crts[i] = c->chain.items[i].crt;
	ret = gnutls_certificate_allocate_credentials(&c->tls);
	if (ret < 0) {
		c->tls = NULL;
	} else {
		ret = gnutls_certificate_set_x509_key(c->tls, crts, (int)c->chain.count, c->key);
	}
	if (ret < 0) {
		fault_set(f, FAULT_INTERNAL, "cannot use our client certificate and key: %s",
		          gnutls_strerror(ret));
		return -1;
	}
	return 0;
}

int credentials_load(const struct credentials_files *files, struct client_credentials **out,
                     struct fault *f)
{
	struct client_credentials *c;
	char *password = NULL;
	int rc = -1;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		fault_set(f, FAULT_INTERNAL, "out of memory");
		return -1;
	}
	if (read_password(files->password_file, &password, f) < 0 ||
	    load_files(c, files, password, f) < 0 || make_tls_credentials(c, f) < 0)
		goto out;
	c->lacks_client_auth = lacks_client_auth(c->chain.items[0].crt);
	*out = c;
	c = NULL;
	rc = 0;
out:
	forget_password(password);
	credentials_free(c);
	return rc;
}

const struct cert_chain *credentials_chain(const struct client_credentials *c)
{
	return &c->chain;
}

gnutls_x509_privkey_t credentials_key(const struct client_credentials *c)
{
	return c->key;
}

gnutls_certificate_credentials_t credentials_tls(const struct client_credentials *c)
{
	return c->tls;
}

const char *credentials_exposed_key_file(const struct client_credentials *c)
{
	return c->exposed_key_file;
}

bool credentials_lacks_client_auth(const struct client_credentials *c)
{
	return c->lacks_client_auth;
}

void credentials_free(struct client_credentials *c)
{
	if (c == NULL)
		return;
	if (c->tls != NULL)
		gnutls_certificate_free_credentials(c->tls);
	cert_chain_clear(&c->chain);
	if (c->key != NULL)
		gnutls_x509_privkey_deinit(c->key);
	free(c);
}
