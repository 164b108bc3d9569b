// SPDX-License-Identifier: GPL-2.0
/*
 * User-space patchsets through the update pipeline (lib-fetch.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "lib-fetch.h"
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
