/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the test payloads: they replace the functions of the
 * kcare_test_target module (selftests/modules/kcare_test_target.c), so that
 * the selftests can see which version runs by reading
 * /proc/kcare_test_target.
 */
#ifndef _KCARE_TEST_PAYLOAD_H
#define _KCARE_TEST_PAYLOAD_H

#include <kcare/patch.h>

#define TEST_OBJ "kcare_test_target"

#define TEST_FUNC(_fn, _new) {			\
	.name = #_fn,				\
	.object = TEST_OBJ,			\
	.new_func = _new,			\
}

#define TEST_SET(_id, _level, _patches, _symbols, _build_id) {	\
	.id = _id,						\
	.level = _level,					\
	.type = "default",					\
	.build_time = "2026-11-25T00:00:00Z",			\
	.effective_version = "6.1.0-kcare-test." #_level,	\
	.kernel_build_id = _build_id,				\
	.patches = _patches,					\
	.symbols = _symbols,					\
}

#endif
