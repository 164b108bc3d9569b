/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The update pipeline (Documentation/kcarectl.md, "Updating"):
 * the index of this kernel from the server or the cache, verified and
 * checked against replay; the choice of a level; its patchset from the
 * cache or the server, verified, unpacked in the sandbox and checked
 * against the running kernel; and the load.
 *
 * Nothing reaches the cache before it is verified, and nothing is loaded
 * that did not pass every check; a failure leaves the kernel, the cache
 * (but for the removal of a corrupt entry) and the state as they were.
 * Functions returning int give 0, or -1 with a reason in err, or the
 * positive values said.
 */
#ifndef _KCARE_CTL_UPDATE_H
#define _KCARE_CTL_UPDATE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "archive.h"
#include "config.h"
#include "engine.h"
#include "index.h"
#include "manifest.h"
#include "payload.h"
#include "sign.h"

/* Trusted keys: what --import-key adds, and what the package ships. */
#define KC_KEYS_DIR		"/etc/sysconfig/kcare/keys"
#define KC_SHIPPED_KEYS_DIR	"/usr/share/kcare/keys"

/* kc_update_index(): the server has no index for this kernel. */
#define KC_UPDATE_UNKNOWN_KERNEL	1

/*
 * LOCAL_FIRST uses a cached index downloaded less than this long ago (the
 * auto-update period) and not expired; an older one makes it ask the
 * server first, and falls back to it only when the server cannot answer.
 */
#define KC_INDEX_REFRESH	(4 * 3600)

struct kc_update {
	const struct kc_config *cfg;
	struct kcl_kernel kernel;
	struct kcl_keyring keys;
	enum kc_update_policy policy;
	char feed[33];			/* from PREFIX or --prefix */
	unsigned int delay_hours;
	const char *cache_dir;		/* KC_CACHE_DIR */
	time_t now;
	FILE *log;			/* notes for people, e.g. stdout */
	/*
	 * Read verbs without the lock (or without root) check but change
	 * nothing: no seen state, no cache entry written.
	 */
	bool readonly;
	/* The index used has expired (a cached one): it cannot vouch. */
	bool stale;
	time_t stale_expires;
	long long deadline_ms;		/* of every download of this run */
};

/*
 * Set @u up: the running kernel, the keys, the feed of @prefix (NULL: the
 * configuration's PREFIX). kc_update_free() it.
 */
int kc_update_init(struct kc_update *u, const struct kc_config *cfg,
		    const char *prefix, char *err, size_t errlen);
void kc_update_free(struct kc_update *u);

/* Load the trusted keys into @kr; none at all is an error. */
int kc_update_keys(struct kcl_keyring *kr, char *err, size_t errlen);

/*
 * The index of this kernel and feed, verified and checked: from the
 * server (REMOTE), the cache (LOCAL), or the cache then the server
 * (LOCAL_FIRST). A downloaded index is remembered (seen) and cached.
 * 0, KC_UPDATE_UNKNOWN_KERNEL (the server has none) or -1.
 */
int kc_update_index(struct kc_update *u, struct kcl_index *ix, char *err,
		     size_t errlen);

/*
 * STICKY_PATCH as a time (0: not sticky), asking the registration server
 * for KEY: 0, or -1 with the reason in @why.
 */
int kc_update_sticky(struct kc_update *u, time_t *until, char *why,
		     size_t whylen);

/*
 * The level the configuration chooses (patch type, delay, sticky date);
 * NULL with the reason in why when none, or with *failed set and the
 * reason in why when the configuration cannot be used.
 */
const struct kcl_index_level *kc_update_choose(struct kc_update *u,
						const struct kcl_index *ix,
						bool *failed, char *why,
						size_t whylen);

struct kc_patchset {
	struct kcl_archive ar;
	struct kcl_manifest m;
	const struct kcl_entry *payload;	/* in ar */
	struct kcl_payload_info info;
};

/*
 * The patchset of @level in the feed: from the cache when it holds a good
 * copy (a corrupt one is removed, said on u->log, and fetched again unless
 * @cache_only or the policy is LOCAL), else from the server. Its signature
 * is checked, its SHA-256 against @sha256 (the index's; NULL when there is
 * no index, at boot), it is unpacked in the sandbox, and its manifest and
 * payload must be for the running kernel.
 */
int kc_update_patchset(struct kc_update *u, unsigned int level,
			const unsigned char *sha256, bool cache_only,
			struct kc_patchset *ps, char *err, size_t errlen);
void kc_patchset_free(struct kc_patchset *ps);

/*
 * Load @ps: the engine loaded if needed, the payload handed to the kernel
 * with @freezer (NULL: the engine's default) and @force, the payloads of
 * the patchset it replaced removed, the level recorded for the boot, and
 * sysctl.conf applied unless LOAD_KCARE_SYSCTL is false (a failure there
 * is reported on u->log, the patchset stays).
 */
int kc_update_apply(struct kc_update *u, const struct kc_patchset *ps,
		     const char *freezer, bool force, char *err,
		     size_t errlen);

#endif /* _KCARE_CTL_UPDATE_H */
