# SPDX-License-Identifier: GPL-2.0
#
# kcarectl's paths are fixed (/etc/sysconfig/kcare, /var/lib/kcare,
# /var/cache/kcare, /var/lib/libcare, /run/kcare): a test that runs
# kcarectl for real re-runs itself in a mount namespace of its own where
# each is an empty tmpfs, so the machine's own are neither read nor
# changed (a missing one is created empty as a mount point and removed
# afterwards). Sourced after scripts/tests/lib.sh.

KC_DIRS="/etc/sysconfig/kcare /var/lib/kcare /var/cache/kcare /var/lib/libcare /run/kcare"

# kc_ns_root_or_skip: a test of this kind needs root (ptrace of other
# processes, mounts); without it, say so in TAP and stop.
kc_ns_root_or_skip() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (ptrace of other processes, mounts)"
		exit 0
	fi
}

# kc_ns_rerun VAR VALUE SCRIPT ARGS...: run SCRIPT again with VAR=VALUE
# in a private mount namespace; its exit status.
kc_ns_rerun() {
	local var=$1 val=$2 created= d p t rc

	shift 2
	for d in $KC_DIRS; do
		t=
		p=$d
		while [ ! -d "$p" ]; do t=$p; p=$(dirname "$p"); done
		mkdir -p "$d"
		[ -n "$t" ] && created="$created $t"
	done
	env "$var=$val" unshare --mount --propagation private bash "$@"
	rc=$?
	for t in $created; do find "$t" -depth -type d -empty -delete; done
	return $rc
}

# kc_ns_mount: inside it, each of kcarectl's paths an empty tmpfs.
kc_ns_mount() {
	local d

	for d in $KC_DIRS; do mount -t tmpfs -o mode=0755 kcare-test "$d" || return 1; done
}
