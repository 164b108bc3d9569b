#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Secure Boot signing (scripts/sign-modules): a project key is made once;
# kcare.ko signed with the kernel's sign-file carries the kernel's
# signature trailer and verifies against the certificate the package
# installs; a changed byte, another key, or no signature at all do not.
# (Booting with module.sig_enforce=1 needs the certificate in the guest
# kernel's keyring, which a stock Debian kernel cannot take:
# Documentation/install.md, "Secure Boot".)

. "$(dirname "$0")/lib.sh"

ko=$top/build/x86_64/kcare.ko
[ -f "$ko" ] || { echo "1..0 # SKIP $ko is not built (make)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out"' EXIT
export KCARE_SIGN_DIR=$tmp/key
sm=$top/scripts/sign-modules

expect "keygen makes a key and a DER certificate" 0 "new key" "$sm" keygen
result "the private key is mode 0600" "$([ "$(stat -c %a "$tmp/key/kernelcare.key")" = 600 ]; echo $?)"
result "the certificate is a code-signing X.509 (DER)" \
	"$(openssl x509 -inform DER -in "$tmp/key/kernelcare_pub.der" -noout -ext extendedKeyUsage 2>/dev/null | grep -q 'Code Signing'; echo $?)"
before=$(sha256sum <"$tmp/key/kernelcare.key")
"$sm" keygen
result "keygen again keeps the key" "$([ "$(sha256sum <"$tmp/key/kernelcare.key")" = "$before" ]; echo $?)"
cp "$ko" "$tmp/kcare.ko"
expect "an unsigned module does not verify" 1 "no signature" "$sm" verify "$tmp/kcare.ko"
result "sign-file signs kcare.ko" "$("$sm" sign "$tmp/kcare.ko" >/dev/null 2>&1; echo $?)"
result "... with the kernel's trailer" \
	"$([ "$(tail -c 28 "$tmp/kcare.ko")" = "~Module signature appended~" ]; echo $?)"
expect "... and it verifies against kernelcare_pub.der" 0 "signature verified" "$sm" verify "$tmp/kcare.ko"
size=$(stat -c %s "$tmp/kcare.ko")
"$sm" sign "$tmp/kcare.ko"
result "signing twice appends nothing" "$([ "$(stat -c %s "$tmp/kcare.ko")" = "$size" ]; echo $?)"
cp "$tmp/kcare.ko" "$tmp/changed.ko"
printf 'X' | dd of="$tmp/changed.ko" bs=1 seek=4096 conv=notrunc 2>/dev/null
expect "a changed byte fails" 1 "does not verify" "$sm" verify "$tmp/changed.ko"
mv "$tmp/key" "$tmp/key1"
"$sm" keygen >/dev/null
expect "another key's certificate refuses it" 1 "does not verify" "$sm" verify "$tmp/kcare.ko"
done_testing
