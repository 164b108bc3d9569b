// SPDX-License-Identifier: GPL-2.0
/*
 * Applying and removing a patch in one process. Two short stops:
 * the first maps the region (read-write, then its code part read-execute,
 * which is where MemoryDenyWriteExecute refuses); the image is written
 * while the process runs; the second stop checks that no thread is inside
 * a function being replaced (or an older level being freed) and writes
 * every entry jump at once, or none. A busy process runs on for a while
 * between checks, untraced.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
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

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
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

static int stop(struct lc_proc *p, long *t0, bool all)
{
	*t0 = now_us();
	return lc_attach(p, all);
}

static void go(struct lc_proc *p, long t0, struct lc_opts *o)
{
	int n = p->nth;
	long d;

	lc_detach(p);
	d = now_us() - t0;
	if (d > o->stop_us)
		o->stop_us = d;
	lc_dbg(o, p->pid, "stopped %d threads for %ld us", n, d);
}

/* Exited (or exiting) processes explain every failure at once. */
static bool gone(pid_t pid)
{
	char path[64], buf[512], *s;
	FILE *f;
	bool z = true;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	s = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	if (s)
		z = s[2] == 'Z' || s[2] == 'X';
	fclose(f);
	return z;
}

static int find_old(struct lc_proc *p, const unsigned char *id, int len,
		    struct lc_marker *m, unsigned long *addr)
{
	unsigned long a[16];
	int n = lc_proc_markers(p, a, 16), i;

	for (i = 0; i < n; i++)
		if (!lc_mem_read(p, a[i], m, sizeof(*m)) &&
		    m->version == LC_MARKER_VERSION &&
		    (!len || ((int)m->build_id_len == len &&
			      !memcmp(m->build_id, id, len)))) {
			*addr = a[i];
			return 1;
		}
	return 0;
}

static void unmap(struct lc_proc *p, unsigned long addr, unsigned long size)
{
	long t0, ret;

	if (stop(p, &t0, false))
		return;
	if (lc_syscall(p, SYS_munmap, addr, size, 0, 0, 0, 0, &ret) || ret)
		lc_msg(p->o, p->pid, "cannot unmap the region at %#lx", addr);
	lc_detach(p);
}

/* Stop 1: a region near the library, its code part read-execute. */
static int map_region(struct lc_proc *p, struct lc_obj *obj, struct lc_image *img,
		      struct lc_opts *o)
{
	unsigned long lo, hi, want;
	long t0, ret;
	int r;

	lo = obj->end > lc_arch_near ? obj->end - lc_arch_near : 0;
	hi = obj->start + lc_arch_near;
	r = lc_proc_free_near(p, lo, hi, img->size, obj->end, &want);
	if (r) {
		lc_msg(o, p->pid, "refused: no free room within reach of %s", obj->path);
		return -LC_EREFUSED;
	}
	/* One thread is enough for system calls; the others run on. */
	r = stop(p, &t0, false);
	if (r)
		return r;
	r = lc_syscall(p, SYS_mmap, want, img->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0, &ret);
	if (!r && (unsigned long)ret != want) {
		lc_msg(o, p->pid, "mmap in the process failed: %s",
		       ret < 0 && ret > -4096 ? strerror(-ret) : "wrong address");
		if (ret > 0)
			lc_syscall(p, SYS_munmap, ret, img->size, 0, 0, 0, 0, &ret);
		r = -ENOMEM;
	} else if (!r) {
		img->addr = want;
		r = lc_syscall(p, SYS_mprotect, want, img->rx_size,
			       PROT_READ | PROT_EXEC, 0, 0, 0, &ret);
		if (!r && ret) {
			lc_msg(o, p->pid, "refused: %s may not map executable memory (%s; MemoryDenyWriteExecute?)",
			       p->comm, strerror(-ret));
			lc_syscall(p, SYS_munmap, want, img->size, 0, 0, 0, 0, &ret);
			img->addr = 0;
			r = -LC_EREFUSED;
		}
	}
	go(p, t0, o);
	return r;
}

/* All jumps or none: undo the ones written if one fails. */
static int write_all(struct lc_proc *p, const unsigned long *addr,
		     unsigned char (*bytes)[LC_JUMP_MAX],
		     unsigned char (*undo)[LC_JUMP_MAX], const int *len, int n)
{
	int i, r = 0;

	for (i = 0; i < n && !r; i++)
		r = lc_mem_write(p, addr[i], bytes[i], len[i]);
	if (r)
		for (i -= 2; i >= 0; i--)
			lc_mem_write(p, addr[i], undo[i], len[i]);
	return r;
}

struct switch_plan {
	int n;
	unsigned long addr[2 * LC_MAX_FUNCS];
	unsigned char bytes[2 * LC_MAX_FUNCS][LC_JUMP_MAX];
	unsigned char undo[2 * LC_MAX_FUNCS][LC_JUMP_MAX];
	int len[2 * LC_MAX_FUNCS];
	struct lc_range r[LC_MAX_FUNCS * 2 + 1];
	int nr;
	unsigned long unmap_addr, unmap_size;
};

/* Stop 2, retried: check the stacks, then switch everything at once. */
static int switch_all(struct lc_proc *p, struct switch_plan *sp, struct lc_opts *o)
{
	struct lc_unwinder *u;
	char why[256] = "";
	int try, r = -LC_EBUSY;
	long t0, ret;

	u = lc_unwind_open(p, why, sizeof(why));
	if (!u) {
		lc_msg(o, p->pid, "%s", why);
		return -EIO;
	}
	for (try = 0; try < o->retries && r == -LC_EBUSY; try++) {
		if (try)
			usleep(o->retry_ms * 1000);
		r = stop(p, &t0, true);
		if (r) {
			lc_unwind_close(u);
			return r;
		}
		r = lc_unwind_check(p, u, sp->r, sp->nr, why, sizeof(why));
		if (!r)
			r = write_all(p, sp->addr, sp->bytes, sp->undo, sp->len, sp->n);
		if (!r && sp->unmap_addr &&
		    (lc_syscall(p, SYS_munmap, sp->unmap_addr, sp->unmap_size, 0, 0, 0, 0, &ret) || ret))
			lc_msg(o, p->pid, "cannot unmap the previous level at %#lx", sp->unmap_addr);
		go(p, t0, o);
		if (r == -LC_EBUSY)
			lc_dbg(o, p->pid, "try %d: %s", try + 1, why);
	}
	lc_unwind_close(u);
	if (r && gone(p->pid))
		lc_msg(o, p->pid, "the process exited during the patch");
	else if (r == -LC_EBUSY)
		lc_msg(o, p->pid, "busy: %s; gave up after %d tries", why, o->retries);
	else if (r)
		lc_msg(o, p->pid, "cannot switch: %s", why[0] ? why : strerror(-r));
	return r;
}

static int plan_apply(struct lc_proc *p, struct lc_patch *pt, struct lc_syms *syms,
		      struct lc_image *img, struct lc_marker *old,
		      unsigned long old_addr, struct switch_plan *sp)
{
	const struct lc_patch_info *in = &pt->info;
	struct lc_marker *m = img->marker;
	int i, k;

	memcpy(m->magic, LC_MAGIC, 8);
	m->version = LC_MARKER_VERSION;
	m->level = in->level;
	m->build_id_len = in->build_id_len;
	memcpy(m->build_id, in->build_id, in->build_id_len);
	snprintf(m->id, sizeof(m->id), "%s", in->id);
	m->size = img->size;
	m->rx_size = img->rx_size;
	m->nfuncs = in->nfuncs;
	for (i = 0; i < in->nfuncs; i++) {
		struct lc_marker_func *f = &m->funcs[i];
		unsigned long size;
		int len;

		if (lc_syms_lookup(syms, in->funcs[i].name, in->file[0] ? in->file : NULL,
				   true, &f->addr, &size) != 1) {
			lc_msg(p->o, p->pid, "function %s: %s in the library", in->funcs[i].name,
			       "not found (or not unique)");
			return -LC_EBADPATCH;
		}
		f->new_addr = lc_patch_repl_addr(pt, i);
		snprintf(f->name, sizeof(f->name), "%s", in->funcs[i].name);
		len = lc_arch_jump(sp->bytes[i], f->addr, f->new_addr, size);
		if (len < 0) {
			lc_msg(p->o, p->pid, "function %s: no room for the jump (%lu bytes)",
			       f->name, size);
			return -LC_EBADPATCH;
		}
		f->len = len;
		sp->addr[i] = f->addr;
		sp->len[i] = len;
		if (lc_mem_read(p, f->addr, sp->undo[i], len))
			return -ESRCH;
		memcpy(f->orig, sp->undo[i], len);
		/* Already patched by the older level: its original bytes. */
		for (k = 0; old && k < (int)old->nfuncs; k++)
			if (old->funcs[k].addr == f->addr)
				memcpy(f->orig, old->funcs[k].orig, len);
		sp->r[sp->nr++] = (struct lc_range){ f->addr, f->addr + size, f->name };
	}
	sp->n = in->nfuncs;
	if (!old)
		return 0;
	/* Functions of the older level this one no longer replaces. */
	for (k = 0; k < (int)old->nfuncs && sp->n < 2 * LC_MAX_FUNCS; k++) {
		for (i = 0; i < in->nfuncs; i++)
			if (m->funcs[i].addr == old->funcs[k].addr)
				break;
		if (i < in->nfuncs)
			continue;
		sp->addr[sp->n] = old->funcs[k].addr;
		sp->len[sp->n] = old->funcs[k].len;
		memcpy(sp->bytes[sp->n], old->funcs[k].orig, old->funcs[k].len);
		lc_mem_read(p, old->funcs[k].addr, sp->undo[sp->n], old->funcs[k].len);
		sp->n++;
	}
	sp->r[sp->nr++] = (struct lc_range){ old_addr, old_addr + old->size,
					     "the previous patch level" };
	sp->unmap_addr = old_addr;
	sp->unmap_size = old->size;
	return 0;
}

int lc_apply(pid_t pid, struct lc_patch *pt, struct lc_opts *o)
{
	const struct lc_patch_info *in = &pt->info;
	static struct switch_plan sp;
	struct lc_image img = { 0 };
	struct lc_marker old;
	struct lc_syms *syms = NULL;
	struct lc_proc p;
	struct lc_obj *obj;
	unsigned long old_addr = 0;
	char hex[2 * LC_BUILD_ID_MAX + 1];
	bool have_old;
	sigset_t mask;
	int r;

	memset(&sp, 0, sizeof(sp));
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
	have_old = find_old(&p, in->build_id, in->build_id_len, &old, &old_addr);
	if (have_old && old.level >= in->level) {
		lc_msg(o, pid, "%s: level %u is applied already (patch %s is level %u)",
		       obj->path, old.level, in->id, in->level);
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
	r = map_region(&p, obj, &img, o);
	if (r)
		goto out;
	r = lc_patch_relocate(pt, &p, obj, syms, &img);
	if (!r)
		r = plan_apply(&p, pt, syms, &img, have_old ? &old : NULL, old_addr, &sp);
	if (!r)
		r = lc_mem_write(&p, img.addr, img.buf, img.size);
	if (!r)
		r = switch_all(&p, &sp, o);
	if (r) {
		unmap(&p, img.addr, img.size);
		goto out;
	}
	lc_msg(o, pid, "%s: %s applied (level %u, %d functions)", obj->path, in->id,
	       in->level, in->nfuncs);
	if (have_old)
		lc_state_drop(o, pid, hex);
	lc_state_save(o, &p, obj, img.marker, img.addr);
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
	struct lc_marker m;
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
	/* Nothing applied: nothing to refuse either (unpatch --all). */
	if (!r && find_old(&p, id, idlen, &m, &addr))
		r = lc_proc_check(&p);
	while (!r && find_old(&p, id, idlen, &m, &addr)) {
		static struct switch_plan sp;
		char hex[2 * LC_BUILD_ID_MAX + 1];
		int i;

		memset(&sp, 0, sizeof(sp));
		for (i = 0; i < (int)m.nfuncs && i < LC_MAX_FUNCS; i++) {
			sp.addr[i] = m.funcs[i].addr;
			sp.len[i] = m.funcs[i].len;
			memcpy(sp.bytes[i], m.funcs[i].orig, m.funcs[i].len);
			lc_mem_read(&p, m.funcs[i].addr, sp.undo[i], m.funcs[i].len);
			sp.r[sp.nr++] = (struct lc_range){ m.funcs[i].addr,
				m.funcs[i].addr + m.funcs[i].len, m.funcs[i].name };
		}
		sp.n = i;
		sp.r[sp.nr++] = (struct lc_range){ addr, addr + m.size, "the patch" };
		sp.unmap_addr = addr;
		sp.unmap_size = m.size;
		r = switch_all(&p, &sp, o);
		if (r)
			break;
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
