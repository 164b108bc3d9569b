#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A broken selftest turns the test run red, and the summary counts it.

. "$(dirname "$0")/lib.sh"

check() {
	"$top/scripts/check" --no-unit --no-harness --arch x86_64 \
		scripts/tests/fixtures/test-fail.sh
}
expect "a failing selftest fails the run" 1 "not ok 2 - fail: a scenario that breaks" check
result "the summary line is last and counts it" \
	"$([ "$(tail -n1 "$out")" = "1 passed, 1 failed" ]; echo $?)" \
	"last line: $(tail -n1 "$out")"
done_testing
