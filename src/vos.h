/*
 * vos: the VOS platform CLI as an API.  A session is one node's PTY shell
 * (ssh) driven by the expect engine; each function is one dialog (expect/)
 * plus one pure parser (parse-*.c) of its captured output.  Functions
 * return 0 or an ERR_*, with a message naming the node and the step in the
 * session's last error (vos_error()).
 */
#ifndef CERTREGEN_VOS_H
#define CERTREGEN_VOS_H

#include <stddef.h>

#include "parse.h"

struct buf;
struct cert_info;
struct dialog_set;
struct site;
struct transcript;

struct vos_target {
	const char *name;   /* node name, for messages */
	const char *host;
	int port;
};

struct vos_session;

/*
 * Log in to a node and get the CLI ready: SSH (host key, auth, PTY), the
 * login dialog (banner, prompt), pagination off.  transcript_dir (may be
 * NULL) receives NODE.log, redacted.  On failure *out is NULL and why says
 * what went wrong where.
 */
int vos_open(const struct site *site, const struct dialog_set *dialogs,
    const struct vos_target *t, const char *transcript_dir,
    struct vos_session **out, char *why, size_t whysz);
/* Type exit and close; NULL is a no-op. */
void vos_close(struct vos_session *s);

/* The last error message of the session ("" if none). */
const char *vos_error(const struct vos_session *s);
const char *vos_node(const struct vos_session *s);
/* Call the session by the node's name from now on (messages, transcript
 * file NAME.log in the same directory): for a publisher opened by its
 * address before discovery named it. */
void vos_rename(struct vos_session *s, const char *name);
/* A dialog ended out of step with the CLI (timeout, EOF, unexpected
 * output): close the session and open a new one. */
int vos_broken(const struct vos_session *s);
const char *vos_auth_method(const struct vos_session *s);

/* One command line through the generic "command" dialog (certregen cli). */
int vos_command(struct vos_session *s, const char *line, struct buf *out);
/* The same, streamed: the output goes to cb in pieces as it comes (at
 * most 256 KiB held), so it may be of any size; cb returns 0, or non-zero
 * to stop (ERR_BUFFER_FULL, or ERR_IO if it stopped at the very end). */
typedef int (*vos_sink_cb)(void *arg, const char *p, size_t n);
int vos_command_stream(struct vos_session *s, const char *line,
    vos_sink_cb cb, void *arg);

int vos_cluster(struct vos_session *s, struct vos_node **nodes, size_t *n);
int vos_version(struct vos_session *s, char *version, size_t vsz, int *major);
/* trust: a line whose names certregen cannot use is skipped, not an error;
 * the skipped lines are a warning at a node's first trust listing of the
 * run (the process), at debug level at its later ones. */
int vos_cert_list(struct vos_session *s, int trust,
    struct vos_cert_entry **v, size_t *n);
int vos_cert_show(struct vos_session *s, int trust, const char *unit,
    const char *file, struct cert_info *ci, char **pem);
int vos_cert_regen(struct vos_session *s, const char *unit);
int vos_cert_delete(struct vos_session *s, const char *unit, const char *file);
int vos_service_list(struct vos_session *s, struct vos_service **v, size_t *n);
/* action: "restart", "stop" or "start"; *last: the last state printed. */
int vos_service_action(struct vos_session *s, const char *action,
    const char *service, enum vos_svc_state *last);
int vos_ha_status(struct vos_session *s, struct vos_ha *ha);
int vos_sso_status(struct vos_session *s, int *enabled);

#endif
