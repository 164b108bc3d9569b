#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Wrapper patches (Documentation/writing-patches.md, "Wrappers"): a
# replacement that calls the function it replaces gets the original,
# entered past its redirection, instead of itself.
#
# kcpatch_wrap (selftests/patches/test/wrap.c) wraps kcare_test_fn_a (the
# original's 1, plus 100) and, on x86_64, write_ldt() with the demo's
# modify_ldt check (16-bit LDT segments refused with EINVAL, everything
# else handed to the original).

. "$(dirname "$0")/lib.sh"

T=/proc/kcare_test_target
M=$KC_MODULES
P=$KC_DIR/patches
BIN=$KC_DIR/bin

reset() {
	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	! grep -q '^kcpatch_wrap ' /proc/modules || rmmod kcpatch_wrap
	! grep -q '^kcare_test_target ' /proc/modules || rmmod kcare_test_target
	kc_load_engine
	[ ! -e /sys/module/kcare/parameters/redirect ] ||
		echo handler >/sys/module/kcare/parameters/redirect
	insmod $M/kcare_test_target.ko
}
revert() {
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_wrap
}
fn_a() { sed -n 's/^a=\([0-9]*\) .*/\1/p' $T; }

wrapper_calls_original() {
	reset
	kc_assert_eq "$(fn_a)" 1 "a before"
	"$BIN/finit" $P/kcpatch_wrap.ko
	kc_assert_eq "$(fn_a)" 101 "a, wrapped"
	kc_check_sysfs "$KC_SYSFS/patches/wrap_a/functions/kcare_test_target:kcare_test_fn_a" 444 patched
	# many calls, each through the wrapper once and the original once
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(fn_a)" = 101 ] || kc_fail "call $i: a=$(fn_a)"
	done
	revert
	kc_assert_eq "$(fn_a)" 1 "a after the revert"
}

# x86_64's redirect=direct would jump to the wrapper from the original's
# entry for every call, its own included: a wrapped function gets the
# handler instead.
wrapper_never_direct() {
	reset
	echo direct >/sys/module/kcare/parameters/redirect
	"$BIN/finit" $P/kcpatch_wrap.ko
	kc_assert_eq "$(fn_a)" 101 "a, wrapped under redirect=direct"
	revert
	kc_assert_eq "$(fn_a)" 1 "a after the revert"
}

wrapper_of_write_ldt() {
	reset
	"$BIN/ldt16" >/dev/null
	"$BIN/finit" $P/kcpatch_wrap.ko
	kc_expect_fail "$BIN/ldt16" >/tmp/ldt.out
	grep -q "refused (errno 22:" /tmp/ldt.out || kc_fail "ldt16: $(cat /tmp/ldt.out)"
	# the original runs for everything else
	"$BIN/ldt16" 32 >/dev/null
	sysctl -w kernel.kcare_wrap_ldt=1 >/dev/null
	"$BIN/ldt16" >/dev/null
	sysctl -w kernel.kcare_wrap_ldt=0 >/dev/null
	kc_expect_fail "$BIN/ldt16" >/dev/null
	revert
	"$BIN/ldt16" >/dev/null
}

kc_scenario "a wrapper calls the original it replaces" wrapper_calls_original
if [ "$KC_ARCH" = x86_64 ]; then
	kc_scenario "a wrapped function is never a direct call" wrapper_never_direct
	kc_scenario "write_ldt wrapped with the modify_ldt check" wrapper_of_write_ldt
fi
kc_done
