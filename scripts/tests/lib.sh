# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the host-side tests of the test bed itself (scripts/tests/),
# which print TAP like the selftests.

# A test outside scripts/tests/ sets top (the tree) before it sources this.
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
name=$(basename "$0" .sh | sed 's/^test-//')
n=0
nfailed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# result NAME STATUS(0 = pass) [WHY]
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $name: $1"
	else
		echo "# ${3:-failed}"
		echo "not ok $n - $name: $1"
		nfailed=$((nfailed + 1))
	fi
}

# expect NAME WANT_STATUS GREP_PATTERN COMMAND...: run COMMAND, which must
# exit with WANT_STATUS and print a line matching GREP_PATTERN.
expect() {
	local what=$1 want=$2 pattern=$3 rc

	shift 3
	"$@" >"$out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		tail -n 15 "$out" | sed 's/^/#   /'
		result "$what" 1 "exit status $rc, expected $want"
	elif ! grep -qE -- "$pattern" "$out"; then
		tail -n 15 "$out" | sed 's/^/#   /'
		result "$what" 1 "no line matching '$pattern' in the output"
	else
		result "$what" 0
	fi
}

done_testing() {
	echo "1..$n"
	[ $nfailed -eq 0 ]
}
