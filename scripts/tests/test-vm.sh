#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The VM harness reports what happened in the guest: the command's exit
# status and output, a kernel warning, a timeout.

. "$(dirname "$0")/lib.sh"
vm="$top/scripts/vm run --no-build"
version=$(cat "$top/VERSION")

expect "the command's output and exit status come back" 7 "^$version\$" \
	$vm -- sh -c 'cat /sys/kernel/kcare/version; exit 7'
expect "a failing command fails the run" 1 "^kcare-vm: exit 1\$" \
	$vm -- false
added=$(mktemp -d)
echo kcare-vm-added >"$added/file"
expect "--add copies files into the guest" 0 "^kcare-vm-added\$" \
	$vm --add "$added/file:/tmp/added" -- cat /tmp/added
rm -rf "$added"
expect "a kernel WARNING fails the run" 125 "^vm: FAILED: .*WARNING" \
	$vm --add "$top/build/x86_64/selftests/kcare_test_warn.ko:/tmp/warn.ko" \
	-- insmod /tmp/warn.ko
expect "a guest that runs too long is stopped" 124 "^vm: FAILED: timed out" \
	$vm --timeout 12 -- sleep 600
done_testing
