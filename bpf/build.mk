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
