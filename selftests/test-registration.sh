#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kcarectl with a private server, end to end (Documentation/kcarectl.md,
# "Registration"; Documentation/eportal.md): kcare-eportal in the guest on
# 127.0.0.1:8443 (plain HTTP), the real demo patchset (levels 1 and 2 of
# make e2e-repo) deployed to it from a signed archive; kcarectl trusts the
# server's key, registers with a key whose sticky date pins updates to
# level 1 (STICKY_PATCH=KEY), applies it, and its check-in shows level 1
# in "servers list"; level 2 disabled on the server, the date cleared:
# the update keeps level 1; enabled again, the next update takes level 2; a check-in that cannot reach the server is a warning of
# a successful update; --license-info and --unregister.

. "$(dirname "$0")/lib.sh"

E2E=$KC_DIR/e2e
. "$E2E/env.sh"
EP=/tmp/ep
PORT=8443
SERVER=http://127.0.0.1:$PORT
SHA1=$(sha1sum /proc/version | cut -d' ' -f1)
CONF_DIR=/etc/sysconfig/kcare
CONF=$CONF_DIR/kcare.conf
OUT=/tmp/kc-out
ERR=/tmp/kc-err
NOW=$(date -u +%s)
export KCARE_EPORTAL_DIR=$EP

kc_show() {
	sed 's/^/# stdout: /' $OUT
	sed 's/^/# stderr: /' $ERR
}
# run WANT CMD...: CMD must exit with WANT; its output in $OUT and $ERR.
run() {
	local want=$1 rc=0
	shift
	"$@" >$OUT 2>$ERR || rc=$?
	[ "$rc" = "$want" ] && return
	kc_show
	kc_fail "'$*' exited with $rc, expected $want"
}
out_has() { grep -Eq -- "$1" $OUT || { kc_show; kc_fail "stdout has no line matching /$1/"; }; }
err_has() { grep -Eq -- "$1" $ERR || { kc_show; kc_fail "stderr has no line matching /$1/"; }; }

# conf REGISTRATION-URL LINE...: kcare.conf for the server.
conf() {
	local url=$1 l
	shift
	mkdir -p $CONF_DIR
	{ echo "PATCH_SERVER=$SERVER/"; echo "REGISTRATION_URL=$url"
	  for l in "$@"; do echo "$l"; done; } >$CONF
}

listening() {
	grep -q "^ *[0-9]*: 0100007F:$(printf %04X $1) 00000000:0000 0A " /proc/net/tcp
}
latest_is() { [ "$(wget -q -O - $SERVER/$SHA1/latest.v2 2>/dev/null)" = "$1" ]; }
# machine ARGS: this machine's row of "servers list --json" matches ERE.
machine() {
	kcare-eportal servers list --json >$OUT 2>$ERR || { kc_show; kc_fail "servers list failed"; }
	out_has "$1"
}
ddmmyy() { date -u -d "@$1" +%d%m%y; }

setup() {
	[ $((NOW - E2E_L2_RELEASE)) -lt 36000 ] ||
		kc_fail "/selftests/e2e is older than 10 hours: run make selftest-root again"
	kcare-eportal init $EP >/dev/null
	cp $E2E/keys/kcare-pub.pem $EP/keys/trusted/
	mkdir -p /tmp/deploy
	cp $E2E/kcp/l1.kcp $E2E/kcp/l2.kcp /tmp/deploy/
	kcare-patchset sign --key $E2E/keys/kcare.pem /tmp/deploy/l1.kcp >/dev/null
	kcare-patchset sign --key $E2E/keys/kcare.pem /tmp/deploy/l2.kcp >/dev/null
	(cd /tmp/deploy && tar -cf /tmp/demo.tar l1.kcp l1.kcp.sig l2.kcp l2.kcp.sig)
	run 0 kcare-eportal deploy /tmp/demo.tar
	kcare-eportal serve $EP --http --listen 127.0.0.1:$PORT 2>$EP/serve.log &
	echo $! >/tmp/ep.pid
	kc_wait_until 10 listening $PORT
	kc_wait_until 10 latest_is 2
	run 0 kcarectl --import-key $EP/keys/eportal.pub.pem
	conf $SERVER/admin/api/kcare STICKY_PATCH=KEY
	kcare-eportal key create --feed default --limit 5 \
		--sticky "$(ddmmyy $((NOW - 10 * 86400)))" e2ekey >/dev/null
}

sticky_key() {
	run 0 kcarectl --register e2ekey
	out_has '^Server registered: server id [0-9a-f]{32} \(feed default, sticky date [0-9]{6}, 1 of 5 machines\)$'
	run 0 kcarectl --update
	out_has '^Patch level 1 applied'
	machine '"key":"e2ekey",.*"patch_level":1,'
}

# Level 2 disabled on the server: hidden from the machine until enabled.
disabled_hidden() {
	local id2

	id2=$(kcare-eportal list | awk '$3 == "level" && $4 == 2 { print $2 }')
	[ -n "$id2" ] || kc_fail "no level 2 in kcare-eportal list"
	run 0 kcare-eportal disable "$id2"
	kc_wait_until 10 latest_is 1
	run 0 kcare-eportal key set e2ekey --sticky ''
	run 0 kcarectl --update
	out_has '^No newer patches: level 1 is applied'
	machine '"key":"e2ekey",.*"patch_level":1,'
	run 0 kcare-eportal enable "$id2"
	kc_wait_until 10 latest_is 2
}

sticky_cleared() {
	run 0 kcare-eportal key set e2ekey --sticky ''
	run 0 kcarectl --update
	out_has '^Patch level 2 applied'
	machine "\"effective_kernel\":\"$E2E_L2_VERSION\",\"patch_level\":2,"
}

checkin_fails() {
	conf http://127.0.0.1:$((PORT + 1))/admin/api/kcare
	run 0 kcarectl --update
	out_has '^No newer patches: level 2 is applied'
	err_has '^kcarectl: warning: the check-in failed: cannot reach the registration server'
	conf $SERVER/admin/api/kcare STICKY_PATCH=KEY
}

license_and_unregister() {
	run 0 kcarectl --license-info
	out_has '^feed: default$'
	out_has '^sticky-patch: none$'
	run 0 kcarectl --unregister
	out_has '^Unregistered: server id [0-9a-f]{32} freed its key.s slot$'
	machine '^\[\]$'
	# Not registered, STICKY_PATCH=KEY has no date to pin to.
	run 1 kcarectl --update
	err_has 'STICKY_PATCH=KEY: this machine is not registered'
}

cleanup() {
	kcarectl --unload >/dev/null 2>&1 || true
	[ -f /tmp/ep.pid ] && kill "$(cat /tmp/ep.pid)" 2>/dev/null
	return 0
}

kc_scenario "set-up: kcare-eportal with the demo patchset, levels 1 and 2" setup
kc_scenario "register with a sticky key: level 1 applied, the check-in shows it" sticky_key
kc_scenario "level 2 disabled on the server: the update keeps level 1, until it is enabled" disabled_hidden
kc_scenario "the key's sticky date cleared on the server: level 2 applied and checked in" sticky_cleared
kc_scenario "a check-in that cannot reach the server is a warning, the update succeeds" checkin_fails
kc_scenario "--license-info, --unregister (then STICKY_PATCH=KEY has nothing to pin to)" license_and_unregister
kc_scenario "clean-up: patches unloaded, the server stopped" cleanup
kc_done
