# SPDX-License-Identifier: GPL-2.0
#
# kcare-patchset: the publisher's tool (README.md): keys, metadata headers,
# patchset files, repositories.
PATCHSET_SRCS := $(wildcard userland/kcare-patchset/*.c) $(LOADER_SRCS) $(LIBKC_SRCS)
PATCHSET_HDRS := $(wildcard userland/kcare-patchset/*.h) $(LOADER_HDRS) $(LIBKC_HDRS)
BINS += $(O)/kcare-patchset
$(O)/kcare-patchset: $(PATCHSET_SRCS) $(PATCHSET_HDRS) VERSION
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $(PATCHSET_SRCS) $(PKG_LIBS)

# The same, built for this machine: the build runs it (make patches,
# scripts/build-patchset), whatever ARCH the rest is built for.
HOST_PATCHSET := build/host/kcare-patchset
$(HOST_PATCHSET): $(PATCHSET_SRCS) $(PATCHSET_HDRS) VERSION
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CFLAGS) $(HOST_PKG_CFLAGS) -o $@ $(PATCHSET_SRCS) $(HOST_PKG_LIBS)
host-patchset: $(HOST_PATCHSET)
