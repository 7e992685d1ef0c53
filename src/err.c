/* err: text and names for the ERR_* table. */
#include "config.h"

#include "err.h"

#define ERR_TEXT_(name, text) text,
static const char *const err_texts[] = { ERR_TABLE(ERR_TEXT_) };
#undef ERR_TEXT_

#define ERR_NAME_(name, text) #name,
static const char *const err_names[] = { ERR_TABLE(ERR_NAME_) };
#undef ERR_NAME_

static int
err_index(int err)
{
	if (err > 0 || -err >= (int)ERR_COUNT_)
		return -1;
	return -err;
}

const char *
err_str(int err)
{
	int i = err_index(err);

	return i < 0 ? "unknown error" : err_texts[i];
}

const char *
err_name(int err)
{
	int i = err_index(err);

	return i < 0 ? "ERR_UNKNOWN" : err_names[i];
}
