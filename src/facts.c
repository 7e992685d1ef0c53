/* facts: ordering and lookup over an inventory. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "facts.h"

/* 0 IM/P publisher, 1 IM/P subscriber, 2 CUCM publisher, 3 CUCM subscriber,
 * 4 unknown. */
static int
facts_rank(const struct fact_node *n)
{
	if (n->product == PRODUCT_IMP)
		return n->imp_publisher ? 0 : 1;
	if (n->product == PRODUCT_CUCM)
		return n->cucm_publisher ? 2 : 3;
	return 4;
}

static int
facts_cmp(const void *a, const void *b)
{
	const struct fact_node *x = a, *y = b;
	int d = facts_rank(x) - facts_rank(y);

	return d ? d : strcasecmp(x->name, y->name);
}

void
facts_sort(struct facts *f)
{
	if (f->n > 1)
		qsort(f->nodes, f->n, sizeof *f->nodes, facts_cmp);
}

void
facts_units_clear(struct fact_node *n)
{
	int u;

	for (u = 0; u < UNIT_COUNT; u++)
		free(n->units[u].pem);
	memset(n->units, 0, sizeof n->units);
}

void
facts_clear(struct facts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		facts_units_clear(&f->nodes[i]);
		free(f->nodes[i].services);
		free(f->nodes[i].trust);
		vos_ha_clear(&f->nodes[i].ha);
	}
	free(f->nodes);
	vos_ha_clear(&f->ha);
	memset(f, 0, sizeof *f);
}

int
facts_node_index(const struct facts *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcasecmp(f->nodes[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
facts_imp_publisher(const struct facts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->nodes[i].product == PRODUCT_IMP && f->nodes[i].imp_publisher)
			return (int)i;
	return -1;
}

int
facts_cucm_publisher(const struct facts *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->nodes[i].product == PRODUCT_CUCM &&
		    f->nodes[i].cucm_publisher)
			return (int)i;
	return -1;
}

const struct vos_service *
facts_service(const struct fact_node *n, const char *service)
{
	size_t i;

	for (i = 0; i < n->nservices; i++)
		if (strcasecmp(n->services[i].name, service) == 0)
			return &n->services[i];
	return NULL;
}
