/* LDAP's upgrade() and after(): the BER of the ExtendedResponse to StartTLS, and
 * of the one to "Who am I?" over LDAPS. The same bytes go to both: each reads
 * one LDAPMessage. */
#include <config.h>

#include "fuzz_conn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_play(&protocol_ldap, FUZZ_UPGRADE, NULL, data, size);
	fuzz_play(&protocol_ldap, FUZZ_AFTER, NULL, data, size);
	return 0;
}
