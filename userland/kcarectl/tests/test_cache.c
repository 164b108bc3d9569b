// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the local cache (loader/cache.c): its layout, atomic
 * writes and their modes, bounded reads, corrupt entries removed and
 * reported, and the paths it refuses.
 */
#define _GNU_SOURCE
#include <dirent.h>
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

#include "cache.h"

#define SHA1	"5f0c6e1d2b3a4958677685a4b3c2d1e0f0e1d2c3"

static char base[] = "/tmp/kc-cache-test.XXXXXX";
static char dir[300];
static char err[1024];

static int setup(void **state)
{
	if (!mkdtemp(base))
		return -1;
	snprintf(dir, sizeof(dir), "%s/var/cache/kcare", base);
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static int teardown(void **state)
{
	return nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		fail_msg("%s: missing", path);
	return st.st_mode & 07777;
}

static void relpaths(void **state)
{
	char p[256];

	assert_int_equal(kc_cache_relpath(p, sizeof(p), NULL, SHA1, 0, "index", err, sizeof(err)), 0);
	assert_string_equal(p, SHA1 "/index");
	assert_int_equal(kc_cache_relpath(p, sizeof(p), "", SHA1, 0, "latest.v2", err, sizeof(err)), 0);
	assert_string_equal(p, SHA1 "/latest.v2");
	assert_int_equal(kc_cache_relpath(p, sizeof(p), "test", SHA1, 3, "patchset.kcp", err,
					   sizeof(err)), 0);
	assert_string_equal(p, "test/" SHA1 "/3/patchset.kcp");
	assert_int_equal(kc_cache_relpath(p, sizeof(p), NULL, SHA1, 12, "patchset.kcp.sig", err,
					   sizeof(err)), 0);
	assert_string_equal(p, SHA1 "/12/patchset.kcp.sig");

	assert_int_equal(kc_cache_relpath(p, sizeof(p), NULL, "5F0C", 0, "index", err,
					   sizeof(err)), -1);
	assert_string_equal(err, "cache: the kernel SHA-1 must be 40 lowercase hex digits");
	assert_int_equal(kc_cache_relpath(p, sizeof(p), "..", SHA1, 0, "index", err,
					   sizeof(err)), -1);
	assert_int_equal(kc_cache_relpath(p, 20, NULL, SHA1, 0, "index", err, sizeof(err)), -1);
	assert_string_equal(err, "cache path too long");
}

static void refusals(void **state)
{
	static const struct {
		const char *path, *msg;
	} bad[] = {
		{ "", "cache path is empty" },
		{ "/etc/passwd", "cache path /etc/passwd: absolute paths are refused" },
		{ "../x", "cache path ../x: \"..\" is refused" },
		{ "a/../b", "cache path a/../b: \"..\" is refused" },
		{ "a/..", "cache path a/..: \"..\" is refused" },
		{ "a//b", "cache path a//b: empty component" },
		{ "a/", "cache path a/: empty component" },
		{ "./a", "cache path ./a: components starting with a dot are refused" },
		{ "a/.tmp.x", "cache path a/.tmp.x: components starting with a dot are refused" },
		{ "a b", "cache path a b: character 0x20 is refused" },
		{ "a\\b", "cache path a\\b: character 0x5c is refused" },
	};
	void *data = (void *)1;
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kc_cache_check_relpath(bad[i].path, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].msg);
		assert_int_equal(kc_cache_put(dir, bad[i].path, "x", 1, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].msg);
		assert_int_equal(kc_cache_get(dir, bad[i].path, 10, &data, &len, err,
					       sizeof(err)), -1);
		assert_string_equal(err, bad[i].msg);
		assert_null(data);
	}
}

static void put_get(void **state)
{
	char rel[128], path[512], dpath[512];
	void *data;
	size_t len;
	DIR *d;
	struct dirent *e;

	snprintf(rel, sizeof(rel), "test/%s/2/patchset.kcp", SHA1);
	assert_int_equal(kc_cache_put(dir, rel, "first", 5, err, sizeof(err)), 0);
	assert_int_equal(kc_cache_put(dir, rel, "second\0x", 8, err, sizeof(err)), 0);

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mode_of(path), 0600);
	snprintf(dpath, sizeof(dpath), "%s/test/%s/2", dir, SHA1);
	assert_int_equal(mode_of(dpath), 0700);
	snprintf(dpath, sizeof(dpath), "%s/test/%s", dir, SHA1);
	assert_int_equal(mode_of(dpath), 0700);
	assert_int_equal(mode_of(dir), 0700);

	assert_int_equal(kc_cache_get(dir, rel, 8, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(data, "second\0x", 8);
	assert_int_equal(((char *)data)[8], '\0');
	free(data);

	/* No temporary file is left beside it. */
	snprintf(dpath, sizeof(dpath), "%s/test/%s/2", dir, SHA1);
	d = opendir(dpath);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    strcmp(e->d_name, "patchset.kcp"))
			fail_msg("left over: %s", e->d_name);
	closedir(d);

	/* Bounded: one byte over the limit is refused, not truncated. */
	assert_int_equal(kc_cache_get(dir, rel, 7, &data, &len, err, sizeof(err)), -1);
	snprintf(path, sizeof(path), "cache entry %s: 8 bytes, more than the limit of 7", rel);
	assert_string_equal(err, path);
	assert_null(data);

	/* Empty entries are fine. */
	assert_int_equal(kc_cache_put(dir, "e", "", 0, err, sizeof(err)), 0);
	assert_int_equal(kc_cache_get(dir, "e", 0, &data, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 0);
	free(data);
}

static void misses(void **state)
{
	char missing_dir[400];
	void *data;
	size_t len;

	assert_int_equal(kc_cache_get(dir, "nope/" SHA1 "/index", 100, &data, &len, err,
				       sizeof(err)), KC_CACHE_MISS);
	assert_int_equal(kc_cache_get(dir, "nothing-here", 100, &data, &len, err, sizeof(err)),
			 KC_CACHE_MISS);
	snprintf(missing_dir, sizeof(missing_dir), "%s/never", base);
	assert_int_equal(kc_cache_get(missing_dir, "x", 100, &data, &len, err, sizeof(err)),
			 KC_CACHE_MISS);
	assert_int_equal(access(missing_dir, F_OK), -1);	/* reading creates nothing */
	assert_int_equal(kc_cache_remove(dir, "nothing-here", err, sizeof(err)), 0);
}

static int verify_calls;

static int verify_prefix(const void *data, size_t len, void *arg, char *e,
			 size_t elen)
{
	const char *want = arg;

	verify_calls++;
	if (len < strlen(want) || memcmp(data, want, strlen(want))) {
		snprintf(e, elen, "bad signature");
		return -1;
	}
	return 0;
}

static void verified(void **state)
{
	const char *rel = SHA1 "/1/patchset.kcp";
	char path[512], want[600];
	void *data;
	size_t len;

	assert_int_equal(kc_cache_put(dir, rel, "GOOD data", 9, err, sizeof(err)), 0);
	verify_calls = 0;
	assert_int_equal(kc_cache_verified_get(dir, rel, 100, verify_prefix, "GOOD", &data, &len,
						err, sizeof(err)), 0);
	assert_int_equal(verify_calls, 1);
	assert_int_equal(len, 9);
	assert_memory_equal(data, "GOOD data", 9);
	free(data);

	/* Tampered: reported corrupt, removed, then a miss (refetch). */
	assert_int_equal(kc_cache_put(dir, rel, "EVIL data", 9, err, sizeof(err)), 0);
	assert_int_equal(kc_cache_verified_get(dir, rel, 100, verify_prefix, "GOOD", &data, &len,
						err, sizeof(err)), KC_CACHE_CORRUPT);
	snprintf(want, sizeof(want),
		 "cache entry %s was corrupt (bad signature) and was removed", rel);
	assert_string_equal(err, want);
	assert_null(data);
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(kc_cache_verified_get(dir, rel, 100, verify_prefix, "GOOD", &data, &len,
						err, sizeof(err)), KC_CACHE_MISS);

	/* Too large to be what it claims: corrupt without calling verify. */
	assert_int_equal(kc_cache_put(dir, rel, "GOOD but long", 13, err, sizeof(err)), 0);
	verify_calls = 0;
	assert_int_equal(kc_cache_verified_get(dir, rel, 10, verify_prefix, "GOOD", &data, &len,
						err, sizeof(err)), KC_CACHE_CORRUPT);
	assert_int_equal(verify_calls, 0);
	snprintf(want, sizeof(want),
		 "cache entry %s was corrupt (13 bytes, more than the limit of 10) and was removed",
		 rel);
	assert_string_equal(err, want);
	assert_int_equal(access(path, F_OK), -1);

	/* Not a regular file (a symbolic link planted there): removed. */
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_int_equal(kc_cache_verified_get(dir, rel, 1 << 20, verify_prefix, "GOOD", &data,
						&len, err, sizeof(err)), KC_CACHE_CORRUPT);
	assert_int_equal(verify_calls, 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(access("/etc/passwd", F_OK), 0);
}

static void symlinked_dirs_refused(void **state)
{
	char link[512], target[512];
	void *data;
	size_t len;

	snprintf(target, sizeof(target), "%s/elsewhere", base);
	assert_int_equal(mkdir(target, 0700), 0);
	snprintf(link, sizeof(link), "%s/linked", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(kc_cache_put(dir, "linked/x", "1", 1, err, sizeof(err)), -1);
	snprintf(target, sizeof(target), "cannot open %s/linked: not a directory", dir);
	assert_string_equal(err, target);
	assert_int_equal(kc_cache_get(dir, "linked/x", 10, &data, &len, err, sizeof(err)), -1);
}

static void prepare(void **state)
{
	char rel[128], path[512], want[600];

	snprintf(rel, sizeof(rel), "%s/4/patchset.kcp.sig", SHA1);
	assert_int_equal(kc_cache_prepare(dir, rel, path, sizeof(path), err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s/%s", dir, rel);
	assert_string_equal(path, want);
	snprintf(want, sizeof(want), "%s/%s/4", dir, SHA1);
	assert_int_equal(mode_of(want), 0700);
	assert_int_equal(access(path, F_OK), -1);	/* the file is the caller's */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relpaths),
		cmocka_unit_test(refusals),
		cmocka_unit_test(put_get),
		cmocka_unit_test(misses),
		cmocka_unit_test(verified),
		cmocka_unit_test(symlinked_dirs_refused),
		cmocka_unit_test(prepare),
	};

	umask(022);
	return cmocka_run_group_tests_name("cache", tests, setup, teardown);
}
