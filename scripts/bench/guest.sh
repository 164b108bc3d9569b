#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks, inside the guest (scripts/bench/run boots it). Prints one
# line per sample, "BENCH NAME VALUE", which the host collects into the
# table and the JSON; "#" lines are notes for the log. Every figure of a
# kind is measured side by side in this one boot, in alternating rounds.
#
# Environment (from scripts/bench/run): BENCH_REPS rounds of each
# measurement (BENCH_CALL_REPS of the per-call ones), BENCH_CYCLES
# applies and reverts for the success count, BENCH_LIMIT_MS the time
# limit of a switch, BENCH_CALLS calls per per-call loop,
# BENCH_GETPID_CALLS getpid calls per rate, BENCH_SLEEPERS sleeping tasks
# added for the load, BENCH_STEPS which steps to run.
set -u

S=/selftests
P=$S/patches
M=$S/modules
B=$S/bin/kcbench
K=/sys/kernel/kcare
KCF=/usr/libexec/kcare/kcare-filter
LOOP=/proc/kcare_bench_loop
REPS=${BENCH_REPS:-5}
CALL_REPS=${BENCH_CALL_REPS:-$((REPS * 2 - 1))}
CYCLES=${BENCH_CYCLES:-100}
LIMIT_MS=${BENCH_LIMIT_MS:-10000}
CALLS=${BENCH_CALLS:-2000000}
SLEEPERS=${BENCH_SLEEPERS:-300}
GETPID_CALLS=${BENCH_GETPID_CALLS:-500000}

KLP=
[ -d /sys/kernel/livepatch ] && KLP=1

out() { echo "BENCH $1 $2"; }
note() { echo "# $*"; }
die() { echo "BENCH-ERROR $*"; exit 1; }
# val KEY LINE: the value of KEY=... in a kcbench line
val() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

kcare_apply() { $B load $P/kcpatch_$1.ko ${2:-}; }
kcare_revert() { $B write $K/unload 1; }
kcare_drop() { rmmod kcpatch_$1; }
klp_apply() { $B klp-load $M/$1.ko $1 ${2:-$LIMIT_MS}; }
klp_revert() { $B klp-disable $1 ${2:-$LIMIT_MS}; }
# A disabled livepatch lets go of its module a moment after its sysfs
# directory goes: rmmod may say EAGAIN until then.
klp_drop() {
	local i=0
	until rmmod $1 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 300 ] || { rmmod $1; return; }
		sleep 0.1
	done
}

# klp_finish NAME: after a timed-out transition, wait it out for good.
klp_finish() {
	while [ "$(cat /sys/kernel/livepatch/$1/transition 2>/dev/null)" = 1 ]; do
		sleep 0.1
	done
}

redirect() { echo $1 >/sys/module/kcare/parameters/redirect; }

# show_hook LABEL FUNCTION: how ftrace reaches FUNCTION now (for the log)
show_hook() {
	note "$1: $(grep -A1 "$2 " /sys/kernel/debug/tracing/enabled_functions 2>/dev/null | tr '\n\t' '  ' || echo "$2 (not in enabled_functions)")"
}

# loop_ns: ns per call of kcare_bench_fn_00 in the fastest of the loop's
# 20 chunks, as ns * 1000 (three decimals)
loop_ns() {
	local l
	echo $CALLS >$LOOP || die "cannot run the loop"
	l=$(cat $LOOP)
	echo $(($(val chunk_ns "$l") * 1000 / $(val chunk "$l")))
}

# getpid_rate: getpid calls per second, in the fastest of 20 runs
getpid_rate() { val best_calls_per_s "$($B getpid $GETPID_CALLS)"; }

# ---- 1. per-call overhead ---------------------------------------------
per_call() {
	local r x f0 f1
	note "per-call: $CALLS calls of kcare_bench_fn_00, $GETPID_CALLS getpid calls, $CALL_REPS rounds"
	r=0
	while [ $r -lt $CALL_REPS ]; do
		out call_ns_milli.unpatched "$(loop_ns)"
		out getpid_cps.unpatched "$(getpid_rate)"

		# x86_64: the default (batched handler) and redirect=direct
		for way in handler direct; do
			[ "$ARCH" != x86_64 ] || redirect $way
			x=kcare_$way
			[ "$ARCH" = x86_64 ] || x=kcare_handler
			kcare_apply bench1 >/dev/null || die "bench1 apply ($way): $(cat $K/last_error)"
			[ $r -gt 0 ] || show_hook $x kcare_bench_fn_00
			out call_ns_milli.$x "$(loop_ns)"
			kcare_revert >/dev/null || die "bench1 revert: $(cat $K/last_error)"
			kcare_drop bench1
			kcare_apply benchsys >/dev/null || die "benchsys apply ($way): $(cat $K/last_error)"
			[ $r -gt 0 ] || show_hook $x sys_getpid
			out getpid_cps.$x "$(getpid_rate)"
			kcare_revert >/dev/null || die "benchsys revert: $(cat $K/last_error)"
			kcare_drop benchsys
			[ "$ARCH" = x86_64 ] || break
		done
		[ "$ARCH" != x86_64 ] || redirect handler

		# a filter patch on __task_pid_nr_ns(), which getpid() calls
		# (x86_64's system call wrappers have no BTF), allowing every call: the
		# cost of running a verified BPF program at its entry, and how
		# long kcare-filter takes until it is active (Documentation/filters.md)
		if [ -e $S/filters/bench_getpid.bpf.o ]; then
			f0=$(cut -d' ' -f1 /proc/uptime)
			$KCF load --name bench_getpid --errno EPERM $S/filters/bench_getpid.bpf.o >/dev/null ||
				die "filter load: $(cat $K/last_error)"
			f1=$(cut -d' ' -f1 /proc/uptime)
			out filter_load_ms "$(echo "$f0 $f1" | awk '{ printf "%d", ($2 - $1) * 1000 }')"
			out getpid_cps.filter "$(getpid_rate)"
			$KCF remove bench_getpid >/dev/null || die "filter remove: $(cat $K/last_error)"
		fi

		# the floor of the handler path: an empty ftrace handler
		if [ -e $M/kcare_bench_ftrace.ko ]; then
			insmod $M/kcare_bench_ftrace.ko || die "cannot load kcare_bench_ftrace"
			[ $r -gt 0 ] || show_hook ftrace_empty kcare_bench_fn_00
			out call_ns_milli.ftrace_empty "$(loop_ns)"
			rmmod kcare_bench_ftrace
		fi

		if [ -n "$KLP" ]; then
			klp_apply kcare_bench_klp1 60000 >/dev/null || die "klp1 apply"
			[ $r -gt 0 ] || show_hook livepatch kcare_bench_fn_00
			out call_ns_milli.livepatch "$(loop_ns)"
			klp_revert kcare_bench_klp1 60000 >/dev/null || die "klp1 revert"
			klp_drop kcare_bench_klp1
			klp_apply kcare_bench_klp_sys 60000 >/dev/null || die "klp_sys apply"
			out getpid_cps.livepatch "$(getpid_rate)"
			klp_revert kcare_bench_klp_sys 60000 >/dev/null || die "klp_sys revert"
			klp_drop kcare_bench_klp_sys
		fi
		r=$((r + 1))
	done
}

# ---- the load: hammers through the patched functions, sleeping tasks --
LOAD_PIDS=
SLEEP_PIDS=
start_hammers() {
	local h
	for h in 1 2 3 4; do
		$S/bin/hammer -n 19 /proc/kcare_bench_call 36000 "sum=100" >/tmp/hammer$h 2>&1 &
		LOAD_PIDS="$LOAD_PIDS $!"
	done
}
stop_hammers() {
	local h
	for h in $LOAD_PIDS; do
		kill -0 $h 2>/dev/null || die "a hammer stopped: $(cat /tmp/hammer*)"
	done
	kill $LOAD_PIDS 2>/dev/null
	wait $LOAD_PIDS 2>/dev/null
	LOAD_PIDS=
}
# sleepers N: N more tasks asleep (in pause())
sleepers() {
	local want=$(($(tasks) + $1 + 1)) i=0

	$B sleepers $1 &
	SLEEP_PIDS="$SLEEP_PIDS $!"
	# wait until they are all there
	while [ $(tasks) -lt $want ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}
# (a bare "wait" would wait for the hammers too)
stop_sleepers() {
	[ -n "$SLEEP_PIDS" ] || return 0
	kill $SLEEP_PIDS 2>/dev/null
	wait $SLEEP_PIDS 2>/dev/null
	SLEEP_PIDS=
}
tasks() { ls -d /proc/[0-9]* | wc -l; }
# threads: every task the freezer may have to check (loadavg's total)
threads() { cut -d' ' -f4 /proc/loadavg | cut -d/ -f2; }
# sleeper_threads N: N more threads asleep, in one process
sleeper_threads() {
	local want=$(($(threads) + $1)) i=0

	$B sleeper-threads $1 &
	SLEEP_PIDS="$SLEEP_PIDS $!"
	while [ $(threads) -lt $want ] && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

# ---- 2. apply latency --------------------------------------------------
# latency WHEN: REPS applies and reverts of 1, 10 and 100 functions
latency() {
	local when=$1 n r l reps
	note "apply latency ($when, $(tasks) tasks): $REPS rounds, $(((REPS + 1) / 2)) for 100 functions"
	for n in 1 10 100; do
		# 100 functions take tens of seconds a round: fewer rounds
		reps=$REPS
		[ $n -lt 100 ] || reps=$(((REPS + 1) / 2))
		r=0
		while [ $r -lt $reps ]; do
			l=$(kcare_apply bench$n) || die "bench$n apply: $(cat $K/last_error)"
			out apply_us.kcare.$n.$when "$(val us "$l")"
			l=$(kcare_revert) || die "bench$n revert: $(cat $K/last_error)"
			out revert_us.kcare.$n.$when "$(val us "$l")"
			kcare_drop bench$n
			if [ -n "$KLP" ]; then
				l=$(klp_apply kcare_bench_klp$n 120000) || die "klp$n apply"
				out apply_us.livepatch.$n.$when "$(val us "$l")"
				l=$(klp_revert kcare_bench_klp$n 120000) || die "klp$n revert"
				out revert_us.livepatch.$n.$when "$(val us "$l")"
				klp_drop kcare_bench_klp$n
			fi
			r=$((r + 1))
		done
	done
}

# ---- 4. success under load ---------------------------------------------
success() {
	local i ok_a=0 ok_r=0 l p0
	note "success under load: $CYCLES applies and reverts of 10 functions, limit $LIMIT_MS ms, $(tasks) tasks"
	echo $LIMIT_MS >$K/freezer_timeout_ms
	# every stop_machine() of the engine, refused ones included: what a
	# pre-screen could save at most (Documentation/prescreen.md)
	p0=$(cat $K/pause/count)
	i=0
	while [ $i -lt $CYCLES ]; do
		if kcare_apply bench10 >/dev/null 2>&1; then
			ok_a=$((ok_a + 1))
			if kcare_revert >/dev/null 2>&1; then
				ok_r=$((ok_r + 1))
			else
				note "kcare revert $i: $(cat $K/last_error)"
				until kcare_revert >/dev/null 2>&1; do :; done
			fi
			kcare_drop bench10
		else
			note "kcare apply $i: $(cat $K/last_error)"
		fi
		i=$((i + 1))
	done
	out success.kcare.apply "$ok_a/$CYCLES"
	out success.kcare.revert "$ok_r/$CYCLES"
	out success.kcare.pauses "$(($(cat $K/pause/count) - p0))/$((ok_a + ok_r))"
	echo 30000 >$K/freezer_timeout_ms
	[ -n "$KLP" ] || return 0
	ok_a=0 ok_r=0 i=0
	while [ $i -lt $CYCLES ]; do
		if l=$(klp_apply kcare_bench_klp10); then
			ok_a=$((ok_a + 1))
			out klp_cycle_us "$(val us "$l")"
			if l=$(klp_revert kcare_bench_klp10); then
				ok_r=$((ok_r + 1))
			else
				note "livepatch revert $i: over the limit"
				klp_finish kcare_bench_klp10
			fi
		else
			note "livepatch apply $i: over the limit ($l)"
			# reverse the transition, then it can go
			klp_finish kcare_bench_klp10
			klp_revert kcare_bench_klp10 600000 >/dev/null
		fi
		klp_drop kcare_bench_klp10 || die "cannot remove kcare_bench_klp10"
		i=$((i + 1))
	done
	out success.livepatch.apply "$ok_a/$CYCLES"
	out success.livepatch.revert "$ok_r/$CYCLES"
}

# ---- 3. pause ----------------------------------------------------------
# pause TASKS: 2 * REPS switches of 10 functions with about TASKS tasks
# (threads: what the freezer checks)
pause() {
	local want=$1 have r
	# the default limit (memory / 128 KiB) stops near 3500 in this guest
	[ $(cat /proc/sys/kernel/threads-max) -gt $((want * 2)) ] ||
		echo $((want * 2)) >/proc/sys/kernel/threads-max
	have=$(threads)
	[ $have -ge $want ] || sleeper_threads $((want - have))
	note "pause: $(threads) threads"
	r=0
	while [ $r -lt $((REPS * 2)) ]; do
		kcare_apply bench10 >/dev/null || die "bench10 apply: $(cat $K/last_error)"
		out pause_us.$want "$(cat $K/pause/last_us)"
		kcare_revert >/dev/null || die "bench10 revert: $(cat $K/last_error)"
		out pause_us.$want "$(cat $K/pause/last_us)"
		kcare_drop bench10
		r=$((r + 1))
	done
	# the same with freezer none: stop_machine() alone, no stack check
	echo none >$K/freezer
	r=0
	while [ $r -lt $REPS ]; do
		kcare_apply bench10 >/dev/null || die "bench10 apply (none): $(cat $K/last_error)"
		out pause_none_us.$want "$(cat $K/pause/last_us)"
		kcare_revert >/dev/null || die "bench10 revert (none): $(cat $K/last_error)"
		out pause_none_us.$want "$(cat $K/pause/last_us)"
		kcare_drop bench10
		r=$((r + 1))
	done
	echo smart >$K/freezer
}

# ---- 5. footprint ------------------------------------------------------
modsize() { awk -v m=$1 '$1 == m { print $2 }' /proc/modules; }
footprint() {
	out mem_bytes.kcare_ko "$(modsize kcare)"
	kcare_apply bench100 >/dev/null || die "bench100 apply"
	out mem_bytes.bench100_payload "$(modsize kcpatch_bench100)"
	kcare_revert >/dev/null && kcare_drop bench100
	if [ -f $P/kcpatch_demo.ko ]; then
		kcare_apply demo >/dev/null || die "demo apply: $(cat $K/last_error)"
		out mem_bytes.demo_payload "$(modsize kcpatch_demo)"
		kcare_revert >/dev/null && kcare_drop demo
	fi
}

# ---- 6. the agent ------------------------------------------------------
agent() {
	local r l
	[ -d /srv/kcare ] || { note "agent: no demo repository for $ARCH"; return 0; }
	httpd -p 127.0.0.1:8080 -h /srv/kcare
	mkdir -p /etc/sysconfig/kcare
	kcarectl --import-key /root/repository-key.pem >/dev/null || die "import-key"
	r=0
	while [ $r -lt $REPS ]; do
		# from the repository: an empty cache, so everything is fetched
		echo PATCH_SERVER=http://127.0.0.1:8080/ >/etc/sysconfig/kcare/kcare.conf
		rm -rf /var/cache/kcare/* /var/lib/kcare/*
		l=$($B run kcarectl --update)
		[ "$(val status "$l")" = 0 ] || die "kcarectl --update: $l"
		out agent_repo_us "$(val us "$l")"
		out agent_maxrss_kb "$(val maxrss_kb "$l")"
		kcarectl --unload >/dev/null || die "kcarectl --unload"
		# from the cache alone
		echo UPDATE_POLICY=LOCAL >>/etc/sysconfig/kcare/kcare.conf
		l=$($B run kcarectl --smart-update)
		[ "$(val status "$l")" = 0 ] || die "kcarectl --smart-update (cache): $l"
		out agent_cache_us "$(val us "$l")"
		out agent_maxrss_kb "$(val maxrss_kb "$l")"
		kcarectl --unload >/dev/null || die "kcarectl --unload"
		r=$((r + 1))
	done
}

case $(uname -m) in
aarch64) ARCH=arm64 SYSPFX=arm64 ;;
*) ARCH=x86_64 SYSPFX=x64 ;;
esac
out arch "$ARCH"
out kernel "$(uname -r)"
out cpus "$(grep -c ^processor /proc/cpuinfo)"
out mem_kb "$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
out livepatch "${KLP:-0}"
insmod $M/kcare_bench_target.ko || die "cannot load kcare_bench_target"
grep -q '^kcare ' /proc/modules || modprobe kcare || die "cannot load kcare"

for step in ${BENCH_STEPS:-footprint per_call latency_idle pause success latency_load agent}; do
	t0=$(cut -d. -f1 /proc/uptime)
	case $step in
	latency_idle) latency idle ;;
	latency_load)
		start_hammers
		have=$(tasks)
		[ $have -ge $SLEEPERS ] || sleepers $((SLEEPERS - have))
		latency load
		stop_hammers
		;;
	success)
		start_hammers
		stop_sleepers
		sleepers $SLEEPERS
		success
		stop_hammers
		;;
	pause) pause 100; pause 1000; pause 5000 ;;
	*) $step ;;
	esac
	note "step $step took $(($(cut -d. -f1 /proc/uptime) - t0)) s of guest time"
	[ $step != pause ] || stop_sleepers
done
stop_sleepers
echo "BENCH-DONE"
