# SPDX-License-Identifier: GPL-2.0
#
# kcare-build: patches built from a source diff (README.md). kcare-objdiff
# runs on the build machine, whatever ARCH the rest is built for.
KB_DIR := userland/kcare-build
KB_SRCS := $(wildcard $(KB_DIR)/*.c)
KB_HDRS := $(wildcard $(KB_DIR)/*.h)
HOST_OBJDIFF := build/host/kcare-objdiff
$(HOST_OBJDIFF): $(KB_SRCS) $(KB_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CFLAGS) -I$(KB_DIR) -o $@ $(KB_SRCS) -lelf -ldw
host-objdiff: $(HOST_OBJDIFF)
