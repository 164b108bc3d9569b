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
