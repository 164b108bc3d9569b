#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Figures of QEMUCare (not a test: it measures): how long every thread of
# a running QEMU (Debian's 7.2.18, TCG vCPU, N iothreads) stays stopped
# for the switch of the real e1000e fix (test-qemucare.sh), median and
# max over RUNS patch+unpatch cycles, for 16 and 128 iothreads; and that
# the card still takes frames after them. Needs root and .cache filled by
# fetch-qemu.
#
# usage: bench-qemucare.sh [RUNS]
top=$(cd "$(dirname "$0")/../../.." && pwd)
O=${O:-$top/build/x86_64}
LC=$O/libcare-ctl
runs=${1:-20}
T=$(mktemp -d)
export LIBCARE_STATE_DIR=$T/state
mkdir -p "$LIBCARE_STATE_DIR"
qe_pid=
trap '[ -n "$qe_pid" ] && kill -9 "$qe_pid" 2>/dev/null; rm -rf "$T"' EXIT
. "$top/userland/libcare/tests/qemu-e1000e.sh"
make -s -C "$top" "$LC" >/dev/null || exit 1
q=$("$top/userland/libcare/tests/fetch-qemu") || exit 1
qe_patch "$q" "$T" "$T/fix.o" >"$T/build.log" 2>&1 || { cat "$T/build.log"; exit 1; }

stats() {
	sort -n | awk '{ v[NR] = $1 } END { printf "median %d us, max %d us (%d runs)", v[int((NR + 1) / 2)], v[NR], NR }'
}

port=$((30000 + $$ % 10000))
for n in 16 128; do
	qe_start "$T" "$q" "$T/qemu.log" $port $((port + 1)) "$n" || exit 1
	port=$((port + 2))
	qe_setup || exit 1
	nth=$(ls /proc/"$qe_pid"/task | wc -l)
	: >"$T/stops"
	for i in $(seq "$runs"); do
		for v in patch unpatch; do
			if [ $v = patch ]; then
				"$LC" patch -v -p "$qe_pid" "$T/fix.o" 2>&1
			else
				"$LC" unpatch -v -p "$qe_pid" 2>&1
			fi | sed -n "s/.*stopped $nth threads for \([0-9]*\) us.*/\1/p" >>"$T/stops"
		done
	done
	r=$(qe_round 0)
	echo "QEMU 7.2.18, $nth threads ($n iothreads): switch stop $(stats <"$T/stops"); afterwards the card: $r"
	kill -9 "$qe_pid"
	while [ -d /proc/"$qe_pid" ]; do sleep 0.1; done
	qe_pid=
	exec 6>&- 7>&-
done
