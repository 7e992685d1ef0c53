/* sim-fault: matching, firing and reloading injected faults. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "sim-events.h"
#include "sim-fault.h"
#include "sim-util.h"

static int
fault_matches(const struct sim_fault *f, const struct sim_node *n, int kind,
    const char *line, int ncmd, const char *arg, int phase)
{
	if (f->kind != kind || f->count == 0)
		return 0;
	if (f->node[0] != '\0' && strcasecmp(f->node, n->name) != 0)
		return 0;
	if (f->has_rx && (line == NULL || regexec(&f->rx, line, 0, NULL, 0)))
		return 0;
	if (f->prefix[0] != '\0' && (line == NULL ||
	    strncasecmp(line, f->prefix, strlen(f->prefix)) != 0))
		return 0;
	if (f->at_cmd > 0 && ncmd != f->at_cmd)
		return 0;
	if (f->arg[0] != '\0' && (arg == NULL || !sim_words_eq(f->arg, arg)))
		return 0;
	if (kind == FAULT_DROP && f->after != phase)
		return 0;
	return 1;
}

int
fault_take(struct sim_cluster *cl, const struct sim_node *n, int kind,
    const char *line, int ncmd, const char *arg, int phase,
    struct sim_fault *out)
{
	struct sim_fault *f = NULL;
	json_t *o;
	size_t i;

	pthread_mutex_lock(&cl->lock);
	for (i = 0; i < cl->nfaults; i++)
		if (fault_matches(&cl->faults[i], n, kind, line, ncmd, arg,
		    phase)) {
			f = &cl->faults[i];
			break;
		}
	if (f == NULL) {
		pthread_mutex_unlock(&cl->lock);
		return 0;
	}
	if (f->count > 0)
		f->count--;
	*out = *f;
	out->has_rx = 0;
	pthread_mutex_unlock(&cl->lock);
	o = json_pack("{s:s,s:s}", "node", n->name, "kind",
	    sim_fault_kind_name(kind));
	if (line != NULL)
		json_object_set_new(o, "line", events_str(line));
	if (arg != NULL)
		json_object_set_new(o, "arg", events_str(arg));
	if (kind == FAULT_DROP || kind == FAULT_AXL)
		json_object_set_new(o, "when", json_string(out->after ?
		    "after" : "before"));
	if (kind == FAULT_AXL)
		json_object_set_new(o, "mode",
		    json_string(sim_axl_mode_name(out->mode)));
	if (kind == FAULT_HUGE_LINE)
		json_object_set_new(o, "bytes", json_integer(out->bytes));
	events_emit(cl, "fault", o);
	return 1;
}

int
fault_reload(struct sim_cluster *cl)
{
	struct sim_fault *v = NULL, *old;
	size_t n = 0, nold;
	char p[4300];
	int r = 0;

	if (sim_path(p, sizeof p, "%s/faults.conf", cl->statedir) != 0)
		return ERR_TOOBIG;
	if (sim_exists(p) && (r = sim_faults_load(p, &v, &n)) != 0) {
		events_emit(cl, "faults", json_pack("{s:s,s:s}", "source",
		    "faults.conf", "result", "error"));
		return r;
	}
	pthread_mutex_lock(&cl->lock);
	old = cl->faults;
	nold = cl->nfaults;
	cl->faults = v;
	cl->nfaults = n;
	pthread_mutex_unlock(&cl->lock);
	sim_faults_free(old, nold);
	events_emit(cl, "faults", json_pack("{s:s,s:s,s:i}", "source",
	    "faults.conf", "result", "ok", "count", (int)n));
	return 0;
}
