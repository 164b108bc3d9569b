#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The house rules that keep the tree findable (userland/README.md, the
# READMEs of every folder): a small loader, no oversized file, a README in
# every folder of code, each folder including only what it may, and one
# place naming the test-bed kernel.

. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

# lines FOLDER: lines of its C sources and headers, tests excluded.
lines() {
	find "$1" -name '*.[ch]' -not -path '*/tests/*' -print0 | xargs -0 cat | wc -l
}
l=$(lines loader) c=$(lines core)
result "loader/ ($l lines) is smaller than core/ ($c)" "$([ "$l" -lt "$c" ]; echo $?)" \
	"loader/ has $l lines, core/ $c"

big=$(git ls-files '*.c' '*.h' | xargs wc -l | awk '$2 != "total" && $1 > 850 { print $2 " (" $1 ")" }')
result "no C file over ~800 lines" "$([ -z "$big" ]; echo $?)" "too long: $big"

missing=
for d in core arch loader bpf userland userland/*/ scripts selftests; do
	d=${d%/}
	[ -f "$d/README.md" ] || missing="$missing $d"
done
result "every folder of code opens with a README.md" "$([ -z "$missing" ]; echo $?)" \
	"no README.md in:$missing"

# includes FOLDER ALLOWED...: every quoted #include of FOLDER's sources
# (tests excluded) names a header of FOLDER or of an ALLOWED folder.
includes() {
	local dir=$1 f h bad= ok d
	shift
	for f in $(find "$dir" -maxdepth 1 -name '*.[ch]' -not -name '*.bpf.c'); do
		for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
			# A bpftool skeleton is generated into the build tree.
			case $h in *.skel.h) continue ;; esac
			ok=
			for d in "$dir" "$@"; do
				[ -f "$d/$h" ] && ok=1
			done
			[ -n "$ok" ] || bad="$bad $f:$h"
		done
	done
	result "$dir includes only its own headers${*:+ and those of $*}" \
		"$([ -z "$bad" ]; echo $?)" "outside:$bad"
}
includes userland/lib
includes loader userland/lib
includes bpf
includes userland/kcarectl loader userland/lib userland/libcare
includes userland/kcare-patchset loader userland/lib
includes userland/kcare-uname
includes userland/kcare-build
includes userland/libcare
includes userland/uchecker userland/lib userland/libcare
includes userland/eportal loader userland/lib userland/kcare-patchset

abi=$(git grep -lE '6\.1\.0-[0-9]+-(amd64|arm64)' -- scripts selftests/*.sh ':!scripts/kernel.pin' 2>/dev/null | tr '\n' ' ')
result "only scripts/kernel.pin names the test-bed kernel's ABI" "$([ -z "$abi" ]; echo $?)" \
	"a literal kernel ABI in: $abi"

done_testing
