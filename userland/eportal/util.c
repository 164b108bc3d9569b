// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: messages, random identifiers and the checks of names
 * and text that reach the database or the file system.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <json-c/json.h>

#include "eportal.h"

const char *ep_prog = "kcare-eportal";

__printf(3, 4) int ep_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

__printf(1, 2) int ep_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ep_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EP_EXIT_ERROR;
}

__printf(1, 2) int ep_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ep_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s help' for more information.\n", ep_prog);
	return EP_EXIT_USAGE;
}

static int ep_random(void *buf, size_t n)
{
	unsigned char *p = buf;
	ssize_t r;

	while (n) {
		r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= r;
	}
	return 0;
}

int ep_random_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[64];
	size_t i;

	if (n > sizeof(b) || ep_random(b, n))
		return -1;
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = 0;
	return 0;
}

int ep_random_key(char out[17])
{
	static const char set[] = EP_ALNUM;
	unsigned char b[16];
	int i;

	if (ep_random(b, sizeof(b)))
		return -1;
	/* 62 does not divide 256: the bias (under 2 bits in 95) is harmless. */
	for (i = 0; i < 16; i++)
		out[i] = set[b[i] % 62];
	out[16] = 0;
	return 0;
}

bool ep_valid_key(const char *k)
{
	size_t n = strlen(k);

	if (!n || n > EP_KEY_MAX)
		return false;
	return strspn(k, EP_ALNUM "_-") == n;
}

bool ep_valid_feed(const char *f)
{
	size_t n = strlen(f);

	if (!n)
		return true;
	/* The server's own paths are not feeds. */
	if (!strcmp(f, "api") || !strcmp(f, "admin") || !strcmp(f, "packages"))
		return false;
	return n <= EP_FEED_MAX &&
	       strspn(f, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool ep_valid_sha1(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

bool ep_valid_text(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n > max)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

bool ep_valid_sticky(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int d, m, y;

	if (!*s)
		return true;
	if (strlen(s) != 6 || strspn(s, "0123456789") != 6)
		return false;
	d = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[2] - '0') * 10 + s[3] - '0';
	y = 2000 + (s[4] - '0') * 10 + s[5] - '0';
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

void ep_time_fmt(time_t t, char buf[21])
{
	struct tm tm;

	if (!t) {
		strcpy(buf, "-");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int ep_date_parse(const char *s, time_t *t)
{
	struct tm tm = { 0 };
	char back[11];
	char *end;

	if (!*s) {
		*t = 0;
		return 0;
	}
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end || *end || tm.tm_year < 100)
		return -1;
	*t = timegm(&tm);
	/* strptime takes 2026-02-31; the date written back must be the same. */
	ep_date_fmt(*t, back);
	return strcmp(back, s) ? -1 : 0;
}

void ep_date_fmt(time_t t, char buf[11])
{
	struct tm tm;

	if (!t) {
		buf[0] = '\0';
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

const char *ep_feed_label(const char *feed)
{
	return *feed ? feed : "default";
}

void ep_reply(struct ep_response *rs, unsigned int status, const char *type,
	      const char *text)
{
	free(rs->body);
	rs->status = status;
	rs->content_type = type;
	rs->len = strlen(text);
	rs->body = strdup(text);
	if (!rs->body) {
		rs->status = 500;
		rs->len = 0;
	}
}

__printf(3, 4) void ep_reply_error(struct ep_response *rs, unsigned int status,
				   const char *fmt, ...)
{
	struct json_object *o;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_string(msg));
	ep_reply(rs, status, "application/json",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

bool ep_valid_public_url(const char *u)
{
	const char *h;
	size_t n = strlen(u);

	if (!strncmp(u, "https://", 8))
		h = u + 8;
	else if (!strncmp(u, "http://", 7))
		h = u + 7;
	else
		return false;
	/* A path is allowed (a server behind a prefix); never a quote. */
	return *h && *h != '/' && n < EP_PUBLIC_URL_MAX && u[n - 1] != '/' &&
	       strspn(h, EP_ALNUM ".-:[]/_~") == strlen(h);
}
