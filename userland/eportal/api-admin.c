// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the admin API, /admin/api/v1/... (Documentation/
 * eportal.md, "The admin API"): feeds, registration keys, machines,
 * patchsets and the API keys themselves, as JSON. http.c lets no request
 * reach these handlers without a valid API key or admin user (auth.c).
 * Values are checked by the same code as the commands' (fields.c) and
 * reach the database only as bound parameters.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"
#include "auth.h"
#include "fields.h"

/* 201 or 200 with @o (consumed). */
static void ep_admin_reply(struct ep_response *rs, unsigned int status,
			   struct json_object *o)
{
	ep_reply_json(rs, o);
	rs->status = status;
}

static void ep_admin_store_error(struct ep_ctx *ctx, struct ep_response *rs,
				 int rc, const char *what)
{
	switch (rc) {
	case EP_ENOTFOUND:
		ep_reply_error(rs, 404, "%s: not found", what);
		break;
	case EP_EEXISTS:
		ep_reply_error(rs, 409, "%s: already exists", what);
		break;
	case EP_EINUSE:
		ep_reply_error(rs, 409, "%s: still in use", what);
		break;
	default:
		fprintf(stderr, "%s: %s\n", ep_prog, ctx->store->err);
		ep_reply_error(rs, 500, "internal error: the database failed");
		break;
	}
}

/*
 * Member @name of @o as text in *@val (NULL when absent or null):
 * a string, or with @number a whole number 0..4294967295, or with
 * @boolean true/false as "1"/"0". 0, or -1 with @rs set.
 */
enum ep_mtype { EP_M_STRING, EP_M_NUMBER, EP_M_BOOL };

static int ep_member(struct json_object *o, const char *name,
		     enum ep_mtype type, char buf[24], const char **val,
		     struct ep_response *rs)
{
	struct json_object *v;
	int64_t n;

	*val = NULL;
	if (!json_object_object_get_ex(o, name, &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	switch (type) {
	case EP_M_NUMBER:
		n = json_object_get_int64(v);
		if (!json_object_is_type(v, json_type_int) || n < 0 ||
		    n > 0xffffffffLL)
			break;
		ep_fmt(buf, 24, "%lld", (long long)n);
		*val = buf;
		return 0;
	case EP_M_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			break;
		*val = json_object_get_boolean(v) ? "1" : "0";
		return 0;
	default:
		if (!json_object_is_type(v, json_type_string) ||
		    (size_t)json_object_get_string_len(v) !=
		    strlen(json_object_get_string(v)))
			break;
		*val = json_object_get_string(v);
		return 0;
	}
	ep_reply_error(rs, 400, "field \"%s\": expected %s", name,
		       type == EP_M_NUMBER ? "a number from 0 to 4294967295" :
		       type == EP_M_BOOL ? "true or false" : "a string");
	return -1;
}

/* Run a store list into a JSON array and answer it. */
#define EP_ADMIN_LIST(ctx, rs, call, what) do {				\
	struct json_object *a_ = json_object_new_array();		\
	int rc_ = (call);						\
	if (rc_) {							\
		json_object_put(a_);					\
		ep_admin_store_error(ctx, rs, rc_, what);		\
	} else {							\
		ep_admin_reply(rs, 200, a_);				\
	}								\
} while (0)

void ep_admin_feeds(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs)
{
	EP_ADMIN_LIST(ctx, rs, ctx->store->ops->feed_list(ctx->store,
		      ep_json_add_feed, a_), "feeds");
}

void ep_admin_feed_add(struct ep_ctx *ctx, const struct ep_request *rq,
		       struct ep_response *rs)
{
	const char *name, *delay, *autoup, *upstream;
	char b1[24], b2[24], b3[24], err[256];
	struct ep_feed f = { 0 };
	struct json_object *o;
	int rc;

	o = ep_json_body(rq, rs);
	if (!o)
		return;
	if (ep_member(o, "name", EP_M_STRING, b1, &name, rs) ||
	    ep_member(o, "delay_hours", EP_M_NUMBER, b2, &delay, rs) ||
	    ep_member(o, "auto_update", EP_M_BOOL, b3, &autoup, rs) ||
	    ep_member(o, "upstream", EP_M_STRING, b3, &upstream, rs))
		goto out;
	if (!name || !*name || !ep_valid_feed(name)) {
		ep_reply_error(rs, 400, "field \"name\": a feed name is [a-z0-9-], 1..32, not api, admin or packages");
		goto out;
	}
	ep_fmt(f.name, sizeof(f.name), "%s", name);
	if (ep_feed_fields(&f, delay, autoup ? *autoup == '1' : -1, upstream,
			   err, sizeof(err))) {
		ep_reply_error(rs, 400, "field %s", err);
		goto out;
	}
	rc = ctx->store->ops->feed_add(ctx->store, &f);
	if (rc)
		ep_admin_store_error(ctx, rs, rc, f.name);
	else
		ep_admin_reply(rs, 201, ep_feed_json(&f));
out:
	json_object_put(o);
}

void ep_admin_keys(struct ep_ctx *ctx, const struct ep_request *rq,
		   struct ep_response *rs)
{
	EP_ADMIN_LIST(ctx, rs, ctx->store->ops->key_list(ctx->store,
		      ep_json_add_key, a_), "keys");
}

/* A key's fields from the body onto @k; 0, or -1 with @rs set. */
static int ep_admin_key_body(const struct ep_request *rq, struct ep_key *k,
			     const char **key, struct ep_response *rs)
{
	char b[6][24], err[256];
	struct ep_key_change c;
	struct json_object *o;
	int rc = -1;

	o = ep_json_body(rq, rs);
	if (!o)
		return -1;
	if (ep_member(o, "feed", EP_M_STRING, b[0], &c.feed, rs) ||
	    ep_member(o, "limit", EP_M_NUMBER, b[1], &c.limit, rs) ||
	    ep_member(o, "sticky", EP_M_STRING, b[2], &c.sticky, rs) ||
	    ep_member(o, "expires", EP_M_STRING, b[3], &c.expires, rs) ||
	    ep_member(o, "note", EP_M_STRING, b[4], &c.note, rs) ||
	    (key && ep_member(o, "key", EP_M_STRING, b[5], key, rs)))
		goto out;
	if (key && *key && !ep_valid_key(*key)) {
		ep_reply_error(rs, 400, "field \"key\": a key is [A-Za-z0-9_-], 1..64");
		goto out;
	}
	if (key && !c.feed) {
		ep_reply_error(rs, 400, "missing field \"feed\" (\"\" or \"default\" for the default feed)");
		goto out;
	}
	if (ep_key_fields(k, &c, err, sizeof(err))) {
		ep_reply_error(rs, 400, "field %s", err);
		goto out;
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

void ep_admin_key_add(struct ep_ctx *ctx, const struct ep_request *rq,
		      struct ep_response *rs)
{
	struct ep_key k = { 0 };
	const char *key;
	int rc;

	if (ep_admin_key_body(rq, &k, &key, rs))
		return;
	if (key) {
		ep_fmt(k.key, sizeof(k.key), "%s", key);
	} else if (ep_random_key(k.key)) {
		ep_reply_error(rs, 500, "internal error: no random numbers");
		return;
	}
	k.created = ctx->now;
	rc = ctx->store->ops->key_add(ctx->store, &k);
	if (rc) {
		ep_admin_store_error(ctx, rs, rc, k.key);
		return;
	}
	ep_admin_reply(rs, 201, ep_key_json(&k));
}

void ep_admin_key(struct ep_ctx *ctx, const struct ep_request *rq,
		  struct ep_response *rs)
{
	const char *key = rq->route_arg;
	struct ep_key k;
	int rc;

	if (!ep_valid_key(key)) {
		ep_reply_error(rs, 404, "Unknown key");
		return;
	}
	rc = ctx->store->ops->key_get(ctx->store, key, &k);
	if (rc) {
		ep_admin_store_error(ctx, rs, rc, key);
		return;
	}
	if (!strcmp(rq->method, "DELETE")) {
		rc = ctx->store->ops->key_delete(ctx->store, key);
		if (rc) {
			ep_admin_store_error(ctx, rs, rc, key);
			return;
		}
		ep_admin_reply(rs, 200, ep_key_json(&k));
		return;
	}
	if (!strcmp(rq->method, "PUT")) {
		if (ep_admin_key_body(rq, &k, NULL, rs))
			return;
		rc = ctx->store->ops->key_update(ctx->store, &k);
		if (!rc)
			rc = ctx->store->ops->key_get(ctx->store, key, &k);
		if (rc) {
			ep_admin_store_error(ctx, rs, rc, key);
			return;
		}
	}
	ep_admin_reply(rs, 200, ep_key_json(&k));
}

void ep_admin_servers(struct ep_ctx *ctx, const struct ep_request *rq,
		      struct ep_response *rs)
{
	const char *key = rq->arg ? rq->arg(rq, "key") : NULL;

	if (key && !ep_valid_key(key)) {
		ep_reply_error(rs, 404, "Unknown key");
		return;
	}
	EP_ADMIN_LIST(ctx, rs, ctx->store->ops->machine_list(ctx->store, key,
		      ep_json_add_machine, a_), "servers");
}

void ep_admin_server(struct ep_ctx *ctx, const struct ep_request *rq,
		     struct ep_response *rs)
{
	const char *id = rq->route_arg;
	struct ep_machine m;
	int rc;

	if (strlen(id) > EP_ID_MAX || strspn(id, "0123456789abcdef") != strlen(id)) {
		ep_reply_error(rs, 404, "Unknown server id");
		return;
	}
	rc = ctx->store->ops->machine_get(ctx->store, id, &m);
	if (!rc && !strcmp(rq->method, "DELETE"))
		rc = ctx->store->ops->machine_unregister(ctx->store, id);
	if (rc) {
		ep_admin_store_error(ctx, rs, rc, "server id");
		return;
	}
	ep_admin_reply(rs, 200, ep_machine_json(&m));
}

struct ep_ps_list {
	struct json_object *a;
	time_t now;
};

static int ep_ps_add(const struct ep_patchset *p, void *arg)
{
	struct ep_ps_list *l = arg;

	if (p->state == EP_PS_UNDEPLOYED)
		return 0;
	return json_object_array_add(l->a, ep_patchset_json(p, l->now));
}

void ep_admin_patchsets(struct ep_ctx *ctx, const struct ep_request *rq,
			struct ep_response *rs)
{
	const char *feed = rq->arg ? rq->arg(rq, "feed") : NULL;
	struct ep_ps_list l = { .now = ctx->now };

	if (feed && !strcmp(feed, "default"))
		feed = "";
	if (feed && !ep_valid_feed(feed)) {
		ep_reply_error(rs, 404, "Unknown feed");
		return;
	}
	EP_ADMIN_LIST(ctx, rs, (l.a = a_, ctx->store->ops->patchset_list(
		      ctx->store, feed, NULL, ep_ps_add, &l)), "patchsets");
}

static int ep_apikey_add_json(const struct ep_cred *c, void *arg)
{
	return json_object_array_add(arg, ep_cred_json(c));
}

void ep_admin_apikeys(struct ep_ctx *ctx, const struct ep_request *rq,
		      struct ep_response *rs)
{
	EP_ADMIN_LIST(ctx, rs, ctx->store->ops->cred_list(ctx->store,
		      EP_CRED_APIKEY, ep_apikey_add_json, a_), "API keys");
}

void ep_admin_apikey_add(struct ep_ctx *ctx, const struct ep_request *rq,
			 struct ep_response *rs)
{
	char key[EP_APIKEY_LEN + 1], b1[24], b2[24];
	struct ep_cred c = { .kind = EP_CRED_APIKEY };
	const char *name, *note;
	struct json_object *o;
	int rc;

	o = ep_json_body(rq, rs);
	if (!o)
		return;
	if (ep_member(o, "name", EP_M_STRING, b1, &name, rs) ||
	    ep_member(o, "note", EP_M_STRING, b2, &note, rs))
		goto out;
	if (!name || !ep_cred_name_ok(name)) {
		ep_reply_error(rs, 400, "field \"name\": [A-Za-z0-9_.-], 1..64, not starting with '.'");
		goto out;
	}
	if (note && !ep_valid_text(note, EP_TEXT_MAX)) {
		ep_reply_error(rs, 400, "field \"note\": at most %d printable ASCII characters",
			       EP_TEXT_MAX);
		goto out;
	}
	ep_fmt(c.name, sizeof(c.name), "%s", name);
	ep_fmt(c.note, sizeof(c.note), "%s", note ? note : "");
	c.created = ctx->now;
	if (ep_apikey_new(key, c.secret)) {
		ep_reply_error(rs, 500, "internal error: no random numbers");
		goto out;
	}
	rc = ctx->store->ops->cred_add(ctx->store, &c);
	if (rc) {
		ep_admin_store_error(ctx, rs, rc, c.name);
		goto out;
	}
	json_object_put(o);
	o = ep_cred_json(&c);
	/* The only time the key is shown. */
	json_object_object_add(o, "key", json_object_new_string(key));
	ep_admin_reply(rs, 201, o);
	return;
out:
	json_object_put(o);
}

void ep_admin_apikey(struct ep_ctx *ctx, const struct ep_request *rq,
		     struct ep_response *rs)
{
	const char *name = rq->route_arg;
	struct ep_cred c;
	int rc;

	if (!ep_cred_name_ok(name)) {
		ep_reply_error(rs, 404, "%s: not found", "API key");
		return;
	}
	rc = ctx->store->ops->cred_get(ctx->store, EP_CRED_APIKEY, name, &c);
	if (!rc && !strcmp(rq->method, "DELETE"))
		rc = ctx->store->ops->cred_delete(ctx->store, EP_CRED_APIKEY, name);
	if (rc) {
		ep_admin_store_error(ctx, rs, rc, name);
		return;
	}
	ep_admin_reply(rs, 200, ep_cred_json(&c));
}
