/* Unit tests of inventory: what tlscheck-discover writes for listeners built
 * here by hand, in every format, hostile names and paths included: each engine
 * gets its own quoting, and what none can carry safely is a "# not emitted"
 * line with why. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "discover.h"
#include "inventory.h"

#define LISTENERS 5

/* The strings and leaves of the listeners built here: a listener points into
 * them, as into its run's own (never released). */
static char arena[1 << 16];
static size_t arena_used;
static struct cert_info leaves[512];
static size_t leaves_used;

static const char *kept(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const char *kept(const char *fmt, ...)
{
	char *out = arena + arena_used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, sizeof(arena) - arena_used, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof(arena) - arena_used);
	arena_used += (size_t)n + 1;
	return out;
}

/* L with no string unset, as a run keeps every listener. */
static void blank(struct discover_listener *l)
{
	l->host = l->host_ascii = l->process = l->detail = "";
	l->check_name = l->name_refused = l->command = "";
}

/* L's leaf, to fill in. */
static struct cert_info *leaf_of(struct discover_listener *l)
{
	return (struct cert_info *)l->target.chain.items;
}

/* A TLS listener on HOST:PORT, served a leaf for CN=CN (a leaf of the chain,
 * its strings borrowed: the run is never released). */
static void tls_listener(struct discover_listener *l, const char *host, unsigned port,
                         const struct tls_protocol *p, const char *cn)
{
	struct cert_info *leaf = &leaves[leaves_used++];

	assert_true(leaves_used <= sizeof(leaves) / sizeof(leaves[0]));
	memset(leaf, 0, sizeof(*leaf));
	blank(l);
	l->target.chain.items = leaf;
	l->host = l->host_ascii = kept("%s", host);
	l->port = port;
	l->outcome = DISCOVER_TLS;
	l->protocol = p;
	l->target.chain.count = 1;
	leaf->subject = (char *)cn;
	leaf->issuer = (char *)"CN=Test CA";
	snprintf(leaf->label, sizeof(leaf->label), "%s", cn);
	snprintf(leaf->issuer_label, sizeof(leaf->issuer_label), "CN=Test CA");
	leaf->not_after = 1800000000;
}

/* Five listeners: a good SMTP one, a hostile leaf refused as a name, a CA file
 * path with '$' in it, a banner and process of escape sequences, a closed port. */
static void build(struct discover_run *r, struct discover_listener *ls)
{
	static struct finding summary;

	memset(r, 0, sizeof(*r));
	memset(ls, 0, LISTENERS * sizeof(*ls));
	for (size_t i = 0; i < LISTENERS; i++)
		blank(&ls[i]);
	r->listeners = ls;
	r->count = LISTENERS;
	for (size_t i = 0; i < LISTENERS; i++)
		ls[i].order = i;

	tls_listener(&ls[0], "192.0.2.7", 25, &protocol_smtp, "CN=mail.test");
	ls[0].check_name = kept("mail.test");
	ls[0].check_address = true;
	ls[0].ca_file = "/nonexistent/ca.pem";
	ls[0].state = STATE_WARNING;
	ls[0].days_known = true;
	ls[0].days_left = 10.5;
	ls[0].command =
	        kept("check_tls_smtp -H mail.test -I 192.0.2.7 -p 25 -C /nonexistent/ca.pem");
	ls[0].process = kept("master");

	tls_listener(&ls[1], "192.0.2.8", 443, &protocol_tls, "CN=x'`touch PWNED`'.example");
	ls[1].name_refused =
	        kept("the certificate's name 'x'`touch PWNED`'.example' is not a valid host name: "
	             "invalid character");
	ls[1].state = STATE_CRITICAL;
	ls[1].days_known = true;
	ls[1].days_left = 3;
	ls[1].command = kept("check_tls -H 192.0.2.8 -p 443");

	tls_listener(&ls[2], "db.test", 5432, &protocol_pgsql, "CN=db.test");
	ls[2].check_name = kept("db.test");
	ls[2].ca_file = "/nonexistent/ca$USER3$.pem";
	ls[2].system_trusted = false;
	ls[2].state = STATE_OK;
	ls[2].days_known = true;
	ls[2].days_left = 200;
	ls[2].command = kept("check_tls_pgsql -H db.test -p 5432 -C '/nonexistent/ca$USER3$.pem'");
	snprintf(summary.text, sizeof(summary.text),
	         "certificate 'CN=db.test' expires in 200 days");
	ls[2].target.verdict.items = &summary;
	ls[2].target.verdict.count = 1;

	ls[3].host = kept("192.0.2.9");
	ls[3].port = 2525;
	ls[3].outcome = DISCOVER_NO_TLS;
	ls[3].protocol = &protocol_smtp;
	ls[3].detail = kept("220 \x1b[31mred\x1b[0m no STARTTLS");
	ls[3].process = kept("evil\x1b]0;owned\x07");

	ls[4].host = kept("2001:db8::1");
	ls[4].port = 993;
	ls[4].outcome = DISCOVER_CLOSED;
	ls[4].detail = kept("connection refused");
}

/* What inventory_write() printed for the five listeners in FORMAT. */
static char *written(enum inventory_format format, bool show_closed, size_t *tls)
{
	struct discover_listener ls[LISTENERS];
	struct discover_run r;
	const struct inventory_options o = {.format = format, .show_closed = show_closed};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	build(&r, ls);
	*tls = inventory_write(out, &r, &o);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void expect(enum inventory_format format, bool show_closed, const char *want)
{
	size_t tls;
	char *text = written(format, show_closed, &tls);

	assert_string_equal(text, want);
	assert_int_equal(tls, 3);
	free(text);
}

/* A TLS listener on HOST:PORT whose leaf names HOST (CN, its subject, borrowed),
 * checked under that name. */
static void named_listener(struct discover_listener *l, const char *host, unsigned port,
                           const struct tls_protocol *p, const char *cn)
{
	memset(l, 0, sizeof(*l));
	tls_listener(l, host, port, p, cn);
	l->check_name = kept("%s", host);
}

/* What inventory_write() printed with O for L alone. Free the result. */
static char *one_written(const struct inventory_options *o, struct discover_listener *l)
{
	struct discover_run r = {.listeners = l, .count = 1};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	assert_int_equal(inventory_write(out, &r, o), 1);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* The table: TLS first, the fewest days first, control bytes escaped; the hostile leaf listed with
 * why it is not emitted. The rows of the listeners that answered: */
#define TABLE_ANSWERED                                                                             \
	"    DAYS  STATE    LISTENER                 PROCESS         PROTOCOL TRUSTED BY   "       \
	"CERTIFICATE, or what answered\n"                                                          \
	"    3.00  CRITICAL 192.0.2.8:443            -               tls      none         "       \
	"CN=x'`touch PWNED`'.example (issuer CN=Test CA)\n"                                        \
	"          not emitted: the certificate's name 'x'`touch PWNED`'.example' is not a "       \
	"valid host name: invalid character\n"                                                     \
	"   10.50  WARNING  192.0.2.7:25             master          smtp     "                    \
	"/nonexistent/ca.pem CN=mail.test (issuer CN=Test CA)\n"                                   \
	"          check_tls_smtp -H mail.test -I 192.0.2.7 -p 25 -C /nonexistent/ca.pem\n"        \
	"  200.00  OK       db.test:5432             -               pgsql    "                    \
	"/nonexistent/ca$USER3$.pem CN=db.test (issuer CN=Test CA)\n"                              \
	"          check_tls_pgsql -H db.test -p 5432 -C '/nonexistent/ca$USER3$.pem'\n"           \
	"       -  NO TLS   192.0.2.9:2525           evil\\x1b]0;owned\\x07 smtp     -      "      \
	"      220 \\x1b[31mred\\x1b[0m no STARTTLS\n"

static void test_table(void **state)
{
	(void)state;
	expect(INVENTORY_TABLE, false, TABLE_ANSWERED);
}

/* -v: the closed port too, last. */
static void test_table_closed(void **state)
{
	(void)state;
	expect(INVENTORY_TABLE, true,
	       TABLE_ANSWERED
	       "       -  CLOSED   [2001:db8::1]:993        -               -        -            "
	       "connection refused\n");
}

/* JSON: control bytes as \\u escapes, no command for the hostile leaf, not_emitted instead. */
static void test_json(void **state)
{
	(void)state;
	expect(INVENTORY_JSON, false,
	       "{\"listeners\":[{\"host\":\"192.0.2.8\",\"port\":443,\"process\":null,\"outcome\":"
	       "\"tls\",\"protocol\":\"tls\",\"state\":\"CRITICAL\",\"days_left\":3.00,\"subject\":"
	       "\"CN=x'`touch PWNED`'.example\",\"issuer\":\"CN=Test "
	       "CA\",\"not_after\":\"2027-01-15T08:00:00Z\",\"trusted_by\":null,\"summary\":\"\","
	       "\"tlsa_records\":0,\"command\":"
	       "null,\"not_emitted\":\"the certificate's name 'x'`touch PWNED`'.example' is not a "
	       "valid host name: invalid "
	       "character\"},{\"host\":\"192.0.2.7\",\"port\":25,\"process\":\"master\","
	       "\"outcome\":\"tls\",\"protocol\":\"smtp\",\"state\":\"WARNING\",\"days_left\":10."
	       "50,\"subject\":\"CN=mail.test\",\"issuer\":\"CN=Test "
	       "CA\",\"not_after\":\"2027-01-15T08:00:00Z\",\"trusted_by\":\"/nonexistent/"
	       "ca.pem\",\"summary\":\"\",\"tlsa_records\":0,\"command\":\"check_tls_smtp -H "
	       "mail.test -I 192.0.2.7 "
	       "-p 25 -C "
	       "/nonexistent/"
	       "ca.pem\"},{\"host\":\"db.test\",\"port\":5432,\"process\":null,\"outcome\":\"tls\","
	       "\"protocol\":\"pgsql\",\"state\":\"OK\",\"days_left\":200.00,\"subject\":\"CN=db."
	       "test\",\"issuer\":\"CN=Test "
	       "CA\",\"not_after\":\"2027-01-15T08:00:00Z\",\"trusted_by\":\"/nonexistent/"
	       "ca$USER3$.pem\",\"summary\":\"certificate 'CN=db.test' expires in 200 "
	       "days\",\"tlsa_records\":0,\"command\":\"check_tls_pgsql -H db.test -p 5432 -C "
	       "'/nonexistent/"
	       "ca$USER3$.pem'\"},{\"host\":\"192.0.2.9\",\"port\":2525,\"process\":\"evil\\u001b]"
	       "0;owned\\u0007\",\"outcome\":\"no-tls\",\"protocol\":\"smtp\",\"detail\":\"220 "
	       "\\u001b[31mred\\u001b[0m no STARTTLS\"}]}\n");
}

/* Icinga 2: a Host per host discovered, with its address; the hostile leaf
 * commented out, the CA file's '$' doubled. */
static void test_icinga2(void **state)
{
	(void)state;
	expect(INVENTORY_ICINGA2, false,
	       "object Host \"192.0.2.7\" {\n"
	       "\tcheck_command = \"hostalive\"\n"
	       "\taddress = \"192.0.2.7\"\n"
	       "}\n"
	       "\n"
	       "object Host \"db.test\" {\n"
	       "\tcheck_command = \"hostalive\"\n"
	       "\taddress = \"db.test\"\n"
	       "}\n"
	       "\n"
	       "# not emitted: 192.0.2.8:443 tls: the certificate's name 'x'`touch "
	       "PWNED`'.example' is not a valid host name: invalid character\n"
	       "object Service \"tlscheck smtp 25\" {\n"
	       "\thost_name = \"192.0.2.7\"\n"
	       "\tcheck_command = \"tlscheck-smtp\"\n"
	       "\tcheck_interval = 1h\n"
	       "\tretry_interval = 15m\n"
	       "\tvars.tlscheck_port = 25\n"
	       "\tvars.tlscheck_host = \"mail.test\"\n"
	       "\tvars.tlscheck_ca_file = \"/nonexistent/ca.pem\"\n"
	       "}\n"
	       "\n"
	       "object Service \"tlscheck pgsql 5432\" {\n"
	       "\thost_name = \"db.test\"\n"
	       "\tcheck_command = \"tlscheck-pgsql\"\n"
	       "\tcheck_interval = 1h\n"
	       "\tretry_interval = 15m\n"
	       "\tvars.tlscheck_port = 5432\n"
	       "\tvars.tlscheck_ca_file = \"/nonexistent/ca$$USER3$$.pem\"\n"
	       "}\n"
	       "\n");
}

/* Nagios: a host per host discovered (the one whose only listener is not
 * emitted gets none); the hostile leaf and the CA file path with '$' commented
 * out, with why. */
static void test_nagios(void **state)
{
	(void)state;
	expect(INVENTORY_NAGIOS, false,
	       "define host {\n"
	       "\tuse                  generic-host\n"
	       "\thost_name            192.0.2.7\n"
	       "\taddress              192.0.2.7\n"
	       "\tmax_check_attempts   3\n"
	       "}\n"
	       "\n"
	       "# not emitted: 192.0.2.8:443 tls: the certificate's name 'x'`touch "
	       "PWNED`'.example' is not a valid host name: invalid character\n"
	       "define service {\n"
	       "\tuse                  generic-service\n"
	       "\thost_name            192.0.2.7\n"
	       "\tservice_description  tlscheck smtp 25\n"
	       "\tcheck_interval       60\n"
	       "\tretry_interval       15\n"
	       "\tcheck_command        check_tls_smtp_name!mail.test!-p 25 -C /nonexistent/ca.pem\n"
	       "}\n"
	       "\n"
	       "# not emitted: db.test:5432 pgsql: a Nagios command cannot carry the CA file's "
	       "path '/nonexistent/ca$USER3$.pem' (only letters, digits and ._-:/@=+%,)\n");
}

#define MACHINE 4

/* This machine's listeners: one socket bound to every address, reached over
 * IPv6 (listed first) and IPv4; another certificate on the same port at
 * another address; and one on IPv6 alone, whose leaf names no host. */
static void build_machine(struct discover_run *r, struct discover_listener *ls)
{
	memset(r, 0, sizeof(*r));
	memset(ls, 0, MACHINE * sizeof(*ls));
	r->listeners = ls;
	r->count = MACHINE;
	tls_listener(&ls[0], "::1", 443, &protocol_tls, "CN=web.test");
	tls_listener(&ls[1], "127.0.0.1", 443, &protocol_tls, "CN=web.test");
	tls_listener(&ls[2], "192.0.2.5", 443, &protocol_tls, "CN=other.test");
	tls_listener(&ls[3], "::1", 8443, &protocol_tls, "CN=Some appliance");
	for (size_t i = 0; i < MACHINE; i++) {
		ls[i].order = i;
		snprintf(leaf_of(&ls[i])->sha256, 65, "%s", i < 2 ? "aa" : i == 2 ? "bb" : "cc");
		ls[i].check_address = true;
		ls[i].check_name = kept("%s", i < 2 ? "web.test" : i == 2 ? "other.test" : "");
	}
}

/* What inventory_write() printed with O for the listeners of build_machine(),
 * the first one's leaf SHA256 (NULL: the same as the second's). */
static char *machine_written(const struct inventory_options *o, const char *sha256)
{
	struct discover_listener ls[MACHINE];
	struct discover_run r;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	build_machine(&r, ls);
	if (sha256 != NULL)
		snprintf(leaf_of(&ls[0])->sha256, 65, "%s", sha256);
	assert_int_equal(inventory_write(out, &r, o), MACHINE);
	assert_int_equal(fclose(out), 0);
	return text;
}

static void expect_machine(const struct inventory_options *o, const char *want)
{
	char *text = machine_written(o, NULL);

	assert_string_equal(text, want);
	free(text);
}

/* --local: the services go to NodeName, each with its name and address, the
 * pair over IPv4 and IPv6 folded into one checked over IPv4; two on one port
 * named by their addresses; --endpoint pins them to the agent. */
static void test_icinga2_local(void **state)
{
	const struct inventory_options o = {
	        .format = INVENTORY_ICINGA2, .local = true, .endpoint = "agent1.test"};

	(void)state;
	expect_machine(&o, "# 127.0.0.1:443 and [::1]:443: one socket, the same certificate, "
	                   "checked at 127.0.0.1:443\n"
	                   "object Service \"tlscheck tls 443 127.0.0.1\" {\n"
	                   "\thost_name = NodeName\n"
	                   "\tcommand_endpoint = \"agent1.test\"\n"
	                   "\tcheck_command = \"tlscheck\"\n"
	                   "\tcheck_interval = 1h\n"
	                   "\tretry_interval = 15m\n"
	                   "\tvars.tlscheck_port = 443\n"
	                   "\tvars.tlscheck_host = \"web.test\"\n"
	                   "\tvars.tlscheck_address = \"127.0.0.1\"\n"
	                   "}\n"
	                   "\n"
	                   "object Service \"tlscheck tls 443 192.0.2.5\" {\n"
	                   "\thost_name = NodeName\n"
	                   "\tcommand_endpoint = \"agent1.test\"\n"
	                   "\tcheck_command = \"tlscheck\"\n"
	                   "\tcheck_interval = 1h\n"
	                   "\tretry_interval = 15m\n"
	                   "\tvars.tlscheck_port = 443\n"
	                   "\tvars.tlscheck_host = \"other.test\"\n"
	                   "\tvars.tlscheck_address = \"192.0.2.5\"\n"
	                   "}\n"
	                   "\n"
	                   "object Service \"tlscheck tls 8443\" {\n"
	                   "\thost_name = NodeName\n"
	                   "\tcommand_endpoint = \"agent1.test\"\n"
	                   "\tcheck_command = \"tlscheck\"\n"
	                   "\tcheck_interval = 1h\n"
	                   "\tretry_interval = 15m\n"
	                   "\tvars.tlscheck_port = 8443\n"
	                   "\tvars.tlscheck_host = \"::1\"\n"
	                   "\tvars.tlscheck_address = \"::1\"\n"
	                   "\tvars.tlscheck_no_verify_name = true\n"
	                   "}\n"
	                   "\n");
}

/* Without --local, each address is a host of its own: nothing is folded, and the
 * IPv6 one has address6. */
static void test_icinga2_hosts(void **state)
{
	const struct inventory_options o = {.format = INVENTORY_ICINGA2};
	char *text = machine_written(&o, NULL);

	(void)state;
	assert_non_null(strstr(text, "object Host \"::1\" {\n\tcheck_command = \"hostalive\"\n"
	                             "\taddress6 = \"::1\"\n}\n"));
	assert_non_null(strstr(text, "object Host \"127.0.0.1\" {\n\tcheck_command = "
	                             "\"hostalive\"\n\taddress = \"127.0.0.1\"\n}\n"));
	assert_non_null(
	        strstr(text, "object Service \"tlscheck tls 443\" {\n\thost_name = \"::1\"\n"));
	assert_non_null(strstr(text, "object Service \"tlscheck tls 443\" {\n"
	                             "\thost_name = \"127.0.0.1\"\n"));
	assert_null(strstr(text, "one socket"));
	assert_null(strstr(text, "tlscheck_address"));
	free(text);
}

/* A name that resolved over IPv4 and IPv6: the Host's address is the name,
 * resolved at every check, not what discovery found. */
static void test_name_addresses(void **state)
{
	struct inventory_options o = {.format = INVENTORY_ICINGA2};
	struct discover_listener l;
	char *text;

	(void)state;
	named_listener(&l, "db.test", 5432, &protocol_pgsql, "CN=db.test");
	snprintf(leaf_of(&l)->sha256, 65, "aa");
	text = one_written(&o, &l);
	assert_non_null(strstr(text, "object Host \"db.test\" {\n\tcheck_command = \"hostalive\"\n"
	                             "\taddress = \"db.test\"\n}\n"));
	free(text);
	o.format = INVENTORY_NAGIOS;
	text = one_written(&o, &l);
	assert_non_null(strstr(text, "\thost_name            db.test\n"
	                             "\taddress              db.test\n"));
	free(text);
}

/* Nagios, --local: on localhost, with the _at commands (name and address). */
static void test_nagios_local(void **state)
{
	const struct inventory_options o = {.format = INVENTORY_NAGIOS, .local = true};

	(void)state;
	expect_machine(&o, "# 127.0.0.1:443 and [::1]:443: one socket, the same certificate, "
	                   "checked at 127.0.0.1:443\n"
	                   "define service {\n"
	                   "\tuse                  generic-service\n"
	                   "\thost_name            localhost\n"
	                   "\tservice_description  tlscheck tls 443 127.0.0.1\n"
	                   "\tcheck_interval       60\n"
	                   "\tretry_interval       15\n"
	                   "\tcheck_command        check_tls_at!web.test!127.0.0.1!-p 443\n"
	                   "}\n"
	                   "\n"
	                   "define service {\n"
	                   "\tuse                  generic-service\n"
	                   "\thost_name            localhost\n"
	                   "\tservice_description  tlscheck tls 443 192.0.2.5\n"
	                   "\tcheck_interval       60\n"
	                   "\tretry_interval       15\n"
	                   "\tcheck_command        check_tls_at!other.test!192.0.2.5!-p 443\n"
	                   "}\n"
	                   "\n"
	                   "define service {\n"
	                   "\tuse                  generic-service\n"
	                   "\thost_name            localhost\n"
	                   "\tservice_description  tlscheck tls 8443\n"
	                   "\tcheck_interval       60\n"
	                   "\tretry_interval       15\n"
	                   "\tcheck_command        check_tls_at!::1!::1!--no-verify-name -p 8443\n"
	                   "}\n"
	                   "\n");
}

/* --host-name: an existing host, no host written; addresses given are not
 * folded (they may be machines of their own), and each service is named by its
 * address. */
static void test_host_name(void **state)
{
	const struct inventory_options o = {.format = INVENTORY_NAGIOS, .host_name = "web1"};
	char *text = machine_written(&o, NULL);

	(void)state;
	assert_null(strstr(text, "define host"));
	assert_null(strstr(text, "one socket"));
	assert_non_null(strstr(text, "\thost_name            web1\n"
	                             "\tservice_description  tlscheck tls 443 ::1\n"));
	assert_non_null(strstr(text, "\thost_name            web1\n"
	                             "\tservice_description  tlscheck tls 443 127.0.0.1\n"));
	free(text);
}

/* Zabbix: the hostile leaf and the CA file's path a key cannot carry commented
 * out, values as YAML double-quoted scalars; a host by its address, its ports
 * and CA file as the macros of the template's discovery rule. */
static void test_zabbix(void **state)
{
	(void)state;
	expect(INVENTORY_ZABBIX, false,
	       "zabbix_export:\n"
	       "  version: '6.0'\n"
	       "  groups:\n"
	       "    - uuid: \"8f37e98b2bdd47698fda91d261598bfb\"\n"
	       "      name: \"Discovered TLS listeners\"\n"
	       "  hosts:\n"
	       "    # not emitted: 192.0.2.8:443 tls: the certificate's name 'x'`touch "
	       "PWNED`'.example' is not a valid host name: invalid character\n"
	       "    # not emitted: db.test:5432 pgsql: a Zabbix item key cannot carry the CA "
	       "file's "
	       "path '/nonexistent/ca$USER3$.pem' (only letters, digits and ._-:/@=+%,)\n"
	       "    - host: \"192.0.2.7\"\n"
	       "      name: \"192.0.2.7\"\n"
	       "      description: \"TLS listeners found by tlscheck-discover: smtp 25 "
	       "mail.test\"\n"
	       "      templates:\n"
	       "        - name: \"TLS listeners by tlscheck external check\"\n"
	       "      groups:\n"
	       "        - name: \"Discovered TLS listeners\"\n"
	       "      interfaces:\n"
	       "        - ip: \"192.0.2.7\"\n"
	       "          interface_ref: if1\n"
	       "      macros:\n"
	       "        - macro: \"{$TLSCHECK.LLD.PORTS}\"\n"
	       "          value: \"25\"\n"
	       "        - macro: \"{$TLSCHECK.LLD.OPTION}\"\n"
	       "          value: \"--ca-file=/nonexistent/ca.pem\"\n");
}

/* Zabbix, a host reached by its name (no address to connect to): the
 * interface connects by DNS name; its listeners are one host, their ports one
 * macro; one whose CA file is not the host's is commented out. */
static void test_zabbix_by_name(void **state)
{
	struct discover_listener ls[3];
	struct discover_run r = {.listeners = ls, .count = 3};
	const struct inventory_options o = {.format = INVENTORY_ZABBIX};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	named_listener(&ls[0], "db.test", 5432, &protocol_pgsql, "CN=db.test");
	named_listener(&ls[1], "db.test", 443, &protocol_tls, "CN=db.test");
	named_listener(&ls[2], "db.test", 636, &protocol_ldap, "CN=db.test");
	ls[1].order = 1;
	ls[2].order = 2;
	ls[1].ca_file = "/nonexistent/ca.pem";
	ls[2].ca_file = "/nonexistent/other.pem";
	assert_non_null(out);
	assert_int_equal(inventory_write(out, &r, &o), 3);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(text, "zabbix_export:\n"
	                          "  version: '6.0'\n"
	                          "  groups:\n"
	                          "    - uuid: \"8f37e98b2bdd47698fda91d261598bfb\"\n"
	                          "      name: \"Discovered TLS listeners\"\n"
	                          "  hosts:\n"
	                          "    # not emitted: db.test:636 ldap: another CA file than the "
	                          "host's other listeners, and its discovery tries one\n"
	                          "    - host: \"db.test\"\n"
	                          "      name: \"db.test\"\n"
	                          "      description: \"TLS listeners found by "
	                          "tlscheck-discover: pgsql 5432 db.test, tls 443 db.test\"\n"
	                          "      templates:\n"
	                          "        - name: \"TLS listeners by tlscheck external check\"\n"
	                          "      groups:\n"
	                          "        - name: \"Discovered TLS listeners\"\n"
	                          "      interfaces:\n"
	                          "        - useip: \"NO\"\n"
	                          "          dns: \"db.test\"\n"
	                          "          interface_ref: if1\n"
	                          "      macros:\n"
	                          "        - macro: \"{$TLSCHECK.LLD.PORTS}\"\n"
	                          "          value: \"5432,443\"\n"
	                          "        - macro: \"{$TLSCHECK.LLD.OPTION}\"\n"
	                          "          value: \"--ca-file=/nonexistent/ca.pem\"\n");
	free(text);
}

/* Zabbix discovery with --local: 127.0.0.1 and ::1 serving one certificate on
 * one port are one listener, checked over IPv4; the leaf without a name is
 * left out. */
static void test_zabbix_lld_local(void **state)
{
	const struct inventory_options o = {.format = INVENTORY_ZABBIX_LLD, .local = true};
	char *text = machine_written(&o, NULL);

	(void)state;
	assert_string_equal(text, "[{\"{#HOST}\":\"127.0.0.1\",\"{#PORT}\":\"443\","
	                          "\"{#PROTOCOL}\":\"tls\",\"{#PLUGIN}\":\"check_tls\","
	                          "\"{#NAME}\":\"web.test\",\"{#CAFILE}\":"
	                          "\"\",\"{#TRUST}\":\"--output=json\"},"
	                          "{\"{#HOST}\":\"192.0.2.5\",\"{#PORT}\":\"443\","
	                          "\"{#PROTOCOL}\":\"tls\",\"{#PLUGIN}\":\"check_tls\","
	                          "\"{#NAME}\":\"other.test\",\"{#CAFILE}\":"
	                          "\"\",\"{#TRUST}\":\"--output=json\"}]\n");
	free(text);
}

/* Zabbix discovery with the host's DNS name: it is every listener's {#NAME},
 * whatever name its certificate has, and the leaf without a name is checked
 * for it too. */
static void test_zabbix_lld_verify_name(void **state)
{
	const struct inventory_options o = {
	        .format = INVENTORY_ZABBIX_LLD, .local = true, .verify_name = "db1.test"};
	char *text = machine_written(&o, NULL);

	(void)state;
	assert_string_equal(text, "[{\"{#HOST}\":\"127.0.0.1\",\"{#PORT}\":\"443\","
	                          "\"{#PROTOCOL}\":\"tls\",\"{#PLUGIN}\":\"check_tls\","
	                          "\"{#NAME}\":\"db1.test\",\"{#CAFILE}\":"
	                          "\"\",\"{#TRUST}\":\"--output=json\"},"
	                          "{\"{#HOST}\":\"192.0.2.5\",\"{#PORT}\":\"443\","
	                          "\"{#PROTOCOL}\":\"tls\",\"{#PLUGIN}\":\"check_tls\","
	                          "\"{#NAME}\":\"db1.test\",\"{#CAFILE}\":"
	                          "\"\",\"{#TRUST}\":\"--output=json\"},"
	                          "{\"{#HOST}\":\"::1\",\"{#PORT}\":\"8443\","
	                          "\"{#PROTOCOL}\":\"tls\",\"{#PLUGIN}\":\"check_tls\","
	                          "\"{#NAME}\":\"db1.test\",\"{#CAFILE}\":"
	                          "\"\",\"{#TRUST}\":\"--output=json\"}]\n");
	free(text);
}

/* Zabbix discovery: the one listener whose values all need no quoting (the
 * hostile leaf and the CA path with '$' in it left out). */
static void test_zabbix_lld(void **state)
{
	(void)state;
	expect(INVENTORY_ZABBIX_LLD, false,
	       "[{\"{#HOST}\":\"192.0.2.7\",\"{#PORT}\":\"25\",\"{#PROTOCOL}\":\"smtp\","
	       "\"{#PLUGIN}\":\"check_tls_smtp\",\"{#NAME}\":\"mail.test\","
	       "\"{#CAFILE}\":\"/nonexistent/ca.pem\",\"{#TRUST}\":\"--ca-file=/nonexistent/"
	       "ca.pem\"}]\n");
}

/* TLS at connect where IMAP would upgrade is checked as plain TLS; NNTP, which
 * has no plugin of its own, by check_tls; a chain no CA file validates against
 * the system bundle. */
static void test_zabbix_lld_plugins(void **state)
{
	struct discover_listener ls[2];
	struct discover_run r = {.listeners = ls, .count = 2};
	const struct inventory_options o = {.format = INVENTORY_ZABBIX_LLD};
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	(void)state;
	memset(ls, 0, sizeof(ls));
	tls_listener(&ls[0], "mail.test", 10993, &protocol_imap, "CN=mail.test");
	ls[0].check_name = kept("mail.test");
	ls[0].implicit_tls = true;
	ls[0].system_trusted = true;
	tls_listener(&ls[1], "news.test", 119, &protocol_nntp, "CN=news.test");
	ls[1].check_name = kept("news.test");
	ls[1].order = 1;
	assert_non_null(out);
	assert_int_equal(inventory_write(out, &r, &o), 2);
	assert_int_equal(fclose(out), 0);
	assert_string_equal(
	        text, "[{\"{#HOST}\":\"mail.test\",\"{#PORT}\":\"10993\",\"{#PROTOCOL}\":\"tls\","
	              "\"{#PLUGIN}\":\"check_tls\",\"{#NAME}\":\"mail.test\","
	              "\"{#CAFILE}\":\"\",\"{#TRUST}\":\"--output=json\"},"
	              "{\"{#HOST}\":\"news.test\",\"{#PORT}\":\"119\",\"{#PROTOCOL}\":\"nntp\","
	              "\"{#PLUGIN}\":\"check_tls\",\"{#NAME}\":\"news.test\","
	              "\"{#CAFILE}\":\"\",\"{#TRUST}\":\"--output=json\"}]\n");
	free(text);
}

/* Nagios: a host discovered as localhost is the stock configuration's. */
static void test_nagios_localhost(void **state)
{
	const struct inventory_options o = {.format = INVENTORY_NAGIOS};
	struct discover_listener l;
	char *text;

	(void)state;
	named_listener(&l, "localhost", 443, &protocol_tls, "CN=localhost");
	text = one_written(&o, &l);
	assert_null(strstr(text, "define host"));
	assert_non_null(strstr(text, "# host localhost: defined by the stock configuration"));
	assert_non_null(strstr(text, "\thost_name            localhost\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),
	        cmocka_unit_test(test_table_closed),
	        cmocka_unit_test(test_json),
	        cmocka_unit_test(test_icinga2),
	        cmocka_unit_test(test_nagios),
	        cmocka_unit_test(test_zabbix),
	        cmocka_unit_test(test_icinga2_local),
	        cmocka_unit_test(test_icinga2_hosts),
	        cmocka_unit_test(test_nagios_local),
	        cmocka_unit_test(test_host_name),
	        cmocka_unit_test(test_name_addresses),
	        cmocka_unit_test(test_zabbix_lld),
	        cmocka_unit_test(test_zabbix_lld_plugins),
	        cmocka_unit_test(test_zabbix_by_name),
	        cmocka_unit_test(test_zabbix_lld_local),
	        cmocka_unit_test(test_zabbix_lld_verify_name),
	        cmocka_unit_test(test_nagios_localhost),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
