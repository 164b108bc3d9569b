// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64: registers of an injected system call, the entry jump (jmp rel32,
 * so the patch region must lie within +-2 GiB of the library) and the
 * relocations gcc -fPIC emits.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "lc.h"

#ifdef __x86_64__

/* syscall; int3 */
const unsigned char lc_arch_trap_code[] = { 0x0f, 0x05, 0xcc };
const int lc_arch_trap_len = sizeof(lc_arch_trap_code);
const unsigned long lc_arch_near = 0x7ff00000UL;
const unsigned int lc_arch_machine = EM_X86_64;

unsigned long lc_arch_pc(const lc_regs *r)
{
	return r->rip;
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
