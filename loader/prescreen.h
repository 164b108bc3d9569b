/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader's side of the BPF pre-screen (Documentation/prescreen.md):
 * run kcare-prescreen on the functions a patchset changes, read its JSON,
 * and decide whether to switch now, wait and ask again, or warn. It is
 * advice only: whatever it says, the engine's own stack check decides.
 */
#ifndef _KCARE_LOADER_PRESCREEN_H
#define _KCARE_LOADER_PRESCREEN_H

#include <stdbool.h>
#include <stddef.h>

#define KCL_PRESCREEN_COMMAND	"/usr/libexec/kcare/kcare-prescreen"
#define KCL_PRESCREEN_TIMEOUT_MS	10000	/* a run: kallsyms, BPF load, iterator */
#define KCL_PRESCREEN_TRIES	5	/* runs before giving up waiting */
#define KCL_PRESCREEN_DELAY_MS	1000	/* between two runs */
#define KCL_PRESCREEN_MAX_OUTPUT	(1 << 20)	/* bytes of JSON read from a run */
#define KCL_PRESCREEN_MAX_LISTED	10	/* tasks named in a message */

/* Field sizes, with the NUL, from the kernel's own limits */
#define KCL_PRESCREEN_COMM_LEN	17	/* TASK_COMM_LEN bytes, which need no NUL, and one */
#define KCL_PRESCREEN_NAME_LEN	512	/* KSYM_NAME_LEN */
#define KCL_PRESCREEN_MODULE_LEN	56	/* MODULE_NAME_LEN on 64-bit */
#define KCL_PRESCREEN_MSG_LEN	4096

/**
 * struct kcl_prescreen_hit - a task the pre-screen found inside a function
 * @address:	its innermost frame inside one of the functions
 * @offset:	of @address from the function's start (a raw range's START)
 * @pid:	thread id
 * @tgid:	process id
 * @kthread:	a kernel thread
 * @comm:	task name, the kernel's bytes (JSON escapes undone)
 * @function:	the function, "" for a raw range (null in the JSON)
 * @module:	its module, "" for vmlinux or a raw range (null in the JSON)
 */
struct kcl_prescreen_hit {
	unsigned long long address;
	unsigned long long offset;
	unsigned int pid;
	unsigned int tgid;
	bool kthread;
	char comm[KCL_PRESCREEN_COMM_LEN];
	char function[KCL_PRESCREEN_NAME_LEN];
	char module[KCL_PRESCREEN_MODULE_LEN];
};

/* What one run of the command came to; CLEAR and INSIDE are its exit status. */
enum kcl_prescreen_status {
	KCL_PRESCREEN_CLEAR = 0,		/* no task is inside */
	KCL_PRESCREEN_INSIDE = 1,	/* some are: the hits */
	KCL_PRESCREEN_NOCMD,		/* the command cannot be started */
	KCL_PRESCREEN_FAILED,		/* it reported an error (exit 2) or died */
	KCL_PRESCREEN_TIMEOUT,		/* it ran too long and was killed */
	KCL_PRESCREEN_BADOUTPUT,		/* its output is malformed, too long, or contradicts its exit status */
	KCL_PRESCREEN_SYSERR,		/* the loader's own failure: pipes, memory */
};

enum kcl_prescreen_decision {
	KCL_PRESCREEN_PROCEED,		/* nobody is inside: switch */
	KCL_PRESCREEN_WAIT,		/* some are: ask again after a delay */
	KCL_PRESCREEN_WARN,		/* still inside, or no answer: tell, then switch anyway */
};

struct kcl_prescreen_result;

/**
 * struct kcl_prescreen_opts - how to run the pre-screen; zero means default
 * @command:	path of the command, KCL_PRESCREEN_COMMAND
 * @timeout_ms:	a run is killed after this, KCL_PRESCREEN_TIMEOUT_MS
 * @tries:	runs while tasks are inside, KCL_PRESCREEN_TRIES (1: no retry)
 * @delay_ms:	between two runs, KCL_PRESCREEN_DELAY_MS
 * @sleep:	waits @delay_ms between runs; NULL: nanosleep()
 * @waiting:	called with a WAIT result before each wait, e.g. to print its
 *		message; NULL: nothing
 * @data:	passed to @waiting
 */
struct kcl_prescreen_opts {
	const char *command;
	unsigned int timeout_ms;
	unsigned int tries;
	unsigned int delay_ms;
	void (*sleep)(unsigned int ms);
	void (*waiting)(const struct kcl_prescreen_result *res, void *data);
	void *data;
};

/**
 * struct kcl_prescreen_result - what kcl_prescreen_decide() came to
 * @decision:	PROCEED or WARN when returned (WAIT only seen by @waiting)
 * @status:	of the last run
 * @tries:	runs made
 * @hits:	tasks found inside by the last run; kcl_prescreen_result_free()
 * @nr_hits:	how many
 * @message:	one line for people: why, and the tasks found inside
 */
struct kcl_prescreen_result {
	enum kcl_prescreen_decision decision;
	enum kcl_prescreen_status status;
	unsigned int tries;
	struct kcl_prescreen_hit *hits;
	size_t nr_hits;
	char message[KCL_PRESCREEN_MSG_LEN];
};

/*
 * Parse the output of `kcare-prescreen --json`, exactly as it writes it:
 * "[]" or "[", one object a line separated by ",", "]", then an optional
 * new line. Anything else, including oversized fields and numbers, is
 * refused. Returns 0 with *hits (free() it; NULL when *n is 0), or
 * -EBADMSG (malformed: err says where and why) or -ENOMEM, with *hits NULL
 * and *n 0.
 */
int kcl_prescreen_parse(const char *json, size_t len,
		       struct kcl_prescreen_hit **hits, size_t *n,
		       char *err, size_t errlen);

/*
 * Run the command once on the FUNCTIONs (Documentation/prescreen.md gives
 * their forms), without a shell. Returns CLEAR or INSIDE with the hits
 * (free() them) and in msg the command's warnings, if any; or another
 * status with the reason in msg and no hits.
 */
enum kcl_prescreen_status kcl_prescreen_run(const struct kcl_prescreen_opts *opts,
					  const char *const *functions, size_t nr,
					  struct kcl_prescreen_hit **hits, size_t *n,
					  char *msg, size_t msglen);

/*
 * Ask whether any task is inside the FUNCTIONs, waiting and asking again
 * while some are, and fill res (kcl_prescreen_result_free() it). Returns
 * res->decision: PROCEED when a run finds nobody; WARN when tasks are still
 * inside after opts->tries runs or when the pre-screen cannot give an
 * answer. The caller switches in both cases: the engine's check decides.
 */
enum kcl_prescreen_decision kcl_prescreen_decide(const struct kcl_prescreen_opts *opts,
					       const char *const *functions, size_t nr,
					       struct kcl_prescreen_result *res);

void kcl_prescreen_result_free(struct kcl_prescreen_result *res);

/* "107 sleep hrtimer_nanosleep+0x9e", as kcare-prescreen prints a hit */
int kcl_prescreen_format_hit(const struct kcl_prescreen_hit *hit, char *buf,
			    size_t size);

#endif /* _KCARE_LOADER_PRESCREEN_H */
