#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The engine module itself: loading, its version file, unloading.

. "$(dirname "$0")/lib.sh"

KC_KO=/lib/modules/$(uname -r)/extra/kcare.ko

engine_loads_and_unloads() {
	kc_unload_engine
	kc_mark
	modprobe kcare
	kc_engine_loaded
	[ -d $KC_SYSFS ]
	rmmod kcare
	! kc_engine_loaded || kc_fail "kcare still in /proc/modules"
	kc_check_log <<-EOT
	kcare: engine $(modinfo -F version $KC_KO) loaded ($KC_ARCH)
	kcare: engine unloaded
	EOT
}

version_file() {
	kc_load_engine
	# The version the package installed, as modinfo reads it from the file.
	kc_check_sysfs $KC_SYSFS/version 444 "$(modinfo -F version $KC_KO)"
	kc_assert_eq "$(cat $KC_SYSFS/version)" \
		"$(kcarectl --version | cut -d' ' -f2)" "engine vs kcarectl version"
	[ "$(stat -c %U:%G $KC_SYSFS/version)" = root:root ]
	kc_expect_fail sh -c "echo 9.9 > $KC_SYSFS/version"
}

loading_twice_fails_cleanly() {
	kc_load_engine
	kc_mark
	kc_expect_fail insmod $KC_KO
	grep -q 'File exists' $KC_ERR_FILE ||
		kc_fail "insmod said: $(cat $KC_ERR_FILE)"
	kc_assert_eq "$(grep -c '^kcare ' /proc/modules)" 1 "kcare instances"
	kc_check_sysfs $KC_SYSFS/version 444 "$(modinfo -F version $KC_KO)"
	kc_check_log <<-EOT
	EOT
}

unloading_leaves_no_trace() {
	kc_load_engine
	rmmod kcare
	[ ! -e $KC_SYSFS ] || kc_fail "$KC_SYSFS still exists"
	[ ! -e /sys/module/kcare ] || kc_fail "/sys/module/kcare still exists"
	! grep -q '\[kcare\]' /proc/kallsyms || kc_fail "kcare symbols remain"
	# and it comes back as new
	modprobe kcare
	kc_check_sysfs $KC_SYSFS/version 444 "$(modinfo -F version $KC_KO)"
}

kc_scenario "engine loads and unloads" engine_loads_and_unloads
kc_scenario "version file exists, is 0444 and matches the build" version_file
kc_scenario "loading twice fails cleanly" loading_twice_fails_cleanly
kc_scenario "unloading leaves no trace" unloading_leaves_no_trace
kc_done
