/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-patchset's parts: the helpers every command uses (patchset-util.c),
 * the commands on files (kcare-patchset.c) and on a repository
 * (patchset-repo.c).
 */
#ifndef _KCARE_PATCHSET_H
#define _KCARE_PATCHSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "archive.h"
#include "index.h"
#include "manifest.h"
#include "sign.h"

#define KCP_EXIT_ERROR	1
#define KCP_EXIT_USAGE	2
/* Payload modules and /proc/version copies are far smaller. */
#define KCP_MAX_FILE	(64u << 20)
#define KCP_DEFAULT_VALID_DAYS 14

extern const char *kcp_prog;

struct kcp_opt {
	const char *name;	/* "--meta", "-o" */
	const char **value;	/* NULL: a flag (not used yet) */
};

__attribute__((format(printf, 3, 4)))
int kcp_fmt(char *buf, size_t len, const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
int kcp_usage(const char *fmt, ...);
__attribute__((format(printf, 1, 2)))
int kcp_fail(const char *fmt, ...);
int kcp_parse(int argc, char **argv, const struct kcp_opt *opts,
	      const char **pos, int maxpos);
bool kcp_is_hex(const char *s, size_t minlen, size_t maxlen);
void kcp_digest(const char *alg, const void *data, size_t len,
		unsigned char *out);
struct kcl_index;
/*
 * Rewrite the list of user-space feed @feed (REPO/FEED/index) after the
 * index @ix of @sha1 changed (@name: its library, or NULL to keep the
 * one listed); @sha1 NULL makes it again from the feed's indexes
 * (refresh). Under the lock.
 */
int kcp_feedlist_update(const char *repo, const char *feed, const char *key,
			const char *sha1, const struct kcl_index *ix,
			const char *name, time_t now, unsigned long days,
			char *err, size_t errlen);
/* A feed of user-space patchsets: "userspace" or "NAME-userspace". */
bool kcp_feed_user(const char *feed);

int kcp_read(const char *path, unsigned char **buf, size_t *len,
	     size_t max, char *err, size_t errlen);
int kcp_parse_time(const char *s, time_t *t);
int kcp_parse_uint(const char *s, unsigned long max, unsigned long *v);
bool kcp_valid_feed(const char *f);
bool kcp_valid_sha1(const char *s);
int kcp_kernel_dir(char *out, size_t outlen, const char *repo,
		   const char *feed, const char *sha1);
int kcp_keyring(struct kcl_keyring *kr, const char *key,
		const char *keys);
int kcp_verify_sig(const struct kcl_keyring *kr, const char *what,
		   const unsigned char *data, size_t len,
		   const char *sigpath, char *err, size_t errlen);
int kcp_check_kcp(const unsigned char *buf, size_t len,
		  struct kcl_archive *ar, struct kcl_manifest *m,
		  char *err, size_t errlen);

/* The commands on a repository (patchset-repo.c). */
int kcp_cmd_publish(int argc, char **argv);
int kcp_cmd_withdraw(int argc, char **argv);
int kcp_cmd_refresh(int argc, char **argv);
int kcp_cmd_select(int argc, char **argv);

#endif /* _KCARE_PATCHSET_H */
