/* validity — a certificate's validity times as its DER writes them, for what
 * GnuTLS's getters do not tell: whether a time follows RFC 5280 (GnuTLS reads
 * 30 February, a second 60 or a time without seconds; OpenSSL-based clients
 * refuse the certificate), and the dates before 1970, which
 * gnutls_x509_crt_get_activation_time() and _expiration_time() give as the
 * epoch. GnuTLS has no getter of the raw times, hence this bounded walk of
 * Certificate, TBSCertificate and Validity (RFC 5280 4.1), which reads nothing
 * else.
 */
#ifndef TLSCHECK_COMMON_VALIDITY_H
#define TLSCHECK_COMMON_VALIDITY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Room for a time as written: 15 characters when it follows RFC 5280. */
#define VALIDITY_TEXT_SIZE 32
/* Room for what is wrong with one: "29 February 2027", "not YYMMDDHHMMSSZ". */
#define VALIDITY_WHY_SIZE 48

struct validity_time {
	bool generalized;              /* GeneralizedTime, else UTCTime */
	size_t length;                 /* its length in the DER */
	char text[VALIDITY_TEXT_SIZE]; /* as written, control bytes as '?', cut to fit */
};

/* The notBefore and notAfter of the DER certificate DER of SIZE bytes. Returns
 * 0, or -1 when the DER is not a certificate up to its validity (a length past
 * its container, a tag RFC 5280 does not put there, a time that is neither
 * UTCTime nor GeneralizedTime). */
int validity_read(const unsigned char *der, size_t size, struct validity_time *not_before,
                  struct validity_time *not_after);

/* T as RFC 5280 4.1.2.5 writes a time: UTCTime YYMMDDHHMMSSZ (YY from 50 is
 * 19YY, below 50 20YY), GeneralizedTime YYYYMMDDHHMMSSZ, seconds and the 'Z'
 * required, no fraction, a day that the month has, hour below 24, minute and
 * second below 60. Returns true with *OUT (before 1970 too), or false with WHY
 * filled: "no seconds", "not in UTC", "fractional seconds", "not
 * YYMMDDHHMMSSZ", "month 13", "30 February", "29 February 2027", "hour 24",
 * "minute 60", "second 60". */
bool validity_parse(const struct validity_time *t, time_t *out, char *why, size_t why_size);

#endif
