#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The whole-machine figure of kcarectl's user-space update (not a test: it
# measures): N small idle processes (lc-idle) map LibCare's test library,
# a signed patchset for it is published in a repository served on
# 127.0.0.1, and `kcarectl --lib-update` patches every one of them; then
# `kcarectl --lib-unload` removes it. Prints the wall time of each and
# the time per process, beside SUSE libpulp's published figure (4,000
# processes in about 6 s, 1.5 ms a process, with libraries built for it).
#
# kcarectl's paths are fixed: as test-libctl.sh, the run happens in a
# mount namespace of its own where they are empty and private (kc-ns.sh).
#
# usage: bench-libupdate.sh [N...]   (default: 1000; make bench runs 1000)
top=$(cd "$(dirname "$0")/../../.." && pwd)
O=${O:-$top/build/x86_64}
. "$top/userland/kcarectl/tests/kc-ns.sh"
kc_ns_enter KC_BENCH_NS "$0" "$@"
make -s -C "$top" libcare-tests "$O/kcarectl" "$O/kcare-patchset" >/dev/null || exit 1

KC=$O/kcarectl
KP=$O/kcare-patchset
LCB=$O/libcare
T=$(mktemp -d)
PORT=$((20000 + $$ % 10000))
httpd_pid=
idle_pid=
cleanup() {
	[ -n "$idle_pid" ] && kill -9 "$idle_pid" 2>/dev/null
	[ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

gcc -O2 -Wall -Werror -o "$T/httpd" "$top/userland/kcarectl/tests/test-httpd.c" &&
	gcc -O2 -Wall -Werror -I"$top/userland/libcare/tests" -o "$T/lc-idle" \
		"$top/userland/kcarectl/tests/lc-idle.c" -L"$LCB" -llctest -Wl,-rpath,"$LCB" || exit 1
mkdir "$T/repo"
"$T/httpd" "$PORT" "$T/repo" 600 2>/dev/null &
httpd_pid=$!
printf 'PATCH_SERVER=http://127.0.0.1:%s/\nUPDATE_POLICY=REMOTE\n' "$PORT" \
	>/etc/sysconfig/kcare/kcare.conf
BID=$(readelf -n "$LCB/liblctest.so" | sed -n 's/.*Build ID: //p')
printf 'format: 1\nid: L20261201_01\npatch-type: libs\neffective-version: bench\n\n[patch lc_test_value]\ndescription: bench\ncve:\ncvss:\ncve-url:\npatch-url:\nsysctl:\n' \
	>"$T/meta"
"$KP" keygen "$T/priv.pem" "$T/pub.pem" >/dev/null &&
	"$KC" --import-key "$T/pub.pem" >/dev/null &&
	"$KP" pack --meta "$T/meta" --level 1 --arch "$(uname -m)" --kernel-release liblctest.so \
		--build-id "$BID" -o "$T/l1.kcp" "$LCB/lctest-1.o" >/dev/null &&
	"$KP" sign --key "$T/priv.pem" "$T/l1.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" "$T/l1.kcp" >/dev/null || exit 1

ms() { echo $(($(date +%s%N) / 1000000)); }

# What a run costs before any process of ours: the scan of every process
# and the index of every library mapped on this machine.
t0=$(ms)
"$KC" --lib-update >/dev/null 2>&1
t1=$(ms)
echo "no process to patch: --lib-update takes $(awk -v t=$((t1 - t0)) 'BEGIN { printf "%.2f", t / 1000 }') s (the scan, the feed list)"

for n in ${@:-1000}; do
	"$T/lc-idle" "$n" >"$T/idle.out" &
	idle_pid=$!
	# Bounded: 2 minutes for the processes to start.
	for i in $(seq 1200); do
		grep -q ready "$T/idle.out" && break
		sleep 0.1
	done
	sleep 0.5
	# Wall time, and the CPU time of kcarectl and its workers (user and
	# system): on a machine others load, the CPU time is what a run costs.
	TIMEFORMAT='%R %U %S'
	{ time "$KC" --lib-update >"$T/up.out" 2>"$T/up.err"; } 2>"$T/up.t"
	np=$(grep -c ' patched to level 1' "$T/up.out")
	{ time "$KC" --lib-unload >"$T/un.out" 2>"$T/un.err"; } 2>"$T/un.t"
	nu=$(grep -c 'user-space patches removed' "$T/un.out")
	for v in up un; do
		read -r real user sys <"$T/$v.t"
		awk -v what="$v" -v n="$([ $v = up ] && echo "$np" || echo "$nu")" \
			-v real="$real" -v cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" 'BEGIN {
			printf "  %s: %d processes in %.2f s, %.2f ms a process (CPU %.2f s, %.2f ms a process)\n",
				what == "up" ? "--lib-update patched" : "--lib-unload removed",
				n, real, n ? real * 1000 / n : 0, cpu, n ? cpu * 1000 / n : 0
		}'
	done
	echo "$n processes mapping the library (and their parent): $np patched, $nu unpatched; load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
	# What was neither patched nor removed, said (a few lines).
	grep -h 'NOT\|failed\|skipped\|cannot' "$T/up.out" "$T/up.err" "$T/un.out" "$T/un.err" |
		head -n 5 | sed 's/^/  not done: /'
	kill -9 "$idle_pid"
	wait "$idle_pid" 2>/dev/null
	idle_pid=
	# The children die with their parent (PR_SET_PDEATHSIG): wait for them, bounded.
	for i in $(seq 100); do
		pgrep -x lc-idle >/dev/null || break
		sleep 0.1
	done
done
echo "reference: SUSE libpulp, 4000 processes in about 6 s (1.5 ms a process), libraries built and preloaded for it"
