# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the ePortal harness tests (test-*.sh beside this file): a
# server on a port of 127.0.0.1 the system picks, requests with curl, and
# small signed patchsets made with kcare-patchset from synthetic payloads
# (a relocatable object with the .modinfo a payload needs; never loaded).

E=$top/build/host/kcare-eportal
P=$top/build/host/kcare-patchset

# ep_harness: $tmp, a server's $pid, fatal, and a cleanup at exit that
# stops the server and removes $tmp (the tests that need no more).
ep_harness() {
	tmp=$(mktemp -d)
	pid=
	trap 'ep_stop; rm -f "$out"; rm -rf "$tmp"' EXIT
}

# fatal MESSAGE: a failed set-up ends the test.
fatal() {
	echo "# $*"
	result "set-up" 1 "$*"
	done_testing
	exit 1
}

ep_build() {
	make -s -C "$top" host-eportal host-patchset >"$out" 2>&1
}

# ep_start DIR [serve options]: sets $pid and $port (plain HTTP unless
# the options say otherwise). The server publishes every second.
ep_start() {
	local dir=$1 i

	shift
	"$E" serve "$dir" --listen 127.0.0.1:0 --interval 1 "$@" 2>"$dir/serve.log" &
	pid=$!
	port=
	for i in $(seq 100); do
		port=$(sed -n 's/.*, port \([0-9]*\) .*/\1/p' "$dir/serve.log" 2>/dev/null)
		[ -n "$port" ] && return 0
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	cat "$dir/serve.log" | sed 's/^/#   /'
	return 1
}

ep_stop() {
	[ -n "${pid:-}" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}

# SIGKILL the server (no clean shutdown at all).
ep_kill9() {
	kill -KILL "$pid"
	{ wait "$pid"; } 2>/dev/null
	pid=
}

# api METHOD PATH [BODY]: prints "STATUS BODY" (curl's status, body on one line).
api() {
	local m=$1 p=$2 b=${3:-}

	if [ "$m" = POST ]; then
		curl -s -m 10 -o "$tmp/resp" -w '%{http_code}' -X POST --data-binary "$b" \
			"http://127.0.0.1:$port$p" >"$tmp/code"
	else
		curl -s -m 10 --path-as-is -o "$tmp/resp" -w '%{http_code}' "http://127.0.0.1:$port$p" >"$tmp/code"
	fi
	echo "$(cat "$tmp/code") $(tr -d '\n' <"$tmp/resp")"
}

# check NAME PATTERN COMMAND...: the command's output matches PATTERN.
check() {
	local what=$1 pattern=$2 got

	shift 2
	got=$("$@" 2>&1)
	if echo "$got" | grep -qE -- "$pattern"; then
		result "$what" 0
	else
		echo "$got" | head -n 10 | sed 's/^/#   /'
		result "$what" 1 "no match for '$pattern'"
	fi
}

# mkps DIR LEVEL ID [PATCH-TYPE]: DIR/lLEVEL.kcp for the synthetic kernel
# 6.1.0-99-amd64 (its "/proc/version" is DIR/proc-version).
mkps() {
	local d=$1 l=$2 id=$3 type=${4:-default}

	echo "Linux version 6.1.0-99-amd64 (ePortal test kernel) #1 SMP" >"$d/proc-version"
	cat >"$d/pl$l.c" <<EOC
static const char modinfo[] __attribute__((section(".modinfo"), used, aligned(1))) =
	"kcare_patchset=yes\0vermagic=6.1.0-99-amd64 SMP preempt mod_unload modversions \0"
	"kcare_build_id=0123456789abcdef0123456789abcdef01234567\0name=kcpatch_syn_l$l";
int kcpatch_syn_fn$l(void) { return $l; }
EOC
	gcc -c -O2 -fno-asynchronous-unwind-tables -o "$d/kcpatch_syn_l$l.ko" "$d/pl$l.c" || return 1
	cat >"$d/meta$l" <<EOC
format: 1
id: $id
patch-type: $type
effective-version: 6.1.0-99.${l}kc

[patch syn_$l]
description: synthetic patch $l; it's "quoted" & <odd>
cve: CVE-2026-100$l CVE-2026-2000$l
cvss: 7.$l
cve-url: https://example.org/cve/$l
patch-url:
sysctl:
EOC
	"$P" pack --meta "$d/meta$l" --level "$l" --arch x86_64 --kernel-release 6.1.0-99-amd64 \
		--proc-version "$d/proc-version" --build-id 0123456789abcdef0123456789abcdef01234567 \
		-o "$d/l$l.kcp" "$d/kcpatch_syn_l$l.ko" >/dev/null
}

# What the database holds, as the admin command shows it.
ep_state() {
	"$E" -d "$1" key list --json && "$E" -d "$1" servers list --json &&
		"$E" -d "$1" list --json && "$E" -d "$1" feed list --json
}
