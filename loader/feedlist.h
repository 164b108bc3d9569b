/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The signed list of a user-space feed (REPO/FEED/index, FEED being
 * "userspace" or "NAME-userspace"; Documentation/formats.md): every
 * build-id the feed has patches for, with its highest level and library
 * name, so that a client asks the server once a run instead of once for
 * every library its processes map. A serial and an expiry, signed inline
 * as a kernel index is (kcl_index_verify() checks it), with the same
 * replay and rollback rules.
 */
#ifndef _KCARE_LOADER_FEEDLIST_H
#define _KCARE_LOADER_FEEDLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define KCL_FEEDLIST_FORMAT	1
#define KCL_FEEDLIST_MAX_OBJECTS	65536

struct kcl_feedlist_object {
	char build_id[41];		/* 40 lowercase hex, strictly increasing */
	unsigned int level;		/* highest level not withdrawn, >= 1 */
	char name[64];			/* library file name, for people */
};

struct kcl_feedlist {
	unsigned int format;
	char feed[33];
	unsigned long long serial;
	time_t generated, expires;
	struct kcl_feedlist_object *v;
	size_t n;
};

/* Parse the signed text (the bytes before the signature line). */
int kcl_feedlist_parse(const char *text, size_t len, struct kcl_feedlist *fl,
		       char *err, size_t errlen);
/* The unsigned text of @fl, malloc'd (objects sorted first). */
char *kcl_feedlist_format(struct kcl_feedlist *fl);
void kcl_feedlist_free(struct kcl_feedlist *fl);

/* The object of @build_id, or NULL when the feed has no patch for it. */
const struct kcl_feedlist_object *
kcl_feedlist_find(const struct kcl_feedlist *fl, const char *build_id);

/*
 * A verified list may be used if it is of @feed, not expired at @now and
 * not older than the serial last seen (@seen_serial, 0 for none).
 */
int kcl_feedlist_check(const struct kcl_feedlist *fl, const char *feed,
		       time_t now, unsigned long long seen_serial, char *err,
		       size_t errlen);

#endif /* _KCARE_LOADER_FEEDLIST_H */
