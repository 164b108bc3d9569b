// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers every loader part shares (util.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int kc_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

bool kc_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool kc_all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!kc_is_hex(s[i]))
			return false;
	return true;
}

static int kc_hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

int kc_unhex(const char *s, size_t slen, unsigned char *out, size_t n)
{
	size_t i;

	if (slen != 2 * n || !kc_all_hex(s, slen))
		return -1;
	for (i = 0; i < n; i++)
		out[i] = kc_hexval(s[2 * i]) << 4 | kc_hexval(s[2 * i + 1]);
	return 0;
}

void kc_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

int kc_read_file(const char *path, size_t max, char **buf, size_t *len,
		  bool *missing, char *err, size_t errlen)
{
	size_t n = 0, cap;
	struct stat st;
	char *b, *nb;
	ssize_t r;
	int fd;

	*buf = NULL;
	*len = 0;
	if (missing)
		*missing = false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT && missing) {
			*missing = true;
			return 0;
		}
		return kc_fail(err, errlen, "%s: cannot open: %s", path,
				strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kc_fail(err, errlen, "%s: not a regular file", path);
	}
	/* The size it has now, which may change: one byte more tells. */
	cap = (size_t)st.st_size < max ? (size_t)st.st_size + 2 : max + 2;
	b = malloc(cap);
	if (!b) {
		close(fd);
		return kc_fail(err, errlen, "%s: out of memory", path);
	}
	for (;;) {
		if (n + 1 >= cap && cap < max + 2) {
			cap = cap * 2 < max + 2 ? cap * 2 : max + 2;
			nb = realloc(b, cap);
			if (!nb) {
				kc_fail(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			b = nb;
		}
		if (n > max)
			break;
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			kc_fail(err, errlen, "%s: cannot read: %s", path,
				 strerror(errno));
			goto fail;
		}
		if (!r)
			break;
		n += r;
	}
	if (n > max) {
		kc_fail(err, errlen, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	free(b);
	return -1;
}

int kc_write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= w;
	}
	return 0;
}

int kc_write_atomic(const char *path, const void *data, size_t len,
		     mode_t mode, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	const char *leaf;
	int fd, n, dfd;

	/*
	 * The temporary file is hidden (a dot name) beside the target: in a
	 * repository a web server does not list it, and the rename stays in
	 * one file system.
	 */
	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return kc_fail(err, errlen, "%s: path too long", path);
	slash = strrchr(dir, '/');
	leaf = slash ? path + (slash - dir) + 1 : path;
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	n = snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%d", dir, leaf, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return kc_fail(err, errlen, "%s: path too long", path);
	/*
	 * Never into a file that is there already: it could be anyone's (a
	 * link planted to make us write elsewhere). A leftover of a killed
	 * process of the same pid is removed once.
	 */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST && !unlink(tmp))
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode);
	if (fd < 0)
		return kc_fail(err, errlen, "cannot create %s: %s", tmp,
				strerror(errno));
	if (fchmod(fd, mode) || kc_write_full(fd, data, len) || fsync(fd)) {
		kc_fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		kc_fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* The rename itself must survive a crash too. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int kc_dir_check_fd(int dfd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(dfd, &st))
		return kc_fail(err, errlen, "cannot check %s: %s", path,
				strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return kc_fail(err, errlen, "refusing %s: it is not a directory", path);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return kc_fail(err, errlen,
				"refusing %s: it is mode %04o and owned by uid %u; it must be owned by root and writable by root only (chown root: %s; chmod 0700 %s)",
				path, (unsigned int)(st.st_mode & 07777),
				(unsigned int)st.st_uid, path, path);
	return 0;
}

int kc_dir_check(const char *path, char *err, size_t errlen)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, errlen, "refusing %s: %s", path,
				errno == ELOOP || errno == ENOTDIR ?
				"it is not a directory (a symbolic link?)" :
				strerror(errno));
	rc = kc_dir_check_fd(fd, path, err, errlen);
	close(fd);
	return rc;
}

int kc_mkdirs(const char *path, mode_t mode, char *err, size_t errlen)
{
	char buf[PATH_MAX], *p;
	int n;

	n = snprintf(buf, sizeof(buf), "%s", path);
	if (n <= 0 || (size_t)n >= sizeof(buf))
		return kc_fail(err, errlen, "bad directory \"%s\"", path);
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p)
			continue;
		char c = *p;

		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return kc_fail(err, errlen, "cannot create %s: %s", buf,
					strerror(errno));
		if (!c)
			break;
		*p = c;
	}
	return 0;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The value of the @n digits at @s, or -1 if one is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;

	while (n--) {
		if (!(*s >= '0' && *s <= '9'))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int kc_time_parse(const char *s, time_t *t)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec;
	time_t v;

	if (strnlen(s, 21) != 20 || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && is_leap(y)) || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	v = timegm(&tm);
	if (v == (time_t)-1)
		return -1;
	*t = v;
	return 0;
}

void kc_time_format(time_t t, char buf[21])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900 ||
	    !strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
		/* out of range: a time no parser accepts back */
		memcpy(buf, "0000-00-00T00:00:00Z", 21);
}
