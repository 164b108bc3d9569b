// SPDX-License-Identifier: GPL-2.0
/*
 * Ed25519 detached signatures and the keyring of trusted public keys
 * (sign.h, Documentation/formats.md "Signatures"), on OpenSSL 3's EVP
 * interface. Ed25519 signs the message itself: no digest is chosen.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "sign.h"
#include "util.h"

/* Every failure also drops what OpenSSL queued about it. */
#define fail(...)	(ERR_clear_error(), kc_fail(__VA_ARGS__))

void kcl_key_id_hex(const unsigned char id[KCL_KEYID_SIZE], char hex[17])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < KCL_KEYID_SIZE; i++) {
		hex[2 * i] = digits[id[i] >> 4];
		hex[2 * i + 1] = digits[id[i] & 15];
	}
	hex[2 * KCL_KEYID_SIZE] = '\0';
}

static int is_ed25519(EVP_PKEY *pkey)
{
	return EVP_PKEY_get_id(pkey) == EVP_PKEY_ED25519;
}

/* The first 8 bytes of the SHA-256 of the raw 32-byte public key. */
static int key_id(EVP_PKEY *pkey, unsigned char id[KCL_KEYID_SIZE])
{
	unsigned char raw[32], md[32];
	size_t rawlen = sizeof(raw);
	unsigned int mdlen = sizeof(md);

	if (EVP_PKEY_get_raw_public_key(pkey, raw, &rawlen) != 1 ||
	    rawlen != sizeof(raw))
		return -1;
	if (EVP_Digest(raw, rawlen, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	memcpy(id, md, KCL_KEYID_SIZE);
	return 0;
}

int kcl_key_ed25519_id(void *pkey, unsigned char id[KCL_KEYID_SIZE])
{
	return is_ed25519(pkey) ? key_id(pkey, id) : -1;
}

/* The whole of a small file, NUL-terminated. */
static char *read_small(const char *path, size_t *len, char *err,
			size_t errlen)
{
	char *buf = NULL;
	size_t n = 0, cap = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t r;

		if (n + 1 >= cap) {
			char *nb;

			if (cap >= 1u << 20) {
				fail(err, errlen, "%s: too large for a key file",
				     path);
				goto fail;
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb) {
				fail(err, errlen, "out of memory");
				goto fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int kcl_keyring_add_file(struct kcl_keyring *kr, const char *path, char *err,
			 size_t errlen)
{
	unsigned char id[KCL_KEYID_SIZE];
	EVP_PKEY *pkey;
	size_t len, i;
	char *text;
	BIO *bio;

	text = read_small(path, &len, err, errlen);
	if (!text)
		return -1;
	if (strstr(text, "PRIVATE KEY-----")) {
		OPENSSL_cleanse(text, len);
		free(text);
		return fail(err, errlen,
			    "%s is a private key: trust its public key instead",
			    path);
	}
	bio = BIO_new_mem_buf(text, (int)len);
	pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
	BIO_free(bio);
	free(text);
	if (!pkey)
		return fail(err, errlen, "%s: not a PEM public key", path);
	if (!is_ed25519(pkey)) {
		EVP_PKEY_free(pkey);
		return fail(err, errlen,
			    "%s: not an Ed25519 key (kcare signs with Ed25519 only)",
			    path);
	}
	if (key_id(pkey, id) < 0) {
		EVP_PKEY_free(pkey);
		return fail(err, errlen, "%s: cannot read the public key", path);
	}
	for (i = 0; i < kr->n; i++) {
		if (!memcmp(kr->keys[i].id, id, KCL_KEYID_SIZE)) {
			/* The same key twice: trusted once. */
			EVP_PKEY_free(pkey);
			return 0;
		}
	}
	if (kr->n >= KCL_MAX_KEYS) {
		EVP_PKEY_free(pkey);
		return fail(err, errlen, "%s: more than %d trusted keys", path,
			    KCL_MAX_KEYS);
	}
	kr->keys[kr->n].pkey = pkey;
	memcpy(kr->keys[kr->n].id, id, KCL_KEYID_SIZE);
	kr->n++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int kcl_keyring_dir(struct kcl_keyring *kr, const char *dir,
			   FILE *warn, char *err, size_t errlen)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return fail(err, errlen, "cannot read %s: %s", dir,
			    strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l <= 4 || strcmp(de->d_name + l - 4, ".pem") ||
		    de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 8;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				ret = fail(err, errlen, "out of memory");
				goto out;
			}
			names = nn;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			ret = fail(err, errlen, "out of memory");
			goto out;
		}
		n++;
	}
	if (!n) {
		ret = fail(err, errlen, "%s: no trusted key (*.pem) in it", dir);
		goto out;
	}
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !ret; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path))
			ret = fail(err, errlen, "%s/%s: path too long", dir,
				   names[i]);
		else
			ret = kcl_keyring_add_file(kr, path, err, errlen);
		/*
		 * One unreadable key must not stop every update: the others
		 * still vouch, and a file not trusted is no risk.
		 */
		if (ret && warn) {
			fprintf(warn, "kcarectl: warning: skipping the key file %s: %s\n",
				path, err);
			ret = 0;
		}
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return ret;
}

int kcl_keyring_add_dir(struct kcl_keyring *kr, const char *dir, char *err,
			size_t errlen)
{
	return kcl_keyring_dir(kr, dir, NULL, err, errlen);
}

int kcl_keyring_add_dir_lenient(struct kcl_keyring *kr, const char *dir,
				FILE *warn, char *err, size_t errlen)
{
	return kcl_keyring_dir(kr, dir, warn, err, errlen);
}

void kcl_keyring_free(struct kcl_keyring *kr)
{
	size_t i;

	for (i = 0; i < kr->n; i++)
		EVP_PKEY_free(kr->keys[i].pkey);
	memset(kr, 0, sizeof(*kr));
}

int kcl_verify(const struct kcl_keyring *kr, const unsigned char *data,
	       size_t len, const unsigned char *sig, size_t siglen, char *err,
	       size_t errlen)
{
	const struct kcl_key *key = NULL;
	EVP_MD_CTX *ctx;
	char hex[17];
	size_t i;
	int ok;

	if (!sig || siglen != KCL_SIG_SIZE || memcmp(sig, KCL_SIG_MAGIC, 8))
		return fail(err, errlen, "malformed signature file");
	for (i = 0; kr && i < kr->n; i++) {
		if (!memcmp(kr->keys[i].id, sig + 8, KCL_KEYID_SIZE)) {
			key = &kr->keys[i];
			break;
		}
	}
	if (!key) {
		kcl_key_id_hex(sig + 8, hex);
		return fail(err, errlen, "signed by key %s, which is not trusted",
			    hex);
	}
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key->pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig + 16, 64, data ? data : (const unsigned char *)"",
			      len) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return fail(err, errlen,
			    "bad signature: the file or its signature was changed");
	return 0;
}
