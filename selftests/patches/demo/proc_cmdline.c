// SPDX-License-Identifier: GPL-2.0
/*
 * proc_cmdline: /proc/cmdline ends with " kcare_demo=patched".
 *
 * The simplest patch there is: a show function with one line of output
 * that nothing reads after boot, so a test compares a file. The kernel's
 * identity seen by the patch server (the SHA-1 of /proc/version) is not
 * touched. cmdline_proc_show() is static, a function of its own in this
 * build (the proc entry holds its address) and traceable.
 *
 * Copied from fs/proc/cmdline.c of Linux 6.1.192 (Debian linux-source-6.1
 * 6.1.192-2). Changes: saved_command_line (not exported) is reached through
 * a pointer, and the marker is appended (marked "kcare:").
 */
#include <linux/init.h>
#include <linux/seq_file.h>

#include "demo.h"

typeof(saved_command_line) *demo_saved_command_line;

static int demo_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, *demo_saved_command_line);
	/* kcare: */
	seq_puts(m, " kcare_demo=patched");
	seq_putc(m, '\n');
	return 0;
}

struct kcare_func demo_proc_cmdline_funcs[] = {
	{
		.name = "cmdline_proc_show",
		.object = "vmlinux",
		.new_func = demo_cmdline_proc_show,
	},
	{ }
};
