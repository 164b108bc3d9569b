// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the downloads (loader/fetch.c) against a tiny HTTP/1.1
 * server on 127.0.0.1, forked by the test, that answers by path: a file,
 * 404, 500 (always, or once then the file), a body cut half-way (then a
 * Range honoured, ignored, or answered for a changed file), a stall,
 * redirects (to http, to ftp, in a loop), a huge Content-Length, a body
 * growing past the limit, and requests through it as a proxy. It logs each
 * request line and Range header, which the tests read back.
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

#define FILE_SIZE	10000	/* /ok */
#define CUT_SIZE	1000	/* /cut*: 500 bytes, then closed */
#define CHANGED_SIZE	1200	/* /cut-changed after the first request */

static char dir[] = "/tmp/kc-fetch-test.XXXXXX";
static char logpath[256], dest[256], part[256], info[256], url[512];
static char err[1024];
static pid_t server;
static int port;
static unsigned int *counters;	/* shared with the server: requests per path */

enum { C_FLAKY, C_CUT, C_CUT_NORANGE, C_CUT_CHANGED, C_MAX };

static unsigned char pattern(size_t i, unsigned int seed)
{
	return (unsigned char)(i * 7 + i / 251 + seed);
}

/* ---- the server ---- */

static void put_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n);

		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			_exit(0);
		}
		c += w;
		n -= w;
	}
}

static void put_str(int fd, const char *s)
{
	put_all(fd, s, strlen(s));
}

static void put_pattern(int fd, size_t from, size_t to, unsigned int seed)
{
	unsigned char buf[4096];

	while (from < to) {
		size_t n = 0;

		while (n < sizeof(buf) && from < to)
			buf[n++] = pattern(from++, seed);
		put_all(fd, buf, n);
	}
}

/* Close after the client does, or after @ms: never an RST on unread data. */
static void linger_close(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char b[256];

	shutdown(fd, SHUT_WR);
	while (poll(&p, 1, ms) > 0 && read(fd, b, sizeof(b)) > 0)
		;
	close(fd);
}

static void headers(int fd, const char *status, long long cl, const char *extra)
{
	char h[512];

	snprintf(h, sizeof(h), "HTTP/1.1 %s\r\nConnection: close\r\n%s", status, extra);
	put_str(fd, h);
	if (cl >= 0) {
		snprintf(h, sizeof(h), "Content-Length: %lld\r\n", cl);
		put_str(fd, h);
	}
	put_str(fd, "\r\n");
}

/* A file of @size bytes, honouring "Range: bytes=N-" if @ranges. */
static void send_file(int fd, size_t size, unsigned int seed, long long range,
		      int ranges)
{
	char extra[128];

	if (range >= 0 && ranges) {
		if ((size_t)range >= size) {
			headers(fd, "416 Range Not Satisfiable", 0, "");
			return;
		}
		snprintf(extra, sizeof(extra), "Content-Range: bytes %lld-%zu/%zu\r\n",
			 range, size - 1, size);
		headers(fd, "206 Partial Content", size - range, extra);
		put_pattern(fd, range, size, seed);
		return;
	}
	headers(fd, "200 OK", size, "");
	put_pattern(fd, 0, size, seed);
}

static void send_cut(int fd, size_t size, unsigned int seed)
{
	headers(fd, "200 OK", size, "");
	put_pattern(fd, 0, size / 2, seed);
}

static void handle(int fd)
{
	char req[8192], line[1024], *end, *path, *r;
	long long range = -1;
	size_t n = 0;
	int logfd;

	while (n < sizeof(req) - 1) {
		ssize_t k = read(fd, req + n, sizeof(req) - 1 - n);

		if (k <= 0)
			_exit(0);
		n += k;
		req[n] = '\0';
		if (req[0] == 0x16) {	/* a TLS client hello: answer nonsense */
			put_str(fd, "HTTP/1.1 400 Bad Request\r\n\r\n");
			linger_close(fd, 1000);
			_exit(0);
		}
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	end = strstr(req, "\r\n");
	if (!end)
		_exit(0);
	*end = '\0';
	r = strcasestr(end + 2, "\r\nRange: bytes=");
	if (!r && !strncasecmp(end + 2, "Range: bytes=", 13))
		r = end;
	if (r)
		range = atoll(strchr(r, '=') + 1);
	snprintf(line, sizeof(line), "%.900s|%lld\n", req, range);
	logfd = open(logpath, O_WRONLY | O_APPEND | O_CREAT, 0600);
	put_str(logfd, line);
	close(logfd);

	path = strchr(req, ' ');
	if (!path)
		_exit(0);
	path++;
	*strchr(path, ' ') = '\0';
	if (!strncmp(path, "http://", 7))	/* as a proxy */
		path = strchr(path + 7, '/');

	if (!strcmp(path, "/ok")) {
		send_file(fd, FILE_SIZE, 1, range, 0);
	} else if (!strcmp(path, "/missing")) {
		headers(fd, "404 Not Found", 0, "");
	} else if (!strcmp(path, "/gone")) {
		headers(fd, "410 Gone", 0, "");
	} else if (!strcmp(path, "/always500")) {
		headers(fd, "500 Internal Server Error", 0, "");
	} else if (!strcmp(path, "/flaky")) {
		if (__atomic_fetch_add(&counters[C_FLAKY], 1, __ATOMIC_SEQ_CST) == 0)
			headers(fd, "500 Internal Server Error", 0, "");
		else
			send_file(fd, FILE_SIZE, 1, range, 0);
	} else if (!strcmp(path, "/cut")) {
		if (__atomic_fetch_add(&counters[C_CUT], 1, __ATOMIC_SEQ_CST) == 0)
			send_cut(fd, CUT_SIZE, 2);
		else
			send_file(fd, CUT_SIZE, 2, range, 1);
	} else if (!strcmp(path, "/cut-norange")) {
		if (__atomic_fetch_add(&counters[C_CUT_NORANGE], 1, __ATOMIC_SEQ_CST) == 0)
			send_cut(fd, CUT_SIZE, 3);
		else
			send_file(fd, CUT_SIZE, 3, range, 0);
	} else if (!strcmp(path, "/cut-changed")) {
		if (__atomic_fetch_add(&counters[C_CUT_CHANGED], 1, __ATOMIC_SEQ_CST) == 0)
			send_cut(fd, CUT_SIZE, 4);
		else
			send_file(fd, CHANGED_SIZE, 5, range, 1);
	} else if (!strcmp(path, "/cut-always")) {
		send_cut(fd, CUT_SIZE, 6);
	} else if (!strcmp(path, "/slow")) {
		headers(fd, "200 OK", 100, "");
		put_pattern(fd, 0, 10, 7);
		/* Stall, until the client gives up. */
		{
			struct pollfd p = { .fd = fd, .events = POLLIN };
			char b[256];

			while (poll(&p, 1, 4000) > 0 && read(fd, b, sizeof(b)) > 0)
				;
		}
		_exit(0);
	} else if (!strcmp(path, "/redirect")) {
		snprintf(line, sizeof(line), "Location: http://127.0.0.1:%d/ok\r\n", port);
		headers(fd, "302 Found", 0, line);
	} else if (!strcmp(path, "/redirect-ftp")) {
		headers(fd, "302 Found", 0, "Location: ftp://127.0.0.1/ok\r\n");
	} else if (!strcmp(path, "/redirect-loop")) {
		headers(fd, "302 Found", 0, "Location: /redirect-loop\r\n");
	} else if (!strcmp(path, "/huge")) {
		headers(fd, "200 OK", 1000000000000LL, "");
		put_pattern(fd, 0, 100, 8);
	} else if (!strcmp(path, "/growing")) {
		/* No Content-Length: the body ends when the connection does. */
		headers(fd, "200 OK", -1, "");
		put_pattern(fd, 0, 5000, 9);
	} else {
		headers(fd, "404 Not Found", 0, "");
	}
	linger_close(fd, 1000);
	_exit(0);
}

static void serve(int lfd)
{
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		int c = accept(lfd, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (fork() == 0) {
			close(lfd);
			handle(c);
		}
		close(c);
	}
}

static int listen_any(int *portp)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(fd, (struct sockaddr *)&a, &al))
		return -1;
	*portp = ntohs(a.sin_port);
	return fd;
}

static int setup(void **state)
{
	int lfd;

	if (!mkdtemp(dir))
		return -1;
	snprintf(logpath, sizeof(logpath), "%s/server.log", dir);
	snprintf(dest, sizeof(dest), "%s/file", dir);
	snprintf(part, sizeof(part), "%s/file.part", dir);
	snprintf(info, sizeof(info), "%s/file.part.info", dir);
	counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counters == MAP_FAILED)
		return -1;
	lfd = listen_any(&port);
	if (lfd < 0 || listen(lfd, 64))
		return -1;
	server = fork();
	if (server < 0)
		return -1;
	if (!server)
		serve(lfd);
	close(lfd);
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

	fd = listen_any(&p);	/* bound, never listening: refused */
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

	fd = listen_any(&p);
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
