/*
 * axl: High Availability of Presence Redundancy Groups through AXL SOAP on
 * the CUCM publisher (getPresenceRedundancyGroup and
 * updatePresenceRedundancyGroup with haEnabled).  HTTPS with libcurl; the
 * server is verified against the site's CA file or its pinned SHA-256
 * certificate fingerprint before the credentials are sent; requests are
 * built and replies read with libxml2.
 */
#ifndef CERTREGEN_AXL_H
#define CERTREGEN_AXL_H

#include <stddef.h>

struct site_axl;

struct axl_group {
	char name[128];
	char server1[128];
	char server2[128];
	int ha_enabled;
};

/* Once per process (libcurl). */
int axl_global_init(void);
void axl_global_exit(void);

/*
 * 0, or with why: ERR_AXL (the server said the request was wrong: a SOAP
 * fault, its text in why, or HTTP 4xx), ERR_AUTH (401, 403), ERR_TLS (the
 * server's certificate refused), ERR_PARSE (a 200 reply that is not
 * AXL), or the transient ones (axl_transient()): ERR_CONNECT (refused),
 * ERR_TIMEOUT, ERR_HTTP (connection reset or closed, HTTP 5xx other than
 * a SOAP fault).
 */
int axl_get_group(const struct site_axl *a, const char *name,
    struct axl_group *out, char *why, size_t whysz);
int axl_set_ha(const struct site_axl *a, const char *name, int enabled,
    char *why, size_t whysz);

/* 1 for the errors after which the same request may succeed: worth
 * retrying; never a SOAP fault. */
int axl_transient(int err);

/* Pure: the reply of a get into out; of an update, just success.  For the
 * tests and the fuzzer. */
int axl_parse_get(const char *xml, size_t len, struct axl_group *out,
    char *why, size_t whysz);
int axl_parse_update(const char *xml, size_t len, char *why, size_t whysz);

/* The default group name of an IM/P cluster. */
#define AXL_DEFAULT_GROUP "DefaultCUPSubcluster"

#endif
