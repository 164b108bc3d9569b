# SPDX-License-Identifier: GPL-2.0
#
# kcarectl's paths are fixed (/etc/sysconfig/kcare, /var/lib/kcare,
# /var/cache/kcare, /var/lib/libcare, /run/kcare). A test or bench that
# runs the real binary re-runs itself in a mount namespace of its own
# where /etc is an overlay of the machine's and /var/lib, /var/cache and
# /run are empty tmpfs, so the machine's own files are neither read nor
# changed.
#
# Nothing is created on the machine itself: a directory made there for a
# mount point would be removed by the next run that tidies up, and removing
# a directory detaches the mounts on it in every namespace (Linux 3.18+),
# which pulled the keys from under a test running beside another.
#
# usage, before anything else (VAR names the re-run):
#	. "$top/userland/kcarectl/tests/kc-ns.sh"
#	kc_ns_enter KC_FOO_NS "$0" "$@"		(returns only inside)

# kc_ns_enter VAR SCRIPT ARGS...: re-run SCRIPT in a namespace set up by
# kc_ns_setup; returns inside it, exits with the run's status outside.
kc_ns_enter() {
	local var=$1 rc

	shift
	[ -n "${!var}" ] && { kc_ns_setup; return; }
	if [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs root and mount namespaces (ptrace of other processes, private /etc, /var and /run)"
		exit 0
	fi
	KC_NS_UP=$(mktemp -d /tmp/kc-ns.XXXXXX) || exit 1
	env "$var=1" KC_NS_UP="$KC_NS_UP" unshare --mount --propagation private bash "$@"
	rc=$?
	rmdir "$KC_NS_UP"
	exit $rc
}

# kc_ns_setup: inside the namespace, the private /etc, /var/lib, /var/cache
# and /run, with kcarectl's directories in them, empty.
kc_ns_setup() {
	local up=$KC_NS_UP

	mount -t tmpfs -o mode=0755 kcare-ns "$up" &&
		mkdir "$up/etc" "$up/work" &&
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$up/etc,workdir=$up/work" /etc &&
		mount -t tmpfs -o mode=0755 kcare-ns /var/lib &&
		mount -t tmpfs -o mode=0755 kcare-ns /var/cache &&
		mount -t tmpfs -o mode=0755 kcare-ns /run &&
		mkdir -p /etc/sysconfig/kcare /var/lib/kcare /var/cache/kcare /var/lib/libcare /run/kcare ||
		{ echo "# cannot set up the private /etc, /var and /run"; exit 1; }
}
