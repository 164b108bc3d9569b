// SPDX-License-Identifier: GPL-2.0
/*
 * ep-load: a small, bounded load client for kcare-eportal's figures
 * (bench.sh). N keep-alive connections to 127.0.0.1:PORT, each sending
 * check-ins (POST /api/v1/checkin) for server ids taken in turn from a
 * file, or registrations (POST /api/v1/register, machine ids bench-N)
 * with the key that is the file's first line, for S seconds or M
 * requests in all, whichever comes first; then requests per second and
 * latency percentiles.
 *
 *   ep-load checkin|register PORT FILE CONNS SECONDS MAX-REQUESTS
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static int registering;
static char **ids;
static size_t nids;
static double deadline;
static long max_req;
static atomic_long issued, errors;
static double *lat;		/* seconds, one per request */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* One response: headers, then Content-Length bytes. Returns the status. */
static int read_response(int fd, char *buf, size_t cap)
{
	size_t have = 0, clen = 0, hlen;
	char *end, *cl;
	ssize_t r;

	for (;;) {
		r = read(fd, buf + have, cap - 1 - have);
		if (r <= 0)
			return -1;
		have += r;
		buf[have] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (end)
			break;
		if (have >= cap - 1)
			return -1;
	}
	hlen = end + 4 - buf;
	cl = strcasestr(buf, "\r\nContent-Length:");
	if (cl)
		clen = strtoul(cl + 17, NULL, 10);
	while (have < hlen + clen) {
		r = read(fd, buf, cap - 1 < hlen + clen - have ? cap - 1 : hlen + clen - have);
		if (r <= 0)
			return -1;
		have += r;
	}
	return atoi(buf + 9);
}

static void *worker(void *arg)
{
	char req[1024], body[512], buf[8192];
	int fd = dial();
	long i;
	double t;

	while (fd >= 0 && now() < deadline) {
		i = atomic_fetch_add(&issued, 1);
		if (i >= max_req)
			break;
		if (registering)
			snprintf(body, sizeof(body),
				 "{\"key\":\"%s\",\"machine_id\":\"bench-%ld\",\"hostname\":\"bench-%ld.example\",\"kernel_release\":\"6.1.0-99-amd64\"}",
				 ids[0], i, i);
		else
			snprintf(body, sizeof(body),
			 "{\"server_id\":\"%s\",\"kernel_release\":\"6.1.0-99-amd64\",\"kernel_id\":\"0123456789abcdef0123456789abcdef01234567\",\"effective_kernel\":\"6.1.0-99.2kc\",\"patch_level\":%ld}",
			 ids[i % nids], i % 7);
		snprintf(req, sizeof(req),
			 "POST /api/v1/%s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
			 registering ? "register" : "checkin", strlen(body), body);
		t = now();
		if (write(fd, req, strlen(req)) != (ssize_t)strlen(req) ||
		    read_response(fd, buf, sizeof(buf)) != 200) {
			atomic_fetch_add(&errors, 1);
			lat[i] = -1;
			close(fd);
			fd = dial();
			continue;
		}
		lat[i] = now() - t;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	char line[128];
	pthread_t th[256];
	double t0, el;
	long n, i, ok = 0;
	int conns, c;
	FILE *f;

	if (argc != 7 || (strcmp(argv[1], "checkin") && strcmp(argv[1], "register"))) {
		fprintf(stderr, "usage: ep-load checkin|register PORT FILE CONNS SECONDS MAX-REQUESTS\n");
		return 2;
	}
	registering = !strcmp(argv[1], "register");
	argv++;
	port = atoi(argv[1]);
	conns = atoi(argv[3]);
	max_req = atol(argv[5]);
	if (conns < 1 || conns > 256 || max_req < 1 || max_req > 100000000)
		return 2;
	f = fopen(argv[2], "r");
	if (!f)
		return perror(argv[2]), 1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		ids = realloc(ids, (nids + 1) * sizeof(*ids));
		ids[nids++] = strdup(line);
	}
	fclose(f);
	if (!nids)
		return 1;
	lat = calloc(max_req, sizeof(*lat));
	t0 = now();
	deadline = t0 + atof(argv[4]);
	for (c = 0; c < conns; c++)
		pthread_create(&th[c], NULL, worker, NULL);
	for (c = 0; c < conns; c++)
		pthread_join(th[c], NULL);
	el = now() - t0;
	n = atomic_load(&issued);
	if (n > max_req)
		n = max_req;
	for (i = 0; i < n; i++)
		if (lat[i] > 0)
			lat[ok++] = lat[i];
	qsort(lat, ok, sizeof(*lat), cmp);
	printf("requests %ld ok %ld errors %ld seconds %.2f rate %.0f/s p50 %.3f ms p99 %.3f ms max %.3f ms\n",
	       n, ok, (long)atomic_load(&errors), el, ok / el,
	       ok ? lat[ok / 2] * 1e3 : 0, ok ? lat[(long)(ok * 0.99)] * 1e3 : 0,
	       ok ? lat[ok - 1] * 1e3 : 0);
	return errors ? 1 : 0;
}
