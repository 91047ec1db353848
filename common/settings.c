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

bool settings_requests_staple(const struct settings *s)
{
	return s->judge.ocsp != OCSP_MODE_IGNORE;
}
