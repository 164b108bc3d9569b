// SPDX-License-Identifier: GPL-2.0
/*
 * The update pipeline (update.h).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cache.h"
#include "fetch.h"
#include "netchild.h"
#include "register.h"
#include "sandbox-parse.h"
#include "state.h"
#include "sysctl-conf.h"
#include "update.h"
#include "util.h"

/* A patchset file is its inflated contents plus a little framing at most. */
#define KC_PATCHSET_MAX_FILE	(KCL_ARCHIVE_MAX_SIZE + (1u << 20))
#define KC_SIG_MAX_FILE	4096

int kc_update_keys(struct kcl_keyring *kr, char *err, size_t errlen)
{
	const char *dirs[] = { KC_KEYS_DIR, KC_SHIPPED_KEYS_DIR };
	char e[512];
	size_t i;

	memset(kr, 0, sizeof(*kr));
	for (i = 0; i < 2; i++) {
		/* An empty or missing directory is fine: the other may have keys. */
		if (access(dirs[i], F_OK))
			continue;
		if (kcl_keyring_add_dir_lenient(kr, dirs[i], stderr, e, sizeof(e)) &&
		    !strstr(e, "no trusted key"))
			goto fail;
	}
	if (!kr->n)
		return kc_fail(err, errlen,
				"no trusted repository key: import the repository's public key with kcarectl --import-key PATH");
	return 0;
fail:
	kcl_keyring_free(kr);
	return kc_fail(err, errlen, "cannot read the trusted keys: %s", e);
}

int kc_update_init(struct kc_update *u, const struct kc_config *cfg,
		    const char *prefix, char *err, size_t errlen)
{
	char e[512];

	memset(u, 0, sizeof(*u));
	u->cfg = cfg;
	u->policy = cfg->update_policy;
	u->cache_dir = KC_CACHE_DIR;
	u->now = time(NULL);
	u->log = stdout;
	u->deadline_ms = kc_fetch_deadline(cfg->download_timeout ?
					   cfg->download_timeout :
					   KC_DEFAULT_DOWNLOAD_TIMEOUT);
	if (kcl_prefix_parse(prefix ? prefix : cfg->prefix, u->feed,
			     sizeof(u->feed), &u->delay_hours, e, sizeof(e)))
		return kc_fail(err, errlen, "%s%s", prefix ? "--prefix: " : "", e);
	if (kcl_kernel_identify(&u->kernel, err, errlen))
		return -1;
	return kc_update_keys(&u->keys, err, errlen);
}

void kc_update_free(struct kc_update *u)
{
	kcl_keyring_free(&u->keys);
}

/* PATCH_SERVER/[FEED/]SHA1/[LEVEL/]NAME, malloc'd. */
static char *kc_update_url(const struct kc_update *u, unsigned int level,
			    const char *name)
{
	const char *s = u->cfg->patch_server;
	size_t n = strlen(s);
	char lv[16] = "", *url;

	if (level)
		snprintf(lv, sizeof(lv), "%u/", level);
	if (asprintf(&url, "%s%s%s%s%s/%s%s", s, n && s[n - 1] == '/' ? "" : "/",
		     u->feed, *u->feed ? "/" : "", u->kernel.sha1, lv, name) < 0)
		return NULL;
	return url;
}

static void kc_update_fetch_opts(const struct kc_update *u, const char *url,
				  struct kc_fetch_opts *o)
{
	kc_fetch_opts_init(o);
	o->proxy = kc_config_proxy(u->cfg, !strncmp(url, "https:", 6), NULL);
	o->no_proxy = u->cfg->no_proxy;
	o->deadline_ms = u->deadline_ms;
	o->deadline_s = u->cfg->download_timeout;
}

/* Signature, sandboxed parse and checks of an index file. */
static int kc_update_accept_index(struct kc_update *u, const char *text,
				   size_t len, bool cached,
				   struct kcl_index *ix, char *err,
				   size_t errlen)
{
	struct kcl_index_seen seen;
	size_t body;

	if (kcl_index_verify(&u->keys, text, len, &body, err, errlen))
		return -1;
	if (kcl_sandbox_parse_index(text, body, ix, err, errlen))
		return -1;
	if (kcl_seen_read(KCL_STATE_SEEN, u->kernel.sha1, u->feed, &seen, err,
			  errlen))
		goto fail;
	/*
	 * Expiry guards against a network attacker replaying a stale index;
	 * the cache is root's own copy, checked when it was downloaded, and
	 * must still work without network long after, but an expired one
	 * is marked stale (kc_update_index()): it cannot say "up to date".
	 */
	if (kcl_index_check(ix, u->kernel.sha1, u->feed,
			    cached && u->now >= ix->expires ? ix->expires - 1 :
			    u->now, &seen, err, errlen))
		goto fail;
	if (kcl_index_check_generated(ix, u->now, err, errlen))
		goto fail;
	return 0;
fail:
	kcl_index_free(ix);
	return -1;
}

struct kc_sig_check {
	struct kc_update *u;
	const unsigned char *sig;
	size_t siglen;
	const unsigned char *sha256;	/* or NULL */
};

static int kc_update_sha256(const void *data, size_t len,
			     unsigned char out[32])
{
	unsigned int n = 0;

	return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) && n == 32 ? 0 : -1;
}

/* A cache entry is good when it is signed and is what the index lists. */
static int kc_update_verify_entry(const void *data, size_t len, void *arg,
				   char *err, size_t errlen)
{
	struct kc_sig_check *c = arg;
	unsigned char sha[32];

	if (c->sig && kcl_verify(&c->u->keys, data, len, c->sig, c->siglen, err,
				 errlen))
		return -1;
	if (c->sha256 && (kc_update_sha256(data, len, sha) ||
			  memcmp(sha, c->sha256, 32)))
		return kc_fail(err, errlen, "does not match the SHA-256 in the index");
	return 0;
}

static int kc_update_verify_index(const void *data, size_t len, void *arg,
				   char *err, size_t errlen)
{
	struct kc_sig_check *c = arg;
	size_t body;

	return kcl_index_verify(&c->u->keys, data, len, &body, err, errlen);
}

static int kc_update_cached_index(struct kc_update *u, struct kcl_index *ix,
				   char *err, size_t errlen)
{
	struct kc_sig_check c = { .u = u };
	char rel[KC_CACHE_PATH_MAX], e[1024];
	void *data;
	size_t len;
	int rc;

	if (kc_cache_relpath(rel, sizeof(rel), u->feed, u->kernel.sha1, 0,
			      "index", err, errlen))
		return -1;
	rc = kc_cache_verified_get(u->cache_dir, rel, KCL_INDEX_MAX_SIZE,
				    kc_update_verify_index,
				    &c, &data, &len, e, sizeof(e));
	if (rc == KC_CACHE_CORRUPT && u->log)
		fprintf(u->log, "%s\n", e);
	if (rc)
		return rc > 0 ? rc : kc_fail(err, errlen, "%s", e);
	rc = kc_update_accept_index(u, data, len, true, ix, e, sizeof(e));
	free(data);
	if (rc) {
		/* Signed by nobody we trust, or not ours: never use it again. */
		kc_cache_remove(u->cache_dir, rel, NULL, 0);
		if (u->log)
			fprintf(u->log, "The cached index %s/%s was rejected (%s) and was removed\n",
				u->cache_dir, rel, e);
		return KC_CACHE_CORRUPT;
	}
	return 0;
}

static int kc_update_remote_index(struct kc_update *u, struct kcl_index *ix,
				   char *err, size_t errlen)
{
	char rel[KC_CACHE_PATH_MAX], e[1024], shown[1024], *url, *buf = NULL;
	struct kcl_index_seen seen;
	struct kc_fetch_opts o;
	unsigned int max;
	size_t len;
	int rc;

	url = kc_update_url(u, 0, "index");
	if (!url)
		return kc_fail(err, errlen, "out of memory");
	kc_url_redact(url, shown, sizeof(shown));
	kc_update_fetch_opts(u, url, &o);
	rc = kc_net_fetch_mem(&o, url, KCL_INDEX_MAX_SIZE, &buf, &len, e, sizeof(e));
	if (rc == KC_FETCH_NOT_FOUND) {
		free(url);
		return KC_UPDATE_UNKNOWN_KERNEL;
	}
	if (rc) {
		kc_fail(err, errlen, "cannot download the index: %s", e);
		goto out;
	}
	if (kc_update_accept_index(u, buf, len, false, ix, e, sizeof(e))) {
		rc = kc_fail(err, errlen, "the index %s was rejected: %s", shown, e);
		goto out;
	}
	if (u->readonly) {
		rc = 0;
		goto out;
	}
	/* Authentic and fresh: remember it against replays, then keep it. */
	max = ix->n ? ix->levels[ix->n - 1].level : 0;
	seen.serial = ix->serial;
	seen.max_level = max;
	{
		struct kcl_index_seen old;

		if (!kcl_seen_read(KCL_STATE_SEEN, u->kernel.sha1, u->feed, &old,
				   NULL, 0) && old.max_level > max)
			seen.max_level = old.max_level;
	}
	if (kcl_seen_write(KCL_STATE_SEEN, u->kernel.sha1, u->feed, &seen, e,
			   sizeof(e)) ||
	    kc_cache_relpath(rel, sizeof(rel), u->feed, u->kernel.sha1, 0,
			      "index", e, sizeof(e)) ||
	    kc_cache_put(u->cache_dir, rel, buf, len, e, sizeof(e))) {
		kcl_index_free(ix);
		rc = kc_fail(err, errlen, "%s", e);
		goto out;
	}
	rc = 0;
out:
	free(url);
	free(buf);
	return rc;
}

/* Whether the cached index of this kernel may be used without asking. */
static bool kc_update_index_fresh(struct kc_update *u,
				  const struct kcl_index *ix)
{
	char rel[KC_CACHE_PATH_MAX];
	time_t age;

	if (u->now >= ix->expires)
		return false;
	if (kc_cache_relpath(rel, sizeof(rel), u->feed, u->kernel.sha1, 0,
			      "index", NULL, 0) ||
	    kc_cache_age(u->cache_dir, rel, u->now, &age))
		return false;
	return age < KC_INDEX_REFRESH;
}

static void kc_update_mark_stale(struct kc_update *u,
				 const struct kcl_index *ix)
{
	char t[21];

	if (u->now < ix->expires)
		return;
	u->stale = true;
	u->stale_expires = ix->expires;
	kc_time_format(ix->expires, t);
	if (u->log)
		fprintf(u->log, "Warning: the cached index of this kernel expired on %s; newer patches may exist (the server could not be asked)\n",
			t);
}

int kc_update_index(struct kc_update *u, struct kcl_index *ix, char *err,
		     size_t errlen)
{
	struct kcl_index remote;
	char e[2048];
	int rc;

	memset(ix, 0, sizeof(*ix));
	u->stale = false;
	if (u->policy == KC_POLICY_REMOTE)
		return kc_update_remote_index(u, ix, err, errlen);
	rc = kc_update_cached_index(u, ix, err, errlen);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		/* Missing or corrupt (and removed): LOCAL_FIRST asks the server. */
		if (u->policy == KC_POLICY_LOCAL)
			return kc_fail(err, errlen,
					"no usable index of this kernel in the cache %s (UPDATE_POLICY=LOCAL never downloads: run kcarectl --update once with network)",
					u->cache_dir);
		return kc_update_remote_index(u, ix, err, errlen);
	}
	if (u->policy == KC_POLICY_LOCAL || kc_update_index_fresh(u, ix)) {
		kc_update_mark_stale(u, ix);
		return 0;
	}
	/* LOCAL_FIRST with an old or expired copy: the server knows better. */
	rc = kc_update_remote_index(u, &remote, e, sizeof(e));
	if (rc == 0 || rc == KC_UPDATE_UNKNOWN_KERNEL) {
		kcl_index_free(ix);
		*ix = remote;
		return rc;
	}
	if (u->log)
		fprintf(u->log, "The server could not be asked for a newer index (%s): using the cached one\n",
			e);
	kc_update_mark_stale(u, ix);
	return 0;
}

int kc_update_sticky(struct kc_update *u, time_t *until, char *why,
		     size_t whylen)
{
	const struct kc_config *c = u->cfg;
	char e[512], date[9] = "";

	*until = 0;
	/* STICKY_PATCH=KEY: the date the server sets for this machine's key. */
	if (c->sticky == KC_STICKY_KEY &&
	    kc_reg_sticky(c, date, u->log, why, whylen))
		return -1;
	if (c->sticky == KC_STICKY_DATE)
		snprintf(date, sizeof(date), "%s", c->sticky_date);
	if (*date && kcl_sticky_parse(date, u->now, until, e, sizeof(e)))
		return kc_fail(why, whylen, "STICKY_PATCH: %s", e);
	return 0;
}

const struct kcl_index_level *kc_update_choose(struct kc_update *u,
						const struct kcl_index *ix,
						bool *failed, char *why,
						size_t whylen)
{
	const struct kc_config *c = u->cfg;
	struct kcl_select sel = { 0 };

	*failed = false;
	sel.patch_type = c->patch_type[0] ? c->patch_type : "default";
	sel.delay_hours = u->delay_hours;
	if (kc_update_sticky(u, &sel.sticky_until, why, whylen)) {
		*failed = true;
		return NULL;
	}
	return kcl_index_select(ix, &sel, u->now, why, whylen);
}

void kc_patchset_free(struct kc_patchset *ps)
{
	kcl_archive_free(&ps->ar);
	kcl_manifest_free(&ps->m);
	memset(ps, 0, sizeof(*ps));
}

struct kc_payload_job {
	const char *file;
	const struct kcl_payload_want *want;
};

/* In the sandbox: the payload's ELF checks, the info as the result. */
static int kc_update_payload_fn(const void *in, size_t inlen, void *arg,
				 struct kc_sbuf *out)
{
	const struct kc_payload_job *job = arg;
	struct kcl_payload_info info;
	char e[1024];

	if (kcl_payload_check(job->file, in, inlen, job->want, &info, e,
			      sizeof(e)))
		return kc_sbuf_fail(out, e);
	return kc_sbuf_add(out, &info, sizeof(info));
}

/*
 * The payload module is parsed (libelf) in the sandbox too, like every
 * downloaded byte. What comes back is only used as a module name and in
 * messages: it must be terminated, and the name a module name.
 */
static int kc_update_check_payload(const char *file,
				    const struct kcl_entry *payload,
				    const struct kcl_payload_want *want,
				    struct kcl_payload_info *info, char *err,
				    size_t errlen)
{
	struct kc_payload_job job = { file, want };
	unsigned char *out;
	size_t outlen, i;

	if (kc_sandbox_run(kc_update_payload_fn, payload->data, payload->size,
			    &job, &out, &outlen, err, errlen))
		return -1;
	if (outlen != sizeof(*info)) {
		free(out);
		return kc_fail(err, errlen, "payload %s: the parser's result is malformed",
				file);
	}
	memcpy(info, out, sizeof(*info));
	free(out);
	info->vermagic[sizeof(info->vermagic) - 1] = '\0';
	info->build_id[sizeof(info->build_id) - 1] = '\0';
	info->name[sizeof(info->name) - 1] = '\0';
	for (i = 0; info->name[i]; i++)
		if (!isalnum((unsigned char)info->name[i]) && info->name[i] != '_')
			break;
	if (!i || info->name[i] || strcmp(info->build_id, want->build_id))
		return kc_fail(err, errlen, "payload %s: the parser's result is malformed",
				file);
	return 0;
}

/* Unpack @buf in the sandbox and check it is for this kernel and level. */
static int kc_update_unpack(struct kc_update *u, unsigned int level,
			     const unsigned char *buf, size_t len,
			     struct kc_patchset *ps, char *err, size_t errlen)
{
	const struct kcl_kernel *k = &u->kernel;
	struct kcl_payload_want want;
	struct kcl_manifest *m = &ps->m;
	char e[1024];

	memset(ps, 0, sizeof(*ps));
	if (kcl_sandbox_unpack_patchset(buf, len, &ps->ar, m, e, sizeof(e)))
		return kc_fail(err, errlen, "%s", e);
	if (m->level != level) {
		kc_fail(err, errlen, "it is patchset %s level %u, not level %u",
			 m->id, m->level, level);
		goto fail;
	}
	if (strcmp(m->arch, k->arch) || strcmp(m->kernel_sha1, k->sha1) ||
	    strcmp(m->kernel_release, k->release) ||
	    strcmp(m->kernel_build_id, k->build_id)) {
		kc_fail(err, errlen,
			 "patchset %s level %u is for another kernel: %s %s (/proc/version SHA-1 %s, build-id %s), this kernel is %s %s (SHA-1 %s, build-id %s)",
			 m->id, m->level, m->kernel_release, m->arch,
			 m->kernel_sha1, m->kernel_build_id, k->release, k->arch,
			 k->sha1, k->build_id);
		goto fail;
	}
	if (m->npayloads != 1) {
		kc_fail(err, errlen,
			 "patchset %s level %u has %zu payloads; this kcarectl loads patchsets of one payload",
			 m->id, m->level, m->npayloads);
		goto fail;
	}
	ps->payload = kcl_archive_find(&ps->ar, m->payloads[0].file);
	if (!ps->payload) {
		kc_fail(err, errlen, "payload %s missing", m->payloads[0].file);
		goto fail;
	}
	want.arch = k->arch;
	want.kernel_release = k->release;
	want.build_id = k->build_id;
	if (kc_update_check_payload(m->payloads[0].file, ps->payload, &want,
				     &ps->info, e, sizeof(e))) {
		kc_fail(err, errlen, "%s", e);
		goto fail;
	}
	return 0;
fail:
	kc_patchset_free(ps);
	return -1;
}

static int kc_update_cached_patchset(struct kc_update *u, unsigned int level,
				      const unsigned char *sha256,
				      struct kc_patchset *ps, char *err,
				      size_t errlen)
{
	char rel[KC_CACHE_PATH_MAX], relsig[KC_CACHE_PATH_MAX], e[1024];
	struct kc_sig_check c = { .u = u, .sha256 = sha256 };
	void *sig = NULL, *data = NULL;
	size_t siglen, len;
	int rc;

	if (kc_cache_relpath(rel, sizeof(rel), u->feed, u->kernel.sha1, level,
			      "patchset.kcp", err, errlen) ||
	    kc_cache_relpath(relsig, sizeof(relsig), u->feed, u->kernel.sha1,
			      level, "patchset.kcp.sig", err, errlen))
		return -1;
	rc = kc_cache_get(u->cache_dir, relsig, KC_SIG_MAX_FILE, &sig, &siglen,
			   e, sizeof(e));
	if (rc == KC_CACHE_MISS) {
		/* A patchset without its signature is half a cache entry. */
		kc_cache_remove(u->cache_dir, rel, NULL, 0);
		return KC_CACHE_MISS;
	}
	if (rc) {
		kc_cache_remove(u->cache_dir, relsig, NULL, 0);
		kc_cache_remove(u->cache_dir, rel, NULL, 0);
		if (u->log)
			fprintf(u->log, "cache entry %s/%s was unreadable (%s) and was removed\n",
				u->cache_dir, relsig, e);
		return KC_CACHE_CORRUPT;
	}
	c.sig = sig;
	c.siglen = siglen;
	rc = kc_cache_verified_get(u->cache_dir, rel, KC_PATCHSET_MAX_FILE,
				    kc_update_verify_entry, &c, &data, &len, e,
				    sizeof(e));
	free(sig);
	if (rc == KC_CACHE_CORRUPT) {
		kc_cache_remove(u->cache_dir, relsig, NULL, 0);
		if (u->log)
			fprintf(u->log, "%s\n", e);
		return KC_CACHE_CORRUPT;
	}
	if (rc == KC_CACHE_MISS) {
		kc_cache_remove(u->cache_dir, relsig, NULL, 0);
		return KC_CACHE_MISS;
	}
	if (rc)
		return kc_fail(err, errlen, "%s", e);
	rc = kc_update_unpack(u, level, data, len, ps, e, sizeof(e));
	free(data);
	if (rc)
		return kc_fail(err, errlen, "level %u in the cache %s: %s", level,
				u->cache_dir, e);
	return 0;
}

/* Read the whole staged download from @fd, at most @max bytes. */
static int kc_update_read_staged(int fd, size_t max, char **data,
				  size_t *len, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) || (unsigned long long)st.st_size > max)
		return kc_fail(err, errlen, "the staged download is larger than %zu bytes",
				max);
	*data = malloc((size_t)st.st_size + 1);
	if (!*data)
		return kc_fail(err, errlen, "out of memory");
	if (pread(fd, *data, st.st_size, 0) != st.st_size) {
		free(*data);
		*data = NULL;
		return kc_fail(err, errlen, "cannot read the staged download: %s",
				strerror(errno));
	}
	*len = st.st_size;
	return 0;
}

static int kc_update_remote_patchset(struct kc_update *u, unsigned int level,
				      const unsigned char *sha256,
				      struct kc_patchset *ps, char *err,
				      size_t errlen)
{
	char rel[KC_CACHE_PATH_MAX], relsig[KC_CACHE_PATH_MAX], e[1024],
	     stname[128], shown[1024], info[4096];
	char *url = NULL, *sigurl = NULL, *sig = NULL, *data = NULL;
	struct kc_sig_check c = { .u = u, .sha256 = sha256 };
	int fd = -1, info_fd = -1, rc = -1;
	struct kc_part_info pi;
	struct kc_fetch_opts o;
	size_t siglen, len = 0, infolen;

	if (kc_cache_relpath(rel, sizeof(rel), u->feed, u->kernel.sha1, level,
			      "patchset.kcp", err, errlen) ||
	    kc_cache_relpath(relsig, sizeof(relsig), u->feed, u->kernel.sha1,
			      level, "patchset.kcp.sig", err, errlen))
		return -1;
	url = kc_update_url(u, level, "patchset.kcp");
	sigurl = kc_update_url(u, level, "patchset.kcp.sig");
	if (!url || !sigurl) {
		kc_fail(err, errlen, "out of memory");
		goto out;
	}
	kc_url_redact(url, shown, sizeof(shown));
	kc_update_fetch_opts(u, url, &o);
	if (kc_net_fetch_mem(&o, sigurl, KC_SIG_MAX_FILE, &sig, &siglen, e,
			      sizeof(e))) {
		kc_fail(err, errlen, "cannot download level %u: %s", level, e);
		goto out;
	}
	/*
	 * Downloads land in the cache's staging directory, opened here
	 * (never through a link) and handed to the download child as open
	 * files; a cut transfer is resumed by the next run. Only a verified
	 * file enters the cache.
	 */
	snprintf(stname, sizeof(stname), "%s-%s-%u.kcp",
		 *u->feed ? u->feed : "-", u->kernel.sha1, level);
	if (kc_cache_stage(u->cache_dir, stname, &fd, &info_fd, info,
			    sizeof(info), &infolen, err, errlen))
		goto out;
	kc_fetch_part_info_parse(info, infolen, url, &pi);
	if (kc_net_fetch_fd(&o, url, fd, info_fd, &pi, KC_PATCHSET_MAX_FILE, e,
			     sizeof(e))) {
		kc_fail(err, errlen, "cannot download level %u: %s", level, e);
		goto out;
	}
	if (kc_update_read_staged(fd, KC_PATCHSET_MAX_FILE, &data, &len, err,
				   errlen))
		goto out_unstage;
	c.sig = (unsigned char *)sig;
	c.siglen = siglen;
	if (kc_update_verify_entry(data, len, &c, e, sizeof(e)) ||
	    kc_update_unpack(u, level, (unsigned char *)data, len, ps, e,
			      sizeof(e))) {
		kc_fail(err, errlen, "level %u from %s was rejected: %s", level,
			 shown, e);
		goto out_unstage;
	}
	/* The patchset first: an entry without its signature is not used. */
	if (kc_cache_put(u->cache_dir, rel, data, len, e, sizeof(e)) ||
	    kc_cache_put(u->cache_dir, relsig, sig, siglen, e, sizeof(e))) {
		kc_cache_remove(u->cache_dir, rel, NULL, 0);
		kc_patchset_free(ps);
		kc_fail(err, errlen, "%s", e);
		goto out_unstage;
	}
	rc = 0;
out_unstage:
	kc_cache_unstage(u->cache_dir, stname);
out:
	if (fd >= 0)
		close(fd);
	if (info_fd >= 0)
		close(info_fd);
	free(url);
	free(sigurl);
	free(sig);
	free(data);
	return rc;
}

int kc_update_patchset(struct kc_update *u, unsigned int level,
			const unsigned char *sha256, bool cache_only,
			struct kc_patchset *ps, char *err, size_t errlen)
{
	int rc;

	memset(ps, 0, sizeof(*ps));
	rc = kc_update_cached_patchset(u, level, sha256, ps, err, errlen);
	if (rc <= 0)
		return rc;
	if (cache_only || u->policy == KC_POLICY_LOCAL)
		return kc_fail(err, errlen,
				"level %u of this kernel is not in the cache %s%s",
				level, u->cache_dir,
				cache_only ? "" : " (UPDATE_POLICY=LOCAL never downloads)");
	return kc_update_remote_patchset(u, level, sha256, ps, err, errlen);
}

int kc_update_apply(struct kc_update *u, const struct kc_patchset *ps,
		     const char *freezer, bool force, char *err, size_t errlen)
{
	const struct kcl_manifest *m = &ps->m;
	struct kcl_applied a = { 0 };
	struct kcl_engine e;
	char params[64], msg[2048], *text;

	if (kcl_engine_ensure(err, errlen))
		return -1;
	if (kcl_module_loaded(ps->info.name))
		return kc_fail(err, errlen,
				"cannot load patchset %s level %u: its payload module %s is already loaded (payloads of different levels must have different names; see lsmod)",
				m->id, m->level, ps->info.name);
	snprintf(params, sizeof(params), "%s%s%s", freezer ? "freezer=" : "",
		 freezer ? freezer : "", force ? (freezer ? " force=1" : "force=1") : "");
	if (kcl_engine_load(ps->payload->data, ps->payload->size,
			    ps->info.name, params, msg, sizeof(msg)))
		return kc_fail(err, errlen, "patch level %u was not applied: %s",
				m->level, msg);
	if (kcl_engine_read(&e, msg, sizeof(msg)) || e.level != m->level ||
	    strcmp(e.patchset, m->id))
		return kc_fail(err, errlen,
				"patch level %u was loaded but the engine reports %s level %u",
				m->level, e.patchset, e.level);
	/* The patchset it replaced is no longer used by anything. */
	kcl_engine_remove_payloads(ps->info.name);
	snprintf(a.feed, sizeof(a.feed), "%s", u->feed);
	a.level = m->level;
	if (kcl_applied_write(KCL_STATE_APPLIED, u->kernel.sha1, &a, msg,
			      sizeof(msg)) && u->log)
		fprintf(u->log, "warning: the level will not be re-applied at boot: %s\n",
			msg);
	text = kcl_manifest_format(m);
	if (!text || kc_write_atomic(KCL_STATE_MANIFEST, text, strlen(text),
				      0600, msg, sizeof(msg)))
		if (u->log)
			fprintf(u->log, "warning: --info will not show the build time: %s\n",
				text ? msg : "out of memory");
	free(text);
	if (u->cfg->load_kcare_sysctl &&
	    kc_sysctl_conf_apply(NULL, NULL, msg, sizeof(msg), NULL) && u->log)
		fprintf(u->log, "warning: %s\n", msg);
	/* FORCE_GID is for the extra patch: silent when it is not applied. */
	if (u->cfg->force_gid_set &&
	    kc_sysctl_force_gid(NULL, u->cfg->force_gid, msg, sizeof(msg)) < 0 &&
	    u->log)
		fprintf(u->log, "warning: %s\n", msg);
	return 0;
}
