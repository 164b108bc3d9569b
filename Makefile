# SPDX-License-Identifier: GPL-2.0
#
# make                  build kcare.ko and the userland for x86_64
# make ARCH=arm64       cross-build both for arm64
# make install          install as a package would (DESTDIR= for staging)
# make deb              Debian packages kcare, kcare-dkms, kcare-eportal, kcare-dev
# make check-deb        the packages installed and booted in a Debian 12 guest
# make check            unit tests, then selftests in x86_64 and arm64 guests
# make check-kernels    the engine's selftests on Debian 11's and 13's kernels
# make demo             boot a guest and show the engine at work
# make bench            benchmarks beside upstream livepatch, in one guest boot
# make from-diff        patches built from source diffs, applied in a guest
# make distro-update    the builder on a whole Debian kernel update (hours)
#
# KDIR= builds the module against other kernel headers. By default the
# headers of the test-bed kernel fetched by scripts/setup are used; without
# them, those of the running kernel.
# KSERIES=5.10 or 6.12 builds for Debian 11's or Debian 13's kernel instead
# of Debian 12's 6.1 (scripts/setup --series, Documentation/kernels.md),
# into build/ARCH-SERIES/.

ARCH ?= x86_64
override ARCH := $(patsubst amd64,x86_64,$(patsubst x86,x86_64,$(patsubst aarch64,arm64,$(ARCH))))
ifeq ($(filter $(ARCH),x86_64 arm64),)
$(error ARCH=$(ARCH) is not supported: use x86_64 or arm64)
endif

KSERIES ?= 6.1
# scripts/kernel-build-id and the other scripts the rules run read it too.
export KSERIES
ifeq ($(filter $(KSERIES),5.10 6.1 6.12),)
$(error KSERIES=$(KSERIES) is not supported: use 5.10, 6.1 or 6.12)
endif
ifeq ($(KSERIES),6.1)
-include .cache/kernel.mk
O := build/$(ARCH)
else
-include .cache/kernel-$(KSERIES).mk
O := build/$(ARCH)-$(KSERIES)
endif
include scripts/kernel.pin
# What the series' headers need on this machine's compilers (setup-series).
KBUILD_FLAGS := $(KBUILD_FLAGS_$(ARCH))

HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
ifneq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?= $(if $(filter arm64,$(ARCH)),aarch64-linux-gnu-,x86_64-linux-gnu-)
TRIPLET := $(if $(filter arm64,$(ARCH)),aarch64-linux-gnu,x86_64-linux-gnu)
PKG_CONFIG ?= PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config
endif
PKG_CONFIG ?= pkg-config

KDIR ?= $(or $(KDIR_$(ARCH)),/lib/modules/$(shell uname -r)/build)
KREL := $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
VERSION := $(shell cat VERSION)

CC := $(CROSS_COMPILE)gcc
PKGS := libcurl openssl libelf zlib libseccomp libbpf
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS))
CFLAGS ?= -O2 -g
override CFLAGS += -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -std=gnu11 \
	-DKCARE_VERSION='"$(VERSION)"' -Iuserland/lib -Iloader

PREFIX ?= /usr
MODDIR ?= /lib/modules/$(KREL)/extra
MANDIR ?= $(PREFIX)/share/man
# The units are installed, never enabled: "systemctl enable --now
# kcare.service kcare-auto-update.timer" (Documentation/kcarectl.md).
UNITDIR ?= /lib/systemd/system
UNITS := $(wildcard userland/systemd/*.service userland/systemd/*.timer)

# The host's own libraries, for what runs on this machine whatever ARCH is
# (the publisher's tool the build runs, unit tests, fuzzers).
HOST_PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
HOST_PKG_LIBS := $(shell pkg-config --libs $(PKGS))
HOST_CC := gcc
UNIT_TESTS :=
FUZZERS :=
BINS :=

.DEFAULT_GOAL := all

# The user-space programs, each from the make fragment of its folder
# (lib, loader and libcare first: their sources are what the programs
# link). They add to BINS, UNIT_TESTS and FUZZERS.
include userland/lib/build.mk loader/build.mk userland/libcare/build.mk \
	bpf/build.mk userland/kcarectl/build.mk userland/kcare-uname/build.mk \
	userland/kcare-patchset/build.mk userland/uchecker/build.mk \
	userland/eportal/build.mk userland/kcare-build/build.mk

# Sources of the module, for make's dependency check: kbuild does the rest.
MOD_SRCS := Kbuild VERSION $(wildcard core/*.[ch] core/include/kcare/*.h arch/$(ARCH)/*.[chS])

.PHONY: all module userland host-patchset host-objdiff from-diff distro-update install install-userland deb check-deb sign check check-latest check-kernels unit fuzz fuzz-run demo bench selftest-modules selftest-progs patches e2e-repo selftest-root clean

all: module userland

# kbuild writes its objects next to the sources, so each architecture builds
# in its own tree of symlinks under build/ and the two never mix.
module: $(O)/kcare.ko
$(O)/kcare.ko: $(MOD_SRCS)
	@test -f $(KDIR)/Makefile || { echo "no kernel headers in $(KDIR): run scripts/setup or pass KDIR=" >&2; exit 1; }
	@mkdir -p $(O)/mod
	@cp -rsf $(CURDIR)/Kbuild $(CURDIR)/VERSION $(CURDIR)/core $(O)/mod/
	@mkdir -p $(O)/mod/arch && cp -rsf $(CURDIR)/arch/$(ARCH) $(O)/mod/arch/
	@# Links to deleted sources would still be picked up by Kbuild's wildcards.
	@find $(O)/mod -xtype l -delete
	@rm -f $(O)/kbuild.rc
	{ $(MAKE) -C $(KDIR) M=$(CURDIR)/$(O)/mod ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) $(KBUILD_FLAGS) modules 2>&1; \
		echo $$? >$(O)/kbuild.rc; } | tee $(O)/kbuild.log
	@rc=$$(cat $(O)/kbuild.rc); test "$$rc" = 0 || exit $$rc
	@# objtool does not fail kbuild, but its warnings mean wrong unwind data or
	@# unmitigated branches. Fail, and delete the objects it complained about
	@# so that the next build checks them again.
	@if grep -q objtool $(O)/kbuild.log; then \
		sed -n 's/^\(.*\.o\): [a-z]*: objtool:.*/\1/p' $(O)/kbuild.log | sort -u | xargs -r rm -f; \
		echo "objtool warnings in the module build: fix them" >&2; exit 1; fi
	cp $(O)/mod/kcare.ko $@

# Small test modules the selftests load (built the same way).
selftest-modules: $(O)/selftests/.built
$(O)/selftests/.built: $(wildcard selftests/modules/*.c selftests/modules/Kbuild) core/compat_ftrace.h
	@mkdir -p $(O)/selftests
	@cp -rsf $(CURDIR)/selftests/modules/. $(O)/selftests/
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(O)/selftests ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) $(KBUILD_FLAGS) \
		KCARE_CORE=$(CURDIR)/core modules
	@touch $@

# Patch payloads (selftests/patches/): modules that use kcare.ko's exports
# and carry the build-id of the kernel they are for. The demo patchset takes
# its metadata from demo/patchset.meta through the header kcare-patchset
# makes of it (Documentation/writing-patches.md), generated into the build
# tree beside demo.h by the build machine's copy of the tool.
patches: $(O)/patches/.built
$(O)/patches/.built: $(O)/kcare.ko $(HOST_PATCHSET) $(shell find selftests/patches -type f 2>/dev/null) core/include/kcare/patch.h
	@mkdir -p $(O)/patches
	@cp -rsf $(CURDIR)/selftests/patches/. $(O)/patches/
	@find $(O)/patches -xtype l -delete
	@# The payloads' symbol versions come from kcare.ko's Module.symvers,
	@# which kbuild does not track: relink them whenever this rule runs.
	@rm -f $(O)/patches/*.ko $(O)/patches/*.mod.o
	@for d in demo demo-arm64 extra extra-arm64; do \
		$(HOST_PATCHSET) header selftests/patches/$$d/patchset.meta >$(O)/patches/$$d/patchset-meta.h.tmp && \
		mv $(O)/patches/$$d/patchset-meta.h.tmp $(O)/patches/$$d/patchset-meta.h || exit 1; done
	$(MAKE) -C $(KDIR) M=$(CURDIR)/$(O)/patches ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) $(KBUILD_FLAGS) \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/$(O)/mod/Module.symvers \
		KCARE_INCLUDE=$(CURDIR)/core/include \
		KCARE_TARGET_BUILD_ID=$$(scripts/kernel-build-id $(ARCH)) \
		KCARE_PIN_ABI=$(KCARE_PIN_ABI) KCARE_SERIES=$(KSERIES) modules
	@touch $@

# Static user-space programs the selftests run in the guest.
PROGS := $(patsubst selftests/progs/%.c,$(O)/selftests/bin/%,$(wildcard selftests/progs/*.c))
selftest-progs: $(PROGS)
$(O)/selftests/bin/%: selftests/progs/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Werror -static -o $@ $<

# What selftests/test-kcarectl.sh publishes and serves in the guest: keys and
# patchset files of the demo at several levels, and for other kernels
# (scripts/build-e2e; payloads rebuilt only when their inputs change, the
# files packed again each time so that their release times follow the clock),
# from the architecture's own demo patchset.
E2E_DIR := $(O)/e2e
e2e-repo: $(O)/kcare.ko $(HOST_PATCHSET)
	scripts/build-e2e --arch $(ARCH) $(CURDIR)/$(E2E_DIR)

# What the selftests need in the guest besides selftests/ itself: the test
# modules, the payloads and the programs (scripts/check adds it as /selftests),
# and the e2e repository files (/selftests/e2e).
# The e2e repository holds the demo patchset, which only 6.1 has
# (Documentation/kernels.md): other series get no /selftests/e2e.
selftest-root: selftest-modules selftest-progs patches $(FILTER_OBJS) $(if $(filter 6.1,$(KSERIES)),e2e-repo)
	@rm -rf $(O)/selftest-root && mkdir -p $(O)/selftest-root/modules $(O)/selftest-root/patches $(O)/selftest-root/bin $(O)/selftest-root/filters
	@cp $(O)/selftests/*.ko $(O)/selftest-root/modules/
	@cp $(O)/patches/*.ko $(O)/selftest-root/patches/ 2>/dev/null || true
	@cp $(PROGS) $(O)/selftest-root/bin/ 2>/dev/null || true
	@cp $(FILTER_OBJS) $(O)/selftest-root/filters/ 2>/dev/null || true
	@mkdir -p $(O)/selftest-root/image-modules
	@# binfmt_misc is built in on some series (6.12).
	@m=$(IMAGE_$(ARCH))/lib/modules/$(KREL)/kernel/fs/binfmt_misc.ko; \
		if [ -f $$m ]; then cp $$m $(O)/selftest-root/image-modules/; fi
	@if [ -d $(E2E_DIR)/kcp ]; then mkdir -p $(O)/selftest-root/e2e && \
		cp -r $(E2E_DIR)/keys $(E2E_DIR)/kcp $(E2E_DIR)/env.sh $(O)/selftest-root/e2e/; fi
	@mkdir -p $(O)/selftest-root/libcare && cp -r $(O)/libcare/. $(O)/libcare-ctl $(O)/selftest-root/libcare/

userland: $(BINS)

install: all install-userland
	install -D -m 0644 $(O)/kcare.ko $(DESTDIR)$(MODDIR)/kcare.ko
	$(if $(DESTDIR),,depmod -a $(KREL))

# Everything but the module: what the kcare package installs (its module
# comes from kcare-dkms, built on the target for each kernel).
install-userland: userland
	install -D -m 0755 $(O)/kcarectl $(DESTDIR)$(PREFIX)/bin/kcarectl
	install -D -m 0755 $(O)/kcare-uname $(DESTDIR)$(PREFIX)/bin/kcare-uname
	@# The seed's checker and migration script (Documentation/kcarectl.md).
	ln -sf kcarectl $(DESTDIR)$(PREFIX)/bin/kc-compat
	install -D -m 0755 userland/ksplice2kcare/ksplice2kcare $(DESTDIR)$(PREFIX)/bin/ksplice2kcare
	install -D -m 0755 $(O)/kcare-patchset $(DESTDIR)$(PREFIX)/bin/kcare-patchset
	install -D -m 0755 $(O)/kcare-prescreen $(DESTDIR)$(PREFIX)/libexec/kcare/kcare-prescreen
	install -D -m 0755 $(O)/kcare-filter $(DESTDIR)$(PREFIX)/libexec/kcare/kcare-filter
	install -d -m 0755 $(DESTDIR)$(UNITDIR)
	@# The units name /usr/bin/PROGRAM; another PREFIX is written into them.
	for u in $(UNITS); do \
		sed 's|/usr/bin/|$(PREFIX)/bin/|g' $$u >$(DESTDIR)$(UNITDIR)/$${u##*/} && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/} || exit 1; done
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man8 Documentation/man/kcarectl.8 \
		Documentation/man/kc-compat.8 Documentation/man/ksplice2kcare.8
	install -D -m 0644 -t $(DESTDIR)$(MANDIR)/man1 Documentation/man/kcare-uname.1
	@# LibCare's periodic job switch, its blacklist, the audit exemption of its ptrace.
	install -D -m 0755 userland/libcare/libcare-cron $(DESTDIR)$(PREFIX)/bin/libcare-cron
	install -D -m 0644 userland/libcare/blacklist $(DESTDIR)/var/lib/libcare/blacklist
	install -d -m 0750 $(DESTDIR)/etc/audit/rules.d
	sed 's|/usr/bin/kcarectl|$(PREFIX)/bin/kcarectl|g' userland/libcare/kernelcare.rules \
		>$(DESTDIR)/etc/audit/rules.d/kernelcare.rules
	chmod 0640 $(DESTDIR)/etc/audit/rules.d/kernelcare.rules
	@# kcarectl reads these fixed paths, whatever PREFIX is.
	install -d -m 0755 $(DESTDIR)/etc/sysconfig/kcare/keys $(DESTDIR)/usr/share/kcare/keys
	install -d -m 0700 $(DESTDIR)/var/cache/kcare $(DESTDIR)/var/lib/kcare
	install -D -m 0644 userland/completion/kcare $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kcarectl
	ln -sf kcarectl $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kcare-uname
	ln -sf kcarectl $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kcare-uchecker
	ln -sf kcarectl $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kcare-patchset
	ln -sf kcarectl $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kcare-eportal

# Secure Boot: kcare.ko and the payload modules signed with the project
# key (scripts/sign-modules; Documentation/install.md).
sign: module
	scripts/sign-modules sign $(O)/kcare.ko $(shell find $(O)/patches -name '*.ko' 2>/dev/null)

# Debian packages (Documentation/install.md) into build/deb/, from a
# scratch copy of the tree: dpkg-buildpackage writes beside its sources.
deb:
	scripts/deb-build

# Not part of check (seven systemd boots under emulation, a quarter of an
# hour): the packages in a booted Debian 12 system (scripts/deb-guest/).
check-deb:
	@scripts/setup --kernel $(KERNEL)
	@scripts/deb-guest/check

# Host unit tests (cmocka), reported as TAP: each folder's tests/test_*.c,
# listed in UNIT_TESTS by the fragments above.
unit: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do CMOCKA_MESSAGE_OUTPUT=TAP $$t || rc=1; done; exit $$rc

# libFuzzer harnesses of every parser of downloaded data (loader/tests/fuzz/),
# with ASan and UBSan. "make fuzz-run" runs each for FUZZ_TIME seconds
# from its seed corpus (FOLDER/tests/fuzz/corpus/NAME/); scripts/check runs them briefly.
fuzz: $(FUZZERS)
fuzz-run: $(FUZZERS)
	@for f in $(FUZZERS); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 build/fuzz/corpus-$$n \
		$$(ls -d */tests/fuzz/corpus/$$n userland/*/tests/fuzz/corpus/$$n 2>/dev/null | head -n 1) || exit 1; done

# Patches built from source diffs, end to end (scripts/check-from-diff):
# minutes, so not part of check.
from-diff:
	@scripts/setup
	@scripts/check-from-diff

# The builder against a whole Debian update, one diff per changed C file
# (scripts/distro-update): DISTRO_OLD and DISTRO_NEW are linux-source-6.1
# versions. Hours for a stable update: never part of check.
DISTRO_OLD ?= 6.1.192-2
DISTRO_NEW ?= 6.1.192-3
distro-update:
	@scripts/setup
	@make -s build/host/kcare-objdiff
	@scripts/distro-update $(DISTRO_OLD) $(DISTRO_NEW)

# Both set the machine up first (silent when already done), so that on a
# fresh Debian 12 machine each is the one command to type.
# KERNEL=latest runs against Debian's newest kernel ABI instead of the one
# scripts/kernel.pin names, to show when the pin should move.
KERNEL ?= pinned
check:
	@scripts/setup --kernel $(KERNEL)
	@scripts/check

check-latest:
	@$(MAKE) --no-print-directory check KERNEL=latest

# The other kernel series (Documentation/kernels.md): the engine's own
# selftests (load, apply and revert, cumulative replace, refusals, sysctl
# toggles, livepatch conflicts, a stress run, the sysfs files) on Debian
# 11's and 13's kernels, for KSERIES_ARCHS. Not part of check: each series
# first downloads its kernel (about 300 MB) and builds everything again.
CHECK_SERIES ?= 5.10 6.12
KSERIES_ARCHS ?= x86_64
KSERIES_TESTS ?= selftests/test-load.sh selftests/test-engine.sh
check-kernels:
	@scripts/setup --kernel $(KERNEL)
	@rc=0; for s in $(CHECK_SERIES); do \
		scripts/setup --series $$s || exit 1; \
		scripts/check --no-unit --no-harness --series $$s \
			$(foreach a,$(KSERIES_ARCHS),--arch $(a)) $(KSERIES_TESTS) || rc=1; \
	done; exit $$rc

demo:
	@scripts/setup --kernel $(KERNEL)
	@scripts/demo --arch $(ARCH)

# Not part of check: a benchmark measures, it does not pass or fail
# (Documentation/performance.md). BENCH_ARGS=--quick for a short run.
# Then, on this machine's own architecture, the user-space figures:
# LibCare's stop times and call cost, kcarectl --lib-update over 1,000
# processes (Documentation/libcare.md), QEMU's stop for a real fix
# (Documentation/qemucare.md) and the
# server's check-ins per second (Documentation/eportal.md).
bench:
	@scripts/setup --kernel $(KERNEL)
	@scripts/bench/run --arch $(ARCH) $(BENCH_ARGS)
	@if [ "$(ARCH)" = "$(HOST_ARCH)" ]; then \
		echo "== LibCare, on this machine"; \
		userland/libcare/tests/bench-libcare.sh $(if $(filter --quick,$(BENCH_ARGS)),5,15) || exit 1; \
		userland/libcare/tests/bench-libupdate.sh $(if $(filter --quick,$(BENCH_ARGS)),200,1000) || exit 1; \
		echo "== QEMUCare, on this machine"; \
		userland/libcare/tests/bench-qemucare.sh $(if $(filter --quick,$(BENCH_ARGS)),5,20) || exit 1; \
		echo "== kcare-uchecker, on this machine"; \
		userland/uchecker/tests/bench-uchecker.sh $(if $(filter --quick,$(BENCH_ARGS)),5,15) || exit 1; \
		echo "== kcare-eportal, on this machine"; \
		userland/eportal/tests/bench.sh $(filter --quick,$(BENCH_ARGS)) || exit 1; fi

clean:
	rm -rf build
