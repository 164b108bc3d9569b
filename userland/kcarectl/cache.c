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
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		if (errno == ENOENT && !create)
			return KC_CACHE_MISSING;
		return kc_fail(err, errlen, "cannot open the cache %s: %s", dir, strerror(errno));
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
