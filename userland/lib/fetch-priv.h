/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What fetch.c (one transfer: options, callbacks, an attempt, retries)
 * shares with fetch-file.c (downloads into staging files, resumed) and
 * fetch-api.c (JSON API calls) and nothing else. Not an API.
 */
#ifndef _KCARE_LIB_FETCH_PRIV_H
#define _KCARE_LIB_FETCH_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "fetch.h"

/* Why an attempt was aborted from a callback. */
enum kc_xfer_stop {
	KC_STOP_NONE,
	KC_STOP_TOO_LARGE,
	KC_STOP_RESTART,	/* the server's answer does not fit the .part */
	KC_STOP_IO,		/* cannot write the .part or grow the buffer */
};

struct kc_xfer {
	CURL *curl;
	const char *url;
	size_t max;
	/* The sink: a file (fd >= 0) or a growing buffer. */
	int fd;
	char *buf;
	size_t cap;
	/* Bytes of the file held (a resumed .part's included). */
	unsigned long long off;
	/* What was asked: the rest from resume_from (0: everything). */
	unsigned long long resume_from;
	unsigned long long known_total;	/* the size the .part was part of */
	/* The response being received. */
	long status;
	long long content_length;	/* -1: none */
	bool have_range;
	unsigned long long cr_start, cr_total;	/* cr_total 0: unknown */
	char etag[128], lastmod[64];
	bool decided;
	unsigned long long total;	/* the full size, 0: unknown */
	enum kc_xfer_stop stop;
	int io_errno;
	/* The .part info file, rewritten when a fresh body starts; -1: none. */
	int info_fd;
	/* A JSON body to POST (fetch-api.c), or NULL for a GET. */
	const char *post;
};

/* What one attempt gave. */
enum kc_result {
	KC_OK,
	KC_RETRY,	/* may pass: try again after a while */
	KC_AGAIN,	/* start again from zero now (not a retry) */
	KC_FATAL,
};

/* The server says the file does not exist. */
static inline bool kc_fetch_not_found(long code)
{
	return code == 404 || code == 410;
}

/* Parse a decimal at *s, advancing it; false if none or it overflows. */
bool kc_fetch_parse_ull(const char **s, unsigned long long *v);
/* Milliseconds left before o->deadline_ms; LLONG_MAX without one. */
long long kc_fetch_left_ms(const struct kc_fetch_opts *o);
/* One attempt into @x's sink (fetch.c). */
enum kc_result kc_fetch_attempt(const struct kc_fetch_opts *o, const char *url,
				struct kc_xfer *x, const char *validator,
				char *err, size_t errlen);
/* Wait before retry @i (1-based); false when the deadline comes first. */
bool kc_fetch_backoff(const struct kc_fetch_opts *o, unsigned int i);
/*
 * After a failed attempt that gave @res: true to try again, at once
 * (KC_AGAIN, at most twice) or after a backoff (KC_RETRY, o->retries
 * times, within the deadline), counting in *restarts and *attempt.
 */
bool kc_fetch_again(const struct kc_fetch_opts *o, enum kc_result res,
		    unsigned int *restarts, unsigned int *attempt);
/* Append ", after N attempts" when there was more than one. */
void kc_fetch_attempts_note(char *err, size_t errlen, unsigned int n);
/*
 * Into memory, GET or (with @post) POST, retried as kc_fetch_mem() says;
 * *@status is the server's last answer (0: none). 0 or -1.
 */
int kc_fetch_buf(const struct kc_fetch_opts *o, const char *url,
		 const char *post, size_t max_size, char **buf, size_t *len,
		 long *status, char *err, size_t errlen);
/* An http(s) URL and a size limit, or -1 with a message. */
int kc_fetch_check_args(const char *url, size_t max_size, char *err,
			size_t errlen);

#endif /* _KCARE_LIB_FETCH_PRIV_H */
