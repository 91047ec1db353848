/* LDAP's upgrade(): the BER of the ExtendedResponse to StartTLS. */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_ldap, FUZZ_UPGRADE, NULL, data, size);
	return 0;
}
