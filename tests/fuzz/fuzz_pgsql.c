/* PostgreSQL's upgrade(): the answer to the SSLRequest. */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_pgsql, FUZZ_UPGRADE, NULL, data, size);
	return 0;
}
