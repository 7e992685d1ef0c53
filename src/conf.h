/*
 * conf: a site file (libconfig) loaded into a validated struct site.  Every
 * error names file:line and what was expected; all errors of a file are
 * collected before the load fails; unknown keys are errors.
 */
#ifndef CERTREGEN_CONF_H
#define CERTREGEN_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "unit.h"
#include "window.h"

struct secret;

enum hostkey_policy {
	HOSTKEY_STRICT = 0, /* the key must be in known_hosts */
	HOSTKEY_ACCEPT_NEW, /* add unknown keys; a changed key is refused */
};

/* Federation flags: off, on, or read from the node's service activation. */
enum tristate { TRI_OFF = 0, TRI_ON = 1, TRI_AUTO = 2 };

struct site_node {
	char *name;  /* host name, as `show network cluster` prints it */
	char *host;  /* address or name to connect to */
	int port;    /* SSH port; 0 = the site's ssh.port */
};

struct site_timeout {
	char *service;  /* "Cisco Tomcat" */
	int seconds;
};

struct site_axl {
	int configured;       /* an axl group is present */
	char *url;            /* https://host:8443/axl/ */
	char *user;
	struct secret *password;
	char *password_file;  /* the source, for `config` */
	char *password_env;
	char *ca_file;        /* verify the server against this CA bundle */
	char *pin_sha256;     /* or pin its certificate: 64 hex digits */
	char *pin_file;       /* or pin the certificate in this PEM file
	                         (read when AXL is used) */
	char *version;        /* AXL schema version, "12.5" */
	int timeout;          /* seconds */
	char **groups;        /* Presence Redundancy Groups; NULL = all */
	size_t ngroups;
};

struct site {
	char *path;           /* the site file as given */
	char *dir;            /* its directory: base of relative paths */
	char *name;

	char *imp_publisher;  /* host of the IM/P publisher */
	char *cucm_publisher; /* host of the CUCM publisher (may be NULL) */
	struct site_node *nodes; /* static node list; NULL: discover */
	size_t nnodes;

	struct {
		int port;
		char *known_hosts;
		enum hostkey_policy policy;
		int connect_timeout;  /* seconds */
		int login_timeout;    /* seconds until the first admin: */
		int command_timeout;  /* seconds of silence within a command */
		int send_delay_ms;    /* between typed characters */
		int keepalive;        /* seconds, 0 = off */
		int parallel;         /* sessions opened at once */
		char *term;
		int cols, rows;
	} ssh;

	struct {
		char *user;
		struct secret *password;
		char *password_file;
		char *password_env;
		char *private_key;
		struct secret *passphrase;
		char *passphrase_file;
		int agent;
	} cred;

	unsigned units;       /* UNIT_BIT()s to handle */
	int force_units;      /* certificates was set explicitly */
	int tls_port[UNIT_COUNT]; /* per unit; 0 = not probed */

	struct {
		enum tristate sip;
		enum tristate xmpp;
	} federation;

	struct window *windows;
	size_t nwindows;      /* 0 = no window: mutating runs refused */
	char *timezone;       /* NULL = the host's */

	struct {
		int threshold_days;
		int random_delay; /* seconds, 0 = none */
	} renew;

	struct {
		int default_timeout;  /* seconds for a service to reach STARTED */
		int poll_interval;
		struct site_timeout *timeouts;
		size_t ntimeouts;
	} services;

	char *state_dir;
	char *log_dir;
	char *dialog_dir;     /* NULL = built-in expect/ directory */
	char *export_dir;

	struct {
		int syslog;
		char *facility;
		char *ident;
		char *file;
		char *level;
		int transcripts_keep;
	} log;

	struct {
		char *pre, *post, *deploy, *failure;
		int timeout;
	} hooks;

	struct site_axl axl;
};

/* One collected error. */
struct conf_error {
	char *file;
	int line;   /* 0 when not tied to a line */
	char *msg;
};

struct conf_errors {
	struct conf_error *v;
	size_t n;
};

/*
 * Load and validate a site file.  On success *out is set and 0 returned.
 * On failure ERR_CONFIG (or ERR_NOMEM) is returned and errs holds every
 * problem found; the caller prints them with conf_errors_print() and frees
 * them with conf_errors_clear().
 */
int conf_load(const char *path, struct site **out, struct conf_errors *errs);
/* The same for text in memory; name stands for the file in messages and is
 * the base of relative paths. */
int conf_load_mem(const char *name, const char *text, size_t len,
    struct site **out, struct conf_errors *errs);
void site_free(struct site *s);

void conf_errors_print(const struct conf_errors *errs, FILE *fp);
void conf_errors_clear(struct conf_errors *errs);

/* The effective configuration, one "key value" a line; secrets as ***. */
void conf_dump(const struct site *s, FILE *fp);

/* The restart time limit of a service (its own, or the default). */
int site_service_timeout(const struct site *s, const char *service);

/* Most bytes a site file may have. */
#define CONF_MAX_FILE (1024 * 1024)

#endif
