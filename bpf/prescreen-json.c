// SPDX-License-Identifier: GPL-2.0
/*
 * Reading kcare-prescreen's JSON output (kps_parse(), prescreen-run.h).
 * The output is data from a program that may be broken or replaced: it is
 * parsed strictly, with bounded sizes, and every error says where.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prescreen-run.h"

#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* Where the parser is in the command's output, and where to say what failed. */
struct kps_json {
	const char *s;
	size_t len;
	size_t pos;
	char *err;
	size_t errlen;
};

/* Say what is wrong and where, as "line L, column C: ..." */
static __printf(2, 3) int kps_json_bad(struct kps_json *j, const char *fmt, ...)
{
	size_t line = 1, col = 1, i;
	va_list ap;
	int n;

	if (!j->err || !j->errlen)
		return -EBADMSG;
	for (i = 0; i < j->pos && i < j->len; i++) {
		if (j->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(j->err, j->errlen, "line %zu, column %zu: ", line, col);
	if (n >= 0 && (size_t)n < j->errlen) {
		va_start(ap, fmt);
		vsnprintf(j->err + n, j->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static size_t kps_json_left(const struct kps_json *j)
{
	return j->len - j->pos;
}

/* Consume lit if it comes next. */
static bool kps_json_match(struct kps_json *j, const char *lit)
{
	size_t n = strlen(lit);

	if (kps_json_left(j) < n || memcmp(j->s + j->pos, lit, n))
		return false;
	j->pos += n;
	return true;
}

/* Consume lit, which must come next; what names it in the error. */
static int kps_json_expect(struct kps_json *j, const char *lit, const char *what)
{
	size_t n = strlen(lit), left = kps_json_left(j);

	if (kps_json_match(j, lit))
		return 0;
	if (left < n && !memcmp(j->s + j->pos, lit, left)) {
		j->pos = j->len;
		return kps_json_bad(j, "truncated: the output ends before %s",
				   what);
	}
	return kps_json_bad(j, "expected %s", what);
}

/* `, "key": ` (or `{"key": ` for the first one) */
static int kps_json_key(struct kps_json *j, const char *key, bool first)
{
	char lit[32], what[40];

	snprintf(lit, sizeof(lit), "%s\"%s\": ", first ? "{" : ", ", key);
	snprintf(what, sizeof(what), "'%s'", lit);
	return kps_json_expect(j, lit, what);
}

static bool kps_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int kps_hex_digit(char c)
{
	if (kps_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON number that is an integer in [0, max]: no sign, fraction or exponent. */
static int kps_json_uint(struct kps_json *j, const char *key,
			unsigned long long max, unsigned long long *val)
{
	unsigned long long v = 0;
	size_t start = j->pos;

	if (!kps_json_left(j))
		return kps_json_bad(j, "truncated: the output ends before the value of \"%s\"",
				   key);
	if (!kps_is_digit(j->s[j->pos]))
		return kps_json_bad(j, "\"%s\" is not an unsigned integer", key);
	if (j->s[j->pos] == '0' && kps_json_left(j) > 1 &&
	    kps_is_digit(j->s[j->pos + 1]))
		return kps_json_bad(j, "\"%s\" has a leading zero", key);
	while (kps_json_left(j) && kps_is_digit(j->s[j->pos])) {
		unsigned int d = j->s[j->pos] - '0';

		if (v > (max - d) / 10) {
			j->pos = start;
			return kps_json_bad(j, "\"%s\" is larger than %llu", key,
					   max);
		}
		v = v * 10 + d;
		j->pos++;
	}
	if (kps_json_left(j) && strchr(".eE", j->s[j->pos]))
		return kps_json_bad(j, "\"%s\" is not an unsigned integer", key);
	*val = v;
	return 0;
}

/*
 * A string as kcare-prescreen writes one: printable ASCII, with \" and \\,
 * and \u00XX for any other byte. size counts the NUL.
 */
static int kps_json_string(struct kps_json *j, const char *key, char *buf,
			  size_t size)
{
	size_t n = 0;

	if (!kps_json_left(j))
		return kps_json_bad(j, "truncated: the output ends before the value of \"%s\"",
				   key);
	if (j->s[j->pos] != '"')
		return kps_json_bad(j, "\"%s\" is not a string", key);
	j->pos++;
	for (;;) {
		unsigned char c;
		size_t step = 1;

		if (!kps_json_left(j))
			return kps_json_bad(j, "truncated: the string \"%s\" is not terminated",
					   key);
		c = j->s[j->pos];
		if (c == '"')
			break;
		if (c == '\\') {
			int h[4] = { -1, -1, -1, -1 }, i;

			if (kps_json_left(j) < 2)
				return kps_json_bad(j, "truncated: the string \"%s\" is not terminated",
						   key);
			c = j->s[j->pos + 1];
			step = 2;
			if (c == 'u') {
				if (kps_json_left(j) < 6)
					return kps_json_bad(j, "truncated: the string \"%s\" is not terminated",
							   key);
				for (i = 0; i < 4; i++)
					h[i] = kps_hex_digit(j->s[j->pos + 2 + i]);
				if (h[0] || h[1] || h[2] < 0 || h[3] < 0 ||
				    !(h[2] | h[3]))
					return kps_json_bad(j, "\"%s\" has a \\u escape that is not \\u0001 to \\u00ff",
							   key);
				c = h[2] << 4 | h[3];
				step = 6;
			} else if (c != '"' && c != '\\') {
				return kps_json_bad(j, "\"%s\" has an escape other than \\\", \\\\ and \\u00XX",
						   key);
			}
		} else if (c < 0x20 || c >= 0x7f) {
			return kps_json_bad(j, "\"%s\" holds the raw byte 0x%02x",
					   key, c);
		}
		if (n + 1 >= size)
			return kps_json_bad(j, "\"%s\" is longer than %zu bytes",
					   key, size - 1);
		buf[n++] = c;
		j->pos += step;
	}
	j->pos++;
	buf[n] = '\0';
	return 0;
}

/* A string, or null as "": an empty string would be ambiguous. */
static int kps_json_string_or_null(struct kps_json *j, const char *key,
				  char *buf, size_t size)
{
	int ret;

	if (kps_json_match(j, "null")) {
		buf[0] = '\0';
		return 0;
	}
	ret = kps_json_string(j, key, buf, size);
	if (!ret && !buf[0])
		ret = kps_json_bad(j, "\"%s\" is empty", key);
	return ret;
}

static int kps_json_bool(struct kps_json *j, const char *key, bool *val)
{
	if (kps_json_match(j, "true"))
		*val = true;
	else if (kps_json_match(j, "false"))
		*val = false;
	else if (!kps_json_left(j))
		return kps_json_bad(j, "truncated: the output ends before the value of \"%s\"",
				   key);
	else
		return kps_json_bad(j, "\"%s\" is not true or false", key);
	return 0;
}

/* "0x" and 1 to 16 hex digits, as printf's %llx writes them */
static int kps_json_address(struct kps_json *j, const char *key,
			   unsigned long long *val)
{
	char buf[24];
	size_t i;
	int ret;

	ret = kps_json_string(j, key, buf, sizeof(buf));
	if (ret)
		return ret;
	if (strncmp(buf, "0x", 2) || !buf[2] || strlen(buf) > 18 ||
	    strspn(buf + 2, "0123456789abcdef") != strlen(buf + 2))
		return kps_json_bad(j, "\"%s\" is not \"0x\" and 1 to 16 hex digits",
				   key);
	*val = 0;
	for (i = 2; buf[i]; i++)
		*val = *val << 4 | kps_hex_digit(buf[i]);
	return 0;
}

/* One object, all its keys in kcare-prescreen's order. */
static int kps_json_hit(struct kps_json *j, struct kps_hit *h)
{
	unsigned long long v;
	int ret;

	memset(h, 0, sizeof(*h));
	ret = kps_json_key(j, "pid", true);
	if (!ret)
		ret = kps_json_uint(j, "pid", 0xffffffffU, &v);
	if (ret)
		return ret;
	h->pid = v;
	ret = kps_json_key(j, "tgid", false);
	if (!ret)
		ret = kps_json_uint(j, "tgid", 0xffffffffU, &v);
	if (ret)
		return ret;
	h->tgid = v;
	ret = kps_json_key(j, "comm", false);
	if (!ret)
		ret = kps_json_string(j, "comm", h->comm, sizeof(h->comm));
	if (!ret)
		ret = kps_json_key(j, "kthread", false);
	if (!ret)
		ret = kps_json_bool(j, "kthread", &h->kthread);
	if (!ret)
		ret = kps_json_key(j, "function", false);
	if (!ret)
		ret = kps_json_string_or_null(j, "function", h->function,
					     sizeof(h->function));
	if (!ret)
		ret = kps_json_key(j, "module", false);
	if (!ret)
		ret = kps_json_string_or_null(j, "module", h->module,
					     sizeof(h->module));
	if (!ret)
		ret = kps_json_key(j, "offset", false);
	if (!ret)
		ret = kps_json_uint(j, "offset", ~0ULL, &h->offset);
	if (!ret)
		ret = kps_json_key(j, "address", false);
	if (!ret)
		ret = kps_json_address(j, "address", &h->address);
	if (!ret)
		ret = kps_json_expect(j, "}", "'}'");
	if (!ret && h->module[0] && !h->function[0])
		ret = kps_json_bad(j, "a module without a function");
	return ret;
}

int kps_parse(const char *json, size_t len,
		       struct kps_hit **hits, size_t *n,
		       char *err, size_t errlen)
{
	struct kps_json j = { json, json ? len : 0, 0, err, errlen };
	struct kps_hit *v = NULL, *tmp;
	size_t nr = 0, cap = 0;
	int ret;

	*hits = NULL;
	*n = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!j.len)
		return kps_json_bad(&j, "empty output");
	if (kps_json_match(&j, "[]"))
		goto end;
	ret = kps_json_expect(&j, "[\n", "'[' and a new line");
	if (ret)
		return ret;
	for (;;) {
		if (nr == cap) {
			cap = cap ? 2 * cap : 16;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				ret = -ENOMEM;
				if (err && errlen)
					snprintf(err, errlen, "out of memory");
				goto err;
			}
			v = tmp;
		}
		ret = kps_json_hit(&j, &v[nr]);
		if (ret)
			goto err;
		nr++;
		if (kps_json_match(&j, ",\n"))
			continue;
		ret = kps_json_expect(&j, "\n]", "',' and a new line, or a new line and ']'");
		if (ret)
			goto err;
		break;
	}
end:
	kps_json_match(&j, "\n");
	if (kps_json_left(&j)) {
		ret = kps_json_bad(&j, "unexpected data after the closing ']'");
		goto err;
	}
	*hits = v;
	*n = nr;
	return 0;
err:
	free(v);
	return ret;
}
