// SPDX-License-Identifier: GPL-2.0
/*
 * Test payloads for the freezer: they replace the functions that
 * kcare_test_target's sleepers sleep in (kcare_sleeper in
 * kcare_test_fn_sleep, readers of /proc/kcare_test_wait in
 * kcare_test_fn_wait), and a, all with SLEEPERS_VALUE. The replacements
 * sleep the same way as the originals (through the target's own helper),
 * so a task can be made to sleep in the new code too. Built as level 3 (t3.c, and t3f.c under another module
 * name for the force test, whose payload stays loaded) and level 4 (t4.c).
 */
#include "test.h"

static int (*sl_wait_gen)(unsigned long gen, bool interruptible);

static struct kcare_symbol sl_symbols[] = {
	{ "kcare_test_wait_gen", TEST_OBJ, 0, &sl_wait_gen },
	{ }
};

static int sl_fn_a(void)
{
	return SLEEPERS_VALUE;
}

static int sl_fn_sleep(unsigned long gen)
{
	sl_wait_gen(gen, false);
	return SLEEPERS_VALUE;
}

static int sl_fn_wait(unsigned long gen)
{
	if (sl_wait_gen(gen, true))
		return -ERESTARTSYS;
	return SLEEPERS_VALUE;
}

static struct kcare_func sl_funcs[] = {
	TEST_FUNC(kcare_test_fn_a, sl_fn_a),
	TEST_FUNC(kcare_test_fn_sleep, sl_fn_sleep),
	TEST_FUNC(kcare_test_fn_wait, sl_fn_wait),
	{ }
};

static struct kcare_patch sl_patches[] = {
	{
		.name = "tp_sleepers",
		.description = "test patch of functions tasks sleep in",
		.funcs = sl_funcs,
	},
	{ }
};

static struct kcare_patchset sl_set =
	TEST_SET(SLEEPERS_ID, SLEEPERS_LEVEL, sl_patches, sl_symbols,
		 KCARE_TARGET_BUILD_ID);
KCARE_PATCHSET(sl_set);
MODULE_DESCRIPTION("kcare test patchset replacing functions tasks sleep in");
