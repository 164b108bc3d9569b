/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space patchsets (Documentation/formats.md, "User-space patchsets"):
 * the patchset of one library, named by its GNU build-id, through the
 * kernel's update pipeline (update.h) in the feed "userspace" (or
 * "FEED-userspace" under PREFIX=FEED), so that it
 * is verified exactly as a kernel patchset is: index signature, replay
 * and rollback state, patchset signature and SHA-256, unpacking and the
 * payload's ELF check in the sandbox.
 */
#ifndef _KCARE_CTL_LIB_FETCH_H
#define _KCARE_CTL_LIB_FETCH_H

#include "feedlist.h"
#include "update.h"

/* The repository folder (a feed) of every user-space patchset. */
#define KC_LIB_FEED		"userspace"
/* kc_lib_fetch(): no patchset for this library (or none of these types). */
#define KC_LIB_NONE		1

/* kc_update_init() for user-space patchsets; kc_update_free() it. */
int kc_lib_update_init(struct kc_update *u, const struct kc_config *cfg,
		       const char *prefix, char *err, size_t errlen);
/* The user-space feed of kernel feed @feed ("" gives "userspace"). */
int kc_lib_feed_name(const char *feed, char *out, size_t len);
/* The selection of a run: PREFIX's delay and STICKY_PATCH (date or KEY). */
int kc_lib_select_init(struct kc_update *u, struct kcl_select *sel,
		       char *err, size_t errlen);

/*
 * The newest patchset of a type in @types (KC_USERSPACE_*) for the library
 * of @build_id (40 hex) whose file name is @libname: 0 with @ps filled,
 * KC_LIB_NONE, or -1 with the reason in @err. @cache_only reads the cache
 * only and takes @level (for --lib-patch-info).
 */
int kc_lib_fetch(struct kc_update *u, const char *build_id,
		 const char *libname, const struct kcl_select *sel,
		 unsigned int types, bool cache_only, unsigned int level,
		 struct kc_patchset *ps, char *err,
		 size_t errlen);

/*
 * The verified list of the user-space feed (REPO/FEED/index): 0 with @fl
 * filled (kcl_feedlist_free() it), KC_LIB_NONE when the repository has
 * none (404: ask per build-id) or the policy is LOCAL, -1 with the reason.
 * Replays are refused by the serial, remembered as an index's is.
 */
int kc_lib_feedlist(struct kc_update *u, struct kcl_feedlist *fl, char *err,
		    size_t errlen);

/* KC_USERSPACE_* set as "libs,qemu,db" text. */
void kc_lib_types_text(unsigned int types, char *buf, size_t len);

#endif /* _KCARE_CTL_LIB_FETCH_H */
