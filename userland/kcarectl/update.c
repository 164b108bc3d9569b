// SPDX-License-Identifier: GPL-2.0
/*
 * The update pipeline (update.h).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cache.h"
#include "fetch.h"
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
		if (kcl_keyring_add_dir(kr, dirs[i], e, sizeof(e)) &&
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
	 * must still work without network long after.
	 */
	if (kcl_index_check(ix, u->kernel.sha1, u->feed,
			    cached ? ix->generated : u->now, &seen, err, errlen))
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
	if (rc)
		return rc == KC_CACHE_MISS ? KC_CACHE_MISS :
			kc_fail(err, errlen, "%s", e);
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
	char rel[KC_CACHE_PATH_MAX], e[1024], *url, *buf = NULL;
	struct kcl_index_seen seen;
	struct kc_fetch_opts o;
	unsigned int max;
	size_t len;
	int rc;

	url = kc_update_url(u, 0, "index");
	if (!url)
		return kc_fail(err, errlen, "out of memory");
	kc_update_fetch_opts(u, url, &o);
	rc = kc_fetch_mem(&o, url, KCL_INDEX_MAX_SIZE, &buf, &len, e, sizeof(e));
	if (rc == KC_FETCH_NOT_FOUND) {
		free(url);
		return KC_UPDATE_UNKNOWN_KERNEL;
	}
	if (rc) {
		kc_fail(err, errlen, "cannot download the index: %s", e);
		goto out;
	}
	if (kc_update_accept_index(u, buf, len, false, ix, e, sizeof(e))) {
		rc = kc_fail(err, errlen, "the index %s was rejected: %s", url, e);
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

int kc_update_index(struct kc_update *u, struct kcl_index *ix, char *err,
		     size_t errlen)
{
	int rc;

	memset(ix, 0, sizeof(*ix));
	if (u->policy != KC_POLICY_REMOTE) {
		rc = kc_update_cached_index(u, ix, err, errlen);
		if (rc <= 0)
			return rc;
		if (u->policy == KC_POLICY_LOCAL)
			return kc_fail(err, errlen,
					"no usable index of this kernel in the cache %s (UPDATE_POLICY=LOCAL never downloads: run kcarectl --update once with network)",
					u->cache_dir);
	}
	return kc_update_remote_index(u, ix, err, errlen);
}

const struct kcl_index_level *kc_update_choose(struct kc_update *u,
						const struct kcl_index *ix,
						bool *failed, char *why,
						size_t whylen)
{
	const struct kc_config *c = u->cfg;
	struct kcl_select sel = { 0 };
	char e[512], date[7] = "";

	*failed = false;
	sel.patch_type = c->patch_type[0] ? c->patch_type : "default";
	sel.delay_hours = u->delay_hours;
	/* STICKY_PATCH=KEY: the date the server sets for this machine's key. */
	if (c->sticky == KC_STICKY_KEY &&
	    kc_reg_sticky(c, date, u->log, why, whylen)) {
		*failed = true;
		return NULL;
	}
	if (c->sticky == KC_STICKY_DATE)
		memcpy(date, c->sticky_date, sizeof(date));
	if (*date &&
	    kcl_sticky_parse(date, u->now, &sel.sticky_until, e, sizeof(e))) {
		*failed = true;
		kc_fail(why, whylen, "STICKY_PATCH: %s", e);
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

static int kc_update_remote_patchset(struct kc_update *u, unsigned int level,
				      const unsigned char *sha256,
				      struct kc_patchset *ps, char *err,
				      size_t errlen)
{
	char rel[KC_CACHE_PATH_MAX], relsig[KC_CACHE_PATH_MAX], e[1024],
	     staging[KC_CACHE_PATH_MAX + 128], stdir[KC_CACHE_PATH_MAX];
	char *url = NULL, *sigurl = NULL, *sig = NULL, *data = NULL;
	struct kc_sig_check c = { .u = u, .sha256 = sha256 };
	struct kc_fetch_opts o;
	size_t siglen, len;
	int rc = -1;

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
	kc_update_fetch_opts(u, url, &o);
	if (kc_fetch_mem(&o, sigurl, KC_SIG_MAX_FILE, &sig, &siglen, e,
			  sizeof(e))) {
		kc_fail(err, errlen, "cannot download level %u: %s", level, e);
		goto out;
	}
	/*
	 * Downloads land beside the cache, where a cut transfer is resumed
	 * by the next run; only a verified file enters the cache.
	 */
	snprintf(stdir, sizeof(stdir), "%s/.partial", u->cache_dir);
	snprintf(staging, sizeof(staging), "%s/%s-%s-%u.kcp", stdir,
		 *u->feed ? u->feed : "-", u->kernel.sha1, level);
	if (kc_mkdirs(stdir, 0700, err, errlen))
		goto out;
	if (kc_fetch(&o, url, staging, KC_PATCHSET_MAX_FILE, e, sizeof(e))) {
		kc_fail(err, errlen, "cannot download level %u: %s", level, e);
		goto out;
	}
	if (kc_read_file(staging, KC_PATCHSET_MAX_FILE, &data, &len, NULL, e,
			  sizeof(e))) {
		kc_fail(err, errlen, "%s", e);
		goto out_unlink;
	}
	c.sig = (unsigned char *)sig;
	c.siglen = siglen;
	if (kc_update_verify_entry(data, len, &c, e, sizeof(e)) ||
	    kc_update_unpack(u, level, (unsigned char *)data, len, ps, e,
			      sizeof(e))) {
		kc_fail(err, errlen, "level %u from %s was rejected: %s", level,
			 url, e);
		goto out_unlink;
	}
	/* The patchset first: an entry without its signature is not used. */
	if (kc_cache_put(u->cache_dir, rel, data, len, e, sizeof(e)) ||
	    kc_cache_put(u->cache_dir, relsig, sig, siglen, e, sizeof(e))) {
		kc_cache_remove(u->cache_dir, rel, NULL, 0);
		kc_patchset_free(ps);
		kc_fail(err, errlen, "%s", e);
		goto out_unlink;
	}
	rc = 0;
out_unlink:
	unlink(staging);
out:
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
	return 0;
}
