#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion (../kcare) against the built programs: every option
# each --help lists completes, option values complete, kcare-patchset's and
# kcare-eportal's verbs, sub-verbs and per-verb options complete. Runs the
# completion functions the way bash does: COMP_WORDS, COMP_CWORD, then
# COMPREPLY.

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"

bin=${KCARE_BIN:-$top/build/x86_64}
for p in kcarectl kcare-uname kcare-uchecker kcare-patchset kcare-eportal; do
	[ -x "$bin/$p" ] || { echo "Bail out! $bin/$p is not built (make userland)"; exit 1; }
done
PATH=$bin:$PATH
. "$top/userland/completion/kcare"

# complete LINE: the words of LINE, the last one being completed.
complete_line() {
	local fn
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	fn=$(complete -p "${COMP_WORDS[0]}" | sed 's/.*-F \([^ ]*\) .*/\1/')
	COMPREPLY=()
	"$fn"
	printf '%s\n' "${COMPREPLY[@]}"
}

# has WORD LIST...: WORD is one of the completions.
has() { local w=$1; shift; printf '%s\n' "$@" | grep -qxF -- "$w"; }

# Every --option of PROG's help completes after PROG.
all_options() {
	local prog=$1 got missing=
	got=$(complete_line "$prog -")
	for o in $("$prog" --help 2>&1 | grep -oE -- '(^|[ ,(])--?[a-zA-Z][a-zA-Z0-9-]*' | sed 's/^[ ,(]//' | sort -u); do
		has "$o" "$got" || missing+=" $o"
	done
	echo "${missing:-none}"
}

for p in kcarectl kcare-uname kcare-uchecker; do
	lines=$("$p" --help 2>&1 | grep -cE -- '--[a-z]')
	m=$(all_options "$p")
	result "$p: all $lines option lines of --help complete (missing: $m)" "$([ "$m" = none ] && [ "$lines" -ge 4 ]; echo $?)"
done
result "kcarectl --freezer <TAB>: none full smart" \
	"$([ "$(complete_line 'kcarectl --update --freezer ' | tr '\n' ' ')" = "none full smart " ]; echo $?)"
result "kcarectl --prefix 1<TAB>: 12h" "$([ "$(complete_line 'kcarectl -u --prefix 1')" = 12h ]; echo $?)"
result "kcarectl --set-patch-type e<TAB>: extra" \
	"$([ "$(complete_line 'kcarectl --set-patch-type e')" = extra ]; echo $?)"
result "kcarectl --userspace-update libs,q<TAB>: libs,qemu" \
	"$([ "$(complete_line 'kcarectl --userspace-update libs,q')" = libs,qemu ]; echo $?)"
result "kcarectl --lib-<TAB>: the four LibCare verbs" \
	"$([ "$(complete_line 'kcarectl --lib-' | wc -l)" = 4 ]; echo $?)"
result "kcarectl --register KEY: no completion (a secret)" \
	"$([ -z "$(complete_line 'kcarectl --register ')" ]; echo $?)"

verbs=$(complete_line 'kcare-patchset ' | tr '\n' ' ')
result "kcare-patchset <TAB>: its verbs ($verbs)" \
	"$([ "$verbs" = "keygen header pack unpack sign verify publish withdraw refresh select " ]; echo $?)"
opts=$(complete_line 'kcare-patchset pack --' | tr '\n' ' ')
result "kcare-patchset pack --<TAB>: pack's options ($opts)" \
	"$(for o in --meta --level --arch --kernel-release --proc-version --build-id -o; do
		[ "$o" = -o ] && continue; has "$o" $opts || exit 1; done; ! has --repo $opts; echo $?)"

verbs=$(complete_line 'kcare-eportal ' | tr '\n' ' ')
result "kcare-eportal <TAB>: its verbs and stream prefixes" \
	"$(for v in init serve feed key deploy enable disable undeploy list servers mirror update auto-update refresh qemu libcare db; do
		has "$v" $verbs || exit 1; done; echo 0)"
result "kcare-eportal feed <TAB>: add set list delete" \
	"$([ "$(complete_line 'kcare-eportal feed ' | sort | tr '\n' ' ')" = "add delete list set " ]; echo $?)"
result "kcare-eportal -d DIR libcare key <TAB>: create set list delete" \
	"$([ "$(complete_line 'kcare-eportal -d /tmp libcare key ' | sort | tr '\n' ' ')" = "create delete list set " ]; echo $?)"
opts=$(complete_line 'kcare-eportal deploy --' | tr '\n' ' ')
result "kcare-eportal deploy --<TAB>: --feed --disabled ($opts)" \
	"$(has --feed $opts && has --disabled $opts && ! has --upstream $opts; echo $?)"
opts=$(complete_line 'kcare-eportal serve /srv --' | tr '\n' ' ')
result "kcare-eportal serve DIR --<TAB>: --http --listen --interval" \
	"$(has --http $opts && has --listen $opts && has --interval $opts; echo $?)"
done_testing
