/* gRPC's after(): the server's SETTINGS, then the frames that answer the
 * health check (header blocks through HPACK, DATA, trailers). */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_grpc, FUZZ_AFTER, NULL, data, size);
	return 0;
}
