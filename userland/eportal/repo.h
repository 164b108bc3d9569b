/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the static repository the server publishes, DIR/repo,
 * in the layout of Documentation/formats.md, from what the store says:
 * per feed and kernel a signed index (the server's key, serial + 1 at
 * every rewrite), latest.v2, and per visible level patchset.kcp, its
 * signature by the server's key, cves.txt, cves.json and kpatch.info.
 * Levels that are disabled, undeployed or waiting for their feed's delay
 * are listed "withdrawn", so the highest level never goes down.
 *
 * Deployed patchset files live in DIR/store/SHA256.kcp; publishers of
 * one directory serialise on DIR/repo/.lock.
 */
#ifndef _KCARE_EPORTAL_REPO_H
#define _KCARE_EPORTAL_REPO_H

#include "eportal.h"

/* Take DIR/repo/.lock: the fd to ep_repo_unlock(), or -1 with err set. */
int ep_repo_lock(const struct ep_config *cfg, char *err, size_t errlen);
void ep_repo_unlock(int fd);

/* Rewrite the index and files of (feed, kernel); the lock is held. */
int ep_repo_publish(const struct ep_config *cfg, struct ep_store *s,
		    const char *feed, const char *kernel_sha1, time_t now,
		    char *err, size_t errlen);
/*
 * What the server does every minute: publish every (feed, kernel) whose
 * levels became visible (a feed's delay passed) or whose index is past
 * half of its validity. Takes the lock. Returns how many were published,
 * or -1.
 */
int ep_repo_maintain(const struct ep_config *cfg, struct ep_store *s,
		     time_t now, bool force, char *err, size_t errlen);

/* DIR/store/SHA256.kcp */
void ep_repo_store_path(const struct ep_config *cfg, const char *sha256,
			char *out, size_t len);
/* DIR/keys/eportal.pem, the server's signing key. */
void ep_repo_key_path(const struct ep_config *cfg, char *out, size_t len);

#endif /* _KCARE_EPORTAL_REPO_H */
