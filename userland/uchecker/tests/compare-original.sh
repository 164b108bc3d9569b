#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-uchecker beside the original Python scanner (CloudLinux's
# kcare-uchecker, uchecker.py) on the same test processes: what each
# reports, and how long each takes over the whole machine. Not part of
# "make check": it needs the original's source, given as ORIG=PATH or taken
# from a git mirror of github.com/cloudlinux/kcare-uchecker (MIRROR=DIR).
#
# The original decides "up to date" from lists on the network (a JSON of
# the build-ids each distribution ships, and one of what KernelCare+
# handles). For an offline, like-for-like run those two functions are
# replaced by the truth of this test: the build-id now on disk is the up
# to date one. Everything else (maps walk, build-id reading, messages,
# exit codes) is the original's own code. Needs root.
top=$(cd "$(dirname "$0")/../../.." && pwd)
O=${O:-$top/build/x86_64}
UC=$O/kcare-uchecker
LCB=$O/libcare
MIRROR=${MIRROR:-/work/.mirror/cloudlinux+kcare-uchecker/repo}
work=$(mktemp -d)
pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$work"' EXIT

if [ -z "$ORIG" ]; then
	ORIG=$work/uchecker.py
	git -C "$MIRROR" show HEAD:uchecker.py >"$ORIG" 2>/dev/null ||
		{ echo "no original: set ORIG=uchecker.py or MIRROR=git dir" >&2; exit 2; }
fi
make -s -C "$top" libcare-tests "$UC" >/dev/null || exit 2

gcc -O1 -g -fPIC -shared -Wl,--build-id -o "$work/new.so" \
	"$top/userland/libcare/tests/lctest.c" || exit 2
start() {
	mkdir -p "$work/$1"
	cp "$LCB/lc-busy" "$LCB/liblctest.so" "$work/$1/"
	"$work/$1/lc-busy" 1 >/dev/null 2>&1 &
	disown
	eval "pid_$1=$!"
	pids="$pids $!"
}
start upgraded; start renamed; start deleted; start current
sleep 0.5
install -m 0755 "$work/new.so" "$work/upgraded/liblctest.so"
cp "$work/new.so" "$work/renamed/.n" && mv "$work/renamed/.n" "$work/renamed/liblctest.so"
rm "$work/deleted/liblctest.so"
new_id=$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import uchecker
print(uchecker.get_build_id(open(sys.argv[2], "rb")))' "$(dirname "$ORIG")" "$work/new.so")

# The original, its two network lists replaced (see above).
cat >"$work/run-orig.py" <<PY
import logging, os, sys
sys.path.insert(0, "$(dirname "$ORIG")")
import uchecker
uchecker.get_dist_data = lambda dist: {"liblctest.so": ["$new_id"]}
uchecker.get_kcplus_data = lambda: set()
logging.basicConfig(level=uchecker.LOGLEVEL, format="%(message)s")
sys.exit(uchecker.main())
PY

echo "== the test processes: upgraded $pid_upgraded, renamed over $pid_renamed, deleted $pid_deleted, current $pid_current"
echo "== original (uchecker.py), whole machine"
python3 "$work/run-orig.py" 2>&1 | grep -v '^$'
echo "exit ${PIPESTATUS[0]}"
echo "== kcare-uchecker, whole machine"
"$UC" 2>&1 | grep -v '^$'
echo "exit ${PIPESTATUS[0]}"

# Time over all processes: median of RUNS runs each.
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
timeit() {
	local i s e
	for i in $(seq "${RUNS:-5}"); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		echo $(((e - s) / 1000000))
	done | median
}
echo "== time over $(ls -d /proc/[0-9]* | wc -l) processes, median of ${RUNS:-5} runs (ms)"
echo "original:       $(timeit python3 "$work/run-orig.py")"
echo "kcare-uchecker: $(timeit "$UC")"
