// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 gates (Documentation/libcare.md, "The switch"). A patched
 * function's first instruction becomes "b gate" (the region is placed
 * within the 128 MiB a B reaches); the gate reads the patch's committed
 * word:
 *
 *	str  x16, [sp, #-16]!	x16 saved: the gate clobbers no register
 *	ldr  x16, committed
 *	cbnz x16, 1f
 *	ldr  x16, [sp], #16
 *	b    old		not yet: what ran before
 * 1:	ldr  x16, [sp], #16
 *	b    new		committed: the replacement
 * displaced:
 *	the original first instruction (an ADRP/ADR becomes a literal load
 *	of the same value into the same register)
 *	b    original + 4
 *
 * Why no register is lost: AAPCS64 lets a veneer or PLT stub corrupt x16
 * and x17 (IP0/IP1) on the way to any function, so ordinary code never
 * expects them preserved across a call; but some entry points do take
 * values in them (the lazy binding trampoline _dl_runtime_resolve gets
 * the GOT slot in x16, TLS descriptor resolvers must preserve every
 * register but x0). Saving x16 on the stack for the three instructions
 * that need it keeps all of them right. The 16 bytes below sp are free at
 * a function entry (AAPCS64 has no red zone) and sp is 16-byte aligned
 * there, as SCTLR_EL1.SA0 requires for the store. Flags are untouched.
 * Targets out of B range (> 128 MiB) would need x16 for a BR: we refuse
 * those instead of clobbering it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lc.h"

#ifdef __aarch64__

#define STR_X16_PRE 0xf81f0ff0U		/* str x16, [sp, #-16]! */
#define LDR_X16_POST 0xf84107f0U	/* ldr x16, [sp], #16 */

#define put lc_arm64_put
#define get lc_arm64_get

/* A B from @from to @to, if it reaches. */
static int b_to(unsigned char *buf, unsigned long from, unsigned long to)
{
	return lc_arch_jump(buf, from, to, 4) == 4 ? 0 : -ERANGE;
}

/* ldr xT, literal at @lit (within 1 MiB of @at) */
static int ldr_lit(unsigned char *buf, unsigned long at, unsigned long lit, int t)
{
	long d = (long)(lit - at);

	if (d < -(1L << 20) || d >= (1L << 20) || (d & 3))
		return -ERANGE;
	put(buf, 0x58000000 | ((d >> 2) & 0x7ffff) << 5 | t);
	return 0;
}

/* A BTI landing pad stays where it is: indirect calls must land on it. */
int lc_gate_skip(const unsigned char *code, unsigned long room)
{
	uint32_t insn = get(code);

	return room >= 8 && (insn & 0xffffff3f) == 0xd503241f ? 4 : 0;
}

int lc_gate_jump(unsigned char *buf, unsigned long site, unsigned long gate)
{
	return b_to(buf, site, gate) ? -ERANGE : 4;
}

/*
 * The first instruction, moved to @at: position-independent ones as
 * they are, ADRP/ADR as a load of their value; other PC-relative ones
 * (branches, literal loads) are refused.
 */
static int displace(unsigned char *b, unsigned long at, unsigned long lit,
		    unsigned long site, uint32_t insn, char *why, size_t wlen)
{
	unsigned long v;
	long imm;

	if ((insn & 0x1f000000) == 0x10000000) {	/* ADR, ADRP */
		imm = ((insn >> 29) & 3) | ((long)((insn >> 5) & 0x7ffff) << 2);
		imm = (imm << 43) >> 43;		/* sign-extend 21 bits */
		if (insn & 0x80000000)
			v = (site & ~0xfffUL) + (imm << 12);
		else
			v = site + imm;
		memcpy(b + (lit - at), &v, 8);
		return ldr_lit(b, at, lit, insn & 0x1f);
	}
	if ((insn & 0x7c000000) == 0x14000000 ||	/* B, BL */
	    (insn & 0xff000010) == 0x54000000 ||	/* B.cond */
	    (insn & 0x7e000000) == 0x34000000 ||	/* CBZ, CBNZ */
	    (insn & 0x7e000000) == 0x36000000 ||	/* TBZ, TBNZ */
	    (insn & 0x3b000000) == 0x18000000) {	/* LDR literal */
		snprintf(why, wlen, "its first instruction (%08x) is PC-relative", insn);
		return -ENOTSUP;
	}
	put(b, insn);
	return 0;
}

int lc_gate_build(struct lc_gate *g, char *why, size_t wlen)
{
	unsigned char *b = g->buf;
	unsigned long at = g->addr;
	unsigned long newt, oldt;
	int r;

	memset(b, 0, LC_GATE_SIZE);
	g->displaced = at + 28;
	g->dlen = 4;
	g->back = g->site + 4;
	newt = g->new_target ? g->new_target : g->displaced;
	oldt = g->old_target ? g->old_target : g->displaced;
	put(b, STR_X16_PRE);
	r = ldr_lit(b + 4, at + 4, g->committed, 16);
	put(b + 8, 0xb5000000 | (12 >> 2) << 5 | 16);	/* cbnz x16, +12 */
	put(b + 12, LDR_X16_POST);
	r = r ?: b_to(b + 16, at + 16, oldt);
	put(b + 20, LDR_X16_POST);
	r = r ?: b_to(b + 24, at + 24, newt);
	if (r) {
		snprintf(why, wlen, "a target is out of branch range");
		return r;
	}
	r = displace(b + 28, at + 28, at + 40, g->site, get(g->code), why, wlen);
	if (r)
		return r;
	r = b_to(b + 32, at + 32, g->back);
	put(b + 36, 0xd503201f);			/* nop */
	if (r) {
		snprintf(why, wlen, "the function is out of branch range");
		return r;
	}
	g->jlen = lc_gate_jump(g->jump, g->site, at);
	if (g->jlen < 0)
		snprintf(why, wlen, "the gate is out of branch range");
	return g->jlen < 0 ? g->jlen : 0;
}

/* The "b old" at +16 becomes "b displaced" (+28): b +12. */
int lc_gate_unchain(unsigned long gate, unsigned char *buf, unsigned long *at)
{
	*at = gate + 16;
	put(buf, 0x14000003);
	return 4;
}

#endif
