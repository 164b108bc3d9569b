#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcarectl's registration against a real kcare-eportal on 127.0.0.1
# (Documentation/kcarectl.md, "Registration"): a key with a limit of 2,
# two machines registered, a retry taking no second slot, the third
# refused with exactly "Key limit reached", unregistering freeing a slot,
# --license-info in text and JSON, a check-in in "servers list" (with
# the user-space levels LibCare's state lists), a key
# past its expiry date (check-ins warned, registrations refused),
# install-kernelcare run as "| bash -s -- KEY" on a fresh machine,
# --register-autoretry against a server that comes up 3 s late (letting
# the run's lock go while it waits), and the messages of a wrong key, an
# unreachable server and a machine the server forgot.
#
# The real kcarectl runs as root in a private mount namespace (as
# test-agent.sh does: no test hook is compiled in) whose /etc is an
# overlay and /var/lib and /run are tmpfs; each "machine" is a nested
# namespace with its own /etc/sysconfig/kcare, /etc/machine-id and
# /var/lib/kcare bound from a directory of the test. kcare.ko cannot be
# loaded here, so check-ins are tested through --checkin.

top=$(cd "$(dirname "$0")/../../.." && pwd)

if [ -z "$KC_REGISTER_NS" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs root and mount namespaces (the test replaces /etc, /var/lib and /run in a namespace of its own)"
		exit 0
	fi
	exec unshare --mount --propagation private env KC_REGISTER_NS=1 bash "$0" "$@"
fi

. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

arch=$(uname -m | sed 's/aarch64/arm64/')
K=$top/build/$arch/kcarectl
tmp=$(mktemp -d)
pid=
rpid=
cleanup() {
	ep_stop
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	rm -f "$out"
	umount -l /etc /var/lib /run 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fatal() {
	echo "# $*"
	result "set-up" 1 "$*"
	done_testing
	exit 1
}

make -s -C "$top" host-eportal "build/$arch/kcarectl" >"$out" 2>&1 ||
	{ sed 's/^/# /' "$out"; fatal "kcare-eportal or kcarectl does not build"; }
mkdir -p "$tmp/etc-up" "$tmp/etc-work"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$tmp/etc-up,workdir=$tmp/etc-work" /etc &&
	mount -t tmpfs -o mode=0755 none /var/lib &&
	mount -t tmpfs -o mode=0755 none /run &&
	mkdir -p /etc/sysconfig/kcare /var/lib/kcare && touch /etc/machine-id ||
	fatal "cannot set up the namespace's mounts"

A=$tmp/ep
export KCARE_EPORTAL_DIR=$A
"$E" init "$A" >/dev/null || fatal "kcare-eportal init failed"
sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"
ep_start "$A" --http || fatal "the server does not start"
"$E" feed add web >/dev/null || fatal "feed add failed"
sticky=$(date -u -d '-3 days' +%d%m%y)
"$E" key create --feed web --limit 2 --sticky "$sticky" webkey >/dev/null ||
	fatal "key create failed"

# machine NAME: a machine of its own, configured for the server.
machine() {
	local r=$tmp/$1

	mkdir -p "$r/etc/sysconfig/kcare" "$r/var/lib/kcare"
	chmod 0700 "$r/var/lib/kcare"
	echo "$1$1$1" | sha256sum | cut -c1-32 >"$r/etc/machine-id"
	echo "REGISTRATION_URL=http://127.0.0.1:$port/admin/api/kcare" \
		>"$r/etc/sysconfig/kcare/kcare.conf"
}

# on NAME CMD...: CMD as machine NAME.
on() {
	local r=$tmp/$1

	shift
	unshare --mount --propagation private sh -c '
		mount --bind "$1/etc/sysconfig/kcare" /etc/sysconfig/kcare &&
		mount --bind "$1/etc/machine-id" /etc/machine-id &&
		mount --bind "$1/var/lib/kcare" /var/lib/kcare || exit 99
		shift
		exec timeout 60 "$@"' sh "$r" "$@"
}
# kc NAME ARGS...: kcarectl as machine NAME.
kc() {
	local m=$1

	shift
	on "$m" "$K" "$@"
}

for m in m1 m2 m3 m4; do machine $m; done

# ---- registering up to the limit -----------------------------------------

expect "--register KEY registers the first machine" 0 \
	"^Server registered: server id [0-9a-f]{32} \(feed web, sticky date $sticky, 1 of 2 machines\)$" \
	kc m1 --register webkey
id1=$(cat "$tmp/m1/var/lib/kcare/serverid")
result "the server id is kept in /var/lib/kcare/serverid, mode 0600, directory 0700" \
	"$(test "$(stat -c %a "$tmp/m1/var/lib/kcare/serverid")" = 600 &&
		test "$(stat -c %a "$tmp/m1/var/lib/kcare")" = 700 &&
		echo "$id1" | grep -qxE '[0-9a-f]{32}'; echo $?)"
result "the key's feed became PREFIX in kcare.conf" \
	"$(grep -qx 'PREFIX=web' "$tmp/m1/etc/sysconfig/kcare/kcare.conf"; echo $?)"
expect "registering again (the same machine id) takes no second slot" 0 \
	'"server_id": "'"$id1"'".*"machines": 1\}$' kc m1 --register webkey --json
expect "a second machine registers" 0 "1 of 2|2 of 2 machines" kc m2 --register webkey
expect "a third machine: exit 1" 1 "" kc m3 --register webkey
result "... and exactly the line 'Key limit reached'" "$(grep -qx 'Key limit reached' "$out"; echo $?)"
result "... and no server id kept" "$(test ! -e "$tmp/m3/var/lib/kcare/serverid"; echo $?)"
expect "--json: the limit as a JSON error" 1 '^\{"ok": false, "error": "Key limit reached"\}$' \
	kc m3 --register webkey --json

# ---- what the server says ------------------------------------------------

expect "--license-info: the key's feed" 0 "^feed: web$" kc m1 --license-info
result "... its sticky date, registered and valid" \
	"$(grep -qx "sticky-patch: $sticky" "$out" && grep -qx 'registered: yes' "$out" &&
		grep -qx 'valid: yes' "$out" && grep -qx "server-id: $id1" "$out"; echo $?)"
expect "--license-info --json" 0 \
	"^\{\"registered\": true, \"valid\": true, \"server_id\": \"$id1\", \"feed\": \"web\", \"sticky_patch\": \"$sticky\"" \
	kc m1 --license-info --json
expect "--license-info on a machine not registered: exit 1" 1 "^Not registered: this machine is not registered" \
	kc m4 --license-info

expect "--checkin reports the kernel" 0 "^Checked in: server id $id1 at " kc m1 --checkin
rel=$(uname -r)
check "servers list --json shows the machine's check-in" \
	"\"server_id\":\"$id1\",\"key\":\"webkey\",.*\"kernel_release\":\"$rel\",\"kernel_id\":\"[0-9a-f]{40}\",\"effective_kernel\":\"$rel\",\"patch_level\":0" \
	"$E" servers list --json

# LibCare's state (what --lib-update leaves, Documentation/libcare.md) for
# two live processes: the check-in reports each (library, level) once; the
# entry of a process that is gone is not reported.
sleep 300 &
spid=$!
sleep 300 &
spid2=$!
lcstate() { # PID BUILD-ID PATH LEVEL
	local d=$tmp/m1/var/lib/kcare/libcare/$1 start

	start=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20)
	mkdir -p "$d"
	printf 'pid=%s\ncomm=sleep\nstart=%s\npath=%s\nbuildid=%s\nlevel=%s\nid=L1\naddr=0x1000\nsize=64\nstate=applied\n' \
		"$1" "${start:-1}" "$3" "$2" "$4" >"$d/$2"
}
lcstate $spid aa11 /usr/lib/x86_64-linux-gnu/libssl.so.3 2
lcstate $spid bb22 /usr/lib/x86_64-linux-gnu/libz.so.1 1
lcstate $spid2 aa11 /usr/lib/x86_64-linux-gnu/libssl.so.3 2
lcstate 999999 cc33 /usr/lib/x86_64-linux-gnu/libgone.so.1 5
kc m1 --checkin >/dev/null 2>&1
user=$("$E" servers list --json | grep -o "\"server_id\":\"$id1\"[^}]*" | sed -n 's/.*"userspace":"\([^"]*\)".*/\1/p')
result "the check-in reports the user-space levels, each once ('$user')" \
	"$(echo "$user" | tr ' ' '\n' | sort | tr '\n' ' ' | grep -qx 'libssl.so.3:2 libz.so.1:1 '; echo $?)"
kill $spid $spid2 2>/dev/null
wait $spid $spid2 2>/dev/null
rm -rf "$tmp/m1/var/lib/kcare/libcare"

# ---- unregistering -------------------------------------------------------

expect "--unregister frees the slot" 0 "^Unregistered: server id [0-9a-f]{32} freed its key's slot$" \
	kc m2 --unregister
result "... and removes the local id" "$(test ! -e "$tmp/m2/var/lib/kcare/serverid"; echo $?)"
expect "--unregister again: nothing to do" 0 "^This machine is not registered: nothing to do$" \
	kc m2 --unregister
expect "the freed slot takes the third machine" 0 "2 of 2 machines" kc m3 --register webkey

# ---- errors --------------------------------------------------------------

expect "a wrong key: its own message" 1 \
	"^kcarectl: Unknown key: the registration server does not know key nosuchkey" \
	kc m4 --register nosuchkey
expect "a malformed key: a usage error" 2 "not a registration key" kc m4 --register 'a b'
"$E" key create --feed web --limit 1 gonekey >/dev/null
kc m4 --register gonekey >/dev/null 2>&1
"$E" key delete gonekey >/dev/null
expect "a machine whose key was deleted: --checkin says to register again" 1 \
	"^kcarectl: Unknown server id: .*register again" kc m4 --checkin
expect "... --license-info too" 1 "Unknown server id" kc m4 --license-info
sed -i 's/^REGISTRATION_URL=.*/REGISTRATION_URL=/' "$tmp/m4/etc/sysconfig/kcare/kcare.conf"
expect "no REGISTRATION_URL: says what to set" 1 "REGISTRATION_URL is not set" \
	kc m4 --register webkey

# ---- a key that expires ---------------------------------------------------

expect "key create --expires: a real date" 2 "--expires 2026-02-30: YYYY-MM-DD" \
	"$E" key create --feed web --expires 2026-02-30 badexp
"$E" key create --feed web --expires 2099-12-31 expkey >/dev/null
machine m7
machine m8
expect "a key that expires later registers" 0 "^Server registered" kc m7 --register expkey
today=$(date -u +%F)
"$E" key set expkey --expires "$today" >/dev/null
check "key list shows the expiry" "^expkey +feed web .* expires $today " "$E" key list
expect "past its expiry: --checkin still records, and warns" 0 \
	"warning: the registration key expired on $today: ask the server's administrator" kc m7 --checkin
expect "... --license-info: not valid (exit 1), and since when" 1 "^expires: $today$" kc m7 --license-info
result "... valid: no" "$(grep -q '^valid: no' "$out"; echo $?)"
expect "... --license-info --json" 1 '"valid": false.*"expires": "'"$today"'"' kc m7 --license-info --json
expect "an expired key registers no one: its own message" 1 "^kcarectl: Key expired: " kc m8 --register expkey
result "... and no server id kept" "$(test ! -e "$tmp/m8/var/lib/kcare/serverid"; echo $?)"
"$E" key set expkey --expires '' >/dev/null
expect "the expiry lifted: it registers again" 0 "^Server registered" kc m8 --register expkey

# ---- curl -s https://HOST/install-kernelcare | bash ------------------------

"$E" key create --feed web --limit 1 instkey >/dev/null
machine m6
: >"$tmp/m6/etc/sysconfig/kcare/kcare.conf"
curl -s -o "$tmp/install.sh" "http://127.0.0.1:$port/install-kernelcare"
result "GET /install-kernelcare: a shell script naming this server" \
	"$(sh -n "$tmp/install.sh" && grep -qx "url='http://127.0.0.1:$port'" "$tmp/install.sh"; echo $?)"
# "| bash": the script on standard input, kcarectl found on PATH.
install_on() {
	on "$1" env PATH="$(dirname "$K"):$PATH" bash -s -- "${@:2}" <"$tmp/install.sh"
}
c6=$tmp/m6/etc/sysconfig/kcare/kcare.conf
expect "a malformed key: refused before anything changes" 1 "not a registration key: a;b; nothing changed" \
	install_on m6 'a;b'
result "... kcare.conf untouched, no key trusted" \
	"$(test ! -s "$c6" -a ! -e "$tmp/m6/etc/sysconfig/kcare/keys"; echo $?)"
expect "| bash -s -- KEY: the server's key trusted, kcare.conf set, registered" 0 \
	"^Server registered: server id [0-9a-f]{32} \(feed web, sticky date none, 1 of 1 machines\)$" install_on m6 instkey
result "... PATCH_SERVER and REGISTRATION_URL name this server" \
	"$(grep -qx "PATCH_SERVER=http://127.0.0.1:$port/" "$c6" &&
		grep -qx "REGISTRATION_URL=http://127.0.0.1:$port/admin/api/kcare" "$c6"; echo $?)"
result "... the trusted key is the server's" \
	"$(cmp -s "$tmp/m6/etc/sysconfig/kcare/keys/"*.pem "$A/keys/eportal.pub.pem"; echo $?)"
expect "run again: the same slot, nothing added twice" 0 "1 of 1 machines" install_on m6 instkey
result "... one PATCH_SERVER line, one REGISTRATION_URL line" \
	"$(test "$(grep -c '^PATCH_SERVER=' "$c6")$(grep -c '^REGISTRATION_URL=' "$c6")" = 11; echo $?)"
bad_host() {
	curl -s -w '%{http_code} ' -o "$tmp/body" -H "Host: x'\$(id)" \
		"http://127.0.0.1:$port/install-kernelcare"
	cat "$tmp/body"
}
check "a Host header with shell in it is refused" '^400 .*no usable Host header' bad_host

# ---- a server that comes up late -----------------------------------------

kc m3 --unregister >/dev/null
ep_stop
machine m5
expect "an unreachable server: its own message" 1 \
	"^kcarectl: cannot reach the registration server: cannot connect to 127.0.0.1:$port \(Connection refused\)" \
	kc m5 --register webkey
kc m1 --unregister >/dev/null 2>&1 # unreachable: the id must stay
result "an unregister that cannot reach the server keeps the id" \
	"$(test -e "$tmp/m1/var/lib/kcare/serverid"; echo $?)"
kc m5 --register webkey --register-autoretry >"$tmp/retry.out" 2>&1 &
rpid=$!
sleep 1.5
expect "while --register-autoretry waits, other runs are not locked out" 0 \
	"^This machine is not registered: nothing to do$" timeout 5 "$K" --unregister
sleep 1.5
ep_start "$A" --http --listen "127.0.0.1:$port" || fatal "the server does not start again"
wait "$rpid"
rc=$?
rpid=
sed 's/^/#   /' "$tmp/retry.out" | head -n 8
result "--register-autoretry retried while the server was down" \
	"$(grep -q 'registration attempt 1 failed (cannot reach the registration server: .*); retrying in 1 s' "$tmp/retry.out"; echo $?)"
result "... and registered once it came up" \
	"$(test $rc = 0 && grep -q '^Server registered: server id' "$tmp/retry.out"; echo $?)"
expect "--register-autoretry never retries a refusal" 1 "^Key limit reached$" \
	kc m2 --register webkey --register-autoretry

ep_stop
done_testing
