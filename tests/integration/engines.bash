# shellcheck shell=bash
# engines.bash — what the tests of the monitoring engines share (engines-*.sh):
# the real servers their checks probe, and the comparison of what an engine
# recorded with what the plugin prints for the same command line.
#
# Source it after lib.sh and pgsql.bash, and call it after lib_init.

# The hosts and services the engines check, all on 127.0.0.1:
#   tls.test   gnutls-serv, a certificate good for 200 days (OK) and one for 10 (WARNING),
#              and a port nobody listens on (CRITICAL, connection refused)
#   smtp.test  aiosmtpd with STARTTLS, the same two certificates
#   db.test    PostgreSQL with ssl=on, a certificate good for 200 days
# Sets TLS_GOOD TLS_EXPIRING TLS_REFUSED SMTP_GOOD SMTP_EXPIRING PGSQL_GOOD (ports),
# CA_FILE, and AT: every check is judged at this moment (--at), so that a second
# run of the plugin prints the same text as the one the engine ran.
engines_start_servers() {
	engines_start_tls_good
	{
		make_leaf tls-expiring ca tls.test tls.test '-1 day' '+10 days -1 hour' &&
			make_leaf smtp-good ca smtp.test smtp.test '-1 day' '+200 days -1 hour' &&
			make_leaf smtp-expiring ca smtp.test smtp.test '-1 day' '+10 days -1 hour' &&
			make_leaf db-good ca db.test db.test '-1 day' '+200 days -1 hour'
	} || bail_out 'cannot make the test certificates'
	start_gnutls_serv "$TEST_DIR/tls-expiring.pem" "$TEST_DIR/tls-expiring.key" \
		--disable-client-cert || bail_out 'gnutls-serv (10 days) did not start'
	TLS_EXPIRING=$SERVER_PORT
	TLS_REFUSED=$(free_port) || bail_out 'no free port'
	start_smtpd starttls "$TEST_DIR/smtp-good.pem" "$TEST_DIR/smtp-good.key" ||
		bail_out 'aiosmtpd did not start'
	SMTP_GOOD=$SERVER_PORT
	start_smtpd starttls "$TEST_DIR/smtp-expiring.pem" "$TEST_DIR/smtp-expiring.key" ||
		bail_out 'aiosmtpd (10 days) did not start'
	SMTP_EXPIRING=$SERVER_PORT
	start_postgres "$TEST_DIR/db-good.pem" "$TEST_DIR/db-good.key" ||
		bail_out 'PostgreSQL did not start'
	PGSQL_GOOD=$PG_PORT
}

# engines_start_tls_good: the first of them, the CA (TEST_DIR/ca.pem and .key,
# CA_FILE) and gnutls-serv with the certificate of tls.test good for 200 days
# (TLS_GOOD); sets AT.
engines_start_tls_good() {
	{
		make_ca ca &&
			make_leaf tls-good ca tls.test tls.test '-1 day' '+200 days -1 hour'
	} || bail_out 'cannot make the test certificates'
	CA_FILE=$TEST_DIR/ca.pem
	AT=@$(date +%s)
	start_gnutls_serv "$TEST_DIR/tls-good.pem" "$TEST_DIR/tls-good.key" --disable-client-cert ||
		bail_out 'gnutls-serv did not start'
	TLS_GOOD=$SERVER_PORT
}

# One line per service: NAME HOST ICINGA2_COMMAND NAGIOS_COMMAND PORT (the
# CheckCommand of contrib/icinga2, the command of contrib/nagios).
engine_services() {
	printf '%s\n' "tls-good tls.test tlscheck check_tls $TLS_GOOD" \
		"tls-expiring tls.test tlscheck check_tls $TLS_EXPIRING" \
		"tls-refused tls.test tlscheck check_tls $TLS_REFUSED" \
		"smtp-good smtp.test tlscheck-smtp check_tls_smtp $SMTP_GOOD" \
		"smtp-expiring smtp.test tlscheck-smtp check_tls_smtp $SMTP_EXPIRING" \
		"pgsql-good db.test tlscheck-pgsql check_tls_pgsql $PGSQL_GOOD"
}

# engine_command ENGINE SERVICE: the command of SERVICE in ENGINE's
# configuration (ENGINE: icinga2 or nagios).
engine_command() {
	engine_services | awk -v e="$1" -v s="$2" '$1 == s { print (e == "icinga2") ? $3 : $4 }'
}

# The servers engines_start_servers needs.
engines_require_servers() {
	require_server 'python3 (/usr/bin/python3)' test -x "$PYTHON"
	require_server 'certtool (gnutls-bin)' command -v certtool
	require_server gnutls-serv command -v gnutls-serv
	require_server 'aiosmtpd (python3-aiosmtpd)' "$PYTHON" -c 'import aiosmtpd'
	require_server 'PostgreSQL (postgresql)' pg_find_bin
	require_server 'runuser (util-linux)' command -v runuser
	require_server 'the engines and PostgreSQL as other users (the test must run as root)' \
		test "$(id -u)" -eq 0
}

# wait_until SECONDS PID COMMAND...: until COMMAND succeeds (0), PID exits (1) or
# SECONDS pass (1), polling every 0.2 s.
wait_until() {
	local limit=$1 pid=$2
	shift 2
	for _ in $(seq 1 $((limit * 5))); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# stop_engine PID: stop_pid, then KILL what is left of its process group (the
# engines are started with setsid, so PID leads one: workers, helpers, plugins).
stop_engine() {
	stop_pid "$1"
	kill -KILL -- "-$1" 2>/dev/null
	return 0
}

# expect_recorded DESC STATE OUTPUT PERFDATA STATE_WANTED PATTERN -- PLUGIN ARGS...:
# one TAP result. The engine recorded STATE, OUTPUT and PERFDATA for a check; it
# must be STATE_WANTED, the first line of OUTPUT must match PATTERN, and the
# plugin run again here with the same arguments must print exactly OUTPUT, then
# " | ", then PERFDATA. The only value that may differ is the run time (time=).
expect_recorded() {
	local desc=$1 state=$2 output=$3 perf=$4 want=$5 pattern=$6 problems=() p
	shift 7
	run_check "$@"
	local printed=${CHECK_OUT%% | *} printed_perf=
	[[ $CHECK_OUT == *' | '* ]] && printed_perf=${CHECK_OUT#* | }
	local time_re='time=[0-9.]+s'
	[ "$state" = "$want" ] || problems+=("the engine recorded state '$state', expected $want")
	[ "$CHECK_RC" = "$want" ] || problems+=("the plugin run here exited $CHECK_RC, expected $want")
	printf '%s\n' "$output" | head -n 1 | grep -Eq -e "$pattern" ||
		problems+=("the recorded output does not match '$pattern'")
	[ "$output" = "$printed" ] ||
		problems+=("the recorded output is not the text the plugin prints")
	[ -n "$perf" ] || problems+=("no perfdata recorded")
	[ "$(printf '%s' "$perf" | sed -E "s/$time_re/time=T/")" = \
		"$(printf '%s' "$printed_perf" | sed -E "s/$time_re/time=T/")" ] ||
		problems+=("the recorded perfdata is not the plugin's (apart from time=)")
	if [ ${#problems[@]} -eq 0 ]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	for p in "${problems[@]}"; do
		diag "  $p"
	done
	diag "recorded state:    $state"
	diag "recorded output:   $output"
	diag "recorded perfdata: $perf"
	diag "command: $CHECK_CMD"
	diag "exit code: $CHECK_RC"
	diag "printed: $CHECK_OUT"
	[ -z "$CHECK_ERR" ] || diag "stderr: $CHECK_ERR"
	return 1
}

# engines_expect_all ENGINE PREFIX: a result for every service of
# engine_services, by the function `recorded SERVICE DESC STATE PATTERN --
# PLUGIN ARGS...` of the test, which reads what the engine recorded. PREFIX
# goes before the command's name (in ENGINE's configuration) in the descriptions.
engines_expect_all() {
	local common=(-C "$CA_FILE" --at "$AT") tls smtp pgsql
	tls=$2$(engine_command "$1" tls-good)
	smtp=$2$(engine_command "$1" smtp-good)
	pgsql=$2$(engine_command "$1" pgsql-good)
	recorded tls-good "$tls, good certificate: OK, as the plugin printed it" 0 \
		"^TLS OK - tls\\.test:$TLS_GOOD tls: certificate 'CN=tls\\.test' expires in 199d" \
		-- "$CHECK_TLS" -H tls.test -I 127.0.0.1 -p "$TLS_GOOD" "${common[@]}"
	recorded tls-expiring "$tls, 10 days left: WARNING, as the plugin printed it" 1 \
		"^TLS WARNING - tls\\.test:$TLS_EXPIRING tls: certificate 'CN=tls\\.test' expires in 9d" \
		-- "$CHECK_TLS" -H tls.test -I 127.0.0.1 -p "$TLS_EXPIRING" "${common[@]}"
	recorded tls-refused "$tls, connection refused: CRITICAL, as the plugin printed it" 2 \
		"^TLS CRITICAL - tls\\.test:$TLS_REFUSED tls: .*refused" \
		-- "$CHECK_TLS" -H tls.test -I 127.0.0.1 -p "$TLS_REFUSED" "${common[@]}"
	recorded smtp-good "$smtp, good certificate: OK, as the plugin printed it" 0 \
		"^TLS OK - smtp\\.test:$SMTP_GOOD smtp: certificate 'CN=smtp\\.test' expires in 199d" \
		-- "$CHECK_TLS_SMTP" -H smtp.test -I 127.0.0.1 -p "$SMTP_GOOD" "${common[@]}"
	recorded smtp-expiring "$smtp, 10 days left: WARNING, as the plugin printed it" 1 \
		"^TLS WARNING - smtp\\.test:$SMTP_EXPIRING smtp: certificate 'CN=smtp\\.test' expires in 9d" \
		-- "$CHECK_TLS_SMTP" -H smtp.test -I 127.0.0.1 -p "$SMTP_EXPIRING" "${common[@]}"
	recorded pgsql-good "$pgsql, good certificate: OK, as the plugin printed it" 0 \
		"^TLS OK - db\\.test:$PGSQL_GOOD pgsql: certificate 'CN=db\\.test' expires in 199d" \
		-- "$CHECK_TLS_PGSQL" -H db.test -I 127.0.0.1 -p "$PGSQL_GOOD" "${common[@]}"
}

# ---------------------------------------------------------------- Nagios 4
# A private daemon: its configuration, state and spool are in the test's
# directory, it runs as the user running the test, and it is stopped by PID.

# nagios_prepare PLUGIN_DIR: the daemon's directories under $TEST_DIR/nagios
# (N), and $N/etc/nagios.cfg reading contrib/nagios/commands.cfg and
# $N/etc/objects.cfg (the test writes it), with $USER1$ = PLUGIN_DIR.
nagios_prepare() {
	N=$TEST_DIR/nagios
	mkdir -p "$N"/{etc,var,rw,run,tmp,spool/checkresults}
	cat >"$N/etc/nagios.cfg" <<CONF
log_file=$N/var/nagios.log
cfg_file=$TLSCHECK_SRCDIR/contrib/nagios/commands.cfg
cfg_file=$N/etc/objects.cfg
resource_file=$N/etc/resource.cfg
object_cache_file=$N/var/objects.cache
precached_object_file=$N/var/objects.precache
status_file=$N/var/status.dat
status_update_interval=1
nagios_user=$(id -un)
nagios_group=$(id -gn)
check_external_commands=0
command_file=$N/rw/nagios.cmd
query_socket=$N/rw/nagios.qh
lock_file=$N/run/nagios.pid
temp_file=$N/var/nagios.tmp
temp_path=$N/tmp
check_result_path=$N/spool/checkresults
log_archive_path=$N/var
debug_file=$N/var/nagios.debug
state_retention_file=$N/var/retention.dat
retain_state_information=0
use_syslog=0
check_for_updates=0
interval_length=1
service_inter_check_delay_method=n
max_service_check_spread=1
check_result_reaper_frequency=1
service_check_timeout=20
service_check_timeout_state=u
CONF
	printf '$USER1$=%s\n' "$1" >"$N/etc/resource.cfg"
}

# nagios_quiet_objects: a contact that is never notified, for every object.
nagios_quiet_objects() {
	printf 'define command {\n\tcommand_name\tnoop\n\tcommand_line\t/bin/true\n}\n'
	printf 'define contact {\n\tcontact_name\tnobody\n'
	printf '\thost_notifications_enabled\t0\n\tservice_notifications_enabled\t0\n'
	printf '\thost_notification_commands\tnoop\n\tservice_notification_commands\tnoop\n}\n'
}

# nagios_discovery_base: what tlscheck-discover --emit=nagios output stands on,
# as an operator has it: the stock templates generic-service (checked every
# second here, unless a service says otherwise) and generic-host (which, as
# Debian's, sets no max_check_attempts), and Debian's localhost.
nagios_discovery_base() {
	printf 'define service {\n\tname\tgeneric-service\n\tregister\t0\n'
	printf '\tmax_check_attempts\t1\n\tcheck_interval\t1\n\tretry_interval\t1\n'
	printf '\tcontacts\tnobody\n}\n'
	printf 'define host {\n\tname\tgeneric-host\n\tregister\t0\n\tcontacts\tnobody\n}\n'
	printf 'define host {\n\tuse\tgeneric-host\n\thost_name\tlocalhost\n\talias\tlocalhost\n'
	printf '\taddress\t127.0.0.1\n\tmax_check_attempts\t10\n}\n'
}

# nagios_start: the daemon in its own process group (NAGIOS_PID), stopped at exit.
nagios_start() {
	setsid nagios4 "$N/etc/nagios.cfg" >"$N/var/stdout.log" 2>&1 &
	NAGIOS_PID=$!
	at_exit stop_engine "$NAGIOS_PID"
}

# status_of SERVICE: the servicestatus block of SERVICE in status.dat.
status_of() {
	awk -v s="$1" '/^servicestatus \{/ { b = 1; buf = "" }
		b { buf = buf $0 "\n" }
		b && /^\t}/ { b = 0; if (buf ~ "\n\tservice_description=" s "\n") printf "%s", buf }' \
		"$N/var/status.dat" 2>/dev/null
}

# ---------------------------------------------------------------- Icinga 2
# A private daemon: every path it uses is in the test's directory (-D
# constants), it runs as the user running the test, and it is stopped by PID.

# icinga2_prepare [DIR [-DNAME=VALUE...]]: the daemon's directories under DIR
# (default $TEST_DIR/icinga2), now the current daemon's (I), and the -D
# constants that keep it there (ICINGA2_DEFS), followed by the ones given. The
# test writes $I/etc/icinga2.conf. ZonesDir does not follow ConfigDir: without
# it the daemon would read /etc/icinga2/zones.d.
icinga2_prepare() {
	I=${1:-$TEST_DIR/icinga2}
	[ $# -eq 0 ] || shift
	mkdir -p "$I"/{etc/zones.d,lib,log,cache,spool/perfdata,spool/tmp,run}
	ICINGA2_DEFS=(-DConfigDir="$I/etc" -DZonesDir="$I/etc/zones.d" -DDataDir="$I/lib"
		-DLogDir="$I/log" -DCacheDir="$I/cache" -DSpoolDir="$I/spool"
		-DInitRunDir="$I/run" -DRunAsUser="$(id -un)" -DRunAsGroup="$(id -gn)" "$@")
}

# icinga2_features: the configuration of the checker, and of a PerfdataWriter
# whose files (rotated every second) record_of reads the results back from.
icinga2_features() {
	cat <<CONF
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
	service_perfdata_path = "$I/spool/perfdata/service-perfdata"
	service_temp_path = "$I/spool/tmp/service-perfdata"
	host_perfdata_path = "$I/spool/perfdata/host-perfdata"
	host_temp_path = "$I/spool/tmp/host-perfdata"
	rotation_interval = 1s
	service_format_template = "SERVICE::\$service.name\$\tSTATE_ID::\$service.state_id\$\tPERFDATA::\$service.perfdata\$\tOUTPUT::\$service.output\$"
}
CONF
}

# icinga2_validate DESC: one TAP result, icinga2 daemon -C on $I/etc/icinga2.conf.
icinga2_validate() {
	if icinga2 daemon -C -c "$I/etc/icinga2.conf" "${ICINGA2_DEFS[@]}" \
		>"$I/log/validate.log" 2>&1; then
		ok "$1"
		return 0
	fi
	not_ok "$1"
	diag_file "$I/log/validate.log"
	return 1
}

# icinga2_start: the current daemon in its own process group (ICINGA2_PID),
# stopped at exit unless icinga2_stop stopped it before. Its output goes to
# $I/log/stdout.log (after that of an earlier start).
icinga2_start() {
	setsid icinga2 daemon -c "$I/etc/icinga2.conf" "${ICINGA2_DEFS[@]}" \
		>>"$I/log/stdout.log" 2>&1 &
	ICINGA2_PID=$!
	echo "$ICINGA2_PID" >"$I/started.pid"
	at_exit icinga2_stop "$I"
}

# icinga2_stop DIR: stop the daemon icinga2_start started in DIR, if it runs.
# The umbrella process is sent TERM (its worker ignores a TERM from elsewhere),
# then what is left of its group is killed.
icinga2_stop() {
	local pid
	[ -f "$1/started.pid" ] || return 0
	read -r pid <"$1/started.pid"
	rm -f "$1/started.pid"
	stop_engine "$pid"
}

# The first record of SERVICE in the rotated perfdata files (one line: the
# plugins print one line without -v). Records run up to the next SERVICE:: line.
record_of() {
	cat "$I"/spool/perfdata/service-perfdata.* 2>/dev/null |
		awk -v s="SERVICE::$1" '/^SERVICE::/ { n = (index($0, s "\t") == 1) ? n + 1 : (n ? 99 : 0) } n == 1'
}

all_recorded() {
	local s
	for s in "$@"; do
		[ -n "$(record_of "$s")" ] || return 1
	done
}

# icinga2_wait SECONDS DESC SERVICE...: one TAP result, a record of every SERVICE
# within SECONDS.
icinga2_wait() {
	local limit=$1 desc=$2
	shift 2
	if wait_until "$limit" "$ICINGA2_PID" all_recorded "$@"; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag_file "$I/log/stdout.log"
	return 1
}

# field RECORD NAME: the value of NAME:: in the record's first line.
field() {
	printf '%s\n' "$1" | head -n 1 | tr '\t' '\n' | sed -n "s/^$2:://p"
}

# recorded SERVICE DESC STATE PATTERN -- PLUGIN ARGS...: expect_recorded on what
# the daemon recorded for SERVICE.
recorded() {
	local service=$1 desc=$2 want=$3 pattern=$4 rec output
	shift 4
	rec=$(record_of "$service")
	output=$(printf '%s\n' "$rec" | sed '1s/^.*\tOUTPUT:://')
	# Icinga keeps the space that stood before the '|'.
	output=${output% }
	expect_recorded "$desc" "$(field "$rec" STATE_ID)" "$output" "$(field "$rec" PERFDATA)" \
		"$want" "$pattern" "$@"
}

# ------------------------------------------------------- Icinga 2 zones
# Several private daemons on one machine, each an Endpoint with its own
# ApiListener on 127.0.0.1, in the zones master and agent (parent master), and a
# global zone global-templates.

# icinga2_include_dir DIR [FILE]: an IncludeConfDir (-DIncludeConfDir=DIR) that
# is the installed Icinga Template Library with FILE where a package puts it,
# plugins-contrib.d/, so that include <plugins-contrib> loads it; without FILE,
# the library without it (whatever this machine has installed).
icinga2_include_dir() {
	local dir=$1 itl=/usr/share/icinga2/include entry
	mkdir -p "$dir/plugins-contrib.d" || return 1
	for entry in "$itl"/*; do
		[ "${entry##*/}" = plugins-contrib.d ] || ln -s "$entry" "$dir/" || return 1
	done
	for entry in "$itl"/plugins-contrib.d/*; do
		[ "${entry##*/}" = tlscheck.conf ] || ln -s "$entry" "$dir/plugins-contrib.d/" || return 1
	done
	[ $# -lt 2 ] || cp "$2" "$dir/plugins-contrib.d/tlscheck.conf"
}

# icinga2_node_cert NAME CA: the certificate of the endpoint NAME (CN and DNS
# name NAME, for TLS server and client: nodes dial each other) signed by CA, in
# TEST_DIR/icinga2-NAME.pem and .key.
icinga2_node_cert() {
	make_key "icinga2-$1" &&
		cert_template "$TEST_DIR/icinga2-$1.tmpl" "$1" '-1 day' '+30 days' \
			tls_www_server tls_www_client signing_key "dns_name = \"$1\"" &&
		sign_cert "icinga2-$1" "$2"
}

# icinga2_install_cert NAME CA: the current daemon's certificates, as its
# ApiListener reads them: certs/NAME.crt, NAME.key and ca.crt in its DataDir.
icinga2_install_cert() {
	mkdir -p "$I/lib/certs" &&
		cp "$TEST_DIR/icinga2-$1.pem" "$I/lib/certs/$1.crt" &&
		cp "$TEST_DIR/icinga2-$1.key" "$I/lib/certs/$1.key" &&
		cp "$TEST_DIR/$2.pem" "$I/lib/certs/ca.crt"
}

# icinga2_zones MASTER_PORT: the zones.conf of both nodes. The agent dials the
# master; the master does not dial (its Endpoint "agent" has no host).
icinga2_zones() {
	cat <<CONF
object Endpoint "master" {
	host = "127.0.0.1"
	port = $1
}
object Endpoint "agent" { }
object Zone "master" { endpoints = [ "master" ] }
object Zone "agent" {
	endpoints = [ "agent" ]
	parent = "master"
}
object Zone "global-templates" { global = true }
CONF
}

# icinga2_api_result PORT USER:PASSWORD HOST!SERVICE: the service's
# last_check_result, read from the master's REST API on 127.0.0.1:PORT (its
# certificate verified against CA_FILE), as one line of tab-separated fields:
# exit_status, check_source, the command's first word, the command's length,
# when it ran (execution_start, whole seconds since the epoch) and the output
# (a newline in it as \n); the perfdata, one value a line, follow. Nothing, and
# 1, when there is no result yet.
icinga2_api_result() {
	curl -sS --max-time 5 --cacert "$CA_FILE" --resolve "master:$1:127.0.0.1" \
		-u "$2" "https://master:$1/v1/objects/services/$3?attrs=last_check_result" 2>/dev/null |
		"$PYTHON" -c 'import json, sys
try:
    r = json.load(sys.stdin)["results"][0]["attrs"]["last_check_result"]
except (ValueError, LookupError, TypeError):
    sys.exit(1)
if not r:
    sys.exit(1)
cmd = r.get("command") or []
if isinstance(cmd, str):
    cmd = [cmd]
print("%d\t%s\t%s\t%d\t%d\t%s" % (r["exit_status"], r["check_source"], cmd[0] if cmd else "",
    len(cmd), r["execution_start"], r["output"].replace("\n", "\\n")))
for p in r.get("performance_data") or []:
    print(p)'
}
