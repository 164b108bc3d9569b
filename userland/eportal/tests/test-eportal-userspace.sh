#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-eportal's user-space streams (kc.eportal libcare|qemu|db ...):
# a signed libs patchset of LibCare's test library deployed with
# "kc.eportal libcare deploy" lands in the feed userspace, served where
# kcarectl --lib-update reads it (REPO/userspace/BUILD-ID/, formats.md),
# its index re-signed by the server and verified by kcare-patchset
# select; the kernel and qemu streams refuse it, as does another feed;
# "auto-update --all-streams" (the timer's) mirrors the feed userspace
# even when a kernel feed's upstream is down; a check-in's user-space
# levels show in "servers list".
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

tmp=$(mktemp -d)
out=$tmp/out
pid=
cleanup() {
	ep_stop
	rm -rf "$tmp"
}
trap cleanup EXIT

LCB=$top/build/x86_64/libcare
if ! ep_build || ! make -s -C "$top" libcare-tests >"$out" 2>&1; then
	sed 's/^/# /' "$out"
	result "build" 1
	done_testing
	exit 1
fi
BID=$(readelf -n "$LCB/liblctest.so" | sed -n 's/.*Build ID: //p')
cat >"$tmp/meta" <<EOF
format: 1
id: L20261201_01
patch-type: libs
effective-version: lctest-1

[patch lc_test_value]
description: test: lc_test_value returns more
cve: CVE-2026-99901
cvss: 5.0
cve-url: https://example.org/CVE-2026-99901
patch-url:
sysctl:
EOF
A=$tmp/ep
export KCARE_EPORTAL_DIR=$A
"$P" pack --meta "$tmp/meta" --level 1 --arch x86_64 --kernel-release liblctest.so \
	--build-id "$BID" -o "$tmp/l1.kcp" "$LCB/lctest-1.o" >/dev/null &&
	"$P" keygen "$tmp/k.pem" "$tmp/k.pub" >/dev/null &&
	"$P" sign --key "$tmp/k.pem" "$tmp/l1.kcp" >/dev/null &&
	(cd "$tmp" && tar -czf u.tar.gz l1.kcp l1.kcp.sig) &&
	"$E" init "$A" >/dev/null && cp "$tmp/k.pub" "$A/keys/trusted/publisher.pem" &&
	sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"
result "a signed libs patchset of liblctest.so, and a server" $?

expect "the kernel stream refuses a user-space patchset" 1 \
	"patch type libs is not for the kernel stream: kcare-eportal libcare deploy" \
	"$E" deploy "$tmp/u.tar.gz"
expect "the qemu stream refuses a libs patchset" 1 "patch type libs is not for the qemu stream" \
	"$E" qemu deploy "$tmp/u.tar.gz"
expect "a user-space stream has one feed, userspace" 2 "live in the feed userspace" \
	"$E" libcare deploy --feed test "$tmp/u.tar.gz"
expect "the kernel stream leaves the feed userspace alone" 2 "holds user-space patchsets" \
	"$E" deploy --feed userspace "$tmp/u.tar.gz"
expect "kc.eportal libcare deploy publishes it in the feed userspace" 0 \
	"deployed L20261201_01 level 1 \(libs\) for liblctest.so \($BID\) to feed userspace, enabled" \
	"$E" libcare deploy "$tmp/u.tar.gz"
check "libcare list shows it, qemu list does not" "^userspace +L20261201_01 +level 1 +libs +enabled +$BID" \
	"$E" libcare list
check "qemu list is empty" '^$' "$E" qemu list
expect "a key cannot be bound to the feed userspace" 2 "holds user-space patchsets" \
	"$E" key create --feed userspace k1

ep_start "$A" --http || { result "the server starts" 1; done_testing; exit 1; }
mkdir -p "$tmp/client/userspace/$BID/1"
for f in index latest.v2 1/patchset.kcp 1/patchset.kcp.sig; do
	curl -sf -o "$tmp/client/userspace/$BID/$f" "http://127.0.0.1:$port/userspace/$BID/$f" || break
done
check "served at /userspace/BUILD-ID/ (where kcarectl --lib-update reads), an index of the feed userspace" \
	"^kernel-sha1: $BID feed: userspace$" \
	sh -c "grep -E '^(feed|kernel-sha1): ' '$tmp/client/userspace/$BID/index' | tr '\\n' ' ' | sed 's/ $//'"
check "its level 1, type libs" "^level: 1 L20261201_01 [^ ]+ libs [0-9a-f]{64}$" grep '^level: 1 ' "$tmp/client/userspace/$BID/index"
check "and its kpatch.info names the CVE" '^200 .*kpatch-cve: CVE-2026-99901' \
	api GET "/userspace/$BID/1/kpatch.info"
check "the feed's list names the library's build-id" "^200 $BID$" api GET /userspace/kernels

# A second server whose timer mirrors every stream: its kernel feed's
# upstream is down, its feed userspace is still mirrored.
B=$tmp/b
"$E" init "$B" >/dev/null && cp "$A/keys/eportal.pub.pem" "$B/keys/trusted/upstream.pem" &&
	"$E" -d "$B" libcare list >/dev/null &&
	"$E" -d "$B" feed set userspace --auto-update --upstream "http://127.0.0.1:$port/userspace" >/dev/null &&
	"$E" -d "$B" feed set default --auto-update --upstream "http://127.0.0.1:1/" >/dev/null
result "a mirror server, its feeds userspace and default on auto-update" $?
expect "auto-update --all-streams: the kernel's upstream down fails the run" 1 \
	"mirrored http://127.0.0.1:$port/userspace into feed userspace: 1 new patchset file" \
	"$E" -d "$B" auto-update --all-streams
check "... yet the libcare stream's level was mirrored" "^userspace +L20261201_01 +level 1 +libs +enabled" \
	"$E" -d "$B" libcare list
expect "auto-update --all-streams is for the command without a stream word" 2 "expected \[--all-streams\]" \
	"$E" -d "$B" qemu auto-update --all-streams

"$E" key create --feed default k2 >/dev/null
id=$(api POST /api/v1/register '{"key":"k2","hostname":"h"}' | sed -n 's/.*"server_id":"\([0-9a-f]*\)".*/\1/p')
api POST /api/v1/checkin "{\"server_id\":\"$id\",\"patch_level\":2,\"userspace\":\"liblctest.so:1\"}" >/dev/null
check "servers list shows the kernel and user-space levels" "level 2 .* user liblctest.so:1$" \
	"$E" servers list
check "and --json" '"patch_level":2,"userspace":"liblctest.so:1"' "$E" servers list --json
done_testing
