// SPDX-License-Identifier: GPL-2.0
/*
 * The signed index of a kernel in a feed (index.h, Documentation/formats.md
 * "The index" and "Choosing a level"): its strict parser and formatter,
 * its signature line, the client's checks of freshness and rollback, and
 * the choice of a level.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "manifest.h"
#include "sign.h"
#include "util.h"


/* Decimal, no sign, no leading zero, at most @max. */
static int parse_u64(const char *s, size_t len, unsigned long long max,
		     unsigned long long *v)
{
	unsigned long long x = 0;
	size_t i;

	if (!len || len > 20 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		unsigned int d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = s[i] - '0';
		if (x > (max - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static int parse_time(const char *s, size_t len, time_t *t)
{
	char buf[21];

	if (len != 20)
		return -1;
	memcpy(buf, s, 20);
	buf[20] = '\0';
	return kc_time_parse(buf, t);
}

static int valid_feed(const char *s, size_t len)
{
	size_t i;

	if (len > 32)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

static int valid_id(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 48)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

/* Kernel patch types, then the user-space ones (Documentation/formats.md). */
static const char *const patch_types[] = {
	"default", "extra", "free", "libs", "qemu", "db"
};

static int parse_patch_type(const char *s, size_t len, char out[8])
{
	size_t i;

	for (i = 0; i < sizeof(patch_types) / sizeof(patch_types[0]); i++) {
		if (strlen(patch_types[i]) == len &&
		    !memcmp(s, patch_types[i], len)) {
			strcpy(out, patch_types[i]);
			return 0;
		}
	}
	return -1;
}

/* The next field of a level line: up to a single space or the end. */
static int next_field(const char **p, const char *end, const char **f,
		      size_t *flen, int last)
{
	const char *s = *p, *e = memchr(s, ' ', end - s);

	if (last) {
		if (e)
			return -1;
		e = end;
	} else if (!e) {
		return -1;
	}
	if (e == s)
		return -1;
	*f = s;
	*flen = e - s;
	*p = last ? end : e + 1;
	return 0;
}

static int parse_level(const char *v, size_t vlen, struct kcl_index_level *l,
		       char *err, size_t errlen, unsigned int lineno)
{
	const char *p = v, *end = v + vlen, *f;
	unsigned long long num;
	size_t flen;

	memset(l, 0, sizeof(*l));
	/* Five non-empty fields, separated by single spaces. */
	for (flen = 0, f = v; f < end; f++)
		flen += *f == ' ';
	if (flen != 4 || !vlen || v[0] == ' ' || end[-1] == ' ' ||
	    memmem(v, vlen, "  ", 2))
		return kc_fail(err, errlen,
			    "index line %u: expected LEVEL ID RELEASE-TIME PATCH-TYPE SHA256|withdrawn, separated by single spaces",
			    lineno);
	if (next_field(&p, end, &f, &flen, 0) ||
	    parse_u64(f, flen, 4294967295ull, &num) || num == 0)
		return kc_fail(err, errlen,
			    "index line %u: the level number must be 1..4294967295, without leading zero",
			    lineno);
	l->level = num;
	if (next_field(&p, end, &f, &flen, 0) || !valid_id(f, flen))
		return kc_fail(err, errlen,
			    "index line %u: the level id must be [A-Za-z0-9_], 1..48",
			    lineno);
	memcpy(l->id, f, flen);
	l->id[flen] = '\0';
	if (next_field(&p, end, &f, &flen, 0) ||
	    parse_time(f, flen, &l->release_time))
		return kc_fail(err, errlen,
			    "index line %u: bad release time (YYYY-MM-DDTHH:MM:SSZ)",
			    lineno);
	if (next_field(&p, end, &f, &flen, 0) ||
	    parse_patch_type(f, flen, l->patch_type))
		return kc_fail(err, errlen,
			    "index line %u: the patch type must be default, extra, free, libs, qemu or db",
			    lineno);
	if (next_field(&p, end, &f, &flen, 1))
		return kc_fail(err, errlen,
			    "index line %u: expected LEVEL ID RELEASE-TIME PATCH-TYPE SHA256|withdrawn",
			    lineno);
	if (flen == 9 && !memcmp(f, "withdrawn", 9))
		l->withdrawn = true;
	else if (kc_unhex(f, flen, l->sha256, 32))
		return kc_fail(err, errlen,
			    "index line %u: the SHA-256 must be 64 lowercase hex digits (or \"withdrawn\")",
			    lineno);
	return 0;
}

static const char *const header_keys[] = {
	"format", "kernel-sha1", "feed", "serial", "generated", "expires",
};
#define NHEADER	(sizeof(header_keys) / sizeof(header_keys[0]))

static int parse_header(struct kcl_index *ix, size_t k, const char *v,
			size_t vlen, char *err, size_t errlen,
			unsigned int lineno)
{
	unsigned long long num;
	unsigned char sha1[20];

	switch (k) {
	case 0:
		if (parse_u64(v, vlen, 4294967295ull, &num))
			return kc_fail(err, errlen, "index line %u: bad format",
				    lineno);
		if (num != KCL_INDEX_FORMAT)
			return kc_fail(err, errlen,
				    "index format %llu is not supported (only %d)",
				    num, KCL_INDEX_FORMAT);
		ix->format = num;
		return 0;
	case 1:
		if (kc_unhex(v, vlen, sha1, sizeof(sha1)))
			return kc_fail(err, errlen,
				    "index line %u: kernel-sha1 must be 40 lowercase hex digits",
				    lineno);
		memcpy(ix->kernel_sha1, v, 40);
		ix->kernel_sha1[40] = '\0';
		return 0;
	case 2:
		if (!valid_feed(v, vlen))
			return kc_fail(err, errlen,
				    "index line %u: the feed must be empty or [a-z0-9-], 1..32",
				    lineno);
		memcpy(ix->feed, v, vlen);
		ix->feed[vlen] = '\0';
		return 0;
	case 3:
		if (parse_u64(v, vlen, UINT64_MAX, &num))
			return kc_fail(err, errlen,
				    "index line %u: the serial must be a decimal number without leading zero",
				    lineno);
		ix->serial = num;
		return 0;
	case 4:
		if (parse_time(v, vlen, &ix->generated))
			return kc_fail(err, errlen,
				    "index line %u: bad generated time (YYYY-MM-DDTHH:MM:SSZ)",
				    lineno);
		return 0;
	default:
		if (parse_time(v, vlen, &ix->expires))
			return kc_fail(err, errlen,
				    "index line %u: bad expires time (YYYY-MM-DDTHH:MM:SSZ)",
				    lineno);
		if (ix->expires <= ix->generated)
			return kc_fail(err, errlen,
				    "index line %u: expires is not after generated",
				    lineno);
		return 0;
	}
}

static int parse_body(const char *text, size_t len, struct kcl_index *ix,
		      char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned int lineno = 0;
	size_t nheader = 0, cap = 0, i;

	if (len > KCL_INDEX_MAX_SIZE)
		return kc_fail(err, errlen, "index larger than %u bytes",
			    KCL_INDEX_MAX_SIZE);
	if (len && text[len - 1] != '\n')
		return kc_fail(err, errlen, "index does not end with a new line");
	for (i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (c == '\n')
			lineno++;
		else if (c < 0x20 || c > 0x7e)
			return kc_fail(err, errlen,
				    "index line %u: a control or non-ASCII byte (0x%02x)",
				    lineno + 1, c);
	}
	lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *colon, *v;
		size_t llen = nl - p, klen, vlen;

		lineno++;
		if (llen == 0 || p[0] == '#') {
			p = nl + 1;
			continue;
		}
		colon = memchr(p, ':', llen);
		if (!colon)
			return kc_fail(err, errlen,
				    "index line %u: expected \"key: value\"",
				    lineno);
		klen = colon - p;
		v = colon + 1;
		vlen = nl - v;
		if (vlen) {
			if (v[0] != ' ' || vlen == 1)
				return kc_fail(err, errlen,
					    "index line %u: expected one space after the colon and a value",
					    lineno);
			v++;
			vlen--;
		}
		if (nheader < NHEADER) {
			const char *want = header_keys[nheader];

			if (klen != strlen(want) || memcmp(p, want, klen))
				return kc_fail(err, errlen,
					    "index line %u: expected key %s, found %.*s",
					    lineno, want, (int)(klen > 32 ? 32 : klen), p);
			if (parse_header(ix, nheader, v, vlen, err, errlen,
					 lineno))
				return -1;
			nheader++;
		} else {
			struct kcl_index_level *l;

			if (klen != 5 || memcmp(p, "level", 5))
				return kc_fail(err, errlen,
					    "index line %u: unexpected key %.*s (only level lines follow the header)",
					    lineno, (int)(klen > 32 ? 32 : klen), p);
			if (ix->n >= KCL_INDEX_MAX_LEVELS)
				return kc_fail(err, errlen,
					    "index lists more than %d levels",
					    KCL_INDEX_MAX_LEVELS);
			if (ix->n == cap) {
				struct kcl_index_level *nl2;

				cap = cap ? cap * 2 : 16;
				nl2 = realloc(ix->levels, cap * sizeof(*nl2));
				if (!nl2)
					return kc_fail(err, errlen, "out of memory");
				ix->levels = nl2;
			}
			l = &ix->levels[ix->n];
			if (parse_level(v, vlen, l, err, errlen, lineno))
				return -1;
			if (ix->n && l->level <= ix->levels[ix->n - 1].level)
				return kc_fail(err, errlen,
					    "index line %u: level %u does not follow level %u (levels must increase)",
					    lineno, l->level,
					    ix->levels[ix->n - 1].level);
			ix->n++;
		}
		p = nl + 1;
	}
	if (nheader < NHEADER)
		return kc_fail(err, errlen, "index has no %s line",
			    header_keys[nheader]);
	return 0;
}

int kcl_index_parse(const char *text, size_t len, struct kcl_index *ix,
		    char *err, size_t errlen)
{
	memset(ix, 0, sizeof(*ix));
	if (parse_body(text, len, ix, err, errlen)) {
		kcl_index_free(ix);
		return -1;
	}
	return 0;
}

void kcl_index_free(struct kcl_index *ix)
{
	free(ix->levels);
	memset(ix, 0, sizeof(*ix));
}

char *kcl_index_format(const struct kcl_index *ix)
{
	char gen[21], exp[21], rel[21], sha[65];
	size_t cap, n, i;
	char *buf;
	int r;

	/* Header well under 512 bytes; a level line under 256. */
	cap = 512 + ix->n * 256;
	buf = malloc(cap);
	if (!buf)
		return NULL;
	kc_time_format(ix->generated, gen);
	kc_time_format(ix->expires, exp);
	r = snprintf(buf, cap,
		     "format: %u\nkernel-sha1: %s\nfeed:%s%s\nserial: %llu\n"
		     "generated: %s\nexpires: %s\n",
		     ix->format, ix->kernel_sha1, ix->feed[0] ? " " : "",
		     ix->feed, ix->serial, gen, exp);
	if (r < 0 || (size_t)r >= cap)
		goto fail;
	n = r;
	for (i = 0; i < ix->n; i++) {
		const struct kcl_index_level *l = &ix->levels[i];

		kc_time_format(l->release_time, rel);
		if (!l->withdrawn)
			kc_hex(sha, l->sha256, 32);
		r = snprintf(buf + n, cap - n, "level: %u %s %s %s %s\n",
			     l->level, l->id, rel, l->patch_type,
			     l->withdrawn ? "withdrawn" : sha);
		if (r < 0 || (size_t)r >= cap - n)
			goto fail;
		n += r;
	}
	return buf;
fail:
	free(buf);
	return NULL;
}

static int is_sig_line(const char *line, size_t len)
{
	return len >= 10 && !memcmp(line, "signature:", 10);
}

int kcl_index_verify(const struct kcl_keyring *kr, const char *text,
		     size_t len, size_t *body_len, char *err, size_t errlen)
{
	unsigned char blob[KCL_SIG_SIZE];
	const char *last, *p, *end;
	size_t body, llen;

	if (len > KCL_INDEX_MAX_SIZE)
		return kc_fail(err, errlen, "index larger than %u bytes",
			    KCL_INDEX_MAX_SIZE);
	if (!len || text[len - 1] != '\n')
		return kc_fail(err, errlen,
			    "index is not signed: it does not end with a signature line");
	/* The last line: after the last new line before the final one. */
	for (body = len - 1; body > 0 && text[body - 1] != '\n'; body--)
		;
	last = text + body;
	llen = len - 1 - body;

	/* Any other signature line in the body? */
	for (p = text, end = text + body; p < end;) {
		const char *nl = memchr(p, '\n', end - p);

		if (is_sig_line(p, nl - p))
			return kc_fail(err, errlen,
				    is_sig_line(last, llen) ?
				    "index has more than one signature line" :
				    "index has lines after its signature line");
		p = nl + 1;
	}
	if (!is_sig_line(last, llen))
		return kc_fail(err, errlen,
			    "index is not signed: its last line is not a signature line");
	if (llen != KCL_INDEX_SIG_LINE_LEN - 1 ||
	    memcmp(last, KCL_INDEX_SIG_PREFIX, sizeof(KCL_INDEX_SIG_PREFIX) - 1) ||
	    kc_unhex(last + 11, 16, blob + 8, KCL_KEYID_SIZE) ||
	    last[27] != ' ' ||
	    kc_unhex(last + 28, 128, blob + 16, 64))
		return kc_fail(err, errlen,
			    "malformed signature line: expected \"signature: KEYID SIG\" (16 and 128 lowercase hex)");
	memcpy(blob, KCL_SIG_MAGIC, 8);
	if (kcl_verify(kr, (const unsigned char *)text, body, blob,
		       sizeof(blob), err, errlen))
		return -1;
	if (body_len)
		*body_len = body;
	return 0;
}

int kcl_index_check(const struct kcl_index *ix, const char *kernel_sha1,
		    const char *feed, time_t now,
		    const struct kcl_index_seen *seen, char *err,
		    size_t errlen)
{
	unsigned int max_level = ix->n ? ix->levels[ix->n - 1].level : 0;
	char t[21];

	if (!feed)
		feed = "";
	if (strcmp(ix->kernel_sha1, kernel_sha1))
		return kc_fail(err, errlen,
			    "index is for kernel %s, not this one (%s)",
			    ix->kernel_sha1, kernel_sha1);
	if (strcmp(ix->feed, feed))
		return kc_fail(err, errlen,
			    "index is for feed \"%s\", not \"%s\"", ix->feed,
			    feed);
	if (now >= ix->expires) {
		kc_time_format(ix->expires, t);
		return kc_fail(err, errlen, "index expired on %s", t);
	}
	if (seen && ix->serial < seen->serial)
		return kc_fail(err, errlen,
			    "index serial %llu is older than the last accepted %llu (replayed?)",
			    ix->serial, seen->serial);
	if (seen && max_level < seen->max_level)
		return kc_fail(err, errlen,
			    "index lists levels up to %u, fewer than the %u seen before (rolled back?)",
			    max_level, seen->max_level);
	return 0;
}

int kcl_index_check_generated(const struct kcl_index *ix, time_t now,
			      char *err, size_t errlen)
{
	char t[21];

	/*
	 * An index from the future was signed with a wrong clock, or made
	 * to outlive the expiry that bounds a replay: refused either way.
	 */
	if (ix->generated > now && ix->generated - now > KCL_INDEX_MAX_SKEW) {
		kc_time_format(ix->generated, t);
		return kc_fail(err, errlen,
			    "index generated on %s, more than a day in the future (check this machine's clock, date -u, and the server's)",
			    t);
	}
	return 0;
}

int kcl_prefix_parse(const char *prefix, char *feed, size_t feedlen,
		     unsigned int *delay_hours, char *err, size_t errlen)
{
	size_t len, i;

	if (!prefix)
		prefix = "";
	len = strlen(prefix);
	*delay_hours = 0;
	if (len && prefix[len - 1] == 'h') {
		for (i = 0; i < len - 1; i++)
			if (prefix[i] < '0' || prefix[i] > '9')
				break;
		if (len > 1 && i == len - 1) {
			if (strcmp(prefix, "12h") && strcmp(prefix, "24h") &&
			    strcmp(prefix, "48h"))
				return kc_fail(err, errlen,
					    "PREFIX=%s: the delayed feeds are 12h, 24h and 48h",
					    prefix);
			*delay_hours = atoi(prefix);
			len = 0;
		}
	}
	if (!valid_feed(prefix, len))
		return kc_fail(err, errlen,
			    "PREFIX=%s: a feed name is [a-z0-9-], 1..32 (or 12h, 24h, 48h)",
			    prefix);
	if (len >= feedlen)
		return kc_fail(err, errlen, "PREFIX=%s: too long", prefix);
	if (feedlen) {
		memcpy(feed, prefix, len);
		feed[len] = '\0';
	}
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long days_from_civil(int y, unsigned int m, unsigned int d)
{
	long long era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static long long floor_div(long long a, long long b)
{
	return a / b - ((a % b) && ((a < 0) != (b < 0)));
}

int kcl_sticky_parse(const char *ddmmyy, time_t now, time_t *until,
		     char *err, size_t errlen)
{
	static const unsigned char mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned int d, m, y, dim;
	long long day, today;
	int i;

	if (!ddmmyy)
		ddmmyy = "";
	for (i = 0; i < 8; i++)
		if (ddmmyy[i] < '0' || ddmmyy[i] > '9')
			break;
	/* The seed's labels are DDMMYY and, on its portal, DDMMYYYY. */
	if ((i != 6 && i != 8) || ddmmyy[i])
		return kc_fail(err, errlen,
			    "STICKY_PATCH=%.80s: expected a date as DDMMYY or DDMMYYYY",
			    ddmmyy);
	d = (ddmmyy[0] - '0') * 10 + ddmmyy[1] - '0';
	m = (ddmmyy[2] - '0') * 10 + ddmmyy[3] - '0';
	y = (ddmmyy[4] - '0') * 10 + ddmmyy[5] - '0';
	if (i == 8)
		y = y * 100 + (ddmmyy[6] - '0') * 10 + ddmmyy[7] - '0';
	else
		y += 2000;
	if (y < 2000 || y > 2099)
		return kc_fail(err, errlen, "STICKY_PATCH=%s: no patchsets in %u",
			    ddmmyy, y);
	if (m < 1 || m > 12)
		return kc_fail(err, errlen, "STICKY_PATCH=%s: no month %u",
			    ddmmyy, m);
	dim = mdays[m - 1] + (m == 2 && y % 4 == 0 &&
			      (y % 100 != 0 || y % 400 == 0));
	if (d < 1 || d > dim)
		return kc_fail(err, errlen, "STICKY_PATCH=%s: no day %u in %04u-%02u",
			    ddmmyy, d, y, m);
	day = days_from_civil(y, m, d);
	today = floor_div(now, 86400);
	if (day > today)
		return kc_fail(err, errlen, "STICKY_PATCH=%s is in the future",
			    ddmmyy);
	/* Today's patchsets may still be replaced: only a finished day pins. */
	if (day == today)
		return kc_fail(err, errlen,
			    "STICKY_PATCH=%s is today (expected yesterday or an earlier day)",
			    ddmmyy);
	if (day < today - KCL_STICKY_MAX_DAYS)
		return kc_fail(err, errlen,
			    "STICKY_PATCH=%s is more than %d days ago",
			    ddmmyy, KCL_STICKY_MAX_DAYS);
	*until = (time_t)((day + 1) * 86400);
	return 0;
}

static int accepts(const char *client, const char *type)
{
	if (!client || !client[0])
		client = "default";
	return !strcmp(type, "default") || !strcmp(type, client);
}

const struct kcl_index_level *kcl_index_select(const struct kcl_index *ix,
					       const struct kcl_select *sel,
					       time_t now, char *why,
					       size_t whylen)
{
	const char *type = sel->patch_type && sel->patch_type[0] ?
			   sel->patch_type : "default";
	size_t candidates = 0, i, n;
	char date[11], sticky[7];
	struct tm tm;
	time_t t;

	for (i = ix->n; i-- > 0;) {
		const struct kcl_index_level *l = &ix->levels[i];

		if (l->withdrawn || !accepts(type, l->patch_type))
			continue;
		candidates++;
		if (sel->delay_hours &&
		    (long long)l->release_time + sel->delay_hours * 3600LL >
		    (long long)now)
			continue;
		if (sel->sticky_until && l->release_time >= sel->sticky_until)
			continue;
		return l;
	}

	if (!why || !whylen)
		return NULL;
	if (!ix->n) {
		kc_fail(why, whylen, "the index lists no level");
		return NULL;
	}
	if (!candidates) {
		if (!strcmp(type, "default"))
			kc_fail(why, whylen,
			     "no level of patch type default that is not withdrawn");
		else
			kc_fail(why, whylen,
			     "no level of patch type %s or default that is not withdrawn",
			     type);
		return NULL;
	}
	n = snprintf(why, whylen, "no level");
	if (sel->delay_hours && n < whylen)
		n += snprintf(why + n, whylen - n, " older than %u hours",
			      sel->delay_hours);
	if (sel->sticky_until && n < whylen) {
		t = sel->sticky_until;
		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		t = sel->sticky_until - 86400;
		gmtime_r(&t, &tm);
		strftime(sticky, sizeof(sticky), "%d%m%y", &tm);
		n += snprintf(why + n, whylen - n,
			      "%s released before %s (sticky %s)",
			      sel->delay_hours ? " and" : "", date, sticky);
	}
	return NULL;
}
