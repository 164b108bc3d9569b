// SPDX-License-Identifier: GPL-2.0
/*
 * For selftests/test-filters.sh: a verified program that keeps a global
 * variable (a BPF map, .bss), which the engine refuses in a filter.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>

#include <bpf/bpf_helpers.h>

unsigned long calls;

SEC("kprobe/vfs_fsync")
int counts(struct pt_regs *ctx)
{
	calls++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
