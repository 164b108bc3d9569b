/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-uname: uname(1) that reports the effective (patched) kernel.
 */
#ifndef _KCARE_UNAME_H
#define _KCARE_UNAME_H

#include <stddef.h>
#include <sys/utsname.h>

/* The fields, in the order uname prints them. */
enum kcu_field {
	KCU_SYSNAME	= 1 << 0,	/* -s */
	KCU_NODENAME	= 1 << 1,	/* -n */
	KCU_RELEASE	= 1 << 2,	/* -r */
	KCU_VERSION	= 1 << 3,	/* -v */
	KCU_MACHINE	= 1 << 4,	/* -m */
	KCU_PROCESSOR	= 1 << 5,	/* -p */
	KCU_PLATFORM	= 1 << 6,	/* -i */
	KCU_OS		= 1 << 7,	/* -o */
	KCU_ALL		= 1 << 8,	/* -a: like GNU, skips "unknown" -p/-i */
};

enum kcu_action { KCU_PRINT, KCU_HELP, KCU_SHOW_VERSION, KCU_USAGE_ERROR };

/*
 * Parse uname's command line. Returns what to do; on KCU_PRINT *fields holds
 * the KCU_* bits. On KCU_USAGE_ERROR, err names the offending argument.
 */
enum kcu_action kcu_parse(int argc, char **argv, unsigned int *fields,
			  char *err, size_t errsize);

/*
 * Format the requested fields of uts into out, replacing the release with
 * eff_release when it is not NULL (the engine's effective version).
 * Returns the length written, or -1 if out is too small.
 */
int kcu_format(const struct utsname *uts, const char *eff_release,
	       unsigned int fields, char *out, size_t size);

/*
 * Read the effective release from the engine's sysfs file at path into buf.
 * Returns buf, or NULL when there is none (engine not loaded, or no patches).
 */
char *kcu_effective_release(const char *path, char *buf, size_t size);

#endif /* _KCARE_UNAME_H */
