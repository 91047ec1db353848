#!/usr/bin/python3
"""A gRPC server for grpc.sh: python3-grpcio (gRPC's C core) with TLS that
requires a client certificate, and, with --health, the standard health
service grpc.health.v1.Health written here on raw protobuf bytes (grpc_health
is not packaged in Debian): the server as a whole ("") and the services of
--serving are SERVING, those of --not-serving NOT_SERVING, any other is
NOT_FOUND, as the reference implementation answers. Without --health it has
no service at all: every call is UNIMPLEMENTED.

    grpc-server.py --port P --cert C --key K --client-ca CA [--health]
                   [--serving NAME]... [--not-serving NAME]...
"""
import argparse
import signal
import sys
import threading

import grpc

SERVING, NOT_SERVING = 1, 2


def service_of(request):
    """Field 1 (string) of a HealthCheckRequest, the service asked about."""
    at, service = 0, b""
    while at < len(request):
        key = request[at]
        at += 1
        if key != 0x0A or at >= len(request) or request[at] & 0x80:
            raise ValueError("not a HealthCheckRequest this server reads")
        length = request[at]
        service = request[at + 1:at + 1 + length]
        at += 1 + length
    return service.decode("ascii")


def health_handler(serving, not_serving):
    def check(request, context):
        try:
            service = service_of(request)
        except ValueError as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        if service == "" or service in serving:
            return bytes([0x08, SERVING])
        if service in not_serving:
            return bytes([0x08, NOT_SERVING])
        context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")

    return grpc.method_handlers_generic_handler(
        "grpc.health.v1.Health",
        {"Check": grpc.unary_unary_rpc_method_handler(check)})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca", required=True)
    ap.add_argument("--health", action="store_true")
    ap.add_argument("--serving", action="append", default=[])
    ap.add_argument("--not-serving", action="append", default=[])
    a = ap.parse_args()

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    creds = grpc.ssl_server_credentials([(read(a.key), read(a.cert))],
                                        root_certificates=read(a.client_ca),
                                        require_client_auth=True)
    from concurrent import futures
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    if a.health:
        server.add_generic_rpc_handlers(
            (health_handler(set(a.serving), set(a.not_serving)),))
    if server.add_secure_port("127.0.0.1:%d" % a.port, creds) == 0:
        print("cannot listen on port %d" % a.port, file=sys.stderr)
        return 1
    server.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("listening on %d" % a.port, flush=True)
    done.wait()
    server.stop(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
