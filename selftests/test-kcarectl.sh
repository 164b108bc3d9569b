#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kcarectl end to end (Documentation/kcarectl.md): a repository of the real
# demo patchset (levels 1 and 2 default, 3 extra; make e2e-repo) published
# in the guest with kcare-patchset and served by busybox httpd on
# 127.0.0.1:8080; updates, delayed and sticky choices, a cumulative
# update, unload, the cache, the boot re-apply and sysctl.conf; then bad
# input, each refused with its message and a non-zero exit, the running
# patches, the applied record and the cache unchanged: the server down, a
# cut download, HTTP 404 and 500, a tampered patchset, a bad signature, an
# unknown key, an expired index, a rolled-back index, patchsets for other
# kernels, a corrupt cache entry and a malformed configuration.

. "$(dirname "$0")/lib.sh"

# What the architecture's demo patchset changes (selftests/patches/demo/,
# demo-arm64/): a /proc file that ends with kcare_demo=patched, a sysctl
# toggle, and one description and CVSS to find in --patch-info.
if [ "$KC_ARCH" = x86_64 ]; then
	PROC_FILE=/proc/cmdline TOGGLE=modify_ldt
	DESC='modify_ldt\(2\) refuses 16-bit segments' CVSS=7.8
else
	PROC_FILE=/proc/execdomains TOGGLE=personality
	DESC='personality\(2\) lets only CAP_SYS_ADMIN turn off address space randomisation'
	CVSS=
fi

E2E=$KC_DIR/e2e
. "$E2E/env.sh"
K=kcare-patchset
KEY=$E2E/keys/kcare.pem
REPO=/tmp/repo
WWW=/tmp/www
SHA1=$(sha1sum /proc/version | cut -d' ' -f1)
KREL=$(uname -r)
CONF_DIR=/etc/sysconfig/kcare
CONF=$CONF_DIR/kcare.conf
CACHE=/var/cache/kcare
APPLIED=/var/lib/kcare/applied
SERVER=http://127.0.0.1:8080/
OUT=/tmp/kc-out
ERR=/tmp/kc-err
NOW=$(date -u +%s)

# ---- helpers ---------------------------------------------------------------

kc_show() {
	sed 's/^/# stdout: /' $OUT
	sed 's/^/# stderr: /' $ERR
}

# run WANT CMD...: CMD must exit with WANT; its output in $OUT and $ERR.
run() {
	local want=$1 rc=0
	shift
	"$@" >$OUT 2>$ERR || rc=$?
	[ "$rc" = "$want" ] && return
	kc_show
	kc_fail "'$*' exited with $rc, expected $want"
}
# out_has / err_has ERE: a line of stdout / stderr matches.
out_has() { grep -Eq -- "$1" $OUT || { kc_show; kc_fail "stdout has no line matching /$1/"; }; }
err_has() { grep -Eq -- "$1" $ERR || { kc_show; kc_fail "stderr has no line matching /$1/"; }; }

# conf LINE...: kcare.conf with the repository and LINEs.
# conf_at URL LINE...: the same with another PATCH_SERVER.
conf() { conf_at $SERVER "$@"; }
conf_at() {
	local url=$1 l
	shift
	mkdir -p $CONF_DIR
	{ echo "PATCH_SERVER=$url"; for l in "$@"; do echo "$l"; done; } >$CONF
}

# snap FILE: what an error must not change: the running patches, the
# payload modules, the applied record and the cache (the resumable
# downloads in .partial aside).
snap() {
	{
		echo "level=$(cat $KC_SYSFS/level 2>/dev/null)"
		echo "patchset=$(cat $KC_SYSFS/patchset 2>/dev/null)"
		grep -o '^kcpatch[a-z0-9_]*' /proc/modules | sort
		cat $APPLIED 2>/dev/null || echo "no applied record"
		[ ! -d $CACHE ] || find $CACHE -path $CACHE/.partial -prune -o -type f -print |
			sort | xargs -r sha256sum
	} >"$1"
}
before() { snap /tmp/kc-before; }
unchanged() {
	sed 's/^/# said: /' $ERR
	snap /tmp/kc-after
	cmp -s /tmp/kc-before /tmp/kc-after && return
	diff /tmp/kc-before /tmp/kc-after | sed 's/^/# /'
	kc_fail "the running patches, the applied record or the cache changed"
}

# server_start [PORT DIR]: busybox httpd serving DIR (default: the repository).
server_start() {
	local port=${1:-8080} dir=${2:-$REPO}
	busybox httpd -f -p 127.0.0.1:$port -h "$dir" &
	echo $! >/tmp/httpd-$port.pid
	kc_wait_until 5 listening $port
}
not_listening() { ! listening $1; }
# listening PORT: a TCP socket listens on 127.0.0.1:PORT.
listening() {
	grep -q "^ *[0-9]*: 0100007F:$(printf %04X $1) 00000000:0000 0A " /proc/net/tcp
}
server_stop() {
	local port=${1:-8080} pid
	[ -f /tmp/httpd-$port.pid ] || return 0
	pid=$(cat /tmp/httpd-$port.pid)
	kill "$pid" 2>/dev/null || true
	kc_wait_until 5 not_listening $port
	rm -f /tmp/httpd-$port.pid
}

# cgi_server: the CGI server on 8081 (from a clean start).
cgi_server() { server_stop 8081; server_start 8081 $WWW; }

pub() { $K publish --repo $REPO --key $KEY "$@" >/dev/null; }

# flip FILE OFFSET: change one byte in place.
flip() {
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $(((b + 1) % 256)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# sign_index BODY OUT: BODY (an index without its signature line) signed
# with the repository key, as kcare-patchset writes it.
sign_index() {
	$K sign --key $KEY "$1" >/dev/null
	{ cat "$1"
	  echo "signature: $(od -An -tx1 -j8 -N8 "$1.sig" | tr -d ' \n') $(od -An -tx1 -j16 -N64 "$1.sig" | tr -d ' \n')"
	} >"$2"
	rm -f "$1.sig"
}

# ddmmyy EPOCH
ddmmyy() { date -u -d "@$1" +%d%m%y; }

patched_proc() { grep -q 'kcare_demo=patched' $PROC_FILE; }

# unload_all: no patches, no applied record (for a fresh start).
unload_all() {
	run 0 kcarectl --unload
	! grep -q '^kcpatch' /proc/modules || kc_fail "payload modules left: $(grep -o '^kcpatch[^ ]*' /proc/modules)"
}

# ---- set-up ----------------------------------------------------------------

setup() {
	[ $((NOW - E2E_L2_RELEASE)) -lt 36000 ] ||
		kc_fail "/selftests/e2e is older than 10 hours: run make selftest-root again"
	conf
	mkdir -p $REPO $WWW/cgi-bin
	pub $E2E/kcp/l1.kcp
	pub $E2E/kcp/l2.kcp
	pub $E2E/kcp/l3.kcp
	kc_assert_eq "$(cat $REPO/$SHA1/latest.v2)" 3 "latest.v2"
	# A second server: a CGI serving the repository, but when /tmp/kc-mode
	# says cut only half of each patchset file after a Content-Length
	# announcing all of it, and when it says 500 an error for everything.
	cat >$WWW/cgi-bin/kc <<-'EOF'
	#!/bin/sh
	f=/tmp/repo$PATH_INFO
	mode=$(cat /tmp/kc-mode)
	if [ "$mode" = 500 ]; then
		printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\nbroken\n'
	elif [ ! -f "$f" ]; then
		printf 'Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno\n'
	else
		size=$(stat -c %s "$f")
		printf 'Content-Type: application/octet-stream\r\nContent-Length: %s\r\n\r\n' $size
		case $f in
		*.kcp) head -c $((size / 2)) "$f" ;;
		*) cat "$f" ;;
		esac
	fi
	EOF
	chmod 755 $WWW/cgi-bin/kc
	server_start
	wget -q -O /tmp/kc-index ${SERVER}$SHA1/index
	cmp -s /tmp/kc-index $REPO/$SHA1/index || kc_fail "httpd does not serve the index"
	# The CGI server does what the scenarios below expect of it.
	cgi_server
	echo cut >/tmp/kc-mode
	wget -q -O /tmp/kc-index http://127.0.0.1:8081/cgi-bin/kc/$SHA1/index
	cmp -s /tmp/kc-index $REPO/$SHA1/index || kc_fail "the CGI does not serve the index"
	! wget -q -O /tmp/kc-half http://127.0.0.1:8081/cgi-bin/kc/$SHA1/2/patchset.kcp 2>/dev/null ||
		kc_fail "the CGI served a whole patchset file"
	kc_assert_eq "$(stat -c %s /tmp/kc-half)" $(($(stat -c %s $REPO/$SHA1/2/patchset.kcp) / 2)) "size of the cut file"
	echo 500 >/tmp/kc-mode
	! wget -q -O /dev/null http://127.0.0.1:8081/cgi-bin/kc/$SHA1/index 2>/tmp/kc-wget ||
		kc_fail "the CGI did not fail"
	grep -q '500' /tmp/kc-wget || kc_fail "the CGI's error: $(cat /tmp/kc-wget)"
	! wget -q -O /dev/null http://127.0.0.1:8081/empty/$SHA1/index 2>/tmp/kc-wget ||
		kc_fail "the empty server served an index"
	grep -q '404' /tmp/kc-wget || kc_fail "the empty server's error: $(cat /tmp/kc-wget)"
	server_stop 8081
	rm -f /tmp/kc-mode /tmp/kc-half
}

import_key() {
	run 0 kcarectl --import-key $E2E/keys/kcare-pub.pem
	ls $CONF_DIR/keys/*.pem >/dev/null
	kc_assert_eq "$(stat -c %a $CONF_DIR/keys/*.pem)" 644 "mode of the imported key"
}

import_key_refuses_garbage() {
	echo "not a key" >/tmp/garbage.pem
	run 1 kcarectl --import-key /tmp/garbage.pem
	err_has '^kcarectl: '
	run 1 kcarectl --import-key /tmp/no-such-file.pem
	err_has 'no-such-file.pem'
}

usage_errors() {
	run 2 kcarectl --no-such-verb
	err_has 'no-such-verb'
	run 2 kcarectl --update --unload
	run 2 kcarectl --update --freezer sometimes
	run 0 kcarectl --help
	for v in --info --update --smart-update --auto-update --restore --unload --patch-info \
		--uname --check --status --set-sticky-patch --set-patch-type --import-key --doctor; do
		grep -q -- "$v" $OUT || kc_fail "--help does not list $v"
	done
	# the seed's one-line combinations: setters run, then the verb
	run 0 kcarectl --tag web --set-monitoring-key abcdefgh12345678 --uname
	grep -q "^TAG=web$" $CONF && grep -q "^MONITORING_KEY=abcdefgh12345678$" $CONF ||
		kc_fail "--tag/--set-monitoring-key not written: $(cat $CONF)"
	run 1 kcarectl --set-monitoring-key short
	err_has "MONITORING_KEY: 'short' has 5 characters \(expected 16 to 32 letters and digits\)"
	run 0 kcarectl --tag '' --set-monitoring-key ''
	# verbs that change the system say so to other users, before anything
	run 1 su -s /bin/sh nobody -c 'kcarectl --update'
	err_has '^kcarectl: --update changes the system: run it as root$'
	run 0 su -s /bin/sh nobody -c 'kcarectl --uname'
}

# ---- updates ---------------------------------------------------------------

before_any_update() {
	run 1 kcarectl --status
	run 0 kcarectl --check
	run 0 kcarectl --info
	out_has '^No patches applied$'
	run 0 kcarectl --patch-info
	out_has '^No patches applied$'
	run 0 kcarectl --uname
	kc_assert_eq "$(cat $OUT)" "$KREL" "kcarectl --uname"
	! patched_proc || kc_fail "$PROC_FILE patched before any update"
}

update_to_latest() {
	run 0 kcarectl --update
	out_has "^Patch level 2 applied\\. Effective kernel version $E2E_L2_VERSION\$"
	out_has '^Kernel is safe$'
	kc_assert_eq "$(cat $KC_SYSFS/level)" 2 "engine level"
	kc_assert_eq "$(cat $KC_SYSFS/patchset)" K20261125_01 "engine patchset"
	patched_proc || kc_fail "$PROC_FILE: $(cat $PROC_FILE)"
	grep -q '^kcpatch_demo_l2 ' /proc/modules || kc_fail "kcpatch_demo_l2 not loaded"
	kc_assert_eq "$(kcare-uname -r)" "$E2E_L2_VERSION" "kcare-uname -r"
	run 0 kcarectl --uname
	kc_assert_eq "$(cat $OUT)" "$E2E_L2_VERSION" "kcarectl --uname"
	kc_assert_eq "$(cat $APPLIED)" "$SHA1 - 2" "$APPLIED"
	[ -s $CACHE/$SHA1/index ] || kc_fail "index not cached"
	[ -s $CACHE/$SHA1/2/patchset.kcp ] && [ -s $CACHE/$SHA1/2/patchset.kcp.sig ] ||
		kc_fail "level 2 not cached: $(find $CACHE -type f)"
	cmp -s $CACHE/$SHA1/2/patchset.kcp $REPO/$SHA1/2/patchset.kcp || kc_fail "cached level 2 differs"
}

update_again_nothing_newer() {
	before
	run 0 kcarectl --update
	out_has '^No newer patches: level 2 is applied\.$'
	out_has '^Kernel is safe$'
	unchanged
}

status_and_check_after() {
	run 0 kcarectl --status
	run 1 kcarectl --check
}

info_text_and_json() {
	run 0 kcarectl --info
	out_has '^kpatch-state: '
	out_has '^kpatch-for: '
	out_has '^kpatch-build-time: '
	out_has '^kpatch-description: '
	grep -q '2' $OUT || { kc_show; kc_fail "--info does not say level 2"; }
	run 0 kcarectl --info --json
	kc_assert_eq "$(wc -l <$OUT)" 1 "lines of --info --json"
	out_has '^[{].*[}]$'
	out_has '"kpatch-state"|"state"'
	[ "$(tr -cd '{' <$OUT | wc -c)" = "$(tr -cd '}' <$OUT | wc -c)" ] || kc_fail "unbalanced JSON braces"
}

patch_info_header_and_blocks() {
	run 0 kcarectl --patch-info
	out_has '^OS: '
	out_has "^kernel: .*$KREL"
	out_has '^time: '
	out_has '^uname: 6\.1\.0-56\.2kc$'
	out_has '^kpatch-name: drop_caches_log$'
	out_has "^kpatch-description: $DESC\$"
	out_has "^kpatch-kernel: $KREL"
	if [ -n "$CVSS" ]; then
		out_has "^kpatch-cvss: $CVSS\$"
		out_has '^kpatch-cve-url: https://nvd.nist.gov/vuln/detail/CVE-2015-5157$'
	fi
	kc_assert_eq "$(grep -c '^kpatch-name: ' $OUT)" 4 "kpatch blocks"
}

unload_reverts() {
	run 0 kcarectl --unload
	out_has '^Patches unloaded: level 2 reverted, the kernel runs its original code$'
	kc_assert_eq "$(cat $KC_SYSFS/level)" 0 "engine level"
	kc_assert_eq "$(cat $KC_SYSFS/state)" idle "engine state"
	! grep -q '^kcpatch' /proc/modules || kc_fail "payload modules left"
	! patched_proc || kc_fail "$PROC_FILE still patched"
	! grep -qs "^$SHA1 " $APPLIED || kc_fail "applied record left: $(cat $APPLIED)"
	kc_assert_eq "$(kcare-uname -r)" "$KREL" "kcare-uname -r"
	run 0 kcarectl --info
	out_has '^No patches applied$'
	run 0 kcarectl --unload
	out_has '^No patches applied$'
	run 0 kcarectl --restore
	out_has '^Nothing to restore: no patchset was applied to this kernel$'
}

# Two updates at once (the timer and an administrator): the lock makes
# one wait for the other; one applies, the other then finds it applied.
overlapping_updates() {
	local a b
	conf
	kcarectl --update >/tmp/kc-o1 2>&1 &
	a=$!
	kcarectl --update >/tmp/kc-o2 2>&1 &
	b=$!
	wait $a || { cat /tmp/kc-o1 /tmp/kc-o2 | sed 's/^/# /'; kc_fail "the first run failed"; }
	wait $b || { cat /tmp/kc-o1 /tmp/kc-o2 | sed 's/^/# /'; kc_fail "the second run failed"; }
	kc_assert_eq "$(cat /tmp/kc-o1 /tmp/kc-o2 | grep -c '^Patch level 2 applied\.')" 1 "runs that applied"
	kc_assert_eq "$(cat /tmp/kc-o1 /tmp/kc-o2 | grep -c '^No newer patches: level 2 is applied\.')" 1 "runs that found it applied"
	grep -q "^$SHA1 - " /var/lib/kcare/seen || kc_fail "seen state lost: $(cat /var/lib/kcare/seen)"
	[ ! -e /run/kcare/kcarectl.lock ] || [ ! -s /run/kcare/kcarectl.lock ] ||
		kc_fail "the lock still names a holder: $(cat /run/kcare/kcarectl.lock)"
	unload_all
}

delayed_12h_chooses_level_1() {
	conf PREFIX=12h
	run 0 kcarectl --update
	out_has '^Patch level 1 applied\. Effective kernel version 6\.1\.0-56\.1kc$'
	kc_assert_eq "$(cat $KC_SYSFS/level)" 1 "engine level"
	grep -q '^kcpatch_demo_l1 ' /proc/modules
	run 0 kcarectl --update
	out_has '^No newer patches: level 1 is applied\.$'
}

cumulative_update_1_to_2() {
	conf
	kc_assert_eq "$(cat $KC_SYSFS/level)" 1 "engine level before"
	run 0 kcarectl --update
	out_has "^Patch level 2 applied\\. Effective kernel version $E2E_L2_VERSION\$"
	kc_assert_eq "$(cat $KC_SYSFS/level)" 2 "engine level"
	! grep -q '^kcpatch_demo_l1 ' /proc/modules || kc_fail "kcpatch_demo_l1 still loaded"
	grep -q '^kcpatch_demo_l2 ' /proc/modules || kc_fail "kcpatch_demo_l2 not loaded"
	patched_proc
	kc_assert_eq "$(cat $APPLIED)" "$SHA1 - 2" "$APPLIED"
}

sticky_date_chooses_level_1() {
	local d
	unload_all
	d=$(ddmmyy $((NOW - 10 * 86400)))
	run 0 kcarectl --set-sticky-patch "$d"
	grep -q "^STICKY_PATCH=$d\$" $CONF || kc_fail "kcare.conf: $(cat $CONF)"
	run 0 kcarectl --update
	out_has '^Patch level 1 applied\.'
	kc_assert_eq "$(cat $KC_SYSFS/level)" 1 "engine level"
	run 0 kcarectl --set-sticky-patch ''
	! grep -q "^STICKY_PATCH=$d" $CONF || kc_fail "STICKY_PATCH not cleared: $(cat $CONF)"
	# Level 1 applied, level 2 available.
	run 2 kcarectl --status
}

# ---- bad input: level 1 applied, level 2 newer and not in the cache -------

# bad_setup: level 1 running, level 2 on the server only.
bad_setup() {
	conf
	[ "$(cat $KC_SYSFS/level)" = 1 ] || { unload_all; conf PREFIX=12h; run 0 kcarectl --update; conf; }
	rm -rf $CACHE/$SHA1/2
	run 0 kcarectl --check
	before
}

server_down() {
	bad_setup
	trap server_start EXIT
	server_stop
	run 1 kcarectl --update
	err_has "^kcarectl: .*cannot connect to 127\.0\.0\.1"
	unchanged
	run 4 kcarectl --status
}

connection_cut() {
	bad_setup
	echo cut >/tmp/kc-mode
	cgi_server
	conf_at http://127.0.0.1:8081/cgi-bin/kc/
	run 1 kcarectl --update
	err_has "transfer cut after [0-9]+ bytes"
	unchanged
	conf
}

http_404_unknown_kernel() {
	bad_setup
	cgi_server
	conf_at http://127.0.0.1:8081/empty/
	run 1 kcarectl --update
	grep -q "Unknown kernel ($KREL, $SHA1), no patches available" $OUT $ERR ||
		{ kc_show; kc_fail "no 'Unknown kernel' message"; }
	unchanged
	run 3 kcarectl --status
	conf_at http://127.0.0.1:8081/empty/ IGNORE_UNKNOWN_KERNEL=true
	run 0 kcarectl --update
	unchanged
	conf
}

http_500() {
	bad_setup
	echo 500 >/tmp/kc-mode
	cgi_server
	conf_at http://127.0.0.1:8081/cgi-bin/kc/
	run 1 kcarectl --update
	err_has "HTTP 500 for http://127\.0\.0\.1:8081/cgi-bin/kc/$SHA1/index"
	unchanged
	run 4 kcarectl --status
	conf
	server_stop 8081
}

tampered_patchset() {
	bad_setup
	cp $REPO/$SHA1/2/patchset.kcp /tmp/l2.save
	trap 'cp /tmp/l2.save $REPO/$SHA1/2/patchset.kcp' EXIT
	flip $REPO/$SHA1/2/patchset.kcp 100000
	run 1 kcarectl --update
	err_has 'bad signature'
	unchanged
}

bad_signature() {
	bad_setup
	cp $REPO/$SHA1/2/patchset.kcp.sig /tmp/l2sig.save
	trap 'cp /tmp/l2sig.save $REPO/$SHA1/2/patchset.kcp.sig' EXIT
	cp $REPO/$SHA1/1/patchset.kcp.sig $REPO/$SHA1/2/patchset.kcp.sig
	run 1 kcarectl --update
	err_has 'bad signature'
	unchanged
}

unknown_key() {
	local other=/tmp/repo-other
	bad_setup
	mkdir -p $other
	$K publish --repo $other --key $E2E/keys/other.pem $E2E/kcp/l1.kcp >/dev/null
	$K publish --repo $other --key $E2E/keys/other.pem $E2E/kcp/l2.kcp >/dev/null
	server_stop 8081
	server_start 8081 $other
	conf_at http://127.0.0.1:8081/
	run 1 kcarectl --update
	err_has 'signed by key [0-9a-f]{16}, which is not trusted'
	unchanged
	conf
	server_stop 8081
}

expired_index() {
	bad_setup
	trap '$K refresh --repo $REPO --key $KEY $SHA1 >/dev/null' EXIT
	$K refresh --repo $REPO --key $KEY --now $((NOW - 20 * 86400)) --valid-days 1 $SHA1 >/dev/null
	run 1 kcarectl --update
	err_has 'index expired on '
	unchanged
}

index_rollback() {
	local serial
	bad_setup
	cp $REPO/$SHA1/index /tmp/index.old
	serial=$(sed -n 's/^serial: //p' /tmp/index.old)
	$K refresh --repo $REPO --key $KEY $SHA1 >/dev/null
	run 0 kcarectl --check
	before
	cp $REPO/$SHA1/index /tmp/index.new
	trap 'cp /tmp/index.new $REPO/$SHA1/index' EXIT
	cp /tmp/index.old $REPO/$SHA1/index
	run 1 kcarectl --update
	err_has "index serial $serial is older than the last accepted $((serial + 1)) \(replayed\?\)"
	unchanged
}

other_build_id() {
	bad_setup
	trap '$K withdraw --repo $REPO --key $KEY $SHA1 4 >/dev/null' EXIT
	pub $E2E/kcp/l4-build-id.kcp
	# The new index is accepted and cached: the patchset alone is refused.
	run 0 kcarectl --check
	before
	run 1 kcarectl --update
	err_has "^kcarectl: .*build-id"
	unchanged
}

other_kernel() {
	local serial
	bad_setup
	# A well-signed index of this kernel naming, as level 5, a patchset
	# built for another kernel (another /proc/version).
	mkdir -p $REPO/$SHA1/5
	cp $E2E/kcp/l5-other-kernel.kcp $REPO/$SHA1/5/patchset.kcp
	$K sign --key $KEY $REPO/$SHA1/5/patchset.kcp >/dev/null
	serial=$(sed -n 's/^serial: //p' $REPO/$SHA1/index)
	{ sed -e '/^signature: /d' -e "s/^serial: .*/serial: $((serial + 1))/" $REPO/$SHA1/index
	  echo "level: 5 K20261125_01 $(date -u -d @$E2E_L3_RELEASE +%Y-%m-%dT%H:%M:%SZ) default $(sha256sum <$E2E/kcp/l5-other-kernel.kcp | cut -d' ' -f1)"
	} >/tmp/index.body
	trap '$K withdraw --repo $REPO --key $KEY $SHA1 5 >/dev/null' EXIT
	sign_index /tmp/index.body $REPO/$SHA1/index
	run 0 kcarectl --check
	before
	run 1 kcarectl --update
	# The message must say what differs: here only the SHA-1 of
	# /proc/version (release, architecture and build-id are the same).
	err_has "rejected: .*($E2E_OTHER_SHA1|$SHA1)"
	unchanged
}

malformed_config() {
	bad_setup
	# An unknown key is a warning naming it (a kcare.conf is a shell
	# file that may hold more), never a refusal (--check reads the file;
	# --uname does not need it).
	printf 'PATCH_SERVER=%s\nPATCH_SERVR=http://x/\n' $SERVER >$CONF
	run 0 kcarectl --check
	err_has "^kcarectl: warning: $CONF:2: unknown key PATCH_SERVR (ignored)"
	unchanged
	printf 'PATCH_SERVER=%s\nAUTO_UPDATE = true\n' $SERVER >$CONF
	run 1 kcarectl --update
	err_has "^kcarectl: $CONF:2: AUTO_UPDATE: spaces around '='"
	unchanged
	conf PREFIX=13h
	run 1 kcarectl --update
	err_has "^kcarectl: $CONF:2: PREFIX: '13h' is not a prefix"
	unchanged
	conf
}

# ---- the cache, the boot re-apply, sysctl.conf -----------------------------

corrupt_cache_entry() {
	conf
	run 0 kcarectl --update
	out_has '^Patch level 2 applied\.'
	unload_all
	flip $CACHE/$SHA1/2/patchset.kcp 1000
	conf UPDATE_POLICY=LOCAL_FIRST
	run 0 kcarectl --smart-update
	grep -Eiq 'corrupt.*removed|removed.*corrupt' $OUT $ERR || { kc_show; kc_fail "no word of the corrupt cache entry"; }
	cat $OUT $ERR | sed 's/^/# said: /'
	out_has '^Patch level 2 applied\.'
	cmp -s $CACHE/$SHA1/2/patchset.kcp $REPO/$SHA1/2/patchset.kcp || kc_fail "cache entry not refetched"
	conf
}

local_policy_without_server() {
	unload_all
	trap 'conf; server_start' EXIT
	server_stop
	conf UPDATE_POLICY=LOCAL
	run 0 kcarectl --smart-update
	out_has "^Patch level 2 applied\\. Effective kernel version $E2E_L2_VERSION\$"
	kc_assert_eq "$(cat $KC_SYSFS/level)" 2 "engine level"
}

restore_at_boot() {
	[ "$(cat $KC_SYSFS/level)" = 2 ] || run 0 kcarectl --update
	# A reboot, as far as the engine can tell: everything unloaded, the
	# applied record and the cache kept, no network.
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_demo_l2
	rmmod kcare
	trap 'kc_load_engine; server_start' EXIT
	server_stop
	modprobe kcare
	run 0 kcarectl --restore
	out_has 'level 2'
	sed 's/^/# said: /' $OUT
	kc_assert_eq "$(cat $KC_SYSFS/level)" 2 "engine level"
	patched_proc
}

sysctl_conf() {
	unload_all
	trap 'rm -f $CONF_DIR/sysctl.conf; conf' EXIT
	echo "kernel.kcare_$TOGGLE = 1" >$CONF_DIR/sysctl.conf
	run 0 kcarectl --update
	kc_assert_eq "$(cat /proc/sys/kernel/kcare_$TOGGLE)" 1 "kernel.kcare_$TOGGLE"
	unload_all
	conf LOAD_KCARE_SYSCTL=false
	run 0 kcarectl --update
	kc_assert_eq "$(cat /proc/sys/kernel/kcare_$TOGGLE)" 0 "kernel.kcare_$TOGGLE with LOAD_KCARE_SYSCTL=false"
}

auto_update_off() {
	conf AUTO_UPDATE=false
	before
	run 0 kcarectl --auto-update
	out_has '^Auto-update is off \(AUTO_UPDATE=false in /etc/sysconfig/kcare/kcare.conf\)$'
	unchanged
	conf
}

set_verbs_and_patch_type_extra() {
	local before_conf
	unload_all
	conf '# a comment the --set verbs keep'
	run 0 kcarectl --set-patch-type extra
	out_has "^PATCH_TYPE set to 'extra' in $CONF\$"
	grep -qx 'PATCH_TYPE=extra' $CONF || kc_fail "kcare.conf: $(cat $CONF)"
	grep -qx '# a comment the --set verbs keep' $CONF || kc_fail "comment lost: $(cat $CONF)"
	before_conf=$(cat $CONF)
	run 2 kcarectl --set-patch-type bogus
	err_has "set-patch-type 'bogus': expected extra, free or default"
	kc_assert_eq "$(cat $CONF)" "$before_conf" "kcare.conf after a bad --set-patch-type"
	run 1 kcarectl --set-sticky-patch 310299
	kc_assert_eq "$(cat $CONF)" "$before_conf" "kcare.conf after a bad --set-sticky-patch"
	# a client of type extra takes level 3, of type extra
	run 0 kcarectl --update
	out_has '^Patch level 3 applied\. Effective kernel version 6\.1\.0-56\.3kc$'
	kc_assert_eq "$(cat $KC_SYSFS/patch_type)" extra "engine patch_type"
	run 0 kcarectl --set-sticky-patch ''
	grep -q "^STICKY_PATCH=" $CONF || kc_fail "STICKY_PATCH not written: $(cat $CONF)"
	unload_all
	conf
}

# The seed's extra patch, for real: the extra stream's level 3 carries the
# symlink owner match protection; the seed's sysctl.conf line and FORCE_GID
# take effect after the update, and a planted link is refused.
extra_symlink_protection() {
	local d=/srv/kc-web sym=$KC_DIR/bin/symread
	unload_all
	trap 'rm -rf $CONF_DIR/sysctl.conf $d; conf' EXIT
	echo 'fs.enforce_symlinksifowner=1' >$CONF_DIR/sysctl.conf
	conf PATCH_TYPE=extra FORCE_GID=99
	run 0 kcarectl --update
	out_has '^Patch level 3 applied'
	kc_check_sysfs $KC_SYSFS/patches/symlink_owner_match/functions/vmlinux:walk_component 444 patched
	kc_assert_eq "$(cat /proc/sys/fs/enforce_symlinksifowner)" 1 "fs.enforce_symlinksifowner from sysctl.conf"
	kc_assert_eq "$(cat /proc/sys/fs/symlinkown_gid)" 99 "fs.symlinkown_gid from FORCE_GID"
	run 0 kcarectl --patch-info
	out_has '^kpatch-name: symlink_owner_match$'
	out_has '^kpatch-description: symlink protection // If you see this patch'
	mkdir -p $d && chown 1001 $d
	ln -s /etc/passwd $d/planted && chown -h 1001 $d/planted
	kc_assert_eq "$($sym open 1001 99 $d/planted)" "symread: refused (errno 13: Permission denied)" "group 99"
	kc_assert_eq "$($sym open 1001 100 $d/planted)" "symread: allowed" "group 100"
	# another stream: its newest (level 2, default) replaces extra level 3
	run 0 kcarectl --set-patch-type free --update
	out_has '^Patch level 2 applied'
	kc_assert_eq "$(cat $KC_SYSFS/patch_type)" default "engine patch_type on the free stream"
	[ ! -e /proc/sys/fs/enforce_symlinksifowner ] || kc_fail "the sysctl outlived the extra payload"
	kc_assert_eq "$($sym open 1001 99 $d/planted)" "symread: allowed" "group 99 on the free stream"
	# and back: sysctl.conf applies again after the load
	run 0 kcarectl --set-patch-type extra --update
	out_has '^Patch level 3 applied'
	kc_assert_eq "$(cat /proc/sys/fs/enforce_symlinksifowner)" 1 "fs.enforce_symlinksifowner back on the extra stream"
	kc_assert_eq "$($sym open 1001 99 $d/planted)" "symread: refused (errno 13: Permission denied)" "group 99 back on extra"
	unload_all
	[ ! -e /proc/sys/fs/enforce_symlinksifowner ] || kc_fail "the sysctl outlived --unload"
	kc_assert_eq "$($sym open 1001 99 $d/planted)" "symread: allowed" "group 99 after --unload"
}

doctor_report() {
	local report
	conf 'HTTPS_PROXY=http://kcuser:kcsecret@proxy.example:3128'
	run 0 kcarectl --update
	run 0 kcarectl --doctor
	out_has '^The report cannot be uploaded .*: it is saved as /root/cl-report$'
	out_has '^\(a copy is kept in /var/lib/kcare/doctor/kcare-doctor-[0-9]{8}T[0-9]{6}Z\.txt\)$'
	kc_check_sysfs /root/cl-report 600
	report=$(sed -n 's/^(a copy is kept in \(.*\))$/\1/p' $OUT)
	cmp -s "$report" /root/cl-report || kc_fail "/root/cl-report differs from $report"
	kc_check_sysfs "$report" 600
	for want in '^kcarectl [0-9]' "^sha1: $SHA1\$" '^== engine ==$' \
		    '^/sys/kernel/kcare/state: applied$' '^/sys/kernel/kcare/level: 2$' \
		    '^in effect: PATCH_SERVER=http://127.0.0.1:8080/ ' '^key [0-9a-f]{16}$' \
		    '^== kernel log \(kcare lines\) ==$' 'kcare: applied patchset' \
		    '^HTTPS_PROXY=http://\*\*\*@proxy.example:3128$'; do
		grep -Eq -- "$want" "$report" || kc_fail "report has no line matching /$want/"
	done
	! grep -q kcsecret "$report" || kc_fail "the proxy password is in the report"
	unload_all
	conf
}

kc_scenario "set-up: levels 1-3 published, servers up" setup
kc_scenario "--import-key adds the repository key" import_key
kc_scenario "--import-key refuses what is not a public key" import_key_refuses_garbage
kc_scenario "usage errors exit 2, later verbs say so, root verbs need root" usage_errors
kc_scenario "before any update: --status 1, --check 0, no patches" before_any_update
kc_scenario "--update applies the latest level (2)" update_to_latest
kc_scenario "--update again: nothing newer" update_again_nothing_newer
kc_scenario "after the update: --status 0, --check 1" status_and_check_after
kc_scenario "--info and --info --json" info_text_and_json
kc_scenario "--patch-info: header and kpatch blocks" patch_info_header_and_blocks
kc_scenario "--unload reverts everything" unload_reverts
kc_scenario "two --update at once: one applies, the other waits and finds it applied" overlapping_updates
kc_scenario "PREFIX=12h chooses level 1" delayed_12h_chooses_level_1
kc_scenario "cumulative update from level 1 to 2" cumulative_update_1_to_2
kc_scenario "STICKY_PATCH chooses level 1" sticky_date_chooses_level_1
kc_scenario "server down: refused, nothing changed" server_down
kc_scenario "connection cut mid-download: refused, nothing changed" connection_cut
kc_scenario "HTTP 404: unknown kernel, --status 3" http_404_unknown_kernel
kc_scenario "HTTP 500: refused, nothing changed" http_500
kc_scenario "tampered patchset: refused, nothing changed" tampered_patchset
kc_scenario "bad patchset signature: refused, nothing changed" bad_signature
kc_scenario "index signed by an unknown key: refused, nothing changed" unknown_key
kc_scenario "expired index: refused, nothing changed" expired_index
kc_scenario "replayed older index: refused, nothing changed" index_rollback
kc_scenario "patchset for another build-id: refused, nothing changed" other_build_id
kc_scenario "patchset for another kernel: refused, nothing changed" other_kernel
kc_scenario "malformed kcare.conf: file:line: key, nothing changed" malformed_config
kc_scenario "corrupt cache entry removed and refetched (LOCAL_FIRST)" corrupt_cache_entry
kc_scenario "UPDATE_POLICY=LOCAL applies from the cache, server down" local_policy_without_server
kc_scenario "--restore re-applies the level after a reboot, no network" restore_at_boot
kc_scenario "sysctl.conf applied after a load, not with LOAD_KCARE_SYSCTL=false" sysctl_conf
kc_scenario "--auto-update with AUTO_UPDATE=false" auto_update_off
kc_scenario "--set-patch-type and --set-sticky-patch edit kcare.conf; type extra takes level 3" \
	set_verbs_and_patch_type_extra
kc_scenario "extra stream: symlink owner match applied, the seed's sysctl.conf line and FORCE_GID take effect; --set-patch-type free goes back" \
	extra_symlink_protection
kc_scenario "--doctor writes a local report, proxy password hidden" doctor_report
server_stop
server_stop 8081
kc_done
