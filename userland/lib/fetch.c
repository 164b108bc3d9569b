// SPDX-License-Identifier: GPL-2.0
/*
 * Downloads with libcurl's easy interface (fetch.h).
 *
 * One attempt is one curl_easy_perform(). The header callback sees each
 * response's status line and headers; at the end of the final response's
 * headers (200 or 206) it decides what the body is: the whole file (200:
 * a resumed .part is emptied first), the rest of it (206 with the
 * Content-Range asked for and the size known before), or something else
 * (then the attempt is aborted and the download starts from zero). The
 * write callback enforces the size limit on every byte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetch.h"
#include "fetch-priv.h"
#include "util.h"

#ifndef KCARE_VERSION
#define KCARE_VERSION	"0"
#endif


void kc_fetch_opts_init(struct kc_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = KC_FETCH_CONNECT_TIMEOUT_MS;
	o->low_speed_limit = KC_FETCH_LOW_SPEED_LIMIT;
	o->low_speed_time = KC_FETCH_LOW_SPEED_TIME;
	o->retries = KC_FETCH_RETRIES;
	o->backoff_ms = KC_FETCH_BACKOFF_MS;
}

long long kc_fetch_deadline(long seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	       (long long)seconds * 1000;
}

/* Milliseconds left before o->deadline_ms; LLONG_MAX without one. */
long long kc_fetch_left_ms(const struct kc_fetch_opts *o)
{
	if (!o->deadline_ms)
		return LLONG_MAX;
	return o->deadline_ms - kc_fetch_deadline(0);
}


static void kc_default_sleep(unsigned int ms, void *arg)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* "host" or "host:port" of @url for messages (no user or password). */
static void kc_url_host(const char *url, bool guess, char *out, size_t len)
{
	CURLU *h = curl_url();
	char *host = NULL, *port = NULL;
	unsigned int flags = guess ? CURLU_DEFAULT_SCHEME | CURLU_NON_SUPPORT_SCHEME
				   : CURLU_NON_SUPPORT_SCHEME;

	snprintf(out, len, "%s", "?");
	if (!h)
		return;
	if (!curl_url_set(h, CURLUPART_URL, url, flags) &&
	    !curl_url_get(h, CURLUPART_HOST, &host, 0)) {
		if (!curl_url_get(h, CURLUPART_PORT, &port, 0))
			snprintf(out, len, "%s:%s", host, port);
		else
			snprintf(out, len, "%s", host);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(h);
}

static bool kc_url_allowed(const char *url)
{
	return !strncasecmp(url, "http://", 7) || !strncasecmp(url, "https://", 8);
}


/* Parse a decimal at @s; false if there is none or it overflows. */
bool kc_fetch_parse_ull(const char **s, unsigned long long *v)
{
	const char *p = *s;
	unsigned long long n = 0;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (ULLONG_MAX - 9) / 10)
			return false;
		n = n * 10 + (*p - '0');
	}
	*s = p;
	*v = n;
	return true;
}

/* The value of header line @line if it is header @name, trimmed, or NULL. */
static const char *kc_header_value(const char *line, size_t n,
				    const char *name, char *val, size_t vlen)
{
	size_t k = strlen(name), e;

	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return NULL;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t'))
		line++, n--;
	e = n;
	while (e && (line[e - 1] == '\r' || line[e - 1] == '\n' ||
		     line[e - 1] == ' ' || line[e - 1] == '\t'))
		e--;
	if (e >= vlen)
		e = 0;		/* too long: taken as empty, never used */
	memcpy(val, line, e);
	val[e] = '\0';
	return val;
}

static int kc_sink_reset(struct kc_xfer *x)
{
	x->off = 0;
	if (x->fd < 0)
		return 0;
	if (ftruncate(x->fd, 0) || lseek(x->fd, 0, SEEK_SET) < 0) {
		x->io_errno = errno;
		return -1;
	}
	return 0;
}

/* Record what the .part is a part of, for the next call to resume it. */
static void kc_info_write(struct kc_xfer *x)
{
	char *s = NULL;
	int fd, n;

	if (x->info_fd < 0)
		return;
	n = asprintf(&s, "url %s\nsize %llu\netag %s\nlast-modified %s\n",
		     x->url, x->total, x->etag, x->lastmod);
	if (n < 0)
		return;
	fd = x->info_fd;
	/* A half-written info is worse than none: the .part restarts. */
	if (ftruncate(fd, 0) || pwrite(fd, s, n, 0) != n)
		(void)!ftruncate(fd, 0);
	free(s);
}

/* The end of the final response's headers: what is the body? */
static bool kc_decide(struct kc_xfer *x)
{
	x->decided = true;
	if (x->status == 200) {
		if (x->content_length >= 0 &&
		    (unsigned long long)x->content_length > x->max) {
			x->stop = KC_STOP_TOO_LARGE;
			return false;
		}
		/* A Range ignored: the whole file comes, from zero. */
		if (kc_sink_reset(x)) {
			x->stop = KC_STOP_IO;
			return false;
		}
		x->total = x->content_length >= 0 ? x->content_length : 0;
		kc_info_write(x);
		return true;
	}
	if (x->status == 206) {
		if (!x->resume_from || !x->have_range ||
		    x->cr_start != x->resume_from ||
		    (x->cr_total && x->known_total && x->cr_total != x->known_total)) {
			x->stop = KC_STOP_RESTART;
			return false;
		}
		if (x->cr_total > x->max) {
			x->stop = KC_STOP_TOO_LARGE;
			return false;
		}
		x->total = x->cr_total ? x->cr_total : x->known_total;
		return true;
	}
	/* Errors: FAILONERROR ends the attempt; redirects are followed. */
	return true;
}

static size_t kc_header_cb(char *line, size_t size, size_t nmemb, void *arg)
{
	struct kc_xfer *x = arg;
	size_t n = size * nmemb;
	char val[160];

	if (n >= 5 && !strncmp(line, "HTTP/", 5)) {
		unsigned long long st = 0;
		char sl[64];
		const char *sp;

		/* libcurl's line is not terminated: parse a bounded copy. */
		snprintf(sl, sizeof(sl), "%.*s", (int)(n < sizeof(sl) ? n : sizeof(sl) - 1),
			 line);
		sp = strchr(sl, ' ');
		if (sp) {
			sp++;
			if (!kc_fetch_parse_ull(&sp, &st) || st > 999)
				st = 0;
		}
		x->status = st;
		x->content_length = -1;
		x->have_range = false;
		x->cr_start = x->cr_total = 0;
		x->etag[0] = x->lastmod[0] = '\0';
		x->decided = false;
		return n;
	}
	if ((n == 2 && line[0] == '\r' && line[1] == '\n') || (n == 1 && line[0] == '\n')) {
		if ((x->status == 200 || x->status == 206) && !kc_decide(x))
			return 0;
		return n;
	}
	if (kc_header_value(line, n, "content-length", val, sizeof(val))) {
		const char *p = val;
		unsigned long long v = 0;

		if (kc_fetch_parse_ull(&p, &v) && !*p && v <= LLONG_MAX)
			x->content_length = v;
		else
			x->content_length = (long long)LLONG_MAX; /* nonsense: too large */
	} else if (kc_header_value(line, n, "content-range", val, sizeof(val))) {
		/* bytes START-END/TOTAL (TOTAL may be "*") */
		const char *p = val;
		unsigned long long a = 0, b = 0, t = 0;

		if (!strncasecmp(p, "bytes ", 6)) {
			p += 6;
			if (kc_fetch_parse_ull(&p, &a) && *p++ == '-' &&
			    kc_fetch_parse_ull(&p, &b) && *p++ == '/' && b >= a &&
			    ((*p == '*' && !p[1]) ||
			     (kc_fetch_parse_ull(&p, &t) && !*p && t > b))) {
				x->have_range = true;
				x->cr_start = a;
				x->cr_total = t;
			}
		}
	} else if (!kc_header_value(line, n, "etag", x->etag, sizeof(x->etag))) {
		kc_header_value(line, n, "last-modified", x->lastmod, sizeof(x->lastmod));
	}
	return n;
}

static size_t kc_write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
	struct kc_xfer *x = arg;
	size_t n = size * nmemb;

	if (x->stop)
		return 0;
	if (!x->decided) {
		/* A body without headers we understood (HTTP/0.9, other). */
		long code = 0;

		curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
		x->status = code;
		if (!kc_decide(x))
			return 0;
	}
	if (n > x->max || x->off > x->max - n) {
		x->stop = KC_STOP_TOO_LARGE;
		return 0;
	}
	if (x->fd >= 0) {
		if (kc_write_full(x->fd, data, n)) {
			x->io_errno = errno;
			x->stop = KC_STOP_IO;
			return 0;
		}
	} else {
		if (x->off + n + 1 > x->cap) {
			size_t cap = x->cap ? x->cap : 4096;
			char *b;

			while (cap < x->off + n + 1)
				cap *= 2;
			b = realloc(x->buf, cap);
			if (!b) {
				x->io_errno = ENOMEM;
				x->stop = KC_STOP_IO;
				return 0;
			}
			x->buf = b;
			x->cap = cap;
		}
		memcpy(x->buf + x->off, data, n);
	}
	x->off += n;
	return n;
}


static const char *kc_http_reason(long code)
{
	if (kc_fetch_not_found(code))
		return "not found on the server";
	if (code == 401 || code == 403)
		return "access denied";
	if (code == 407)
		return "the proxy wants authentication";
	if (code == 408 || code == 429)
		return "the server is busy";
	if (code >= 500)
		return "server error";
	return "refused by the server";
}

/* Set the options every attempt shares. */
static int kc_setup(CURL *c, const struct kc_fetch_opts *o, const char *url,
		     struct kc_xfer *x, char *errbuf, long long left)
{
	long timeout = o->timeout_ms > 0 ? o->timeout_ms : 0;
	const char *np = o->no_proxy;
	long lst = o->low_speed_time ? o->low_speed_time : KC_FETCH_LOW_SPEED_TIME;
	long lsl = o->low_speed_limit ? o->low_speed_limit : KC_FETCH_LOW_SPEED_LIMIT;
	long cto = o->connect_timeout_ms ? o->connect_timeout_ms : KC_FETCH_CONNECT_TIMEOUT_MS;
	CURLcode r = CURLE_OK;

#define SET(opt, val)	do { if (!r) r = curl_easy_setopt(c, opt, val); } while (0)
	SET(CURLOPT_URL, url);
	/*
	 * A download the configuration made https stays https: a redirect to
	 * http would hand the transfer to anyone on the path (the signature
	 * still protects the bytes, but not the privacy of what is asked,
	 * nor against a stalling attacker). http may go to https.
	 */
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, kc_url_is_https(url) ? "https" : "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, kc_url_is_https(url) ? (long)CURLPROTO_HTTPS :
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, (long)KC_FETCH_MAX_REDIRS);
	/* "" disables the proxy, the environment's included. */
	SET(CURLOPT_PROXY, o->proxy ? o->proxy : "");
	/* libcurl reads no_proxy only when it picks the proxy itself. */
	if (!np)
		np = getenv("no_proxy");
	if (!np || !*np)
		np = getenv("NO_PROXY");
	SET(CURLOPT_NOPROXY, np ? np : "");
	SET(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
	if (o->ca_file) {
		SET(CURLOPT_CAINFO, o->ca_file);
		SET(CURLOPT_PROXY_CAINFO, o->ca_file);
	}
	SET(CURLOPT_CONNECTTIMEOUT_MS, cto);
	/* The run's deadline bounds every attempt (1 ms at least: 0 is none). */
	if (left != LLONG_MAX && (!timeout || left < timeout))
		timeout = left > 0 ? (long)left : 1;
	SET(CURLOPT_TIMEOUT_MS, timeout);
	SET(CURLOPT_LOW_SPEED_LIMIT, lsl);
	SET(CURLOPT_LOW_SPEED_TIME, lst);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_FAILONERROR, 1L);
	SET(CURLOPT_USERAGENT, "kcarectl/" KCARE_VERSION);
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_HEADERFUNCTION, kc_header_cb);
	SET(CURLOPT_HEADERDATA, x);
	SET(CURLOPT_WRITEFUNCTION, kc_write_cb);
	SET(CURLOPT_WRITEDATA, x);
#undef SET
	return r ? -1 : 0;
}

/*
 * One attempt into @x's sink, asking for the rest from x->resume_from
 * (with If-Range @validator when given). The result says what next; the
 * message is in err.
 */
enum kc_result kc_fetch_attempt(const struct kc_fetch_opts *o,
				   const char *url, struct kc_xfer *x,
				   const char *validator, char *err,
				   size_t errlen)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	char range[48], host[256], hdr[200];
	enum kc_result res = KC_FATAL;
	long code = 0, oserr = 0;
	curl_off_t conn_t = 0;
	const char *eff = NULL;
	char shown[1024], effs[1024];
	long long left;
	CURLcode r;
	CURL *c;

	kc_url_redact(url, shown, sizeof(shown));
	left = kc_fetch_left_ms(o);
	if (left <= 0) {
		kc_fail(err, errlen, "%s: the download deadline of %ld s was exceeded (%llu bytes received)",
			 shown, o->deadline_s, x->off);
		return KC_FATAL;
	}

	c = curl_easy_init();
	if (!c) {
		kc_fail(err, errlen, "%s: cannot initialise libcurl", shown);
		return KC_FATAL;
	}
	x->curl = c;
	x->status = 0;
	x->decided = false;
	x->stop = KC_STOP_NONE;
	x->total = 0;
	if (kc_setup(c, o, url, x, errbuf, left)) {
		kc_fail(err, errlen, "%s: cannot set the libcurl options", shown);
		goto out;
	}
	if (x->resume_from) {
		snprintf(range, sizeof(range), "%llu-", x->resume_from);
		curl_easy_setopt(c, CURLOPT_RANGE, range);
		if (validator && *validator) {
			snprintf(hdr, sizeof(hdr), "If-Range: %s", validator);
			hdrs = curl_slist_append(NULL, hdr);
			if (hdrs)
				curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		}
	}
	if (x->post) {	/* kc_fetch_api(): a JSON request */
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		if (!hdrs || curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs) ||
		    curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->post)) {
			kc_fail(err, errlen, "%s: cannot set the libcurl options", shown);
			goto out;
		}
	}

	r = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	x->status = code;
	curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &conn_t);
	curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
	if (!eff)
		eff = url;
	kc_url_redact(eff, effs, sizeof(effs));

	switch (r) {
	case CURLE_OK:
		if (code != 200 && code != 206) {
			kc_fail(err, errlen, "HTTP %ld for %s (not a file)", code, effs);
			break;
		}
		if (x->total && x->off != x->total) {
			kc_fail(err, errlen, "%s: transfer cut after %llu bytes (of %llu)",
				 shown, x->off, x->total);
			res = KC_RETRY;
			break;
		}
		res = KC_OK;
		break;
	case CURLE_WRITE_ERROR:
		if (x->stop == KC_STOP_TOO_LARGE) {
			kc_fail(err, errlen, "%s: larger than the limit of %zu bytes",
				 shown, x->max);
		} else if (x->stop == KC_STOP_RESTART) {
			kc_fail(err, errlen, "%s: the server's answer does not continue the partial download",
				 shown);
			res = KC_AGAIN;
		} else if (x->stop == KC_STOP_IO) {
			kc_fail(err, errlen, "%s: cannot store the download: %s",
				 shown, strerror(x->io_errno));
		} else {
			kc_fail(err, errlen, "%s: %s", shown,
				 *errbuf ? errbuf : curl_easy_strerror(r));
		}
		break;
	case CURLE_HTTP_RETURNED_ERROR:
		if (code == 416 && x->resume_from) {
			kc_fail(err, errlen, "HTTP 416 for %s (range not satisfiable)", effs);
			res = KC_AGAIN;
			break;
		}
		kc_fail(err, errlen, "HTTP %ld for %s (%s)", code, effs,
			 kc_http_reason(code));
		if (code >= 500 || code == 408 || code == 429)
			res = KC_RETRY;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
		kc_url_host(url, false, host, sizeof(host));
		kc_fail(err, errlen, "cannot resolve host %s", host);
		res = KC_RETRY;
		break;
	case CURLE_COULDNT_RESOLVE_PROXY:
		kc_url_host(o->proxy ? o->proxy : "", true, host, sizeof(host));
		kc_fail(err, errlen, "cannot resolve proxy %s", host);
		res = KC_RETRY;
		break;
	case CURLE_COULDNT_CONNECT:
		if (o->proxy && *o->proxy)
			kc_url_host(o->proxy, true, host, sizeof(host));
		else
			kc_url_host(url, false, host, sizeof(host));
		kc_fail(err, errlen, "cannot connect to %s%s (%s)",
			 o->proxy && *o->proxy ? "proxy " : "", host,
			 oserr ? strerror(oserr) : *errbuf ? errbuf : "failed");
		res = KC_RETRY;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (!conn_t) {
			if (o->proxy && *o->proxy)
				kc_url_host(o->proxy, true, host, sizeof(host));
			else
				kc_url_host(url, false, host, sizeof(host));
			kc_fail(err, errlen, "cannot connect to %s%s (no answer in time)",
				 o->proxy && *o->proxy ? "proxy " : "", host);
		} else if (kc_fetch_left_ms(o) <= 0) {
			kc_fail(err, errlen, "%s: the download deadline of %ld s was exceeded (%llu bytes received)",
				 shown, o->deadline_s, x->off);
			break;
		} else if (strstr(errbuf, "too slow")) {
			kc_fail(err, errlen, "%s: stalled: less than %ld bytes/s for %ld s (%llu bytes received)",
				 shown, o->low_speed_limit ? o->low_speed_limit : KC_FETCH_LOW_SPEED_LIMIT,
				 o->low_speed_time ? o->low_speed_time : KC_FETCH_LOW_SPEED_TIME,
				 x->off);
		} else {
			kc_fail(err, errlen, "%s: timed out after %ld ms (%llu bytes received)",
				 shown, o->timeout_ms, x->off);
		}
		res = KC_RETRY;
		break;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
		if (x->total)
			kc_fail(err, errlen, "%s: transfer cut after %llu bytes (of %llu)",
				 shown, x->off, x->total);
		else
			kc_fail(err, errlen, "%s: transfer cut after %llu bytes", shown, x->off);
		res = KC_RETRY;
		break;
	case CURLE_TOO_MANY_REDIRECTS:
		kc_fail(err, errlen, "%s: more than %d redirects", shown, KC_FETCH_MAX_REDIRS);
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (kc_url_is_https(url))
			kc_fail(err, errlen, "%s: redirect refused: an https download is only redirected to https",
				 shown);
		else
			kc_fail(err, errlen, "%s: redirect refused: only http and https are allowed",
				 shown);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
		kc_fail(err, errlen, "%s: TLS: %s", shown,
			 *errbuf ? errbuf : curl_easy_strerror(r));
		break;
	default:
		kc_fail(err, errlen, "%s: %s", shown,
			 *errbuf ? errbuf : curl_easy_strerror(r));
		break;
	}
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	x->curl = NULL;
	return res;
}

/* Wait before retry @i (1-based); false when the deadline comes first. */
bool kc_fetch_backoff(const struct kc_fetch_opts *o, unsigned int i)
{
	unsigned long ms = o->backoff_ms ? o->backoff_ms : KC_FETCH_BACKOFF_MS;

	while (--i && ms < KC_FETCH_BACKOFF_MAX_MS)
		ms *= 2;
	if (ms > KC_FETCH_BACKOFF_MAX_MS)
		ms = KC_FETCH_BACKOFF_MAX_MS;
	if (kc_fetch_left_ms(o) <= (long long)ms)
		return false;
	(o->sleep_ms ? o->sleep_ms : kc_default_sleep)(ms, o->sleep_arg);
	return true;
}

bool kc_fetch_again(const struct kc_fetch_opts *o, enum kc_result res,
		    unsigned int *restarts, unsigned int *attempt)
{
	/* A server that changed the file under a resume: from zero, twice. */
	if (res == KC_AGAIN && ++*restarts <= 2)
		return true;
	if (res != KC_RETRY || *attempt >= o->retries ||
	    !kc_fetch_backoff(o, *attempt + 1))
		return false;
	++*attempt;
	return true;
}

void kc_fetch_attempts_note(char *err, size_t errlen, unsigned int n)
{
	size_t l;

	if (n < 2 || !err || !errlen)
		return;
	l = strlen(err);
	snprintf(err + l, errlen - l, ", after %u attempts", n);
}

int kc_fetch_check_args(const char *url, size_t max_size, char *err,
			  size_t errlen)
{
	char shown[1024];

	kc_url_redact(url, shown, sizeof(shown));
	if (!url || !kc_url_allowed(url))
		return kc_fail(err, errlen, "%s: only http:// and https:// URLs are allowed",
				shown);
	if (!max_size)
		return kc_fail(err, errlen, "%s: no size limit given", shown);
	return 0;
}


int kc_fetch_buf(const struct kc_fetch_opts *o, const char *url,
		  const char *post, size_t max_size, char **buf, size_t *len,
		  long *status, char *err, size_t errlen)
{
	unsigned int attempt = 0, restarts = 0;
	struct kc_fetch_opts dflt;
	enum kc_result res;

	*buf = NULL;
	*len = 0;
	*status = 0;
	if (!o) {
		kc_fetch_opts_init(&dflt);
		o = &dflt;
	}
	if (kc_fetch_check_args(url, max_size, err, errlen))
		return -1;
	for (;;) {
		struct kc_xfer x = { .url = url, .max = max_size, .fd = -1,
				     .info_fd = -1, .post = post };

		res = kc_fetch_attempt(o, url, &x, NULL, err, errlen);
		*status = x.status;
		if (res == KC_OK) {
			if (!x.buf) {
				x.buf = malloc(1);
				if (!x.buf)
					return kc_fail(err, errlen, "out of memory");
			}
			x.buf[x.off] = '\0';
			*buf = x.buf;
			*len = x.off;
			return 0;
		}
		free(x.buf);
		if (!kc_fetch_again(o, res, &restarts, &attempt))
			break;
	}
	kc_fetch_attempts_note(err, errlen, attempt + 1);
	return -1;
}

int kc_fetch_mem(const struct kc_fetch_opts *o, const char *url,
		  size_t max_size, char **buf, size_t *len, char *err,
		  size_t errlen)
{
	long status;
	int rc;

	rc = kc_fetch_buf(o, url, NULL, max_size, buf, len, &status, err,
			  errlen);
	return rc && kc_fetch_not_found(status) ? KC_FETCH_NOT_FOUND : rc;
}

int kc_fetch_parse_headers(const char *data, size_t len, size_t max,
			    unsigned long long resume_from)
{
	struct kc_xfer x = { .url = "http://fuzz/", .max = max, .fd = -1,
			     .info_fd = -1, .resume_from = resume_from,
			     .known_total = resume_from ? resume_from * 2 : 0 };
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (data + i)) + 1 : len - i;
		char *line = malloc(n ? n : 1);

		if (!line)
			return -1;
		memcpy(line, data + i, n);
		if (kc_header_cb(line, 1, n, &x) != n) {
			free(line);
			return -1;
		}
		free(line);
		i += n;
	}
	return 0;
}
