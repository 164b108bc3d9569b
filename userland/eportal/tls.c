// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the self-signed HTTPS certificate init makes, so that
 * "init DIR && serve DIR" serves HTTPS at once. It names this machine's
 * host name, localhost and 127.0.0.1; replace tls/cert.pem and
 * tls/key.pem with a certificate the clients trust (Documentation/
 * eportal.md, "First run").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"

#define EP_TLS_DAYS 825

static int ep_tls_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *e;
	int rc;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e)
		return -1;
	rc = X509_add_ext(x, e, -1) ? 0 : -1;
	X509_EXTENSION_free(e);
	return rc;
}

/* Write @what of @pkey or @x to a new file of @mode. */
static int ep_tls_write(const char *path, mode_t mode, EVP_PKEY *pkey, X509 *x,
			char *err, size_t errlen)
{
	FILE *f;
	int fd, ok;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		ep_fmt(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		ep_fmt(err, errlen, "cannot write %s", path);
		return -1;
	}
	ok = pkey ? PEM_write_PrivateKey(f, pkey, NULL, NULL, 0, NULL, NULL) :
	     PEM_write_X509(f, x);
	if (fclose(f) || !ok) {
		ep_fmt(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
}

int ep_tls_selfsigned(const char *cert, const char *key, char *err,
		      size_t errlen)
{
	unsigned char serial[16];
	char host[256], san[600];
	EVP_PKEY *pkey;
	X509_NAME *name;
	BIGNUM *bn = NULL;
	X509 *x = NULL;
	int rc = -1;

	if (gethostname(host, sizeof(host)) || !*host)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = 0;
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!pkey) {
		ep_fmt(err, errlen, "cannot make a TLS key");
		return -1;
	}
	x = X509_new();
	if (!x || RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	name = X509_get_subject_name(x);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_set_version(x, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)EP_TLS_DAYS * 86400) ||
	    !X509_set_pubkey(x, pkey) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)host, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name))
		goto fail;
	ep_fmt(san, sizeof(san), "DNS:%s,DNS:localhost,IP:127.0.0.1,IP:::1", host);
	if (ep_tls_ext(x, NID_subject_alt_name, san) ||
	    ep_tls_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    ep_tls_ext(x, NID_ext_key_usage, "serverAuth") ||
	    !X509_sign(x, pkey, EVP_sha256()))
		goto fail;
	if (ep_tls_write(key, 0600, pkey, NULL, err, errlen) ||
	    ep_tls_write(cert, 0644, NULL, x, err, errlen))
		goto out;
	rc = 0;
	goto out;
fail:
	ep_fmt(err, errlen, "cannot make a self-signed TLS certificate");
out:
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}
