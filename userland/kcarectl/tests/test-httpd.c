// SPDX-License-Identifier: GPL-2.0
/*
 * A static HTTP/1.0 file server for the host tests (test-libctl.sh), so
 * that they need no package: GET of a file under DIR, 404 when there is
 * none, one connection at a time, on 127.0.0.1 only. It exits after
 * LIFETIME seconds whatever happens, so that a test killed midway leaves
 * nothing running for long.
 *
 *	test-httpd PORT DIR LIFETIME
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static void reply(int c, const char *status, const char *body, size_t len)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof(head),
		     "HTTP/1.0 %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
		     status, len);
	if (write(c, head, n) != n || (len && write(c, body, len) != (ssize_t)len))
		return;
}

static void serve(int c, const char *dir)
{
	char req[2048], path[4096], *sp, *body;
	struct stat st;
	ssize_t n;
	int fd;

	n = read(c, req, sizeof(req) - 1);
	if (n <= 0)
		return;
	req[n] = '\0';
	if (strncmp(req, "GET /", 5)) {
		reply(c, "400 Bad Request", "", 0);
		return;
	}
	sp = strchr(req + 4, ' ');
	if (!sp) {
		reply(c, "400 Bad Request", "", 0);
		return;
	}
	*sp = '\0';
	if (strstr(req + 4, "..") || strchr(req + 4, '?')) {
		reply(c, "403 Forbidden", "", 0);
		return;
	}
	snprintf(path, sizeof(path), "%s%s", dir, req + 4);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		reply(c, "404 Not Found", "", 0);
		/* Misses too: a test counts what a client asks for. */
		fprintf(stderr, "test-httpd: 404 %s\n", req + 4);
		return;
	}
	body = malloc(st.st_size + 1);
	if (body && read(fd, body, st.st_size) == st.st_size)
		reply(c, "200 OK", body, st.st_size);
	free(body);
	close(fd);
	fprintf(stderr, "test-httpd: GET %s\n", req + 4);
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s, c, one = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: test-httpd PORT DIR LIFETIME\n");
		return 2;
	}
	alarm(atoi(argv[3]));
	a.sin_port = htons(atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 16)) {
		perror("test-httpd");
		return 1;
	}
	for (;;) {
		c = accept(s, NULL, NULL);
		if (c < 0)
			continue;
		serve(c, argv[2]);
		close(c);
	}
}
