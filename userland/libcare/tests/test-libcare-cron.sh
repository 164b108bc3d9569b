#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# libcare-cron, the switch of the periodic user-space patching: "init"
# enables and starts the timer the install ships (kcare-libcare.timer,
# whose service runs kcarectl --lib-update), "disable" stops it, "status"
# tells which, and a systemctl that fails is reported. systemctl is a
# stand-in on PATH that records its calls and knows only the units of
# userland/systemd/, so a timer name that no unit carries fails here.
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"

CRON=$top/userland/libcare/libcare-cron
T=$(mktemp -d)
trap 'rm -rf "$T" "$out"' EXIT
mkdir "$T/bin"
cat >"$T/bin/systemctl" <<'EOS'
#!/bin/sh
# The stand-in: $UNITS holds the units, $STATE the enabled ones.
echo "systemctl $*" >>"$STATE.calls"
[ -n "${FAIL:-}" ] && { echo "System has not been booted with systemd" >&2; exit 1; }
case $1 in
enable|disable)
	[ "$2" = --now ] || exit 3
	[ -f "$UNITS/$3" ] || { echo "Unit file $3 does not exist." >&2; exit 1; }
	grep -vx "$3" "$STATE" >"$STATE.new"
	[ "$1" = enable ] && echo "$3" >>"$STATE.new"
	mv "$STATE.new" "$STATE"
	;;
is-enabled)
	grep -qx "$3" "$STATE"
	;;
*)	exit 3 ;;
esac
EOS
chmod +x "$T/bin/systemctl"
export PATH="$T/bin:$PATH" UNITS=$top/userland/systemd STATE=$T/enabled
: >"$STATE"

grep -qx 'ExecStart=/usr/bin/kcarectl --lib-update' "$UNITS/kcare-libcare.service" &&
	grep -qx 'Unit=kcare-libcare.service' "$UNITS/kcare-libcare.timer"
result "the timer's service runs kcarectl --lib-update" $?
expect "status before init: disabled (off by default), status 1" 1 "^disabled: run libcare-cron init" \
	"$CRON" status
expect "init enables the timer" 0 "kcare-libcare.timer enabled" "$CRON" init
grep -qx 'systemctl enable --now kcare-libcare.timer' "$STATE.calls" && grep -qx kcare-libcare.timer "$STATE"
result "init ran systemctl enable --now kcare-libcare.timer (a unit the install ships)" $?
expect "status after init: enabled" 0 "^enabled: kcare-libcare.timer runs kcarectl --lib-update" \
	"$CRON" status
expect "init again: still enabled (idempotent)" 0 "enabled" "$CRON" init
[ "$(grep -c . "$STATE")" = 1 ]
result "one timer enabled, once" $?
expect "disable stops it" 0 "disabled \(kcare-libcare.timer\)" "$CRON" disable
expect "status after disable: disabled" 1 "^disabled" "$CRON" status
: >"$STATE.calls"
expect "an unknown verb: usage, status 2" 2 "usage: libcare-cron init\|disable\|status" "$CRON" enable
expect "no verb: usage, status 2" 2 "usage:" "$CRON"
[ ! -s "$STATE.calls" ]
result "usage errors run no systemctl" $?
FAIL=1 expect "systemctl failing: a clear error, status 1" 1 \
	"^libcare-cron: cannot enable kcare-libcare.timer \(systemctl failed" "$CRON" init
[ ! -s "$STATE" ]
result "and nothing is enabled" $?

done_testing
