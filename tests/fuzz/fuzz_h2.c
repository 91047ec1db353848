/* HTTP/2's after(): the frames a server sends in answer to the preface. */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_h2, FUZZ_AFTER, NULL, data, size);
	return 0;
}
