// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the x86_64 gates (gate-x86_64.c): the entry jump, the
 * moved instructions with their rip-relative operands and branches
 * rewritten for the gate's place, and refusals of what cannot move.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lc.h"

#define SITE 0x7f0000001120UL
#define GATE 0x7f0000100000UL
#define WORD 0x7f0000000ff8UL

static int32_t rel_at(const unsigned char *b)
{
	int32_t v;

	memcpy(&v, b, 4);
	return v;
}

static int build(const unsigned char *code, unsigned long room, struct lc_gate *g,
		 unsigned char *buf)
{
	char why[128];

	memset(g, 0, sizeof(*g));
	g->buf = buf;
	g->addr = GATE;
	g->committed = WORD;
	g->site = SITE;
	g->code = code;
	g->room = room;
	g->new_target = GATE + 0x1000;
	return lc_gate_build(g, why, sizeof(why));
}

/* lock addq $1, calls(%rip): 9 bytes moved, the operand still "calls". */
static void rip_relative(void **state)
{
	static const unsigned char code[] = { 0xf0, 0x48, 0x83, 0x05, 0xef, 0x2e, 0, 0, 0x01,
					      0xe8, 0xe2, 0xff, 0xff, 0xff };
	unsigned char buf[LC_GATE_SIZE];
	unsigned long calls = SITE + 9 + 0x2eef;
	uint64_t slot;
	struct lc_gate g;

	assert_int_equal(build(code, sizeof(code), &g, buf), 0);
	assert_int_equal(g.dlen, 9);
	assert_int_equal(g.jlen, 5);
	assert_int_equal(g.jump[0], 0xe9);
	assert_int_equal(SITE + 5 + rel_at(g.jump + 1), GATE);
	/* cmpb $0, committed(%rip) */
	assert_int_equal(buf[0], 0x80);
	assert_int_equal(GATE + 7 + rel_at(buf + 2), WORD);
	/* The moved lock add, its operand rewritten. */
	assert_memory_equal(buf + 21, code, 4);
	assert_int_equal(GATE + 21 + 9 + rel_at(buf + 25), calls);
	assert_int_equal(buf[29], 0x01);
	memcpy(&slot, buf + LC_GATE_SIZE - 8, 8);
	assert_int_equal(slot, SITE + 9);
	memcpy(&slot, buf + LC_GATE_SIZE - 24, 8);
	assert_int_equal(slot, GATE + 0x1000);
	memcpy(&slot, buf + LC_GATE_SIZE - 16, 8);
	assert_int_equal(slot, GATE + 21);
}

/* mov (%rdi),%eax; test; je back to the entry: the je widened. */
static void short_branch(void **state)
{
	static const unsigned char code[] = { 0x8b, 0x07, 0x85, 0xc0, 0x74, 0xfa, 0xc3 };
	unsigned char buf[LC_GATE_SIZE];
	struct lc_gate g;

	assert_int_equal(build(code, sizeof(code), &g, buf), 0);
	assert_int_equal(g.dlen, 6);
	assert_memory_equal(buf + 21, code, 4);
	assert_int_equal(buf[25], 0x0f);
	assert_int_equal(buf[26], 0x84);
	assert_int_equal(GATE + 25 + 6 + rel_at(buf + 27), SITE);
}

static void refused(void **state)
{
	/* ret within the first 5 bytes */
	static const unsigned char ret[] = { 0x31, 0xc0, 0xc3, 0x90, 0x90, 0x90 };
	/* a branch into the moved bytes */
	static const unsigned char into[] = { 0x85, 0xc0, 0x75, 0xfe, 0x90, 0x90, 0x90 };
	/* jmp *%rax */
	static const unsigned char ind[] = { 0x90, 0xff, 0xe0, 0x90, 0x90, 0x90 };
	unsigned char buf[LC_GATE_SIZE];
	struct lc_gate g;

	assert_int_not_equal(build(ret, sizeof(ret), &g, buf), 0);
	assert_int_not_equal(build(into, sizeof(into), &g, buf), 0);
	assert_int_not_equal(build(ind, sizeof(ind), &g, buf), 0);
}

/* endbr64 stays: the jump goes after it. */
static void endbr(void **state)
{
	static const unsigned char code[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5,
					      0x41, 0x54, 0x53 };

	assert_int_equal(lc_gate_skip(code, sizeof(code)), 4);
	assert_int_equal(lc_gate_skip(code + 4, sizeof(code) - 4), 0);
}

/* Unchained, the "old" way is the moved instructions. */
static void unchain(void **state)
{
	unsigned char b[8];
	unsigned long at;
	uint64_t v;

	assert_int_equal(lc_gate_unchain(GATE, b, &at), 8);
	memcpy(&v, b, 8);
	assert_int_equal(at, GATE + LC_GATE_SIZE - 16);
	assert_int_equal(v, GATE + 21);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rip_relative),
		cmocka_unit_test(short_branch),
		cmocka_unit_test(refused),
		cmocka_unit_test(endbr),
		cmocka_unit_test(unchain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
