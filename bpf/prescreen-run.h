/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader's side of the BPF pre-screen (Documentation/prescreen.md):
 * run kcare-prescreen on the functions a patchset changes, read its JSON,
 * and decide whether to switch now, wait and ask again, or warn. It is
 * advice only: whatever it says, the engine's own stack check decides.
 */
#ifndef _KCARE_BPF_PRESCREEN_RUN_H
#define _KCARE_BPF_PRESCREEN_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define KPS_COMMAND	"/usr/libexec/kcare/kcare-prescreen"
#define KPS_TIMEOUT_MS	10000	/* a run: kallsyms, BPF load, iterator */
#define KPS_TRIES	5	/* runs before giving up waiting */
#define KPS_DELAY_MS	1000	/* between two runs */
#define KPS_MAX_OUTPUT	(1 << 20)	/* bytes of JSON read from a run */
#define KPS_MAX_LISTED	10	/* tasks named in a message */

/* Field sizes, with the NUL, from the kernel's own limits */
#define KPS_COMM_LEN	17	/* TASK_COMM_LEN bytes, which need no NUL, and one */
#define KPS_NAME_LEN	512	/* KSYM_NAME_LEN */
#define KPS_MODULE_LEN	56	/* MODULE_NAME_LEN on 64-bit */
#define KPS_MSG_LEN	4096

/**
 * struct kps_hit - a task the pre-screen found inside a function
 * @address:	its innermost frame inside one of the functions
 * @offset:	of @address from the function's start (a raw range's START)
 * @pid:	thread id
 * @tgid:	process id
 * @kthread:	a kernel thread
 * @comm:	task name, the kernel's bytes (JSON escapes undone)
 * @function:	the function, "" for a raw range (null in the JSON)
 * @module:	its module, "" for vmlinux or a raw range (null in the JSON)
 */
struct kps_hit {
	unsigned long long address;
	unsigned long long offset;
	unsigned int pid;
	unsigned int tgid;
	bool kthread;
	char comm[KPS_COMM_LEN];
	char function[KPS_NAME_LEN];
	char module[KPS_MODULE_LEN];
};

/* What one run of the command came to; CLEAR and INSIDE are its exit status. */
enum kps_status {
	KPS_CLEAR = 0,		/* no task is inside */
	KPS_INSIDE = 1,	/* some are: the hits */
	KPS_NOCMD,		/* the command cannot be started */
	KPS_FAILED,		/* it reported an error (exit 2) or died */
	KPS_TIMEOUT,		/* it ran too long and was killed */
	KPS_BADOUTPUT,		/* its output is malformed, too long, or contradicts its exit status */
	KPS_SYSERR,		/* the loader's own failure: pipes, memory */
};

enum kps_decision {
	KPS_PROCEED,		/* nobody is inside: switch */
	KPS_WAIT,		/* some are: ask again after a delay */
	KPS_WARN,		/* still inside, or no answer: tell, then switch anyway */
};

struct kps_result;

/**
 * struct kps_opts - how to run the pre-screen; zero means default
 * @command:	path of the command, KPS_COMMAND
 * @timeout_ms:	a run is killed after this, KPS_TIMEOUT_MS
 * @tries:	runs while tasks are inside, KPS_TRIES (1: no retry)
 * @delay_ms:	between two runs, KPS_DELAY_MS
 * @sleep:	waits @delay_ms between runs; NULL: nanosleep()
 * @waiting:	called with a WAIT result before each wait, e.g. to print its
 *		message; NULL: nothing
 * @data:	passed to @waiting
 */
struct kps_opts {
	const char *command;
	unsigned int timeout_ms;
	unsigned int tries;
	unsigned int delay_ms;
	void (*sleep)(unsigned int ms);
	void (*waiting)(const struct kps_result *res, void *data);
	void *data;
};

/**
 * struct kps_result - what kps_decide() came to
 * @decision:	PROCEED or WARN when returned (WAIT only seen by @waiting)
 * @status:	of the last run
 * @tries:	runs made
 * @hits:	tasks found inside by the last run; kps_result_free()
 * @nr_hits:	how many
 * @message:	one line for people: why, and the tasks found inside
 */
struct kps_result {
	enum kps_decision decision;
	enum kps_status status;
	unsigned int tries;
	struct kps_hit *hits;
	size_t nr_hits;
	char message[KPS_MSG_LEN];
};

/*
 * Parse the output of `kcare-prescreen --json`, exactly as it writes it:
 * "[]" or "[", one object a line separated by ",", "]", then an optional
 * new line. Anything else, including oversized fields and numbers, is
 * refused. Returns 0 with *hits (free() it; NULL when *n is 0), or
 * -EBADMSG (malformed: err says where and why) or -ENOMEM, with *hits NULL
 * and *n 0.
 */
int kps_parse(const char *json, size_t len,
		       struct kps_hit **hits, size_t *n,
		       char *err, size_t errlen);

/*
 * Run the command once on the FUNCTIONs (Documentation/prescreen.md gives
 * their forms), without a shell. Returns CLEAR or INSIDE with the hits
 * (free() them) and in msg the command's warnings, if any; or another
 * status with the reason in msg and no hits.
 */
enum kps_status kps_run(const struct kps_opts *opts,
					  const char *const *functions, size_t nr,
					  struct kps_hit **hits, size_t *n,
					  char *msg, size_t msglen);

/*
 * Ask whether any task is inside the FUNCTIONs, waiting and asking again
 * while some are, and fill res (kps_result_free() it). Returns
 * res->decision: PROCEED when a run finds nobody; WARN when tasks are still
 * inside after opts->tries runs or when the pre-screen cannot give an
 * answer. The caller switches in both cases: the engine's check decides.
 */
enum kps_decision kps_decide(const struct kps_opts *opts,
					       const char *const *functions, size_t nr,
					       struct kps_result *res);

void kps_result_free(struct kps_result *res);

/* "107 sleep hrtimer_nanosleep+0x9e", as kcare-prescreen prints a hit */
int kps_format_hit(const struct kps_hit *hit, char *buf,
			    size_t size);

#endif /* _KCARE_BPF_PRESCREEN_RUN_H */
