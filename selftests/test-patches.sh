#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The real example patches applied to real functions of the running Debian
# kernel, and reverted: selftests/patches/demo/ (x86_64, K20261125_01) and
# demo-arm64/ (arm64, K20261126_01). Two patches are each architecture's
# own (a /proc show function, a hardening switched by a sysctl); two are
# shared (a function of a module of the image, a shadow variable).

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

# Each architecture's /proc show patch: the file, its old and new text.
if [ "$KC_ARCH" = x86_64 ]; then
	PROC_FILE=/proc/cmdline PROC_PATCH=proc_cmdline PROC_FUNC=cmdline_proc_show
	DEMO_ID=K20261125_01
	proc_new() { echo "$1 kcare_demo=patched"; }
else
	PROC_FILE=/proc/execdomains PROC_PATCH=proc_execdomains
	PROC_FUNC=execdomains_proc_show DEMO_ID=K20261126_01
	proc_new() { printf '%s\nkcare_demo=patched' "$1"; }
fi

proc_show_function() {
	local old
	reset
	old=$(cat $PROC_FILE)
	apply_demo
	kc_assert_eq "$(cat $PROC_FILE)" "$(proc_new "$old")" $PROC_FILE
	kc_check_sysfs "$KC_SYSFS/patches/$PROC_PATCH/functions/vmlinux:$PROC_FUNC" 444 patched
	kc_assert_eq "$(cat $KC_SYSFS/patchset)" $DEMO_ID patchset
	kc_assert_eq "$(cat $KC_SYSFS/effective_version)" 6.1.0-56.1kc effective_version
	revert_demo
	kc_assert_eq "$(cat $PROC_FILE)" "$old" "$PROC_FILE after revert"
}

proc_show_consistent_under_reads() {
	local old h
	reset
	old=$(cat $PROC_FILE)
	"$BIN/hammer" $PROC_FILE 3600 "$old" "$(proc_new "$old")" >/tmp/hc 2>&1 &
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

personality_toggle() {
	reset
	"$BIN/persona"
	apply_demo
	kc_assert_eq "$("$BIN/persona")" "persona: refused (errno 1: Operation not permitted)" \
		"persona, patched"
	# other personalities, and the 32-bit check the copy rewrote, unchanged
	kc_assert_eq "$(linux32 uname -m)" armv8l "linux32, patched"
	kc_check_sysfs /proc/sys/kernel/kcare_personality 644 0
	sysctl -w kernel.kcare_personality=1
	"$BIN/persona"
	kc_assert_eq "$(cat $KC_SYSFS/patches/personality/enabled)" 0 "personality enabled"
	sysctl -w kernel.kcare_personality=0
	kc_expect_fail "$BIN/persona"
	revert_demo
	"$BIN/persona"
	[ ! -e /proc/sys/kernel/kcare_personality ] || kc_fail "sysctl left behind"
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

# arm64's patch: the file of a registered format also shows its name.
FMT_OLD="enabled
interpreter /bin/true
flags: 
extension .kctest"
FMT_NEW="$FMT_OLD
name kctest"
BM_FUNC="$KC_SYSFS/patches/binfmt_misc_entry/functions/binfmt_misc:bm_entry_read"

bm_up() {
	insmod $KC_DIR/image-modules/binfmt_misc.ko
	mount -t binfmt_misc none $BM
	echo ':kctest:E::kctest::/bin/true:' >$BM/register
}
bm_down() {
	echo -1 >$BM/kctest
	umount $BM
	rmmod binfmt_misc
}

module_entry_before_and_after_load() {
	reset
	# applied first: the module's function waits, then is patched on load
	apply_demo
	kc_assert_eq "$(cat "$BM_FUNC")" pending "before load"
	bm_up
	kc_assert_eq "$(cat $BM/kctest)" "$FMT_NEW" "format file, patched on load"
	kc_assert_eq "$(cat "$BM_FUNC")" patched "after load"
	bm_down
	kc_assert_eq "$(cat "$BM_FUNC")" pending "after unload"
	revert_demo
	# loaded first: patched when the patchset applies
	bm_up
	kc_assert_eq "$(cat $BM/kctest)" "$FMT_OLD" "format file unpatched"
	apply_demo
	kc_assert_eq "$(cat $BM/kctest)" "$FMT_NEW" "format file, patched while loaded"
	revert_demo
	kc_assert_eq "$(cat $BM/kctest)" "$FMT_OLD" "format file after revert"
	bm_down
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

# Writing 4 sets the kernel's static stfu, which silences drop_caches: the
# patched copy stays silent only if it reads that very variable.
kernel_variable_shared() {
	local n
	reset
	echo 4 >/proc/sys/vm/drop_caches
	apply_demo
	n=$(drop_caches_logs)
	sh -c 'echo 3 >/proc/sys/vm/drop_caches'
	kc_assert_eq "$(drop_caches_logs)" "$n" "log lines with the kernel's stfu set"
	revert_demo
}

kc_scenario "proc show function patched and reverted" proc_show_function
kc_scenario "proc show function consistent under reads" proc_show_consistent_under_reads
if [ "$KC_ARCH" = x86_64 ]; then
	kc_scenario "modify_ldt hardening toggled by kernel.kcare_modify_ldt" modify_ldt_toggle
	kc_scenario "module function patched before and after the module loads" module_function_before_and_after_load
else
	kc_scenario "personality hardening toggled by kernel.kcare_personality" personality_toggle
	kc_scenario "module function patched before and after the module loads" module_entry_before_and_after_load
fi
kc_scenario "shadow variable and static call" shadow_variable_and_static_call
# Last: writing 4 silences drop_caches for the rest of the boot.
kc_scenario "the patch uses the kernel's own variable (arm64: by link-time address)" \
	kernel_variable_shared
reset
kc_done
