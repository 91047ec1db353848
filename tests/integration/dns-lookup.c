/* dns-lookup — common/dns's lookups from the command line, for
 * tests/integration/dane.sh: what the TLSA, MX and address-record lookups
 * answer against real DNSSEC, before any rule judges it. Built for `make
 * check` only.
 *
 *   dns-lookup [-s ADDR[@PORT]] [-t SECONDS] tlsa NAME PORT
 *   dns-lookup [-s ADDR[@PORT]] [-t SECONDS] address NAME
 *   dns-lookup [-s ADDR[@PORT]] [-t SECONDS] mx DOMAIN
 *
 * Prints one line of status ("_25._tcp.x.test secure rcode=0 ad=1 records=1
 * ede=-1"), then a line per record; or "failed: TEXT" and exits 1. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"

static void print_status(const char *name, const struct dns_status *st, size_t records)
{
	char ede[DNS_EDE_TEXT_SIZE + 64];

	dns_ede_describe(&st->ede, ede, sizeof(ede));
	printf("%s %s rcode=%d ad=%d records=%zu%s%s%s%s\n", name, dns_security_name(st->security),
	       st->rcode, st->ad, records, st->nxdomain ? " nxdomain" : "",
	       st->nodata ? " nodata" : "", ede[0] ? " " : "", ede);
}

static void print_tlsa(const struct dns_tlsa_answer *a)
{
	print_status(a->owner, &a->status, a->total);
	for (size_t i = 0; i < a->count; i++) {
		const struct dns_tlsa *t = &a->records[i];

		printf("%u %u %u len=%zu%s ", t->usage, t->selector, t->mtype, t->len,
		       t->malformed ? " malformed" : "");
		for (size_t j = 0; j < t->len; j++)
			printf("%02x", t->data[j]);
		putchar('\n');
	}
}

static int lookup(int argc, char **argv, const struct dns_resolver *r, const struct deadline *dl,
                  struct fault *f)
{
	if (argc == 3 && strcmp(argv[0], "tlsa") == 0) {
		struct dns_tlsa_answer *a = calloc(1, sizeof(*a));
		int rc = -1;

		if (a != NULL &&
		    dns_lookup_tlsa(argv[1], (unsigned)atoi(argv[2]), r, dl, a, f) == 0) {
			print_tlsa(a);
			rc = 0;
		}
		free(a);
		return rc;
	}
	if (argc == 2 && strcmp(argv[0], "address") == 0) {
		struct dns_status st;

		if (dns_lookup_address_security(argv[1], r, dl, &st, f) < 0)
			return -1;
		print_status(argv[1], &st, 0);
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "mx") == 0) {
		struct dns_mx_list mx;

		if (dns_lookup_mx(argv[1], r, dl, &mx, f) < 0)
			return -1;
		for (size_t i = 0; i < mx.count; i++)
			printf("%u %s\n", mx.items[i].preference, mx.items[i].host);
		return 0;
	}
	fault_set(f, FAULT_USAGE, "usage: dns-lookup [-s SERVER] [-t SECONDS] tlsa|address|mx ...");
	return -1;
}

int main(int argc, char **argv)
{
	struct dns_resolver r = {0};
	struct deadline dl;
	struct fault f;
	double seconds = 10;
	int opt;

	fault_clear(&f);
	while ((opt = getopt(argc, argv, "s:t:")) != -1) {
		if (opt == 's' && dns_resolver_parse(&r, optarg, &f) < 0) {
			printf("failed: %s\n", f.text);
			return 2;
		}
		if (opt == 't')
			seconds = atof(optarg);
		if (opt == '?')
			return 2;
	}
	deadline_start(&dl, seconds);
	if (lookup(argc - optind, argv + optind, &r, &dl, &f) < 0) {
		printf("failed: %s%s\n", f.kind == FAULT_TIMEOUT ? "(timeout) " : "", f.text);
		return 1;
	}
	return 0;
}
