/* Redis's after(): the RESP reply to PING. */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_redis, FUZZ_AFTER, NULL, data, size);
	return 0;
}
