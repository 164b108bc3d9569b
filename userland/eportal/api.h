/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the HTTP handlers, one file per resource, and the table
 * of routes (routes.c). A handler fills an ep_response from an
 * ep_request; it knows nothing of libmicrohttpd, so the unit tests call
 * it directly.
 */
#ifndef _KCARE_EPORTAL_API_H
#define _KCARE_EPORTAL_API_H

#include "eportal.h"

typedef void (*ep_handler)(struct ep_ctx *ctx, const struct ep_request *rq,
			   struct ep_response *rs);

struct ep_route {
	const char *method;
	/* Exact path, or a prefix ending in '*' whose rest is route_arg. */
	const char *path;
	ep_handler handler;
	const char *name;		/* in the access log */
	bool secret_arg;		/* route_arg is a key: not logged */
	bool admin;			/* needs an API key or admin user (auth.c) */
};

/* The route of @method @path, or NULL; *route_arg set for '*' routes. */
const struct ep_route *ep_route_find(const char *method, const char *path,
				     const char **route_arg,
				     bool *method_mismatch);

/* api-machines.c: the JSON API /api/v1/... */
void ep_api_register(struct ep_ctx *ctx, const struct ep_request *rq,
		     struct ep_response *rs);
void ep_api_unregister(struct ep_ctx *ctx, const struct ep_request *rq,
		       struct ep_response *rs);
void ep_api_checkin(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs);
void ep_api_license(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs);
/* api-compat.c: the original's paths under /admin/api/kcare/ */
void ep_api_compat_register(struct ep_ctx *ctx, const struct ep_request *rq,
			    struct ep_response *rs);
void ep_api_compat_unregister(struct ep_ctx *ctx, const struct ep_request *rq,
			      struct ep_response *rs);
void ep_api_compat_check(struct ep_ctx *ctx, const struct ep_request *rq,
			 struct ep_response *rs);
void ep_api_key_machines(struct ep_ctx *ctx, const struct ep_request *rq,
			 struct ep_response *rs);
void ep_api_key_machines_json(struct ep_ctx *ctx, const struct ep_request *rq,
			      struct ep_response *rs);
/* api-install.c: the agents' set-up script */
void ep_api_install(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs);
/* api-files.c: the static repository */
void ep_api_file(struct ep_ctx *ctx, const struct ep_request *rq,
		 struct ep_response *rs);
void ep_api_package(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs);
void ep_api_health(struct ep_ctx *ctx, const struct ep_request *rq,
		   struct ep_response *rs);

struct json_object;
/*
 * The request body as a JSON object (depth at most 4), or NULL with @rs
 * set to the 400 that says what is wrong (api-machines.c).
 */
struct json_object *ep_json_body(const struct ep_request *rq,
				 struct ep_response *rs);
/* Send @o (consumed) with status 200. */
void ep_reply_json(struct ep_response *rs, struct json_object *o);

/* api-admin.c: the admin API /admin/api/v1/... */
void ep_admin_feeds(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs);
void ep_admin_feed_add(struct ep_ctx *ctx, const struct ep_request *rq,
		       struct ep_response *rs);
void ep_admin_keys(struct ep_ctx *ctx, const struct ep_request *rq,
		   struct ep_response *rs);
void ep_admin_key_add(struct ep_ctx *ctx, const struct ep_request *rq,
		      struct ep_response *rs);
/* GET, PUT, DELETE /admin/api/v1/keys/KEY */
void ep_admin_key(struct ep_ctx *ctx, const struct ep_request *rq,
		  struct ep_response *rs);
void ep_admin_servers(struct ep_ctx *ctx, const struct ep_request *rq,
		      struct ep_response *rs);
/* GET, DELETE /admin/api/v1/servers/ID */
void ep_admin_server(struct ep_ctx *ctx, const struct ep_request *rq,
		     struct ep_response *rs);
void ep_admin_patchsets(struct ep_ctx *ctx, const struct ep_request *rq,
			struct ep_response *rs);
void ep_admin_apikeys(struct ep_ctx *ctx, const struct ep_request *rq,
		      struct ep_response *rs);
void ep_admin_apikey_add(struct ep_ctx *ctx, const struct ep_request *rq,
			 struct ep_response *rs);
/* GET, DELETE /admin/api/v1/apikeys/NAME */
void ep_admin_apikey(struct ep_ctx *ctx, const struct ep_request *rq,
		     struct ep_response *rs);

/* metrics.c: GET /metrics (Prometheus) */
void ep_api_metrics(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs);

/* Shared by the machine handlers: register @m (filled from a request). */
int ep_do_register(struct ep_ctx *ctx, struct ep_machine *m, struct ep_key *k,
		   struct ep_response *rs);

#endif /* _KCARE_EPORTAL_API_H */
