#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The agent's hardening (Documentation/security.md), end to end on the
# host with the real kcarectl: in a private mount namespace whose /etc
# (an overlay), /var/cache, /var/lib, /run and /sys/kernel (tmpfs) are its
# own and whose /proc/version is the test-bed kernel's, so that the e2e
# patchsets (make e2e-repo) are for "this" kernel and nothing of the host
# is touched. A fake /sys/kernel/kcare says which level is applied. The
# repository is served by busybox httpd on 127.0.0.1 and, for https, by
# openssl s_server -HTTP on 127.0.0.1 with a CA made here.
#
# Scenarios, one per defect of issue 15: LOCAL_FIRST with a newer level
# on the server, with an expired cached index (--status 5, not "Up to
# date"), with a corrupt cached index (asks the server); 20 overlapping
# --update runs (no "cannot rename", seen intact); an https -> http
# redirect refused; no_proxy honoured; a symlinked .partial and a
# world-writable cache refused with nothing written elsewhere; a trickling
# server stopped by DOWNLOAD_TIMEOUT; credentials masked in errors and in
# --doctor; --check as a non-root user says why; an index generated a year
# ahead refused; a bad key file skipped; temp files of killed runs cleaned.
#
# KC_KCARECTL=PATH runs another build of kcarectl (e.g. main's, to see the
# scenarios fail before the fix).
top=$(cd "$(dirname "$0")/../../.." && pwd)

if [ -z "$KC_AGENT_NS" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs root and mount namespaces (the test replaces /etc, /var and /run in a namespace of its own)"
		exit 0
	fi
	exec unshare --mount --propagation private env KC_AGENT_NS=1 bash "$0" "$@"
fi

. "$top/scripts/tests/lib.sh"

KC=${KC_KCARECTL:-$top/build/x86_64/kcarectl}
K=$top/build/host/kcare-patchset
BB=$top/.cache/x86_64/busybox/bin/busybox
E2E=$top/build/x86_64/e2e
KEY=$E2E/keys/kcare.pem
CACHE=/var/cache/kcare
SEEN=/var/lib/kcare/seen
pids=()

fatal() {
	echo "# $*"
	result "set-up" 1 "$*"
	done_testing
	exit 1
}

make -s -C "$top" build/x86_64/kcarectl host-patchset e2e-repo >"$out" 2>&1 ||
	{ sed 's/^/# /' "$out" | tail -20; fatal "the build failed"; }
[ -x "$BB" ] || fatal "no busybox in .cache (run scripts/setup)"
command -v openssl >/dev/null || fatal "no openssl (run scripts/setup)"

tmp=$(mktemp -d /tmp/kc-agent.XXXXXX)
cleanup() {
	local p

	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -f "$out"
	cd /
	umount -l "$tmp" 2>/dev/null
	rmdir "$tmp" 2>/dev/null
}
trap cleanup EXIT
mount -t tmpfs -o mode=0755 none "$tmp" || fatal "cannot mount a tmpfs"
mkdir -p "$tmp/etc-up" "$tmp/etc-work" "$tmp/www/cgi-bin" "$tmp/tls" "$tmp/outside"
mount -t overlay overlay -o "lowerdir=/etc,upperdir=$tmp/etc-up,workdir=$tmp/etc-work" /etc &&
	mount -t tmpfs -o mode=0755 none /var/cache &&
	mount -t tmpfs -o mode=0755 none /var/lib &&
	mount -t tmpfs -o mode=0755 none /run &&
	mount -t tmpfs -o mode=0755 none /sys/kernel || fatal "cannot set up the namespace's mounts"

# This kernel, as far as kcarectl can tell: the test-bed kernel's
# /proc/version and build-id (a GNU build-id note).
cp "$top/.cache/x86_64/proc-version" "$tmp/proc-version" || fatal "no .cache/x86_64/proc-version"
mount --bind "$tmp/proc-version" /proc/version || fatal "cannot bind /proc/version"
bid=$(cat "$top/.cache/x86_64/build-id")
{ printf '\004\000\000\000\024\000\000\000\003\000\000\000GNU\000'
  printf "$(echo "$bid" | sed 's/../\\x&/g')"; } >/sys/kernel/notes
sha1=$(sha1sum </proc/version | cut -d' ' -f1)
# The engine, level 2 of the e2e patchsets applied.
mkdir -p /sys/kernel/kcare
echo ready >/sys/kernel/kcare/state
echo 0.1.0 >/sys/kernel/kcare/version
echo 2 >/sys/kernel/kcare/level
. "$E2E/env.sh"

repo=$tmp/www/repo
pub() { "$K" publish --repo "$repo" --key "$KEY" "$@" >/dev/null; }
pub "$E2E/kcp/l1.kcp" && pub "$E2E/kcp/l2.kcp" || fatal "cannot publish"

# Servers: busybox httpd, and a CGI that sends 150 bytes a second.
port=$((20000 + RANDOM % 20000))
cat >"$tmp/www/cgi-bin/trickle" <<'EOF'
#!/bin/sh
printf 'Content-Type: application/octet-stream\r\nContent-Length: 500000\r\n\r\n'
i=0
while [ $i -lt 600 ]; do printf '%0150d' 0 || exit 0; sleep 1; i=$((i + 1)); done
EOF
printf '#!/bin/sh\nprintf "Status: 403 Forbidden\\r\\nContent-Type: text/plain\\r\\n\\r\\nno\\n"\n' \
	>"$tmp/www/cgi-bin/e403"
chmod 755 "$tmp/www/cgi-bin/trickle" "$tmp/www/cgi-bin/e403"
"$BB" httpd -f -p 127.0.0.1:$port -h "$tmp/www" &
pids+=($!)
SERVER=http://127.0.0.1:$port/repo/

# TLS: a CA and a certificate for 127.0.0.1, the CA trusted by /etc (ours).
sport=$((port + 1))
( cd "$tmp/tls" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=kc-test-ca -keyout ca.key -out ca.pem &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
	-keyout srv.key -out srv.csr &&
  printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
  openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile ext -out srv.pem ) >"$out" 2>&1 || { cat "$out"; fatal "cannot make the TLS certificates"; }
cat "$tmp/tls/ca.pem" >>/etc/ssl/certs/ca-certificates.crt
# s_server -HTTP sends files that hold whole HTTP responses: a redirect to http.
mkdir -p "$tmp/tls/www/$sha1"
printf 'HTTP/1.0 302 Found\r\nLocation: http://127.0.0.1:%s/repo/%s/index\r\nContent-Length: 0\r\n\r\n' \
	$port "$sha1" >"$tmp/tls/www/$sha1/index"
( cd "$tmp/tls/www" && exec openssl s_server -quiet -HTTP -accept 127.0.0.1:$sport \
	-cert ../srv.pem -key ../srv.key ) >/dev/null 2>&1 </dev/null &
pids+=($!)

for i in $(seq 50); do
	"$BB" wget -q -O /dev/null "${SERVER}$sha1/index" 2>/dev/null && break
	sleep 0.1
done

mkdir -p /etc/sysconfig/kcare
# Level 3 of the e2e patchsets is of type extra.
conf() {
	{ echo "PATCH_SERVER=$SERVER"; echo PATCH_TYPE=extra
	  for kv in "$@"; do echo "$kv"; done; } >/etc/sysconfig/kcare/kcare.conf
}
conf
expect "--import-key trusts the e2e repository key" 0 "" \
	"$KC" --import-key "$E2E/keys/kcare-pub.pem"
expect "--check fetches and caches the index: level 2 is applied, nothing newer" 1 \
	"No newer patchset: level 2 is applied" "$KC" --check
[ -f "$CACHE/$sha1/index" ] || fatal "the index was not cached"

# ---- freshness ------------------------------------------------------------

pub "$E2E/kcp/l3.kcp"
touch -d '5 hours ago' "$CACHE/$sha1/index"
conf UPDATE_POLICY=LOCAL_FIRST
expect "LOCAL_FIRST, cached index 5 h old: asks the server, sees level 3" 0 \
	"A newer patchset is available: level 3" "$KC" --check
expect "LOCAL_FIRST, newer level on the server: --status 2" 2 \
	"Newer patches not applied: level 3 is available" "$KC" --status

# An expired index in the cache (signed 30 days ago, valid one day), the
# server down: "cannot tell", never "Up to date".
mkdir -p "$tmp/old"
"$K" publish --repo "$tmp/old" --key "$KEY" --now "$(date -u -d '29 days ago' +%Y-%m-%dT%H:%M:%SZ)" \
	--valid-days 1 "$E2E/kcp/l1.kcp" >"$out" 2>&1 || { cat "$out"; fatal "cannot make an old index"; }
cp "$tmp/old/$sha1/index" "$CACHE/$sha1/index"
rm -f "$SEEN"
conf UPDATE_POLICY=LOCAL_FIRST PATCH_SERVER=http://127.0.0.1:1/
expect "LOCAL_FIRST, expired cached index, server down: --status 5, not up to date" 5 \
	"Cannot tell: the index of this kernel expired on" "$KC" --status
conf UPDATE_POLICY=LOCAL
expect "LOCAL, expired cached index: --status 5" 5 "Cannot tell: the index of this kernel expired" \
	"$KC" --status

# A corrupt cached index: removed, and LOCAL_FIRST asks the server.
echo garbage >"$CACHE/$sha1/index"
conf UPDATE_POLICY=LOCAL_FIRST
expect "LOCAL_FIRST, corrupt cached index: removed, the server asked" 0 \
	"A newer patchset is available: level 3" "$KC" --check
result "... and the index from the server is cached again" \
	"$(cmp -s "$CACHE/$sha1/index" "$repo/$sha1/index"; echo $?)"

# ---- one run at a time -----------------------------------------------------

# 20 overlapping updates of two feeds: each downloads the patchset (which
# is for another kernel release than the host's, so each ends refusing
# it) and writes its feed's line of the seen state.
"$K" publish --repo "$repo" --key "$KEY" --feed test "$E2E/kcp/l3.kcp" >/dev/null
conf
rm -rf "$CACHE" "$SEEN"
for i in $(seq 20); do
	if [ $((i % 2)) = 0 ]; then p=--test; else p=; fi
	timeout 300 "$KC" --update $p >"$tmp/run.$i" 2>&1 &
done
for i in $(seq 20); do wait -n; done
bad=$(grep -L "is for another kernel" "$tmp"/run.* | head -3)
for f in $bad; do sed 's/^/#   /' "$f" | tail -3; done
result "20 overlapping --update: each ends with the same refusal (no 'cannot rename', no lost download)" \
	"$([ -z "$bad" ]; echo $?)"
result "... and the seen state has both feeds' lines" \
	"$(grep -q "^$sha1 - " "$SEEN" && grep -q "^$sha1 test " "$SEEN"; echo $?)"
cp "$SEEN" "$tmp/seen.before"
exec 9>/run/kcare/kcarectl.lock
flock 9
echo 4242 >/run/kcare/kcarectl.lock
( sleep 70; flock -u 9 ) &
pids+=($!)
start=$(date +%s)
expect "a second run waits, then says who holds the lock" 1 \
	"another kcarectl \(pid 4242\) is running" timeout 120 "$KC" --update
result "... after a bounded wait (60 s)" "$(t=$(($(date +%s) - start)); [ $t -ge 55 ] && [ $t -le 75 ]; echo $?)"
expect "--status does not wait for the lock" 2 "Newer patches not applied" timeout 20 "$KC" --status
exec 9>&-
result "the seen state is intact" "$(cmp -s "$SEEN" "$tmp/seen.before"; echo $?)"

# ---- the network -----------------------------------------------------------

conf PATCH_SERVER=https://127.0.0.1:$sport/
expect "https -> http redirect refused" 1 "redirect refused: an https download is only redirected to https" \
	"$KC" --check
conf
expect "http_proxy is used (a proxy that does not exist)" 1 "cannot connect to proxy 127.0.0.1:1" \
	env http_proxy=http://127.0.0.1:1 "$KC" --check
expect "no_proxy honoured" 0 "A newer patchset is available: level 3" \
	env http_proxy=http://127.0.0.1:1 no_proxy=127.0.0.1 "$KC" --check
conf NO_PROXY=127.0.0.1
expect "NO_PROXY in kcare.conf honoured" 0 "A newer patchset is available: level 3" \
	env http_proxy=http://127.0.0.1:1 "$KC" --check
conf "PATCH_SERVER=http://127.0.0.1:$port/cgi-bin/trickle/" DOWNLOAD_TIMEOUT=10
start=$(date +%s)
expect "a trickling server is stopped by DOWNLOAD_TIMEOUT" 1 "download deadline of 10 s was exceeded" \
	timeout 100 "$KC" --update
result "... within the deadline" "$(t=$(($(date +%s) - start)); [ $t -le 25 ]; echo $?)"
conf "PATCH_SERVER=http://kcuser:s3cret@127.0.0.1:$port/cgi-bin/e403/"
"$KC" --update >"$tmp/cred.out" 2>&1
"$KC" --doctor >>"$tmp/cred.out" 2>&1
sed 's/^/#   /' "$tmp/cred.out" | head -3
result "credentials in PATCH_SERVER: masked in errors and in the --doctor report" \
	"$(grep -q "HTTP 403 for http://\*\*\*@127.0.0.1:$port/" "$tmp/cred.out" &&
	   ls /var/lib/kcare/doctor/*.txt >/dev/null && ! grep -rq s3cret "$tmp/cred.out" /var/lib/kcare/doctor; echo $?)"

# ---- local files -----------------------------------------------------------

conf
rm -rf "$CACHE"
mkdir -m 0700 "$CACHE"
ln -s "$tmp/outside" "$CACHE/.partial"
expect "a symlinked .partial is refused" 1 "refusing /var/cache/kcare/.partial: it is not a directory" \
	"$KC" --update
result "... and nothing is written where it points" "$([ -z "$(ls -A "$tmp/outside")" ]; echo $?)"
rm -rf "$CACHE"
mkdir -m 0777 "$CACHE"
expect "a world-writable cache is refused" 1 "refusing /var/cache/kcare: it is mode 0777" "$KC" --update
result "... with nothing written into it" "$([ -z "$(ls -A "$CACHE")" ]; echo $?)"
rm -rf "$CACHE"
mkdir -p -m 0700 "$CACHE/$sha1" && touch "$CACHE/$sha1/.tmp.index.999.0"
touch /var/lib/kcare/.seen.tmp.999
"$KC" --update >/dev/null 2>&1
result "temp files of a killed run are cleaned at the next start" \
	"$([ ! -e "$CACHE/$sha1/.tmp.index.999.0" ] && [ ! -e /var/lib/kcare/.seen.tmp.999 ]; echo $?)"

expect "--check as a non-root user says it needs root" 1 "which only root may read: run it as root" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$KC" --check

conf
echo "not a key" >/etc/sysconfig/kcare/keys/0000000000000000.pem
expect "a bad key file is skipped with a warning naming it" 0 \
	"warning: skipping the key file /etc/sysconfig/kcare/keys/0000000000000000.pem" "$KC" --check
rm -f /etc/sysconfig/kcare/keys/0000000000000000.pem

rm -rf "$tmp/future"
"$K" publish --repo "$tmp/future" --key "$KEY" --now "$(date -u -d '1 year' +%Y-%m-%dT%H:%M:%SZ)" \
	"$E2E/kcp/l1.kcp" >/dev/null 2>&1
mkdir -p "$tmp/www/future" && cp -r "$tmp/future/." "$tmp/www/future/"
conf "PATCH_SERVER=http://127.0.0.1:$port/future/"
rm -f "$SEEN"
expect "an index generated a year ahead is refused" 1 "more than a day in the future" "$KC" --check

done_testing
