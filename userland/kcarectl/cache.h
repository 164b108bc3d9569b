/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local cache of downloaded repository files (default
 * /var/cache/kcare), laid out as the repository is
 * (Documentation/formats.md): [FEED/]KERNEL-SHA1/index, latest.v2 and
 * LEVEL/patchset.kcp, patchset.kcp.sig. It serves UPDATE_POLICY=LOCAL and
 * LOCAL_FIRST and re-applying at boot without network.
 *
 * Entries are written atomically (a temporary file in the same directory,
 * fsync, rename, fsync of the directory), files 0600 in directories 0700.
 * An entry is used only through the caller's verification: one that fails
 * it is removed, so that it is fetched again and never loaded.
 *
 * Paths inside the cache ("relpaths") are relative, made of components of
 * [A-Za-z0-9._-] that are not empty, "." or ".." and do not start with a
 * dot (those names are the cache's temporary files); anything else is
 * refused. Directories are opened without following symbolic links.
 *
 * Functions returning int give 0, or -1 with a reason in err, or the
 * positive KC_CACHE_* values said below.
 */
#ifndef _KCARE_CTL_CACHE_H
#define _KCARE_CTL_CACHE_H

#include <stddef.h>
#include <time.h>

#define KC_CACHE_DIR		"/var/cache/kcare"
#define KC_CACHE_PATH_MAX	1024

/* Returned by the getters besides 0 and -1. */
#define KC_CACHE_MISS		1	/* not in the cache */
#define KC_CACHE_CORRUPT	2	/* failed verification: removed */

/*
 * The relpath of a repository file: "[FEED/]SHA1/NAME" for @level 0
 * (index, latest.v2), "[FEED/]SHA1/LEVEL/NAME" otherwise. @feed NULL or ""
 * is the default feed.
 */
int kc_cache_relpath(char *out, size_t outlen, const char *feed,
		      const char *kernel_sha1, unsigned int level,
		      const char *name, char *err, size_t errlen);

/* Whether @relpath is acceptable (see above); the message says why not. */
int kc_cache_check_relpath(const char *relpath, char *err, size_t errlen);

/*
 * Create the directories of @relpath under @dir (0700, @dir included) and
 * write the full path of the entry into @path: for kc_fetch() to
 * download straight into the cache (it renames into place too).
 */
int kc_cache_prepare(const char *dir, const char *relpath, char *path,
		      size_t pathlen, char *err, size_t errlen);

/* Store @len bytes of @data as @relpath, atomically; mode 0600. */
int kc_cache_put(const char *dir, const char *relpath, const void *data,
		  size_t len, char *err, size_t errlen);

/*
 * Read @relpath (a regular file of at most @max_size bytes) into *data
 * (malloc'd, followed by a NUL not counted in *len). 0, KC_CACHE_MISS,
 * or -1 (a larger file too).
 */
int kc_cache_get(const char *dir, const char *relpath, size_t max_size,
		  void **data, size_t *len, char *err, size_t errlen);

/* Remove @relpath; a missing entry is not an error. */
int kc_cache_remove(const char *dir, const char *relpath, char *err,
		     size_t errlen);

/* 0 if @data is good, else -1 with the reason in err. */
typedef int (*kc_cache_verify_fn)(const void *data, size_t len, void *arg,
				   char *err, size_t errlen);

/*
 * kc_cache_get() and @verify. An entry that fails @verify, or is larger
 * than @max_size or not a regular file, is removed and KC_CACHE_CORRUPT
 * returned with "cache entry PATH was corrupt (REASON) and was removed".
 * 0 (good, in *data), KC_CACHE_MISS, KC_CACHE_CORRUPT or -1.
 */
int kc_cache_verified_get(const char *dir, const char *relpath,
			   size_t max_size, kc_cache_verify_fn verify,
			   void *arg, void **data, size_t *len, char *err,
			   size_t errlen);

/*
 * Downloads in progress live in DIR/.partial (0700, checked as the cache
 * is, never through a symbolic link); one not resumed for a week is
 * removed at the next start (leftovers.h).
 */
#define KC_CACHE_STAGING		".partial"
#define KC_CACHE_STAGING_MAX_AGE	(7 * 24 * 3600)

/*
 * Open the staging file @name (a plain file name) and its "@name.info"
 * for reading and writing, created 0600 if missing, refusing a symbolic
 * link, a hard link or a file not ours; *info gets up to @infolen bytes
 * of the info file (*infolen_out). 0 with both fds, or -1.
 */
int kc_cache_stage(const char *dir, const char *name, int *fd, int *info_fd,
		    char *info, size_t infolen, size_t *infolen_out,
		    char *err, size_t errlen);
/* Remove the staging file @name and its info. */
void kc_cache_unstage(const char *dir, const char *name);

/* Seconds since @relpath was stored (its mtime); 0, or -1 if missing. */
int kc_cache_age(const char *dir, const char *relpath, time_t now,
		  time_t *age);

#endif /* _KCARE_CTL_CACHE_H */
