/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Downloads (libcurl): one file of a patch repository over HTTP or HTTPS,
 * into a file atomically or into memory, with timeouts, a low-speed abort,
 * retries with exponential backoff, a size limit and resuming of a
 * transfer cut before (Documentation/kcarectl.md, "Downloading and the
 * cache").
 *
 * The proxy is the caller's choice (kcare.conf or the environment, decided
 * by the configuration code): libcurl never reads *_proxy variables itself.
 * Functions returning int give 0, or -1 with a reason in err.
 */
#ifndef _KCARE_LIB_FETCH_H
#define _KCARE_LIB_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#define KC_FETCH_CONNECT_TIMEOUT_MS	10000
#define KC_FETCH_LOW_SPEED_LIMIT	100	/* bytes per second... */
#define KC_FETCH_LOW_SPEED_TIME	30	/* ...for this many seconds */
#define KC_FETCH_RETRIES		3
#define KC_FETCH_BACKOFF_MS		1000
#define KC_FETCH_BACKOFF_MAX_MS	60000
#define KC_FETCH_MAX_REDIRS		3
/* Returned instead of -1 when the server answered 404 or 410. */
#define KC_FETCH_NOT_FOUND		1

struct kc_fetch_opts {
	/* "http://host:port" (or any proxy URL libcurl takes); NULL or "": none */
	const char *proxy;
	/*
	 * Hosts reached without the proxy (libcurl's NOPROXY list); NULL:
	 * the environment's no_proxy, then NO_PROXY, as curl reads them.
	 */
	const char *no_proxy;
	/* CA bundle to verify servers with; NULL: the system's */
	const char *ca_file;
	/* Connecting (0: KC_FETCH_CONNECT_TIMEOUT_MS), each attempt. */
	long connect_timeout_ms;
	/* A whole attempt, connecting included; 0: no limit. */
	long timeout_ms;
	/*
	 * An attempt is aborted as stalled when fewer than low_speed_limit
	 * bytes per second came for low_speed_time seconds (0: the defaults).
	 */
	long low_speed_limit;
	long low_speed_time;
	/* Attempts after the first, for errors that may pass (below). */
	unsigned int retries;
	/* Wait before the first retry (0: default), doubled for each next. */
	unsigned int backoff_ms;
	/*
	 * The end of every attempt and wait of this call, CLOCK_MONOTONIC
	 * milliseconds (kc_fetch_deadline()); 0: none. A download still
	 * running then is stopped: "URL: the download deadline of N s was
	 * exceeded (M bytes received)", not retried.
	 */
	long long deadline_ms;
	long deadline_s;	/* for the message only */
	/* How to wait (NULL: nanosleep); tests count the waits instead. */
	void (*sleep_ms)(unsigned int ms, void *arg);
	void *sleep_arg;
};

/* The defaults above, no proxy, KC_FETCH_RETRIES retries. */
void kc_fetch_opts_init(struct kc_fetch_opts *o);

/* Now plus @seconds on CLOCK_MONOTONIC, for kc_fetch_opts.deadline_ms. */
long long kc_fetch_deadline(long seconds);

/*
 * @url with any "user:password@" replaced by "***@", for messages and
 * reports: credentials in PATCH_SERVER or a proxy URL are never printed.
 * Writes at most @outlen bytes (always terminated).
 */
void kc_url_redact(const char *url, char *out, size_t outlen);

/*
 * Whether a redirect from @from to @to is followed: https only to https;
 * http to http or https (a configuration that names http, as loopback
 * tests do, keeps it). Other schemes never.
 */
int kc_fetch_redirect_ok(const char *from, const char *to);
/* Whether @url is https:// (any case). */
bool kc_url_is_https(const char *url);

/*
 * Download @url (http:// or https:// only; redirects: at most
 * KC_FETCH_MAX_REDIRS, as kc_fetch_redirect_ok() allows) to @dest_path: written to
 * "DEST.part" (mode 0600), fsync'ed and renamed, so that @dest_path is
 * either left as it was (on any failure) or is the whole file. The file
 * may be at most @max_size bytes (> 0): a larger Content-Length is refused
 * before the body, and a body growing past it is aborted.
 *
 * A transfer cut (connection lost, timed out, stalled, 5xx) keeps
 * "DEST.part" and "DEST.part.info" (its URL, size and validators): the
 * next call for the same URL and @dest_path asks only for the rest (Range,
 * If-Range). It starts again from zero when the server ignores the Range
 * (200), answers with another size or start, or 416.
 *
 * Retried (up to o->retries times, waiting backoff_ms, 2 * backoff_ms,
 * ...): connection errors, timeouts, stalls, cut transfers, HTTP 5xx, 408
 * and 429. Not retried: other HTTP errors, TLS errors, redirects refused,
 * too large, local errors. Messages:
 *   "cannot connect to HOST (Connection refused)"
 *   "cannot connect to proxy HOST (...)"
 *   "cannot resolve host HOST"
 *   "HTTP 404 for URL (not found on the server)"
 *   "HTTP 500 for URL (server error)"
 *   "URL: transfer cut after N bytes" (" (of M)" when the size is known)
 *   "URL: timed out after N ms (M bytes received)"
 *   "URL: stalled: less than N bytes/s for S s (M bytes received)"
 *   "URL: larger than the limit of N bytes"
 *   "URL: more than 3 redirects"
 *   "URL: redirect refused: only http and https are allowed"
 *   "URL: redirect refused: from https to http"
 *   "URL: TLS: ..."
 * with ", after N attempts" appended when it was retried. When the
 * server's last answer was 404 or 410 (the file does not exist), the
 * result is KC_FETCH_NOT_FOUND instead of -1, with the same message.
 */
int kc_fetch(const struct kc_fetch_opts *o, const char *url,
	      const char *dest_path, size_t max_size, char *err,
	      size_t errlen);

/*
 * The same into memory, for small files (the index, latest.v2): on
 * success *buf (malloc'd, followed by a NUL not counted in *len) holds the
 * whole file. Nothing is resumed; each retry starts from zero.
 */
int kc_fetch_mem(const struct kc_fetch_opts *o, const char *url,
		  size_t max_size, char **buf, size_t *len, char *err,
		  size_t errlen);

/*
 * kc_fetch() into open files: @fd (the .part, at its end when resuming)
 * and @info_fd (its info file, rewritten; -1: none), @pi_* what the info
 * said (kc_fetch_part_info_parse(); size 0: start from zero). No path is
 * opened: the caller (the download child, netchild.h) was given the fds.
 * On success the file is whole in @fd (fsync'ed).
 */
struct kc_part_info {
	unsigned long long size;
	char etag[128], lastmod[64];
};
int kc_fetch_fd(const struct kc_fetch_opts *o, const char *url, int fd,
		 int info_fd, const struct kc_part_info *pi, size_t max_size,
		 char *err, size_t errlen);

/*
 * Parse a .part.info file's @len bytes: true when it is for @url and
 * names a size. Never trusts it further: it only chooses what to ask.
 */
int kc_fetch_part_info_parse(const char *buf, size_t len, const char *url,
			      struct kc_part_info *pi);

/*
 * The response headers of @len bytes (lines ending in "\n"), through the
 * header callback as libcurl would feed them, for a download of at most
 * @max bytes resumed from @resume_from (0: none): 0 when the body would
 * be accepted, -1 when the attempt would be stopped. For the fuzzer.
 */
int kc_fetch_parse_headers(const char *data, size_t len, size_t max,
			    unsigned long long resume_from);

/* kc_fetch_api()'s refusals, besides KC_FETCH_NOT_FOUND (404). */
#define KC_FETCH_FORBIDDEN		2	/* 403 */
#define KC_FETCH_REJECTED		3	/* another 4xx but 408 and 429 */
#define KC_FETCH_GONE			4	/* 410: it was there, and expired */

/*
 * A call of a JSON API (registration, Documentation/eportal.md): POST
 * @json (Content-Type: application/json) when it is not NULL, else GET,
 * into memory as kc_fetch_mem() does, with the same options, limits,
 * retries and messages. A refusal is told from a failure to reach the
 * server by its result: KC_FETCH_NOT_FOUND, KC_FETCH_FORBIDDEN,
 * KC_FETCH_GONE or KC_FETCH_REJECTED (not retried); -1 is anything else (no answer, 5xx,
 * 408, 429, TLS, too large: retried as downloads are when they may pass).
 */
int kc_fetch_api(const struct kc_fetch_opts *o, const char *url,
		  const char *json, size_t max_size, char **buf, size_t *len,
		  char *err, size_t errlen);

#endif /* _KCARE_LIB_FETCH_H */
