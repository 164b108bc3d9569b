#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# LibCare in the guest (Documentation/libcare.md): a process calling the
# test library from 8 threads is patched, moved to level 2 and unpatched
# while it runs; a thread that never leaves the patched function makes
# the patch fail cleanly; the patcher killed mid-patch (at random points,
# and while the process runs its injected system call) leaves the process
# running and untraced. The programs are in /selftests/libcare
# (make libcare-tests, copied by make selftest-root).

. "$(dirname "$0")/lib.sh"

LCD=$KC_DIR/libcare
LC=$LCD/libcare-ctl
export LIBCARE_STATE_DIR=/tmp/libcare-state
export LIBCARE_BLACKLIST=/dev/null
OUT=/tmp/lc-busy.out

start_busy() {
	rm -f $OUT
	"$LCD/lc-busy" "$@" >$OUT 2>&1 &
	BUSY=$!
	kc_wait_until 10 grep -q '^calls=' $OUT
}

count() {
	grep '^calls=' $OUT | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p"
}

grows() {
	local a b
	a=$(count "$1")
	sleep 1
	b=$(count "$1")
	[ -n "$a" ] && [ "$b" -gt "$a" ]
}

# Running, not stopped, not traced.
sane() {
	grep -q '^TracerPid:[[:space:]]*0$' /proc/$1/status || kc_fail "pid $1 is traced"
	! grep -q '^State:[[:space:]]*[tTZ]' /proc/$1/status || kc_fail "pid $1 is stopped"
}

stop_busy() {
	kill -9 $BUSY
	wait $BUSY 2>/dev/null || true
}

patch_level2_unpatch() {
	start_busy 8
	grows old || kc_fail "the unpatched value is not seen"
	$LC patch -v -p $BUSY $LCD/lctest-1.o
	sane $BUSY
	grows new1 || kc_fail "level 1 does not run"
	! grows old || kc_fail "the old code still runs"
	$LC info | grep -q "lc-busy .* level 1 *lctest-1"
	$LC patch -v -p $BUSY $LCD/lctest-2.o
	grows new2 || kc_fail "level 2 does not run"
	! grows new1 || kc_fail "level 1 still runs"
	$LC unpatch -v -p $BUSY
	grows old || kc_fail "the original code does not run again"
	sane $BUSY
	kc_assert_eq "$(count bad)" 0 "wrong results"
	c=$(count calls)
	[ "$(count lib)" -ge "$c" ] || kc_fail "the patch did not share the library's counter"
	stop_busy
}

busy_thread_refused() {
	start_busy 2 --spin
	before=$(cut -d' ' -f1,2 /proc/$BUSY/maps)
	kc_expect_fail $LC patch -p $BUSY --retries 4 --retry-delay 100 $LCD/lctest-spin.o
	grep -q "busy: thread [0-9]* is .* lc_test_spin" $KC_ERR_FILE
	sane $BUSY
	kc_assert_eq "$(cut -d' ' -f1,2 /proc/$BUSY/maps)" "$before" "mappings"
	grows old
	stop_busy
}

deeper_frame_found_by_unwinding() {
	start_busy 1 --spin-outer
	kc_expect_fail $LC patch -p $BUSY --retries 3 --retry-delay 100 $LCD/lctest-outer.o
	grep -q "busy: thread [0-9]* is inside lc_test_outer (frame at" $KC_ERR_FILE ||
		kc_fail "$(cat $KC_ERR_FILE)"
	sane $BUSY
	stop_busy
}

sigkill_the_patcher() {
	start_busy 16
	for d in 0 1 2 3 5 8 12 20; do
		$LC patch -p $BUSY $LCD/lctest-1.o >/dev/null 2>&1 &
		ctl=$!
		sleep 0.0$d
		kill -9 $ctl 2>/dev/null || true
		wait $ctl 2>/dev/null || true
		sleep 0.2
		sane $BUSY
		$LC unpatch -p $BUSY >/dev/null 2>&1 || true
	done
	grows calls || kc_fail "the process does not run on"
	kc_assert_eq "$(count bad)" 0 "wrong results"
	stop_busy
}

# Killed with the thread set to run the injected mmap: the stub after the
# system call puts every register back and resumes the thread.
killed_in_syscall() {
	start_busy 4
	for i in 1 2 3; do
		(LIBCARE_FAULT=kill-in-syscall $LC patch -p $BUSY $LCD/lctest-1.o >/dev/null 2>&1) 2>/dev/null || true
	done
	sleep 0.3
	sane $BUSY
	grows calls || kc_fail "the process does not run on"
	grows old || kc_fail "the unpatched code does not run"
	kc_assert_eq "$(count bad)" 0 "wrong results"
	stop_busy
}

# The patcher stops itself (SIGKILL) at the switch's two crash points,
# with 16 threads calling the function: before the one write that
# switches (the gates in place, switched off) and right after it.
regions() {
	grep -c ' r-xp 00000000 00:00 0 *$' /proc/$BUSY/maps
}

killed_at_the_switch() {
	start_busy 16
	LIBCARE_FAULT=kill-before-switch $LC patch -p $BUSY $LCD/lctest-1.o 2>/dev/null &&
		kc_fail "not killed"
	sane $BUSY
	$LC info | grep -q " unclean" || kc_fail "info does not say unclean"
	grows old || kc_fail "the original does not run with the gates switched off"
	$LC patch -p $BUSY $LCD/lctest-1.o 2>&1 | grep -q "half-applied: undoing it" ||
		kc_fail "the leftover was not undone"
	grows new1 || kc_fail "level 1 does not run"
	kc_assert_eq "$(regions)" 1 "regions"
	LIBCARE_FAULT=kill-after-switch $LC patch -p $BUSY $LCD/lctest-2.o 2>/dev/null &&
		kc_fail "not killed"
	sane $BUSY
	grows new2 || kc_fail "level 2 does not run right after the switch"
	$LC info | grep -q " unclean" || kc_fail "info does not say unclean"
	$LC unpatch -p $BUSY 2>&1 | grep -q "finishing it" || kc_fail "not finished"
	grows old || kc_fail "the original does not run again"
	kc_assert_eq "$(regions)" 0 "regions"
	kc_assert_eq "$($LC info)" "" "info"
	kc_assert_eq "$(count bad)" 0 "wrong results"
	sane $BUSY
	stop_busy
}

kc_scenario "patch, level 2 and unpatch of a running 8-thread process" patch_level2_unpatch
kc_scenario "killed before and right after the switch: consistent, then cleaned" killed_at_the_switch
kc_scenario "a thread that never leaves the function: refused, unchanged" busy_thread_refused
kc_scenario "a function deeper in a thread's stack: refused (libdw unwinding)" deeper_frame_found_by_unwinding
kc_scenario "SIGKILL of the patcher mid-patch: the process runs on, untraced" sigkill_the_patcher
kc_scenario "killed while its system call runs in the process: it carries on" killed_in_syscall
kc_done
