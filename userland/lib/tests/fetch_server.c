// SPDX-License-Identifier: GPL-2.0
/*
 * The server of test_fetch.c (fetch_server.h): one forked child per
 * connection, answering by path: a file, 404, 500 (always, or once then
 * the file), a body cut half-way (then a Range honoured, ignored, or
 * answered for a changed file), a stall, redirects (to http, to ftp, in a
 * loop), a huge Content-Length, a body growing past the limit, and
 * requests through it as a proxy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch_server.h"

unsigned int *counters;
static const char *logpath;
static int port;

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

int fetch_listen_any(int *portp)
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

pid_t fetch_server_start(const char *log, int *portp)
{
	pid_t pid;
	int lfd;

	logpath = log;
	counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (counters == MAP_FAILED)
		return -1;
	lfd = fetch_listen_any(&port);
	if (lfd < 0 || listen(lfd, 64))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid)
		serve(lfd);
	close(lfd);
	*portp = port;
	return pid;
}
