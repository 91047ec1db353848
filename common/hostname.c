#include <config.h>

#include <arpa/inet.h>
#include <idn2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "hostname.h"

/* RFC 1035: 255 octets on the wire, 253 characters as text without the root dot. */
#define HOSTNAME_TEXT_MAX 253

bool hostname_is_ip_literal(const char *text)
{
	struct in6_addr addr;

	return inet_pton(AF_INET, text, &addr) == 1 || inet_pton(AF_INET6, text, &addr) == 1;
}

static void lowercase_ascii(char *s)
{
	for (; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
	}
}

/* What is wrong with the A-label form NAME (trailing dot already dropped), or NULL.
 * Underscores are allowed: internal names (and SRV-style labels) carry them. */
static const char *ascii_name_problem(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return "empty name";
	if (len > HOSTNAME_TEXT_MAX)
		return "longer than 253 characters";
	if (name[0] == '.' || name[len - 1] == '.' || strstr(name, "..") != NULL)
		return "empty label";
	for (const char *p = name; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch >= 0x80 || !(ch == '-' || ch == '_' || ch == '.' ||
		                    (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z')))
			return "invalid character";
	}
	return NULL;
}

/* IDNA2008 with UTS#46 mapping; names that only the transitional mapping accepts
 * (older registrations) get a second chance. Returns an idn2 code. */
static int idna_to_ascii(const char *text, char **ascii)
{
	int rc = idn2_to_ascii_8z(text, ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);

	if (rc != IDN2_OK && idn2_to_ascii_8z(text, ascii, IDN2_TRANSITIONAL) == IDN2_OK)
		rc = IDN2_OK;
	return rc;
}

int hostname_to_ascii(const char *text, char *out, size_t size, struct fault *f)
{
	char *ascii = NULL;
	const char *problem = NULL;
	size_t len;
	int rc = -1;
	int idn;

	if (hostname_is_ip_literal(text)) {
		ascii = strdup(text);
		idn = ascii != NULL ? IDN2_OK : IDN2_MALLOC;
	} else {
		idn = idna_to_ascii(text, &ascii);
	}
	if (idn != IDN2_OK) {
		problem = idn2_strerror(idn);
		goto out;
	}
	lowercase_ascii(ascii);
	len = strlen(ascii);
	if (len > 1 && ascii[len - 1] == '.')
		ascii[--len] = '\0';
	if (!hostname_is_ip_literal(ascii))
		problem = ascii_name_problem(ascii);
	if (problem == NULL && len >= size)
		problem = "too long";
	if (problem != NULL)
		goto out;
	memcpy(out, ascii, len + 1);
	rc = 0;
out:
	if (problem != NULL)
		fault_set(f, FAULT_USAGE, "'%.100s' is not a valid host name: %s", text, problem);
	idn2_free(ascii);
	return rc;
}
