#include <config.h>

#include <stddef.h>

#include "protocol.h"

const struct tls_protocol protocol_tls = {
        .name = "tls",
        .description = "TLS from the first byte (HTTPS, LDAPS, IMAPS...)",
        .port = 443,
        .implicit_port = 443,
        .upgrade = NULL,
};
