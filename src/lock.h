/*
 * lock: the per-site run lock, an flock(2) on STATE/lock held for the whole
 * run of a mutating command and released on any exit (the kernel drops it
 * with the descriptor, also when the process is killed).  The file holds
 * the holder's pid, command and start time, so a second run can say who.
 */
#ifndef CERTREGEN_LOCK_H
#define CERTREGEN_LOCK_H

#include <stddef.h>

struct lock;

/*
 * Take the lock of the state directory dir for command.  wait_s < 0: wait
 * as long as it takes; 0: do not wait; > 0: wait up to that many seconds.
 * Returns 0 and sets *out, ERR_LOCKED (holder gets "pid 1234 (renew since
 * 2026-12-01T09:30:00Z)", or "unknown"), or ERR_IO (why in holder).
 */
int lock_take(const char *dir, const char *command, int wait_s,
    struct lock **out, char *holder, size_t holdersz);
/* Release and free; NULL is a no-op. */
void lock_free(struct lock *l);

#endif
