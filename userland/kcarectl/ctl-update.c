// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's verbs that change the kernel or ask whether they should:
 * --update, --smart-update, --auto-update, --restore, --unload, --check,
 * --status (Documentation/kcarectl.md, "Commands").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "boot-guard.h"
#include "cache.h"
#include "ctl.h"
#include "json.h"
#include "lock.h"
#include "metrics.h"
#include "register.h"
#include "state.h"
#include "update.h"
#include "util.h"

enum kc_mode { KC_UPDATE, KC_SMART, KC_AUTO };

static void kc_unknown_kernel(const struct kc_update *u, FILE *f)
{
	fprintf(f, "%sUnknown kernel (%s, %s), no patches available\n",
		f == stderr ? "kcarectl: " : "", u->kernel.release,
		u->kernel.sha1);
}

static const char *kc_freezer(const struct kc_opts *opts,
			      const struct kc_config *cfg)
{
	return opts->freezer ? opts->freezer : cfg->freezer;
}

static void kc_applied(const struct kc_patchset *ps, const char *how)
{
	struct kcl_engine e;
	char err[256];

	kcl_engine_read(&e, err, sizeof(err));
	printf("Patch level %u %s. Effective kernel version %s\n", ps->m.level,
	       how, *e.effective_version ? e.effective_version :
	       ps->m.effective_version);
	if (e.forced)
		printf("Warning: the switch was forced over running tasks (%s); the payload stays loaded until reboot\n",
		       e.last_error);
	printf("Kernel is safe\n");
}

/*
 * Get @level's patchset (the cache only when @sha256 is NULL: there is no
 * index to check it against, as at boot) and apply it; errors are
 * prefixed with @what.
 */
/*
 * Whether the applied patchset, of type @type, is of a stream the client
 * takes: "default", or its PATCH_TYPE (Documentation/formats.md). An
 * engine without a patchset, or one that names no type, counts as in.
 */
static bool kc_update_in_stream(const char *type, const struct kc_config *cfg)
{
	const char *want = cfg->patch_type[0] ? cfg->patch_type : "default";

	return !*type || !strcmp(type, "default") || !strcmp(type, want);
}

static int kc_fetch_and_apply(struct kc_update *u, unsigned int level,
			      const unsigned char *sha256,
			      const struct kc_opts *opts, const char *what,
			      const char *how)
{
	struct kc_patchset ps;
	char err[2048];
	int rc = KC_EXIT_OK;

	if (kc_update_patchset(u, level, sha256, !sha256, &ps, err,
				sizeof(err)))
		return kc_error("%s%s", what, err);
	/* No marker, no apply: a crash then could loop at every boot. */
	if (kc_guard_begin(&kc_guard_system, level, err, sizeof(err))) {
		kc_patchset_free(&ps);
		return kc_error("%scannot record the apply: %s", what, err);
	}
	if (kc_update_apply(u, &ps, kc_freezer(opts, u->cfg), opts->force,
			     err, sizeof(err)))
		rc = kc_error("%s%s", what, err);
	else
		kc_applied(&ps, how);
	kc_guard_end(&kc_guard_system);
	kc_patchset_free(&ps);
	return rc;
}

static int kc_update(enum kc_mode mode, const struct kc_opts *opts)
{
	const struct kcl_index_level *lv;
	struct kc_config cfg;
	struct kcl_engine eng;
	struct kc_update u;
	struct kcl_index ix;
	char err[2048], why[512];
	int rc = KC_EXIT_ERROR;
	unsigned int available = 0;
	bool failed;

	if (kc_guard_cmdline_off(&kc_guard_system)) {
		printf("kcare=off is on the kernel command line: no patches are applied\n");
		return mode == KC_AUTO ? KC_EXIT_OK : KC_EXIT_ERROR;
	}
	/* Only the timer waits for an administrator; a manual run decides. */
	if (mode == KC_AUTO && kc_guard_held(&kc_guard_system, why, sizeof(why))) {
		printf("Patches are held back by the boot guard: %s\n(kcarectl --update applies them again)\n",
		       why);
		return KC_EXIT_OK;
	}
	if (kc_load_config(&cfg))
		return KC_EXIT_ERROR;
	if (mode == KC_AUTO && !cfg.auto_update) {
		printf("Auto-update is off (AUTO_UPDATE=false in %s)\n",
		       KC_CONFIG_PATH);
		kc_config_free(&cfg);
		return KC_EXIT_OK;
	}
	if (kc_update_init(&u, &cfg, opts->prefix, err, sizeof(err))) {
		kc_error("%s", err);
		kc_config_free(&cfg);
		return KC_EXIT_ERROR;
	}
	if (mode == KC_UPDATE)
		u.policy = KC_POLICY_REMOTE;
	switch (kc_update_index(&u, &ix, err, sizeof(err))) {
	case 0:
		break;
	case KC_UPDATE_UNKNOWN_KERNEL:
		kc_unknown_kernel(&u, cfg.ignore_unknown_kernel ? stdout : stderr);
		rc = cfg.ignore_unknown_kernel ? KC_EXIT_OK : KC_EXIT_ERROR;
		goto out_u;
	default:
		kc_error("%s", err);
		goto out_u;
	}
	if (kcl_engine_read(&eng, err, sizeof(err))) {
		kc_error("%s", err);
		goto out_ix;
	}
	lv = kc_update_choose(&u, &ix, &failed, why, sizeof(why));
	if (lv)
		available = lv->level;
	if (!lv) {
		if (failed) {
			kc_error("%s", why);
		} else {
			printf("No patches to apply: %s\n", why);
			rc = KC_EXIT_OK;
		}
		goto out_ix;
	}
	if (eng.level == lv->level && !strcmp(eng.patchset, lv->id)) {
		printf("No newer patches: level %u is applied.\nKernel is safe\n",
		       eng.level);
		rc = KC_EXIT_OK;
		goto out_ix;
	}
	/*
	 * A higher level of a stream the client no longer takes (PATCH_TYPE
	 * changed, --set-patch-type) is replaced by this stream's newest: the
	 * engine accepts a lower level of another type.
	 */
	if (eng.level > lv->level && !opts->force &&
	    kc_update_in_stream(eng.patch_type, &cfg)) {
		printf("Level %u is applied, newer than level %u, the newest this feed offers: nothing to do\n"
		       "(kcarectl --unload, then --update, goes back to level %u)\n",
		       eng.level, lv->level, lv->level);
		rc = KC_EXIT_OK;
		goto out_ix;
	}
	rc = kc_fetch_and_apply(&u, lv->level, lv->sha256, opts, "", "applied");
	if (!rc && mode != KC_AUTO)
		kc_guard_release(&kc_guard_system);
out_ix:
	kcl_index_free(&ix);
out_u:
	kc_update_free(&u);
	kc_metrics_after_update(rc, available);
	/* Registered: report the outcome; a failure here is only a warning. */
	kc_reg_checkin_after_update(&cfg);
	kc_config_free(&cfg);
	return rc;
}

int kc_cmd_update(const char *arg, const struct kc_opts *opts)
{
	return kc_update(KC_UPDATE, opts);
}

int kc_cmd_smart_update(const char *arg, const struct kc_opts *opts)
{
	return kc_update(KC_SMART, opts);
}

int kc_cmd_auto_update(const char *arg, const struct kc_opts *opts)
{
	return kc_update(KC_AUTO, opts);
}

int kc_cmd_restore(const char *arg, const struct kc_opts *opts)
{
	struct kcl_applied a;
	struct kc_config cfg;
	struct kcl_engine eng;
	struct kc_update u;
	char err[2048], what[64];
	int rc = KC_EXIT_ERROR;

	if (kc_guard_cmdline_off(&kc_guard_system)) {
		printf("kcare=off is on the kernel command line: nothing is re-applied\n");
		return KC_EXIT_OK;
	}
	if (kc_load_config(&cfg))
		return KC_EXIT_ERROR;
	if (kc_update_init(&u, &cfg, NULL, err, sizeof(err))) {
		kc_error("%s", err);
		kc_config_free(&cfg);
		return KC_EXIT_ERROR;
	}
	if (kcl_applied_read(KCL_STATE_APPLIED, u.kernel.sha1, &a, err,
			     sizeof(err)) ||
	    kcl_engine_read(&eng, err, sizeof(err))) {
		kc_error("%s", err);
		goto out;
	}
	if (!a.level) {
		printf("Nothing to restore: no patchset was applied to this kernel\n");
		rc = KC_EXIT_OK;
		goto out;
	}
	if (eng.level == a.level) {
		printf("Patch level %u is already applied\n", a.level);
		rc = KC_EXIT_OK;
		goto out;
	}
	if (kc_guard_boot_check(&kc_guard_system, time(NULL), err,
				sizeof(err))) {
		fprintf(stderr, "kcarectl: not re-applying patch level %u: %s; kcarectl --update applies patches again, kcarectl --unload forgets them\n",
			a.level, err);
		rc = KC_EXIT_OK;
		goto out;
	}
	/* The feed it came from, whatever PREFIX says now. */
	snprintf(u.feed, sizeof(u.feed), "%s", a.feed);
	snprintf(what, sizeof(what), "cannot restore patch level %u: ", a.level);
	rc = kc_fetch_and_apply(&u, a.level, NULL, opts, what,
				"re-applied from the cache");
	kc_metrics_after_update(rc, a.level);
out:
	kc_update_free(&u);
	kc_config_free(&cfg);
	return rc;
}

int kc_cmd_unload(const char *arg, const struct kc_opts *opts)
{
	struct kcl_kernel k;
	struct kcl_engine e;
	char err[2048];

	if (kcl_engine_read(&e, err, sizeof(err)))
		return kc_error("%s", err);
	if (e.loaded && e.level) {
		if (kcl_engine_unload(opts->force, err, sizeof(err)))
			return kc_error("%s", err);
	}
	kc_guard_release(&kc_guard_system);
	/* Payloads left over, and the record the boot would re-apply. */
	kcl_engine_remove_payloads(NULL);
	if (!kcl_kernel_identify(&k, err, sizeof(err)) &&
	    kcl_applied_write(KCL_STATE_APPLIED, k.sha1, NULL, err, sizeof(err)))
		fprintf(stderr, "kcarectl: warning: %s\n", err);
	if (!e.loaded || !e.level)
		printf("No patches applied\n");
	else
		printf("Patches unloaded: level %u reverted, the kernel runs its original code\n",
		       e.level);
	return KC_EXIT_OK;
}

/* What --check and --status need: the applied and the available level. */
struct kc_avail {
	int rc;				/* 0, KC_UPDATE_UNKNOWN_KERNEL, -1 */
	char err[2048];
	struct kcl_engine eng;
	unsigned int level;		/* newest chosen, 0: none */
	char id[49];
	char release[128];
	bool stale;			/* the index used has expired */
	char expired[21];
};

static void kc_available(const struct kc_opts *opts, struct kc_avail *a)
{
	const struct kcl_index_level *lv;
	struct kc_config cfg;
	struct kc_update u;
	struct kcl_index ix;
	char why[512];
	bool failed;

	int lock = -1, busy;

	memset(a, 0, sizeof(*a));
	a->rc = -1;
	/*
	 * The index, the seen state and the cache are root's (0700): say so
	 * rather than fail on whichever file comes first.
	 */
	if (geteuid()) {
		snprintf(a->err, sizeof(a->err),
			 "this needs the index state in %s and %s, which only root may read: run it as root",
			 KCL_STATE_DIR, KC_CACHE_DIR);
		return;
	}
	if (kcl_engine_read(&a->eng, a->err, sizeof(a->err)))
		return;
	if (kc_config_load(&cfg, NULL, a->err, sizeof(a->err)))
		return;
	if (kc_update_init(&u, &cfg, opts->prefix, a->err, sizeof(a->err))) {
		kc_config_free(&cfg);
		return;
	}
	snprintf(a->release, sizeof(a->release), "%s (%s)", u.kernel.release,
		 u.kernel.sha1);
	/* A read verb never waits long: busy, it checks without writing. */
	lock = kc_lock_take(KC_LOCK_READ_WAIT_S, &busy, why, sizeof(why));
	u.readonly = lock < 0;
	u.log = NULL;
	a->rc = kc_update_index(&u, &ix, a->err, sizeof(a->err));
	kc_lock_release(lock);
	a->stale = u.stale;
	if (u.stale)
		kc_time_format(u.stale_expires, a->expired);
	if (!a->rc) {
		lv = kc_update_choose(&u, &ix, &failed, why, sizeof(why));
		if (failed) {
			snprintf(a->err, sizeof(a->err), "%s", why);
			a->rc = -1;
		} else if (lv) {
			a->level = lv->level;
			snprintf(a->id, sizeof(a->id), "%s", lv->id);
		}
		kcl_index_free(&ix);
	}
	kc_update_free(&u);
	kc_config_free(&cfg);
}

static int kc_report(const struct kc_opts *opts, int code, const char *msg,
		     const struct kc_avail *a)
{
	if (opts->json) {
		printf("{\"code\": %d, ", code);
		kc_json_kv(stdout, 1, "message", msg);
		printf(", \"applied_level\": %u, \"available_level\": %u}\n",
		       a->eng.level, a->level);
	} else {
		printf("%s\n", msg);
	}
	return code;
}

int kc_cmd_check(const char *arg, const struct kc_opts *opts)
{
	struct kc_avail a;
	char msg[2300];

	kc_available(opts, &a);
	if (a.rc == KC_UPDATE_UNKNOWN_KERNEL) {
		snprintf(msg, sizeof(msg),
			 "Unknown kernel %s, no patches available", a.release);
		return kc_report(opts, 1, msg, &a);
	}
	if (a.rc) {
		if (!opts->json)
			return kc_error("%s", a.err);
		return kc_report(opts, 1, a.err, &a);
	}
	if (a.stale && a.level <= a.eng.level) {
		snprintf(msg, sizeof(msg),
			 "cannot tell: the index of this kernel expired on %s and the server could not be asked; run kcarectl --update with network",
			 a.expired);
		if (!opts->json)
			return kc_error("%s", msg);
		return kc_report(opts, 1, msg, &a);
	}
	if (a.level > a.eng.level) {
		snprintf(msg, sizeof(msg),
			 "A newer patchset is available: level %u (%s); level %u is applied",
			 a.level, a.id, a.eng.level);
		return kc_report(opts, 0, msg, &a);
	}
	snprintf(msg, sizeof(msg), "No newer patchset: level %u is applied", a.eng.level);
	return kc_report(opts, 1, msg, &a);
}

int kc_cmd_status(const char *arg, const struct kc_opts *opts)
{
	struct kc_avail a;
	char msg[2300];

	kc_available(opts, &a);
	if (a.rc == KC_UPDATE_UNKNOWN_KERNEL) {
		snprintf(msg, sizeof(msg),
			 "Unknown kernel %s, no patches available", a.release);
		return kc_report(opts, KC_STATUS_UNSUPPORTED, msg, &a);
	}
	if (a.rc) {
		snprintf(msg, sizeof(msg), "Cannot tell: %s", a.err);
		return kc_report(opts, KC_STATUS_UNKNOWN, msg, &a);
	}
	if (a.stale && a.level <= a.eng.level) {
		snprintf(msg, sizeof(msg),
			 "Cannot tell: the index of this kernel expired on %s and the server could not be asked (level %u is applied); run kcarectl --update with network",
			 a.expired, a.eng.level);
		return kc_report(opts, KC_STATUS_STALE, msg, &a);
	}
	if (!a.eng.level) {
		snprintf(msg, sizeof(msg), "No patches applied%s",
			 a.level ? " (kcarectl --update applies them)" : "");
		return kc_report(opts, KC_STATUS_UNPATCHED, msg, &a);
	}
	if (a.level > a.eng.level) {
		snprintf(msg, sizeof(msg),
			 "Newer patches not applied: level %u is available, level %u is applied",
			 a.level, a.eng.level);
		return kc_report(opts, KC_STATUS_OUTDATED, msg, &a);
	}
	snprintf(msg, sizeof(msg), "Up to date: level %u is applied", a.eng.level);
	return kc_report(opts, KC_STATUS_UP_TO_DATE, msg, &a);
}

/*
 * kc-compat, as the seed's checker script answers: one word on stdout
 * and its exit code, which install scripts test. COMPATIBLE 0: the
 * configured repository has patchsets for this kernel; UNSUPPORTED 1: it
 * has none; CONNECTION ERROR 3: it could not be asked (the reason on
 * stderr). A kernel the repository knows with no level chosen yet (a
 * sticky date before its first patchset) is still compatible.
 */
int kc_cmd_compat(const char *arg, const struct kc_opts *opts)
{
	static const char *const words[] = {
		"COMPATIBLE", "UNSUPPORTED", "SYSTEM ERROR", "CONNECTION ERROR"
	};
	struct kc_avail a;
	int code;

	kc_available(opts, &a);
	if (a.rc == KC_UPDATE_UNKNOWN_KERNEL)
		code = 1;
	else if (!a.rc)
		code = 0;
	else
		code = geteuid() ? 2 : 3;
	if (opts->json) {
		printf("{\"code\": %d, ", code);
		kc_json_kv(stdout, 1, "result", words[code]);
		if (code >= 2) {
			printf(", ");
			kc_json_kv(stdout, 1, "message", a.err);
		}
		printf("}\n");
		return code;
	}
	if (code >= 2)
		fprintf(stderr, "kcarectl: %s\n", a.err);
	printf("%s\n", words[code]);
	return code;
}
