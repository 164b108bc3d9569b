# SPDX-License-Identifier: GPL-2.0
#
# kcarectl: the agent (README.md).
# The --lib-* verbs link LibCare (userland/libcare/build.mk) as it is,
# dynamically like the rest of kcarectl.
KCARECTL_LC_LIBS := $(shell $(PKG_CONFIG) --libs libdw libelf 2>/dev/null || echo -ldw -lelf)
KCARECTL_SRCS := $(wildcard userland/kcarectl/*.c) $(LOADER_SRCS) $(LIBKC_SRCS)
KCARECTL_HDRS := $(wildcard userland/kcarectl/*.h) $(LOADER_HDRS) $(LIBKC_HDRS)
# json-c: the registration API's answers (register.c).
KCARECTL_PKGS := json-c
BINS += $(O)/kcarectl
$(O)/kcarectl: $(KCARECTL_SRCS) $(KCARECTL_HDRS) $(LC_SRCS) $(LC_HDRS) VERSION
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(LC_CFLAGS) $$($(PKG_CONFIG) --cflags $(KCARECTL_PKGS)) -o $@ \
		$(KCARECTL_SRCS) $(LC_SRCS) $(PKG_LIBS) $(KCARECTL_LC_LIBS) $$($(PKG_CONFIG) --libs $(KCARECTL_PKGS))

# The configuration's tests link the configuration files only.
CTL_CONFIG_SRCS := userland/kcarectl/config.c userland/kcarectl/conf-lex.c userland/kcarectl/sysctl-conf.c
UNIT_TESTS += build/unit/kcarectl/test_config
build/unit/kcarectl/test_config: userland/kcarectl/tests/test_config.c $(CTL_CONFIG_SRCS) $(KCARECTL_HDRS)
	$(UNIT_CC) -Iuserland/kcarectl -o $@ $< $(CTL_CONFIG_SRCS) $(LOADER_SRCS) $(LIBKC_SRCS) $(HOST_PKG_LIBS) -lcmocka

UNIT_TESTS += build/unit/kcarectl/test_lib_kind
build/unit/kcarectl/test_lib_kind: userland/kcarectl/tests/test_lib_kind.c userland/kcarectl/lib-kind.c userland/kcarectl/lib-kind.h
	$(UNIT_CC) -Iuserland/kcarectl -o $@ $< userland/kcarectl/lib-kind.c -lcmocka

UNIT_TESTS += build/unit/kcarectl/test_cache
build/unit/kcarectl/test_cache: userland/kcarectl/tests/test_cache.c userland/kcarectl/cache.c $(KCARECTL_HDRS)
	$(UNIT_CC) -Iuserland/kcarectl -o $@ $< userland/kcarectl/cache.c $(LOADER_SRCS) $(LIBKC_SRCS) $(HOST_PKG_LIBS) -lcmocka

# libFuzzer harness of the configuration parser (tests/fuzz/).
KCARECTL_FUZZERS := $(patsubst userland/kcarectl/tests/fuzz/%.c,build/fuzz/%,$(wildcard userland/kcarectl/tests/fuzz/fuzz_*.c))
FUZZERS += $(KCARECTL_FUZZERS)
$(KCARECTL_FUZZERS): build/fuzz/%: userland/kcarectl/tests/fuzz/%.c $(CTL_CONFIG_SRCS) $(KCARECTL_HDRS)
	@mkdir -p build/fuzz
	$(CLANG) -g -O1 -std=gnu11 -Wall -Werror -Wno-unused-parameter -Iuserland/lib -Iloader \
		-Iuserland/kcarectl -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(HOST_PKG_CFLAGS) -o $@ $< $(CTL_CONFIG_SRCS) $(LOADER_SRCS) $(LIBKC_SRCS) $(HOST_PKG_LIBS)

# The crash-loop guard and the metrics file, alone (scratch directories).
UNIT_TESTS += build/unit/kcarectl/test_boot_guard
build/unit/kcarectl/test_boot_guard: userland/kcarectl/tests/test_boot_guard.c userland/kcarectl/boot-guard.c $(KCARECTL_HDRS)
	$(UNIT_CC) -Iuserland/kcarectl -o $@ $< userland/kcarectl/boot-guard.c $(LIBKC_SRCS) $(HOST_PKG_LIBS) -lcmocka
UNIT_TESTS += build/unit/kcarectl/test_metrics
build/unit/kcarectl/test_metrics: userland/kcarectl/tests/test_metrics.c userland/kcarectl/metrics.c userland/kcarectl/boot-guard.c $(KCARECTL_HDRS)
	$(UNIT_CC) -Iuserland/kcarectl -o $@ $< userland/kcarectl/metrics.c userland/kcarectl/boot-guard.c $(LOADER_SRCS) $(LIBKC_SRCS) $(HOST_PKG_LIBS) -lcmocka
