// SPDX-License-Identifier: GPL-2.0
/*
 * For selftests/test-filters.sh: a program the kernel's verifier must
 * refuse. It dereferences the function's first argument as if it were a
 * pointer the program may read directly; only bpf_probe_read_*() may.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/vfs_fsync")
int unverifiable(struct pt_regs *ctx)
{
	return *(int *)PT_REGS_PARM1(ctx);
}

char LICENSE[] SEC("license") = "GPL";
