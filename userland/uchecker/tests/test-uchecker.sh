#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-uchecker on this machine: test processes (LibCare's lc-busy, which
# dlopen()s liblctest.so from its own folder) each with its own copy of
# the library, which is then upgraded, replaced by rename, deleted, left
# alone, reinstalled as the same build, or live patched; what the scanner
# says of each, as text and as JSON, and its exit codes. Needs root (it
# reads /proc/PID/mem) and "make libcare-tests".
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/userland/libcare/tests/lc-lib.sh"
UC=$O/kcare-uchecker

make -s -C "$top" libcare-tests "$UC" >/dev/null ||
	{ result "build" 1; done_testing; exit 1; }
if [ "$(id -u)" != 0 ]; then
	echo "ok 1 - $name: # SKIP needs root to read other processes' memory"
	echo "1..1"
	exit 0
fi

work=$(mktemp -d)
trap 'lc_cleanup; rm -rf "$work"' EXIT

# Another build of the same library: other flags, so another build-id.
gcc -O1 -g -fPIC -shared -Wl,--build-id -o "$work/liblctest-new.so" \
	"$top/userland/libcare/tests/lctest.c" || result "rebuild the library" 1

# start NAME: lc-busy running from $work/NAME with its own library copy.
start() {
	mkdir -p "$work/$1"
	cp "$LCB/lc-busy" "$LCB/liblctest.so" "$work/$1/"
	lc_start "$work/$1.out" "$work/$1/lc-busy" 1
	eval "pid_$1=$pid"
}
start upgraded; start renamed; start deleted; start current; start same
start patched

# Upgraded the way install(1) does it: unlink, then a new file.
install -m 0755 "$work/liblctest-new.so" "$work/upgraded/liblctest.so"
# Replaced the way dpkg and rpm do it: the new build renamed over.
cp "$work/liblctest-new.so" "$work/renamed/.new" && mv "$work/renamed/.new" "$work/renamed/liblctest.so"
rm "$work/deleted/liblctest.so"
# The same build renamed over: a new inode, but nothing outdated.
cp "$work/same/liblctest.so" "$work/same/.new" && mv "$work/same/.new" "$work/same/liblctest.so"

expect "an upgraded library is not up to date" 1 \
	"^\[ \] Process lc-busy\[$pid_upgraded\] linked to the \`liblctest.so\` that is not up to date. Reason: replaced" \
	"$UC" -p "$pid_upgraded"
grep -q "^You may want to update libraries above and restart corresponding processes.$" "$out"
result "the original's closing advice" $?
expect "a library replaced by rename" 1 \
	"Process lc-busy\[$pid_renamed\] linked to the \`liblctest.so\` that is not up to date. Reason: replaced \(running build-id [0-9a-f]+, on disk [0-9a-f]+\)" \
	"$UC" -p "$pid_renamed"
expect "a deleted library" 1 \
	"Process lc-busy\[$pid_deleted\] linked to the \`liblctest.so\` that is not up to date. Reason: deleted \(running build-id [0-9a-f]+, on disk none\)" \
	"$UC" -p "$pid_deleted"
expect "an up-to-date library: no finding" 0 \
	"^It looks OK. We didn't find any outdated libraries.$" "$UC" -p "$pid_current"
! grep -q "not up to date" "$out"
result "nothing said of it" $?
expect "the same build reinstalled: no finding" 0 "^It looks OK" "$UC" -p "$pid_same"

# Live patched by LibCare, then the library on disk upgraded: the running
# copy carries the fix, so it is reported as patched, not outdated.
"$LC" patch -p "$pid_patched" "$LCB/lctest-1.o" >"$out" 2>&1
result "LibCare patches the test process" $? "$(cat "$out")"
cp "$work/liblctest-new.so" "$work/patched/.new" && mv "$work/patched/.new" "$work/patched/liblctest.so"
expect "a live-patched library is not outdated" 0 "^It looks OK" "$UC" -p "$pid_patched"
LOGLEVEL=INFO "$UC" -p "$pid_patched" >"$out" 2>&1
grep -q "linked to the \`liblctest.so\` that is live patched by LibCare (lctest-1, level 1): replaced" "$out"
result "LOGLEVEL=INFO says it is live patched, and by what" $?
lc_sane "$pid_patched"
result "the scanned process runs on, untraced" $?

all="-p $pid_upgraded -p $pid_renamed -p $pid_deleted -p $pid_current -p $pid_same -p $pid_patched"
# shellcheck disable=SC2086
"$UC" --json $all >"$work/json" 2>/dev/null
rc=$?
jq -e '.outdated == 3 and .patched == 1 and (.findings | length) == 4 and .error == false' "$work/json" >/dev/null &&
	python3 -m json.tool "$work/json" >/dev/null
result "--json is valid: 3 outdated, 1 patched" $? "$(cat "$work/json")"
[ $rc = 1 ]
result "--json exits 1 too" $?
jq -e --argjson p "$pid_deleted" '.findings[] | select(.pid == $p) | .reason == "deleted" and .disk_build_id == null and .library == "liblctest.so"' \
	"$work/json" >/dev/null
result "--json: the deleted one, its reason, no build-id on disk" $?
jq -e --argjson p "$pid_patched" '.findings[] | select(.pid == $p) | .state == "patched" and .patch == "lctest-1" and .patch_level == 1' \
	"$work/json" >/dev/null
result "--json: the patched one, its patch and level" $?

# LOGLEVEL, read as the original reads it: the findings are errors.
# shellcheck disable=SC2086
LOGLEVEL=CRITICAL "$UC" $all >"$out" 2>&1
[ $? = 1 ] && ! grep -q "not up to date" "$out"
result "LOGLEVEL=CRITICAL hides the findings, keeps the exit code" $?
LOGLEVEL=warning "$UC" -p "$pid_deleted" >"$out" 2>&1
grep -q "^Library \`liblctest.so\` was gathered from memory.$" "$out"
result "LOGLEVEL=warning (any case): the original's warning" $?
LOGLEVEL=DEBUG "$UC" -p "$pid_current" >"$out" 2>&1
grep -q "^For lc-busy\[$pid_current\] \`liblctest.so\` was found with buid id = [0-9a-f]*$" "$out" &&
	grep -q "^path: $work/current/liblctest.so, on disk: [0-9a-f]*$" "$out"
result "LOGLEVEL=DEBUG: every object and its build-ids" $?
expect "LOGLEVEL=BOGUS is an error" 2 "LOGLEVEL=BOGUS" env LOGLEVEL=BOGUS "$UC" -p "$pid_current"

# Exit codes.
expect "-p of a missing pid: exit 2" 2 "pid 999999999: No such process" "$UC" -p 999999999
expect "-p of a kernel thread: nothing to say" 0 "It looks OK" "$UC" -p 2
expect "-p of something else: exit 2" 2 "not a process id" "$UC" -p abc
expect "an unknown option: exit 2" 2 "Usage" "$UC" --bogus
"$UC" >"$out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "lc-busy\[$pid_deleted\]" "$out" && ! grep -q "lc-busy\[$pid_current\]" "$out"
result "the whole machine: exit 1, the outdated ones found, not the current" $? "exit $rc"
for p in $pid_upgraded $pid_renamed $pid_deleted $pid_current $pid_same; do
	lc_sane "$p" || break
done
result "every scanned process runs on, untraced" $?
done_testing
