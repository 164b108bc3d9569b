#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Figures of LibCare (not a test: it measures): how long the threads of a
# process with 1, 8 and 64 busy threads stay stopped while a patch is
# applied (the switch, median and max over RUNS patch+unpatch cycles), and
# the cost of one call of the test function unpatched and patched.
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
			sed -n 's/.*stopped \([0-9]*\) threads for \([0-9]*\) us/\1 \2/p' | tail -n 1
		"$LC" unpatch -p "$pid" >/dev/null 2>&1
	done >"$out.t"
	echo "threads=$n (+main): switch stop $(cut -d' ' -f2 "$out.t" | stats)"
	kill "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$out" "$out.t"
done

out=$(mktemp)
"$LCB/lc-busy" --bench-loop 2000000 >"$out" &
pid=$!
sleep 1
before=$(tail -n 3 "$out" | sed 's/ns=//' | sort -n | head -n 1)
"$LC" patch -p "$pid" "$LCB/lctest-1.o" 2>/dev/null
sleep 1
after=$(tail -n 3 "$out" | sed 's/ns=//' | sort -n | head -n 1)
kill "$pid"
wait "$pid" 2>/dev/null
rm -f "$out"
echo "one call of lc_test_value: $before ns unpatched, $after ns patched (best of 3 x 2M calls)"
