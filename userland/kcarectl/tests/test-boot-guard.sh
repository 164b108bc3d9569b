#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The crash-loop guard and kcare=off through the real kcarectl, on the host,
# in a private mount namespace whose /var/lib/kcare, /var/cache/kcare, /run
# and /proc/cmdline are the test's own: --info and --info --json say why
# patches are held back; --auto-update holds back, --restore refuses on
# kcare=off. (The guard's decisions themselves: tests/test_boot_guard.c;
# a real crash and reboot: the package boot test, still to come.)

top=$(cd "$(dirname "$0")/../../.." && pwd)

if [ -z "$KC_GUARD_NS" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs root and mount namespaces"
		exit 0
	fi
	exec unshare --mount --propagation private env KC_GUARD_NS=1 bash "$0" "$@"
fi

. "$top/scripts/tests/lib.sh"

KC=${KC_KCARECTL:-$top/build/x86_64/kcarectl}
[ -x "$KC" ] || { echo "Bail out! $KC is not built"; exit 1; }
tmp=$(mktemp -d /tmp/kc-guard.XXXXXX)
trap 'rm -f "$out"; umount -l /proc/cmdline 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p /var/lib/kcare /var/cache/kcare /run/kcare
mount -t tmpfs -o mode=0700 none /var/lib/kcare &&
	mount -t tmpfs -o mode=0700 none /var/cache/kcare &&
	mount -t tmpfs -o mode=0755 none /run || { echo "Bail out! cannot mount"; exit 1; }

cat /proc/cmdline >"$tmp/cmdline"
mount --bind "$tmp/cmdline" /proc/cmdline

expect "--info without a hold says nothing of the guard" 0 "" "$KC" --info
result "... (no kpatch-boot-guard line)" "$(! grep -q boot-guard "$out"; echo $?)"

echo "the machine restarted while patch level 7 was being applied (test)" >/var/lib/kcare/boot-guard
expect "--info shows the hold" 0 "^kpatch-boot-guard: held back: the machine restarted while patch level 7" \
	"$KC" --info
expect "--info --json has boot_guard" 0 '"boot_guard": "the machine restarted while patch level 7' \
	"$KC" --info --json
expect "--auto-update holds back and says how to lift it" 0 "held back by the boot guard.*" \
	"$KC" --auto-update
result "... and the hold stays" "$([ -f /var/lib/kcare/boot-guard ]; echo $?)"

echo "$(cat "$tmp/cmdline") kcare=off" >"$tmp/cmdline"
expect "kcare=off: --restore applies nothing" 0 "kcare=off is on the kernel command line" "$KC" --restore
expect "kcare=off: --update refuses" 1 "kcare=off is on the kernel command line" "$KC" --update
expect "kcare=off: --info says so" 0 "^kpatch-kcare-off:" "$KC" --info
done_testing
