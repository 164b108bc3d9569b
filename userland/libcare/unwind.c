// SPDX-License-Identifier: GPL-2.0
/*
 * The consistency check: unwind the stack of every stopped thread with
 * elfutils libdw (as eu-stack does, from the CFI of each mapped object)
 * and tell whether a frame is inside code about to be replaced or freed.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc.h"

struct walk {
	const struct lc_range *r;
	int n;
	pid_t tid;
	const char *hit;
	unsigned long pc;
	int depth;
};

static int frame_cb(Dwfl_Frame *frame, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;
	int i;

	if (!dwfl_frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	/* A return address points after the call: look at the call itself. */
	if (!activation)
		pc--;
	for (i = 0; i < w->n; i++)
		if (pc >= w->r[i].start && pc < w->r[i].end) {
			w->hit = w->r[i].name;
			w->pc = pc;
			return DWARF_CB_ABORT;
		}
	return ++w->depth < 256 ? DWARF_CB_OK : DWARF_CB_ABORT;
}

static int thread_cb(Dwfl_Thread *thread, void *arg)
{
	struct walk *w = arg;

	w->tid = dwfl_thread_tid(thread);
	w->depth = 0;
	/* An unwind that stops early (no CFI) still checked its frames. */
	dwfl_thread_getframes(thread, frame_cb, w);
	return w->hit ? DWARF_CB_ABORT : DWARF_CB_OK;
}

/*
 * libdw reads the stopped threads through us: registers we already hold,
 * memory through /proc/PID/mem, rather than a ptrace call per word. It
 * asks for one word at a time, mostly on the same stack page: the last
 * page read is kept, so a thread's unwind costs a read or two, not one
 * system call per word (the process is stopped meanwhile, so what we
 * keep cannot change under us; each stop starts afresh).
 */
#define LC_UNWIND_PAGE	4096UL

struct state {
	struct lc_proc *p;
	int next;
	unsigned long page;		/* address of @buf, 1 when empty */
	unsigned char buf[LC_UNWIND_PAGE];
};

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct state *st = arg;

	if (st->next >= st->p->nth)
		return 0;
	*thread_argp = &st->p->th[st->next];
	return st->p->th[st->next++].tid;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *arg)
{
	struct state *st = arg;
	unsigned long page = addr & ~(LC_UNWIND_PAGE - 1);

	/* A word across pages, or a page that cannot be read whole: as is. */
	if (addr - page > LC_UNWIND_PAGE - sizeof(*result))
		return !lc_mem_read(st->p, addr, result, sizeof(*result));
	if (page != st->page) {
		if (lc_mem_read(st->p, page, st->buf, LC_UNWIND_PAGE)) {
			st->page = 1;
			return !lc_mem_read(st->p, addr, result, sizeof(*result));
		}
		st->page = page;
	}
	memcpy(result, st->buf + (addr - page), sizeof(*result));
	return true;
}

static bool initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct lc_thread *t = arg;
	Dwarf_Word regs[LC_DWARF_REGS], pc;
	int n = lc_arch_dwarf_regs(&t->regs, regs, &pc);

	if (!dwfl_thread_state_registers(thread, 0, n, regs))
		return false;
	dwfl_thread_state_register_pc(thread, pc);
	return true;
}

static const Dwfl_Thread_Callbacks thread_cb_ops = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = initial_registers,
};

struct lc_unwinder {
	Dwfl *dwfl;
	struct state st;
};

/*
 * The ELF files of the modules, kept open across the processes of one
 * run, by build-id: a thousand processes map the same libc, whose file
 * is then opened, mapped and paged in once, not once a process (libelf
 * counts the references: each Dwfl's elf_end() drops its own). The
 * process whose modules are being found is @cur_proc.
 */
#define LC_ELF_CACHE 64

static struct lc_elf_entry {
	unsigned char id[LC_BUILD_ID_MAX];
	int len, fd;
	Elf *elf;
} elf_cache[LC_ELF_CACHE];
static int elf_cached, elf_evict;
static struct lc_proc *cur_proc;

static struct lc_elf_entry *elf_cache_get(const struct lc_obj *o)
{
	struct lc_elf_entry *e;
	bool other;
	Elf *elf;
	int i, fd;

	for (i = 0; i < elf_cached; i++)
		if (elf_cache[i].len == o->build_id_len &&
		    !memcmp(elf_cache[i].id, o->build_id, o->build_id_len))
			return &elf_cache[i];
	/* The file must be what the process maps (it may have changed on disk). */
	elf = lc_obj_elf(o, ELF_C_READ_MMAP, &fd, &other);
	if (!elf)
		return NULL;
	if (elf_cached < LC_ELF_CACHE) {
		e = &elf_cache[elf_cached++];
	} else {
		/* Full: the oldest goes (its last user's elf_end() frees it). */
		e = &elf_cache[elf_evict];
		elf_evict = (elf_evict + 1) % LC_ELF_CACHE;
		elf_cntl(e->elf, ELF_C_FDDONE);
		elf_end(e->elf);
		close(e->fd);
	}
	memcpy(e->id, o->build_id, o->build_id_len);
	e->len = o->build_id_len;
	e->fd = fd;
	e->elf = elf;
	return e;
}

/* A module's file: from the cache when the process's objects know it. */
static int find_elf(Dwfl_Module *mod, void **userdata, const char *name,
		    Dwarf_Addr base, char **file_name, Elf **elfp)
{
	struct lc_proc *p = cur_proc;
	struct lc_elf_entry *e = NULL;
	int i;

	for (i = 0; p && i < p->nobjs && !e; i++)
		if (base >= p->objs[i].start && base < p->objs[i].end &&
		    !strcmp(name, p->objs[i].path))
			e = elf_cache_get(&p->objs[i]);
	if (!e)
		return dwfl_linux_proc_find_elf(mod, userdata, name, base,
						file_name, elfp);
	/* Another reference to the same descriptor, for this Dwfl. */
	*elfp = elf_begin(e->fd, ELF_C_READ_MMAP, e->elf);
	*file_name = strdup(name);
	return -1;
}

/*
 * The first code address that .eh_frame_hdr's search table covers, in
 * the usual encoding (what GNU ld writes), or 0.
 */
static GElf_Addr hdr_first(const GElf_Shdr *sh, const Elf_Data *d)
{
	const unsigned char *b = d->d_buf;
	uint32_t count;
	int32_t loc;

	if (d->d_size < 20 || b[0] != 1 ||
	    b[1] != (DW_EH_PE_pcrel | DW_EH_PE_sdata4) || b[2] != DW_EH_PE_udata4 ||
	    b[3] != (DW_EH_PE_datarel | DW_EH_PE_sdata4))
		return 0;
	memcpy(&count, b + 8, 4);
	memcpy(&loc, b + 12, 4);
	return count ? sh->sh_addr + loc : 0;
}

/*
 * Open each module's ELF file and read its CFI now, not in a stop; and
 * more: bring in the pages of its .eh_frame and .eh_frame_hdr and make a
 * first lookup (which sets up what all later ones share). Measured in
 * the stop of an 8-thread process, page faults and those first-time
 * costs were most of the unwinding's CPU; here the process runs.
 */
static int warm_module(Dwfl_Module *mod, void **userdata, const char *name,
		       Dwarf_Addr start, void *arg)
{
	Dwarf_CFI *cfi;
	Dwarf_Addr bias, first = 0;
	Dwarf_Frame *f;
	Elf_Scn *scn = NULL;
	size_t shstr, i;
	Elf *elf;

	cfi = dwfl_module_eh_cfi(mod, &bias);
	elf = cfi ? dwfl_module_getelf(mod, &bias) : NULL;
	if (!elf || elf_getshdrstrndx(elf, &shstr))
		return DWARF_CB_OK;
	while ((scn = elf_nextscn(elf, scn))) {
		const volatile unsigned char *b;
		const char *n;
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstr, sh.sh_name);
		if (!n || (strcmp(n, ".eh_frame") && strcmp(n, ".eh_frame_hdr")))
			continue;
		d = elf_rawdata(scn, NULL);
		if (!d || !d->d_buf)
			continue;
		for (b = d->d_buf, i = 0; i < d->d_size; i += 4096)
			(void)b[i];
		if (!strcmp(n, ".eh_frame_hdr"))
			first = hdr_first(&sh, d);
	}
	if (first && !dwarf_cfi_addrframe(cfi, first, &f))
		free(f);
	return DWARF_CB_OK;
}

/*
 * The process's modules, reported while it runs (the maps do not change
 * for what we look at), their files opened and CFI read: the stops only
 * pay for the unwinding itself.
 */
struct lc_unwinder *lc_unwind_open(struct lc_proc *p, char *why, size_t len)
{
	static const Dwfl_Callbacks cb = {
		.find_elf = find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
	};
	struct lc_unwinder *u = calloc(1, sizeof(*u));
	FILE *maps;

	if (!u)
		return NULL;
	u->st.p = p;
	cur_proc = p;
	/* The maps as they are now, not as they were at the start. */
	lc_maps_drop(p);
	maps = lc_maps_open(p);
	u->dwfl = dwfl_begin(&cb);
	if (!maps || !u->dwfl || dwfl_linux_proc_maps_report(u->dwfl, maps) ||
	    dwfl_report_end(u->dwfl, NULL, NULL) ||
	    !dwfl_attach_state(u->dwfl, NULL, p->pid, &thread_cb_ops, &u->st)) {
		snprintf(why, len, "cannot unwind the threads: %s", dwfl_errmsg(-1));
		if (maps)
			fclose(maps);
		lc_unwind_close(u);
		return NULL;
	}
	fclose(maps);
	dwfl_getmodules(u->dwfl, warm_module, NULL, 0);
	return u;
}

void lc_unwind_close(struct lc_unwinder *u)
{
	if (!u)
		return;
	if (u->dwfl)
		dwfl_end(u->dwfl);
	cur_proc = NULL;
	free(u);
}

/*
 * 0 when no thread runs or will return into @r, -LC_EBUSY (with @why
 * naming the thread and the function) when one does.
 */
int lc_unwind_check(struct lc_proc *p, struct lc_unwinder *u,
		    const struct lc_range *r, int n, char *why, size_t len)
{
	struct walk w = { .r = r, .n = n };
	int i;

	/* The registers first: cheap, and exact for the innermost frame. */
	for (i = 0; i < p->nth; i++) {
		unsigned long pc = lc_arch_pc(&p->th[i].regs);
		int k;

		for (k = 0; k < n; k++)
			if (pc >= r[k].start && pc < r[k].end &&
			    (!p->o->step_out || lc_step_out(p, &p->th[i], r, n, 64))) {
				snprintf(why, len, "thread %d is running in %s (pc %#lx)",
					 p->th[i].tid, r[k].name, pc);
				return -LC_EBUSY;
			}
	}
	u->st.next = 0;
	u->st.page = 1;
	dwfl_getthreads(u->dwfl, thread_cb, &w);
	if (w.hit) {
		snprintf(why, len, "thread %d is inside %s (frame at %#lx)",
			 (int)w.tid, w.hit, w.pc);
		return -LC_EBUSY;
	}
	return 0;
}
