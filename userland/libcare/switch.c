// SPDX-License-Identifier: GPL-2.0
/*
 * The all-or-nothing switch (Documentation/libcare.md, "The switch").
 * Every patched function's entry jumps to its gate in the patch region;
 * every gate of a patch reads the same word, marker->committed. With
 * every thread stopped and none inside what changes: the entry jumps are
 * written first (nothing changes while committed is 0), then one aligned
 * write of committed switches the whole patch. Removal is the same,
 * backwards. The marker's state says which step a region was at, so that
 * whatever point a patcher dies at, the process runs consistent code and
 * the next patcher finishes or undoes the step (lc_switch_cleanup):
 * forward once the switch was written, backward before.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "lc.h"

#define MARKER_AT(addr, field) ((addr) + offsetof(struct lc_marker, field))
#define GATE_AT(addr, i) (MARKER_AT(addr, gates) + (i) * LC_GATE_SIZE)

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* Our own CPU time (user and system): what a stop costs us, not waits. */
static long cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

int lc_hold(struct lc_proc *p, long *t0, bool all)
{
	*t0 = now_us();
	p->hold_cpu_us = cpu_us();
	return lc_attach(p, all);
}

/*
 * The wall time of a stop is our work plus the waits for each thread to
 * be scheduled (to stop, to run again): on a loaded machine the waits
 * dominate, so -v says both.
 */
void lc_release(struct lc_proc *p, long t0, struct lc_opts *o)
{
	int n = p->nth;
	long d;

	lc_detach(p);
	d = now_us() - t0;
	if (d > o->stop_us)
		o->stop_us = d;
	lc_dbg(o, p->pid, "stopped %d threads for %ld us (%ld us of libcare's CPU)",
	       n, d, cpu_us() - p->hold_cpu_us);
}

/* Exited (or exiting) processes explain every failure at once. */
bool lc_gone(pid_t pid)
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

static void add_write(struct lc_write *w, int *n, unsigned long addr,
		      const void *bytes, int len, const void *undo, bool cond)
{
	struct lc_write *x = &w[(*n)++];

	x->addr = addr;
	x->len = len;
	x->cond = cond;
	memcpy(x->bytes, bytes, len);
	if (undo)
		memcpy(x->undo, undo, len);
}

static void add_state(struct lc_switch *sw, unsigned long addr, uint32_t state)
{
	add_write(sw->after, &sw->nafter, MARKER_AT(addr, state), &state, 4, NULL, false);
}

/* A conditional write is skipped when the bytes there changed meanwhile. */
static int do_write(struct lc_proc *p, const struct lc_write *w)
{
	unsigned char now[LC_JUMP_MAX];

	if (w->cond && (lc_mem_read(p, w->addr, now, w->len) ||
			memcmp(now, w->undo, w->len)))
		return 0;
	return lc_mem_write(p, w->addr, w->bytes, w->len);
}

/* The steps of one stop; its behaviour-changing part is the flip alone. */
static int switch_steps(struct lc_proc *p, struct lc_switch *sw)
{
	int i, r = 0;
	long ret;

	for (i = 0; i < sw->nbefore && !r; i++)
		r = lc_mem_write(p, sw->before[i].addr, sw->before[i].bytes,
				 sw->before[i].len);
	if (r) {
		/* Harmless as they are, but leave nothing behind. */
		for (i -= 2; i >= 0; i--)
			lc_mem_write(p, sw->before[i].addr, sw->before[i].undo,
				     sw->before[i].len);
		return r;
	}
	if (sw->flip_addr) {
		/* For the tests: die with the gates in place, switched off... */
		if (lc_fault("kill-before-switch"))
			raise(SIGKILL);
		r = lc_mem_write(p, sw->flip_addr, &sw->flip_val, 8);
		if (r)
			return r;
		/* ...or right after the one write that switches. */
		if (lc_fault("kill-after-switch"))
			raise(SIGKILL);
	}
	for (i = 0; i < sw->nafter; i++)
		if (do_write(p, &sw->after[i]))
			lc_msg(p->o, p->pid, "cannot write %d bytes at %#lx",
			       sw->after[i].len, sw->after[i].addr);
	for (i = 0; i < sw->nunmap; i++)
		if (lc_syscall(p, SYS_munmap, sw->unmap_addr[i], sw->unmap_size[i],
			       0, 0, 0, 0, &ret) || ret)
			lc_msg(p->o, p->pid, "cannot unmap the region at %#lx",
			       sw->unmap_addr[i]);
	return 0;
}

/* Stop every thread, retried: check the stacks, then switch. */
int lc_switch_run(struct lc_proc *p, struct lc_switch *sw, struct lc_opts *o)
{
	struct lc_unwinder *u;
	char why[256] = "";
	int try, r = -LC_EBUSY;
	long t0;

	u = lc_unwind_open(p, why, sizeof(why));
	if (!u) {
		lc_msg(o, p->pid, "%s", why);
		return -EIO;
	}
	for (try = 0; try < o->retries && r == -LC_EBUSY; try++) {
		if (try)
			usleep(o->retry_ms * 1000);
		long c[5];

		c[0] = cpu_us();
		r = lc_hold(p, &t0, true);
		if (r)
			break;
		c[1] = c[4] = cpu_us();
		if (sw->prepare) {
			r = sw->prepare(p, sw->prepare_arg);
			sw->prepare = NULL;
			if (r) {
				/* It said why; the process is as it was. */
				lc_release(p, t0, o);
				lc_unwind_close(u);
				return r;
			}
			c[4] = cpu_us();
		}
		r = lc_unwind_check(p, u, sw->r, sw->nr, why, sizeof(why));
		c[2] = cpu_us();
		if (!r)
			r = switch_steps(p, sw);
		c[3] = cpu_us();
		lc_release(p, t0, o);
		/* Where the stop's CPU went, for the figures (bench-libcare.sh). */
		lc_dbg(o, p->pid, "that stop's CPU: %ld us stopping, %ld us mapping, %ld us checking the stacks, %ld us writing, %ld us letting go",
		       c[1] - c[0], c[4] - c[1], c[2] - c[4], c[3] - c[2], cpu_us() - c[3]);
		if (r == -LC_EBUSY)
			lc_dbg(o, p->pid, "try %d: %s", try + 1, why);
	}
	lc_unwind_close(u);
	if (r && lc_gone(p->pid))
		lc_msg(o, p->pid, "the process exited during the patch");
	else if (r == -LC_EBUSY)
		lc_msg(o, p->pid, "busy: %s; gave up after %d tries", why, o->retries);
	else if (r)
		lc_msg(o, p->pid, "cannot switch: %s", why[0] ? why : strerror(-r));
	return r;
}

/* One site of the plan: its gate built in the image, its entry to write. */
static int plan_site(struct lc_proc *p, struct lc_image *img, int i,
		     struct lc_marker_func *f, const unsigned char *code,
		     unsigned long room, unsigned long old_gate, struct lc_switch *sw)
{
	struct lc_marker *m = img->marker;
	char why[128] = "";
	struct lc_gate g = {
		.buf = m->gates[i],
		.addr = GATE_AT(img->addr, i),
		.committed = MARKER_AT(img->addr, committed),
		.site = f->site,
		.code = code,
		.room = room,
		.new_target = f->new_addr,
		.old_target = old_gate,
	};
	int r = lc_gate_build(&g, why, sizeof(why));

	if (r) {
		lc_msg(p->o, p->pid, "function %s: %s", f->name, why);
		return -LC_EBADPATCH;
	}
	f->len = g.jlen;
	add_write(sw->before, &sw->nbefore, f->site, g.jump, g.jlen, f->prev, false);
	return 0;
}

/*
 * The plan of a patch: the marker, a gate per function (and per function
 * of the older level @old that this one gives back), the entries to
 * write, what is checked. The older level's gates stay the "old" way of
 * ours until the switch, so that nothing changes before it.
 */
int lc_switch_plan_apply(struct lc_proc *p, const struct lc_patch_info *in,
			 struct lc_syms *syms, struct lc_image *img,
			 const unsigned long *repl, const struct lc_marker *old,
			 unsigned long old_addr, struct lc_switch *sw)
{
	struct lc_marker *m = img->marker;
	unsigned char code[LC_JUMP_MAX];
	int i, k, n = 0, r;

	memcpy(m->magic, LC_MAGIC, 8);
	m->version = LC_MARKER_VERSION;
	m->level = in->level;
	m->build_id_len = in->build_id_len;
	memcpy(m->build_id, in->build_id, in->build_id_len);
	snprintf(m->id, sizeof(m->id), "%s", in->id);
	m->size = img->size;
	m->rx_size = img->rx_size;
	m->state = LC_ST_LOADING;
	m->committed = 0;
	for (i = 0; i < in->nfuncs; i++, n++) {
		struct lc_marker_func *f = &m->funcs[n];
		const struct lc_marker_func *of = NULL;
		unsigned long size, room;

		if (lc_syms_lookup(syms, in->funcs[i].name, in->file[0] ? in->file : NULL,
				   true, &f->addr, &size) != 1) {
			lc_msg(p->o, p->pid, "function %s: not found (or not unique) in the library",
			       in->funcs[i].name);
			return -LC_EBADPATCH;
		}
		snprintf(f->name, sizeof(f->name), "%s", in->funcs[i].name);
		f->new_addr = repl[i];
		for (k = 0; old && k < (int)old->nfuncs; k++)
			if (old->funcs[k].addr == f->addr)
				of = &old->funcs[k];
		if (of) {
			/* Its original bytes are in the older level's marker. */
			f->site = of->site;
			f->olen = of->olen;
			memcpy(f->orig, of->orig, of->olen);
		} else {
			room = size < LC_JUMP_MAX ? size : LC_JUMP_MAX;
			if (lc_mem_read(p, f->addr, code, room))
				return -ESRCH;
			f->site = f->addr + lc_gate_skip(code, size);
			f->olen = room - (f->site - f->addr);
			memcpy(f->orig, code + (f->site - f->addr), f->olen);
		}
		if (lc_mem_read(p, f->site, f->prev, LC_JUMP_MAX))
			return -ESRCH;
		r = plan_site(p, img, n, f, f->orig, f->olen,
			      of ? GATE_AT(old_addr, of - old->funcs) : 0, sw);
		if (r)
			return r;
		sw->r[sw->nr++] = (struct lc_range){ f->addr, f->addr + size, f->name };
	}
	/* Functions of the older level this one gives back: the original. */
	for (k = 0; old && k < (int)old->nfuncs; k++) {
		const struct lc_marker_func *of = &old->funcs[k];
		struct lc_marker_func *f = &m->funcs[n];

		for (i = 0; i < in->nfuncs && m->funcs[i].addr != of->addr; i++)
			;
		if (i < in->nfuncs || n >= LC_SITES)
			continue;
		*f = *of;
		f->new_addr = 0;
		if (lc_mem_read(p, f->site, f->prev, LC_JUMP_MAX))
			return -ESRCH;
		r = plan_site(p, img, n, f, f->orig, f->olen, GATE_AT(old_addr, k), sw);
		if (r)
			return r;
		sw->r[sw->nr++] = (struct lc_range){ f->site, f->site + f->len, f->name };
		n++;
	}
	m->nfuncs = n;
	sw->flip_addr = MARKER_AT(img->addr, committed);
	sw->flip_val = 1;
	/* Ours no longer lead to the older level, which is freed. */
	for (i = 0; old && i < n; i++) {
		unsigned char b[8];
		unsigned long at;
		int len = lc_gate_unchain(GATE_AT(img->addr, i), b, &at);

		add_write(sw->after, &sw->nafter, at, b, len, NULL, false);
	}
	add_state(sw, img->addr, LC_ST_ACTIVE);
	if (old) {
		sw->r[sw->nr++] = (struct lc_range){ old_addr, old_addr + old->size,
						     "the previous patch level" };
		sw->unmap_addr[sw->nunmap] = old_addr;
		sw->unmap_size[sw->nunmap++] = old->size;
	}
	return 0;
}

/* Entries back to @m's original bytes, where they still jump to @m. */
static void plan_restore(const struct lc_marker *m, unsigned long addr,
			 bool to_prev, struct lc_switch *sw)
{
	int i;

	for (i = 0; i < (int)m->nfuncs && i < LC_SITES; i++) {
		const struct lc_marker_func *f = &m->funcs[i];
		unsigned char jump[LC_JUMP_MAX];

		if (lc_gate_jump(jump, f->site, GATE_AT(addr, i)) != (int)f->len)
			continue;
		add_write(sw->after, &sw->nafter, f->site, to_prev ? f->prev : f->orig,
			  f->len, jump, true);
	}
}

/* Removal: switched off first; then the entries, then the region. */
void lc_switch_plan_remove(struct lc_proc *p, const struct lc_marker *m,
			   unsigned long addr, struct lc_switch *sw)
{
	uint32_t st = LC_ST_REMOVING;
	int i;

	add_write(sw->before, &sw->nbefore, MARKER_AT(addr, state), &st, 4,
		  &m->state, false);
	sw->flip_addr = MARKER_AT(addr, committed);
	sw->flip_val = 0;
	plan_restore(m, addr, false, sw);
	for (i = 0; i < (int)m->nfuncs && i < LC_SITES; i++)
		sw->r[sw->nr++] = (struct lc_range){ m->funcs[i].site,
			m->funcs[i].site + m->funcs[i].len, m->funcs[i].name };
	sw->r[sw->nr++] = (struct lc_range){ addr, addr + m->size, "the patch" };
	sw->unmap_addr[sw->nunmap] = addr;
	sw->unmap_size[sw->nunmap++] = m->size;
}

static bool ours(const struct lc_marker *m, const unsigned char *id, int len)
{
	return m->version == LC_MARKER_VERSION &&
	       (!len || ((int)m->build_id_len == len && !memcmp(m->build_id, id, len)));
}

/* The patch in effect for @id (any when @len is 0): 1 found, 0 none. */
int lc_switch_find(struct lc_proc *p, const unsigned char *id, int len,
		   struct lc_marker *m, unsigned long *addr)
{
	unsigned long a[16];
	int n = lc_proc_markers(p, a, 16), i;

	for (i = 0; i < n; i++)
		if (!lc_mem_read(p, a[i], m, sizeof(*m)) && ours(m, id, len) &&
		    m->state == LC_ST_ACTIVE && m->committed) {
			*addr = a[i];
			return 1;
		}
	return 0;
}

/*
 * What a patcher that died left in @p for @id: a region switched on is
 * finished (it supersedes any other), one switched off is undone. Its
 * entries point at its gates; restored where they still do.
 */
int lc_switch_cleanup(struct lc_proc *p, const unsigned char *id, int len,
		      struct lc_opts *o)
{
	static struct lc_marker m;
	static struct lc_switch sw;
	unsigned long a[16], keep = 0;
	int n = lc_proc_markers(p, a, 16), i, top = -1, r;

	memset(&sw, 0, sizeof(sw));
	/* The newest level switched on is the one in effect. */
	for (i = 0; i < n; i++)
		if (!lc_mem_read(p, a[i], &m, sizeof(m)) && ours(&m, id, len) &&
		    m.committed && (int)m.level > top && m.state != LC_ST_REMOVING) {
			top = m.level;
			keep = a[i];
		}
	for (i = 0; i < n; i++) {
		if (lc_mem_read(p, a[i], &m, sizeof(m)) || !ours(&m, id, len))
			continue;
		if (a[i] == keep) {
			if (m.state == LC_ST_ACTIVE)
				continue;
			lc_msg(o, p->pid, "%s was left half-done (level %u): finishing it",
			       m.id, m.level);
			for (r = 0; r < (int)m.nfuncs; r++) {
				unsigned char b[8];
				unsigned long at;
				int l = lc_gate_unchain(GATE_AT(a[i], r), b, &at);

				add_write(sw.after, &sw.nafter, at, b, l, NULL, false);
			}
			add_state(&sw, a[i], LC_ST_ACTIVE);
			continue;
		}
		if (m.state == LC_ST_ACTIVE && m.committed && keep) {
			/* An older level the newer one replaced: just free it. */
			lc_msg(o, p->pid, "freeing %s (level %u), replaced", m.id, m.level);
		} else if (m.state == LC_ST_ACTIVE || (m.committed && m.state == LC_ST_REMOVING)) {
			if (m.state == LC_ST_REMOVING) {
				/* Removal stopped before its switch: it stays. */
				lc_msg(o, p->pid, "%s: removal was interrupted before the switch; it stays applied",
				       m.id);
				add_state(&sw, a[i], LC_ST_ACTIVE);
			}
			continue;
		} else {
			lc_msg(o, p->pid, "%s (level %u) was left half-%s: undoing it",
			       m.id, m.level, m.state == LC_ST_REMOVING ? "removed" : "applied");
			/* Not switched: back to what ran before it. */
			plan_restore(&m, a[i], m.state == LC_ST_LOADING, &sw);
		}
		if (sw.nr < LC_SITES + 2)
			sw.r[sw.nr++] = (struct lc_range){ a[i], a[i] + m.size, "a leftover region" };
		sw.unmap_addr[sw.nunmap] = a[i];
		sw.unmap_size[sw.nunmap++] = m.size;
	}
	if (!sw.nafter && !sw.nunmap)
		return 0;
	r = lc_switch_run(p, &sw, o);
	if (!r)
		lc_msg(o, p->pid, "cleaned up what an interrupted patcher left");
	return r;
}
