#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real Debian security fix applied to a running process: CVE-2026-27171
# (crc32_combine() with a negative length loops forever) in Debian's
# zlib1g 1:1.2.13.dfsg-1 (bookworm; fixed by 1:1.2.13.dfsg-1+deb12u1 in
# bookworm-security). The exact older binary and its Debian source are
# fetched by tests/fetch-debian into .cache/; the patch is upstream's fix
# (zlib 1.3.2) built against that source. Same process before and after.
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/userland/libcare/tests/lc-lib.sh"

ver=1:1.2.13.dfsg-1
make -s -C "$top" libcare-tests >/dev/null || { result "build" 1; done_testing; exit 1; }
z=$("$top/userland/libcare/tests/fetch-debian" zlib "$ver" zlib1g 2>/dev/null)
result "fetch zlib1g $ver and its source" $?
lib=$z/root/lib/x86_64-linux-gnu/libz.so.1.2.13
patch=$LCB/zlib-CVE-2026-27171.o
"$top/userland/libcare/build-libpatch" --target "$lib" -I "$z/src" -o "$patch" \
	"$top/userland/libcare/tests/patches/zlib-CVE-2026-27171"
result "build the patch from the Debian source plus the upstream fix" $?
expect "patch-info names the CVE" 0 "CVEs: CVE-2026-27171" "$LC" patch-info "$patch"

log=$(mktemp)
lc_start "$log" env LD_LIBRARY_PATH="$z/root/lib/x86_64-linux-gnu" "$LCB/lc-zlib-demo"
grep -q "$(readlink -f "$lib")" /proc/"$pid"/maps
result "the demo runs on the old Debian zlib" $?
kill -USR1 "$pid"; sleep 1.5
grep -q "^probe: hang" "$log"
result "before: crc32_combine(..., -1) never returns (the bug)" $? "$(grep probe "$log")"

expect "patch the running process" 0 "CVE-2026-27171 applied \(level 1, 4 functions" \
	"$LC" patch -p "$pid" "$patch"
kill -USR1 "$pid"; sleep 0.5
grep -q "^probe: returned 0" "$log" && lc_sane "$pid"
result "after: it returns 0 at once, same process, untraced" $? "$(grep probe "$log")"
sleep 0.3
w=$(grep '^checks=' "$log" | tail -n 1)
case $w in *" wrong=0") true ;; *) false ;; esac
result "crc32_combine() gave correct results throughout ($w)" $?

expect "unpatch" 0 "removed" "$LC" unpatch -p "$pid"
kill -USR1 "$pid"; sleep 1.5
[ "$(grep -c '^probe: hang' "$log")" = 2 ] && lc_sane "$pid"
result "unpatched: the old code runs again" $?
done_testing
