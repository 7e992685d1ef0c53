/*
 * plan-json: a plan to JSON (for --json, the journal and the report) and
 * back (to resume a journaled run against freshly discovered nodes).
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "facts.h"
#include "output.h"
#include "plan.h"
#include "plan-json.h"
#include "unit.h"

json_t *
plan_step_json(const struct facts *f, const struct plan_step *s)
{
	json_t *j = json_object();

	json_object_set_new(j, "kind", json_string(plan_kind_name(s->kind)));
	json_object_set_new(j, "key", output_jstr(s->key));
	if (s->node >= 0 && (size_t)s->node < f->n)
		json_object_set_new(j, "node", output_jstr(f->nodes[s->node].name));
	if (s->unit >= 0)
		json_object_set_new(j, "unit", json_string(unit_name(s->unit)));
	if (s->service[0])
		json_object_set_new(j, "service", output_jstr(s->service));
	if (s->trust_unit[0])
		json_object_set_new(j, "trust_unit", output_jstr(s->trust_unit));
	if (s->file[0])
		json_object_set_new(j, "file", output_jstr(s->file));
	if (s->kind == STEP_HA_OFF || s->kind == STEP_HA_ON)
		json_object_set_new(j, "group", output_jstr(s->group));
	if (s->units)
		json_object_set_new(j, "units", json_integer(s->units));
	json_object_set_new(j, "mutating", json_boolean(s->mutating));
	json_object_set_new(j, "why", output_jstr(s->why));
	return j;
}

json_t *
plan_json(const struct facts *f, const struct plan *p)
{
	json_t *o = json_object(), *steps = json_array(), *skips = json_array();
	size_t i;

	for (i = 0; i < p->n; i++)
		json_array_append_new(steps, plan_step_json(f, &p->steps[i]));
	for (i = 0; i < p->nskips; i++) {
		const struct plan_skip *k = &p->skips[i];
		json_t *j = json_object();

		if (k->node >= 0 && (size_t)k->node < f->n)
			json_object_set_new(j, "node",
			    output_jstr(f->nodes[k->node].name));
		if (k->unit >= 0)
			json_object_set_new(j, "unit", json_string(unit_name(k->unit)));
		json_object_set_new(j, "reason", output_jstr(k->reason));
		json_array_append_new(skips, j);
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "skipped", skips);
	return o;
}

static int
plan_kind_from_name(const char *s)
{
	int k;

	for (k = STEP_BACKUP; k <= STEP_EXPORT; k++)
		if (strcmp(plan_kind_name((enum step_kind)k), s) == 0)
			return k;
	return -1;
}

static void
plan_copy(char *dst, size_t n, json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	snprintf(dst, n, "%s", v ? v : "");
}

int
plan_from_json(const struct facts *f, json_t *steps, struct plan *out,
    char *why, size_t whysz)
{
	size_t i, n;

	memset(out, 0, sizeof *out);
	if (!json_is_array(steps)) {
		snprintf(why, whysz, "the journal holds no plan");
		return ERR_JOURNAL;
	}
	n = json_array_size(steps);
	if (n > 0 && (out->steps = calloc(n, sizeof *out->steps)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		json_t *j = json_array_get(steps, i);
		struct plan_step *s = &out->steps[out->n];
		const char *kind = json_string_value(json_object_get(j, "kind"));
		const char *node = json_string_value(json_object_get(j, "node"));
		const char *unit = json_string_value(json_object_get(j, "unit"));
		int k;

		if (kind == NULL || (k = plan_kind_from_name(kind)) < 0) {
			snprintf(why, whysz, "journal plan step %zu: bad kind", i);
			plan_clear(out);
			return ERR_JOURNAL;
		}
		s->kind = (enum step_kind)k;
		s->node = -1;
		s->unit = -1;
		if (node != NULL && (s->node = facts_node_index(f, node)) < 0) {
			snprintf(why, whysz, "the interrupted run used node %s, "
			    "which the cluster no longer lists", node);
			plan_clear(out);
			return ERR_JOURNAL;
		}
		if (unit != NULL && (s->unit = unit_from_name(unit)) < 0) {
			snprintf(why, whysz, "journal plan step %zu: bad unit", i);
			plan_clear(out);
			return ERR_JOURNAL;
		}
		plan_copy(s->key, sizeof s->key, j, "key");
		plan_copy(s->service, sizeof s->service, j, "service");
		plan_copy(s->trust_unit, sizeof s->trust_unit, j, "trust_unit");
		plan_copy(s->file, sizeof s->file, j, "file");
		plan_copy(s->group, sizeof s->group, j, "group");
		plan_copy(s->why, sizeof s->why, j, "why");
		s->units = (unsigned)json_integer_value(json_object_get(j, "units"));
		s->mutating = json_is_true(json_object_get(j, "mutating"));
		if (s->kind == STEP_REGEN)
			out->units |= UNIT_BIT(s->unit);
		if (s->kind == STEP_HA_OFF)
			out->ha_touched = 1;
		out->n++;
	}
	return 0;
}

void
plan_print(const struct facts *f, const struct plan *p, FILE *fp)
{
	char line[600];
	size_t i;

	if (p->n == 0)
		fprintf(fp, "Nothing to do.\n");
	for (i = 0; i < p->n; i++) {
		plan_step_text(f, &p->steps[i], line, sizeof line);
		fprintf(fp, "%3zu. ", i + 1);
		output_field(fp, line, 60);
		fprintf(fp, " # ");
		output_field(fp, p->steps[i].why, 0);
		fprintf(fp, "\n");
	}
	if (p->nskips > 0)
		fprintf(fp, "\nSkipped:\n");
	for (i = 0; i < p->nskips; i++) {
		const struct plan_skip *k = &p->skips[i];

		fprintf(fp, "  %s%s%s: ", k->node >= 0 ? f->nodes[k->node].name :
		    "cluster", k->unit >= 0 ? " " : "", k->unit >= 0 ?
		    unit_name(k->unit) : "");
		output_field(fp, k->reason, 0);
		fprintf(fp, "\n");
	}
}
