// SPDX-License-Identifier: GPL-2.0
/*
 * A module whose functions the test payloads replace. Reading
 * /proc/kcare_test_target calls each of them once and prints what they
 * return: "a=1 b=2 c=3" unpatched.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/*
 * noipa: the callers must really call these, not fold their constant
 * results, or redirecting them would change nothing.
 */
__attribute__((__noipa__)) int kcare_test_fn_a(void)
{
	return 1;
}

__attribute__((__noipa__)) int kcare_test_fn_b(void)
{
	return 2;
}

__attribute__((__noipa__)) int kcare_test_fn_c(void)
{
	return 3;
}

static int kcare_test_show(struct seq_file *m, void *v)
{
	seq_printf(m, "a=%d b=%d c=%d\n", kcare_test_fn_a(), kcare_test_fn_b(),
		   kcare_test_fn_c());
	return 0;
}

static struct proc_dir_entry *kcare_test_entry;

static int __init kcare_test_target_init(void)
{
	kcare_test_entry = proc_create_single("kcare_test_target", 0444, NULL,
					      kcare_test_show);
	return kcare_test_entry ? 0 : -ENOMEM;
}

static void __exit kcare_test_target_exit(void)
{
	proc_remove(kcare_test_entry);
}

module_init(kcare_test_target_init);
module_exit(kcare_test_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcare selftest: functions for test payloads to replace");
