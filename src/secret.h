/*
 * secret: a password or passphrase, kept in its own type so that it cannot be
 * formatted by accident; the memory is locked where possible and wiped on
 * free (OpenSSH freezero).
 */
#ifndef CERTREGEN_SECRET_H
#define CERTREGEN_SECRET_H

#include <stddef.h>

struct secret;

/* A copy of n bytes; NULL on ERR_NOMEM. */
struct secret *secret_new(const char *p, size_t n);
/* Wipe and free; NULL is a no-op. */
void secret_free(struct secret *s);

/*
 * Read the first line of a file (the newline is not part of it).  The file
 * must be a regular file, owned by us or root, and not readable or writable
 * by group or others (as OpenSSH demands of a private key).  On failure a
 * message goes to why (which is never the secret) and an ERR_* is returned:
 * ERR_PERM for a loose file, ERR_IO, ERR_INVAL (empty), ERR_TOOBIG.
 */
int secret_from_file(const char *path, struct secret **out, char *why,
    size_t whysz);
/* The value of an environment variable; ERR_NOTFOUND if unset or empty. */
int secret_from_env(const char *name, struct secret **out);

/* The bytes (NUL-terminated) and their length.  Never log them. */
const char *secret_value(const struct secret *s);
size_t secret_len(const struct secret *s);

#define SECRET_MAX 4096

#endif
