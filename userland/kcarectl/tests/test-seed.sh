#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed's own examples, literally (fixtures/seed-examples.tsv, copied
# from the KernelCare manual): each config line is put in kcare.conf and
# each command run against the real kcarectl, which must accept it or
# refuse it with the documented message (issue 20: a KernelCare user's
# configs, scripts and habits work unchanged). In a private mount
# namespace whose /etc is an overlay and whose /var/cache, /var/lib,
# /run, /root and /sys/kernel are its own; the servers are 127.0.0.1:9,
# where nothing listens, so no command leaves the machine.
top=$(cd "$(dirname "$0")/../../.." && pwd)

if [ -z "$KC_SEED_NS" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs root and mount namespaces"
		exit 0
	fi
	exec unshare --mount --propagation private env KC_SEED_NS=1 bash "$0" "$@"
fi

. "$top/scripts/tests/lib.sh"

KC=${KC_KCARECTL:-$top/build/x86_64/kcarectl}
FIX=$top/userland/kcarectl/tests/fixtures/seed-examples.tsv
CONF=/etc/sysconfig/kcare/kcare.conf
SERVERS='PATCH_SERVER=http://127.0.0.1:9/
REGISTRATION_URL=http://127.0.0.1:9/'

make -s -C "$top" build/x86_64/kcarectl >"$out" 2>&1 ||
	{ sed 's/^/# /' "$out" | tail -20; result "build" 1; done_testing; exit 1; }
tmp=$(mktemp -d /tmp/kc-seed.XXXXXX)
mount -t tmpfs -o mode=0755 none "$tmp" &&
	mkdir -p "$tmp/etc-up" "$tmp/etc-work" "$tmp/bin" &&
	mount -t overlay overlay -o "lowerdir=/etc,upperdir=$tmp/etc-up,workdir=$tmp/etc-work" /etc &&
	mount -t tmpfs -o mode=0755 none /var/cache &&
	mount -t tmpfs -o mode=0755 none /var/lib &&
	mount -t tmpfs -o mode=0755 none /run &&
	mount -t tmpfs -o mode=0700 none /root &&
	mount -t tmpfs -o mode=0755 none /sys/kernel ||
	{ result "namespace set-up" 1; done_testing; exit 1; }
cp "$KC" "$tmp/bin/kcarectl"
ln -s kcarectl "$tmp/bin/kc-compat"
export PATH=$tmp/bin:$PATH
mkdir -p /etc/sysconfig/kcare

# check TEXT WANT PATTERN COMMAND...
check() {
	local text=$1 want=$2 pattern=$3 rc

	shift 3
	timeout 60 "$@" >"$out" 2>&1
	rc=$?
	if [ "$want" = '!2' ] && [ $rc = 2 ]; then
		sed 's/^/#   /' "$out" | tail -5
		result "$text" 1 "a usage error (exit 2)"
	elif [ "$want" != '!2' ] && [ "$rc" != "$want" ]; then
		sed 's/^/#   /' "$out" | tail -5
		result "$text" 1 "exit $rc, expected $want"
	elif ! grep -qE -- "$pattern" "$out"; then
		sed 's/^/#   /' "$out" | tail -5
		result "$text" 1 "no line matching /$pattern/"
	else
		result "$text" 0
	fi
}

while IFS=$'\t' read -r kind text want pattern; do
	case $kind in
	conf)
		printf '%s\n%s\n' "$text" "$SERVERS" >$CONF
		check "kcare.conf: $text" "$want" "$pattern" \
			kcarectl --set-patch-type default
		;;
	cmd)
		printf '%s\n' "$SERVERS" >$CONF
		rm -f /root/cl-report
		# shellcheck disable=SC2086 # the seed's words, split as sh does
		check "$text" "$want" "$pattern" $text
		;;
	esac
done < <(grep -v '^#' "$FIX")

# What the setters on a line with --update left behind.
printf '%s\n' "$SERVERS" >$CONF
kcarectl --set-patch-type extra --update >/dev/null 2>&1
result "--set-patch-type extra --update: PATCH_TYPE=extra stays set though the update failed" \
	"$(grep -qx 'PATCH_TYPE=extra' $CONF; echo $?)"
kcarectl --doctor >/dev/null 2>&1
result "--doctor: /root/cl-report written, mode 0600" \
	"$([ "$(stat -c %a /root/cl-report 2>/dev/null)" = 600 ]; echo $?)"
done_testing
