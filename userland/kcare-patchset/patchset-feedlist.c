// SPDX-License-Identifier: GPL-2.0
/*
 * The list of a user-space feed, REPO/FEED/index (loader/feedlist.h),
 * rewritten whenever one of the feed's per-build-id indexes is, under the
 * repository's lock: a client reads it once a run and fetches the index of
 * only the build-ids listed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedlist.h"
#include "index.h"
#include "patchset.h"
#include "util.h"
#include "write.h"

/* The list as it is now: empty when there is none yet. */
static int kcp_feedlist_read(const char *path, const char *feed,
			     struct kcl_feedlist *fl, char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len, body;
	char e[512];

	memset(fl, 0, sizeof(*fl));
	if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE * 16, e, sizeof(e))) {
		if (errno != ENOENT)
			return kc_fail(err, errlen, "%s", e);
		snprintf(fl->feed, sizeof(fl->feed), "%s", feed);
		return 0;
	}
	/* Our own output: the body ends where the signature line starts. */
	for (body = len ? len - 1 : 0; body > 0 && buf[body - 1] != '\n'; body--)
		;
	if (kcl_feedlist_parse((char *)buf, body, fl, e, sizeof(e))) {
		free(buf);
		return kc_fail(err, errlen, "%s: %s", path, e);
	}
	free(buf);
	return 0;
}

/* A library name as the list holds it: printable, no space. */
static bool kcp_feedlist_name_ok(const char *name, size_t max)
{
	size_t i, n = strlen(name);

	if (!n || n >= max)
		return false;
	for (i = 0; i < n; i++)
		if (name[i] <= ' ' || name[i] > '~')
			return false;
	return true;
}

/* The highest level of @ix not withdrawn, 0 when none. */
static unsigned int kcp_feedlist_top(const struct kcl_index *ix)
{
	unsigned int top = 0;
	size_t i;

	for (i = 0; ix && i < ix->n; i++)
		if (!ix->levels[i].withdrawn)
			top = ix->levels[i].level;
	return top;
}

/*
 * refresh: the list made again from every REPO/FEED/BUILD-ID/index (so a
 * repository from before the lists gets one), the names kept.
 */
static int kcp_feedlist_rebuild(const char *repo, const char *feed,
				struct kcl_feedlist *fl, char *err,
				size_t errlen)
{
	struct kcl_feedlist_object *old = fl->v, *nv;
	size_t nold = fl->n, i, len, body;
	char dir[PATH_MAX], path[PATH_MAX + 64], e[512];
	unsigned char *buf;
	struct kcl_index ix;
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", repo, feed);
	d = opendir(dir);
	if (!d)
		return kc_fail(err, errlen, "cannot list %s: %s", dir, strerror(errno));
	fl->v = NULL;
	fl->n = 0;
	while ((de = readdir(d))) {
		if (strlen(de->d_name) != 40 || strspn(de->d_name, "0123456789abcdef") != 40)
			continue;
		snprintf(path, sizeof(path), "%s/%s/index", dir, de->d_name);
		if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE, e, sizeof(e)))
			continue;
		for (body = len ? len - 1 : 0; body > 0 && buf[body - 1] != '\n'; body--)
			;
		if (kcl_index_parse((char *)buf, body, &ix, e, sizeof(e))) {
			free(buf);
			closedir(d);
			free(old);
			return kc_fail(err, errlen, "%s: %s", path, e);
		}
		free(buf);
		if (kcp_feedlist_top(&ix)) {
			nv = realloc(fl->v, (fl->n + 1) * sizeof(*nv));
			if (!nv) {
				kcl_index_free(&ix);
				closedir(d);
				free(old);
				return kc_fail(err, errlen, "out of memory");
			}
			fl->v = nv;
			nv = &fl->v[fl->n++];
			memset(nv, 0, sizeof(*nv));
			memcpy(nv->build_id, de->d_name, 41);
			nv->level = kcp_feedlist_top(&ix);
			strcpy(nv->name, "-");
			for (i = 0; i < nold; i++)
				if (!strcmp(old[i].build_id, nv->build_id))
					strcpy(nv->name, old[i].name);
		}
		kcl_index_free(&ix);
	}
	closedir(d);
	free(old);
	return 0;
}

int kcp_feedlist_update(const char *repo, const char *feed, const char *key,
			const char *sha1, const struct kcl_index *ix,
			const char *name, time_t now, unsigned long days,
			char *err, size_t errlen)
{
	struct kcl_feedlist_object *o = NULL, *nv;
	struct kcl_feedlist fl;
	char path[PATH_MAX], *text;
	unsigned int top = 0;
	size_t i;
	int rc;

	snprintf(path, sizeof(path), "%s/%s/index", repo, feed);
	if (kcp_feedlist_read(path, feed, &fl, err, errlen))
		return -1;
	if (strcmp(fl.feed, feed)) {
		kcl_feedlist_free(&fl);
		return kc_fail(err, errlen, "%s is of feed %s", path, fl.feed);
	}
	if (!sha1 && kcp_feedlist_rebuild(repo, feed, &fl, err, errlen)) {
		kcl_feedlist_free(&fl);
		return -1;
	}
	top = kcp_feedlist_top(ix);
	for (i = 0; sha1 && i < fl.n && !o; i++)
		if (!strcmp(fl.v[i].build_id, sha1))
			o = &fl.v[i];
	if (sha1 && top && !o) {
		nv = realloc(fl.v, (fl.n + 1) * sizeof(*nv));
		if (!nv) {
			kcl_feedlist_free(&fl);
			return kc_fail(err, errlen, "out of memory");
		}
		fl.v = nv;
		o = &fl.v[fl.n++];
		memset(o, 0, sizeof(*o));
		snprintf(o->build_id, sizeof(o->build_id), "%s", sha1);
		snprintf(o->name, sizeof(o->name), "-");
	}
	if (o && top) {
		o->level = top;
		/* The name is free text in a manifest: one word here. */
		if (name && kcp_feedlist_name_ok(name, sizeof(o->name)))
			snprintf(o->name, sizeof(o->name), "%s", name);
	} else if (o) {
		/* Every level withdrawn: the build-id leaves the list. */
		*o = fl.v[--fl.n];
	}
	/*
	 * Never below the time: a list lost and made again (refresh) still
	 * outranks every serial a client has seen.
	 */
	fl.serial = fl.serial + 1 > (unsigned long long)now ? fl.serial + 1 :
		    (unsigned long long)now;
	fl.generated = now;
	fl.expires = now + (time_t)days * 86400;
	text = kcl_feedlist_format(&fl);
	kcl_feedlist_free(&fl);
	if (!text)
		return kc_fail(err, errlen, "out of memory");
	/* Never sign what a client would refuse. */
	if (kcl_feedlist_parse(text, strlen(text), &fl, err, errlen)) {
		free(text);
		return -1;
	}
	kcl_feedlist_free(&fl);
	text = kcp_text_sign(text, key, err, errlen);
	if (!text)
		return -1;
	rc = kc_write_atomic(path, text, strlen(text), 0644, err, errlen);
	free(text);
	return rc;
}
