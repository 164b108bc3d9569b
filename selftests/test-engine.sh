#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The engine: applying, replacing and reverting patchsets, patches to
# modules, toggles, refusals that change nothing, conflicts, sysfs.
# The test payloads (selftests/patches/test/) replace the functions of
# kcare_test_target, whose /proc file shows which versions run.

. "$(dirname "$0")/lib.sh"

P=$KC_DIR/patches
M=$KC_MODULES
T=/proc/kcare_test_target
ORIG="a=1 b=2 c=3"
L1="a=11 b=12 c=3"
L2="a=21 b=2 c=23"

# Back to a loaded engine with nothing applied and nothing else loaded.
reset() {
	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	if [ -e /sys/kernel/livepatch/kcare_test_klp ]; then
		echo 0 >/sys/kernel/livepatch/kcare_test_klp/enabled
		kc_wait_until 60 sh -c '[ ! -e /sys/kernel/livepatch/kcare_test_klp ]'
	fi
	for m in $(grep -oE '^(kcpatch_[a-z0-9_]+|kcare_test_klp|kcare_test_ipmodify|kcare_test_target)' /proc/modules); do
		rmmod $m
	done
	kc_load_engine
}

target_load() { insmod $M/kcare_test_target.ko; }
values() { cat $T; }
apply() { "$KC_DIR/bin/finit" $P/kcpatch_$1.ko $2; }

expect_values() { kc_assert_eq "$(values)" "$1" "$T"; }
expect_state() {
	kc_assert_eq "$(cat $KC_SYSFS/state)" "$1" "state"
	kc_assert_eq "$(cat $KC_SYSFS/patchset)" "$2" "patchset"
	kc_assert_eq "$(cat $KC_SYSFS/level)" "$3" "level"
}
func_state() {
	cat "$KC_SYSFS/patches/$1/functions/kcare_test_target:$2"
}

idle_sysfs_files_and_modes() {
	reset
	kc_check_sysfs $KC_SYSFS/state 444 idle
	kc_check_sysfs $KC_SYSFS/patchset 444 ""
	kc_check_sysfs $KC_SYSFS/level 444 0
	kc_check_sysfs $KC_SYSFS/patch_type 444 ""
	kc_check_sysfs $KC_SYSFS/effective_version 444 "$(uname -r)"
	kc_check_sysfs $KC_SYSFS/last_error 444
	kc_check_sysfs $KC_SYSFS/unload 200
	[ -d $KC_SYSFS/patches ]
	kc_assert_eq "$(ls $KC_SYSFS/patches)" "" "patches/ when idle"
}

apply_and_revert() {
	reset
	target_load
	kc_mark
	apply t1
	expect_values "$L1"
	expect_state applied K_TEST_01 1
	kc_check_sysfs $KC_SYSFS/patch_type 444 default
	kc_check_sysfs $KC_SYSFS/effective_version 444 6.1.0-kcare-test.1
	kc_check_sysfs $KC_SYSFS/patches/tp_a/enabled 644 1
	kc_check_sysfs $KC_SYSFS/patches/tp_a/description 444 "test patch a"
	kc_check_sysfs $KC_SYSFS/patches/tp_b/cve 444 "CVE-2000-0002 CVE-2000-0003"
	kc_check_sysfs $KC_SYSFS/patches/tp_b/cvss 444 7.5
	kc_check_sysfs $KC_SYSFS/patches/tp_b/cve_url 444 https://example.org/CVE-2000-0002
	kc_check_sysfs $KC_SYSFS/patches/tp_b/patch_url 444 https://example.org/fix-b
	kc_check_sysfs $KC_SYSFS/patches/tp_b/sysctl 444 test_b
	kc_check_sysfs "$KC_SYSFS/patches/tp_a/functions/kcare_test_target:kcare_test_fn_a" 444 patched
	# the active payload cannot go away
	kc_expect_fail rmmod kcpatch_t1
	echo 1 >$KC_SYSFS/unload
	expect_values "$ORIG"
	expect_state idle "" 0
	[ ! -e $KC_SYSFS/patches/tp_a ] || kc_fail "patches/tp_a still exists"
	rmmod kcpatch_t1
	kc_check_log <<-EOT
	kcare: applying patchset K_TEST_01 level 1
	kcare_test: pre_apply tp_a
	kcare_test: post_apply tp_a
	kcare: applied patchset K_TEST_01 level 1: 2 functions patched, 0 disabled, 0 pending
	kcare: reverting patchset K_TEST_01 level 1
	kcare_test: pre_revert tp_a
	kcare_test: post_revert tp_a
	kcare: reverted patchset K_TEST_01: the kernel runs its original code
	EOT
}

cumulative_replace() {
	reset
	target_load
	apply t1
	kc_mark
	apply t2
	# a kept (new version), b dropped (original again), c added
	expect_values "$L2"
	expect_state applied K_TEST_02 2
	kc_assert_eq "$(ls $KC_SYSFS/patches | tr '\n' ' ')" "tp_a tp_c " "patches/"
	[ ! -e /proc/sys/kernel/kcare_test_b ] || kc_fail "kernel.kcare_test_b still exists"
	# the replaced payload is free to go, the active one is not
	rmmod kcpatch_t1
	kc_expect_fail rmmod kcpatch_t2
	kc_check_log <<-EOT
	kcare: applying patchset K_TEST_02 level 2 (replacing the active one)
	kcare: applied patchset K_TEST_02 level 2: 2 functions patched, 0 disabled, 0 pending
	EOT
}

lower_level_refused() {
	reset
	target_load
	apply t2
	kc_expect_fail apply t1
	expect_values "$L2"
	expect_state applied K_TEST_02 2
	grep -q "level 1, lower than the active level 2" $KC_SYSFS/last_error
	apply t1 force=1
	expect_values "$L1"
	expect_state applied K_TEST_01 1
}

wrong_build_id_refused() {
	reset
	target_load
	apply t1
	kc_expect_fail apply badid
	expect_values "$L1"
	expect_state applied K_TEST_01 1
	local running
	running=$(od -An -tx1 -v /sys/kernel/notes | tr -d ' \n' |
		grep -o '040000001400000003000000474e5500[0-9a-f]\{40\}' | cut -c33-)
	kc_assert_eq "$(cat $KC_SYSFS/last_error)" \
		"patchset K_TEST_BAD is for the kernel with build-id 0123456789abcdef0123456789abcdef01234567, the running kernel's is $running" \
		"last_error"
}

unresolved_symbol_refused() {
	reset
	target_load
	kc_mark
	kc_expect_fail apply nosym
	expect_values "$ORIG"
	expect_state idle "" 0
	grep -q "cannot resolve symbol vmlinux:kcare_no_such_symbol: no such symbol" \
		$KC_SYSFS/last_error
	kc_check_log '^kcare:' <<-EOT
	kcare: applying patchset K_TEST_BAD level 3
	kcare: patchset K_TEST_BAD: cannot resolve symbol vmlinux:kcare_no_such_symbol: no such symbol (-2)
	kcare: patchset K_TEST_BAD not applied; the kernel is unchanged
	EOT
}

link_addresses_refused() {
	reset
	target_load
	kc_expect_fail apply badlink
	expect_values "$ORIG"
	expect_state idle "" 0
	grep -q "patchset K_TEST_BAD: drop_slab@ffff800008100000 is at 0x[0-9a-f]*.*built for another kernel's symbol table" \
		$KC_SYSFS/last_error || kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
}

pre_apply_refusal_changes_nothing() {
	reset
	target_load
	apply t1
	kc_expect_fail apply refuse
	expect_values "$L1"
	expect_state applied K_TEST_01 1
	kc_assert_eq "$(ls $KC_SYSFS/patches | tr '\n' ' ')" "tp_a tp_b " "patches/"
	grep -q "patch tp_bad refused to apply (-1)" $KC_SYSFS/last_error
}

module_target_patched_on_load() {
	reset
	apply t1
	kc_assert_eq "$(func_state tp_a kcare_test_fn_a)" pending "before load"
	kc_mark
	target_load
	expect_values "$L1"
	kc_assert_eq "$(func_state tp_a kcare_test_fn_a)" patched "after load"
	rmmod kcare_test_target
	kc_assert_eq "$(func_state tp_a kcare_test_fn_a)" pending "after unload"
	target_load
	expect_values "$L1"
	kc_check_log '^kcare:' <<-EOT
	kcare: patched module kcare_test_target
	kcare: unpatched module kcare_test_target
	kcare: patched module kcare_test_target
	EOT
}

sysctl_toggle_off_and_on() {
	reset
	target_load
	apply t1
	kc_check_sysfs /proc/sys/kernel/kcare_test_b 644 0
	sysctl -w kernel.kcare_test_b=1
	expect_values "a=11 b=2 c=3"
	kc_assert_eq "$(cat $KC_SYSFS/patches/tp_b/enabled)" 0 "tp_b enabled"
	kc_assert_eq "$(func_state tp_b kcare_test_fn_b)" disabled "tp_b function"
	sysctl -w kernel.kcare_test_b=0
	expect_values "$L1"
	# the same through sysfs, and the sysctl follows
	echo 0 >$KC_SYSFS/patches/tp_b/enabled
	expect_values "a=11 b=2 c=3"
	kc_assert_eq "$(sysctl -n kernel.kcare_test_b)" 1 "sysctl after sysfs write"
	echo 1 >$KC_SYSFS/patches/tp_b/enabled
	expect_values "$L1"
}

garbage_refused() {
	reset
	target_load
	apply t1
	for v in 2 x "\n" 1junk -1 " 1"; do
		kc_expect_fail sh -c "printf '$v' >$KC_SYSFS/unload"
		kc_expect_fail sh -c "printf '$v' >$KC_SYSFS/patches/tp_a/enabled"
	done
	for v in 2 abc -1 "1 1x"; do
		kc_expect_fail sh -c "echo '$v' >/proc/sys/kernel/kcare_test_b"
	done
	expect_values "$L1"
	expect_state applied K_TEST_01 1
	kc_assert_eq "$(sysctl -n kernel.kcare_test_b)" 0 "sysctl after garbage"
}

engine_pinned_while_active() {
	reset
	target_load
	apply t1
	kc_expect_fail rmmod kcare
	echo 1 >$KC_SYSFS/unload
	echo 1 >$KC_SYSFS/unload	# nothing applied: a no-op
	rmmod kcpatch_t1
	rmmod kcare
	modprobe kcare
}

# No call site of kcare_test_fn_b is redirected by anyone.
expect_fn_b_untouched() {
	! grep -q '^kcare_test_fn_b' /sys/kernel/tracing/enabled_functions ||
		kc_fail "kcare_test_fn_b still hooked: $(grep kcare_test_fn_b /sys/kernel/tracing/enabled_functions)"
}

# One apply, refused: the batch's other function (b) is left untouched.
refused_by_livepatch() {
	kc_expect_fail apply t1
	expect_values "a=100 b=2 c=3"
	expect_state idle "" 0
	expect_fn_b_untouched
	grep -q "kcare_test_target:kcare_test_fn_a.*kcare_test_klp" $KC_SYSFS/last_error ||
		kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
}

livepatch_conflict_reported() {
	reset
	target_load
	insmod $M/kcare_test_klp.ko
	kc_wait_until 30 sh -c '[ "$(cat /sys/kernel/livepatch/kcare_test_klp/transition)" = 0 ]'
	expect_values "a=100 b=2 c=3"
	refused_by_livepatch
	# Direct calls: b gets its own before a is refused, and loses it.
	if [ -e /sys/module/kcare/parameters/redirect ]; then
		echo direct >/sys/module/kcare/parameters/redirect
		refused_by_livepatch
		echo handler >/sys/module/kcare/parameters/redirect
	fi
	echo 0 >/sys/kernel/livepatch/kcare_test_klp/enabled
	kc_wait_until 30 sh -c '[ ! -e /sys/kernel/livepatch/kcare_test_klp ]'
	rmmod kcare_test_klp
	apply t1
	expect_values "$L1"
}

# ipmodify_hold FUNCTION: another IPMODIFY ftrace user owns FUNCTION.
ipmodify_hold() {
	insmod $M/kcare_test_ipmodify.ko \
		addr=0x$(awk -v f=$1 '$3 == f { print $1; exit }' /proc/kallsyms)
}

# Function FUNCTION's line in enabled_functions: how many ftrace users
# hold it, and whether one redirects it ("R", "D", "I" flags).
ftrace_line() { grep "^$1 " /sys/kernel/tracing/enabled_functions; }

# Refused while FUNCTION is held: state, values and every call site as
# they were before, on both redirection modes where x86_64 has two.
refused_halfway() {
	kc_expect_fail apply $1
	expect_values "$2"
	expect_state "$3" "$4" "$5"
	grep -q "cannot patch kcare_test_target:$6: already redirected by another ftrace user" \
		$KC_SYSFS/last_error || kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	kc_assert_eq "$(ftrace_line kcare_test_fn_a)" "$7" "kcare_test_fn_a in ftrace"
	kc_assert_eq "$(ftrace_line $6)" "$8" "$6 in ftrace"
}

# One function of a batch is refused by ftrace: the whole apply is
# refused and no other function of it was hooked, let alone redirected.
# The same for a cumulative replace: the old patchset stays as it was.
batch_refused_halfway() {
	local held_a held_b held_c
	reset
	target_load
	ipmodify_hold kcare_test_fn_b
	held_b=$(ftrace_line kcare_test_fn_b)
	[ -n "$held_b" ] || kc_fail "kcare_test_ipmodify holds nothing"
	refused_halfway t1 "$ORIG" idle "" 0 kcare_test_fn_b "" "$held_b"
	if [ -e /sys/module/kcare/parameters/redirect ]; then
		echo direct >/sys/module/kcare/parameters/redirect
		refused_halfway t1 "$ORIG" idle "" 0 kcare_test_fn_b "" "$held_b"
		echo handler >/sys/module/kcare/parameters/redirect
	fi
	rmmod kcare_test_ipmodify
	# t1 live on a and b, then t2 (a kept, b dropped, c added) with c held
	apply t1
	expect_values "$L1"
	held_a=$(ftrace_line kcare_test_fn_a)
	ipmodify_hold kcare_test_fn_c
	held_c=$(ftrace_line kcare_test_fn_c)
	refused_halfway t2 "$L1" applied K_TEST_01 1 kcare_test_fn_c "$held_a" "$held_c"
	kc_assert_eq "$(ls $KC_SYSFS/patches | tr '\n' ' ')" "tp_a tp_b " "patches/"
	kc_assert_eq "$(func_state tp_b kcare_test_fn_b)" patched "tp_b function"
	rmmod kcare_test_ipmodify
	apply t2
	expect_values "$L2"
}

module_refused_when_its_patch_cannot_apply() {
	reset
	# upstream livepatch takes kcare_test_fn_a as soon as the module comes
	insmod $M/kcare_test_klp.ko
	apply t1
	kc_expect_fail target_load
	! grep -q '^kcare_test_target ' /proc/modules || kc_fail "the module loaded"
	grep -q "refusing to load module kcare_test_target: cannot patch kcare_test_target:kcare_test_fn_a: already redirected by livepatch module kcare_test_klp" \
		$KC_SYSFS/last_error || kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	kc_assert_eq "$(func_state tp_a kcare_test_fn_a)" pending "tp_a function"
	kc_assert_eq "$(func_state tp_b kcare_test_fn_b)" pending "tp_b function"
	expect_state applied K_TEST_01 1
	reset
}

stress_apply_revert() {
	reset
	target_load
	local i before after h1 h2 slab0 slab1
	before=$(cat /sys/module/kcare/refcnt)
	slab0=$(sed -n 's/^SUnreclaim: *\([0-9]*\).*/\1/p' /proc/meminfo)
	# Reads call a, b and c one after the other: a switch may land
	# between two calls, so every mix of old and new is a valid read.
	"$KC_DIR/bin/hammer" $T 3600 "a=1 b=2 c=3" "a=11 b=2 c=3" \
		"a=1 b=12 c=3" "a=11 b=12 c=3" >/tmp/h1 2>&1 &
	h1=$!
	"$KC_DIR/bin/hammer" $T 3600 "a=1 b=2 c=3" "a=11 b=2 c=3" \
		"a=1 b=12 c=3" "a=11 b=12 c=3" >/tmp/h2 2>&1 &
	h2=$!
	i=0
	while [ $i -lt ${KC_STRESS_CYCLES:-50} ]; do
		apply t1
		echo 1 >$KC_SYSFS/unload
		rmmod kcpatch_t1
		i=$((i + 1))
	done
	kill -0 $h1 && kill -0 $h2 ||
		kc_fail "a hammer stopped: $(cat /tmp/h1 /tmp/h2)"
	kill $h1 $h2
	wait $h1 $h2 2>/dev/null || true
	expect_values "$ORIG"
	after=$(cat /sys/module/kcare/refcnt)
	kc_assert_eq "$after" "$before" "kcare.ko reference count"
	slab1=$(sed -n 's/^SUnreclaim: *\([0-9]*\).*/\1/p' /proc/meminfo)
	kc_note "$i cycles; unreclaimable slab ${slab0} kB -> ${slab1} kB"
	# 50 cycles leaking even 20 kB each would show
	[ $((slab1 - slab0)) -lt 1024 ] || kc_fail "slab grew by $((slab1 - slab0)) kB"
}

# Upstream livepatch is built into the x86_64 kernel only.
have_livepatch() { [ -e $M/kcare_test_klp.ko ] && [ -d /sys/kernel/livepatch ]; }

kc_scenario "sysfs files and modes when idle" idle_sysfs_files_and_modes
kc_scenario "apply and revert a patchset" apply_and_revert
kc_scenario "cumulative replace keeps, drops and adds functions" cumulative_replace
kc_scenario "lower level refused unless forced" lower_level_refused
kc_scenario "wrong kernel build-id refused" wrong_build_id_refused
kc_scenario "unresolved symbol refused, naming it, nothing changed" unresolved_symbol_refused
kc_scenario "link-time addresses that disagree with kallsyms refused" link_addresses_refused
kc_scenario "pre-apply refusal changes nothing" pre_apply_refusal_changes_nothing
kc_scenario "module target patched on load, reverted on unload" module_target_patched_on_load
kc_scenario "sysctl toggle off and on" sysctl_toggle_off_and_on
kc_scenario "garbage to writable files refused" garbage_refused
kc_scenario "engine cannot be removed while patches are active" engine_pinned_while_active
kc_scenario "a batch refused halfway by ftrace changes nothing" batch_refused_halfway
if have_livepatch; then
	kc_scenario "conflict with an upstream livepatch module reported" livepatch_conflict_reported
	kc_scenario "a module whose patch cannot apply is refused" module_refused_when_its_patch_cannot_apply
else
	kc_skip "conflict with an upstream livepatch module reported" "no upstream livepatch in this kernel"
	kc_skip "a module whose patch cannot apply is refused" "no upstream livepatch in this kernel"
fi
kc_scenario "stress: 50 apply/revert cycles under load" stress_apply_revert
reset
kc_done
