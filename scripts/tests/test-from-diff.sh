#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What scripts/build-from-diff and build-patchset --from-diff say before
# any source is fetched: usage, a missing diff, an architecture the builder
# does not support yet, both SRCDIR and --from-diff. (The builds themselves
# take minutes: make from-diff, Documentation/from-diff.md.)
. "$(dirname "$0")/lib.sh"

B=$top/scripts/build-from-diff
tmp=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$tmp"' EXIT
printf -- '--- a/fs/proc/cmdline.c\n+++ b/fs/proc/cmdline.c\n' >"$tmp/fix.patch"

expect "no diff: usage" 2 '^usage: build-from-diff FIX.patch' "$B"
expect "a diff that does not exist" 1 'no-such.patch: no such file' "$B" "$tmp/no-such.patch"
expect "arm64 is refused, saying why" 1 'only x86_64 for now' "$B" "$tmp/fix.patch" --arch arm64
expect "an unknown option" 2 'unknown option --frobnicate' "$B" "$tmp/fix.patch" --frobnicate
expect "build-patchset: SRCDIR or --from-diff" 2 'SRCDIR or --from-diff, not both' \
	"$top/scripts/build-patchset" "$tmp" --from-diff "$tmp/fix.patch" --level 1 -o "$tmp/x.kcp"
done_testing
