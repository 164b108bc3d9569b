// SPDX-License-Identifier: GPL-2.0
/*
 * A user-space feed's list of build-ids (feedlist.h). Strict: every line
 * is known, in order, once; anything else is refused, since a list that
 * parses loosely could hide a library from the client.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedlist.h"
#include "util.h"

/* "KEY: value" on one line of @len bytes: 0 and the value, or -1. */
static int fl_field(const char *line, size_t len, const char *key,
		    const char **v, size_t *vlen)
{
	size_t k = strlen(key);

	if (len < k + 2 || memcmp(line, key, k) || line[k] != ':' ||
	    line[k + 1] != ' ')
		return -1;
	*v = line + k + 2;
	*vlen = len - k - 2;
	return 0;
}

static int fl_uint(const char *s, size_t len, unsigned long long max,
		   unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (!len || len > 20 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (max - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int fl_time(const char *s, size_t len, time_t *t)
{
	char buf[21];

	if (len != 20)
		return -1;
	memcpy(buf, s, 20);
	buf[20] = '\0';
	return kc_time_parse(buf, t);
}

static bool fl_feed_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 32)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* "BUILDID LEVEL NAME": a name of printable bytes without spaces. */
static int fl_object(const char *s, size_t len, struct kcl_feedlist_object *o)
{
	unsigned long long lv;
	const char *sp;
	size_t i, nl;

	if (len < 44 || s[40] != ' ')
		return -1;
	for (i = 0; i < 40; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	sp = memchr(s + 41, ' ', len - 41);
	if (!sp || fl_uint(s + 41, sp - s - 41, 0xffffffffULL, &lv) || !lv)
		return -1;
	nl = len - (sp + 1 - s);
	if (!nl || nl >= sizeof(o->name))
		return -1;
	for (i = 0; i < nl; i++)
		if (sp[1 + i] <= ' ' || sp[1 + i] > '~')
			return -1;
	memcpy(o->build_id, s, 40);
	o->build_id[40] = '\0';
	o->level = lv;
	memcpy(o->name, sp + 1, nl);
	o->name[nl] = '\0';
	return 0;
}

int kcl_feedlist_parse(const char *text, size_t len, struct kcl_feedlist *fl,
		       char *err, size_t errlen)
{
	static const char *const head[] = {
		"format", "feed", "serial", "generated", "expires",
	};
	const char *p = text, *end = text + len, *nl, *v;
	unsigned long long u;
	unsigned int line = 0;
	size_t vlen, ll, cap = 0;

	memset(fl, 0, sizeof(*fl));
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl) {
			kc_fail(err, errlen, "feed list line %u: no end of line", line + 1);
			goto err;
		}
		ll = nl - p;
		line++;
		if (line <= 5) {
			if (fl_field(p, ll, head[line - 1], &v, &vlen)) {
				kc_fail(err, errlen, "feed list line %u: expected \"%s: \"",
					line, head[line - 1]);
				goto err;
			}
		} else if (fl_field(p, ll, "object", &v, &vlen)) {
			kc_fail(err, errlen, "feed list line %u: expected \"object: BUILDID LEVEL NAME\"",
				line);
			goto err;
		}
		switch (line) {
		case 1:
			if (fl_uint(v, vlen, 1000, &u) || u != KCL_FEEDLIST_FORMAT) {
				kc_fail(err, errlen, "feed list format is not %d",
					KCL_FEEDLIST_FORMAT);
				goto err;
			}
			fl->format = u;
			continue;
		case 2:
			if (!fl_feed_ok(v, vlen)) {
				kc_fail(err, errlen, "feed list line 2: bad feed name");
				goto err;
			}
			memcpy(fl->feed, v, vlen);
			continue;
		case 3:
			if (fl_uint(v, vlen, ~0ULL, &fl->serial) || !fl->serial) {
				kc_fail(err, errlen, "feed list line 3: bad serial");
				goto err;
			}
			continue;
		case 4:
		case 5:
			if (fl_time(v, vlen, line == 4 ? &fl->generated : &fl->expires)) {
				kc_fail(err, errlen, "feed list line %u: bad time (YYYY-MM-DDTHH:MM:SSZ)",
					line);
				goto err;
			}
			if (line == 5 && fl->expires <= fl->generated) {
				kc_fail(err, errlen, "feed list: expires is not after generated");
				goto err;
			}
			continue;
		}
		if (fl->n == KCL_FEEDLIST_MAX_OBJECTS) {
			kc_fail(err, errlen, "feed list has more than %d objects",
				KCL_FEEDLIST_MAX_OBJECTS);
			goto err;
		}
		if (fl->n == cap) {
			struct kcl_feedlist_object *nv;

			cap = cap ? cap * 2 : 16;

			nv = realloc(fl->v, cap * sizeof(*nv));
			if (!nv) {
				kc_fail(err, errlen, "out of memory");
				goto err;
			}
			fl->v = nv;
		}
		if (fl_object(v, vlen, &fl->v[fl->n])) {
			kc_fail(err, errlen, "feed list line %u: bad object (40 hex build-id, level >= 1, name)",
				line);
			goto err;
		}
		/* Sorted and unique: one build-id, one answer. */
		if (fl->n && strcmp(fl->v[fl->n - 1].build_id, fl->v[fl->n].build_id) >= 0) {
			kc_fail(err, errlen, "feed list line %u: build-ids not in increasing order",
				line);
			goto err;
		}
		fl->n++;
	}
	if (line < 5) {
		kc_fail(err, errlen, "feed list is truncated (%u lines)", line);
		goto err;
	}
	return 0;
err:
	kcl_feedlist_free(fl);
	return -1;
}

static int fl_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kcl_feedlist_object *)a)->build_id,
		      ((const struct kcl_feedlist_object *)b)->build_id);
}

char *kcl_feedlist_format(struct kcl_feedlist *fl)
{
	char gen[21], exp[21], *out;
	size_t i, cap, n;

	if (fl->n)
		qsort(fl->v, fl->n, sizeof(*fl->v), fl_cmp);
	cap = 256 + fl->n * (40 + 12 + sizeof(fl->v->name) + 12);
	out = malloc(cap);
	if (!out)
		return NULL;
	kc_time_format(fl->generated, gen);
	kc_time_format(fl->expires, exp);
	n = snprintf(out, cap, "format: %d\nfeed: %s\nserial: %llu\ngenerated: %s\nexpires: %s\n",
		     KCL_FEEDLIST_FORMAT, fl->feed, fl->serial, gen, exp);
	for (i = 0; i < fl->n && n < cap; i++)
		n += snprintf(out + n, cap - n, "object: %s %u %s\n",
			      fl->v[i].build_id, fl->v[i].level, fl->v[i].name);
	return out;
}

void kcl_feedlist_free(struct kcl_feedlist *fl)
{
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

const struct kcl_feedlist_object *
kcl_feedlist_find(const struct kcl_feedlist *fl, const char *build_id)
{
	struct kcl_feedlist_object key;

	if (!fl->n || strlen(build_id) != 40)
		return NULL;
	memcpy(key.build_id, build_id, 41);
	return bsearch(&key, fl->v, fl->n, sizeof(*fl->v), fl_cmp);
}

int kcl_feedlist_check(const struct kcl_feedlist *fl, const char *feed,
		       time_t now, unsigned long long seen_serial, char *err,
		       size_t errlen)
{
	if (strcmp(fl->feed, feed))
		return kc_fail(err, errlen, "the feed list is of feed %s, not %s",
			       fl->feed, feed);
	if (now >= fl->expires)
		return kc_fail(err, errlen, "the feed list has expired (serial %llu)",
			       fl->serial);
	if (fl->serial < seen_serial)
		return kc_fail(err, errlen,
			       "the feed list's serial %llu is older than %llu, seen before: a replay or a rollback",
			       fl->serial, seen_serial);
	return 0;
}
