#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kcare-uname: the uname options, with the effective release when the
# engine reports one.

. "$(dirname "$0")/lib.sh"

same_as_uname_without_patches() {
	local opt
	for opt in "" -a -s -n -r -v -m -p -i -o "-s -r -m"; do
		kc_assert_eq "$(kcare-uname $opt)" "$(uname $opt)" "kcare-uname $opt"
	done
}

help_version_and_usage_errors() {
	kcare-uname --help | grep -q -- '--kernel-release'
	kc_assert_eq "$(kcare-uname --version)" \
		"kcare-uname $(cat $KC_SYSFS/version)" "--version"
	kc_expect_fail kcare-uname -x
	grep -q "invalid option -- 'x'" $KC_ERR_FILE
	kc_expect_fail kcare-uname -r extra
}

effective_release_when_patched() {
	kc_load_engine
	"$KC_DIR/bin/finit" "$KC_DIR/patches/kcpatch_t1.ko"
	kc_assert_eq "$(kcare-uname -r)" 6.1.0-kcare-test.1 "kcare-uname -r"
	kc_assert_eq "$(kcare-uname -a)" \
		"$(uname -s -n) 6.1.0-kcare-test.1 $(uname -v) $(uname -m) GNU/Linux" \
		"kcare-uname -a"
	kc_assert_eq "$(kcare-uname -s -n -m)" "$(uname -s -n -m)" "other fields"
	echo 1 >$KC_SYSFS/unload
	rmmod kcpatch_t1
	kc_assert_eq "$(kcare-uname -r)" "$(uname -r)" "after unload"
}

kc_scenario "same as uname when no patch is applied" same_as_uname_without_patches
kc_scenario "--help, --version and usage errors" help_version_and_usage_errors
kc_scenario "reports the effective release while patched" effective_release_when_patched
kc_done
