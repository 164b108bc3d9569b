/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signatures: Ed25519 (OpenSSL), detached. A signature file is 80 bytes:
 * "KCSIG1\0\0", the signer's key id (the first 8 bytes of the SHA-256 of
 * the raw 32-byte public key), and the 64-byte signature of the signed
 * file's bytes (Documentation/formats.md).
 *
 * Keys are PEM files: the private key PKCS#8, the public key
 * SubjectPublicKeyInfo. Functions returning int give 0, or -1 with a
 * reason in err.
 */
#ifndef _KCARE_LOADER_SIGN_H
#define _KCARE_LOADER_SIGN_H

#include <stddef.h>
#include <stdio.h>

#define KCL_SIG_MAGIC	"KCSIG1\0\0"
#define KCL_SIG_SIZE	80
#define KCL_KEYID_SIZE	8
#define KCL_MAX_KEYS	16

struct kcl_key {
	void *pkey;				/* EVP_PKEY */
	unsigned char id[KCL_KEYID_SIZE];
};

/* Trusted public keys (kcarectl --import-key adds to them). */
struct kcl_keyring {
	struct kcl_key keys[KCL_MAX_KEYS];
	size_t n;
};

/* Add a public key PEM file to @kr (a private key file is refused). */
int kcl_keyring_add_file(struct kcl_keyring *kr, const char *path, char *err,
			 size_t errlen);
/* Add every *.pem of @dir; a directory without any is an error. */
int kcl_keyring_add_dir(struct kcl_keyring *kr, const char *dir, char *err,
			size_t errlen);
/*
 * The same, but a file that is not a usable public key is skipped with
 * "kcarectl: warning: skipping the key file PATH: REASON" on @warn.
 */
int kcl_keyring_add_dir_lenient(struct kcl_keyring *kr, const char *dir,
				FILE *warn, char *err, size_t errlen);
void kcl_keyring_free(struct kcl_keyring *kr);
/* "0123456789abcdef": the id of key @i, for messages. */
void kcl_key_id_hex(const unsigned char id[KCL_KEYID_SIZE], char hex[17]);

/*
 * The id of the Ed25519 key @pkey (an EVP_PKEY): the first bytes of the
 * SHA-256 of its raw public key. -1 for another kind of key.
 */
int kcl_key_ed25519_id(void *pkey, unsigned char id[KCL_KEYID_SIZE]);
/*
 * Verify; the reasons are distinct: "malformed signature file", "signed
 * by key ID, which is not trusted", "bad signature: the file or its
 * signature was changed".
 */
int kcl_verify(const struct kcl_keyring *kr, const unsigned char *data,
	       size_t len, const unsigned char *sig, size_t siglen, char *err,
	       size_t errlen);

#endif /* _KCARE_LOADER_SIGN_H */
