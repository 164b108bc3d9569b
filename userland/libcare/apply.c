// SPDX-License-Identifier: GPL-2.0
/*
 * Applying and removing a patch in one process. Two short stops:
 * the first, of one thread, maps the region (read-write, then its code
 * part read-execute, which a process under MemoryDenyWriteExecute
 * refuses); the image, gates switched off, is written while the process
 * runs; the second stop checks that no thread is inside a function being
 * replaced (or an older level being freed), writes the entry jumps to
 * the gates and switches them all with one write (switch.c). A process of
 * one thread, stopped whole either way, gets one stop that does both. A
 * busy process runs on for a while between checks, untraced. Whatever a
 * patcher that died left is finished or undone first.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lc.h"
#include "lpatch-int.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

void lc_opts_init(struct lc_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->state_dir = getenv("LIBCARE_STATE_DIR");
	if (!o->state_dir)
		o->state_dir = "/var/lib/kcare/libcare";
	o->blacklist = getenv("LIBCARE_BLACKLIST");
	o->retries = 10;
	o->retry_ms = 200;
	o->err = stderr;
}

/* SIGINT and friends wait until the threads are let go. */
static void block_signals(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGQUIT);
	sigaddset(&s, SIGPIPE);
	sigprocmask(SIG_BLOCK, &s, old);
}

static void unmap(struct lc_proc *p, unsigned long addr, unsigned long size)
{
	long t0, ret;

	if (lc_hold(p, &t0, false))
		return;
	if (lc_syscall(p, SYS_munmap, addr, size, 0, 0, 0, 0, &ret) || ret)
		lc_msg(p->o, p->pid, "cannot unmap the region at %#lx", addr);
	lc_detach(p);
}

#ifndef PR_GET_MDWE
#define PR_GET_MDWE 66
#endif
#define MDWE_REFUSE_EXEC_GAIN 1

/*
 * MemoryDenyWriteExecute as the kernel enforces it (PR_SET_MDWE, Linux
 * 6.3): asked in the process itself, since only prctl tells. Older
 * kernels answer -EINVAL: no such policy there. The kernel itself
 * refuses the mprotect() that makes our region executable under it, so
 * this is asked only then, to say why.
 */
static int check_mdwe(struct lc_proc *p)
{
	long ret;
	int r = lc_syscall(p, SYS_prctl, PR_GET_MDWE, 0, 0, 0, 0, 0, &ret);

	if (r)
		return r;
	if (ret > 0 && (ret & MDWE_REFUSE_EXEC_GAIN)) {
		lc_msg(p->o, p->pid, "refused: %s runs with MemoryDenyWriteExecute (prctl PR_SET_MDWE): it may not get new code",
		       p->comm);
		return -LC_EPOLICY;
	}
	return 0;
}

/* Where the region goes: free room near the library (not mapped yet). */
static int place_region(struct lc_proc *p, struct lc_obj *obj, struct lc_image *img,
			struct lc_opts *o)
{
	unsigned long lo, hi;

	lo = obj->end > lc_arch_near ? obj->end - lc_arch_near : 0;
	hi = obj->start + lc_arch_near;
	if (lc_proc_free_near(p, lo, hi, img->size, obj->end, &img->addr)) {
		lc_msg(o, p->pid, "refused: no free room within reach of %s", obj->path);
		return -LC_EREFUSED;
	}
	return 0;
}

/*
 * The region mapped at its place, its code part read-execute, with the
 * process held; on failure nothing of it is left.
 */
static int map_in(struct lc_proc *p, struct lc_image *img, const struct lc_opts *o)
{
	long ret;
	int r;

	r = lc_syscall(p, SYS_mmap, img->addr, img->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, &ret);
	if (r)
		return r;
	if ((unsigned long)ret != img->addr) {
		lc_msg(o, p->pid, "mmap in the process failed: %s",
		       ret < 0 && ret > -4096 ? strerror(-ret) : "wrong address");
		if (ret > 0)
			lc_syscall(p, SYS_munmap, ret, img->size, 0, 0, 0, 0, &ret);
		return -ENOMEM;
	}
	img->mapped = true;
	r = lc_syscall(p, SYS_mprotect, img->addr, img->rx_size,
		       PROT_READ | PROT_EXEC, 0, 0, 0, &ret);
	/* Only a refusal needs the process's policy asked, to name it. */
	if (!r && ret) {
		long err = ret;

		r = check_mdwe(p);
		if (!r) {
			lc_msg(o, p->pid, "refused: %s may not map executable memory (%s; MemoryDenyWriteExecute?)",
			       p->comm, strerror(-err));
			r = -LC_EPOLICY;
		}
	}
	if (r && !lc_syscall(p, SYS_munmap, img->addr, img->size, 0, 0, 0, 0, &ret) && !ret)
		img->mapped = false;
	return r;
}

/* A stop of its own for it: one thread is enough, the others run on. */
static int map_region(struct lc_proc *p, struct lc_image *img, struct lc_opts *o)
{
	long t0;
	int r = lc_hold(p, &t0, false);

	if (r)
		return r;
	r = map_in(p, img, o);
	lc_release(p, t0, o);
	return r;
}

/*
 * The same inside the switch's stop, and the image written there: for a
 * process of one thread, whose every stop stops all of it, one stop
 * rather than two.
 */
static int map_and_fill(struct lc_proc *p, void *arg)
{
	struct lc_image *img = arg;
	int r = map_in(p, img, p->o);

	return r ? r : lc_mem_write(p, img->addr, img->buf, img->size);
}

/*
 * Leftovers of a patcher that died, for one library; the state file then
 * tells what is in effect again (or goes).
 */
static int cleanup_one(struct lc_proc *p, const unsigned char *id, int len,
		       struct lc_opts *o)
{
	static struct lc_marker m;
	char hex[2 * LC_BUILD_ID_MAX + 1];
	struct lc_obj *obj;
	unsigned long addr;
	int r = lc_switch_cleanup(p, id, len, o);

	if (r)
		return r;
	obj = lc_proc_find(p, id, len);
	if (obj && lc_switch_find(p, id, len, &m, &addr)) {
		lc_state_save(o, p, obj, &m, addr, false);
	} else {
		lc_hex(hex, id, len);
		lc_state_drop(o, p->pid, hex);
	}
	return 0;
}

/* The same for @id, or for every library of ours in @p. */
static int cleanup(struct lc_proc *p, const unsigned char *id, int len,
		   struct lc_opts *o)
{
	unsigned long a[16];
	struct lc_marker *m;
	int n, i, r = 0;

	if (len)
		return cleanup_one(p, id, len, o);
	m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	n = lc_proc_markers(p, a, 16);
	for (i = 0; i < n && !r; i++)
		if (!lc_mem_read(p, a[i], m, sizeof(*m)) &&
		    m->version == LC_MARKER_VERSION)
			r = cleanup_one(p, m->build_id, m->build_id_len, o);
	free(m);
	return r;
}

int lc_apply(pid_t pid, struct lc_patch *pt, struct lc_opts *o)
{
	const struct lc_patch_info *in = &pt->info;
	static struct lc_switch sw;
	static struct lc_marker old;
	unsigned long repl[LC_MAX_FUNCS];
	struct lc_image img = { 0 };
	struct lc_syms *syms = NULL;
	struct lc_proc p;
	struct lc_obj *obj;
	unsigned long old_addr = 0;
	char hex[2 * LC_BUILD_ID_MAX + 1];
	bool have_old;
	sigset_t mask;
	int r, i;

	memset(&sw, 0, sizeof(sw));
	lc_hex(hex, in->build_id, in->build_id_len);
	block_signals(&mask);
	r = lc_proc_open(&p, pid, o);
	if (!r)
		r = lc_proc_check(&p);
	if (!r)
		r = lc_proc_objects(&p);
	if (r)
		goto out;
	obj = lc_proc_find(&p, in->build_id, in->build_id_len);
	if (!obj) {
		lc_msg(o, pid, "%s maps no object with build-id %s (patch %s)", p.comm, hex, in->id);
		r = -LC_ENOTARGET;
		goto out;
	}
	r = cleanup(&p, in->build_id, in->build_id_len, o);
	if (r)
		goto out;
	have_old = lc_switch_find(&p, in->build_id, in->build_id_len, &old, &old_addr);
	if (have_old && old.level >= in->level) {
		lc_msg(o, pid, "%s: level %u is applied already (patch %s is level %u)",
		       obj->path, old.level, in->id, in->level);
		lc_state_save(o, &p, obj, &old, old_addr, false);
		r = -LC_EALREADY;
		goto out;
	}
	syms = lc_syms_load(&p, obj);
	if (!syms) {
		r = -LC_EBADPATCH;
		goto out;
	}
	r = lc_patch_prepare(pt, &p, syms, &img.size);
	if (r)
		goto out;
	img.rx_size = pt->rx_size;
	img.buf = calloc(1, img.size);
	if (!img.buf) {
		r = -ENOMEM;
		goto out;
	}
	img.marker = (struct lc_marker *)img.buf;
	r = place_region(&p, obj, &img, o);
	if (!r && p.threads != 1)
		r = map_region(&p, &img, o);
	if (r)
		goto out;
	r = lc_patch_relocate(pt, &p, obj, syms, &img);
	for (i = 0; i < in->nfuncs; i++)
		repl[i] = lc_patch_repl_addr(pt, i);
	if (!r)
		r = lc_switch_plan_apply(&p, in, syms, &img, repl, have_old ? &old : NULL,
					 old_addr, &sw);
	if (!r && img.mapped) {
		r = lc_mem_write(&p, img.addr, img.buf, img.size);
	} else if (!r) {
		sw.prepare = map_and_fill;
		sw.prepare_arg = &img;
	}
	/* Until it is finished, info says so (and the next run cleans up). */
	if (!r)
		lc_state_save(o, &p, obj, img.marker, img.addr, true);
	if (!r)
		r = lc_switch_run(&p, &sw, o);
	if (r) {
		if (img.mapped)
			unmap(&p, img.addr, img.size);
		if (have_old)
			lc_state_save(o, &p, obj, &old, old_addr, false);
		else
			lc_state_drop(o, pid, hex);
		goto out;
	}
	lc_msg(o, pid, "%s: %s applied (level %u, %d functions)", obj->path, in->id,
	       in->level, in->nfuncs);
	img.marker->state = LC_ST_ACTIVE;
	lc_state_save(o, &p, obj, img.marker, img.addr, false);
out:
	lc_syms_free(syms);
	free(img.buf);
	lc_proc_close(&p);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return r;
}

/* Remove every patch of @hexid (all when NULL) from @pid. */
int lc_unapply(pid_t pid, const char *hexid, struct lc_opts *o)
{
	unsigned char id[LC_BUILD_ID_MAX];
	int idlen = 0, r, done = 0;
	static struct lc_marker m;
	unsigned long addr;
	struct lc_proc p;
	sigset_t mask;

	if (hexid) {
		idlen = lc_unhex(id, sizeof(id), hexid);
		if (idlen <= 0) {
			lc_msg(o, 0, "%s is not a build-id", hexid);
			return -EINVAL;
		}
	}
	block_signals(&mask);
	/*
	 * A process gone, or whose memory we cannot read (kernel threads),
	 * has nothing of ours to remove.
	 */
	r = lc_proc_open(&p, pid, o) ? -LC_ENOTARGET : 0;
	if (!r && lc_proc_objects(&p))
		r = -LC_ENOTARGET;
	/* Nothing of ours: nothing to refuse either (unpatch --all). */
	if (!r && lc_proc_markers(&p, &addr, 1) > 0) {
		r = lc_proc_check(&p);
		if (!r)
			r = cleanup(&p, id, idlen, o);
	}
	while (!r && lc_switch_find(&p, id, idlen, &m, &addr)) {
		static struct lc_switch sw;
		char hex[2 * LC_BUILD_ID_MAX + 1];

		struct lc_obj *obj = lc_proc_find(&p, m.build_id, m.build_id_len);

		memset(&sw, 0, sizeof(sw));
		lc_switch_plan_remove(&p, &m, addr, &sw);
		if (obj)
			lc_state_save(o, &p, obj, &m, addr, true);
		r = lc_switch_run(&p, &sw, o);
		if (r) {
			if (obj)
				lc_state_save(o, &p, obj, &m, addr, false);
			break;
		}
		lc_hex(hex, m.build_id, m.build_id_len);
		lc_msg(o, pid, "%s removed (build-id %s, level %u)", m.id, hex, m.level);
		lc_state_drop(o, pid, hex);
		done++;
	}
	if (!r && !done) {
		lc_msg(o, pid, "no patch applied%s%s", hexid ? " for build-id " : "",
		       hexid ? hexid : "");
		r = -LC_ENOTARGET;
	}
	lc_proc_close(&p);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	return r;
}
