# SPDX-License-Identifier: GPL-2.0
#
# loader: what turns a patch repository into a payload in the kernel
# (README.md). A library linked by kcarectl and kcare-patchset.
LOADER_SRCS := $(wildcard loader/*.c)
LOADER_HDRS := $(wildcard loader/*.h)

# The tests and fuzzers make their signed inputs with the publisher's
# writer (the loader itself never signs or packs anything).
LOADER_TEST_SRCS := $(LOADER_SRCS) $(LIBKC_SRCS) userland/kcare-patchset/write.c
LOADER_TEST_DEPS := $(LOADER_TEST_SRCS) $(LOADER_HDRS) $(LIBKC_HDRS) userland/kcare-patchset/write.h

UNIT_TESTS += $(patsubst loader/tests/%.c,build/unit/loader/%,$(wildcard loader/tests/test_*.c))
build/unit/loader/test_%: loader/tests/test_%.c $(LOADER_TEST_DEPS)
	$(UNIT_CC) -Iuserland/kcare-patchset -o $@ $< $(LOADER_TEST_SRCS) $(HOST_PKG_LIBS) -lcmocka

# libFuzzer harnesses of every parser of downloaded data, with ASan and
# UBSan (make fuzz, make fuzz-run; scripts/check runs them briefly).
FUZZERS += $(patsubst loader/tests/fuzz/%.c,build/fuzz/%,$(wildcard loader/tests/fuzz/fuzz_*.c))
FUZZ_TIME ?= 300
build/fuzz/fuzz_%: loader/tests/fuzz/fuzz_%.c $(LOADER_TEST_DEPS)
	@mkdir -p build/fuzz
	$(CLANG) -g -O1 -std=gnu11 -Wall -Werror -Wno-unused-parameter \
		-Iuserland/lib -Iloader -Iuserland/kcare-patchset \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(HOST_PKG_CFLAGS) -o $@ $< $(LOADER_TEST_SRCS) $(HOST_PKG_LIBS)
