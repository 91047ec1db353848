/* The line protocols' upgrade() over textproto: SMTP, LMTP, IMAP, POP3, FTP,
 * NNTP and ManageSieve. The input's first byte picks the protocol, the rest is
 * what the server says. */
#include <config.h>

#include "fuzz_conn.h"

static const struct {
	const struct tls_protocol *protocol;
	const char *flag; /* an option given as a flag, or NULL */
} dialects[] = {
        {&protocol_smtp, NULL},  {&protocol_smtp, "lmtp"}, {&protocol_imap, NULL},
        {&protocol_pop3, NULL},  {&protocol_ftp, NULL},    {&protocol_nntp, NULL},
        {&protocol_sieve, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct protocol_args args = {0};
	size_t which;

	if (size < 1)
		return 0;
	which = data[0] % (sizeof(dialects) / sizeof(dialects[0]));
	if (dialects[which].flag != NULL)
		args.values[protocol_option_index(dialects[which].protocol, dialects[which].flag)] =
		        "";
	fuzz_play(dialects[which].protocol, FUZZ_UPGRADE, &args, data + 1, size - 1);
	return 0;
}
