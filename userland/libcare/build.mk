# SPDX-License-Identifier: GPL-2.0
#
# LibCare (userland/libcare/README.md), included by the top Makefile.
# libcare-ctl links libelf and libdw; for arm64 it is linked statically,
# since the test guest is a busybox initramfs.

LC_DIR := userland/libcare
LC_SRCS := $(filter-out $(LC_DIR)/libcare-ctl.c,$(wildcard $(LC_DIR)/*.c))
LC_HDRS := $(wildcard $(LC_DIR)/*.h)
LC_CFLAGS := -I$(LC_DIR) $(shell $(PKG_CONFIG) --cflags libelf libdw 2>/dev/null)
ifeq ($(ARCH),arm64)
LC_LIBS := -static $(shell $(PKG_CONFIG) --static --libs libdw libelf zlib 2>/dev/null || echo -ldw -lelf -lz -lzstd -llzma -lbz2) -lpthread
else
LC_LIBS := $(shell $(PKG_CONFIG) --libs libdw libelf)
endif
LC_O := $(O)/libcare

BINS += $(O)/libcare-ctl

$(O)/libcare-ctl: $(LC_SRCS) $(LC_DIR)/libcare-ctl.c $(LC_HDRS)
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(LC_CFLAGS) -o $@ $(LC_SRCS) $(LC_DIR)/libcare-ctl.c $(LC_LIBS)

# What the tests patch: a small library, a program calling it from many
# threads, and its patches (built by build-libpatch against the library).
LC_TEST_BINS := $(LC_O)/liblctest.so $(LC_O)/lc-busy $(LC_O)/lc-zlib-demo
# The policy refusals (MDWE, a libseccomp filter) are tested on the host.
ifneq ($(ARCH),arm64)
LC_TEST_BINS += $(LC_O)/lc-policy
endif
LC_TEST_PATCHES := $(LC_O)/lctest-1.o $(LC_O)/lctest-2.o $(LC_O)/lctest-spin.o $(LC_O)/lctest-outer.o

.PHONY: libcare-tests
libcare-tests: $(O)/libcare-ctl $(LC_TEST_BINS) $(LC_TEST_PATCHES)

$(LC_O)/liblctest.so: $(LC_DIR)/tests/lctest.c $(LC_DIR)/tests/lctest.h
	@mkdir -p $(LC_O)
	$(CC) -O2 -g -fPIC -shared -Wl,--build-id -o $@ $<
$(LC_O)/lc-busy: $(LC_DIR)/tests/lc-busy.c $(LC_O)/liblctest.so
	$(CC) -O2 -g -Wall -Werror -o $@ $< -lpthread -ldl
$(LC_O)/lc-policy: $(LC_DIR)/tests/lc-policy.c $(LC_O)/liblctest.so
	$(CC) -O2 -g -Wall -Werror -o $@ $< -lpthread -ldl -lseccomp
$(LC_O)/lc-zlib-demo: $(LC_DIR)/tests/lc-zlib-demo.c
	@mkdir -p $(LC_O)
	$(CC) -O2 -g -Wall -Werror -o $@ $< -lz
$(LC_O)/lctest-%.o: $(LC_DIR)/tests/patches/lctest-%/* $(LC_O)/liblctest.so $(LC_DIR)/build-libpatch
	$(LC_DIR)/build-libpatch --cc $(CC) --target $(LC_O)/liblctest.so \
		-I $(LC_DIR)/tests -o $@ $(LC_DIR)/tests/patches/lctest-$*

# selftests/test-libcare.sh finds all of it in /selftests/libcare.
selftest-root: libcare-tests

LC_UNIT := $(patsubst $(LC_DIR)/tests/%.c,build/unit/libcare-%,$(wildcard $(LC_DIR)/tests/test_*.c))
UNIT_TESTS += $(LC_UNIT)
unit: $(LC_UNIT)
build/unit/libcare-test_%: $(LC_DIR)/tests/test_%.c $(LC_SRCS) $(LC_HDRS)
	@mkdir -p build/unit
	gcc $(CFLAGS) -I$(LC_DIR) -o $@ $< $(LC_SRCS) -ldw -lelf -lcmocka
