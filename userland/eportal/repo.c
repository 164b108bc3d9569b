// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: publishing the static repository (repo.h). Order as
 * Documentation/formats.md asks of publishers: a level's files first,
 * then the index, then latest.v2, then the files of levels no longer
 * listed; each file through a temporary name and a rename.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive.h"
#include "index.h"
#include "manifest.h"
#include "sign.h"
#include "util.h"

#include "patchset.h"
#include "write.h"
#include "repo.h"

int ep_repo_lock(const struct ep_config *cfg, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int fd;

	ep_path(cfg, path, sizeof(path), "repo");
	if (kc_mkdirs(path, 0755, err, errlen))
		return -1;
	ep_path(cfg, path, sizeof(path), "repo/.lock");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		ep_fmt(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		ep_fmt(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void ep_repo_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

void ep_repo_store_path(const struct ep_config *cfg, const char *sha256,
			char *out, size_t len)
{
	char rel[128];

	ep_fmt(rel, sizeof(rel), "store/%s.kcp", sha256);
	ep_path(cfg, out, len, rel);
}

void ep_repo_key_path(const struct ep_config *cfg, char *out, size_t len)
{
	ep_path(cfg, out, len, "keys/eportal.pem");
}

static bool ep_visible(const struct ep_patchset *p, time_t now)
{
	return p->state == EP_PS_ENABLED && p->enable_after <= now;
}

struct ep_ps_vec {
	struct ep_patchset *v;
	size_t n, cap;
};

static int ep_ps_collect(const struct ep_patchset *p, void *arg)
{
	struct ep_ps_vec *pv = arg;

	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? 2 * pv->cap : 16;
		struct ep_patchset *nv = realloc(pv->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		pv->v = nv;
		pv->cap = cap;
	}
	pv->v[pv->n++] = *p;
	return 0;
}

/* Write one file of a level unless it is there already. */
static int ep_put(const char *dir, const char *name, const void *data,
		  size_t len, char *err, size_t errlen)
{
	char path[PATH_MAX];

	ep_fmt(path, sizeof(path), "%s/%s", dir, name);
	return kc_write_atomic(path, data, len, 0644, err, errlen);
}

/* The files of a visible level, made from the stored patchset file. */
static int ep_publish_level(const struct ep_config *cfg,
			    const struct ep_patchset *p, const char *kdir,
			    char *err, size_t errlen)
{
	char ldir[PATH_MAX], path[PATH_MAX], key[PATH_MAX], e[512];
	unsigned char sig[KCL_SIG_SIZE], *buf;
	char *cves = NULL, *json = NULL;
	struct kcl_archive ar;
	struct kcl_manifest m;
	struct stat st;
	size_t len;
	int rc = -1;

	ep_fmt(ldir, sizeof(ldir), "%s/%u", kdir, p->level);
	ep_fmt(path, sizeof(path), "%s/kpatch.info", ldir);
	/* kpatch.info is written last: when it is there, the level is. */
	if (!stat(path, &st))
		return 0;
	ep_repo_store_path(cfg, p->sha256, path, sizeof(path));
	if (kcp_read(path, &buf, &len, KCL_ARCHIVE_MAX_SIZE + 65536, e, sizeof(e))) {
		ep_fmt(err, errlen, "level %u of %s: %s", p->level, p->kernel_sha1, e);
		return -1;
	}
	if (kcp_check_kcp(buf, len, &ar, &m, e, sizeof(e))) {
		ep_fmt(err, errlen, "%s: %s", path, e);
		free(buf);
		return -1;
	}
	kcl_archive_free(&ar);
	cves = kcl_manifest_cve_text(&m);
	json = kcl_manifest_cve_json(&m);
	ep_repo_key_path(cfg, key, sizeof(key));
	if (!cves || !json) {
		ep_fmt(err, errlen, "cannot format the CVE list");
		goto out;
	}
	if (kc_mkdirs(ldir, 0755, err, errlen) ||
	    kcp_sign(key, buf, len, sig, err, errlen) ||
	    ep_put(ldir, "patchset.kcp", buf, len, err, errlen) ||
	    ep_put(ldir, "patchset.kcp.sig", sig, sizeof(sig), err, errlen) ||
	    ep_put(ldir, "cves.txt", cves, strlen(cves), err, errlen) ||
	    ep_put(ldir, "cves.json", json, strlen(json), err, errlen) ||
	    ep_put(ldir, "kpatch.info", cves, strlen(cves), err, errlen))
		goto out;
	rc = 0;
out:
	kcl_manifest_free(&m);
	free(cves);
	free(json);
	free(buf);
	return rc;
}

/* Remove the files of a level no longer listed (kpatch.info first). */
static void ep_unpublish_level(const char *kdir, unsigned int level)
{
	static const char *const files[] = {
		"kpatch.info", "patchset.kcp", "patchset.kcp.sig", "cves.txt",
		"cves.json",
	};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(files); i++) {
		ep_fmt(path, sizeof(path), "%s/%u/%s", kdir, level, files[i]);
		unlink(path);
	}
	ep_fmt(path, sizeof(path), "%s/%u", kdir, level);
	rmdir(path);
}

/*
 * REPO/[FEED/]kernels: the kernels of a feed (the build-ids of its
 * libraries in the feed userspace), one SHA-1 a line, for mirrors. The
 * one place a feed's list is written: a signed list of a feed
 * (kcare-patchset's writer) belongs here too.
 */
static int ep_write_kernels(const struct ep_config *cfg, struct ep_store *s,
			    const char *feed, char *err, size_t errlen)
{
	struct ep_ps_vec pv = { 0 };
	char path[PATH_MAX], rel[128], *text;
	size_t i, n = 0;
	int rc;

	if (s->ops->patchset_list(s, feed, NULL, ep_ps_collect, &pv)) {
		ep_fmt(err, errlen, "%s", s->err);
		free(pv.v);
		return -1;
	}
	text = malloc(pv.n * 41 + 1);
	if (!text) {
		free(pv.v);
		ep_fmt(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < pv.n; i++) {
		if (i && !strcmp(pv.v[i].kernel_sha1, pv.v[i - 1].kernel_sha1))
			continue;
		memcpy(text + n, pv.v[i].kernel_sha1, 40);
		text[n + 40] = '\n';
		n += 41;
	}
	text[n] = 0;
	ep_fmt(rel, sizeof(rel), "repo/%s%skernels", feed, *feed ? "/" : "");
	ep_path(cfg, path, sizeof(path), rel);
	rc = kc_write_atomic(path, text, n, 0644, err, errlen);
	free(text);
	free(pv.v);
	return rc;
}

int ep_repo_publish(const struct ep_config *cfg, struct ep_store *s,
		    const char *feed, const char *kernel_sha1, time_t now,
		    char *err, size_t errlen)
{
	char root[PATH_MAX], kdir[PATH_MAX], path[PATH_MAX], key[PATH_MAX];
	struct ep_ps_vec pv = { 0 };
	struct kcl_index ix = { 0 };
	unsigned int top = 0;
	char latest[16], *text = NULL;
	size_t i;
	int rc = -1;

	ep_path(cfg, root, sizeof(root), "repo");
	if (kcp_kernel_dir(kdir, sizeof(kdir), root, feed, kernel_sha1)) {
		ep_fmt(err, errlen, "repository path too long");
		return -1;
	}
	if (s->ops->patchset_list(s, feed, kernel_sha1, ep_ps_collect, &pv)) {
		ep_fmt(err, errlen, "%s", s->err);
		goto out;
	}
	if (kc_mkdirs(kdir, 0755, err, errlen))
		goto out;
	ix.format = KCL_INDEX_FORMAT;
	ep_fmt(ix.kernel_sha1, sizeof(ix.kernel_sha1), "%s", kernel_sha1);
	ep_fmt(ix.feed, sizeof(ix.feed), "%s", feed);
	ix.levels = calloc(pv.n ? pv.n : 1, sizeof(*ix.levels));
	if (!ix.levels) {
		ep_fmt(err, errlen, "out of memory");
		goto out;
	}
	for (i = 0; i < pv.n; i++) {
		const struct ep_patchset *p = &pv.v[i];
		struct kcl_index_level *l = &ix.levels[ix.n++];

		l->level = p->level;
		ep_fmt(l->id, sizeof(l->id), "%s", p->id);
		l->release_time = p->release_time;
		ep_fmt(l->patch_type, sizeof(l->patch_type), "%s", p->patch_type);
		l->withdrawn = !ep_visible(p, now);
		if (l->withdrawn)
			continue;
		if (kc_unhex(p->sha256, 64, l->sha256, 32)) {
			ep_fmt(err, errlen, "bad SHA-256 in the database for level %u",
			       p->level);
			goto out;
		}
		if (ep_publish_level(cfg, p, kdir, err, errlen))
			goto out;
		top = p->level;
	}
	if (s->ops->index_next_serial(s, feed, kernel_sha1, &ix.serial)) {
		ep_fmt(err, errlen, "%s", s->err);
		goto out;
	}
	ix.generated = now;
	ix.expires = now + (time_t)cfg->valid_days * 86400;
	ep_repo_key_path(cfg, key, sizeof(key));
	text = kcp_index_sign(&ix, key, err, errlen);
	if (!text)
		goto out;
	ep_fmt(path, sizeof(path), "%s/index", kdir);
	if (kc_write_atomic(path, text, strlen(text), 0644, err, errlen))
		goto out;
	ep_fmt(path, sizeof(path), "%s/latest.v2", kdir);
	if (top) {
		ep_fmt(latest, sizeof(latest), "%u\n", top);
		if (kc_write_atomic(path, latest, strlen(latest), 0644, err, errlen))
			goto out;
	} else if (unlink(path) && errno != ENOENT) {
		ep_fmt(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		goto out;
	}
	for (i = 0; i < ix.n; i++)
		if (ix.levels[i].withdrawn)
			ep_unpublish_level(kdir, ix.levels[i].level);
	rc = ep_write_kernels(cfg, s, feed, err, errlen);
out:
	free(text);
	free(ix.levels);
	free(pv.v);
	return rc;
}

/* Whether the index on disk lists exactly the visible levels, fresh enough. */
static bool ep_index_current(const struct ep_config *cfg, const char *feed,
			     const struct ep_patchset *v, size_t n, time_t now)
{
	char root[PATH_MAX], path[PATH_MAX], e[256];
	struct kcl_index ix;
	unsigned char *buf;
	size_t len, body, i;
	bool ok = false;

	ep_path(cfg, root, sizeof(root), "repo");
	if (kcp_kernel_dir(path, sizeof(path) - 8, root, feed, v[0].kernel_sha1))
		return false;
	strcat(path, "/index");
	if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE, e, sizeof(e)))
		return false;
	for (body = len ? len - 1 : 0; body > 0 && buf[body - 1] != '\n'; body--)
		;
	if (kcl_index_parse((char *)buf, body, &ix, e, sizeof(e))) {
		free(buf);
		return false;
	}
	free(buf);
	if (ix.n != n ||
	    ix.expires - now < (time_t)cfg->valid_days * 86400 / 2)
		goto out;
	for (i = 0; i < n; i++)
		if (ix.levels[i].level != v[i].level ||
		    ix.levels[i].withdrawn == ep_visible(&v[i], now))
			goto out;
	ok = true;
out:
	kcl_index_free(&ix);
	return ok;
}

int ep_repo_maintain(const struct ep_config *cfg, struct ep_store *s,
		     time_t now, bool force, char *err, size_t errlen)
{
	struct ep_ps_vec pv = { 0 };
	size_t i, j;
	int fd, n = 0;

	fd = ep_repo_lock(cfg, err, errlen);
	if (fd < 0)
		return -1;
	if (s->ops->patchset_list(s, NULL, NULL, ep_ps_collect, &pv)) {
		ep_fmt(err, errlen, "%s", s->err);
		n = -1;
		goto out;
	}
	/* Rows come by feed, kernel, level: one group per index. */
	for (i = 0; i < pv.n; i = j) {
		for (j = i + 1; j < pv.n && !strcmp(pv.v[j].feed, pv.v[i].feed) &&
		     !strcmp(pv.v[j].kernel_sha1, pv.v[i].kernel_sha1); j++)
			;
		if (!force && ep_index_current(cfg, pv.v[i].feed, &pv.v[i],
					       j - i, now))
			continue;
		if (ep_repo_publish(cfg, s, pv.v[i].feed, pv.v[i].kernel_sha1,
				    now, err, errlen)) {
			n = -1;
			goto out;
		}
		n++;
	}
out:
	ep_repo_unlock(fd);
	free(pv.v);
	return n;
}
