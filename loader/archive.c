// SPDX-License-Identifier: GPL-2.0
/*
 * The patchset file (Documentation/formats.md): a 16-byte header, then a
 * zlib stream of the body, a sequence of named entries.
 *
 * The file comes from the network: its signature is checked before it is
 * unpacked, but the unpacker is written as if it were not. The declared
 * inflated size bounds every allocation, the inflated body must be exactly
 * that long, and nothing may follow the zlib stream, so that one patchset
 * has one encoding.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "archive.h"
#include "util.h"


/* The first allocation for the inflated body; it doubles up to the size. */
#define KCL_ARCHIVE_FIRST_CHUNK	(1u << 20)

static uint16_t get_le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Why @name (@len bytes, not terminated) cannot name an entry, or NULL
 * when it can.
 */
const char *kcl_archive_bad_name(const unsigned char *name, size_t len)
{
	size_t i;

	if (!len)
		return "empty name";
	if (len > KCL_ARCHIVE_NAME_MAX)
		return "name longer than 64 bytes";
	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return "invalid character in name (allowed: A-Z a-z 0-9 . _ -)";
	}
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return "name '.' or '..' is not allowed";
	return NULL;
}

/*
 * Inflate the zlib stream @in (@len bytes) into exactly @size bytes, or
 * fail: the output never grows beyond @size, a stream that would write
 * more, less, or that is followed by anything, is refused.
 */
static int kcl_archive_inflate(const unsigned char *in, size_t len,
			       size_t size, unsigned char **bodyp, char *err,
			       size_t errlen)
{
	size_t cap = size < KCL_ARCHIVE_FIRST_CHUNK ? size : KCL_ARCHIVE_FIRST_CHUNK;
	unsigned char *body, *bigger, spill;
	z_stream zs = { 0 };
	size_t in_left = len;
	int ret;

	*bodyp = NULL;
	body = malloc(cap ? cap : 1);
	if (!body)
		return kc_fail(err, errlen, "out of memory");
	ret = inflateInit(&zs);
	if (ret != Z_OK) {
		free(body);
		return kc_fail(err, errlen, "out of memory");
	}
	zs.next_in = (unsigned char *)in;
	zs.next_out = body;
	zs.avail_out = cap;
	for (;;) {
		/* avail_in is 32 bits: feed a larger input in parts. */
		if (!zs.avail_in && in_left) {
			zs.avail_in = in_left < UINT_MAX ? in_left : UINT_MAX;
			in_left -= zs.avail_in;
		}
		if (!zs.avail_out) {
			if (zs.total_out > size)
				break;
			if (zs.total_out == size) {
				/* one byte more than declared is enough to know */
				zs.next_out = &spill;
				zs.avail_out = 1;
			} else {
				cap = cap > size / 2 ? size : cap * 2;
				bigger = realloc(body, cap);
				if (!bigger) {
					ret = kc_fail(err, errlen, "out of memory");
					goto out;
				}
				body = bigger;
				zs.next_out = body + zs.total_out;
				zs.avail_out = cap - zs.total_out;
			}
		}
		ret = inflate(&zs, Z_NO_FLUSH);
		if (ret == Z_STREAM_END)
			break;
		if (ret == Z_OK)
			continue;
		/* There is always room for output: no progress means no input. */
		if (ret == Z_BUF_ERROR)
			ret = kc_fail(err, errlen,
					       "truncated patchset file (the compressed body ends early)");
		else if (ret == Z_MEM_ERROR)
			ret = kc_fail(err, errlen, "out of memory");
		else
			ret = kc_fail(err, errlen,
					       "corrupt compressed body (%s)",
					       zs.msg ? zs.msg : "bad zlib stream");
		goto out;
	}
	if (zs.total_out > size) {
		ret = kc_fail(err, errlen,
				       "inflated body is longer than the %zu bytes the header declares",
				       size);
	} else if (zs.total_out < size) {
		ret = kc_fail(err, errlen,
				       "inflated body is %lu bytes, the header declares %zu",
				       zs.total_out, size);
	} else if (zs.avail_in || in_left) {
		ret = kc_fail(err, errlen,
				       "%zu unexpected bytes after the compressed body",
				       zs.avail_in + in_left);
	} else {
		ret = 0;
	}
out:
	inflateEnd(&zs);
	if (ret)
		free(body);
	else
		*bodyp = body;
	return ret;
}

/* Split the inflated body into entries, copied into @ar. */
static int kcl_archive_split(const unsigned char *body, size_t size,
			     struct kcl_archive *ar, char *err, size_t errlen)
{
	size_t pos = 0, i;

	while (pos < size) {
		size_t idx = ar->n + 1, len;
		struct kcl_entry *e;
		const char *why;
		uint32_t dlen;

		if (ar->n == KCL_ARCHIVE_MAX_ENTRIES)
			return kc_fail(err, errlen,
						"more than %d entries",
						KCL_ARCHIVE_MAX_ENTRIES);
		if (size - pos < 2)
			return kc_fail(err, errlen,
						"entry %zu: truncated (name length)",
						idx);
		len = get_le16(body + pos);
		pos += 2;
		if (len && len <= KCL_ARCHIVE_NAME_MAX && size - pos < len)
			return kc_fail(err, errlen,
						"entry %zu: truncated (name)", idx);
		why = kcl_archive_bad_name(body + pos, len);
		if (why)
			return kc_fail(err, errlen, "entry %zu: %s",
						idx, why);
		e = &ar->entries[ar->n];
		memcpy(e->name, body + pos, len);
		e->name[len] = '\0';
		pos += len;
		for (i = 0; i < ar->n; i++)
			if (!strcmp(ar->entries[i].name, e->name))
				return kc_fail(err, errlen,
							"entry %zu: duplicate name '%s'",
							idx, e->name);
		if (size - pos < 4)
			return kc_fail(err, errlen,
						"entry %zu ('%s'): truncated (data length)",
						idx, e->name);
		dlen = get_le32(body + pos);
		pos += 4;
		if (size - pos < dlen)
			return kc_fail(err, errlen,
						"entry %zu ('%s'): truncated (data: %u bytes declared, %zu left)",
						idx, e->name, dlen, size - pos);
		e->data = malloc(dlen ? dlen : 1);
		if (!e->data)
			return kc_fail(err, errlen, "out of memory");
		memcpy(e->data, body + pos, dlen);
		e->size = dlen;
		pos += dlen;
		ar->n++;
	}
	return 0;
}

int kcl_archive_unpack(const unsigned char *buf, size_t len,
		       struct kcl_archive *ar, char *err, size_t errlen)
{
	unsigned char *body;
	uint32_t flags, size;
	int ret;

	ar->entries = NULL;
	ar->n = 0;
	if (len && memcmp(buf, KCL_ARCHIVE_MAGIC, len < 8 ? len : 8))
		return kc_fail(err, errlen,
					"not a kcare patchset file (bad magic)");
	if (len < KCL_ARCHIVE_HEADER)
		return kc_fail(err, errlen, "truncated patchset file");
	flags = get_le32(buf + 8);
	size = get_le32(buf + 12);
	if (flags)
		return kc_fail(err, errlen,
					"unsupported flags 0x%x in the header (must be 0)",
					flags);
	if (size > KCL_ARCHIVE_MAX_SIZE)
		return kc_fail(err, errlen,
					"declared body size %u exceeds the %u MiB limit",
					size, KCL_ARCHIVE_MAX_SIZE >> 20);
	if (kcl_archive_inflate(buf + KCL_ARCHIVE_HEADER,
				len - KCL_ARCHIVE_HEADER, size, &body, err,
				errlen))
		return -1;

	ar->entries = calloc(KCL_ARCHIVE_MAX_ENTRIES, sizeof(*ar->entries));
	if (!ar->entries) {
		free(body);
		return kc_fail(err, errlen, "out of memory");
	}
	ret = kcl_archive_split(body, size, ar, err, errlen);
	free(body);
	if (ret) {
		kcl_archive_free(ar);
		return -1;
	}
	return 0;
}

const struct kcl_entry *kcl_archive_find(const struct kcl_archive *ar,
					 const char *name)
{
	size_t i;

	for (i = 0; ar && i < ar->n; i++)
		if (!strcmp(ar->entries[i].name, name))
			return &ar->entries[i];
	return NULL;
}

void kcl_archive_free(struct kcl_archive *ar)
{
	size_t i;

	if (!ar)
		return;
	for (i = 0; i < ar->n; i++)
		free(ar->entries[i].data);
	free(ar->entries);
	ar->entries = NULL;
	ar->n = 0;
}
