#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Figures of kcare-uchecker (not a test: it measures): the time of a scan
# of every process of this machine, median and max over RUNS runs, with
# the number of processes and mapped objects it looked at.
#
# usage: bench-uchecker.sh [RUNS]
top=$(cd "$(dirname "$0")/../../.." && pwd)
O=${O:-$top/build/x86_64}
UC=$O/kcare-uchecker
runs=${1:-9}
make -s -C "$top" "$UC" >/dev/null || exit 1

objs=$(LOGLEVEL=INFO "$UC" 2>&1 | grep -c '^For ')
procs=$(ls -d /proc/[0-9]* 2>/dev/null | wc -l)
# Wall time depends on the machine's load; CPU time (user + system) on the
# scanner alone: both are given.
TIMEFORMAT='%R %U %S'
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for i in $(seq "$runs"); do
	{ time "$UC" >/dev/null 2>&1; } 2>&1
done >"$tmp"
med() { sort -n | awk '{ v[NR] = $1 } END { printf "%d", v[int((NR + 1) / 2)] }'; }
max() { sort -n | tail -n 1 | awk '{ printf "%d", $1 }'; }
wall_med=$(awk '{ print $1 * 1000 }' "$tmp" | med)
wall_max=$(awk '{ print $1 * 1000 }' "$tmp" | max)
cpu_med=$(awk '{ print ($2 + $3) * 1000 }' "$tmp" | med)
echo "scan of all $procs processes ($objs mapped objects), $runs runs: wall median $wall_med ms, max $wall_max ms; CPU median $cpu_med ms"
