#include <config.h>

#include <string.h>
#include <sys/socket.h>

#include "settings.h"

void settings_defaults(struct settings *s)
{
	memset(s, 0, sizeof(*s));
	s->probe.family = AF_UNSPEC;
	s->judge.now = time(NULL);
	s->judge.warning.amount = 14 * 86400.0;
	s->judge.critical.amount = 7 * 86400.0;
	s->judge.timeout_state = STATE_CRITICAL;
	s->judge.verify_trust = true;
	s->judge.ocsp = OCSP_MODE_CHECK;
	s->timeout = 10;
	s->output = REPORT_NAGIOS;
}

void settings_for_protocol(struct settings *s, const struct tls_protocol *p, unsigned port)
{
	settings_defaults(s);
	s->probe.protocol = p;
	protocol_profile(p, &s->probe.protocol_args, &s->probe.profile);
	s->probe.port = port != 0 ? port : s->probe.profile.port;
}

int settings_set_host(struct settings *s, const char *host, struct fault *f)
{
	struct settings_probe *p = &s->probe;

	if (hostname_to_ascii(host, p->host_ascii, sizeof(p->host_ascii), f) < 0)
		return -1;
	p->host = host;
	p->sni[0] = '\0';
	p->sni_display = NULL;
	if (!hostname_is_ip_literal(p->host_ascii)) {
		strcpy(p->sni, p->host_ascii);
		p->sni_display = host;
	}
	strcpy(p->verify_name, p->host_ascii);
	p->verify_name_display = host;
	return 0;
}

int settings_set_perfdata_thresholds(struct settings *s, const char *value, struct fault *f)
{
	if (strcmp(value, "range") == 0)
		s->perfdata_thresholds = REPORT_THRESHOLDS_RANGE;
	else if (strcmp(value, "plain") == 0)
		s->perfdata_thresholds = REPORT_THRESHOLDS_PLAIN;
	else {
		fault_set(f, FAULT_USAGE, "invalid --perfdata-thresholds '%s' (range or plain)",
		          value);
		return -1;
	}
	return 0;
}

/* The N-th protocol of --alpn, LEN bytes at NAME, into OUT. Printable ASCII
 * only: it is printed back in findings, and typed in engine configuration. */
static int take_alpn_name(const char *name, size_t len, size_t n, char *out, struct fault *f)
{
	if (len == 0) {
		fault_set(f, FAULT_USAGE, "--alpn: protocol %zu is empty (PROTO[,PROTO...])", n);
		return -1;
	}
	if (len >= SETTINGS_ALPN_SIZE) {
		fault_set(f, FAULT_USAGE, "--alpn: protocol %zu is %zu bytes long, at most %d", n,
		          len, SETTINGS_ALPN_SIZE - 1);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (name[i] < ' ' || name[i] > '~') {
			fault_set(f, FAULT_USAGE, "--alpn: protocol %zu is not printable ASCII", n);
			return -1;
		}
	}
	memcpy(out, name, len);
	out[len] = '\0';
	return 0;
}

int settings_set_alpn(struct settings_probe *s, const char *list, struct fault *f)
{
	struct settings_alpn alpn = {.count = 0};
	const char *at = list;

	for (;;) {
		size_t len = strcspn(at, ",");

		if (alpn.count == SETTINGS_MAX_ALPN) {
			fault_set(f, FAULT_USAGE, "--alpn takes at most %d protocols",
			          SETTINGS_MAX_ALPN);
			return -1;
		}
		if (take_alpn_name(at, len, alpn.count + 1, alpn.names[alpn.count], f) < 0)
			return -1;
		alpn.count++;
		if (at[len] == '\0')
			break;
		at += len + 1;
	}
	s->alpn = alpn;
	return 0;
}

size_t settings_alpn_offered(const struct settings_probe *s, bool tls_on_connect,
                             const char **names)
{
	if (s->alpn.count == 0) {
		names[0] = s->profile.alpn;
		return tls_on_connect && s->profile.alpn != NULL ? 1 : 0;
	}
	for (size_t i = 0; i < s->alpn.count; i++)
		names[i] = s->alpn.names[i];
	return s->alpn.count;
}

bool settings_requests_staple(const struct settings *s)
{
	return s->judge.ocsp != OCSP_MODE_IGNORE;
}
