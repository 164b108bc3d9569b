// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-prescreen: which tasks are inside the kernel functions a patchset is
 * about to change? The loader asks before it loads a patchset, to warn and
 * to retry at a better moment; the engine's stack check with every CPU
 * stopped stays the final word (see Documentation/prescreen.md).
 *
 * Each FUNCTION is resolved to [start, end) through /proc/kallsyms, the end
 * being the next symbol's address; a BPF task iterator (bpf/prescreen.bpf.c)
 * then reads every task's kernel stack and reports the tasks with a frame in
 * one of the ranges.
 *
 * Exit status: 0 no task is inside, 1 some are, 2 error.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "prescreen.h"
#include "prescreen.skel.h"

#define KALLSYMS	"/proc/kallsyms"

enum { KP_CLEAR = 0, KP_INSIDE = 1, KP_ERROR = 2 };

/* One FUNCTION argument and the range it resolved to. */
struct target {
	const char *arg;	/* as given, for messages */
	char *object;		/* module name, NULL for vmlinux */
	char *name;		/* NULL for a raw START-END range */
	unsigned long sympos;	/* 1-based among equal names; 0: must be unique */
	unsigned long count;	/* symbols of that name seen */
	bool text;		/* the chosen symbol is code */
	struct prescreen_range range;
};

/*
 * Code that the kernel's stack traces of other tasks leave out (see
 * in_sched_functions()), so bpf_get_task_stack() never shows a frame there.
 */
static const struct {
	const char *start, *end, *what;
} unseen[] = {
	{ "__sched_text_start", "__sched_text_end", "scheduler code (__sched)" },
	{ "__lock_text_start", "__lock_text_end", "locking code (__lockfunc)" },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_UNSEEN	ARRAY_SIZE(unseen)

static bool verbose;

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kcare-prescreen [--json] [--verbose] FUNCTION...\n"
		"List the tasks whose kernel stack holds a frame inside one of the\n"
		"FUNCTIONs, as \"PID COMM FUNCTION+OFFSET\" lines (COMM in brackets for a\n"
		"kernel thread) or, with --json, as a JSON array. Advisory: the tasks\n"
		"keep running and the kernel's stack unwind is best effort.\n\n"
		"FUNCTION is [MODULE:]NAME[,SYMPOS] as in /proc/kallsyms (SYMPOS, from 1,\n"
		"picks one of several symbols of that name), or START-END, two hex\n"
		"addresses of a range [START, END).\n\n"
		"  -j, --json      print a JSON array of {pid, tgid, comm, kthread,\n"
		"                  function, module, offset, address}\n"
		"  -v, --verbose   show libbpf's messages\n"
		"  -h, --help      display this help and exit\n\n"
		"Exit status: 0 no task is inside, 1 some are, 2 error.\n");
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("kcare-prescreen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KP_ERROR;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return verbose ? vfprintf(stderr, fmt, ap) : 0;
}

/* [MODULE:]NAME[,SYMPOS] or START-END */
static int parse_target(const char *arg, struct target *t)
{
	char *colon, *comma, *end;
	unsigned long long start, stop;

	t->arg = arg;
	if (sscanf(arg, "%llx-%llx", &start, &stop) == 2 &&
	    strspn(arg, "0123456789abcdefABCDEFxX-") == strlen(arg)) {
		if (start >= stop)
			return fail("empty range %s", arg);
		t->range.start = start;
		t->range.end = stop;
		return 0;
	}

	t->name = strdup(arg);
	if (!t->name)
		return fail("out of memory");
	colon = strchr(t->name, ':');
	if (colon) {
		*colon = '\0';
		t->object = t->name;
		t->name = colon + 1;
		if (!strcmp(t->object, "vmlinux"))
			t->object = NULL;
	}
	comma = strchr(t->name, ',');
	if (comma) {
		*comma = '\0';
		errno = 0;
		t->sympos = strtoul(comma + 1, &end, 10);
		if (errno || *end || !t->sympos)
			return fail("bad symbol position in %s", arg);
	}
	if (!*t->name || (t->object && !*t->object))
		return fail("bad function %s", arg);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Resolve the named targets from /proc/kallsyms. A function ends where the
 * next symbol (of any kind) starts, so every address is kept, sorted, to
 * look that up. Symbols of every kind count for SYMPOS, and /proc/kallsyms
 * lists equal names in the order the engine counts them in, so both pick
 * the same symbol.
 */
static int resolve(struct target *t, int nr)
{
	__u64 *addrs = NULL, *tmp, start[NR_UNSEEN] = {}, stop[NR_UNSEEN] = {};
	size_t nr_addrs = 0, cap = 0, lo, hi, len = 0, k;
	char *line = NULL, *name, *type, *mod, *end;
	bool nonzero = false;
	int i, ret = 0;
	FILE *f;

	f = fopen(KALLSYMS, "r");
	if (!f)
		return fail("cannot read %s: %s", KALLSYMS, strerror(errno));
	while (getline(&line, &len, f) > 0) {
		__u64 addr = strtoull(line, &end, 16);

		type = strtok(end, " \t\n");
		name = strtok(NULL, " \t\n");
		mod = strtok(NULL, " \t\n[]");
		if (!type || !name)
			continue;
		if (nr_addrs == cap) {
			cap = cap ? 2 * cap : 65536;
			tmp = realloc(addrs, cap * sizeof(*addrs));
			if (!tmp) {
				ret = fail("out of memory");
				goto out;
			}
			addrs = tmp;
		}
		addrs[nr_addrs++] = addr;
		nonzero |= addr != 0;
		for (k = 0; k < NR_UNSEEN && !mod; k++) {
			if (!strcmp(name, unseen[k].start))
				start[k] = addr;
			else if (!strcmp(name, unseen[k].end))
				stop[k] = addr;
		}
		for (i = 0; i < nr; i++) {
			if (!t[i].name || strcmp(t[i].name, name) ||
			    (t[i].object ? !mod || strcmp(t[i].object, mod) : !!mod))
				continue;
			t[i].count++;
			if (t[i].count == (t[i].sympos ? t[i].sympos : 1)) {
				t[i].range.start = addr;
				t[i].text = !!strchr("tTwW", type[0]);
			}
		}
	}
	if (ferror(f)) {
		ret = fail("cannot read %s: %s", KALLSYMS, strerror(errno));
		goto out;
	}
	if (!nonzero) {
		ret = fail("%s shows no addresses: run as root (see kernel.kptr_restrict)",
			   KALLSYMS);
		goto out;
	}
	qsort(addrs, nr_addrs, sizeof(*addrs), cmp_u64);

	for (i = 0; i < nr; i++) {
		const char *obj = t[i].object ? t[i].object : "vmlinux";

		if (!t[i].name)
			continue;
		if (!t[i].count) {
			ret = fail("no function %s in %s (%s)", t[i].name, obj,
				   KALLSYMS);
			continue;
		}
		if (!t[i].sympos && t[i].count > 1) {
			ret = fail("%s is ambiguous in %s: %lu symbols have that name; use %s,N",
				   t[i].name, obj, t[i].count, t[i].arg);
			continue;
		}
		if (t[i].sympos > t[i].count) {
			ret = fail("%s: %s has only %lu symbol(s) called %s",
				   t[i].arg, obj, t[i].count, t[i].name);
			continue;
		}
		if (!t[i].text) {
			ret = fail("%s in %s is not a function", t[i].arg, obj);
			continue;
		}
		/* the first address above the start */
		lo = 0;
		hi = nr_addrs;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (addrs[mid] <= t[i].range.start)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == nr_addrs) {
			ret = fail("cannot tell where %s ends", t[i].arg);
			continue;
		}
		t[i].range.end = addrs[lo];

		for (k = 0; k < NR_UNSEEN; k++) {
			if (t[i].range.start < stop[k] && t[i].range.end > start[k])
				fprintf(stderr,
					"kcare-prescreen: warning: %s is %s, which the kernel's stack traces leave out: tasks inside it are not seen\n",
					t[i].arg, unseen[k].what);
		}
	}
out:
	free(line);
	free(addrs);
	fclose(f);
	return ret;
}

/* Run the iterator and return its whole output in *buf. */
static int run_iterator(struct prescreen *skel, char **buf, size_t *len)
{
	struct bpf_link *link;
	size_t cap = 0;
	char *tmp;
	ssize_t n;
	int fd, ret = 0;

	link = bpf_program__attach_iter(skel->progs.prescreen, NULL);
	if (!link)
		return fail("cannot attach the task iterator: %s",
			    strerror(errno));
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		ret = fail("cannot create the task iterator: %s",
			   strerror(errno));
		goto out;
	}
	*buf = NULL;
	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? 2 * cap : 4096;
			tmp = realloc(*buf, cap);
			if (!tmp) {
				ret = fail("out of memory");
				break;
			}
			*buf = tmp;
		}
		n = read(fd, *buf + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = fail("cannot read the task iterator: %s",
				   strerror(errno));
			break;
		}
		if (!n)
			break;
		*len += n;
	}
	close(fd);
out:
	bpf_link__destroy(link);
	return ret;
}

/* A task name as JSON: any byte may be in it, and it need not be UTF-8. */
static void json_string(const char *s, size_t max)
{
	size_t i;

	putchar('"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_hit(const struct prescreen_hit *h, const struct target *t,
		      bool json, bool first)
{
	char comm[sizeof(h->comm) + 1];
	bool kthread = h->flags & PRESCREEN_HIT_KTHREAD;
	__u64 off = h->addr - t->range.start;
	size_t i;

	if (json) {
		printf("%s{\"pid\": %u, \"tgid\": %u, \"comm\": ",
		       first ? "" : ",\n", h->pid, h->tgid);
		json_string(h->comm, sizeof(h->comm));
		printf(", \"kthread\": %s, \"function\": ",
		       kthread ? "true" : "false");
		if (t->name)
			json_string(t->name, strlen(t->name));
		else
			fputs("null", stdout);
		fputs(", \"module\": ", stdout);
		if (t->object)
			json_string(t->object, strlen(t->object));
		else
			fputs("null", stdout);
		printf(", \"offset\": %llu, \"address\": \"0x%llx\"}",
		       (unsigned long long)off, (unsigned long long)h->addr);
		return;
	}

	/* Printable on a terminal whatever the task called itself. */
	for (i = 0; i < sizeof(h->comm) && h->comm[i]; i++)
		comm[i] = isprint((unsigned char)h->comm[i]) ? h->comm[i] : '?';
	comm[i] = '\0';
	printf(kthread ? "%u [%s] " : "%u %s ", h->pid, comm);
	if (t->name)
		printf("%s+0x%llx%s%s%s\n", t->name, (unsigned long long)off,
		       t->object ? " [" : "", t->object ? t->object : "",
		       t->object ? "]" : "");
	else
		printf("0x%llx\n", (unsigned long long)h->addr);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct prescreen_hit *hits;
	struct prescreen *skel = NULL;
	struct target *targets;
	bool json = false;
	size_t len = 0, nr_hits, i;
	char *buf = NULL;
	int c, nr, ret;

	while ((c = getopt_long(argc, argv, "jvh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return KP_ERROR;
		}
	}
	nr = argc - optind;
	if (!nr) {
		usage(stderr);
		return KP_ERROR;
	}
	if (nr > PRESCREEN_MAX_RANGES)
		return fail("at most %d functions at a time", PRESCREEN_MAX_RANGES);

	targets = calloc(nr, sizeof(*targets));
	if (!targets)
		return fail("out of memory");
	for (c = 0; c < nr; c++) {
		ret = parse_target(argv[optind + c], &targets[c]);
		if (ret)
			return ret;
	}
	/* Only names need /proc/kallsyms, and only root sees addresses there. */
	for (c = 0; c < nr && !targets[c].name; c++)
		;
	if (c < nr) {
		ret = resolve(targets, nr);
		if (ret)
			return ret;
	}

	libbpf_set_print(print_libbpf);
	skel = prescreen__open();
	if (!skel)
		return fail("cannot open the BPF pre-screen: %s", strerror(errno));
	for (c = 0; c < nr; c++)
		skel->rodata->ranges[c] = targets[c].range;
	skel->rodata->nr_ranges = nr;
	if (prescreen__load(skel)) {
		if (errno == EPERM || errno == EACCES)
			ret = fail("BPF not permitted: run as root (%s)",
				   "CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN");
		else
			ret = fail("cannot load the BPF pre-screen: %s (--verbose says more)",
				   strerror(errno));
		goto out;
	}
	ret = run_iterator(skel, &buf, &len);
	if (ret)
		goto out;
	if (len % sizeof(*hits)) {
		ret = fail("the task iterator returned %zu bytes, not whole records",
			   len);
		goto out;
	}

	hits = (const struct prescreen_hit *)buf;
	nr_hits = len / sizeof(*hits);
	if (json)
		fputs(nr_hits ? "[\n" : "[]\n", stdout);
	for (i = 0; i < nr_hits; i++) {
		if (hits[i].range >= (__u32)nr) {
			ret = fail("the task iterator reported range %u of %d",
				   hits[i].range, nr);
			goto out;
		}
		print_hit(&hits[i], &targets[hits[i].range], json, !i);
	}
	if (json && nr_hits)
		puts("\n]");
	ret = nr_hits ? KP_INSIDE : KP_CLEAR;
	if (fflush(stdout))
		ret = fail("cannot write the report: %s", strerror(errno));
out:
	free(buf);
	prescreen__destroy(skel);
	return ret;
}
