#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Patches built from source diffs (Documentation/from-diff.md) in the
# x86_64 guest, run by scripts/check-from-diff (make from-diff) with the
# payloads it built in /selftests/from-diff-payloads:
# - proc_cmdline_mark: /proc/cmdline shows the old text before, the fixed
#   text after, the old again once reverted; its reference to the kernel's
#   non-exported saved_command_line is bound by the engine (kcare_relocate),
#   and the hooks of proc_cmdline_mark.hooks.c run after apply and revert;
# - proc_consoles_next: c_next, a name two files of vmlinux use; the
#   builder found this file's position by its neighbours, so the function
#   of /proc/consoles is replaced and /proc/cpuinfo's is left alone (had
#   the wrong one been replaced, reading /proc/cpuinfo would oops);
# - nfsd_sequence, Debian's CVE-2026-99362 fix (6.1.192-3 over 6.1.192-2):
#   refused cleanly while nfsd is not loaded (the engine cannot bind the
#   new code's references to nfsd's own functions), then
#   applied to the loaded module and reverted, without a warning.

. "$(dirname "$0")/lib.sh"

PL=$KC_DIR/from-diff-payloads
CMDLINE=kcpatch_proc_cmdline_mark_l1
NFSD=kcpatch_nfsd_sequence_l1
CONSOLES=kcpatch_proc_consoles_next_l1

reset() {
	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	for m in $CMDLINE $NFSD $CONSOLES; do
		! grep -q "^$m " /proc/modules || rmmod $m
	done
	kc_load_engine
}

cmdline_fixed() {
	local old
	reset
	old=$(cat /proc/cmdline)
	case $old in *kcare_from_diff=1*) kc_fail "the old kernel already shows the fix"; return 1 ;; esac
	kc_mark
	insmod $PL/$CMDLINE.ko
	kc_assert_eq "$(cat /proc/cmdline)" "$old kcare_from_diff=1" "/proc/cmdline patched"
	kc_check_sysfs "$KC_SYSFS/patches/proc_cmdline_mark/functions/vmlinux:cmdline_proc_show" 444 patched
	echo 1 >$KC_SYSFS/unload
	rmmod $CMDLINE
	kc_assert_eq "$(cat /proc/cmdline)" "$old" "/proc/cmdline after revert"
	# The hooks of proc_cmdline_mark.hooks.c ran, in order.
	kc_assert_eq "$(kc_log_since_mark | sed -n 's/^kcare_from_diff: //p' | tr '\n' ' ')" \
		"proc_cmdline_mark applied proc_cmdline_mark reverted " "the diff's hooks"
}

consoles_by_position() {
	local cons cpus
	reset
	cons=$(cat /proc/consoles)
	cpus=$(cat /proc/cpuinfo)
	insmod $PL/$CONSOLES.ko
	kc_check_sysfs "$KC_SYSFS/patches/proc_consoles_next/functions/vmlinux:c_next,2" 444 patched
	kc_assert_eq "$(cat /proc/consoles)" "$cons" "/proc/consoles, through the new c_next"
	kc_assert_eq "$(cat /proc/cpuinfo)" "$cpus" "/proc/cpuinfo, through its own c_next"
	echo 1 >$KC_SYSFS/unload
	rmmod $CONSOLES
}

nfsd_needs_its_module() {
	reset
	! grep -q '^nfsd ' /proc/modules || rmmod nfsd
	# What nfsd needs, so that only nfsd's own symbols are missing.
	modprobe -a sunrpc grace lockd nfs_acl auth_rpcgss
	kc_mark
	kc_expect_fail insmod $PL/$NFSD.ko
	kc_log_since_mark | grep -q 'kcare: patch nfsd_sequence: relocation 0: its symbol is not resolved' ||
		{ kc_fail "no refusal by the engine in the log"; return 1; }
	case $(cat $KC_SYSFS/last_error) in
	*"nfsd_sequence refused to apply (-2)"*) ;;
	*) kc_fail "last_error: $(cat $KC_SYSFS/last_error)"; return 1 ;;
	esac
	! grep -q "^$NFSD " /proc/modules || { kc_fail "the payload stayed loaded"; return 1; }
}

nfsd_fix_applied() {
	reset
	modprobe nfsd
	kc_mark
	insmod $PL/$NFSD.ko
	kc_check_sysfs "$KC_SYSFS/patches/nfsd_sequence/functions/nfsd:nfsd4_sequence" 444 patched
	grep -q ' nfsd4_sequence	\[kcpatch_nfsd_sequence_l1\]' /proc/kallsyms
	! kc_log_since_mark | grep -E 'WARNING|BUG|Oops|kcare:.*(fail|cannot)'
	echo 1 >$KC_SYSFS/unload
	rmmod $NFSD
	rmmod nfsd
}

kc_scenario "a diff's fix: old /proc/cmdline before, fixed after, old after revert" cmdline_fixed
kc_scenario "a function whose name other files share, found by its position" consoles_by_position
kc_scenario "a module's fix is refused while the module is not loaded" nfsd_needs_its_module
kc_scenario "Debian's nfsd SEQUENCE fix applied to the loaded nfsd and reverted" nfsd_fix_applied
reset
kc_done
