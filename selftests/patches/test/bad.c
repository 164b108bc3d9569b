// SPDX-License-Identifier: GPL-2.0
/*
 * Test payloads the engine must refuse, changing nothing; which one is
 * chosen at build time (-DBAD_BUILD_ID, -DBAD_SYMBOL, -DBAD_PRE_APPLY,
 * -DBAD_LINK).
 * Each would patch a -> 31 if it were accepted.
 */
#include "test.h"

static int bad_fn_a(void)
{
	return 31;
}

static int __maybe_unused bad_refuse(struct kcare_patch *p)
{
	pr_info("kcare_test: pre_apply %s refuses\n", p->name);
	return -EPERM;
}

static struct kcare_func bad_funcs[] = {
	TEST_FUNC(kcare_test_fn_a, bad_fn_a),
	{ }
};

static struct kcare_patch bad_patches[] = {
	{
		.name = "tp_bad",
		.description = "a patch that must not apply",
		.funcs = bad_funcs,
#ifdef BAD_PRE_APPLY
		.hooks.pre_apply = bad_refuse,
#endif
	},
	{ }
};

#ifdef BAD_SYMBOL
static int (*bad_missing)(void);
static struct kcare_symbol bad_symbols[] = {
	{ "kcare_no_such_symbol", "vmlinux", 0, &bad_missing },
	{ }
};
#elif defined(BAD_LINK)
/*
 * Link-time addresses from no kernel's symbol table: the two functions,
 * which kallsyms knows everywhere, disagree on the KASLR offset.
 */
static unsigned long bad_anchor1, bad_anchor2;
static int bad_variable;
static struct kcare_symbol bad_symbols[] = {
	{ "kcare_no_such_variable@ffff800009000000", "vmlinux", 0, &bad_variable },
	{ "iterate_supers@ffff800008100000", "vmlinux", 0, &bad_anchor1 },
	{ "drop_slab@ffff800008100000", "vmlinux", 0, &bad_anchor2 },
	{ }
};
#else
#define bad_symbols NULL
#endif

#ifdef BAD_BUILD_ID
#define BAD_ID "0123456789abcdef0123456789abcdef01234567"
#else
#define BAD_ID KCARE_TARGET_BUILD_ID
#endif

static struct kcare_patchset bad_set =
	TEST_SET("K_TEST_BAD", 3, bad_patches, bad_symbols, BAD_ID);
KCARE_PATCHSET(bad_set);
MODULE_DESCRIPTION("kcare test patchset that must be refused");
