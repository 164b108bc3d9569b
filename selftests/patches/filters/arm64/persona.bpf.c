// SPDX-License-Identifier: GPL-2.0
/*
 * persona: the arm64 demo's personality patch (kernel.kcare_personality)
 * as a filter: personality(2) refuses ADDR_NO_RANDOMIZE (address space
 * randomisation off) to a task without CAP_SYS_ADMIN, with EPERM, unless
 * the task has it already; a query (0xffffffff) and every other flag
 * pass. The patch copies the system call's wrapper to add that test; the
 * filter is the test alone, at the wrapper's entry:
 *
 *   long __arm64_sys_arm64_personality(const struct pt_regs *regs)
 *
 * whose argument is the caller's saved registers: the requested
 * personality is regs->regs[0]. The task's capabilities and personality
 * are read with CO-RE, so the field offsets are those of the running
 * kernel's BTF (vmlinux.h here only names the types).
 *
 * Loaded with: kcare-filter load --name persona --errno EPERM persona.bpf.o
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

#define ADDR_NO_RANDOMIZE	0x0040000
#define CAP_SYS_ADMIN		21

/* arm64's kprobe context (uapi struct user_pt_regs); the kernel's pt_regs starts alike. */
struct kc_arm64_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};

SEC("kprobe/__arm64_sys_arm64_personality")
int persona(struct kc_arm64_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	const struct kc_arm64_regs *uregs = (const void *)ctx->regs[0];
	kernel_cap_t caps;
	__u64 arg;
	__u32 want;

	if (bpf_probe_read_kernel(&arg, sizeof(arg), &uregs->regs[0]))
		return 0;
	want = arg;
	if (want == 0xffffffff || !(want & ADDR_NO_RANDOMIZE))
		return 0;
	if (BPF_CORE_READ(task, personality) & ADDR_NO_RANDOMIZE)
		return 0;
	caps = BPF_CORE_READ(task, cred, cap_effective);
	return !(caps.cap[0] & (1u << CAP_SYS_ADMIN));
}

char LICENSE[] SEC("license") = "GPL";
