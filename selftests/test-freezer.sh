#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The freezer: a switch happens only when no task is inside the code that
# changes (Documentation/consistency.md). kcare_test_target makes tasks
# sleep inside replaceable functions: the kernel thread kcare_sleeper in
# kcare_test_fn_sleep (uninterruptibly: nothing moves it out), and readers
# of /proc/kcare_test_wait in kcare_test_fn_wait (interruptibly). The test
# payloads t3, t3f (the same, under another module name) and t4 replace
# both functions and a, with 31 (t3) and 41 (t4).

. "$(dirname "$0")/lib.sh"

P=$KC_DIR/patches
M=$KC_MODULES
T=/proc/kcare_test_target
CTL=/proc/kcare_test_ctl
ORIG="a=1 b=2 c=3"
L3="a=31 b=2 c=3"
L4="a=41 b=2 c=3"
PRESCREEN=/usr/libexec/kcare/kcare-prescreen

# Back to a loaded engine, smart with the default time limit, nothing
# applied, no sleeper. A payload applied by force stays loaded for ever.
reset() {
	[ ! -e $CTL ] || echo release >$CTL
	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	for m in $(grep -oE '^(kcpatch_[a-z0-9_]+|kcare_test_target)' /proc/modules); do
		[ $m = kcpatch_t3f ] || rmmod $m
	done
	kc_load_engine
	echo smart >$KC_SYSFS/freezer
	echo 30000 >$KC_SYSFS/freezer_timeout_ms
	grep -q '^kcare_test_target ' /proc/modules || insmod $M/kcare_test_target.ko
}

apply() { "$KC_DIR/bin/finit" $P/kcpatch_$1.ko $2; }
values() { cat $T; }
expect_values() { kc_assert_eq "$(values)" "$1" "$T"; }
expect_state() {
	kc_assert_eq "$(cat $KC_SYSFS/state)" "$1" "state"
	kc_assert_eq "$(cat $KC_SYSFS/patchset)" "$2" "patchset"
}

# in_stack PID FUNCTION: FUNCTION is on the kernel stack of PID
in_stack() { grep -q "\] $2+" /proc/$1/stack; }

# start_sleeper: kcare_sleeper asleep in kcare_test_fn_sleep (or in its
# replacement FUNCTION, if given); its pid in $SLEEPER
start_sleeper() {
	echo sleep >$CTL
	SLEEPER=$(pidof kcare_sleeper)
	[ -n "$SLEEPER" ] || kc_fail "kcare_sleeper did not start"
	kc_wait_until 30 in_stack $SLEEPER ${1:-kcare_test_fn_sleep}
}

# start_reader: a process reading /proc/kcare_test_wait, asleep in
# kcare_test_fn_wait; its pid in $READER, what it reads in /tmp/reader
start_reader() {
	cat /proc/kcare_test_wait >/tmp/reader &
	READER=$!
	kc_wait_until 30 in_stack $READER kcare_test_fn_wait
}

# blocking_is TASKPID FUNCTION: the blocking file lists exactly that task
blocking_is() {
	grep -Eq "^$1 [^ ]+ $2\+0x[0-9a-f]+\$" $KC_SYSFS/blocking &&
		[ "$(wc -l <$KC_SYSFS/blocking)" = 1 ] ||
		kc_fail "blocking: '$(cat $KC_SYSFS/blocking)', expected $1 in $2"
}

sysfs_files_and_garbage() {
	reset
	kc_check_sysfs $KC_SYSFS/freezer 644 smart
	kc_check_sysfs $KC_SYSFS/freezer_timeout_ms 644 30000
	kc_check_sysfs $KC_SYSFS/blocking 444 ""
	kc_check_sysfs $KC_SYSFS/forced 444 0
	for f in count last_us max_us median_us; do
		kc_check_sysfs $KC_SYSFS/pause/$f 444
		grep -Eq '^[0-9]+$' $KC_SYSFS/pause/$f || kc_fail "pause/$f: $(cat $KC_SYSFS/pause/$f)"
	done
	for v in none full smart; do
		echo $v >$KC_SYSFS/freezer
		kc_assert_eq "$(cat $KC_SYSFS/freezer)" $v "freezer"
	done
	for v in "" bogus "smart full" default 1; do
		kc_expect_fail sh -c "echo '$v' >$KC_SYSFS/freezer"
	done
	kc_assert_eq "$(cat $KC_SYSFS/freezer)" smart "freezer after garbage"
	echo 0 >$KC_SYSFS/freezer_timeout_ms
	echo 600000 >$KC_SYSFS/freezer_timeout_ms
	for v in -1 600001 abc 1.5 ""; do
		kc_expect_fail sh -c "echo '$v' >$KC_SYSFS/freezer_timeout_ms"
	done
	kc_assert_eq "$(cat $KC_SYSFS/freezer_timeout_ms)" 600000 "timeout after garbage"
	for v in 0 2 forced yes; do
		kc_expect_fail sh -c "echo '$v' >$KC_SYSFS/unload"
	done
	kc_expect_fail apply t3 freezer=bogus
	grep -q "unknown freezer mode 'bogus' (none, full or smart)" $KC_SYSFS/last_error ||
		kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	expect_state idle ""
	reset
}

kthread_inside_makes_apply_time_out() {
	local count
	reset
	start_sleeper
	echo 1500 >$KC_SYSFS/freezer_timeout_ms
	count=$(cat $KC_SYSFS/pause/count)
	kc_mark
	kc_expect_fail apply t3
	grep -q "Device or resource busy" $KC_ERR_FILE || kc_fail "error: $(cat $KC_ERR_FILE)"
	expect_state idle ""
	expect_values "$ORIG"
	blocking_is $SLEEPER kcare_test_fn_sleep
	grep -q "^patchset K_TEST_03 not applied (-16): 1 task(s) still inside changed code after 1500 ms ($SLEEPER kcare_sleeper kcare_test_fn_sleep+0x[0-9a-f]*; see /sys/kernel/kcare/blocking); nothing changed\$" \
		$KC_SYSFS/last_error || kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	# never stopped the CPUs for nothing: the scan outside saw it first
	kc_assert_eq "$(cat $KC_SYSFS/pause/count)" "$count" "pauses"
	# not disturbed: it sleeps uninterruptibly, nobody woke it
	in_stack $SLEEPER kcare_test_fn_sleep
	! kc_log_since_mark | grep -q "fake signal" || kc_fail "a task was signalled"
	! grep -q '^kcpatch_t3 ' /proc/modules || kc_fail "the payload stayed"
	reset
}

retry_succeeds_when_the_thread_leaves() {
	local pid attempts
	reset
	start_sleeper
	kc_mark
	apply t3 &
	pid=$!
	# still retrying, nothing changed yet
	sleep 2
	kill -0 $pid || kc_fail "the apply did not wait"
	kc_assert_eq "$(cat $KC_SYSFS/state)" applying "state while retrying"
	echo release >$CTL
	wait $pid || kc_fail "the apply failed: $(cat $KC_SYSFS/last_error)"
	expect_state applied K_TEST_03
	expect_values "$L3"
	kc_assert_eq "$(cat $KC_SYSFS/blocking)" "" "blocking after success"
	attempts=$(kc_log_since_mark | sed -n 's/^kcare: switched 3 functions (freezer smart) after \([0-9]*\) attempts: .*/\1/p')
	[ "${attempts:-0}" -gt 1 ] || kc_fail "attempts: '$attempts'"
	reset
}

user_thread_moved_out_by_fake_signal() {
	reset
	start_reader
	kc_mark
	apply t3
	expect_state applied K_TEST_03
	kc_log_since_mark | grep -q "^kcare: fake signal to $READER cat to move it out of kcare_test_fn_wait\$" ||
		kc_fail "no fake signal to $READER: $(kc_log_since_mark)"
	# alive, and its read restarted in the replacement
	kill -0 $READER || kc_fail "the reader died"
	kc_wait_until 30 in_stack $READER sl_fn_wait
	echo release >$CTL
	wait $READER || kc_fail "the reader failed"
	kc_assert_eq "$(cat /tmp/reader)" "wait=31" "what the reader read"
	reset
}

force_applies_and_marks() {
	reset
	start_sleeper
	kc_mark
	apply t3f force=1
	expect_state applied K_TEST_03
	expect_values "$L3"
	kc_check_sysfs $KC_SYSFS/forced 444 1
	blocking_is $SLEEPER kcare_test_fn_sleep
	grep -q "^forced switch with 1 task(s) inside changed code ($SLEEPER kcare_sleeper kcare_test_fn_sleep+0x[0-9a-f]*); the payloads involved can never be removed\$" \
		$KC_SYSFS/last_error || kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	kc_log_since_mark | grep -q "^kcare: forced switch with 1 task(s) inside changed code ($SLEEPER kcare_sleeper" ||
		kc_fail "the kernel log does not name it"
	echo release >$CTL
	echo 1 >$KC_SYSFS/unload
	expect_state idle ""
	kc_check_sysfs $KC_SYSFS/forced 444 0
	# its code may still run somewhere: never removable
	kc_expect_fail rmmod kcpatch_t3f
	grep -q '^kcpatch_t3f ' /proc/modules
	reset
}

full_freezes_then_switches() {
	local n0 n1 ticker
	reset
	echo full >$KC_SYSFS/freezer
	start_reader
	kc_mark
	apply t3
	expect_state applied K_TEST_03
	kc_log_since_mark | grep -q "Freezing user space processes" || kc_fail "nothing was frozen"
	kc_log_since_mark | grep -q "Restarting tasks" || kc_fail "nothing was thawed"
	kc_log_since_mark | grep -q "^kcare: switched 3 functions (freezer full)" || kc_fail "no full switch"
	# the freezer moved the reader out; its read restarted in the new code
	kc_wait_until 30 in_stack $READER sl_fn_wait
	echo release >$CTL
	wait $READER || kc_fail "the reader failed"
	kc_assert_eq "$(cat /tmp/reader)" "wait=31" "what the reader read"
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_t3

	# a kernel thread that cannot freeze still blocks; all is thawed after
	( while :; do date +%s%N >/tmp/ticker; sleep 0.1; done ) &
	ticker=$!
	start_sleeper
	echo 1000 >$KC_SYSFS/freezer_timeout_ms
	kc_expect_fail apply t3
	expect_state idle ""
	expect_values "$ORIG"
	blocking_is $SLEEPER kcare_test_fn_sleep
	n0=$(cat /tmp/ticker)
	sleep 1
	n1=$(cat /tmp/ticker)
	[ "$n0" != "$n1" ] || kc_fail "user space still frozen"
	kill $ticker
	reset
}

none_switches_without_checks() {
	local count
	reset
	echo none >$KC_SYSFS/freezer
	start_sleeper
	count=$(cat $KC_SYSFS/pause/count)
	kc_mark
	apply t3
	expect_state applied K_TEST_03
	expect_values "$L3"
	kc_assert_eq "$(cat $KC_SYSFS/blocking)" "" "blocking"
	kc_assert_eq "$(cat $KC_SYSFS/forced)" 0 "forced"
	kc_assert_eq "$(cat $KC_SYSFS/pause/count)" $((count + 1)) "pauses"
	kc_log_since_mark | grep -q "^kcare: switched 3 functions (freezer none): pause [0-9]* us" ||
		kc_fail "no unchecked switch in the log"
	# the per-apply choice overrides the default
	echo release >$CTL
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_t3
	echo smart >$KC_SYSFS/freezer
	start_sleeper
	kc_mark
	apply t3 freezer=none
	kc_log_since_mark | grep -q "^kcare: switched 3 functions (freezer none)" ||
		kc_fail "freezer=none not used"
	reset
}

revert_obeys_the_checks() {
	reset
	apply t3
	# asleep in the replacement, which a revert would take away
	start_sleeper sl_fn_sleep
	echo 1000 >$KC_SYSFS/freezer_timeout_ms
	kc_expect_fail sh -c "echo 1 >$KC_SYSFS/unload"
	expect_state applied K_TEST_03
	expect_values "$L3"
	blocking_is $SLEEPER sl_fn_sleep
	grep -q "^patchset K_TEST_03 not reverted, it stays applied (-16): 1 task(s) still inside changed code" \
		$KC_SYSFS/last_error || kc_fail "last_error: $(cat $KC_SYSFS/last_error)"
	# the toggle of a patch obeys them too
	kc_expect_fail sh -c "echo 0 >$KC_SYSFS/patches/tp_sleepers/enabled"
	kc_assert_eq "$(cat $KC_SYSFS/patches/tp_sleepers/enabled)" 1 "enabled"
	echo release >$CTL
	echo 1 >$KC_SYSFS/unload
	expect_state idle ""
	expect_values "$ORIG"
	reset
}

replace_obeys_the_checks() {
	reset
	apply t3
	start_sleeper sl_fn_sleep
	echo 1000 >$KC_SYSFS/freezer_timeout_ms
	kc_expect_fail apply t4
	expect_state applied K_TEST_03
	expect_values "$L3"
	blocking_is $SLEEPER sl_fn_sleep
	kc_assert_eq "$(cat $KC_SYSFS/level)" 3 "level"
	echo release >$CTL
	apply t4
	expect_state applied K_TEST_04
	expect_values "$L4"
	# t3's payload is free to go
	rmmod kcpatch_t3
	reset
}

prescreen_names_the_same_task() {
	local line
	reset
	start_sleeper
	echo 1000 >$KC_SYSFS/freezer_timeout_ms
	kc_expect_fail apply t3
	line=$(cat $KC_SYSFS/blocking)
	blocking_is $SLEEPER kcare_test_fn_sleep
	# the pre-screen's view, before any switch: pid, [kthread], function
	$PRESCREEN kcare_test_target:kcare_test_fn_sleep kcare_test_target:kcare_test_fn_wait \
		kcare_test_target:kcare_test_fn_a >/tmp/prescreen && kc_fail "prescreen found nobody"
	grep -q "^$SLEEPER \[kcare_sleeper\] kcare_test_fn_sleep+0x" /tmp/prescreen ||
		kc_fail "prescreen: '$(cat /tmp/prescreen)', kernel: '$line'"
	kc_assert_eq "$(wc -l </tmp/prescreen)" 1 "tasks the pre-screen lists"
	# the same place in the function
	kc_assert_eq "$(sed 's/.*+\(0x[0-9a-f]*\).*/\1/' /tmp/prescreen)" "${line##*+}" "offset"
	reset
}

stress_smart_cycles_under_load() {
	local i pids h applied=0 refused=0 reverted=0 stuck=0 count0 n
	reset
	count0=$(cat $KC_SYSFS/pause/count)
	pids=
	for h in 1 2 3 4; do
		# Any mix of old and new a and b is a valid read. Niced, they
		# take the CPUs whenever the cycles wait, not from them.
		"$KC_DIR/bin/hammer" -n 19 $T 3600 "a=1 b=2 c=3" "a=11 b=2 c=3" \
			"a=1 b=12 c=3" "a=11 b=12 c=3" >/tmp/hammer$h 2>&1 &
		pids="$pids $!"
	done
	i=0
	while [ $i -lt $KC_FREEZER_CYCLES ]; do
		if apply t1 2>/dev/null; then
			applied=$((applied + 1))
			kc_assert_eq "$(cat $KC_SYSFS/state)" applied "state after apply $i"
			# a refused revert leaves it applied; then try again
			n=0
			until echo 1 >$KC_SYSFS/unload 2>/dev/null; do
				kc_assert_eq "$(cat $KC_SYSFS/state)" applied "state after a refused revert $i"
				n=$((n + 1))
				[ $n -lt 5 ] || { stuck=1; break; }
			done
			[ $stuck = 0 ] || kc_fail "cycle $i: revert refused 5 times: $(cat $KC_SYSFS/last_error)"
			reverted=$((reverted + 1))
			rmmod kcpatch_t1
		else
			refused=$((refused + 1))
			grep -q "nothing changed" $KC_SYSFS/last_error ||
				kc_fail "cycle $i: $(cat $KC_SYSFS/last_error)"
			kc_assert_eq "$(cat $KC_SYSFS/state)" idle "state after a refused apply $i"
		fi
		i=$((i + 1))
	done
	for h in $pids; do
		kill -0 $h || kc_fail "a hammer stopped: $(cat /tmp/hammer*)"
	done
	kill $pids
	wait $pids 2>/dev/null || true
	expect_values "$ORIG"
	kc_assert_eq $((applied + refused)) $i "cycles"
	# The scan outside the pause sees blockers first: a pause that finds
	# one (a task that ran into the code since) must stay rare, unless
	# tasks can be preempted anywhere, inside the functions too.
	n=$(($(cat $KC_SYSFS/pause/count) - count0 - applied - reverted))
	[ $n -ge 0 ] || kc_fail "$n pauses"
	[ -n "${KC_FREEZER_PREEMPT:-}" ] || [ $((n * 20)) -le $i ] ||
		kc_fail "$n pauses without a switch"
	kc_note "$i cycles: $applied applied and reverted, $refused refused;" \
		"$n pauses found a task inside and switched nothing;" \
		"pause median $(cat $KC_SYSFS/pause/median_us) us," \
		"max $(cat $KC_SYSFS/pause/max_us) us over $(cat $KC_SYSFS/pause/count) switches"
	dmesg | grep "switched 2 functions (freezer smart)" | tail -n1 | sed 's/^/# /'
	reset
}

preempts_anywhere() { grep -qw preempt=full /proc/cmdline; }

# test-freezer-preempt.sh: the stress again, in a kernel that preempts
# anywhere (preempt=full), where a task can be caught inside a patched
# function and the check in the pause must see it.
if [ -n "${KC_FREEZER_PREEMPT:-}" ]; then
	if [ "$KC_ARCH" != x86_64 ]; then
		# Debian's arm64 6.1 kernel has no dynamic preemption.
		kc_skip "stress under full preemption" "no preempt=full in the arm64 kernel"
		kc_done
	fi
	kc_scenario "the guest preempts anywhere" preempts_anywhere
	KC_FREEZER_CYCLES=${KC_FREEZER_CYCLES:-100}
	kc_scenario "stress: $KC_FREEZER_CYCLES smart apply/revert cycles, full preemption, four hammering threads" \
		stress_smart_cycles_under_load
	kc_done
fi

kc_scenario "sysfs files and garbage refused" sysfs_files_and_garbage
kc_scenario "a kernel thread inside a patched function makes a smart apply time out" \
	kthread_inside_makes_apply_time_out
kc_scenario "when the thread leaves, the retry succeeds" retry_succeeds_when_the_thread_leaves
kc_scenario "a user thread in a patched syscall is moved out by a fake signal" \
	user_thread_moved_out_by_fake_signal
kc_scenario "full freezes, then switches; an unfreezable thread still blocks" full_freezes_then_switches
kc_scenario "none switches without checks" none_switches_without_checks
kc_scenario "revert obeys the same checks" revert_obeys_the_checks
kc_scenario "cumulative replace obeys the same checks" replace_obeys_the_checks
kc_scenario "the BPF pre-screen names the same blocking task" prescreen_names_the_same_task
# 300 cycles on x86_64; fewer in the slower arm64 guest (its pauses last
# three times longer), to keep make check short (KC_FREEZER_CYCLES=2000
# scripts/check selftests/test-freezer.sh for a long run).
if [ "$KC_ARCH" = x86_64 ]; then
	KC_FREEZER_CYCLES=${KC_FREEZER_CYCLES:-300}
else
	KC_FREEZER_CYCLES=${KC_FREEZER_CYCLES:-150}
fi
kc_scenario "stress: smart apply/revert cycles under four hammering threads" \
	stress_smart_cycles_under_load
# Last: its payload can never be removed.
kc_scenario "force applies, marks the patchset, and its payload stays" force_applies_and_marks
kc_done
