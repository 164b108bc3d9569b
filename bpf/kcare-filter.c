// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-filter: load, list and remove filter patches (Documentation/filters.md).
 *
 *   kcare-filter load --name NAME --errno ERR [--cve CVE] [--description TEXT] OBJECT.bpf.o
 *   kcare-filter remove NAME
 *   kcare-filter list
 *
 * load opens OBJECT, a BPF object with one program in section
 * "kprobe/FUNCTION", and loads it through bpf(): the kernel's verifier
 * checks it here, and when it refuses, its log goes to stderr. Then it
 * hands the program's file descriptor to kcare.ko through
 * /sys/kernel/kcare/filters/load, which checks the rest (the function,
 * its return type, the error, the program's type) and attaches it. The
 * engine keeps its own reference to the program: this command then exits.
 *
 * Exit status: 0 done, 1 refused (the reason on stderr), 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define KCARE_SYSFS	"/sys/kernel/kcare"
#define FILTERS		KCARE_SYSFS "/filters"

static __attribute__((format(printf, 1, 2))) void err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kcare-filter: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int usage(FILE *f, int status)
{
	fprintf(f,
		"Usage: kcare-filter load --name NAME --errno ERR [--cve CVE] [--description TEXT] OBJECT\n"
		"       kcare-filter remove NAME\n"
		"       kcare-filter list\n"
		"\n"
		"  load      verify OBJECT's kprobe/FUNCTION program in the kernel and attach it\n"
		"            to FUNCTION: calls it denies fail with -ERR (EINVAL, EPERM, ...)\n"
		"  remove    detach the filter NAME\n"
		"  list      the loaded filters: name, function, errno, enabled, seen, denied\n");
	return status;
}

/* Read a one-line sysfs file into @buf without its newline; "" if none. */
static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* Write @text to @path; on failure say why, with the engine's last error. */
static int write_ctl(const char *path, const char *text)
{
	char why[512];
	ssize_t n;
	int fd, e;

	fd = open(path, O_WRONLY);
	if (fd < 0) {
		if (errno == ENOENT)
			err("%s: not found: is kcare.ko loaded (and new enough for filters)?", path);
		else
			err("%s: %s", path, strerror(errno));
		return 1;
	}
	n = write(fd, text, strlen(text));
	e = errno;
	close(fd);
	if (n == (ssize_t)strlen(text))
		return 0;
	read_line(KCARE_SYSFS "/last_error", why, sizeof(why));
	err("%s", why[0] ? why : strerror(e));
	return 1;
}

/* libbpf's messages: warnings (the verifier's log among them) only. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level > LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "errno", required_argument, NULL, 'e' },
		{ "cve", required_argument, NULL, 'c' },
		{ "description", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name = NULL, *errname = NULL, *cve = "", *desc = "";
	const char *sec;
	char function[256];
	struct bpf_program *prog, *only = NULL;
	struct bpf_object *obj;
	char line[4096];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 'e': errname = optarg; break;
		case 'c': cve = optarg; break;
		case 'd': desc = optarg; break;
		default: return usage(stderr, 2);
		}
	}
	if (!name || !errname || optind != argc - 1)
		return usage(stderr, 2);
	if (strpbrk(name, " \t\n") || strpbrk(errname, " \t\n") ||
	    strpbrk(cve, " \t\n") || strchr(desc, '\n')) {
		err("--name, --errno and --cve are single words, --description one line");
		return 2;
	}

	libbpf_set_print(print_libbpf);
	obj = bpf_object__open_file(argv[optind], NULL);
	if (!obj) {
		err("%s: not a BPF object (%s)", argv[optind], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (only) {
			err("%s: holds several programs; a filter is one", argv[optind]);
			goto fail;
		}
		only = prog;
	}
	if (!only) {
		err("%s: holds no program", argv[optind]);
		goto fail;
	}
	sec = bpf_program__section_name(only);
	if (bpf_program__type(only) != BPF_PROG_TYPE_KPROBE ||
	    strncmp(sec, "kprobe/", 7) || !sec[7]) {
		err("%s: its program is in section \"%s\"; a filter's is \"kprobe/FUNCTION\"",
		    argv[optind], sec);
		goto fail;
	}
	snprintf(function, sizeof(function), "%s", sec + 7);
	if (bpf_object__load(obj)) {
		err("%s: the kernel's verifier refused the program (its log is above)",
		    argv[optind]);
		goto fail;
	}
	snprintf(line, sizeof(line),
		 "name=%s fd=%d function=%s errno=%s%s%s description=%s\n",
		 name, bpf_program__fd(only), function, errname,
		 *cve ? " cve=" : "", cve, desc);
	ret = write_ctl(FILTERS "/load", line);
	bpf_object__close(obj);
	if (!ret)
		printf("filter %s attached to %s\n", name, function);
	return ret;
fail:
	bpf_object__close(obj);
	return 1;
}

static int list(void)
{
	static const char *const fields[] = {
		"function", "errno", "enabled", "seen", "denied",
	};
	struct dirent *de;
	char path[512], val[256];
	unsigned int i;
	DIR *d;

	d = opendir(FILTERS);
	if (!d) {
		err("%s: %s: is kcare.ko loaded?", FILTERS, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		printf("%s", de->d_name);
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			snprintf(path, sizeof(path), FILTERS "/%s/%s",
				 de->d_name, fields[i]);
			read_line(path, val, sizeof(val));
			printf(" %s=%s", fields[i], val);
		}
		putchar('\n');
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	char line[128];

	if (argc < 2)
		return usage(stderr, 2);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout, 0);
	if (!strcmp(argv[1], "load"))
		return load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list") && argc == 2)
		return list();
	if (!strcmp(argv[1], "remove") && argc == 3) {
		snprintf(line, sizeof(line), "%s\n", argv[2]);
		if (write_ctl(FILTERS "/remove", line))
			return 1;
		printf("filter %s removed\n", argv[2]);
		return 0;
	}
	return usage(stderr, 2);
}
