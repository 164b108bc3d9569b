// SPDX-License-Identifier: GPL-2.0
/*
 * The manifest of a patchset file and the author's metadata file
 * (Documentation/formats.md); the CVE list derived from it is
 * manifest-cve.c.
 *
 * The parser accepts exactly one spelling of each manifest, give or take
 * comments and empty lines: every key in its place, once, with a value in
 * its own strict syntax. So what a client reads is what the publisher
 * signed, and kcl_manifest_format() can give back the canonical text.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive.h"
#include "manifest.h"
#include "manifest-int.h"
#include "util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define KCL_MANIFEST_ID_MAX	48
#define KCL_MANIFEST_NAME_MAX	48	/* patch names and sysctls */
#define KCL_MANIFEST_VERSION_MAX 64	/* effective-version, kernel-release */
#define KCL_MANIFEST_BUILD_ID_MAX 128

enum kcl_mkey {
	/* the header, in order */
	K_FORMAT,
	K_ID,
	K_LEVEL,
	K_PATCH_TYPE,
	K_EFFECTIVE_VERSION,
	K_ARCH,
	K_KERNEL_RELEASE,
	K_KERNEL_SHA1,
	K_KERNEL_BUILD_ID,
	K_BUILD_TIME,
	K_RELEASE_TIME,
	K_PAYLOAD,
	/* a [patch NAME] section, in order */
	K_DESCRIPTION,
	K_CVE,
	K_CVSS,
	K_CVE_URL,
	K_PATCH_URL,
	K_SYSCTL,
	K_NR,
};

static const char * const kcl_mkey_names[K_NR] = {
	[K_FORMAT] = "format",
	[K_ID] = "id",
	[K_LEVEL] = "level",
	[K_PATCH_TYPE] = "patch-type",
	[K_EFFECTIVE_VERSION] = "effective-version",
	[K_ARCH] = "arch",
	[K_KERNEL_RELEASE] = "kernel-release",
	[K_KERNEL_SHA1] = "kernel-sha1",
	[K_KERNEL_BUILD_ID] = "kernel-build-id",
	[K_BUILD_TIME] = "build-time",
	[K_RELEASE_TIME] = "release-time",
	[K_PAYLOAD] = "payload",
	[K_DESCRIPTION] = "description",
	[K_CVE] = "cve",
	[K_CVSS] = "cvss",
	[K_CVE_URL] = "cve-url",
	[K_PATCH_URL] = "patch-url",
	[K_SYSCTL] = "sysctl",
};

/* The keys of each kind of section, each required, in this order. */
static const enum kcl_mkey kcl_built_header[] = {
	K_FORMAT, K_ID, K_LEVEL, K_PATCH_TYPE, K_EFFECTIVE_VERSION, K_ARCH,
	K_KERNEL_RELEASE, K_KERNEL_SHA1, K_KERNEL_BUILD_ID, K_BUILD_TIME,
	K_RELEASE_TIME, K_PAYLOAD,
};
static const enum kcl_mkey kcl_author_header[] = {
	K_FORMAT, K_ID, K_PATCH_TYPE, K_EFFECTIVE_VERSION,
};
static const enum kcl_mkey kcl_patch_keys[] = {
	K_DESCRIPTION, K_CVE, K_CVSS, K_CVE_URL, K_PATCH_URL, K_SYSCTL,
};

/* The parser's state: where it is, and the manifest built so far. */
struct kcl_mparse {
	enum kcl_manifest_kind kind;
	size_t line;
	const enum kcl_mkey *keys;	/* of the current section */
	size_t nkeys;
	size_t pos;			/* keys of it seen so far */
	struct kcl_manifest m;
	char *err;
	size_t errlen;
};

static __printf(2, 3) int kcl_mbad(struct kcl_mparse *p, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!p->err || !p->errlen)
		return -1;
	if (p->line)
		n = snprintf(p->err, p->errlen, "line %zu: ", p->line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* [a-z0-9_], 1..@max: patch names and sysctls. */
static bool is_name(const char *s, size_t len, size_t max)
{
	size_t i;

	if (!len || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Printable, no blank: effective-version, kernel-release. */
static bool is_word(const char *s, size_t len, size_t max)
{
	size_t i;

	if (!len || len > max)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/* A decimal number without leading zero, at most @max. */
static bool parse_number(const char *s, size_t len, uint64_t max,
			 uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!len || len > 19 || (s[0] == '0' && len > 1))
		return false;
	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

/* "CVE-YYYY-NNNN[N...]" ids separated by single spaces, or nothing. */
static bool is_cve_list(const char *s, size_t len)
{
	size_t i = 0, start, n;

	while (i < len) {
		if (i && s[i++] != ' ')
			return false;
		start = i;
		if (!has_prefix(s + i, len - i, "CVE-"))
			return false;
		i += 4;
		for (n = 0; i < len && is_digit(s[i]); i++)
			n++;
		if (n != 4 || i >= len || s[i++] != '-')
			return false;
		for (n = 0; i < len && is_digit(s[i]); i++)
			n++;
		if (n < 4 || (i < len && s[i] != ' ') || i == start)
			return false;
	}
	return true;
}

/* A CVSS base score, "0.0" to "10.0", or nothing. */
static bool is_cvss(const char *s, size_t len)
{
	if (!len)
		return true;
	if (len == 4)
		return !memcmp(s, "10.0", 4);
	return len == 3 && is_digit(s[0]) && s[1] == '.' && is_digit(s[2]);
}

/* An http(s) URL without blanks, or nothing. */
static bool is_url(const char *s, size_t len)
{
	size_t i, n;

	if (!len)
		return true;
	if (has_prefix(s, len, "https://"))
		n = 8;
	else if (has_prefix(s, len, "http://"))
		n = 7;
	else
		return false;
	if (len == n)
		return false;
	for (i = n; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

/*
 * An archive entry name ending in ".ko", or in ".o" for a user-space
 * patch type (libcare patch objects).
 */
static bool is_payload_file(const char *s, size_t len, bool user)
{
	const char *ext = user ? ".o" : ".ko";
	size_t elen = strlen(ext), i;

	if (len <= elen || len > KCL_ARCHIVE_NAME_MAX ||
	    memcmp(s + len - elen, ext, elen))
		return false;
	for (i = 0; i < len; i++)
		if (!is_alnum(s[i]) && s[i] != '.' && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

bool kcl_patch_type_user(const char *type)
{
	return type && (!strcmp(type, "libs") || !strcmp(type, "qemu") ||
			!strcmp(type, "db"));
}

static int kcl_mdup(struct kcl_mparse *p, char **dst, const char *s,
		    size_t len)
{
	*dst = strndup(s, len);
	return *dst ? 0 : kcl_mbad(p, "out of memory");
}

static int kcl_mtime(struct kcl_mparse *p, enum kcl_mkey key, time_t *t,
		     const char *v, size_t len)
{
	char buf[21];

	if (len != 20)
		goto bad;
	memcpy(buf, v, 20);
	buf[20] = '\0';
	if (!kc_time_parse(buf, t))
		return 0;
bad:
	return kcl_mbad(p, "%s must be a UTC time YYYY-MM-DDTHH:MM:SSZ between 2000 and 2999",
			kcl_mkey_names[key]);
}

static int kcl_mpayload(struct kcl_mparse *p, const char *v, size_t len)
{
	struct kcl_manifest *m = &p->m;
	const char *sp1, *sp2, *sha;
	struct kcl_payload_ref *refs, *r;
	size_t flen, i;
	uint64_t size;

	sp1 = memchr(v, ' ', len);
	sp2 = sp1 ? memchr(sp1 + 1, ' ', v + len - sp1 - 1) : NULL;
	if (!sp2)
		return kcl_mbad(p, "payload must be 'FILE SIZE SHA256'");
	flen = sp1 - v;
	sha = sp2 + 1;
	if (!is_payload_file(v, flen, kcl_patch_type_user(m->patch_type)))
		return kcl_mbad(p, "payload file must be an entry name ending in %s ([A-Za-z0-9._-], at most %d characters)",
				kcl_patch_type_user(m->patch_type) ? ".o" : ".ko",
				KCL_ARCHIVE_NAME_MAX);
	if (!parse_number(sp1 + 1, sp2 - sp1 - 1, KCL_ARCHIVE_MAX_SIZE, &size) ||
	    !size)
		return kcl_mbad(p, "payload size must be a number from 1 to %u",
				KCL_ARCHIVE_MAX_SIZE);
	if (v + len - sha != 64 || !kc_all_hex(sha, 64))
		return kcl_mbad(p, "payload SHA-256 must be 64 lowercase hex digits");
	for (i = 0; i < m->npayloads; i++)
		if (strlen(m->payloads[i].file) == flen &&
		    !memcmp(m->payloads[i].file, v, flen))
			return kcl_mbad(p, "payload '%.*s' listed twice",
					(int)flen, v);
	if (m->npayloads == KCL_MANIFEST_MAX_PAYLOADS)
		return kcl_mbad(p, "more than %d payloads",
				KCL_MANIFEST_MAX_PAYLOADS);
	refs = realloc(m->payloads, (m->npayloads + 1) * sizeof(*refs));
	if (!refs)
		return kcl_mbad(p, "out of memory");
	m->payloads = refs;
	r = &refs[m->npayloads];
	memset(r, 0, sizeof(*r));
	if (kcl_mdup(p, &r->file, v, flen))
		return -1;
	m->npayloads++;
	r->size = size;
	/* Checked above: 64 lowercase hex digits. */
	kc_unhex(sha, 64, r->sha256, sizeof(r->sha256));
	return 0;
}

/* Check and store the value @v (@len bytes) of @key. */
static int kcl_mvalue(struct kcl_mparse *p, enum kcl_mkey key, const char *v,
		      size_t len)
{
	struct kcl_manifest *m = &p->m;
	struct kcl_patch_meta *pm = m->npatches ? &m->patches[m->npatches - 1] : NULL;
	uint64_t n;

	switch (key) {
	case K_FORMAT:
		if (len != 1 || v[0] != '0' + KCL_MANIFEST_FORMAT)
			return kcl_mbad(p, "unsupported format '%.*s' (this client reads format %d)",
					(int)(len > 16 ? 16 : len), v,
					KCL_MANIFEST_FORMAT);
		m->format = KCL_MANIFEST_FORMAT;
		return 0;
	case K_ID:
		for (n = 0; n < len; n++)
			if (!is_alnum(v[n]) && v[n] != '_')
				break;
		if (!len || len > KCL_MANIFEST_ID_MAX || n < len)
			return kcl_mbad(p, "id must be 1 to %d characters of [A-Za-z0-9_]",
					KCL_MANIFEST_ID_MAX);
		return kcl_mdup(p, &m->id, v, len);
	case K_LEVEL:
		if (!parse_number(v, len, UINT32_MAX, &n) || !n)
			return kcl_mbad(p, "level must be a number from 1 to 4294967295");
		m->level = n;
		return 0;
	case K_PATCH_TYPE:
		if (!((len == 7 && !memcmp(v, "default", 7)) ||
		      (len == 5 && !memcmp(v, "extra", 5)) ||
		      (len == 4 && !memcmp(v, "free", 4)) ||
		      (len == 4 && !memcmp(v, "libs", 4)) ||
		      (len == 4 && !memcmp(v, "qemu", 4)) ||
		      (len == 2 && !memcmp(v, "db", 2))))
			return kcl_mbad(p, "patch-type must be default, extra, free, libs, qemu or db");
		return kcl_mdup(p, &m->patch_type, v, len);
	case K_EFFECTIVE_VERSION:
	case K_KERNEL_RELEASE:
		if (!is_word(v, len, KCL_MANIFEST_VERSION_MAX))
			return kcl_mbad(p, "%s must be 1 to %d printable characters without blanks",
					kcl_mkey_names[key],
					KCL_MANIFEST_VERSION_MAX);
		return kcl_mdup(p, key == K_KERNEL_RELEASE ? &m->kernel_release :
				&m->effective_version, v, len);
	case K_ARCH:
		if (!((len == 6 && !memcmp(v, "x86_64", 6)) ||
		      (len == 5 && !memcmp(v, "arm64", 5))))
			return kcl_mbad(p, "arch must be x86_64 or arm64");
		return kcl_mdup(p, &m->arch, v, len);
	case K_KERNEL_SHA1:
		if (len != 40 || !kc_all_hex(v, len))
			return kcl_mbad(p, "kernel-sha1 must be 40 lowercase hex digits");
		return kcl_mdup(p, &m->kernel_sha1, v, len);
	case K_KERNEL_BUILD_ID:
		if (len < 2 || len > KCL_MANIFEST_BUILD_ID_MAX || len % 2 ||
		    !kc_all_hex(v, len))
			return kcl_mbad(p, "kernel-build-id must be an even number (2 to %d) of lowercase hex digits",
					KCL_MANIFEST_BUILD_ID_MAX);
		return kcl_mdup(p, &m->kernel_build_id, v, len);
	case K_BUILD_TIME:
		return kcl_mtime(p, key, &m->build_time, v, len);
	case K_RELEASE_TIME:
		return kcl_mtime(p, key, &m->release_time, v, len);
	case K_PAYLOAD:
		return kcl_mpayload(p, v, len);
	case K_DESCRIPTION:
		if (!len)
			return kcl_mbad(p, "description must not be empty");
		return kcl_mdup(p, &pm->description, v, len);
	case K_CVE:
		if (!is_cve_list(v, len))
			return kcl_mbad(p, "cve must be CVE ids (CVE-YYYY-NNNN) separated by single spaces, or empty");
		return kcl_mdup(p, &pm->cve, v, len);
	case K_CVSS:
		if (!is_cvss(v, len))
			return kcl_mbad(p, "cvss must be a score from 0.0 to 10.0 with one decimal, or empty");
		return kcl_mdup(p, &pm->cvss, v, len);
	case K_CVE_URL:
	case K_PATCH_URL:
		if (!is_url(v, len))
			return kcl_mbad(p, "%s must be an http:// or https:// URL without blanks, or empty",
					kcl_mkey_names[key]);
		return kcl_mdup(p, key == K_CVE_URL ? &pm->cve_url :
				&pm->patch_url, v, len);
	case K_SYSCTL:
		if (len && !is_name(v, len, KCL_MANIFEST_NAME_MAX))
			return kcl_mbad(p, "sysctl must be empty or 1 to %d characters of [a-z0-9_]",
					KCL_MANIFEST_NAME_MAX);
		return kcl_mdup(p, &pm->sysctl, v, len);
	case K_NR:
		break;
	}
	return kcl_mbad(p, "internal error: key %d", key);
}

static bool in_keys(const enum kcl_mkey *keys, size_t n, enum kcl_mkey key,
		    size_t *idx)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (keys[i] == key) {
			if (idx)
				*idx = i;
			return true;
		}
	}
	return false;
}

static const char *kcl_msection(const struct kcl_mparse *p)
{
	return p->keys == kcl_patch_keys ? p->m.patches[p->m.npatches - 1].name :
	       NULL;
}

static int kcl_mkeyline(struct kcl_mparse *p, const char *k, size_t klen,
			const char *v, size_t vlen)
{
	const char *patch = kcl_msection(p);
	enum kcl_mkey key;
	size_t i, idx;

	for (i = 0; i < klen; i++)
		if (!is_lower_alnum(k[i]) && k[i] != '-')
			break;
	if (!klen || i < klen)
		return kcl_mbad(p, "invalid key '%.*s' (keys are [a-z0-9-])",
				(int)(klen > 64 ? 64 : klen), k);
	for (key = 0; key < K_NR; key++)
		if (strlen(kcl_mkey_names[key]) == klen &&
		    !memcmp(kcl_mkey_names[key], k, klen))
			break;
	if (key == K_NR)
		return kcl_mbad(p, "unknown key '%.*s'",
				(int)(klen > 64 ? 64 : klen), k);
	if (!in_keys(p->keys, p->nkeys, key, &idx)) {
		if (patch && key < K_DESCRIPTION)
			return kcl_mbad(p, "key '%s' belongs in the header, not in [patch %s]",
					kcl_mkey_names[key], patch);
		if (!patch && key >= K_DESCRIPTION)
			return kcl_mbad(p, "key '%s' outside a [patch NAME] section",
					kcl_mkey_names[key]);
		return kcl_mbad(p, "key '%s' is added by the build: not allowed in an author's file",
				kcl_mkey_names[key]);
	}
	if (key == K_PAYLOAD && idx + 1 == p->pos)
		return kcl_mvalue(p, key, v, vlen);
	if (idx < p->pos)
		return kcl_mbad(p, "key '%s' given twice", kcl_mkey_names[key]);
	if (idx > p->pos)
		return kcl_mbad(p, "missing key '%s' (expected before '%s')",
				kcl_mkey_names[p->keys[p->pos]],
				kcl_mkey_names[key]);
	p->pos++;
	return kcl_mvalue(p, key, v, vlen);
}

/* Check that the current section has all its keys. */
static int kcl_mend_section(struct kcl_mparse *p)
{
	const char *patch = kcl_msection(p);

	if (p->pos == p->nkeys)
		return 0;
	if (patch)
		return kcl_mbad(p, "missing key '%s' in [patch %s]",
				kcl_mkey_names[p->keys[p->pos]], patch);
	return kcl_mbad(p, "missing key '%s'", kcl_mkey_names[p->keys[p->pos]]);
}

static int kcl_msection_line(struct kcl_mparse *p, const char *s, size_t len)
{
	struct kcl_manifest *m = &p->m;
	struct kcl_patch_meta *patches;
	const char *name = s + 7;
	size_t nlen = len - 8, i;

	if (len < 8 || !has_prefix(s, len, "[patch ") || s[len - 1] != ']')
		return kcl_mbad(p, "expected a section header '[patch NAME]'");
	if (!is_name(name, nlen, KCL_MANIFEST_NAME_MAX))
		return kcl_mbad(p, "patch name must be 1 to %d characters of [a-z0-9_]",
				KCL_MANIFEST_NAME_MAX);
	if (kcl_mend_section(p))
		return -1;
	for (i = 0; i < m->npatches; i++)
		if (strlen(m->patches[i].name) == nlen &&
		    !memcmp(m->patches[i].name, name, nlen))
			return kcl_mbad(p, "patch '%.*s' appears twice",
					(int)nlen, name);
	if (m->npatches == KCL_MANIFEST_MAX_PATCHES)
		return kcl_mbad(p, "more than %d patches",
				KCL_MANIFEST_MAX_PATCHES);
	patches = realloc(m->patches, (m->npatches + 1) * sizeof(*patches));
	if (!patches)
		return kcl_mbad(p, "out of memory");
	m->patches = patches;
	memset(&patches[m->npatches], 0, sizeof(*patches));
	m->npatches++;
	p->keys = kcl_patch_keys;
	p->nkeys = ARRAY_SIZE(kcl_patch_keys);
	p->pos = 0;
	return kcl_mdup(p, &patches[m->npatches - 1].name, name, nlen);
}

static int kcl_mline(struct kcl_mparse *p, const char *s, size_t len)
{
	const char *colon, *v;
	size_t vlen;

	if (!len || s[0] == '#')
		return 0;
	if (s[0] == '[')
		return kcl_msection_line(p, s, len);
	colon = memchr(s, ':', len);
	if (!colon)
		return kcl_mbad(p, "expected 'key: value' or '[patch NAME]'");
	v = colon + 1;
	vlen = s + len - v;
	if (vlen) {
		if (v[0] != ' ' || vlen == 1 || v[1] == ' ')
			return kcl_mbad(p, "exactly one space must follow the colon (an empty value is written 'key:')");
		v++;
		vlen--;
	}
	return kcl_mkeyline(p, s, colon - s, v, vlen);
}

int kcl_manifest_parse(const char *text, size_t len,
		       enum kcl_manifest_kind kind, struct kcl_manifest *m,
		       char *err, size_t errlen)
{
	struct kcl_mparse p = {
		.kind = kind,
		.line = 0,
		.err = err,
		.errlen = errlen,
	};
	size_t i, start;

	memset(m, 0, sizeof(*m));
	if (kind == KCL_MANIFEST_AUTHOR) {
		p.keys = kcl_author_header;
		p.nkeys = ARRAY_SIZE(kcl_author_header);
	} else {
		p.keys = kcl_built_header;
		p.nkeys = ARRAY_SIZE(kcl_built_header);
	}
	if (len > KCL_MANIFEST_MAX_SIZE)
		return kcl_mbad(&p, "manifest larger than %u KiB",
				KCL_MANIFEST_MAX_SIZE >> 10);
	/* printable ASCII and new lines only, the last line ended */
	p.line = 1;
	for (i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (c == '\n')
			p.line++;
		else if (c < ' ' || c > '~')
			return kcl_mbad(&p, "character 0x%02x not allowed (printable ASCII only)",
					c);
	}
	if (len && text[len - 1] != '\n')
		return kcl_mbad(&p, "the last line does not end with a new line");

	p.line = 0;
	for (start = 0; start < len; start = i + 1) {
		i = (const char *)memchr(text + start, '\n', len - start) - text;
		p.line++;
		if (kcl_mline(&p, text + start, i - start))
			goto err;
	}
	p.line = 0;
	if (kcl_mend_section(&p))
		goto err;
	if (!p.m.npatches) {
		kcl_mbad(&p, "no [patch NAME] section: at least one patch is required");
		goto err;
	}
	*m = p.m;
	return 0;
err:
	kcl_manifest_free(&p.m);
	return -1;
}

bool kcl_manifest_is_author(const struct kcl_manifest *m)
{
	return !m->level && !m->arch && !m->kernel_release &&
	       !m->kernel_sha1 && !m->kernel_build_id && !m->npayloads;
}

const char *kcl_mstr(const char *s)
{
	return s ? s : "";
}

void kcl_mput_kv(FILE *f, const char *key, const char *value)
{
	value = kcl_mstr(value);
	fprintf(f, "%s:%s%s\n", key, *value ? " " : "", value);
}

char *kcl_mclose(FILE *f, char **buf)
{
	bool bad = ferror(f);

	if (fclose(f) || bad) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

char *kcl_manifest_format(const struct kcl_manifest *m)
{
	char *buf = NULL, t[21];
	size_t len, i, j;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "format: %u\n", m->format);
	kcl_mput_kv(f, "id", m->id);
	if (!kcl_manifest_is_author(m))
		fprintf(f, "level: %u\n", m->level);
	kcl_mput_kv(f, "patch-type", m->patch_type);
	kcl_mput_kv(f, "effective-version", m->effective_version);
	if (!kcl_manifest_is_author(m)) {
		kcl_mput_kv(f, "arch", m->arch);
		kcl_mput_kv(f, "kernel-release", m->kernel_release);
		kcl_mput_kv(f, "kernel-sha1", m->kernel_sha1);
		kcl_mput_kv(f, "kernel-build-id", m->kernel_build_id);
		kc_time_format(m->build_time, t);
		kcl_mput_kv(f, "build-time", t);
		kc_time_format(m->release_time, t);
		kcl_mput_kv(f, "release-time", t);
		for (i = 0; i < m->npayloads; i++) {
			fprintf(f, "payload: %s %zu ", kcl_mstr(m->payloads[i].file),
				m->payloads[i].size);
			for (j = 0; j < 32; j++)
				fprintf(f, "%02x", m->payloads[i].sha256[j]);
			fputc('\n', f);
		}
	}
	for (i = 0; i < m->npatches; i++) {
		const struct kcl_patch_meta *pm = &m->patches[i];

		fprintf(f, "\n[patch %s]\n", kcl_mstr(pm->name));
		kcl_mput_kv(f, "description", pm->description);
		kcl_mput_kv(f, "cve", pm->cve);
		kcl_mput_kv(f, "cvss", pm->cvss);
		kcl_mput_kv(f, "cve-url", pm->cve_url);
		kcl_mput_kv(f, "patch-url", pm->patch_url);
		kcl_mput_kv(f, "sysctl", pm->sysctl);
	}
	return kcl_mclose(f, &buf);
}

static void kcl_patch_meta_free(struct kcl_patch_meta *pm)
{
	free(pm->name);
	free(pm->description);
	free(pm->cve);
	free(pm->cvss);
	free(pm->cve_url);
	free(pm->patch_url);
	free(pm->sysctl);
}

void kcl_manifest_free(struct kcl_manifest *m)
{
	size_t i;

	if (!m)
		return;
	free(m->id);
	free(m->patch_type);
	free(m->effective_version);
	free(m->arch);
	free(m->kernel_release);
	free(m->kernel_sha1);
	free(m->kernel_build_id);
	for (i = 0; i < m->npayloads; i++)
		free(m->payloads[i].file);
	free(m->payloads);
	for (i = 0; i < m->npatches; i++)
		kcl_patch_meta_free(&m->patches[i]);
	free(m->patches);
	memset(m, 0, sizeof(*m));
}
