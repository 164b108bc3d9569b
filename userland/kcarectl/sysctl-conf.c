// SPDX-License-Identifier: GPL-2.0
/*
 * sysctl.conf, applied after a patchset loads (sysctl-conf.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lines.h"
#include "sysctl-conf.h"
#include "util.h"

static bool kcare_sysctl_name(const char *s, size_t len)
{
	size_t i;

	if (len <= 13 || (memcmp(s, "kernel.kcare_", 13) &&
			  memcmp(s, "kernel/kcare_", 13)))
		return false;
	for (i = 13; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/*
 * The extra patch type's sysctls (the seed's symlink owner match
 * protection): set from sysctl.conf like the kcare ones, but only there
 * while that patch is applied.
 */
static const char *const extra_sysctls[] = {
	"fs.enforce_symlinksifowner", "fs.symlinkown_gid", NULL,
};

static bool extra_sysctl_name(const char *s, size_t len)
{
	const char *const *n;

	for (n = extra_sysctls; *n; n++)
		if (strlen(*n) == len && !memcmp(*n, s, len))
			return true;
	return false;
}

/* Write "@value\n" to @path; 0 or an errno. */
static int write_sysctl(const char *path, const char *value, size_t vlen)
{
	char buf[KC_CONFIG_MAX_LINE + 2];
	ssize_t w;
	int fd, e = 0;

	memcpy(buf, value, vlen);
	buf[vlen] = '\n';
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno;
	do
		w = write(fd, buf, vlen + 1);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		e = errno;
	else if ((size_t)w != vlen + 1)
		e = EIO;
	if (close(fd) < 0 && !e)
		e = errno;
	return e;
}

int kc_sysctl_conf_apply(const char *path, const char *procsys_root,
			  char *err, size_t errlen, FILE *log)
{
	char msg[KC_CONFIG_MAX_LINE + 512], file[PATH_MAX + 1];
	const char *line, *name, *val;
	size_t len, nlen, vlen, i, flen = 0;
	struct kc_lines l = { .max_line = KC_CONFIG_MAX_LINE };
	unsigned int failed = 0;
	char *buf, *fails = NULL;
	bool missing, nl, optional;
	FILE *f;
	int r, e;

	if (!path)
		path = KC_SYSCTL_CONF_PATH;
	if (!procsys_root)
		procsys_root = "/proc/sys";
	if (kc_read_file(path, KC_CONFIG_MAX_SIZE, &buf, &len, &missing, err, errlen))
		return -1;
	if (missing)
		return 0;
	f = open_memstream(&fails, &flen);
	if (!f) {
		free(buf);
		return kc_fail(err, errlen, "out of memory");
	}
	l.file = path;
	l.p = buf;
	l.end = buf + len;
	while ((r = kc_lines_next(&l, &line, &len, &nl, err, errlen)) > 0) {
		while (len && kc_is_blank(*line)) {
			line++;
			len--;
		}
		if (!len || *line == '#' || *line == ';')
			continue;
		optional = *line == '-';
		if (optional) {
			line++;
			len--;
		}
		name = line;
		vlen = 0;
		val = memchr(line, '=', len);
		nlen = (val ? val : line + len) - name;
		while (nlen && kc_is_blank(name[nlen - 1]))
			nlen--;
		while (nlen && kc_is_blank(*name)) {
			name++;
			nlen--;
		}
		if (val) {
			val++;
			vlen = line + len - val;
			while (vlen && kc_is_blank(*val)) {
				val++;
				vlen--;
			}
			while (vlen && kc_is_blank(val[vlen - 1]))
				vlen--;
		}
		if (kc_lines_check_bytes(&l, line, len, msg, sizeof(msg))) {
			/* msg says which byte */
		} else if (!val || !nlen)
			snprintf(msg, sizeof(msg),
				 "%s:%u: expected name = value", path, l.no);
		else if (!kcare_sysctl_name(name, nlen) &&
			 !extra_sysctl_name(name, nlen))
			snprintf(msg, sizeof(msg),
				 "%s:%u: %.*s: not a kcare sysctl (expected kernel.kcare_* or fs.enforce_symlinksifowner; set others in /etc/sysctl.d)",
				 path, l.no, nlen > 80 ? 80 : (int)nlen, name);
		else if (!vlen)
			snprintf(msg, sizeof(msg),
				 "%s:%u: %.*s: an empty value (expected name = value)",
				 path, l.no, (int)nlen, name);
		else if ((size_t)snprintf(file, sizeof(file), "%s/%.*s",
					  procsys_root, (int)nlen, name) >=
			 sizeof(file))
			snprintf(msg, sizeof(msg), "%s:%u: %.*s: path too long",
				 path, l.no, (int)nlen, name);
		else {
			for (i = strlen(procsys_root) + 1; file[i]; i++)
				if (file[i] == '.')
					file[i] = '/';
			e = write_sysctl(file, val, vlen);
			if (!e) {
				if (log)
					fprintf(log, "%s:%u: %.*s = %.*s\n",
						path, l.no, (int)nlen, name,
						(int)vlen, val);
				continue;
			}
			/*
			 * Not an error: the file is written for when the
			 * extra patch is in; a note, not a warning each run.
			 */
			if (e == ENOENT && extra_sysctl_name(name, nlen)) {
				if (log)
					fprintf(log, "%s:%u: %.*s: not set: the symlink owner match patch is not applied (it comes with kcarectl --set-patch-type extra)\n",
						path, l.no, (int)nlen, name);
				continue;
			}
			if (e == ENOENT)
				snprintf(msg, sizeof(msg),
					 "%s:%u: %.*s: no such sysctl (expected the patch that adds it to be applied)",
					 path, l.no, (int)nlen, name);
			else
				snprintf(msg, sizeof(msg),
					 "%s:%u: %.*s: writing '%.*s' to %s: %s",
					 path, l.no, (int)nlen, name,
					 vlen > 80 ? 80 : (int)vlen, val,
					 file, strerror(e));
		}
		if (log)
			fprintf(log, "%s%s\n", msg,
				optional ? " (ignored: the line starts with -)" : "");
		if (optional)
			continue;
		fprintf(f, "%s%s", failed ? "; " : "", msg);
		failed++;
	}
	if (fclose(f) || !fails) {
		free(fails);
		free(buf);
		return r < 0 ? -1 : kc_fail(err, errlen, "out of memory");
	}
	free(buf);
	if (r < 0) {
		free(fails);
		return -1;
	}
	if (failed)
		kc_fail(err, errlen, "%s", fails);
	free(fails);
	return failed ? -1 : 0;
}

int kc_sysctl_force_gid(const char *procsys_root, unsigned int gid, char *err,
			size_t errlen)
{
	char file[PATH_MAX], v[16];
	int e, n;

	if (!procsys_root)
		procsys_root = "/proc/sys";
	snprintf(file, sizeof(file), "%s/fs/symlinkown_gid", procsys_root);
	n = snprintf(v, sizeof(v), "%u", gid);
	e = write_sysctl(file, v, n);
	if (e == ENOENT)
		return 1;
	if (e)
		return kc_fail(err, errlen, "FORCE_GID: writing %u to %s: %s",
			       gid, file, strerror(e));
	return 0;
}
