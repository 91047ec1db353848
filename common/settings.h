/* settings — what one run probes and how it judges what it finds: the one input
 * of plan, target, probe, check and the rules.
 *
 * The command line (cli) fills a settings value; tlscheck-discover builds one
 * for each protocol it tries (settings_for_protocol()). Nothing that reads
 * settings knows where they came from, so the engine never sees argv.
 *
 * Every pointer is borrowed (argv's strings, as a rule): a settings value owns
 * nothing and is valid as long as what it points at.
 */
#ifndef TLSCHECK_COMMON_SETTINGS_H
#define TLSCHECK_COMMON_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "credentials.h"
#include "dns.h"
#include "fault.h"
#include "hostname.h"
#include "ocsp.h"
#include "protocol.h"
#include "report.h"
#include "state.h"
#include "threshold.h"
#include "trust.h"

/* --fingerprint pins one run holds. */
#define SETTINGS_MAX_PINS 8
/* A SHA-256 fingerprint as lowercase hex, NUL-terminated. */
#define SETTINGS_PIN_SIZE 65
/* -I addresses and -S names one run may give: the bound of a run's targets
 * (DESIGN: at most 64 probes per run). */
#define SETTINGS_MAX_ADDRESSES 64
#define SETTINGS_MAX_NAMES     64
/* --alpn: the protocols one run may offer, each at most 255 bytes (RFC 7301). */
#define SETTINGS_MAX_ALPN  8
#define SETTINGS_ALPN_SIZE 256

/* A name to send and verify, converted. */
struct settings_name {
	char ascii[HOSTNAME_MAX]; /* A-labels, lowercase */
	const char *display;      /* as given */
};

/* The ALPN protocols --alpn offers, in the order given (the server picks). */
struct settings_alpn {
	char names[SETTINGS_MAX_ALPN][SETTINGS_ALPN_SIZE];
	size_t count; /* 0: --alpn not given */
};

/* What to probe: the protocol, where, and the names sent and verified there. */
struct settings_probe {
	const struct tls_protocol *protocol;
	struct protocol_args protocol_args; /* the protocol's own options */
	struct protocol_profile profile;    /* ports and ALPN, as the options make them */
	unsigned port;
	int family;        /* AF_UNSPEC, AF_INET, AF_INET6 */
	bool implicit_tls; /* start TLS at connect, whatever the port */
	/* --no-service-check (or its protocol's alias): the protocol's after()
	 * request is not sent */
	bool skip_service_check;
	/* --alpn: offered in every ClientHello, at connect or after the
	 * protocol's upgrade, in place of the profile's own (which is offered
	 * only when TLS starts at connect) */
	struct settings_alpn alpn;
	/* --dns-server: the name server every DNS question goes to (--mx, DANE);
	 * not given: those of /etc/resolv.conf */
	struct dns_resolver dns;

	const char *host;              /* as given */
	char host_ascii[HOSTNAME_MAX]; /* A-labels, lowercase */
	/* IPs without brackets, or ASCII names, to connect to instead of HOST */
	char addresses[SETTINGS_MAX_ADDRESSES][HOSTNAME_MAX];
	size_t address_count;
	bool all_addresses;                             /* every address of HOST */
	const char *sni_display;                        /* SNI as given; NULL = none */
	char sni[HOSTNAME_MAX];                         /* ASCII; empty = none (or several names) */
	struct settings_name names[SETTINGS_MAX_NAMES]; /* several names, each a target at HOST */
	size_t name_count;                              /* 0 unless several names were given */
	const char *name_file;                          /* more names, one a line; NULL: none */
	const char *verify_name_display;                /* name as given; NULL = not verified */
	char verify_name[HOSTNAME_MAX];                 /* ASCII; empty = do not verify */
};

/* --dane: judge the served chain against the TLSA records of its name. */
enum settings_dane {
	SETTINGS_DANE_OFF = 0,
	SETTINGS_DANE_REQUIRE,    /* no records, or an unsigned answer, is CRITICAL */
	SETTINGS_DANE_IF_PRESENT, /* judged when signed records are published */
};

/* How to judge: what the rules read (through facts.judge) and the files that
 * hold what the served chain is held against. */
struct settings_judge {
	time_t now; /* --at, else the clock at start */
	struct threshold_time warning;
	struct threshold_time critical;
	enum plugin_state timeout_state; /* the STATE of -t */
	bool verify_trust;
	struct trust_store store;
	enum ocsp_mode ocsp;
	bool allow_sha1;                 /* SHA-1 signatures pass */
	bool allow_weak_rsa;             /* RSA under 2048 bits passes */
	bool allow_mixed;                /* the addresses of a name may serve different leaves */
	const char *cert_file;           /* the certificate that should be served; NULL: none */
	struct credentials_files client; /* ours, for mutual TLS */
	char pins[SETTINGS_MAX_PINS][SETTINGS_PIN_SIZE]; /* SHA-256 of the leaf, lowercase hex */
	size_t pin_count;
	int min_tls; /* 10 to 13 for TLS 1.0 to 1.3; 0: none */
	enum settings_dane dane;
	char dane_name[HOSTNAME_MAX]; /* --dane-name, ASCII; empty: the name checked */
	bool dane_unmatched_warning;  /* --dane-unmatched=warning */
};

struct settings {
	struct settings_probe probe;
	struct settings_judge judge;
	double timeout; /* seconds for the whole run */
	enum report_format output;
	enum report_thresholds perfdata_thresholds; /* ranges ("14:") unless plain */
	int verbosity;                              /* how many -v (enum report_verbosity) */
};

/* A judged option, declared by the rule that reads it (verdict_options()) the
 * way a protocol declares its own: --NAME or --NAME=VALUE, its help, and the
 * field of the judging settings it sets. The command line lists, offers and
 * parses these without naming any. */
struct settings_option {
	const char *name;       /* "ocsp": the long option, without dashes */
	const char *value_name; /* "MODE" for --ocsp=MODE; NULL for a flag */
	/* For --help, without the option; a line after the first starts at the
	 * help column. */
	const char *help;
	/* Set what VALUE (NULL for a flag) says in J. Returns 0, or -1 with
	 * FAULT_USAGE naming the option and what it takes. */
	int (*set)(struct settings_judge *j, const char *value, struct fault *f);
	/* Each value counts, and is set as it is given (as each -C is). Else the
	 * last one given counts, set once the protocol is chosen, with the
	 * thresholds (as -w is): --help still helps past a bad one. */
	bool repeatable;
	/* The value may be left out (--dane, --dane=if-present): SET then gets
	 * NULL. */
	bool optional_value;
};

/* Fill S with the defaults: no protocol, no host, any family, trust judged, the
 * OCSP staple asked for and judged when stapled, -w 14d -c 7d, -t 10:critical,
 * now the clock's, nagios output. */
void settings_defaults(struct settings *s);

/* The defaults, to probe P on PORT (0: P's default port) with P's own options
 * unset. No host yet: see settings_set_host(). */
void settings_for_protocol(struct settings *s, const struct tls_protocol *p, unsigned port);

/* Make HOST (a name, U-labels allowed, or an IP literal; kept, not copied) the
 * one name of S: sent with SNI unless an address, and verified. Returns 0, or
 * -1 with FAULT_USAGE when HOST is no host name. */
int settings_set_host(struct settings *s, const char *host, struct fault *f);

/* --perfdata-thresholds=VALUE: "range" (the default, "14:") or "plain" ("14").
 * Returns 0, or -1 with FAULT_USAGE naming what it takes. */
int settings_set_perfdata_thresholds(struct settings *s, const char *value, struct fault *f);

/* --alpn=LIST: "h2" or "h2,http/1.1", 1 to SETTINGS_MAX_ALPN protocols, each
 * 1 to 255 bytes of printable ASCII other than ','. Replaces what S offered
 * before. Returns 0, or -1 with FAULT_USAGE saying what is wrong. */
int settings_set_alpn(struct settings_probe *s, const char *list, struct fault *f);

/* The ALPN protocols the ClientHello offers, into NAMES (SETTINGS_MAX_ALPN
 * pointers into S): --alpn's, else the profile's own when TLS starts at
 * connect (TLS_ON_CONNECT), else none. Returns how many. */
size_t settings_alpn_offered(const struct settings_probe *s, bool tls_on_connect,
                             const char **names);

/* Is an OCSP staple asked for (and kept)? Not when it is not judged. */
bool settings_requests_staple(const struct settings *s);

#endif
