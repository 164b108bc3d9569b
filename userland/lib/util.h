/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers every loader part shares: error messages and lowercase hex.
 */
#ifndef _KCARE_LIB_UTIL_H
#define _KCARE_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* Write the message into @err (@errlen bytes, terminated); return -1. */
__printf(3, 4) int kc_fail(char *err, size_t errlen, const char *fmt, ...);

/* Whether @c is a lowercase hex digit: formats allow no other. */
bool kc_is_hex(char c);
/* Whether @s[0..@len) is all lowercase hex digits. */
bool kc_all_hex(const char *s, size_t len);
/* Exactly 2 * @n lowercase hex digits of @s (@slen long) into @out; 0 or -1. */
int kc_unhex(const char *s, size_t slen, unsigned char *out, size_t n);
/* @n bytes of @in as 2 * @n lowercase hex digits and a NUL into @out. */
void kc_hex(char *out, const unsigned char *in, size_t n);

/*
 * The whole regular file at @path (at most @max bytes) into *@buf (malloc'd,
 * followed by a NUL not counted in *@len). With @missing non-NULL, a file
 * that does not exist sets *@missing and returns 0 with *@buf NULL. Errors:
 * "PATH: cannot open: ...", "PATH: not a regular file", "PATH: larger than
 * N bytes", "PATH: cannot read: ...".
 */
int kc_read_file(const char *path, size_t max, char **buf, size_t *len,
		  bool *missing, char *err, size_t errlen);
/* write(2) all of @data, retrying short writes and EINTR; 0 or -1 (errno). */
int kc_write_full(int fd, const void *data, size_t len);
/*
 * Replace @path with @data atomically: a temporary file beside it, written,
 * fsync'ed, renamed over it, and the directory fsync'ed; mode @mode.
 */
int kc_write_atomic(const char *path, const void *data, size_t len,
		     mode_t mode, char *err, size_t errlen);
/* mkdir -p with @mode for the directories it creates. */
int kc_mkdirs(const char *path, mode_t mode, char *err, size_t errlen);

/*
 * Whether the open directory @dfd (named @path in messages) may hold
 * root's state: a directory owned by the effective user, writable by no
 * group or other. A directory others may write lets them plant links and
 * files that root then follows or trusts. 0, or -1 with
 * "refusing PATH: it is mode 0777 and owned by uid 1000; it must be owned
 * by root and writable by root only (chown root: PATH; chmod 0700 PATH)".
 */
int kc_dir_check_fd(int dfd, const char *path, char *err, size_t errlen);
/* The same by path; the last component is not followed. */
int kc_dir_check(const char *path, char *err, size_t errlen);

/* "YYYY-MM-DDTHH:MM:SSZ" <-> time_t (UTC), strict. */
int kc_time_parse(const char *s, time_t *t);
void kc_time_format(time_t t, char buf[21]);

#endif /* _KCARE_LIB_UTIL_H */
