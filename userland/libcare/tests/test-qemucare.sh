#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMUCare end to end (as root): Debian's qemu-system-x86_64 of
# 1:7.2+dfsg-7+deb12u15 (QEMU 7.2.18), the exact binary, runs a q35
# machine under TCG (SeaBIOS, no boot device) with an e1000e card and 16
# iothreads; a real fix of a later Debian QEMU (7.2.22's e1000e receive
# fixes, in 1:7.2+dfsg-7+deb12u18) is built from the Debian source of the
# running version, published as a signed patchset of type qemu into a
# repository on 127.0.0.1, and applied by kcarectl --userspace-update
# qemu to the running process. The card shows the bug and then the fix in
# the same process (qemu-e1000e.sh drives it over QMP): a frame received
# through a ring whose first descriptor has a NULL buffer is lost before,
# delivered after, lost again after --lib-unload. QMP keeps answering and
# the guest keeps running throughout; the process is left untraced.
#
# kcarectl's fixed paths are private tmpfs mounts (kcarectl/tests/kc-ns.sh).
top=$(cd "$(dirname "$0")/../../.." && pwd)
# The download and configure of QEMU need the machine's apt and dpkg
# state: done before entering the namespace, where /var/lib is empty.
if [ -z "$KC_QEMUCARE_NS" ] && [ "$(id -u)" = 0 ] &&
	! "$top/userland/libcare/tests/fetch-qemu" >/dev/null; then
	echo "not ok 1 - qemucare: fetch QEMU 1:7.2+dfsg-7+deb12u15 and its source"
	echo "1..1"
	exit 1
fi
. "$top/userland/kcarectl/tests/kc-ns.sh"
kc_ns_enter KC_QEMUCARE_NS "$0" "$@"
. "$top/scripts/tests/lib.sh"
O=${O:-$top/build/x86_64}
make -s -C "$top" "$O/kcarectl" "$O/kcare-patchset" >/dev/null ||
	{ result "build" 1; done_testing; exit 1; }
q=$("$top/userland/libcare/tests/fetch-qemu") ||
	{ result "find the fetched QEMU" 1; done_testing; exit 1; }

. "$top/userland/libcare/tests/lc-lib.sh"
. "$top/userland/libcare/tests/qemu-e1000e.sh"
KC=$O/kcarectl
KP=$O/kcare-patchset
T=$(mktemp -d)
PORT=$((20000 + $$ % 10000))
httpd_pid=
kc_cleanup() {
	[ -n "$httpd_pid" ] && kill "$httpd_pid" 2>/dev/null
	lc_cleanup
	rm -rf "$T"
}
trap kc_cleanup EXIT

QEMU=$q/root/usr/bin/qemu-system-x86_64
BID=$(readelf -n "$QEMU" | sed -n 's/.*Build ID: //p')
result "fetched Debian's qemu-system-x86_64 1:7.2+dfsg-7+deb12u15 (build-id $BID) and its source" 0

# The fix, built from the Debian source of the running version.
qe_patch "$q" "$T" "$T/qemu-fix.o" >"$T/build.log" 2>&1
result "the e1000e fix of v7.2.22 applied to the 7.2.18 source and built into a patch" $? \
	"$(tail -n 5 "$T/build.log")"

# The machine (qemu-e1000e.sh), 16 iothreads.
QP=$((PORT + 1))
NP=$((PORT + 2))
qe_start "$T" "$q" "$T/qemu.log" $QP $NP 16
pid=$qe_pid
lc_pids="$lc_pids $pid"
qmp query-status && [[ $qmp_reply == *'"running": true'* ]]
result "QEMU 7.2.18 runs the guest, QMP answers" $? "$(cat "$T/qemu.log")"
nthreads=$(ls /proc/"$pid"/task | wc -l)
qe_setup
result "the e1000e card set up through its I/O BAR (port $QE_IO), link up" $?
r=$(qe_round 0)
[ "$r" = lost ]
result "before: a frame behind a NULL-buffer descriptor is lost (the bug)" $? "$r"

# The patchset of type qemu; first published as type db, which kcarectl
# must not apply to a QEMU.
meta() {
	cat >"$T/meta" <<META
format: 1
id: $2
patch-type: $1
effective-version: qemu-7.2.18-e1000e-rx

[patch e1000e_rx_null_descriptor]
description: QEMU e1000e: a receive descriptor with a NULL buffer no longer swallows the packet (7.2.22)
cve:
cvss:
cve-url:
patch-url: https://gitlab.com/qemu-project/qemu/-/commit/v7.2.22
sysctl:
META
}
publish() {
	meta "$1" "$2" && rm -rf "$T/repo/userspace" &&
		"$KP" pack --meta "$T/meta" --level 1 --arch x86_64 \
			--kernel-release qemu-system-x86_64 --build-id "$BID" \
			-o "$T/q.kcp" "$T/qemu-fix.o" >/dev/null &&
		"$KP" sign --key "$T/priv.pem" "$T/q.kcp" >/dev/null &&
		"$KP" publish --repo "$T/repo" --key "$T/priv.pem" --feed userspace "$T/q.kcp" >/dev/null
}
gcc -O2 -Wall -Werror -o "$T/httpd" "$top/userland/kcarectl/tests/test-httpd.c" &&
	mkdir "$T/repo" && { "$T/httpd" "$PORT" "$T/repo" 900 2>"$T/httpd.log" & httpd_pid=$!; } &&
	printf 'PATCH_SERVER=http://127.0.0.1:%s/\nUPDATE_POLICY=REMOTE\n' "$PORT" \
		>/etc/sysconfig/kcare/kcare.conf &&
	"$KP" keygen "$T/priv.pem" "$T/pub.pem" >/dev/null &&
	"$KC" --import-key "$T/pub.pem" >/dev/null && publish db U20261205_01
result "repository on 127.0.0.1, a signed patchset for the QEMU build-id as patch type db" $?
expect "--userspace-update db does not apply it to QEMU" 0 \
	"^pid $pid \(qemu-system-x86\): qemu-system-x86_64 skipped: a db patchset, and this is a qemu target" \
	"$KC" --userspace-update db
r=$(qe_round 1)
[ "$r" = lost ] && [ -z "$(ls /var/lib/kcare/libcare 2>/dev/null)" ] && lc_sane "$pid"
result "QEMU untouched" $? "$r"

publish qemu U20261205_02
result "the same fix published as patch type qemu" $?
expect "--userspace-update libs leaves it alone" 0 "No user-space patch applies" \
	"$KC" --userspace-update libs
expect "--userspace-update qemu patches the running QEMU" 0 \
	"^pid $pid \(qemu-system-x86\): qemu-system-x86_64 patched to level 1 \(U20261205_02\)" \
	"$KC" --userspace-update qemu
r=$(qe_round 2)
[ "$r" = received ] && lc_sane "$pid"
result "after: the frame lands in the next descriptor's buffer, same process ($nthreads threads), untraced" $? "$r"
qmp query-status && [[ $qmp_reply == *'"running": true'* ]]
result "the guest runs on, QMP answers" $?
expect "--lib-info says it is a qemu patch" 0 "^type: qemu$" "$KC" --lib-info
grep -q "^pid: $pid$" "$out" && grep -q "^build-id: $BID$" "$out"
result "--lib-info names the process and the build-id" $?
expect "--lib-info --json too" 0 "\"patch_id\": \"qemu-7.2.18-e1000e-rx-null-descriptor\", \"type\": \"qemu\"" \
	"$KC" --lib-info --json
r=$(qe_round 3)
[ "$r" = received ]
result "a second frame, still fixed" $? "$r"

# A QEMU under its seccomp sandbox is refused, the others still patched.
lc_start "$T/sandboxed.log" env QEMU_MODULE_DIR="$q/root/usr/lib/x86_64-linux-gnu/qemu" \
	"$QEMU" -M none -accel tcg -nodefaults -display none -sandbox on
sandboxed=$pid
pid=$qe_pid
sleep 1
grep -q '^Seccomp:[[:space:]]*2' /proc/"$sandboxed"/status
result "a second QEMU runs with -sandbox on (a seccomp filter)" $?
expect "--userspace-update qemu refuses it by name (exit 3), the first stays patched" 3 \
	"^pid $sandboxed \(qemu-system-x86\): qemu-system-x86_64 NOT patched: QEMU runs under a seccomp filter \(-sandbox on\)" \
	"$KC" --userspace-update qemu
grep -q "^pid $pid (qemu-system-x86): qemu-system-x86_64 already at level 1" "$out" &&
	lc_sane "$sandboxed" && [ "$(ls /var/lib/kcare/libcare)" = "$pid" ]
result "the sandboxed QEMU is untouched and untraced" $?
kill -9 "$sandboxed"

expect "--lib-unload" 0 "^pid $pid: user-space patches removed" "$KC" --lib-unload
r=$(qe_round 4)
[ "$r" = lost ] && lc_sane "$pid"
result "unloaded: the old code runs again, same process, untraced" $? "$r"
qmp query-status && [[ $qmp_reply == *'"running": true'* ]]
result "QEMU still runs, QMP answers" $?
done_testing
