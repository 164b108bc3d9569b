#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-filter's command line on the host, where kcare.ko is never loaded
# (Documentation/filters.md, "The command"): usage errors exit 2, objects
# that hold no filter program and a missing engine exit 1, each with its
# message. What the engine checks is selftests/test-filters.sh's, in a
# guest.

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/tests/lib.sh"

arch=$(uname -m | sed 's/aarch64/arm64/')
b=build/$arch
kcf=$top/$b/kcare-filter
if ! make -s -C "$top" ARCH="$arch" "$b/kcare-filter" "$b/filters/test_void.bpf.o" \
	"$b/prescreen.bpf.o" >"$out" 2>&1; then
	sed 's/^/#   /' "$out"
	result "kcare-filter and the test objects build" 1
	done_testing
	exit 1
fi
obj=$top/$b/filters/test_void.bpf.o

expect "no arguments: usage, exit 2" 2 "^Usage: kcare-filter load" "$kcf"
expect "--help: usage, exit 0" 0 "kcare-filter remove NAME" "$kcf" --help
expect "unknown verb: exit 2" 2 "^Usage:" "$kcf" frob
expect "load without --name: exit 2" 2 "^Usage:" "$kcf" load --errno EINVAL "$obj"
expect "load without an object: exit 2" 2 "^Usage:" "$kcf" load --name x --errno EINVAL
expect "a name with a blank: exit 2" 2 "are single words" \
	"$kcf" load --name "a b" --errno EINVAL "$obj"
expect "a missing object: exit 1" 1 "nothere.o: not a BPF object" \
	"$kcf" load --name x --errno EINVAL /nonexistent/nothere.o
expect "an object whose program is no kprobe: exit 1" 1 \
	"its program is in section \"iter/task\"; a filter's is \"kprobe/FUNCTION\"" \
	"$kcf" load --name x --errno EINVAL "$top/$b/prescreen.bpf.o"
expect "list without kcare.ko: exit 1" 1 "is kcare.ko loaded" "$kcf" list
expect "remove without kcare.ko: exit 1" 1 "is kcare.ko loaded" "$kcf" remove x

done_testing
