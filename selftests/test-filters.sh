#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Filter patches (Documentation/filters.md): a BPF program verified by the
# kernel, handed to kcare.ko by kcare-filter, run at a function's entry,
# making denied calls fail with an allowed error.
#
# For each real filter: the bug path is reached before, denied after, the
# normal use still works, the counters move, the sysctl and the enabled
# file switch it, and removing it brings the old behaviour back. Then the
# refusals: a program the verifier refuses, functions that cannot be
# filtered, an error not allowed, a program with maps, a name taken:
# each with its message, and nothing attached.

. "$(dirname "$0")/lib.sh"

F=$KC_DIR/filters
BIN=$KC_DIR/bin
KCF=/usr/libexec/kcare/kcare-filter
FD=$KC_SYSFS/filters

reset() {
	local d

	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	! grep -q '^kcpatch_demo ' /proc/modules || rmmod kcpatch_demo
	kc_load_engine
	for d in "$FD"/*/; do
		[ -d "$d" ] || continue
		echo "$(basename "$d")" >"$FD/remove"
	done
}

# count NAME FIELD: a counter of filter NAME
count() { cat "$FD/$1/$2"; }

# no_filters: nothing attached (no directory, no toggle, nothing traced)
no_filters() {
	kc_assert_eq "$(ls -d "$FD"/*/ 2>/dev/null)" "" "filter directories"
	kc_assert_eq "$($KCF list)" "" "kcare-filter list"
	kc_assert_eq "$(ls /proc/sys/kernel | grep '^kcare_' || true)" "" "kcare sysctls"
}

sysfs_files() {
	reset
	kc_check_sysfs "$FD/load" 200
	kc_check_sysfs "$FD/remove" 200
	$KCF load --name $NAME --errno $ERR --cve CVE-2015-5157 \
		--description "the demo's hardening" "$F/$FILTER_OBJ" >/tmp/kcf.out
	kc_assert_eq "$(cat /tmp/kcf.out)" "filter $NAME attached to $FUNC" "load output"
	kc_check_sysfs "$FD/$NAME/function" 444 vmlinux:$FUNC
	kc_check_sysfs "$FD/$NAME/errno" 444 $ERR
	kc_check_sysfs "$FD/$NAME/cve" 444 CVE-2015-5157
	kc_check_sysfs "$FD/$NAME/description" 444 "the demo's hardening"
	kc_check_sysfs "$FD/$NAME/enabled" 644 1
	kc_check_sysfs "$FD/$NAME/seen" 444 0
	kc_check_sysfs "$FD/$NAME/denied" 444 0
	kc_check_sysfs /proc/sys/kernel/kcare_$NAME 644 0
	grep -qx '[1-9][0-9]*' "$FD/$NAME/prog_id"
	kc_assert_eq "$($KCF list)" \
		"$NAME function=vmlinux:$FUNC errno=$ERR enabled=1 seen=0 denied=0" list
	kc_expect_fail sh -c "echo 2 >$FD/$NAME/enabled"
	kc_expect_fail sh -c "echo 2 >/proc/sys/kernel/kcare_$NAME"
	kc_assert_eq "$(cat $FD/$NAME/enabled)" 1 "enabled after bad writes"
	$KCF remove $NAME >/dev/null
	no_filters
}

# Each architecture's real filter: the demo patchset's hardening of the
# same path (x86_64: modify_ldt, arm64: personality) as a filter.
# BUG: the call the filter denies (a program printing "...: allowed" or
# "...: refused (errno N: ...)"); NORMAL: calls of the same function that
# must still work.
if [ "$KC_ARCH" = x86_64 ]; then
	NAME=ldt16 FUNC=write_ldt ERR=EINVAL ERRNO=22
	bug() { "$BIN/ldt16"; }
	normal() { "$BIN/ldt16" 32 >/dev/null; }
else
	NAME=persona FUNC=__arm64_sys_arm64_personality ERR=EPERM ERRNO=1
	bug() { "$BIN/persona"; }
	# another personality flag, and queries, with randomisation left on
	normal() { "$BIN/persona" other >/dev/null; }
fi
FILTER_OBJ=$NAME.bpf.o

# bug_allowed, bug_denied: the bug's path is reached, or refused
bug_allowed() {
	bug >/tmp/bug.out || kc_fail "not reached: $(cat /tmp/bug.out)"
	grep -q ": allowed" /tmp/bug.out || kc_fail "bug: $(cat /tmp/bug.out)"
}
bug_denied() {
	! bug >/tmp/bug.out || kc_fail "still reached: $(cat /tmp/bug.out)"
	grep -q ": refused (errno $ERRNO:" /tmp/bug.out || kc_fail "bug: $(cat /tmp/bug.out)"
}

real_filter() {
	local id seen

	reset
	bug_allowed
	normal
	kc_mark
	$KCF load --name $NAME --errno $ERR "$F/$FILTER_OBJ" >/dev/null
	bug_denied
	kc_assert_eq "$(count $NAME denied)" 1 "denied after the bug's call"
	[ "$(count $NAME seen)" -ge 1 ] || kc_fail "seen: $(count $NAME seen)"
	seen=$(count $NAME seen)
	normal
	kc_assert_eq "$(count $NAME denied)" 1 "denied after normal calls"
	[ "$(count $NAME seen)" -gt "$seen" ] || kc_fail "seen did not move: $(count $NAME seen)"
	# the toggle and the enabled file switch it off and on
	sysctl -w kernel.kcare_$NAME=1 >/dev/null
	kc_assert_eq "$(cat $FD/$NAME/enabled)" 0 "enabled after the sysctl"
	bug_allowed
	echo 1 >"$FD/$NAME/enabled"
	kc_assert_eq "$(cat /proc/sys/kernel/kcare_$NAME)" 0 "sysctl after enabled=1"
	bug_denied
	kc_assert_eq "$(count $NAME denied)" 2 "denied at the end"
	id=$(cat $FD/$NAME/prog_id) seen=$(count $NAME seen)
	$KCF remove $NAME >/dev/null
	bug_allowed
	kc_check_log <<-EOF
	kcare: filter $NAME attached to $FUNC (BPF program $id, denies with $ERR)
	kcare: filter $NAME disabled
	kcare: filter $NAME enabled
	kcare: filter $NAME removed from $FUNC ($seen calls seen, 2 denied)
	EOF
	no_filters
}

# Loaded and removed while calls run through it: the normal calls never
# fail, the bug's are either denied or run, nothing is left behind.
real_filter_under_load() {
	local i pids=

	reset
	for i in 1 2; do
		(while :; do bug >/dev/null 2>&1 || true; normal || exit 1; done) &
		pids="$pids $!"
	done
	for i in 1 2 3 4 5; do
		$KCF load --name $NAME --errno $ERR "$F/$FILTER_OBJ" >/dev/null
		sleep 0.2
		$KCF remove $NAME >/dev/null
	done
	for i in $pids; do
		kill -0 $i || kc_fail "a normal call failed while the filter came and went"
		kill $i
	done
	wait 2>/dev/null || true
	no_filters
	bug_allowed
}

# Figures, reported, never asserted (timings under emulation vary): how
# long a load takes until the filter is active, and a call of the
# filtered function (x86_64: a 32-bit modify_ldt write, allowed) without
# and with the filter, in the same boot.
figures() {
	local t0 t1 n=20000

	reset
	kc_note "without a filter: $("$BIN/ldt16" time $n)"
	# /proc/uptime has centiseconds (busybox date has no %N)
	t0=$(cut -d' ' -f1 /proc/uptime)
	$KCF load --name $NAME --errno $ERR "$F/$FILTER_OBJ" >/dev/null
	t1=$(cut -d' ' -f1 /proc/uptime)
	kc_note "kcare-filter load until active: $(echo "$t0 $t1" | awk '{ printf "%d", ($2 - $1) * 1000 }') ms (10 ms resolution)"
	kc_note "with the filter: $("$BIN/ldt16" time $n)"
	[ "$(count $NAME seen)" -ge $n ] || kc_fail "seen: $(count $NAME seen)"
	$KCF remove $NAME >/dev/null
	no_filters
}

# expect_refused MESSAGE-REGEX ARGS...: kcare-filter load ARGS fails with
# MESSAGE on stderr and attaches nothing.
expect_refused() {
	local re=$1

	shift
	kc_expect_fail $KCF load "$@"
	grep -qE "$re" $KC_ERR_FILE || kc_fail "stderr: $(cat $KC_ERR_FILE)"
	no_filters
}

refusals() {
	reset
	# MESSAGE|OBJECT|NAME|ERRNO
	while IFS='|' read -r re obj name err; do
		expect_refused "$re" --name "$name" --errno "$err" "$F/$obj"
	done <<-EOF
	the kernel's verifier refused the program|test_unverifiable.bpf.o|bad|EINVAL
	cannot filter kfree: it returns void|test_void.bpf.o|bad|EINVAL
	cannot filter __kmalloc: it returns a pointer|test_ptr.bpf.o|bad|EINVAL
	cannot filter kcare_no_such_function: no such function in vmlinux|test_nosym.bpf.o|bad|EINVAL
	the program uses 1 BPF maps|test_map.bpf.o|bad|EINVAL
	error ENOENT is not one a filter may return|$FILTER_OBJ|bad|ENOENT
	filter name "Bad-Name"|$FILTER_OBJ|Bad-Name|EINVAL
	filter name "load" is reserved|$FILTER_OBJ|load|EINVAL
	EOF
	# raw writes: garbage, and an fd that is no BPF program
	kc_expect_fail sh -c "echo garbage >$FD/load"
	kc_expect_fail sh -c "echo name=x fd=0 function=$FUNC errno=EINVAL >$FD/load"
	grep -q "fd 0 is not a loaded kprobe BPF program" $KC_SYSFS/last_error ||
		kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	kc_expect_fail $KCF remove nothere
	grep -q "no filter nothere" $KC_ERR_FILE || kc_fail "stderr: $(cat $KC_ERR_FILE)"
	no_filters
	# a name loaded twice
	$KCF load --name one --errno EINVAL "$F/$FILTER_OBJ" >/dev/null
	kc_expect_fail $KCF load --name one --errno EINVAL "$F/$FILTER_OBJ"
	grep -q "filter one is already loaded" $KC_ERR_FILE || kc_fail "stderr: $(cat $KC_ERR_FILE)"
	$KCF remove one >/dev/null
	no_filters
}

# A patch and a filter of the same function exclude each other, each
# refusal naming the other (x86_64: the demo patchset replaces write_ldt).
filter_and_patch_exclusive() {
	reset
	"$BIN/finit" "$KC_DIR/patches/kcpatch_demo.ko"
	kc_expect_fail $KCF load --name $NAME --errno $ERR "$F/$FILTER_OBJ"
	grep -q "cannot filter write_ldt: already redirected by a kcare patch" $KC_ERR_FILE ||
		kc_fail "stderr: $(cat $KC_ERR_FILE)"
	kc_assert_eq "$($KCF list)" "" "kcare-filter list"
	[ ! -e /proc/sys/kernel/kcare_$NAME ] || kc_fail "kernel.kcare_$NAME left"
	"$BIN/ldt16" 32 >/dev/null
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_demo
	$KCF load --name $NAME --errno $ERR "$F/$FILTER_OBJ" >/dev/null
	kc_expect_fail "$BIN/finit" "$KC_DIR/patches/kcpatch_demo.ko"
	grep -q "already redirected by the kcare filter $NAME" $KC_SYSFS/last_error ||
		kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	kc_assert_eq "$(cat $KC_SYSFS/state)" idle "state after the refused patchset"
	bug_denied
	$KCF remove $NAME >/dev/null
	"$BIN/finit" "$KC_DIR/patches/kcpatch_demo.ko"
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_demo
	no_filters
}

# The engine goes with filters attached: they are detached first.
engine_unload_with_filter() {
	reset
	$KCF load --name one --errno EINVAL "$F/$FILTER_OBJ" >/dev/null
	kc_unload_engine
	kc_assert_eq "$(ls /proc/sys/kernel | grep '^kcare_' || true)" "" "kcare sysctls"
	kc_load_engine
	no_filters
}

kc_scenario "sysfs files, sysctl and list of a filter" sysfs_files
kc_scenario "$NAME: the bug's path reached before, denied after, normal calls run, toggles, removal" real_filter
kc_scenario "$NAME: loaded and removed while calls run" real_filter_under_load
if [ "$KC_ARCH" = x86_64 ]; then
	kc_scenario "figures: load time, a filtered call's cost" figures
	kc_scenario "a patch and a filter of one function exclude each other, naming each other" \
		filter_and_patch_exclusive
fi
kc_scenario "refusals: unverifiable, void, pointer, missing, maps, errno, names" refusals
kc_scenario "the engine unloads with a filter attached" engine_unload_with_filter
kc_done
