/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the agent remembers between runs, in /var/lib/kcare
 * (Documentation/kcarectl.md, "State and cache files"):
 *
 *  - "seen": per kernel and feed, the serial and highest level of the last
 *    index accepted, so that a replayed or rolled-back index is refused
 *    (lines "KERNEL-SHA1 FEED|- SERIAL MAX-LEVEL");
 *  - "applied": per kernel, the feed and level last applied, which the
 *    boot unit re-applies from the cache (lines "KERNEL-SHA1 FEED|- LEVEL").
 *
 * Both are small text files replaced atomically. Functions returning int
 * give 0, or -1 with a reason in err.
 */
#ifndef _KCARE_LOADER_STATE_H
#define _KCARE_LOADER_STATE_H

#include <stddef.h>

#include "index.h"

#define KCL_STATE_DIR		"/var/lib/kcare"
#define KCL_STATE_SEEN		KCL_STATE_DIR "/seen"
#define KCL_STATE_APPLIED	KCL_STATE_DIR "/applied"
/* The manifest of the patchset last applied, for --info. */
#define KCL_STATE_MANIFEST	KCL_STATE_DIR "/manifest"
#define KCL_STATE_MAX_SIZE	(1u << 20)

/* What was seen for @sha1 in @feed ("" default); zeros when nothing. */
int kcl_seen_read(const char *path, const char *sha1, const char *feed,
		  struct kcl_index_seen *seen, char *err, size_t errlen);
int kcl_seen_write(const char *path, const char *sha1, const char *feed,
		   const struct kcl_index_seen *seen, char *err,
		   size_t errlen);

struct kcl_applied {
	char feed[33];
	unsigned int level;		/* 0: nothing recorded */
};

int kcl_applied_read(const char *path, const char *sha1,
		     struct kcl_applied *a, char *err, size_t errlen);
/* Record @a for @sha1, or forget it when @a is NULL. */
int kcl_applied_write(const char *path, const char *sha1,
		      const struct kcl_applied *a, char *err, size_t errlen);

#endif /* _KCARE_LOADER_STATE_H */
