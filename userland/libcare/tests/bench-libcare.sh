#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Figures of LibCare (not a test: it measures): how long the threads of a
# process with 1, 8 and 64 busy threads stay stopped while a patch is
# applied (the switch, median and max over RUNS patch+unpatch cycles: the
# stack check, the entry jumps to the gates and the one committed write),
# with the CPU time libcare itself spent in that stop (the rest of the
# wall time is waiting for the target's threads to be scheduled, which a
# loaded machine stretches),
# and the cost of one call of the test function unpatched, through its
# gate switched off (the gate's own cost: the moved first instructions
# run, then the original) and patched (gate and replacement).
#
# usage: bench-libcare.sh [RUNS]
top=$(cd "$(dirname "$0")/../../.." && pwd)
O=${O:-$top/build/x86_64}
LC=$O/libcare-ctl
LCB=$O/libcare
runs=${1:-15}
export LIBCARE_STATE_DIR=$(mktemp -d)
trap 'rm -rf "$LIBCARE_STATE_DIR"' EXIT
make -s -C "$top" libcare-tests >/dev/null || exit 1

stats() {
	sort -n | awk '{ v[NR] = $1 } END { printf "median %d us, max %d us (%d runs)", v[int((NR + 1) / 2)], v[NR], NR }'
}

for n in 1 8 64; do
	out=$(mktemp)
	"$LCB/lc-busy" "$n" >"$out" &
	pid=$!
	sleep 0.3
	for i in $(seq "$runs"); do
		"$LC" patch -v -p "$pid" "$LCB/lctest-1.o" 2>&1 |
			sed -n 's/.*stopped \([0-9]*\) threads for \([0-9]*\) us (\([0-9]*\) us of .*/\1 \2 \3/p' |
			tail -n 1
		"$LC" unpatch -p "$pid" >/dev/null 2>&1
	done >"$out.t"
	echo "threads=$n (+main): switch stop $(cut -d' ' -f2 "$out.t" | stats); libcare's CPU in it $(cut -d' ' -f3 "$out.t" | stats)"
	kill "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$out" "$out.t"
done

out=$(mktemp)
"$LCB/lc-busy" --bench-loop 2000000 >"$out" &
pid=$!
best() {
	sleep 1.5
	tail -n 3 "$out" | sed 's/ns=//' | sort -n | head -n 1
}
before=$(best)
# The patcher stops itself before the switch: every call goes through
# the gate, switched off.
LIBCARE_FAULT=kill-before-switch "$LC" patch -p "$pid" "$LCB/lctest-1.o" >/dev/null 2>&1
gate=$(best)
"$LC" patch -p "$pid" "$LCB/lctest-1.o" >/dev/null 2>&1
after=$(best)
kill "$pid"
wait "$pid" 2>/dev/null
rm -f "$out"
echo "one call of lc_test_value: $before ns unpatched, $gate ns through the gate switched off, $after ns patched (best of 3 x 2M calls)"
