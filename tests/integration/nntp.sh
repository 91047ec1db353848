#!/bin/bash
# nntp.sh — check_tls -P nntp against INN's real news reader server (nnrpd, from
# inn2) run as a private daemon: STARTTLS, NNTP over TLS, an expiring
# certificate, and a server without TLS.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh" || exit 99
# shellcheck source=tests/integration/nntp.bash
. "$(dirname "$0")/nntp.bash" || exit 99

require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
require_nnrpd
require_server 'certtool (gnutls-bin)' command -v certtool
require_plugin "$CHECK_TLS"
lib_init

{
	make_ca ca &&
		make_leaf ok ca news.test news.test '-1 day' '+200 days -1 hour' &&
		make_leaf warn ca news.test news.test '-1 day' '+10 days -1 hour'
} || bail_out 'cannot make the test certificates'

{ news_site tls ok && news_site warn warn && news_site plain; } ||
	bail_out 'cannot set up the news sites'
start_nnrpd tls || bail_out 'nnrpd (STARTTLS) did not start'
P_STARTTLS=$SERVER_PORT
start_nnrpd tls -S || bail_out 'nnrpd (TLS at connect) did not start'
P_NNTPS=$SERVER_PORT
start_nnrpd warn || bail_out 'nnrpd (STARTTLS, 10 days) did not start'
P_WARN=$SERVER_PORT
start_nnrpd plain || bail_out 'nnrpd (no TLS) did not start'
P_PLAIN=$SERVER_PORT

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'
NNTP=("$CHECK_TLS" -P nntp -H news.test -I 127.0.0.1 -C ca.pem)

expect_check 'STARTTLS: OK' 0 \
	"^TLS OK - news\\.test:$P_STARTTLS nntp: certificate 'CN=news\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
	'chain trusted by ca\.pem' \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${NNTP[@]}" -p "$P_STARTTLS"

expect_check 'STARTTLS, 10 days left: WARNING' 1 \
	"^TLS WARNING - news\\.test:$P_WARN nntp: certificate 'CN=news\\.test' expires in 9d 2[23]h" \
	"\\| days_left=9\\.9[0-9];14:;7:;0; $PERF_TAIL" \
	-- "${NNTP[@]}" -p "$P_WARN"

expect_check 'NNTP over TLS: OK, the greeting read over TLS' 0 \
	"^TLS OK - news\\.test:$P_NNTPS nntp: certificate 'CN=news\\.test' expires in 199d" \
	"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
	-- "${NNTP[@]}" -p "$P_NNTPS" --implicit-tls

# nnrpd built with TLS lists STARTTLS even without a certificate, then refuses it.
expect_check 'no certificate configured: CRITICAL, the 580 refusal named' 2 \
	"^TLS CRITICAL - news\\.test:$P_PLAIN nntp: STARTTLS refused: 580 Error initializing TLS" \
	"$PERF_FAILED" '@lines=1' '@max-secs=5' \
	-- "${NNTP[@]}" -p "$P_PLAIN"

expect_check 'NNTP over TLS port spoken to with STARTTLS, -t 2: CRITICAL at once' 2 \
	"^TLS CRITICAL - news\\.test:$P_NNTPS nntp: " "$PERF_FAILED" '@max-secs=5' \
	-- "${NNTP[@]}" -p "$P_NNTPS" -t 2

finish
