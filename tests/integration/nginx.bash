# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
# nginx.bash — private nginx instances (nginx-light) for h2.sh, sourced after
# lib.sh: one process (no master, no user switch), its pid file, logs and temp
# files under $TEST_DIR.

NGINX=/usr/sbin/nginx

# start_nginx NAME CERT [LISTEN FLAGS...]: nginx on a free loopback port with TLS
# at connect and certificate CERT ($TEST_DIR/CERT.pem and .key), answering every
# request with 200; LISTEN FLAGS are added to "listen PORT ssl" (http2).
start_nginx() {
	mkdir -p "$TEST_DIR/nginx-$1" || return 1
	start_on_free_port "nginx ($1)" launch_nginx "$@"
}

launch_nginx() {
	local port=$1 name=$2 cert=$3 dir=$TEST_DIR/nginx-$2
	shift 3
	new_server_log "nginx-$name"
	cat >"$dir/nginx.conf" <<CONF || return 1
daemon off;
master_process off;
pid $dir/nginx.pid;
error_log $dir/error.log info;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $dir/body;
	proxy_temp_path $dir/proxy;
	fastcgi_temp_path $dir/fastcgi;
	server {
		listen 127.0.0.1:$port ssl $*;
		ssl_certificate $TEST_DIR/$cert.pem;
		ssl_certificate_key $TEST_DIR/$cert.key;
		return 200 "ok\n";
	}
}
CONF
	# Its errors go to error.log; those that stop it from starting to stderr as
	# well, into SERVER_LOG.
	"$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" </dev/null >"$SERVER_LOG" 2>&1 &
}
