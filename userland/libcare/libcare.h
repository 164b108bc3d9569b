/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LibCare: live patching of shared libraries inside running processes.
 * The public interface, used by libcare-ctl and by kcarectl's --lib-*
 * verbs (userland/kcarectl/ctl-lib.c), thin wrappers around it.
 */
#ifndef LIBCARE_H
#define LIBCARE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define LC_BUILD_ID_MAX 64
#define LC_ID_MAX 64
#define LC_MAX_FUNCS 64

/* Results besides 0 and -errno, so that callers can tell them apart. */
enum {
	LC_ENOTARGET = 1000,	/* the process does not map the build-id */
	LC_EREFUSED,		/* a process we must not or cannot touch */
	LC_EBUSY,		/* a thread stayed inside code being replaced */
	LC_EBADPATCH,		/* the patch object is unusable */
	LC_EALREADY,		/* that level or a newer one is applied */
	LC_EPOLICY,		/* the process may not get new code: MDWE, seccomp */
};

/**
 * struct lc_opts - how to operate
 * @state_dir: where per-process state files live
 * @blacklist: blacklist file, or NULL for the default pair
 * @retries: consistency checks before giving up
 * @retry_ms: time the process runs between two checks
 * @step_out: single-step a thread out of a function being replaced
 *	rather than wait (faster on hot functions, but a patcher killed
 *	mid-step leaves that thread with the trap flag: it then dies)
 * @verbose: say what happens on @err
 * @err: where messages go
 * @stop_us: out, the longest time the target was stopped, microseconds
 */
struct lc_opts {
	const char *state_dir;
	const char *blacklist;
	int retries;
	int retry_ms;
	bool verbose;
	bool step_out;
	FILE *err;
	long stop_us;
};

/**
 * struct lc_patch_info - what a patch object declares (.kcare.lpatch)
 */
struct lc_patch_info {
	unsigned char build_id[LC_BUILD_ID_MAX];
	int build_id_len;
	unsigned int level;
	char id[LC_ID_MAX];
	char file[LC_ID_MAX];
	char cves[256];
	char description[256];
	int nfuncs;
	struct {
		char name[128];
		char repl[128];
	} funcs[LC_MAX_FUNCS];
};

struct lc_patch;

/**
 * struct lc_applied - one patched library in one process (info)
 */
struct lc_applied {
	pid_t pid;
	char comm[32];
	char path[512];
	char build_id[2 * LC_BUILD_ID_MAX + 1];
	unsigned int level;
	char id[LC_ID_MAX];
	unsigned long addr;
	unsigned long size;
	bool unclean;		/* a patcher died mid-way; the next run cleans */
};

void lc_opts_init(struct lc_opts *o);
int lc_patch_open(const char *path, struct lc_patch **out, FILE *err);
void lc_patch_close(struct lc_patch *p);
const struct lc_patch_info *lc_patch_info(const struct lc_patch *p);

int lc_apply(pid_t pid, struct lc_patch *patch, struct lc_opts *o);
int lc_unapply(pid_t pid, const char *build_id_hex, struct lc_opts *o);
int lc_info(const struct lc_opts *o,
	    int (*fn)(const struct lc_applied *a, void *arg), void *arg);
bool lc_process_maps_build_id(pid_t pid, const unsigned char *id, int len);
/*
 * Call @fn for each ELF object with a GNU build-id that @pid maps (the
 * build-id read from its memory, as a patch is matched); the first
 * non-zero result of @fn, or -errno when the process cannot be read.
 */
int lc_process_objects(pid_t pid,
		       int (*fn)(pid_t pid, const char *comm, const char *path,
				 const unsigned char *id, int len, void *arg),
		       void *arg);
/* Whether a process named @comm is in the blacklist that @o names. */
bool lc_blacklisted(const struct lc_opts *o, const char *comm);

void lc_hex(char *out, const unsigned char *in, int len);
int lc_unhex(unsigned char *out, int max, const char *in);

#endif
