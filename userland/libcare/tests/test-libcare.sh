#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# LibCare on this machine (ptrace works natively): patch, level 2 and
# unpatch of a running 8-thread process, and every refusal path, each
# leaving the target running, untraced and unchanged. Needs "make
# libcare-tests".
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/userland/libcare/tests/lc-lib.sh"

make -s -C "$top" libcare-tests >/dev/null || { result "build" 1; done_testing; exit 1; }

busy=$(mktemp)
lc_start "$busy" "$LCB/lc-busy" 8
lc_grows "$busy" old && [ "$(lc_count "$busy" new1)" = 0 ]
result "8 threads get the unpatched value before" $?

expect "patch level 1 into a running process" 0 "lctest-1 applied \(level 1" \
	"$LC" patch -p "$pid" "$LCB/lctest-1.o"
lc_grows "$busy" new1 && ! lc_grows "$busy" old && lc_sane "$pid"
result "after it, every call returns the new value; untraced, running" $?
[ "$(lc_count "$busy" bad)" = 0 ]
result "no wrong value at any time during the switch" $?
c=$(lc_count "$busy" calls); l=$(lc_count "$busy" lib)
[ -n "$c" ] && [ "$l" -ge "$c" ]
result "the patch shares the library's own static data (call counter)" $?

expect "info lists the patch" 0 "lc-busy .* level 1 +lctest-1" "$LC" info
expect "info --json" 0 "\"pid\": $pid, \"command\": \"lc-busy\".*\"level\": 1, \"patch\": \"lctest-1\"" \
	"$LC" info --json
expect "the same level again: nothing to do" 5 "level 1 is applied already" \
	"$LC" patch -p "$pid" "$LCB/lctest-1.o"

expect "level 2 replaces level 1" 0 "lctest-2 applied \(level 2" \
	"$LC" patch -p "$pid" "$LCB/lctest-2.o"
lc_grows "$busy" new2 && ! lc_grows "$busy" new1 && lc_sane "$pid" &&
	[ "$(grep -c ' r-xp 00000000 00:00 0 *$' /proc/"$pid"/maps)" = 1 ] ||
	{ grep ' 00:00 0 *$' /proc/"$pid"/maps | sed 's/^/# /'; tail -n 1 "$busy" | sed 's/^/# /'; false; }
result "level 2 runs, level 1 is unmapped" $?
cnt=$("$LC" info | grep -c "^$pid ")
[ "$cnt" = 1 ]
result "info shows one entry, level 2" $?

expect "unpatch" 0 "lctest-2 removed" "$LC" unpatch -p "$pid"
lc_grows "$busy" old && ! lc_grows "$busy" new2 && lc_sane "$pid" &&
	[ "$(lc_count "$busy" bad)" = 0 ]
result "unpatched: the original code runs again, nothing wrong seen" $?
[ -z "$("$LC" info)" ]
result "info is empty after unpatch" $?
expect "unpatch again: nothing to do" 5 "no patch applied" "$LC" unpatch -p "$pid"

# --all: every process that maps the library, and only those.
other=$(mktemp)
busy_pid=$pid
lc_start "$other" "$LCB/lc-busy" 2
other_pid=$pid
pid=$busy_pid
expect "patch --all" 0 "pid $other_pid: .*lctest-1 applied" "$LC" patch --all "$LCB/lctest-1.o"
lc_grows "$busy" new1 && lc_grows "$other" new1 && [ "$("$LC" info | grep -c lctest-1)" = 2 ]
result "  ... patched both processes that map the library" $?
"$LC" unpatch --all >"$other.log" 2>&1
result "unpatch --all" $? "$(tail -n 3 "$other.log")"
lc_grows "$busy" old && lc_grows "$other" old && [ -z "$("$LC" info)" ]
result "  ... and unpatched both" $?
kill -9 "$other_pid"

# Refusals: each leaves the process as it was.
busy_pid=$pid
before=$(lc_maps "$pid")
z=$(mktemp)
lc_start "$z" sleep 100
expect "a patch for a library the process does not map" 5 "maps no object with build-id" \
	"$LC" patch -p "$pid" "$LCB/lctest-1.o"
lc_sane "$pid"
result "  ... which is left running, untraced" $?
pid=$busy_pid
"$top/userland/libcare/build-libpatch" --target /bin/true -I "$top/userland/libcare/tests" \
	-o "$z.o" "$top/userland/libcare/tests/patches/lctest-1"
expect "a patch for another build-id" 5 "maps no object with build-id" \
	"$LC" patch -p "$pid" "$z.o"
head -c $(( $(stat -c %s "$LCB/lctest-1.o") / 2 )) "$LCB/lctest-1.o" >"$z.o"
expect "a corrupt patch object" 1 "corrupt|not an ELF|not a libcare" "$LC" patch -p "$pid" "$z.o"
echo garbage >"$z.o"
expect "a patch object that is no ELF" 1 "not an ELF relocatable" "$LC" patch -p "$pid" "$z.o"
objcopy --remove-section .kcare.lpatch "$LCB/lctest-1.o" "$z.o"
expect "an object without .kcare.lpatch" 1 "no .kcare.lpatch section" "$LC" patch -p "$pid" "$z.o"
rm -f "$z.o"
echo lc-busy >"$z.bl"
expect "a blacklisted process" 3 "refused: lc-busy is in the blacklist" \
	env LIBCARE_BLACKLIST="$z.bl" "$LC" patch -p "$pid" "$LCB/lctest-1.o"
rm -f "$z.bl"
expect "init" 3 "refused: init" "$LC" patch -p 1 "$LCB/lctest-1.o"
expect "a pid that does not exist" 1 "no such process" "$LC" patch -p 999999 "$LCB/lctest-1.o"
# A zombie: a child its parent (exec'd into sleep) never reaps.
bash -c 'sleep 0 & exec sleep 5' &
zp=$!
sleep 0.3
zombie=$(pgrep -P "$zp")
expect "a zombie" 3 "refused: sleep is a zombie" "$LC" patch -p "$zombie" "$LCB/lctest-1.o"
kill "$zp"
# Its own pid: bash's, which exec makes libcare-ctl's.
expect "libcare itself" 3 "refused: libcare itself is never patched" \
	bash -c 'exec "$1" patch -p $$ "$2"' sh "$LC" "$LCB/lctest-1.o"
# A process another tracer holds (strace, as a debugger would).
strace -p "$pid" -o /dev/null 2>/dev/null &
tracer=$!
for i in $(seq 50); do
	grep -q "^TracerPid:[[:space:]]*$tracer$" /proc/"$pid"/status && break
	sleep 0.1
done
expect "a process traced by another (strace)" 3 "refused: lc-busy is traced by pid $tracer" \
	"$LC" patch -p "$pid" "$LCB/lctest-1.o"
kill "$tracer"
wait "$tracer" 2>/dev/null
sleep 0.2
[ "$before" = "$(lc_maps "$pid")" ] && lc_sane "$pid" && [ "$(lc_count "$busy" bad)" = 0 ]
result "after every refusal: same mappings, running, untraced" $?

sec=$(mktemp)
lc_start "$sec" "$LCB/lc-busy" 2 --seccomp
expect "a process under a seccomp filter: refused, status 6" 6 "seccomp filter" \
	"$LC" patch -p "$pid" "$LCB/lctest-1.o"
lc_sane "$pid"
result "  ... left running, untraced" $?

# The process's own policy: MemoryDenyWriteExecute set with prctl (kernel
# 6.3 and later) and a libseccomp filter failing executable mappings.
for how in mdwe seccomp; do
	pol=$(mktemp)
	lc_start "$pol" "$LCB/lc-policy" "$how"
	if grep -q unsupported "$pol"; then
		echo "# skip: $how: $(cat "$pol")"
		continue
	fi
	before=$(lc_maps "$pid")
	msg="MemoryDenyWriteExecute \(prctl PR_SET_MDWE\)"
	[ $how = seccomp ] && msg="seccomp filter"
	expect "$how: refused with status 6" 6 "refused: lc-policy runs .*$msg" \
		"$LC" patch -p "$pid" "$LCB/lctest-1.o"
	[ "$before" = "$(lc_maps "$pid")" ] && lc_sane "$pid" && lc_grows "$pol" old &&
		[ "$(lc_count "$pol" bad)" = 0 ] && [ -z "$("$LC" info)" ]
	result "  ... left running, untraced, same mappings, nothing recorded" $?
	kill -9 "$pid"
done
pid=$busy_pid

# A process of one thread is stopped whole by any stop: its region is
# mapped and written in the switch's own stop, one stop per patch.
one=$(mktemp)
lc_start "$one" "$LCB/lc-busy" 0
before=$(lc_maps "$pid")
for lv in 1 2; do
	expect "one thread: level $lv in one stop" 0 "lctest-$lv applied" \
		"$LC" patch -v -p "$pid" "$LCB/lctest-$lv.o"
	[ "$(grep -c 'stopped 1 threads' "$out")" = 1 ] && lc_grows "$one" "new$lv" &&
		! lc_grows "$one" old && [ "$(lc_count "$one" bad)" = 0 ] && lc_sane "$pid" &&
		[ "$(grep -c ' r-xp 00000000 00:00 0 *$' /proc/"$pid"/maps)" = 1 ]
	result "  ... one stop, the new value since, one region, untraced" $?
done
expect "one thread: unpatch" 0 "lctest-2 removed" "$LC" unpatch -p "$pid"
lc_grows "$one" old && [ "$before" = "$(lc_maps "$pid")" ] && lc_sane "$pid"
result "  ... the original runs, the mappings are as before" $?
kill -9 "$pid"
pol=$(mktemp)
lc_start "$pol" "$LCB/lc-policy" mdwe one
if grep -q unsupported "$pol"; then
	echo "# skip: mdwe, one thread: $(cat "$pol")"
else
	before=$(lc_maps "$pid")
	expect "one thread under MDWE: refused in that one stop" 6 \
		"refused: lc-policy runs .*MemoryDenyWriteExecute \(prctl PR_SET_MDWE\)" \
		"$LC" patch -p "$pid" "$LCB/lctest-1.o"
	[ "$before" = "$(lc_maps "$pid")" ] && lc_sane "$pid" && lc_grows "$pol" old &&
		[ "$(lc_count "$pol" bad)" = 0 ] && [ -z "$("$LC" info)" ]
	result "  ... left running, untraced, same mappings, nothing recorded" $?
fi
kill -9 "$pid"
pid=$busy_pid

# The switch's crash points: the patcher stops itself (SIGKILL) with the
# gates written but switched off, or right after the one write that
# switches, while 16 threads call the function. The target runs on,
# untraced, computing either value and never a wrong one; info says
# "unclean"; the next patch or unpatch finishes or undoes what was left.
cp=$(mktemp)
lc_start "$cp" "$LCB/lc-busy" 16
regions() { grep -c ' r-xp 00000000 00:00 0 *$' /proc/"$pid"/maps; }
# crash_at FAULT WANT VERB [ARGS]: killed there, then WANT grows.
crash_at() {
	local fault=$1 want=$2
	shift 2
	env LIBCARE_FAULT="$fault" "$LC" "$@" >"$cp.log" 2>&1
	[ $? = 137 ] && lc_sane "$pid" && lc_grows "$cp" "$want" &&
		[ "$(lc_count "$cp" bad)" = 0 ] && "$LC" info | grep -q " unclean"
}
crash_at kill-before-switch old patch -p "$pid" "$LCB/lctest-1.o"
result "killed before the switch: old code runs, untraced, info says unclean" $? \
	"$(cat "$cp.log")"
expect "  ... the next patch undoes the leftover and applies" 0 \
	"lctest-1 applied" "$LC" patch -p "$pid" "$LCB/lctest-1.o"
grep -q "half-applied: undoing it" "$out" && lc_grows "$cp" new1 && [ "$(regions)" = 1 ] && ! "$LC" info | grep -q unclean
result "  ... level 1 runs, one region, info clean" $?
crash_at kill-before-switch new1 patch -p "$pid" "$LCB/lctest-2.o"
result "level 2 killed before the switch: level 1 still runs" $? "$(cat "$cp.log")"
crash_at kill-after-switch new2 patch -p "$pid" "$LCB/lctest-2.o"
result "level 2 killed right after the switch: level 2 runs at once" $? "$(cat "$cp.log")"
expect "  ... the next patch finishes it and frees the rest" 5 \
	"level 2 is applied already" "$LC" patch -p "$pid" "$LCB/lctest-2.o"
grep -q "half-done (level 2): finishing it" "$out" && lc_grows "$cp" new2 && [ "$(regions)" = 1 ] && "$LC" info | grep -q "level 2 *lctest-2$"
result "  ... one region (level 2), info clean" $? "$(grep ' 00:00 0 *$' /proc/"$pid"/maps)"
crash_at kill-before-switch new2 unpatch -p "$pid"
result "unpatch killed before its switch: level 2 still runs" $? "$(cat "$cp.log")"
crash_at kill-after-switch old unpatch -p "$pid"
result "unpatch killed right after its switch: the original runs at once" $? "$(cat "$cp.log")"
expect "  ... the next unpatch finishes the removal" 5 "no patch applied" \
	"$LC" unpatch -p "$pid"
grep -q "half-removed: undoing it" "$out" && lc_grows "$cp" old && [ "$(regions)" = 0 ] && [ -z "$("$LC" info)" ] &&
	[ "$(lc_count "$cp" bad)" = 0 ] && lc_sane "$pid"
result "  ... nothing of ours left, nothing wrong ever seen" $?
crash_at kill-after-switch new1 patch -p "$pid" "$LCB/lctest-1.o"
result "level 1 killed right after the switch: it runs" $? "$(cat "$cp.log")"
expect "  ... unpatch finishes then removes it" 0 "lctest-1 removed" \
	"$LC" unpatch -p "$pid"
grep -q "finishing it" "$out" && lc_grows "$cp" old && [ "$(regions)" = 0 ] && [ -z "$("$LC" info)" ] &&
	[ "$(lc_count "$cp" bad)" = 0 ] && lc_sane "$pid"
result "  ... clean, the original runs" $?
kill -9 "$pid"
rm -f "$cp.log"
pid=$busy_pid

# A thread that never leaves the function being replaced.
spin=$(mktemp)
lc_start "$spin" "$LCB/lc-busy" 2 --spin
spin_pid=$pid
before=$(lc_maps "$pid")
t0=$(date +%s%N)
expect "a thread stays in the patched function: busy" 4 \
	"busy: thread [0-9]+ is (running in|inside) lc_test_spin.*gave up after 10 tries" \
	"$LC" patch -p "$pid" --retries 10 --retry-delay 200 "$LCB/lctest-spin.o"
t=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$t" -ge 1800 ] && [ "$t" -lt 8000 ]
result "  ... after about 2 s of retries ($t ms)" $?
[ "$before" = "$(lc_maps "$pid")" ] && lc_sane "$pid" && lc_grows "$spin" old
result "  ... left running, untraced, with the same mappings" $?

# The patcher is killed (SIGKILL) at 12 points of a patch: the kernel
# detaches the threads; whatever the point, the target must run on,
# untraced, never computing a wrong value.
kill=$(mktemp)
lc_start "$kill" "$LCB/lc-busy" 64
ok=0
for d in 0 2 4 6 8 10 13 16 20 25 30 40; do
	"$LC" patch -p "$pid" "$LCB/lctest-1.o" >/dev/null 2>&1 &
	ctl=$!
	sleep "0.0$(printf %02d "$d")"
	kill -9 "$ctl" 2>/dev/null
	wait "$ctl" 2>/dev/null
	sleep 0.1
	lc_sane "$pid" || break
	"$LC" unpatch -p "$pid" >/dev/null 2>&1
	ok=$((ok + 1))
done
[ $ok = 12 ] && lc_grows "$kill" calls && [ "$(lc_count "$kill" bad)" = 0 ] && lc_sane "$pid"
result "SIGKILL of the patcher at 12 points: the target runs on, untraced ($ok/12)" $?
kill -9 "$pid"

# Killed with the thread set to run the injected mmap: the thread runs it,
# then the stub after it puts every register back and resumes the thread.
kill=$(mktemp)
lc_start "$kill" "$LCB/lc-busy" 4
before=$(lc_count "$kill" calls)
for i in 1 2 3; do
	(LIBCARE_FAULT=kill-in-syscall "$LC" patch -p "$pid" "$LCB/lctest-1.o" >/dev/null 2>&1; true) 2>/dev/null
done
sleep 0.3
lc_sane "$pid" && lc_grows "$kill" calls && lc_grows "$kill" old &&
	[ "$(lc_count "$kill" bad)" = 0 ] && [ "$(lc_count "$kill" calls)" -gt "$before" ]
result "killed while its system call runs in the target (3 times): the target carries on" $? \
	"$(tail -n 1 "$kill")"
kill -9 "$pid"

# A thread whose stack holds a function being replaced, deeper than its
# pc: only unwinding (libdw) sees it.
outer=$(mktemp)
lc_start "$outer" "$LCB/lc-busy" 1 --spin-outer
expect "a function deeper in a thread's stack: busy (found by unwinding)" 4 \
	"busy: thread [0-9]+ is inside lc_test_outer \(frame at" \
	"$LC" patch -p "$pid" --retries 3 --retry-delay 50 "$LCB/lctest-outer.o"
lc_sane "$pid" && [ "$(grep -c ' r-xp 00000000 00:00 0 *$' /proc/"$pid"/maps)" = 0 ]
result "  ... left running, untraced, nothing mapped" $?
kill -9 "$pid"

# The process exits while the patcher retries.
pid=$spin_pid
"$LC" patch -p "$pid" --retries 50 --retry-delay 100 "$LCB/lctest-spin.o" >"$spin.log" 2>&1 &
ctl=$!
sleep 0.5
kill -9 "$pid"
wait "$ctl"
rc=$?
[ "$rc" != 0 ] && grep -qE "exited|no such process" "$spin.log"
result "the target exits mid-patch: a clear error (status $rc)" $? "$(tail -n 2 "$spin.log")"
rm -f "$spin.log"

done_testing
