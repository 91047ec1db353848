#!/bin/bash
# redis.sh — check_tls_redis against real redis-server instances with TLS: PING
# answered +PONG, -NOAUTH (a password required), a client certificate required,
# an expiring certificate, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/redis.bash
. "$(dirname "$0")/redis.bash" || exit 99

CHECK_TLS_REDIS=$TLSCHECK_BUILDDIR/plugins/check_tls_redis

require_server 'redis-server (redis-server)' test -x "$REDIS"
require_server 'certtool (gnutls-bin)' command -v certtool
require_server 'gnutls-serv (gnutls-bin)' command -v gnutls-serv
require_plugin "$CHECK_TLS_REDIS"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_ca client-ca &&
		make_leaf ok ca redis.test redis.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca redis.test redis.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_redis ok tls ok --tls-auth-clients no || bail_out 'redis-server (TLS) did not start'
P_OK=$SERVER_PORT
start_redis warn tls warn --tls-auth-clients no || bail_out 'redis-server (10 days) did not start'
P_WARN=$SERVER_PORT
start_redis auth tls ok --tls-auth-clients no --requirepass x ||
	bail_out 'redis-server (password) did not start'
P_AUTH=$SERVER_PORT
start_redis mtls tls ok --tls-auth-clients yes ||
	bail_out 'redis-server (client certificate required) did not start'
P_MTLS=$SERVER_PORT
start_redis plain plain || bail_out 'redis-server (no TLS) did not start'
P_PLAIN=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
REDIS_CHECK=("$CHECK_TLS_REDIS" -H redis.test -I 127.0.0.1 -C ca.pem)

expect_check 'TLS port, +PONG: OK' 0 \
	"^TLS OK - redis\\.test:$P_OK redis: certificate 'CN=redis\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' '!client certificate' '!PING' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' '@max-secs=3' \
	-- "${REDIS_CHECK[@]}" -p "$P_OK"

expect_check '10 days left: WARNING' 1 \
	"^TLS WARNING - redis\\.test:$P_WARN redis: certificate 'CN=redis\\.test' expires in 9d 2[23]h" \
	'!PING' "\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${REDIS_CHECK[@]}" -p "$P_WARN"

expect_check 'another name: CRITICAL' 2 \
	"^TLS CRITICAL - other\\.test:$P_OK redis: .*does not match" \
	-- "$CHECK_TLS_REDIS" -H other.test -I 127.0.0.1 -C ca.pem -p "$P_OK"

expect_check 'a password required: -NOAUTH proves Redis, OK' 0 \
	"^TLS OK - redis\\.test:$P_AUTH redis: certificate 'CN=redis\\.test' expires in 199d" \
	'!PING' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@max-secs=3' \
	-- "${REDIS_CHECK[@]}" -p "$P_AUTH"

expect_check 'client certificate required, none given: the chain judged, OK' 0 \
	"^TLS OK - redis\\.test:$P_MTLS redis: certificate 'CN=redis\\.test' expires in 199d" \
	'chain trusted by ca\.pem' '*^OK client-cert: server requires a client certificate \(none given' '!client certificate' \
	'!PING' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${REDIS_CHECK[@]}" -p "$P_MTLS"

# Redis reads the ClientHello as the start of an inline command and waits for its
# line end: the handshake never completes.
expect_check 'a server without TLS, -t 2: CRITICAL, the stalled handshake named' 2 \
	"^TLS CRITICAL - redis\\.test:$P_PLAIN redis: timeout during the TLS handshake" \
	"$PERF_FAILED" '@max-secs=5' \
	-- "${REDIS_CHECK[@]}" -p "$P_PLAIN" -t 2

expect_check '--no-ping and check_tls -P redis: OK' 0 \
	"^TLS OK - redis\\.test:$P_OK redis: " \
	-- "$CHECK_TLS" -P redis -H redis.test -I 127.0.0.1 -p "$P_OK" -C ca.pem --no-ping

# A TLS server that is not Redis: PING goes unanswered unless it is not sent.
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_NOT_REDIS=$SERVER_PORT
expect_check 'a TLS server that is not Redis: WARNING' 1 \
	"^TLS WARNING - redis\\.test:$P_NOT_REDIS redis: .*PING" '@max-secs=5' \
	-- "${REDIS_CHECK[@]}" -p "$P_NOT_REDIS"
expect_check '--no-service-check: nothing asked behind TLS, OK' 0 \
	"^TLS OK - redis\\.test:$P_NOT_REDIS redis: certificate 'CN=redis\\.test'" '@lines=1' \
	-- "${REDIS_CHECK[@]}" -p "$P_NOT_REDIS" --no-service-check
expect_check '--no-ping, its alias: nothing asked behind TLS, OK' 0 \
	"^TLS OK - redis\\.test:$P_NOT_REDIS redis: certificate 'CN=redis\\.test'" '@lines=1' \
	-- "${REDIS_CHECK[@]}" -p "$P_NOT_REDIS" --no-ping
expect_check 'check_tls -P redis --no-service-check: OK' 0 \
	"^TLS OK - redis\\.test:$P_NOT_REDIS redis: certificate 'CN=redis\\.test'" '@lines=1' \
	-- "$CHECK_TLS" -P redis -H redis.test -I 127.0.0.1 -p "$P_NOT_REDIS" -C ca.pem \
	--no-service-check

finish
