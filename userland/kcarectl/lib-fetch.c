// SPDX-License-Identifier: GPL-2.0
/*
 * User-space patchsets through the update pipeline (lib-fetch.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "lib-fetch.h"
#include "netchild.h"
#include "sign.h"
#include "state.h"
#include "util.h"

static const char *const kc_lib_type_names[] = { "libs", "qemu", "db" };

void kc_lib_types_text(unsigned int types, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < 3; i++)
		if (types & (1u << i))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s",
				      n ? "," : "", kc_lib_type_names[i]);
}

int kc_lib_feed_name(const char *feed, char *out, size_t len)
{
	int n;

	/* The default feed's user-space twin is "userspace", test's "test-userspace". */
	n = snprintf(out, len, "%s%s%s", feed, *feed ? "-" : "", KC_LIB_FEED);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int kc_lib_update_init(struct kc_update *u, const struct kc_config *cfg,
		       const char *prefix, char *err, size_t errlen)
{
	char feed[sizeof(u->feed)];

	if (kc_update_init(u, cfg, prefix, err, errlen))
		return -1;
	/*
	 * PREFIX (or --prefix) names a feed and a delay, as for the kernel:
	 * the feed's user-space twin, the same delay (formats.md).
	 */
	if (kc_lib_feed_name(u->feed, feed, sizeof(feed))) {
		kc_update_free(u);
		return kc_fail(err, errlen,
				"PREFIX=%s: too long for its user-space feed %s-%s",
				u->feed, u->feed, KC_LIB_FEED);
	}
	memcpy(u->feed, feed, sizeof(feed));
	return 0;
}

int kc_lib_select_init(struct kc_update *u, struct kcl_select *sel,
		       char *err, size_t errlen)
{
	memset(sel, 0, sizeof(*sel));
	sel->delay_hours = u->delay_hours;
	/* Once a run: STICKY_PATCH=KEY asks the registration server. */
	return kc_update_sticky(u, &sel->sticky_until, err, errlen);
}

/* The pipeline compares a patchset's "kernel" with u->kernel: the library. */
static int kc_lib_identify(struct kc_update *u, const char *build_id,
			   const char *libname, char *err, size_t errlen)
{
	if (strlen(build_id) != 40 || !kc_all_hex(build_id, 40))
		return kc_fail(err, errlen,
				"build-id %s is not a 40-hex GNU build-id: no user-space patches for it",
				build_id);
	snprintf(u->kernel.sha1, sizeof(u->kernel.sha1), "%s", build_id);
	snprintf(u->kernel.build_id, sizeof(u->kernel.build_id), "%s", build_id);
	snprintf(u->kernel.release, sizeof(u->kernel.release), "%s", libname);
	return 0;
}

/* The highest level of any type in @types, as the kernel's choice is made. */
static const struct kcl_index_level *kc_lib_choose(struct kc_update *u,
						   const struct kcl_index *ix,
						   const struct kcl_select *s,
						   unsigned int types)
{
	const struct kcl_index_level *best = NULL, *l;
	struct kcl_select sel = *s;
	char why[256];
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!(types & (1u << i)))
			continue;
		sel.patch_type = kc_lib_type_names[i];
		l = kcl_index_select(ix, &sel, u->now, why, sizeof(why));
		if (l && kcl_patch_type_user(l->patch_type) &&
		    (!best || l->level > best->level))
			best = l;
	}
	return best;
}

int kc_lib_fetch(struct kc_update *u, const char *build_id,
		 const char *libname, const struct kcl_select *sel,
		 unsigned int types, bool cache_only, unsigned int level,
		 struct kc_patchset *ps, char *err,
		 size_t errlen)
{
	const struct kcl_index_level *l;
	struct kcl_index ix;
	char e[2048];
	int rc;

	memset(ps, 0, sizeof(*ps));
	if (kc_lib_identify(u, build_id, libname, err, errlen))
		return -1;
	if (cache_only)
		rc = kc_update_patchset(u, level, NULL, true, ps, e, sizeof(e));
	else {
		rc = kc_update_index(u, &ix, e, sizeof(e));
		if (rc == KC_UPDATE_UNKNOWN_KERNEL)
			return KC_LIB_NONE;
		if (rc)
			return kc_fail(err, errlen, "%s", e);
		l = kc_lib_choose(u, &ix, sel, types);
		rc = l ? kc_update_patchset(u, l->level, l->sha256, false, ps,
					    e, sizeof(e)) : KC_LIB_NONE;
		kcl_index_free(&ix);
	}
	if (rc == KC_LIB_NONE)
		return rc;
	if (rc)
		return kc_fail(err, errlen, "%s", e);
	if (!kcl_patch_type_user(ps->m.patch_type)) {
		kc_fail(err, errlen,
			 "patchset %s level %u is of patch type %s, not a user-space one",
			 ps->m.id, ps->m.level, ps->m.patch_type);
		kc_patchset_free(ps);
		return -1;
	}
	return 0;
}

/* The seen state's key of a feed's list (no build-id is this word). */
#define KC_LIB_LIST_KEY		"feed-list"

int kc_lib_feedlist(struct kc_update *u, struct kcl_feedlist *fl, char *err,
		    size_t errlen)
{
	const char *srv = u->cfg->patch_server;
	char e[1024], *url = NULL, *buf = NULL;
	struct kcl_index_seen seen = { 0 };
	struct kc_fetch_opts o;
	size_t len, body, n = strlen(srv);
	int rc;

	/* LOCAL reads the cache only: it has no list, only indexes. */
	if (u->policy == KC_POLICY_LOCAL)
		return KC_LIB_NONE;
	if (asprintf(&url, "%s%s%s/index", srv, n && srv[n - 1] == '/' ? "" : "/",
		     u->feed) < 0)
		return kc_fail(err, errlen, "out of memory");
	kc_fetch_opts_init(&o);
	o.proxy = kc_config_proxy(u->cfg, !strncmp(url, "https:", 6), NULL);
	o.no_proxy = u->cfg->no_proxy;
	o.deadline_ms = u->deadline_ms;
	o.deadline_s = u->cfg->download_timeout;
	rc = kc_net_fetch_mem(&o, url, (size_t)KCL_INDEX_MAX_SIZE * 16, &buf,
			      &len, e, sizeof(e));
	free(url);
	/* A repository from before the lists: ask per build-id. */
	if (rc == KC_FETCH_NOT_FOUND)
		return KC_LIB_NONE;
	if (rc)
		return kc_fail(err, errlen, "cannot download the list of feed %s: %s",
			       u->feed, e);
	/*
	 * Only signed bytes are parsed: the signature is checked on the raw
	 * file first, so the parser sees what a trusted key wrote.
	 */
	if (kcl_index_verify(&u->keys, buf, len, &body, e, sizeof(e)) ||
	    kcl_feedlist_parse(buf, body, fl, e, sizeof(e))) {
		free(buf);
		return kc_fail(err, errlen, "the list of feed %s was rejected: %s",
			       u->feed, e);
	}
	free(buf);
	kcl_seen_read(KCL_STATE_SEEN, KC_LIB_LIST_KEY, u->feed, &seen, NULL, 0);
	if (kcl_feedlist_check(fl, u->feed, u->now, seen.serial, e, sizeof(e))) {
		kcl_feedlist_free(fl);
		return kc_fail(err, errlen, "the list of feed %s was rejected: %s",
			       u->feed, e);
	}
	if (!u->readonly && fl->serial > seen.serial) {
		seen.serial = fl->serial;
		if (kcl_seen_write(KCL_STATE_SEEN, KC_LIB_LIST_KEY, u->feed,
				   &seen, e, sizeof(e))) {
			kcl_feedlist_free(fl);
			return kc_fail(err, errlen, "%s", e);
		}
	}
	return 0;
}
