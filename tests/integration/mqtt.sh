#!/bin/bash
# mqtt.sh — check_tls_mqtt against real mosquitto brokers with TLS: CONNECT
# accepted, refused for want of credentials (still a broker), a client
# certificate required, an expiring certificate, and a listener without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/mosquitto.bash
. "$(dirname "$0")/mosquitto.bash" || exit 99

CHECK_TLS_MQTT=$TLSCHECK_BUILDDIR/plugins/check_tls_mqtt

require_server 'mosquitto (mosquitto)' test -x "$MOSQUITTO"
require_server 'mosquitto_passwd (mosquitto)' command -v mosquitto_passwd
require_server 'certtool (gnutls-bin)' command -v certtool
require_server 'gnutls-serv (gnutls-bin)' command -v gnutls-serv
require_plugin "$CHECK_TLS_MQTT"
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_ca client-ca &&
		make_leaf ok ca mqtt.test mqtt.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca mqtt.test mqtt.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'
mosquitto_passwd -b -c "$TEST_DIR/passwd" monitor secret >/dev/null 2>&1 ||
	bail_out 'cannot make the password file'

start_mosquitto ok tls ok 'allow_anonymous true' || bail_out 'mosquitto (TLS) did not start'
P_OK=$SERVER_PORT
start_mosquitto warn tls warn 'allow_anonymous true' ||
	bail_out 'mosquitto (10 days) did not start'
P_WARN=$SERVER_PORT
start_mosquitto auth tls ok 'allow_anonymous false' "password_file $TEST_DIR/passwd" ||
	bail_out 'mosquitto (password) did not start'
P_AUTH=$SERVER_PORT
start_mosquitto mtls tls ok 'allow_anonymous true' 'require_certificate true' ||
	bail_out 'mosquitto (client certificate required) did not start'
P_MTLS=$SERVER_PORT
start_mosquitto plain plain ok 'allow_anonymous true' ||
	bail_out 'mosquitto (no TLS) did not start'
P_PLAIN=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
MQTT=("$CHECK_TLS_MQTT" -H mqtt.test -I 127.0.0.1 -C ca.pem)

expect_check 'CONNECT accepted: OK' 0 \
	"^TLS OK - mqtt\\.test:$P_OK mqtt: certificate 'CN=mqtt\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' '!client certificate' '!CONNACK' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' '@max-secs=3' \
	-- "${MQTT[@]}" -p "$P_OK"

expect_check '10 days left: WARNING' 1 \
	"^TLS WARNING - mqtt\\.test:$P_WARN mqtt: certificate 'CN=mqtt\\.test' expires in 9d 2[23]h" \
	'!CONNACK' "\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${MQTT[@]}" -p "$P_WARN"

expect_check 'another name: CRITICAL' 2 \
	"^TLS CRITICAL - other\\.test:$P_OK mqtt: .*does not match" \
	-- "$CHECK_TLS_MQTT" -H other.test -I 127.0.0.1 -C ca.pem -p "$P_OK"

expect_check 'anonymous refused (CONNACK 5): a broker all the same, OK' 0 \
	"^TLS OK - mqtt\\.test:$P_AUTH mqtt: certificate 'CN=mqtt\\.test' expires in 199d" \
	'!CONNACK' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@max-secs=3' \
	-- "${MQTT[@]}" -p "$P_AUTH"

expect_check 'client certificate required, none given: the chain judged, OK' 0 \
	"^TLS OK - mqtt\\.test:$P_MTLS mqtt: certificate 'CN=mqtt\\.test' expires in 199d" \
	'chain trusted by ca\.pem' '*^OK client-cert: server requires a client certificate \(none given' '!client certificate' \
	'!CONNACK' "\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${MQTT[@]}" -p "$P_MTLS"

expect_check 'a listener without TLS: CRITICAL, the handshake failure named' 2 \
	"^TLS CRITICAL - mqtt\\.test:$P_PLAIN mqtt: .*(handshake|closed)" "$PERF_FAILED" \
	'@max-secs=5' \
	-- "${MQTT[@]}" -p "$P_PLAIN" -t 3

expect_check '--no-mqtt-connect and check_tls -P mqtt: OK' 0 \
	"^TLS OK - mqtt\\.test:$P_OK mqtt: " \
	-- "$CHECK_TLS" -P mqtt -H mqtt.test -I 127.0.0.1 -p "$P_OK" -C ca.pem --no-mqtt-connect

# A TLS server that is not a broker: CONNECT goes unanswered unless it is not sent.
start_gnutls_serv "$TEST_DIR/ok.pem" "$TEST_DIR/ok.key" --disable-client-cert ||
	bail_out 'gnutls-serv did not start'
P_NOT_MQTT=$SERVER_PORT
expect_check 'a TLS server that is not a broker: WARNING' 1 \
	"^TLS WARNING - mqtt\\.test:$P_NOT_MQTT mqtt: .*CONNACK" '@max-secs=5' \
	-- "${MQTT[@]}" -p "$P_NOT_MQTT"
expect_check '--no-service-check: nothing asked behind TLS, OK' 0 \
	"^TLS OK - mqtt\\.test:$P_NOT_MQTT mqtt: certificate 'CN=mqtt\\.test'" '@lines=1' \
	-- "${MQTT[@]}" -p "$P_NOT_MQTT" --no-service-check
expect_check '--no-mqtt-connect, its alias: nothing asked behind TLS, OK' 0 \
	"^TLS OK - mqtt\\.test:$P_NOT_MQTT mqtt: certificate 'CN=mqtt\\.test'" '@lines=1' \
	-- "${MQTT[@]}" -p "$P_NOT_MQTT" --no-mqtt-connect
expect_check 'check_tls -P mqtt --no-service-check: OK' 0 \
	"^TLS OK - mqtt\\.test:$P_NOT_MQTT mqtt: certificate 'CN=mqtt\\.test'" '@lines=1' \
	-- "$CHECK_TLS" -P mqtt -H mqtt.test -I 127.0.0.1 -p "$P_NOT_MQTT" -C ca.pem \
	--no-service-check

finish
