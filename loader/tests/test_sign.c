// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the signatures (loader/sign.c): key generation, the
 * keyring, signing and the three distinct reasons a verification fails.
 * Keys are generated in a temporary directory.
 */
#define _GNU_SOURCE
#include <fcntl.h>
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

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "write.h"
#include "sign.h"

static char dir[] = "/tmp/kc-sign-test.XXXXXX";
static char err[512];
static char priv_a[256], pub_a[256], priv_b[256], pub_b[256];

static const unsigned char data[] = "a patchset file, or any other bytes\n";

static void path(char *buf, const char *name)
{
	snprintf(buf, 256, "%s/%s", dir, name);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	path(priv_a, "a.key");
	path(pub_a, "a.pem");
	path(priv_b, "b.key");
	path(pub_b, "b.pem");
	if (kcp_key_generate(priv_a, pub_a, err, sizeof(err)) ||
	    kcp_key_generate(priv_b, pub_b, err, sizeof(err))) {
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

static char *slurp(const char *p, size_t *len)
{
	static char buf[8192];
	FILE *f = fopen(p, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static void keygen_modes_and_pem(void **state)
{
	struct stat st;

	assert_int_equal(stat(priv_a, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(pub_a, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_non_null(strstr(slurp(priv_a, NULL), "-----BEGIN PRIVATE KEY-----"));
	assert_non_null(strstr(slurp(pub_a, NULL), "-----BEGIN PUBLIC KEY-----"));
}

static void keygen_refuses_overwrite(void **state)
{
	char before_priv[8192], before_pub[8192], p[256], q[256];

	strcpy(before_priv, slurp(priv_a, NULL));
	strcpy(before_pub, slurp(pub_a, NULL));
	assert_int_equal(kcp_key_generate(priv_a, pub_a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exists"));
	assert_string_equal(slurp(priv_a, NULL), before_priv);
	assert_string_equal(slurp(pub_a, NULL), before_pub);

	/* Only the public file exists: nothing is created. */
	path(p, "new.key");
	assert_int_equal(kcp_key_generate(p, pub_a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exists"));
	assert_int_not_equal(access(p, F_OK), 0);
	assert_string_equal(slurp(pub_a, NULL), before_pub);

	/* Only the private file exists. */
	path(q, "new.pem");
	assert_int_equal(kcp_key_generate(priv_a, q, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exists"));
	assert_int_not_equal(access(q, F_OK), 0);
	assert_string_equal(slurp(priv_a, NULL), before_priv);
}

static void key_id_hex(void **state)
{
	const unsigned char id[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	char hex[17];

	kcl_key_id_hex(id, hex);
	assert_string_equal(hex, "0123456789abcdef");
}

/* The key id is the first 8 bytes of SHA-256 of the raw public key. */
static void key_id_is_sha256_of_raw_key(void **state)
{
	struct kcl_keyring kr = { 0 };
	unsigned char raw[32], md[32];
	size_t rawlen = sizeof(raw);
	unsigned int mdlen;

	assert_int_equal(kcl_keyring_add_file(&kr, pub_a, err, sizeof(err)), 0);
	assert_int_equal(kr.n, 1);
	assert_int_equal(EVP_PKEY_get_raw_public_key(kr.keys[0].pkey, raw,
						     &rawlen), 1);
	assert_int_equal(rawlen, 32);
	assert_int_equal(EVP_Digest(raw, 32, md, &mdlen, EVP_sha256(), NULL), 1);
	assert_memory_equal(kr.keys[0].id, md, 8);
	kcl_keyring_free(&kr);
	assert_int_equal(kr.n, 0);
}

static void round_trip(void **state)
{
	struct kcl_keyring kr = { 0 };
	unsigned char sig[KCL_SIG_SIZE];

	assert_int_equal(kcl_keyring_add_file(&kr, pub_a, err, sizeof(err)), 0);
	assert_int_equal(kcp_sign(priv_a, data, sizeof(data), sig, err,
				  sizeof(err)), 0);
	assert_memory_equal(sig, "KCSIG1\0\0", 8);
	assert_memory_equal(sig + 8, kr.keys[0].id, 8);
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), sig, sizeof(sig),
				    err, sizeof(err)), 0);
	/* Empty data signs too. */
	assert_int_equal(kcp_sign(priv_a, data, 0, sig, err, sizeof(err)), 0);
	assert_int_equal(kcl_verify(&kr, data, 0, sig, sizeof(sig), err,
				    sizeof(err)), 0);
	kcl_keyring_free(&kr);
}

static void tampered_data(void **state)
{
	struct kcl_keyring kr = { 0 };
	unsigned char sig[KCL_SIG_SIZE], copy[sizeof(data)];

	assert_int_equal(kcl_keyring_add_file(&kr, pub_a, err, sizeof(err)), 0);
	assert_int_equal(kcp_sign(priv_a, data, sizeof(data), sig, err,
				  sizeof(err)), 0);
	memcpy(copy, data, sizeof(data));
	copy[5] ^= 1;
	assert_int_equal(kcl_verify(&kr, copy, sizeof(copy), sig, sizeof(sig),
				    err, sizeof(err)), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");
	/* One byte less. */
	assert_int_equal(kcl_verify(&kr, data, sizeof(data) - 1, sig,
				    sizeof(sig), err, sizeof(err)), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");
	kcl_keyring_free(&kr);
}

static void tampered_signature(void **state)
{
	struct kcl_keyring kr = { 0 };
	unsigned char sig[KCL_SIG_SIZE], bad[KCL_SIG_SIZE];
	char hex[17];

	assert_int_equal(kcl_keyring_add_file(&kr, pub_a, err, sizeof(err)), 0);
	assert_int_equal(kcp_sign(priv_a, data, sizeof(data), sig, err,
				  sizeof(err)), 0);

	/* In the signature proper. */
	memcpy(bad, sig, sizeof(sig));
	bad[40] ^= 0x80;
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), bad, sizeof(bad),
				    err, sizeof(err)), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");

	/* In the key id: names the (unknown) id. */
	memcpy(bad, sig, sizeof(sig));
	bad[8] ^= 1;
	kcl_key_id_hex(bad + 8, hex);
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), bad, sizeof(bad),
				    err, sizeof(err)), -1);
	assert_non_null(strstr(err, hex));
	assert_non_null(strstr(err, "not trusted"));

	/* In the magic. */
	memcpy(bad, sig, sizeof(sig));
	bad[7] = 1;
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), bad, sizeof(bad),
				    err, sizeof(err)), -1);
	assert_string_equal(err, "malformed signature file");

	/* Truncated, or one byte too many. */
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), sig, 79, err,
				    sizeof(err)), -1);
	assert_string_equal(err, "malformed signature file");
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), sig, 0, err,
				    sizeof(err)), -1);
	assert_string_equal(err, "malformed signature file");
	kcl_keyring_free(&kr);
}

static void wrong_key(void **state)
{
	struct kcl_keyring kr = { 0 }, krb = { 0 };
	unsigned char sig[KCL_SIG_SIZE];
	char hex[17], want[128];

	assert_int_equal(kcl_keyring_add_file(&kr, pub_a, err, sizeof(err)), 0);
	assert_int_equal(kcl_keyring_add_file(&krb, pub_b, err, sizeof(err)), 0);
	assert_memory_not_equal(kr.keys[0].id, krb.keys[0].id, 8);

	assert_int_equal(kcp_sign(priv_b, data, sizeof(data), sig, err,
				  sizeof(err)), 0);
	kcl_key_id_hex(krb.keys[0].id, hex);
	snprintf(want, sizeof(want), "signed by key %s, which is not trusted",
		 hex);
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), sig, sizeof(sig),
				    err, sizeof(err)), -1);
	assert_string_equal(err, want);
	/* An empty keyring trusts nothing. */
	{
		struct kcl_keyring none = { 0 };

		assert_int_equal(kcl_verify(&none, data, sizeof(data), sig,
					    sizeof(sig), err, sizeof(err)), -1);
		assert_string_equal(err, want);
	}
	/* Once b is trusted too, it verifies. */
	assert_int_equal(kcl_keyring_add_file(&kr, pub_b, err, sizeof(err)), 0);
	assert_int_equal(kr.n, 2);
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), sig, sizeof(sig),
				    err, sizeof(err)), 0);

	/*
	 * A signature by b relabelled with a's id: the key is trusted but
	 * the signature is not a's.
	 */
	memcpy(sig + 8, kr.keys[0].id, 8);
	assert_int_equal(kcl_verify(&kr, data, sizeof(data), sig, sizeof(sig),
				    err, sizeof(err)), -1);
	assert_string_equal(err,
			    "bad signature: the file or its signature was changed");
	kcl_keyring_free(&kr);
	kcl_keyring_free(&krb);
}

static void private_key_refused(void **state)
{
	struct kcl_keyring kr = { 0 };

	assert_int_equal(kcl_keyring_add_file(&kr, priv_a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "private key"));
	assert_int_equal(kr.n, 0);
}

static void non_ed25519_refused(void **state)
{
	struct kcl_keyring kr = { 0 };
	char p[256];
	EVP_PKEY *ec;
	FILE *f;

	path(p, "ec.pem");
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(ec);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_PUBKEY(f, ec), 1);
	fclose(f);
	EVP_PKEY_free(ec);
	assert_int_equal(kcl_keyring_add_file(&kr, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not an Ed25519 key"));
	assert_int_equal(kr.n, 0);
	unlink(p);

	/* Not a key at all, and a missing file. */
	path(p, "junk.pem");
	f = fopen(p, "w");
	fputs("hello\n", f);
	fclose(f);
	assert_int_equal(kcl_keyring_add_file(&kr, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a PEM public key"));
	unlink(p);
	path(p, "missing.pem");
	assert_int_equal(kcl_keyring_add_file(&kr, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
	assert_int_equal(kr.n, 0);
}

static void keyring_dir(void **state)
{
	struct kcl_keyring kr = { 0 };
	char d[256], p[256];
	FILE *f;

	path(d, "keys");
	assert_int_equal(mkdir(d, 0755), 0);
	/* Empty: an error. */
	assert_int_equal(kcl_keyring_add_dir(&kr, d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no trusted key"));

	path(p, "keys/a.pem");
	f = fopen(p, "w");
	fputs(slurp(pub_a, NULL), f);
	fclose(f);
	path(p, "keys/b.pem");
	f = fopen(p, "w");
	fputs(slurp(pub_b, NULL), f);
	fclose(f);
	/* Not *.pem: ignored, even though it is a private key. */
	path(p, "keys/a.key");
	f = fopen(p, "w");
	fputs(slurp(priv_a, NULL), f);
	fclose(f);
	assert_int_equal(kcl_keyring_add_dir(&kr, d, err, sizeof(err)), 0);
	assert_int_equal(kr.n, 2);
	kcl_keyring_free(&kr);

	/* A private key among the *.pem fails the whole directory. */
	path(p, "keys/c.pem");
	f = fopen(p, "w");
	fputs(slurp(priv_a, NULL), f);
	fclose(f);
	assert_int_equal(kcl_keyring_add_dir(&kr, d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "private key"));
	kcl_keyring_free(&kr);
	/* The agent's way: that file is skipped, named, and the others kept. */
	{
		char *warn = NULL;
		size_t wlen = 0;
		FILE *w = open_memstream(&warn, &wlen);

		assert_int_equal(kcl_keyring_add_dir_lenient(&kr, d, w, err, sizeof(err)), 0);
		fclose(w);
		assert_int_equal(kr.n, 2);
		assert_non_null(strstr(warn, "warning: skipping the key file "));
		assert_non_null(strstr(warn, "keys/c.pem: "));
		free(warn);
		kcl_keyring_free(&kr);
	}

	path(p, "keys/nowhere");
	assert_int_equal(kcl_keyring_add_dir(&kr, p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot read"));
}

static void sign_needs_private_key(void **state)
{
	unsigned char sig[KCL_SIG_SIZE];

	assert_int_equal(kcp_sign(pub_a, data, sizeof(data), sig, err,
				  sizeof(err)), -1);
	assert_non_null(strstr(err, "not a PEM private key"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keygen_modes_and_pem),
		cmocka_unit_test(keygen_refuses_overwrite),
		cmocka_unit_test(key_id_hex),
		cmocka_unit_test(key_id_is_sha256_of_raw_key),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(tampered_data),
		cmocka_unit_test(tampered_signature),
		cmocka_unit_test(wrong_key),
		cmocka_unit_test(private_key_refused),
		cmocka_unit_test(non_ed25519_refused),
		cmocka_unit_test(keyring_dir),
		cmocka_unit_test(sign_needs_private_key),
	};

	return cmocka_run_group_tests_name("sign", tests, setup, teardown);
}
