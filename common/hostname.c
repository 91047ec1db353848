#include <config.h>

#include <arpa/inet.h>
#include <idn2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
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

/* "254 characters, more than the 253 a name may have" in PROBLEM; IDN when
 * the length is of the A-label form the name becomes, 0 when it is not known. */
static const char *length_problem(size_t len, bool idn, char *problem, size_t size)
{
	if (len == 0)
		snprintf(problem, size, "more than the %d characters a name may have%s",
		         HOSTNAME_TEXT_MAX, idn ? " in its A-label form" : "");
	else
		snprintf(problem, size, "%zu characters%s, more than the %d a name may have", len,
		         idn ? " in its A-label form" : "", HOSTNAME_TEXT_MAX);
	return problem;
}

/* What is wrong with the A-label form NAME (trailing dot already dropped), or NULL
 * (PROBLEM holds SIZE bytes for a text that needs one).
 * Underscores are allowed: internal names (and SRV-style labels) carry them. */
static const char *ascii_name_problem(const char *name, char *problem, size_t size)
{
	size_t len = strlen(name);

	if (len == 0)
		return "empty name";
	if (len > HOSTNAME_TEXT_MAX)
		return length_problem(len, false, problem, size);
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

static bool is_ascii(const char *text)
{
	for (; *text != '\0'; text++) {
		if ((unsigned char)*text >= 0x80)
			return false;
	}
	return true;
}

/* The length of TEXT's A-label form, without a root dot, for a name libidn2
 * refuses as too long: it then gives no form to measure, so each label is
 * converted alone. 0 when a label cannot be. */
static size_t a_label_length(const char *text)
{
	size_t total = 0;

	for (const char *label = text; *label != '\0';) {
		size_t len = strcspn(label, ".");
		char *one = strndup(label, len);
		char *ascii = NULL;
		bool converted = one != NULL && idna_to_ascii(one, &ascii) == IDN2_OK;

		if (converted)
			total += (total > 0 ? 1 : 0) + strlen(ascii);
		idn2_free(ascii);
		free(one);
		if (!converted)
			return 0;
		label += len;
		label += *label == '.';
	}
	return total;
}

/* libidn2's reason, or ours when it is the name's length: libidn2 says "longer
 * than 255 characters" of a name of 254, counting the wire form's octets. */
static const char *idn_problem(const char *text, int idn, char *problem, size_t size)
{
	size_t len;

	if (idn != IDN2_TOO_BIG_DOMAIN)
		return idn2_strerror(idn);
	if (is_ascii(text)) {
		len = strlen(text);
		if (len > 0 && text[len - 1] == '.')
			len--;
		return length_problem(len, false, problem, size);
	}
	return length_problem(a_label_length(text), true, problem, size);
}

int hostname_to_ascii(const char *text, char *out, size_t size, struct fault *f)
{
	char *ascii = NULL;
	char text_problem[96];
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
		problem = idn_problem(text, idn, text_problem, sizeof(text_problem));
		goto out;
	}
	lowercase_ascii(ascii);
	len = strlen(ascii);
	if (len > 1 && ascii[len - 1] == '.')
		ascii[--len] = '\0';
	if (!hostname_is_ip_literal(ascii))
		problem = ascii_name_problem(ascii, text_problem, sizeof(text_problem));
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
