/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tiny HTTP/1.1 server test_fetch.c downloads from (fetch_server.c):
 * forked on 127.0.0.1, it answers by path and logs each request.
 */
#ifndef KC_TEST_FETCH_SERVER_H
#define KC_TEST_FETCH_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#define FILE_SIZE	10000	/* /ok */
#define CUT_SIZE	1000	/* /cut*: 500 bytes, then closed */
#define CHANGED_SIZE	1200	/* /cut-changed after the first request */

/* Requests per path, shared with the server (a MAP_SHARED page). */
enum { C_FLAKY, C_CUT, C_CUT_NORANGE, C_CUT_CHANGED, C_MAX };
extern unsigned int *counters;

/* The bytes of a served file: byte @i of the file numbered @seed. */
static inline unsigned char pattern(size_t i, unsigned int seed)
{
	return (unsigned char)(i * 7 + i / 251 + seed);
}

/*
 * Fork the server on a free loopback port, logging one
 * "REQUEST-LINE|RANGE" line per request to @log: its pid, or -1.
 */
pid_t fetch_server_start(const char *log, int *port);

/* A socket bound to a free loopback port, not listening: its fd, or -1. */
int fetch_listen_any(int *port);

#endif
