/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: deploying patchsets to a feed, from an archive
 * (.tar.gz, .tar.bz2, .tar.xz or .tar of patchset files "*.kcp", each
 * with its publisher's signature "*.kcp.sig") or from files a mirror
 * fetched. Every patchset is checked (signature by a trusted key in
 * DIR/keys/trusted, the file itself as "kcare-patchset verify" does)
 * before anything changes; one bad file refuses the whole deploy.
 */
#ifndef _KCARE_EPORTAL_DEPLOY_H
#define _KCARE_EPORTAL_DEPLOY_H

#include "eportal.h"

struct ep_kcp_file {
	char name[256];
	unsigned char *data, *sig;
	size_t len, siglen;
};

struct ep_kcp_set {
	struct ep_kcp_file *f;
	size_t n;
};

void ep_kcp_set_free(struct ep_kcp_set *set);
/* Read the patchset files of an archive into memory (never to disk). */
int ep_deploy_read_archive(const char *path, struct ep_kcp_set *set,
			   char *err, size_t errlen);
/*
 * Verify and deploy @set to @feed: every patchset of @stream's patch type
 * (NULL: the kernel's types; cmd.h), enabled (after the feed's delay) or
 * disabled; then publish. @skip_present leaves out levels already there
 * with the same file (a mirror's re-run) instead of refusing them.
 * Prints one line per patchset to @out (may be NULL).
 */
int ep_deploy(const struct ep_config *cfg, struct ep_store *s,
	      const char *stream, const char *feed, struct ep_kcp_set *set,
	      bool disabled, bool skip_present, time_t now, FILE *out,
	      char *err, size_t errlen);

#endif /* _KCARE_EPORTAL_DEPLOY_H */
