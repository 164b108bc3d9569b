// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64 gates (Documentation/libcare.md, "The switch"). A patched
 * function's entry is a 5-byte "jmp rel32" to its gate in the patch
 * region; the gate reads the patch's committed byte:
 *
 *	cmpb $0, committed(%rip)
 *	je 1f
 *	jmp *new(%rip)		committed: the replacement
 * 1:	jmp *old(%rip)		not yet: what ran before
 * displaced:
 *	the instructions the entry jump covers, moved here
 *	jmp *back(%rip)		into the original, after them
 *	new: .quad; old: .quad; back: .quad
 *
 * The gate changes the arithmetic flags only, which no caller may expect
 * to survive a call (System V ABI); no register, no stack. To move the
 * first instructions we decode their lengths: the common prologue forms
 * only; anything else (a return, an indirect jump, an opcode we do not
 * know) refuses the function rather than guess.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lc.h"

#ifdef __x86_64__

#define ENTRY_JUMP 5

struct insn {
	int len;
	int disp_at;		/* offset of a rip-relative disp32, or -1 */
	int rel;		/* 1 or 4: a relative branch's size, 0 none */
	bool jcc8, jmp8;	/* short forms that we widen */
};

/* The length of the ModRM operand (with SIB and displacement). */
static int modrm_len(const unsigned char *b, int *rip)
{
	int mod = b[0] >> 6, rm = b[0] & 7, n = 1;

	*rip = 0;
	if (mod == 3)
		return 1;
	if (rm == 4) {
		n++;
		if (mod == 0 && (b[1] & 7) == 5)
			return n + 4;
	}
	if (mod == 0 && rm == 5) {
		*rip = 1;
		return n + 4;
	}
	return n + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

/*
 * Decode one instruction at @b (at most @max bytes readable). 0 or
 * -ENOTSUP for what we do not move.
 */
static int decode(const unsigned char *b, int max, struct insn *in)
{
	bool rexw = false, opsz = false;
	int i = 0, op, imm = 0, m = 0, rip = 0, modrm = -1;

	memset(in, 0, sizeof(*in));
	in->disp_at = -1;
	while (i < 4 && (b[i] == 0x66 || b[i] == 0xf2 || b[i] == 0xf3 || b[i] == 0xf0 ||
			 b[i] == 0x2e || b[i] == 0x3e)) {
		opsz |= b[i] == 0x66;
		i++;
	}
	if ((b[i] & 0xf0) == 0x40) {
		rexw = b[i] & 8;
		i++;
	}
	op = b[i++];
	if (op == 0x0f) {
		op = b[i++];
		if (op == 0x1e && b[i] == 0xfa) {		/* endbr64 */
			in->len = i + 1;
			return in->len <= max ? 0 : -ENOTSUP;
		}
		if (op == 0x1f || op == 0xaf || op == 0xb6 || op == 0xb7 ||
		    op == 0xbe || op == 0xbf || (op & 0xf0) == 0x40 ||
		    op == 0x10 || op == 0x11 || op == 0x28 || op == 0x29 ||
		    op == 0x57 || op == 0xef || op == 0x6f || op == 0x7f || op == 0xd6 ||
		    (op & 0xf0) == 0x90)
			modrm = i;
		else
			return -ENOTSUP;
	} else if ((op & 0xc0) == 0 && (op & 7) < 4) {	/* ALU r/m forms */
		modrm = i;
	} else if ((op & 0xc0) == 0 && (op & 7) == 4) {	/* ALU al, imm8 */
		imm = 1;
	} else if ((op & 0xc0) == 0 && (op & 7) == 5) {	/* ALU eax, imm32 */
		imm = opsz ? 2 : 4;
	} else if ((op & 0xf0) == 0x50 || op == 0x90) {	/* push, pop, nop */
		;
	} else if (op == 0x63 || (op >= 0x84 && op <= 0x8b) || op == 0x8d ||
		   op == 0xd1 || op == 0xd3) {
		modrm = i;
	} else if (op == 0x80 || op == 0x83 || op == 0xc6 || op == 0xc0 ||
		   op == 0xc1 || op == 0x6b) {
		modrm = i;
		imm = 1;
	} else if (op == 0x81 || op == 0xc7 || op == 0x69) {
		modrm = i;
		imm = opsz ? 2 : 4;
	} else if (op == 0xa8) {
		imm = 1;
	} else if (op == 0xa9) {
		imm = opsz ? 2 : 4;
	} else if (op >= 0xb0 && op <= 0xb7) {
		imm = 1;
	} else if (op >= 0xb8 && op <= 0xbf) {
		imm = rexw ? 8 : opsz ? 2 : 4;
	} else if (op == 0xf6 || op == 0xf7) {
		modrm = i;
		if (!((b[i] >> 3) & 6))		/* /0, /1: test with an immediate */
			imm = op == 0xf6 ? 1 : opsz ? 2 : 4;
	} else if (op == 0xff) {
		/* /2 to /5 are indirect calls and jumps: control leaves. */
		if (((b[i] >> 3) & 7) >= 2 && ((b[i] >> 3) & 7) <= 5)
			return -ENOTSUP;
		modrm = i;
	} else if (op == 0xe8 || op == 0xe9) {
		in->rel = 4;
		imm = 4;
	} else if (op == 0xeb) {
		in->rel = 1;
		in->jmp8 = true;
		imm = 1;
	} else if ((op & 0xf0) == 0x70) {
		in->rel = 1;
		in->jcc8 = true;
		imm = 1;
	} else {
		return -ENOTSUP;
	}
	if (i > max)
		return -ENOTSUP;
	if (modrm >= 0) {
		m = modrm_len(b + modrm, &rip);
		if (rip)
			in->disp_at = modrm + 1 + ((b[modrm] & 7) == 4);
	}
	in->len = i + m + imm;
	return in->len <= max ? 0 : -ENOTSUP;
}

/* An ENDBR64 stays where it is: indirect calls must still land on it. */
int lc_gate_skip(const unsigned char *code, unsigned long room)
{
	static const unsigned char endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

	return room >= 4 + ENTRY_JUMP && !memcmp(code, endbr64, 4) ? 4 : 0;
}

int lc_gate_jump(unsigned char *buf, unsigned long site, unsigned long gate)
{
	return lc_arch_jump(buf, site, gate, ENTRY_JUMP);
}

static int rel32(unsigned char *at, unsigned long next, unsigned long target)
{
	long d = (long)(target - next);
	int32_t v = (int32_t)d;

	if (d != v)
		return -ERANGE;
	memcpy(at, &v, 4);
	return 0;
}

/* ff 25 disp32: jmp *slot(%rip) */
static int jmp_slot(unsigned char *b, unsigned long at, unsigned long slot)
{
	b[0] = 0xff;
	b[1] = 0x25;
	return rel32(b + 2, at + 6, slot);
}

/*
 * Move the instructions that cover the entry jump from @site (copied in
 * @code, @room bytes of the function left) to @b at @at; relative
 * operands are rewritten for the new place. Returns the bytes of @b
 * used, with *@dlen the length taken from the original.
 */
static int displace(unsigned char *b, unsigned long at, unsigned long site,
		    const unsigned char *code, unsigned long room, int *dlen,
		    char *why, size_t wlen)
{
	unsigned long targets[ENTRY_JUMP];
	int o = 0, n = 0, nt = 0, k;

	while (o < ENTRY_JUMP) {
		struct insn in;
		unsigned long target;

		if (decode(code + o, (int)(room - o < 15 ? room - o : 15), &in)) {
			snprintf(why, wlen, "cannot move the instruction at +%d (byte %#x)",
				 o, code[o]);
			return -ENOTSUP;
		}
		if (in.rel) {
			long d = in.rel == 1 ? (signed char)code[o + in.len - 1] : 0;

			if (in.rel == 4) {
				int32_t v;

				memcpy(&v, code + o + in.len - 4, 4);
				d = v;
			}
			target = site + o + in.len + d;
			targets[nt++] = target;
			if (in.jcc8) {
				b[n] = 0x0f;
				b[n + 1] = 0x80 | (code[o + in.len - 2] & 0xf);
				if (rel32(b + n + 2, at + n + 6, target))
					return -ERANGE;
				n += 6;
			} else {
				if (in.jmp8)
					b[n] = 0xe9;
				else
					memcpy(b + n, code + o, in.len - 4);
				n += in.jmp8 ? 1 : in.len - 4;
				if (rel32(b + n, at + n + 4, target))
					return -ERANGE;
				n += 4;
			}
		} else {
			memcpy(b + n, code + o, in.len);
			if (in.disp_at >= 0) {
				int32_t v;

				memcpy(&v, code + o + in.disp_at, 4);
				target = site + o + in.len + v;
				if (rel32(b + n + in.disp_at, at + n + in.len, target))
					return -ERANGE;
			}
			n += in.len;
		}
		o += in.len;
	}
	/*
	 * A branch back to the entry goes through the gate again, as any
	 * call would; one into the bytes moved away would run half of them.
	 */
	for (k = 0; k < nt; k++)
		if (targets[k] > site && targets[k] < site + o) {
			snprintf(why, wlen, "a branch into the first %d bytes", o);
			return -ENOTSUP;
		}
	*dlen = o;
	return n;
}

int lc_gate_build(struct lc_gate *g, char *why, size_t wlen)
{
	unsigned char *b = g->buf;
	unsigned long at = g->addr;
	const unsigned long slots = at + LC_GATE_SIZE - 24;
	unsigned long disp_at;
	int n;

	memset(b, 0xcc, LC_GATE_SIZE);
	b[0] = 0x80;			/* cmpb $0, committed(%rip) */
	b[1] = 0x3d;
	if (rel32(b + 2, at + 7, g->committed))
		goto far;
	b[6] = 0;
	b[7] = 0x74;			/* je +6 */
	b[8] = 6;
	if (jmp_slot(b + 9, at + 9, slots) || jmp_slot(b + 15, at + 15, slots + 8))
		goto far;
	disp_at = at + 21;
	n = displace(b + 21, disp_at, g->site, g->code, g->room, &g->dlen, why, wlen);
	if (n < 0)
		return n;
	if (21 + n + 6 > LC_GATE_SIZE - 24) {
		snprintf(why, wlen, "the moved instructions do not fit the gate");
		return -ENOSPC;
	}
	if (jmp_slot(b + 21 + n, disp_at + n, slots + 16))
		goto far;
	g->displaced = disp_at;
	g->back = g->site + g->dlen;
	memcpy(b + LC_GATE_SIZE - 24, g->new_target ? &g->new_target : &g->displaced, 8);
	memcpy(b + LC_GATE_SIZE - 16, g->old_target ? &g->old_target : &g->displaced, 8);
	memcpy(b + LC_GATE_SIZE - 8, &g->back, 8);
	g->jlen = lc_gate_jump(g->jump, g->site, at);
	return g->jlen < 0 ? g->jlen : 0;
far:
	snprintf(why, wlen, "the gate is out of reach");
	return -ERANGE;
}

/* The "old" slot points at the moved instructions, 21 bytes in. */
int lc_gate_unchain(unsigned long gate, unsigned char *buf, unsigned long *at)
{
	unsigned long v = gate + 21;

	*at = gate + LC_GATE_SIZE - 16;
	memcpy(buf, &v, 8);
	return 8;
}

#endif
