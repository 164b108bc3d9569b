# SPDX-License-Identifier: GPL-2.0
#
# kcare-eportal, the private patch server (README.md,
# Documentation/eportal.md). Included by the top Makefile after the
# fragments of userland/lib, loader and userland/kcare-patchset; adds to
# BINS and UNIT_TESTS.
#
# It links the loader (index, signatures, manifests, patchset files),
# userland/lib (fetch, files) and, from kcare-patchset, the checks of a
# patchset file (patchset-util.c: kcp_check_kcp, kcp_read, kcp_digest,
# kcp_kernel_dir) and what only a publisher writes (write.c:
# kcp_key_generate, kcp_sign, kcp_index_sign).

EP_DIR := userland/eportal
EP_SRCS := $(wildcard $(EP_DIR)/*.c)
EP_HDRS := $(wildcard $(EP_DIR)/*.h)
EP_KCP_SRCS := userland/kcare-patchset/patchset-util.c userland/kcare-patchset/write.c
EP_LIB_SRCS := $(LOADER_SRCS) $(LIBKC_SRCS) $(EP_KCP_SRCS)
EP_LIB_HDRS := $(LOADER_HDRS) $(LIBKC_HDRS) $(wildcard userland/kcare-patchset/*.h)
EP_PKGS := libmicrohttpd sqlite3 json-c libarchive
# libarchive's <archive.h> is shadowed by loader/archive.h (-Iloader):
# deploy.c names it by its full path.
EP_CFLAGS = -I$(EP_DIR) -Iuserland/kcare-patchset \
	-DEP_LIBARCHIVE_H='"$(shell $(PKG_CONFIG) --variable=includedir libarchive)/archive.h"'

# The top Makefile includes this fragment last, after "userland:" and
# "unit:" took BINS and UNIT_TESTS as they were: name the targets here too.
BINS += $(O)/kcare-eportal
userland: $(O)/kcare-eportal
$(O)/kcare-eportal: $(EP_SRCS) $(EP_HDRS) $(EP_LIB_SRCS) $(EP_LIB_HDRS) VERSION
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(EP_CFLAGS) $(PKG_CFLAGS) $$($(PKG_CONFIG) --cflags $(EP_PKGS)) -o $@ \
		$(EP_SRCS) $(EP_LIB_SRCS) $(PKG_LIBS) $$($(PKG_CONFIG) --libs $(EP_PKGS)) -lpthread

# The server built for this machine: the harness tests and the benchmark
# run it, whatever ARCH the rest is built for.
EP_HOST_CFLAGS = $(CFLAGS) $(EP_CFLAGS) $(HOST_PKG_CFLAGS) $$(pkg-config --cflags $(EP_PKGS))
EP_HOST_LIBS = $(HOST_PKG_LIBS) $$(pkg-config --libs $(EP_PKGS)) -lpthread
build/host/kcare-eportal: $(EP_SRCS) $(EP_HDRS) $(EP_LIB_SRCS) $(EP_LIB_HDRS) VERSION
	@mkdir -p $(dir $@)
	$(HOST_CC) $(EP_HOST_CFLAGS) -o $@ $(EP_SRCS) $(EP_LIB_SRCS) $(EP_HOST_LIBS)
# A small load client for the figures (tests/bench.sh).
build/host/ep-load: $(EP_DIR)/tests/ep-load.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CFLAGS) -o $@ $< -lpthread
.PHONY: host-eportal install-eportal
host-eportal: build/host/kcare-eportal build/host/ep-load

install: install-eportal
install-eportal: $(O)/kcare-eportal
	install -D -m 0755 $(O)/kcare-eportal $(DESTDIR)$(PREFIX)/bin/kcare-eportal
	ln -sf kcare-eportal $(DESTDIR)$(PREFIX)/bin/kc.eportal

# Unit tests (cmocka, TAP): the storage and the handlers on a real SQLite
# file; everything but main.c is linked.
EP_UNIT_SRCS := $(filter-out $(EP_DIR)/main.c,$(EP_SRCS)) $(EP_LIB_SRCS)
EP_UNIT_TESTS := $(patsubst $(EP_DIR)/tests/%.c,build/unit/eportal/%,$(wildcard $(EP_DIR)/tests/test_*.c))
UNIT_TESTS += $(EP_UNIT_TESTS)
unit: $(EP_UNIT_TESTS)
build/unit/eportal/test_%: $(EP_DIR)/tests/test_%.c $(EP_UNIT_SRCS) $(EP_HDRS) $(EP_LIB_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(EP_HOST_CFLAGS) -o $@ $< $(EP_UNIT_SRCS) $(EP_HOST_LIBS) -lcmocka
