# SPDX-License-Identifier: GPL-2.0
#
# kcare-uchecker, the outdated-library scanner (README.md,
# Documentation/uchecker.md). Included by the top Makefile after
# userland/lib and userland/libcare: it links LibCare's process reader
# (proc.c and what it needs) for the build-ids in memory and the patch
# markers, and libelf for the build-ids on disk.

UC_DIR := userland/uchecker
UC_SRCS := $(UC_DIR)/uchecker.c $(UC_DIR)/scan.c
BINS += $(O)/kcare-uchecker
userland: $(O)/kcare-uchecker
$(O)/kcare-uchecker: $(UC_SRCS) $(UC_DIR)/uchecker.h $(LC_SRCS) $(LC_HDRS) userland/lib/json.c VERSION
	@mkdir -p $(O)
	$(CC) $(CFLAGS) $(LC_CFLAGS) -I$(UC_DIR) -o $@ $(UC_SRCS) $(LC_SRCS) userland/lib/json.c $(LC_LIBS)

install: install-uchecker
.PHONY: install-uchecker
install-uchecker: $(O)/kcare-uchecker
	install -D -m 0755 $(O)/kcare-uchecker $(DESTDIR)$(PREFIX)/bin/kcare-uchecker
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man8 Documentation/man/kcare-uchecker.8

# Unit test (cmocka): the disk build-id reader, LOGLEVEL parsing.
UNIT_TESTS += build/unit/uchecker/test_uchecker
unit: build/unit/uchecker/test_uchecker
build/unit/uchecker/test_uchecker: $(UC_DIR)/tests/test_uchecker.c $(UC_DIR)/scan.c $(UC_DIR)/uchecker.h $(LC_SRCS) $(LC_HDRS)
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CFLAGS) -I$(LC_DIR) -I$(UC_DIR) -o $@ $< $(UC_DIR)/scan.c $(LC_SRCS) -ldw -lelf -lcmocka
