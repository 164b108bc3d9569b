// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the downloads (userland/lib/fetch.c) against a tiny
 * HTTP/1.1 server on 127.0.0.1 (fetch_server.c), forked by the test. It
 * logs each request line and Range header, which the tests read back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fetch.h"
#include "fetch_server.h"

static char dir[] = "/tmp/kc-fetch-test.XXXXXX";
static char logpath[256], dest[256], part[256], info[256], url[512];
static char err[1024];
static pid_t server;
static int port;

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/server.log", dir);
	snprintf(dest, sizeof(dest), "%s/file", dir);
	snprintf(part, sizeof(part), "%s/file.part", dir);
	snprintf(info, sizeof(info), "%s/file.part.info", dir);
	server = fetch_server_start(logpath, &port);
	if (server < 0)
		return -1;
	/* No proxy from the environment may be used behind our back. */
	setenv("http_proxy", "http://127.0.0.1:1", 1);
	setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);
	setenv("https_proxy", "http://127.0.0.1:1", 1);
	setenv("ALL_PROXY", "http://127.0.0.1:1", 1);
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static int teardown(void **state)
{
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Each test: no file, an empty log. */
static int fresh(void **state)
{
	unlink(dest);
	unlink(part);
	unlink(info);
	if (truncate(logpath, 0) && errno != ENOENT)
		return -1;
	err[0] = '\0';
	return 0;
}

static unsigned int sleeps[16], nsleeps;

static void fake_sleep(unsigned int ms, void *arg)
{
	if (nsleeps < 16)
		sleeps[nsleeps] = ms;
	nsleeps++;
}

static void opts(struct kc_fetch_opts *o, unsigned int retries)
{
	kc_fetch_opts_init(o);
	o->retries = retries;
	o->backoff_ms = 100;
	o->connect_timeout_ms = 1000;
	o->timeout_ms = 3000;
	o->sleep_ms = fake_sleep;
	nsleeps = 0;
}

static const char *U(const char *path)
{
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	return url;
}

static char *slurp(const char *path, size_t *len)
{
	char *buf = NULL;
	FILE *f = fopen(path, "r");
	size_t cap = 0;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		buf = realloc(buf, cap + 4097);
		n = fread(buf + cap, 1, 4096, f);
		cap += n;
		if (n < 4096)
			break;
	}
	fclose(f);
	buf[cap] = '\0';
	*len = cap;
	return buf;
}

static void assert_pattern(const char *path, size_t size, unsigned int seed)
{
	size_t len, i;
	char *b = slurp(path, &len);

	assert_non_null(b);
	assert_int_equal(len, size);
	for (i = 0; i < len; i++)
		if ((unsigned char)b[i] != pattern(i, seed))
			fail_msg("byte %zu differs", i);
	free(b);
}

static void assert_no_file(const char *path)
{
	assert_int_equal(access(path, F_OK), -1);
}

/* The server's log: one "REQUEST-LINE|RANGE" line per request. */
static char *server_log(void)
{
	size_t len;
	char *b = slurp(logpath, &len);

	return b ? b : strdup("");
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void expect_err_rc(int rc, int want_rc, const char *want)
{
	assert_int_equal(rc, want_rc);
	if (strcmp(err, want))
		fail_msg("message\n  got:  %s\n  want: %s", err, want);
}

static void expect_err(int rc, const char *want)
{
	assert_int_equal(rc, -1);
	if (strcmp(err, want))
		fail_msg("message\n  got:  %s\n  want: %s", err, want);
}

/* ---- the tests ---- */

static void fetch_ok(void **state)
{
	struct kc_fetch_opts o;
	struct stat st;

	opts(&o, 0);
	assert_int_equal(kc_fetch(&o, U("/ok"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_pattern(dest, FILE_SIZE, 1);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_no_file(part);
}

static void fetch_mem_ok(void **state)
{
	struct kc_fetch_opts o;
	size_t len, i;
	char *buf;

	opts(&o, 0);
	assert_int_equal(kc_fetch_mem(&o, U("/ok"), 1 << 20, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, FILE_SIZE);
	assert_int_equal(buf[len], '\0');
	for (i = 0; i < len; i++)
		assert_int_equal((unsigned char)buf[i], pattern(i, 1));
	free(buf);
}

static void api_post_refusal_not_retried(void **state)
{
	struct kc_fetch_opts o;
	size_t len;
	char *buf;

	opts(&o, 2);
	assert_int_equal(kc_fetch_api(&o, U("/ok"), "{}", 1 << 20, &buf, &len, err, sizeof(err)), 0);
	free(buf);
	assert_int_equal(kc_fetch_api(&o, U("/missing"), "{}", 1 << 20, &buf, &len, err,
				      sizeof(err)), KC_FETCH_NOT_FOUND);
	/* An API tells 410 (expired) from 404; a download does not. */
	assert_int_equal(kc_fetch_api(&o, U("/gone"), "{}", 1 << 20, &buf, &len, err,
				      sizeof(err)), KC_FETCH_GONE);
	assert_int_equal(kc_fetch_mem(&o, U("/gone"), 1 << 20, &buf, &len, err,
				      sizeof(err)), KC_FETCH_NOT_FOUND);
	assert_int_equal(nsleeps, 0);
}

static void http_404_not_retried(void **state)
{
	struct kc_fetch_opts o;
	char want[600], *log;

	opts(&o, 3);
	snprintf(want, sizeof(want), "HTTP 404 for %s (not found on the server)", U("/missing"));
	expect_err_rc(kc_fetch(&o, U("/missing"), dest, 1 << 20, err, sizeof(err)),
		      KC_FETCH_NOT_FOUND, want);
	assert_no_file(dest);
	assert_no_file(part);
	assert_int_equal(nsleeps, 0);
	log = server_log();
	assert_int_equal(count_lines(log), 1);
	free(log);
	{
		char *b = NULL;
		size_t l;

		expect_err_rc(kc_fetch_mem(&o, U("/missing"), 1 << 20, &b, &l,
					    err, sizeof(err)),
			      KC_FETCH_NOT_FOUND, want);
		assert_null(b);
	}
}

static void http_500_retried_with_backoff(void **state)
{
	struct kc_fetch_opts o;
	char want[600], *log;

	opts(&o, 2);
	snprintf(want, sizeof(want), "HTTP 500 for %s (server error), after 3 attempts",
		 U("/always500"));
	expect_err(kc_fetch(&o, U("/always500"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
	assert_int_equal(nsleeps, 2);
	assert_int_equal(sleeps[0], 100);
	assert_int_equal(sleeps[1], 200);
	log = server_log();
	assert_int_equal(count_lines(log), 3);
	free(log);

	opts(&o, 0);
	snprintf(want, sizeof(want), "HTTP 500 for %s (server error)", U("/always500"));
	expect_err(kc_fetch_mem(&o, U("/always500"), 100, &log, &(size_t){0}, err,
				 sizeof(err)), want);
	assert_null(log);
}

static void http_500_then_ok(void **state)
{
	struct kc_fetch_opts o;

	opts(&o, 1);
	counters[C_FLAKY] = 0;
	assert_int_equal(kc_fetch(&o, U("/flaky"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_int_equal(nsleeps, 1);
	assert_pattern(dest, FILE_SIZE, 1);
}

static void connection_refused(void **state)
{
	struct kc_fetch_opts o;
	char want[600];
	int fd, p;

	fd = fetch_listen_any(&p);	/* bound, never listening: refused */
	assert_true(fd >= 0);
	opts(&o, 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", p);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d (Connection refused)", p);
	expect_err(kc_fetch(&o, url, dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
	assert_no_file(part);

	opts(&o, 1);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ok", p);
	snprintf(want, sizeof(want),
		 "cannot connect to 127.0.0.1:%d (Connection refused), after 2 attempts", p);
	expect_err(kc_fetch(&o, url, dest, 1 << 20, err, sizeof(err)), want);
	assert_int_equal(nsleeps, 1);
	close(fd);
}

static void cut_then_resumed(void **state)
{
	struct kc_fetch_opts o;
	char want[600], *log;

	opts(&o, 0);
	counters[C_CUT] = 0;
	snprintf(want, sizeof(want), "%s: transfer cut after 500 bytes (of 1000)", U("/cut"));
	expect_err(kc_fetch(&o, U("/cut"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
	assert_pattern(part, 500, 2);	/* kept for the next call */

	assert_int_equal(kc_fetch(&o, U("/cut"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_pattern(dest, CUT_SIZE, 2);
	assert_no_file(part);
	log = server_log();
	assert_non_null(strstr(log, "GET /cut HTTP/1.1|-1\nGET /cut HTTP/1.1|500\n"));
	free(log);
}

static void cut_retried_within_call(void **state)
{
	struct kc_fetch_opts o;
	char *log;

	opts(&o, 1);
	counters[C_CUT] = 0;
	assert_int_equal(kc_fetch(&o, U("/cut"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_int_equal(nsleeps, 1);
	assert_pattern(dest, CUT_SIZE, 2);
	log = server_log();
	assert_int_equal(count_lines(log), 2);
	assert_non_null(strstr(log, "|500\n"));
	free(log);
}

static void cut_range_ignored(void **state)
{
	struct kc_fetch_opts o;
	char *log;

	opts(&o, 0);
	counters[C_CUT_NORANGE] = 0;
	assert_int_equal(kc_fetch(&o, U("/cut-norange"), dest, 1 << 20, err, sizeof(err)), -1);
	assert_pattern(part, 500, 3);
	/* The server answers 200 with the whole file: written from zero. */
	assert_int_equal(kc_fetch(&o, U("/cut-norange"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_pattern(dest, CUT_SIZE, 3);
	log = server_log();
	assert_int_equal(count_lines(log), 2);
	assert_non_null(strstr(log, "|500\n"));
	free(log);
}

static void cut_file_changed(void **state)
{
	struct kc_fetch_opts o;
	char *log;

	opts(&o, 0);
	counters[C_CUT_CHANGED] = 0;
	assert_int_equal(kc_fetch(&o, U("/cut-changed"), dest, 1 << 20, err, sizeof(err)), -1);
	/* 206 for a file of another size: the .part is dropped, from zero. */
	assert_int_equal(kc_fetch(&o, U("/cut-changed"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_pattern(dest, CHANGED_SIZE, 5);
	log = server_log();
	assert_string_equal(log, "GET /cut-changed HTTP/1.1|-1\n"
				 "GET /cut-changed HTTP/1.1|500\n"
				 "GET /cut-changed HTTP/1.1|-1\n");
	free(log);
}

static void part_of_other_url_not_resumed(void **state)
{
	struct kc_fetch_opts o;
	char *log;

	opts(&o, 0);
	assert_int_equal(kc_fetch(&o, U("/cut-always"), dest, 1 << 20, err, sizeof(err)), -1);
	assert_pattern(part, 500, 6);
	assert_int_equal(kc_fetch(&o, U("/ok"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_pattern(dest, FILE_SIZE, 1);
	log = server_log();
	assert_non_null(strstr(log, "GET /ok HTTP/1.1|-1\n"));
	free(log);
}

static void stalled(void **state)
{
	struct kc_fetch_opts o;
	char want[600];

	opts(&o, 0);
	o.low_speed_limit = 1000;
	o.low_speed_time = 1;
	snprintf(want, sizeof(want),
		 "%s: stalled: less than 1000 bytes/s for 1 s (10 bytes received)", U("/slow"));
	expect_err(kc_fetch(&o, U("/slow"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
}

static void timed_out(void **state)
{
	struct kc_fetch_opts o;
	char want[600];

	opts(&o, 0);
	o.timeout_ms = 300;
	snprintf(want, sizeof(want), "%s: timed out after 300 ms (10 bytes received)", U("/slow"));
	expect_err(kc_fetch(&o, U("/slow"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
}

static void redirects(void **state)
{
	struct kc_fetch_opts o;
	char want[600];

	opts(&o, 2);
	assert_int_equal(kc_fetch(&o, U("/redirect"), dest, 1 << 20, err, sizeof(err)), 0);
	assert_pattern(dest, FILE_SIZE, 1);
	unlink(dest);

	snprintf(want, sizeof(want), "%s: redirect refused: only http and https are allowed",
		 U("/redirect-ftp"));
	expect_err(kc_fetch(&o, U("/redirect-ftp"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);

	snprintf(want, sizeof(want), "%s: more than 3 redirects", U("/redirect-loop"));
	expect_err(kc_fetch(&o, U("/redirect-loop"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
	assert_int_equal(nsleeps, 0);
}

static void only_http_urls(void **state)
{
	struct kc_fetch_opts o;

	opts(&o, 0);
	expect_err(kc_fetch(&o, "ftp://127.0.0.1/x", dest, 100, err, sizeof(err)),
		   "ftp://127.0.0.1/x: only http:// and https:// URLs are allowed");
	expect_err(kc_fetch(&o, "file:///etc/passwd", dest, 100, err, sizeof(err)),
		   "file:///etc/passwd: only http:// and https:// URLs are allowed");
	assert_no_file(dest);
	assert_no_file(part);
}

static void too_large(void **state)
{
	struct kc_fetch_opts o;
	char want[600], *buf;
	size_t len;

	opts(&o, 2);
	snprintf(want, sizeof(want), "%s: larger than the limit of 1048576 bytes", U("/huge"));
	expect_err(kc_fetch(&o, U("/huge"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
	assert_no_file(part);

	snprintf(want, sizeof(want), "%s: larger than the limit of 1000 bytes", U("/growing"));
	expect_err(kc_fetch(&o, U("/growing"), dest, 1000, err, sizeof(err)), want);
	assert_no_file(dest);
	assert_no_file(part);

	snprintf(want, sizeof(want), "%s: larger than the limit of 9999 bytes", U("/ok"));
	expect_err(kc_fetch_mem(&o, U("/ok"), 9999, &buf, &len, err, sizeof(err)), want);
	assert_int_equal(nsleeps, 0);

	/* Exactly the limit is fine, also without a Content-Length. */
	assert_int_equal(kc_fetch_mem(&o, U("/growing"), 5000, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 5000);
	free(buf);
}

static void through_proxy(void **state)
{
	struct kc_fetch_opts o;
	char proxy[64], *log;

	opts(&o, 0);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", port);
	o.proxy = proxy;
	assert_int_equal(kc_fetch(&o, "http://repo.example.invalid/ok", dest, 1 << 20, err,
				   sizeof(err)), 0);
	assert_pattern(dest, FILE_SIZE, 1);
	log = server_log();
	assert_string_equal(log, "GET http://repo.example.invalid/ok HTTP/1.1|-1\n");
	free(log);
}

static void proxy_refused(void **state)
{
	struct kc_fetch_opts o;
	char proxy[64], want[600];
	int fd, p;

	fd = fetch_listen_any(&p);
	assert_true(fd >= 0);
	opts(&o, 0);
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", p);
	o.proxy = proxy;
	snprintf(want, sizeof(want), "cannot connect to proxy 127.0.0.1:%d (Connection refused)", p);
	expect_err(kc_fetch(&o, U("/ok"), dest, 1 << 20, err, sizeof(err)), want);
	assert_no_file(dest);
	close(fd);
}

static void tls_to_plain_server(void **state)
{
	struct kc_fetch_opts o;
	char u[128];

	opts(&o, 2);
	snprintf(u, sizeof(u), "https://127.0.0.1:%d/ok", port);
	assert_int_equal(kc_fetch(&o, u, dest, 1 << 20, err, sizeof(err)), -1);
	if (strncmp(err, u, strlen(u)) || !strstr(err, ": TLS: "))
		fail_msg("unexpected message: %s", err);
	assert_int_equal(nsleeps, 0);
	assert_no_file(dest);
	assert_no_file(part);
}

/* A message about a URL with a password shows it masked. */
static void credentials_masked(void **state)
{
	struct kc_fetch_opts o;
	char *buf, u[256];
	size_t len;

	opts(&o, 0);
	snprintf(u, sizeof(u), "http://user:s3cret@127.0.0.1:%d/missing", port);
	assert_int_equal(kc_fetch_mem(&o, u, 1000, &buf, &len, err, sizeof(err)),
			 KC_FETCH_NOT_FOUND);
	assert_null(strstr(err, "s3cret"));
	assert_non_null(strstr(err, "http://***@127.0.0.1:"));
}

/* The run's deadline stops a stalled transfer before the stall limit. */
static void deadline_stops(void **state)
{
	struct kc_fetch_opts o;
	char *buf;
	size_t len;

	opts(&o, 2);
	o.timeout_ms = 0;
	o.low_speed_time = 60;
	o.deadline_ms = kc_fetch_deadline(1);
	o.deadline_s = 1;
	assert_int_equal(kc_fetch_mem(&o, U("/slow"), 1000, &buf, &len, err,
				      sizeof(err)), -1);
	assert_non_null(strstr(err, "the download deadline of 1 s was exceeded"));
	assert_int_equal(nsleeps, 0);
}

#define T(f)	cmocka_unit_test_setup(f, fresh)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fetch_ok),
		T(fetch_mem_ok),
		T(api_post_refusal_not_retried),
		T(http_404_not_retried),
		T(http_500_retried_with_backoff),
		T(http_500_then_ok),
		T(connection_refused),
		T(cut_then_resumed),
		T(cut_retried_within_call),
		T(cut_range_ignored),
		T(cut_file_changed),
		T(part_of_other_url_not_resumed),
		T(stalled),
		T(timed_out),
		T(redirects),
		T(only_http_urls),
		T(too_large),
		T(through_proxy),
		T(proxy_refused),
		T(tls_to_plain_server),
		T(credentials_masked),
		T(deadline_stops),
	};

	return cmocka_run_group_tests_name("fetch", tests, setup, teardown);
}
