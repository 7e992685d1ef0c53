/*
 * sim-cluster: the simulated cluster as data.  sim_cluster_load() reads the
 * cluster file (libconfig, docs/simulator.md) into these structures; the
 * other modules keep the mutable parts (certificates, trust stores, service
 * states, HA) here too, under the one cluster lock.
 */
#ifndef VOS_SIM_CLUSTER_H
#define VOS_SIM_CLUSTER_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_NAME 64
#define SIM_MAX_UNITS 12
#define SIM_MAX_SVCS 40
#define SIM_MAX_NODES 256   /* a loopback /24; 5 listeners each */

enum sim_product { SIM_CUCM, SIM_IMP };

/* Allowed authentication methods (bits). */
#define SIM_AUTH_PASSWORD 0x01
#define SIM_AUTH_KBDINT 0x02
#define SIM_AUTH_PUBKEY 0x04

enum sim_svc_state {
	SVC_STARTED,
	SVC_STOPPED,
	SVC_STARTING,
	SVC_STOPPING,
	SVC_NOTACTIVATED
};

/* The listeners a node may have. */
enum sim_port {
	PORT_TOMCAT,
	PORT_CUP,
	PORT_XMPP,
	PORT_S2S,
	PORT_COUNT
};

struct sim_svc {
	char name[SIM_NAME];
	int platform;       /* listed as "Name [STATE]" */
	int state;          /* enum sim_svc_state */
	char reason[48];    /* trailing text when stopped */
	int stop_ms;        /* scaled delays */
	int start_ms;
	int ha_taint;       /* stopped while HA was on: the next start sticks */
	int64_t settle_at;  /* monotonic ms when STARTING becomes STARTED on
	                     * its own (cli.start_settle); 0 none */
};

/* An identity certificate unit of a node. */
struct sim_unit {
	char name[32];      /* "tomcat", "cup-xmpp-ECDSA", "CallManager" */
	int ec;             /* ECDSA key */
	int ca_signed;      /* wanted at first start / current state */
	int validity_days;  /* validity of its first certificate */
	int regen_days;     /* of a regenerated one (0: 1826, VOS's 5 years) */
	X509 *cert;         /* what the node stores (show cert own) */
	EVP_PKEY *key;
	X509 *served;       /* what its service presents */
	EVP_PKEY *served_key;
	X509 *staged;       /* cup-xmpp-s2s: loaded by the XCP Router */
	EVP_PKEY *staged_key;
};

struct sim_trust {
	char unit[40];      /* "tomcat-trust" */
	char file[200];     /* "CUCMPUB_6f1a.pem" */
	X509 *cert;
};

/* CLI and PTY behaviour of a node. */
struct sim_cli_opts {
	int prompt_after_newline;
	int drop_fast_ms;   /* drop input characters closer than this (real ms) */
	int rows;           /* forced PTY rows (0: the client's) */
	int ansi;           /* decorate output with escapes and lone CRs */
	int pager;          /* pagination on at login */
	int regen_confirm;  /* ask (yes|no)? before a regen */
	int exec_hang;      /* an exec request hangs after the banner */
	char hardware[16];  /* "vmware", "spaces", "warning", "none" */
	char cert_dump[8];  /* "java" or "openssl" */
	char ha_form[4];    /* "A", "B" or "" (by version) */
	double start_settle;    /* simulated s; > 0: start returns at
	                         * [STARTING], STARTED comes later */
};

struct sim_node {
	char name[SIM_NAME];
	char fqdn[128];
	char ip[16];
	int ssh_port;
	int ports[PORT_COUNT];  /* 0: no listener */
	int product;            /* enum sim_product */
	int cucm_pub;           /* CUCM role publisher */
	int db_pub;             /* DB role publisher */
	char version[32];
	int major;
	char user[SIM_NAME];
	char *password;
	int methods;            /* SIM_AUTH_* */
	char *authorized_keys;  /* path or NULL */
	struct sim_cli_opts cli;
	char ca_units[256];     /* unit names, space-separated, from the file */
	struct sim_unit units[SIM_MAX_UNITS];
	size_t nunits;
	struct sim_trust *trust;
	size_t ntrust;
	struct sim_svc svcs[SIM_MAX_SVCS];
	size_t nsvcs;
	int group;              /* index in cluster groups, -1 none */
	char dir[4096];         /* STATE/nodes/NAME */
	void *ssh;              /* sim-ssh's per-node data */
};

struct sim_group {
	char name[SIM_NAME];
	int nodes[2];
	int nnodes;
	int ha;
	char uuid[40];
};

struct sim_expired {
	char nodes[512];    /* "*" or node names, space-separated */
	char unit[40];
	char cn[SIM_NAME];
	int serial_in_name;
	int days_ago;
};

enum sim_fault_kind {
	FAULT_DROP,         /* drop the connection at a command */
	FAULT_SLOW,         /* delay each output line */
	FAULT_STALL,        /* stop output for a while */
	FAULT_REGEN_FAIL,
	FAULT_SVC_FAIL,     /* the service does not start */
	FAULT_SVC_HANG,     /* never reaches STARTED */
	FAULT_HOSTKEY,      /* a different host key */
	FAULT_AUTH_REJECT,
	FAULT_ANSI,
	FAULT_TINY_PTY,
	FAULT_DROP_INPUT,
	FAULT_HUGE_LINE,    /* a huge line without newline before the output */
	FAULT_NUL,          /* a NUL byte inside each output line */
	FAULT_AXL,          /* an AXL request fails (mode) */
	FAULT_KIND_COUNT
};

struct sim_fault {
	int kind;
	char node[SIM_NAME];    /* "" or "*": every node */
	int has_rx;
	regex_t rx;             /* on the command line */
	char prefix[128];       /* on the command line */
	int at_cmd;             /* the Nth command of a session, 0 any */
	int after;              /* drop: after the command ran */
	int count;              /* times left; -1 unlimited */
	int ms;                 /* slow, stall, drop-input */
	int lines;              /* stall after this many lines */
	int rows;               /* tiny-pty */
	char arg[SIM_NAME];     /* unit or service */
	int bytes;              /* huge-line */
	int mode;               /* axl: enum sim_axl_mode */
};

/* What an axl fault does to the request. */
enum sim_axl_mode {
	AXL_MODE_HTTP500,   /* HTTP 500 with an HTML page, no SOAP */
	AXL_MODE_SOAP,      /* HTTP 500 with a SOAP fault (axlcode -1) */
	AXL_MODE_RESET,     /* the TCP connection is reset, no reply */
	AXL_MODE_SLOW,      /* the reply comes ms later */
	AXL_MODE_COUNT
};
const char *sim_axl_mode_name(int mode);

struct sim_events;

struct sim_cluster {
	char name[SIM_NAME];
	char file[4096];
	char statedir[4096];
	double time_factor;
	int rsa_bits;
	char host_key_type[16];
	int fed_sip, fed_xmpp, sso;
	char axl_user[SIM_NAME];
	char *axl_password;
	char ca_name[SIM_NAME];
	char org[SIM_NAME], ou[SIM_NAME], locality[SIM_NAME], st[SIM_NAME];
	char country[4];
	int cli_start_ms, regen_ms;
	struct sim_node *nodes;
	size_t nnodes;
	struct sim_group *groups;
	size_t ngroups;
	struct sim_expired *expired;
	size_t nexpired;
	struct sim_fault *faults;
	size_t nfaults;
	X509 *ca;
	EVP_PKEY *ca_key;
	int restarted;          /* the state directory was used before */
	struct sim_events *events;  /* STATE/events.jsonl (sim-events) */
	void *tls;              /* sim-tls's SSL_CTX */
	pthread_mutex_t lock;   /* guards every mutable field */
};

/* Load and check a cluster file; 0, or ERR_CONFIG after printing every
 * problem as FILE:LINE: message on stderr (cl is then freed: nothing to
 * release). */
int sim_cluster_load(struct sim_cluster *cl, const char *path);
void sim_cluster_free(struct sim_cluster *cl);

/* Parse a "faults = ( ... );" list from a file (the cluster file or
 * STATE/faults.conf) into a new array; the caller swaps it in. */
int sim_faults_load(const char *path, struct sim_fault **out, size_t *n);
void sim_faults_free(struct sim_fault *f, size_t n);
const char *sim_fault_kind_name(int kind);

struct sim_node *sim_cluster_node(struct sim_cluster *cl, const char *name);
struct sim_unit *sim_node_unit(struct sim_node *n, const char *name);
struct sim_svc *sim_node_svc(struct sim_node *n, const char *name);
const char *sim_svc_state_name(int state);
const char *sim_port_name(int port);

/* Scale seconds of simulated time to real milliseconds. */
int sim_scale(const struct sim_cluster *cl, double seconds);

#endif
