#include <config.h>

#include <string.h>

#include "dns.h"
#include "file.h"
#include "plan.h"

static void name_view(struct plan_name *n, bool verify)
{
	n->name = (struct target_name){
	        .host = n->ascii,
	        .sni = n->ascii,
	        .verify = verify ? n->ascii : NULL,
	        .verify_display = verify ? n->display : NULL,
	        .display = n->display,
	};
}

/* Add a name of a list (-S, --sni-file, the MX hosts): sent and verified as
 * itself. A name given twice is probed once. Returns 0, or -1 past the bound. */
static int add_name(struct plan *p, const char *ascii, const char *display, bool verify,
                    struct fault *f)
{
	struct plan_name *n;

	for (size_t i = 0; i < p->name_count; i++) {
		if (strcmp(p->names[i].ascii, ascii) == 0)
			return 0;
	}
	if (p->name_count == PLAN_MAX_TARGETS) {
		fault_set(f, FAULT_USAGE, "more than %d names: at most %d probes a run",
		          PLAN_MAX_TARGETS, PLAN_MAX_TARGETS);
		return -1;
	}
	n = &p->names[p->name_count++];
	snprintf(n->ascii, sizeof(n->ascii), "%s", ascii);
	snprintf(n->display, sizeof(n->display), "%s", display);
	name_view(n, verify);
	return 0;
}

/* HOST as the operator gave it, with what -S, -N and --no-sni made of it. */
static void add_host_name(struct plan *p, const struct settings *settings)
{
	struct plan_name *n = &p->names[p->name_count++];

	n->name = (struct target_name){
	        .host = settings->probe.host_ascii,
	        .sni = settings->probe.sni[0] ? settings->probe.sni : NULL,
	        .verify = settings->probe.verify_name[0] ? settings->probe.verify_name : NULL,
	        .verify_display = settings->probe.verify_name_display,
	        .display = settings->probe.host,
	};
}

static bool listed_names(const struct settings *settings)
{
	return settings->probe.name_count > 0 || settings->probe.name_file != NULL;
}

void plan_init(struct plan *p, const struct settings *settings)
{
	struct fault ignored; /* SETTINGS_MAX_NAMES is within the bound */

	memset(p, 0, sizeof(*p));
	p->verify_listed = settings->probe.verify_name_display != NULL;
	if (!listed_names(settings)) {
		add_host_name(p, settings);
		return;
	}
	for (size_t i = 0; i < settings->probe.name_count; i++)
		add_name(p, settings->probe.names[i].ascii, settings->probe.names[i].display,
		         p->verify_listed, &ignored);
}

static int add_file_name(struct plan *p, const char *text, bool verify, const char *path,
                         unsigned line, struct fault *f)
{
	char ascii[HOSTNAME_MAX];

	if (hostname_is_ip_literal(text)) {
		fault_set(f, FAULT_USAGE,
		          "SNI file '%s' line %u: '%.100s' is an address, not a name", path, line,
		          text);
		return -1;
	}
	if (hostname_to_ascii(text, ascii, sizeof(ascii), f) < 0) {
		fault_set(f, FAULT_USAGE, "SNI file '%s' line %u: '%.100s' is not a host name",
		          path, line, text);
		return -1;
	}
	return add_name(p, ascii, text, verify, f);
}

/* What a line of --sni-file is added to. */
struct name_file {
	struct plan *plan;
	const char *path;
};

static int add_listed_name(char *line, unsigned number, void *arg, struct fault *f)
{
	struct name_file *nf = arg;

	return add_file_name(nf->plan, line, nf->plan->verify_listed, nf->path, number, f);
}

int plan_read_name_file(struct plan *p, const char *path, struct fault *f)
{
	struct name_file nf = {p, path};

	if (file_read_lines(path, "SNI file", PLAN_NAME_FILE_MAX, add_listed_name, &nf, f) < 0)
		return -1;
	if (p->name_count == 0) {
		fault_set(f, FAULT_USAGE, "SNI file '%s' holds no name", path);
		return -1;
	}
	return 0;
}

static bool planned(const struct plan *p, size_t name, const char *connect_to)
{
	for (size_t i = 0; i < p->count; i++) {
		if (p->entries[i].name == name && strcmp(p->entries[i].connect_to, connect_to) == 0)
			return true;
	}
	return false;
}

/* Add NAME at CONNECT_TO, once: an address given twice is probed once. */
static int add_entry(struct plan *p, size_t name, const char *connect_to, struct fault *f)
{
	struct plan_entry *e;

	if (planned(p, name, connect_to))
		return 0;
	if (p->count == PLAN_MAX_TARGETS) {
		fault_set(f, FAULT_USAGE,
		          "more than %d probes (names x addresses): at most %d a run",
		          PLAN_MAX_TARGETS, PLAN_MAX_TARGETS);
		return -1;
	}
	e = &p->entries[p->count++];
	memset(e, 0, sizeof(*e));
	e->name = name;
	snprintf(e->connect_to, sizeof(e->connect_to), "%s", connect_to);
	return 0;
}

/* Where NAME is probed without -I: an MX host at its own addresses; any other
 * name at HOST's, as a virtual host of HOST's listener. */
static const char *connect_name(const struct plan *p, size_t name, const struct settings *settings)
{
	return p->mail_domain ? p->names[name].name.host : settings->probe.host_ascii;
}

/* Look HOST up into P's lookup now, unless it holds HOST already. Returns 0,
 * or -1 with a FAULT_USAGE when HOST has more addresses than a run may probe;
 * a failed lookup is kept, a finding of the names probed there. */
static int look_up(struct plan *p, const char *host, const struct settings *settings,
                   const struct deadline *dl, struct fault *f)
{
	struct plan_lookup *l = &p->lookup;

	if (l->host != NULL && strcmp(l->host, host) == 0)
		return 0;
	l->host = host;
	l->failed = net_resolve(host, settings->probe.port, settings->probe.family, dl, &l->found,
	                        &l->why) < 0;
	if (!l->failed && l->found.truncated) {
		fault_set(f, FAULT_USAGE,
		          "'%s' has more than %d addresses: at most %d probes a run", host,
		          NET_MAX_ADDRESSES, PLAN_MAX_TARGETS);
		return -1;
	}
	return 0;
}

/* NAME at the host of the lookup: at each of its addresses (-A), or at the
 * host, its addresses tried in turn; a failed lookup is that name's finding. */
static int add_found(struct plan *p, size_t name, bool each_address, struct fault *f)
{
	const struct plan_lookup *l = &p->lookup;

	struct plan_entry *e;

	if (l->failed || !each_address) {
		if (add_entry(p, name, l->host, f) < 0)
			return -1;
		e = &p->entries[p->count - 1];
		if (l->failed) {
			e->failure = l->why;
			e->failed = true;
		} else {
			e->addresses = &l->found;
		}
		return 0;
	}
	for (size_t i = 0; i < l->found.count; i++) {
		if (add_entry(p, name, l->found.items[i].text, f) < 0)
			return -1;
	}
	p->addresses_vary = p->addresses_vary || l->found.count > 1;
	return 0;
}

static int add_addresses(struct plan *p, size_t name, const struct settings *settings,
                         const struct deadline *dl, struct fault *f)
{
	const char *where = connect_name(p, name, settings);

	if (settings->probe.address_count > 0) {
		for (size_t i = 0; i < settings->probe.address_count; i++) {
			if (add_entry(p, name, settings->probe.addresses[i], f) < 0)
				return -1;
		}
		p->addresses_vary = p->addresses_vary || settings->probe.address_count > 1;
		return 0;
	}
	/* Several names on HOST's listener are probed at the same addresses:
	 * HOST is looked up once for all of them. */
	if (settings->probe.all_addresses || (p->name_count > 1 && !p->mail_domain)) {
		if (look_up(p, where, settings, dl, f) < 0)
			return -1;
		return add_found(p, name, settings->probe.all_addresses, f);
	}
	return add_entry(p, name, where, f);
}

/* --mx: the names become the domain's MX hosts. A failed lookup leaves HOST as
 * the one name, its target failed with why. */
static int use_mx_hosts(struct plan *p, const struct settings *settings, const struct deadline *dl,
                        struct fault *f)
{
	struct dns_mx_list mx;
	struct fault why;

	if (dns_lookup_mx(settings->probe.host_ascii, &settings->probe.dns, dl, &mx, &why) < 0) {
		if (add_entry(p, 0, settings->probe.host_ascii, f) < 0)
			return -1;
		p->entries[0].failure = why;
		p->entries[0].failed = true;
		return 1;
	}
	if (mx.null_mx && mx.count == 0) {
		fault_set(f, FAULT_USAGE,
		          "mail domain '%s' publishes a null MX: it accepts no mail",
		          settings->probe.host);
		return -1;
	}
	p->name_count = 0;
	p->mail_domain = true;
	for (size_t i = 0; i < mx.count; i++) {
		if (add_name(p, mx.items[i].host, mx.items[i].host,
		             settings->probe.verify_name[0] != '\0', f) < 0)
			return -1;
	}
	return 0;
}

int plan_build(struct plan *p, const struct settings *settings, const struct deadline *dl,
               struct fault *f)
{
	int rc;

	p->count = 0;
	p->lookup.host = NULL;
	if (settings->probe.profile.mail_domain) {
		rc = use_mx_hosts(p, settings, dl, f);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
	for (size_t i = 0; i < p->name_count; i++) {
		if (add_addresses(p, i, settings, dl, f) < 0)
			return -1;
	}
	p->names_vary = p->name_count > 1;
	return 0;
}
