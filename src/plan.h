/*
 * plan: a pure function from the facts and a request to the ordered list of
 * steps of the procedure (DESIGN.md): regenerate on the IM/P publisher first
 * then each subscriber; HA off; restarts only after every node holds the new
 * certificate, merged (one XCP Router restart for cup-xmpp and
 * cup-xmpp-s2s), publisher first; HA back on; verify; export.  CA-signed
 * units are skipped with a reason.  The same for pruning expired trust.
 */
#ifndef CERTREGEN_PLAN_H
#define CERTREGEN_PLAN_H

#include <stddef.h>
#include <time.h>

#include "facts.h"

enum step_kind {
	STEP_BACKUP = 0,  /* save the old certificate (PEM) */
	STEP_REGEN,       /* set cert regen UNIT */
	STEP_HA_OFF,      /* AXL: haEnabled false on a group */
	STEP_STOP,        /* utils service stop */
	STEP_DELETE,      /* set cert delete UNIT-trust FILE */
	STEP_RESTART,     /* utils service restart, then wait for STARTED */
	STEP_START,       /* utils service start, then wait for STARTED */
	STEP_HA_ON,       /* AXL: haEnabled true again */
	STEP_VERIFY,      /* read-only checks of the result */
	STEP_EXPORT,      /* write the new tomcat / cup-xmpp PEMs */
};

struct plan_step {
	enum step_kind kind;
	int node;              /* index into facts->nodes; -1 for HA/verify */
	int unit;              /* enum unit_id for BACKUP/REGEN, else -1 */
	char service[96];      /* STOP/RESTART/START */
	char trust_unit[64];   /* DELETE */
	char file[256];        /* DELETE */
	char group[96];        /* HA_OFF/HA_ON */
	unsigned units;        /* UNIT_BIT()s a restart serves */
	char key[400];         /* stable id for the journal */
	char why[160];         /* for people */
	int mutating;          /* changes the cluster */
};

struct plan_skip {
	int node;
	int unit;              /* -1: the whole node */
	char reason[200];
};

struct plan {
	struct plan_step *steps;
	size_t n;
	struct plan_skip *skips;
	size_t nskips;
	unsigned units;        /* units that will be regenerated somewhere */
	int ha_touched;        /* the plan turns HA off and on */
};

struct plan_request {
	unsigned units;            /* UNIT_BIT()s asked for */
	const char *const *nodes;  /* limit to these node names; NULL: all */
	size_t nnodes;
	int force_ca_signed;       /* regenerate CA-signed ones too */
	/* HA groups that are enabled now (names), from AXL or ha status;
	 * NULL/0 with ha_enabled set means one unnamed group. */
	const char *const *ha_groups;
	size_t nha_groups;
};

/* 0 or ERR_NOMEM / ERR_INVAL (with why: e.g. no IM/P publisher). */
int plan_regen(const struct facts *f, const struct plan_request *rq,
    struct plan *out, char *why, size_t whysz);

/* Expired trust certificates (from their PEM) on every node, at time now. */
int plan_prune(const struct facts *f, const struct plan_request *rq,
    time_t now, struct plan *out, char *why, size_t whysz);

void plan_clear(struct plan *p);

/*
 * Which steps of a journaled plan a run carries out (docs/journal.md,
 * "Resuming"): done[i] says step i ended ok earlier; run[i] is set to 1 for
 * each step to carry out.  A step not done runs.  A done step runs again
 * only when it is a bracket that has work left to protect: ha-off and ha-on
 * while a restart, stop, start or delete is not done; a stop while a delete
 * is not done (the monitors must be quiet while trust certificates go); a
 * start whose stop runs again.  Returns how many steps run.  Pure.
 */
size_t plan_resume(const struct plan *p, const unsigned char *done,
    unsigned char *run);

/* The step that undoes step i for the safe path (the start of the same
 * service on the same node after a stop, the ha-on of the same group
 * after an ha-off), or -1. */
int plan_undo(const struct plan *p, size_t i);

const char *plan_kind_name(enum step_kind k);

/* A line for people: "regen tomcat on IMPPUB". */
void plan_step_text(const struct facts *f, const struct plan_step *s,
    char *dst, size_t dstsz);

/* The services a unit's new certificate needs restarted, in order, with
 * where they run; exposed for tests and verification. */
struct plan_service {
	const char *name;
	unsigned units;      /* the units that need it */
	int where;           /* PLAN_ON_IMP, PLAN_ON_DRF_MASTER */
	int needs_fed;       /* 0, PLAN_FED_SIP, PLAN_FED_XMPP */
};
#define PLAN_ON_IMP 1
#define PLAN_ON_DRF_MASTER 2
#define PLAN_FED_SIP 1
#define PLAN_FED_XMPP 2
extern const struct plan_service plan_services[];
extern const size_t plan_nservices;

#endif
