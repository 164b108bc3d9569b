// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-patchset: what every command uses: messages, options, files,
 * keys, and the checks of a patchset file.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

#include "patchset.h"

const char *kcp_prog = "kcare-patchset";

/*
 * snprintf() whose truncation is expected: messages and paths are cut at
 * their buffer's size (paths are checked where it matters).
 */
__attribute__((format(printf, 3, 4)))
int kcp_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

__attribute__((format(printf, 1, 2)))
int kcp_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", kcp_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kcare-patchset help' for more information.\n");
	return KCP_EXIT_USAGE;
}

__attribute__((format(printf, 1, 2)))
int kcp_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", kcp_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KCP_EXIT_ERROR;
}

/* ---- options ---------------------------------------------------------- */


/*
 * Parse "--name VALUE" and "--name=VALUE" options of @opts; the rest are
 * positional, put in @pos (at most @maxpos). Returns the number of
 * positional arguments, or -1 after printing a usage error.
 */
int kcp_parse(int argc, char **argv, const struct kcp_opt *opts,
	      const char **pos, int maxpos)
{
	int i, npos = 0;
	bool dashdash = false;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct kcp_opt *o;
		size_t nl;

		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (dashdash || a[0] != '-' || !a[1]) {
			if (npos >= maxpos) {
				kcp_usage("unexpected argument '%s'", a);
				return -1;
			}
			pos[npos++] = a;
			continue;
		}
		for (o = opts; o->name; o++) {
			nl = strlen(o->name);
			if (!strncmp(a, o->name, nl) &&
			    (a[nl] == '\0' || a[nl] == '='))
				break;
		}
		if (!o->name) {
			kcp_usage("unknown option '%s'", a);
			return -1;
		}
		if (*o->value) {
			kcp_usage("option %s given twice", o->name);
			return -1;
		}
		if (a[nl] == '=') {
			*o->value = a + nl + 1;
		} else {
			if (i + 1 >= argc) {
				kcp_usage("option %s needs a value", o->name);
				return -1;
			}
			*o->value = argv[++i];
		}
	}
	return npos;
}

/* ---- small helpers ---------------------------------------------------- */

bool kcp_is_hex(const char *s, size_t minlen, size_t maxlen)
{
	size_t n = strlen(s);

	if (n < minlen || n > maxlen || n % 2)
		return false;
	return kc_all_hex(s, n);
}

void kcp_digest(const char *alg, const void *data, size_t len,
		unsigned char *out)
{
	unsigned int n;

	EVP_Digest(data, len, out, &n,
		   !strcmp(alg, "sha1") ? EVP_sha1() : EVP_sha256(), NULL);
}

/* Read a whole file (NUL-terminated as a convenience). */
int kcp_read(const char *path, unsigned char **buf, size_t *len,
	     size_t max, char *err, size_t errlen)
{
	return kc_read_file(path, max, (char **)buf, len, NULL, err, errlen);
}

int kcp_parse_time(const char *s, time_t *t)
{
	char *end;
	long long v;

	if (!kc_time_parse(s, t))
		return 0;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 946684800LL || v > 32503680000LL)
		return -1;
	*t = (time_t)v;
	return 0;
}

int kcp_parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

bool kcp_valid_feed(const char *f)
{
	size_t n = strlen(f), i;

	if (n > 32)
		return false;
	for (i = 0; i < n; i++)
		if (!((f[i] >= 'a' && f[i] <= 'z') || (f[i] >= '0' && f[i] <= '9') ||
		      f[i] == '-'))
			return false;
	return true;
}

bool kcp_valid_sha1(const char *s)
{
	return strlen(s) == 40 && kcp_is_hex(s, 40, 40);
}

/* REPO/[FEED/]SHA1 */
int kcp_kernel_dir(char *out, size_t outlen, const char *repo,
		   const char *feed, const char *sha1)
{
	int n = kcp_fmt(out, outlen, "%s/%s%s%s", repo, feed, *feed ? "/" : "",
			 sha1);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* ---- keys and signatures ---------------------------------------------- */

int kcp_keyring(struct kcl_keyring *kr, const char *key,
		const char *keys)
{
	char err[512];

	memset(kr, 0, sizeof(*kr));
	if (key && kcl_keyring_add_file(kr, key, err, sizeof(err)))
		goto fail;
	if (keys && kcl_keyring_add_dir(kr, keys, err, sizeof(err)))
		goto fail;
	return 0;
fail:
	kcl_keyring_free(kr);
	return kcp_fail("%s", err);
}

/* Verify FILE against FILE.sig; @what names the file in messages. */
int kcp_verify_sig(const struct kcl_keyring *kr, const char *what,
		   const unsigned char *data, size_t len,
		   const char *sigpath, char *err, size_t errlen)
{
	unsigned char *sig;
	size_t siglen;
	char e[512];

	if (kcp_read(sigpath, &sig, &siglen, 4096, e, sizeof(e))) {
		kcp_fmt(err, errlen, "%s: no signature: %s", what, e);
		return -1;
	}
	if (kcl_verify(kr, data, len, sig, siglen, e, sizeof(e))) {
		kcp_fmt(err, errlen, "%s: %s", what, e);
		free(sig);
		return -1;
	}
	free(sig);
	return 0;
}

/* ---- the patchset file ------------------------------------------------ */

/*
 * Unpack a patchset file and check it whole: the manifest parses, every
 * payload it lists is there with its size and SHA-256, the CVE list is
 * there. On success @ar and @m are the caller's to free.
 */
int kcp_check_kcp(const unsigned char *buf, size_t len,
		  struct kcl_archive *ar, struct kcl_manifest *m,
		  char *err, size_t errlen)
{
	const struct kcl_entry *e;
	unsigned char sha[32];
	char e2[512];
	size_t i;

	memset(m, 0, sizeof(*m));
	if (kcl_archive_unpack(buf, len, ar, e2, sizeof(e2))) {
		kcp_fmt(err, errlen, "not a valid patchset file: %s", e2);
		return -1;
	}
	e = kcl_archive_find(ar, "manifest");
	if (!e) {
		kcp_fmt(err, errlen, "the patchset file has no manifest");
		goto fail;
	}
	if (kcl_manifest_parse((const char *)e->data, e->size,
			       KCL_MANIFEST_BUILT, m, e2, sizeof(e2))) {
		kcp_fmt(err, errlen, "bad manifest: %s", e2);
		goto fail;
	}
	for (i = 0; i < m->npayloads; i++) {
		const struct kcl_payload_ref *p = &m->payloads[i];

		e = kcl_archive_find(ar, p->file);
		if (!e) {
			kcp_fmt(err, errlen,
				 "payload %s listed in the manifest is missing",
				 p->file);
			goto fail_m;
		}
		if (e->size != p->size) {
			kcp_fmt(err, errlen,
				 "payload %s is %zu bytes, the manifest says %zu",
				 p->file, e->size, p->size);
			goto fail_m;
		}
		kcp_digest("sha256", e->data, e->size, sha);
		if (memcmp(sha, p->sha256, 32)) {
			kcp_fmt(err, errlen,
				 "payload %s does not match the SHA-256 in the manifest",
				 p->file);
			goto fail_m;
		}
	}
	if (!kcl_archive_find(ar, "cves.txt")) {
		kcp_fmt(err, errlen, "the patchset file has no cves.txt");
		goto fail_m;
	}
	return 0;
fail_m:
	kcl_manifest_free(m);
fail:
	kcl_archive_free(ar);
	return -1;
}

