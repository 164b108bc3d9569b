// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64: registers of an injected system call, the entry jump (jmp rel32,
 * so the patch region must lie within +-2 GiB of the library) and the
 * relocations gcc -fPIC emits.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>

#include "lc.h"

#ifdef __x86_64__

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ERESTART_RESTARTBLOCK 516
const unsigned long lc_arch_near = 0x7ff00000UL;
const unsigned int lc_arch_machine = EM_X86_64;

unsigned long lc_arch_pc(const lc_regs *r)
{
	return r->rip;
}

/* DWARF numbering: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip. */
int lc_arch_dwarf_regs(const lc_regs *r, uint64_t *regs, uint64_t *pc)
{
	const uint64_t v[17] = { r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi,
				 r->rbp, r->rsp, r->r8, r->r9, r->r10, r->r11,
				 r->r12, r->r13, r->r14, r->r15, r->rip };

	memcpy(regs, v, sizeof(v));
	*pc = r->rip;
	return 17;
}

void lc_arch_set_syscall(lc_regs *r, unsigned long pc, long nr, const long *a)
{
	r->rip = pc;
	r->rax = nr;
	/* Not inside a system call: no restart logic on our registers. */
	r->orig_rax = -1;
	r->rdi = a[0];
	r->rsi = a[1];
	r->rdx = a[2];
	r->r10 = a[3];
	r->r8 = a[4];
	r->r9 = a[5];
}

/*
 * A thread stopped while the kernel was about to restart its system call
 * (the restart is done on the way out of the stop): do it now, so that
 * the registers we put back are final whatever stop we leave it from.
 */
void lc_arch_restart(lc_regs *r)
{
	if ((long)r->orig_rax < 0)
		return;
	switch (-(long)r->rax) {
	case ERESTARTSYS:
	case ERESTARTNOINTR:
	case ERESTARTNOHAND:
		r->rax = r->orig_rax;
		r->rip -= 2;
		break;
	case ERESTART_RESTARTBLOCK:
		r->rax = SYS_restart_syscall;
		r->rip -= 2;
		break;
	}
	r->orig_rax = -1;
}

static unsigned char *movabs(unsigned char *b, int reg, uint64_t v)
{
	*b++ = reg < 8 ? 0x48 : 0x49;
	*b++ = 0xb8 + (reg & 7);
	memcpy(b, &v, 8);
	return b + 8;
}

/*
 * syscall, then: every register of @r back, rsp last, and a jump to its
 * rip. Runs only if we die while the thread is in our system call.
 */
int lc_arch_syscall_stub(unsigned char *buf, const lc_regs *r)
{
	/* Register numbers of the movabs encoding. */
	const struct { int n; uint64_t v; } gpr[] = {
		{ 1, r->rcx }, { 2, r->rdx }, { 3, r->rbx }, { 5, r->rbp },
		{ 6, r->rsi }, { 7, r->rdi }, { 8, r->r8 }, { 9, r->r9 },
		{ 10, r->r10 }, { 11, r->r11 }, { 12, r->r12 }, { 13, r->r13 },
		{ 14, r->r14 }, { 15, r->r15 },
	};
	unsigned char *b = buf;
	size_t i;

	*b++ = 0x0f;
	*b++ = 0x05;
	/* Flags through a stack slot below the red zone. */
	b = movabs(b, 4, r->rsp - 256);
	b = movabs(b, 0, r->eflags);
	*b++ = 0x50;	/* push %rax */
	*b++ = 0x9d;	/* popfq */
	for (i = 0; i < sizeof(gpr) / sizeof(gpr[0]); i++)
		b = movabs(b, gpr[i].n, gpr[i].v);
	b = movabs(b, 0, r->rax);
	b = movabs(b, 4, r->rsp);
	lc_arch_stub(b, r->rip);
	return b + 14 - buf;
}

long lc_arch_ret(const lc_regs *r)
{
	return (long)r->rax;
}

static bool fits32(long v)
{
	return v == (long)(int32_t)v;
}

int lc_arch_jump(unsigned char *buf, unsigned long from, unsigned long to,
		 unsigned long room)
{
	long d = (long)(to - (from + 5));
	int32_t rel = (int32_t)d;

	if (!fits32(d) || room < 5)
		return -ERANGE;
	buf[0] = 0xe9;
	memcpy(buf + 1, &rel, 4);
	return 5;
}

static int put32(unsigned char *loc, long v)
{
	int32_t x = (int32_t)v;

	if (!fits32(v))
		return -ERANGE;
	memcpy(loc, &x, 4);
	return 0;
}

int lc_arch_reloc(struct lc_image *img, unsigned int type, unsigned char *loc,
		  unsigned long P, unsigned long S, long A)
{
	uint64_t v;
	unsigned long slot;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		v = S + A;
		memcpy(loc, &v, 8);
		return 0;
	case R_X86_64_PC32:
		return put32(loc, (long)(S + A - P));
	case R_X86_64_PLT32:
		if (!put32(loc, (long)(S + A - P)))
			return 0;
		/* Too far for a direct call: through a stub in the region. */
		slot = lc_image_slot(img, S, true);
		return slot ? put32(loc, (long)(slot + A - P)) : -ENOSPC;
	case R_X86_64_GOTPCREL:
	case R_X86_64_GOTPCRELX:
	case R_X86_64_REX_GOTPCRELX:
		slot = lc_image_slot(img, S, false);
		return slot ? put32(loc, (long)(slot + A - P)) : -ENOSPC;
	case R_X86_64_PC64:
		v = S + A - P;
		memcpy(loc, &v, 8);
		return 0;
	}
	return -ENOTSUP;
}

/* jmp *0(%rip); .quad target */
void lc_arch_stub(unsigned char *buf, unsigned long target)
{
	static const unsigned char jmp[] = { 0xff, 0x25, 0, 0, 0, 0 };

	memcpy(buf, jmp, sizeof(jmp));
	memcpy(buf + 6, &target, 8);
}

#endif
