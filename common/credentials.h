/* credentials — our client certificate and its key, for servers that want one
 * (mutual TLS: Kafka, Redis, MQTT brokers behind TLS).
 *
 * Loaded once per run, before any connection, from the files the operator
 * names: a PEM certificate (then any intermediates) and a PEM or DER private
 * key, maybe an encrypted PKCS#8 one, or one PKCS#12 file holding both. Like a
 * named CA file, they are part of the arguments: a file that cannot be used is
 * refused before any network work. Every file goes through the bounded reader.
 * Opaque, like the trust anchors; the probe hands the certificate and key to
 * the TLS session, the rules judge the certificate as ours.
 */
#ifndef TLSCHECK_COMMON_CREDENTIALS_H
#define TLSCHECK_COMMON_CREDENTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/x509.h>

#include "cert.h"
#include "fault.h"

/* The files as named on the command line; NULL for an option not given. */
struct credentials_files {
	const char *cert_file;     /* --client-cert: PEM, our certificate first */
	const char *key_file;      /* --client-key: PEM or DER, PKCS#1, SEC1 or PKCS#8 */
	const char *password_file; /* --client-key-password-file: its first line */
	const char *p12_file;      /* --client-p12: PKCS#12, certificate and key */
};

struct client_credentials; /* opaque */

/* Did the operator name client credentials at all? */
bool credentials_given(const struct credentials_files *files);

/* Check the combination of FILES without reading them: --client-cert and
 * --client-key go together, --client-p12 goes alone, a password file needs a
 * key or a PKCS#12 file. Returns 0, or -1 with FAULT_USAGE ("--client-cert
 * needs --client-key"). */
int credentials_validate(const struct credentials_files *files, struct fault *f);

/* Read FILES (credentials_validate() passed) into *OUT. Returns 0 with *OUT
 * set (free it with credentials_free()), or -1 with *OUT NULL and
 * FAULT_INTERNAL: the bounded reader's refusals ("client key 'k.pem' is a FIFO,
 * not a regular file"), "client certificate file 'c.pem' holds no
 * certificate", "client key 'k.pem' cannot be parsed", "client key 'k.pem' is
 * encrypted: name its password with --client-key-password-file", "cannot
 * decrypt client key 'k.pem' with the password in 'pw' (wrong password?)",
 * "client key 'k.pem' is encrypted with parameters GnuTLS refuses: more PBKDF2
 * iterations than its cap of 10485759, or malformed ones (re-encrypt the key)",
 * "client key 'k.pem' does not match client certificate 'CN=x' (c.pem)",
 * "PKCS#12 file 'm.p12' ..." (unreadable, wrong password, no key, no
 * certificate for its key), "password file 'pw' is empty", "out of memory". */
int credentials_load(const struct credentials_files *files, struct client_credentials **out,
                     struct fault *f);

/* Our certificate (element 0) and the intermediates that came with it, as
 * facts; borrowed from C. Never empty. */
const struct cert_chain *credentials_chain(const struct client_credentials *c);

/* Our private key; borrowed from C. */
gnutls_x509_privkey_t credentials_key(const struct client_credentials *c);

/* The certificate credentials every handshake of the run uses, with our
 * certificate, intermediates and key set in them once, when C was loaded;
 * borrowed from C. GnuTLS lets one credentials structure serve many sessions,
 * side by side once it is set up. */
gnutls_certificate_credentials_t credentials_tls(const struct client_credentials *c);

/* The file that holds the key (the key file, or the PKCS#12 file) when any
 * user of the machine may read it (mode o+r); NULL when it is not. */
const char *credentials_exposed_key_file(const struct client_credentials *c);

/* Does our certificate name extended key usages without TLS client
 * authentication (clientAuth) among them? A certificate with no extended key
 * usage at all may be used for anything, and does not lack it. */
bool credentials_lacks_client_auth(const struct client_credentials *c);

/* Safe on NULL. */
void credentials_free(struct client_credentials *c);

#endif
