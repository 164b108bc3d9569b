# SPDX-License-Identifier: GPL-2.0
#
# kcare-uname: uname(1) reporting the effective kernel release (README.md).
# It needs no library.
UNAME_SRCS := userland/kcare-uname/kcare-uname.c userland/kcare-uname/uname.c
BINS += $(O)/kcare-uname
$(O)/kcare-uname: $(UNAME_SRCS) userland/kcare-uname/uname.h VERSION
	@mkdir -p $(O)
	$(CC) $(CFLAGS) -o $@ $(UNAME_SRCS)

UNIT_TESTS += build/unit/kcare-uname/test_uname
build/unit/kcare-uname/test_uname: userland/kcare-uname/tests/test_uname.c userland/kcare-uname/uname.c userland/kcare-uname/uname.h
	$(UNIT_CC) -Iuserland/kcare-uname -o $@ $< userland/kcare-uname/uname.c -lcmocka
