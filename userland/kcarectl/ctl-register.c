// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's registration verbs: --register KEY (with
 * --register-autoretry), --unregister, --license-info, --checkin
 * (Documentation/kcarectl.md, "Registration").
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "json.h"
#include "lock.h"
#include "register.h"

/* --register-autoretry: waits from 1 s, doubling, never above this. */
#define KC_REG_RETRY_MAX_S	300

/* A key as the server makes them: [A-Za-z0-9_-], 1 to 64. */
static bool kc_key_ok(const char *key)
{
	size_t n = strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

	return n && n <= 64 && !key[n];
}

/* An error of a registration verb: text on stderr, or JSON on stdout. */
static int kc_reg_error(const struct kc_opts *opts, int rc, const char *msg)
{
	if (opts->json) {
		printf("{\"ok\": false, ");
		kc_json_kv(stdout, 1, "error", msg);
		printf("}\n");
	} else if (rc == KC_REG_LIMIT) {
		/* The original's exact line, which scripts match. */
		fflush(stdout);
		fprintf(stderr, "Key limit reached\n");
	} else {
		kc_error("%s", msg);
	}
	return KC_EXIT_ERROR;
}

static void kc_terms_json(const struct kc_reg_terms *t)
{
	kc_json_kv(stdout, 0, "server_id", t->server_id);
	kc_json_kv(stdout, 0, "feed", t->feed);
	kc_json_kv(stdout, 0, "sticky_patch", t->sticky_patch);
}

/*
 * Wait @s seconds without the run's lock, so that updates are not held
 * up by a registration waiting for its server; then take it again. 0, or
 * -1 with the lock's message in err.
 */
static int kc_wait_unlocked(unsigned int s, char *err, size_t errlen)
{
	struct timespec ts = { .tv_sec = s };
	int busy;

	kc_lock_release(kc_lock_fd);
	kc_lock_fd = -1;
	while (nanosleep(&ts, &ts))
		;
	while ((kc_lock_fd = kc_lock_take(KC_LOCK_WAIT_S, &busy, err,
					  errlen)) < 0) {
		if (!busy)
			return -1;
		fprintf(stderr, "kcarectl: %s; still waiting\n", err);
	}
	return 0;
}

int kc_cmd_register(const char *arg, const struct kc_opts *opts)
{
	struct kc_reg_terms t;
	struct kc_config cfg;
	unsigned int wait = 1, tries = 1;
	char err[2048];
	int rc;

	if (!kc_key_ok(arg)) {
		fprintf(stderr, "kcarectl: --register '%.80s': not a registration key (expected 1 to 64 of A-Z a-z 0-9 _ -)\n",
			arg);
		return KC_EXIT_USAGE;
	}
	if (kc_load_config(&cfg))
		return KC_EXIT_ERROR;
	for (;;) {
		rc = kc_reg_register(&cfg, arg, opts->register_autoretry ? 0 : 2,
				     &t, err, sizeof(err));
		/* Only what may pass is retried: never a refusal. */
		if (rc != KC_REG_UNREACHABLE || !opts->register_autoretry)
			break;
		fprintf(stderr, "kcarectl: registration attempt %u failed (%s); retrying in %u s\n",
			tries++, err, wait);
		if (kc_wait_unlocked(wait, err, sizeof(err)))
			break;
		wait = wait * 2 > KC_REG_RETRY_MAX_S ? KC_REG_RETRY_MAX_S : wait * 2;
	}
	if (rc) {
		rc = kc_reg_error(opts, rc, err);
		goto out;
	}
	if (kc_reg_apply_feed(&cfg, t.feed, opts->json ? NULL : stdout, err,
			      sizeof(err)))
		fprintf(stderr, "kcarectl: warning: the key's feed %s was not set: %s\n",
			t.feed, err);
	if (opts->json) {
		printf("{\"ok\": true");
		kc_terms_json(&t);
		printf(", \"limit\": %lu, \"machines\": %lu}\n", t.limit, t.machines);
	} else {
		char slots[64];

		if (t.limit)
			snprintf(slots, sizeof(slots), "%lu of %lu machines", t.machines,
				 t.limit);
		else
			snprintf(slots, sizeof(slots), "%lu machines, no limit",
				 t.machines);
		printf("Server registered: server id %s (feed %s, sticky date %s, %s)\n",
		       t.server_id, *t.feed ? t.feed : "default",
		       *t.sticky_patch ? t.sticky_patch : "none", slots);
	}
	rc = KC_EXIT_OK;
out:
	kc_config_free(&cfg);
	return rc;
}

/* kcarectl: read kcare.conf, then one call; its own error already said. */
#define KC_REG_NO_CONFIG	1

typedef int kc_reg_call_fn(const struct kc_config *cfg, struct kc_reg_terms *t,
			   char *err, size_t errlen);

/*
 * Load kcare.conf and make the call @fn; with @feed, a named feed in
 * the answer becomes PREFIX (said unless --json).
 */
static int kc_reg_once(kc_reg_call_fn *fn, bool feed,
		       const struct kc_opts *opts, struct kc_reg_terms *t,
		       char *err, size_t errlen)
{
	struct kc_config cfg;
	char e[1024];
	int rc;

	if (kc_load_config(&cfg))
		return KC_REG_NO_CONFIG;
	rc = fn(&cfg, t, err, errlen);
	if (!rc && feed && kc_reg_apply_feed(&cfg, t->feed,
					     opts->json ? NULL : stdout, e,
					     sizeof(e)))
		fprintf(stderr, "kcarectl: warning: the key's feed %s was not set: %s\n",
			t->feed, e);
	kc_config_free(&cfg);
	return rc;
}

int kc_cmd_unregister(const char *arg, const struct kc_opts *opts)
{
	struct kc_reg_terms t;
	char err[2048];
	int rc;

	rc = kc_reg_once(kc_reg_unregister, false, opts, &t, err, sizeof(err));
	if (rc == KC_REG_NO_CONFIG)
		return KC_EXIT_ERROR;
	if (rc == KC_REG_NOT_REGISTERED) {
		if (opts->json)
			printf("{\"ok\": true, \"unregistered\": false}\n");
		else
			printf("This machine is not registered: nothing to do\n");
		return KC_EXIT_OK;
	}
	if (rc && rc != KC_REG_UNKNOWN)
		return kc_reg_error(opts, rc, err);
	if (opts->json) {
		printf("{\"ok\": true, \"unregistered\": true");
		kc_json_kv(stdout, 0, "server_id", t.server_id);
		printf("}\n");
	} else if (rc == KC_REG_UNKNOWN) {
		printf("Unregistered: the server had already forgotten server id %s; it is removed here too\n",
		       t.server_id);
	} else {
		printf("Unregistered: server id %s freed its key's slot\n", t.server_id);
	}
	return KC_EXIT_OK;
}

int kc_cmd_license_info(const char *arg, const struct kc_opts *opts)
{
	struct kc_reg_terms t;
	char err[2048];
	int rc;

	rc = kc_reg_once(kc_reg_license, false, opts, &t, err, sizeof(err));
	if (rc == KC_REG_NO_CONFIG)
		return KC_EXIT_ERROR;
	if (rc == KC_REG_NOT_REGISTERED) {
		if (opts->json)
			printf("{\"registered\": false}\n");
		else
			printf("Not registered: %s\n", err);
		return KC_EXIT_ERROR;
	}
	if (rc)
		return kc_reg_error(opts, rc, err);
	if (opts->json) {
		printf("{\"registered\": true, \"valid\": %s", t.valid ? "true" : "false");
		kc_terms_json(&t);
		kc_json_kv(stdout, 0, "registered_at", t.registered);
		kc_json_kv(stdout, 0, "last_seen", t.last_seen);
		kc_json_kv(stdout, 0, "expires", t.expires);
		printf("}\n");
		return t.valid ? KC_EXIT_OK : KC_EXIT_ERROR;
	}
	printf("registered: yes\nvalid: %s\nserver-id: %s\nfeed: %s\nsticky-patch: %s\nregistered-at: %s\nlast-check-in: %s\nexpires: %s\n",
	       t.valid ? "yes" : "no (the key expired or was withdrawn: register again)",
	       t.server_id, *t.feed ? t.feed : "default",
	       *t.sticky_patch ? t.sticky_patch : "none", t.registered,
	       *t.last_seen ? t.last_seen : "never",
	       *t.expires ? t.expires : "never");
	return t.valid ? KC_EXIT_OK : KC_EXIT_ERROR;
}

int kc_cmd_checkin(const char *arg, const struct kc_opts *opts)
{
	struct kc_reg_terms t;
	char err[2048];
	int rc;

	rc = kc_reg_once(kc_reg_checkin, true, opts, &t, err, sizeof(err));
	if (rc == KC_REG_NO_CONFIG)
		return KC_EXIT_ERROR;
	if (rc)
		return kc_reg_error(opts, rc, err);
	if (opts->json) {
		printf("{\"ok\": true, \"valid\": %s", t.valid ? "true" : "false");
		kc_terms_json(&t);
		kc_json_kv(stdout, 0, "last_seen", t.last_seen);
		printf("}\n");
	} else {
		printf("Checked in: server id %s at %s\n", t.server_id, t.last_seen);
		kc_reg_warn_expired(&t);
	}
	return KC_EXIT_OK;
}
