# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of the selftests, sourced by each test-*.sh. They run in
# the test guest (busybox sh) as root, with kcare installed as its package
# installs it. Each scenario is a shell function run by kc_scenario, which
# prints one TAP line: "ok N - SUBJECT: NAME" or "not ok N - ...".
#
# Inside a scenario, any failing command fails the scenario (set -e), so
# write checks as commands: kc_check_sysfs, kc_assert_eq, kc_check_log...

KC_SUBJECT=${KC_SUBJECT:-$(basename "$0" .sh | sed 's/^test-//')}
KC_DIR=$(cd "$(dirname "$0")" && pwd)
KC_MODULES=${KC_MODULES:-$KC_DIR/modules}
KC_SYSFS=/sys/kernel/kcare
KC_N=0
KC_FAILED=0
KC_MARK=

case $(uname -m) in
aarch64) KC_ARCH=arm64 ;;
*) KC_ARCH=$(uname -m) ;;
esac

kc_note() { echo "# $*"; }

# kc_fail MESSAGE: fail the current scenario, saying why.
kc_fail() {
	echo "# FAIL: $*"
	return 1
}

# kc_scenario NAME FUNCTION: run one scenario in a subshell.
kc_scenario() {
	local name=$1 fn=$2 rc

	KC_N=$((KC_N + 1))
	(set -e; "$fn")
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "ok $KC_N - $KC_SUBJECT: $name"
	else
		echo "not ok $KC_N - $KC_SUBJECT: $name"
		KC_FAILED=$((KC_FAILED + 1))
	fi
}

# kc_skip NAME REASON: report a scenario that cannot run here.
kc_skip() {
	KC_N=$((KC_N + 1))
	echo "ok $KC_N - $KC_SUBJECT: $1 # SKIP $2"
}

# kc_done: print the plan and exit non-zero if any scenario failed.
kc_done() {
	echo "1..$KC_N"
	[ $KC_FAILED -eq 0 ]
	exit
}

kc_engine_loaded() { grep -q '^kcare ' /proc/modules; }

kc_load_engine() {
	kc_engine_loaded || modprobe kcare || kc_fail "cannot load kcare.ko"
}

kc_unload_engine() {
	! kc_engine_loaded || rmmod kcare || kc_fail "cannot unload kcare.ko"
}

# kc_wait_until SECONDS COMMAND...: poll until COMMAND succeeds.
kc_wait_until() {
	local limit=$(($1 * 10)) i=0

	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -lt $limit ] || kc_fail "timed out waiting for: $*" || return
		sleep 0.1
	done
}

# kc_assert_eq ACTUAL EXPECTED WHAT
kc_assert_eq() {
	[ "$1" = "$2" ] || kc_fail "$3: got '$1', expected '$2'"
}

# kc_expect_fail COMMAND...: COMMAND must fail; its stderr is kept in
# $KC_ERR_FILE for a later look.
KC_ERR_FILE=/tmp/kc-stderr
kc_expect_fail() {
	if "$@" 2>"$KC_ERR_FILE"; then
		kc_fail "succeeded but should have failed: $*"
		return
	fi
	return 0
}

# kc_check_sysfs PATH MODE [VALUE]: PATH exists with permission bits MODE
# (octal, e.g. 444) and, if given, content VALUE.
kc_check_sysfs() {
	local mode

	[ -e "$1" ] || kc_fail "$1 does not exist" || return
	mode=$(stat -c %a "$1")
	[ "$mode" = "$2" ] || kc_fail "$1 has mode $mode, expected $2" || return
	[ $# -lt 3 ] || kc_assert_eq "$(cat "$1")" "$3" "content of $1"
}

# kc_mark: remember the current end of the kernel log.
kc_mark() {
	KC_MARK="kcare-selftest-mark-$KC_N-$$-$(date +%s)"
	echo "$KC_MARK" >/dev/kmsg
}

# kc_log_since_mark: kernel-log lines after kc_mark, without timestamps.
kc_log_since_mark() {
	dmesg | sed -n "/$KC_MARK\$/,\$p" | sed -e 1d -e 's/^\[[^]]*\] //'
}

# kc_check_log [REGEX] <<EOF: the kernel-log lines since kc_mark that match
# REGEX (default: the engine's and the test modules' own lines) must be
# exactly the transcript on standard input. The freezer's report of each
# switch (its figures vary from run to run) is left out.
KC_LOG_VARYING='^kcare: switched [0-9]+ functions \(freezer '
kc_check_log() {
	local re=${1:-'^kcare'} expected actual

	expected=$(cat)
	actual=$(kc_log_since_mark | grep -E "$re" | grep -Ev "$KC_LOG_VARYING" || true)
	[ "$actual" = "$expected" ] && return
	echo "# kernel log differs from the expected transcript:"
	echo "# expected:"
	echo "$expected" | sed 's/^/#   /'
	echo "# actual:"
	echo "$actual" | sed 's/^/#   /'
	return 1
}
