// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-patchset: the publisher's tool. It makes signing keys, turns an
 * author's metadata file into a C header for the patch sources, packs
 * payload modules into a patchset file (Documentation/formats.md), signs
 * and verifies files, and maintains a static patch repository: publish,
 * withdraw, refresh. "select" is the client's side of a repository on
 * local disk: what kcarectl does over HTTP.
 *
 * Exit status: 0 on success, 1 on an error (one line on stderr naming the
 * problem), 2 on a usage error.
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

#include "archive.h"
#include "index.h"
#include "manifest.h"
#include "sign.h"
#include "util.h"

#define KCP_EXIT_ERROR	1
#define KCP_EXIT_USAGE	2
/* Payload modules and /proc/version copies are far smaller. */
#define KCP_MAX_FILE	(64u << 20)
#define KCP_DEFAULT_VALID_DAYS 14

static const char *kcp_prog = "kcare-patchset";

static const char kcp_usage_text[] =
	"Usage: kcare-patchset COMMAND [ARGS]\n"
	"\n"
	"  keygen PRIVATE.pem PUBLIC.pem\n"
	"      create an Ed25519 key pair (the private key mode 0600)\n"
	"  header META\n"
	"      print the C header of an author's metadata file (patchset.meta)\n"
	"  pack --meta META --level N --arch ARCH --kernel-release KREL\n"
	"       --proc-version FILE --build-id HEX [--release-time T]\n"
	"       [--build-time T] -o OUT.kcp PAYLOAD.ko...\n"
	"      check the payloads against the target kernel and write a patchset file\n"
	"  unpack FILE.kcp DIR\n"
	"      write the entries of a patchset file into DIR\n"
	"  sign --key PRIVATE.pem FILE\n"
	"      write the detached signature FILE.sig\n"
	"  verify (--key PUBLIC.pem | --keys DIR) FILE\n"
	"      check FILE.sig; for a patchset file also its payloads and manifest\n"
	"  publish --repo DIR --key PRIVATE.pem [--feed F] [--valid-days N] FILE.kcp\n"
	"      add a patchset file as a new level of its kernel's index\n"
	"  withdraw --repo DIR --key PRIVATE.pem [--feed F] KERNEL-SHA1 LEVEL\n"
	"      remove a level (its number stays in the index)\n"
	"  refresh --repo DIR --key PRIVATE.pem [--feed F] [--valid-days N] KERNEL-SHA1\n"
	"      re-sign a kernel's index with a new expiry\n"
	"  select --repo DIR (--keys DIR | --key PUBLIC.pem) [--prefix P]\n"
	"         [--sticky DDMMYY] [--patch-type T] [--now T] [--state FILE] KERNEL-SHA1\n"
	"      choose a level as a client would, verify it, print \"level N PATH\"\n"
	"\n"
	"Times T are YYYY-MM-DDTHH:MM:SSZ (UTC) or seconds since the epoch.\n"
	"publish, withdraw and refresh also take --now T (for tests).\n";

/*
 * snprintf() whose truncation is expected: messages and paths are cut at
 * their buffer's size (paths are checked where it matters).
 */
__attribute__((format(printf, 3, 4)))
static int kcp_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

__attribute__((format(printf, 1, 2)))
static int kcp_usage(const char *fmt, ...)
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
static int kcp_fail(const char *fmt, ...)
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

struct kcp_opt {
	const char *name;	/* "--meta", "-o" */
	const char **value;	/* NULL: a flag (not used yet) */
};

/*
 * Parse "--name VALUE" and "--name=VALUE" options of @opts; the rest are
 * positional, put in @pos (at most @maxpos). Returns the number of
 * positional arguments, or -1 after printing a usage error.
 */
static int kcp_parse(int argc, char **argv, const struct kcp_opt *opts,
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

static bool kcp_is_hex(const char *s, size_t minlen, size_t maxlen)
{
	size_t n = strlen(s);

	if (n < minlen || n > maxlen || n % 2)
		return false;
	return kcl_all_hex(s, n);
}

static void kcp_digest(const char *alg, const void *data, size_t len,
		       unsigned char *out)
{
	unsigned int n;

	EVP_Digest(data, len, out, &n,
		   !strcmp(alg, "sha1") ? EVP_sha1() : EVP_sha256(), NULL);
}

/* Read a whole file (NUL-terminated as a convenience). */
static int kcp_read(const char *path, unsigned char **buf, size_t *len,
		    size_t max, char *err, size_t errlen)
{
	unsigned char *b = NULL, *nb;
	size_t n = 0, cap = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		kcp_fmt(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - n < 65536 + 1) {
			cap = cap ? cap * 2 : 65536 * 2;
			nb = realloc(b, cap);
			if (!nb) {
				kcp_fmt(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			kcp_fmt(err, errlen, "cannot read %s: %s", path,
				 strerror(errno));
			goto fail;
		}
		if (!r)
			break;
		n += r;
		if (n > max) {
			kcp_fmt(err, errlen, "%s is larger than %zu bytes", path,
				 max);
			goto fail;
		}
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	free(b);
	return -1;
}

static int kcp_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/*
 * Write @path through a temporary file in the same directory, fsync'd and
 * renamed into place: a reader sees the old file or the new one, whole.
 */
static int kcp_write_atomic(const char *path, const void *data, size_t len,
			    mode_t mode, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX], *slash;
	const char *p = data;
	size_t done = 0;
	ssize_t r;
	int fd;

	if ((size_t)kcp_fmt(dir, sizeof(dir), "%s", path) >= sizeof(dir)) {
		kcp_fmt(err, errlen, "%s: path too long", path);
		return -1;
	}
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		strcpy(dir, ".");
	if ((size_t)kcp_fmt(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir,
			     slash ? strrchr(path, '/') + 1 : path,
			     (long)getpid()) >= sizeof(tmp)) {
		kcp_fmt(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		kcp_fmt(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	while (done < len) {
		r = write(fd, p + done, len - done);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		done += r;
	}
	if (fchmod(fd, mode) || fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path))
		goto fail;
	kcp_fsync_dir(dir);
	return 0;
fail:
	kcp_fmt(err, errlen, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

static int kcp_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[PATH_MAX], *p;

	if ((size_t)kcp_fmt(buf, sizeof(buf), "%s", path) >= sizeof(buf)) {
		kcp_fmt(err, errlen, "%s: path too long", path);
		return -1;
	}
	for (p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0755) && errno != EEXIST) {
				kcp_fmt(err, errlen, "cannot create %s: %s", buf,
					 strerror(errno));
				return -1;
			}
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" or seconds since the epoch. */
static int kcp_parse_time(const char *s, time_t *t)
{
	char *end;
	long long v;

	if (!kcl_time_parse(s, t))
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

static int kcp_parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]) || (s[0] == '0' && s[1]))
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end || *v > max ? -1 : 0;
}

static bool kcp_valid_feed(const char *f)
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

static bool kcp_valid_sha1(const char *s)
{
	return strlen(s) == 40 && kcp_is_hex(s, 40, 40);
}

/* REPO/[FEED/]SHA1 */
static int kcp_kernel_dir(char *out, size_t outlen, const char *repo,
			  const char *feed, const char *sha1)
{
	int n = kcp_fmt(out, outlen, "%s/%s%s%s", repo, feed, *feed ? "/" : "",
			 sha1);

	return n < 0 || (size_t)n >= outlen ? -1 : 0;
}

/* ---- keys and signatures ---------------------------------------------- */

static int kcp_keyring(struct kcl_keyring *kr, const char *key,
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
static int kcp_verify_sig(const struct kcl_keyring *kr, const char *what,
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
static int kcp_check_kcp(const unsigned char *buf, size_t len,
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

/* ---- keygen ----------------------------------------------------------- */

static int kcp_cmd_keygen(int argc, char **argv)
{
	static const struct kcp_opt opts[] = { { NULL } };
	const char *pos[2];
	char err[512];
	int n;

	n = kcp_parse(argc, argv, opts, pos, 2);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (n != 2)
		return kcp_usage("keygen: expected PRIVATE.pem PUBLIC.pem");
	if (kcl_key_generate(pos[0], pos[1], err, sizeof(err)))
		return kcp_fail("keygen: %s", err);
	printf("private key %s, public key %s\n", pos[0], pos[1]);
	return 0;
}

/* ---- header ----------------------------------------------------------- */

/* A C string literal of @s (ASCII; anything else as octal escapes). */
static void kcp_put_cstr(FILE *out, const char *s)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
		case '\\':
			fprintf(out, "\\%c", *p);
			break;
		case '?':	/* no trigraph can form */
			fputs(p[1] == '?' ||
			      (p > (const unsigned char *)s && p[-1] == '?') ?
			      "\\?" : "?", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f)
				fprintf(out, "\\%03o", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

static int kcp_cmd_header(int argc, char **argv)
{
	static const struct kcp_opt opts[] = { { NULL } };
	struct kcl_manifest m;
	const char *pos[1], *base;
	unsigned char *buf;
	char err[512];
	size_t len, i;
	FILE *out = stdout;
	int n;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (n != 1)
		return kcp_usage("header: expected the metadata file META");
	if (kcp_read(pos[0], &buf, &len, KCL_MANIFEST_MAX_SIZE, err, sizeof(err)))
		return kcp_fail("header: %s", err);
	if (kcl_manifest_parse((char *)buf, len, KCL_MANIFEST_AUTHOR, &m, err,
			       sizeof(err))) {
		free(buf);
		return kcp_fail("header: %s: %s", pos[0], err);
	}
	free(buf);

	base = strrchr(pos[0], '/');
	base = base ? base + 1 : pos[0];
	fprintf(out,
		"/* Generated by kcare-patchset header from %s: do not edit. */\n"
		"#ifndef _KCARE_META_H\n#define _KCARE_META_H\n\n",
		strstr(base, "*/") ? "the metadata file" : base);
	fputs("#define KCARE_META_ID ", out);
	kcp_put_cstr(out, m.id);
	fputs("\n#define KCARE_META_PATCH_TYPE ", out);
	kcp_put_cstr(out, m.patch_type);
	fputs("\n#define KCARE_META_EFFECTIVE_VERSION ", out);
	kcp_put_cstr(out, m.effective_version);
	fputs("\n", out);
	for (i = 0; i < m.npatches; i++) {
		const struct kcl_patch_meta *p = &m.patches[i];

		fprintf(out, "\n/* [patch %s] */\n#define KCARE_META_PATCH_%s \\\n\t.name = ",
			p->name, p->name);
		kcp_put_cstr(out, p->name);
		fputs(", \\\n\t.description = ", out);
		kcp_put_cstr(out, p->description);
		fputs(", \\\n\t.cve = ", out);
		kcp_put_cstr(out, p->cve);
		fputs(", \\\n\t.cvss = ", out);
		kcp_put_cstr(out, p->cvss);
		fputs(", \\\n\t.cve_url = ", out);
		kcp_put_cstr(out, p->cve_url);
		fputs(", \\\n\t.patch_url = ", out);
		kcp_put_cstr(out, p->patch_url);
		fputs(", \\\n\t.sysctl = ", out);
		if (p->sysctl[0])
			kcp_put_cstr(out, p->sysctl);
		else
			fputs("NULL", out);
		fputs("\n", out);
	}
	fputs("\n#endif\n", out);
	kcl_manifest_free(&m);
	if (fflush(out) || ferror(out))
		return kcp_fail("header: cannot write the output: %s",
				strerror(errno));
	return 0;
}

/* ---- pack ------------------------------------------------------------- */

/*
 * Read the .modinfo of the payload module @buf and check that it is a
 * payload for the kernel: vermagic, kcare_build_id, kcare_patchset, and
 * the ELF machine of @arch.
 */
static int kcp_check_payload(const char *path, const unsigned char *buf,
			     size_t len, const char *arch, const char *krel,
			     const char *build_id, char *err, size_t errlen)
{
	const char *vermagic = NULL, *bid = NULL, *ps = NULL;
	size_t shstrndx, krl = strlen(krel);
	Elf_Scn *scn = NULL;
	Elf_Data *data = NULL;
	GElf_Ehdr eh;
	Elf *elf;
	int rc = -1;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, len);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		kcp_fmt(err, errlen, "%s is not an ELF file", path);
		goto out;
	}
	if (eh.e_type != ET_REL) {
		kcp_fmt(err, errlen, "%s is not a kernel module (not relocatable ELF)",
			 path);
		goto out;
	}
	if (eh.e_machine != (!strcmp(arch, "arm64") ? EM_AARCH64 : EM_X86_64)) {
		kcp_fmt(err, errlen, "%s is not built for %s (ELF machine %u)",
			 path, arch, eh.e_machine);
		goto out;
	}
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		kcp_fmt(err, errlen, "%s: no section names", path);
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".modinfo") && sh.sh_type == SHT_PROGBITS) {
			data = elf_getdata(scn, NULL);
			break;
		}
	}
	if (!data || !data->d_buf) {
		kcp_fmt(err, errlen, "%s has no .modinfo: not a kernel module", path);
		goto out;
	}
	{
		const char *p = data->d_buf, *end = p + data->d_size;

		while (p < end) {
			const char *nul = memchr(p, '\0', end - p);

			if (!nul)
				break;
			if (!strncmp(p, "vermagic=", 9))
				vermagic = p + 9;
			else if (!strncmp(p, "kcare_build_id=", 15))
				bid = p + 15;
			else if (!strncmp(p, "kcare_patchset=", 15))
				ps = p + 15;
			p = nul + 1;
		}
	}
	if (!ps || strcmp(ps, "yes")) {
		kcp_fmt(err, errlen,
			 "%s is not a kcare payload (no kcare_patchset=yes in .modinfo: KCARE_PATCHSET() missing?)",
			 path);
		goto out;
	}
	if (!vermagic || strncmp(vermagic, krel, krl) || vermagic[krl] != ' ') {
		kcp_fmt(err, errlen,
			 "%s was built for kernel \"%.64s\", not %s (vermagic)",
			 path, vermagic ? vermagic : "?", krel);
		goto out;
	}
	if (!bid || !bid[0]) {
		kcp_fmt(err, errlen,
			 "%s carries no kernel build-id (built without KCARE_TARGET_BUILD_ID)",
			 path);
		goto out;
	}
	if (strcmp(bid, build_id)) {
		kcp_fmt(err, errlen,
			 "%s carries build-id %.128s, but the kernel's is %s",
			 path, bid, build_id);
		goto out;
	}
	rc = 0;
out:
	if (elf)
		elf_end(elf);
	return rc;
}

static int kcp_cmd_pack(int argc, char **argv)
{
	const char *meta = NULL, *level_s = NULL, *arch = NULL, *krel = NULL,
		   *pvfile = NULL, *build_id = NULL, *rel_s = NULL,
		   *build_s = NULL, *out = NULL;
	const struct kcp_opt opts[] = {
		{ "--meta", &meta }, { "--level", &level_s }, { "--arch", &arch },
		{ "--kernel-release", &krel }, { "--proc-version", &pvfile },
		{ "--build-id", &build_id }, { "--release-time", &rel_s },
		{ "--build-time", &build_s }, { "-o", &out }, { "--output", &out },
		{ NULL },
	};
	const char *pos[KCL_MANIFEST_MAX_PAYLOADS + 1];
	struct kcl_entry entries[KCL_MANIFEST_MAX_PAYLOADS + 2];
	struct kcl_manifest m, check;
	unsigned char sha1[20], *buf, *kcp = NULL;
	char err[1024], hex[41], *text = NULL, *cves = NULL;
	size_t len, kcplen, i, j;
	unsigned long level;
	time_t rel_t = time(NULL), build_t = rel_t;
	int n, rc = KCP_EXIT_ERROR;

	n = kcp_parse(argc, argv, opts, pos, KCL_MANIFEST_MAX_PAYLOADS + 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (!meta || !level_s || !arch || !krel || !pvfile || !build_id || !out)
		return kcp_usage("pack: --meta, --level, --arch, --kernel-release, --proc-version, --build-id and -o are required");
	if (!n)
		return kcp_usage("pack: no payload module given");
	if (n > KCL_MANIFEST_MAX_PAYLOADS)
		return kcp_usage("pack: at most %d payloads", KCL_MANIFEST_MAX_PAYLOADS);
	if (kcp_parse_uint(level_s, 4294967295UL, &level) || !level)
		return kcp_usage("pack: --level %s: expected 1..4294967295", level_s);
	if (strcmp(arch, "x86_64") && strcmp(arch, "arm64"))
		return kcp_usage("pack: --arch %s: expected x86_64 or arm64", arch);
	if (!kcp_is_hex(build_id, 2, 128))
		return kcp_usage("pack: --build-id %s: expected 2..128 lowercase hex digits",
				 build_id);
	memset(&m, 0, sizeof(m));
	memset(entries, 0, sizeof(entries));
	if (rel_s && kcp_parse_time(rel_s, &rel_t))
		return kcp_usage("pack: --release-time %s: expected YYYY-MM-DDTHH:MM:SSZ", rel_s);
	if (build_s && kcp_parse_time(build_s, &build_t))
		return kcp_usage("pack: --build-time %s: expected YYYY-MM-DDTHH:MM:SSZ", build_s);

	if (kcp_read(meta, &buf, &len, KCL_MANIFEST_MAX_SIZE, err, sizeof(err)))
		return kcp_fail("pack: %s", err);
	if (kcl_manifest_parse((char *)buf, len, KCL_MANIFEST_AUTHOR, &m, err,
			       sizeof(err))) {
		free(buf);
		return kcp_fail("pack: %s: %s", meta, err);
	}
	free(buf);
	m.level = level;
	m.release_time = rel_t;
	m.build_time = build_t;

	if (kcp_read(pvfile, &buf, &len, 4096, err, sizeof(err))) {
		kcp_fail("pack: %s", err);
		goto out;
	}
	if (len < 14 || memcmp(buf, "Linux version ", 14)) {
		free(buf);
		kcp_fail("pack: %s does not hold a kernel's /proc/version text", pvfile);
		goto out;
	}
	kcp_digest("sha1", buf, len, sha1);
	free(buf);
	kcl_hex(hex, sha1, 20);

	m.arch = strdup(arch);
	m.kernel_release = strdup(krel);
	m.kernel_sha1 = strdup(hex);
	m.kernel_build_id = strdup(build_id);
	m.payloads = calloc(n, sizeof(*m.payloads));
	if (!m.arch || !m.kernel_release || !m.kernel_sha1 ||
	    !m.kernel_build_id || !m.payloads) {
		kcp_fail("pack: out of memory");
		goto out;
	}
	for (i = 0; i < (size_t)n; i++) {
		const char *base = strrchr(pos[i], '/');
		struct kcl_entry *e = &entries[2 + i];

		base = base ? base + 1 : pos[i];
		if (strlen(base) > KCL_ARCHIVE_NAME_MAX || strlen(base) < 4 ||
		    strcmp(base + strlen(base) - 3, ".ko")) {
			kcp_fail("pack: %s: a payload's file name must end in .ko and have at most %d characters",
				 pos[i], KCL_ARCHIVE_NAME_MAX);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (!strcmp(entries[2 + j].name, base)) {
				kcp_fail("pack: two payloads named %s", base);
				goto out;
			}
		strcpy(e->name, base);
		if (kcp_read(pos[i], &e->data, &e->size, KCP_MAX_FILE, err,
			     sizeof(err))) {
			kcp_fail("pack: %s", err);
			goto out;
		}
		if (kcp_check_payload(pos[i], e->data, e->size, arch, krel,
				      build_id, err, sizeof(err))) {
			kcp_fail("pack: %s", err);
			goto out;
		}
		m.payloads[i].file = strdup(base);
		if (!m.payloads[i].file) {
			kcp_fail("pack: out of memory");
			goto out;
		}
		m.payloads[i].size = e->size;
		kcp_digest("sha256", e->data, e->size, m.payloads[i].sha256);
		m.npayloads = i + 1;
	}

	text = kcl_manifest_format(&m);
	if (!text) {
		kcp_fail("pack: cannot format the manifest");
		goto out;
	}
	/* What a client will read must parse: check it as one would. */
	if (kcl_manifest_parse(text, strlen(text), KCL_MANIFEST_BUILT, &check,
			       err, sizeof(err))) {
		kcp_fail("pack: the manifest would be invalid: %s", err);
		goto out;
	}
	kcl_manifest_free(&check);
	cves = kcl_manifest_cve_text(&m);
	if (!cves) {
		kcp_fail("pack: cannot format the CVE list");
		goto out;
	}
	strcpy(entries[0].name, "manifest");
	entries[0].data = (unsigned char *)text;
	entries[0].size = strlen(text);
	strcpy(entries[1].name, "cves.txt");
	entries[1].data = (unsigned char *)cves;
	entries[1].size = strlen(cves);
	if (kcl_archive_pack(entries, 2 + n, &kcp, &kcplen, err, sizeof(err))) {
		kcp_fail("pack: %s", err);
		goto out;
	}
	if (kcp_write_atomic(out, kcp, kcplen, 0644, err, sizeof(err))) {
		kcp_fail("pack: %s", err);
		goto out;
	}
	printf("%s: %s level %lu for %s (%s), %d payload%s, %zu bytes\n", out,
	       m.id, level, krel, hex, n, n == 1 ? "" : "s", kcplen);
	rc = 0;
out:
	for (i = 0; i < (size_t)n; i++)
		free(entries[2 + i].data);
	free(text);
	free(cves);
	free(kcp);
	kcl_manifest_free(&m);
	return rc;
}

/* ---- unpack ----------------------------------------------------------- */

static int kcp_cmd_unpack(int argc, char **argv)
{
	static const struct kcp_opt opts[] = { { NULL } };
	struct kcl_archive ar;
	const char *pos[2];
	unsigned char *buf;
	char err[1024], path[PATH_MAX];
	size_t len, i;
	int n;

	n = kcp_parse(argc, argv, opts, pos, 2);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (n != 2)
		return kcp_usage("unpack: expected FILE.kcp DIR");
	if (kcp_read(pos[0], &buf, &len, KCL_ARCHIVE_MAX_SIZE, err, sizeof(err)))
		return kcp_fail("unpack: %s", err);
	if (kcl_archive_unpack(buf, len, &ar, err, sizeof(err))) {
		free(buf);
		return kcp_fail("unpack: %s: not a valid patchset file: %s", pos[0], err);
	}
	free(buf);
	if (kcp_mkdirs(pos[1], err, sizeof(err)))
		goto fail;
	for (i = 0; i < ar.n; i++) {
		kcp_fmt(path, sizeof(path), "%s/%s", pos[1], ar.entries[i].name);
		if (kcp_write_atomic(path, ar.entries[i].data, ar.entries[i].size,
				     0644, err, sizeof(err)))
			goto fail;
		printf("%s\n", path);
	}
	kcl_archive_free(&ar);
	return 0;
fail:
	kcl_archive_free(&ar);
	return kcp_fail("unpack: %s", err);
}

/* ---- sign, verify ----------------------------------------------------- */

static int kcp_cmd_sign(int argc, char **argv)
{
	const char *key = NULL;
	const struct kcp_opt opts[] = { { "--key", &key }, { NULL } };
	unsigned char sig[KCL_SIG_SIZE], *buf;
	char err[1024], path[PATH_MAX];
	const char *pos[1];
	size_t len;
	int n;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (!key || n != 1)
		return kcp_usage("sign: expected --key PRIVATE.pem FILE");
	if ((size_t)kcp_fmt(path, sizeof(path), "%s.sig", pos[0]) >= sizeof(path))
		return kcp_fail("sign: %s: path too long", pos[0]);
	if (kcp_read(pos[0], &buf, &len, KCL_ARCHIVE_MAX_SIZE + 65536, err,
		     sizeof(err)))
		return kcp_fail("sign: %s", err);
	if (kcl_sign(key, buf, len, sig, err, sizeof(err))) {
		free(buf);
		return kcp_fail("sign: %s", err);
	}
	free(buf);
	if (kcp_write_atomic(path, sig, sizeof(sig), 0644, err, sizeof(err)))
		return kcp_fail("sign: %s", err);
	printf("%s\n", path);
	return 0;
}

static bool kcp_is_kcp(const unsigned char *buf, size_t len)
{
	return len >= 8 && !memcmp(buf, KCL_ARCHIVE_MAGIC, 8);
}

static int kcp_cmd_verify(int argc, char **argv)
{
	const char *key = NULL, *keys = NULL;
	const struct kcp_opt opts[] = {
		{ "--keys", &keys }, { "--key", &key }, { NULL },
	};
	char err[1024], path[PATH_MAX], id[17];
	struct kcl_keyring kr;
	const char *pos[1];
	unsigned char *buf;
	size_t len;
	int n;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (n != 1 || (!key && !keys))
		return kcp_usage("verify: expected (--key PUBLIC.pem | --keys DIR) FILE");
	if ((size_t)kcp_fmt(path, sizeof(path), "%s.sig", pos[0]) >= sizeof(path))
		return kcp_fail("verify: %s: path too long", pos[0]);
	if (kcp_keyring(&kr, key, keys))
		return KCP_EXIT_ERROR;
	if (kcp_read(pos[0], &buf, &len, KCL_ARCHIVE_MAX_SIZE + 65536, err,
		     sizeof(err))) {
		kcl_keyring_free(&kr);
		return kcp_fail("verify: %s", err);
	}
	if (kcp_verify_sig(&kr, pos[0], buf, len, path, err, sizeof(err))) {
		kcl_keyring_free(&kr);
		free(buf);
		return kcp_fail("verify: %s", err);
	}
	kcl_keyring_free(&kr);
	{
		/* The signer, from the signature file just verified. */
		unsigned char *sig;
		size_t siglen;

		if (!kcp_read(path, &sig, &siglen, 4096, err, sizeof(err))) {
			kcl_key_id_hex(sig + 8, id);
			free(sig);
		} else {
			strcpy(id, "?");
		}
	}
	if (kcp_is_kcp(buf, len) ||
	    (strlen(pos[0]) > 4 && !strcmp(pos[0] + strlen(pos[0]) - 4, ".kcp"))) {
		struct kcl_archive ar;
		struct kcl_manifest m;

		if (kcp_check_kcp(buf, len, &ar, &m, err, sizeof(err))) {
			free(buf);
			return kcp_fail("verify: %s: %s", pos[0], err);
		}
		printf("%s: good signature by key %s; %s level %u for %s (%s), %zu payload%s match the manifest\n",
		       pos[0], id, m.id, m.level, m.kernel_release, m.kernel_sha1,
		       m.npayloads, m.npayloads == 1 ? "" : "s");
		kcl_manifest_free(&m);
		kcl_archive_free(&ar);
	} else {
		printf("%s: good signature by key %s\n", pos[0], id);
	}
	free(buf);
	return 0;
}

/* ---- the repository --------------------------------------------------- */

struct kcp_repo {
	const char *repo, *key, *feed;
	char dir[PATH_MAX];		/* REPO/[FEED/]SHA1 */
	char sha1[41];
	int lock_fd;
	struct kcl_index ix;
	bool have_index;
};

/* Take REPO/.lock: publishers of one repository run one at a time. */
static int kcp_repo_lock(struct kcp_repo *r, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (kcp_mkdirs(r->repo, err, errlen))
		return -1;
	kcp_fmt(path, sizeof(path), "%s/.lock", r->repo);
	r->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (r->lock_fd < 0) {
		kcp_fmt(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(r->lock_fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		kcp_fmt(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		close(r->lock_fd);
		r->lock_fd = -1;
		return -1;
	}
	return 0;
}

static void kcp_repo_close(struct kcp_repo *r)
{
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	r->lock_fd = -1;
	if (r->have_index)
		kcl_index_free(&r->ix);
	r->have_index = false;
}

/*
 * Read the index of r->sha1 in r->feed, if there is one. The publisher
 * trusts its own repository: the signature line is split off, not checked
 * (it is replaced by the new one).
 */
static int kcp_repo_read_index(struct kcp_repo *r, bool must_exist,
			       char *err, size_t errlen)
{
	char path[PATH_MAX], e[512];
	unsigned char *buf;
	size_t len, body;

	if (kcp_kernel_dir(r->dir, sizeof(r->dir), r->repo, r->feed, r->sha1)) {
		kcp_fmt(err, errlen, "repository path too long");
		return -1;
	}
	kcp_fmt(path, sizeof(path), "%s/index", r->dir);
	if (access(path, F_OK) && errno == ENOENT && !must_exist) {
		memset(&r->ix, 0, sizeof(r->ix));
		r->ix.format = KCL_INDEX_FORMAT;
		strcpy(r->ix.kernel_sha1, r->sha1);
		strcpy(r->ix.feed, r->feed);
		r->have_index = true;
		return 0;
	}
	if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE, e, sizeof(e))) {
		if (must_exist && errno == ENOENT)
			kcp_fmt(err, errlen, "no index for kernel %s in %s%s%s",
				 r->sha1, r->repo, *r->feed ? ", feed " : "",
				 r->feed);
		else
			kcp_fmt(err, errlen, "%s", e);
		return -1;
	}
	/* The body ends where the last line starts. */
	for (body = len ? len - 1 : 0; body > 0 && buf[body - 1] != '\n'; body--)
		;
	if (kcl_index_parse((char *)buf, body, &r->ix, e, sizeof(e))) {
		kcp_fmt(err, errlen, "%s: %s", path, e);
		free(buf);
		return -1;
	}
	free(buf);
	r->have_index = true;
	if (strcmp(r->ix.kernel_sha1, r->sha1) || strcmp(r->ix.feed, r->feed)) {
		kcp_fmt(err, errlen, "%s is for kernel %s, feed \"%s\"", path,
			 r->ix.kernel_sha1, r->ix.feed);
		return -1;
	}
	return 0;
}

/* Sign and write the index (serial + 1), then latest.v2. */
static int kcp_repo_write_index(struct kcp_repo *r, time_t now,
				unsigned long days, char *err, size_t errlen)
{
	char path[PATH_MAX], latest[16], *text;
	unsigned int top = 0;
	size_t i;

	r->ix.serial++;
	r->ix.generated = now;
	r->ix.expires = now + (time_t)days * 86400;
	text = kcl_index_sign(&r->ix, r->key, err, errlen);
	if (!text)
		return -1;
	kcp_fmt(path, sizeof(path), "%s/index", r->dir);
	if (kcp_write_atomic(path, text, strlen(text), 0644, err, errlen)) {
		free(text);
		return -1;
	}
	free(text);
	for (i = 0; i < r->ix.n; i++)
		if (!r->ix.levels[i].withdrawn)
			top = r->ix.levels[i].level;
	kcp_fmt(path, sizeof(path), "%s/latest.v2", r->dir);
	if (!top) {
		if (unlink(path) && errno != ENOENT) {
			kcp_fmt(err, errlen, "cannot remove %s: %s", path,
				 strerror(errno));
			return -1;
		}
		return 0;
	}
	kcp_fmt(latest, sizeof(latest), "%u\n", top);
	return kcp_write_atomic(path, latest, strlen(latest), 0644, err, errlen);
}

static int kcp_repo_args(const char *cmd, struct kcp_repo *r, const char *now_s,
			 time_t *now, const char *days_s, unsigned long *days)
{
	if (!r->repo || !r->key)
		return kcp_usage("%s: --repo and --key are required", cmd);
	if (!r->feed)
		r->feed = "";
	if (!kcp_valid_feed(r->feed))
		return kcp_usage("%s: --feed %s: a feed is [a-z0-9-], 1..32", cmd,
				 r->feed);
	*now = time(NULL);
	if (now_s && kcp_parse_time(now_s, now))
		return kcp_usage("%s: --now %s: expected YYYY-MM-DDTHH:MM:SSZ", cmd,
				 now_s);
	if (days) {
		*days = KCP_DEFAULT_VALID_DAYS;
		if (days_s && (kcp_parse_uint(days_s, 3660, days) || !*days))
			return kcp_usage("%s: --valid-days %s: expected 1..3660", cmd,
					 days_s);
	}
	return 0;
}

static int kcp_cmd_publish(int argc, char **argv)
{
	const char *now_s = NULL, *days_s = NULL;
	struct kcp_repo r = { .lock_fd = -1 };
	const struct kcp_opt opts[] = {
		{ "--repo", &r.repo }, { "--key", &r.key }, { "--feed", &r.feed },
		{ "--valid-days", &days_s }, { "--now", &now_s }, { NULL },
	};
	char err[1024], ldir[PATH_MAX], path[PATH_MAX + 32];
	struct kcl_index_level *lv, *nl;
	unsigned char sig[KCL_SIG_SIZE], *buf;
	char *cves = NULL, *json = NULL;
	struct kcl_archive ar;
	struct kcl_manifest m;
	unsigned long days;
	const char *pos[1];
	unsigned int top;
	size_t len;
	time_t now;
	int n, rc;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	rc = kcp_repo_args("publish", &r, now_s, &now, days_s, &days);
	if (rc)
		return rc;
	if (n != 1)
		return kcp_usage("publish: expected one patchset file");
	if (kcp_read(pos[0], &buf, &len, KCL_ARCHIVE_MAX_SIZE + 65536, err,
		     sizeof(err)))
		return kcp_fail("publish: %s", err);
	if (kcp_check_kcp(buf, len, &ar, &m, err, sizeof(err))) {
		free(buf);
		return kcp_fail("publish: %s: %s", pos[0], err);
	}
	kcl_archive_free(&ar);
	rc = KCP_EXIT_ERROR;
	strcpy(r.sha1, m.kernel_sha1);
	if (kcp_repo_lock(&r, err, sizeof(err)) ||
	    kcp_repo_read_index(&r, false, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}
	top = r.ix.n ? r.ix.levels[r.ix.n - 1].level : 0;
	if (m.level <= top) {
		kcp_fail("publish: level %u is not above level %u, the highest in the index of %s%s%s (levels never go down)",
			 m.level, top, r.sha1, *r.feed ? " in feed " : "", r.feed);
		goto out;
	}
	cves = kcl_manifest_cve_text(&m);
	json = kcl_manifest_cve_json(&m);
	if (!cves || !json) {
		kcp_fail("publish: cannot format the CVE list");
		goto out;
	}
	if (kcl_sign(r.key, buf, len, sig, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}

	/* The level's files first: a reader of the new index finds them. */
	kcp_fmt(ldir, sizeof(ldir), "%s/%u", r.dir, m.level);
	if (kcp_mkdirs(ldir, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}
	kcp_fmt(path, sizeof(path), "%s/patchset.kcp", ldir);
	if (kcp_write_atomic(path, buf, len, 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fmt(path, sizeof(path), "%s/patchset.kcp.sig", ldir);
	if (kcp_write_atomic(path, sig, sizeof(sig), 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fmt(path, sizeof(path), "%s/cves.txt", ldir);
	if (kcp_write_atomic(path, cves, strlen(cves), 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fmt(path, sizeof(path), "%s/cves.json", ldir);
	if (kcp_write_atomic(path, json, strlen(json), 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fsync_dir(r.dir);

	nl = realloc(r.ix.levels, (r.ix.n + 1) * sizeof(*nl));
	if (!nl) {
		kcp_fail("publish: out of memory");
		goto out;
	}
	r.ix.levels = nl;
	lv = &r.ix.levels[r.ix.n++];
	memset(lv, 0, sizeof(*lv));
	lv->level = m.level;
	kcp_fmt(lv->id, sizeof(lv->id), "%s", m.id);
	lv->release_time = m.release_time;
	kcp_fmt(lv->patch_type, sizeof(lv->patch_type), "%s", m.patch_type);
	kcp_digest("sha256", buf, len, lv->sha256);
	if (kcp_repo_write_index(&r, now, days, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}
	printf("published %s level %u (%s, %s) in %s, index serial %llu\n",
	       m.id, m.level, m.patch_type, m.kernel_release, r.dir, r.ix.serial);
	rc = 0;
	goto out;
fail_write:
	kcp_fail("publish: %s", err);
out:
	kcp_repo_close(&r);
	kcl_manifest_free(&m);
	free(cves);
	free(json);
	free(buf);
	return rc;
}

static int kcp_cmd_withdraw(int argc, char **argv)
{
	const char *now_s = NULL, *days_s = NULL;
	struct kcp_repo r = { .lock_fd = -1 };
	const struct kcp_opt opts[] = {
		{ "--repo", &r.repo }, { "--key", &r.key }, { "--feed", &r.feed },
		{ "--valid-days", &days_s }, { "--now", &now_s }, { NULL },
	};
	static const char *const files[] = {
		"patchset.kcp", "patchset.kcp.sig", "cves.txt", "cves.json",
	};
	char err[1024], ldir[PATH_MAX], path[PATH_MAX + 32];
	struct kcl_index_level *lv = NULL;
	unsigned long days, level;
	const char *pos[2];
	size_t i;
	time_t now;
	int n, rc;

	n = kcp_parse(argc, argv, opts, pos, 2);
	if (n < 0)
		return KCP_EXIT_USAGE;
	rc = kcp_repo_args("withdraw", &r, now_s, &now, days_s, &days);
	if (rc)
		return rc;
	if (n != 2)
		return kcp_usage("withdraw: expected KERNEL-SHA1 LEVEL");
	if (!kcp_valid_sha1(pos[0]))
		return kcp_usage("withdraw: %s: expected 40 lowercase hex digits", pos[0]);
	if (kcp_parse_uint(pos[1], 4294967295UL, &level) || !level)
		return kcp_usage("withdraw: level %s: expected 1..4294967295", pos[1]);
	strcpy(r.sha1, pos[0]);
	rc = KCP_EXIT_ERROR;
	if (kcp_repo_lock(&r, err, sizeof(err)) ||
	    kcp_repo_read_index(&r, true, err, sizeof(err))) {
		kcp_fail("withdraw: %s", err);
		goto out;
	}
	for (i = 0; i < r.ix.n; i++)
		if (r.ix.levels[i].level == level)
			lv = &r.ix.levels[i];
	if (!lv) {
		kcp_fail("withdraw: level %lu is not in the index of %s", level, r.sha1);
		goto out;
	}
	if (lv->withdrawn) {
		kcp_fail("withdraw: level %lu is already withdrawn", level);
		goto out;
	}
	lv->withdrawn = true;
	memset(lv->sha256, 0, sizeof(lv->sha256));
	/*
	 * The index first: a client with the new one no longer wants the
	 * files; one that read the old one a moment ago still finds them.
	 */
	if (kcp_repo_write_index(&r, now, days, err, sizeof(err))) {
		kcp_fail("withdraw: %s", err);
		goto out;
	}
	kcp_fmt(ldir, sizeof(ldir), "%s/%lu", r.dir, level);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		kcp_fmt(path, sizeof(path), "%s/%s", ldir, files[i]);
		if (unlink(path) && errno != ENOENT) {
			kcp_fail("withdraw: cannot remove %s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (rmdir(ldir) && errno != ENOENT)
		fprintf(stderr, "%s: withdraw: %s not removed: %s\n", kcp_prog,
			ldir, strerror(errno));
	printf("withdrew level %lu of %s, index serial %llu\n", level, r.dir,
	       r.ix.serial);
	rc = 0;
out:
	kcp_repo_close(&r);
	return rc;
}

static int kcp_cmd_refresh(int argc, char **argv)
{
	const char *now_s = NULL, *days_s = NULL;
	struct kcp_repo r = { .lock_fd = -1 };
	const struct kcp_opt opts[] = {
		{ "--repo", &r.repo }, { "--key", &r.key }, { "--feed", &r.feed },
		{ "--valid-days", &days_s }, { "--now", &now_s }, { NULL },
	};
	char err[1024], exp[21];
	unsigned long days;
	const char *pos[1];
	time_t now;
	int n, rc;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	rc = kcp_repo_args("refresh", &r, now_s, &now, days_s, &days);
	if (rc)
		return rc;
	if (n != 1)
		return kcp_usage("refresh: expected KERNEL-SHA1");
	if (!kcp_valid_sha1(pos[0]))
		return kcp_usage("refresh: %s: expected 40 lowercase hex digits", pos[0]);
	strcpy(r.sha1, pos[0]);
	rc = KCP_EXIT_ERROR;
	if (kcp_repo_lock(&r, err, sizeof(err)) ||
	    kcp_repo_read_index(&r, true, err, sizeof(err)) ||
	    kcp_repo_write_index(&r, now, days, err, sizeof(err))) {
		kcp_fail("refresh: %s", err);
		goto out;
	}
	kcl_time_format(r.ix.expires, exp);
	printf("refreshed %s/index: serial %llu, expires %s\n", r.dir,
	       r.ix.serial, exp);
	rc = 0;
out:
	kcp_repo_close(&r);
	return rc;
}

/* ---- select: the client's side ---------------------------------------- */

/*
 * The client's state file: one line per kernel and feed it has accepted
 * an index for, "KERNEL-SHA1 FEED|- SERIAL MAX-LEVEL".
 */
static int kcp_state_read(const char *path, const char *sha1, const char *feed,
			  struct kcl_index_seen *seen, char *err, size_t errlen)
{
	char line[256], s[64], f[64];
	unsigned long long serial;
	unsigned int max;
	FILE *fp;

	memset(seen, 0, sizeof(*seen));
	fp = fopen(path, "re");
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		kcp_fmt(err, errlen, "cannot read the state file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%63s %63s %llu %u", s, f, &serial, &max) != 4) {
			kcp_fmt(err, errlen, "state file %s: malformed line", path);
			fclose(fp);
			return -1;
		}
		if (!strcmp(s, sha1) && !strcmp(f, *feed ? feed : "-")) {
			seen->serial = serial;
			seen->max_level = max;
		}
	}
	fclose(fp);
	return 0;
}

static int kcp_state_write(const char *path, const char *sha1, const char *feed,
			   const struct kcl_index_seen *seen, char *err,
			   size_t errlen)
{
	char line[256], s[64], f[64], *out = NULL;
	size_t len = 0;
	FILE *fp, *mem;
	int rc;

	mem = open_memstream(&out, &len);
	if (!mem) {
		kcp_fmt(err, errlen, "out of memory");
		return -1;
	}
	fp = fopen(path, "re");
	if (fp) {
		while (fgets(line, sizeof(line), fp)) {
			if (sscanf(line, "%63s %63s", s, f) == 2 &&
			    !strcmp(s, sha1) && !strcmp(f, *feed ? feed : "-"))
				continue;
			fputs(line, mem);
		}
		fclose(fp);
	}
	fprintf(mem, "%s %s %llu %u\n", sha1, *feed ? feed : "-", seen->serial,
		seen->max_level);
	fclose(mem);
	rc = kcp_write_atomic(path, out, len, 0644, err, errlen);
	free(out);
	return rc;
}

static int kcp_cmd_select(int argc, char **argv)
{
	const char *repo = NULL, *keys = NULL, *key = NULL, *prefix = NULL,
		   *sticky = NULL, *ptype = NULL, *now_s = NULL, *state = NULL;
	const struct kcp_opt opts[] = {
		{ "--repo", &repo }, { "--keys", &keys }, { "--key", &key },
		{ "--prefix", &prefix }, { "--sticky", &sticky },
		{ "--patch-type", &ptype }, { "--now", &now_s },
		{ "--state", &state }, { NULL },
	};
	char err[1024], why[512], feed[33], dir[PATH_MAX], path[PATH_MAX + 32],
	     sigpath[PATH_MAX + 48];
	const struct kcl_index_level *lv;
	struct kcl_select sel = { 0 };
	struct kcl_index_seen seen;
	struct kcl_keyring kr;
	struct kcl_index ix;
	struct kcl_archive ar;
	struct kcl_manifest m;
	unsigned char *buf = NULL, *kcp = NULL, sha[32];
	size_t len, body, kcplen;
	const char *pos[1];
	unsigned int max;
	time_t now;
	int n, rc = KCP_EXIT_ERROR;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (!repo || (!keys && !key) || n != 1)
		return kcp_usage("select: expected --repo DIR (--keys DIR | --key PUBLIC.pem) KERNEL-SHA1");
	if (!kcp_valid_sha1(pos[0]))
		return kcp_usage("select: %s: expected 40 lowercase hex digits", pos[0]);
	now = time(NULL);
	if (now_s && kcp_parse_time(now_s, &now))
		return kcp_usage("select: --now %s: expected YYYY-MM-DDTHH:MM:SSZ", now_s);
	if (ptype && strcmp(ptype, "default") && strcmp(ptype, "extra") &&
	    strcmp(ptype, "free"))
		return kcp_usage("select: --patch-type %s: expected default, extra or free",
				 ptype);
	if (kcl_prefix_parse(prefix ? prefix : "", feed, sizeof(feed),
			     &sel.delay_hours, err, sizeof(err)))
		return kcp_usage("select: %s", err);
	if (sticky && kcl_sticky_parse(sticky, now, &sel.sticky_until, err,
				       sizeof(err)))
		return kcp_fail("select: %s", err);
	sel.patch_type = ptype ? ptype : "default";
	if (kcp_kernel_dir(dir, sizeof(dir), repo, feed, pos[0]))
		return kcp_fail("select: repository path too long");
	if (kcp_keyring(&kr, key, keys))
		return KCP_EXIT_ERROR;
	memset(&ix, 0, sizeof(ix));

	kcp_fmt(path, sizeof(path), "%s/index", dir);
	if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE, err, sizeof(err))) {
		kcp_fail("select: no index: %s", err);
		goto out;
	}
	if (kcl_index_verify(&kr, (char *)buf, len, &body, err, sizeof(err))) {
		kcp_fail("select: index rejected: %s", err);
		goto out;
	}
	if (kcl_index_parse((char *)buf, body, &ix, err, sizeof(err))) {
		kcp_fail("select: index rejected: %s", err);
		goto out;
	}
	if (state && kcp_state_read(state, pos[0], feed, &seen, err, sizeof(err))) {
		kcp_fail("select: %s", err);
		goto out;
	}
	if (kcl_index_check(&ix, pos[0], feed, now, state ? &seen : NULL, err,
			    sizeof(err))) {
		kcp_fail("select: index rejected: %s", err);
		goto out;
	}
	/* An authentic, fresh index: remember it against replays. */
	max = ix.n ? ix.levels[ix.n - 1].level : 0;
	if (state) {
		seen.serial = ix.serial;
		seen.max_level = max > seen.max_level ? max : seen.max_level;
		if (kcp_state_write(state, pos[0], feed, &seen, err, sizeof(err))) {
			kcp_fail("select: %s", err);
			goto out;
		}
	}
	lv = kcl_index_select(&ix, &sel, now, why, sizeof(why));
	if (!lv) {
		kcp_fail("select: nothing to apply: %s", why);
		goto out;
	}

	kcp_fmt(path, sizeof(path), "%s/%u/patchset.kcp", dir, lv->level);
	kcp_fmt(sigpath, sizeof(sigpath), "%s.sig", path);
	if (kcp_read(path, &kcp, &kcplen, KCL_ARCHIVE_MAX_SIZE + 65536, err,
		     sizeof(err))) {
		kcp_fail("select: level %u: %s", lv->level, err);
		goto out;
	}
	if (kcp_verify_sig(&kr, "patchset.kcp", kcp, kcplen, sigpath, err,
			   sizeof(err))) {
		kcp_fail("select: level %u: %s", lv->level, err);
		goto out;
	}
	kcp_digest("sha256", kcp, kcplen, sha);
	if (memcmp(sha, lv->sha256, 32)) {
		kcp_fail("select: level %u: patchset.kcp does not match the SHA-256 in the index",
			 lv->level);
		goto out;
	}
	if (kcp_check_kcp(kcp, kcplen, &ar, &m, err, sizeof(err))) {
		kcp_fail("select: level %u: patchset.kcp: %s", lv->level, err);
		goto out;
	}
	if (strcmp(m.kernel_sha1, pos[0]) || m.level != lv->level) {
		kcp_fail("select: level %u: patchset.kcp is level %u for kernel %s",
			 lv->level, m.level, m.kernel_sha1);
	} else {
		printf("level %u %s\n", lv->level, path);
		rc = 0;
	}
	kcl_manifest_free(&m);
	kcl_archive_free(&ar);
out:
	kcl_index_free(&ix);
	kcl_keyring_free(&kr);
	free(buf);
	free(kcp);
	return rc;
}

/* ---- main ------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} kcp_cmds[] = {
	{ "keygen", kcp_cmd_keygen },
	{ "header", kcp_cmd_header },
	{ "pack", kcp_cmd_pack },
	{ "unpack", kcp_cmd_unpack },
	{ "sign", kcp_cmd_sign },
	{ "verify", kcp_cmd_verify },
	{ "publish", kcp_cmd_publish },
	{ "withdraw", kcp_cmd_withdraw },
	{ "refresh", kcp_cmd_refresh },
	{ "select", kcp_cmd_select },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return kcp_usage("no command given");
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		fputs(kcp_usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("kcare-patchset %s\n", KCARE_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(kcp_cmds) / sizeof(kcp_cmds[0]); i++)
		if (!strcmp(argv[1], kcp_cmds[i].name))
			return kcp_cmds[i].run(argc - 2, argv + 2);
	return kcp_usage("unknown command '%s'", argv[1]);
}
