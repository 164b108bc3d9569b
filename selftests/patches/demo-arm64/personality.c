// SPDX-License-Identifier: GPL-2.0
/*
 * personality: personality(2) lets only CAP_SYS_ADMIN turn off address
 * space randomisation (ADDR_NO_RANDOMIZE), switched by
 * kernel.kcare_personality.
 *
 * Any task may set ADDR_NO_RANDOMIZE for itself and then exec a setuid
 * program with a predictable layout, which makes memory-corruption bugs in
 * that program far easier to exploit. The hardening refuses the flag to
 * tasks without CAP_SYS_ADMIN with EPERM (keeping it when it is already
 * set, and every other flag); debuggers run as root keep working. Like
 * the modify_ldt patch on x86_64 (../demo/modify_ldt.c) it can break
 * legitimate users (setarch -R run by a developer), hence the switch:
 * kernel.kcare_personality=1 turns the patch off.
 *
 * On arm64 the system call is arm64_personality (arch/arm64/kernel/sys.c),
 * whose wrapper __arm64_sys_arm64_personality() takes the saved registers
 * and inlines the body and ksys_personality(). Its check of 32-bit support,
 * system_supports_32bit_el0(), reads a static key the kernel does not
 * export; system_32bit_el0_cpumask() answers the same question (it returns
 * cpu_none_mask exactly when that is false) and is a function, found in
 * kallsyms.
 *
 * Copied from arch/arm64/kernel/sys.c and include/linux/syscalls.h of
 * Linux 6.1.192 (Debian linux-source-6.1 6.1.192-2), with the argument
 * taken from the registers as the wrapper does. Changes marked "kcare:".
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/personality.h>
#include <linux/ptrace.h>
#include <linux/sched.h>

#include "demo.h"

const struct cpumask *(*demo_system_32bit_el0_cpumask)(void);

static long demo_arm64_sys_arm64_personality(const struct pt_regs *regs)
{
	unsigned int personality = (unsigned int)regs->regs[0];
	unsigned int old;

	/* kcare: system_supports_32bit_el0(), through a function */
	if (personality(personality) == PER_LINUX32 &&
	    demo_system_32bit_el0_cpumask() == cpu_none_mask)
		return -EINVAL;

	/* ksys_personality(), with the hardening */
	old = current->personality;
	/* kcare: only CAP_SYS_ADMIN may turn randomisation off */
	if (personality != 0xffffffff && (personality & ADDR_NO_RANDOMIZE) &&
	    !(old & ADDR_NO_RANDOMIZE) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (personality != 0xffffffff)
		set_personality(personality);
	return old;
}

struct kcare_func demo_personality_funcs[] = {
	{
		.name = "__arm64_sys_arm64_personality",
		.object = "vmlinux",
		.new_func = demo_arm64_sys_arm64_personality,
	},
	{ }
};
