// SPDX-License-Identifier: GPL-2.0
/*
 * Downloads into staging files (fetch.h): the .part and its .part.info,
 * resumed by the next call; by path (kc_fetch()) or into descriptors the
 * caller opened (kc_fetch_fd(), what the download child runs).
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

#include "fetch.h"
#include "fetch-priv.h"
#include "util.h"

/* The saved info of a .part: resume only a download of the same URL. */
int kc_fetch_part_info_parse(const char *data, size_t len, const char *url,
			      struct kc_part_info *pi)
{
	char buf[4096], *line, *save = NULL;
	bool url_ok = false, size_ok = false;

	memset(pi, 0, sizeof(*pi));
	if (!len || len >= sizeof(buf) || memchr(data, '\0', len))
		return 0;
	memcpy(buf, data, len);
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "url ", 4)) {
			url_ok = !strcmp(line + 4, url);
		} else if (!strncmp(line, "size ", 5)) {
			const char *p = line + 5;

			size_ok = kc_fetch_parse_ull(&p, &pi->size) && !*p;
		} else if (!strncmp(line, "etag ", 5)) {
			snprintf(pi->etag, sizeof(pi->etag), "%s", line + 5);
		} else if (!strncmp(line, "last-modified ", 14)) {
			snprintf(pi->lastmod, sizeof(pi->lastmod), "%s", line + 14);
		}
	}
	if (!(url_ok && size_ok))
		memset(pi, 0, sizeof(*pi));
	return url_ok && size_ok;
}

static bool kc_info_read(const char *path, const char *url,
			  struct kc_part_info *pi)
{
	char buf[4096];
	ssize_t n;
	int fd;

	memset(pi, 0, sizeof(*pi));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && kc_fetch_part_info_parse(buf, n, url, pi);
}

static int kc_fsync_dir_of(const char *path)
{
	char *d = strdup(path), *slash;
	int fd, rc = 0;

	if (!d)
		return -1;
	slash = strrchr(d, '/');
	if (!slash)
		strcpy(d, ".");
	else if (slash == d)
		d[1] = '\0';
	else
		*slash = '\0';
	fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = -1;
	if (fd >= 0)
		close(fd);
	free(d);
	return rc;
}

static void kc_info_clear(int info_fd)
{
	if (info_fd >= 0)
		(void)!ftruncate(info_fd, 0);
}

int kc_fetch_fd(const struct kc_fetch_opts *o, const char *url, int fd,
		 int info_fd, const struct kc_part_info *pi_in, size_t max_size,
		 char *err, size_t errlen)
{
	unsigned int attempt = 0, restarts = 0;
	struct kc_fetch_opts dflt;
	struct kc_part_info pi;
	enum kc_result res;
	long status = 0;
	int rc = -1;

	if (!o) {
		kc_fetch_opts_init(&dflt);
		o = &dflt;
	}
	if (kc_fetch_check_args(url, max_size, err, errlen))
		return -1;
	if (pi_in)
		pi = *pi_in;
	else
		memset(&pi, 0, sizeof(pi));
	for (;;) {
		struct kc_xfer x = { .url = url, .max = max_size, .fd = fd };
		const char *validator = NULL;
		struct stat st;

		if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			kc_fail(err, errlen, "the download's staging file is not a regular file");
			break;
		}
		if (pi.size && st.st_size > 0 &&
		    (unsigned long long)st.st_size < pi.size &&
		    (unsigned long long)st.st_size <= max_size &&
		    lseek(fd, 0, SEEK_END) == st.st_size) {
			x.resume_from = x.off = st.st_size;
			x.known_total = pi.size;
			/* If-Range takes a strong ETag or a date. */
			if (pi.etag[0] && strncmp(pi.etag, "W/", 2))
				validator = pi.etag;
			else if (pi.lastmod[0])
				validator = pi.lastmod;
		} else if (ftruncate(fd, 0) || lseek(fd, 0, SEEK_SET) < 0) {
			kc_fail(err, errlen, "cannot truncate the staging file: %s",
				 strerror(errno));
			break;
		}
		x.info_fd = info_fd;

		res = kc_fetch_attempt(o, url, &x, validator, err, errlen);
		status = x.status;
		if (res == KC_OK) {
			if (fsync(fd)) {
				kc_fail(err, errlen, "cannot write the staging file: %s",
					 strerror(errno));
				break;
			}
			kc_info_clear(info_fd);
			rc = 0;
			break;
		}
		/* Keep a .part worth resuming, for a retry or the next call. */
		if (res != KC_RETRY || !x.off) {
			if (ftruncate(fd, 0))
				break;
			kc_info_clear(info_fd);
			memset(&pi, 0, sizeof(pi));
		} else {
			pi.size = x.total;
			snprintf(pi.etag, sizeof(pi.etag), "%s", x.etag);
			snprintf(pi.lastmod, sizeof(pi.lastmod), "%s", x.lastmod);
		}
		if (!kc_fetch_again(o, res, &restarts, &attempt))
			break;
	}
	if (rc) {
		kc_fetch_attempts_note(err, errlen, attempt + 1);
		if (kc_fetch_not_found(status))
			rc = KC_FETCH_NOT_FOUND;
	}
	return rc;
}

int kc_fetch(const struct kc_fetch_opts *o, const char *url,
	      const char *dest_path, size_t max_size, char *err, size_t errlen)
{
	char *part = NULL, *info = NULL;
	struct kc_part_info pi;
	int fd = -1, info_fd = -1, rc = -1;
	struct stat st;

	if (kc_fetch_check_args(url, max_size, err, errlen))
		return -1;
	if (asprintf(&part, "%s.part", dest_path) < 0) {
		part = NULL;
		return kc_fail(err, errlen, "out of memory");
	}
	if (asprintf(&info, "%s.part.info", dest_path) < 0) {
		free(part);
		return kc_fail(err, errlen, "out of memory");
	}
	if (!kc_info_read(info, url, &pi))
		memset(&pi, 0, sizeof(pi));
	fd = open(part, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		kc_fail(err, errlen, "cannot create %s: %s", part, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
		kc_fail(err, errlen, "%s is not a regular file", part);
		goto out;
	}
	info_fd = open(info, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (info_fd < 0) {
		kc_fail(err, errlen, "cannot create %s: %s", info, strerror(errno));
		goto out;
	}
	rc = kc_fetch_fd(o, url, fd, info_fd, &pi, max_size, err, errlen);
	if (rc) {
		/* Nothing worth resuming: leave no empty files behind. */
		if (!fstat(fd, &st) && !st.st_size) {
			unlink(part);
			unlink(info);
		}
		goto out;
	}
	if (rename(part, dest_path)) {
		rc = kc_fail(err, errlen, "cannot rename %s to %s: %s", part,
			      dest_path, strerror(errno));
		goto out;
	}
	unlink(info);
	kc_fsync_dir_of(dest_path);
out:
	if (fd >= 0)
		close(fd);
	if (info_fd >= 0)
		close(info_fd);
	free(part);
	free(info);
	return rc;
}
