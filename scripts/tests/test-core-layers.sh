#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The layers of kcare.ko (core/README.md, arch/README.md): no file of the
# engine may call back into a file above it, so that each part can be read,
# changed and tested from the bottom up.
#
# For each architecture whose kernel headers are set up, the module is
# built and its objects read with nm: which global symbols each defines and
# which it uses. A use of a symbol another of our objects defines is an
# edge from the user's file to the definer's. The local #include "..." lines
# of the sources are edges too: including a file's header depends on it.
# Then:
#   - the calls alone must have no circle (the circle is printed);
#   - no file includes the header of a file that calls back into it;
#   - calls and includes together must have no circle either;
#   - the ftrace_ops handler is installed by core/hook.c only: no arch/ file
#     uses the ftrace_ops registration functions.

. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$tmp"' EXIT

# What core/hook.c owns: registering and removing the ftrace handler.
FTRACE_OPS_API='register_ftrace_function|unregister_ftrace_function|ftrace_set_filter_ip|ftrace_set_filter_ips|ftrace_free_filter'

skip() {
	n=$((n + 1))
	echo "ok $n - $name: $1 # SKIP $2"
}

# node FILE: the part of the engine a source file or header belongs to:
# core/hook.c and core/hook.h are both "core/hook".
node() {
	local f=${1%.*}

	echo "${f#"$top"/}"
}

# sources ARCH: the engine's sources for ARCH, as kbuild picks them.
sources() {
	ls "$top"/core/*.[ch] "$top/arch/$1"/*.[chS] 2>/dev/null
}

# include_edges ARCH: "FROM TO #include NAME" for every local include,
# resolved the way Kbuild's -I flags do (the file's directory, core/,
# arch/ARCH/).
include_edges() {
	local arch=$1 f inc dir found d

	for f in $(sources "$arch"); do
		dir=$(dirname "$f")
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
		while IFS= read -r inc; do
			found=
			for d in "$dir" "$top/core" "$top/arch/$arch"; do
				if [ -f "$d/$inc" ]; then
					found=$d/$inc
					break
				fi
			done
			[ -n "$found" ] || continue
			[ "$(node "$f")" = "$(node "$found")" ] && continue
			echo "$(node "$f") $(node "$found") #include \"$inc\""
		done
	done
}

# call_edges ARCH: "FROM TO SYMBOL" for every use of a symbol that another
# of our objects defines. Only objects whose source still exists count:
# the build tree may hold stale ones.
call_edges() {
	local arch=$1 f o

	for f in $(sources "$arch"); do
		case $f in *.h) continue ;; esac
		o=$top/build/$arch/mod/${f#"$top"/}
		o=${o%.*}.o
		if [ ! -f "$o" ]; then
			echo "missing $o" >&2
			continue
		fi
		nm "$o" | awk -v n="$(node "$f")" '
			$1 == "U" { print "U", n, $2 }
			NF == 3 && $2 ~ /^[TDBRGSVW]$/ { print "D", n, $3 }'
	done | awk '
		$1 == "D" { def[$3] = $2; next }
		{ use[++k] = $2 " " $3 }
		END {
			for (i = 1; i <= k; i++) {
				split(use[i], u, " ")
				if ((u[2] in def) && def[u[2]] != u[1])
					print u[1], def[u[2]], u[2]
			}
		}' | sort -u
}

# circle EDGES: print each circle tsort finds (at most five), one edge a
# line with what makes it; exit status 0 when there is none.
circle() {
	tsort <(awk '{ print $1, $2 }' "$1") 2>&1 >/dev/null |
	awk -v edges="$1" '
		BEGIN {
			while ((getline line < edges) > 0) {
				split(line, e, " ")
				k = e[1] " " e[2]
				if (!(k in why))
					why[k] = substr(line, length(e[1]) + length(e[2]) + 3)
			}
		}
		function flush(  i, k, text) {
			if (m < 2)
				return
			for (i = 1; i <= m; i++) {
				k = member[i] " " member[i % m + 1]
				text = text "\n#   " member[i] " -> " \
					member[i % m + 1] " (" why[k] ")"
			}
			if (text in shown || ++loops > 5)
				return
			shown[text] = 1
			print "# a circle:" text
		}
		/input contains a loop/ { flush(); m = 0; found = 1; next }
		{ sub(/^tsort: /, ""); member[++m] = $0 }
		END { flush(); exit found }'
}

# ---- the ftrace handler is installed in one place ------------------------

bad=$(grep -lE "\\b($FTRACE_OPS_API)\\b" "$top"/arch/*/*.[chS] 2>/dev/null)
result "no arch/ source registers an ftrace_ops handler (core/hook.c does)" \
	"$([ -z "$bad" ]; echo $?)" "found in: $(echo ${bad//$top\//})"
grep -qE "\\b(register_ftrace_function)\\b" "$top/core/hook.c"
result "core/hook.c registers the ftrace_ops handler" $?

# ---- per architecture ------------------------------------------------------

for arch in x86_64 arm64; do
	make -s -C "$top" ARCH="$arch" module >"$out" 2>&1
	rc=$?
	if [ $rc != 0 ] && grep -q "no kernel headers in" "$out"; then
		skip "$arch: the module's layers" "no $arch kernel headers (scripts/setup)"
		continue
	fi
	if [ $rc != 0 ]; then
		tail -n 15 "$out" | sed 's/^/#   /'
		result "$arch: the module builds" 1 "make ARCH=$arch module failed"
		continue
	fi
	result "$arch: the module builds" 0

	call_edges "$arch" >"$tmp/calls" 2>"$tmp/missing"
	result "$arch: every source has its object" \
		"$([ ! -s "$tmp/missing" ]; echo $?)" "$(tr '\n' ' ' <"$tmp/missing")"
	include_edges "$arch" | sort -u >"$tmp/includes"

	circle "$tmp/calls"
	rc=$?
	result "$arch: no circle of calls among the engine's files ($(wc -l <"$tmp/calls") edges)" $rc

	# FROM includes the header of TO, and TO calls FROM.
	back=$(awk 'NR == FNR { call[$1 " " $2] = $3; next }
		    ($2 " " $1) in call {
			print "#   " $1 " includes " $2 ".h, and " $2 " calls " $1 " (" call[$2 " " $1] ")"
		    }' "$tmp/calls" "$tmp/includes")
	[ -n "$back" ] && echo "$back"
	result "$arch: no file includes the header of a file that calls back into it" \
		"$([ -z "$back" ]; echo $?)"

	cat "$tmp/calls" "$tmp/includes" >"$tmp/all"
	circle "$tmp/all"
	rc=$?
	result "$arch: no circle of calls and includes together" $rc

	bad=
	for f in "$top/arch/$arch"/*.[cS]; do
		o=$top/build/$arch/mod/${f#"$top"/}
		o=${o%.*}.o
		[ -f "$o" ] || continue
		syms=$(nm -u "$o" | awk '{ print $NF }' | grep -E "^($FTRACE_OPS_API)\$" | tr '\n' ' ')
		[ -n "$syms" ] && bad="$bad ${f#"$top"/}: $syms"
	done
	result "$arch: no arch object uses the ftrace_ops registration" \
		"$([ -z "$bad" ]; echo $?)" "used by$bad"
	nm -u "$top/build/$arch/mod/core/hook.o" | grep -qw register_ftrace_function
	result "$arch: core/hook.o registers the ftrace_ops handler" $?
done

done_testing
