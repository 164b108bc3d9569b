// SPDX-License-Identifier: GPL-2.0
/*
 * Prints a kernel WARNING when loaded: the VM harness must notice it and
 * fail the run (scripts/tests/test-vm.sh).
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init kcare_test_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit kcare_test_warn_exit(void)
{
}

module_init(kcare_test_warn_init);
module_exit(kcare_test_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcare selftest: trigger a WARNING");
