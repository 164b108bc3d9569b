/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's side of the kernel: which kernel runs (the identity the
 * repository knows it by), the engine's state in /sys/kernel/kcare
 * (Documentation/abi.md), and handing payloads to the kernel.
 *
 * Functions returning int give 0, or -1 with a reason in err.
 */
#ifndef _KCARE_LOADER_ENGINE_H
#define _KCARE_LOADER_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#define KCL_SYSFS		"/sys/kernel/kcare"
#define KCL_MODULE_HOLDERS	"/sys/module/kcare/holders"

struct kcl_kernel {
	char release[65];		/* uname -r */
	char arch[8];			/* x86_64 | arm64 */
	char sha1[41];			/* SHA-1 of the bytes of /proc/version */
	char build_id[129];		/* GNU build-id of vmlinux, hex */
	char version[512];		/* /proc/version, without its new line */
};

/* The running kernel. */
int kcl_kernel_identify(struct kcl_kernel *k, char *err, size_t errlen);

struct kcl_engine {
	bool loaded;			/* /sys/kernel/kcare exists */
	char version[32];
	char state[16];			/* idle, applied, ... */
	char patchset[49];		/* "" when idle */
	unsigned int level;		/* 0 when idle */
	char patch_type[8];
	char effective_version[65];
	bool forced;
	char last_error[512];
};

/* The engine's state; loaded false (and 0) when kcare.ko is not loaded. */
int kcl_engine_read(struct kcl_engine *e, char *err, size_t errlen);

/* Load kcare.ko (modprobe kcare) unless it is loaded. */
int kcl_engine_ensure(char *err, size_t errlen);

/* Whether a module of that name is loaded. */
bool kcl_module_loaded(const char *name);

/*
 * Hand the payload @data (@len bytes, its module @name for messages) to the
 * kernel with finit_module() and @params ("freezer=smart force=1"). On a
 * refusal the message gives the errno's meaning and the engine's
 * last_error, which says why.
 */
int kcl_engine_load(const void *data, size_t len, const char *name,
		    const char *params, char *err, size_t errlen);

/*
 * Remove the payload modules of patchsets no longer active: every module
 * using kcare.ko's exports but @keep (NULL: all). Each is removed without
 * waiting; one still held (a forced patchset's payload) stays, and is not
 * an error. Returns how many were removed.
 */
int kcl_engine_remove_payloads(const char *keep);

/* Revert every patch: "1", or "force" when @force, into unload. */
int kcl_engine_unload(bool force, char *err, size_t errlen);

/* One patch of the active patchset, from /sys/kernel/kcare/patches/NAME. */
struct kcl_engine_patch {
	char name[49];
	bool enabled;
	char description[256];
	char cve[512];
	char cvss[16];
	char cve_url[256];
	char patch_url[256];
	char sysctl[49];
};

/* The patches of the active patchset, sorted by name (free() *p). */
int kcl_engine_patches(struct kcl_engine_patch **p, size_t *n, char *err,
		       size_t errlen);

#endif /* _KCARE_LOADER_ENGINE_H */
