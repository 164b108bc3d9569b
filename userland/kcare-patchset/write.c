// SPDX-License-Identifier: GPL-2.0
/*
 * What only a publisher writes (write.h): key pairs, signatures, signed
 * indexes and patchset archives. The loader reads and verifies all of them
 * (loader/sign.c, index.c, archive.c) and never writes one.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <zlib.h>

#include "util.h"
#include "write.h"

/* Every failure also drops what OpenSSL queued about it. */
#define fail(...)	(ERR_clear_error(), kc_fail(__VA_ARGS__))

/* Open @path for writing, new only, with @mode exactly (not the umask's). */
static FILE *create_excl(const char *path, mode_t mode, char *err,
			 size_t errlen)
{
	FILE *f;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			fail(err, errlen, "%s exists: not overwriting it", path);
		else
			fail(err, errlen, "cannot create %s: %s", path,
			     strerror(errno));
		return NULL;
	}
	if (fchmod(fd, mode) < 0 || !(f = fdopen(fd, "w"))) {
		fail(err, errlen, "cannot create %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	return f;
}

int kcp_key_generate(const char *priv, const char *pub, char *err,
		     size_t errlen)
{
	FILE *fpriv = NULL, *fpub = NULL;
	EVP_PKEY *pkey;
	int ok;

	/* Refuse before creating anything. */
	if (access(priv, F_OK) == 0)
		return fail(err, errlen, "%s exists: not overwriting it", priv);
	if (access(pub, F_OK) == 0)
		return fail(err, errlen, "%s exists: not overwriting it", pub);

	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!pkey)
		return fail(err, errlen, "cannot generate an Ed25519 key");

	fpriv = create_excl(priv, 0600, err, errlen);
	if (!fpriv)
		goto out_key;
	fpub = create_excl(pub, 0644, err, errlen);
	if (!fpub) {
		fclose(fpriv);
		unlink(priv);
		goto out_key;
	}

	ok = PEM_write_PrivateKey(fpriv, pkey, NULL, NULL, 0, NULL, NULL) == 1;
	ok &= PEM_write_PUBKEY(fpub, pkey) == 1;
	ok &= fflush(fpriv) == 0 && fsync(fileno(fpriv)) == 0;
	ok &= fflush(fpub) == 0 && fsync(fileno(fpub)) == 0;
	ok &= fclose(fpriv) == 0;
	ok &= fclose(fpub) == 0;
	EVP_PKEY_free(pkey);
	if (!ok) {
		unlink(priv);
		unlink(pub);
		return fail(err, errlen, "cannot write the key pair %s, %s",
			    priv, pub);
	}
	return 0;

out_key:
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return -1;
}

int kcp_sign(const char *priv, const unsigned char *data, size_t len,
	     unsigned char sig[KCL_SIG_SIZE], char *err, size_t errlen)
{
	unsigned char id[KCL_KEYID_SIZE];
	size_t siglen = 64;
	EVP_MD_CTX *ctx;
	EVP_PKEY *pkey;
	FILE *f;
	int ok;

	f = fopen(priv, "re");
	if (!f)
		return fail(err, errlen, "cannot read %s: %s", priv,
			    strerror(errno));
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (!pkey)
		return fail(err, errlen, "%s: not a PEM private key", priv);
	if (kcl_key_ed25519_id(pkey, id) < 0) {
		EVP_PKEY_free(pkey);
		return fail(err, errlen, "%s: not an Ed25519 private key", priv);
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
	     EVP_DigestSign(ctx, sig + 16, &siglen, data, len) == 1 &&
	     siglen == 64;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	if (!ok)
		return fail(err, errlen, "cannot sign with %s", priv);
	memcpy(sig, KCL_SIG_MAGIC, 8);
	memcpy(sig + 8, id, KCL_KEYID_SIZE);
	return 0;
}

char *kcp_text_sign(char *body, const char *priv, char *err, size_t errlen)
{
	unsigned char sig[KCL_SIG_SIZE];
	size_t len = strlen(body);
	char *out;

	if (kcp_sign(priv, (const unsigned char *)body, len, sig, err,
		     errlen)) {
		free(body);
		return NULL;
	}
	out = realloc(body, len + KCL_INDEX_SIG_LINE_LEN + 1);
	if (!out) {
		free(body);
		kc_fail(err, errlen, "out of memory");
		return NULL;
	}
	memcpy(out + len, KCL_INDEX_SIG_PREFIX, sizeof(KCL_INDEX_SIG_PREFIX) - 1);
	len += sizeof(KCL_INDEX_SIG_PREFIX) - 1;
	kc_hex(out + len, sig + 8, KCL_KEYID_SIZE);
	len += 2 * KCL_KEYID_SIZE;
	out[len++] = ' ';
	kc_hex(out + len, sig + 16, 64);
	len += 128;
	out[len++] = '\n';
	out[len] = '\0';
	return out;
}

char *kcp_index_sign(const struct kcl_index *ix, const char *priv,
		     char *err, size_t errlen)
{
	struct kcl_index check;
	char *body;

	body = kcl_index_format(ix);
	if (!body) {
		kc_fail(err, errlen, "cannot format the index");
		return NULL;
	}
	/* Never sign what a client would refuse. */
	if (kcl_index_parse(body, strlen(body), &check, err, errlen)) {
		free(body);
		return NULL;
	}
	kcl_index_free(&check);
	return kcp_text_sign(body, priv, err, errlen);
}

static void put_le16(unsigned char *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(unsigned char *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

int kcp_archive_pack(const struct kcl_entry *entries, size_t n,
		     unsigned char **out, size_t *outlen, char *err,
		     size_t errlen)
{
	unsigned char *body = NULL, *file = NULL, *p;
	size_t size = 0, i, j;
	uLongf zlen;
	int ret;

	*out = NULL;
	*outlen = 0;
	if (n > KCL_ARCHIVE_MAX_ENTRIES)
		return kc_fail(err, errlen,
					"%zu entries: at most %d are allowed",
					n, KCL_ARCHIVE_MAX_ENTRIES);
	for (i = 0; i < n; i++) {
		const char *name = entries[i].name;
		size_t len = strnlen(name, sizeof(entries[i].name));
		const char *why = kcl_archive_bad_name((const void *)name, len);

		if (why)
			return kc_fail(err, errlen, "entry %zu: %s",
						i + 1, why);
		for (j = 0; j < i; j++)
			if (!strcmp(entries[j].name, name))
				return kc_fail(err, errlen,
							"entry %zu: duplicate name '%s'",
							i + 1, name);
		if (entries[i].size > UINT32_MAX ||
		    entries[i].size > KCL_ARCHIVE_MAX_SIZE - size ||
		    2 + len + 4 > KCL_ARCHIVE_MAX_SIZE - size -
				  entries[i].size)
			return kc_fail(err, errlen,
						"entry %zu ('%s'): the patchset would exceed %u MiB",
						i + 1, name,
						KCL_ARCHIVE_MAX_SIZE >> 20);
		size += 2 + len + 4 + entries[i].size;
	}

	body = malloc(size ? size : 1);
	if (!body)
		goto nomem;
	p = body;
	for (i = 0; i < n; i++) {
		size_t len = strlen(entries[i].name);

		put_le16(p, len);
		memcpy(p + 2, entries[i].name, len);
		put_le32(p + 2 + len, entries[i].size);
		p += 2 + len + 4;
		if (entries[i].size)
			memcpy(p, entries[i].data, entries[i].size);
		p += entries[i].size;
	}

	zlen = compressBound(size);
	file = malloc(KCL_ARCHIVE_HEADER + zlen);
	if (!file)
		goto nomem;
	ret = compress2(file + KCL_ARCHIVE_HEADER, &zlen, body, size,
			Z_BEST_COMPRESSION);
	if (ret != Z_OK) {
		free(body);
		free(file);
		if (ret == Z_MEM_ERROR)
			return kc_fail(err, errlen, "out of memory");
		return kc_fail(err, errlen, "cannot compress: zlib error %d",
					ret);
	}
	free(body);
	memcpy(file, KCL_ARCHIVE_MAGIC, 8);
	put_le32(file + 8, 0);
	put_le32(file + 12, size);
	*out = file;
	*outlen = KCL_ARCHIVE_HEADER + zlen;
	return 0;

nomem:
	free(body);
	free(file);
	return kc_fail(err, errlen, "out of memory");
}
