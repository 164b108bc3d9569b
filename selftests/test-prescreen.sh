#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kcare-prescreen, the BPF pre-screen: which tasks sit in the functions a
# patchset is about to change.
#
# A busybox sleep waits in clock_nanosleep: hrtimer_nanosleep is on its
# kernel stack on both architectures. do_nanosleep, which it calls, is too,
# but it is __sched code, which the kernel's stack traces of other tasks
# leave out. kthreadd waits in its own function. cmdline_proc_show only runs
# while /proc/cmdline is read.

. "$(dirname "$0")/lib.sh"

KC_PRESCREEN=/usr/libexec/kcare/kcare-prescreen

# kc_prescreen ARGS...: run it, its output in $KC_OUT, its status in $KC_RC
KC_OUT=/tmp/kc-prescreen.out
kc_prescreen() {
	KC_RC=0
	$KC_PRESCREEN "$@" >$KC_OUT 2>$KC_ERR_FILE || KC_RC=$?
}

# sleeper_listed PID: kcare-prescreen reports PID inside hrtimer_nanosleep
sleeper_listed() {
	kc_prescreen hrtimer_nanosleep
	grep -q "^$1 sleep hrtimer_nanosleep+0x[0-9a-f]*\$" $KC_OUT
}

sleeping_task_is_reported() {
	local pid

	sleep 1000 &
	pid=$!
	# until it is past fork and exec and asleep
	kc_wait_until 60 sleeper_listed $pid
	kc_assert_eq $KC_RC 1 "exit status"
	[ -z "$(cat $KC_ERR_FILE)" ] || kc_fail "stderr: $(cat $KC_ERR_FILE)"
	kill $pid
}

scheduler_code_is_flagged() {
	local pid

	sleep 1000 &
	pid=$!
	kc_wait_until 60 sleeper_listed $pid
	kc_prescreen do_nanosleep
	kc_assert_eq $KC_RC 0 "exit status"
	kc_assert_eq "$(cat $KC_OUT)" "" "output"
	grep -q "warning: do_nanosleep is scheduler code (__sched), which the kernel's stack traces leave out" $KC_ERR_FILE ||
		kc_fail "stderr: $(cat $KC_ERR_FILE)"
	kill $pid
}

kernel_thread_is_reported() {
	kc_prescreen kthreadd
	kc_assert_eq $KC_RC 1 "exit status"
	grep -q '^2 \[kthreadd\] kthreadd+0x[0-9a-f]*$' $KC_OUT ||
		kc_fail "output: $(cat $KC_OUT)"
}

nobody_inside_gives_nothing() {
	kc_prescreen cmdline_proc_show
	kc_assert_eq $KC_RC 0 "exit status"
	kc_assert_eq "$(cat $KC_OUT)" "" "output"
	kc_prescreen --json cmdline_proc_show
	kc_assert_eq $KC_RC 0 "--json exit status"
	kc_assert_eq "$(cat $KC_OUT)" "[]" "--json output"
}

json_output() {
	local pid line

	sleep 1000 &
	pid=$!
	kc_wait_until 60 sleeper_listed $pid
	kc_prescreen --json cmdline_proc_show hrtimer_nanosleep kthreadd
	kc_assert_eq $KC_RC 1 "exit status"
	kc_assert_eq "$(head -n1 $KC_OUT)" "[" "first line"
	kc_assert_eq "$(tail -n1 $KC_OUT)" "]" "last line"
	# one object a line, commas between them
	sed '1d;$d' $KC_OUT | sed '$!s/,$//' | while IFS= read -r line; do
		echo "$line" | grep -Eq '^\{"pid": [0-9]+, "tgid": [0-9]+, "comm": "[^"]*", "kthread": (true|false), "function": ("[^"]*"|null), "module": ("[^"]*"|null), "offset": [0-9]+, "address": "0x[0-9a-f]+"\}$' ||
			kc_fail "not a hit: $line"
	done
	line=$(grep "^{\"pid\": $pid," $KC_OUT) || kc_fail "pid $pid not listed"
	kc_assert_eq "$(echo "$line" | sed -n 's/.*"function": "\([^"]*\)".*/\1/p')" \
		hrtimer_nanosleep "function of $pid"
	kc_assert_eq "$(echo "$line" | sed -n 's/.*"kthread": \([a-z]*\).*/\1/p')" \
		false "kthread of $pid"
	grep -q '^{"pid": 2, "tgid": 2, "comm": "kthreadd", "kthread": true, "function": "kthreadd",' $KC_OUT ||
		kc_fail "kthreadd not listed"
	kill $pid
}

raw_range_is_reported_by_address() {
	local pid start end

	sleep 1000 &
	pid=$!
	kc_wait_until 60 sleeper_listed $pid
	# [start, next symbol): addresses have one width, so text order works
	start=$(sed -n 's/^\([0-9a-f]*\) [tT] hrtimer_nanosleep$/\1/p' /proc/kallsyms)
	end=$(cut -d' ' -f1 /proc/kallsyms | sort -u |
	      awk -v s="$start" '"x" $1 > "x" s { print; exit }')
	[ -n "$start" ] && [ -n "$end" ] || kc_fail "no range for hrtimer_nanosleep"
	kc_prescreen 0x$start-0x$end
	kc_assert_eq $KC_RC 1 "exit status"
	grep -q "^$pid sleep 0x[0-9a-f]*\$" $KC_OUT || kc_fail "output: $(cat $KC_OUT)"
	kill $pid
}

bad_input_is_refused() {
	local dup

	kc_prescreen hrtimer_nanosleep kcare_no_such_function
	kc_assert_eq $KC_RC 2 "unknown function: exit status"
	grep -q 'no function kcare_no_such_function in vmlinux' $KC_ERR_FILE
	kc_assert_eq "$(cat $KC_OUT)" "" "unknown function: output"

	kc_prescreen kcare_no_such_module:hrtimer_nanosleep
	kc_assert_eq $KC_RC 2 "unknown module: exit status"
	grep -q 'no function hrtimer_nanosleep in kcare_no_such_module' $KC_ERR_FILE

	# a static name that more than one file of this kernel uses
	dup=$(awk '$4 == "" && $2 == "t" { n[$3]++ }
		   END { for (s in n) if (n[s] > 1) { print s; exit } }' /proc/kallsyms)
	kc_prescreen "$dup"
	kc_assert_eq $KC_RC 2 "ambiguous $dup: exit status"
	grep -q "$dup is ambiguous in vmlinux: .* use $dup,N" $KC_ERR_FILE
	kc_prescreen "$dup,1" "$dup,2"
	[ $KC_RC != 2 ] || kc_fail "$dup,1 $dup,2: $(cat $KC_ERR_FILE)"

	kc_prescreen 0x2000-0x1000
	kc_assert_eq $KC_RC 2 "empty range: exit status"
	grep -q 'empty range 0x2000-0x1000' $KC_ERR_FILE

	kc_prescreen
	kc_assert_eq $KC_RC 2 "no argument: exit status"
	grep -q '^Usage: kcare-prescreen' $KC_ERR_FILE
}

unprivileged_user_is_told() {
	local rc=0

	su -s /bin/sh nobody -c "$KC_PRESCREEN hrtimer_nanosleep" 2>$KC_ERR_FILE || rc=$?
	kc_assert_eq $rc 2 "hidden addresses: exit status"
	grep -q '/proc/kallsyms shows no addresses: run as root' $KC_ERR_FILE
	rc=0
	su -s /bin/sh nobody -c "$KC_PRESCREEN 0x1000-0x2000" 2>$KC_ERR_FILE || rc=$?
	kc_assert_eq $rc 2 "no BPF: exit status"
	grep -q 'BPF not permitted' $KC_ERR_FILE
}

kc_scenario "a sleeping task is reported" sleeping_task_is_reported
kc_scenario "a kernel thread is reported" kernel_thread_is_reported
kc_scenario "scheduler code is flagged as unseen" scheduler_code_is_flagged
kc_scenario "a function nobody is in gives nothing" nobody_inside_gives_nothing
kc_scenario "--json lists the same hits" json_output
kc_scenario "a raw address range is reported by address" raw_range_is_reported_by_address
kc_scenario "bad input is refused, naming it" bad_input_is_refused
kc_scenario "an unprivileged user is told why" unprivileged_user_is_told
kc_done
