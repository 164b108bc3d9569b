/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LibCare internals shared by its files: the process model (threads,
 * mapped objects), the per-architecture operations, and the patch image.
 */
#ifndef LC_H
#define LC_H

#include <gelf.h>
#include <limits.h>
#include <stdint.h>
#include <sys/user.h>

#include "libcare.h"

#define LC_MAGIC "KCLPATCH"
#define LC_MARKER_VERSION 2
#define LC_JUMP_MAX 24		/* moved instructions: 4 + 5 + 15 at most */
#define LC_SITES (2 * LC_MAX_FUNCS)
#define LC_GATE_SIZE 96
#define LC_MAX_THREADS 4096
#define LC_STUB_MAX 512

typedef struct user_regs_struct lc_regs;

/**
 * struct lc_thread - one thread of the target while we hold it
 * @tid: its id
 * @stopped: in a ptrace-stop we caused, registers in @regs
 * @dirty: @regs must be written back before it runs again
 * @sig: a signal that arrived while we held it, given back at detach
 */
struct lc_thread {
	pid_t tid;
	bool stopped;
	bool dirty;
	int sig;
	lc_regs regs;
};

/**
 * struct lc_obj - an ELF object mapped in the target
 * @start, @end: its whole address range (every mapping of the file)
 * @bias: load bias (start minus the first segment's page address)
 * @xend: end of its executable segment's content, for the scratch area
 * @xpage_end: end of the page that holds @xend
 */
struct lc_obj {
	char path[PATH_MAX];
	char map_file[64];
	unsigned long start, end, bias, xend, xpage_end;
	unsigned char build_id[LC_BUILD_ID_MAX];
	int build_id_len;
};

struct lc_proc {
	pid_t pid;
	char comm[32];
	int mem_fd;
	bool read_only;		/* a scanner (kcare-uchecker) only looks */
	struct lc_thread *th;
	int nth, th_cap;
	struct lc_obj *objs;
	int nobjs;
	char *maps;		/* /proc/PID/maps as last read, or NULL */
	size_t maps_len;
	unsigned long scratch;
	unsigned char scratch_orig[LC_STUB_MAX];
	int scratch_len;
	bool scratch_set;
	long hold_cpu_us;	/* our CPU time when the stop began (-v) */
	int threads;		/* as /proc/PID/status said before we stopped it */
	unsigned long long start_time;	/* its start, for state files; 0: unread */
	const struct lc_opts *o;
};

/*
 * The marker: the first bytes of every region we inject, so that the
 * region tells what it is without any file (info, unpatch, levels,
 * cleaning up after a patcher that died). It is in the read-execute part
 * of the region: the gates live in it.
 */
struct lc_marker_func {
	uint64_t addr;		/* the replaced function */
	uint64_t site;		/* its entry jump (after a BTI/ENDBR64) */
	uint64_t new_addr;	/* its replacement; 0: the original again */
	uint32_t len;		/* bytes of the entry jump */
	uint32_t olen;		/* bytes of @orig (the function may be short) */
	uint8_t orig[LC_JUMP_MAX];	/* the site before any level */
	uint8_t prev[LC_JUMP_MAX];	/* the site before this level */
	char name[64];
};

/* What the region is doing, for whoever finds it after we died. */
enum {
	LC_ST_LOADING = 1,	/* switched off; entries may point at the gates */
	LC_ST_ACTIVE,		/* committed and finished */
	LC_ST_REMOVING,		/* switched off again; entries being restored */
};

struct lc_marker {
	char magic[8];
	uint32_t version;
	uint32_t level;
	uint32_t build_id_len;
	uint32_t nfuncs;
	/*
	 * The switch of the whole patch: every gate reads it. 0 runs what
	 * ran before, 1 the patch; one aligned write changes it.
	 */
	uint64_t committed;
	uint32_t state;
	uint32_t pad;
	uint8_t build_id[LC_BUILD_ID_MAX];
	char id[LC_ID_MAX];
	uint64_t size;		/* whole region */
	uint64_t rx_size;	/* read-execute part */
	struct lc_marker_func funcs[LC_SITES];
	uint8_t gates[LC_SITES][LC_GATE_SIZE] __attribute__((aligned(16)));
};

/**
 * struct lc_gate - one function's gate, built by gate-<arch>.c
 * @buf: its LC_GATE_SIZE bytes in the image; @addr: where it runs
 * @committed: address of the patch's switch word
 * @site, @code, @room: the entry jump's place, the bytes there, and how
 *	many of them belong to the function
 * @new_target, @old_target: where the gate goes when committed and when
 *	not; 0 means the original function (the moved instructions)
 * @displaced, @back, @dlen: out, the moved instructions, where they go
 *	back to, and how many bytes of the original they are
 * @jump, @jlen: out, the entry jump to write at @site
 */
struct lc_gate {
	unsigned char *buf;
	unsigned long addr, committed, site;
	const unsigned char *code;
	unsigned long room;
	unsigned long new_target, old_target;
	unsigned long displaced, back;
	int dlen, jlen;
	unsigned char jump[LC_JUMP_MAX];
};

#ifdef __aarch64__
/* One instruction, in memory order (arch-arm64.c). */
void lc_arm64_put(unsigned char *b, uint32_t insn);
uint32_t lc_arm64_get(const unsigned char *b);
#endif

/* gate-<arch>.c */
int lc_gate_skip(const unsigned char *code, unsigned long room);
int lc_gate_jump(unsigned char *buf, unsigned long site, unsigned long gate);
int lc_gate_build(struct lc_gate *g, char *why, size_t wlen);
/*
 * The bytes that make the gate at @gate take the original function when
 * not committed (instead of an older level's gate about to be freed):
 * written at *@at, returns their length.
 */
int lc_gate_unchain(unsigned long gate, unsigned char *buf, unsigned long *at);

/* Messages: every line says who speaks and about which process. */
void lc_msg(const struct lc_opts *o, pid_t pid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define lc_dbg(o, pid, ...) do { if ((o)->verbose) lc_msg(o, pid, __VA_ARGS__); } while (0)

/* proc.c */
bool lc_fault(const char *name);
int lc_proc_open(struct lc_proc *p, pid_t pid, const struct lc_opts *o);
void lc_proc_close(struct lc_proc *p);
int lc_proc_check(struct lc_proc *p);
int lc_proc_objects(struct lc_proc *p);
FILE *lc_maps_open(struct lc_proc *p);
void lc_maps_drop(struct lc_proc *p);
struct lc_obj *lc_proc_find(struct lc_proc *p, const unsigned char *id, int len);
int lc_mem_read(struct lc_proc *p, unsigned long addr, void *buf, size_t len);
int lc_mem_write(struct lc_proc *p, unsigned long addr, const void *buf, size_t len);
int lc_proc_free_near(struct lc_proc *p, unsigned long lo, unsigned long hi,
		      unsigned long size, unsigned long near, unsigned long *out);
int lc_proc_markers(struct lc_proc *p, unsigned long *addrs, int max);

/* ptrace.c */
struct lc_range;
int lc_attach(struct lc_proc *p, bool all);
void lc_detach(struct lc_proc *p);
int lc_syscall(struct lc_proc *p, long nr, long a0, long a1, long a2,
	       long a3, long a4, long a5, long *ret);

struct lc_range {
	unsigned long start, end;
	const char *name;
};
int lc_step_out(struct lc_proc *p, struct lc_thread *t,
		const struct lc_range *r, int n, int max);

/* unwind.c */
struct lc_unwinder;
struct lc_unwinder *lc_unwind_open(struct lc_proc *p, char *why, size_t len);
void lc_unwind_close(struct lc_unwinder *u);
int lc_unwind_check(struct lc_proc *p, struct lc_unwinder *u,
		    const struct lc_range *r, int n, char *why, size_t len);

/* symbols.c */
struct lc_syms;
/* Whether @elf is the file of @obj: the same GNU build-id. */
bool lc_elf_matches(Elf *elf, const struct lc_obj *obj);
/*
 * The file @obj maps, opened (its descriptor in *@fdp) if it has @obj's
 * build-id; else NULL, *@other saying whether it was another file.
 */
Elf *lc_obj_elf(const struct lc_obj *obj, Elf_Cmd cmd, int *fdp, bool *other);
struct lc_syms *lc_syms_load(struct lc_proc *p, struct lc_obj *obj);
void lc_syms_free(struct lc_syms *s);
/* 1 found once, 0 not found, >1 ambiguous */
int lc_syms_lookup(struct lc_syms *s, const char *name, const char *file,
		   bool want_func, unsigned long *addr, unsigned long *size);
int lc_syms_extern(struct lc_proc *p, struct lc_obj *skip, const char *name,
		   unsigned long *addr);

/* Per architecture (arch-*.c). */
struct lc_image;
unsigned long lc_arch_pc(const lc_regs *r);
#define LC_DWARF_REGS 32
int lc_arch_dwarf_regs(const lc_regs *r, uint64_t *regs, uint64_t *pc);
void lc_arch_set_syscall(lc_regs *r, unsigned long pc, long nr, const long *a);
long lc_arch_ret(const lc_regs *r);
int lc_arch_syscall_stub(unsigned char *buf, const lc_regs *r);
void lc_arch_restart(lc_regs *r);
int lc_arch_jump(unsigned char *buf, unsigned long from, unsigned long to,
		 unsigned long room);
extern const unsigned long lc_arch_near;	/* placement range of the region */
extern const unsigned int lc_arch_machine;	/* e_machine of patches */
void lc_arch_stub(unsigned char *buf, unsigned long target);
int lc_arch_reloc(struct lc_image *img, unsigned int type, unsigned char *loc,
		  unsigned long P, unsigned long S, long A);

/* image.c: the patch laid out and relocated for one process */
struct lc_image {
	unsigned char *buf;
	unsigned long addr, size, rx_size;
	unsigned long slots, nslots, slot_max;	/* GOT entries and stubs */
	struct lc_marker *marker;
	bool mapped;		/* in the process at @addr (else only placed) */
};
unsigned long lc_image_slot(struct lc_image *img, unsigned long value,
			    bool stub);

/* state.c */
int lc_state_save(const struct lc_opts *o, struct lc_proc *p,
		  struct lc_obj *obj, const struct lc_marker *m,
		  unsigned long addr, bool unclean);
void lc_state_drop(const struct lc_opts *o, pid_t pid, const char *hexid);

/* switch.c: the all-or-nothing switch of a patch, and what is left over */
struct lc_write {
	unsigned long addr;
	int len;
	bool cond;		/* only if the bytes there are still @undo */
	unsigned char bytes[LC_JUMP_MAX];
	unsigned char undo[LC_JUMP_MAX];
};

/**
 * struct lc_switch - what one stop of every thread does, in this order:
 * @before: writes that change no behaviour (entry jumps to gates that
 *	are switched off), undone if one fails
 * @flip_addr, @flip_val: the one write that switches (0: none)
 * @after: bookkeeping and restores once switched
 * @unmap_addr, @unmap_size: regions freed last
 * @r: what no thread may be in, or return into, when it happens
 * @prepare: if set, done once in the first stop, before the check (the
 *	region mapped and written: apply.c), with @prepare_arg
 */
struct lc_switch {
	int nbefore, nafter, nr, nunmap;
	struct lc_write before[LC_SITES + 1];
	struct lc_write after[2 * LC_SITES + 2];
	unsigned long flip_addr;
	uint64_t flip_val;
	struct lc_range r[LC_SITES + 2];
	unsigned long unmap_addr[LC_SITES], unmap_size[LC_SITES];
	int (*prepare)(struct lc_proc *p, void *arg);
	void *prepare_arg;
};

int lc_hold(struct lc_proc *p, long *t0, bool all);
void lc_release(struct lc_proc *p, long t0, struct lc_opts *o);
int lc_switch_run(struct lc_proc *p, struct lc_switch *sw, struct lc_opts *o);
int lc_switch_plan_apply(struct lc_proc *p, const struct lc_patch_info *in,
			 struct lc_syms *syms, struct lc_image *img,
			 const unsigned long *repl, const struct lc_marker *old,
			 unsigned long old_addr, struct lc_switch *sw);
void lc_switch_plan_remove(struct lc_proc *p, const struct lc_marker *m,
			   unsigned long addr, struct lc_switch *sw);
int lc_switch_find(struct lc_proc *p, const unsigned char *id, int len,
		   struct lc_marker *m, unsigned long *addr);
int lc_switch_cleanup(struct lc_proc *p, const unsigned char *id, int len,
		      struct lc_opts *o);

#endif
