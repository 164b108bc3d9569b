// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal mirror, update, auto-update: pull an upstream repository
 * (the static layout of Documentation/formats.md) into a feed with the
 * download code of lib/fetch.c. Every index is verified against the trusted
 * keys (DIR/keys/trusted) and must not be expired; every patchset file
 * must have the SHA-256 its index names and its publisher's signature.
 * The files are fetched first, into memory and DIR/tmp; only then are
 * they deployed, and a level becomes visible with the rewrite of its
 * index, so a mirror cut half-way shows nothing half-copied.
 *
 * The kernels of an upstream feed are listed in URL/kernels (one SHA-1
 * a line, what ePortal publishes); an upstream without that file needs
 * --kernel SHA1 for each kernel.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "index.h"
#include "sign.h"
#include "util.h"

#include "cmd.h"
#include "deploy.h"
#include "patchset.h"
#include "repo.h"

#define EP_MIRROR_MAX_KERNELS 4096

struct ep_mirror {
	struct ep_cli *cli;
	struct kc_fetch_opts fo;
	struct kcl_keyring kr;
	struct ep_kcp_set set;
	const char *url;
	char tmp[PATH_MAX];
	unsigned int fetched;
	/* Levels enabled here that the upstream withdrew: disabled too. */
	struct ep_withdrawn {
		char sha1[41];
		unsigned int level;
	} *gone;
	size_t ngone;
	/* The upstream indexes taken, recorded once everything is in. */
	struct ep_seen {
		char sha1[41];
		struct kcl_index_seen seen;
	} *seen;
	size_t nseen;
};

/* Add level @l of @sha1 to the set: fetched, sized and hashed. */
static int ep_mirror_level(struct ep_mirror *mr, const char *sha1,
			   const struct kcl_index_level *l, char *err,
			   size_t errlen)
{
	char url[2048], path[PATH_MAX + 16], e[1024];
	struct ep_kcp_file *f, *nf;
	unsigned char sha[32];
	char *sig;
	size_t siglen;
	int rc;

	ep_fmt(path, PATH_MAX, "%s/%s-%u.kcp", mr->tmp, sha1, l->level);
	ep_fmt(url, sizeof(url), "%s/%s/%u/patchset.kcp", mr->url, sha1, l->level);
	rc = kc_fetch(&mr->fo, url, path, KCL_ARCHIVE_MAX_SIZE + 65536, e, sizeof(e));
	if (rc)
		goto fail;
	strcat(url, ".sig");
	if (kc_fetch_mem(&mr->fo, url, 4096, &sig, &siglen, e, sizeof(e)))
		goto fail;
	nf = realloc(mr->set.f, (mr->set.n + 1) * sizeof(*nf));
	if (!nf) {
		free(sig);
		ep_fmt(err, errlen, "out of memory");
		return -1;
	}
	mr->set.f = nf;
	f = &mr->set.f[mr->set.n++];
	memset(f, 0, sizeof(*f));
	ep_fmt(f->name, sizeof(f->name), "%s/%u/patchset.kcp", sha1, l->level);
	f->sig = (unsigned char *)sig;
	f->siglen = siglen;
	if (kcp_read(path, &f->data, &f->len, KCL_ARCHIVE_MAX_SIZE + 65536, e,
		     sizeof(e)))
		goto fail;
	unlink(path);
	kcp_digest("sha256", f->data, f->len, sha);
	if (memcmp(sha, l->sha256, 32)) {
		ep_fmt(err, errlen, "%s/%s/%u/patchset.kcp does not match the SHA-256 in its index",
		       mr->url, sha1, l->level);
		return -1;
	}
	mr->fetched++;
	return 0;
fail:
	/* A cut download's .part files too: nothing is resumed later. */
	ep_fmt(err, errlen, "%s", e);
	unlink(path);
	strcat(path, ".part");
	unlink(path);
	strcat(path, ".info");
	unlink(path);
	return -1;
}

struct ep_have {
	unsigned int level;
	char sha256[65];
	bool found;
	enum ep_ps_state state;
};

static int ep_have_cb(const struct ep_patchset *p, void *arg)
{
	struct ep_have *h = arg;

	if (p->level == h->level && p->state != EP_PS_UNDEPLOYED) {
		ep_fmt(h->sha256, sizeof(h->sha256), "%s", p->sha256);
		h->found = true;
		h->state = p->state;
		return 1;
	}
	return 0;
}

static int ep_mirror_kernel(struct ep_mirror *mr, const char *feed,
			    const char *sha1, char *err, size_t errlen)
{
	char url[2048], e[1024], hex[65];
	struct kcl_index_seen seen;
	struct ep_seen *sn;
	struct kcl_index ix;
	size_t len, body, i;
	char *text;
	int rc;

	if (!ep_valid_sha1(sha1)) {
		ep_fmt(err, errlen, "\"%.64s\" is not a kernel SHA-1", sha1);
		return -1;
	}
	ep_fmt(url, sizeof(url), "%s/%s/index", mr->url, sha1);
	if (kc_fetch_mem(&mr->fo, url, KCL_INDEX_MAX_SIZE, &text, &len, e,
			  sizeof(e))) {
		ep_fmt(err, errlen, "%s", e);
		return -1;
	}
	if (kcl_index_verify(&mr->kr, text, len, &body, e, sizeof(e)) ||
	    kcl_index_parse(text, body, &ix, e, sizeof(e))) {
		ep_fmt(err, errlen, "%s: %s", url, e);
		free(text);
		return -1;
	}
	free(text);
	rc = mr->cli->store.ops->upstream_get(&mr->cli->store, mr->url, sha1,
					      &seen.serial, &seen.max_level);
	if (rc && rc != EP_ENOTFOUND) {
		ep_fmt(err, errlen, "%s", mr->cli->store.err);
		kcl_index_free(&ix);
		return -1;
	}
	if (kcl_index_check(&ix, sha1, ix.feed, time(NULL), rc ? NULL : &seen,
			    e, sizeof(e))) {
		ep_fmt(err, errlen, "%s: %s", url, e);
		kcl_index_free(&ix);
		return -1;
	}
	sn = realloc(mr->seen, (mr->nseen + 1) * sizeof(*sn));
	if (!sn) {
		ep_fmt(err, errlen, "out of memory");
		goto fail;
	}
	mr->seen = sn;
	sn = &mr->seen[mr->nseen++];
	ep_fmt(sn->sha1, sizeof(sn->sha1), "%s", sha1);
	sn->seen.serial = ix.serial;
	sn->seen.max_level = ix.n ? ix.levels[ix.n - 1].level : 0;
	for (i = 0; i < ix.n; i++) {
		struct ep_have h = { .level = ix.levels[i].level };

		/* Another stream's levels (of a shared feed) are its own. */
		if (!ep_stream_wants(mr->cli->stream, ix.levels[i].patch_type))
			continue;
		if (mr->cli->store.ops->patchset_list(&mr->cli->store, feed, sha1,
						      ep_have_cb, &h)) {
			ep_fmt(err, errlen, "%s", mr->cli->store.err);
			goto fail;
		}
		if (ix.levels[i].withdrawn) {
			struct ep_withdrawn *g;

			if (!h.found || h.state != EP_PS_ENABLED)
				continue;
			g = realloc(mr->gone, (mr->ngone + 1) * sizeof(*g));
			if (!g) {
				ep_fmt(err, errlen, "out of memory");
				goto fail;
			}
			mr->gone = g;
			ep_fmt(g[mr->ngone].sha1, sizeof(g->sha1), "%s", sha1);
			g[mr->ngone++].level = h.level;
			continue;
		}
		kc_hex(hex, ix.levels[i].sha256, 32);
		if (h.found && !strcmp(h.sha256, hex))
			continue;
		if (ep_mirror_level(mr, sha1, &ix.levels[i], err, errlen))
			goto fail;
	}
	kcl_index_free(&ix);
	return 0;
fail:
	kcl_index_free(&ix);
	return -1;
}

/* Disable the levels the upstream withdrew, and republish their indexes. */
static int ep_mirror_withdraw(struct ep_mirror *mr, const char *feed,
			      char *err, size_t errlen)
{
	struct ep_store *s = &mr->cli->store;
	int lock, rc = -1;
	size_t i;

	lock = ep_repo_lock(&mr->cli->cfg, err, errlen);
	if (lock < 0)
		return -1;
	for (i = 0; i < mr->ngone; i++) {
		if (s->ops->patchset_set_state(s, feed, mr->gone[i].sha1,
					       mr->gone[i].level, EP_PS_DISABLED)) {
			ep_fmt(err, errlen, "%s", s->err);
			goto out;
		}
		if (ep_repo_publish(&mr->cli->cfg, s, feed, mr->gone[i].sha1,
				    time(NULL), err, errlen))
			goto out;
		printf("disabled level %u of %s in feed %s: withdrawn upstream\n",
		       mr->gone[i].level, mr->gone[i].sha1, ep_feed_label(feed));
	}
	rc = 0;
out:
	ep_repo_unlock(lock);
	return rc;
}

int ep_mirror(struct ep_cli *cli, const char *url, const char *feed,
	      char **kernels, size_t nkernels, char *err, size_t errlen)
{
	struct ep_mirror mr = { .cli = cli };
	char klist[2048], e[1024], *text = NULL, *line, *save;
	char u[2048];
	size_t len, i;
	int rc = -1;

	ep_fmt(u, sizeof(u), "%s", url);
	while (*u && u[strlen(u) - 1] == '/')
		u[strlen(u) - 1] = 0;
	mr.url = u;
	kc_fetch_opts_init(&mr.fo);
	mr.fo.retries = 2;
	ep_path(&cli->cfg, klist, sizeof(klist), "keys/trusted");
	if (kcl_keyring_add_dir(&mr.kr, klist, err, errlen))
		return -1;
	ep_path(&cli->cfg, mr.tmp, sizeof(mr.tmp), "tmp/mirror-XXXXXX");
	if (!mkdtemp(mr.tmp)) {
		ep_fmt(err, errlen, "cannot create %s", mr.tmp);
		goto out_keys;
	}
	if (!nkernels) {
		ep_fmt(klist, sizeof(klist), "%s/kernels", u);
		rc = kc_fetch_mem(&mr.fo, klist, EP_MIRROR_MAX_KERNELS * 41, &text,
				   &len, e, sizeof(e));
		if (rc) {
			ep_fmt(err, errlen, "%s%s", e, rc == KC_FETCH_NOT_FOUND ?
			       " (an upstream without a kernels list needs --kernel SHA1)" : "");
			rc = -1;
			goto out;
		}
		rc = -1;
		for (line = strtok_r(text, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			if (ep_mirror_kernel(&mr, feed, line, err, errlen))
				goto out;
	}
	for (i = 0; i < nkernels; i++)
		if (ep_mirror_kernel(&mr, feed, kernels[i], err, errlen))
			goto out;
	if (mr.set.n && ep_deploy(&cli->cfg, &cli->store, cli->stream, feed,
				  &mr.set, false, true, time(NULL), stdout,
				  err, errlen))
		goto out;
	if (mr.ngone && ep_mirror_withdraw(&mr, feed, err, errlen))
		goto out;
	for (i = 0; i < mr.nseen; i++)
		if (cli->store.ops->upstream_set(&cli->store, u, mr.seen[i].sha1,
						 mr.seen[i].seen.serial,
						 mr.seen[i].seen.max_level)) {
			ep_fmt(err, errlen, "%s", cli->store.err);
			goto out;
		}
	printf("mirrored %s into feed %s: %u new patchset file%s\n", u,
	       ep_feed_label(feed), mr.fetched, mr.fetched == 1 ? "" : "s");
	rc = 0;
out:
	free(mr.gone);
	free(mr.seen);
	free(text);
	ep_kcp_set_free(&mr.set);
	rmdir(mr.tmp);
out_keys:
	kcl_keyring_free(&mr.kr);
	return rc;
}

int ep_cmd_mirror(struct ep_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "from", required_argument, NULL, 'u' },
		{ "feed", required_argument, NULL, 'f' },
		{ "kernel", required_argument, NULL, 'k' },
		{ NULL },
	};
	const char *url = NULL, *feed = "";
	char *kernels[64], err[2048];
	size_t nk = 0;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'u':
			url = optarg;
			break;
		case 'f':
			feed = strcmp(optarg, "default") ? optarg : "";
			break;
		case 'k':
			if (nk == ARRAY_SIZE(kernels))
				return ep_usage("mirror: at most 64 --kernel");
			kernels[nk++] = optarg;
			break;
		default:
			return ep_usage("mirror: unknown option");
		}
	}
	if (!url || optind != argc)
		return ep_usage("mirror: expected --from URL");
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8))
		return ep_usage("mirror: --from: an http:// or https:// URL");
	if (!ep_valid_feed(feed))
		return ep_usage("mirror: --feed %s: not a feed name", feed);
	o = ep_stream_feed(cli, "mirror", &feed);
	if (o)
		return o;
	if (ep_mirror(cli, url, feed, kernels, nk, err, sizeof(err)))
		return ep_fail("mirror: %s: nothing changed", err);
	return 0;
}

static int ep_update_feed(struct ep_cli *cli, const struct ep_feed *f)
{
	char err[2048];

	if (!*f->upstream)
		return ep_fail("update: feed %s has no upstream (feed set %s --upstream URL)",
			       ep_feed_label(f->name), f->name);
	if (ep_mirror(cli, f->upstream, f->name, NULL, 0, err, sizeof(err)))
		return ep_fail("update: feed %s: %s", ep_feed_label(f->name), err);
	return 0;
}

int ep_cmd_update(struct ep_cli *cli, int argc, char **argv)
{
	const char *feed = "";
	struct ep_feed f;
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--feed"))
		feed = strcmp(argv[2], "default") ? argv[2] : "";
	else if (argc != 1)
		return ep_usage("update: expected [--feed F]");
	rc = ep_stream_feed(cli, "update", &feed);
	if (rc)
		return rc;
	if (cli->store.ops->feed_get(&cli->store, feed, &f))
		return ep_fail("update: no feed %s", ep_feed_label(feed));
	return ep_update_feed(cli, &f);
}

/* The kernel's stream updates every feed but userspace, the others that one. */
struct ep_feeds {
	struct ep_feed v[256];
	size_t n;
	const char *stream;
};

static int ep_auto_cb(const struct ep_feed *f, void *arg)
{
	struct ep_feeds *fs = arg;

	if (f->auto_update && fs->n < 256 &&
	    !strcmp(f->name, EP_USERSPACE_FEED) == !!fs->stream)
		fs->v[fs->n++] = *f;
	return 0;
}

/* The auto-update feeds of cli->stream, each mirrored from its upstream. */
static int ep_auto_update_stream(struct ep_cli *cli)
{
	static struct ep_feeds fs;
	size_t i;
	int rc = 0;

	fs.n = 0;
	fs.stream = cli->stream;
	if (cli->store.ops->feed_list(&cli->store, ep_auto_cb, &fs))
		return ep_fail("auto-update: %s", cli->store.err);
	for (i = 0; i < fs.n; i++)
		if (ep_update_feed(cli, &fs.v[i]))
			rc = EP_EXIT_ERROR;
	return rc;
}

int ep_cmd_auto_update(struct ep_cli *cli, int argc, char **argv)
{
	/* --all-streams: one timer for every stream, one failing no other. */
	if (argc == 2 && !strcmp(argv[1], "--all-streams") && !cli->stream)
		return ep_stream_for_each(cli, ep_auto_update_stream);
	if (argc != 1)
		return ep_usage("auto-update: expected [--all-streams] (without a stream word)");
	return ep_auto_update_stream(cli);
}
