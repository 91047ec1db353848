/* MySQL's upgrade(): the HandshakeV10 greeting (or an ERR packet). */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_mysql, FUZZ_UPGRADE, NULL, data, size);
	return 0;
}
