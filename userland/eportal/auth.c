// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: who may use the admin API. An API key ("kep_" and 32
 * random hex digits) is shown once when made; only its SHA-256 is
 * stored, which is enough for a secret of 128 random bits and lets a
 * request find its key by one indexed lookup. An admin user's password
 * is stored as its scrypt hash (OpenSSL's EVP_KDF, memory-hard: N 2^15,
 * r 8, p 1, 32 MiB and a random 16-byte salt), written
 * "$scrypt$ln=15,r=8,p=1$SALT$HASH" in hex.
 *
 * A request shows an API key in X-Api-Key (or as a bearer token, the way
 * Prometheus sends one), or a user with HTTP basic auth; both are looked up in the store at every request, so a revoked
 * key or a deleted user is refused from the next request on.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "auth.h"

#define EP_SCRYPT_LN	15
#define EP_SCRYPT_R	8
#define EP_SCRYPT_P	1
#define EP_SCRYPT_LEN	32
#define EP_SALT_LEN	16

static void ep_hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int ep_unhex(const char *s, unsigned char *b, size_t n)
{
	size_t i;
	unsigned int v;

	if (strlen(s) < 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = v;
	}
	return 0;
}

void ep_apikey_hash(const char *key, char hash[65])
{
	unsigned char md[32];

	EVP_Digest(key, strlen(key), md, NULL, EVP_sha256(), NULL);
	ep_hex(md, sizeof(md), hash);
}

int ep_apikey_new(char key[EP_APIKEY_LEN + 1], char hash[65])
{
	memcpy(key, "kep_", 4);
	if (ep_random_hex(key + 4, 16))
		return -1;
	ep_apikey_hash(key, hash);
	return 0;
}

bool ep_cred_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n <= EP_KEY_MAX && strspn(name, EP_ALNUM "_.-") == n &&
	       name[0] != '.';
}

static int ep_scrypt(const char *pw, const unsigned char *salt, unsigned int ln,
		     unsigned int r, unsigned int p, unsigned char *out)
{
	uint64_t n = 1ULL << ln;
	OSSL_PARAM params[6], *q = params;
	EVP_KDF_CTX *ctx;
	EVP_KDF *kdf;
	int ok;

	kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
	ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	EVP_KDF_free(kdf);
	if (!ctx)
		return -1;
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
						 (char *)pw, strlen(pw));
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						 (unsigned char *)salt, EP_SALT_LEN);
	*q++ = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	*q++ = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	*q = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, EP_SCRYPT_LEN, params) == 1;
	EVP_KDF_CTX_free(ctx);
	return ok ? 0 : -1;
}

int ep_password_hash(const char *pw, char out[EP_SECRET_MAX + 1])
{
	unsigned char salt[EP_SALT_LEN], dk[EP_SCRYPT_LEN];
	char s[2 * EP_SALT_LEN + 1], d[2 * EP_SCRYPT_LEN + 1], hex[2 * EP_SALT_LEN + 1];

	if (ep_random_hex(hex, EP_SALT_LEN) || ep_unhex(hex, salt, EP_SALT_LEN) ||
	    ep_scrypt(pw, salt, EP_SCRYPT_LN, EP_SCRYPT_R, EP_SCRYPT_P, dk))
		return -1;
	ep_hex(salt, sizeof(salt), s);
	ep_hex(dk, sizeof(dk), d);
	ep_fmt(out, EP_SECRET_MAX + 1, "$scrypt$ln=%u,r=%u,p=%u$%s$%s",
	       EP_SCRYPT_LN, EP_SCRYPT_R, EP_SCRYPT_P, s, d);
	OPENSSL_cleanse(dk, sizeof(dk));
	return 0;
}

bool ep_password_verify(const char *pw, const char *stored)
{
	unsigned char salt[EP_SALT_LEN], want[EP_SCRYPT_LEN], got[EP_SCRYPT_LEN];
	unsigned int ln, r, p;
	int pos = 0;

	/* The parameters are the stored hash's: raising them later keeps old ones working. */
	if (sscanf(stored, "$scrypt$ln=%u,r=%u,p=%u$%n", &ln, &r, &p, &pos) != 3 ||
	    !pos || ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16 ||
	    ep_unhex(stored + pos, salt, EP_SALT_LEN) ||
	    stored[pos + 2 * EP_SALT_LEN] != '$' ||
	    ep_unhex(stored + pos + 2 * EP_SALT_LEN + 1, want, EP_SCRYPT_LEN) ||
	    ep_scrypt(pw, salt, ln, r, p, got))
		return false;
	return !CRYPTO_memcmp(got, want, EP_SCRYPT_LEN);
}

/* "Basic BASE64(user:password)" into @user and @pw; -1 if not one. */
static int ep_basic(const char *h, char *user, size_t ulen, char *pw,
		    size_t pwlen)
{
	unsigned char buf[512];
	size_t n = h ? strlen(h) : 0;
	char *colon;
	int len;

	if (n < 7 || strncasecmp(h, "Basic ", 6) || n - 6 > 4 * 120)
		return -1;
	h += 6;
	n -= 6;
	len = EVP_DecodeBlock(buf, (const unsigned char *)h, n);
	if (len < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding's zero bytes too. */
	while (n && h[n - 1] == '=' && len) {
		n--;
		len--;
	}
	buf[len] = 0;
	if (strlen((char *)buf) != (size_t)len)
		return -1;
	colon = strchr((char *)buf, ':');
	if (!colon)
		return -1;
	*colon = 0;
	if (ep_fmt(user, ulen, "%s", buf) >= (int)ulen ||
	    ep_fmt(pw, pwlen, "%s", colon + 1) >= (int)pwlen)
		return -1;
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

int ep_admin_auth(struct ep_ctx *ctx, const struct ep_request *rq,
		  struct ep_response *rs, char who[EP_KEY_MAX + 8])
{
	const char *key = rq->header ? rq->header(rq, "X-Api-Key") : NULL;
	const char *basic = rq->header ? rq->header(rq, "Authorization") : NULL;

	/* Prometheus sends a key as "Authorization: Bearer KEY". */
	if (!key && basic && !strncasecmp(basic, "Bearer ", 7)) {
		key = basic + 7;
		basic = NULL;
	}
	char hash[65], user[EP_KEY_MAX + 1], pw[256];
	struct ep_cred c;
	int rc = EP_ENOTFOUND;

	if (key) {
		if (strlen(key) == EP_APIKEY_LEN) {
			ep_apikey_hash(key, hash);
			rc = ctx->store->ops->cred_find(ctx->store,
							EP_CRED_APIKEY, hash, &c);
		}
		if (!rc)
			ep_fmt(who, EP_KEY_MAX + 8, "key:%s", c.name);
	} else if (basic && !ep_basic(basic, user, sizeof(user), pw, sizeof(pw))) {
		if (ep_cred_name_ok(user))
			rc = ctx->store->ops->cred_get(ctx->store, EP_CRED_USER,
						       user, &c);
		if (!rc && !ep_password_verify(pw, c.secret))
			rc = EP_ENOTFOUND;
		OPENSSL_cleanse(pw, sizeof(pw));
		if (!rc)
			ep_fmt(who, EP_KEY_MAX + 8, "user:%s", c.name);
	}
	if (!rc)
		return 0;
	if (rc == EP_EINTERNAL) {
		fprintf(stderr, "%s: %s\n", ep_prog, ctx->store->err);
		ep_reply_error(rs, 500, "internal error: the database failed");
	} else {
		ep_reply_error(rs, 401, key || basic ?
			       "not authorised: unknown or revoked API key, or a wrong user or password" :
			       "not authorised: send an API key in X-Api-Key, or a user and password (basic auth)");
		rs->auth_challenge = true;
	}
	return -1;
}
