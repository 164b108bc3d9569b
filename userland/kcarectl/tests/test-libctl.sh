#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcarectl's user-space patching end to end on this machine (as root;
# ptrace works natively): LibCare's test library patched in a running
# 8-thread process from a signed user-space patchset published with
# kcare-patchset into a repository served on 127.0.0.1, shown by
# --lib-info and --lib-patch-info, refused when untrusted or tampered,
# the blacklist honoured, and removed by --lib-unload.
#
# kcarectl's paths are fixed: the test re-runs itself in a mount namespace
# of its own where they are empty and private (kc-ns.sh).
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/userland/kcarectl/tests/kc-ns.sh"
kc_ns_enter KC_LIBCTL_NS "$0" "$@"
. "$top/scripts/tests/lib.sh"

O=${O:-$top/build/x86_64}
make -s -C "$top" libcare-tests "$O/kcarectl" "$O/kcare-patchset" >/dev/null ||
	{ result "build" 1; done_testing; exit 1; }

. "$top/userland/libcare/tests/lc-lib.sh"
KC=$O/kcarectl
KP=$O/kcare-patchset
T=$(mktemp -d)
PORT=$((20000 + $$ % 10000))
httpd_pid=
kc_cleanup() {
	[ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null
	lc_cleanup
	rm -f "$LCB/lc-bl" "$LCB/gdb"
	rm -rf "$T"
}
trap kc_cleanup EXIT

gcc -O2 -Wall -Werror -o "$T/httpd" "$top/userland/kcarectl/tests/test-httpd.c" ||
	{ result "build the test server" 1; done_testing; exit 1; }
mkdir "$T/repo"
"$T/httpd" "$PORT" "$T/repo" 600 2>>"$T/httpd.log" &
httpd_pid=$!
echo "PATCH_SERVER=http://127.0.0.1:$PORT/" >/etc/sysconfig/kcare/kcare.conf
echo "UPDATE_POLICY=REMOTE" >>/etc/sysconfig/kcare/kcare.conf

BID=$(readelf -n "$LCB/liblctest.so" | sed -n 's/.*Build ID: //p')
# meta FILE ID LEVEL-NAME: an author's metadata file of patch type libs.
meta() {
	cat >"$1" <<EOF
format: 1
id: $2
patch-type: libs
effective-version: $3

[patch lc_test_value]
description: test: lc_test_value returns more
cve: CVE-2026-99901
cvss: 5.0
cve-url: https://example.org/CVE-2026-99901
patch-url:
sysctl:
EOF
}
# pack LEVEL OBJECT OUT: a signed user-space patchset of liblctest.so.
pack() {
	meta "$T/meta" "L2026120${1}_01" "lctest-$1"
	"$KP" pack --meta "$T/meta" --level "$1" --arch x86_64 \
		--kernel-release liblctest.so --build-id "$BID" -o "$3" "$2" >/dev/null
}

"$KP" keygen "$T/priv.pem" "$T/pub.pem" >/dev/null &&
	"$KP" keygen "$T/other.pem" "$T/other.pub" >/dev/null &&
	"$KC" --import-key "$T/pub.pem" >/dev/null &&
	pack 1 "$LCB/lctest-1.o" "$T/l1.kcp" && pack 2 "$LCB/lctest-2.o" "$T/l2.kcp"
result "keys, and patchsets of levels 1 and 2 packed (patch type libs, .o payload)" $?
expect "pack refuses a kernel module name for a libs payload" 1 "must end in \.o" \
	"$KP" pack --meta "$T/meta" --level 1 --arch x86_64 --kernel-release x \
	--build-id "$BID" -o "$T/bad.kcp" "$T/pub.pem"
cp "$LCB/lctest-1.o" "$T/wrong.o"
expect "pack refuses a patch object for another library" 1 "is a patch for the library of build-id" \
	"$KP" pack --meta "$T/meta" --level 1 --arch x86_64 --kernel-release x \
	--build-id 0123456789abcdef0123456789abcdef01234567 -o "$T/bad.kcp" "$T/wrong.o"

busy=$(mktemp)
lc_start "$busy" "$LCB/lc-busy" 8
lc_grows "$busy" old && [ "$(lc_count "$busy" new1)" = 0 ]
result "lc-busy runs the unpatched library" $?
before=$(lc_maps "$pid")

# said: the refusal's message, as a TAP comment for the reader.
said() {
	grep -m1 '^kcarectl: ' "$out" | sed 's/^/# /'
}

# untouched: the process still runs the original and carries nothing.
untouched() {
	lc_grows "$busy" old && [ "$(lc_count "$busy" new1)" = 0 ] && lc_sane "$pid" &&
		[ "$(lc_maps "$pid")" = "$before" ] && [ -z "$(ls /var/lib/kcare/libcare 2>/dev/null)" ]
}

expect "--lib-update with no patchset published: nothing to do" 0 \
	"No user-space patch applies" "$KC" --lib-update

"$KP" sign --key "$T/other.pem" "$T/l1.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/other.pem" --feed userspace "$T/l1.kcp" >/dev/null
result "a patchset signed by an untrusted key published" $?
expect "--lib-update refuses an index signed by an untrusted key" 1 \
	"no user-space patch applied to .*liblctest.so.*rejected.*key" "$KC" --lib-update
said
untouched
result "the process is untouched" $?

rm -rf "$T/repo/userspace"
"$KP" sign --key "$T/priv.pem" "$T/l1.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed userspace "$T/l1.kcp" >/dev/null
result "the level 1 patchset signed and published with the trusted key" $?
lv1=$T/repo/userspace/$BID/1
cp "$lv1/patchset.kcp" "$T/good.kcp"
printf '\001' | dd of="$lv1/patchset.kcp" bs=1 seek=40 conv=notrunc status=none
expect "--lib-update refuses a tampered patchset" 1 \
	"no user-space patch applied to .*liblctest.so.*(signature|SHA-256)" "$KC" --lib-update
said
untouched
result "the process is untouched" $?
cp "$T/good.kcp" "$lv1/patchset.kcp"
mv "$lv1/patchset.kcp.sig" "$T/sig"
expect "--lib-update refuses an unsigned patchset" 1 \
	"no user-space patch applied to .*liblctest.so.*sig" "$KC" --lib-update
said
untouched
result "the process is untouched" $?
mv "$T/sig" "$lv1/patchset.kcp.sig"

expect "--userspace-update with an unknown type is a usage error" 2 "not a user-space patch set" \
	"$KC" --userspace-update libs,java
expect "--userspace-update qemu leaves a libs patch alone" 0 "No user-space patch applies" \
	"$KC" --userspace-update qemu
expect "--lib-update patches the running process" 0 \
	"^pid $pid \(lc-busy\): liblctest.so patched to level 1 \(L20261201_01\)" "$KC" --lib-update
lc_grows "$busy" new1 && ! lc_grows "$busy" old && lc_sane "$pid" && [ "$(lc_count "$busy" bad)" = 0 ]
result "its output changes: every call returns the patched value, nothing wrong seen" $?
expect "--lib-update again: already applied" 0 "^pid $pid \(lc-busy\): liblctest.so already at level 1" \
	"$KC" --lib-update

expect "--lib-info" 0 "^pid: $pid$" "$KC" --lib-info
grep -q "^build-id: $BID$" "$out" && grep -q '^patch-id: lctest-1$' "$out" &&
	grep -q '^command: lc-busy$' "$out" && grep -q '^level: 1$' "$out"
result "--lib-info shows command, build-id, level and patch id" $?
expect "--lib-info --json" 0 \
	"\"pid\": $pid, \"command\": \"lc-busy\", \"library\": \"[^\"]*liblctest.so\", \"build_id\": \"$BID\", \"level\": 1, \"patch_id\": \"lctest-1\"" \
	"$KC" --lib-info --json
expect "--lib-patch-info" 0 "^kpatch-name: lc_test_value$" "$KC" --lib-patch-info
grep -q '^kpatch-cve: CVE-2026-99901$' "$out" && grep -q "^kpatch-build-id: $BID$" "$out" &&
	grep -q '^kpatch-library: liblctest.so$' "$out" && grep -q '^kpatch-description: test: ' "$out"
result "--lib-patch-info shows the description, library, build-id and CVEs" $?
expect "--lib-patch-info --json" 0 \
	"\"name\": \"lc_test_value\".*\"build_id\": \"$BID\".*\"cve\": \\[\"CVE-2026-99901\"\\]" \
	"$KC" --lib-patch-info --json

cp "$T/repo/userspace/$BID/index" "$T/index.1"
"$KP" sign --key "$T/priv.pem" "$T/l2.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" "$T/l2.kcp" >/dev/null &&
	[ -f "$T/repo/userspace/$BID/2/patchset.kcp" ]
result "level 2 published (in the feed userspace by default)" $?
expect "publish refuses a user-space patchset in another feed" 1 "goes in the feed userspace" \
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed test "$T/l2.kcp"
expect "--lib-update takes level 2" 0 "^pid $pid \(lc-busy\): liblctest.so patched to level 2" \
	"$KC" --lib-update
lc_grows "$busy" new2 && ! lc_grows "$busy" new1 && lc_sane "$pid"
result "level 2 runs" $?

# The feed's list: one request a run, then the index of listed build-ids only.
grep -q "^object: $BID 2 liblctest.so$" "$T/repo/userspace/index" &&
	tail -n 1 "$T/repo/userspace/index" | grep -q '^signature: '
result "publish wrote the signed list of the feed userspace (build-id, level 2, library)" $?
: >"$T/httpd.log"
"$KC" --lib-update >/dev/null 2>&1
n_idx=$(grep -c ' /userspace/[0-9a-f]*/index' "$T/httpd.log")
grep -q 'GET /userspace/index' "$T/httpd.log" && [ "$n_idx" = 1 ] &&
	grep -q "GET /userspace/$BID/index" "$T/httpd.log"
result "--lib-update reads the list, then one index: the listed build-id's (not every library's)" $?
cp "$T/repo/userspace/index" "$T/list.2"
"$KP" refresh --repo "$T/repo" --key "$T/priv.pem" --feed userspace >/dev/null &&
	grep -q '^serial: ' "$T/repo/userspace/index" &&
	! cmp -s "$T/repo/userspace/index" "$T/list.2"
result "kcare-patchset refresh --feed userspace re-signs the list (new serial)" $?
"$KC" --lib-update >/dev/null 2>&1
cp "$T/repo/userspace/index" "$T/list.3"
cp "$T/list.2" "$T/repo/userspace/index"
expect "--lib-update refuses a replayed older list, and asks per build-id instead" 1 \
	"list of feed userspace was rejected.*(serial|replay|roll)" "$KC" --lib-update
grep -q "^pid $pid (lc-busy): liblctest.so already at level 2" "$out"
result "the process is still checked through its own index" $?
sed -i 's/^object: .*/&x/' "$T/list.3"
cp "$T/list.3" "$T/repo/userspace/index"
expect "--lib-update refuses a tampered list" 1 "list of feed userspace was rejected" "$KC" --lib-update
rm "$T/repo/userspace/index"
: >"$T/httpd.log"
expect "--lib-update without a list (an older repository): per build-id, as before" 0 \
	"^pid $pid \(lc-busy\): liblctest.so already at level 2" "$KC" --lib-update
[ "$(grep -c ' /userspace/[0-9a-f]*/index' "$T/httpd.log")" -gt 1 ]
result "and then every library mapped is asked for" $?
"$KP" refresh --repo "$T/repo" --key "$T/priv.pem" --feed userspace >/dev/null
grep -q "^object: $BID 2 " "$T/repo/userspace/index"
result "refresh of a feed without a list makes one from its indexes" $?
"$KP" refresh --repo "$T/repo" --key "$T/priv.pem" --feed userspace "$BID" >/dev/null &&
	grep -q "^object: $BID 2 " "$T/repo/userspace/index"
result "refresh of the build-id's index lists it again" $?

cp "$T/repo/userspace/$BID/index" "$T/index.2"
cp "$T/index.1" "$T/repo/userspace/$BID/index"
expect "--lib-update refuses a replayed older index (the seen state)" 1 \
	"no user-space patch applied to .*liblctest.so.*(serial|replay|roll)" "$KC" --lib-update
said
lc_grows "$busy" new2 && lc_sane "$pid"
result "level 2 stays" $?
cp "$T/index.2" "$T/repo/userspace/$BID/index"

expect "--lib-unload" 0 "^pid $pid: user-space patches removed" "$KC" --lib-unload
lc_grows "$busy" old && ! lc_grows "$busy" new2 && lc_sane "$pid" && [ "$(lc_maps "$pid")" = "$before" ]
result "unloaded: the original code runs again, the mappings as before" $?
expect "--lib-info after unload" 0 "No user-space patch is applied" "$KC" --lib-info
expect "--lib-unload again: nothing to do" 0 "No user-space patch is applied" "$KC" --lib-unload

# The blacklist: a process named lc-bl mapping the same library.
busy_pid=$pid
cp "$LCB/lc-busy" "$LCB/lc-bl"
bl=$(mktemp)
lc_start "$bl" "$LCB/lc-bl" 2
bl_pid=$pid
pid=$busy_pid
echo lc-bl >/var/lib/libcare/blacklist
expect "--lib-update skips a blacklisted process" 0 \
	"^pid $bl_pid \(lc-bl\): liblctest.so skipped: the process is in the blacklist" "$KC" --lib-update
grep -q "^pid $busy_pid (lc-busy): liblctest.so patched to level 2" "$out"
result "and patches the others" $?
lc_grows "$bl" old && [ "$(lc_count "$bl" new2)" = 0 ] && lc_grows "$busy" new2
result "the blacklisted process runs the original" $?
"$KC" --lib-unload >/dev/null
mkdir -p /var/cache/kcare/userspace
echo nothing >/var/cache/kcare/userspace/blacklist
expect "/var/cache/kcare/userspace/blacklist overrides /var/lib/libcare/blacklist" 0 \
	"^pid $bl_pid \(lc-bl\): liblctest.so patched to level 2" "$KC" --lib-update
lc_grows "$bl" new2 && lc_sane "$bl_pid"
result "the process no longer blacklisted is patched" $?

# The list the package installs as /var/lib/libcare/blacklist: a debugger
# (here a copy of lc-busy named gdb) is never patched. Its names must fit
# in a comm (15 characters), or they would never match.
rm /var/cache/kcare/userspace/blacklist
cp "$top/userland/libcare/blacklist" /var/lib/libcare/blacklist
[ -z "$(grep -v '^#' /var/lib/libcare/blacklist | awk 'length > 15 || /[[:space:]]/')" ] &&
	grep -qx gdb /var/lib/libcare/blacklist
result "the shipped blacklist: one comm name a line, each 15 characters at most" $?
cp "$LCB/lc-busy" "$LCB/gdb"
gdbf=$(mktemp)
lc_start "$gdbf" "$LCB/gdb" 1
gdb_pid=$pid
pid=$busy_pid
expect "with the shipped blacklist a process named gdb is skipped" 0 \
	"^pid $gdb_pid \(gdb\): liblctest.so skipped: the process is in the blacklist" "$KC" --lib-update
grep -q "^pid $busy_pid (lc-busy): liblctest.so already at level 2" "$out" && lc_grows "$gdbf" old
result "the others stay patched, gdb runs the original" $?
kill -9 "$gdb_pid"
rm -f "$LCB/gdb" "$gdbf"
expect "--lib-unload --json removes every process's patches" 0 \
	"^    \{\"pid\": $bl_pid, \"result\": \"unpatched\"\}" "$KC" --lib-unload --json
grep -q "^    {\"pid\": $busy_pid, \"result\": \"unpatched\"}" "$out" && grep -qx '{"results": \[' "$out"
result "one result per process, in a JSON document" $?
lc_grows "$bl" old && lc_grows "$busy" old
result "both run the original again" $?

# A process that refuses (under a seccomp filter) is reported; the others
# are patched still, and the exit status says a process refused.
sec=$(mktemp)
lc_start "$sec" "$LCB/lc-busy" 2 --seccomp
sec_pid=$pid
pid=$busy_pid
expect "--lib-update with a process that refuses: status 3" 3 \
	"^pid $sec_pid \(lc-busy\): liblctest.so NOT patched: the process refused it" "$KC" --lib-update
grep -q "^pid $busy_pid (lc-busy): liblctest.so patched to level 2" "$out" &&
	grep -q "^pid $bl_pid (lc-bl): liblctest.so patched to level 2" "$out" && grep -q 'seccomp' "$out"
result "the other processes are patched, the refusal names seccomp" $?
lc_grows "$sec" old && lc_sane "$sec_pid" && lc_grows "$busy" new2
result "the refusing process runs on, unpatched" $?
expect "--lib-update --json reports each process" 3 \
	"\"pid\": $sec_pid, \"command\": \"lc-busy\", .*\"result\": \"refused\"" "$KC" --lib-update --json
"$KC" --lib-unload >/dev/null
lc_grows "$busy" old
result "unloaded at the end" $?

kill -9 "$sec_pid"

# PREFIX and --test/--prefix reach the user-space feeds as they reach the
# kernel's: --test reads test-userspace. STICKY_PATCH pins a date there too.
expect "--lib-update --test with an empty test-userspace feed: nothing to do" 0 \
	"No user-space patch applies" "$KC" --lib-update --test
old=$(date -u -d '-10 days' +%Y-%m-%dT%H:%M:%SZ)
meta "$T/meta" L20261201_01 lctest-1
"$KP" pack --meta "$T/meta" --level 1 --arch x86_64 --kernel-release liblctest.so \
	--build-id "$BID" --release-time "$old" -o "$T/old1.kcp" "$LCB/lctest-1.o" >/dev/null &&
	"$KP" sign --key "$T/priv.pem" "$T/old1.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed test-userspace "$T/old1.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed test-userspace "$T/l2.kcp" >/dev/null &&
	[ -f "$T/repo/test-userspace/$BID/2/patchset.kcp" ]
result "levels 1 (10 days ago) and 2 (now) published in the feed test-userspace" $?
expect "publish refuses a kernel patchset's feed for a user-space one" 1 "goes in the feed userspace" \
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed userspace-x "$T/l2.kcp"
cp /etc/sysconfig/kcare/kcare.conf "$T/conf"
echo "STICKY_PATCH=$(date -u -d '-5 days' +%d%m%y)" >>/etc/sysconfig/kcare/kcare.conf
expect "--lib-update --test under STICKY_PATCH=DDMMYY (5 days ago) takes level 1" 0 \
	"^pid $busy_pid \(lc-busy\): liblctest.so patched to level 1" "$KC" --lib-update --test
lc_grows "$busy" new1 && lc_sane "$busy_pid"
result "level 1 runs" $?
cp "$T/conf" /etc/sysconfig/kcare/kcare.conf
echo "PREFIX=test" >>/etc/sysconfig/kcare/kcare.conf
expect "--lib-update under PREFIX=test without sticky takes test-userspace's level 2" 0 \
	"^pid $busy_pid \(lc-busy\): liblctest.so patched to level 2" "$KC" --lib-update
lc_grows "$busy" new2 && lc_sane "$busy_pid"
result "level 2 runs" $?
expect "--lib-patch-info under PREFIX=test reads test-userspace's copy" 0 \
	"^kpatch-name: lc_test_value$" "$KC" --lib-patch-info
cp "$T/conf" /etc/sysconfig/kcare/kcare.conf
"$KC" --lib-unload >/dev/null
lc_grows "$busy" old
result "unloaded" $?

# Processes that exit between the scan and the patch are "gone", never a
# failure: 40 short-lived ones (0.1 to 1.5 s) among the long-lived.
short=
for i in $(seq 40); do
	"$LCB/lc-busy" 1 >/dev/null 2>&1 &
	short="$short $!"
	lc_pids="$lc_pids $!"
done
disown -a
sleep 0.5
# Each is killed within 2.5 s from now: before the scan, during it, the
# download or the patch (the run takes about that long here).
for p in $short; do
	d=$((RANDOM % 250))
	(sleep "$((d / 100)).$((d % 100 / 10))$((d % 10))"; kill -9 "$p" 2>/dev/null) &
done
disown -a
out=$(mktemp)
"$KC" --lib-update >"$out" 2>&1
rc=$?
grep -c ': liblctest.so skipped: the process exited' "$out" | sed 's/^/# gone: /'
grep -c ': liblctest.so patched to level 2' "$out" | sed 's/^/# patched: /'
[ $rc = 0 ] && ! grep -q 'NOT patched\|failed' "$out" &&
	grep -q "^pid $busy_pid (lc-busy): liblctest.so patched to level 2" "$out"
result "--lib-update while 40 processes exit: status 0, each patched or gone, none failed" $?
[ $rc = 0 ] || sed 's/^/# /' "$out" | head -20
for p in $short; do kill -9 "$p" 2>/dev/null; done
sleep 0.2
bad=0
for p in $short; do [ -d /proc/$p ] && [ "$(cut -d' ' -f3 /proc/$p/stat)" != Z ] && bad=1; done
[ $bad = 0 ] && lc_sane "$busy_pid" && lc_grows "$busy" new2
result "the short-lived processes are all gone, the others patched and running" $?
"$KC" --lib-unload >/dev/null

# The patch types: a qemu patchset (in a feed of its own, qa-userspace) is
# taken by --userspace-update qemu only, not by libs nor by the default
# USERSPACE_PATCHES=db names.
meta "$T/meta" L20261201_01 lctest-qemu
sed -i 's/^patch-type: libs$/patch-type: qemu/' "$T/meta"
"$KP" pack --meta "$T/meta" --level 1 --arch x86_64 --kernel-release liblctest.so \
	--build-id "$BID" -o "$T/q1.kcp" "$LCB/lctest-1.o" >/dev/null &&
	"$KP" sign --key "$T/priv.pem" "$T/q1.kcp" >/dev/null &&
	"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed qa-userspace "$T/q1.kcp" >/dev/null
result "a patchset of type qemu published in the feed qa-userspace" $?
expect "--userspace-update libs --prefix qa: a qemu patchset is not for libs" 0 \
	"No user-space patch applies" "$KC" --userspace-update libs --prefix qa
echo "USERSPACE_PATCHES=db" >>/etc/sysconfig/kcare/kcare.conf
expect "--userspace-update --prefix qa under USERSPACE_PATCHES=db: nothing" 0 \
	"No user-space patch applies" "$KC" --userspace-update --prefix qa
# A qemu patchset patches QEMU's own executable (lib-kind.c), never a
# library: taken by --userspace-update qemu, it skips liblctest.so by name.
# test-qemucare.sh applies one to a running QEMU.
expect "--userspace-update qemu --prefix qa: the qemu patchset skips a library" 0 \
	"pid $busy_pid \(lc-busy\): liblctest.so skipped: a qemu patchset, and this is a libs target" \
	"$KC" --userspace-update qemu --prefix qa
lc_grows "$busy" old && lc_sane "$busy_pid"
result "lc-busy runs its library unpatched" $?
cp "$T/conf" /etc/sysconfig/kcare/kcare.conf
"$KC" --lib-unload >/dev/null
rm -f "$sec" "$bl" "$busy"

done_testing
