/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pool of ftrace direct-call trampolines.
 *
 * kcare.ko cannot allocate executable memory on this kernel (text_poke
 * and module_alloc are not exported), so every trampoline it will ever use
 * is assembled here, KCARE_NR_TRAMPS of them, KCARE_TRAMP_STRIDE bytes
 * apart: trampoline i is at kcare_tramps + i * KCARE_TRAMP_STRIDE, and its
 * target lives in kcare_tramp_targets[i], defined here too so that the
 * pool needs nothing from hook.c, which hands trampolines out. A hook owns one trampoline; the
 * patched function's fentry site is turned into a call to it by
 * register_ftrace_direct().
 *
 * On entry the stack holds the return address into the patched function,
 * just past its fentry call, above the return address into the function's
 * caller; the argument registers are untouched. Trampoline i then:
 *
 * - with no target, returns into the original function, whose body runs
 *   as if nothing had happened;
 * - with a target, drops the return address into the original function
 *   and jumps to the target, which therefore runs exactly as if the
 *   caller had called it, and returns straight to that caller.
 *
 * Only %rax is clobbered: it is not an argument register, nor preserved
 * across calls, and the kernel never passes the vector-register count of
 * variadic calls in it (-mskip-rax-setup).
 *
 * Each trampoline is a function symbol so that objtool validates it and
 * emits its ORC entries: the state is that of a function entry all along
 * (CFA = %rsp + 8) because after the add the stack is the caller's own
 * call frame, which UNWIND_HINT_FUNC tells objtool.
 */
#include <linux/linkage.h>
#include <linux/objtool.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

#include "arch_hook.h"

.if KCARE_NR_TRAMPS > 0x1000
.error "KCARE_NR_TRAMPS: trampolines are named with three hex digits"
.endif
/* Functions are aligned to 16 bytes: the stride must agree. */
.if KCARE_TRAMP_STRIDE % 16
.error "KCARE_TRAMP_STRIDE must be a multiple of 16"
.endif

/* Trampoline number 0x\idx, named kcare_tramp_\idx. */
/*
 * A function, as SYM_FUNC_START_LOCAL() makes one, without the padding in
 * front that kernels with CONFIG_CALL_PADDING (6.12) add, which would break
 * the stride, and without an ENDBR: hook.c computes this address only for
 * ftrace to call it directly, and no indirect branch lands here (objtool
 * is told so on kernels with IBT).
 */
.macro KCARE_TRAMP idx:req
SYM_START(kcare_tramp_\idx, SYM_L_LOCAL, SYM_A_NONE)
#ifdef CONFIG_X86_KERNEL_IBT
	ANNOTATE_NOENDBR
#endif
	movq	kcare_tramp_targets + 8 * 0x\idx(%rip), %rax
	testq	%rax, %rax
	jz	.Lkcare_pass_\idx
	addq	$8, %rsp
	UNWIND_HINT_FUNC
	/* Retpoline-safe: patched at load time to what this CPU needs. */
	JMP_NOSPEC rax
.Lkcare_pass_\idx:
	RET
SYM_FUNC_END(kcare_tramp_\idx)
	/*
	 * Pad to the fixed stride with int3; .org fails the build if the
	 * body ever grows past it, which would break the index arithmetic.
	 */
	.org	kcare_tramp_\idx + KCARE_TRAMP_STRIDE, 0xcc
.endm

	.text
	.balign	KCARE_TRAMP_STRIDE, 0xcc
SYM_ENTRY(kcare_tramps, SYM_L_GLOBAL, SYM_A_NONE)
.irp d1, 0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f
.irp d2, 0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f
.irp d3, 0,1,2,3,4,5,6,7,8,9,a,b,c,d,e,f
.if 0x\d1\()\d2\()\d3 < KCARE_NR_TRAMPS
	KCARE_TRAMP \d1\()\d2\()\d3
.endif
.endr
.endr
.endr
SYM_ENTRY(kcare_tramps_end, SYM_L_GLOBAL, SYM_A_NONE)

/*
 * The pool's size, for arch.c's check of the layout: a constant, so that
 * no code takes the address of the pool's end.
 */
	.pushsection .rodata, "a"
	.balign	8
SYM_DATA(kcare_tramps_size, .quad kcare_tramps_end - kcare_tramps)
	.popsection

/* Where trampoline i jumps; written by hook.c with every CPU stopped. */
	.pushsection .data..read_mostly, "aw"
	.balign	8
SYM_DATA_START(kcare_tramp_targets)
	.fill	KCARE_NR_TRAMPS, 8, 0
SYM_DATA_END(kcare_tramp_targets)
	.popsection
