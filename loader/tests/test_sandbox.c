// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the confined parsers (loader/sandbox.c): a patchset and an
 * index parse through the sandbox exactly as directly; a parser's error,
 * a crash, a forbidden system call, executable memory, a loop, a result
 * too large each give their own message; the child cannot use the
 * parent's files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/sha.h>

#include "write.h"
#include "archive.h"
#include "index.h"
#include "manifest.h"
#include "sandbox-parse.h"
#include "util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SHA1	"5f0c1b2a3d4e5f60718293a4b5c6d7e8f9012345"
#define BUILD_ID "8a1e0f3c5b7d9e2f4a6c8b0d1e3f5a7c9b2d4e6f"
#define SHA_A	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

#define MANIFEST_HEAD \
	"format: 1\n" \
	"id: K20261125_01\n" \
	"level: 1\n" \
	"patch-type: default\n" \
	"effective-version: 6.1.0-56.1kc\n" \
	"arch: x86_64\n" \
	"kernel-release: 6.1.0-56-amd64\n" \
	"kernel-sha1: " SHA1 "\n" \
	"kernel-build-id: " BUILD_ID "\n" \
	"build-time: 2026-11-25T10:00:00Z\n" \
	"release-time: 2026-11-25T12:00:00Z\n"
#define MANIFEST_PATCH \
	"\n[patch proc_cmdline]\n" \
	"description: /proc/cmdline no longer shows secrets\n" \
	"cve: CVE-2026-0001\n" \
	"cvss: 5.5\n" \
	"cve-url:\n" \
	"patch-url:\n" \
	"sysctl: proc_cmdline\n"

#define INDEX \
	"format: 1\n" \
	"kernel-sha1: " SHA1 "\n" \
	"feed:\n" \
	"serial: 7\n" \
	"generated: 2026-11-25T12:00:00Z\n" \
	"expires: 2026-12-09T12:00:00Z\n" \
	"level: 1 K20261120_01 2026-11-20T10:00:00Z default " SHA_A "\n" \
	"level: 3 K20261126_01 2026-11-26T08:00:00Z default withdrawn\n"

static char err[512];

static void expect_error(const char *msg)
{
	if (!strstr(err, msg))
		fail_msg("error '%s' does not say '%s'", err, msg);
}

/* ---- building patchsets ---- */

static unsigned char payload[5000];
/* When set, an entry of this name rides along (not in the format). */
static const char *extra_entry;

/* A patchset file whose payload entry holds @data, declared as @declared. */
static unsigned char *make_patchset(const unsigned char *data, size_t size,
				    const unsigned char *declared,
				    size_t declared_size, bool with_cves,
				    size_t *len)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[65], text[2048], *canon;
	struct kcl_manifest m;
	struct kcl_entry e[4];
	unsigned char *out;
	size_t n = 0;

	SHA256(declared, declared_size, md);
	kc_hex(hex, md, sizeof(md));
	snprintf(text, sizeof(text), MANIFEST_HEAD "payload: kcpatch_demo.ko %zu %s\n"
		 MANIFEST_PATCH, declared_size, hex);
	assert_int_equal(kcl_manifest_parse(text, strlen(text), KCL_MANIFEST_BUILT,
					    &m, err, sizeof(err)), 0);
	canon = kcl_manifest_format(&m);
	assert_non_null(canon);
	kcl_manifest_free(&m);

	strcpy(e[n].name, "manifest");
	e[n].data = (unsigned char *)canon;
	e[n++].size = strlen(canon);
	if (with_cves) {
		strcpy(e[n].name, "cves.txt");
		e[n].data = (unsigned char *)"kpatch-name: proc_cmdline\n";
		e[n++].size = 26;
	}
	strcpy(e[n].name, "kcpatch_demo.ko");
	e[n].data = (unsigned char *)data;
	e[n++].size = size;
	if (extra_entry) {
		snprintf(e[n].name, sizeof(e[n].name), "%s", extra_entry);
		e[n].data = (unsigned char *)"#!/bin/sh\n";
		e[n++].size = 10;
	}
	assert_int_equal(kcp_archive_pack(e, n, &out, len, err, sizeof(err)), 0);
	free(canon);
	return out;
}

static unsigned char *good_patchset(size_t *len)
{
	return make_patchset(payload, sizeof(payload), payload, sizeof(payload),
			     true, len);
}

/* ---- the patchset through the sandbox ---- */

/* Documentation/formats.md names every entry a patchset may hold. */
static void patchset_unknown_entry_refused(void **state)
{
	struct kcl_archive ar;
	struct kcl_manifest m;
	unsigned char *file;
	size_t len;

	extra_entry = "run.sh";
	file = good_patchset(&len);
	extra_entry = NULL;
	assert_int_equal(kcl_sandbox_unpack_patchset(file, len, &ar, &m, err,
						     sizeof(err)), -1);
	expect_error("an entry run.sh that is neither the manifest, cves.txt nor a payload");
	free(file);
}

static void patchset_same_as_direct(void **state)
{
	struct kcl_archive ar, direct;
	struct kcl_manifest m, dm;
	const struct kcl_entry *me;
	char *a, *b;
	unsigned char *file;
	size_t len, i;

	file = good_patchset(&len);
	assert_int_equal(kcl_sandbox_unpack_patchset(file, len, &ar, &m, err,
						     sizeof(err)), 0);
	assert_int_equal(kcl_archive_unpack(file, len, &direct, err,
					    sizeof(err)), 0);
	me = kcl_archive_find(&direct, "manifest");
	assert_non_null(me);
	assert_int_equal(kcl_manifest_parse((const char *)me->data, me->size,
					    KCL_MANIFEST_BUILT, &dm, err,
					    sizeof(err)), 0);

	assert_int_equal(ar.n, direct.n);
	for (i = 0; i < ar.n; i++) {
		assert_string_equal(ar.entries[i].name, direct.entries[i].name);
		assert_int_equal(ar.entries[i].size, direct.entries[i].size);
		assert_memory_equal(ar.entries[i].data, direct.entries[i].data,
				    ar.entries[i].size);
	}
	a = kcl_manifest_format(&m);
	b = kcl_manifest_format(&dm);
	assert_string_equal(a, b);
	assert_int_equal(m.level, 1);
	assert_string_equal(m.kernel_sha1, SHA1);
	assert_int_equal(m.npayloads, 1);
	assert_int_equal(m.payloads[0].size, sizeof(payload));
	assert_int_equal(m.build_time, dm.build_time);

	free(a);
	free(b);
	kcl_manifest_free(&m);
	kcl_manifest_free(&dm);
	kcl_archive_free(&ar);
	kcl_archive_free(&direct);
	free(file);
}

/* A failure leaves nothing allocated and the parser's own message. */
static void expect_patchset_error(const unsigned char *file, size_t len,
				  const char *msg)
{
	static const struct kcl_archive zar;
	static const struct kcl_manifest zm;
	struct kcl_archive ar;
	struct kcl_manifest m;

	err[0] = '\0';
	assert_int_equal(kcl_sandbox_unpack_patchset(file, len, &ar, &m, err,
						     sizeof(err)), -1);
	assert_memory_equal(&ar, &zar, sizeof(ar));
	assert_memory_equal(&m, &zm, sizeof(m));
	assert_null(strchr(err, '\n'));
	expect_error(msg);
}

static void patchset_errors(void **state)
{
	unsigned char *file, other[sizeof(payload)];
	struct kcl_archive ar;
	char direct[512];
	size_t len;

	/* Corrupt: the message is the archive parser's, as directly. */
	file = good_patchset(&len);
	file[len / 2] ^= 0x55;
	assert_int_equal(kcl_archive_unpack(file, len, &ar, direct,
					    sizeof(direct)), -1);
	expect_patchset_error(file, len, "the parser failed: ");
	expect_error(direct);
	expect_patchset_error(file, 10, "the parser failed: ");
	free(file);

	memcpy(other, payload, sizeof(other));
	other[17] ^= 1;
	file = make_patchset(payload, sizeof(payload), other, sizeof(other),
			     true, &len);
	expect_patchset_error(file, len, "the parser failed: payload kcpatch_demo.ko does not match its SHA-256");
	free(file);
	file = make_patchset(payload, sizeof(payload) - 1, payload,
			     sizeof(payload), true, &len);
	expect_patchset_error(file, len, "is 4999 bytes, the manifest says 5000");
	free(file);
	file = make_patchset(payload, sizeof(payload), payload,
			     sizeof(payload), false, &len);
	expect_patchset_error(file, len, "no cves.txt entry");
	free(file);
}

static void index_same_as_direct(void **state)
{
	struct kcl_index ix, direct;
	char *a, *b;

	assert_int_equal(kcl_sandbox_parse_index(INDEX, strlen(INDEX), &ix, err,
						 sizeof(err)), 0);
	assert_int_equal(kcl_index_parse(INDEX, strlen(INDEX), &direct, err,
					 sizeof(err)), 0);
	assert_int_equal(ix.n, 2);
	assert_int_equal(ix.serial, 7);
	assert_true(ix.levels[1].withdrawn);
	a = kcl_index_format(&ix);
	b = kcl_index_format(&direct);
	assert_string_equal(a, b);
	assert_string_equal(a, INDEX);
	free(a);
	free(b);
	kcl_index_free(&ix);
	kcl_index_free(&direct);

	assert_int_equal(kcl_sandbox_parse_index("format: 2\n", 10, &ix, err,
						 sizeof(err)), -1);
	expect_error("the parser failed: ");
	assert_null(ix.levels);
}

/* ---- the runner ---- */

static int run(const struct kc_sandbox_opts *o, kc_sandbox_fn fn,
	       void *arg, unsigned char **out, size_t *outlen)
{
	err[0] = '\0';
	return kc_sandbox_run_opts(o, fn, "input", 5, arg, out, outlen, err,
				    sizeof(err));
}

static void expect_run_error(const struct kc_sandbox_opts *o,
			     kc_sandbox_fn fn, void *arg, const char *msg)
{
	unsigned char *out;
	size_t outlen;

	if (run(o, fn, arg, &out, &outlen) != -1)
		fail_msg("succeeded; expected '%s'", msg);
	assert_null(out);
	assert_int_equal(outlen, 0);
	expect_error(msg);
}

/* What a parser may do: memory (small and large), clocks, its input. */
static int fn_allowed(const void *in, size_t inlen, void *arg,
		      struct kc_sbuf *out)
{
	struct timespec ts;
	char *small, *big;
	size_t i;

	small = malloc(100);
	big = malloc(32 << 20);
	if (!small || !big)
		return kc_sbuf_fail(out, "no memory");
	memset(big, 1, 32 << 20);
	big = realloc(big, 64 << 20);
	if (!big)
		return kc_sbuf_fail(out, "no memory for realloc");
	free(big);
	free(small);
	/* The sandbox's own limit on memory. */
	if (malloc((size_t)8 << 30))
		return kc_sbuf_fail(out, "8 GiB granted");
	clock_gettime(CLOCK_MONOTONIC, &ts);
	kc_sbuf_add(out, in, inlen);
	for (i = 0; i < (3u << 20) / 8; i++)	/* more than a pipe holds */
		kc_sbuf_add(out, "01234567", 8);
	return 0;
}

static void runs_allowed(void **state)
{
	unsigned char *out;
	size_t outlen;

	assert_int_equal(run(NULL, fn_allowed, NULL, &out, &outlen), 0);
	assert_int_equal(outlen, 5 + (3u << 20));
	assert_memory_equal(out, "input01234567", 13);
	free(out);
}

static int fn_fails(const void *in, size_t inlen, void *arg,
		    struct kc_sbuf *out)
{
	kc_sbuf_add(out, "partial", 7);
	return kc_sbuf_fail(out, "line 3: bad thing\nsecond line");
}

static int fn_crash(const void *in, size_t inlen, void *arg,
		    struct kc_sbuf *out)
{
	volatile int *volatile p = NULL;

	*p = 1;
	return 0;
}

static int fn_open(const void *in, size_t inlen, void *arg,
		   struct kc_sbuf *out)
{
	int fd = open("/etc/hostname", O_RDONLY);

	return kc_sbuf_fail(out, fd < 0 ? "open failed" : "open worked");
}

static int fn_mmap_exec(const void *in, size_t inlen, void *arg,
			struct kc_sbuf *out)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return kc_sbuf_fail(out, p == MAP_FAILED ? "mmap failed" : "mmap worked");
}

static int fn_mprotect_exec(const void *in, size_t inlen, void *arg,
			    struct kc_sbuf *out)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return kc_sbuf_fail(out, "mmap failed");
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
	return kc_sbuf_fail(out, "mprotect worked");
}

static int fn_loop(const void *in, size_t inlen, void *arg,
		   struct kc_sbuf *out)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
	return 0;
}

static int fn_huge(const void *in, size_t inlen, void *arg,
		   struct kc_sbuf *out)
{
	static char mib[1 << 20];
	int i;

	for (i = 0; i < 4; i++)
		kc_sbuf_add(out, mib, sizeof(mib));
	return 0;
}

static void reports_each_failure(void **state)
{
	const struct kc_sandbox_opts quick = { .timeout_ms = 300 };
	const struct kc_sandbox_opts small = { .max_result = 1 << 20 };
	struct timespec t0, t1;
	long ms;

	expect_run_error(NULL, fn_fails, NULL, "the parser failed: line 3: bad thing");
	assert_null(strstr(err, "second line"));
	assert_null(strstr(err, "partial"));
	expect_run_error(NULL, fn_crash, NULL, "the parser crashed (signal 11)");
	expect_run_error(NULL, fn_open, NULL,
			 "the parser was killed for a forbidden system call (SIGSYS)");
	expect_run_error(NULL, fn_mmap_exec, NULL, "(SIGSYS)");
	expect_run_error(NULL, fn_mprotect_exec, NULL, "(SIGSYS)");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_run_error(&quick, fn_loop, NULL, "the parser timed out after 300 ms");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	assert_true(ms >= 290 && ms < 2000);

	expect_run_error(&small, fn_huge, NULL,
			 "the parser's result is larger than 1048576 bytes");
}

/* ---- the parent's files ---- */

static int fn_read_fd(const void *in, size_t inlen, void *arg,
		      struct kc_sbuf *out)
{
	int fd = *(int *)arg;
	char c;
	ssize_t n = read(fd, &c, 1);

	if (n >= 0)
		return kc_sbuf_fail(out, "read the parent's file");
	if (read(0, &c, 1) >= 0)
		return kc_sbuf_fail(out, "read stdin");
	kc_sbuf_add(out, errno == EBADF ? "EBADF" : "other", 5);
	return 0;
}

static int fn_write_fd(const void *in, size_t inlen, void *arg,
		       struct kc_sbuf *out)
{
	int fd = *(int *)arg;

	if (write(fd, "x", 1) == 1)
		return kc_sbuf_fail(out, "wrote the parent's file");
	return kc_sbuf_fail(out, "write failed");
}

static void parent_files_untouched(void **state)
{
	char path[] = "/tmp/kc-sandbox-test.XXXXXX", buf[16];
	unsigned char *out;
	size_t outlen;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "secret", 6), 6);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);

	/* Closed in the child (read itself is allowed). */
	assert_int_equal(run(NULL, fn_read_fd, &fd, &out, &outlen), 0);
	assert_int_equal(outlen, 5);
	assert_memory_equal(out, "EBADF", 5);
	free(out);
	/* And writing anywhere but the result pipe kills it. */
	expect_run_error(NULL, fn_write_fd, &fd, "(SIGSYS)");

	/* The parent's descriptor and file are as they were. */
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "secret", 6);
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patchset_unknown_entry_refused),
		cmocka_unit_test(patchset_same_as_direct),
		cmocka_unit_test(patchset_errors),
		cmocka_unit_test(index_same_as_direct),
		cmocka_unit_test(runs_allowed),
		cmocka_unit_test(reports_each_failure),
		cmocka_unit_test(parent_files_untouched),
	};
	size_t i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = i * 7 + (i >> 8);
	return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
