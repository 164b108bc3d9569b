#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksplice2kcare against a fake Ksplice (Ksplice is not installable here):
# uptrack-show, uptrack-remove, dpkg, apt-get and kcarectl are scripts on
# PATH that record what they were asked in a state directory. Scenarios:
# a clean move with a key ("Done", exit 0, the log); an IP licence (no
# registration); updates that stay applied twice then go (retried with
# RETRY/SLEEP); updates that never go (exit -1, the log says why); a
# machine without Ksplice; a failed registration; a 32-bit system; usage.
top=$(cd "$(dirname "$0")/../../.." && pwd)
. "$top/scripts/tests/lib.sh"

S=$top/userland/ksplice2kcare/ksplice2kcare
tmp=$(mktemp -d /tmp/kc-k2k.XXXXXX)
trap 'rm -rf "$tmp" "$out"' EXIT
bin=$tmp/bin
st=$tmp/state
mkdir -p "$bin"

fake() {
	printf '#!/bin/bash\n%s\n' "$2" >"$bin/$1"
	chmod +x "$bin/$1"
}

# A Ksplice with updates applied; uptrack-remove succeeds on try N
# ($st/removable_at), counting its calls.
setup() {
	rm -rf "$st"
	mkdir -p "$st"
	echo 1 >"$st/removable_at"
	echo 0 >"$st/calls"
	echo installed >"$st/pkg"
	rm -f "$bin"/*
	fake uptrack-show 'if [ -e '"$st"'/removed ]; then printf "Installed updates:\nNone\n\nEffective kernel version is 6.1.0\n"; else printf "Installed updates:\n[abcd1234] CVE-2026-0001: fix\n\nEffective kernel version is 6.1.1\n"; fi'
	fake uptrack-remove 'echo "uptrack-remove $*" >>'"$st"'/log; c=$(($(cat '"$st"'/calls) + 1)); echo $c >'"$st"'/calls; [ $c -ge $(cat '"$st"'/removable_at) ] && touch '"$st"'/removed; exit 0'
	fake dpkg '[ "$1" = -s ] && [ "$(cat '"$st"'/pkg)" = installed ]'
	fake apt-get 'echo "apt-get $*" >>'"$st"'/log; echo removed >'"$st"'/pkg'
	fake kcarectl 'echo "kcarectl $*" >>'"$st"'/log; [ "$1" = --register ] && [ "$2" = BADKEY ] && { echo "Unknown key" >&2; exit 1; }; exit 0'
	fake uname '[ "$1" = -m ] && echo ${FAKE_ARCH:-x86_64} || /bin/uname "$@"'
}

k2k() {
	PATH=$bin:$PATH KSPLICE2KCARE_LOG=$tmp/k2k.log KSPLICE2KCARE_SLEEP=0 \
		bash "$S" "$@"
}

setup
rm -f "$tmp/k2k.log"
expect "a key: Ksplice removed, kcare registered and updated, Done, exit 0" 0 '^Done$' k2k KEY123
result "... in that order, the package removed, all in the log" "$(
	grep -q "^uptrack-remove --all -y$" "$st/log" &&
	[ "$(sed -n 's/^\(apt-get\|kcarectl\) \(.*\)/\1 \2/p' "$st/log" | tr '\n' '|')" = \
	  "apt-get remove -y uptrack|kcarectl --register KEY123|kcarectl --update|" ] &&
	grep -q "Done" "$tmp/k2k.log" && grep -q "+ uptrack-remove --all -y" "$tmp/k2k.log"; echo $?)"

setup
expect "IP: no registration, updated, Done" 0 '^Done$' k2k IP
result "... kcarectl asked only to update" "$(grep '^kcarectl' "$st/log" | tr '\n' '|' |
	grep -qx 'kcarectl --update|'; echo $?)"

setup
echo 3 >"$st/removable_at"
expect "updates still applied twice: retried, then Done" 0 '^Done$' k2k --retry 3 KEY
result "... uptrack-remove ran 3 times, each retry said" "$(
	[ "$(cat "$st/calls")" = 3 ] && grep -c "retrying in 0 s" "$out" | grep -qx 2; echo $?)"

setup
echo 99 >"$st/removable_at"
expect "updates that never go: exit -1 (255) after RETRY tries, says why" 255 \
	'could not be removed after 2 tries' k2k --retry=2 KEY
result "... nothing of kcare done, the log says FAILED" "$(
	! grep -q '^kcarectl' "$st/log" && [ "$(cat "$st/calls")" = 2 ] &&
	grep -q 'FAILED' "$tmp/k2k.log"; echo $?)"

setup
rm -f "$bin/uptrack-show" "$bin/uptrack-remove"
expect "no Ksplice: said, kcare still set up, Done" 0 '^Done$' k2k KEY
setup
expect "a refused key: exit -1, kcarectl's failure named" 255 'kcarectl --register failed' k2k BADKEY
setup
FAKE_ARCH=i686 expect "a 32-bit system: refused, exit -1, nothing touched" 255 'not 64-bit' k2k KEY
result "... Ksplice left alone" "$([ ! -e "$st/log" ]; echo $?)"
expect "no key: usage, exit -1" 255 'usage: ksplice2kcare' k2k
expect "--retry 0: refused" 255 "expected a number of at least 1" k2k --retry 0 KEY
result "the seed's defaults: RETRY=3, SLEEP=60, log /var/log/ksplice2kcare.log" "$(
	grep -q 'RETRY=${KSPLICE2KCARE_RETRY:-3}' "$S" && grep -q 'SLEEP=${KSPLICE2KCARE_SLEEP:-60}' "$S" &&
	grep -q 'LOG=${KSPLICE2KCARE_LOG:-/var/log/ksplice2kcare.log}' "$S"; echo $?)"
done_testing
