// SPDX-License-Identifier: GPL-2.0
/*
 * proc_execdomains: /proc/execdomains ends with a line "kcare_demo=patched".
 *
 * arm64's counterpart of proc_cmdline (../demo/proc_cmdline.c): a show
 * function with one line of output, so a test compares a file. The x86_64
 * patch reads saved_command_line, a variable; Debian's arm64 kernel keeps
 * no variables in kallsyms (no CONFIG_KALLSYMS_ALL) and exports nothing
 * that reaches it, so this patch takes a show function that needs none.
 * execdomains_proc_show() is static, a function of its own (the proc entry
 * holds its address) and traceable.
 *
 * Copied from kernel/exec_domain.c of Linux 6.1.192 (Debian linux-source-6.1
 * 6.1.192-2). Changes: the marker line is added (marked "kcare:").
 */
#include <linux/seq_file.h>

#include "demo.h"

static int demo_execdomains_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, "0-0\tLinux           \t[kernel]\n");
	/* kcare: */
	seq_puts(m, "kcare_demo=patched\n");
	return 0;
}

struct kcare_func demo_proc_execdomains_funcs[] = {
	{
		.name = "execdomains_proc_show",
		.object = "vmlinux",
		.new_func = demo_execdomains_proc_show,
	},
	{ }
};
