/* Kafka's after(): the ApiVersions response. */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_kafka, FUZZ_AFTER, NULL, data, size);
	return 0;
}
