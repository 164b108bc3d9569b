// SPDX-License-Identifier: GPL-2.0
/*
 * libcare-ctl: the command line of LibCare (Documentation/libcare.md).
 * Each verb is one function of the table below; kcarectl's --lib-* verbs
 * are meant to call the same library functions.
 *
 * Exit status: 0 done, 1 failed, 2 usage, 3 refused (blacklist, init,
 * traced...), 4 busy (a thread stayed in patched code), 5 nothing to do
 * (no such library mapped, level already applied), 6 refused by the
 * process's own policy (MemoryDenyWriteExecute, a seccomp filter).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcare.h"

struct args {
	pid_t pid;
	bool all, json;
	int argc;
	char **argv;
	struct lc_opts o;
};

struct verb {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(struct args *a);
};

static int status_of(int r)
{
	switch (-r) {
	case 0:
		return 0;
	case LC_EREFUSED:
		return 3;
	case LC_EBUSY:
		return 4;
	case LC_ENOTARGET:
	case LC_EALREADY:
		return 5;
	case LC_EPOLICY:
		return 6;
	}
	return 1;
}

/* Every process but ourselves and init, for --all. */
static int all_pids(pid_t **out)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t *v = NULL;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		pid_t pid = atoi(de->d_name);
		pid_t *nv;

		if (pid <= 1 || pid == getpid())
			continue;
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[n++] = pid;
	}
	closedir(d);
	*out = v;
	return n;
}

static int need_target(struct args *a, const char *verb)
{
	if (!a->pid == !a->all) {
		fprintf(stderr, "libcare-ctl %s: give either -p PID or --all\n", verb);
		return 2;
	}
	return 0;
}

static int do_patch(struct args *a)
{
	struct lc_patch *pt;
	int i, j, worst = 0, r;

	r = need_target(a, "patch");
	if (r)
		return r;
	if (!a->argc) {
		fprintf(stderr, "libcare-ctl patch: no patch object given\n");
		return 2;
	}
	for (i = 0; i < a->argc; i++) {
		const struct lc_patch_info *in;
		pid_t *pids = &a->pid;
		int n = 1, s;

		r = lc_patch_open(a->argv[i], &pt, stderr);
		if (r) {
			worst = worst > 1 ? worst : 1;
			continue;
		}
		in = lc_patch_info(pt);
		if (a->all) {
			n = all_pids(&pids);
			if (n < 0)
				n = 0;
		}
		for (j = 0; j < n; j++) {
			/* --all: only the processes that map the library. */
			if (a->all && !lc_process_maps_build_id(pids[j], in->build_id,
								in->build_id_len))
				continue;
			s = status_of(lc_apply(pids[j], pt, &a->o));
			if (a->o.verbose)
				fprintf(stderr, "libcare: pid %d: longest stop %ld us\n",
					(int)pids[j], a->o.stop_us);
			if (s && (s != 5 || !a->all) && (s > worst || worst == 5))
				worst = s;
		}
		if (a->all)
			free(pids);
		lc_patch_close(pt);
	}
	return worst;
}

static int do_unpatch(struct args *a)
{
	const char *id = a->argc ? a->argv[0] : NULL;
	pid_t *pids = &a->pid;
	int n = 1, j, s, worst = 0, r;

	r = need_target(a, "unpatch");
	if (r)
		return r;
	if (a->all) {
		n = all_pids(&pids);
		if (n < 0)
			return 1;
		a->o.err = fopen("/dev/null", "we");
	}
	for (j = 0; j < n; j++) {
		s = status_of(lc_unapply(pids[j], id, &a->o));
		if (s && s != 5 && s > worst)
			worst = s;
		if (!a->all && s)
			worst = s;
	}
	if (a->all) {
		fclose(a->o.err);
		free(pids);
	}
	return worst;
}

static void json_str(const char *k, const char *v, bool comma)
{
	printf("\"%s\": \"", k);
	for (; *v; v++)
		if (*v == '"' || *v == '\\')
			printf("\\%c", *v);
		else if ((unsigned char)*v < 0x20)
			printf("\\u%04x", *v);
		else
			putchar(*v);
	printf("\"%s", comma ? ", " : "");
}

static int show_applied(const struct lc_applied *ap, void *arg)
{
	struct args *a = arg;
	static int n;

	if (a->json) {
		printf("%s\n    {\"pid\": %d, ", n++ ? "," : "", (int)ap->pid);
		json_str("command", ap->comm, true);
		json_str("library", ap->path, true);
		json_str("build_id", ap->build_id, true);
		printf("\"level\": %u, ", ap->level);
		json_str("patch", ap->id, true);
		printf("\"address\": \"%#lx\", \"state\": \"%s\"}", ap->addr,
		       ap->unclean ? "unclean" : "applied");
	} else {
		printf("%-7d %-15s %-40s level %-3u %s%s\n            %s\n", (int)ap->pid,
		       ap->comm, ap->build_id, ap->level, ap->id,
		       ap->unclean ? " unclean" : "", ap->path);
	}
	return 0;
}

static int do_info(struct args *a)
{
	int r;

	if (a->json)
		printf("{\"applied\": [");
	r = lc_info(&a->o, show_applied, a);
	if (a->json)
		printf("\n]}\n");
	if (r)
		fprintf(stderr, "libcare-ctl info: cannot read %s: %s\n", a->o.state_dir,
			strerror(-r));
	return r ? 1 : 0;
}

static int do_patch_info(struct args *a)
{
	int i, k, worst = 0;

	for (i = 0; i < a->argc; i++) {
		const struct lc_patch_info *in;
		struct lc_patch *pt;
		char hex[2 * LC_BUILD_ID_MAX + 1];

		if (lc_patch_open(a->argv[i], &pt, stderr)) {
			worst = 1;
			continue;
		}
		in = lc_patch_info(pt);
		lc_hex(hex, in->build_id, in->build_id_len);
		if (a->json) {
			printf("{");
			json_str("file", a->argv[i], true);
			json_str("id", in->id, true);
			printf("\"level\": %u, ", in->level);
			json_str("build_id", hex, true);
			json_str("cves", in->cves, true);
			json_str("description", in->description, true);
			printf("\"functions\": [");
			for (k = 0; k < in->nfuncs; k++)
				printf("%s\"%s\"", k ? ", " : "", in->funcs[k].name);
			printf("]}\n");
		} else {
			printf("%s: patch %s level %u for build-id %s\n", a->argv[i], in->id,
			       in->level, hex);
			if (in->cves[0])
				printf("  CVEs: %s\n", in->cves);
			if (in->description[0])
				printf("  %s\n", in->description);
			for (k = 0; k < in->nfuncs; k++)
				printf("  replaces %s with %s\n", in->funcs[k].name,
				       in->funcs[k].repl);
		}
		lc_patch_close(pt);
	}
	return worst;
}

static const struct verb verbs[] = {
	{ "patch", "-p PID|--all PATCH.o...", "apply patches to running processes", do_patch },
	{ "unpatch", "-p PID|--all [BUILD-ID]", "remove the patches (of one library)", do_unpatch },
	{ "info", "[--json]", "list the patched libraries of running processes", do_info },
	{ "patch-info", "[--json] PATCH.o...", "describe patch objects", do_patch_info },
	{ NULL },
};

static int usage(FILE *f, int status)
{
	const struct verb *v;

	fprintf(f, "usage: libcare-ctl VERB [OPTIONS] [ARGS]\n\n");
	for (v = verbs; v->name; v++)
		fprintf(f, "  %-10s %-28s %s\n", v->name, v->usage, v->help);
	fprintf(f, "\noptions: -p PID, --all, --json, -v, --state-dir DIR, --blacklist FILE,\n"
		   "         --retries N, --retry-delay MS, --step-out\n"
		   "exit status: 0 done, 1 failed, 2 usage, 3 refused, 4 busy, 5 nothing to do,\n"
		   "             6 refused by MemoryDenyWriteExecute or seccomp\n");
	return status;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "state-dir", required_argument, NULL, 's' },
		{ "blacklist", required_argument, NULL, 'b' },
		{ "retries", required_argument, NULL, 'r' },
		{ "retry-delay", required_argument, NULL, 'd' },
		{ "step-out", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL },
	};
	const struct verb *v;
	struct args a = { 0 };
	int c;

	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout, 0);
	for (v = verbs; v->name && strcmp(v->name, argv[1]); v++)
		;
	if (!v->name) {
		fprintf(stderr, "libcare-ctl: unknown verb %s\n", argv[1]);
		return usage(stderr, 2);
	}
	lc_opts_init(&a.o);
	argv++;
	argc--;
	while ((c = getopt_long(argc, argv, "p:ajvh", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a.pid = atoi(optarg);
			if (a.pid <= 0) {
				fprintf(stderr, "libcare-ctl: %s is not a pid\n", optarg);
				return 2;
			}
			break;
		case 'a':
			a.all = true;
			break;
		case 'j':
			a.json = true;
			break;
		case 'v':
			a.o.verbose = true;
			break;
		case 's':
			a.o.state_dir = optarg;
			break;
		case 'b':
			a.o.blacklist = optarg;
			break;
		case 'r':
			a.o.retries = atoi(optarg) > 0 ? atoi(optarg) : 1;
			break;
		case 'd':
			a.o.retry_ms = atoi(optarg) >= 0 ? atoi(optarg) : 0;
			break;
		case 'S':
			a.o.step_out = true;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	a.argc = argc - optind;
	a.argv = argv + optind;
	return v->run(&a);
}
