// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's reports of user-space patches: --lib-info (which process
 * carries which patch, from libcare's state) and --lib-patch-info (what
 * the applied patches fix, from the verified patchsets in the cache), as
 * text blocks in the style of --patch-info and as JSON.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl-lib.h"
#include "json.h"
#include "lib-fetch.h"
#include "lib-kind.h"
#include "util.h"

struct kc_lib_info {
	const struct kc_opts *opts;
	size_t n;
};

static int kc_lib_show(const struct lc_applied *a, void *arg)
{
	struct kc_lib_info *in = arg;
	const char *type = kc_lib_kind_type(kc_lib_kind(a->pid, a->path));

	if (in->opts->json) {
		printf("%s\n    {\"pid\": %d", in->n ? "," : "", (int)a->pid);
		kc_json_kv(stdout, 0, "command", a->comm);
		kc_json_kv(stdout, 0, "library", a->path);
		kc_json_kv(stdout, 0, "build_id", a->build_id);
		printf(", \"level\": %u", a->level);
		kc_json_kv(stdout, 0, "patch_id", a->id);
		kc_json_kv(stdout, 0, "type", type);
		printf("}");
	} else {
		printf("%spid: %d\ncommand: %s\ntype: %s\nlibrary: %s\nbuild-id: %s\nlevel: %u\npatch-id: %s\n",
		       in->n ? "\n" : "", (int)a->pid, a->comm, type, a->path,
		       a->build_id, a->level, a->id);
	}
	in->n++;
	return 0;
}

int kc_cmd_lib_info(const char *arg, const struct kc_opts *opts)
{
	struct kc_lib_info in = { .opts = opts };
	struct lc_opts lo;
	int e;

	kc_lib_opts(&lo);
	if (opts->json)
		printf("{\"applied\": [");
	e = lc_info(&lo, kc_lib_show, &in);
	if (opts->json)
		printf("\n]}\n");
	else if (!e && !in.n)
		printf("No user-space patch is applied\n");
	if (e)
		return kc_error("cannot read the user-space patch state %s: %s",
				lo.state_dir, strerror(-e));
	return KC_EXIT_OK;
}

/* The distinct (build-id, level) pairs applied, with a library name. */
struct kc_lib_level {
	char build_id[2 * LC_BUILD_ID_MAX + 1];
	char name[512];
	unsigned int level;
	char id[LC_ID_MAX];
};

struct kc_lib_levels {
	struct kc_lib_level *v;
	size_t n;
};

static int kc_lib_add_level(const struct lc_applied *a, void *arg)
{
	struct kc_lib_levels *ls = arg;
	struct kc_lib_level *nv;
	size_t i;

	for (i = 0; i < ls->n; i++)
		if (!strcmp(ls->v[i].build_id, a->build_id) &&
		    ls->v[i].level == a->level)
			return 0;
	nv = realloc(ls->v, (ls->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	ls->v = nv;
	nv = &ls->v[ls->n++];
	memset(nv, 0, sizeof(*nv));
	snprintf(nv->build_id, sizeof(nv->build_id), "%s", a->build_id);
	snprintf(nv->name, sizeof(nv->name), "%s", kc_lib_base(a->path));
	snprintf(nv->id, sizeof(nv->id), "%s", a->id);
	nv->level = a->level;
	return 0;
}

/* Append "NAME:LEVEL" for a distinct (library, level) pair; skip a repeat. */
static int kc_lib_add_text(const struct lc_applied *a, void *arg)
{
	char item[KC_LIB_LEVELS_MAX], *buf = arg, *p;
	size_t n = strlen(buf), m;
	int w;

	w = snprintf(item, sizeof(item), "%s:%u", kc_lib_base(a->path), a->level);
	if (w < 0 || (size_t)w >= sizeof(item))
		return 0;
	m = w;
	for (p = strstr(buf, item); p; p = strstr(p + 1, item))
		if ((p == buf || p[-1] == ' ') && (!p[m] || p[m] == ' '))
			return 0;
	if (n + !!n + m >= KC_LIB_LEVELS_MAX)
		return 0;
	if (n)
		buf[n++] = ' ';
	memcpy(buf + n, item, m + 1);
	return 0;
}

void kc_lib_levels_text(char buf[KC_LIB_LEVELS_MAX])
{
	struct lc_opts lo;

	buf[0] = '\0';
	kc_lib_opts(&lo);
	/* No state (nothing ever patched) is no level: the text stays "". */
	lc_info(&lo, kc_lib_add_text, buf);
}

static void kc_lib_patch_text(const struct kcl_manifest *m,
			      const struct kcl_patch_meta *p, bool first)
{
	printf("%skpatch-name: %s\nkpatch-description: %s\nkpatch-library: %s\n"
	       "kpatch-build-id: %s\nkpatch-level: %u\nkpatch-cve: %s\n"
	       "kpatch-cvss: %s\nkpatch-cve-url: %s\nkpatch-patch-url: %s\n",
	       first ? "" : "\n", p->name, p->description, m->kernel_release,
	       m->kernel_build_id, m->level, p->cve, p->cvss, p->cve_url,
	       p->patch_url);
}

static void kc_lib_patch_json(const struct kcl_manifest *m,
			      const struct kcl_patch_meta *p, bool first)
{
	const char *c = p->cve;
	size_t n;

	printf("%s\n    {", first ? "" : ",");
	kc_json_kv(stdout, 1, "name", p->name);
	kc_json_kv(stdout, 0, "description", p->description);
	kc_json_kv(stdout, 0, "library", m->kernel_release);
	kc_json_kv(stdout, 0, "build_id", m->kernel_build_id);
	kc_json_kv(stdout, 0, "patchset", m->id);
	kc_json_kv(stdout, 0, "patch_type", m->patch_type);
	printf(", \"level\": %u, \"cve\": [", m->level);
	/* The manifest's cve value is ids separated by single spaces. */
	for (n = 0; *c; c += n + (c[n] == ' ')) {
		char id[64];

		n = strcspn(c, " ");
		snprintf(id, sizeof(id), "%.*s", (int)n, c);
		if (c != p->cve)
			printf(", ");
		kc_json_str(stdout, id);
	}
	printf("]");
	kc_json_kv(stdout, 0, "cvss", p->cvss);
	kc_json_kv(stdout, 0, "cve-url", p->cve_url);
	kc_json_kv(stdout, 0, "patch-url", p->patch_url);
	printf("}");
}

int kc_cmd_lib_patch_info(const char *arg, const struct kc_opts *opts)
{
	struct kc_lib_levels ls = { 0 };
	struct kc_config cfg;
	struct kc_update u;
	struct lc_opts lo;
	char err[4096];
	bool first = true;
	int rc = KC_EXIT_OK, e;
	size_t i, j;

	kc_lib_opts(&lo);
	e = lc_info(&lo, kc_lib_add_level, &ls);
	if (e) {
		free(ls.v);
		return kc_error("cannot read the user-space patch state %s: %s",
				lo.state_dir, strerror(-e));
	}
	if (kc_load_config(&cfg)) {
		free(ls.v);
		return KC_EXIT_ERROR;
	}
	if (kc_lib_update_init(&u, &cfg, opts->prefix, err, sizeof(err))) {
		free(ls.v);
		kc_config_free(&cfg);
		return kc_error("%s", err);
	}
	u.readonly = true;
	u.log = stderr;
	if (opts->json)
		printf("{\"patches\": [");
	for (i = 0; i < ls.n; i++) {
		struct kc_patchset ps;

		/* The copy in the cache, verified again as at update. */
		if (kc_lib_fetch(&u, ls.v[i].build_id, ls.v[i].name, NULL, 0, true,
				 ls.v[i].level, &ps, err, sizeof(err))) {
			rc = kc_error("no patchset for patch %s level %u of %s (build-id %s): %s",
				      ls.v[i].id, ls.v[i].level, ls.v[i].name,
				      ls.v[i].build_id, err);
			continue;
		}
		for (j = 0; j < ps.m.npatches; j++, first = false)
			(opts->json ? kc_lib_patch_json : kc_lib_patch_text)(&ps.m,
				&ps.m.patches[j], first);
		kc_patchset_free(&ps);
	}
	if (opts->json)
		printf("\n]}\n");
	else if (first && rc == KC_EXIT_OK)
		printf("No user-space patch is applied\n");
	free(ls.v);
	kc_update_free(&u);
	kc_config_free(&cfg);
	return rc;
}
