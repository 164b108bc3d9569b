// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU and MariaDB processes told apart from the others (lib-kind.h).
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib-kind.h"

#define KC_NNAMES(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * File names of the executables, as Debian and upstream install them.
 * A renamed or wrapped binary is still matched by its build-id for the
 * patch itself; only the kind shown and the type check use these names.
 */
static const char *const kc_qemu_names[] = {
	"qemu-system-*", "qemu-kvm", "kvm",
};

static const char *const kc_db_names[] = {
	"mariadbd", "mysqld",
};

static bool kc_lib_name_in(const char *base, const char *const *names,
			   size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!fnmatch(names[i], base, 0))
			return true;
	return false;
}

/* An upgraded executable reads "PATH (deleted)": compare the path only. */
static bool kc_lib_is_exe(pid_t pid, const char *path)
{
	char link[64], exe[PATH_MAX];
	ssize_t n;
	size_t len = strlen(path);

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n < 0)
		return false;
	exe[n] = '\0';
	return !strncmp(exe, path, len) &&
	       (exe[len] == '\0' || !strcmp(exe + len, " (deleted)"));
}

enum kc_lib_kind kc_lib_kind(pid_t pid, const char *path)
{
	const char *base = strrchr(path, '/');
	char name[NAME_MAX + 1];
	char *del;

	base = base ? base + 1 : path;
	snprintf(name, sizeof(name), "%s", base);
	del = strstr(name, " (deleted)");
	if (del)
		*del = '\0';
	if (!kc_lib_is_exe(pid, path))
		return KC_LIB_KIND_LIBS;
	if (kc_lib_name_in(name, kc_qemu_names, KC_NNAMES(kc_qemu_names)))
		return KC_LIB_KIND_QEMU;
	if (kc_lib_name_in(name, kc_db_names, KC_NNAMES(kc_db_names)))
		return KC_LIB_KIND_DB;
	return KC_LIB_KIND_LIBS;
}

const char *kc_lib_kind_type(enum kc_lib_kind k)
{
	switch (k) {
	case KC_LIB_KIND_QEMU:
		return "qemu";
	case KC_LIB_KIND_DB:
		return "db";
	default:
		return "libs";
	}
}

bool kc_lib_kind_accepts(enum kc_lib_kind k, const char *patch_type)
{
	return !strcmp(kc_lib_kind_type(k), patch_type);
}
