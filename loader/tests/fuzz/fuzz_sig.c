// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of signature verification (loader/sign.c): fuzzed
 * signature blobs and data against a fixed Ed25519 test key.
 *
 * Input: one byte N, then N bytes of signature file (fewer if the input
 * is shorter), then the signed data. The seeds in fuzz/corpus/fuzz_sig/
 * carry valid signatures by the key below, so that mutations reach the
 * Ed25519 check itself. An input whose N is 0 (no signature) is signed
 * instead and verified again: that must succeed, and fail once one byte
 * of the data changes (signing is slow: not done for every input).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "write.h"
#include "sign.h"

/* A test key, public on purpose: never trust it anywhere. */
static const char test_priv[] =
	"-----BEGIN PRIVATE KEY-----\n"
	"MC4CAQAwBQYDK2VwBCIEIIkivgMlyuSlfpyf5pbS4jPZ0cZRRPPdp3CIeoszvsKv\n"
	"-----END PRIVATE KEY-----\n";
static const char test_pub[] =
	"-----BEGIN PUBLIC KEY-----\n"
	"MCowBQYDK2VwAyEAEEvegFS8IzeEDjUXpYj34j8dU0VKtFZUx7CB8NGU7Fc=\n"
	"-----END PUBLIC KEY-----\n";

static struct kcl_keyring kr;
static char dir[] = "/tmp/kc-fuzz-sig.XXXXXX";
static char priv_path[64], pub_path[64];

static void cleanup(void)
{
	unlink(priv_path);
	unlink(pub_path);
	rmdir(dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	if (!mkdtemp(dir))
		abort();
	snprintf(priv_path, sizeof(priv_path), "%s/test.key", dir);
	snprintf(pub_path, sizeof(pub_path), "%s/test.pem", dir);
	atexit(cleanup);
	write_file(priv_path, test_priv);
	write_file(pub_path, test_pub);
	if (kcl_keyring_add_file(&kr, pub_path, err, sizeof(err))) {
		fprintf(stderr, "fuzz_sig: %s\n", err);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char sig[KCL_SIG_SIZE];
	const uint8_t *msg;
	size_t siglen, len;
	char err[256];
	uint8_t *copy;

	if (size < 1)
		return 0;
	siglen = data[0];
	if (siglen > size - 1)
		siglen = size - 1;
	msg = data + 1 + siglen;
	len = size - 1 - siglen;
	/* A copy of exactly siglen bytes, so that ASan sees any overread. */
	copy = malloc(siglen ? siglen : 1);
	memcpy(copy, data + 1, siglen);
	err[0] = '\0';
	if (kcl_verify(&kr, msg, len, copy, siglen, err, sizeof(err)) &&
	    !err[0])
		abort();
	free(copy);
	if (siglen)
		return 0;

	/* The round trip holds for any data. */
	if (kcp_sign(priv_path, msg, len, sig, err, sizeof(err)) ||
	    kcl_verify(&kr, msg, len, sig, sizeof(sig), err, sizeof(err)))
		abort();
	if (len) {
		copy = malloc(len);
		memcpy(copy, msg, len);
		copy[len / 2] ^= 1;
		if (!kcl_verify(&kr, copy, len, sig, sizeof(sig), err,
				sizeof(err)))
			abort();
		free(copy);
	}
	return 0;
}
