// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-patchset: the commands on a static repository (publish,
 * withdraw, refresh) and the client's side of one (select).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "write.h"
#include "util.h"

#include "patchset.h"
#include "state.h"

/* ---- the repository --------------------------------------------------- */

struct kcp_repo {
	const char *repo, *key, *feed;
	char dir[PATH_MAX];		/* REPO/[FEED/]SHA1 */
	char sha1[41];
	int lock_fd;
	struct kcl_index ix;
	bool have_index;
	const char *libname;		/* publish of a user-space patchset */
};

/*
 * The feeds of user-space patchsets: "userspace", and "FEED-userspace" for
 * a client whose PREFIX is FEED (test-userspace for --test).
 */
bool kcp_feed_user(const char *feed)
{
	size_t n = strlen(feed), k = strlen("userspace");

	if (!strcmp(feed, "userspace"))
		return true;
	return n > k + 1 && feed[n - k - 1] == '-' &&
	       !strcmp(feed + n - k, "userspace");
}

/* Take REPO/.lock: publishers of one repository run one at a time. */
static int kcp_repo_lock(struct kcp_repo *r, char *err, size_t errlen)
{
	char path[PATH_MAX];

	if (kc_mkdirs(r->repo, 0755, err, errlen))
		return -1;
	kcp_fmt(path, sizeof(path), "%s/.lock", r->repo);
	r->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (r->lock_fd < 0) {
		kcp_fmt(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(r->lock_fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		kcp_fmt(err, errlen, "cannot lock %s: %s", path, strerror(errno));
		close(r->lock_fd);
		r->lock_fd = -1;
		return -1;
	}
	return 0;
}

static void kcp_repo_close(struct kcp_repo *r)
{
	if (r->lock_fd >= 0)
		close(r->lock_fd);
	r->lock_fd = -1;
	if (r->have_index)
		kcl_index_free(&r->ix);
	r->have_index = false;
}

/*
 * Read the index of r->sha1 in r->feed, if there is one. The publisher
 * trusts its own repository: the signature line is split off, not checked
 * (it is replaced by the new one).
 */
static int kcp_repo_read_index(struct kcp_repo *r, bool must_exist,
			       char *err, size_t errlen)
{
	char path[PATH_MAX], e[512];
	unsigned char *buf;
	size_t len, body;

	if (kcp_kernel_dir(r->dir, sizeof(r->dir), r->repo, r->feed, r->sha1)) {
		kcp_fmt(err, errlen, "repository path too long");
		return -1;
	}
	kcp_fmt(path, sizeof(path), "%s/index", r->dir);
	if (access(path, F_OK) && errno == ENOENT && !must_exist) {
		memset(&r->ix, 0, sizeof(r->ix));
		r->ix.format = KCL_INDEX_FORMAT;
		strcpy(r->ix.kernel_sha1, r->sha1);
		strcpy(r->ix.feed, r->feed);
		r->have_index = true;
		return 0;
	}
	if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE, e, sizeof(e))) {
		if (must_exist && errno == ENOENT)
			kcp_fmt(err, errlen, "no index for kernel %s in %s%s%s",
				 r->sha1, r->repo, *r->feed ? ", feed " : "",
				 r->feed);
		else
			kcp_fmt(err, errlen, "%s", e);
		return -1;
	}
	/* The body ends where the last line starts. */
	for (body = len ? len - 1 : 0; body > 0 && buf[body - 1] != '\n'; body--)
		;
	if (kcl_index_parse((char *)buf, body, &r->ix, e, sizeof(e))) {
		kcp_fmt(err, errlen, "%s: %s", path, e);
		free(buf);
		return -1;
	}
	free(buf);
	r->have_index = true;
	if (strcmp(r->ix.kernel_sha1, r->sha1) || strcmp(r->ix.feed, r->feed)) {
		kcp_fmt(err, errlen, "%s is for kernel %s, feed \"%s\"", path,
			 r->ix.kernel_sha1, r->ix.feed);
		return -1;
	}
	return 0;
}

/* Sign and write the index (serial + 1), then latest.v2. */
static int kcp_repo_write_index(struct kcp_repo *r, time_t now,
				unsigned long days, char *err, size_t errlen)
{
	char path[PATH_MAX], latest[16], *text;
	unsigned int top = 0;
	size_t i;

	r->ix.serial++;
	r->ix.generated = now;
	r->ix.expires = now + (time_t)days * 86400;
	text = kcp_index_sign(&r->ix, r->key, err, errlen);
	if (!text)
		return -1;
	kcp_fmt(path, sizeof(path), "%s/index", r->dir);
	if (kc_write_atomic(path, text, strlen(text), 0644, err, errlen)) {
		free(text);
		return -1;
	}
	free(text);
	for (i = 0; i < r->ix.n; i++)
		if (!r->ix.levels[i].withdrawn)
			top = r->ix.levels[i].level;
	kcp_fmt(path, sizeof(path), "%s/latest.v2", r->dir);
	if (!top) {
		if (unlink(path) && errno != ENOENT) {
			kcp_fmt(err, errlen, "cannot remove %s: %s", path,
				 strerror(errno));
			return -1;
		}
		goto out_list;
	}
	kcp_fmt(latest, sizeof(latest), "%u\n", top);
	if (kc_write_atomic(path, latest, strlen(latest), 0644, err, errlen))
		return -1;
out_list:
	/* A user-space feed's list follows every index of the feed. */
	if (!kcp_feed_user(r->feed))
		return 0;
	return kcp_feedlist_update(r->repo, r->feed, r->key, r->sha1, &r->ix,
				   r->libname, now, days, err, errlen);
}

static int kcp_repo_args(const char *cmd, struct kcp_repo *r, const char *now_s,
			 time_t *now, const char *days_s, unsigned long *days)
{
	if (!r->repo || !r->key)
		return kcp_usage("%s: --repo and --key are required", cmd);
	if (!r->feed)
		r->feed = "";
	if (!kcp_valid_feed(r->feed))
		return kcp_usage("%s: --feed %s: a feed is [a-z0-9-], 1..32", cmd,
				 r->feed);
	*now = time(NULL);
	if (now_s && kcp_parse_time(now_s, now))
		return kcp_usage("%s: --now %s: expected YYYY-MM-DDTHH:MM:SSZ", cmd,
				 now_s);
	if (days) {
		*days = KCP_DEFAULT_VALID_DAYS;
		if (days_s && (kcp_parse_uint(days_s, 3660, days) || !*days))
			return kcp_usage("%s: --valid-days %s: expected 1..3660", cmd,
					 days_s);
	}
	return 0;
}

int kcp_cmd_publish(int argc, char **argv)
{
	const char *now_s = NULL, *days_s = NULL;
	struct kcp_repo r = { .lock_fd = -1 };
	const struct kcp_opt opts[] = {
		{ "--repo", &r.repo }, { "--key", &r.key }, { "--feed", &r.feed },
		{ "--valid-days", &days_s }, { "--now", &now_s }, { NULL },
	};
	char err[1024], ldir[PATH_MAX], path[PATH_MAX + 32];
	struct kcl_index_level *lv, *nl;
	unsigned char sig[KCL_SIG_SIZE], *buf;
	char *cves = NULL, *json = NULL;
	struct kcl_archive ar;
	struct kcl_manifest m;
	unsigned long days;
	const char *pos[1];
	unsigned int top;
	size_t len;
	time_t now;
	int n, rc;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	rc = kcp_repo_args("publish", &r, now_s, &now, days_s, &days);
	if (rc)
		return rc;
	if (n != 1)
		return kcp_usage("publish: expected one patchset file");
	if (kcp_read(pos[0], &buf, &len, KCL_ARCHIVE_MAX_SIZE + 65536, err,
		     sizeof(err)))
		return kcp_fail("publish: %s", err);
	if (kcp_check_kcp(buf, len, &ar, &m, err, sizeof(err))) {
		free(buf);
		return kcp_fail("publish: %s: %s", pos[0], err);
	}
	kcl_archive_free(&ar);
	rc = KCP_EXIT_ERROR;
	/* User-space patchsets have a feed of their own (formats.md). */
	if (kcl_patch_type_user(m.patch_type) && !*r.feed)
		r.feed = "userspace";
	if (kcl_patch_type_user(m.patch_type) != kcp_feed_user(r.feed)) {
		kcp_fail("publish: a %s patchset goes %s the feed userspace (or FEED-userspace)",
			 m.patch_type, kcl_patch_type_user(m.patch_type) ? "in" : "outside");
		goto out;
	}
	strcpy(r.sha1, m.kernel_sha1);
	r.libname = m.kernel_release;
	if (kcp_repo_lock(&r, err, sizeof(err)) ||
	    kcp_repo_read_index(&r, false, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}
	top = r.ix.n ? r.ix.levels[r.ix.n - 1].level : 0;
	if (m.level <= top) {
		kcp_fail("publish: level %u is not above level %u, the highest in the index of %s%s%s (levels never go down)",
			 m.level, top, r.sha1, *r.feed ? " in feed " : "", r.feed);
		goto out;
	}
	cves = kcl_manifest_cve_text(&m);
	json = kcl_manifest_cve_json(&m);
	if (!cves || !json) {
		kcp_fail("publish: cannot format the CVE list");
		goto out;
	}
	if (kcp_sign(r.key, buf, len, sig, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}

	/* The level's files first: a reader of the new index finds them. */
	kcp_fmt(ldir, sizeof(ldir), "%s/%u", r.dir, m.level);
	if (kc_mkdirs(ldir, 0755, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}
	kcp_fmt(path, sizeof(path), "%s/patchset.kcp", ldir);
	if (kc_write_atomic(path, buf, len, 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fmt(path, sizeof(path), "%s/patchset.kcp.sig", ldir);
	if (kc_write_atomic(path, sig, sizeof(sig), 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fmt(path, sizeof(path), "%s/cves.txt", ldir);
	if (kc_write_atomic(path, cves, strlen(cves), 0644, err, sizeof(err)))
		goto fail_write;
	kcp_fmt(path, sizeof(path), "%s/cves.json", ldir);
	if (kc_write_atomic(path, json, strlen(json), 0644, err, sizeof(err)))
		goto fail_write;
	/* What CVE scanners read at /KERNEL_ID/LEVEL/kpatch.info (kcare-qualys). */
	kcp_fmt(path, sizeof(path), "%s/kpatch.info", ldir);
	if (kc_write_atomic(path, cves, strlen(cves), 0644, err, sizeof(err)))
		goto fail_write;

	nl = realloc(r.ix.levels, (r.ix.n + 1) * sizeof(*nl));
	if (!nl) {
		kcp_fail("publish: out of memory");
		goto out;
	}
	r.ix.levels = nl;
	lv = &r.ix.levels[r.ix.n++];
	memset(lv, 0, sizeof(*lv));
	lv->level = m.level;
	kcp_fmt(lv->id, sizeof(lv->id), "%s", m.id);
	lv->release_time = m.release_time;
	kcp_fmt(lv->patch_type, sizeof(lv->patch_type), "%s", m.patch_type);
	kcp_digest("sha256", buf, len, lv->sha256);
	if (kcp_repo_write_index(&r, now, days, err, sizeof(err))) {
		kcp_fail("publish: %s", err);
		goto out;
	}
	printf("published %s level %u (%s, %s) in %s, index serial %llu\n",
	       m.id, m.level, m.patch_type, m.kernel_release, r.dir, r.ix.serial);
	rc = 0;
	goto out;
fail_write:
	kcp_fail("publish: %s", err);
out:
	kcp_repo_close(&r);
	kcl_manifest_free(&m);
	free(cves);
	free(json);
	free(buf);
	return rc;
}

int kcp_cmd_withdraw(int argc, char **argv)
{
	const char *now_s = NULL, *days_s = NULL;
	struct kcp_repo r = { .lock_fd = -1 };
	const struct kcp_opt opts[] = {
		{ "--repo", &r.repo }, { "--key", &r.key }, { "--feed", &r.feed },
		{ "--valid-days", &days_s }, { "--now", &now_s }, { NULL },
	};
	static const char *const files[] = {
		"patchset.kcp", "patchset.kcp.sig", "cves.txt", "cves.json",
		"kpatch.info",
	};
	char err[1024], ldir[PATH_MAX], path[PATH_MAX + 32];
	struct kcl_index_level *lv = NULL;
	unsigned long days, level;
	const char *pos[2];
	size_t i;
	time_t now;
	int n, rc;

	n = kcp_parse(argc, argv, opts, pos, 2);
	if (n < 0)
		return KCP_EXIT_USAGE;
	rc = kcp_repo_args("withdraw", &r, now_s, &now, days_s, &days);
	if (rc)
		return rc;
	if (n != 2)
		return kcp_usage("withdraw: expected KERNEL-SHA1 LEVEL");
	if (!kcp_valid_sha1(pos[0]))
		return kcp_usage("withdraw: %s: expected 40 lowercase hex digits", pos[0]);
	if (kcp_parse_uint(pos[1], 4294967295UL, &level) || !level)
		return kcp_usage("withdraw: level %s: expected 1..4294967295", pos[1]);
	strcpy(r.sha1, pos[0]);
	rc = KCP_EXIT_ERROR;
	if (kcp_repo_lock(&r, err, sizeof(err)) ||
	    kcp_repo_read_index(&r, true, err, sizeof(err))) {
		kcp_fail("withdraw: %s", err);
		goto out;
	}
	for (i = 0; i < r.ix.n; i++)
		if (r.ix.levels[i].level == level)
			lv = &r.ix.levels[i];
	if (!lv) {
		kcp_fail("withdraw: level %lu is not in the index of %s", level, r.sha1);
		goto out;
	}
	if (lv->withdrawn) {
		kcp_fail("withdraw: level %lu is already withdrawn", level);
		goto out;
	}
	lv->withdrawn = true;
	memset(lv->sha256, 0, sizeof(lv->sha256));
	/*
	 * The index first: a client with the new one no longer wants the
	 * files; one that read the old one a moment ago still finds them.
	 */
	if (kcp_repo_write_index(&r, now, days, err, sizeof(err))) {
		kcp_fail("withdraw: %s", err);
		goto out;
	}
	kcp_fmt(ldir, sizeof(ldir), "%s/%lu", r.dir, level);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		kcp_fmt(path, sizeof(path), "%s/%s", ldir, files[i]);
		if (unlink(path) && errno != ENOENT) {
			kcp_fail("withdraw: cannot remove %s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (rmdir(ldir) && errno != ENOENT)
		fprintf(stderr, "%s: withdraw: %s not removed: %s\n", kcp_prog,
			ldir, strerror(errno));
	printf("withdrew level %lu of %s, index serial %llu\n", level, r.dir,
	       r.ix.serial);
	rc = 0;
out:
	kcp_repo_close(&r);
	return rc;
}

int kcp_cmd_refresh(int argc, char **argv)
{
	const char *now_s = NULL, *days_s = NULL;
	struct kcp_repo r = { .lock_fd = -1 };
	const struct kcp_opt opts[] = {
		{ "--repo", &r.repo }, { "--key", &r.key }, { "--feed", &r.feed },
		{ "--valid-days", &days_s }, { "--now", &now_s }, { NULL },
	};
	char err[1024], exp[21];
	unsigned long days;
	const char *pos[1];
	time_t now;
	int n, rc;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	rc = kcp_repo_args("refresh", &r, now_s, &now, days_s, &days);
	if (rc)
		return rc;
	if (!n && kcp_feed_user(r.feed)) {
		/* The feed list alone: it expires as an index does. */
		rc = KCP_EXIT_ERROR;
		if (kcp_repo_lock(&r, err, sizeof(err)) ||
		    kcp_feedlist_update(r.repo, r.feed, r.key, NULL, NULL, NULL,
					now, days, err, sizeof(err)))
			kcp_fail("refresh: %s", err);
		else {
			printf("refreshed %s/%s/index, the feed's list\n",
			       r.repo, r.feed);
			rc = 0;
		}
		kcp_repo_close(&r);
		return rc;
	}
	if (n != 1)
		return kcp_usage("refresh: expected KERNEL-SHA1 (or none, for a user-space feed's list)");
	if (!kcp_valid_sha1(pos[0]))
		return kcp_usage("refresh: %s: expected 40 lowercase hex digits", pos[0]);
	strcpy(r.sha1, pos[0]);
	rc = KCP_EXIT_ERROR;
	if (kcp_repo_lock(&r, err, sizeof(err)) ||
	    kcp_repo_read_index(&r, true, err, sizeof(err)) ||
	    kcp_repo_write_index(&r, now, days, err, sizeof(err))) {
		kcp_fail("refresh: %s", err);
		goto out;
	}
	kc_time_format(r.ix.expires, exp);
	printf("refreshed %s/index: serial %llu, expires %s\n", r.dir,
	       r.ix.serial, exp);
	rc = 0;
out:
	kcp_repo_close(&r);
	return rc;
}

/* ---- select: the client's side ---------------------------------------- */

int kcp_cmd_select(int argc, char **argv)
{
	const char *repo = NULL, *keys = NULL, *key = NULL, *prefix = NULL,
		   *sticky = NULL, *ptype = NULL, *now_s = NULL, *state = NULL;
	const struct kcp_opt opts[] = {
		{ "--repo", &repo }, { "--keys", &keys }, { "--key", &key },
		{ "--prefix", &prefix }, { "--sticky", &sticky },
		{ "--patch-type", &ptype }, { "--now", &now_s },
		{ "--state", &state }, { NULL },
	};
	char err[1024], why[512], feed[33], dir[PATH_MAX], path[PATH_MAX + 32],
	     sigpath[PATH_MAX + 48];
	const struct kcl_index_level *lv;
	struct kcl_select sel = { 0 };
	struct kcl_index_seen seen;
	struct kcl_keyring kr;
	struct kcl_index ix;
	struct kcl_archive ar;
	struct kcl_manifest m;
	unsigned char *buf = NULL, *kcp = NULL, sha[32];
	size_t len, body, kcplen;
	const char *pos[1];
	unsigned int max;
	time_t now;
	int n, rc = KCP_EXIT_ERROR;

	n = kcp_parse(argc, argv, opts, pos, 1);
	if (n < 0)
		return KCP_EXIT_USAGE;
	if (!repo || (!keys && !key) || n != 1)
		return kcp_usage("select: expected --repo DIR (--keys DIR | --key PUBLIC.pem) KERNEL-SHA1");
	if (!kcp_valid_sha1(pos[0]))
		return kcp_usage("select: %s: expected 40 lowercase hex digits", pos[0]);
	now = time(NULL);
	if (now_s && kcp_parse_time(now_s, &now))
		return kcp_usage("select: --now %s: expected YYYY-MM-DDTHH:MM:SSZ", now_s);
	if (ptype && strcmp(ptype, "default") && strcmp(ptype, "extra") &&
	    strcmp(ptype, "free"))
		return kcp_usage("select: --patch-type %s: expected default, extra or free",
				 ptype);
	if (kcl_prefix_parse(prefix ? prefix : "", feed, sizeof(feed),
			     &sel.delay_hours, err, sizeof(err)))
		return kcp_usage("select: %s", err);
	if (sticky && kcl_sticky_parse(sticky, now, &sel.sticky_until, err,
				       sizeof(err)))
		return kcp_fail("select: %s", err);
	sel.patch_type = ptype ? ptype : "default";
	if (kcp_kernel_dir(dir, sizeof(dir), repo, feed, pos[0]))
		return kcp_fail("select: repository path too long");
	if (kcp_keyring(&kr, key, keys))
		return KCP_EXIT_ERROR;
	memset(&ix, 0, sizeof(ix));

	kcp_fmt(path, sizeof(path), "%s/index", dir);
	if (kcp_read(path, &buf, &len, KCL_INDEX_MAX_SIZE, err, sizeof(err))) {
		kcp_fail("select: no index: %s", err);
		goto out;
	}
	if (kcl_index_verify(&kr, (char *)buf, len, &body, err, sizeof(err))) {
		kcp_fail("select: index rejected: %s", err);
		goto out;
	}
	if (kcl_index_parse((char *)buf, body, &ix, err, sizeof(err))) {
		kcp_fail("select: index rejected: %s", err);
		goto out;
	}
	if (state && kcl_seen_read(state, pos[0], feed, &seen, err, sizeof(err))) {
		kcp_fail("select: %s", err);
		goto out;
	}
	if (kcl_index_check(&ix, pos[0], feed, now, state ? &seen : NULL, err,
			    sizeof(err))) {
		kcp_fail("select: index rejected: %s", err);
		goto out;
	}
	/* An authentic, fresh index: remember it against replays. */
	max = ix.n ? ix.levels[ix.n - 1].level : 0;
	if (state) {
		seen.serial = ix.serial;
		seen.max_level = max > seen.max_level ? max : seen.max_level;
		if (kcl_seen_write(state, pos[0], feed, &seen, err, sizeof(err))) {
			kcp_fail("select: %s", err);
			goto out;
		}
	}
	lv = kcl_index_select(&ix, &sel, now, why, sizeof(why));
	if (!lv) {
		kcp_fail("select: nothing to apply: %s", why);
		goto out;
	}

	kcp_fmt(path, sizeof(path), "%s/%u/patchset.kcp", dir, lv->level);
	kcp_fmt(sigpath, sizeof(sigpath), "%s.sig", path);
	if (kcp_read(path, &kcp, &kcplen, KCL_ARCHIVE_MAX_SIZE + 65536, err,
		     sizeof(err))) {
		kcp_fail("select: level %u: %s", lv->level, err);
		goto out;
	}
	if (kcp_verify_sig(&kr, "patchset.kcp", kcp, kcplen, sigpath, err,
			   sizeof(err))) {
		kcp_fail("select: level %u: %s", lv->level, err);
		goto out;
	}
	kcp_digest("sha256", kcp, kcplen, sha);
	if (memcmp(sha, lv->sha256, 32)) {
		kcp_fail("select: level %u: patchset.kcp does not match the SHA-256 in the index",
			 lv->level);
		goto out;
	}
	if (kcp_check_kcp(kcp, kcplen, &ar, &m, err, sizeof(err))) {
		kcp_fail("select: level %u: patchset.kcp: %s", lv->level, err);
		goto out;
	}
	if (strcmp(m.kernel_sha1, pos[0]) || m.level != lv->level) {
		kcp_fail("select: level %u: patchset.kcp is level %u for kernel %s",
			 lv->level, m.level, m.kernel_sha1);
	} else {
		printf("level %u %s\n", lv->level, path);
		rc = 0;
	}
	kcl_manifest_free(&m);
	kcl_archive_free(&ar);
out:
	kcl_index_free(&ix);
	kcl_keyring_free(&kr);
	free(buf);
	free(kcp);
	return rc;
}

