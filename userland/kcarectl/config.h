/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's configuration, /etc/sysconfig/kcare/kcare.conf, and the
 * sysctls it sets after a load, /etc/sysconfig/kcare/sysctl.conf
 * (Documentation/kcarectl.md, "The configuration file").
 *
 * kcare.conf is a shell variable file, read as sh reads it (conf-lex.h):
 * KEY=VALUE lines (no spaces around '='), an optional "export ", values
 * of bare, '...', "..." and \-escaped parts with no expansion, blank lines
 * and # comments. A key given twice: the last one wins, as when the shell
 * sources the file. Every error reads "FILE:LINE: KEY: what is wrong
 * (expected ...)"; an unknown key is only a warning on stderr naming its
 * line. Functions returning int give 0, or -1 with a reason in err.
 */
#ifndef _KCARE_CTL_CONFIG_H
#define _KCARE_CTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KC_CONFIG_PATH		"/etc/sysconfig/kcare/kcare.conf"
#define KC_SYSCTL_CONF_PATH	"/etc/sysconfig/kcare/sysctl.conf"
#define KC_DEFAULT_PATCH_SERVER "https://patches.kcare.example/"
/* Both files are at most this long, and each of their lines. */
#define KC_CONFIG_MAX_SIZE	(64u << 10)
#define KC_CONFIG_MAX_LINE	4096

enum kc_update_policy {
	KC_POLICY_REMOTE,		/* the server only (default) */
	KC_POLICY_LOCAL,		/* the cache only */
	KC_POLICY_LOCAL_FIRST,		/* the cache, else the server */
};

enum kc_sticky {
	KC_STICKY_NONE,		/* STICKY_PATCH empty or absent */
	KC_STICKY_DATE,		/* DDMMYY in sticky_date */
	KC_STICKY_KEY,			/* "KEY": the key's date on the server */
};

/* USERSPACE_PATCHES, a set. */
#define KC_USERSPACE_LIBS	(1u << 0)
#define KC_USERSPACE_QEMU	(1u << 1)
#define KC_USERSPACE_DB	(1u << 2)
/* A comma list of libs, qemu, db into a set (also --userspace-update's). */
int kc_config_parse_userspace(const char *v, unsigned int *set, char *why,
			      size_t whylen);

struct kc_config {
	bool auto_update;		/* AUTO_UPDATE, default true */
	char freezer[6];		/* PATCH_METHOD as a freezer mode:
					   none | full | smart (default) */
	char *patch_server;		/* PATCH_SERVER, malloc'd */
	char *registration_url;		/* REGISTRATION_URL, NULL: not set */
	char prefix[33];		/* PREFIX as written, "" by default */
	char feed[33];			/* ... its feed ("" or e.g. "test") */
	unsigned int delay_hours;	/* ... and delay: 0, 12, 24 or 48 */
	enum kc_update_policy update_policy;	/* UPDATE_POLICY */
	bool ignore_unknown_kernel;	/* IGNORE_UNKNOWN_KERNEL, default false */
	bool load_kcare_sysctl;		/* LOAD_KCARE_SYSCTL, default true */
	enum kc_sticky sticky;		/* STICKY_PATCH */
	char sticky_date[9];		/* DDMMYY or DDMMYYYY when a date */
	char patch_type[8];		/* PATCH_TYPE: default | extra | free */
	bool report_fqdn;		/* REPORT_FQDN, default false */
	bool force_gid_set;		/* FORCE_GID given ... */
	unsigned int force_gid;		/* ... and its value */
	unsigned int userspace_patches;	/* USERSPACE_PATCHES, KCL_USERSPACE_* */
	char *http_proxy, *https_proxy;	/* HTTP_PROXY, HTTPS_PROXY; NULL: unset */
	char *no_proxy;			/* NO_PROXY; NULL: the environment's */
	unsigned int download_timeout;	/* DOWNLOAD_TIMEOUT, seconds per run */
	char monitoring_key[33];	/* MONITORING_KEY, "" if unset */
	char tag[65];			/* TAG, "" if unset */
};

/* All downloads of one run end by then (a trickling server stops here). */
#define KC_DEFAULT_DOWNLOAD_TIMEOUT	900

/* Fill @c with the defaults (allocates patch_server); 0 or -1. */
int kc_config_defaults(struct kc_config *c, char *err, size_t errlen);
/*
 * The defaults, overridden by the file at @path (KC_CONFIG_PATH if
 * NULL). A missing file is not an error; an unreadable one, one longer
 * than KC_CONFIG_MAX_SIZE or with a line longer than KC_CONFIG_MAX_LINE
 * is. On failure @c holds nothing to free.
 */
int kc_config_load(struct kc_config *c, const char *path, char *err,
		    size_t errlen);
void kc_config_free(struct kc_config *c);

/* How kc_config_proxy() reads the environment (getenv if NULL). */
typedef const char *kc_getenv_fn(const char *name);
/*
 * The proxy for an https (or http) URL: the config's HTTPS_PROXY (or
 * HTTP_PROXY), else https_proxy then HTTPS_PROXY (or http_proxy then
 * HTTP_PROXY) of the environment; empty values count as unset. NULL: none.
 */
const char *kc_config_proxy(const struct kc_config *c, bool https,
			     kc_getenv_fn *getenv_fn);

/*
 * Set @key to @value in the file at @path (KC_CONFIG_PATH if NULL), for
 * --set-sticky-patch and --set-patch-type: the value is checked as the
 * loader would, the file must load, and is then replaced atomically (a
 * temporary file renamed over it) keeping its other lines and comments.
 * The key's first assignment is rewritten and any later one removed; a
 * key not yet there is appended; a missing file is created (0644).
 */
int kc_config_set(const char *path, const char *key, const char *value,
		   char *err, size_t errlen);

#endif /* _KCARE_CTL_CONFIG_H */
