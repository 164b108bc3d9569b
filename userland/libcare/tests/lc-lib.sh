# SPDX-License-Identifier: GPL-2.0
#
# Helpers of LibCare's host tests (sourced after scripts/tests/lib.sh):
# start the test process, read its counters, check that it runs on,
# untraced and unchanged.

O=${O:-$top/build/x86_64}
LC=$O/libcare-ctl
LCB=$O/libcare
export LIBCARE_STATE_DIR=${LIBCARE_STATE_DIR:-$(mktemp -d)}
export LIBCARE_BLACKLIST=${LIBCARE_BLACKLIST:-/dev/null}
lc_pids=
lc_cleanup() {
	local p
	for p in $lc_pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$LIBCARE_STATE_DIR"
	rm -f "$out"
}
trap lc_cleanup EXIT
trap 'exit 1' INT TERM HUP

# lc_start OUTFILE CMD...: run CMD in the background, its pid in $pid.
lc_start() {
	local f=$1
	shift
	"$@" >"$f" 2>&1 &
	pid=$!
	disown
	lc_pids="$lc_pids $pid"
	sleep 0.3
}

# lc_count OUTFILE NAME: NAME=value from the last counters line.
lc_count() {
	grep '^calls=' "$1" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# lc_sane PID: running, not stopped, not traced.
lc_sane() {
	local st
	st=$(cat /proc/"$1"/status 2>/dev/null) || { echo "# pid $1 is gone"; return 1; }
	echo "$st" | grep -q '^TracerPid:[[:space:]]*0$' || { echo "# pid $1 is traced"; return 1; }
	echo "$st" | grep -q '^State:[[:space:]]*[tTZX]' && { echo "# pid $1: $(echo "$st" | grep ^State)"; return 1; }
	return 0
}

# lc_grows OUTFILE NAME: the counter goes up within a second.
lc_grows() {
	local a b
	a=$(lc_count "$1" "$2")
	sleep 0.4
	b=$(lc_count "$1" "$2")
	[ -n "$a" ] && [ "$b" -gt "$a" ]
}

# lc_maps PID: the process's mappings, for "left exactly as it was".
lc_maps() {
	cut -d' ' -f1,2,6 /proc/"$1"/maps
}
