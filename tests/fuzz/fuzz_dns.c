/* The DNS answer parser on whatever a name server sends: the header, the
 * OPT record's options (Extended DNS Errors), TLSA and MX records, each name
 * and length the sender's. The input is read as the answer to a TLSA question
 * and to an MX question, and its first line as a --dns-server value. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_tlsa_answer tlsa;
	struct dns_mx_list mx;
	struct dns_status st;
	struct dns_resolver r;
	char line[DNS_EDE_TEXT_SIZE + 64], server[80];
	size_t kept = size < sizeof(server) - 1 ? size : sizeof(server) - 1;
	struct fault f;

	if (dns_parse_tlsa(data, size, &tlsa, &f) == 0) {
		dns_ede_describe(&tlsa.status.ede, line, sizeof(line));
		for (size_t i = 0; i < tlsa.count; i++) {
			const struct dns_tlsa *t = &tlsa.records[i];

			/* Every record's data is kept whole, inside the pool. */
			if ((t->len > 0) != (t->data != NULL) ||
			    (t->data != NULL && (t->data < tlsa.pool ||
			                         t->data + t->len > tlsa.pool + tlsa.pool_used)))
				abort();
		}
	}
	(void)dns_parse_mx(data, size, &mx, &st, &f);
	memcpy(server, data, kept);
	server[kept] = '\0';
	server[strcspn(server, "\n")] = '\0';
	(void)dns_resolver_parse(&r, server, &f);
	return 0;
}
