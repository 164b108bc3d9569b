#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb (scripts/deb-build): the four packages build and pass lintian;
# each holds what Documentation/install.md says; the maintainer scripts
# enable the boot unit and the timer, unload on remove (and say so), keep
# everything on upgrade, purge the state; and DKMS builds kcare.ko from
# kcare-dkms for the test-bed kernel, in a scratch DKMS tree (nothing of
# this machine's /var/lib/dkms or /lib/modules is touched).
#
# KCARE_DEB_REUSE=1 tests the packages already in build/deb/ (the build
# takes minutes on a busy machine).

. "$(dirname "$0")/lib.sh"

deb=$top/build/deb
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out"' EXIT
ver=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)

if [ "${KCARE_DEB_REUSE:-}" = 1 ] && [ -f "$deb/kcare_${ver}_$arch.deb" ]; then
	result "make deb (reused build/deb)" 0
else
	expect "make deb builds the packages and lintian passes them" 0 "kcare-dkms_" \
		"$top/scripts/deb-build"
fi
for p in "kcare_${ver}_$arch" "kcare-dkms_${ver}_all" "kcare-eportal_${ver}_$arch" "kcare-dev_${ver}_$arch"; do
	[ -f "$deb/$p.deb" ] || { result "$p.deb exists" 1; done_testing; exit 1; }
	dpkg-deb -c "$deb/$p.deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/${p%%_*}.list"
	dpkg-deb -e "$deb/$p.deb" "$tmp/${p%%_*}.ctl"
done

# has PACKAGE PATH...: every PATH is in PACKAGE.
has() { local p=$1 f; shift; for f; do grep -qxF "$f" "$tmp/$p.list" || { echo "# $p lacks $f"; return 1; }; done; }
result "kcare: agent, uname, uchecker, units, man pages, completion, certificate" "$(has kcare \
	/usr/bin/kcarectl /usr/bin/kcare-uname /usr/bin/kcare-uchecker /usr/bin/kc-compat \
	/usr/bin/ksplice2kcare /usr/share/man/man8/kcare-uchecker.8.gz /usr/libexec/kcare/kcare-prescreen \
	/usr/libexec/kcare/kcare-filter \
	/usr/libexec/kcare/kernelcare_pub.der /lib/systemd/system/kcare.service \
	/lib/systemd/system/kcare-auto-update.timer /usr/share/man/man8/kcarectl.8.gz \
	/usr/share/man/man1/kcare-uname.1.gz /usr/share/bash-completion/completions/kcarectl \
	/usr/share/bash-completion/completions/kcare-uname; echo $?)"
result "kcare holds no kernel module (kcare-dkms builds it)" "$(! grep -q '\.ko$' "$tmp/kcare.list"; echo $?)"
result "kcare-dkms: dkms.conf, Kbuild, core/ and both arch/ trees" "$(has kcare-dkms \
	"/usr/src/kcare-$ver/dkms.conf" "/usr/src/kcare-$ver/Kbuild" "/usr/src/kcare-$ver/core/main.c" \
	"/usr/src/kcare-$ver/arch/x86_64/trampoline.S" "/usr/src/kcare-$ver/arch/arm64/arch.c"; echo $?)"
result "kcare-eportal: the server and its units" "$(has kcare-eportal /usr/bin/kcare-eportal \
	/lib/systemd/system/kcare-eportal.service /lib/systemd/system/kcare-eportal-auto-update.timer; echo $?)"
result "kcare-dev: kcare-patchset" "$(has kcare-dev /usr/bin/kcare-patchset; echo $?)"
dpkg-deb --fsys-tarfile "$deb/kcare_${ver}_$arch.deb" | tar -C "$tmp" -xf - ./usr/libexec/kcare/kernelcare_pub.der
result "the certificate is scripts/sign-modules' and parses as X.509 DER" \
	"$(cmp -s "$tmp/usr/libexec/kcare/kernelcare_pub.der" "${KCARE_SIGN_DIR:-$top/.cache/signing}/kernelcare_pub.der" &&
	openssl x509 -inform DER -in "$tmp/usr/libexec/kcare/kernelcare_pub.der" -noout; echo $?)"

c=$tmp/kcare.ctl
# run_stubbed SCRIPT ARGS...: the maintainer script with every command that
# would change this machine replaced by a stub that logs its arguments (as
# on a fresh install: no unit was enabled before, no user exists yet).
mkdir -p "$tmp/stub"
for cmd in deb-systemd-helper deb-systemd-invoke systemctl install adduser runuser getent \
	kcarectl rmmod rm rmdir; do
	cat >"$tmp/stub/$cmd" <<STUB
#!/bin/sh
echo "$cmd \$*" >>"$tmp/calls"
case "$cmd \$1" in "deb-systemd-helper debian-installed"|"getent "*) exit 1 ;; esac
exit 0
STUB
	chmod +x "$tmp/stub/$cmd"
done
run_stubbed() { : >"$tmp/calls"; PATH=$tmp/stub:$PATH sh "$@" >/dev/null 2>&1; }
# enabled: the units the last run enabled, one a line, sorted.
enabled() { sed -n "s/^deb-systemd-helper enable '\(.*\)'$/\1/p; s/^deb-systemd-helper enable \(.*\)$/\1/p" \
	"$tmp/calls" | sort -u | paste -sd' '; }

run_stubbed "$c/postinst" configure
result "postinst enables kcare.service and kcare-auto-update.timer, nothing else" \
	"$([ "$(enabled)" = "kcare-auto-update.timer kcare.service" ] &&
	grep -q '^install -d -m 0700 /var/cache/kcare /var/lib/kcare$' "$tmp/calls"; echo $?)" \
	"enabled: $(enabled)"
run_stubbed "$tmp/kcare-eportal.ctl/postinst" configure
result "the eportal server is installed but neither enabled nor started" \
	"$([ -z "$(enabled)" ] && ! grep -q '^deb-systemd-invoke' "$tmp/calls" &&
	grep -q '^adduser --system' "$tmp/calls"; echo $?)" "enabled: $(enabled)"
run_stubbed "$c/prerm" upgrade
result "prerm on upgrade unloads nothing" "$(! grep -q '^kcarectl' "$tmp/calls"; echo $?)"
run_stubbed "$c/postrm" remove
result "postrm on remove keeps the cache and the state" "$(! grep -q '^rm ' "$tmp/calls"; echo $?)"
run_stubbed "$c/postrm" purge
result "postrm purge removes the cache, the state and the metrics file" \
	"$(grep -q '^rm -rf /var/cache/kcare /var/lib/kcare' "$tmp/calls" &&
	grep -q '^rm -f /var/lib/prometheus/node-exporter/kcare.prom' "$tmp/calls"; echo $?)"
# prerm on remove needs /sys/kernel/kcare: the guest test (make check-deb)
# runs it for real.
result "prerm on remove unloads and says so" \
	"$(grep -q 'kcarectl --unload' "$c/prerm" && grep -q 'removing the kernel live patches' "$c/prerm"; echo $?)"

# DKMS, as its kernel postinst hook would run it, in scratch trees.
kver=$(sed -n 's/^KREL_x86_64 := //p' "$top/.cache/kernel.mk" 2>/dev/null)
if [ -n "$kver" ] && [ -d "/lib/modules/$kver/build" ]; then
	mkdir -p "$tmp/src" "$tmp/dkms" "$tmp/inst"
	dpkg-deb -x "$deb/kcare-dkms_${ver}_all.deb" "$tmp/root"
	mv "$tmp/root/usr/src/kcare-$ver" "$tmp/src/"
	d="dkms --dkmstree $tmp/dkms --sourcetree $tmp/src --installtree $tmp/inst"
	$d add -m kcare -v "$ver" >"$tmp/dkms.log" 2>&1 &&
		$d build -m kcare -v "$ver" -k "$kver" >>"$tmp/dkms.log" 2>&1
	rc=$?
	[ $rc = 0 ] || tail -n 15 "$tmp/dkms.log" | sed 's/^/#   /'
	result "dkms build: kcare.ko for $kver from kcare-dkms" "$rc"
	ko=$(find "$tmp/dkms" -name 'kcare.ko*' | head -n 1)
	result "... its vermagic is $kver" \
		"$([ -n "$ko" ] && modinfo -F vermagic "$ko" | grep -q "^$kver "; echo $?)"
else
	echo "# no headers for the test-bed kernel: dkms build skipped (scripts/setup)"
fi
done_testing
