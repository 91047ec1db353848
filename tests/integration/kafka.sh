#!/bin/bash
# kafka.sh — check_tls_kafka against a real Kafka broker: librdkafka's mock
# cluster (tests/integration/kafka-mock) behind stunnel4 for TLS, one with a
# client certificate required, checked with none, with ours and with one from
# a CA the broker does not trust; and against a TLS server that is not Kafka.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/kafka.bash
. "$(dirname "$0")/kafka.bash" || exit 99
# shellcheck source=tests/integration/stunnel.bash
. "$(dirname "$0")/stunnel.bash" || exit 99

CHECK_TLS_KAFKA=$TLSCHECK_BUILDDIR/plugins/check_tls_kafka

require_server 'the Kafka mock broker (librdkafka-dev)' test -x "$KAFKA_MOCK"
require_server 'stunnel4 (stunnel4)' test -x "$STUNNEL"
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS_KAFKA"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_ca client-ca &&
		make_ca other-ca &&
		make_leaf ok ca kafka.test kafka.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca kafka.test kafka.test '-1 day' '+10 days -1 hour' &&
		make_client mon client-ca monitor '-1 day' '+300 days -1 hour' &&
		make_client mon-stranger other-ca monitor '-1 day' '+300 days -1 hour'
} || bail_out 'cannot make the test certificates'

start_kafka_mock || bail_out 'the Kafka mock broker did not start'
start_stunnel ok ok || bail_out 'stunnel (OK) did not start'
P_OK=$SERVER_PORT
start_stunnel warn warn || bail_out 'stunnel (10 days) did not start'
P_WARN=$SERVER_PORT
start_stunnel mtls ok 'verify = 2' "CAfile = $TEST_DIR/client-ca.pem" ||
	bail_out 'stunnel (client certificate required) did not start'
P_MTLS=$SERVER_PORT
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_NOT_KAFKA=$SERVER_PORT
P_PLAIN=${KAFKA_ADDRESS##*:}

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
KAFKA=("$CHECK_TLS_KAFKA" -H kafka.test -I 127.0.0.1 -C ca.pem)

expect_check 'broker behind TLS: OK, ApiVersions answered' 0 \
	"^TLS OK - kafka\\.test:$P_OK kafka: certificate 'CN=kafka\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' '!client certificate' '!Kafka' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' '@max-secs=3' \
	-- "${KAFKA[@]}" -p "$P_OK"

expect_check '10 days left: WARNING' 1 \
	"^TLS WARNING - kafka\\.test:$P_WARN kafka: certificate 'CN=kafka\\.test' expires in 9d 2[23]h" \
	'!Kafka' "\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${KAFKA[@]}" -p "$P_WARN"

expect_check 'another name: CRITICAL' 2 \
	"^TLS CRITICAL - other\\.test:$P_OK kafka: .*does not match" \
	-- "$CHECK_TLS_KAFKA" -H other.test -I 127.0.0.1 -C ca.pem -p "$P_OK"

expect_check 'client certificate required, none given: the chain judged, OK' 0 \
	"^TLS OK - kafka\\.test:$P_MTLS kafka: certificate 'CN=kafka\\.test' expires in 199d" \
	'chain trusted by ca\.pem' '*^OK client-cert: server requires a client certificate \(none given' '!client certificate' \
	'!Kafka' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${KAFKA[@]}" -p "$P_MTLS"

# In TLS 1.3 the broker judges our certificate after the handshake and says
# nothing when it accepts it: only the ApiVersions answer, which stunnel passes
# on from the broker once it has verified us, proves the acceptance. That answer
# is all the plugin waits for: its time stays far below the 0.5 s grace it
# gives a server that is silent after the handshake.
MON=(--client-cert mon.pem --client-key mon.key)
CLIENT_PERF="client_days_left=299\\.9[0-9];14:;7:;0;"
expect_check 'client certificate required, ours given: OK, accepted (ApiVersions answered)' 0 \
	"^TLS OK - kafka\\.test:$P_MTLS kafka: certificate 'CN=kafka\\.test' expires in 199d" \
	"server accepted our client certificate 'CN=monitor', TLSv1\\.3" \
	'!did not reject|rejected|none given|Kafka' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $CLIENT_PERF $PERF_TAIL" \
	'@lines=1' '@max-secs=3' \
	-- "${KAFKA[@]}" -p "$P_MTLS" "${MON[@]}"

# Without the ApiVersions exchange, silence within the grace is all there is.
expect_check '--no-api-check, ours given: OK, not rejected within the grace (not "accepted")' 0 \
	"^TLS OK - kafka\\.test:$P_MTLS kafka: certificate 'CN=kafka\\.test' expires in 199d" \
	"server did not reject our client certificate within 0\\.5s, TLSv1\\.3" '!accepted' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $CLIENT_PERF $PERF_TAIL" '@max-secs=3' \
	-- "${KAFKA[@]}" -p "$P_MTLS" "${MON[@]}" --no-api-check

# stunnel's alert is the verdict on our certificate, not a broker that does
# not answer like Kafka, nor a failed handshake: the chain is still judged.
expect_check 'client certificate from a CA the broker does not trust: CRITICAL, the alert named' 2 \
	"^TLS CRITICAL - kafka\\.test:$P_MTLS kafka: server rejected our client certificate 'CN=monitor': alert 'CA is unknown'" \
	"certificate 'CN=kafka\\.test' expires in 199d" '!handshake failed|Kafka' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $CLIENT_PERF $PERF_TAIL" '@max-secs=3' \
	-- "${KAFKA[@]}" -p "$P_MTLS" --client-cert mon-stranger.pem --client-key mon-stranger.key

expect_check 'a TLS server that is not Kafka: WARNING, rule service' 1 \
	"^TLS WARNING - kafka\\.test:$P_NOT_KAFKA kafka: no Kafka ApiVersions response within 3s: nothing received" \
	"certificate 'CN=kafka\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@max-secs=5' \
	-- "${KAFKA[@]}" -p "$P_NOT_KAFKA"

expect_check '--no-api-check: the certificate only, OK' 0 \
	"^TLS OK - kafka\\.test:$P_NOT_KAFKA kafka: certificate" '@max-secs=2' \
	-- "${KAFKA[@]}" -p "$P_NOT_KAFKA" --no-api-check
expect_check '--no-service-check: the certificate only, OK' 0 \
	"^TLS OK - kafka\\.test:$P_NOT_KAFKA kafka: certificate" '@max-secs=2' \
	-- "${KAFKA[@]}" -p "$P_NOT_KAFKA" --no-service-check
expect_check 'check_tls -P kafka --no-service-check: the certificate only, OK' 0 \
	"^TLS OK - kafka\\.test:$P_NOT_KAFKA kafka: certificate" '@max-secs=2' \
	-- "$CHECK_TLS" -P kafka -H kafka.test -I 127.0.0.1 -p "$P_NOT_KAFKA" -C ca.pem \
	--no-service-check

expect_check 'the broker without TLS: CRITICAL, the handshake failure named' 2 \
	"^TLS CRITICAL - kafka\\.test:$P_PLAIN kafka: .*handshake" "$PERF_FAILED" '@max-secs=5' \
	-- "${KAFKA[@]}" -p "$P_PLAIN"

expect_check 'check_tls -P kafka reaches the same protocol' 0 \
	"^TLS OK - kafka\\.test:$P_OK kafka: " \
	-- "$CHECK_TLS" -P kafka -H kafka.test -I 127.0.0.1 -p "$P_OK" -C ca.pem

finish
