#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcare-eportal under parallel registrations and a crash: 200 machines
# register with a key whose limit is 50, from parallel curl processes
# (at most 16 at once); the server is killed with SIGKILL while the second
# wave runs, restarted on the same database, and the clients that got no
# answer retry. Exactly 50 succeed, every answered registration is in the
# database (nothing lost), no machine is there twice (nothing duplicated),
# every other client got "Key limit reached"; check-ins answered before a
# second SIGKILL are all there after it.

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "${bg:-}" ] && kill "$bg" 2>/dev/null
	ep_stop
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
"$E" init "$A" >/dev/null || fatal "init"
sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"
key=$("$E" key create --feed default --limit 50) || fatal "key create"
mkdir -p "$tmp/r"

# register I: the status in r/I.code ("000": no answer), the body in r/I.body
register() {
	curl -s -m 20 -o "$tmp/r/$1.body" -w '%{http_code}' -X POST \
		--data-binary "{\"key\":\"$key\",\"machine_id\":\"machine-$1\",\"hostname\":\"host-$1\"}" \
		"http://127.0.0.1:$port/api/v1/register" >"$tmp/r/$1.code.tmp"
	mv "$tmp/r/$1.code.tmp" "$tmp/r/$1.code"
}
export -f register
export key tmp

ep_start "$A" --http || fatal "the server does not start"
export port
seq 1 30 | xargs -P 16 -I{} bash -c 'register {}'
result "wave 1: 30 parallel registrations all succeed" \
	"$(test "$(grep -l '^200$' "$tmp"/r/*.code | wc -l)" = 30; echo $?)"

# Wave 2 in the background; SIGKILL once some of it has been answered.
seq 31 200 | xargs -P 4 -I{} bash -c 'register {}' &
bg=$!
for i in $(seq 500); do
	got=$(ls "$tmp/r" | grep -c '\.code$')
	[ "$got" -ge 45 ] && break
	sleep 0.01
done
ep_kill9
answered=$(( $(ls "$tmp/r" | grep -c '\.code$') - 30 ))
wait "$bg"
bg=
unanswered=$(grep -L '^[1-9]' "$tmp"/r/*.code | wc -l)
echo "# SIGKILL after $answered of 170 second-wave answers; $unanswered clients got no answer"
result "the server was killed mid-way (some answered, some not)" \
	"$(test "$answered" -lt 170 -a "$unanswered" -gt 0; echo $?)"

ep_start "$A" --http || fatal "the server does not restart"
export port
for f in $(grep -L '^[1-9]' "$tmp"/r/*.code); do
	i=$(basename "$f" .code)
	register "$i"
done
result "after the restart every client has an answer" \
	"$(test -z "$(grep -L '^[1-9]' "$tmp"/r/*.code)"; echo $?)"

ok=$(grep -l '^200$' "$tmp"/r/*.code | wc -l)
limited=$(grep -l '^403$' "$tmp"/r/*.code | wc -l)
result "exactly 50 of 200 registrations succeed ($ok)" "$(test "$ok" = 50; echo $?)"
result "the other 150 got Key limit reached ($limited)" \
	"$(test "$limited" = 150 -a -z "$(grep -L '^{"error":"Key limit reached"}$' \
		$(grep -l '^403$' "$tmp"/r/*.code | sed 's/code$/body/'))"; echo $?)"
"$E" servers list --key "$key" --json >"$tmp/list.json"
inlist=$(grep -o '"server_id":"[0-9a-f]*"' "$tmp/list.json" | sort -u | wc -l)
result "the database has exactly 50 machines for the key ($inlist)" "$(test "$inlist" = 50; echo $?)"
mids=$(grep -o '"machine_id":"[^"]*"' "$tmp/list.json" | sort | uniq -d | wc -l)
result "no machine is registered twice" "$(test "$mids" = 0; echo $?)"
lost=0
for f in $(grep -l '^200$' "$tmp"/r/*.code); do
	sid=$(sed -n 's/.*"server_id":"\([0-9a-f]*\)".*/\1/p' "${f%code}body")
	grep -q "\"server_id\":\"$sid\"" "$tmp/list.json" || lost=$((lost + 1))
done
result "every answered registration is in the database (lost: $lost)" "$(test "$lost" = 0; echo $?)"
check "key list agrees: 50/50" "machines 50/50" "$E" key list

# Check-ins, then SIGKILL: every answered check-in survives.
grep -o '"server_id":"[0-9a-f]*"' "$tmp/list.json" | cut -d'"' -f4 >"$tmp/ids"
checkin() {
	curl -s -m 20 -o /dev/null -w '%{http_code}\n' -X POST \
		--data-binary "{\"server_id\":\"$1\",\"kernel_release\":\"6.1.0-99-amd64\",\"patch_level\":7}" \
		"http://127.0.0.1:$port/api/v1/checkin"
}
export -f checkin
codes=$(xargs -P 16 -I{} bash -c 'checkin {}' <"$tmp/ids" | sort | uniq -c | tr -s ' ')
ep_kill9
result "50 parallel check-ins answered ($codes)" "$(echo "$codes" | grep -qx ' 50 200'; echo $?)"
result "after SIGKILL all 50 check-ins are in the database" \
	"$(test "$("$E" servers list --key "$key" | grep -c ' level 7 ')" = 50; echo $?)"
ep_start "$A" --http || fatal "the server does not restart"
check "and the server starts again on that database" '^200 ' api GET /api/v1/health

done_testing
