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
#define LC_MARKER_VERSION 1
#define LC_JUMP_MAX 16
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
	int nth;
	struct lc_obj *objs;
	int nobjs;
	unsigned long scratch;
	unsigned char scratch_orig[LC_STUB_MAX];
	int scratch_len;
	bool scratch_set;
	const struct lc_opts *o;
};

/*
 * The marker: the first bytes of every region we inject, so that the
 * region tells what it is without any file (info, unpatch, levels).
 */
struct lc_marker_func {
	uint64_t addr;		/* the replaced function */
	uint64_t new_addr;	/* its replacement */
	uint32_t len;		/* bytes overwritten by the jump */
	uint8_t orig[LC_JUMP_MAX];
	char name[64];
};

struct lc_marker {
	char magic[8];
	uint32_t version;
	uint32_t level;
	uint32_t build_id_len;
	uint32_t nfuncs;
	uint8_t build_id[LC_BUILD_ID_MAX];
	char id[LC_ID_MAX];
	uint64_t size;		/* whole region */
	uint64_t rx_size;	/* read-execute part */
	struct lc_marker_func funcs[LC_MAX_FUNCS];
};

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
};
unsigned long lc_image_slot(struct lc_image *img, unsigned long value,
			    bool stub);

/* state.c */
int lc_state_save(const struct lc_opts *o, struct lc_proc *p,
		  struct lc_obj *obj, const struct lc_marker *m,
		  unsigned long addr);
void lc_state_drop(const struct lc_opts *o, pid_t pid, const char *hexid);

#endif
