#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-objdiff on small C files built twice, before and after a fix
# (-DFIX), with the flags of a kernel build (function and data sections,
# ftrace entries, debug information): one scenario per case the differ must
# get right, each checking the verdict, its reason and the exit status.
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"

fix=$top/userland/kcare-build/tests/objdiff
tmp=$(mktemp -d /tmp/kc-objdiff.XXXXXX)
trap 'rm -rf "$tmp" "$out"' EXIT
tool=$tmp/kcare-objdiff
make -s -C "$top" build/host/kcare-objdiff >/dev/null || { result "kcare-objdiff builds" 1; done_testing; exit; }
cp "$top/build/host/kcare-objdiff" "$tool"

flags="-O2 -g -fno-pic -mcmodel=kernel -ffunction-sections -fdata-sections -pg -mfentry -mrecord-mcount"
build() {
	gcc $flags $extra -c "$fix/$1.c" -o "$tmp/$1-old.o" &&
	gcc $flags $extra -DFIX -c "$fix/$1.c" -o "$tmp/$1-new.o"
}
extra=
# diffcase CASE WHAT STATUS PATTERN: the report of CASE's two builds.
diffcase() {
	build "$1" || { result "$2" 1 "cannot compile $1.c"; return; }
	expect "$2" "$3" "$4" "$tool" "$tmp/$1-old.o" "$tmp/$1-new.o"
}
# absent PATTERN WHAT: the last report has no line matching PATTERN.
absent() {
	! grep -qE -- "$1" "$out"
	result "$2" $?
}

diffcase body "a changed body is reported" 0 '^changed function limit_check: its code differs$'
absent 'untouched' "an unchanged neighbour is not"
diffcase inline "a change in an inlined helper shows in its caller" 0 '^changed function copy_len:'
absent 'other|clamp_len' "nothing else of the file"
diffcase clone "a changed constprop clone, by its clone name" 0 '^changed function scale\.constprop\.[0-9]+:'
absent 'steady' "an unchanged clone is not"
diffcase cold "a changed cold part pulls in its parent" 0 '^changed function check_value: its cold part check_value\.cold changed$'
grep -qE '^changed function check_value\.cold:' "$out"
result "the cold part travels with it" $?
diffcase statics "a function-local static keeps its twin when numbers shift" 0 '^changed function tick_a:'
absent 'tick_b' "the function using the other same-named static is unchanged"
grep -qE '^new data count\.[0-9]+: a new variable' "$out" && [ "$(grep -c '^new data' "$out")" = 1 ]
result "only the new function's static is new" $?
# All literals in one section (as without -fdata-sections): the fix
# moves say_second's string, which must not count as a change.
extra=-fno-data-sections
diffcase strings "strings compare by text: the changed one is found" 0 '^changed function say_first: its references change$'
extra=
readelf -rW "$tmp/strings-old.o" | grep -A3 "text.say_second'" | grep -o 'str1.1 + [0-9a-f]*' >"$tmp/o1"
readelf -rW "$tmp/strings-new.o" | grep -A3 "text.say_second'" | grep -o 'str1.1 + [0-9a-f]*' >"$tmp/o2"
! cmp -s "$tmp/o1" "$tmp/o2"
result "(say_second's string did move)" $?
absent 'say_second' "a string that only moved is no change"
diffcase funcnames "read-only data pairs by contents when GCC renumbers it" 0 '^new function added:'
absent 'first|second' "the functions whose __func__ only got another number are unchanged"
grep -qE '^new data __func__\.[0-9]+:' "$out"
result "the new function's __func__ is new" $?
diffcase newsym "a new helper is carried" 0 '^new function checked_read: a new function$'
grep -qE '^new data read_errors:' "$out" && grep -qE '^changed function reader:' "$out"
result "with its new static variable and its changed caller" $?
diffcase const "a changed constant is carried as a new copy" 0 '^changed data weights: a constant that changed'
grep -qE '^changed function weight: it uses weights' "$out" && ! grep -q unrelated "$out"
result "and its user (only) is replaced" $?
diffcase refuse-data "a changed initial value is refused, naming the variable" 3 \
	'^refused data max_entries: its initial value changes'
diffcase refuse-struct "a changed structure layout is refused, naming it" 3 \
	'^refused struct conn: its layout changes.*retries at 4'
diffcase refuse-init "a changed __init function is refused" 3 \
	'^refused function table_init: __init code changes'
diffcase refuse-notrace "a changed notrace function is refused" 3 \
	'^refused function fast_path: not traceable'
diffcase same "a comment-only change: nothing to patch" 4 '^summary: 0 changed, 0 new, 0 refused, 1 unchanged$'

# The payload of the statics case: tick_a is redirected, the new function
# and its static are carried, and tick_a's own static is the running
# kernel's, bound by the engine under the old build's name.
em=$tmp/emit
mkdir -p "$em"
printf '0x0\t__fentry__\tvmlinux\tEXPORT_SYMBOL\t\n' >"$tmp/symvers"
build statics
expect "--emit writes the payload" 0 '^changed function tick_a' \
	"$tool" --emit "$em" --symvers "$tmp/symvers" --patch t vmlinux "$tmp/statics-old.o" "$tmp/statics-new.o"
grep -q '{ .name = "tick_a", .object = "vmlinux", .new_func = kcdiff_0_s[0-9]* + 0x0 }' "$em/kcdiff.c"
result "the glue redirects tick_a to its copy" $?
was=$(objdump -dr "$tmp/statics-old.o" | sed -n '/<tick_a>:/,/^$/s/.*R_X86_64_PC32[[:space:]]*\.bss\.\(count\.[0-9]*\).*/\1/p' | head -n 1)
grep -q "{ \"$was\", \"vmlinux\", 0, &kcdiff_values\[0\] }" "$em/kcdiff.c" &&
	[ "$(grep -c "/\* $was \*/" "$em/kcdiff.c")" -ge 1 ]
result "tick_a's static is the kernel's $was, bound by the engine" $?
readelf -sW "$em/kcdiff_0.o_shipped" >"$tmp/syms" && readelf -rW "$em/kcdiff_0.o_shipped" >"$tmp/rels"
grep -qE 'FUNC +LOCAL .* added_first$' "$tmp/syms" && grep -qE 'OBJECT +LOCAL .* count\.[0-9]+$' "$tmp/syms" &&
	grep -qE 'NOTYPE +GLOBAL .* UND __fentry__$' "$tmp/syms" && ! grep -q "$was" "$tmp/rels"
result "the object carries the new function and static, binds exports by name, leaves the kernel's static out" $?
expect "--hooks: the author's hooks are declared and run with the patch" 0 '^changed function tick_a' \
	"$tool" --emit "$em" --symvers "$tmp/symvers" --patch t --hooks pre_apply,post_revert \
	vmlinux "$tmp/statics-old.o" "$tmp/statics-new.o"
grep -q '^int kcdiff_hook_pre_apply(struct kcare_patch \*patch);' "$em/kcdiff.c" &&
	grep -q 'return ret ? ret : kcdiff_hook_pre_apply(patch);' "$em/kcdiff.c" &&
	grep -q '^			.post_revert = kcdiff_hook_post_revert,' "$em/kcdiff.c" &&
	! grep -q 'post_apply' "$em/kcdiff.c"
result "pre_apply after the relocations, post_revert as the patch's hook, nothing else" $?
expect "a refused file writes no payload" 3 '^refused data max_entries' \
	"$tool" --emit "$em" --symvers "$tmp/symvers" --patch t vmlinux "$tmp/refuse-data-old.o" "$tmp/refuse-data-new.o"
expect "--emit without --symvers is a usage error" 2 'usage' "$tool" --emit "$em" --patch t vmlinux a b
expect "a file that is not an object is an error" 1 "not an ELF file" "$tool" "$fix/body.c" "$tmp/body-new.o"
expect "usage" 2 "usage: kcare-objdiff OLD.o NEW.o" "$tool" "$tmp/body-new.o"
done_testing
