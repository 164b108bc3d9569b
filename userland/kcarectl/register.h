/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's side of registration (Documentation/kcarectl.md,
 * "Registration"; the server's API: Documentation/eportal.md, "The
 * API"): register this machine with a key at REGISTRATION_URL, keep its
 * server id, unregister it, check in its kernel and patch level, and ask
 * what the registration allows (feed, sticky date).
 *
 * Functions returning int give KC_REG_OK (0), or one of the negative
 * kc_reg_result values with the reason in err.
 */
#ifndef _KCARE_CTL_REGISTER_H
#define _KCARE_CTL_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"

/* The server id (32 hex and a new line), mode 0600. */
#define KC_REG_SERVERID_PATH	"/var/lib/kcare/serverid"
/* What the server said last: "feed F", "sticky_patch S", "valid V". */
#define KC_REG_LICENSE_PATH	"/var/lib/kcare/license"
#define KC_REG_MACHINE_ID_PATH	"/etc/machine-id"
/* Where a machine without /etc/machine-id keeps the id it made. */
#define KC_REG_OWN_ID_PATH	"/var/lib/kcare/machine-id"
/* An answer of the API is small. */
#define KC_REG_MAX_ANSWER	(64u << 10)

enum kc_reg_result {
	KC_REG_OK = 0,
	KC_REG_FAILED = -1,		/* anything else, said in err */
	KC_REG_UNREACHABLE = -2,	/* no answer, 5xx, 429: may pass */
	KC_REG_LIMIT = -3,		/* 403: "Key limit reached" */
	KC_REG_UNKNOWN = -4,		/* 404: unknown key or server id */
	KC_REG_NOT_REGISTERED = -5,	/* no local server id */
	KC_REG_EXPIRED = -6,		/* 410: "Key expired" */
};

/* A registration's terms, as register, checkin and license answer. */
struct kc_reg_terms {
	char server_id[33];
	char feed[65];			/* "": the default feed (PREFIX) */
	char sticky_patch[7];		/* DDMMYY or "" */
	bool valid;			/* false: the key expired */
	char expires[11];		/* YYYY-MM-DD, or "": never */
	unsigned long limit, machines;	/* register only */
	char registered[21], last_seen[21];	/* checkin, license */
};

/* The server id kept by a registration; KC_REG_NOT_REGISTERED if none. */
int kc_reg_server_id(char id[33], char *err, size_t errlen);

/*
 * Register with @key: the machine's stable id, host name (and FQDN with
 * REPORT_FQDN), distribution and kernel are sent; the server id is kept
 * and a previous one of another key is unregistered. @retries: the
 * download code's retries (0 for the caller's own loop).
 */
int kc_reg_register(const struct kc_config *cfg, const char *key,
		     unsigned int retries, struct kc_reg_terms *t, char *err,
		     size_t errlen);

/* Free this machine's slot and forget the server id. */
int kc_reg_unregister(const struct kc_config *cfg, struct kc_reg_terms *t,
		       char *err, size_t errlen);

/* Check in the running kernel and the applied patch level. */
int kc_reg_checkin(const struct kc_config *cfg, struct kc_reg_terms *t,
		    char *err, size_t errlen);

/* What the server says of this registration, changing nothing. */
int kc_reg_license(const struct kc_config *cfg, struct kc_reg_terms *t,
		    char *err, size_t errlen);

/*
 * STICKY_PATCH=KEY: the key's sticky date (DDMMYY, or "" for none) from
 * the server, or, when it cannot be reached, from its last answer (said
 * on @log).
 */
int kc_reg_sticky(const struct kc_config *cfg, char date[7], FILE *log,
		   char *err, size_t errlen);

/*
 * A named feed of the key's becomes PREFIX in kcare.conf (the default
 * feed, "", leaves PREFIX alone); said on @log when it changes.
 */
int kc_reg_apply_feed(const struct kc_config *cfg, const char *feed,
		       FILE *log, char *err, size_t errlen);

/* A warning on stderr when the server said the key expired. */
void kc_reg_warn_expired(const struct kc_reg_terms *t);

/* After an update: check in when registered; a failure is a warning. */
void kc_reg_checkin_after_update(const struct kc_config *cfg);

#endif /* _KCARE_CTL_REGISTER_H */
