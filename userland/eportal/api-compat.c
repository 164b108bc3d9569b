// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the paths the original product's agents and scanner
 * integrations use, under /admin/api/kcare/ (REGISTRATION_URL points
 * there):
 *
 *   register_by_key.plain?key=K&hostname=H   "code: 0\nserver_id: ID\n"
 *   unregister.plain?server_id=ID            "code: 0\n"
 *   check.plain?server_id=ID                 "code: 0\n..." (license)
 *   patchset/KEY                             {"data": [[ip, kernel_id, level], ...]}
 *   patchset.json?key=KEY                    [{"ip":..,"host":..,"kernel_id":..,"patch_level":N}]
 *
 * The two patchset forms are what the open-source kcare-qualys and
 * kcare-nexpose integrations parse: kcare-qualys unpacks each "data" row
 * into exactly (ip, kernel_id, patch_level) and compares the level with
 * a number, so a row has three members and the level is a JSON number.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"

/* "key: value" lines, as the original's plain answers. */
static void ep_plain(struct ep_response *rs, unsigned int status,
		     int code, const char *extra_key, const char *extra)
{
	char buf[512];

	if (extra_key)
		ep_fmt(buf, sizeof(buf), "code: %d\n%s: %s\n", code, extra_key,
		       extra);
	else
		ep_fmt(buf, sizeof(buf), "code: %d\n", code);
	ep_reply(rs, status, "text/plain", buf);
}

static int ep_arg_text(const struct ep_request *rq, const char *name,
		       char *out, size_t len)
{
	const char *v = rq->arg(rq, name);

	if (!v)
		v = "";
	if (!ep_valid_text(v, len - 1))
		return -1;
	strcpy(out, v);
	return 0;
}

void ep_api_compat_register(struct ep_ctx *ctx, const struct ep_request *rq,
			    struct ep_response *rs)
{
	struct ep_machine m = { 0 };
	struct ep_key k;

	if (ep_arg_text(rq, "key", m.key, sizeof(m.key)) ||
	    ep_arg_text(rq, "hostname", m.hostname, sizeof(m.hostname)) ||
	    ep_arg_text(rq, "machine_id", m.machine_id, sizeof(m.machine_id))) {
		ep_plain(rs, 400, 2, "message", "Invalid Key");
		return;
	}
	ep_fmt(m.ip, sizeof(m.ip), "%s", rq->remote ? rq->remote : "");
	if (ep_do_register(ctx, &m, &k, rs)) {
		if (rs->status == 403)
			ep_plain(rs, 403, 3, "message", "Key limit reached");
		else if (rs->status == 404)
			ep_plain(rs, 404, 2, "message", "Invalid Key");
		else if (rs->status == 410)
			ep_plain(rs, 410, 4, "message", "Key expired");
		return;
	}
	ep_plain(rs, 200, 0, "server_id", m.server_id);
}

void ep_api_compat_unregister(struct ep_ctx *ctx, const struct ep_request *rq,
			      struct ep_response *rs)
{
	char id[EP_ID_MAX + 1];
	int rc;

	if (ep_arg_text(rq, "server_id", id, sizeof(id)) || !*id) {
		ep_plain(rs, 404, 1, "message", "Unknown server id");
		return;
	}
	rc = ctx->store->ops->machine_unregister(ctx->store, id);
	if (rc == EP_ENOTFOUND)
		ep_plain(rs, 404, 1, "message", "Unknown server id");
	else if (rc)
		ep_plain(rs, 500, 1, "message", "internal error");
	else
		ep_plain(rs, 200, 0, NULL, NULL);
}

void ep_api_compat_check(struct ep_ctx *ctx, const struct ep_request *rq,
			 struct ep_response *rs)
{
	char id[EP_ID_MAX + 1], buf[512];
	struct ep_machine m;
	struct ep_key k;
	int rc;

	if (ep_arg_text(rq, "server_id", id, sizeof(id)) || !*id) {
		ep_plain(rs, 404, 1, "message", "Unknown server id");
		return;
	}
	rc = ctx->store->ops->machine_get(ctx->store, id, &m);
	if (!rc)
		rc = ctx->store->ops->key_get(ctx->store, m.key, &k);
	if (rc) {
		ep_plain(rs, rc == EP_ENOTFOUND ? 404 : 500, 1, "message",
			 rc == EP_ENOTFOUND ? "Unknown server id" : "internal error");
		return;
	}
	ep_fmt(buf, sizeof(buf), "code: 0\nfeed: %s\nsticky_patch: %s\n",
	       k.feed, k.sticky);
	ep_reply(rs, 200, "text/plain", buf);
}

struct ep_rows {
	struct json_object *a;
	bool objects;
};

static int ep_add_row(const struct ep_machine *m, void *arg)
{
	struct ep_rows *r = arg;
	struct json_object *row;

	if (r->objects) {
		row = json_object_new_object();
		json_object_object_add(row, "ip", json_object_new_string(m->ip));
		json_object_object_add(row, "host",
				       json_object_new_string(*m->fqdn ? m->fqdn : m->hostname));
		json_object_object_add(row, "kernel_id",
				       json_object_new_string(m->kernel_id));
		json_object_object_add(row, "patch_level",
				       json_object_new_int64(m->patch_level));
	} else {
		row = json_object_new_array();
		json_object_array_add(row, json_object_new_string(m->ip));
		json_object_array_add(row, json_object_new_string(m->kernel_id));
		json_object_array_add(row, json_object_new_int64(m->patch_level));
	}
	json_object_array_add(r->a, row);
	return 0;
}

static void ep_key_machines(struct ep_ctx *ctx, const char *key, bool objects,
			    struct ep_response *rs)
{
	struct ep_rows r = { .objects = objects };
	struct json_object *o;
	struct ep_key k;
	int rc;

	rc = key && ep_valid_key(key) ?
	     ctx->store->ops->key_get(ctx->store, key, &k) : EP_ENOTFOUND;
	if (rc == EP_ENOTFOUND) {
		ep_reply_error(rs, 404, "Unknown key");
		return;
	}
	r.a = json_object_new_array();
	if (rc || ctx->store->ops->machine_list(ctx->store, key, ep_add_row, &r)) {
		json_object_put(r.a);
		ep_reply_error(rs, 500, "internal error: the database failed");
		return;
	}
	if (objects) {
		o = r.a;
	} else {
		o = json_object_new_object();
		json_object_object_add(o, "data", r.a);
	}
	ep_reply(rs, 200, "application/json",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void ep_api_key_machines(struct ep_ctx *ctx, const struct ep_request *rq,
			 struct ep_response *rs)
{
	ep_key_machines(ctx, rq->route_arg, false, rs);
}

void ep_api_key_machines_json(struct ep_ctx *ctx, const struct ep_request *rq,
			      struct ep_response *rs)
{
	ep_key_machines(ctx, rq->arg(rq, "key"), true, rs);
}
