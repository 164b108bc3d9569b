// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the manifest (loader/manifest.c): both kinds parsed and
 * formatted back, every refusal Documentation/formats.md implies, times,
 * and the CVE list as text and JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "util.h"
#include "manifest.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SHA1	"5f0c1b2a3d4e5f60718293a4b5c6d7e8f9012345"
#define BUILD_ID "8a1e0f3c5b7d9e2f4a6c8b0d1e3f5a7c9b2d4e6f"
#define SHA_A	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define SHA_B	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"

/* The canonical text of a built manifest: what format() writes. */
static const char built[] =
	"format: 1\n"				/* line 1 */
	"id: K20261125_01\n"
	"level: 1\n"
	"patch-type: default\n"
	"effective-version: 6.1.0-56.1kc\n"	/* line 5 */
	"arch: x86_64\n"
	"kernel-release: 6.1.0-56-amd64\n"
	"kernel-sha1: " SHA1 "\n"
	"kernel-build-id: " BUILD_ID "\n"
	"build-time: 2026-11-25T10:00:00Z\n"	/* line 10 */
	"release-time: 2026-11-25T12:00:00Z\n"
	"payload: kcpatch_demo.ko 123456 " SHA_A "\n"
	"payload: kcpatch-2.ko 1 " SHA_B "\n"
	"\n"
	"[patch proc_cmdline]\n"		/* line 15 */
	"description: /proc/cmdline no longer shows secrets\n"
	"cve: CVE-2026-0001 CVE-2026-0002\n"
	"cvss: 5.5\n"
	"cve-url: https://cve.example.org/CVE-2026-0001\n"
	"patch-url: https://git.example.org/c/1234\n"	/* line 20 */
	"sysctl: proc_cmdline\n"
	"\n"
	"[patch uaf_2]\n"
	"description: a \"quoted\" back\\slash: fixed\n"
	"cve:\n"				/* line 25 */
	"cvss:\n"
	"cve-url:\n"
	"patch-url:\n"
	"sysctl:\n";

static const char author[] =
	"format: 1\n"
	"id: K20261125_01\n"
	"patch-type: extra\n"
	"effective-version: 6.1.0-56.1kc\n"
	"\n"
	"[patch proc_cmdline]\n"
	"description: /proc/cmdline no longer shows secrets\n"
	"cve: CVE-2026-0001\n"
	"cvss: 10.0\n"
	"cve-url:\n"
	"patch-url:\n"
	"sysctl:\n";

static char errbuf[512];

/* Parse, and check that a failure leaves nothing behind. */
static int parse(const char *text, size_t len, enum kcl_manifest_kind kind,
		 struct kcl_manifest *m)
{
	static const struct kcl_manifest zero;
	int ret;

	errbuf[0] = '\0';
	memset(m, 0xa5, sizeof(*m));
	ret = kcl_manifest_parse(text, len, kind, m, errbuf, sizeof(errbuf));
	if (ret) {
		assert_int_equal(ret, -1);
		assert_memory_equal(m, &zero, sizeof(*m));
		assert_true(errbuf[0]);
		assert_null(strchr(errbuf, '\n'));
	}
	return ret;
}

/* @text with its first @old replaced by @new (malloc'd). */
static char *replace(const char *text, const char *old, const char *new)
{
	const char *at = strstr(text, old);
	size_t pre, len;
	char *s;

	if (!at)
		fail_msg("'%s' not in the text", old);
	pre = at - text;
	len = strlen(text) - strlen(old) + strlen(new);
	s = malloc(len + 1);
	assert_non_null(s);
	memcpy(s, text, pre);
	strcpy(s + pre, new);
	strcat(s, at + strlen(old));
	return s;
}

static void expect_error_text(const char *text, size_t len,
			      enum kcl_manifest_kind kind, const char *msg)
{
	struct kcl_manifest m;

	if (!parse(text, len, kind, &m)) {
		kcl_manifest_free(&m);
		fail_msg("accepted; expected '%s'", msg);
	}
	if (!strstr(errbuf, msg))
		fail_msg("error '%s' does not say '%s'", errbuf, msg);
}

/* The built manifest with @old replaced by @new is refused with @msg. */
static void expect_error(const char *old, const char *new, const char *msg)
{
	char *s = replace(built, old, new);

	expect_error_text(s, strlen(s), KCL_MANIFEST_BUILT, msg);
	free(s);
}

static void expect_author_error(const char *old, const char *new,
				const char *msg)
{
	char *s = replace(author, old, new);

	expect_error_text(s, strlen(s), KCL_MANIFEST_AUTHOR, msg);
	free(s);
}

/* The built manifest with @old replaced by @new is accepted. */
static void expect_ok(const char *old, const char *new)
{
	struct kcl_manifest m;
	char *s = replace(built, old, new);

	if (parse(s, strlen(s), KCL_MANIFEST_BUILT, &m))
		fail_msg("'%s' refused: %s", new, errbuf);
	kcl_manifest_free(&m);
	free(s);
}

static void expect_same(const struct kcl_manifest *a,
			const struct kcl_manifest *b)
{
	size_t i;

	assert_int_equal(a->format, b->format);
	assert_string_equal(a->id, b->id);
	assert_int_equal(a->level, b->level);
	assert_string_equal(a->patch_type, b->patch_type);
	assert_string_equal(a->effective_version, b->effective_version);
	if (a->arch) {
		assert_string_equal(a->arch, b->arch);
		assert_string_equal(a->kernel_release, b->kernel_release);
		assert_string_equal(a->kernel_sha1, b->kernel_sha1);
		assert_string_equal(a->kernel_build_id, b->kernel_build_id);
	} else {
		assert_null(b->arch);
		assert_null(b->kernel_release);
		assert_null(b->kernel_sha1);
		assert_null(b->kernel_build_id);
	}
	assert_int_equal(a->build_time, b->build_time);
	assert_int_equal(a->release_time, b->release_time);
	assert_int_equal(a->npayloads, b->npayloads);
	for (i = 0; i < a->npayloads; i++) {
		assert_string_equal(a->payloads[i].file, b->payloads[i].file);
		assert_int_equal(a->payloads[i].size, b->payloads[i].size);
		assert_memory_equal(a->payloads[i].sha256, b->payloads[i].sha256, 32);
	}
	assert_int_equal(a->npatches, b->npatches);
	for (i = 0; i < a->npatches; i++) {
		const struct kcl_patch_meta *p = &a->patches[i], *q = &b->patches[i];

		assert_string_equal(p->name, q->name);
		assert_string_equal(p->description, q->description);
		assert_string_equal(p->cve, q->cve);
		assert_string_equal(p->cvss, q->cvss);
		assert_string_equal(p->cve_url, q->cve_url);
		assert_string_equal(p->patch_url, q->patch_url);
		assert_string_equal(p->sysctl, q->sysctl);
	}
}

static void parses_built(void **state)
{
	struct kcl_manifest m;
	char *text;

	assert_int_equal(parse(built, strlen(built), KCL_MANIFEST_BUILT, &m), 0);
	assert_int_equal(m.format, 1);
	assert_string_equal(m.id, "K20261125_01");
	assert_int_equal(m.level, 1);
	assert_string_equal(m.patch_type, "default");
	assert_string_equal(m.effective_version, "6.1.0-56.1kc");
	assert_string_equal(m.arch, "x86_64");
	assert_string_equal(m.kernel_release, "6.1.0-56-amd64");
	assert_string_equal(m.kernel_sha1, SHA1);
	assert_string_equal(m.kernel_build_id, BUILD_ID);
	assert_int_equal(m.build_time, 1795600800);
	assert_int_equal(m.release_time, 1795600800 + 7200);
	assert_int_equal(m.npayloads, 2);
	assert_string_equal(m.payloads[0].file, "kcpatch_demo.ko");
	assert_int_equal(m.payloads[0].size, 123456);
	assert_int_equal(m.payloads[0].sha256[0], 0x00);
	assert_int_equal(m.payloads[0].sha256[1], 0x11);
	assert_int_equal(m.payloads[0].sha256[31], 0xff);
	assert_string_equal(m.payloads[1].file, "kcpatch-2.ko");
	assert_int_equal(m.payloads[1].size, 1);
	assert_int_equal(m.payloads[1].sha256[0], 0xff);
	assert_int_equal(m.npatches, 2);
	assert_string_equal(m.patches[0].name, "proc_cmdline");
	assert_string_equal(m.patches[0].cve, "CVE-2026-0001 CVE-2026-0002");
	assert_string_equal(m.patches[0].cvss, "5.5");
	assert_string_equal(m.patches[0].sysctl, "proc_cmdline");
	assert_string_equal(m.patches[1].name, "uaf_2");
	assert_string_equal(m.patches[1].description,
			    "a \"quoted\" back\\slash: fixed");
	assert_string_equal(m.patches[1].cve, "");
	assert_string_equal(m.patches[1].patch_url, "");

	text = kcl_manifest_format(&m);
	assert_string_equal(text, built);
	free(text);
	kcl_manifest_free(&m);
	assert_null(m.patches);
	kcl_manifest_free(&m);	/* twice is harmless */
}

static void parses_author(void **state)
{
	struct kcl_manifest m;
	char *text;

	assert_int_equal(parse(author, strlen(author), KCL_MANIFEST_AUTHOR, &m), 0);
	assert_string_equal(m.id, "K20261125_01");
	assert_string_equal(m.patch_type, "extra");
	assert_int_equal(m.level, 0);
	assert_null(m.arch);
	assert_null(m.kernel_release);
	assert_null(m.kernel_sha1);
	assert_int_equal(m.npayloads, 0);
	assert_int_equal(m.npatches, 1);
	assert_string_equal(m.patches[0].cvss, "10.0");
	text = kcl_manifest_format(&m);
	assert_string_equal(text, author);
	free(text);
	kcl_manifest_free(&m);

	/* an author's file is not a manifest, and the other way round */
	expect_error_text(author, strlen(author), KCL_MANIFEST_BUILT,
			  "line 3: missing key 'level' (expected before 'patch-type')");
	expect_error_text(built, strlen(built), KCL_MANIFEST_AUTHOR,
			  "line 3: key 'level' is added by the build");
}

/* Comments and empty lines anywhere are ignored; the format drops them. */
static void ignores_comments(void **state)
{
	struct kcl_manifest m;
	char *s, *t, *text;

	s = replace(built, "format: 1\n", "# a comment\n\nformat: 1\n#\n");
	t = replace(s, "sysctl:\n", "\n\n# [patch x]\nsysctl:\n# end\n\n");
	assert_int_equal(parse(t, strlen(t), KCL_MANIFEST_BUILT, &m), 0);
	text = kcl_manifest_format(&m);
	assert_string_equal(text, built);
	free(text);
	kcl_manifest_free(&m);
	free(s);
	free(t);
	/* line numbers count them */
	s = replace(built, "format: 1\n", "# a comment\n\nformat: 1\nfoo: x\n");
	expect_error_text(s, strlen(s), KCL_MANIFEST_BUILT,
			  "line 4: unknown key 'foo'");
	free(s);
}

/* parse(format(m)) == m for a manifest built in code */
static void formats_what_it_parses(void **state)
{
	struct kcl_patch_meta patches[3] = {
		{ "a", "first", "CVE-2025-12345678", "0.0", "http://x", "", "" },
		{ "b_2", "#not a comment: [patch c]", "", "", "", "https://y/z?a=b&c=d#e", "b_2" },
		{ "c", "trailing blank ", "", "9.9", "", "", "" },
	};
	struct kcl_payload_ref refs[1] = {
		{ .file = "x.ko", .size = 64u << 20 },
	};
	struct kcl_manifest m = {
		.format = 1,
		.id = "K_1",
		.level = 4294967295u,
		.patch_type = "free",
		.effective_version = "!~",
		.arch = "arm64",
		.kernel_release = "6.1.0-56-arm64",
		.kernel_sha1 = SHA1,
		.kernel_build_id = "00",
		.build_time = 946684800,	/* 2000-01-01T00:00:00Z */
		.release_time = 32503679999,	/* 2999-12-31T23:59:59Z */
		.payloads = refs,
		.npayloads = 1,
		.patches = patches,
		.npatches = 3,
	};
	struct kcl_manifest a = m, back;
	char *text, *again;

	memset(refs[0].sha256, 0xab, 32);
	text = kcl_manifest_format(&m);
	assert_non_null(text);
	if (parse(text, strlen(text), KCL_MANIFEST_BUILT, &back))
		fail_msg("%s", errbuf);
	expect_same(&m, &back);
	again = kcl_manifest_format(&back);
	assert_string_equal(again, text);
	assert_non_null(strstr(text, "build-time: 2000-01-01T00:00:00Z\n"));
	assert_non_null(strstr(text, "release-time: 2999-12-31T23:59:59Z\n"));
	assert_non_null(strstr(text, "\ndescription: trailing blank \n"));
	free(again);
	free(text);
	kcl_manifest_free(&back);

	/* the author's form: none of the build's fields */
	memset(&a.level, 0, sizeof(a) - offsetof(struct kcl_manifest, level));
	a.patch_type = "default";
	a.effective_version = "1";
	a.patches = patches;
	a.npatches = 1;
	text = kcl_manifest_format(&a);
	assert_string_equal(text,
			    "format: 1\nid: K_1\npatch-type: default\n"
			    "effective-version: 1\n\n[patch a]\n"
			    "description: first\ncve: CVE-2025-12345678\n"
			    "cvss: 0.0\ncve-url: http://x\npatch-url:\nsysctl:\n");
	assert_int_equal(parse(text, strlen(text), KCL_MANIFEST_AUTHOR, &back), 0);
	expect_same(&a, &back);
	kcl_manifest_free(&back);
	free(text);
}

static void refuses_bad_syntax(void **state)
{
	static char big[KCL_MANIFEST_MAX_SIZE + 2];
	struct kcl_manifest m;

	expect_error("level: 1\n", "level: 1\nfoo: bar\n", "line 4: unknown key 'foo'");
	expect_error("level: 1\n", "Level: 1\n", "line 3: invalid key 'Level'");
	expect_error("level: 1\n", "level_x: 1\n", "line 3: invalid key 'level_x'");
	expect_error("level: 1\n", ": 1\n", "line 3: invalid key ''");
	expect_error("level: 1\n", "level 1\n", "line 3: expected 'key: value' or '[patch NAME]'");
	expect_error("level: 1\n", "level:1\n", "line 3: exactly one space must follow the colon");
	expect_error("level: 1\n", "level:  1\n", "line 3: exactly one space");
	expect_error("cve:\n", "cve: \n", "line 25: exactly one space");
	expect_error("level: 1\n", " level: 1\n", "line 3: invalid key ' level'");
	expect_error("level: 1\n", "level: 1\r\n", "line 3: character 0x0d not allowed");
	expect_error("level: 1\n", "level:\t1\n", "line 3: character 0x09 not allowed");
	expect_error("cvss: 5.5\n", "cvss: 5\xc2\xb7" "5\n", "line 18: character 0xc2 not allowed");
	expect_error_text("format: 1\n\0", 11, KCL_MANIFEST_BUILT,
			  "line 2: character 0x00 not allowed");
	expect_error_text(built, strlen(built) - 1, KCL_MANIFEST_BUILT,
			  "line 29: the last line does not end with a new line");
	expect_error_text("", 0, KCL_MANIFEST_BUILT, "missing key 'format'");
	expect_error_text("\n", 1, KCL_MANIFEST_AUTHOR, "missing key 'format'");

	memset(big, '#', sizeof(big));
	big[KCL_MANIFEST_MAX_SIZE] = '\n';
	expect_error_text(big, KCL_MANIFEST_MAX_SIZE + 1, KCL_MANIFEST_BUILT,
			  "manifest larger than 1024 KiB");
	/* a comment up to the limit is no problem */
	memcpy(big, built, strlen(built));
	big[strlen(built)] = '#';
	big[KCL_MANIFEST_MAX_SIZE - 1] = '\n';
	assert_int_equal(parse(big, KCL_MANIFEST_MAX_SIZE, KCL_MANIFEST_BUILT, &m), 0);
	kcl_manifest_free(&m);
}

static void refuses_misplaced_keys(void **state)
{
	/* every key required, in order, once */
	expect_error("kernel-sha1: " SHA1 "\n", "",
		     "line 8: missing key 'kernel-sha1' (expected before 'kernel-build-id')");
	expect_error("id: K20261125_01\nlevel: 1\n", "level: 1\nid: K20261125_01\n",
		     "line 2: missing key 'id' (expected before 'level')");
	expect_error("level: 1\n", "level: 1\nid: K2\n", "line 4: key 'id' given twice");
	expect_error("level: 1\n", "level: 1\nlevel: 1\n", "line 4: key 'level' given twice");
	expect_error("arch: x86_64\n", "arch: x86_64\narch: x86_64\n", "key 'arch' given twice");
	expect_error("payload: kcpatch_demo.ko 123456 " SHA_A "\n"
		     "payload: kcpatch-2.ko 1 " SHA_B "\n", "",
		     "line 13: missing key 'payload'");
	expect_error("release-time: 2026-11-25T12:00:00Z\n", "",
		     "line 11: missing key 'release-time' (expected before 'payload')");
	expect_error("sysctl: proc_cmdline\n", "",
		     "line 22: missing key 'sysctl' in [patch proc_cmdline]");
	expect_error("patch-url:\nsysctl:\n", "patch-url:\n", "missing key 'sysctl' in [patch uaf_2]");
	expect_error("cvss: 5.5\n", "", "line 18: missing key 'cvss' (expected before 'cve-url')");
	expect_error("cvss: 5.5\n", "cvss: 5.5\ncvss: 5.5\n", "line 19: key 'cvss' given twice");
	expect_error("sysctl: proc_cmdline\n", "sysctl: proc_cmdline\ndescription: x\n",
		     "line 22: key 'description' given twice");
	expect_error("sysctl: proc_cmdline\n", "sysctl: proc_cmdline\nid: K2\n",
		     "line 22: key 'id' belongs in the header, not in [patch proc_cmdline]");
	expect_error("\n[patch proc_cmdline]\n", "description: x\n[patch proc_cmdline]\n",
		     "line 14: key 'description' outside a [patch NAME] section");
	expect_error("payload: kcpatch-2.ko 1 " SHA_B "\n",
		     "payload: kcpatch-2.ko 1 " SHA_B "\nlevel: 2\n",
		     "line 14: key 'level' given twice");
	expect_error("sysctl: proc_cmdline\n", "sysctl: proc_cmdline\npayload: x.ko 1 " SHA_B "\n",
		     "line 22: key 'payload' belongs in the header, not in [patch proc_cmdline]");
	expect_author_error("id: K20261125_01\n", "id: K20261125_01\nlevel: 1\n",
			    "line 3: key 'level' is added by the build: not allowed in an author's file");
	expect_author_error("effective-version: 6.1.0-56.1kc\n",
			    "effective-version: 6.1.0-56.1kc\narch: x86_64\n",
			    "line 5: key 'arch' is added by the build");
	expect_author_error("effective-version: 6.1.0-56.1kc\n",
			    "effective-version: 6.1.0-56.1kc\npayload: x.ko 1 " SHA_A "\n",
			    "line 5: key 'payload' is added by the build");
	expect_author_error("effective-version: 6.1.0-56.1kc\n", "",
			    "missing key 'effective-version'");
}

static void refuses_bad_sections(void **state)
{
	static char many[64 * 1024];
	struct kcl_manifest m;
	char *header;
	size_t i, n;

	expect_error("[patch uaf_2]\n", "[patch proc_cmdline]\n",
		     "line 23: patch 'proc_cmdline' appears twice");
	expect_error("[patch uaf_2]\n", "[patch Uaf]\n",
		     "line 23: patch name must be 1 to 48 characters of [a-z0-9_]");
	expect_error("[patch uaf_2]\n", "[patch uaf-2]\n", "line 23: patch name must be");
	expect_error("[patch uaf_2]\n", "[patch ]\n", "line 23: patch name must be");
	expect_error("[patch uaf_2]\n", "[patch a b]\n", "line 23: patch name must be");
	expect_error("[patch uaf_2]\n",
		     "[patch a23456789012345678901234567890123456789012345678x]\n",
		     "line 23: patch name must be");
	expect_ok("[patch uaf_2]\n",
		  "[patch a23456789012345678901234567890123456789012345678]\n");
	expect_error("[patch uaf_2]\n", "[patch uaf_2\n", "line 23: expected a section header '[patch NAME]'");
	expect_error("[patch uaf_2]\n", "[patch uaf_2] \n", "line 23: expected a section header");
	expect_error("[patch uaf_2]\n", "[patchuaf_2]\n", "line 23: expected a section header");
	expect_error("[patch uaf_2]\n", "[module uaf_2]\n", "line 23: expected a section header");
	expect_error("[patch uaf_2]\n", "[]\n", "line 23: expected a section header");
	expect_error("description: /proc/cmdline no longer shows secrets\n", "description:\n",
		     "line 16: description must not be empty");
	expect_error("description: /proc/cmdline no longer shows secrets\n", "",
		     "line 16: missing key 'description' (expected before 'cve')");
	header = strndup(built, strstr(built, "\n[patch") - built + 1);
	expect_error_text(header, strlen(header), KCL_MANIFEST_BUILT,
			  "no [patch NAME] section: at least one patch is required");
	free(header);

	/* the most patches, one more */
	n = snprintf(many, sizeof(many), "%.*s", (int)(strstr(built, "\n[patch") - built + 1),
		     built);
	for (i = 0; i < KCL_MANIFEST_MAX_PATCHES; i++)
		n += snprintf(many + n, sizeof(many) - n,
			      "[patch p%zu]\ndescription: d\ncve:\ncvss:\ncve-url:\npatch-url:\nsysctl:\n",
			      i);
	assert_int_equal(parse(many, n, KCL_MANIFEST_BUILT, &m), 0);
	assert_int_equal(m.npatches, KCL_MANIFEST_MAX_PATCHES);
	kcl_manifest_free(&m);
	n += snprintf(many + n, sizeof(many) - n, "[patch one_more]\n");
	expect_error_text(many, n, KCL_MANIFEST_BUILT, "more than 256 patches");
}

static void refuses_bad_header_values(void **state)
{
	expect_error("format: 1\n", "format: 2\n", "line 1: unsupported format '2' (this client reads format 1)");
	expect_error("format: 1\n", "format: 01\n", "line 1: unsupported format '01'");
	expect_error("format: 1\n", "format:\n", "line 1: unsupported format ''");

	expect_error("id: K20261125_01\n", "id:\n", "line 2: id must be 1 to 48 characters of [A-Za-z0-9_]");
	expect_error("id: K20261125_01\n", "id: K2026-01\n", "line 2: id must be");
	expect_error("id: K20261125_01\n", "id: K 1\n", "line 2: id must be");
	expect_error("id: K20261125_01\n", "id: a234567890123456789012345678901234567890123456789\n",
		     "line 2: id must be");
	expect_ok("id: K20261125_01\n", "id: a23456789012345678901234567890123456789012345678\n");

	expect_error("level: 1\n", "level: 0\n", "line 3: level must be a number from 1 to 4294967295");
	expect_error("level: 1\n", "level: 01\n", "line 3: level must be a number from 1 to 4294967295");
	expect_error("level: 1\n", "level: 4294967296\n", "line 3: level must be a number");
	expect_error("level: 1\n", "level: 99999999999999999999999\n", "line 3: level must be a number");
	expect_error("level: 1\n", "level: -1\n", "line 3: level must be a number");
	expect_error("level: 1\n", "level: +1\n", "line 3: level must be a number");
	expect_error("level: 1\n", "level: 1x\n", "line 3: level must be a number");
	expect_error("level: 1\n", "level:\n", "line 3: level must be a number");
	expect_ok("level: 1\n", "level: 4294967295\n");

	expect_error("patch-type: default\n", "patch-type: Default\n",
		     "line 4: patch-type must be default, extra, free, libs, qemu or db");
	expect_error("patch-type: default\n", "patch-type: defaults\n", "line 4: patch-type must be");
	expect_error("patch-type: default\n", "patch-type:\n", "line 4: patch-type must be");
	expect_ok("patch-type: default\n", "patch-type: free\n");
	/* User-space types: libcare objects (.o) instead of modules. */
	expect_error("patch-type: default\n", "patch-type: libs\n",
		     "payload file must be an entry name ending in .o");
	{
		char *a = replace(built, "patch-type: default\n", "patch-type: db\n");
		char *b = replace(a, "kcpatch_demo.ko", "lpatch_demo.o");
		char *c = replace(b, "kcpatch-2.ko", "lpatch-2.o");
		struct kcl_manifest m;

		assert_int_equal(parse(c, strlen(c), KCL_MANIFEST_BUILT, &m), 0);
		assert_string_equal(m.payloads[0].file, "lpatch_demo.o");
		assert_true(kcl_patch_type_user(m.patch_type));
		kcl_manifest_free(&m);
		free(a);
		free(b);
		free(c);
	}
	expect_error("kcpatch_demo.ko", "kcpatch_demo.o",
		     "payload file must be an entry name ending in .ko");

	expect_error("effective-version: 6.1.0-56.1kc\n", "effective-version: 6.1 kc\n",
		     "line 5: effective-version must be 1 to 64 printable characters without blanks");
	expect_error("effective-version: 6.1.0-56.1kc\n", "effective-version:\n",
		     "line 5: effective-version must be");
	expect_error("effective-version: 6.1.0-56.1kc\n",
		     "effective-version: 12345678901234567890123456789012345678901234567890123456789012345\n",
		     "line 5: effective-version must be");
	expect_ok("effective-version: 6.1.0-56.1kc\n",
		  "effective-version: 1234567890123456789012345678901234567890123456789012345678901234\n");

	expect_error("arch: x86_64\n", "arch: amd64\n", "line 6: arch must be x86_64 or arm64");
	expect_error("arch: x86_64\n", "arch:\n", "line 6: arch must be x86_64 or arm64");
	expect_ok("arch: x86_64\n", "arch: arm64\n");

	expect_error("kernel-release: 6.1.0-56-amd64\n", "kernel-release:\n",
		     "line 7: kernel-release must be 1 to 64 printable characters without blanks");
	expect_error("kernel-release: 6.1.0-56-amd64\n", "kernel-release: 6.1.0 56\n",
		     "line 7: kernel-release must be");

	expect_error(SHA1, SHA1 "0", "line 8: kernel-sha1 must be 40 lowercase hex digits");
	expect_error(SHA1 "\n", "5f0c1b2a3d4e5f60718293a4b5c6d7e8f901234\n", "line 8: kernel-sha1 must be");
	expect_error(SHA1 "\n", "5F0c1b2a3d4e5f60718293a4b5c6d7e8f9012345\n", "line 8: kernel-sha1 must be");
	expect_error(SHA1 "\n", "5g0c1b2a3d4e5f60718293a4b5c6d7e8f9012345\n", "line 8: kernel-sha1 must be");

	expect_error(BUILD_ID "\n", "8a1\n",
		     "line 9: kernel-build-id must be an even number (2 to 128) of lowercase hex digits");
	expect_error(": " BUILD_ID "\n", ":\n", "line 9: kernel-build-id must be");
	expect_error(BUILD_ID "\n", "8A\n", "line 9: kernel-build-id must be");
	expect_error(BUILD_ID "\n", BUILD_ID BUILD_ID BUILD_ID "0123456789\n",
		     "line 9: kernel-build-id must be");
	expect_ok(BUILD_ID "\n", BUILD_ID BUILD_ID BUILD_ID "01234567\n");
	expect_ok(BUILD_ID "\n", "ab\n");
}

static void refuses_bad_times(void **state)
{
	static const char * const bad[] = {
		"2026-02-29T10:00:00Z", "2100-02-29T10:00:00Z",
		"2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z",
		"2026-00-01T10:00:00Z", "2026-01-00T10:00:00Z",
		"1999-12-31T23:59:59Z", "3000-01-01T00:00:00Z",
		"2026-11-25T24:00:00Z", "2026-11-25T10:60:00Z",
		"2026-11-25T23:59:60Z", "2026-11-25T10:00:00",
		"2026-11-25t10:00:00Z", "2026-11-25 10:00:00Z",
		"2026-11-25T10:00:00+00:00", "2026-11-25T10:00:00.0Z",
		"26-11-25T10:00:00Z", "2026-1-25T10:00:00Z",
		"2026-11-25T10:00:0Z", "+026-11-25T10:00:00Z",
		"2026-11-25T1 :00:00Z", "2026/11/25T10:00:00Z",
		"", "2026-11-25T10:00:00ZZ",
	};
	char line[64];
	size_t i;
	time_t t;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		t = 42;
		if (!kc_time_parse(bad[i], &t))
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(t, 42);
		snprintf(line, sizeof(line), "build-time:%s%s\n",
			 *bad[i] ? " " : "", bad[i]);
		expect_error("build-time: 2026-11-25T10:00:00Z\n", line,
			     "line 10: build-time must be a UTC time YYYY-MM-DDTHH:MM:SSZ between 2000 and 2999");
	}
	expect_error("release-time: 2026-11-25T12:00:00Z\n", "release-time:\n",
		     "line 11: release-time must be a UTC time");
}

static void parses_and_formats_times(void **state)
{
	static const struct {
		const char *s;
		time_t t;
	} good[] = {
		{ "2000-01-01T00:00:00Z", 946684800 },
		{ "2000-02-29T12:34:56Z", 951827696 },
		{ "2026-11-25T10:00:00Z", 1795600800 },
		{ "2028-02-29T23:59:59Z", 1835481599 },
		{ "2999-12-31T23:59:59Z", 32503679999 },
	};
	char buf[21];
	size_t i;
	time_t t;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(kc_time_parse(good[i].s, &t), 0);
		assert_int_equal(t, good[i].t);
		kc_time_format(t, buf);
		assert_string_equal(buf, good[i].s);
	}
	kc_time_format(0, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	/* out of any range: still a terminated string, never parsed back */
	kc_time_format(INT64_MAX, buf);
	assert_int_equal(strlen(buf), 20);
	assert_int_equal(kc_time_parse(buf, &t), -1);
}

static void refuses_bad_payloads(void **state)
{
	static char many[8192];
	struct kcl_manifest m;
	const char *pl = "payload: kcpatch-2.ko 1 " SHA_B "\n";
	size_t i, n;

	expect_error(pl, "payload: kcpatch-2.ko 1\n", "line 13: payload must be 'FILE SIZE SHA256'");
	expect_error(pl, "payload: kcpatch-2.ko\n", "line 13: payload must be 'FILE SIZE SHA256'");
	expect_error(pl, "payload:\n", "line 13: payload must be 'FILE SIZE SHA256'");
	expect_error(pl, "payload: kcpatch-2.o 1 " SHA_B "\n",
		     "line 13: payload file must be an entry name ending in .ko");
	expect_error(pl, "payload: .ko 1 " SHA_B "\n", "line 13: payload file must be");
	expect_error(pl, "payload: a/b.ko 1 " SHA_B "\n", "line 13: payload file must be");
	expect_error(pl, "payload:  a.ko 1 " SHA_B "\n", "line 13: exactly one space");
	expect_error(pl, "payload: a.ko  1 " SHA_B "\n", "line 13: payload size must be a number from 1 to 67108864");
	expect_error(pl,
		     "payload: a2345678901234567890123456789012345678901234567890123456789012.ko 1 " SHA_B "\n",
		     "line 13: payload file must be");
	expect_ok(pl, "payload: a234567890123456789012345678901234567890123456789012345678901.ko 1 " SHA_B "\n");
	expect_error(pl, "payload: a.ko 0 " SHA_B "\n", "line 13: payload size must be a number from 1 to 67108864");
	expect_error(pl, "payload: a.ko 01 " SHA_B "\n", "line 13: payload size must be");
	expect_error(pl, "payload: a.ko 67108865 " SHA_B "\n", "line 13: payload size must be");
	expect_ok(pl, "payload: a.ko 67108864 " SHA_B "\n");
	expect_error(pl, "payload: a.ko 1 " SHA_B "0\n", "line 13: payload SHA-256 must be 64 lowercase hex digits");
	expect_error(pl, "payload: a.ko 1 " SHA_B " \n", "line 13: payload SHA-256 must be");
	expect_error(pl, "payload: a.ko 1 F" SHA_B "\n", "line 13: payload SHA-256 must be");
	expect_error(SHA_B, "FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100",
		     "line 13: payload SHA-256 must be");
	expect_error(pl, "payload: kcpatch_demo.ko 1 " SHA_B "\n",
		     "line 13: payload 'kcpatch_demo.ko' listed twice");

	/* the most payloads, one more */
	n = snprintf(many, sizeof(many), "%.*s", (int)(strstr(built, "payload:") - built), built);
	for (i = 0; i < KCL_MANIFEST_MAX_PAYLOADS; i++)
		n += snprintf(many + n, sizeof(many) - n, "payload: p%zu.ko 1 %s\n", i, SHA_A);
	n += snprintf(many + n, sizeof(many) - n, "%s", strstr(built, "\n[patch"));
	assert_int_equal(parse(many, n, KCL_MANIFEST_BUILT, &m), 0);
	assert_int_equal(m.npayloads, KCL_MANIFEST_MAX_PAYLOADS);
	kcl_manifest_free(&m);
	n = snprintf(many, sizeof(many), "%.*s", (int)(strstr(built, "payload:") - built), built);
	for (i = 0; i <= KCL_MANIFEST_MAX_PAYLOADS; i++)
		n += snprintf(many + n, sizeof(many) - n, "payload: p%zu.ko 1 %s\n", i, SHA_A);
	n += snprintf(many + n, sizeof(many) - n, "%s", strstr(built, "\n[patch"));
	expect_error_text(many, n, KCL_MANIFEST_BUILT, "line 28: more than 16 payloads");
}

static void refuses_bad_patch_values(void **state)
{
	const char *cve = "cve: CVE-2026-0001 CVE-2026-0002\n";

	expect_error(cve, "cve: CVE-2026-001\n",
		     "line 17: cve must be CVE ids (CVE-YYYY-NNNN) separated by single spaces, or empty");
	expect_error(cve, "cve: CVE-26-0001\n", "line 17: cve must be");
	expect_error(cve, "cve: cve-2026-0001\n", "line 17: cve must be");
	expect_error(cve, "cve: CVE-2026-0001  CVE-2026-0002\n", "line 17: cve must be");
	expect_error(cve, "cve: CVE-2026-0001 \n", "line 17: cve must be");
	expect_error(cve, "cve: CVE-2026-0001,CVE-2026-0002\n", "line 17: cve must be");
	expect_error(cve, "cve: CVE-2026-0001x\n", "line 17: cve must be");
	expect_error(cve, "cve: CVE-2026-\n", "line 17: cve must be");
	expect_ok(cve, "cve: CVE-2026-1234567\n");

	expect_error("cvss: 5.5\n", "cvss: 5\n",
		     "line 18: cvss must be a score from 0.0 to 10.0 with one decimal, or empty");
	expect_error("cvss: 5.5\n", "cvss: 5.55\n", "line 18: cvss must be");
	expect_error("cvss: 5.5\n", "cvss: 10.1\n", "line 18: cvss must be");
	expect_error("cvss: 5.5\n", "cvss: 11.0\n", "line 18: cvss must be");
	expect_error("cvss: 5.5\n", "cvss: .5\n", "line 18: cvss must be");
	expect_error("cvss: 5.5\n", "cvss: 5,5\n", "line 18: cvss must be");

	expect_error("cve-url: https://cve.example.org/CVE-2026-0001\n", "cve-url: ftp://x\n",
		     "line 19: cve-url must be an http:// or https:// URL without blanks, or empty");
	expect_error("cve-url: https://cve.example.org/CVE-2026-0001\n", "cve-url: https://\n",
		     "line 19: cve-url must be");
	expect_error("cve-url: https://cve.example.org/CVE-2026-0001\n", "cve-url: https://a b\n",
		     "line 19: cve-url must be");
	expect_error("patch-url: https://git.example.org/c/1234\n", "patch-url: git.example.org\n",
		     "line 20: patch-url must be an http:// or https:// URL");

	expect_error("sysctl: proc_cmdline\n", "sysctl: proc-cmdline\n",
		     "line 21: sysctl must be empty or 1 to 48 characters of [a-z0-9_]");
	expect_error("sysctl: proc_cmdline\n", "sysctl: Proc\n", "line 21: sysctl must be");
	expect_error("sysctl: proc_cmdline\n",
		     "sysctl: a234567890123456789012345678901234567890123456789\n",
		     "line 21: sysctl must be");
	expect_ok("sysctl: proc_cmdline\n",
		  "sysctl: a23456789012345678901234567890123456789012345678\n");
}

static void cve_text(void **state)
{
	struct kcl_manifest m;
	char *text;

	assert_int_equal(parse(built, strlen(built), KCL_MANIFEST_BUILT, &m), 0);
	text = kcl_manifest_cve_text(&m);
	assert_string_equal(text,
		"kpatch-name: proc_cmdline\n"
		"kpatch-description: /proc/cmdline no longer shows secrets\n"
		"kpatch-kernel: 6.1.0-56-amd64\n"
		"kpatch-cve: CVE-2026-0001 CVE-2026-0002\n"
		"kpatch-cvss: 5.5\n"
		"kpatch-cve-url: https://cve.example.org/CVE-2026-0001\n"
		"kpatch-patch-url: https://git.example.org/c/1234\n"
		"\n"
		"kpatch-name: uaf_2\n"
		"kpatch-description: a \"quoted\" back\\slash: fixed\n"
		"kpatch-kernel: 6.1.0-56-amd64\n"
		"kpatch-cve:\n"
		"kpatch-cvss:\n"
		"kpatch-cve-url:\n"
		"kpatch-patch-url:\n");
	free(text);
	kcl_manifest_free(&m);

	/* an author's file names no kernel */
	assert_int_equal(parse(author, strlen(author), KCL_MANIFEST_AUTHOR, &m), 0);
	text = kcl_manifest_cve_text(&m);
	assert_string_equal(text,
		"kpatch-name: proc_cmdline\n"
		"kpatch-description: /proc/cmdline no longer shows secrets\n"
		"kpatch-kernel:\n"
		"kpatch-cve: CVE-2026-0001\n"
		"kpatch-cvss: 10.0\n"
		"kpatch-cve-url:\n"
		"kpatch-patch-url:\n");
	free(text);
	kcl_manifest_free(&m);
}

static void cve_json(void **state)
{
	struct kcl_patch_meta odd = {
		"odd", "q\" b\\ n\n t\t c\x01 del\x7f u\xc3\xa9 /", "  CVE-1  CVE-2 ", "",
		"", "", "",
	};
	struct kcl_patch_meta saved;
	struct kcl_manifest m;
	char *text;

	assert_int_equal(parse(built, strlen(built), KCL_MANIFEST_BUILT, &m), 0);
	text = kcl_manifest_cve_json(&m);
	assert_string_equal(text,
		"{\"id\": \"K20261125_01\", \"level\": 1, "
		"\"kernel-release\": \"6.1.0-56-amd64\", "
		"\"kernel-sha1\": \"" SHA1 "\", "
		"\"release-time\": \"2026-11-25T12:00:00Z\", "
		"\"patches\": ["
		"{\"name\": \"proc_cmdline\", "
		"\"description\": \"/proc/cmdline no longer shows secrets\", "
		"\"cve\": [\"CVE-2026-0001\", \"CVE-2026-0002\"], \"cvss\": \"5.5\", "
		"\"cve-url\": \"https://cve.example.org/CVE-2026-0001\", "
		"\"patch-url\": \"https://git.example.org/c/1234\"}, "
		"{\"name\": \"uaf_2\", "
		"\"description\": \"a \\\"quoted\\\" back\\\\slash: fixed\", "
		"\"cve\": [], \"cvss\": \"\", \"cve-url\": \"\", \"patch-url\": \"\"}"
		"]}\n");
	free(text);

	/* what a manifest built in code may hold is escaped all the same */
	saved = m.patches[1];
	m.patches[1] = odd;
	text = kcl_manifest_cve_json(&m);
	assert_non_null(strstr(text,
		"{\"name\": \"odd\", "
		"\"description\": \"q\\\" b\\\\ n\\n t\\t c\\u0001 del\\u007f u\xc3\xa9 /\", "
		"\"cve\": [\"CVE-1\", \"CVE-2\"], \"cvss\": \"\", \"cve-url\": \"\", \"patch-url\": \"\"}]}\n"));
	free(text);
	m.patches[1] = saved;
	kcl_manifest_free(&m);

	/* an author's file: no kernel, level or time */
	assert_int_equal(parse(author, strlen(author), KCL_MANIFEST_AUTHOR, &m), 0);
	text = kcl_manifest_cve_json(&m);
	assert_string_equal(text,
		"{\"id\": \"K20261125_01\", \"level\": 0, \"kernel-release\": \"\", "
		"\"kernel-sha1\": \"\", \"release-time\": \"\", \"patches\": ["
		"{\"name\": \"proc_cmdline\", "
		"\"description\": \"/proc/cmdline no longer shows secrets\", "
		"\"cve\": [\"CVE-2026-0001\"], \"cvss\": \"10.0\", "
		"\"cve-url\": \"\", \"patch-url\": \"\"}]}\n");
	free(text);
	kcl_manifest_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_built),
		cmocka_unit_test(parses_author),
		cmocka_unit_test(ignores_comments),
		cmocka_unit_test(formats_what_it_parses),
		cmocka_unit_test(refuses_bad_syntax),
		cmocka_unit_test(refuses_misplaced_keys),
		cmocka_unit_test(refuses_bad_sections),
		cmocka_unit_test(refuses_bad_header_values),
		cmocka_unit_test(refuses_bad_times),
		cmocka_unit_test(parses_and_formats_times),
		cmocka_unit_test(refuses_bad_payloads),
		cmocka_unit_test(refuses_bad_patch_values),
		cmocka_unit_test(cve_text),
		cmocka_unit_test(cve_json),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
