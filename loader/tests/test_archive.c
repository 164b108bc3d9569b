// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the patchset file container (loader/archive.c): round
 * trips, and every way Documentation/formats.md says a file is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "write.h"
#include "archive.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char errbuf[256];

static const unsigned char payload[] = {
	0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x00,
};

static struct kcl_entry sample[] = {
	{ "manifest", (unsigned char *)"format: 1\n", 10 },
	{ "cves.txt", (unsigned char *)"kpatch-name: x\n", 15 },
	{ "kcpatch_demo.ko", (unsigned char *)payload, sizeof(payload) },
	{ "empty-entry_1.bin", NULL, 0 },
};

/* Unpack, and check that a failure leaves nothing behind. */
static int unpack(const void *buf, size_t len, struct kcl_archive *ar)
{
	int ret;

	errbuf[0] = '\0';
	ar->entries = (void *)1;
	ar->n = 99;
	ret = kcl_archive_unpack(buf, len, ar, errbuf, sizeof(errbuf));
	if (ret) {
		assert_int_equal(ret, -1);
		assert_null(ar->entries);
		assert_int_equal(ar->n, 0);
		assert_true(errbuf[0]);
		assert_null(strchr(errbuf, '\n'));
	}
	return ret;
}

static void expect_unpack_error(const void *buf, size_t len, const char *msg)
{
	struct kcl_archive ar;

	assert_int_equal(unpack(buf, len, &ar), -1);
	if (!strstr(errbuf, msg))
		fail_msg("error '%s' does not say '%s'", errbuf, msg);
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * A patchset file of @body as is (for bodies pack() refuses to write),
 * declaring @declared bytes, with @trailer after the zlib stream.
 */
static unsigned char *make_file(const void *body, size_t size,
				uint32_t declared, uint32_t flags,
				const char *trailer, size_t *len)
{
	size_t tlen = trailer ? strlen(trailer) : 0;
	uLongf zlen = compressBound(size);
	unsigned char *f = malloc(KCL_ARCHIVE_HEADER + zlen + tlen);

	assert_non_null(f);
	assert_int_equal(compress2(f + KCL_ARCHIVE_HEADER, &zlen, body, size, 9),
			 Z_OK);
	memcpy(f, KCL_ARCHIVE_MAGIC, 8);
	put32(f + 8, flags);
	put32(f + 12, declared);
	memcpy(f + KCL_ARCHIVE_HEADER + zlen, trailer ? trailer : "", tlen);
	*len = KCL_ARCHIVE_HEADER + zlen + tlen;
	return f;
}

/* Append one entry to a hand-made body. */
static size_t add_entry(unsigned char *body, size_t pos, uint16_t nlen,
			const char *name, uint32_t dlen, const char *data)
{
	body[pos] = nlen;
	body[pos + 1] = nlen >> 8;
	memcpy(body + pos + 2, name, nlen);
	put32(body + pos + 2 + nlen, dlen);
	memcpy(body + pos + 6 + nlen, data, dlen);
	return pos + 6 + nlen + dlen;
}

static void expect_body_error(const unsigned char *body, size_t size,
			      const char *msg)
{
	unsigned char *f;
	size_t len;

	f = make_file(body, size, size, 0, NULL, &len);
	expect_unpack_error(f, len, msg);
	free(f);
}

static unsigned char *pack_sample(size_t *len)
{
	unsigned char *out;

	assert_int_equal(kcp_archive_pack(sample, ARRAY_SIZE(sample), &out, len,
					  errbuf, sizeof(errbuf)), 0);
	return out;
}

static void round_trip(void **state)
{
	struct kcl_archive ar;
	const struct kcl_entry *e;
	unsigned char *out;
	size_t len, i, body = 0;

	out = pack_sample(&len);
	assert_memory_equal(out, "KCPATCH1\0\0\0\0", 12);
	for (i = 0; i < ARRAY_SIZE(sample); i++)
		body += 6 + strlen(sample[i].name) + sample[i].size;
	assert_int_equal(out[12] | out[13] << 8 | out[14] << 16 | out[15] << 24,
			 body);
	/* a zlib header of the best compression */
	assert_int_equal(out[16], 0x78);
	assert_int_equal(out[17], 0xda);

	assert_int_equal(unpack(out, len, &ar), 0);
	assert_int_equal(ar.n, ARRAY_SIZE(sample));
	for (i = 0; i < ar.n; i++) {
		assert_string_equal(ar.entries[i].name, sample[i].name);
		assert_int_equal(ar.entries[i].size, sample[i].size);
		if (sample[i].size)
			assert_memory_equal(ar.entries[i].data, sample[i].data,
					    sample[i].size);
	}
	e = kcl_archive_find(&ar, "kcpatch_demo.ko");
	assert_ptr_equal(e, &ar.entries[2]);
	assert_null(kcl_archive_find(&ar, "kcpatch_demo"));
	assert_null(kcl_archive_find(&ar, "Manifest"));
	kcl_archive_free(&ar);
	assert_null(ar.entries);
	assert_int_equal(ar.n, 0);
	kcl_archive_free(&ar);	/* twice is harmless */
	free(out);
}

static void round_trip_edges(void **state)
{
	static struct kcl_entry many[KCL_ARCHIVE_MAX_ENTRIES];
	struct kcl_archive ar;
	unsigned char *out;
	size_t len, i;

	/* no entry at all */
	assert_int_equal(kcp_archive_pack(NULL, 0, &out, &len, errbuf,
					  sizeof(errbuf)), 0);
	assert_int_equal(unpack(out, len, &ar), 0);
	assert_int_equal(ar.n, 0);
	kcl_archive_free(&ar);
	free(out);

	/* the most entries, the longest names */
	for (i = 0; i < ARRAY_SIZE(many); i++) {
		memset(many[i].name, 'a', KCL_ARCHIVE_NAME_MAX);
		snprintf(many[i].name, 3, "%02zu", i);
		many[i].name[2] = 'a';
		many[i].data = (unsigned char *)many[i].name;
		many[i].size = i;
	}
	assert_int_equal(kcp_archive_pack(many, ARRAY_SIZE(many), &out, &len,
					  errbuf, sizeof(errbuf)), 0);
	assert_int_equal(unpack(out, len, &ar), 0);
	assert_int_equal(ar.n, KCL_ARCHIVE_MAX_ENTRIES);
	assert_int_equal(strlen(ar.entries[63].name), KCL_ARCHIVE_NAME_MAX);
	assert_string_equal(ar.entries[63].name, many[63].name);
	assert_int_equal(ar.entries[63].size, 63);
	kcl_archive_free(&ar);
	free(out);
}

static void pack_refuses_bad_entries(void **state)
{
	static const char * const bad[] = { "", ".", "..", "a/b", "a b", "é" };
	static struct kcl_entry many[KCL_ARCHIVE_MAX_ENTRIES + 1];
	struct kcl_entry e[2] = {
		{ "manifest", (unsigned char *)"x", 1 },
		{ "manifest", (unsigned char *)"y", 1 },
	};
	unsigned char *out = (void *)1;
	size_t len = 1, i;

	assert_int_equal(kcp_archive_pack(e, 2, &out, &len, errbuf,
					  sizeof(errbuf)), -1);
	assert_string_equal(errbuf, "entry 2: duplicate name 'manifest'");
	assert_null(out);
	assert_int_equal(len, 0);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		strcpy(e[1].name, bad[i]);
		assert_int_equal(kcp_archive_pack(e, 2, &out, &len, errbuf,
						  sizeof(errbuf)), -1);
		assert_non_null(strstr(errbuf, "entry 2: "));
	}
	/* a name filling the array without its terminating NUL */
	memset(e[1].name, 'b', sizeof(e[1].name));
	assert_int_equal(kcp_archive_pack(e, 2, &out, &len, errbuf,
					  sizeof(errbuf)), -1);
	assert_string_equal(errbuf, "entry 2: name longer than 64 bytes");

	for (i = 0; i < ARRAY_SIZE(many); i++)
		snprintf(many[i].name, sizeof(many[i].name), "e%zu", i);
	assert_int_equal(kcp_archive_pack(many, ARRAY_SIZE(many), &out, &len,
					  errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "at most 64"));

	/* more than the inflated size limit */
	e[1].size = KCL_ARCHIVE_MAX_SIZE;
	strcpy(e[1].name, "big");
	assert_int_equal(kcp_archive_pack(e, 2, &out, &len, errbuf,
					  sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "exceed 64 MiB"));
	assert_null(out);
}

static void refuses_bad_header(void **state)
{
	unsigned char *f, *g;
	size_t len;

	f = pack_sample(&len);
	g = malloc(len);
	memcpy(g, f, len);

	g[0] = 'k';
	expect_unpack_error(g, len, "not a kcare patchset file (bad magic)");
	expect_unpack_error("PK\3\4", 4, "not a kcare patchset file (bad magic)");
	memcpy(g, f, len);
	g[7] = '2';
	expect_unpack_error(g, len, "bad magic");

	memcpy(g, f, len);
	g[11] = 0x80;
	expect_unpack_error(g, len, "unsupported flags 0x80000000");
	memcpy(g, f, len);
	g[8] = 1;
	expect_unpack_error(g, len, "unsupported flags 0x1 ");

	memcpy(g, f, len);
	put32(g + 12, KCL_ARCHIVE_MAX_SIZE + 1);
	expect_unpack_error(g, len, "declared body size 67108865 exceeds the 64 MiB limit");
	put32(g + 12, UINT32_MAX);
	expect_unpack_error(g, len, "exceeds the 64 MiB limit");
	/* the limit itself is allowed, then the body is too short */
	put32(g + 12, KCL_ARCHIVE_MAX_SIZE);
	expect_unpack_error(g, len, "the header declares 67108864");

	expect_unpack_error("", 0, "truncated patchset file");
	expect_unpack_error(KCL_ARCHIVE_MAGIC, 8, "truncated patchset file");
	free(f);
	free(g);
}

static void refuses_wrong_declared_size(void **state)
{
	static const char body[] = "\x08\0manifest\x02\0\0\0ok";
	size_t size = sizeof(body) - 1, len;
	struct kcl_archive ar;
	unsigned char *f;

	f = make_file(body, size, size, 0, NULL, &len);
	assert_int_equal(unpack(f, len, &ar), 0);
	assert_int_equal(ar.n, 1);
	assert_memory_equal(ar.entries[0].data, "ok", 2);
	kcl_archive_free(&ar);
	free(f);

	f = make_file(body, size, size + 1, 0, NULL, &len);
	expect_unpack_error(f, len, "inflated body is 16 bytes, the header declares 17");
	free(f);
	f = make_file(body, size, size - 1, 0, NULL, &len);
	expect_unpack_error(f, len, "inflated body is longer than the 15 bytes the header declares");
	free(f);
	f = make_file(body, size, 0, 0, NULL, &len);
	expect_unpack_error(f, len, "longer than the 0 bytes");
	free(f);
}

static void refuses_trailing_bytes(void **state)
{
	static const char body[] = "\x08\0manifest\x02\0\0\0ok";
	size_t len;
	unsigned char *f;

	f = make_file(body, sizeof(body) - 1, sizeof(body) - 1, 0, "x", &len);
	expect_unpack_error(f, len, "1 unexpected bytes after the compressed body");
	free(f);
	/* a second zlib stream is trailing bytes too */
	f = make_file(body, sizeof(body) - 1, sizeof(body) - 1, 0,
		      "\x78\xda\x03\x00\x00\x00\x00\x01", &len);
	expect_unpack_error(f, len, "unexpected bytes after the compressed body");
	free(f);
}

static void refuses_other_streams(void **state)
{
	static const char body[] = "\x08\0manifest\x02\0\0\0ok";
	unsigned char f[128];
	z_stream zs = { 0 };
	size_t len;

	/* raw deflate and gzip are not RFC 1950 zlib streams */
	for (int wbits = -15; wbits <= 31; wbits += 46) {
		assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, wbits, 8,
					      Z_DEFAULT_STRATEGY), Z_OK);
		zs.next_in = (unsigned char *)body;
		zs.avail_in = sizeof(body) - 1;
		zs.next_out = f + KCL_ARCHIVE_HEADER;
		zs.avail_out = sizeof(f) - KCL_ARCHIVE_HEADER;
		assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
		len = KCL_ARCHIVE_HEADER + zs.total_out;
		deflateEnd(&zs);
		memcpy(f, KCL_ARCHIVE_MAGIC, 8);
		put32(f + 8, 0);
		put32(f + 12, sizeof(body) - 1);
		expect_unpack_error(f, len, "corrupt compressed body");
	}
}

/*
 * Every bit flipped anywhere is refused, but for a few that leave the
 * content intact: the padding bits after the last deflate block, and a
 * match distance changed within a run of equal bytes (the data check only
 * covers the inflated bytes).
 */
static void refuses_every_tampered_byte(void **state)
{
	struct kcl_archive ar;
	unsigned char *f;
	size_t len, i, j, ignored = 0;
	int bit;

	f = pack_sample(&len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			f[i] ^= 1 << bit;
			if (!unpack(f, len, &ar)) {
				assert_int_equal(ar.n, ARRAY_SIZE(sample));
				for (j = 0; j < ar.n; j++)
					assert_memory_equal(ar.entries[j].data,
							    sample[j].data,
							    sample[j].size);
				kcl_archive_free(&ar);
				ignored++;
			}
			f[i] ^= 1 << bit;
		}
	}
	assert_true(ignored < 16);
	/* the checksum names what is wrong in the stream's own words */
	f[len - 1] ^= 1;
	expect_unpack_error(f, len, "corrupt compressed body (incorrect data check)");
	free(f);
}

static void refuses_every_truncation(void **state)
{
	unsigned char *f, *copy;
	size_t len, l;

	f = pack_sample(&len);
	for (l = 0; l < len; l++) {
		/* a copy of exactly l bytes, so ASan sees any overread */
		copy = malloc(l ? l : 1);
		memcpy(copy, f, l);
		expect_unpack_error(copy, l, "truncated patchset file");
		free(copy);
	}
	free(f);
}

static void refuses_bad_bodies(void **state)
{
	unsigned char body[8192];
	char name[80];
	size_t pos, i;

	/* an entry, then bytes that are not a whole entry */
	pos = add_entry(body, 0, 8, "manifest", 2, "ok");
	body[pos] = 'x';
	expect_body_error(body, pos + 1, "entry 2: truncated (name length)");
	body[pos] = 5;
	body[pos + 1] = 0;
	expect_body_error(body, pos + 2, "entry 2: truncated (name)");
	memcpy(body + pos, "\3\0abc\3\0\0\0de", 11);
	expect_body_error(body, pos + 4, "entry 2: truncated (name)");
	expect_body_error(body, pos + 5, "entry 2 ('abc'): truncated (data length)");
	expect_body_error(body, pos + 8, "entry 2 ('abc'): truncated (data length)");
	expect_body_error(body, pos + 9, "entry 2 ('abc'): truncated (data: 3 bytes declared, 0 left)");
	expect_body_error(body, pos + 11, "entry 2 ('abc'): truncated (data: 3 bytes declared, 2 left)");
	body[pos + 8] = 0xff;
	expect_body_error(body, pos + 11, "entry 2 ('abc'): truncated (data: 4278190083 bytes declared");

	/* names */
	pos = add_entry(body, 0, 8, "manifest", 0, "");
	expect_body_error(body, add_entry(body, pos, 0, "", 1, "x"),
			  "entry 2: empty name");
	memset(name, 'n', sizeof(name));
	expect_body_error(body, add_entry(body, pos, 65, name, 1, "x"),
			  "entry 2: name longer than 64 bytes");
	expect_body_error(body, add_entry(body, pos, 1, ".", 1, "x"),
			  "entry 2: name '.' or '..' is not allowed");
	expect_body_error(body, add_entry(body, pos, 2, "..", 1, "x"),
			  "entry 2: name '.' or '..' is not allowed");
	expect_body_error(body, add_entry(body, pos, 8, "manifest", 1, "x"),
			  "entry 2: duplicate name 'manifest'");
	expect_body_error(body, add_entry(body, pos, 3, "a/b", 1, "x"),
			  "entry 2: invalid character in name");
	expect_body_error(body, add_entry(body, pos, 3, "a\0b", 1, "x"),
			  "entry 2: invalid character in name");
	expect_body_error(body, add_entry(body, pos, 3, "a b", 1, "x"),
			  "entry 2: invalid character in name");
	expect_body_error(body, add_entry(body, pos, 2, "\xc3\xa9", 1, "x"),
			  "entry 2: invalid character in name");
	/* "..." and ".x" are names like others */
	pos = add_entry(body, pos, 3, "...", 0, "");
	pos = add_entry(body, pos, 2, ".x", 0, "");
	expect_body_error(body, add_entry(body, pos, 8, "manifest", 1, "x"),
			  "entry 4: duplicate name 'manifest'");

	/* one entry too many */
	pos = 0;
	for (i = 0; i < KCL_ARCHIVE_MAX_ENTRIES; i++) {
		snprintf(name, sizeof(name), "e%02zu", i);
		pos = add_entry(body, pos, 3, name, 1, "x");
	}
	expect_body_error(body, add_entry(body, pos, 3, "e64", 1, "x"),
			  "more than 64 entries");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(round_trip_edges),
		cmocka_unit_test(pack_refuses_bad_entries),
		cmocka_unit_test(refuses_bad_header),
		cmocka_unit_test(refuses_wrong_declared_size),
		cmocka_unit_test(refuses_trailing_bytes),
		cmocka_unit_test(refuses_other_streams),
		cmocka_unit_test(refuses_every_tampered_byte),
		cmocka_unit_test(refuses_every_truncation),
		cmocka_unit_test(refuses_bad_bodies),
	};

	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
