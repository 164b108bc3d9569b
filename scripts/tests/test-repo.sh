#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patch repository, end to end on the host: the real demo patchset
# built for the Debian kernel by scripts/build-patchset (three levels, the
# third of patch type extra), signed, published into a temporary repository
# (and into its test feed), and chosen by "kcare-patchset select" as a
# client would: latest, delayed feeds at hour boundaries, sticky dates at
# day boundaries, the test feed, patch types; then every kind of tampering,
# a wrong key, an expired index and rollbacks, each refused with its own
# message; and a withdrawn level skipped.
#
# Times are placed exactly with --release-time and --now:
#   level 1  released 2026-11-20T10:00:00Z  default
#   level 2  released 2026-11-22T00:00:00Z  default  (a day boundary)
#   level 3  released 2026-11-23T00:00:00Z  extra
# The index is last signed at 2026-11-23T00:00:00Z, valid 14 days.

. "$(dirname "$0")/lib.sh"

K=$top/build/host/kcare-patchset
tmp=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$tmp"' EXIT
repo=$tmp/repo
mkdir -p "$tmp/keys" "$tmp/otherkeys"

fatal() {
	echo "# $*"
	result "set-up" 1 "$*"
	done_testing
	exit 1
}

make -s -C "$top" host-patchset >"$out" 2>&1 || { cat "$out"; fatal "kcare-patchset does not build"; }
"$top/scripts/kernel-build-id" x86_64 >/dev/null || fatal "cannot get the x86_64 kernel's build-id"
sha1=$(sha1sum <"$top/.cache/x86_64/proc-version" | cut -d' ' -f1) ||
	fatal "no .cache/x86_64/proc-version"
# The test-bed kernel (scripts/kernel.pin, or the newest with KERNEL=latest)
# and a release that is not it.
abi=$(sed -n 's/^KCARE_ABI := //p' "$top/.cache/kernel.mk")
krel=$abi-amd64
other_krel=${abi%-*}-$((${abi##*-} + 1))-amd64

# ---- build: the real demo patchset, three levels -------------------------

# Levels 2 and 3 are the same patches under their own metadata: a copy of
# the sources whose patchset.meta says so (the one source of truth).
cp -r "$top/selftests/patches/demo" "$tmp/demo2"
sed -i "s/^id: .*/id: K20261122_01/; s/^effective-version: .*/effective-version: $abi.2kc/" \
	"$tmp/demo2/patchset.meta"
cp -r "$top/selftests/patches/demo" "$tmp/demo3"
sed -i "s/^id: .*/id: K20261123_01/; s/^patch-type: .*/patch-type: extra/; s/^effective-version: .*/effective-version: $abi.3kc/" \
	"$tmp/demo3/patchset.meta"

build() {
	"$top/scripts/build-patchset" "$@"
}
expect "build-patchset builds the demo patchset, level 1" 0 "K20261125_01 level 1 for $krel \\($sha1\\), 1 payload" \
	build "$top/selftests/patches/demo" --level 1 --build-time 2026-11-20T09:00:00Z \
	--release-time 2026-11-20T10:00:00Z -o "$tmp/l1.kcp"
expect "build-patchset builds level 2 from its own patchset.meta" 0 "K20261122_01 level 2" \
	build "$tmp/demo2" --level 2 --build-time 2026-11-21T23:00:00Z \
	--release-time 2026-11-22T00:00:00Z -o "$tmp/l2.kcp"
expect "build-patchset builds level 3, of patch type extra" 0 "K20261123_01 level 3" \
	build "$tmp/demo3" --level 3 --build-time 2026-11-22T23:00:00Z \
	--release-time 2026-11-23T00:00:00Z -o "$tmp/l3.kcp"
[ -s "$tmp/l1.kcp" ] && [ -s "$tmp/l2.kcp" ] && [ -s "$tmp/l3.kcp" ] || fatal "the patchsets did not build"

"$K" unpack "$tmp/l1.kcp" "$tmp/u1" >/dev/null
result "the patchset file holds the manifest, the CVE list and the payload" \
	"$(grep -q '^kernel-sha1: '"$sha1"'$' "$tmp/u1/manifest" &&
	   grep -q '^payload: kcpatch_demo_l1.ko ' "$tmp/u1/manifest" &&
	   grep -q '^sysctl: modify_ldt$' "$tmp/u1/manifest" &&
	   grep -q '^kpatch-cve: CVE-2015-5157 CVE-2015-3290$' "$tmp/u1/cves.txt" &&
	   modinfo -F kcare_build_id "$tmp/u1/kcpatch_demo_l1.ko" |
	   grep -qx "$("$top/scripts/kernel-build-id" x86_64)"; echo $?)"
"$K" unpack "$tmp/l2.kcp" "$tmp/u2n" >/dev/null
result "each level's payload is named after its level (kcpatch_demo_lN)" \
	"$([ -f "$tmp/u2n/kcpatch_demo_l2.ko" ] && grep -q '^payload: kcpatch_demo_l2.ko ' "$tmp/u2n/manifest" &&
	   [ "$(modinfo -F name "$tmp/u2n/kcpatch_demo_l2.ko")" = kcpatch_demo_l2 ] &&
	   [ "$(modinfo -F name "$tmp/u1/kcpatch_demo_l1.ko")" = kcpatch_demo_l1 ]; echo $?)"
result "the payload carries the metadata of patchset.meta" \
	"$(strings "$tmp/u1/kcpatch_demo_l1.ko" | grep -qx K20261125_01 &&
	   strings "$tmp/u1/kcpatch_demo_l1.ko" | grep -qx "$(sed -n 's/^effective-version: //p' "$top/selftests/patches/demo/patchset.meta")" &&
	   strings "$tmp/u1/kcpatch_demo_l1.ko" | grep -qx 'modify_ldt(2) refuses 16-bit segments'; echo $?)"

# ---- pack refuses payloads that are not for the kernel -------------------

pack() {
	"$K" pack --meta "$top/selftests/patches/demo/patchset.meta" --level 1 \
		--arch x86_64 --proc-version "$top/.cache/x86_64/proc-version" \
		-o "$tmp/bad.kcp" "$@"
}
bid=$("$top/scripts/kernel-build-id" x86_64)
expect "pack refuses a payload built for another kernel build-id" 1 \
	"carries build-id $bid, but the kernel's is 0123456789abcdef" \
	pack --kernel-release $krel --build-id 0123456789abcdef "$tmp/u1/kcpatch_demo_l1.ko"
expect "pack refuses a payload built for another kernel release" 1 \
	"was built for kernel \"$krel .*\", not $other_krel \(vermagic\)" \
	pack --kernel-release $other_krel --build-id "$bid" "$tmp/u1/kcpatch_demo_l1.ko"
cp "$top/build/x86_64/kcare.ko" "$tmp/kcare.ko" 2>/dev/null
expect "pack refuses a module that is not a payload" 1 "not a kcare payload" \
	pack --kernel-release $krel --build-id "$bid" "$tmp/kcare.ko"
expect "pack without its required options is a usage error" 2 "are required" \
	"$K" pack "$tmp/u1/kcpatch_demo_l1.ko"

# ---- keys, sign, verify --------------------------------------------------

expect "keygen makes a key pair" 0 "private key" "$K" keygen "$tmp/priv.pem" "$tmp/keys/pub.pem"
"$K" keygen "$tmp/other.pem" "$tmp/otherkeys/other.pem" >/dev/null
result "the private key is mode 0600" "$([ "$(stat -c %a "$tmp/priv.pem")" = 600 ]; echo $?)"
expect "keygen refuses to overwrite a key" 1 "" "$K" keygen "$tmp/priv.pem" "$tmp/x.pem"
expect "sign writes a detached signature" 0 "l1.kcp.sig" "$K" sign --key "$tmp/priv.pem" "$tmp/l1.kcp"
result "the signature is 80 bytes" "$([ "$(stat -c %s "$tmp/l1.kcp.sig")" = 80 ]; echo $?)"
expect "verify accepts the signed patchset and its payloads" 0 \
	"good signature by key [0-9a-f]{16}; K20261125_01 level 1 .* 1 payload match the manifest" \
	"$K" verify --key "$tmp/keys/pub.pem" "$tmp/l1.kcp"
expect "verify with a key directory" 0 "good signature" "$K" verify --keys "$tmp/keys" "$tmp/l1.kcp"
expect "verify refuses another publisher's key" 1 "signed by key [0-9a-f]{16}, which is not trusted" \
	"$K" verify --keys "$tmp/otherkeys" "$tmp/l1.kcp"

# ---- publish ---------------------------------------------------------------

pub() { "$K" publish --repo "$repo" --key "$tmp/priv.pem" "$@"; }
expect "publish level 1" 0 "published K20261125_01 level 1 .* serial 1" \
	pub --now 2026-11-20T10:00:00Z "$tmp/l1.kcp"
expect "publish level 2" 0 "published K20261122_01 level 2 .* serial 2" \
	pub --now 2026-11-22T00:00:00Z "$tmp/l2.kcp"
cp "$repo/$sha1/index" "$tmp/index-serial2"
expect "publish level 3 (extra)" 0 "published K20261123_01 level 3 \(extra" \
	pub --now 2026-11-23T00:00:00Z "$tmp/l3.kcp"
expect "publish level 1 in the test feed" 0 "published K20261125_01 level 1 .*/test/$sha1" \
	pub --feed test --now 2026-11-20T10:00:00Z "$tmp/l1.kcp"

kd=$repo/$sha1
result "the repository layout: index, latest.v2, each level's files" \
	"$(for l in 1 2 3; do for f in patchset.kcp patchset.kcp.sig cves.txt cves.json; do
		[ -s "$kd/$l/$f" ] || exit 1; done; done
	   [ "$(cat "$kd/latest.v2")" = 3 ] && [ -s "$repo/test/$sha1/index" ] &&
	   [ "$(cat "$repo/test/$sha1/latest.v2")" = 1 ] &&
	   ! ls -a "$kd" "$kd/1" | grep -q "\.tmp\."; echo $?)"
result "the index lists every level, signed, expiring after 14 days" \
	"$(grep -q '^serial: 3$' "$kd/index" &&
	   grep -q '^expires: 2026-12-07T00:00:00Z$' "$kd/index" &&
	   grep -q "^level: 2 K20261122_01 2026-11-22T00:00:00Z default $(sha256sum <"$tmp/l2.kcp" | cut -d' ' -f1)\$" "$kd/index" &&
	   grep -q '^level: 3 K20261123_01 2026-11-23T00:00:00Z extra ' "$kd/index" &&
	   tail -n1 "$kd/index" | grep -qE '^signature: [0-9a-f]{16} [0-9a-f]{128}$'; echo $?)"
result "the CVE list is published as text and JSON" \
	"$(cmp -s "$kd/1/cves.txt" "$tmp/u1/cves.txt" &&
	   grep -q '"level": 1' "$kd/1/cves.json" && grep -q 'CVE-2015-5157' "$kd/1/cves.json" &&
	   { ! command -v python3 >/dev/null || python3 -m json.tool "$kd/1/cves.json" >/dev/null; }; echo $?)"

# ---- select: the client's choice -------------------------------------------

sel() { "$K" select --repo "$repo" --keys "$tmp/keys" "$@" "$sha1"; }
pick() {
	# pick NAME WANT_LEVEL SELECT-ARGS...
	local what=$1 want=$2
	shift 2
	expect "$what" 0 "^level $want $repo/.*$sha1/$want/patchset.kcp\$" sel "$@"
}
pick "latest: the newest default level" 2 --now 2026-11-23T00:00:00Z
pick "latest for an extra client: the extra level" 3 --now 2026-11-23T00:00:00Z --patch-type extra
pick "latest for a free client: default levels only" 2 --now 2026-11-23T00:00:00Z --patch-type free
pick "delayed 12h, one second early: the level before" 1 --prefix 12h --now 2026-11-22T11:59:59Z
pick "delayed 12h, on the hour: the new level" 2 --prefix 12h --now 2026-11-22T12:00:00Z
pick "delayed 24h, one second early" 1 --prefix 24h --now 2026-11-22T23:59:59Z
pick "delayed 24h, on the hour" 2 --prefix 24h --now 2026-11-23T00:00:00Z
pick "delayed 48h, one second early" 1 --prefix 48h --now 2026-11-23T23:59:59Z
pick "delayed 48h, on the hour" 2 --prefix 48h --now 2026-11-24T00:00:00Z
pick "delayed 24h for an extra client" 2 --prefix 24h --patch-type extra --now 2026-11-23T23:59:59Z
pick "delayed 24h for an extra client, on the hour" 3 --prefix 24h --patch-type extra --now 2026-11-24T00:00:00Z
expect "delayed 12h with nothing old enough" 1 "nothing to apply: no level older than 12 hours" \
	sel --prefix 12h --now 2026-11-20T21:59:59Z
expect "a delay other than 12h, 24h, 48h is refused" 2 "the delayed feeds are 12h, 24h and 48h" \
	sel --prefix 6h --now 2026-11-24T00:00:00Z
pick "sticky to the day before a release at midnight" 1 --sticky 211126 --now 2026-11-25T00:00:00Z
pick "sticky to the day of that release" 2 --sticky 221126 --now 2026-11-25T00:00:00Z
pick "sticky to the day of the extra release" 3 --sticky 231126 --patch-type extra --now 2026-11-25T00:00:00Z
pick "sticky and delayed combined" 1 --sticky 221126 --prefix 48h --now 2026-11-23T23:59:59Z
expect "sticky before the first release" 1 "nothing to apply: no level released before 2026-11-20 \(sticky 191126\)" \
	sel --sticky 191126 --now 2026-11-25T00:00:00Z
expect "sticky in the future" 1 "STICKY_PATCH=261126 is in the future" \
	sel --sticky 261126 --now 2026-11-25T23:59:59Z
expect "sticky more than 60 days back" 1 "STICKY_PATCH=251026 is more than 60 days ago" \
	sel --sticky 251026 --now 2026-12-25T00:00:00Z
pick "the test feed" 1 --prefix test --now 2026-11-23T00:00:00Z
result "the test feed is its own directory" \
	"$(sel --prefix test --now 2026-11-23T00:00:00Z | grep -q "/test/$sha1/1/"; echo $?)"
expect "a feed with no index for this kernel" 1 "select: no index: .*/other/$sha1/index: cannot open" \
	sel --prefix other --now 2026-11-23T00:00:00Z

# ---- rejections ------------------------------------------------------------

# flip FILE OFFSET: change one byte in place.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# repack DIR OUT: a patchset file from the entries of DIR (manifest first,
# cves.txt, the payloads), as any tool could write it: lets a test sign
# an inconsistent one.
repack() {
	perl -MCompress::Zlib -e '
		my ($dir, $out) = @ARGV; my $body = "";
		opendir(my $d, $dir) or die; my @n = grep { !/^\./ } readdir($d);
		my @order = ("manifest", "cves.txt", sort grep { $_ ne "manifest" && $_ ne "cves.txt" } @n);
		for my $n (@order) {
			open(my $f, "<:raw", "$dir/$n") or die; local $/; my $data = <$f>;
			$body .= pack("v", length $n) . $n . pack("V", length $data) . $data;
		}
		open(my $o, ">:raw", $out) or die;
		print $o "KCPATCH1" . pack("V", 0) . pack("V", length $body) . compress($body);
	' "$1" "$2"
}
verify() { "$K" verify --keys "$tmp/keys" "$@"; }

cp "$tmp/l1.kcp" "$tmp/t1.kcp"
cp "$tmp/l1.kcp.sig" "$tmp/t1.kcp.sig"
flip "$tmp/t1.kcp" $(($(stat -c %s "$tmp/t1.kcp") / 2))
expect "tampered payload: a byte changed in the patchset file" 1 \
	"t1.kcp: bad signature: the file or its signature was changed" verify "$tmp/t1.kcp"

cp -r "$tmp/u1" "$tmp/u2"
flip "$tmp/u2/kcpatch_demo_l1.ko" 4096
repack "$tmp/u2" "$tmp/t2.kcp"
"$K" sign --key "$tmp/priv.pem" "$tmp/t2.kcp" >/dev/null
expect "tampered payload, re-signed: its SHA-256 is not the manifest's" 1 \
	"payload kcpatch_demo_l1.ko does not match the SHA-256 in the manifest" verify "$tmp/t2.kcp"

cp -r "$tmp/u1" "$tmp/u3"
head -c 100000 "$tmp/u1/kcpatch_demo_l1.ko" >"$tmp/u3/kcpatch_demo_l1.ko"
repack "$tmp/u3" "$tmp/t3.kcp"
"$K" sign --key "$tmp/priv.pem" "$tmp/t3.kcp" >/dev/null
expect "truncated payload, re-signed: its size is not the manifest's" 1 \
	"payload kcpatch_demo_l1.ko is 100000 bytes, the manifest says [0-9]+" verify "$tmp/t3.kcp"

cp -r "$tmp/u1" "$tmp/u4"
sed -i 's/^level: 1$/level: 01/' "$tmp/u4/manifest"
repack "$tmp/u4" "$tmp/t4.kcp"
"$K" sign --key "$tmp/priv.pem" "$tmp/t4.kcp" >/dev/null
expect "tampered manifest, re-signed: it no longer parses" 1 "t4.kcp: bad manifest: " verify "$tmp/t4.kcp"

cp -r "$tmp/u1" "$tmp/u5"
sed -i 's/^sysctl: modify_ldt$/sysctl:/' "$tmp/u5/manifest"
repack "$tmp/u5" "$tmp/t5.kcp"
cp "$tmp/t5.kcp" "$tmp/t5u.kcp"
cp "$tmp/l1.kcp.sig" "$tmp/t5u.kcp.sig"
expect "tampered manifest: the signature no longer matches" 1 \
	"t5u.kcp: bad signature" verify "$tmp/t5u.kcp"

# A repository copy per attack, so that each is refused for its own reason.
attack() { rm -rf "$tmp/r" && cp -a "$repo" "$tmp/r"; }
asel() { "$K" select --repo "$tmp/r" --keys "$tmp/keys" --now 2026-11-23T00:00:00Z "$@" "$sha1"; }

attack
cp "$tmp/t5.kcp" "$tmp/r/$sha1/2/patchset.kcp"
"$K" sign --key "$tmp/priv.pem" "$tmp/r/$sha1/2/patchset.kcp" >/dev/null
expect "tampered manifest in the repository, re-signed: not the file the index names" 1 \
	"level 2: patchset.kcp does not match the SHA-256 in the index" asel

attack
flip "$tmp/r/$sha1/2/patchset.kcp" 1000
expect "tampered patchset file in the repository" 1 \
	"level 2: patchset.kcp: bad signature: the file or its signature was changed" asel

attack
flip "$tmp/r/$sha1/2/patchset.kcp.sig" 40
expect "tampered patchset signature" 1 \
	"level 2: patchset.kcp: bad signature: the file or its signature was changed" asel

attack
head -c 50 "$repo/$sha1/2/patchset.kcp.sig" >"$tmp/r/$sha1/2/patchset.kcp.sig"
expect "truncated patchset signature" 1 "level 2: patchset.kcp: malformed signature file" asel

attack
rm "$tmp/r/$sha1/2/patchset.kcp.sig"
expect "missing patchset signature" 1 "level 2: patchset.kcp: no signature: " asel

attack
sed -i 's/^level: 2 K20261122_01 2026-11-22T00:00:00Z/level: 2 K20261122_01 2026-11-21T00:00:00Z/' "$tmp/r/$sha1/index"
expect "tampered index: a release time moved" 1 \
	"index rejected: bad signature: the file or its signature was changed" asel

attack
sed -i '$ s/a$/X/; $ s/[0-9b-f]$/a/; $ s/X$/b/' "$tmp/r/$sha1/index"
expect "tampered index signature line" 1 \
	"index rejected: (bad signature|malformed signature line)" asel

attack
sed -i '$d' "$tmp/r/$sha1/index"
expect "unsigned index" 1 "index rejected: index is not signed" asel

expect "index signed by a key that is not trusted" 1 \
	"index rejected: signed by key [0-9a-f]{16}, which is not trusted" \
	"$K" select --repo "$repo" --keys "$tmp/otherkeys" --now 2026-11-23T00:00:00Z "$sha1"
expect "expired index" 1 "index rejected: index expired on 2026-12-07T00:00:00Z" \
	sel --now 2026-12-07T00:00:00Z
expect "the test feed's index put in the default feed's place" 1 \
	"index rejected: index is for feed \"test\", not \"\"" \
	bash -c "rm -rf '$tmp/r' && cp -a '$repo' '$tmp/r' && cp '$repo/test/$sha1/index' '$tmp/r/$sha1/index' &&
		'$K' select --repo '$tmp/r' --keys '$tmp/keys' --now 2026-11-23T00:00:00Z $sha1"

# Rollbacks: the publisher never lowers a level; a client that saw an
# index refuses an older one, and one that lists fewer levels.
expect "publishing a level not above the highest is refused" 1 \
	"level 1 is not above level 3, the highest in the index" pub "$tmp/l1.kcp"
expect "publishing the highest level again is refused" 1 "level 3 is not above level 3" pub "$tmp/l3.kcp"
pick "a client records the index it accepted" 2 --state "$tmp/state" --now 2026-11-23T00:00:00Z
result "the state file holds the serial and the highest level" \
	"$(grep -qx "$sha1 - 3 3" "$tmp/state"; echo $?)"
attack
cp "$tmp/index-serial2" "$tmp/r/$sha1/index"
expect "a replayed older index (serial 2 after 3) is refused" 1 \
	"index rejected: index serial 2 is older than the last accepted 3 \(replayed\?\)" \
	asel --state "$tmp/state"
# An index signed by the publisher with serial 4 but without level 3.
attack
sed -e '/^signature: /d; /^level: 3 /d; s/^serial: 3$/serial: 4/' "$repo/$sha1/index" >"$tmp/body"
"$K" sign --key "$tmp/priv.pem" "$tmp/body" >/dev/null
{ cat "$tmp/body"; echo "signature: $(xxd -p -s 8 -l 8 "$tmp/body.sig") $(xxd -p -c 64 -s 16 "$tmp/body.sig")"; } \
	>"$tmp/r/$sha1/index"
expect "that index itself is well signed" 0 "^level 2 " asel
expect "an index listing fewer levels than seen before is refused" 1 \
	"index rejected: index lists levels up to 2, fewer than the 3 seen before \(rolled back\?\)" \
	asel --state "$tmp/state"

# ---- withdraw, refresh ------------------------------------------------------

expect "withdraw level 2" 0 "withdrew level 2 .* serial 4" \
	"$K" withdraw --repo "$repo" --key "$tmp/priv.pem" --now 2026-11-24T00:00:00Z "$sha1" 2
result "the withdrawn level's files are gone, its number stays" \
	"$([ ! -e "$kd/2" ] && grep -q '^level: 2 K20261122_01 2026-11-22T00:00:00Z default withdrawn$' "$kd/index" &&
	   [ "$(cat "$kd/latest.v2")" = 3 ]; echo $?)"
pick "a withdrawn level is skipped" 1 --now 2026-11-24T00:00:00Z --state "$tmp/state"
pick "a withdrawn level is skipped by an extra client too" 3 --now 2026-11-24T00:00:00Z --patch-type extra
expect "a withdrawn level cannot be published again" 1 "level 2 is not above level 3" pub "$tmp/l2.kcp"
expect "withdrawing it twice is refused" 1 "level 2 is already withdrawn" \
	"$K" withdraw --repo "$repo" --key "$tmp/priv.pem" "$sha1" 2
expect "withdraw level 3" 0 "withdrew level 3" \
	"$K" withdraw --repo "$repo" --key "$tmp/priv.pem" --now 2026-11-24T00:00:00Z "$sha1" 3
result "latest.v2 names the highest level left" "$([ "$(cat "$kd/latest.v2")" = 1 ]; echo $?)"
expect "withdrawn levels still count: the index keeps its highest number" 1 \
	"level 3 is not above level 3" pub "$tmp/l3.kcp"
expect "refresh re-signs the index with a new expiry" 0 "serial 6, expires 2026-12-30T00:00:00Z" \
	"$K" refresh --repo "$repo" --key "$tmp/priv.pem" --now 2026-12-16T00:00:00Z "$sha1"
pick "a refreshed index is accepted after the old expiry" 1 --now 2026-12-20T00:00:00Z --state "$tmp/state"
expect "withdraw of a level that does not exist" 1 "level 9 is not in the index" \
	"$K" withdraw --repo "$repo" --key "$tmp/priv.pem" "$sha1" 9
expect "a usage error exits 2" 2 "expected KERNEL-SHA1 LEVEL" \
	"$K" withdraw --repo "$repo" --key "$tmp/priv.pem" "$sha1"

done_testing
