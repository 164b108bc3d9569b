# SPDX-License-Identifier: GPL-2.0
#
# userland/lib: the helpers every user-space program links (README.md).
LIBKC_SRCS := $(wildcard userland/lib/*.c)
LIBKC_HDRS := $(wildcard userland/lib/*.h)

# Unit tests link the folder with the host's libraries.
UNIT_CC = @mkdir -p $(dir $@); $(HOST_CC) $(CFLAGS) $(HOST_PKG_CFLAGS)
UNIT_TESTS += $(patsubst userland/lib/tests/%.c,build/unit/lib/%,$(wildcard userland/lib/tests/test_*.c))
build/unit/lib/test_%: userland/lib/tests/test_%.c $(LIBKC_SRCS) $(LIBKC_HDRS)
	$(UNIT_CC) -o $@ $< $(LIBKC_SRCS) $(HOST_PKG_LIBS) -lcmocka

# test_fetch downloads from its own server (tests/fetch_server.c).
build/unit/lib/test_fetch: userland/lib/tests/test_fetch.c userland/lib/tests/fetch_server.c userland/lib/tests/fetch_server.h $(LIBKC_SRCS) $(LIBKC_HDRS)
	$(UNIT_CC) -o $@ $< userland/lib/tests/fetch_server.c $(LIBKC_SRCS) $(HOST_PKG_LIBS) -lcmocka

# libFuzzer harnesses of what the download code parses (tests/fuzz/).
LIBKC_FUZZERS := $(patsubst userland/lib/tests/fuzz/%.c,build/fuzz/%,$(wildcard userland/lib/tests/fuzz/fuzz_*.c))
FUZZERS += $(LIBKC_FUZZERS)
$(LIBKC_FUZZERS): build/fuzz/%: userland/lib/tests/fuzz/%.c $(LIBKC_SRCS) $(LIBKC_HDRS)
	@mkdir -p build/fuzz
	$(CLANG) -g -O1 -std=gnu11 -Wall -Werror -Wno-unused-parameter -Iuserland/lib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(HOST_PKG_CFLAGS) -o $@ $< $(LIBKC_SRCS) $(HOST_PKG_LIBS)
