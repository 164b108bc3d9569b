# SPDX-License-Identifier: GPL-2.0
#
# kcare-eportal, the private patch server (Documentation/eportal.md).
# Included by the top Makefile; uses its O, CC, CFLAGS and PKG_CONFIG.
#
# It links the loader's format code (index, sign, manifest, archive,
# fetch, util) and kcare-patchset's checks of a patchset file
# (kcp_check_kcp and helpers in patchset-util.c), wherever the
# restructure puts that file.

EP_DIR := userland/eportal
EP_SRCS := $(filter-out $(EP_DIR)/tests/%,$(wildcard $(EP_DIR)/*.c))
EP_PATCHSET_UTIL := $(firstword $(wildcard userland/kcare-patchset/patchset-util.c userland/patchset-util.c))
EP_LOADER_SRCS := $(addprefix loader/,index.c sign.c manifest.c archive.c fetch.c util.c)
EP_LIB_SRCS := $(EP_LOADER_SRCS) $(EP_PATCHSET_UTIL)
EP_PKGS := libmicrohttpd sqlite3 json-c libarchive libcurl openssl zlib libelf
# libarchive's <archive.h> is shadowed by loader/archive.h (-Iloader):
# deploy.c names it by its full path.
EP_CFLAGS := -I$(EP_DIR) -I$(dir $(EP_PATCHSET_UTIL)) -Iloader \
	-DEP_LIBARCHIVE_H='"$(shell $(PKG_CONFIG) --variable=includedir libarchive)/archive.h"'
EP_HDRS := $(wildcard $(EP_DIR)/*.h loader/*.h) $(dir $(EP_PATCHSET_UTIL))patchset.h

BINS += $(O)/kcare-eportal
userland: $(O)/kcare-eportal
$(O)/kcare-eportal: $(EP_SRCS) $(EP_LIB_SRCS) $(EP_HDRS) VERSION
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(EP_CFLAGS) $$($(PKG_CONFIG) --cflags $(EP_PKGS)) -o $@ \
		$(EP_SRCS) $(EP_LIB_SRCS) $$($(PKG_CONFIG) --libs $(EP_PKGS)) -lpthread

# The server built for this machine: the harness tests and the benchmark
# run it, whatever ARCH the rest is built for.
EP_HOST := build/host/kcare-eportal
EP_HOST_CFLAGS = $(CFLAGS) $(EP_CFLAGS) $$(pkg-config --cflags $(EP_PKGS))
EP_HOST_LIBS = $$(pkg-config --libs $(EP_PKGS)) -lpthread
$(EP_HOST): $(EP_SRCS) $(EP_LIB_SRCS) $(EP_HDRS) VERSION
	@mkdir -p $(dir $@)
	gcc $(EP_HOST_CFLAGS) -o $@ $(EP_SRCS) $(EP_LIB_SRCS) $(EP_HOST_LIBS)
# A small load client for the figures (userland/eportal/tests/bench.sh).
build/host/ep-load: $(EP_DIR)/tests/ep-load.c
	@mkdir -p $(dir $@)
	gcc $(CFLAGS) -o $@ $< -lpthread
.PHONY: host-eportal
host-eportal: $(EP_HOST) build/host/ep-load

install: install-eportal
.PHONY: install-eportal
install-eportal: $(O)/kcare-eportal
	install -D -m 0755 $(O)/kcare-eportal $(DESTDIR)$(PREFIX)/bin/kcare-eportal
	ln -sf kcare-eportal $(DESTDIR)$(PREFIX)/bin/kc.eportal

# Unit tests (cmocka, TAP): the storage and the handlers on a real SQLite
# file; everything but main.c is linked.
EP_UNIT_SRCS := $(filter-out $(EP_DIR)/main.c,$(EP_SRCS)) $(EP_LIB_SRCS)
EP_UNIT_TESTS := $(patsubst $(EP_DIR)/tests/%.c,build/unit/%,$(wildcard $(EP_DIR)/tests/test_*.c))
UNIT_TESTS += $(EP_UNIT_TESTS)
unit: $(EP_UNIT_TESTS)
$(EP_UNIT_TESTS): build/unit/%: $(EP_DIR)/tests/%.c $(EP_UNIT_SRCS) $(EP_HDRS)
	@mkdir -p build/unit
	gcc $(EP_HOST_CFLAGS) -o $@ $< $(EP_UNIT_SRCS) $(EP_HOST_LIBS) -lcmocka
