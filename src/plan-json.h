/* plan-json: plans to and from JSON (journal, report, --json). */
#ifndef CERTREGEN_PLAN_JSON_H
#define CERTREGEN_PLAN_JSON_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

struct facts;
struct plan;
struct plan_step;

json_t *plan_step_json(const struct facts *f, const struct plan_step *s);
/* {"steps": [...], "skipped": [...]} */
json_t *plan_json(const struct facts *f, const struct plan *p);
/* Steps (as plan_json wrote them) back into a plan whose node indexes are
 * those of f; ERR_JOURNAL with why if a node is gone. */
int plan_from_json(const struct facts *f, json_t *steps, struct plan *out,
    char *why, size_t whysz);

/* The plan for people: numbered steps with reasons, then the skips. */
void plan_print(const struct facts *f, const struct plan *p, FILE *fp);

#endif
