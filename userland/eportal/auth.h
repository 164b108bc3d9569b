/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: API keys, admin users' passwords and the check of an
 * admin request (auth.c).
 */
#ifndef _KCARE_EPORTAL_AUTH_H
#define _KCARE_EPORTAL_AUTH_H

#include "eportal.h"

#define EP_APIKEY_LEN	36	/* "kep_" and 32 hex */

/* A new API key and the SHA-256 (hex) that is stored of it. */
int ep_apikey_new(char key[EP_APIKEY_LEN + 1], char hash[65]);
void ep_apikey_hash(const char *key, char hash[65]);
/* A credential's name: [A-Za-z0-9_.-], 1..64, not starting with '.'. */
bool ep_cred_name_ok(const char *name);
/* The stored form of a password (scrypt); -1 when OpenSSL fails. */
int ep_password_hash(const char *pw, char out[EP_SECRET_MAX + 1]);
bool ep_password_verify(const char *pw, const char *stored);
/*
 * Whether @rq carries a valid API key (X-Api-Key) or admin user (basic
 * auth): 0 with @who ("key:NAME", "user:NAME"), or -1 with @rs set (401,
 * or 500 when the database failed).
 */
int ep_admin_auth(struct ep_ctx *ctx, const struct ep_request *rq,
		  struct ep_response *rs, char who[EP_KEY_MAX + 8]);

#endif /* _KCARE_EPORTAL_AUTH_H */
