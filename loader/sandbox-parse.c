// SPDX-License-Identifier: GPL-2.0
/*
 * Patchsets and indexes parsed in the sandbox (sandbox-parse.h): what the
 * confined child does with the downloaded bytes, and how the parent checks
 * what comes back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "sandbox-parse.h"
#include "util.h"

/* The mandatory entries, and each payload with its size and SHA-256. */
static int kcl_check_patchset(const struct kcl_archive *ar,
			      const struct kcl_manifest *m, char *err,
			      size_t errlen)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	const struct kcl_entry *e;
	size_t i;

	if (!kcl_archive_find(ar, "manifest"))
		return kc_fail(err, errlen, "the patchset has no manifest entry");
	if (!kcl_archive_find(ar, "cves.txt"))
		return kc_fail(err, errlen, "the patchset has no cves.txt entry");
	for (i = 0; i < m->npayloads; i++) {
		e = kcl_archive_find(ar, m->payloads[i].file);
		if (!e)
			return kc_fail(err, errlen, "payload %s is missing from the patchset",
					m->payloads[i].file);
		if (e->size != m->payloads[i].size)
			return kc_fail(err, errlen, "payload %s is %zu bytes, the manifest says %zu",
					e->name, e->size, m->payloads[i].size);
		SHA256(e->data, e->size, md);
		if (memcmp(md, m->payloads[i].sha256, sizeof(md)))
			return kc_fail(err, errlen, "payload %s does not match its SHA-256 in the manifest",
					e->name);
	}
	/* Documentation/formats.md lists every entry: nothing else rides along. */
	for (i = 0; i < ar->n; i++) {
		const char *name = ar->entries[i].name;
		size_t j;

		if (!strcmp(name, "manifest") || !strcmp(name, "cves.txt"))
			continue;
		for (j = 0; j < m->npayloads; j++)
			if (!strcmp(name, m->payloads[j].file))
				break;
		if (j == m->npayloads)
			return kc_fail(err, errlen,
					"the patchset has an entry %s that is neither the manifest, cves.txt nor a payload of the manifest (Documentation/formats.md)",
					name);
	}
	return 0;
}

/*
 * In the child: unpack, parse, check; the result is the canonical manifest
 * text, the number of entries and each entry (u16 name length, name, u32
 * size, data).
 */
static int kcl_patchset_child(const void *in, size_t inlen, void *arg,
			      struct kc_sbuf *out)
{
	struct kcl_archive ar;
	struct kcl_manifest m;
	const struct kcl_entry *e;
	char err[512], msg[600];
	char *canon;
	size_t i;

	if (kcl_archive_unpack(in, inlen, &ar, err, sizeof(err)))
		return kc_sbuf_fail(out, err);
	e = kcl_archive_find(&ar, "manifest");
	if (!e)
		return kc_sbuf_fail(out, "the patchset has no manifest entry");
	if (kcl_manifest_parse((const char *)e->data, e->size,
			       KCL_MANIFEST_BUILT, &m, err, sizeof(err))) {
		snprintf(msg, sizeof(msg), "manifest: %s", err);
		return kc_sbuf_fail(out, msg);
	}
	if (kcl_check_patchset(&ar, &m, err, sizeof(err)))
		return kc_sbuf_fail(out, err);
	canon = kcl_manifest_format(&m);
	if (!canon)
		return kc_sbuf_fail(out, "out of memory");
	kc_sbuf_blob(out, canon, strlen(canon));
	kc_sbuf_u32(out, ar.n);
	for (i = 0; i < ar.n; i++) {
		kc_sbuf_u16(out, strlen(ar.entries[i].name));
		kc_sbuf_add(out, ar.entries[i].name, strlen(ar.entries[i].name));
		kc_sbuf_blob(out, ar.entries[i].data, ar.entries[i].size);
	}
	return 0;
}

static bool kcl_good_name(const unsigned char *s, size_t len)
{
	size_t i;

	if (!len || len > KCL_ARCHIVE_NAME_MAX ||
	    (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

/* In the parent: the child's entries, read and checked again. */
static int kcl_read_entries(struct kc_sread *r, struct kcl_archive *ar)
{
	const unsigned char *name, *data;
	uint32_t n, i;
	uint16_t nlen;
	size_t size, j;

	if (kc_sread_u32(r, &n) || n > KCL_ARCHIVE_MAX_ENTRIES)
		return -1;
	ar->entries = calloc(n ? n : 1, sizeof(*ar->entries));
	if (!ar->entries)
		return -1;
	for (i = 0; i < n; i++) {
		if (kc_sread_u16(r, &nlen) || kc_sread_bytes(r, nlen, &name) ||
		    !kcl_good_name(name, nlen) || kc_sread_blob(r, &data, &size) ||
		    size > KCL_ARCHIVE_MAX_SIZE)
			return -1;
		memcpy(ar->entries[i].name, name, nlen);
		ar->entries[i].name[nlen] = '\0';
		for (j = 0; j < i; j++)
			if (!strcmp(ar->entries[j].name, ar->entries[i].name))
				return -1;
		ar->entries[i].data = malloc(size ? size : 1);
		if (!ar->entries[i].data)
			return -1;
		memcpy(ar->entries[i].data, data, size);
		ar->entries[i].size = size;
		ar->n = i + 1;
	}
	return r->left ? -1 : 0;
}

int kcl_sandbox_decode_patchset(const unsigned char *res, size_t reslen,
				struct kcl_archive *ar, struct kcl_manifest *m,
				char *err, size_t errlen)
{
	struct kc_sread r;
	const unsigned char *canon;
	size_t clen;
	char merr[512];

	memset(ar, 0, sizeof(*ar));
	memset(m, 0, sizeof(*m));
	r.p = res;
	r.left = reslen;
	if (kc_sread_blob(&r, &canon, &clen) || kcl_read_entries(&r, ar)) {
		kc_fail(err, errlen, "the parser returned a malformed result");
		goto fail;
	}
	if (kcl_manifest_parse((const char *)canon, clen, KCL_MANIFEST_BUILT,
			       m, merr, sizeof(merr))) {
		kc_fail(err, errlen, "the parser returned a bad manifest: %s", merr);
		goto fail;
	}
	if (kcl_check_patchset(ar, m, err, errlen)) {
		kcl_manifest_free(m);
		memset(m, 0, sizeof(*m));
		goto fail;
	}
	return 0;
fail:
	kcl_archive_free(ar);
	memset(ar, 0, sizeof(*ar));
	return -1;
}

int kcl_sandbox_unpack_patchset(const unsigned char *buf, size_t len,
				struct kcl_archive *ar, struct kcl_manifest *m,
				char *err, size_t errlen)
{
	unsigned char *res;
	size_t reslen;
	int rc;

	memset(ar, 0, sizeof(*ar));
	memset(m, 0, sizeof(*m));
	if (kc_sandbox_run(kcl_patchset_child, buf, len, NULL, &res, &reslen,
			    err, errlen))
		return -1;
	rc = kcl_sandbox_decode_patchset(res, reslen, ar, m, err, errlen);
	free(res);
	return rc;
}

/* ---- the index ---- */

static int kcl_index_child(const void *in, size_t inlen, void *arg,
			   struct kc_sbuf *out)
{
	struct kcl_index ix;
	char err[512], *canon;

	if (kcl_index_parse(in, inlen, &ix, err, sizeof(err)))
		return kc_sbuf_fail(out, err);
	canon = kcl_index_format(&ix);
	if (!canon)
		return kc_sbuf_fail(out, "out of memory");
	kc_sbuf_add(out, canon, strlen(canon));
	return 0;
}

int kcl_sandbox_parse_index(const char *text, size_t len,
			    struct kcl_index *ix, char *err, size_t errlen)
{
	unsigned char *res;
	size_t reslen;
	char ierr[512];
	int ret;

	memset(ix, 0, sizeof(*ix));
	if (kc_sandbox_run(kcl_index_child, text, len, NULL, &res, &reslen,
			    err, errlen))
		return -1;
	ret = kcl_index_parse((const char *)res, reslen, ix, ierr, sizeof(ierr));
	if (ret)
		kc_fail(err, errlen, "the parser returned a bad index: %s", ierr);
	free(res);
	return ret;
}
