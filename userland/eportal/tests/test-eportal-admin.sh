#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The admin API (/admin/api/v1/..., Documentation/eportal.md) against a
# real server on 127.0.0.1: every route refuses a request without a
# valid API key or admin user; API keys made by the command line and by
# the API work, and stop working at the next request once revoked; an
# admin user signs in with basic auth (scrypt) and not with a wrong
# password; feeds, keys, machines and patchsets listed and changed
# through the API, bad values refused with the database unchanged,
# SQL metacharacters stored as text; security headers; the key in a
# path masked in the access log.

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

ep_harness

ep_build || { cat "$out"; fatal "kcare-eportal does not build"; }
A=$tmp/a
export KCARE_EPORTAL_DIR=$A
"$E" init "$A" >/dev/null || fatal "kcare-eportal init failed"
sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"
ep_start "$A" --http || fatal "the server does not start"

# adm METHOD PATH [BODY] [curl options...]: "STATUS BODY" of an admin call.
adm() {
	local m=$1 p=$2 b=${3:-}

	shift 3 2>/dev/null || shift $#
	curl -s -m 20 -o "$tmp/resp" -w '%{http_code}' -X "$m" ${b:+--data-binary "$b"} \
		"$@" "http://127.0.0.1:$port/admin/api/v1$p" >"$tmp/code"
	echo "$(cat "$tmp/code") $(tr -d '\n' <"$tmp/resp")"
}
dbsum() { sqlite3 "$A/eportal.db" "SELECT key, feed, lim, sticky, note, expires FROM keys ORDER BY key; SELECT kind, name, secret FROM credentials ORDER BY name;" | sha256sum; }

# ---- nothing without credentials -----------------------------------------

routes="GET:/feeds POST:/feeds GET:/keys POST:/keys GET:/keys/x PUT:/keys/x DELETE:/keys/x
GET:/servers GET:/servers/ab DELETE:/servers/ab GET:/patchsets GET:/apikeys POST:/apikeys
GET:/apikeys/x DELETE:/apikeys/x"
bad=
for r in $routes; do
	got=$(adm "${r%%:*}" "${r#*:}" '{}')
	case $got in "401 "*) ;; *) bad="$bad $r($got)" ;; esac
	got=$(adm "${r%%:*}" "${r#*:}" '{}' -H "X-Api-Key: kep_00000000000000000000000000000000")
	case $got in "401 "*) ;; *) bad="$bad $r+key($got)" ;; esac
done
result "every admin route answers 401 without credentials, and with an unknown key" \
	"$(test -z "$bad"; echo $?)" "$bad"
curl -s -D "$tmp/h" -o /dev/null "http://127.0.0.1:$port/admin/api/v1/keys"
result "... asking for basic auth, with no-store, CSP frame-ancestors, X-Frame-Options, nosniff" \
	"$(grep -qi '^WWW-Authenticate: Basic realm="kcare-eportal"' "$tmp/h" &&
		grep -qi '^Cache-Control: no-store' "$tmp/h" &&
		grep -qi "^Content-Security-Policy: default-src 'none'; frame-ancestors 'none'" "$tmp/h" &&
		grep -qi '^X-Frame-Options: DENY' "$tmp/h" &&
		grep -qi '^X-Content-Type-Options: nosniff' "$tmp/h"; echo $?)"

# ---- API keys ------------------------------------------------------------

K=$("$E" apikey create ci --note "the CI")
result "apikey create prints the key once: kep_ and 32 hex" "$(echo "$K" | grep -qxE 'kep_[0-9a-f]{32}'; echo $?)"
result "... and stores only its SHA-256" \
	"$(test "$(sqlite3 "$A/eportal.db" "SELECT secret FROM credentials WHERE name = 'ci'")" = \
		"$(printf %s "$K" | sha256sum | cut -c1-64)" &&
		! grep -qa "$K" "$A/eportal.db"; echo $?)"
H=(-H "X-Api-Key: $K")
check "with it: GET /keys" '^200 \[\]$' adm GET /keys '' "${H[@]}"
check "POST /feeds makes a feed" '^201 \{"name":"web","delay_hours":2,"auto_update":false' \
	adm POST /feeds '{"name":"web","delay_hours":2}' "${H[@]}"
check "GET /feeds lists it" '"name":"web"' adm GET /feeds '' "${H[@]}"
check "POST /keys makes a key" '^201 \{"key":"webkey","feed":"web","limit":2,"machines":0,"sticky":"","note":"n","created":"[0-9T:-]+Z","expires":""\}' \
	adm POST /keys '{"key":"webkey","feed":"web","limit":2,"note":"n"}' "${H[@]}"
check "... a random one when no key is given" '^201 \{"key":"[A-Za-z0-9]{16}"' \
	adm POST /keys '{"feed":"default"}' "${H[@]}"
check "... a key that exists: 409" '^409 .*already exists' \
	adm POST /keys '{"key":"webkey","feed":"web"}' "${H[@]}"
check "PUT /keys/KEY changes it" '^200 .*"key":"webkey","feed":"web","limit":3,.*"sticky":"011226".*"expires":"2099-12-31"' \
	adm PUT /keys/webkey '{"limit":3,"sticky":"011226","expires":"2099-12-31"}' "${H[@]}"
check "GET /keys/KEY" '^200 \{"key":"webkey",.*"limit":3' adm GET /keys/webkey '' "${H[@]}"
check "GET /keys/unknown: 404" '^404 ' adm GET /keys/nope '' "${H[@]}"

# ---- bad values change nothing ---------------------------------------------

before=$(dbsum)
check "a limit that is not a number: 400" '^400 \{"error":"field \\"limit\\": expected a number' \
	adm PUT /keys/webkey '{"limit":"3"}' "${H[@]}"
check "a sticky date that is no date: 400" '^400 .*sticky 310226: DDMMYY' \
	adm PUT /keys/webkey '{"sticky":"310226"}' "${H[@]}"
check "an unknown feed: 404 or 400, never a key" '^(400|404|500) ' \
	adm POST /keys '{"key":"k2","feed":"nofeed"}' "${H[@]}"
check "malformed JSON: 400 with the offset" '^400 .*malformed JSON at offset' \
	adm POST /keys '{"feed":' "${H[@]}"
check "an API key name with ../: 400" '^400 .*field \\"name\\"' \
	adm POST /apikeys '{"name":"../x"}' "${H[@]}"
check "a note with control characters: 400" '^400 ' \
	adm PUT /keys/webkey '{"note":"a\u0001b"}' "${H[@]}"
result "... the database unchanged" "$(test "$before" = "$(dbsum)"; echo $?)"
check "SQL metacharacters are stored as text" "\"note\":\"x'); DROP TABLE keys; --\"" \
	adm PUT /keys/webkey "{\"note\":\"x'); DROP TABLE keys; --\"}" "${H[@]}"
check "... and the keys table is still there" '"key":"webkey"' adm GET /keys '' "${H[@]}"

# ---- machines --------------------------------------------------------------

api POST /api/v1/register '{"key":"webkey","hostname":"h1","machine_id":"m1"}' >"$tmp/reg"
sid=$(sed -n 's/.*"server_id":"\([0-9a-f]*\)".*/\1/p' "$tmp/reg")
check "GET /servers lists a registered machine" "^200 \[\{\"server_id\":\"$sid\",\"key\":\"webkey\",.*\"hostname\":\"h1\"" \
	adm GET /servers '' "${H[@]}"
check "GET /servers?key=KEY" "\"server_id\":\"$sid\"" adm GET '/servers?key=webkey' '' "${H[@]}"
check "GET /servers/ID" "^200 \{\"server_id\":\"$sid\"" adm GET "/servers/$sid" '' "${H[@]}"
check "DELETE /servers/ID unregisters it" "^200 \{\"server_id\":\"$sid\"" adm DELETE "/servers/$sid" '' "${H[@]}"
check "... its check-in is then refused" '^404 .*Unknown server id' \
	api POST /api/v1/checkin "{\"server_id\":\"$sid\"}"
check "GET /patchsets (none deployed)" '^200 \[\]$' adm GET /patchsets '' "${H[@]}"
check "DELETE /keys/KEY" '^200 \{"key":"webkey"' adm DELETE /keys/webkey '' "${H[@]}"
result "the key in a path is masked in the access log" \
	"$(grep -q '"path":"/admin/api/v1/keys/(key)".*"admin":"key:ci"' "$A/log/access.log" &&
		! grep -q 'keys/webkey' "$A/log/access.log"; echo $?)"

# ---- revocation ------------------------------------------------------------

check "POST /apikeys makes a key, shown once" '^201 \{"name":"robot","note":"","created":"[0-9T:-]+Z","key":"kep_[0-9a-f]{32}"\}' \
	adm POST /apikeys '{"name":"robot"}' "${H[@]}"
K2=$(sed -n 's/.*"key":"\(kep_[0-9a-f]*\)".*/\1/p' "$tmp/resp")
check "... it works" '^200 ' adm GET /apikeys '' -H "X-Api-Key: $K2"
check "GET /apikeys lists names, never keys or hashes" '^200 \[\{"name":"ci","note":"the CI",.*\{"name":"robot"' \
	adm GET /apikeys '' "${H[@]}"
result "... (no secret in it)" "$(! grep -q 'kep_\|secret' "$tmp/resp"; echo $?)"
check "DELETE /apikeys/NAME revokes it" '^200 \{"name":"robot"' adm DELETE /apikeys/robot '' "${H[@]}"
check "... refused at the next request" '^401 ' adm GET /keys '' -H "X-Api-Key: $K2"
expect "apikey revoke from the command line" 0 "^revoked API key ci$" "$E" apikey revoke ci
check "... the running server refuses it at once" '^401 ' adm GET /keys '' "${H[@]}"
expect "apikey revoke of an unknown name" 1 "apikey revoke: ci: not found" "$E" apikey revoke ci

# ---- admin users -----------------------------------------------------------

expect "user add: a short password is refused" 1 "password: 8 to 200 printable" \
	sh -c "echo short | '$E' user add alice"
expect "user add reads the password from standard input" 0 "^added user alice$" \
	sh -c "echo 'correct horse' | '$E' user add alice"
result "... stored as a scrypt hash" \
	"$(sqlite3 "$A/eportal.db" "SELECT secret FROM credentials WHERE name = 'alice'" |
		grep -qxE '\$scrypt\$ln=15,r=8,p=1\$[0-9a-f]{32}\$[0-9a-f]{64}'; echo $?)"
check "basic auth with the password" '^200 ' adm GET /feeds '' -u 'alice:correct horse'
check "... a wrong password: 401" '^401 ' adm GET /feeds '' -u 'alice:correct horsf'
check "... an unknown user: 401" '^401 ' adm GET /feeds '' -u 'bob:correct horse'
check "... a malformed Authorization header: 401" '^401 ' adm GET /feeds '' -H 'Authorization: Basic !!!'
expect "user passwd" 0 "^changed the password of user alice$" sh -c "echo 'battery staple' | '$E' user passwd alice"
check "... the old password stops working" '^401 ' adm GET /feeds '' -u 'alice:correct horse'
check "... the new one works" '^200 ' adm GET /feeds '' -u 'alice:battery staple'
expect "user delete" 0 "^deleted user alice$" "$E" user delete alice
check "... refused at once" '^401 ' adm GET /feeds '' -u 'alice:battery staple'

done_testing
