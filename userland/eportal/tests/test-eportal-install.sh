#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "curl -s https://HOST/install-kernelcare | bash -s -- KEY" on a machine
# without kcare (Documentation/eportal.md, "The agent's packages"): the
# server hands out the kcare package of its packages/ folder, the script
# checks its SHA-256, installs it with the real apt-get and dpkg, then
# trusts the server's key and registers with the real kcarectl.
#
# This machine's packages are never touched: the test runs as root in a
# private mount namespace whose /etc, /usr and /var are overlays (upper
# layers in a temporary directory) and /run a tmpfs, and checks at the
# end that the real dpkg database never heard of the package. The
# package is a small one named kcare holding the kcarectl built here.

top=$(cd "$(dirname "$0")/../../.." && pwd)

if [ -z "${EP_INSTALL_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! unshare --mount --propagation private true 2>/dev/null; then
		echo "1..0 # SKIP needs root and mount namespaces (apt-get and dpkg run on overlays of /etc, /usr and /var)"
		exit 0
	fi
	if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
		echo "1..0 # SKIP needs apt-get and dpkg-deb (a Debian system)"
		exit 0
	fi
	exec unshare --mount --propagation private env EP_INSTALL_NS=1 bash "$0" "$@"
fi

. "$top/scripts/tests/lib.sh"
. "$top/userland/eportal/tests/lib-eportal.sh"

arch=$(uname -m | sed 's/aarch64/arm64/')
darch=$(dpkg --print-architecture)
K=$top/build/$arch/kcarectl
tmp=$(mktemp -d)
pid=
cleanup() {
	ep_stop
	rm -f "$out"
	umount -l /etc /usr /var /run "$tmp/real-var" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

make -s -C "$top" host-eportal "build/$arch/kcarectl" >"$out" 2>&1 ||
	{ sed 's/^/# /' "$out"; fatal "kcare-eportal or kcarectl does not build"; }

# The package: kcare VERSION for this architecture, kcarectl its only file.
mkdeb() {
	local v=$1 d=$tmp/deb-$1

	mkdir -p "$d/DEBIAN" "$d/usr/bin" "$d/var/lib/kcare"
	cp "$K" "$d/usr/bin/kcarectl"
	cat >"$d/DEBIAN/control" <<EOF
Package: kcare
Version: $v
Architecture: $darch
Maintainer: kcare tests <tests@localhost>
Description: kcare agent (test package of test-eportal-install.sh)
 kcarectl only.
EOF
	dpkg-deb --root-owner-group -Zgzip --build "$d" "$tmp/kcare_${v}_$darch.deb" >/dev/null
}
mkdeb 9.8-1 && mkdeb 9.10-1 || fatal "dpkg-deb cannot build the test package"

A=$tmp/ep
export KCARE_EPORTAL_DIR=$A
"$E" init "$A" >/dev/null || fatal "kcare-eportal init failed"
sed -i 's/^rate_limit = .*/rate_limit = 0/' "$A/eportal.conf"
ep_start "$A" --http || fatal "the server does not start"
"$E" key create --feed default --limit 1 instkey >/dev/null || fatal "key create failed"

# The machine: overlays over this one's /etc, /usr, /var; the real /var
# stays visible at $tmp/real-var for the last check.
mkdir -p "$tmp/real-var"
mount --bind /var "$tmp/real-var" || fatal "cannot bind /var"
for d in etc usr var; do
	mkdir -p "$tmp/$d-up" "$tmp/$d-work"
	mount -t overlay overlay \
		-o "lowerdir=/$d,upperdir=$tmp/$d-up,workdir=$tmp/$d-work" "/$d" ||
		fatal "cannot overlay /$d"
done
mount -t tmpfs -o mode=0755 none /run || fatal "cannot mount /run"
rm -rf /etc/sysconfig/kcare /var/lib/kcare
: >/etc/machine-id
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
if command -v kcarectl >/dev/null; then
	echo "1..0 # SKIP kcarectl is installed on this machine (the test installs it)"
	exit 0
fi

fetch() { curl -s -o "$tmp/install.sh" "http://127.0.0.1:$port/install-kernelcare"; }
run() { bash -s -- "$@" <"$tmp/install.sh"; }
installed() { dpkg-query -W -f '${Status} ${Version}' kcare 2>/dev/null; }

# ---- no package on the server ---------------------------------------------

fetch
expect "no package on the server: refused, saying what to do" 1 \
	"kcarectl is not installed and http://127.0.0.1:$port has no kcare package for $darch: install kcare, then run this again; nothing changed" \
	run instkey
result "... nothing installed, nothing configured" \
	"$(test -z "$(installed)" -a ! -e /etc/sysconfig/kcare/kcare.conf; echo $?)"

# ---- the packages folder --------------------------------------------------

mkdir -p "$A/packages"
cp "$tmp/kcare_9.8-1_$darch.deb" "$tmp/kcare_9.10-1_$darch.deb" "$A/packages/"
echo junk >"$A/packages/evil.deb"
fetch
result "the script names the newest package (9.10-1 over 9.8-1) with its SHA-256" \
	"$(grep -qx "pkgs_$darch='kcare_9.10-1_$darch.deb $(sha256sum <"$tmp/kcare_9.10-1_$darch.deb" | cut -c1-64)'" "$tmp/install.sh"; echo $?)"
curl -s -o "$tmp/got.deb" -w '%{http_code} %{content_type}' \
	"http://127.0.0.1:$port/packages/kcare_9.10-1_$darch.deb" >"$tmp/code"
result "GET /packages/NAME serves it, as a Debian package" \
	"$(grep -qx '200 application/vnd.debian.binary-package' "$tmp/code" &&
		cmp -s "$tmp/got.deb" "$tmp/kcare_9.10-1_$darch.deb"; echo $?)"
check "a file not named as a kcare package is not served" '^404 ' api GET /packages/evil.deb
check "nor anything outside the folder" '^40[04] ' api GET /packages/../eportal.conf
check "nor the database through an encoded path" '^40[04] ' api GET /packages/..%2feportal.db

# ---- a package changed after the script was made -------------------------

cp "$A/packages/kcare_9.10-1_$darch.deb" "$tmp/keep.deb"
echo tampered >>"$A/packages/kcare_9.10-1_$darch.deb"
expect "a package that is not the one announced: refused before apt-get" 1 \
	"is not the file the server announced \(SHA-256 differs\): nothing changed" run instkey
result "... nothing installed" "$(test -z "$(installed)"; echo $?)"
cp "$tmp/keep.deb" "$A/packages/kcare_9.10-1_$darch.deb"

# ---- installed, then registered -------------------------------------------

fetch
expect "| bash -s -- KEY: the package installed with apt-get, then registered" 0 \
	"^Server registered: server id [0-9a-f]{32} .*1 of 1 machines" run instkey
result "... dpkg knows kcare 9.10-1 installed" \
	"$(test "$(installed)" = "install ok installed 9.10-1"; echo $?)"
result "... kcarectl is the package's" "$(test "$(command -v kcarectl)" = /usr/bin/kcarectl; echo $?)"
result "... PATCH_SERVER names this server, its key trusted" \
	"$(grep -qx "PATCH_SERVER=http://127.0.0.1:$port/" /etc/sysconfig/kcare/kcare.conf &&
		cmp -s /etc/sysconfig/kcare/keys/*.pem "$A/keys/eportal.pub.pem"; echo $?)"
check "... the machine is in servers list" "^[0-9a-f]{32} +instkey " "$E" servers list
expect "run again: nothing installed anew, the same slot" 0 "1 of 1 machines" run instkey
result "... no package installed the second time" \
	"$(! grep -q '^installing the kcare packages' "$out"; echo $?)"

# ---- this machine untouched ------------------------------------------------

result "this machine's dpkg database never had the package" \
	"$(! grep -qx 'Package: kcare' "$tmp/real-var/lib/dpkg/status"; echo $?)"

done_testing
