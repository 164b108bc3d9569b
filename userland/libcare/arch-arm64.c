// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: registers of an injected system call, the entry jump (B within
 * +-128 MiB, else "ldr x16, #8; br x16; .quad target", 16 bytes) and the
 * relocations gcc -fPIC emits for AArch64.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "lc.h"

#ifdef __aarch64__

#define B_RANGE (128UL << 20)

const unsigned long lc_arch_near = B_RANGE - (8UL << 20);
const unsigned int lc_arch_machine = EM_AARCH64;

unsigned long lc_arch_pc(const lc_regs *r)
{
	return r->pc;
}

/* DWARF numbering: x0..x30, sp; the pc apart. */
int lc_arch_dwarf_regs(const lc_regs *r, uint64_t *regs, uint64_t *pc)
{
	memcpy(regs, r->regs, 31 * sizeof(uint64_t));
	regs[31] = r->sp;
	*pc = r->pc;
	return 32;
}

void lc_arch_set_syscall(lc_regs *r, unsigned long pc, long nr, const long *a)
{
	int i;

	r->pc = pc;
	r->regs[8] = nr;
	for (i = 0; i < 6; i++)
		r->regs[i] = a[i];
}

long lc_arch_ret(const lc_regs *r)
{
	return (long)r->regs[0];
}

/* arm64 rewinds a system call to restart before it stops: nothing to do. */
void lc_arch_restart(lc_regs *r)
{
}

void lc_arm64_put(unsigned char *b, uint32_t insn)
{
	memcpy(b, &insn, 4);
}

uint32_t lc_arm64_get(const unsigned char *b)
{
	uint32_t insn;

	memcpy(&insn, b, 4);
	return insn;
}

static bool in_b_range(long d)
{
	return d >= -(long)B_RANGE && d < (long)B_RANGE && !(d & 3);
}

/* ldr x16, #8; br x16; .quad target */
void lc_arch_stub(unsigned char *buf, unsigned long target)
{
	lc_arm64_put(buf, 0x58000050);
	lc_arm64_put(buf + 4, 0xd61f0200);
	memcpy(buf + 8, &target, 8);
}

int lc_arch_jump(unsigned char *buf, unsigned long from, unsigned long to,
		 unsigned long room)
{
	long d = (long)(to - from);

	if (in_b_range(d) && room >= 4) {
		lc_arm64_put(buf, 0x14000000 | ((d >> 2) & 0x3ffffff));
		return 4;
	}
	if (room < 16)
		return -ERANGE;
	lc_arch_stub(buf, to);
	return 16;
}

/* ldr xT, literal at byte offset @off from this instruction */
static uint32_t ldr_lit(int t, long off)
{
	return 0x58000000 | ((off >> 2) & 0x7ffff) << 5 | t;
}

/*
 * svc #0, then every register back from a literal pool and a branch to
 * the thread's pc. Runs only if we die while the thread is in our system
 * call; the branch needs a register: x16 (IP0) is the one lost then.
 */
int lc_arch_syscall_stub(unsigned char *buf, const lc_regs *r)
{
	uint64_t pool[34];
	int n = 0, np = 0, i;
	unsigned char *pc;

	/* 37 instructions, then the pool (8-byte aligned: 148 + 4). */
	const int pool_at = 152;

	lc_arm64_put(buf + 4 * n++, 0xd4000001);			/* svc #0 */
	pool[np] = r->sp;
	pc = buf + 4 * n;
	lc_arm64_put(buf + 4 * n++, ldr_lit(16, pool_at + 8 * np++ - (pc - buf)));
	lc_arm64_put(buf + 4 * n++, 0x9100021f);			/* mov sp, x16 */
	pool[np] = r->pstate;
	pc = buf + 4 * n;
	lc_arm64_put(buf + 4 * n++, ldr_lit(16, pool_at + 8 * np++ - (pc - buf)));
	lc_arm64_put(buf + 4 * n++, 0xd51b4210);			/* msr nzcv, x16 */
	for (i = 0; i < 31; i++) {
		if (i == 16)
			continue;
		pool[np] = r->regs[i];
		pc = buf + 4 * n;
		lc_arm64_put(buf + 4 * n++, ldr_lit(i, pool_at + 8 * np++ - (pc - buf)));
	}
	pool[np] = r->pc;
	pc = buf + 4 * n;
	lc_arm64_put(buf + 4 * n++, ldr_lit(16, pool_at + 8 * np++ - (pc - buf)));
	lc_arm64_put(buf + 4 * n++, 0xd61f0200);			/* br x16 */
	lc_arm64_put(buf + 4 * n++, 0xd503201f);			/* nop (pad) */
	memcpy(buf + pool_at, pool, 8 * np);
	return pool_at + 8 * np;
}

static int page_rel(unsigned char *loc, unsigned long target, unsigned long P,
		    bool check)
{
	long pages = (long)((target & ~0xfffUL) - (P & ~0xfffUL)) >> 12;
	uint32_t insn = lc_arm64_get(loc);

	if (check && (pages < -(1L << 20) || pages >= (1L << 20)))
		return -ERANGE;
	insn &= ~(3U << 29 | 0x7ffffU << 5);
	insn |= (pages & 3) << 29 | ((pages >> 2) & 0x7ffff) << 5;
	lc_arm64_put(loc, insn);
	return 0;
}

static void lo12(unsigned char *loc, unsigned long v, int shift)
{
	uint32_t insn = lc_arm64_get(loc);

	insn &= ~(0xfffU << 10);
	insn |= ((v & 0xfff) >> shift) << 10;
	lc_arm64_put(loc, insn);
}

static int branch(struct lc_image *img, unsigned char *loc, unsigned long P,
		  unsigned long S, long A)
{
	long d = (long)(S + A - P);
	uint32_t insn = lc_arm64_get(loc);

	if (!in_b_range(d)) {
		unsigned long stub = lc_image_slot(img, S + A, true);

		if (!stub)
			return -ENOSPC;
		d = (long)(stub - P);
		if (!in_b_range(d))
			return -ERANGE;
	}
	lc_arm64_put(loc, (insn & 0xfc000000) | ((d >> 2) & 0x3ffffff));
	return 0;
}

int lc_arch_reloc(struct lc_image *img, unsigned int type, unsigned char *loc,
		  unsigned long P, unsigned long S, long A)
{
	uint64_t v = S + A, slot;
	long d = (long)(S + A - P);
	int32_t d32;
	uint32_t insn;

	switch (type) {
	case R_AARCH64_NONE:
		return 0;
	case R_AARCH64_ABS64:
		memcpy(loc, &v, 8);
		return 0;
	case R_AARCH64_PREL64:
		memcpy(loc, &d, 8);
		return 0;
	case R_AARCH64_PREL32:
		d32 = (int32_t)d;
		if (d != d32)
			return -ERANGE;
		memcpy(loc, &d32, 4);
		return 0;
	case R_AARCH64_CALL26:
	case R_AARCH64_JUMP26:
		return branch(img, loc, P, S, A);
	case R_AARCH64_ADR_PREL_PG_HI21:
		return page_rel(loc, v, P, true);
	case R_AARCH64_ADR_PREL_PG_HI21_NC:
		return page_rel(loc, v, P, false);
	case R_AARCH64_ADR_PREL_LO21:
		if (d < -(1L << 20) || d >= (1L << 20))
			return -ERANGE;
		insn = lc_arm64_get(loc) & ~(3U << 29 | 0x7ffffU << 5);
		lc_arm64_put(loc, insn | (d & 3) << 29 | ((d >> 2) & 0x7ffff) << 5);
		return 0;
	case R_AARCH64_ADD_ABS_LO12_NC:
	case R_AARCH64_LDST8_ABS_LO12_NC:
		lo12(loc, v, 0);
		return 0;
	case R_AARCH64_LDST16_ABS_LO12_NC:
		lo12(loc, v, 1);
		return 0;
	case R_AARCH64_LDST32_ABS_LO12_NC:
		lo12(loc, v, 2);
		return 0;
	case R_AARCH64_LDST64_ABS_LO12_NC:
		lo12(loc, v, 3);
		return 0;
	case R_AARCH64_LDST128_ABS_LO12_NC:
		lo12(loc, v, 4);
		return 0;
	case R_AARCH64_ADR_GOT_PAGE:
		slot = lc_image_slot(img, S, false);
		return slot ? page_rel(loc, slot, P, true) : -ENOSPC;
	case R_AARCH64_LD64_GOT_LO12_NC:
		slot = lc_image_slot(img, S, false);
		if (!slot)
			return -ENOSPC;
		lo12(loc, slot, 3);
		return 0;
	case R_AARCH64_CONDBR19:
		if (d < -(1L << 20) || d >= (1L << 20))
			return -ERANGE;
		insn = lc_arm64_get(loc) & ~(0x7ffffU << 5);
		lc_arm64_put(loc, insn | ((d >> 2) & 0x7ffff) << 5);
		return 0;
	case R_AARCH64_TSTBR14:
		if (d < -(1L << 15) || d >= (1L << 15))
			return -ERANGE;
		insn = lc_arm64_get(loc) & ~(0x3fffU << 5);
		lc_arm64_put(loc, insn | ((d >> 2) & 0x3fff) << 5);
		return 0;
	}
	return -ENOTSUP;
}

#endif
