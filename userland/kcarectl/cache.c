// SPDX-License-Identifier: GPL-2.0
/*
 * The local cache of repository files (cache.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "util.h"

#define KC_CACHE_MISSING	(-2)	/* kc_cache_open_parent(): absent */

static bool kc_cache_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int kc_cache_check_relpath(const char *relpath, char *err, size_t errlen)
{
	const char *p, *comp;

	if (!relpath || !*relpath)
		return kc_fail(err, errlen, "cache path is empty");
	if (strlen(relpath) >= KC_CACHE_PATH_MAX)
		return kc_fail(err, errlen, "cache path %.64s...: too long", relpath);
	if (relpath[0] == '/')
		return kc_fail(err, errlen, "cache path %s: absolute paths are refused", relpath);
	for (comp = p = relpath;; p++) {
		if (*p && *p != '/') {
			if (!kc_cache_name_char(*p))
				return kc_fail(err, errlen, "cache path %s: character 0x%02x is refused",
						relpath, (unsigned char)*p);
			continue;
		}
		if (p == comp)
			return kc_fail(err, errlen, "cache path %s: empty component", relpath);
		if ((p - comp == 2 && comp[0] == '.' && comp[1] == '.'))
			return kc_fail(err, errlen, "cache path %s: \"..\" is refused", relpath);
		if (comp[0] == '.')
			return kc_fail(err, errlen, "cache path %s: components starting with a dot are refused",
					relpath);
		if (p - comp > 255)
			return kc_fail(err, errlen, "cache path %s: component too long", relpath);
		if (!*p)
			return 0;
		comp = p + 1;
	}
}

int kc_cache_relpath(char *out, size_t outlen, const char *feed,
		      const char *kernel_sha1, unsigned int level,
		      const char *name, char *err, size_t errlen)
{
	bool has_feed = feed && *feed;
	char lv[16] = "";
	int n;

	if (!kernel_sha1 || strlen(kernel_sha1) != 40 || !kc_all_hex(kernel_sha1, 40))
		return kc_fail(err, errlen, "cache: the kernel SHA-1 must be 40 lowercase hex digits");
	if (level)
		snprintf(lv, sizeof(lv), "%u/", level);
	n = snprintf(out, outlen, "%s%s%s/%s%s", has_feed ? feed : "",
		     has_feed ? "/" : "", kernel_sha1, lv, name ? name : "");
	if (n < 0 || (size_t)n >= outlen)
		return kc_fail(err, errlen, "cache path too long");
	return kc_cache_check_relpath(out, err, errlen);
}

/*
 * Open the directory holding @relpath's last component (created if
 * @create), following no symbolic link below @dir. Returns the fd and
 * *leaf, or KC_CACHE_MISSING, or -1 with a message.
 */
static int kc_cache_open_parent(const char *dir, const char *relpath,
				 bool create, const char **leaf, char *err,
				 size_t errlen)
{
	char comp[256];
	const char *p, *slash;
	int dfd, next;

	if (kc_cache_check_relpath(relpath, err, errlen))
		return -1;
	if (!dir || !*dir)
		dir = KC_CACHE_DIR;
	if (create && kc_mkdirs(dir, 0700, err, errlen))
		return -1;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT && !create)
			return KC_CACHE_MISSING;
		return kc_fail(err, errlen, "cannot open the cache %s: %s", dir,
				errno == ELOOP || errno == ENOTDIR ?
				"not a directory (a symbolic link?)" : strerror(errno));
	}
	/* Root writes here: nobody else may have planted anything. */
	if (kc_dir_check_fd(dfd, dir, err, errlen)) {
		close(dfd);
		return -1;
	}
	for (p = relpath; (slash = strchr(p, '/')); p = slash + 1) {
		size_t n = slash - p;

		memcpy(comp, p, n);	/* n <= 255: checked */
		comp[n] = '\0';
		if (create && mkdirat(dfd, comp, 0700) && errno != EEXIST) {
			kc_fail(err, errlen, "cannot create %.*s in %s: %s",
				 (int)(slash - relpath), relpath, dir, strerror(errno));
			close(dfd);
			return -1;
		}
		next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			int e = errno;

			close(dfd);
			if (e == ENOENT && !create)
				return KC_CACHE_MISSING;
			return kc_fail(err, errlen, "cannot open %s/%.*s: %s", dir,
					(int)(slash - relpath), relpath,
					e == ELOOP || e == ENOTDIR ? "not a directory" : strerror(e));
		}
		close(dfd);
		dfd = next;
		if (kc_dir_check_fd(dfd, relpath, err, errlen)) {
			close(dfd);
			return -1;
		}
	}
	*leaf = p;
	return dfd;
}

int kc_cache_prepare(const char *dir, const char *relpath, char *path,
		      size_t pathlen, char *err, size_t errlen)
{
	const char *leaf;
	int dfd, n;

	dfd = kc_cache_open_parent(dir, relpath, true, &leaf, err, errlen);
	if (dfd < 0)
		return -1;
	close(dfd);
	n = snprintf(path, pathlen, "%s/%s", dir && *dir ? dir : KC_CACHE_DIR, relpath);
	if (n < 0 || (size_t)n >= pathlen)
		return kc_fail(err, errlen, "cache path too long");
	return 0;
}

int kc_cache_put(const char *dir, const char *relpath, const void *data,
		  size_t len, char *err, size_t errlen)
{
	static unsigned int seq;
	const char *leaf;
	char tmp[300];
	int dfd, fd = -1, tries;

	dfd = kc_cache_open_parent(dir, relpath, true, &leaf, err, errlen);
	if (dfd < 0)
		return -1;
	for (tries = 0; tries < 100; tries++) {
		snprintf(tmp, sizeof(tmp), ".tmp.%s.%d.%u", leaf, (int)getpid(), seq++);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		kc_fail(err, errlen, "cannot write into the cache for %s: %s", relpath,
			 strerror(errno));
		close(dfd);
		return -1;
	}
	if (fchmod(fd, 0600) || kc_write_full(fd, data, len) || fsync(fd)) {
		kc_fail(err, errlen, "cannot write cache entry %s: %s", relpath, strerror(errno));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		kc_fail(err, errlen, "cannot write cache entry %s: %s", relpath, strerror(errno));
		goto fail;
	}
	fd = -1;
	if (renameat(dfd, tmp, dfd, leaf)) {
		kc_fail(err, errlen, "cannot store cache entry %s: %s", relpath, strerror(errno));
		goto fail;
	}
	fsync(dfd);
	close(dfd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp, 0);
	close(dfd);
	return -1;
}

/* Like kc_cache_get(); *bad says the entry itself is bad (to remove). */
static int kc_cache_read(const char *dir, const char *relpath, size_t max_size,
			  void **data, size_t *len, bool *bad, char *err,
			  size_t errlen)
{
	const char *leaf;
	struct stat st;
	char *buf;
	size_t got = 0;
	int dfd, fd;

	*data = NULL;
	*len = 0;
	*bad = false;
	dfd = kc_cache_open_parent(dir, relpath, false, &leaf, err, errlen);
	if (dfd == KC_CACHE_MISSING)
		return KC_CACHE_MISS;
	if (dfd < 0)
		return -1;
	fd = openat(dfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		if (errno == ENOENT)
			return KC_CACHE_MISS;
		if (errno == ELOOP) {
			*bad = true;
			return kc_fail(err, errlen, "not a regular file");
		}
		return kc_fail(err, errlen, "cannot open cache entry %s: %s", relpath,
				strerror(errno));
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		*bad = true;
		return kc_fail(err, errlen, "not a regular file");
	}
	if ((unsigned long long)st.st_size > max_size) {
		close(fd);
		*bad = true;
		return kc_fail(err, errlen, "%lld bytes, more than the limit of %zu",
				(long long)st.st_size, max_size);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return kc_fail(err, errlen, "out of memory");
	}
	/* Read at most what fstat said, and check that nothing follows. */
	while (got <= (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kc_fail(err, errlen, "cannot read cache entry %s: %s", relpath,
				 strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (!r)
			break;
		got += r;
	}
	close(fd);
	if (got != (size_t)st.st_size) {
		free(buf);
		*bad = true;
		return kc_fail(err, errlen, "changed while read");
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int kc_cache_get(const char *dir, const char *relpath, size_t max_size,
		  void **data, size_t *len, char *err, size_t errlen)
{
	char why[256];
	bool bad;
	int rc;

	rc = kc_cache_read(dir, relpath, max_size, data, len, &bad, why, sizeof(why));
	if (rc < 0 && bad)
		return kc_fail(err, errlen, "cache entry %s: %s", relpath, why);
	if (rc < 0)
		return kc_fail(err, errlen, "%s", why);
	return rc;
}

int kc_cache_remove(const char *dir, const char *relpath, char *err,
		     size_t errlen)
{
	const char *leaf;
	int dfd;

	dfd = kc_cache_open_parent(dir, relpath, false, &leaf, err, errlen);
	if (dfd == KC_CACHE_MISSING)
		return 0;
	if (dfd < 0)
		return -1;
	if (unlinkat(dfd, leaf, 0) && errno != ENOENT) {
		kc_fail(err, errlen, "cannot remove cache entry %s: %s", relpath,
			 strerror(errno));
		close(dfd);
		return -1;
	}
	fsync(dfd);
	close(dfd);
	return 0;
}

int kc_cache_verified_get(const char *dir, const char *relpath,
			   size_t max_size, kc_cache_verify_fn verify,
			   void *arg, void **data, size_t *len, char *err,
			   size_t errlen)
{
	char why[512] = "", rmerr[256];
	bool bad;
	int rc;

	rc = kc_cache_read(dir, relpath, max_size, data, len, &bad, why, sizeof(why));
	if (rc == KC_CACHE_MISS)
		return rc;
	if (rc < 0 && !bad)
		return kc_fail(err, errlen, "%s", why);
	if (!rc) {
		if (!verify(*data, *len, arg, why, sizeof(why)))
			return 0;
		if (!why[0])
			snprintf(why, sizeof(why), "verification failed");
		free(*data);
		*data = NULL;
		*len = 0;
	}
	if (kc_cache_remove(dir, relpath, rmerr, sizeof(rmerr)))
		return kc_fail(err, errlen, "cache entry %s is corrupt (%s) and cannot be removed: %s",
				relpath, why, rmerr);
	kc_fail(err, errlen, "cache entry %s was corrupt (%s) and was removed", relpath, why);
	return KC_CACHE_CORRUPT;
}

/* Open (creating) the cache's staging directory, checked. */
static int kc_cache_staging_dir(const char *dir, char *err, size_t errlen)
{
	const char *leaf;
	int root, sfd;

	/* Any valid relpath gives the root: "x" has no directory part. */
	root = kc_cache_open_parent(dir, "x", true, &leaf, err, errlen);
	if (root < 0)
		return -1;
	if (mkdirat(root, KC_CACHE_STAGING, 0700) && errno != EEXIST) {
		kc_fail(err, errlen, "cannot create %s/%s: %s", dir, KC_CACHE_STAGING,
			 strerror(errno));
		close(root);
		return -1;
	}
	sfd = openat(root, KC_CACHE_STAGING, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(root);
	if (sfd < 0)
		return kc_fail(err, errlen, "refusing %s/%s: %s", dir, KC_CACHE_STAGING,
				errno == ELOOP || errno == ENOTDIR ?
				"it is not a directory (a symbolic link?)" : strerror(errno));
	if (kc_dir_check_fd(sfd, KC_CACHE_STAGING, err, errlen)) {
		close(sfd);
		return -1;
	}
	return sfd;
}

/* Open @name in @sfd for reading and writing: our own regular file only. */
static int kc_cache_stage_file(int sfd, const char *name, char *err,
				size_t errlen)
{
	struct stat st;
	int fd;

	fd = openat(sfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (fd < 0)
		return kc_fail(err, errlen, "refusing %s/%s: %s", KC_CACHE_STAGING, name,
				errno == ELOOP ? "it is a symbolic link" : strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid()) {
		close(fd);
		return kc_fail(err, errlen,
				"refusing %s/%s: not a regular file of ours (a hard link or someone else's?): remove it",
				KC_CACHE_STAGING, name);
	}
	return fd;
}

int kc_cache_stage(const char *dir, const char *name, int *fd, int *info_fd,
		    char *info, size_t infolen, size_t *infolen_out,
		    char *err, size_t errlen)
{
	char iname[300];
	ssize_t n;
	int sfd;

	*fd = *info_fd = -1;
	*infolen_out = 0;
	if (kc_cache_check_relpath(name, err, errlen) || strchr(name, '/'))
		return kc_fail(err, errlen, "staging name %s refused", name);
	snprintf(iname, sizeof(iname), "%s.info", name);
	sfd = kc_cache_staging_dir(dir, err, errlen);
	if (sfd < 0)
		return -1;
	*fd = kc_cache_stage_file(sfd, name, err, errlen);
	if (*fd >= 0)
		*info_fd = kc_cache_stage_file(sfd, iname, err, errlen);
	close(sfd);
	if (*info_fd < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -1;
	}
	n = pread(*info_fd, info, infolen, 0);
	*infolen_out = n > 0 ? (size_t)n : 0;
	return 0;
}

void kc_cache_unstage(const char *dir, const char *name)
{
	char iname[300];
	int sfd;

	sfd = kc_cache_staging_dir(dir, NULL, 0);
	if (sfd < 0)
		return;
	snprintf(iname, sizeof(iname), "%s.info", name);
	unlinkat(sfd, name, 0);
	unlinkat(sfd, iname, 0);
	close(sfd);
}

int kc_cache_age(const char *dir, const char *relpath, time_t now,
		  time_t *age)
{
	const char *leaf;
	struct stat st;
	int dfd, rc;

	dfd = kc_cache_open_parent(dir, relpath, false, &leaf, NULL, 0);
	if (dfd < 0)
		return -1;
	rc = fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW);
	close(dfd);
	if (rc)
		return -1;
	*age = now > st.st_mtime ? now - st.st_mtime : 0;
	return 0;
}
