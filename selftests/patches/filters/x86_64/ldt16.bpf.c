// SPDX-License-Identifier: GPL-2.0
/*
 * ldt16: the demo's modify_ldt patch (kernel.kcare_modify_ldt) as a
 * filter: modify_ldt(2) refuses to create a 16-bit LDT segment, with
 * EINVAL. The patch copies write_ldt() (about 90 lines, five static
 * callees reached through pointers) to change one test; this filter is
 * the test alone, run at write_ldt()'s entry:
 *
 *   static int write_ldt(void __user *ptr, unsigned long bytecount,
 *                        int oldmode)
 *
 * It reads the user_desc the way write_ldt() will, and denies only a
 * request that write_ldt() would carry out and that makes a 16-bit
 * segment: a wrong size, an unreadable buffer and an entry being cleared
 * are left to write_ldt(), which answers them as before. (A second thread
 * could change the buffer between the two reads; that only matters for a
 * filter of a security bug, and is why Documentation/filters.md says
 * which checks a filter can make for good.)
 *
 * Loaded with: kcare-filter load --name ldt16 --errno EINVAL ldt16.bpf.o
 */
#include <linux/bpf.h>
#include <asm/ptrace.h>
#include <asm/ldt.h>

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/write_ldt")
int BPF_KPROBE(ldt16, void *ptr, unsigned long bytecount, int oldmode)
{
	struct user_desc d;

	if (bytecount != sizeof(d))
		return 0;
	if (bpf_probe_read_user(&d, sizeof(d), ptr))
		return 0;
	/* Clearing an entry (LDT_empty(), or the old mode's zero base and limit). */
	if (oldmode && !d.base_addr && !d.limit)
		return 0;
	if (!d.base_addr && !d.limit && !d.contents && d.read_exec_only &&
	    !d.seg_32bit && !d.limit_in_pages && d.seg_not_present &&
	    !d.useable)
		return 0;
	return !d.seg_32bit;
}

char LICENSE[] SEC("license") = "GPL";
