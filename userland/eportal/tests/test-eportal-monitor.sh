#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Monitoring of a real server on 127.0.0.1 (Documentation/eportal.md,
# "Monitoring"): machines checked in at the feed's level (current),
# below it (behind), below it under a key with a sticky date (current),
# and one that stopped checking in (silent); `check-servers` answers
# each situation with the Nagios exit code and status line, UNKNOWN
# when the database cannot be read; GET /metrics needs an API key and
# says the same, with the feed's level, the check-ins and the request
# counts, and passes promtool's checks.

top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

ep_harness

ep_build || { cat "$out"; fatal "kcare-eportal does not build"; }
A=$tmp/a
export KCARE_EPORTAL_DIR=$A
"$E" init "$A" >/dev/null || fatal "kcare-eportal init failed"
sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"

mkdir -p "$tmp/ps"
"$P" keygen "$tmp/up.pem" "$tmp/up.pub.pem" >/dev/null || fatal "keygen"
mkps "$tmp/ps" 1 K20261201_01 && mkps "$tmp/ps" 2 K20261202_01 || fatal "cannot make the patchsets"
ksha=$(sha1sum <"$tmp/ps/proc-version" | cut -d' ' -f1)
for l in 1 2; do "$P" sign --key "$tmp/up.pem" "$tmp/ps/l$l.kcp" >/dev/null; done
cp "$tmp/up.pub.pem" "$A/keys/trusted/"
(cd "$tmp/ps" && tar czf "$tmp/ps.tar.gz" l1.kcp l1.kcp.sig l2.kcp l2.kcp.sig) || fatal "tar"
"$E" deploy "$tmp/ps.tar.gz" >/dev/null || fatal "deploy failed"
"$E" key create --feed default k >/dev/null && "$E" key create --feed default --sticky 011226 sk >/dev/null ||
	fatal "key create failed"
ep_start "$A" --http || fatal "the server does not start"

# machine NAME KEY LEVEL: registered and checked in at LEVEL.
machine() {
	local id

	id=$(api POST /api/v1/register "{\"key\":\"$2\",\"hostname\":\"$1\",\"kernel_id\":\"$ksha\"}" |
		sed -n 's/.*"server_id":"\([0-9a-f]*\)".*/\1/p')
	api POST /api/v1/checkin "{\"server_id\":\"$id\",\"kernel_id\":\"$ksha\",\"patch_level\":$3}" >/dev/null
	echo "$id"
}

expect "check-servers with no machine: OK" 0 "^OK: 0 machines, 0 current, 0 behind, 0 silent \| machines=0 current=0 behind=0;0 silent=0;;0$" \
	"$E" check-servers
machine h1 k 2 >/dev/null
machine h4 sk 1 >/dev/null
expect "at the feed's level, or held back by a sticky date: OK" 0 "^OK: 2 machines, 2 current, 0 behind" "$E" check-servers
machine h2 k 1 >/dev/null
expect "one machine below its feed's level: WARNING, naming it" 1 \
	"^WARNING: 1 of 3 machines behind their feed's patch level \(h2\) \| machines=3 current=2 behind=1;0 silent=0;;0$" \
	"$E" check-servers
expect "... OK with --warning 1" 0 "^OK: 3 machines" "$E" check-servers --warning 1
expect "... --key: only that key's machines" 0 "^OK: 1 machines, 1 current" "$E" check-servers --key sk
id3=$(machine h3 k 2)
sqlite3 "$A/eportal.db" "UPDATE machines SET last_seen = last_seen - 25 * 3600 WHERE server_id = '$id3'"
expect "a machine silent for 25 hours: CRITICAL" 2 \
	"^CRITICAL: 1 of 4 machines silent for 24 h \(h3\) \| machines=4 current=2 behind=1;0 silent=1;;0$" \
	"$E" check-servers
expect "... WARNING with --silent-hours 48" 1 "^WARNING: 1 of 4 machines behind" "$E" check-servers --silent-hours 48
expect "a bad option: UNKNOWN" 3 "^UNKNOWN: check-servers: bad option" "$E" check-servers --warning x
expect "a directory without a server: UNKNOWN" 3 "^UNKNOWN: " "$E" -d "$tmp/none" check-servers

# ---- /metrics ----------------------------------------------------------------

check "/metrics without an API key: 401" '^401 ' api GET /metrics
K=$("$E" apikey create prometheus)
curl -s -o "$tmp/metrics" -w '%{http_code} %{content_type}' -H "Authorization: Bearer $K" \
	"http://127.0.0.1:$port/metrics" >"$tmp/code"
result "/metrics with the key as a bearer token (as Prometheus sends it): 200, text 0.0.4" \
	"$(grep -qx '200 text/plain; version=0.0.4; charset=utf-8' "$tmp/code"; echo $?)" "$(cat "$tmp/code")"
mline() { grep -qxF -- "$1" "$tmp/metrics" || { echo "# no line: $1"; return 1; }; }
result "machines by state: 2 current, 1 behind, 1 silent" \
	"$(mline 'kcare_eportal_machines{state="current"} 2' && mline 'kcare_eportal_machines{state="behind"} 1' &&
		mline 'kcare_eportal_machines{state="silent"} 1' && mline 'kcare_eportal_keys 2'; echo $?)"
result "the feed's level for the kernel" \
	"$(mline "kcare_eportal_feed_level{feed=\"default\",kernel=\"$ksha\"} 2"; echo $?)"
result "this process's check-ins and requests" \
	"$(mline 'kcare_eportal_checkins_total 4' && mline 'kcare_eportal_requests_total{route="register",code="2xx"} 4' &&
		mline 'kcare_eportal_request_duration_seconds_count{route="checkin"} 4' &&
		mline 'kcare_eportal_requests_total{route="metrics",code="4xx"} 1'; echo $?)"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/metrics" >"$out" 2>&1
	result "promtool check metrics accepts it" $? "$(head -n 5 "$out")"
else
	result "promtool check metrics accepts it # SKIP no promtool (scripts/setup installs prometheus)" 0
fi

done_testing
