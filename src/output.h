/*
 * output: shared formatting of facts for people (escaped table fields) and
 * machines (jansson objects).
 */
#ifndef CERTREGEN_OUTPUT_H
#define CERTREGEN_OUTPUT_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "facts.h"

/* Print s escaped, padded to width (plus a space). */
void output_field(FILE *fp, const char *s, int width);
const char *output_product(enum vos_product p);
/* "IM/P publisher", "CUCM subscriber", ... */
const char *output_role(const struct fact_node *n);
/* ISO-8601 UTC */
void output_time(time_t t, char *dst, size_t n);

/* A JSON string; text that is not valid UTF-8 is escaped first. */
json_t *output_jstr(const char *s);
json_t *output_node_json(const struct fact_node *n);
json_t *output_cert_json(const struct cert_info *ci, time_t now);
/* Write pretty JSON and a newline, then free v; 0 or ERR_IO. */
int output_json(json_t *v, FILE *fp);

#endif
