/* fuzz_conn — a protocol's dialogue played from the fuzzer's input: what the
 * server says comes from memory, what the client says is thrown away.
 *
 * The input is the server's side, cut into turns by FUZZ_TURN ("|~|"). The first
 * turn is there at once; each later one only once the client has sent something
 * after the previous was read, as a real server answers a command. A turn read
 * to its end with no command sent is the end of the stream: the server hung up.
 * Nothing ever waits, so a run cannot hang and needs no socket.
 */
#ifndef TLSCHECK_TESTS_FUZZ_FUZZ_CONN_H
#define TLSCHECK_TESTS_FUZZ_FUZZ_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "protocol.h"

#define FUZZ_TURN "|~|"

/* Which hook of P the input is played to. */
enum fuzz_hook { FUZZ_UPGRADE, FUZZ_AFTER };

/* Play DATA to P's HOOK over a connection fed from it, with the given option
 * values (NULL: none given), host "mail.example.com". Returns the hook's result. */
int fuzz_play(const struct tls_protocol *p, enum fuzz_hook hook, const struct protocol_args *args,
              const uint8_t *data, size_t size);

/* The fuzzer's entry point, declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
