#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-eportal end to end on the host, a real server on 127.0.0.1 with
# its real SQLite file: keys and registration up to a key's limit ("Key
# limit reached"), unregistering, check-ins in "servers list", the
# scanners' list of a key's machines; deploying an archive of signed
# patchsets made by kcare-patchset, whose index the server re-signs and
# serves and "kcare-patchset select" verifies from a downloaded copy,
# kpatch.info at every level, disable and enable, a feed's delay; bad
# archives and hostile requests refused with the database unchanged;
# a second server mirroring the first over HTTP; HTTPS; the rate limit.

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

tmp=$(mktemp -d)
pid=
cleanup() {
	ep_stop
	[ -n "${pid2:-}" ] && kill "$pid2" 2>/dev/null && wait "$pid2" 2>/dev/null
	rm -f "$out"
	rm -rf "$tmp"
}
trap cleanup EXIT

fatal() {
	echo "# $*"
	result "set-up" 1 "$*"
	done_testing
	exit 1
}

ep_build || { cat "$out"; fatal "kcare-eportal does not build"; }
A=$tmp/a
export KCARE_EPORTAL_DIR=$A

# ---- a server ------------------------------------------------------------

expect "init makes a server directory" 0 "initialised" "$E" init "$A"
result "init made the signing key, a TLS certificate, the database and the settings" \
	"$(test -f "$A/keys/eportal.pem" -a -f "$A/keys/eportal.pub.pem" -a -f "$A/eportal.db" \
		-a -f "$A/eportal.conf" -a -f "$A/tls/cert.pem" -a -f "$A/tls/key.pem"; echo $?)"
expect "init refuses an existing server directory" 1 "already exists" "$E" init "$A"
sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"
ep_start "$A" --http || fatal "the server does not start"
result "serve listens on 127.0.0.1 (plain HTTP, --http)" 0
check "health" '^200 \{"status":"ok"\}' api GET /api/v1/health

# ---- keys and registration -----------------------------------------------

key=$("$E" key create --feed default --limit 3 --note "web servers")
result "key create prints a new key" "$(echo "$key" | grep -qE '^[A-Za-z0-9]{16}$'; echo $?)"
expect "kc.eportal spelling: key -a --feed test KEY" 0 "^testkey1$" \
	bash -c "ln -sf '$E' '$tmp/kc.eportal' && '$tmp/kc.eportal' key -a --feed test testkey1"
expect "kc.eportal spelling: feed -a NAME" 0 "added feed staging" "$tmp/kc.eportal" feed -a staging
expect "kc.eportal qemu deploy: user-space patchsets live in the feed userspace" 2 "live in the feed userspace" \
	"$tmp/kc.eportal" qemu deploy --feed test "$tmp/none.tar.bz2"
check "COMMAND --help prints its usage" "^usage: kc.eportal deploy \[--feed F\] \[--disabled\] ARCHIVE$" \
	"$tmp/kc.eportal" deploy --help
check "key list shows limit and note" "^$key +feed default +machines 0/3 .*web servers" "$E" key list

reg() { api POST /api/v1/register "{\"key\":\"$1\",\"machine_id\":\"$2\",\"hostname\":\"$2.example\",\"kernel_release\":\"6.1.0-99-amd64\"}"; }
for i in 1 2 3; do
	r=$(reg "$key" m$i)
	echo "$r" | grep -qE '^200 \{"server_id":"[0-9a-f]{32}","feed":"","sticky_patch":"","limit":3,"machines":'$i'\}' ||
		echo "# $r"
	result "registration $i of 3 succeeds" "$(echo "$r" | grep -q '^200 '; echo $?)"
	eval "sid$i=$(echo "$r" | sed -n 's/.*"server_id":"\([0-9a-f]*\)".*/\1/p')"
done
check "registration 4 of 3: 403, exactly \"Key limit reached\"" '^403 \{"error":"Key limit reached"\}$' reg "$key" m4
check "the original's register_by_key.plain says Key limit reached too" \
	'^403 code: 3message: Key limit reached$' api GET "/admin/api/kcare/register_by_key.plain?key=$key&hostname=m4"
check "a retried registration (same machine_id) gets its slot back" "^200 .*\"server_id\":\"$sid2\"" reg "$key" m2
check "unregister frees a slot" '^200 .*"unregistered":true' api POST /api/v1/unregister "{\"server_id\":\"$sid1\"}"
check "unregistering again: 404 Unknown server id" '^404 \{"error":"Unknown server id"\}' \
	api POST /api/v1/unregister "{\"server_id\":\"$sid1\"}"
r=$(reg "$key" m5)
result "the freed slot takes a new machine" "$(echo "$r" | grep -q '^200 .*"machines":3'; echo $?)" "$r"
sid5=$(echo "$r" | sed -n 's/.*"server_id":"\([0-9a-f]*\)".*/\1/p')
check "and the key is full again" '^403 \{"error":"Key limit reached"\}$' reg "$key" m6

kid=$(sha1sum <"$tmp/../$(basename "$tmp")/a/eportal.conf" | cut -c1-40)
sed_kid=0123456789abcdef0123456789abcdef01234567
check "check-in is accepted" '^200 .*"valid":true' api POST /api/v1/checkin \
	"{\"server_id\":\"$sid5\",\"kernel_release\":\"6.1.0-99-amd64\",\"kernel_id\":\"$sed_kid\",\"effective_kernel\":\"6.1.0-99.2kc\",\"patch_level\":2,\"userspace\":\"glibc:1\"}"
check "check-in updates servers list" "^$sid5 +$key +m5.example +127.0.0.1 +6.1.0-99-amd64 +level 2 .* 6.1.0-99.2kc user glibc:1$" \
	"$E" servers list
check "servers list --json" "\"server_id\":\"$sid5\".*\"kernel_id\":\"$sed_kid\".*\"patch_level\":2,\"userspace\":\"glibc:1\"" \
	"$E" servers list --json
check "check-in of an unknown server: 404" '^404 \{"error":"Unknown server id"\}' \
	api POST /api/v1/checkin '{"server_id":"0000","patch_level":1}'
check "the API answers under REGISTRATION_URL too (/admin/api/kcare/v1/...)" "^200 .*\"server_id\":\"$sid5\"" \
	api GET "/admin/api/kcare/v1/license?server_id=$sid5"
check "license info" "^200 .*\"server_id\":\"$sid5\",\"valid\":true,\"expires\":\"\",\"feed\":\"\",\"sticky_patch\":\"\"" \
	api GET "/api/v1/license?server_id=$sid5"
"$E" key set "$key" --sticky 011226 >/dev/null
check "a key's sticky date reaches its machines" '"sticky_patch":"011226"' api GET "/api/v1/license?server_id=$sid5"
check "the scanners' list of a key's machines: rows of [ip, kernel_id, level]" \
	"^200 \\{\"data\":\\[\\[\"127.0.0.1\",\"\",0\\],\\[\"127.0.0.1\",\"\",0\\],\\[\"127.0.0.1\",\"$sed_kid\",2\\]\\]\\}$" \
	api GET "/admin/api/kcare/patchset/$key"
check "and patchset.json?key=: objects with ip, host, kernel_id, patch_level" \
	"\\{\"ip\":\"127.0.0.1\",\"host\":\"m5.example\",\"kernel_id\":\"$sed_kid\",\"patch_level\":2\\}\\]$" \
	api GET "/admin/api/kcare/patchset.json?key=$key"
sed -i 's/^real_ip_header =.*/real_ip_header = X-Real-IP/' "$A/eportal.conf"
ep_stop && ep_start "$A" --http || fatal "the server does not restart"
"$E" key create --feed default proxied >/dev/null
curl -s -o /dev/null -H 'X-Real-IP: 198.51.100.9' -X POST --data-binary '{"key":"proxied","hostname":"behind-proxy"}' \
	"http://127.0.0.1:$port/api/v1/register"
check "behind a proxy on loopback, real_ip_header names the client" " behind-proxy +198.51.100.9 " "$E" servers list --key proxied
check "the key is not in the access log" '"path":"/admin/api/kcare/patchset/\(key\)"' tail -n 3 "$A/log/access.log"
result "the access log has one JSON line per request" \
	"$(grep -c '"route":' "$A/log/access.log" | grep -qx "$(wc -l <"$A/log/access.log")"; echo $?)"

# ---- deploy ----------------------------------------------------------------

mkdir -p "$tmp/ps" "$tmp/arch" "$tmp/bad"
"$P" keygen "$tmp/up.pem" "$tmp/up.pub.pem" >/dev/null && "$P" keygen "$tmp/other.pem" "$tmp/other.pub.pem" >/dev/null ||
	fatal "keygen"
mkps "$tmp/ps" 1 K20261201_01 && mkps "$tmp/ps" 2 K20261202_01 && mkps "$tmp/ps" 3 K20261203_01 extra ||
	fatal "cannot make the synthetic patchsets"
ksha=$(sha1sum <"$tmp/ps/proc-version" | cut -d' ' -f1)
for l in 1 2 3; do "$P" sign --key "$tmp/up.pem" "$tmp/ps/l$l.kcp" >/dev/null; done
cp "$tmp/up.pub.pem" "$A/keys/trusted/"
(cd "$tmp/ps" && tar czf "$tmp/arch/K1-2.tar.gz" l1.kcp l1.kcp.sig l2.kcp l2.kcp.sig &&
	tar cjf "$tmp/arch/K3.tar.bz2" l3.kcp l3.kcp.sig) || fatal "tar"

before=$(ep_state "$A")
cp "$tmp/ps/l1.kcp" "$tmp/bad/" && "$P" sign --key "$tmp/other.pem" "$tmp/bad/l1.kcp" >/dev/null
tar czf "$tmp/arch/untrusted.tar.gz" -C "$tmp/bad" l1.kcp l1.kcp.sig
expect "deploy refuses a patchset signed by an untrusted key" 1 \
	"deploy: l1.kcp: signed by key [0-9a-f]{16}, which is not trusted: nothing deployed" \
	"$E" deploy "$tmp/arch/untrusted.tar.gz"
cp "$tmp/ps/l1.kcp.sig" "$tmp/bad/l1.kcp.sig" && printf 'x' >>"$tmp/bad/l1.kcp"
tar czf "$tmp/arch/tampered.tar.gz" -C "$tmp/bad" l1.kcp l1.kcp.sig
expect "deploy refuses a patchset whose signature does not match" 1 "bad signature: the file or its signature was changed" \
	"$E" deploy "$tmp/arch/tampered.tar.gz"
cp "$tmp/ps/l2.kcp" "$tmp/bad/l2.kcp"
tar czf "$tmp/arch/nosig.tar.gz" -C "$tmp/bad" l2.kcp ../ps/l1.kcp ../ps/l1.kcp.sig 2>/dev/null
expect "deploy refuses an archive with one unsigned patchset, whole" 1 "l2.kcp: no signature" \
	"$E" deploy "$tmp/arch/nosig.tar.gz"
printf 'not an archive' >"$tmp/arch/junk.tar.gz"
expect "deploy refuses what is not an archive" 1 "deploy: .*junk.tar.gz: " "$E" deploy "$tmp/arch/junk.tar.gz"
result "a refused deploy leaves the database as it was" "$(test "$before" = "$(ep_state "$A")"; echo $?)"
result "and publishes nothing" "$(test ! -e "$A/repo/$ksha"; echo $?)"

expect "deploy --feed default ARCHIVE (.tar.gz, two levels)" 0 "deployed K20261202_01 level 2 \(default\) for 6.1.0-99-amd64 \($ksha\) to feed default, enabled" \
	"$E" deploy --feed default "$tmp/arch/K1-2.tar.gz"
expect "deploy of the same levels again is refused" 1 "already deployed" "$E" deploy "$tmp/arch/K1-2.tar.gz"
expect "deploy --feed test --disabled (.tar.bz2)" 0 "deployed K20261203_01 level 3 \(extra\) .* to feed test, disabled" \
	"$E" deploy --feed test --disabled "$tmp/arch/K3.tar.bz2"
check "list shows every patchset and its state" "default +K20261202_01 +level 2 +default +enabled +$ksha" "$E" list

# A client's view: download what the server serves, verify with the loader's code.
fetch_repo() {	# fetch_repo DIR FEEDPATH LEVELS...
	local d=$1 f=$2 l

	shift 2
	rm -rf "$d" && mkdir -p "$d/$f$ksha" || return 1
	curl -sf -o "$d/$f$ksha/index" "http://127.0.0.1:$port/$f$ksha/index" || return 1
	for l in "$@"; do
		mkdir -p "$d/$f$ksha/$l"
		curl -sf -o "$d/$f$ksha/$l/patchset.kcp" "http://127.0.0.1:$port/$f$ksha/$l/patchset.kcp" &&
			curl -sf -o "$d/$f$ksha/$l/patchset.kcp.sig" "http://127.0.0.1:$port/$f$ksha/$l/patchset.kcp.sig" || true
	done
}
fetch_repo "$tmp/client" "" 1 2
check "the served index, re-signed by the server's key, is chosen and verified by kcare-patchset select" \
	"^level 2 $tmp/client/$ksha/2/patchset.kcp$" \
	"$P" select --repo "$tmp/client" --key "$A/keys/eportal.pub.pem" --state "$tmp/state" "$ksha"
check "the publisher's key alone does not verify the server's index" "signed by key [0-9a-f]+, which is not trusted" \
	"$P" select --repo "$tmp/client" --key "$tmp/up.pub.pem" "$ksha"
check "latest.v2 is served" '^200 2$' api GET "/$ksha/latest.v2"
check "kpatch.info at /KERNEL_ID/LEVEL/kpatch.info, for CVE scanners" \
	'^200 kpatch-name: syn_2kpatch-description: .*kpatch-kernel: 6.1.0-99-amd64kpatch-cve: CVE-2026-1002 CVE-2026-20002kpatch-cvss: 7.2' \
	api GET "/$ksha/2/kpatch.info"
check "and at level 1" '^200 .*kpatch-cve: CVE-2026-1001 CVE-2026-20001' api GET "/$ksha/1/kpatch.info"
curl -s -o "$tmp/full.kcp" "http://127.0.0.1:$port/$ksha/2/patchset.kcp"
curl -s -o "$tmp/head.kcp" -r 0-99 "http://127.0.0.1:$port/$ksha/2/patchset.kcp"
curl -s -D "$tmp/tail.hdr" -o "$tmp/tail.kcp" -r 100- "http://127.0.0.1:$port/$ksha/2/patchset.kcp"
result "a download resumes: Range gives 206 and the rest of the file" \
	"$(grep -q '^HTTP/1.1 206' "$tmp/tail.hdr" && cat "$tmp/head.kcp" "$tmp/tail.kcp" | cmp -s - "$tmp/full.kcp"; echo $?)"
check "an If-Range of another version gets the whole file (200)" '^200 [0-9]+$' \
	curl -s -o /dev/null -w '%{http_code} %{size_download}' -r 100- -H 'If-Range: "other"' \
	"http://127.0.0.1:$port/$ksha/2/patchset.kcp"
check "a Range past the end: 416" '^416$' curl -s -o /dev/null -w '%{http_code}' -r 999999- \
	"http://127.0.0.1:$port/$ksha/2/patchset.kcp"
check "cves.json is served" '^200 \{"id": "K20261202_01", "level": 2, ' api GET "/$ksha/2/cves.json"
check "a disabled deploy is not in its feed's index" "level: 3 K20261203_01 [^ ]+ extra withdrawn" api GET "/test/$ksha/index"

expect "disable ID" 0 "disabled K20261202_01 level 2 for $ksha in feed default" "$E" disable K20261202_01
check "disable hides it: the index lists it withdrawn" "level: 2 K20261202_01 [^ ]+ default withdrawn" api GET "/$ksha/index"
check "and its files are gone" '^404 ' api GET "/$ksha/2/patchset.kcp"
fetch_repo "$tmp/client" "" 1 2
check "a client now chooses level 1 (the serial grew, the highest level stayed)" "^level 1 " \
	"$P" select --repo "$tmp/client" --key "$A/keys/eportal.pub.pem" --state "$tmp/state" "$ksha"
"$E" enable K20261202_01 >/dev/null
fetch_repo "$tmp/client" "" 1 2
check "enable brings it back" "^level 2 " \
	"$P" select --repo "$tmp/client" --key "$A/keys/eportal.pub.pem" --state "$tmp/state" "$ksha"
"$E" enable --feed test K20261203_01 >/dev/null
fetch_repo "$tmp/client" "test/" 3
check "the test feed serves its own index (PREFIX=test)" "^level 3 " \
	"$P" select --repo "$tmp/client" --key "$A/keys/eportal.pub.pem" --prefix test --patch-type extra "$ksha"

"$E" feed add slow --delay 48 >/dev/null
"$E" deploy --feed slow "$tmp/arch/K1-2.tar.gz" >/dev/null
check "a feed's delay holds new patchsets back (list: waiting)" "^slow +K20261201_01 +level 1 +default +waiting" "$E" list --feed slow
check "and its index lists them withdrawn meanwhile" "level: 2 K20261202_01 [^ ]+ default withdrawn" api GET "/slow/$ksha/index"
expect "undeploy ID" 0 "undeployed K20261201_01 level 1" "$E" undeploy --feed slow K20261201_01
check "an undeployed level keeps its number in the index" "level: 1 K20261201_01 [^ ]+ default withdrawn" \
	api GET "/slow/$ksha/index"
s0=$(sed -n 's/^serial: //p' "$A/repo/$ksha/index")
expect "refresh re-signs every index" 0 "re-signed [0-9]+ indexes" "$E" refresh
s1=$(sed -n 's/^serial: //p' "$A/repo/$ksha/index")
result "and its serial grows ($s0 -> $s1)" "$(test "$s1" -gt "$s0"; echo $?)"
rm -f "$A/repo/$ksha/index"
for i in $(seq 50); do [ -f "$A/repo/$ksha/index" ] && break; sleep 0.1; done
s2=$(sed -n 's/^serial: //p' "$A/repo/$ksha/index" 2>/dev/null)
result "the running server republishes a lost index within its interval (serial $s2)" \
	"$(test -n "$s2" && test "$s2" -gt "$s1"; echo $?)"
mv "$A/log/access.log" "$A/log/access.log.1" && kill -HUP "$pid"
sleep 0.2
api GET /api/v1/health >/dev/null
result "SIGHUP reopens the access log (logrotate)" "$(grep -q '"route":"health"' "$A/log/access.log"; echo $?)"
check "kernels lists a feed's kernels for mirrors" "^200 $ksha$" api GET /kernels

# ---- hostile input ---------------------------------------------------------

before=$(ep_state "$A")
check "malformed JSON: 400 with where" '^400 \{"error":"malformed JSON at offset [0-9]+: ' api POST /api/v1/register '{"key": "'"$key"'", '
check "JSON that is not an object: 400" '^400 \{"error":"expected a JSON object"\}' api POST /api/v1/register '["key"]'
check "trailing data after the object: 400" '^400 .*data after the object' api POST /api/v1/register '{"key":"x"} {}'
check "a wrong type: 400 naming the field" '^400 \{"error":"field \\"key\\": expected a string"\}' api POST /api/v1/register '{"key": 5}'
check "a missing field: 400" '^400 \{"error":"missing field \\"key\\""\}' api POST /api/v1/register '{"hostname":"x"}'
check "an empty body: 400" '^400 ' api POST /api/v1/register ''
check "control characters in a field: 400" '^400 .*printable ASCII' api POST /api/v1/register "{\"key\":\"$key\",\"hostname\":\"a\\u0000b\"}"
check "a negative patch level: 400" '^400 .*patch_level' api POST /api/v1/checkin "{\"server_id\":\"$sid5\",\"patch_level\":-1}"
check "deep nesting: 400" '^400 ' api POST /api/v1/register "$(printf '{"a":%.0s' $(seq 50))1$(printf '}%.0s' $(seq 50))"
big=$(head -c 20000 /dev/zero | tr '\0' a)
check "an oversized body: 413" '^413 \{"error":"request body too large"\}' api POST /api/v1/register "{\"key\":\"$big\"}"
check "an unknown key: 404 Unknown key" '^404 \{"error":"Unknown key"\}' reg NoSuchKey123 x1
check "an unknown key in the scanners' path: 404" '^404 ' api GET "/admin/api/kcare/patchset/NoSuchKey123"
sqlkey="x' OR '1'='1"
check "SQL in the key: Unknown key" '^404 \{"error":"Unknown key"\}' \
	api POST /api/v1/register "{\"key\":\"$sqlkey\",\"machine_id\":\"q\"}"
check "SQL in the scanners' key path: 404" '^404 ' api GET "/admin/api/kcare/patchset/x'%20OR%20'1'='1"
check "SQL in a server id: 404" '^404 ' api POST /api/v1/unregister "{\"server_id\":\"x' OR '1'='1\"}"
check "SQL in the license query: 404" '^404 ' api GET "/api/v1/license?server_id=x%27%20OR%20%271%27%3D%271"
check "unknown API path: 404" '^404 ' api GET /api/v1/nothing
check "wrong method: 405" '^405 ' api GET /api/v1/register
check "path traversal: 400" '^400 .*bad path' api GET /../eportal.conf
check "encoded path traversal: 400" '^400 .*bad path' api GET /%2e%2e/eportal.db
check "a hidden file of the repository: 404" '^404 ' api GET /.lock
check "a directory: 404" '^404 ' api GET "/$ksha"
ln -s "$A" "$A/repo/escape"
check "a symbolic link out of the repository: 404" '^404 ' api GET /escape/eportal.conf
rm -f "$A/repo/escape"
result "the database is unchanged by all of that" "$(test "$before" = "$(ep_state "$A")"; echo $?)"
"$E" key create --feed default --limit 10 sqlkey >/dev/null
evil="Robert'); DROP TABLE machines;--"
r=$(api POST /api/v1/register "{\"key\":\"sqlkey\",\"machine_id\":\"$evil\",\"hostname\":\"$evil\",\"fqdn\":\"$evil\",\"distro\":\"$evil\",\"kernel_release\":\"$evil\"}")
result "SQL in every free-text field is stored as text" "$(echo "$r" | grep -q '^200 '; echo $?)" "$r"
check "and comes back literally" "\"machine_id\":\"Robert'\\); DROP TABLE machines;--\",\"hostname\":\"Robert'\\); DROP TABLE machines;--\"" \
	"$E" servers list --key sqlkey --json
check "the other machines are all there" "^3$" bash -c "'$E' servers list --key '$key' | wc -l"

# ---- the documentation -----------------------------------------------------

undoc=
for c in $("$E" help | sed -n 's/^  kcare-eportal \([a-z-]*\).*/\1/p'); do
	grep -q "^| \`$c[ \`]" "$top/Documentation/eportal.md" || undoc="$undoc $c"
done
result "every command of 'kcare-eportal help' is in Documentation/eportal.md" "$(test -z "$undoc"; echo $?)" \
	"not documented:$undoc"

# ---- a mirror of this server -----------------------------------------------

B=$tmp/b
"$E" init "$B" >/dev/null
cp "$A/keys/eportal.pub.pem" "$B/keys/trusted/upstream.pem"
expect "mirror --from URL pulls every kernel of the upstream feed" 0 "mirrored http://127.0.0.1:$port into feed default: 2 new patchset files" \
	"$E" -d "$B" mirror --from "http://127.0.0.1:$port/"
check "the mirror re-signs with its own key" "^level 2 $B/repo/$ksha/2/patchset.kcp" \
	"$P" select --repo "$B/repo" --key "$B/keys/eportal.pub.pem" "$ksha"
expect "mirroring again fetches nothing new" 0 "0 new patchset files" "$E" -d "$B" mirror --from "http://127.0.0.1:$port"

# An upstream missing one file: the mirror fails whole, showing nothing.
C=$tmp/c D=$tmp/d
"$E" init "$C" >/dev/null && "$E" init "$D" >/dev/null
cp -r "$A/repo/." "$C/repo/" && rm -f "$C/repo/$ksha/2/patchset.kcp"
cp "$A/keys/eportal.pub.pem" "$D/keys/trusted/upstream.pem"
pid_a=$pid port_a=$port
ep_start "$C" --http || fatal "the static upstream does not start"
pid_c=$pid port_c=$port pid=$pid_a port=$port_a
expect "a mirror cut by a missing file fails" 1 "HTTP 404 for http://127.0.0.1:$port_c/$ksha/2/patchset.kcp.*nothing changed" \
	"$E" -d "$D" mirror --from "http://127.0.0.1:$port_c"
kill "$pid_c" && wait "$pid_c" 2>/dev/null
result "and leaves no level, no index, no file behind" \
	"$(test -z "$("$E" -d "$D" list)" -a ! -e "$D/repo/$ksha" -a -z "$(find "$D/store" "$D/tmp" -mindepth 1)"; echo $?)"
expect "feed set --auto-update --upstream URL" 0 "changed feed default" \
	"$E" -d "$D" feed set default --auto-update --upstream "http://127.0.0.1:$port/"
expect "auto-update mirrors every auto-update feed from its upstream" 0 "mirrored http://127.0.0.1:$port into feed default: 2 new" \
	"$E" -d "$D" auto-update
check "and the feed's patchsets are there" "^default +K20261202_01 +level 2 +default +enabled" "$E" -d "$D" list
"$E" disable K20261202_01 >/dev/null
expect "a level withdrawn upstream is disabled by the next mirror" 0 "disabled level 2 of $ksha in feed default: withdrawn upstream" \
	"$E" -d "$D" auto-update
check "and the mirror's index lists it withdrawn" "level: 2 K20261202_01 [^ ]+ default withdrawn" cat "$D/repo/$ksha/index"
"$E" enable K20261202_01 >/dev/null
"$E" -d "$D" auto-update >/dev/null
cp "$A/repo/$ksha/index" "$tmp/old-index"
"$E" refresh >/dev/null
"$E" -d "$D" auto-update >/dev/null
cp "$tmp/old-index" "$A/repo/$ksha/index"
expect "a mirror refuses an upstream index older than the one it took (replayed)" 1 \
	"index serial [0-9]+ is older than the last accepted [0-9]+ \(replayed\?\)" "$E" -d "$D" auto-update
"$E" refresh >/dev/null

rm -f "$B/keys/trusted/upstream.pem" && cp "$tmp/other.pub.pem" "$B/keys/trusted/"
expect "a mirror refuses an upstream signed by an untrusted key" 1 "which is not trusted: nothing changed" \
	"$E" -d "$B" mirror --from "http://127.0.0.1:$port" --feed test

# ---- HTTPS and the rate limit ------------------------------------------------

sed -i 's/^rate_limit = .*/rate_limit = 2/; s/^rate_burst = .*/rate_burst = 3/' "$B/eportal.conf"
pid_a=$pid port_a=$port
ep_start "$B" || fatal "the HTTPS server does not start"
pid2=$pid port_b=$port pid=$pid_a port=$port_a
check "init && serve: HTTPS at once, with the self-signed certificate init made" '^\{"status":"ok"\}$' \
	curl -s --cacert "$B/tls/cert.pem" "https://127.0.0.1:$port_b/api/v1/health"
check "no plain HTTP on the HTTPS port" '^000$' curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port_b/api/v1/health"
# One curl process, ten requests in a row (quicker than the refill).
codes=$(curl -s -w '%{http_code}\n' --cacert "$B/tls/cert.pem" \
	$(for i in $(seq 10); do echo "-o /dev/null https://127.0.0.1:$port_b/api/v1/health"; done) |
	sort | uniq -c | tr -s ' ' | tr '\n' ' ')
result "past its burst a client gets 429 (rate_limit 2/s, burst 3): $codes" "$(echo "$codes" | grep -q ' 429'; echo $?)"

done_testing
