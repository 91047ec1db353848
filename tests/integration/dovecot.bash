# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# dovecot.bash — a private dovecot for imap.sh, pop3.sh, sieve.sh and lmtp.sh,
# sourced after lib.sh. Each instance lives in TEST_DIR/NAME: its own
# configuration (nothing read from /etc/dovecot), base and state directories and
# instance name, one inet listener a free port on 127.0.0.1, logging to
# SERVER_LOG, stopped at exit. The passdb and userdb are an empty passwd-file:
# nobody logs in, but without them the login processes greet with "* BYE Auth
# process broken".

DOVECOT=/usr/sbin/dovecot
DOVECOT_LIBEXEC=/usr/lib/dovecot

# The port of each listener of the instance started last, by listener name.
declare -A DOVECOT_PORT

# require_dovecot LABEL PROGRAM: dovecot, its login user, and the PROGRAM of the
# service under test (imap-login, pop3-login, managesieve-login, lmtp).
require_dovecot() {
	require_server 'dovecot (dovecot-core)' test -x "$DOVECOT"
	require_server 'the user dovenull (dovecot-core)' id dovenull
	require_server "$1" test -x "$DOVECOT_LIBEXEC/$2"
}

# The protocol a service serves, for the protocols setting.
dovecot_protocol() {
	case $1 in
	imap-login) echo imap ;;
	pop3-login) echo pop3 ;;
	managesieve-login) echo sieve ;;
	lmtp) echo lmtp ;;
	esac
}

# dovecot_conf DIR CERT KEY LISTENER...: DIR/dovecot.conf, with a free port for
# each LISTENER, written SERVICE/NAME (STARTTLS when TLS is on) or SERVICE/NAME/ssl
# (TLS at connect). CERT empty: ssl = no.
dovecot_conf() {
	local dir=$1 cert=$2 key=$3 listener service name tls protocols=()
	shift 3
	{
		printf 'base_dir = %s/run\nstate_dir = %s/state\n' "$dir" "$dir"
		printf 'instance_name = tlscheck-%s-%s\n' "${dir##*/}" "$$"
		printf 'log_path = /dev/stderr\nlisten = 127.0.0.1\n'
		printf 'default_login_user = dovenull\n'
		: >"$dir/users"
		printf 'passdb {\n  driver = passwd-file\n  args = %s/users\n}\n' "$dir"
		printf 'userdb {\n  driver = passwd-file\n  args = %s/users\n}\n' "$dir"
		if [ -n "$cert" ]; then
			printf 'ssl = yes\nssl_cert = <%s\nssl_key = <%s\n' "$cert" "$key"
		else
			printf 'ssl = no\n'
		fi
		for listener in "$@"; do
			IFS=/ read -r service name tls <<<"$listener"
			DOVECOT_PORT[$name]=$(free_port) || return 1
			protocols+=("$(dovecot_protocol "$service")")
			printf 'service %s {\n  inet_listener %s {\n    port = %s\n' \
				"$service" "$name" "${DOVECOT_PORT[$name]}"
			[ "$tls" = ssl ] && printf '    ssl = yes\n'
			printf '  }\n}\n'
		done
		printf 'protocols = %s\n' "$(printf '%s\n' "${protocols[@]}" | sort -u | xargs)"
	} >"$dir/dovecot.conf"
}

# start_dovecot NAME CERT KEY LISTENER...: a private dovecot in TEST_DIR/NAME
# (see dovecot_conf); its ports in DOVECOT_PORT. Retries on a port clash.
start_dovecot() {
	local name=$1 dir=$TEST_DIR/$1 attempt rc first
	shift
	IFS=/ read -r _ first _ <<<"$3"
	mkdir -p "$dir/run" "$dir/state" || return 1
	for attempt in 1 2 3 4 5; do
		dovecot_conf "$dir" "$@" || return 1
		new_server_log "dovecot-$name"
		"$DOVECOT" -F -c "$dir/dovecot.conf" </dev/null >"$SERVER_LOG" 2>&1 &
		# The master holds every listener: once one answers, all do.
		server_started "${DOVECOT_PORT[$first]}" $! "dovecot $name"
		rc=$?
		[ "$rc" -eq 2 ] || return "$rc"
	done
	return 1
}

# make_mail_certificates: TEST_DIR/ca.pem, and ok.pem and ok.key for mail.test,
# 200 days left.
make_mail_certificates() {
	{
		make_ca ca &&
			make_leaf ok ca mail.test mail.test '-1 day' '+200 days -1 hour'
	} || bail_out 'cannot make the test certificates'
}

DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC'

# expect_mail_checks DIALOGUE PROTOCOL PORT PLAIN_PORT REFUSAL -- CMD...: what
# every protocol dovecot serves passes, run as CMD (a plugin and its protocol's
# options) against 127.0.0.1 with ok.pem served and ca.pem trusted: DIALOGUE
# ("STARTTLS") on PORT is OK, a name the certificate does not carry is CRITICAL,
# and PLAIN_PORT, a dovecot with ssl = no, is CRITICAL with REFUSAL said at once.
expect_mail_checks() {
	local dialogue=$1 proto=$2 port=$3 plain=$4 refusal=$5
	shift 6
	expect_check "$dialogue, fine certificate: OK" 0 \
		"^TLS OK - 127\\.0\\.0\\.1:$port $proto: certificate 'CN=mail\\.test' expires in 199d 2[23]h \\($DATE_RE\\)" \
		'chain trusted by ca\.pem' \
		"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" '@lines=1' \
		-- "$@" -H 127.0.0.1 -p "$port" -S mail.test -C ca.pem
	expect_check "$dialogue, a name the certificate does not carry: CRITICAL" 2 \
		"^TLS CRITICAL - 127\\.0\\.0\\.1:$port $proto: certificate 'CN=mail\\.test' does not match 'other\\.test'" \
		"\\| days_left=199\\.9[0-9];14:;7:;0; $PERF_TAIL" \
		-- "$@" -H 127.0.0.1 -p "$port" -S mail.test -N other.test -C ca.pem
	expect_check "dovecot without TLS: CRITICAL, $refusal" 2 \
		"^TLS CRITICAL - 127\\.0\\.0\\.1:$plain $proto: $refusal" \
		"$PERF_FAILED" '@lines=1' '@max-secs=5' \
		-- "$@" -H 127.0.0.1 -p "$plain" -S mail.test -C ca.pem
}
