#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The documentation and the systemd units against the program and the
# install: the man pages render without a warning; every verb and modifier
# that "kcarectl --help" lists is documented in kcarectl(8) and in
# Documentation/kcarectl.md (so that a new verb without documentation
# fails here); "make install" puts the units, the man pages and the
# directories where they belong, with their modes; the units start programs
# that the install provides (for another PREFIX too), and pass
# "systemd-analyze verify" with their man: links resolved against the
# installed pages.

. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -f "$out"; rm -rf "$tmp"' EXIT
man8=$top/Documentation/man/kcarectl.8
man1=$top/Documentation/man/kcare-uname.1
md=$top/Documentation/kcarectl.md
units=(kcare.service kcare-auto-update.service kcare-auto-update.timer kcare-libcare.service kcare-libcare.timer
	kcare-eportal.service kcare-eportal-auto-update.service kcare-eportal-auto-update.timer)

# ---- the man pages render cleanly ---------------------------------------

for page in "$man8" "$man1"; do
	rel=${page#"$top"/}
	if command -v man >/dev/null; then
		man --warnings -E UTF-8 -l -Tutf8 "$page" >/dev/null 2>"$out"
	elif command -v groff >/dev/null; then
		groff -man -ww -z "$page" 2>"$out"
	else
		result "$rel renders without warnings" 1 "neither man nor groff is installed: run scripts/setup"
		continue
	fi
	rc=$?
	sed 's/^/#   /' "$out"
	result "$rel renders without warnings" \
		"$([ $rc = 0 ] && [ ! -s "$out" ]; echo $?)" "exit status $rc, or warnings above"
done

# ---- every option of --help is documented --------------------------------

arch=$(uname -m | sed 's/aarch64/arm64/')
make -s -C "$top" ARCH="$arch" "build/$arch/kcarectl" >"$out" 2>&1 ||
	{ sed 's/^/#   /' "$out"; result "kcarectl builds" 1; done_testing; exit 1; }
"$top/build/$arch/kcarectl" --help >"$tmp/help" 2>&1
result "kcarectl --help exits 0" $?

# The options: the first column of the indented lines of the usage
# ("  -i, --info        ..." or "  --update        ..."), up to the two
# blanks before the description, and the bracketed ones of the "Usage:"
# line ("[--json]").
{
	sed -n 's/^[[:space:]]\{1,\}\(-[^[:space:]].*\)$/\1/p' "$tmp/help" |
		sed 's/  .*//' | grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*'
	grep '^Usage:' "$tmp/help" | grep -oE -- '\[--[A-Za-z][A-Za-z0-9-]*'
} | sed 's/^[][ ,]*//' | sort -u >"$tmp/options"
nopt=$(wc -l <"$tmp/options")
result "kcarectl --help lists its verbs ($nopt options found)" \
	"$(grep -qx -- --help "$tmp/options" && grep -qx -- --version "$tmp/options"; echo $?)" \
	"--help and --version not found: has the usage format changed? $(tr '\n' ' ' <"$tmp/options")"

# documented FILE: print the options missing from FILE. In roff source,
# "\-" is a minus and \fB...\fP change fonts; an option counts when it
# stands alone (not as part of a longer option).
documented() {
	local text opt missing=
	text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(aq/'"'"'/g' "$1")
	while IFS= read -r opt; do
		grep -qE -- "(^|[^A-Za-z0-9-])$opt([^A-Za-z0-9-]|$)" <<<"$text" ||
			missing="$missing $opt"
	done <"$tmp/options"
	echo "$missing"
}
for doc in "$man8" "$md"; do
	missing=$(documented "$doc")
	result "${doc#"$top"/} documents every option of kcarectl --help" \
		"$([ -z "$missing" ]; echo $?)" "undocumented:$missing"
done

# ---- make install ---------------------------------------------------------

root=$tmp/root
if ! make -s -C "$top" ARCH="$arch" DESTDIR="$root" install >"$out" 2>&1; then
	tail -n 15 "$out" | sed 's/^/#   /'
	result "make install DESTDIR=... succeeds" 1
	done_testing
	exit 1
fi
result "make install DESTDIR=... succeeds" 0

# mode PATH WANT: PATH exists in the staged root with mode WANT.
modes_bad=
mode() {
	local m
	m=$(stat -c %a "$root$1" 2>/dev/null) || m=missing
	[ "$m" = "$2" ] || modes_bad="$modes_bad $1($m, expected $2)"
}
for u in "${units[@]}"; do mode "/lib/systemd/system/$u" 644; done
mode /usr/share/man/man8/kcarectl.8 644
mode /usr/share/man/man1/kcare-uname.1 644
mode /etc/sysconfig/kcare/keys 755
mode /usr/share/kcare/keys 755
mode /var/cache/kcare 700
mode /var/lib/kcare 700
mode /usr/bin/kcarectl 755
mode /usr/bin/libcare-cron 755
mode /var/lib/libcare/blacklist 644
mode /etc/audit/rules.d/kernelcare.rules 640
result "make install puts units, man pages and directories in place, with their modes" \
	"$([ -z "$modes_bad" ]; echo $?)" "wrong:$modes_bad"
result "make install enables nothing (no unit links)" \
	"$([ -z "$(find "$root" -path '*.wants*' -o -path '*/etc/systemd*' | head -n1)" ]; echo $?)"

# Every Exec*= of the installed units runs a program the install provides.
# exec_ok ROOT: print what is wrong with the units under ROOT.
exec_ok() {
	local u f bad='' n=0
	for u in "${units[@]}"; do
		f=$1/lib/systemd/system/$u
		case $u in
		*.service)
			grep -q '^ExecStart=' "$f" || bad="$bad $u:no-ExecStart"
			while read -r path; do
				n=$((n + 1))
				[ -x "$1$path" ] || bad="$bad $u:$path"
			done < <(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$f")
			;;
		esac
	done
	[ $n -gt 0 ] || bad="$bad no-Exec-lines"
	echo "$bad"
}
bad=$(exec_ok "$root")
result "the units run programs that make install installs ($(grep -h '^ExecStart=' "$root"/lib/systemd/system/*.service | sort -u | tr '\n' ' '))" \
	"$([ -z "$bad" ]; echo $?)" "not installed:$bad"

root2=$tmp/root-local
if make -s -C "$top" ARCH="$arch" DESTDIR="$root2" PREFIX=/usr/local install >"$out" 2>&1; then
	bad=$(exec_ok "$root2")
	result "with PREFIX=/usr/local the units run /usr/local/bin/kcarectl" \
		"$([ -z "$bad" ] && grep -q '^ExecStart=/usr/local/bin/kcarectl ' "$root2/lib/systemd/system/kcare.service"; echo $?)" \
		"not installed:$bad"
else
	tail -n 15 "$out" | sed 's/^/#   /'
	result "make install PREFIX=/usr/local succeeds" 1
fi

# What the units must say, checked by hand whether or not systemd is here.
u=$root/lib/systemd/system
result "kcare.service: oneshot at boot, runs --restore, wanted by multi-user.target" \
	"$(grep -qx 'Type=oneshot' "$u/kcare.service" &&
	   grep -qx 'RemainAfterExit=yes' "$u/kcare.service" &&
	   grep -qx 'ExecStart=/usr/bin/kcarectl --restore' "$u/kcare.service" &&
	   grep -qx 'WantedBy=multi-user.target' "$u/kcare.service" &&
	   ! grep -q 'network-online' "$u/kcare.service"; echo $?)"
result "kcare-auto-update: --auto-update after the network, timer every 4 hours" \
	"$(grep -qx 'ExecStart=/usr/bin/kcarectl --auto-update' "$u/kcare-auto-update.service" &&
	   grep -qx 'After=network-online.target kcare.service' "$u/kcare-auto-update.service" &&
	   grep -qx 'Wants=network-online.target' "$u/kcare-auto-update.service" &&
	   grep -qx 'OnUnitActiveSec=4h' "$u/kcare-auto-update.timer" &&
	   grep -qx 'WantedBy=timers.target' "$u/kcare-auto-update.timer" &&
	   ! grep -qE '^(ProtectKernelModules|ProtectKernelTunables)=' "$u/kcare-auto-update.service"; echo $?)"

result "kcare-libcare: --lib-update every 4 hours, kernelcare.rules exempts kcarectl's ptrace" \
	"$(grep -qx 'ExecStart=/usr/bin/kcarectl --lib-update' "$u/kcare-libcare.service" &&
	   grep -qx 'OnUnitActiveSec=4h' "$u/kcare-libcare.timer" &&
	   grep -qx -- '-a never,exit -F arch=b64 -S ptrace -F exe=/usr/bin/kcarectl' \
		"$root/etc/audit/rules.d/kernelcare.rules"; echo $?)"

result "kcare-eportal: serves its directory as its own user; auto-update mirrors every stream every 4 hours" \
	"$(grep -qx 'ExecStart=/usr/bin/kcare-eportal serve /var/lib/kcare-eportal' "$u/kcare-eportal.service" &&
	   grep -qx 'User=kcare-eportal' "$u/kcare-eportal.service" &&
	   grep -qx 'ReadWritePaths=/var/lib/kcare-eportal' "$u/kcare-eportal.service" &&
	   grep -qx 'ExecStart=/usr/bin/kcare-eportal auto-update --all-streams' "$u/kcare-eportal-auto-update.service" &&
	   grep -qx 'Environment=KCARE_EPORTAL_DIR=/var/lib/kcare-eportal' "$u/kcare-eportal-auto-update.service" &&
	   grep -qx 'OnUnitActiveSec=4h' "$u/kcare-eportal-auto-update.timer"; echo $?)"

# ---- systemd-analyze verify ---------------------------------------------

if command -v systemd-analyze >/dev/null; then
	# A root with the system's own units beside ours, so that targets
	# resolve and ExecStart= is looked up in the staged install.
	cp -an /lib/systemd/system/. "$u/" 2>/dev/null
	(cd "$u" && MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" "${units[@]}") >"$out" 2>&1
	rc=$?
	sed 's/^/#   /' "$out"
	result "systemd-analyze verify passes the units, man: links included" \
		"$([ $rc = 0 ] && [ ! -s "$out" ]; echo $?)" "exit status $rc, or the messages above"
else
	echo "ok $((n + 1)) - $name: systemd-analyze verify # SKIP systemd-analyze is not installed (scripts/setup installs it)"
	n=$((n + 1))
fi

done_testing
