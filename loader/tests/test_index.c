// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the index (loader/index.c): its parser and formatter, its
 * signature line, the client's checks (expiry, replay, rollback, kernel,
 * feed) and the choice of a level (latest, delayed, sticky, patch types,
 * withdrawn levels), at their exact boundaries.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "write.h"
#include "util.h"
#include "index.h"
#include "manifest.h"
#include "sign.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SHA1	"5f0c6e1d2b3a4958677685a4b3c2d1e0f0e1d2c3"
#define SHA_A	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define SHA_B	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

#define HEADER \
	"format: 1\n" \
	"kernel-sha1: " SHA1 "\n" \
	"feed:\n" \
	"serial: 7\n" \
	"generated: 2026-11-25T12:00:00Z\n" \
	"expires: 2026-12-09T12:00:00Z\n"
#define LEVELS \
	"level: 1 K20261120_01 2026-11-20T10:00:00Z default " SHA_A "\n" \
	"level: 2 K20261125_01 2026-11-25T12:00:00Z extra " SHA_B "\n" \
	"level: 3 K20261126_01 2026-11-26T08:00:00Z default withdrawn\n"
#define SAMPLE	HEADER LEVELS

static char dir[] = "/tmp/kc-index-test.XXXXXX";
static char priv[256], pub[256], priv2[256], pub2[256];
static char err[512];

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(priv, sizeof(priv), "%s/k.key", dir);
	snprintf(pub, sizeof(pub), "%s/k.pem", dir);
	snprintf(priv2, sizeof(priv2), "%s/other.key", dir);
	snprintf(pub2, sizeof(pub2), "%s/other.pem", dir);
	if (kcp_key_generate(priv, pub, err, sizeof(err)) ||
	    kcp_key_generate(priv2, pub2, err, sizeof(err))) {
		fprintf(stderr, "keygen: %s\n", err);
		return -1;
	}
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static int teardown(void **state)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static time_t T(const char *s)
{
	time_t t;

	if (kc_time_parse(s, &t))
		fail_msg("bad time in the test: %s", s);
	return t;
}

static int parse(const char *text, struct kcl_index *ix)
{
	return kcl_index_parse(text, strlen(text), ix, err, sizeof(err));
}

/* ---- parser and formatter ---- */

static void parse_sample(void **state)
{
	struct kcl_index ix;
	char *text;

	assert_int_equal(parse(SAMPLE, &ix), 0);
	assert_int_equal(ix.format, 1);
	assert_string_equal(ix.kernel_sha1, SHA1);
	assert_string_equal(ix.feed, "");
	assert_int_equal(ix.serial, 7);
	assert_int_equal(ix.generated, T("2026-11-25T12:00:00Z"));
	assert_int_equal(ix.expires, T("2026-12-09T12:00:00Z"));
	assert_int_equal(ix.n, 3);
	assert_int_equal(ix.levels[0].level, 1);
	assert_string_equal(ix.levels[0].id, "K20261120_01");
	assert_int_equal(ix.levels[0].release_time, T("2026-11-20T10:00:00Z"));
	assert_string_equal(ix.levels[0].patch_type, "default");
	assert_int_equal(ix.levels[0].sha256[0], 0x00);
	assert_int_equal(ix.levels[0].sha256[1], 0x11);
	assert_int_equal(ix.levels[0].sha256[31], 0xff);
	assert_false(ix.levels[0].withdrawn);
	assert_string_equal(ix.levels[1].patch_type, "extra");
	assert_int_equal(ix.levels[1].sha256[0], 0xff);
	assert_int_equal(ix.levels[2].level, 3);
	assert_true(ix.levels[2].withdrawn);

	text = kcl_index_format(&ix);
	assert_non_null(text);
	assert_string_equal(text, SAMPLE);
	free(text);
	kcl_index_free(&ix);
	assert_null(ix.levels);
	assert_int_equal(ix.n, 0);
}

static void parse_feed_no_levels_comments(void **state)
{
	struct kcl_index ix;
	char *text;

	assert_int_equal(parse("# a comment\n\nformat: 1\nkernel-sha1: " SHA1
			       "\nfeed: test\nserial: 18446744073709551615\n"
			       "generated: 2026-11-25T12:00:00Z\n\n"
			       "expires: 2026-11-25T12:00:01Z\n", &ix), 0);
	assert_string_equal(ix.feed, "test");
	assert_true(ix.serial == 18446744073709551615ull);
	assert_int_equal(ix.n, 0);
	text = kcl_index_format(&ix);
	assert_string_equal(text, "format: 1\nkernel-sha1: " SHA1
			    "\nfeed: test\nserial: 18446744073709551615\n"
			    "generated: 2026-11-25T12:00:00Z\n"
			    "expires: 2026-11-25T12:00:01Z\n");
	free(text);
	kcl_index_free(&ix);

	/* The largest level number. */
	assert_int_equal(parse(HEADER "level: 4294967295 K1 2026-11-20T10:00:00Z free "
			       SHA_A "\n", &ix), 0);
	assert_int_equal(ix.levels[0].level, 4294967295u);
	kcl_index_free(&ix);
}

struct bad {
	const char *text;
	const char *why;	/* part of the message */
};

static void parse_rejects(void **state)
{
	static const struct bad bad[] = {
		{ "", "no format line" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z default " SHA_A,
		  "does not end with a new line" },
		{ "format: 2\n", "format 2 is not supported" },
		{ "format: 01\n", "bad format" },
		{ "kernel-sha1: " SHA1 "\nformat: 1\n", "expected key format" },
		{ "format: 1\nfeed:\n", "expected key kernel-sha1" },
		{ "format: 1\nkernel-sha1: 5F0C6E1D2B3A4958677685A4B3C2D1E0F0E1D2C3\n",
		  "kernel-sha1 must be 40" },
		{ "format: 1\nkernel-sha1: " SHA1 "0\n", "kernel-sha1 must be 40" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed: Test\n", "the feed must be" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed: 123456789012345678901234567890123\n",
		  "the feed must be" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed: \n", "one space after the colon" },
		{ "format: 1\nkernel-sha1:  " SHA1 "\n", "kernel-sha1 must be 40" },
		{ "format: 1\nkernel-sha1:" SHA1 "\n", "one space after the colon" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed:\nserial: 07\n",
		  "the serial must be" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed:\nserial: 18446744073709551616\n",
		  "the serial must be" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed:\nserial: -1\n",
		  "the serial must be" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed:\nserial: 7\n"
		  "generated: 2026-02-30T12:00:00Z\n", "bad generated time" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed:\nserial: 7\n"
		  "generated: 2026-11-25T12:00:00Z\nexpires: 2026-11-25T12:00:00Z\n",
		  "expires is not after generated" },
		{ "format: 1\nkernel-sha1: " SHA1 "\nfeed:\nserial: 7\n"
		  "generated: 2026-11-25T12:00:00Z\n", "no expires line" },
		{ "format: 1\r\n", "control or non-ASCII byte (0x0d)" },
		{ HEADER "level: 1 K\xc3\xa9 2026-11-20T10:00:00Z default withdrawn\n",
		  "line 7: a control or non-ASCII byte (0xc3)" },
		{ HEADER "serial: 8\n", "unexpected key serial" },
		{ HEADER "signature: 0123456789abcdef 00\n", "unexpected key signature" },
		{ HEADER "level: 0 K1 2026-11-20T10:00:00Z default withdrawn\n",
		  "the level number" },
		{ HEADER "level: 01 K1 2026-11-20T10:00:00Z default withdrawn\n",
		  "the level number" },
		{ HEADER "level: 4294967296 K1 2026-11-20T10:00:00Z default withdrawn\n",
		  "the level number" },
		{ HEADER "level: 1 K-1 2026-11-20T10:00:00Z default withdrawn\n",
		  "the level id" },
		{ HEADER "level: 1 K1 2026-11-20 default withdrawn\n",
		  "bad release time" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z paid withdrawn\n",
		  "the patch type" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z default withdraw\n",
		  "the SHA-256 must be" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z default " SHA_A "0\n",
		  "the SHA-256 must be" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z default withdrawn x\n",
		  "expected LEVEL ID" },
		{ HEADER "level: 1  K1 2026-11-20T10:00:00Z default withdrawn\n",
		  "separated by single spaces" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z default withdrawn \n",
		  "separated by single spaces" },
		{ HEADER "level: 1 K1 2026-11-20T10:00:00Z default\n",
		  "expected LEVEL ID" },
		{ HEADER "level: 2 K2 2026-11-20T10:00:00Z default withdrawn\n"
		  "level: 2 K3 2026-11-20T10:00:00Z default withdrawn\n",
		  "line 8: level 2 does not follow level 2" },
		{ HEADER "level: 2 K2 2026-11-20T10:00:00Z default withdrawn\n"
		  "level: 1 K3 2026-11-20T10:00:00Z default withdrawn\n",
		  "level 1 does not follow level 2" },
	};
	struct kcl_index ix;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&ix, 0xa5, sizeof(ix));
		err[0] = '\0';
		if (parse(bad[i].text, &ix) != -1)
			fail_msg("accepted case %zu", i);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: \"%s\", expected \"%s\"", i, err,
				 bad[i].why);
		/* No partial output. */
		assert_null(ix.levels);
		assert_int_equal(ix.n, 0);
	}
	/* A NUL byte inside. */
	assert_int_equal(kcl_index_parse("format: 1\n\0\n", 12, &ix, err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "0x00"));
}

static void parse_limits(void **state)
{
	size_t cap = 512 + (KCL_INDEX_MAX_LEVELS + 1) * 100, n, i;
	char *text = malloc(cap);
	struct kcl_index ix;

	n = snprintf(text, cap, "%s", HEADER);
	for (i = 1; i <= KCL_INDEX_MAX_LEVELS; i++)
		n += snprintf(text + n, cap - n,
			      "level: %zu K%zu 2026-11-20T10:00:00Z default withdrawn\n",
			      i, i);
	assert_int_equal(kcl_index_parse(text, n, &ix, err, sizeof(err)), 0);
	assert_int_equal(ix.n, KCL_INDEX_MAX_LEVELS);
	kcl_index_free(&ix);
	n += snprintf(text + n, cap - n,
		      "level: %zu K 2026-11-20T10:00:00Z default withdrawn\n", i);
	assert_int_equal(kcl_index_parse(text, n, &ix, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 4096 levels"));
	free(text);

	/* Larger than the limit, whatever it holds. */
	text = malloc(KCL_INDEX_MAX_SIZE + 1);
	memset(text, '\n', KCL_INDEX_MAX_SIZE + 1);
	assert_int_equal(kcl_index_parse(text, KCL_INDEX_MAX_SIZE + 1, &ix, err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than"));
	free(text);
}

/* ---- signature ---- */

static char *signed_sample(struct kcl_keyring *kr)
{
	struct kcl_index ix;
	char *file;

	assert_int_equal(parse(SAMPLE, &ix), 0);
	file = kcp_index_sign(&ix, priv, err, sizeof(err));
	assert_non_null(file);
	kcl_index_free(&ix);
	memset(kr, 0, sizeof(*kr));
	assert_int_equal(kcl_keyring_add_file(kr, pub, err, sizeof(err)), 0);
	return file;
}

static int verify(const struct kcl_keyring *kr, const char *file,
		  size_t *body)
{
	return kcl_index_verify(kr, file, strlen(file), body, err,
				sizeof(err));
}

static void sign_verify_round_trip(void **state)
{
	struct kcl_keyring kr;
	char *file = signed_sample(&kr), *sigline, hex[17];
	size_t body = 0;
	struct kcl_index ix;

	/* The body is the formatted index, then one signature line. */
	assert_memory_equal(file, SAMPLE, strlen(SAMPLE));
	sigline = file + strlen(SAMPLE);
	kcl_key_id_hex(kr.keys[0].id, hex);
	assert_memory_equal(sigline, "signature: ", 11);
	assert_memory_equal(sigline + 11, hex, 16);
	assert_int_equal(sigline[27], ' ');
	assert_int_equal(strlen(sigline), 11 + 16 + 1 + 128 + 1);
	assert_int_equal(sigline[strlen(sigline) - 1], '\n');

	assert_int_equal(verify(&kr, file, &body), 0);
	assert_int_equal(body, strlen(SAMPLE));
	assert_int_equal(kcl_index_parse(file, body, &ix, err, sizeof(err)), 0);
	assert_int_equal(ix.serial, 7);
	kcl_index_free(&ix);
	free(file);
	kcl_keyring_free(&kr);

	/* An index a client would refuse is not signed. */
	assert_int_equal(parse(SAMPLE, &ix), 0);
	ix.expires = ix.generated;
	assert_null(kcp_index_sign(&ix, priv, err, sizeof(err)));
	assert_non_null(strstr(err, "expires is not after generated"));
	ix.expires = ix.generated + 1;
	ix.levels[1].level = 1;
	assert_null(kcp_index_sign(&ix, priv, err, sizeof(err)));
	assert_non_null(strstr(err, "does not follow level 1"));
	kcl_index_free(&ix);
}

static void verify_tampered_line(void **state)
{
	struct kcl_keyring kr;
	char *file = signed_sample(&kr), *p;

	/* serial 7 -> 8 */
	p = strstr(file, "serial: 7");
	p[8] = '8';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");
	p[8] = '7';
	/* A level line's hash */
	p = strstr(file, SHA_B);
	p[0] = 'e';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");
	p[0] = 'f';
	/* The signature itself (its last hex digit) */
	p = file + strlen(file) - 2;
	*p = *p == '0' ? '1' : '0';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");
	free(file);
	kcl_keyring_free(&kr);
}

static void verify_signature_line_missing(void **state)
{
	struct kcl_keyring kr;
	char *file = signed_sample(&kr);

	/* Removed: the body alone. */
	file[strlen(SAMPLE)] = '\0';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_non_null(strstr(err, "not signed"));
	assert_int_equal(verify(&kr, "", NULL), -1);
	assert_non_null(strstr(err, "not signed"));
	free(file);
	kcl_keyring_free(&kr);
}

static void verify_signature_line_twice(void **state)
{
	struct kcl_keyring kr;
	char *file = signed_sample(&kr), *two, *after;
	const char *sigline = file + strlen(SAMPLE);

	/* The same good line twice. */
	two = malloc(strlen(file) + strlen(sigline) + 1);
	strcpy(two, file);
	strcat(two, sigline);
	assert_int_equal(verify(&kr, two, NULL), -1);
	assert_string_equal(err, "index has more than one signature line");
	free(two);

	/* A line added after the signature. */
	after = malloc(strlen(file) + 64);
	strcpy(after, file);
	strcat(after, "level: 4 K4 2026-11-27T08:00:00Z default withdrawn\n");
	assert_int_equal(verify(&kr, after, NULL), -1);
	assert_string_equal(err, "index has lines after its signature line");
	free(after);
	free(file);
	kcl_keyring_free(&kr);
}

static void verify_signature_line_malformed(void **state)
{
	struct kcl_keyring kr;
	char *file = signed_sample(&kr), *sigline = file + strlen(SAMPLE);
	char save;

	/* Uppercase hex. */
	save = sigline[30];
	sigline[30] = 'A';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_non_null(strstr(err, "malformed signature line"));
	sigline[30] = save;
	/* Two spaces between the fields. */
	sigline[27] = '\t';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_non_null(strstr(err, "malformed signature line"));
	sigline[27] = ' ';
	/* Truncated signature. */
	strcpy(sigline + 100, "\n");
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_non_null(strstr(err, "malformed signature line"));
	/* No final new line. */
	sigline[100] = '\0';
	assert_int_equal(verify(&kr, file, NULL), -1);
	assert_non_null(strstr(err, "not signed"));
	free(file);
	kcl_keyring_free(&kr);
}

static void verify_untrusted_key(void **state)
{
	struct kcl_keyring kr, other = { 0 }, none = { 0 };
	char *file = signed_sample(&kr), hex[17], want[128];

	kcl_key_id_hex(kr.keys[0].id, hex);
	snprintf(want, sizeof(want), "signed by key %s, which is not trusted",
		 hex);
	assert_int_equal(kcl_keyring_add_file(&other, pub2, err, sizeof(err)), 0);
	assert_int_equal(verify(&other, file, NULL), -1);
	assert_string_equal(err, want);
	assert_int_equal(verify(&none, file, NULL), -1);
	assert_string_equal(err, want);
	free(file);
	kcl_keyring_free(&kr);
	kcl_keyring_free(&other);
}

/* ---- checks ---- */

static void check_expiry(void **state)
{
	struct kcl_index ix;
	time_t exp = T("2026-12-09T12:00:00Z");

	assert_int_equal(parse(SAMPLE, &ix), 0);
	assert_int_equal(kcl_index_check(&ix, SHA1, "", exp - 1, NULL, err,
					 sizeof(err)), 0);
	assert_int_equal(kcl_index_check(&ix, SHA1, "", exp, NULL, err,
					 sizeof(err)), -1);
	assert_string_equal(err, "index expired on 2026-12-09T12:00:00Z");
	assert_int_equal(kcl_index_check(&ix, SHA1, "", exp + 86400, NULL, err,
					 sizeof(err)), -1);
	assert_string_equal(err, "index expired on 2026-12-09T12:00:00Z");
	kcl_index_free(&ix);
}

/* Generated more than a day after "now": a wrong clock, or a forgery. */
static void check_generated_in_future(void **state)
{
	struct kcl_index ix;
	time_t gen = T("2026-11-25T12:00:00Z");

	assert_int_equal(parse(SAMPLE, &ix), 0);
	assert_int_equal(kcl_index_check_generated(&ix, gen - KCL_INDEX_MAX_SKEW,
						   err, sizeof(err)), 0);
	assert_int_equal(kcl_index_check_generated(&ix, gen - KCL_INDEX_MAX_SKEW - 1,
						   err, sizeof(err)), -1);
	assert_string_equal(err, "index generated on 2026-11-25T12:00:00Z, more than a day in the future (check this machine's clock, date -u, and the server's)");
	kcl_index_free(&ix);
}

static void check_replay_and_rollback(void **state)
{
	struct kcl_index ix;
	time_t now = T("2026-11-26T00:00:00Z");
	struct kcl_index_seen seen;

	assert_int_equal(parse(SAMPLE, &ix), 0);
	/* The same index again is fine; so is a newer one. */
	seen = (struct kcl_index_seen){ .serial = 7, .max_level = 3 };
	assert_int_equal(kcl_index_check(&ix, SHA1, "", now, &seen, err,
					 sizeof(err)), 0);
	seen = (struct kcl_index_seen){ .serial = 6, .max_level = 2 };
	assert_int_equal(kcl_index_check(&ix, SHA1, "", now, &seen, err,
					 sizeof(err)), 0);
	/* An older serial: replayed. */
	seen = (struct kcl_index_seen){ .serial = 8, .max_level = 3 };
	assert_int_equal(kcl_index_check(&ix, SHA1, "", now, &seen, err,
					 sizeof(err)), -1);
	assert_string_equal(err,
			    "index serial 7 is older than the last accepted 8 (replayed?)");
	/* Fewer levels (the withdrawn level 3 still counts): rolled back. */
	seen = (struct kcl_index_seen){ .serial = 7, .max_level = 4 };
	assert_int_equal(kcl_index_check(&ix, SHA1, "", now, &seen, err,
					 sizeof(err)), -1);
	assert_string_equal(err,
			    "index lists levels up to 3, fewer than the 4 seen before (rolled back?)");
	kcl_index_free(&ix);

	/* An index without levels after one with some. */
	assert_int_equal(parse(HEADER, &ix), 0);
	seen = (struct kcl_index_seen){ .serial = 1, .max_level = 1 };
	assert_int_equal(kcl_index_check(&ix, SHA1, "", now, &seen, err,
					 sizeof(err)), -1);
	assert_string_equal(err,
			    "index lists levels up to 0, fewer than the 1 seen before (rolled back?)");
	kcl_index_free(&ix);
}

static void check_kernel_and_feed(void **state)
{
	struct kcl_index ix;
	time_t now = T("2026-11-26T00:00:00Z");
	char feed[33];
	unsigned int delay;

	assert_int_equal(parse(SAMPLE, &ix), 0);
	assert_int_equal(kcl_index_check(&ix, "0000000000000000000000000000000000000000",
					 "", now, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "index is for kernel " SHA1
			    ", not this one (0000000000000000000000000000000000000000)");
	/* A client of the test feed refuses the default feed's index. */
	assert_int_equal(kcl_prefix_parse("test", feed, sizeof(feed), &delay,
					  err, sizeof(err)), 0);
	assert_int_equal(kcl_index_check(&ix, SHA1, feed, now, NULL, err,
					 sizeof(err)), -1);
	assert_string_equal(err, "index is for feed \"\", not \"test\"");
	assert_int_equal(kcl_index_check(&ix, SHA1, NULL, now, NULL, err,
					 sizeof(err)), 0);
	kcl_index_free(&ix);

	/* ... and takes the test feed's. */
	assert_int_equal(parse("format: 1\nkernel-sha1: " SHA1 "\nfeed: test\n"
			       "serial: 1\ngenerated: 2026-11-25T12:00:00Z\n"
			       "expires: 2026-12-09T12:00:00Z\n", &ix), 0);
	assert_int_equal(kcl_index_check(&ix, SHA1, feed, now, NULL, err,
					 sizeof(err)), 0);
	assert_int_equal(kcl_index_check(&ix, SHA1, "", now, NULL, err,
					 sizeof(err)), -1);
	assert_string_equal(err, "index is for feed \"test\", not \"\"");
	kcl_index_free(&ix);
}

/* ---- choosing a level ---- */

static struct kcl_index_level lv(unsigned int n, const char *rel,
				 const char *type, bool withdrawn)
{
	struct kcl_index_level l = { .level = n, .withdrawn = withdrawn };

	snprintf(l.id, sizeof(l.id), "K%u", n);
	l.release_time = T(rel);
	strcpy(l.patch_type, type);
	return l;
}

static unsigned int pick(const struct kcl_index_level *levels, size_t n,
			 const char *type, unsigned int delay, time_t sticky,
			 time_t now)
{
	struct kcl_index ix = { .levels = (struct kcl_index_level *)levels,
				.n = n };
	struct kcl_select sel = { type, delay, sticky };
	const struct kcl_index_level *l;

	err[0] = '\0';
	l = kcl_index_select(&ix, &sel, now, err, sizeof(err));
	return l ? l->level : 0;
}

static void select_latest_and_withdrawn(void **state)
{
	struct kcl_index_level levels[] = {
		lv(1, "2026-11-20T10:00:00Z", "default", false),
		lv(2, "2026-11-21T10:00:00Z", "default", false),
		lv(5, "2026-11-22T10:00:00Z", "default", false),
		lv(6, "2026-11-23T10:00:00Z", "default", true),
	};
	time_t now = T("2026-11-25T00:00:00Z");

	assert_int_equal(pick(levels, 3, "default", 0, 0, now), 5);
	/* The withdrawn level 6 is skipped. */
	assert_int_equal(pick(levels, 4, "default", 0, 0, now), 5);
	assert_int_equal(pick(levels, 4, NULL, 0, 0, now), 5);
	levels[2].withdrawn = true;
	assert_int_equal(pick(levels, 4, "default", 0, 0, now), 2);
	levels[0].withdrawn = levels[1].withdrawn = true;
	assert_int_equal(pick(levels, 4, "default", 0, 0, now), 0);
	assert_string_equal(err,
			    "no level of patch type default that is not withdrawn");
	assert_int_equal(pick(levels, 0, "default", 0, 0, now), 0);
	assert_string_equal(err, "the index lists no level");
}

static void select_patch_types(void **state)
{
	const struct kcl_index_level levels[] = {
		lv(1, "2026-11-20T10:00:00Z", "default", false),
		lv(2, "2026-11-21T10:00:00Z", "extra", false),
		lv(3, "2026-11-22T10:00:00Z", "free", false),
		lv(4, "2026-11-23T10:00:00Z", "default", false),
	};
	time_t now = T("2026-11-25T00:00:00Z");

	assert_int_equal(pick(levels, 3, "default", 0, 0, now), 1);
	assert_int_equal(pick(levels, 3, "extra", 0, 0, now), 2);
	assert_int_equal(pick(levels, 3, "free", 0, 0, now), 3);
	assert_int_equal(pick(levels, 2, "free", 0, 0, now), 1);
	/* A newer default level is everyone's. */
	assert_int_equal(pick(levels, 4, "default", 0, 0, now), 4);
	assert_int_equal(pick(levels, 4, "extra", 0, 0, now), 4);
	assert_int_equal(pick(levels, 4, "free", 0, 0, now), 4);
	/* Only an extra level: not for default or free clients. */
	assert_int_equal(pick(levels + 1, 1, "default", 0, 0, now), 0);
	assert_int_equal(pick(levels + 1, 1, "free", 0, 0, now), 0);
	assert_string_equal(err,
			    "no level of patch type free or default that is not withdrawn");
	assert_int_equal(pick(levels + 1, 1, "extra", 0, 0, now), 2);
}

static void select_delayed(void **state)
{
	static const unsigned int hours[] = { 12, 24, 48 };
	const struct kcl_index_level levels[] = {
		lv(1, "2026-11-01T10:00:00Z", "default", false),
		lv(2, "2026-11-20T10:00:00Z", "default", false),
	};
	time_t rel = levels[1].release_time;
	char want[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hours); i++) {
		time_t at = rel + hours[i] * 3600;

		assert_int_equal(pick(levels, 2, "default", hours[i], 0, at), 2);
		assert_int_equal(pick(levels, 2, "default", hours[i], 0, at + 1), 2);
		assert_int_equal(pick(levels, 2, "default", hours[i], 0, at - 1), 1);
		/* Without the delay, the latest. */
		assert_int_equal(pick(levels, 2, "default", 0, 0, rel), 2);
		/* Nothing old enough. */
		assert_int_equal(pick(levels + 1, 1, "default", hours[i], 0,
				      at - 1), 0);
		snprintf(want, sizeof(want), "no level older than %u hours",
			 hours[i]);
		assert_string_equal(err, want);
	}
	/* 12h is not 24h. */
	assert_int_equal(pick(levels, 2, "default", 12, 0, rel + 12 * 3600), 2);
	assert_int_equal(pick(levels, 2, "default", 24, 0, rel + 12 * 3600), 1);
}

static void select_sticky(void **state)
{
	const struct kcl_index_level levels[] = {
		lv(1, "2026-10-30T10:00:00Z", "default", false),
		lv(2, "2026-11-01T23:59:59Z", "default", false),
		lv(3, "2026-11-02T00:00:00Z", "default", false),
		lv(4, "2026-11-20T00:00:00Z", "default", false),
	};
	time_t now = T("2026-11-25T12:00:00Z"), until;

	assert_int_equal(kcl_sticky_parse("011126", now, &until, err,
					  sizeof(err)), 0);
	/* Released 23:59:59 on the sticky day: in; 00:00:00 next day: out. */
	assert_int_equal(pick(levels, 4, "default", 0, until, now), 2);
	assert_int_equal(pick(levels, 3, "default", 0, until, now), 2);
	/* The day before. */
	assert_int_equal(kcl_sticky_parse("311026", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(pick(levels, 4, "default", 0, until, now), 1);
	/* The day after. */
	assert_int_equal(kcl_sticky_parse("021126", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(pick(levels, 4, "default", 0, until, now), 3);
	/* Nothing that early. */
	assert_int_equal(kcl_sticky_parse("011126", now, &until, err,
					  sizeof(err)), 0);
	assert_int_equal(pick(levels + 2, 2, "default", 0, until, now), 0);
	assert_string_equal(err,
			    "no level released before 2026-11-02 (sticky 011126)");

	/* Sticky and delay combine. */
	assert_int_equal(pick(levels, 4, "default", 24, until,
			      levels[1].release_time + 24 * 3600), 2);
	assert_int_equal(pick(levels, 4, "default", 24, until,
			      levels[1].release_time + 24 * 3600 - 1), 1);
	assert_int_equal(pick(levels + 1, 3, "default", 24, until,
			      levels[1].release_time + 24 * 3600 - 1), 0);
	assert_string_equal(err,
			    "no level older than 24 hours and released before 2026-11-02 (sticky 011126)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_sample),
		cmocka_unit_test(parse_feed_no_levels_comments),
		cmocka_unit_test(parse_rejects),
		cmocka_unit_test(parse_limits),
		cmocka_unit_test(sign_verify_round_trip),
		cmocka_unit_test(verify_tampered_line),
		cmocka_unit_test(verify_signature_line_missing),
		cmocka_unit_test(verify_signature_line_twice),
		cmocka_unit_test(verify_signature_line_malformed),
		cmocka_unit_test(verify_untrusted_key),
		cmocka_unit_test(check_expiry),
		cmocka_unit_test(check_generated_in_future),
		cmocka_unit_test(check_replay_and_rollback),
		cmocka_unit_test(check_kernel_and_feed),
		cmocka_unit_test(select_latest_and_withdrawn),
		cmocka_unit_test(select_patch_types),
		cmocka_unit_test(select_delayed),
		cmocka_unit_test(select_sticky),
	};

	return cmocka_run_group_tests_name("index", tests, setup, teardown);
}
