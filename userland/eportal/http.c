// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: libmicrohttpd glue (http.h). The access handler is
 * called once when the headers are in (limits: rate, declared body
 * size), then for each piece of the body (collected up to max_body),
 * then once more to answer through the route table. Each worker thread
 * opens its own store on first use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <microhttpd.h>

#include "api.h"
#include "auth.h"
#include "http.h"
#include "metrics.h"
#include "ratelimit.h"

#define EP_HTTP_MAX_STORES 512

struct ep_http {
	struct MHD_Daemon *d;
	const struct ep_config *cfg;
	struct ep_ratelimit *rl;
	FILE *log;
	pthread_mutex_t log_lock;
	pthread_mutex_t stores_lock;
	struct ep_store *stores[EP_HTTP_MAX_STORES];
	unsigned int nstores;
	char *tls_cert, *tls_key;
	pthread_t housekeeper;
	bool housekeeping;
	pthread_mutex_t hk_lock;
	pthread_cond_t hk_cond;
	bool stopping;
};

/* One request in progress. */
struct ep_conn {
	struct timespec start;
	char remote[INET6_ADDRSTRLEN];
	char *body;
	size_t len;
	bool too_large;
	unsigned int status;
	size_t bytes;
	const struct ep_route *route;
	const char *route_arg;
	char who[EP_KEY_MAX + 8];	/* the admin API's caller, or "" */
};

static __thread struct ep_store *ep_tls_store;

static double ep_now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* This thread's store, opened on first use. */
static struct ep_store *ep_http_store(struct ep_http *h)
{
	struct ep_store *s;

	if (ep_tls_store)
		return ep_tls_store;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (ep_store_open(s, h->cfg->dir)) {
		fprintf(stderr, "%s: %s\n", ep_prog, s->err);
		free(s);
		return NULL;
	}
	pthread_mutex_lock(&h->stores_lock);
	if (h->nstores < EP_HTTP_MAX_STORES)
		h->stores[h->nstores++] = s;
	pthread_mutex_unlock(&h->stores_lock);
	s->ops->set_server(s, true);
	ep_tls_store = s;
	return s;
}

/* The store's housekeeping (store.h: maintain), every second. */
static void *ep_http_housekeeper(void *arg)
{
	struct ep_http *h = arg;
	struct ep_store s;
	struct timespec ts;

	if (ep_store_open(&s, h->cfg->dir)) {
		fprintf(stderr, "%s: housekeeping: %s\n", ep_prog, s.err);
		return NULL;
	}
	pthread_mutex_lock(&h->hk_lock);
	while (!h->stopping) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec++;
		pthread_cond_timedwait(&h->hk_cond, &h->hk_lock, &ts);
		if (h->stopping)
			break;
		pthread_mutex_unlock(&h->hk_lock);
		if (s.ops->maintain(&s))
			fprintf(stderr, "%s: housekeeping: %s\n", ep_prog, s.err);
		pthread_mutex_lock(&h->hk_lock);
	}
	pthread_mutex_unlock(&h->hk_lock);
	ep_store_close(&s);
	return NULL;
}

static const char *ep_http_arg(const struct ep_request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *ep_http_header(const struct ep_request *rq,
				  const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result ep_http_send(struct MHD_Connection *conn,
				    struct ep_conn *c, struct ep_response *rs)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rs->fd >= 0) {
		r = MHD_create_response_from_fd_at_offset64(rs->fd_len, rs->fd,
							    rs->fd_off);
		c->bytes = rs->fd_len;
	} else {
		r = MHD_create_response_from_buffer(rs->len, rs->body ? rs->body : "",
						    rs->body ? MHD_RESPMEM_MUST_FREE :
						    MHD_RESPMEM_PERSISTENT);
		c->bytes = rs->len;
		if (r)
			rs->body = NULL;
	}
	free(rs->body);
	if (!r)
		return MHD_NO;
	if (rs->content_type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					rs->content_type);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (*rs->etag) {
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, rs->etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED,
					rs->last_modified);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
	}
	if (*rs->content_range)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE,
					rs->content_range);
	if (c->route && c->route->admin) {
		/* Answers about credentials and machines: never cached, never framed. */
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		MHD_add_response_header(r, "Content-Security-Policy",
					"default-src 'none'; frame-ancestors 'none'");
		MHD_add_response_header(r, "X-Frame-Options", "DENY");
	}
	if (rs->auth_challenge)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"kcare-eportal\", charset=\"UTF-8\"");
	if (rs->status == 429)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	c->status = rs->status;
	ret = MHD_queue_response(conn, rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result ep_http_error(struct MHD_Connection *conn,
				     struct ep_conn *c, unsigned int status,
				     const char *msg)
{
	struct ep_response rs = { .fd = -1 };

	ep_reply_error(&rs, status, "%s", msg);
	return ep_http_send(conn, c, &rs);
}

static void ep_http_remote(struct MHD_Connection *conn, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	strcpy(out, "-");
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  out, len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
			  out, len);
}

/* The proxy's word for the client's address, on loopback connections. */
static void ep_http_real_ip(struct ep_http *h, struct MHD_Connection *conn,
			    char *remote, size_t len)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *v;

	if (!*h->cfg->real_ip_header ||
	    (strcmp(remote, "127.0.0.1") && strcmp(remote, "::1")))
		return;
	v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
					h->cfg->real_ip_header);
	if (v && strlen(v) < len && (inet_pton(AF_INET, v, buf) == 1 ||
				     inet_pton(AF_INET6, v, buf) == 1))
		strcpy(remote, v);
}

static enum MHD_Result ep_http_access(void *cls, struct MHD_Connection *conn,
				      const char *url, const char *method,
				      const char *version,
				      const char *upload, size_t *upload_size,
				      void **con_cls)
{
	struct ep_http *h = cls;
	struct ep_conn *c = *con_cls;
	struct ep_response rs = { .fd = -1 };
	struct ep_request rq = { 0 };
	struct ep_ctx ctx;
	bool mismatch;
	const char *cl;

	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return MHD_NO;
		*con_cls = c;
		clock_gettime(CLOCK_MONOTONIC, &c->start);
		ep_http_remote(conn, c->remote, sizeof(c->remote));
		ep_http_real_ip(h, conn, c->remote, sizeof(c->remote));
		c->route = ep_route_find(method, url, &c->route_arg, &mismatch);
		if (!ep_ratelimit_take(h->rl, c->remote, ep_now_mono()))
			return ep_http_error(conn, c, 429,
					     "too many requests: slow down");
		if (!c->route)
			return ep_http_error(conn, c, mismatch ? 405 : 404,
					     mismatch ? "method not allowed" :
					     "not found");
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						 MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > h->cfg->max_body)
			return ep_http_error(conn, c, 413,
					     "request body too large");
		return MHD_YES;
	}
	if (*upload_size) {
		if (!c->too_large && c->len + *upload_size <= h->cfg->max_body) {
			char *nb = realloc(c->body, c->len + *upload_size + 1);

			if (!nb)
				return MHD_NO;
			c->body = nb;
			memcpy(c->body + c->len, upload, *upload_size);
			c->len += *upload_size;
			c->body[c->len] = 0;
		} else {
			c->too_large = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->too_large)
		return ep_http_error(conn, c, 413, "request body too large");
	if (!c->route->handler)
		return ep_http_error(conn, c, 404, "not found");
	ctx.cfg = h->cfg;
	ctx.store = ep_http_store(h);
	ctx.now = time(NULL);
	if (!ctx.store)
		return ep_http_error(conn, c, 503, "the database cannot be opened");
	rq.method = method;
	rq.path = url;
	rq.remote = c->remote;
	rq.body = c->body;
	rq.body_len = c->len;
	rq.arg = ep_http_arg;
	rq.header = ep_http_header;
	rq.conn = conn;
	rq.route_arg = c->route_arg;
	if (!c->route->admin || !ep_admin_auth(&ctx, &rq, &rs, c->who))
		c->route->handler(&ctx, &rq, &rs);
	if (!rs.status)
		rs.status = 500;
	return ep_http_send(conn, c, &rs);
}

/* One JSON line per request, at its end; a key in the path is masked. */
static void ep_http_completed(void *cls, struct MHD_Connection *conn,
			      void **con_cls,
			      enum MHD_RequestTerminationCode toe)
{
	struct ep_http *h = cls;
	struct ep_conn *c = *con_cls;
	struct json_object *o;
	struct timespec end;
	char t[21], path[300];
	const char *url = "-";

	if (!c)
		return;
	*con_cls = NULL;
	clock_gettime(CLOCK_MONOTONIC, &end);
	ep_metrics_observe(c->route ? c->route->name : "-", c->status,
			   (end.tv_sec - c->start.tv_sec) +
			   (end.tv_nsec - c->start.tv_nsec) / 1e9);
	if (h->log) {
		ep_time_fmt(time(NULL), t);
		o = json_object_new_object();
		json_object_object_add(o, "time", json_object_new_string(t));
		json_object_object_add(o, "remote", json_object_new_string(c->remote));
		if (c->route) {
			url = c->route->secret_arg ? "(key)" : c->route_arg;
			if (c->route->secret_arg || strcmp(c->route->path, "/*")) {
				ep_fmt(path, sizeof(path), "%.*s%s",
				       (int)(strlen(c->route->path) -
					     (c->route_arg ? 1 : 0)),
				       c->route->path, c->route_arg ? url : "");
				url = path;
			}
		}
		json_object_object_add(o, "path", json_object_new_string(url ? url : "-"));
		json_object_object_add(o, "route", json_object_new_string(c->route ? c->route->name : "-"));
		json_object_object_add(o, "status", json_object_new_int(c->status));
		if (*c->who)
			json_object_object_add(o, "admin", json_object_new_string(c->who));
		json_object_object_add(o, "bytes", json_object_new_int64(c->bytes));
		json_object_object_add(o, "us", json_object_new_int64(
			(end.tv_sec - c->start.tv_sec) * 1000000LL +
			(end.tv_nsec - c->start.tv_nsec) / 1000));
		if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
			json_object_object_add(o, "aborted", json_object_new_int(toe));
		pthread_mutex_lock(&h->log_lock);
		fprintf(h->log, "%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		fflush(h->log);
		pthread_mutex_unlock(&h->log_lock);
		json_object_put(o);
	}
	free(c->body);
	free(c);
}

static int ep_parse_listen(const char *s, struct sockaddr_storage *ss,
			   char *err, size_t errlen)
{
	char host[128];
	const char *colon;
	unsigned long port;
	char *end;

	memset(ss, 0, sizeof(*ss));
	if (*s == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb[1] != ':')
			goto bad;
		ep_fmt(host, sizeof(host), "%.*s", (int)(rb - s - 1), s + 1);
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		ep_fmt(host, sizeof(host), "%.*s", (int)(colon - s), s);
	}
	port = strtoul(colon + 1, &end, 10);
	if (!colon[1] || *end || port > 65535)
		goto bad;
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		((struct sockaddr_in *)ss)->sin_family = AF_INET;
		((struct sockaddr_in *)ss)->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
		return 0;
	}
bad:
	ep_fmt(err, errlen, "listen \"%s\": expected ADDRESS:PORT or [IPv6]:PORT", s);
	return -1;
}

static char *ep_slurp(const struct ep_config *cfg, const char *rel, char *err,
		      size_t errlen)
{
	char path[PATH_MAX], *buf;
	long n;
	FILE *f;

	ep_path(cfg, path, sizeof(path), rel);
	f = fopen(path, "re");
	if (!f) {
		ep_fmt(err, errlen, "cannot read %s: %s (HTTPS needs tls_cert and tls_key; plain HTTP only with --http)",
		       path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = n >= 0 && n < (1 << 20) ? malloc(n + 1) : NULL;
	if (!buf || fread(buf, 1, n, f) != (size_t)n) {
		ep_fmt(err, errlen, "cannot read %s", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = 0;
	fclose(f);
	return buf;
}

struct ep_http *ep_http_start(const struct ep_config *cfg, bool plain,
			      char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			     MHD_USE_ERROR_LOG;
	struct sockaddr_storage ss;
	struct ep_http *h;
	char path[PATH_MAX];

	if (ep_parse_listen(cfg->listen, &ss, err, errlen))
		return NULL;
	h = calloc(1, sizeof(*h));
	if (!h) {
		ep_fmt(err, errlen, "out of memory");
		return NULL;
	}
	h->cfg = cfg;
	pthread_mutex_init(&h->log_lock, NULL);
	pthread_mutex_init(&h->stores_lock, NULL);
	pthread_mutex_init(&h->hk_lock, NULL);
	pthread_cond_init(&h->hk_cond, NULL);
	if (!plain) {
		h->tls_cert = ep_slurp(cfg, cfg->tls_cert, err, errlen);
		h->tls_key = h->tls_cert ? ep_slurp(cfg, cfg->tls_key, err, errlen) : NULL;
		if (!h->tls_key)
			goto fail;
		flags |= MHD_USE_TLS;
	}
	if (!strcmp(cfg->access_log, "-")) {
		h->log = stderr;
	} else if (*cfg->access_log) {
		ep_path(cfg, path, sizeof(path), cfg->access_log);
		h->log = fopen(path, "ae");
		if (!h->log) {
			ep_fmt(err, errlen, "cannot open the access log %s: %s",
			       path, strerror(errno));
			goto fail;
		}
	}
	h->rl = ep_ratelimit_new(cfg->rate, cfg->burst);
	if (!h->rl) {
		ep_fmt(err, errlen, "out of memory");
		goto fail;
	}
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, ep_http_access, h,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->max_conns_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		MHD_OPTION_NOTIFY_COMPLETED, ep_http_completed, h,
		plain ? MHD_OPTION_END : MHD_OPTION_HTTPS_MEM_KEY, h->tls_key,
		MHD_OPTION_HTTPS_MEM_CERT, h->tls_cert,
		MHD_OPTION_END);
	if (!h->d) {
		ep_fmt(err, errlen, "cannot listen on %s%s (address in use, or a bad certificate or key)",
		       cfg->listen, plain ? "" : " with HTTPS");
		goto fail;
	}
	if (pthread_create(&h->housekeeper, NULL, ep_http_housekeeper, h)) {
		ep_fmt(err, errlen, "cannot start the housekeeping thread");
		goto fail;
	}
	h->housekeeping = true;
	return h;
fail:
	ep_http_stop(h);
	return NULL;
}

void ep_http_reopen_log(struct ep_http *h)
{
	char path[PATH_MAX];
	FILE *f;

	if (!h->log || h->log == stderr)
		return;
	ep_path(h->cfg, path, sizeof(path), h->cfg->access_log);
	f = fopen(path, "ae");
	if (!f) {
		fprintf(stderr, "%s: cannot reopen the access log %s: %s\n",
			ep_prog, path, strerror(errno));
		return;
	}
	pthread_mutex_lock(&h->log_lock);
	fclose(h->log);
	h->log = f;
	pthread_mutex_unlock(&h->log_lock);
}

unsigned int ep_http_port(struct ep_http *h)
{
	const union MHD_DaemonInfo *di;

	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void ep_http_stop(struct ep_http *h)
{
	unsigned int i;

	if (!h)
		return;
	if (h->housekeeping) {
		pthread_mutex_lock(&h->hk_lock);
		h->stopping = true;
		pthread_cond_signal(&h->hk_cond);
		pthread_mutex_unlock(&h->hk_lock);
		pthread_join(h->housekeeper, NULL);
	}
	if (h->d)
		MHD_stop_daemon(h->d);
	for (i = 0; i < h->nstores; i++) {
		ep_store_close(h->stores[i]);
		free(h->stores[i]);
	}
	if (h->log && h->log != stderr)
		fclose(h->log);
	ep_ratelimit_free(h->rl);
	free(h->tls_cert);
	free(h->tls_key);
	free(h);
}
