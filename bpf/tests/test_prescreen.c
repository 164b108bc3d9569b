// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the loader's side of the BPF pre-screen: the parser of
 * `kcare-prescreen --json`, the runner (against small shell scripts that
 * stand in for the command) and the wait/warn/proceed policy.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "prescreen-run.h"

/* kcare-prescreen --json, as Documentation/prescreen.md shows it */
#define KTHREADD_HIT \
	"{\"pid\": 2, \"tgid\": 2, \"comm\": \"kthreadd\", \"kthread\": true, " \
	"\"function\": \"kthreadd\", \"module\": null, \"offset\": 700, " \
	"\"address\": \"0xffffffffa30cd81c\"}"
#define SLEEP_HIT \
	"{\"pid\": 107, \"tgid\": 107, \"comm\": \"sleep\", \"kthread\": false, " \
	"\"function\": \"hrtimer_nanosleep\", \"module\": null, \"offset\": 158, " \
	"\"address\": \"0xffffffffa315674e\"}"
#define TWO_HITS	"[\n" KTHREADD_HIT ",\n" SLEEP_HIT "\n]\n"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char dir[] = "/tmp/kc-prescreen-test.XXXXXX";
static char errbuf[512];

static int parse(const char *json, struct kps_hit **hits, size_t *n)
{
	return kps_parse(json, strlen(json), hits, n, errbuf,
				  sizeof(errbuf));
}

static void parse_empty(void **state)
{
	struct kps_hit *hits = (void *)1;
	size_t n = 99;

	assert_int_equal(parse("[]\n", &hits, &n), 0);
	assert_null(hits);
	assert_int_equal(n, 0);
	/* without the final new line too */
	n = 99;
	assert_int_equal(parse("[]", &hits, &n), 0);
	assert_int_equal(n, 0);
}

static void parse_one_hit(void **state)
{
	struct kps_hit *hits;
	size_t n;

	assert_int_equal(parse("[\n" SLEEP_HIT "\n]\n", &hits, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].pid, 107);
	assert_int_equal(hits[0].tgid, 107);
	assert_string_equal(hits[0].comm, "sleep");
	assert_false(hits[0].kthread);
	assert_string_equal(hits[0].function, "hrtimer_nanosleep");
	assert_string_equal(hits[0].module, "");
	assert_int_equal(hits[0].offset, 158);
	assert_true(hits[0].address == 0xffffffffa315674eULL);
	free(hits);
}

static void parse_several_hits(void **state)
{
	static const char json[] =
		"[\n" KTHREADD_HIT ",\n" SLEEP_HIT ",\n"
		"{\"pid\": 4294967295, \"tgid\": 1, \"comm\": \"modprobe\", "
		"\"kthread\": false, \"function\": \"ext4_fill_super\", "
		"\"module\": \"ext4\", \"offset\": 18446744073709551615, "
		"\"address\": \"0x0\"}\n]\n";
	struct kps_hit *hits;
	size_t n;

	assert_int_equal(parse(json, &hits, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(hits[0].pid, 2);
	assert_true(hits[0].kthread);
	assert_string_equal(hits[0].function, "kthreadd");
	assert_int_equal(hits[0].offset, 700);
	assert_true(hits[0].address == 0xffffffffa30cd81cULL);
	assert_int_equal(hits[1].pid, 107);
	assert_string_equal(hits[1].comm, "sleep");
	/* the largest values the fields hold */
	assert_true(hits[2].pid == 4294967295U);
	assert_int_equal(hits[2].tgid, 1);
	assert_string_equal(hits[2].function, "ext4_fill_super");
	assert_string_equal(hits[2].module, "ext4");
	assert_true(hits[2].offset == 18446744073709551615ULL);
	assert_true(hits[2].address == 0);
	free(hits);
}

static void parse_kthread_in_raw_range(void **state)
{
	struct kps_hit *hits;
	size_t n;

	assert_int_equal(parse("[\n{\"pid\": 15, \"tgid\": 15, \"comm\": \"ksoftirqd/0\", "
			       "\"kthread\": true, \"function\": null, \"module\": null, "
			       "\"offset\": 16, \"address\": \"0xffffffff81234010\"}\n]\n",
			       &hits, &n), 0);
	assert_int_equal(n, 1);
	assert_true(hits[0].kthread);
	assert_string_equal(hits[0].comm, "ksoftirqd/0");
	assert_string_equal(hits[0].function, "");
	assert_string_equal(hits[0].module, "");
	assert_int_equal(hits[0].offset, 16);
	assert_true(hits[0].address == 0xffffffff81234010ULL);
	free(hits);
}

/* kcare-prescreen writes \" \\ and \u00XX for other bytes; all 16 may be used */
static void parse_escapes_in_comm(void **state)
{
	struct kps_hit *hits;
	size_t n;

	assert_int_equal(parse("[\n{\"pid\": 1, \"tgid\": 1, "
			       "\"comm\": \"a\\\"b\\\\c\\u0001\\u000a\\u00ff\\u007F\", "
			       "\"kthread\": false, \"function\": \"f\", \"module\": null, "
			       "\"offset\": 0, \"address\": \"0x1\"}\n]\n", &hits, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(hits[0].comm, "a\"b\\c\x01\n\xff\x7f");
	free(hits);

	assert_int_equal(parse("[\n{\"pid\": 1, \"tgid\": 1, "
			       "\"comm\": \"0123456789abcde\\u00e9\", "
			       "\"kthread\": false, \"function\": \"f\", \"module\": null, "
			       "\"offset\": 0, \"address\": \"0x1\"}\n]\n", &hits, &n), 0);
	assert_int_equal(strlen(hits[0].comm), 16);
	assert_string_equal(hits[0].comm, "0123456789abcde\xe9");
	free(hits);
}

/* A valid hit with one field replaced: "%s" stands for the value. */
static int parse_with(const char *key, const char *value)
{
	static const char *const keys[] = {
		"pid", "tgid", "comm", "kthread", "function", "module",
		"offset", "address",
	};
	static const char *const good[] = {
		"1", "1", "\"sh\"", "false", "\"f\"", "null", "0", "\"0x1\"",
	};
	struct kps_hit *hits = (void *)1;
	char json[4096];
	size_t i, n = 99, len;
	int ret;

	len = snprintf(json, sizeof(json), "[\n{");
	for (i = 0; i < 8; i++)
		len += snprintf(json + len, sizeof(json) - len, "%s\"%s\": %s",
				i ? ", " : "", keys[i],
				strcmp(keys[i], key) ? good[i] : value);
	snprintf(json + len, sizeof(json) - len, "}\n]\n");
	ret = parse(json, &hits, &n);
	if (ret) {
		/* nothing half-parsed comes out */
		assert_null(hits);
		assert_int_equal(n, 0);
		assert_int_not_equal(errbuf[0], '\0');
	} else {
		free(hits);
	}
	return ret;
}

static void parse_rejects_bad_values(void **state)
{
	char name[KPS_NAME_LEN + 1], big[sizeof(name) + 2];

	/* the template itself is good */
	assert_int_equal(parse_with("", ""), 0);
	assert_int_equal(parse_with("pid", "4294967295"), 0);

	assert_int_equal(parse_with("pid", "4294967296"), -EBADMSG);
	assert_non_null(strstr(errbuf, "\"pid\" is larger than 4294967295"));
	assert_int_equal(parse_with("tgid", "99999999999999999999999999999"), -EBADMSG);
	assert_non_null(strstr(errbuf, "\"tgid\" is larger"));
	assert_int_equal(parse_with("offset", "18446744073709551616"), -EBADMSG);
	assert_non_null(strstr(errbuf, "\"offset\" is larger"));
	assert_int_equal(parse_with("pid", "-1"), -EBADMSG);
	assert_int_equal(parse_with("pid", "01"), -EBADMSG);
	assert_non_null(strstr(errbuf, "leading zero"));
	assert_int_equal(parse_with("pid", "1.0"), -EBADMSG);
	assert_int_equal(parse_with("pid", "1e3"), -EBADMSG);
	assert_int_equal(parse_with("pid", "\"1\""), -EBADMSG);
	assert_int_equal(parse_with("kthread", "1"), -EBADMSG);
	assert_int_equal(parse_with("kthread", "True"), -EBADMSG);
	assert_int_equal(parse_with("comm", "null"), -EBADMSG);
	assert_int_equal(parse_with("function", "\"\""), -EBADMSG);
	assert_non_null(strstr(errbuf, "\"function\" is empty"));
	assert_int_equal(parse_with("module", "\"ext4\""), 0);
	assert_int_equal(parse_with("function", "null"), 0);

	/* strings: only what kcare-prescreen writes */
	assert_int_equal(parse_with("comm", "\"a\tb\""), -EBADMSG);
	assert_non_null(strstr(errbuf, "raw byte 0x09"));
	assert_int_equal(parse_with("comm", "\"\xc3\xa9\""), -EBADMSG);
	assert_int_equal(parse_with("comm", "\"a\\nb\""), -EBADMSG);
	assert_int_equal(parse_with("comm", "\"a\\/b\""), -EBADMSG);
	assert_int_equal(parse_with("comm", "\"\\u0000\""), -EBADMSG);
	assert_int_equal(parse_with("comm", "\"\\u0100\""), -EBADMSG);
	assert_int_equal(parse_with("comm", "\"\\u00g1\""), -EBADMSG);
	assert_int_equal(parse_with("comm", "\"\\ud83d\\ude00\""), -EBADMSG);

	/* oversized fields */
	assert_int_equal(parse_with("comm", "\"0123456789abcdef\""), 0);
	assert_int_equal(parse_with("comm", "\"0123456789abcdefg\""), -EBADMSG);
	assert_non_null(strstr(errbuf, "\"comm\" is longer than 16 bytes"));
	/* KSYM_NAME_LEN - 1 characters, then one more */
	memset(name, 'f', sizeof(name));
	name[KPS_NAME_LEN - 1] = '\0';
	snprintf(big, sizeof(big), "\"%s\"", name);
	assert_int_equal(parse_with("function", big), 0);
	name[KPS_NAME_LEN - 1] = 'f';
	name[KPS_NAME_LEN] = '\0';
	snprintf(big, sizeof(big), "\"%s\"", name);
	assert_int_equal(parse_with("function", big), -EBADMSG);
	assert_non_null(strstr(errbuf, "\"function\" is longer than 511 bytes"));
	assert_int_equal(parse_with("module", "\"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\""),
			 0);
	assert_int_equal(parse_with("module", "\"mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm\""),
			 -EBADMSG);

	/* addresses as %llx writes them */
	assert_int_equal(parse_with("address", "\"0xffffffffffffffff\""), 0);
	assert_int_equal(parse_with("address", "\"0x1ffffffffffffffff\""), -EBADMSG);
	assert_int_equal(parse_with("address", "\"0xFFFF\""), -EBADMSG);
	assert_int_equal(parse_with("address", "\"ffff\""), -EBADMSG);
	assert_int_equal(parse_with("address", "\"0x\""), -EBADMSG);
	assert_int_equal(parse_with("address", "\"0x-1\""), -EBADMSG);
	assert_int_equal(parse_with("address", "4096"), -EBADMSG);
}

/* Inputs refused whole: *hits and *n untouched by half-parsed data. */
static void parse_rejects_malformed(void **state)
{
	static const struct {
		const char *json;
		const char *why;
	} bad[] = {
		{ "", "empty output" },
		{ "[", "truncated" },
		{ "[\n", "truncated" },
		{ "[\n" SLEEP_HIT, "truncated" },
		{ "[\n" SLEEP_HIT "\n", "truncated" },
		{ "[\n" SLEEP_HIT ",\n", "truncated" },
		{ "[\n{\"pid\": 107, \"tgid\": 107, \"comm\": \"sle", "not terminated" },
		{ "[\n{\"pid\": 107, \"tgid\": 107, \"comm\": \"sleep\\", "not terminated" },
		{ "[\n{\"pid\": 107, \"tgid\": 107, \"comm\": \"\\u00", "not terminated" },
		{ "[\n{\"pid\": 107, \"tg", "truncated" },
		{ "[\n{\"pid\": 107", "truncated" },
		{ "[]\n[]\n", "after the closing" },
		{ "[] ", "after the closing" },
		{ "[]x", "after the closing" },
		{ TWO_HITS "garbage", "after the closing" },
		{ TWO_HITS "\n", "after the closing" },
		{ "[ ]", "expected" },
		{ "[\n]\n", "expected" },
		{ "{}", "expected" },
		{ "null", "expected" },
		{ "[\n" SLEEP_HIT ",\n]\n", "expected" },
		{ "[\n" SLEEP_HIT "," SLEEP_HIT "\n]\n", "expected" },
		{ "[\n" SLEEP_HIT "\n" SLEEP_HIT "\n]\n", "expected" },
		{ "[\n" SLEEP_HIT " \n]\n", "expected" },
		/* missing, extra, reordered fields */
		{ "[\n{\"pid\": 1, \"comm\": \"a\", \"kthread\": false, \"function\": \"f\", "
		  "\"module\": null, \"offset\": 0, \"address\": \"0x1\"}\n]\n", "\"tgid\"" },
		{ "[\n{\"pid\": 1, \"tgid\": 1, \"comm\": \"a\", \"kthread\": false, "
		  "\"function\": \"f\", \"module\": null, \"offset\": 0}\n]\n", "\"address\"" },
		{ "[\n{\"tgid\": 1, \"pid\": 1, \"comm\": \"a\", \"kthread\": false, "
		  "\"function\": \"f\", \"module\": null, \"offset\": 0, \"address\": \"0x1\"}\n]\n",
		  "\"pid\"" },
		{ "[\n{\"pid\": 1, \"tgid\": 1, \"comm\": \"a\", \"kthread\": false, "
		  "\"function\": \"f\", \"module\": null, \"offset\": 0, \"address\": \"0x1\", "
		  "\"extra\": 1}\n]\n", "'}'" },
		{ "[\n{}\n]\n", "expected" },
		/* kcare-prescreen never names a module without a function */
		{ "[\n{\"pid\": 1, \"tgid\": 1, \"comm\": \"a\", \"kthread\": false, "
		  "\"function\": null, \"module\": \"ext4\", \"offset\": 0, \"address\": \"0x1\"}\n]\n",
		  "a module without a function" },
	};
	struct kps_hit *hits;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		hits = (void *)1;
		n = 99;
		errbuf[0] = '\0';
		if (parse(bad[i].json, &hits, &n) != -EBADMSG ||
		    !strstr(errbuf, bad[i].why))
			fail_msg("accepted or misreported input %zu: \"%s\" -> \"%s\"",
				 i, bad[i].json, errbuf);
		assert_null(hits);
		assert_int_equal(n, 0);
	}
	/* the error says where */
	parse("[\n" SLEEP_HIT ",\n{\"pid\": x", &hits, &n);
	assert_string_equal(errbuf, "line 3, column 9: \"pid\" is not an unsigned integer");

	/* a NUL inside the given length is data, and bad data */
	hits = (void *)1;
	assert_int_equal(kps_parse("[]\0", 3, &hits, &n, errbuf,
					    sizeof(errbuf)), -EBADMSG);
	assert_null(hits);
	assert_int_equal(kps_parse("[\n" SLEEP_HIT "\n]\n", 20, &hits, &n,
					    NULL, 0), -EBADMSG);
	assert_null(hits);
}

static void format_hit_like_the_command(void **state)
{
	struct kps_hit h = {
		.pid = 107, .tgid = 107, .comm = "sleep",
		.function = "hrtimer_nanosleep", .offset = 0x9e,
		.address = 0xffffffffa315674eULL,
	};
	char buf[128];

	kps_format_hit(&h, buf, sizeof(buf));
	assert_string_equal(buf, "107 sleep hrtimer_nanosleep+0x9e");
	h.kthread = true;
	strcpy(h.module, "ext4");
	strcpy(h.comm, "a\nb\x7f");
	kps_format_hit(&h, buf, sizeof(buf));
	assert_string_equal(buf, "107 [a?b?] hrtimer_nanosleep+0x9e [ext4]");
	h.function[0] = h.module[0] = '\0';
	kps_format_hit(&h, buf, sizeof(buf));
	assert_string_equal(buf, "107 [a?b?] 0xffffffffa315674e");
}

/* Fake commands */

static char *path(const char *name)
{
	static char buf[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static void script(const char *name, const char *fmt, ...)
{
	FILE *f = fopen(path(name), "w");
	va_list ap;

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path(name), 0755), 0);
}

/* A command that prints json (quoted: no expansion) and exits with code. */
static void canned(const char *name, const char *json, int code)
{
	script(name, "cat <<'EOF'\n%sEOF\nexit %d\n", json, code);
}

static char *slurp(const char *name)
{
	static char buf[4096];
	FILE *f = fopen(path(name), "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup_dir(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

static const char *const functions[] = { "hrtimer_nanosleep", "kthreadd" };

static enum kps_status run(const char *name, unsigned int timeout_ms,
				    struct kps_hit **hits, size_t *n,
				    char *msg, size_t len)
{
	struct kps_opts opts = {
		.command = name[0] == '/' ? name : path(name),
		.timeout_ms = timeout_ms,
	};

	return kps_run(&opts, functions, 2, hits, n, msg, len);
}

static void run_lists_the_tasks_inside(void **state)
{
	struct kps_opts opts = { .command = path("inside") };
	const char *args[] = { "-v", "ext4:ext4_fill_super,2", NULL, "a b" };
	struct kps_hit *hits;
	char msg[256], evil[300], want[512];
	size_t n;

	canned("inside", TWO_HITS, 1);
	assert_int_equal(run("inside", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_INSIDE);
	assert_int_equal(n, 2);
	assert_string_equal(hits[0].comm, "kthreadd");
	assert_true(hits[0].kthread);
	assert_int_equal(hits[1].pid, 107);
	assert_string_equal(hits[1].function, "hrtimer_nanosleep");
	assert_string_equal(msg, "");
	free(hits);

	/* arguments go as they are, after "--", without a shell */
	script("args", "for a; do printf '%%s|' \"$a\"; done >'%s'\necho '[]'\n",
	       path("args.out"));
	opts.command = path("args");
	snprintf(evil, sizeof(evil), "$(touch %s)", path("pwned"));
	args[2] = evil;
	assert_int_equal(kps_run(&opts, args, 4, &hits, &n, msg,
					  sizeof(msg)), KPS_CLEAR);
	snprintf(want, sizeof(want), "--json|--|-v|ext4:ext4_fill_super,2|%s|a b|",
		 evil);
	assert_string_equal(slurp("args.out"), want);
	assert_null(slurp("pwned"));
}

static void run_nobody_inside(void **state)
{
	struct kps_hit *hits = (void *)1;
	char msg[256];
	size_t n = 99;

	canned("clear", "[]\n", 0);
	assert_int_equal(run("clear", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_CLEAR);
	assert_null(hits);
	assert_int_equal(n, 0);
	assert_string_equal(msg, "");

	/* its warnings come along */
	script("warns", "echo 'kcare-prescreen: warning: do_nanosleep is scheduler code' >&2\n"
	       "echo '[]'\n");
	assert_int_equal(run("warns", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_CLEAR);
	assert_string_equal(msg, "kcare-prescreen: warning: do_nanosleep is scheduler code");
}

static void run_reports_the_command_error(void **state)
{
	struct kps_hit *hits;
	char msg[256], big[8192];
	size_t n;

	script("fails", "echo '[' ; echo 'kcare-prescreen: BPF not permitted: run as root' >&2\n"
	       "exit 2\n");
	assert_int_equal(run("fails", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_FAILED);
	assert_null(hits);
	assert_int_equal(n, 0);
	assert_string_equal(msg, "kcare-prescreen: BPF not permitted: run as root");

	/* several lines become one, and no control byte gets through */
	script("fails2", "printf 'kcare-prescreen: no function a\\n\\nkcare-prescreen: \\033[31mno b\\n' >&2\n"
	       "exit 2\n");
	assert_int_equal(run("fails2", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_FAILED);
	assert_string_equal(msg, "kcare-prescreen: no function a; kcare-prescreen: ?[31mno b");

	/* a flood on stderr is cut, and says so */
	script("chatty", "head -c 100000 /dev/zero | tr '\\0' x >&2\nexit 2\n");
	assert_int_equal(run("chatty", 0, &hits, &n, big, sizeof(big)),
			 KPS_FAILED);
	assert_in_range(strlen(big), 1000, 4099);
	assert_int_equal(strspn(big, "x"), strlen(big) - 3);
	assert_string_equal(big + strlen(big) - 3, "...");

	script("silent", "exit 3\n");
	assert_int_equal(run("silent", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_FAILED);
	assert_non_null(strstr(msg, "silent exited with status 3 and no message"));

	script("dies", "echo '[' ; kill -9 $$\n");
	assert_int_equal(run("dies", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_FAILED);
	assert_non_null(strstr(msg, "dies was killed by signal 9"));
}

static void run_missing_command(void **state)
{
	struct kps_hit *hits = (void *)1;
	char msg[256];
	size_t n = 99;

	assert_int_equal(run(path("nowhere"), 0, &hits, &n, msg, sizeof(msg)),
			 KPS_NOCMD);
	assert_null(hits);
	assert_int_equal(n, 0);
	assert_string_equal(strstr(msg, "cannot run "), msg);
	assert_non_null(strstr(msg, "nowhere: No such file or directory"));

	script("noexec", "echo '[]'\n");
	assert_int_equal(chmod(path("noexec"), 0644), 0);
	assert_int_equal(run("noexec", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_NOCMD);
	assert_non_null(strstr(msg, "noexec: Permission denied"));
}

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Dead (or a zombie waiting for init) within a second. */
static bool gone(int pid)
{
	char file[64], stat[256], *state;
	int i;

	snprintf(file, sizeof(file), "/proc/%d/stat", pid);
	for (i = 0; i < 100; i++) {
		FILE *f = fopen(file, "r");

		if (!f)
			return true;
		state = fgets(stat, sizeof(stat), f) ? strrchr(stat, ')') : NULL;
		fclose(f);
		if (state && state[1] == ' ' && state[2] == 'Z')
			return true;
		usleep(10000);
	}
	return false;
}

static void run_times_out(void **state)
{
	struct kps_hit *hits;
	struct timespec t0;
	char msg[256];
	size_t n;

	script("slow", "echo '['\nsleep 10\necho ']'\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run("slow", 200, &hits, &n, msg, sizeof(msg)),
			 KPS_TIMEOUT);
	assert_in_range(elapsed_ms(&t0), 190, 3000);
	assert_null(hits);
	assert_non_null(strstr(msg, "slow did not finish within 200 ms: killed"));

	/* closing its outputs does not get it off the hook */
	script("lingers", "echo '[]'\nexec >/dev/null 2>&1\nsleep 10\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(run("lingers", 200, &hits, &n, msg, sizeof(msg)),
			 KPS_TIMEOUT);
	assert_in_range(elapsed_ms(&t0), 190, 3000);

	/* what it started dies with it */
	script("forks", "sleep 10 &\necho $! >'%s'\nwait\n", path("forks.pid"));
	assert_int_equal(run("forks", 200, &hits, &n, msg, sizeof(msg)),
			 KPS_TIMEOUT);
	assert_non_null(slurp("forks.pid"));
	assert_true(gone(atoi(slurp("forks.pid"))));
}

static void run_refuses_bad_output(void **state)
{
	struct kps_hit *hits = (void *)1;
	char msg[256];
	size_t n = 99;

	/* cut in the middle of a string, as by a crash */
	script("truncated", "printf '%%s' '[\n{\"pid\": 107, \"tgid\": 107, \"comm\": \"sle'\n"
	       "exit 1\n");
	assert_int_equal(run("truncated", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_BADOUTPUT);
	assert_null(hits);
	assert_int_equal(n, 0);
	assert_non_null(strstr(msg, "bad output from "));
	assert_non_null(strstr(msg, "not terminated"));

	/* the exit status and the list must agree */
	canned("says_clear", TWO_HITS, 0);
	assert_int_equal(run("says_clear", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_BADOUTPUT);
	assert_null(hits);
	assert_int_equal(n, 0);
	assert_non_null(strstr(msg, "exit status 0 with 2 tasks listed"));
	canned("says_inside", "[]\n", 1);
	assert_int_equal(run("says_inside", 0, &hits, &n, msg, sizeof(msg)),
			 KPS_BADOUTPUT);

	/* bounded: more than 1 MiB and it is killed, not read to the end */
	script("floods", "exec cat /dev/zero\n");
	assert_int_equal(run("floods", 5000, &hits, &n, msg, sizeof(msg)),
			 KPS_BADOUTPUT);
	assert_non_null(strstr(msg, "floods wrote more than 1048576 bytes: killed"));
}

/* The policy */

static unsigned int naps, napped_ms;
static unsigned int waits;
static char wait_message[KPS_MSG_LEN];

static void fake_sleep(unsigned int ms)
{
	naps++;
	napped_ms += ms;
}

static void note_wait(const struct kps_result *res, void *data)
{
	assert_int_equal(res->decision, KPS_WAIT);
	assert_ptr_equal(data, &waits);
	waits++;
	strcpy(wait_message, res->message);
}

static enum kps_decision decide(const char *name, unsigned int tries,
					 struct kps_result *res)
{
	struct kps_opts opts = {
		.command = name[0] == '/' ? name : path(name),
		.tries = tries,
		.sleep = fake_sleep,
		.waiting = note_wait,
		.data = &waits,
	};

	naps = napped_ms = waits = 0;
	wait_message[0] = '\0';
	return kps_decide(&opts, functions, 2, res);
}

static void decide_proceeds_at_once(void **state)
{
	struct kps_result res;

	canned("clear", "[]\n", 0);
	assert_int_equal(decide("clear", 0, &res), KPS_PROCEED);
	assert_int_equal(res.decision, KPS_PROCEED);
	assert_int_equal(res.status, KPS_CLEAR);
	assert_int_equal(res.tries, 1);
	assert_int_equal(res.nr_hits, 0);
	assert_int_equal(naps, 0);
	assert_int_equal(waits, 0);
	assert_string_equal(res.message, "no task is inside the functions to change");
	kps_result_free(&res);

	/* with the command's warnings: some tasks may be unseen */
	script("warns", "echo 'kcare-prescreen: warning: do_nanosleep is scheduler code' >&2\n"
	       "echo '[]'\n");
	assert_int_equal(decide("warns", 0, &res), KPS_PROCEED);
	assert_string_equal(res.message,
			    "no task is inside the functions to change; "
			    "kcare-prescreen: warning: do_nanosleep is scheduler code");
	kps_result_free(&res);
}

static void decide_waits_until_clear(void **state)
{
	struct kps_result res;

	/* inside for two runs, then clear; it counts its runs */
	script("counts", "n=$(cat '%s' 2>/dev/null || echo 0)\nn=$((n + 1))\n"
	       "echo $n >'%s'\n"
	       "if [ $n -lt 3 ]; then cat <<'EOF'\n" TWO_HITS "EOF\nexit 1\nfi\n"
	       "echo '[]'\n", path("count"), path("count"));
	assert_int_equal(decide("counts", 0, &res), KPS_PROCEED);
	assert_int_equal(res.tries, 3);
	assert_string_equal(slurp("count"), "3\n");
	assert_int_equal(naps, 2);
	assert_int_equal(napped_ms, 2 * KPS_DELAY_MS);
	assert_int_equal(waits, 2);
	assert_string_equal(wait_message,
			    "2 tasks are inside the functions to change: 2 [kthreadd] kthreadd+0x2bc, "
			    "107 sleep hrtimer_nanosleep+0x9e; trying again in 1 s (try 2 of 5)");
	assert_int_equal(res.nr_hits, 0);
	assert_null(res.hits);
	assert_string_equal(res.message,
			    "no task is inside the functions to change after 3 tries");
	kps_result_free(&res);
}

static void decide_warns_after_the_tries(void **state)
{
	struct kps_result res;
	char json[8192], line[256], want[1024];
	size_t len, i;

	/* twelve tasks: ten are named, then "and 2 more" */
	len = snprintf(json, sizeof(json), "[\n");
	for (i = 0; i < 12; i++)
		len += snprintf(json + len, sizeof(json) - len,
				"%s{\"pid\": %zu, \"tgid\": 1, \"comm\": \"t%zu\", "
				"\"kthread\": false, \"function\": \"f\", \"module\": null, "
				"\"offset\": %zu, \"address\": \"0x1\"}",
				i ? ",\n" : "", 100 + i, i, i);
	snprintf(json + len, sizeof(json) - len, "\n]\n");
	canned("busy", json, 1);

	assert_int_equal(decide("busy", 3, &res), KPS_WARN);
	assert_int_equal(res.status, KPS_INSIDE);
	assert_int_equal(res.tries, 3);
	assert_int_equal(naps, 2);
	assert_int_equal(waits, 2);
	assert_int_equal(res.nr_hits, 12);
	assert_int_equal(res.hits[11].pid, 111);
	len = snprintf(want, sizeof(want),
		       "12 tasks are still inside the functions to change after 3 tries");
	for (i = 0; i < 10; i++) {
		snprintf(line, sizeof(line), "%s%zu t%zu f+0x%zx", i ? ", " : ": ",
			 100 + i, i, i);
		len += snprintf(want + len, sizeof(want) - len, "%s", line);
	}
	snprintf(want + len, sizeof(want) - len,
		 ", and 2 more; the engine's check decides");
	assert_string_equal(res.message, want);
	kps_result_free(&res);
	assert_null(res.hits);

	/* by default: five runs, a second apart */
	assert_int_equal(decide("busy", 0, &res), KPS_WARN);
	assert_int_equal(res.tries, KPS_TRIES);
	assert_int_equal(naps, KPS_TRIES - 1);
	assert_int_equal(napped_ms, (KPS_TRIES - 1) * KPS_DELAY_MS);
	kps_result_free(&res);

	/* one task, one try: no wait at all */
	canned("one", "[\n" SLEEP_HIT "\n]\n", 1);
	assert_int_equal(decide("one", 1, &res), KPS_WARN);
	assert_int_equal(naps, 0);
	assert_string_equal(res.message,
			    "1 task is still inside the functions to change after 1 try: "
			    "107 sleep hrtimer_nanosleep+0x9e; the engine's check decides");
	kps_result_free(&res);
}

static void decide_warns_without_a_prescreen(void **state)
{
	struct kps_result res;
	char want[512];

	assert_int_equal(decide(path("nowhere"), 0, &res), KPS_WARN);
	assert_int_equal(res.status, KPS_NOCMD);
	assert_int_equal(res.tries, 1);
	assert_int_equal(naps, 0);
	assert_null(res.hits);
	snprintf(want, sizeof(want),
		 "no pre-screen: cannot run %s: No such file or directory; the engine's check decides",
		 path("nowhere"));
	assert_string_equal(res.message, want);
	kps_result_free(&res);

	/* its own error (not root, no BPF) is no reason to wait either */
	script("fails", "echo 'kcare-prescreen: BPF not permitted: run as root' >&2\nexit 2\n");
	assert_int_equal(decide("fails", 0, &res), KPS_WARN);
	assert_int_equal(res.status, KPS_FAILED);
	assert_int_equal(res.tries, 1);
	assert_int_equal(naps, 0);
	assert_string_equal(res.message,
			    "no pre-screen: kcare-prescreen: BPF not permitted: run as root; "
			    "the engine's check decides");
	kps_result_free(&res);

	/* nor is a failure after a wait: the last run's reason is given */
	script("flaky", "if [ -e '%s' ]; then exit 2; fi\ntouch '%s'\ncat <<'EOF'\n"
	       TWO_HITS "EOF\nexit 1\n", path("flaky.ran"), path("flaky.ran"));
	assert_int_equal(decide("flaky", 0, &res), KPS_WARN);
	assert_int_equal(res.status, KPS_FAILED);
	assert_int_equal(res.tries, 2);
	assert_int_equal(naps, 1);
	assert_int_equal(res.nr_hits, 0);
	assert_non_null(strstr(res.message, "flaky exited with status 2 and no message"));
	kps_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_empty),
		cmocka_unit_test(parse_one_hit),
		cmocka_unit_test(parse_several_hits),
		cmocka_unit_test(parse_kthread_in_raw_range),
		cmocka_unit_test(parse_escapes_in_comm),
		cmocka_unit_test(parse_rejects_bad_values),
		cmocka_unit_test(parse_rejects_malformed),
		cmocka_unit_test(format_hit_like_the_command),
		cmocka_unit_test(run_lists_the_tasks_inside),
		cmocka_unit_test(run_nobody_inside),
		cmocka_unit_test(run_reports_the_command_error),
		cmocka_unit_test(run_missing_command),
		cmocka_unit_test(run_times_out),
		cmocka_unit_test(run_refuses_bad_output),
		cmocka_unit_test(decide_proceeds_at_once),
		cmocka_unit_test(decide_waits_until_clear),
		cmocka_unit_test(decide_warns_after_the_tries),
		cmocka_unit_test(decide_warns_without_a_prescreen),
	};

	return cmocka_run_group_tests_name("prescreen", tests, setup_dir,
					   remove_dir);
}
