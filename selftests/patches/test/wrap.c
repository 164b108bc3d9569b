// SPDX-License-Identifier: GPL-2.0
/*
 * Wrapper patches: a replacement that calls the function it replaces.
 * The engine sees a symbol of the payload resolve to a replaced
 * function's address and lets the replacement's own calls of it through
 * to the original, past the redirection (core/hook.c), instead of
 * looping back into the replacement.
 *
 * - wrap_a: kcare_test_fn_a -> the original's result (1) + 100, so 101.
 * - x86_64, wrap_ldt: the demo's modify_ldt hardening (refuse 16-bit LDT
 *   segments with EINVAL) as a wrapper of write_ldt(): the check, then
 *   the original function, where demo/modify_ldt.c copies its 90 lines
 *   and five static callees. It reads the user_desc before write_ldt()
 *   does, as a filter would (Documentation/writing-patches.md).
 */
#include <linux/uaccess.h>
#ifdef CONFIG_X86_64
#include <asm/desc.h>
#include <asm/ldt.h>
#endif

#include "test.h"

static int (*orig_fn_a)(void);

static int wrap_fn_a(void)
{
	return KCARE_CALL_ORIGINAL(orig_fn_a) + 100;
}

static struct kcare_func wrap_a_funcs[] = {
	TEST_FUNC(kcare_test_fn_a, wrap_fn_a),
	{ }
};

#ifdef CONFIG_X86_64
static int (*orig_write_ldt)(void __user *ptr, unsigned long bytecount,
			     int oldmode);

static int wrap_write_ldt(void __user *ptr, unsigned long bytecount,
			  int oldmode)
{
	struct user_desc d;

	/* Only what write_ldt() would carry out; the rest is its to answer. */
	if (bytecount == sizeof(d) && !copy_from_user(&d, ptr, sizeof(d)) &&
	    !(oldmode && !d.base_addr && !d.limit) && !LDT_empty(&d) &&
	    !d.seg_32bit)
		return -EINVAL;
	return KCARE_CALL_ORIGINAL(orig_write_ldt, ptr, bytecount, oldmode);
}

static struct kcare_func wrap_ldt_funcs[] = {
	{ .name = "write_ldt", .object = "vmlinux", .new_func = wrap_write_ldt },
	{ }
};
#endif

static struct kcare_symbol wrap_symbols[] = {
	{ .name = "kcare_test_fn_a", .object = TEST_OBJ, .addr = &orig_fn_a },
#ifdef CONFIG_X86_64
	{ .name = "write_ldt", .object = "vmlinux", .addr = &orig_write_ldt },
#endif
	{ }
};

static struct kcare_patch wrap_patches[] = {
	{
		.name = "wrap_a",
		.description = "a wrapper: the original plus 100",
		.funcs = wrap_a_funcs,
	},
#ifdef CONFIG_X86_64
	{
		.name = "wrap_ldt",
		.description = "no 16-bit LDT segments, as a wrapper of write_ldt",
		.sysctl = "wrap_ldt",
		.funcs = wrap_ldt_funcs,
	},
#endif
	{ }
};

static struct kcare_patchset wrap_set =
	TEST_SET("K_TEST_WRAP", 1, wrap_patches, wrap_symbols,
		 KCARE_TARGET_BUILD_ID);
KCARE_PATCHSET(wrap_set);
MODULE_DESCRIPTION("kcare test patchset: wrapper patches");
