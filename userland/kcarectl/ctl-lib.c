// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's user-space patching verbs that change processes:
 * --lib-update, --userspace-update [LIST] and --lib-unload
 * (Documentation/libcare.md, "kcarectl"). Thin wrappers: the patchsets
 * come verified through the update pipeline (lib-fetch.c), the patching
 * is libcare's (userland/libcare/libcare.h).
 *
 * Exit status, the worst over every process: 0 done (or nothing to do),
 * 1 failed (a download, a verification, a process), 3 refused (seccomp,
 * MemoryDenyWriteExecute, no room), 4 busy (a thread stayed in code being
 * replaced). A blacklisted process is skipped and said so; a process that
 * exits meanwhile is said so; neither is an error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctl-lib.h"
#include "lib-pool.h"
#include "json.h"
#include "lib-fetch.h"
#include "lib-kind.h"
#include "register.h"
#include "util.h"

/* A bound on what one run looks at: distinct libraries mapped. */
#define KC_LIB_MAX_LIBS		4096

/* One library (build-id) and the processes mapping it. */
struct kc_lib {
	char build_id[2 * LC_BUILD_ID_MAX + 1];
	char path[512];
	pid_t *pids;
	char (*comms)[32];
	size_t npids;
};

struct kc_lib_set {
	struct kc_lib *v;
	size_t n;
};

struct kc_lib_run {
	const struct kc_opts *opts;
	struct lc_opts lo;
	int worst;
	bool first;			/* no JSON result written yet */
};

void kc_lib_opts(struct lc_opts *o)
{
	lc_opts_init(o);
	/* The documented paths only: the environment does not move them. */
	o->state_dir = KC_LIB_STATE_DIR;
	o->blacklist = NULL;
}

static int kc_lib_add(pid_t pid, const char *comm, const char *path,
		      const unsigned char *id, int len, void *arg)
{
	struct kc_lib_set *s = arg;
	char hex[2 * LC_BUILD_ID_MAX + 1];
	struct kc_lib *l = NULL;
	size_t i;

	/* Patchsets are named by 40-hex (SHA-1) build-ids only. */
	if (len != 20)
		return 0;
	lc_hex(hex, id, len);
	for (i = 0; i < s->n && !l; i++)
		if (!strcmp(s->v[i].build_id, hex))
			l = &s->v[i];
	if (!l) {
		struct kc_lib *nv;

		if (s->n == KC_LIB_MAX_LIBS)
			return 0;
		nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
		l = &s->v[s->n++];
		memset(l, 0, sizeof(*l));
		snprintf(l->build_id, sizeof(l->build_id), "%s", hex);
		snprintf(l->path, sizeof(l->path), "%s", path);
	}
	/* A library mapped twice by one process is one target. */
	if (l->npids && l->pids[l->npids - 1] == pid)
		return 0;
	{
		pid_t *np = realloc(l->pids, (l->npids + 1) * sizeof(*np));
		char (*nc)[32];

		if (!np)
			return -ENOMEM;
		l->pids = np;
		nc = realloc(l->comms, (l->npids + 1) * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		l->comms = nc;
		l->pids[l->npids] = pid;
		snprintf(l->comms[l->npids], sizeof(*nc), "%s", comm);
		l->npids++;
	}
	return 0;
}

static void kc_lib_set_free(struct kc_lib_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].pids);
		free(s->v[i].comms);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* Every library mapped by a running process (but ours and init). */
static int kc_lib_scan(struct kc_lib_set *s)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int r = 0;

	memset(s, 0, sizeof(*s));
	if (!d)
		return -errno;
	while (!r && (de = readdir(d))) {
		pid_t pid = atoi(de->d_name);

		if (pid <= 1 || pid == getpid())
			continue;
		/* A process gone or unreadable (a kernel thread) has nothing. */
		if (lc_process_objects(pid, kc_lib_add, s) == -ENOMEM)
			r = -ENOMEM;
	}
	closedir(d);
	return r;
}

const char *kc_lib_base(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

static void kc_lib_worse(struct kc_lib_run *r, int status)
{
	if (status > r->worst)
		r->worst = status;
}

/* One process's result, a line for people or an object of "results". */
static void kc_lib_report(struct kc_lib_run *r, pid_t pid, const char *comm,
			  const struct kc_lib *l, const char *patchset,
			  unsigned int level, const char *result,
			  const char *text)
{
	if (!r->opts->json) {
		printf("pid %d (%s): %s %s\n", (int)pid, comm,
		       kc_lib_base(l->path), text);
		return;
	}
	printf("%s\n    {\"pid\": %d", r->first ? "" : ",", (int)pid);
	r->first = false;
	kc_json_kv(stdout, 0, "command", comm);
	kc_json_kv(stdout, 0, "library", l->path);
	kc_json_kv(stdout, 0, "build_id", l->build_id);
	kc_json_kv(stdout, 0, "patchset", patchset);
	printf(", \"level\": %u", level);
	kc_json_kv(stdout, 0, "result", result);
	printf("}");
}

/* libcare reads a patch object from a file: the verified bytes, unnamed. */
static int kc_lib_open_payload(const struct kc_patchset *ps,
			       struct lc_patch **pt, int *fdp)
{
	char path[64];
	int fd;

	fd = memfd_create("kcare-lpatch", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (kc_write_full(fd, ps->payload->data, ps->payload->size)) {
		close(fd);
		return -EIO;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (lc_patch_open(path, pt, stderr)) {
		close(fd);
		return -EINVAL;
	}
	*fdp = fd;
	return 0;
}

/* One process to patch: a library's process @i with its opened patch. */
struct kc_lib_job {
	const struct kc_lib *lib;
	size_t i;
	struct lc_patch *pt;
	const struct kc_patchset *ps;
};

/* The jobs of a run, as the pool's workers see them. */
struct kc_lib_jobs {
	struct kc_lib_run *r;
	const struct kc_lib_job *v;
};

/* A library whose patchset is fetched, verified and opened. */
struct kc_lib_ready {
	struct kc_patchset ps;
	struct lc_patch *pt;
	int fd;
};

/*
 * A process that exited (or is exiting: a zombie) between the scan and the
 * attach fails its attach in many ways (ESRCH, EPERM, a read that comes
 * short); whatever libcare said, it is gone (lc_gone()), not a failure.
 */
static void kc_lib_result(struct kc_lib_run *r, const struct kc_lib_job *j,
			  int e)
{
	const struct kc_lib *l = j->lib;
	const char *id = j->ps->m.id, *comm = l->comms[j->i];
	unsigned int lv = j->ps->m.level;
	pid_t pid = l->pids[j->i];
	char text[160];

	if (e && e != LC_EALREADY && e != LC_EREFUSED && e != LC_EBUSY &&
	    lc_gone(pid))
		e = ESRCH;
	switch (e) {
	case 0:
		snprintf(text, sizeof(text), "patched to level %u (%s)", lv, id);
		kc_lib_report(r, pid, comm, l, id, lv, "patched", text);
		return;
	case LC_EALREADY:
		snprintf(text, sizeof(text), "already at level %u or newer", lv);
		kc_lib_report(r, pid, comm, l, id, lv, "already", text);
		return;
	case ESRCH:
	case LC_ENOTARGET:
		kc_lib_report(r, pid, comm, l, id, lv, "gone",
			      "skipped: the process exited or no longer maps it");
		return;
	case LC_EREFUSED:
	case LC_EPOLICY:
		kc_lib_worse(r, KC_LIB_EXIT_REFUSED);
		kc_lib_report(r, pid, comm, l, id, lv, "refused",
			      e == LC_EPOLICY &&
			      kc_lib_kind(pid, l->path) == KC_LIB_KIND_QEMU ?
			      "NOT patched: QEMU runs under a seccomp filter (-sandbox on); it takes patches only when started without it" :
			      "NOT patched: the process refused it (see the libcare message above)");
		return;
	case LC_EBUSY:
		kc_lib_worse(r, KC_LIB_EXIT_BUSY);
		kc_lib_report(r, pid, comm, l, id, lv, "busy",
			      "NOT patched: a thread stayed inside a function being replaced; try again later");
		return;
	}
	kc_lib_worse(r, KC_EXIT_ERROR);
	kc_lib_report(r, pid, comm, l, id, lv, "failed",
		      "NOT patched: libcare failed (see the message above)");
}

/* The verified patchset of @l, opened for libcare: 0, KC_LIB_NONE or -1. */
static int kc_lib_prepare(struct kc_lib_run *r, struct kc_update *u,
			  const struct kcl_select *sel, const struct kc_lib *l,
			  unsigned int types, struct kc_lib_ready *rd)
{
	const struct lc_patch_info *in;
	char err[4096], hex[2 * LC_BUILD_ID_MAX + 1];
	int rc;

	rc = kc_lib_fetch(u, l->build_id, kc_lib_base(l->path), sel, types,
			  false, 0, &rd->ps, err, sizeof(err));
	if (rc == KC_LIB_NONE)
		return rc;
	if (rc) {
		kc_lib_worse(r, KC_EXIT_ERROR);
		kc_error("no user-space patch applied to %s (build-id %s): %s",
			 l->path, l->build_id, err);
		return -1;
	}
	if (kc_lib_open_payload(&rd->ps, &rd->pt, &rd->fd)) {
		kc_lib_worse(r, KC_EXIT_ERROR);
		kc_error("patchset %s level %u for %s: libcare cannot use its payload %s",
			 rd->ps.m.id, rd->ps.m.level, l->path,
			 rd->ps.m.payloads[0].file);
		kc_patchset_free(&rd->ps);
		return -1;
	}
	in = lc_patch_info(rd->pt);
	lc_hex(hex, in->build_id, in->build_id_len);
	if (!strcmp(hex, l->build_id))
		return 0;
	kc_lib_worse(r, KC_EXIT_ERROR);
	kc_error("patchset %s level %u: its payload is for build-id %s, not %s",
		 rd->ps.m.id, rd->ps.m.level, hex, l->build_id);
	lc_patch_close(rd->pt);
	close(rd->fd);
	rd->fd = -1;
	kc_patchset_free(&rd->ps);
	return -1;
}

/* A pool job: patch one process. */
static int kc_lib_apply_job(size_t i, void *arg)
{
	struct kc_lib_jobs *js = arg;
	const struct kc_lib_job *j = &js->v[i];

	return -lc_apply(j->lib->pids[j->i], j->pt, &js->r->lo);
}

/* Every job through the worker pool, then reported in the scan's order. */
static void kc_lib_apply_all(struct kc_lib_run *r, struct kc_lib_job *jobs,
			     size_t n)
{
	struct kc_lib_jobs js = { r, jobs };
	int *res;
	size_t i;

	if (!n)
		return;
	res = calloc(n, sizeof(*res));
	if (!res) {
		for (i = 0; i < n; i++)
			kc_lib_result(r, &jobs[i], kc_lib_apply_job(i, &js));
		return;
	}
	kc_pool_run(n, kc_lib_apply_job, &js, res);
	for (i = 0; i < n; i++)
		kc_lib_result(r, &jobs[i], res[i] == KC_POOL_NO_RESULT ?
			      -EIO : res[i]);
	free(res);
}

static int kc_lib_update_types(unsigned int types, const struct kc_opts *opts)
{
	struct kc_lib_run r = { .opts = opts, .first = true };
	struct kc_lib_ready *rd = NULL;
	struct kc_lib_job *jobs = NULL;
	struct kcl_feedlist fl;
	struct kcl_select sel;
	struct kc_config cfg;
	struct kc_update u;
	struct kc_lib_set s;
	size_t i, k, nj = 0, nall = 0;
	bool have_list = false;
	char err[1024];
	int rc = KC_EXIT_ERROR;

	if (kc_load_config(&cfg))
		return KC_EXIT_ERROR;
	if (kc_lib_update_init(&u, &cfg, opts->prefix, err, sizeof(err))) {
		kc_config_free(&cfg);
		return kc_error("%s", err);
	}
	/* The pipeline's notes would break the JSON document. */
	u.log = opts->json ? stderr : stdout;
	kc_lib_opts(&r.lo);
	if (kc_lib_select_init(&u, &sel, err, sizeof(err))) {
		kc_error("%s", err);
		goto out_u;
	}
	if (kc_lib_scan(&s)) {
		kc_error("cannot list the processes' libraries: out of memory");
		goto out_u;
	}
	/*
	 * One list for the feed, then the indexes of the build-ids it names
	 * only: not one request for every library mapped on the machine.
	 * Without a list (an older repository, LOCAL) or with a refused one,
	 * each library's own index is asked for, verified as ever.
	 */
	rc = kc_lib_feedlist(&u, &fl, err, sizeof(err));
	have_list = !rc;
	if (rc < 0) {
		kc_lib_worse(&r, KC_EXIT_ERROR);
		kc_error("%s; asking for each library's index instead", err);
	}
	rc = KC_EXIT_ERROR;
	for (i = 0; i < s.n; i++)
		nall += s.v[i].npids;
	rd = calloc(s.n ? s.n : 1, sizeof(*rd));
	jobs = calloc(nall ? nall : 1, sizeof(*jobs));
	if (!rd || !jobs) {
		kc_error("cannot patch the processes: out of memory");
		goto out_s;
	}
	if (opts->json)
		printf("{\"results\": [");
	for (i = 0; i < s.n; i++) {
		struct kc_lib *l = &s.v[i];

		rd[i].fd = -1;
		if (have_list && !kcl_feedlist_find(&fl, l->build_id))
			continue;
		if (kc_lib_prepare(&r, &u, &sel, l, types, &rd[i]))
			continue;
		for (k = 0; k < l->npids; k++) {
			enum kc_lib_kind kind = kc_lib_kind(l->pids[k], l->path);

			/* The type is the publisher's word on what it is for. */
			if (!kc_lib_kind_accepts(kind, rd[i].ps.m.patch_type)) {
				char text[160];

				snprintf(text, sizeof(text),
					 "skipped: a %s patchset, and this is a %s target",
					 rd[i].ps.m.patch_type, kc_lib_kind_type(kind));
				kc_lib_report(&r, l->pids[k], l->comms[k], l,
					      rd[i].ps.m.id, rd[i].ps.m.level,
					      "wrong-type", text);
				continue;
			}
			if (lc_blacklisted(&r.lo, l->comms[k])) {
				kc_lib_report(&r, l->pids[k], l->comms[k], l,
					      rd[i].ps.m.id, rd[i].ps.m.level,
					      "blacklisted",
					      "skipped: the process is in the blacklist");
				continue;
			}
			jobs[nj++] = (struct kc_lib_job){ l, k, rd[i].pt, &rd[i].ps };
		}
	}
	kc_lib_apply_all(&r, jobs, nj);
	if (opts->json)
		printf("\n]}\n");
	else if (r.first && !r.worst)
		printf("No user-space patch applies to the running processes\n");
	rc = r.worst;
	for (i = 0; i < s.n; i++) {
		if (rd[i].fd < 0)
			continue;
		lc_patch_close(rd[i].pt);
		close(rd[i].fd);
		kc_patchset_free(&rd[i].ps);
	}
out_s:
	free(jobs);
	free(rd);
	if (have_list)
		kcl_feedlist_free(&fl);
	kc_lib_set_free(&s);
out_u:
	kc_update_free(&u);
	/* Registered: the server learns the user-space levels, as after --update. */
	kc_reg_checkin_after_update(&cfg);
	kc_config_free(&cfg);
	return rc;
}

int kc_cmd_lib_update(const char *arg, const struct kc_opts *opts)
{
	return kc_lib_update_types(KC_USERSPACE_LIBS | KC_USERSPACE_QEMU |
				   KC_USERSPACE_DB, opts);
}

int kc_cmd_userspace_update(const char *arg, const struct kc_opts *opts)
{
	unsigned int types = 0;
	char err[256];

	if (arg && kc_config_parse_userspace(arg, &types, err, sizeof(err))) {
		fprintf(stderr, "kcarectl: --userspace-update: %s\n", err);
		return KC_EXIT_USAGE;
	}
	if (!arg) {
		struct kc_config cfg;

		if (kc_load_config(&cfg))
			return KC_EXIT_ERROR;
		types = cfg.userspace_patches;
		kc_config_free(&cfg);
	}
	if (!types)
		types = KC_USERSPACE_LIBS | KC_USERSPACE_QEMU | KC_USERSPACE_DB;
	return kc_lib_update_types(types, opts);
}

/* Each process with a patch, once. */
struct kc_lib_patched {
	pid_t *pids;
	size_t n;
	struct lc_opts lo;
};

static int kc_lib_collect(const struct lc_applied *a, void *arg)
{
	struct kc_lib_patched *p = arg;
	pid_t *np;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->pids[i] == a->pid)
			return 0;
	np = realloc(p->pids, (p->n + 1) * sizeof(*np));
	if (!np)
		return -ENOMEM;
	p->pids = np;
	p->pids[p->n++] = a->pid;
	return 0;
}

/* A pool job: every patch out of one process. */
static int kc_lib_unapply_job(size_t i, void *arg)
{
	struct kc_lib_patched *p = arg;

	return -lc_unapply(p->pids[i], NULL, &p->lo);
}

int kc_cmd_lib_unload(const char *arg, const struct kc_opts *opts)
{
	struct kc_lib_patched p = { 0 };
	int worst = 0, e, *results;
	size_t i;

	kc_lib_opts(&p.lo);
	e = lc_info(&p.lo, kc_lib_collect, &p);
	if (e) {
		free(p.pids);
		return kc_error("cannot read the user-space patch state %s: %s",
				p.lo.state_dir, strerror(-e));
	}
	results = calloc(p.n ? p.n : 1, sizeof(*results));
	if (!results) {
		free(p.pids);
		return kc_error("cannot unpatch the processes: out of memory");
	}
	kc_pool_run(p.n, kc_lib_unapply_job, &p, results);
	if (opts->json)
		printf("{\"results\": [");
	for (i = 0; i < p.n; i++) {
		const char *res, *text;

		e = results[i] == KC_POOL_NO_RESULT ? EIO : results[i];
		if (!e) {
			res = "unpatched";
			text = "user-space patches removed";
		} else if (e == ESRCH || e == LC_ENOTARGET) {
			res = "gone";
			text = "exited, nothing to remove";
		} else if (e == LC_EBUSY) {
			res = "busy";
			text = "NOT unpatched: a thread stayed in patched code; try again";
			worst = worst > KC_LIB_EXIT_BUSY ? worst : KC_LIB_EXIT_BUSY;
		} else {
			res = "failed";
			text = "NOT unpatched (see the libcare message above)";
			worst = worst > KC_EXIT_ERROR ? worst : KC_EXIT_ERROR;
		}
		if (opts->json)
			printf("%s\n    {\"pid\": %d, \"result\": \"%s\"}",
			       i ? "," : "", (int)p.pids[i], res);
		else
			printf("pid %d: %s\n", (int)p.pids[i], text);
	}
	if (opts->json)
		printf("\n]}\n");
	else if (!p.n)
		printf("No user-space patch is applied\n");
	free(results);
	free(p.pids);
	return worst;
}
