/* XMPP's upgrade(): the stream header, the features and the answer to
 * <starttls/>. The input's first byte picks c2s or s2s (--server). */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct protocol_args args = {0};

	if (size < 1)
		return 0;
	if (data[0] & 1)
		args.values[protocol_option_index(&protocol_xmpp, "server")] = "";
	fuzz_play(&protocol_xmpp, FUZZ_UPGRADE, &args, data + 1, size - 1);
	return 0;
}
