/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-uchecker: which running processes map an ELF object that is no
 * longer the one on disk (README.md, Documentation/uchecker.md).
 */
#ifndef _KCARE_UCHECKER_H
#define _KCARE_UCHECKER_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define UC_ID_MAX	64	/* bytes of a build-id we keep */

/* Levels in the order of Python's logging, which LOGLEVEL names. */
enum uc_level { UC_DEBUG = 10, UC_INFO = 20, UC_WARNING = 30, UC_ERROR = 40,
		UC_CRITICAL = 50 };

enum uc_state {
	UC_CURRENT,	/* the file on disk is the running build */
	UC_OUTDATED,	/* another build on disk, or none at all */
	UC_PATCHED,	/* outdated, but a LibCare live patch covers it */
};

/**
 * struct uc_finding - one mapped object of one process
 * @reason: "deleted" (no file at the path), "replaced" (the mapped file was
 *	unlinked or renamed over and another build is at the path), "changed"
 *	(the path, not deleted, now names another build: a mount over it),
 *	"unreadable on disk"
 * @mem_id, @disk_id: hex build-ids, running and on disk ("" when none)
 * @level, @patch: the LibCare patch the process carries for it, if any
 */
struct uc_finding {
	pid_t pid;
	char comm[32];
	char path[PATH_MAX];
	const char *name;	/* basename of @path, what the original prints */
	enum uc_state state;
	const char *reason;
	char mem_id[2 * UC_ID_MAX + 1];
	char disk_id[2 * UC_ID_MAX + 1];
	unsigned int level;
	char patch[64];
};

/* scan.c */
extern enum uc_level uc_loglevel;
void uc_log(enum uc_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum uc_level uc_parse_level(const char *s);
int uc_file_build_id(const char *path, char *hex, size_t len);
int uc_scan_pid(pid_t pid, int (*fn)(const struct uc_finding *f, void *arg),
		void *arg);

#endif /* _KCARE_UCHECKER_H */
