#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The real example patches (selftests/patches/demo/, patchset K20261125_01)
# applied to real functions of the running Debian kernel, and reverted.

. "$(dirname "$0")/lib.sh"

P=$KC_DIR/patches
BIN=$KC_DIR/bin
DEMO=$P/kcpatch_demo.ko
BM=/proc/sys/fs/binfmt_misc

apply_demo() { "$BIN/finit" $DEMO; }
revert_demo() {
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_demo
}
reset() {
	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	! grep -q '^kcpatch_demo ' /proc/modules || rmmod kcpatch_demo
	! grep -q '^binfmt_misc ' /proc/modules || { umount $BM 2>/dev/null; rmmod binfmt_misc; }
	kc_load_engine
}

proc_show_function() {
	local old
	reset
	old=$(cat /proc/cmdline)
	apply_demo
	kc_assert_eq "$(cat /proc/cmdline)" "$old kcare_demo=patched" /proc/cmdline
	kc_check_sysfs "$KC_SYSFS/patches/proc_cmdline/functions/vmlinux:cmdline_proc_show" 444 patched
	kc_assert_eq "$(cat $KC_SYSFS/patchset)" K20261125_01 patchset
	kc_assert_eq "$(cat $KC_SYSFS/effective_version)" 6.1.0-56.1kc effective_version
	revert_demo
	kc_assert_eq "$(cat /proc/cmdline)" "$old" "/proc/cmdline after revert"
}

proc_show_consistent_under_reads() {
	local old h
	reset
	old=$(cat /proc/cmdline)
	"$BIN/hammer" /proc/cmdline 3600 "$old" "$old kcare_demo=patched" >/tmp/hc 2>&1 &
	h=$!
	apply_demo
	revert_demo
	apply_demo
	revert_demo
	kill -0 $h || kc_fail "hammer stopped: $(cat /tmp/hc)"
	kill $h
}

modify_ldt_toggle() {
	reset
	"$BIN/ldt16"
	apply_demo
	kc_expect_fail "$BIN/ldt16"
	grep -q refused $KC_ERR_FILE || "$BIN/ldt16" | grep -q refused
	"$BIN/ldt16" 32
	kc_check_sysfs /proc/sys/kernel/kcare_modify_ldt 644 0
	sysctl -w kernel.kcare_modify_ldt=1
	"$BIN/ldt16"
	kc_assert_eq "$(cat $KC_SYSFS/patches/modify_ldt/enabled)" 0 "modify_ldt enabled"
	sysctl -w kernel.kcare_modify_ldt=0
	kc_expect_fail "$BIN/ldt16"
	revert_demo
	"$BIN/ldt16"
	[ ! -e /proc/sys/kernel/kcare_modify_ldt ] || kc_fail "sysctl left behind"
}

status_lines() { cat $BM/status | tr '\n' ' '; }

module_function_before_and_after_load() {
	reset
	# applied first: the module's function waits, then is patched on load
	apply_demo
	kc_assert_eq "$(cat "$KC_SYSFS/patches/binfmt_misc_status/functions/binfmt_misc:bm_status_read")" \
		pending "before load"
	insmod $KC_DIR/image-modules/binfmt_misc.ko
	mount -t binfmt_misc none $BM
	kc_assert_eq "$(status_lines)" "enabled entries 0 " "status, patched on load"
	kc_assert_eq "$(cat "$KC_SYSFS/patches/binfmt_misc_status/functions/binfmt_misc:bm_status_read")" \
		patched "after load"
	umount $BM
	rmmod binfmt_misc
	kc_assert_eq "$(cat "$KC_SYSFS/patches/binfmt_misc_status/functions/binfmt_misc:bm_status_read")" \
		pending "after unload"
	revert_demo
	# loaded first: patched when the patchset applies
	insmod $KC_DIR/image-modules/binfmt_misc.ko
	mount -t binfmt_misc none $BM
	kc_assert_eq "$(status_lines)" "enabled " "status unpatched"
	apply_demo
	kc_assert_eq "$(status_lines)" "enabled entries 0 " "status, patched while loaded"
	revert_demo
	kc_assert_eq "$(status_lines)" "enabled " "status after revert"
	umount $BM
	rmmod binfmt_misc
}

drop_caches_logs() { dmesg | grep -c 'drop_caches: ' || true; }

shadow_variable_and_static_call() {
	local n
	reset
	apply_demo
	n=$(drop_caches_logs)
	# one task writing twice is logged once: its shadow remembers
	sh -c 'echo 3 >/proc/sys/vm/drop_caches; echo 3 >/proc/sys/vm/drop_caches'
	kc_assert_eq "$(drop_caches_logs)" $((n + 1)) "log lines, one task"
	# two tasks: each logged once
	sh -c 'echo 3 >/proc/sys/vm/drop_caches'
	sh -c 'echo 3 >/proc/sys/vm/drop_caches'
	kc_assert_eq "$(drop_caches_logs)" $((n + 3)) "log lines, two tasks"
	revert_demo
	sh -c 'echo 3 >/proc/sys/vm/drop_caches; echo 3 >/proc/sys/vm/drop_caches'
	kc_assert_eq "$(drop_caches_logs)" $((n + 5)) "log lines after revert"
}

if [ "$KC_ARCH" != x86_64 ]; then
	for s in "proc show function patched and reverted" \
		 "proc show function consistent under reads" \
		 "modify_ldt hardening toggled by kernel.kcare_modify_ldt" \
		 "module function patched before and after the module loads" \
		 "shadow variable and static call"; do
		kc_skip "$s" "x86_64 patches; the arm64 ones come with arm64 support"
	done
	kc_done
fi
kc_scenario "proc show function patched and reverted" proc_show_function
kc_scenario "proc show function consistent under reads" proc_show_consistent_under_reads
kc_scenario "modify_ldt hardening toggled by kernel.kcare_modify_ldt" modify_ldt_toggle
kc_scenario "module function patched before and after the module loads" module_function_before_and_after_load
kc_scenario "shadow variable and static call" shadow_variable_and_static_call
reset
kc_done
