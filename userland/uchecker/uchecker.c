// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-uchecker: report processes that run an ELF object which is not
 * the one now on disk (deleted, replaced or upgraded), in the words of the
 * original open scanner, so that what parses its output keeps working.
 * It only reads /proc: nothing is attached, stopped or slowed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "uchecker.h"

#define UC_EXIT_OUTDATED	1
#define UC_EXIT_ERROR		2

struct run {
	bool json;
	int outdated, patched, findings;
	int unreadable;		/* processes whose memory we may not read */
	int scanned;
};

static const char *const state_names[] = {
	[UC_CURRENT] = "current", [UC_OUTDATED] = "outdated",
	[UC_PATCHED] = "patched",
};

static void json_finding(const struct uc_finding *f, struct run *r)
{
	printf("%s\n  {\"pid\": %d, ", r->findings++ ? "," : "", (int)f->pid);
	kc_json_kv(stdout, 1, "comm", f->comm);
	kc_json_kv(stdout, 0, "library", f->name);
	kc_json_kv(stdout, 0, "path", f->path);
	kc_json_kv(stdout, 0, "state", state_names[f->state]);
	kc_json_kv(stdout, 0, "reason", f->reason);
	kc_json_kv(stdout, 0, "build_id", f->mem_id);
	kc_json_kv(stdout, 0, "disk_build_id", f->disk_id[0] ? f->disk_id : NULL);
	if (f->state == UC_PATCHED) {
		kc_json_kv(stdout, 0, "patch", f->patch);
		printf(", \"patch_level\": %u", f->level);
	}
	printf("}");
}

static int on_finding(const struct uc_finding *f, void *arg)
{
	struct run *r = arg;

	if (f->state == UC_CURRENT)
		return 0;
	if (r->json)
		json_finding(f, r);
	if (f->state == UC_PATCHED) {
		r->patched++;
		uc_log(UC_INFO, "Process %s[%d] linked to the `%s` that is live patched by LibCare (%s, level %u): %s",
		       f->comm, (int)f->pid, f->name, f->patch, f->level, f->reason);
		return 0;
	}
	r->outdated++;
	/* The original's line, then why: the file on disk changed how. */
	uc_log(UC_ERROR, "[ ] Process %s[%d] linked to the `%s` that is not up to date. Reason: %s (running build-id %s, on disk %s)",
	       f->comm, (int)f->pid, f->name, f->reason, f->mem_id,
	       f->disk_id[0] ? f->disk_id : "none");
	return 0;
}

/*
 * A process we could not look at. Asked for by -p it is an error; while
 * scanning all, processes that exit meanwhile and kernel threads are
 * skipped, and those we may not read are counted and said once.
 */
static int scan_one(pid_t pid, struct run *r, bool asked)
{
	int e = uc_scan_pid(pid, on_finding, r);

	if (!e) {
		r->scanned++;
		return 0;
	}
	if (!asked && (e == -ECHILD || e == -ESRCH))
		return 0;
	if (asked && e == -ECHILD) {
		uc_log(UC_WARNING, "kcare-uchecker: pid %d: a kernel thread maps nothing", (int)pid);
		return 0;
	}
	if (asked) {
		uc_log(UC_CRITICAL, "kcare-uchecker: pid %d: %s", (int)pid, strerror(-e));
		return -1;
	}
	r->unreadable++;
	uc_log(UC_INFO, "Can't read process %d: %s", (int)pid, strerror(-e));
	return 0;
}

static int scan_all(struct run *r)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d) {
		uc_log(UC_CRITICAL, "kcare-uchecker: /proc: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (atoi(de->d_name) == getpid())
			continue;
		scan_one(atoi(de->d_name), r, false);
	}
	closedir(d);
	if (r->unreadable)
		uc_log(UC_WARNING, "%d processes could not be read%s.", r->unreadable,
		       geteuid() ? " (run as root to see all)" : "");
	if (!r->scanned) {
		uc_log(UC_CRITICAL, "kcare-uchecker: no process could be read");
		return -1;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kcare-uchecker [-p PID]... [--json]\n"
		"Report processes running a shared library or program that is\n"
		"deleted, replaced or upgraded on disk.\n\n"
		"  -p, --pid PID   check PID only (may be repeated)\n"
		"  -j, --json      findings as JSON on stdout\n"
		"  -h, --help      this text\n"
		"  -V, --version   the version\n\n"
		"LOGLEVEL=ERROR|WARNING|INFO|DEBUG (environment) sets what goes to stderr.\n"
		"Exit: 0 nothing outdated, 1 outdated objects found, 2 error.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	struct run r = { 0 };
	pid_t *pids = NULL;
	int c, i, npids = 0, err = 0;
	char *end;

	uc_loglevel = uc_parse_level(getenv("LOGLEVEL"));
	if (!uc_loglevel) {
		fprintf(stderr, "kcare-uchecker: LOGLEVEL=%s: use ERROR, WARNING, INFO or DEBUG\n",
			getenv("LOGLEVEL"));
		return UC_EXIT_ERROR;
	}
	while ((c = getopt_long(argc, argv, "p:jhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			pids = realloc(pids, (npids + 1) * sizeof(*pids));
			if (!pids)
				return UC_EXIT_ERROR;
			pids[npids] = strtol(optarg, &end, 10);
			if (*end || pids[npids] <= 0) {
				fprintf(stderr, "kcare-uchecker: -p %s: not a process id\n", optarg);
				return UC_EXIT_ERROR;
			}
			npids++;
			break;
		case 'j':
			r.json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("kcare-uchecker %s\n", KCARE_VERSION);
			return 0;
		default:
			usage(stderr);
			return UC_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return UC_EXIT_ERROR;
	}
	if (r.json)
		printf("{\"findings\": [");
	for (i = 0; i < npids; i++)
		err |= scan_one(pids[i], &r, true);
	if (!npids)
		err |= scan_all(&r);
	free(pids);
	if (r.json) {
		printf("%s], \"outdated\": %d, \"patched\": %d, \"unreadable\": %d, \"error\": %s}\n",
		       r.findings ? "\n" : "", r.outdated, r.patched, r.unreadable,
		       err ? "true" : "false");
	} else if (err) {
		;
	} else if (!r.outdated) {
		printf("It looks OK. We didn't find any outdated libraries.\n");
	} else {
		printf("\nYou may want to update libraries above and restart corresponding processes.\n\n"
		       " KernelCare+ allows to resolve such issues with no process downtime. To find out more, please, visit https://tuxcare.com/enterprise-live-patching-services/libcare/\n");
	}
	if (err)
		return UC_EXIT_ERROR;
	return r.outdated ? UC_EXIT_OUTDATED : 0;
}
