// SPDX-License-Identifier: GPL-2.0
/*
 * For the refusal tests of selftests/test-filters.sh: a program the
 * verifier accepts, which allows every call, attached by section name to a
 * function the engine must refuse to filter. The Makefile builds it once
 * per target: test_void (kfree() returns nothing), test_ptr (__kmalloc()
 * returns a pointer), test_nosym (no such function); and for make bench
 * bench_getpid, a filter on __task_pid_nr_ns(), which getpid() calls, that
 * lets every call run (the cost of a filter alone). KC_TARGET is the function.
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>

#include <bpf/bpf_helpers.h>

SEC("kprobe/" KC_TARGET)
int allow(struct pt_regs *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
