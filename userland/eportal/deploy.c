// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: deploy (deploy.h). The archive is read with libarchive
 * into memory, by base name: its paths are never used to write anything,
 * so "../" or absolute names in a hostile archive reach nothing.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include EP_LIBARCHIVE_H	/* libarchive's, not loader/archive.h */
#include <archive_entry.h>

#include "archive.h"
#include "manifest.h"
#include "sign.h"
#include "util.h"

#include "cmd.h"
#include "deploy.h"
#include "patchset.h"
#include "repo.h"

#define EP_DEPLOY_MAX_FILES	4096
#define EP_DEPLOY_MAX_TOTAL	(1024u << 20)

void ep_kcp_set_free(struct ep_kcp_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free(set->f[i].data);
		free(set->f[i].sig);
	}
	free(set->f);
	memset(set, 0, sizeof(*set));
}

static struct ep_kcp_file *ep_set_get(struct ep_kcp_set *set, const char *name)
{
	struct ep_kcp_file *nf;
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->f[i].name, name))
			return &set->f[i];
	if (set->n >= EP_DEPLOY_MAX_FILES)
		return NULL;
	nf = realloc(set->f, (set->n + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	set->f = nf;
	nf = &set->f[set->n++];
	memset(nf, 0, sizeof(*nf));
	ep_fmt(nf->name, sizeof(nf->name), "%s", name);
	return nf;
}

static bool ep_ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

int ep_deploy_read_archive(const char *path, struct ep_kcp_set *set,
			   char *err, size_t errlen)
{
	struct archive_entry *ent;
	struct archive *a;
	size_t total = 0, i;
	int r;

	memset(set, 0, sizeof(*set));
	a = archive_read_new();
	if (!a) {
		ep_fmt(err, errlen, "out of memory");
		return -1;
	}
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		ep_fmt(err, errlen, "%s: %s", path, archive_error_string(a));
		goto fail;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent), *base;
		struct ep_kcp_file *f;
		unsigned char **dst;
		size_t *dlen, max;
		la_int64_t size;
		bool is_sig;

		if (archive_entry_filetype(ent) != AE_IFREG || !name)
			continue;
		base = strrchr(name, '/');
		base = base ? base + 1 : name;
		is_sig = ep_ends(base, ".kcp.sig");
		if (!is_sig && !ep_ends(base, ".kcp"))
			continue;
		if (strlen(base) >= sizeof(f->name)) {
			ep_fmt(err, errlen, "%s: %s: name too long", path, name);
			goto fail;
		}
		{
			char key[256];

			ep_fmt(key, sizeof(key), "%.*s", (int)(strlen(base) - (is_sig ? 4 : 0)), base);
			f = ep_set_get(set, key);
		}
		if (!f) {
			ep_fmt(err, errlen, "%s: too many patchset files", path);
			goto fail;
		}
		dst = is_sig ? &f->sig : &f->data;
		dlen = is_sig ? &f->siglen : &f->len;
		max = is_sig ? 4096 : KCL_ARCHIVE_MAX_SIZE + 65536;
		if (*dst) {
			ep_fmt(err, errlen, "%s: %s is in the archive twice", path, base);
			goto fail;
		}
		size = archive_entry_size(ent);
		if (size < 0 || (size_t)size > max ||
		    total + size > EP_DEPLOY_MAX_TOTAL) {
			ep_fmt(err, errlen, "%s: %s: too large", path, name);
			goto fail;
		}
		*dst = malloc(size ? size : 1);
		if (!*dst) {
			ep_fmt(err, errlen, "out of memory");
			goto fail;
		}
		if (archive_read_data(a, *dst, size) != size) {
			ep_fmt(err, errlen, "%s: %s: %s", path, name,
			       archive_error_string(a) ? archive_error_string(a) :
			       "short read");
			goto fail;
		}
		*dlen = size;
		total += size;
	}
	if (r != ARCHIVE_EOF) {
		ep_fmt(err, errlen, "%s: %s", path, archive_error_string(a));
		goto fail;
	}
	archive_read_free(a);
	if (!set->n) {
		ep_fmt(err, errlen, "%s: no patchset file (*.kcp) in the archive", path);
		ep_kcp_set_free(set);
		return -1;
	}
	for (i = 0; i < set->n; i++) {
		if (!set->f[i].data) {
			ep_fmt(err, errlen, "%s: %s.sig without %s", path,
			       set->f[i].name, set->f[i].name);
			ep_kcp_set_free(set);
			return -1;
		}
	}
	return 0;
fail:
	archive_read_free(a);
	ep_kcp_set_free(set);
	return -1;
}

struct ep_checked {
	struct ep_patchset p;
	bool skip;
};

struct ep_find {
	const struct ep_patchset *want;
	int found;			/* 0 none, 1 same file, 2 other, 3 undeployed */
};

static int ep_find_cb(const struct ep_patchset *p, void *arg)
{
	struct ep_find *f = arg;

	if (p->level != f->want->level)
		return 0;
	if (p->state == EP_PS_UNDEPLOYED)
		f->found = 3;
	else
		f->found = strcmp(p->sha256, f->want->sha256) ? 2 : 1;
	return 1;
}

/* Check one patchset file: signature, contents; fill @p. */
static int ep_check_one(const struct kcl_keyring *kr, const struct ep_kcp_file *f,
			struct ep_patchset *p, char *err, size_t errlen)
{
	unsigned char sha[32];
	struct kcl_archive ar;
	struct kcl_manifest m;
	char e[512];

	if (!f->sig) {
		ep_fmt(err, errlen, "%s: no signature (%s.sig)", f->name, f->name);
		return -1;
	}
	if (kcl_verify(kr, f->data, f->len, f->sig, f->siglen, e, sizeof(e))) {
		ep_fmt(err, errlen, "%s: %s", f->name, e);
		return -1;
	}
	if (kcp_check_kcp(f->data, f->len, &ar, &m, e, sizeof(e))) {
		ep_fmt(err, errlen, "%s: %s", f->name, e);
		return -1;
	}
	kcl_archive_free(&ar);
	kcp_digest("sha256", f->data, f->len, sha);
	kc_hex(p->sha256, sha, 32);
	ep_fmt(p->kernel_sha1, sizeof(p->kernel_sha1), "%s", m.kernel_sha1);
	p->level = m.level;
	ep_fmt(p->id, sizeof(p->id), "%s", m.id);
	ep_fmt(p->patch_type, sizeof(p->patch_type), "%s", m.patch_type);
	ep_fmt(p->kernel_release, sizeof(p->kernel_release), "%s", m.kernel_release);
	p->release_time = m.release_time;
	kcl_manifest_free(&m);
	return 0;
}

int ep_deploy(const struct ep_config *cfg, struct ep_store *s,
	      const char *stream, const char *feed, struct ep_kcp_set *set,
	      bool disabled, bool skip_present, time_t now, FILE *out,
	      char *err, size_t errlen)
{
	char trusted[PATH_MAX], path[PATH_MAX], e[512];
	struct kcl_keyring kr = { 0 };
	struct ep_checked *c = NULL;
	struct ep_feed fd;
	size_t i, j;
	int lock = -1, rc = -1;

	if (s->ops->feed_get(s, feed, &fd)) {
		ep_fmt(err, errlen, "no feed \"%s\" (kcare-eportal feed add %s)",
		       ep_feed_label(feed), feed);
		return -1;
	}
	ep_path(cfg, trusted, sizeof(trusted), "keys/trusted");
	if (kcl_keyring_add_dir(&kr, trusted, err, errlen))
		return -1;
	c = calloc(set->n, sizeof(*c));
	if (!c) {
		ep_fmt(err, errlen, "out of memory");
		goto out;
	}
	/* Everything is checked before anything changes. */
	for (i = 0; i < set->n; i++) {
		if (ep_check_one(&kr, &set->f[i], &c[i].p, err, errlen))
			goto out;
		if (ep_stream_check(stream, feed, c[i].p.patch_type, e,
				    sizeof(e))) {
			ep_fmt(err, errlen, "%s: %s", set->f[i].name, e);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (c[j].p.level == c[i].p.level &&
			    !strcmp(c[j].p.kernel_sha1, c[i].p.kernel_sha1)) {
				ep_fmt(err, errlen, "%s and %s are both level %u of kernel %s",
				       set->f[j].name, set->f[i].name, c[i].p.level,
				       c[i].p.kernel_sha1);
				goto out;
			}
	}
	lock = ep_repo_lock(cfg, err, errlen);
	if (lock < 0)
		goto out;
	for (i = 0; i < set->n; i++) {
		struct ep_find f = { .want = &c[i].p };

		if (s->ops->patchset_list(s, feed, c[i].p.kernel_sha1, ep_find_cb, &f)) {
			ep_fmt(err, errlen, "%s", s->err);
			goto out;
		}
		if (f.found == 1 && skip_present) {
			c[i].skip = true;
		} else if (f.found == 1 || f.found == 2) {
			ep_fmt(err, errlen, "%s: level %u of kernel %s is already deployed to feed %s%s (undeploy it first)",
			       set->f[i].name, c[i].p.level, c[i].p.kernel_sha1,
			       ep_feed_label(feed), f.found == 2 ? " with another file" : "");
			goto out;
		}
	}
	/* Files first, then the database, then the repository. */
	ep_path(cfg, path, sizeof(path), "store");
	if (kc_mkdirs(path, 0755, err, errlen))
		goto out;
	for (i = 0; i < set->n; i++) {
		if (c[i].skip)
			continue;
		ep_repo_store_path(cfg, c[i].p.sha256, path, sizeof(path));
		if (kc_write_atomic(path, set->f[i].data, set->f[i].len, 0644,
				     err, errlen))
			goto out;
	}
	for (i = 0; i < set->n; i++) {
		struct ep_patchset *p = &c[i].p;

		if (c[i].skip)
			continue;
		ep_fmt(p->feed, sizeof(p->feed), "%s", feed);
		p->deployed = now;
		p->enable_after = now + (time_t)fd.deploy_delay_hours * 3600;
		p->state = disabled ? EP_PS_DISABLED : EP_PS_ENABLED;
		if (s->ops->patchset_add(s, p)) {
			ep_fmt(err, errlen, "%s: %s", set->f[i].name, s->err);
			goto out;
		}
		if (out)
			fprintf(out, "deployed %s level %u (%s) for %s (%s) to feed %s, %s\n",
				p->id, p->level, p->patch_type, p->kernel_release,
				p->kernel_sha1, ep_feed_label(feed),
				disabled ? "disabled" :
				fd.deploy_delay_hours ? "enabled after the feed's delay" :
				"enabled");
	}
	for (i = 0; i < set->n; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(c[j].p.kernel_sha1, c[i].p.kernel_sha1))
				break;
		if (j < i)
			continue;
		if (ep_repo_publish(cfg, s, feed, c[i].p.kernel_sha1, now, err, errlen))
			goto out;
	}
	rc = 0;
out:
	ep_repo_unlock(lock);
	kcl_keyring_free(&kr);
	free(c);
	return rc;
}
