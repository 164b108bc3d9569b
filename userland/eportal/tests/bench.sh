#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-eportal's figures (Documentation/eportal.md, "Figures"): check-ins
# per second and their latency with the SQLite store, the server on one
# CPU (taskset, one worker thread) and the load client ep-load on
# another, over keep-alive connections to 127.0.0.1; and the server's
# memory with MACHINES registered machines. Bounded: at most SECONDS per
# run and MAX requests. Not a test: it measures, it does not pass or fail.
#
# usage: userland/eportal/tests/bench.sh [--quick]
set -euo pipefail

top=$(cd "$(dirname "$0")/../../.." && pwd)
E=$top/build/host/kcare-eportal
L=$top/build/host/ep-load
machines=10000 seconds=10 max=300000 conns=8
[ "${1:-}" = --quick ] && machines=2000 seconds=3 max=50000
make -s -C "$top" host-eportal

tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
D=$tmp/eportal
"$E" init "$D" >/dev/null
sed -i 's/^rate_limit = .*/rate_limit = 0/; s/^threads = .*/threads = 1/' "$D/eportal.conf"
cpus=$(nproc)
srv_cpu=0 cli_cpu=$((cpus > 1 ? 1 : 0))

taskset -c $srv_cpu "$E" serve "$D" --http --listen 127.0.0.1:0 2>"$tmp/serve.log" &
pid=$!
for i in $(seq 100); do
	port=$(sed -n 's/.*, port \([0-9]*\) .*/\1/p' "$tmp/serve.log" 2>/dev/null || true)
	[ -n "$port" ] && break
	sleep 0.1
done
rss() { awk '/^VmRSS/ { print $2 " kB" }' /proc/$pid/status; }
# CPU time of the server so far, in clock ticks (utime + stime): the
# machine may be shared, so requests per CPU second of the server is the
# figure that does not depend on what else runs.
ticks() { awk '{ print $14 + $15 }' /proc/$pid/stat; }
hz=$(getconf CLK_TCK)
# run WHAT ep-load ARGS...: ep-load's line, then the server's CPU time.
run() {
	local what=$1 t0 t1 line n

	shift
	t0=$(ticks)
	line=$(taskset -c $cli_cpu "$L" "$@") || true
	t1=$(ticks)
	n=$(echo "$line" | sed -n 's/.* ok \([0-9]*\) .*/\1/p')
	echo "$line"
	echo "$what: server CPU $(awk -v t=$((t1 - t0)) -v hz=$hz 'BEGIN { printf "%.2f", t / hz }') s," \
		"$(awk -v n="$n" -v t=$((t1 - t0)) -v hz=$hz 'BEGIN { printf "%.0f", t ? n * hz / t : 0 }') per server CPU second"
}

echo "kcare-eportal $(cat "$top/VERSION"), SQLite $(pkg-config --modversion sqlite3), libmicrohttpd $(pkg-config --modversion libmicrohttpd)"
echo "server on CPU $srv_cpu (1 worker thread, access log on), client on CPU $cli_cpu, $conns connections, $(nproc) CPUs"
echo "server memory, idle: $(rss)"

"$E" -d "$D" key create --feed default --limit 0 >"$tmp/key"
echo "register $machines machines:"
run registrations register "$port" "$tmp/key" "$conns" 120 "$machines"
echo "server memory with $machines machines: $(rss)"
"$E" -d "$D" servers list --json | grep -o '"server_id":"[0-9a-f]*"' | cut -d'"' -f4 >"$tmp/ids"
echo "machines in the database: $(wc -l <"$tmp/ids")"

echo "check-ins, $seconds s at most, $max requests at most:"
run check-ins checkin "$port" "$tmp/ids" "$conns" "$seconds" "$max"
echo "server memory after the check-ins: $(rss)"
echo "database: $(du -k "$D/eportal.db" | cut -f1) kB (+ WAL $(du -k "$D/eportal.db-wal" 2>/dev/null | cut -f1 || echo 0) kB)"
