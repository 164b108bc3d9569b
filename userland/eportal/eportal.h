/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the private patch server and its administration command
 * (Documentation/eportal.md). What every part shares: the server's
 * directory and configuration, the request and response a handler sees,
 * and small helpers. The prefix of every global name is ep_.
 */
#ifndef _KCARE_EPORTAL_H
#define _KCARE_EPORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "store.h"

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
/* The letters and digits of names (keys, path segments). */
#define EP_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

#define EP_EXIT_ERROR	1
#define EP_EXIT_USAGE	2
#define EP_DEFAULT_DIR	"/var/lib/kcare-eportal"

/*
 * DIR/eportal.conf, "name = value" lines (Documentation/eportal.md).
 * Paths are relative to DIR unless absolute.
 */
#define EP_PUBLIC_URL_MAX	256

struct ep_config {
	char dir[1024];
	char listen[128];		/* "ADDR:PORT", "[ADDR6]:PORT" */
	char tls_cert[1024], tls_key[1024];	/* "" : none */
	unsigned int threads;		/* worker threads */
	unsigned int max_body;		/* bytes of a request body */
	unsigned int max_conns;		/* connections at once */
	unsigned int max_conns_per_ip;
	unsigned int timeout;		/* idle connection, seconds */
	unsigned int rate;		/* requests per second per address; 0: off */
	unsigned int burst;		/* ... allowed at once */
	unsigned int valid_days;	/* index expiry */
	char access_log[1024];		/* "-": stderr, "": none */
	/*
	 * Behind a reverse proxy on the same machine: the header that
	 * carries the client's address (X-Real-IP), believed only on
	 * connections from loopback. "": none.
	 */
	char real_ip_header[64];
	/* What agents are told to use (install-kernelcare); "": the Host. */
	char public_url[EP_PUBLIC_URL_MAX];
	bool plain_http;		/* serve --http, not a setting */
};

void ep_config_defaults(struct ep_config *c, const char *dir);
/* Read DIR/eportal.conf over the defaults; -1 with a message in err. */
int ep_config_load(struct ep_config *c, const char *dir, char *err,
		   size_t errlen);
/* Write the default configuration file (init). */
int ep_config_write_default(const char *dir, char *err, size_t errlen);
/* DIR/@rel, or @rel when absolute. */
void ep_path(const struct ep_config *c, char *out, size_t len,
	     const char *rel);

/* A request as a handler sees it (http.c fills it from libmicrohttpd). */
struct ep_request {
	const char *method;		/* "GET", "POST" */
	const char *path;		/* decoded, without the query */
	const char *remote;		/* client address, text */
	const char *body;		/* NUL-terminated; NULL when none */
	size_t body_len;
	/* A query (?name=value) or form argument, or NULL. */
	const char *(*arg)(const struct ep_request *rq, const char *name);
	/* A request header, or NULL. */
	const char *(*header)(const struct ep_request *rq, const char *name);
	void *conn;			/* for arg() */
	const char *route_arg;		/* what the route's '*' matched */
};

/* What a handler answers: a buffer, or a file to send. */
struct ep_response {
	unsigned int status;
	const char *content_type;
	char *body;			/* malloc'd, or NULL */
	size_t len;
	int fd;				/* a file to send instead, or -1 */
	size_t fd_len;
	size_t fd_off;			/* ... from this offset (a Range) */
	bool auth_challenge;		/* 401: ask for basic auth */
	/* Headers for files: "" when none. */
	char etag[64], last_modified[32], content_range[80];
};

/* Everything a handler may use. */
struct ep_ctx {
	const struct ep_config *cfg;
	struct ep_store *store;		/* this thread's */
	time_t now;
};

/* Set @rs to a copy of @text with @status. */
void ep_reply(struct ep_response *rs, unsigned int status, const char *type,
	      const char *text);
/* {"error": "MESSAGE"} with @status. */
__printf(3, 4) void ep_reply_error(struct ep_response *rs, unsigned int status,
				   const char *fmt, ...);

/* ---- util.c -------------------------------------------------------- */
__printf(3, 4) int ep_fmt(char *buf, size_t len, const char *fmt, ...);
__printf(1, 2) int ep_fail(const char *fmt, ...);	/* EP_EXIT_ERROR */
__printf(1, 2) int ep_usage(const char *fmt, ...);	/* EP_EXIT_USAGE */
extern const char *ep_prog;
/* @n random bytes as 2n lowercase hex (getrandom). */
int ep_random_hex(char *out, size_t n);
/* A registration key from [A-Za-z0-9]: 16 characters. */
int ep_random_key(char out[17]);
bool ep_valid_key(const char *k);
bool ep_valid_feed(const char *f);	/* "" or [a-z0-9-] 1..32, not api/admin/packages */
bool ep_valid_sha1(const char *s);
/* Printable ASCII, no control character, at most @max bytes. */
bool ep_valid_text(const char *s, size_t max);
/*
 * The address agents reach the server at (public_url): http(s)://HOST
 * [:PORT][/PATH] without a trailing slash, of characters that are inert in
 * a single-quoted shell word and a sed replacement (install-kernelcare).
 */
bool ep_valid_public_url(const char *u);
/* DDMMYY, a real date of 20YY, or "". */
bool ep_valid_sticky(const char *s);
void ep_time_fmt(time_t t, char buf[21]);
/* YYYY-MM-DD, 00:00 UTC of that day; "" is 0 (none). 0, or -1 if not a date. */
int ep_date_parse(const char *s, time_t *t);
/* The day of @t, YYYY-MM-DD UTC; "" for 0. */
void ep_date_fmt(time_t t, char buf[11]);
/* Whether @k is past its expiry at @now. */
#define ep_key_expired(k, now)	((k)->expires && (now) >= (k)->expires)
/* "" shown as "default". */
const char *ep_feed_label(const char *feed);

#endif /* _KCARE_EPORTAL_H */
