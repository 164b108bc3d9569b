// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of LibCare's input parsing: the .kcare.lpatch descriptor of
 * patch objects (compiled here by gcc from small sources), the blacklist,
 * and build-id hex strings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lc.h"

static char dir[] = "/tmp/lc-unit-XXXXXX";
static char errbuf[4096];

/* Compile @src into an object; its path is returned. */
static const char *object(const char *name, const char *src)
{
	static char obj[256];
	char c[256], cmd[1024];
	FILE *f;

	snprintf(c, sizeof(c), "%s/%s.c", dir, name);
	snprintf(obj, sizeof(obj), "%s/%s.o", dir, name);
	f = fopen(c, "w");
	assert_non_null(f);
	fputs(src, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gcc -O2 -fPIC -ffunction-sections -c %s -o %s", c, obj);
	assert_int_equal(system(cmd), 0);
	return obj;
}

#define ENTRY(n, s) "static const char " n "[] __attribute__((section(\".kcare.lpatch\"), used, aligned(1))) = \"" s "\";\n"
#define FUNC "int lp_f(int x) { return x + 1; }\n"

static int open_patch(const char *path, struct lc_patch **pt)
{
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");
	int r = lc_patch_open(path, pt, err);

	fclose(err);
	return r;
}

static void good_descriptor(void **state)
{
	const struct lc_patch_info *in;
	struct lc_patch *pt;

	assert_int_equal(open_patch(object("good", FUNC
		ENTRY("a", "buildid=0a1b2c") ENTRY("b", "level=3") ENTRY("c", "id=P-1")
		ENTRY("d", "cve=CVE-1") ENTRY("e", "cve=CVE-2") ENTRY("g", "file=f.c")
		ENTRY("h", "replace=f:lp_f")), &pt), 0);
	in = lc_patch_info(pt);
	assert_int_equal(in->build_id_len, 3);
	assert_memory_equal(in->build_id, "\x0a\x1b\x2c", 3);
	assert_int_equal(in->level, 3);
	assert_string_equal(in->id, "P-1");
	/* In the order of the section, which gcc may reverse. */
	assert_true(!strcmp(in->cves, "CVE-1 CVE-2") || !strcmp(in->cves, "CVE-2 CVE-1"));
	assert_string_equal(in->file, "f.c");
	assert_int_equal(in->nfuncs, 1);
	assert_string_equal(in->funcs[0].name, "f");
	assert_string_equal(in->funcs[0].repl, "lp_f");
	lc_patch_close(pt);
}

static void bad_descriptors(void **state)
{
	struct lc_patch *pt;

	assert_int_equal(open_patch(object("nobid", FUNC
		ENTRY("b", "level=1") ENTRY("c", "id=P") ENTRY("h", "replace=f:lp_f")), &pt),
		-LC_EBADPATCH);
	assert_non_null(strstr(errbuf, "lacks buildid="));
	assert_int_equal(open_patch(object("badhex", FUNC ENTRY("a", "buildid=0xzz")
		ENTRY("b", "level=1") ENTRY("c", "id=P") ENTRY("h", "replace=f:lp_f")), &pt),
		-LC_EBADPATCH);
	assert_int_equal(open_patch(object("nocolon", FUNC ENTRY("a", "buildid=00")
		ENTRY("b", "level=1") ENTRY("c", "id=P") ENTRY("h", "replace=f")), &pt),
		-LC_EBADPATCH);
	assert_non_null(strstr(errbuf, "malformed"));
	assert_int_equal(open_patch(object("norepl", FUNC ENTRY("a", "buildid=00")
		ENTRY("b", "level=1") ENTRY("c", "id=P") ENTRY("h", "replace=f:lp_g")), &pt),
		-LC_EBADPATCH);
	assert_non_null(strstr(errbuf, "lp_g is not defined"));
	assert_int_equal(open_patch(object("nodesc", FUNC), &pt), -LC_EBADPATCH);
	assert_non_null(strstr(errbuf, "no .kcare.lpatch"));
}

static void not_objects(void **state)
{
	struct lc_patch *pt;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/text", dir);
	f = fopen(path, "w");
	fputs("not an ELF file\n", f);
	fclose(f);
	assert_int_equal(open_patch(path, &pt), -LC_EBADPATCH);
	assert_non_null(strstr(errbuf, "not an ELF relocatable object"));
	assert_int_equal(open_patch("/bin/true", &pt), -LC_EBADPATCH);
	assert_true(open_patch("/nonexistent/x.o", &pt) < 0);
}

static void blacklist(void **state)
{
	struct lc_opts o = { .err = stderr };
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/blacklist", dir);
	f = fopen(path, "w");
	fputs("# comment\nsshd\n\nqemu-kvm\r\n", f);
	fclose(f);
	o.blacklist = path;
	assert_true(lc_blacklisted(&o, "sshd"));
	assert_true(lc_blacklisted(&o, "qemu-kvm"));
	assert_false(lc_blacklisted(&o, "ssh"));
	assert_false(lc_blacklisted(&o, "# comment"));
	assert_false(lc_blacklisted(&o, ""));
	o.blacklist = "/nonexistent";
	assert_false(lc_blacklisted(&o, "sshd"));
}

static void hex(void **state)
{
	unsigned char b[4];
	char s[9];

	assert_int_equal(lc_unhex(b, sizeof(b), "00ff7a"), 3);
	lc_hex(s, b, 3);
	assert_string_equal(s, "00ff7a");
	assert_int_equal(lc_unhex(b, sizeof(b), "0g"), -1);
	assert_int_equal(lc_unhex(b, sizeof(b), "abc"), -1);
	assert_int_equal(lc_unhex(b, sizeof(b), "0102030405"), -1);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_descriptor),
		cmocka_unit_test(bad_descriptors),
		cmocka_unit_test(not_objects),
		cmocka_unit_test(blacklist),
		cmocka_unit_test(hex),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
