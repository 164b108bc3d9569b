# SPDX-License-Identifier: GPL-2.0
#
# bpf: the BPF programs and their user-space half (README.md).
#
# The pre-screen (Documentation/prescreen.md) is built the libbpf-bootstrap
# way: the program is compiled for BPF, embedded in a skeleton header, and
# kcare-prescreen loads it through that. Its vmlinux.h is made from the BTF
# of the x86_64 test-bed kernel (scripts/gen-vmlinux-h), never from the
# kernel this machine runs, and serves the arm64 build too (CO-RE).
CLANG ?= clang
BPFTOOL ?= bpftool
VMLINUX_H := .cache/x86_64/vmlinux.h
BPF_ARCH := $(if $(filter arm64,$(ARCH)),arm64,x86)
BPF_TRIPLET := $(if $(filter arm64,$(ARCH)),aarch64-linux-gnu,x86_64-linux-gnu)
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf)
LIBBPF_LIBS := $(shell $(PKG_CONFIG) --libs libbpf)

$(VMLINUX_H): scripts/gen-vmlinux-h $(wildcard .cache/kernel.mk)
	scripts/gen-vmlinux-h $@
$(O)/prescreen.bpf.o: bpf/prescreen.bpf.c bpf/prescreen.h $(VMLINUX_H)
	@mkdir -p $(O)
	$(CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
		-I$(patsubst %/,%,$(dir $(VMLINUX_H))) -Ibpf -I/usr/include/$(BPF_TRIPLET) \
		-c $< -o $(O)/prescreen.tmp.bpf.o
	$(BPFTOOL) gen object $@ $(O)/prescreen.tmp.bpf.o
$(O)/prescreen.skel.h: $(O)/prescreen.bpf.o
	$(BPFTOOL) gen skeleton $< name prescreen >$@.tmp && mv $@.tmp $@
BINS += $(O)/kcare-prescreen
$(O)/kcare-prescreen: bpf/kcare-prescreen.c bpf/prescreen.h $(O)/prescreen.skel.h
	$(CC) $(CFLAGS) -I$(O) $(LIBBPF_CFLAGS) -o $@ $< $(LIBBPF_LIBS)

# Filter patches (Documentation/filters.md): kcare-filter hands a verified
# program to the engine. The filters of the selftests are built here too,
# without vmlinux.h: a filter reads the registers through libbpf's
# PT_REGS macros on the user-space struct pt_regs of the CPU's uapi
# headers, and its arguments' structures are uapi ones.
BINS += $(O)/kcare-filter
$(O)/kcare-filter: bpf/kcare-filter.c
	$(CC) $(CFLAGS) $(LIBBPF_CFLAGS) -o $@ $< $(LIBBPF_LIBS)
FILTER_SRCS := $(filter-out %/test_allow.bpf.c,$(wildcard selftests/patches/filters/*.bpf.c selftests/patches/filters/$(ARCH)/*.bpf.c))
FILTER_CLANG = $(CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
	-I/usr/include/$(BPF_TRIPLET) -I$(patsubst %/,%,$(dir $(VMLINUX_H)))
vpath %.bpf.c selftests/patches/filters selftests/patches/filters/$(ARCH)
# A filter that reads kernel structures includes vmlinux.h (CO-RE).
$(O)/filters/%.bpf.o: %.bpf.c $(VMLINUX_H)
	@mkdir -p $(O)/filters
	$(FILTER_CLANG) -c $< -o $@
# test_allow.bpf.c once per function the engine must refuse (NAME:FUNCTION).
# bench_getpid: make bench's filter on what getpid() calls (allows all);
# x86_64's system call wrappers have no BTF.
TEST_FILTER_TARGETS := test_void:kfree test_ptr:__kmalloc test_nosym:kcare_no_such_function \
	bench_getpid:__task_pid_nr_ns
define test_filter_rule
$(O)/filters/$(1).bpf.o: selftests/patches/filters/test_allow.bpf.c
	@mkdir -p $(O)/filters
	$$(FILTER_CLANG) -DKC_TARGET='"$(2)"' -c $$< -o $$@
endef
$(foreach t,$(TEST_FILTER_TARGETS),$(eval $(call test_filter_rule,$(word 1,$(subst :, ,$(t))),$(word 2,$(subst :, ,$(t))))))
FILTER_OBJS := $(patsubst %.bpf.c,$(O)/filters/%.bpf.o,$(notdir $(FILTER_SRCS))) \
	$(foreach t,$(TEST_FILTER_TARGETS),$(O)/filters/$(word 1,$(subst :, ,$(t))).bpf.o)
