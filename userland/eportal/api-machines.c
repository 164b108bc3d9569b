// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: machines, through the versioned JSON API
 * (Documentation/eportal.md, "The API"): register a machine with a key,
 * unregister it, check in its kernel and patch levels, and what its
 * registration allows (license).
 *
 * Bodies are parsed by json-c with a small depth limit; every field has
 * a type and a length checked here, and values reach the database only
 * as bound parameters.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "api.h"

#define EP_JSON_DEPTH	4

enum ep_ftype { EP_F_TEXT, EP_F_UINT };

struct ep_field {
	const char *name;
	enum ep_ftype type;
	size_t off, len;		/* where in struct ep_machine */
	bool required;
};

#define EP_MF(n, f, req) { n, EP_F_TEXT, offsetof(struct ep_machine, f), \
	sizeof(((struct ep_machine *)0)->f), req }

static const struct ep_field ep_register_fields[] = {
	EP_MF("key", key, true),
	EP_MF("machine_id", machine_id, false),
	EP_MF("hostname", hostname, false),
	EP_MF("fqdn", fqdn, false),
	EP_MF("distro", distro, false),
	EP_MF("kernel_release", kernel_release, false),
	EP_MF("kernel_id", kernel_id, false),
	EP_MF("tag", tag, false),
	{ NULL },
};

static const struct ep_field ep_checkin_fields[] = {
	EP_MF("server_id", server_id, true),
	EP_MF("kernel_release", kernel_release, false),
	EP_MF("kernel_id", kernel_id, false),
	EP_MF("effective_kernel", effective_kernel, false),
	{ "patch_level", EP_F_UINT, offsetof(struct ep_machine, patch_level), 0, false },
	EP_MF("userspace", userspace, false),
	EP_MF("tag", tag, false),
	{ NULL },
};

static const struct ep_field ep_server_id_field[] = {
	EP_MF("server_id", server_id, true),
	{ NULL },
};

struct json_object *ep_json_body(const struct ep_request *rq,
				 struct ep_response *rs)
{
	struct json_tokener *tok;
	struct json_object *o;

	if (!rq->body || !rq->body_len) {
		ep_reply_error(rs, 400, "expected a JSON object in the request body");
		return NULL;
	}
	tok = json_tokener_new_ex(EP_JSON_DEPTH);
	if (!tok) {
		ep_reply_error(rs, 500, "out of memory");
		return NULL;
	}
	o = json_tokener_parse_ex(tok, rq->body, rq->body_len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != rq->body_len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		if (o && e == json_tokener_success)
			ep_reply_error(rs, 400, "malformed JSON: data after the object at offset %zu",
				       json_tokener_get_parse_end(tok));
		else
			ep_reply_error(rs, 400, "malformed JSON at offset %zu: %s",
				       json_tokener_get_parse_end(tok),
				       e == json_tokener_success ||
				       e == json_tokener_continue ?
				       "unexpected end of data" :
				       json_tokener_error_desc(e));
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(o, json_type_object)) {
		ep_reply_error(rs, 400, "expected a JSON object");
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * Parse the body as a JSON object and fill @m from @fields; other members
 * are ignored (newer clients may send more). 0, or -1 with @rs set.
 */
static int ep_parse_body(const struct ep_request *rq, const struct ep_field *fields,
			 struct ep_machine *m, struct ep_response *rs)
{
	struct json_object *o, *v;
	const struct ep_field *f;

	o = ep_json_body(rq, rs);
	if (!o)
		return -1;

	for (f = fields; f->name; f++) {
		char *dst = (char *)m + f->off;
		const char *s;

		if (!json_object_object_get_ex(o, f->name, &v) ||
		    json_object_is_type(v, json_type_null)) {
			if (f->required) {
				ep_reply_error(rs, 400, "missing field \"%s\"",
					       f->name);
				goto fail;
			}
			continue;
		}
		if (f->type == EP_F_UINT) {
			int64_t n = json_object_get_int64(v);

			if (!json_object_is_type(v, json_type_int) || n < 0 ||
			    n > 0xffffffffLL) {
				ep_reply_error(rs, 400, "field \"%s\": expected a number from 0 to 4294967295",
					       f->name);
				goto fail;
			}
			*(unsigned int *)dst = n;
			continue;
		}
		if (!json_object_is_type(v, json_type_string)) {
			ep_reply_error(rs, 400, "field \"%s\": expected a string",
				       f->name);
			goto fail;
		}
		s = json_object_get_string(v);
		if ((size_t)json_object_get_string_len(v) != strlen(s) ||
		    !ep_valid_text(s, f->len - 1)) {
			ep_reply_error(rs, 400, "field \"%s\": at most %zu printable ASCII characters",
				       f->name, f->len - 1);
			goto fail;
		}
		strcpy(dst, s);
	}
	json_object_put(o);
	return 0;
fail:
	json_object_put(o);
	return -1;
}

void ep_reply_json(struct ep_response *rs, struct json_object *o)
{
	ep_reply(rs, 200, "application/json",
		 json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static void ep_store_error(struct ep_ctx *ctx, struct ep_response *rs, int rc)
{
	switch (rc) {
	case EP_ENOTFOUND:
		ep_reply_error(rs, 404, "Unknown server id");
		break;
	default:
		fprintf(stderr, "%s: %s\n", ep_prog, ctx->store->err);
		ep_reply_error(rs, 500, "internal error: the database failed");
		break;
	}
}

/* Checks both APIs share; @rs set on failure. */
int ep_do_register(struct ep_ctx *ctx, struct ep_machine *m, struct ep_key *k,
		   struct ep_response *rs)
{
	int rc;

	if (!ep_valid_key(m->key)) {
		ep_reply_error(rs, 404, "Unknown key");
		return -1;
	}
	if (*m->kernel_id && !ep_valid_sha1(m->kernel_id)) {
		ep_reply_error(rs, 400, "field \"kernel_id\": expected 40 lowercase hex digits");
		return -1;
	}
	if (ep_random_hex(m->server_id, 16)) {
		ep_reply_error(rs, 500, "internal error: no random numbers");
		return -1;
	}
	m->registered = m->last_seen = ctx->now;
	rc = ctx->store->ops->machine_register(ctx->store, m, k);
	if (rc == EP_ENOTFOUND) {
		ep_reply_error(rs, 404, "Unknown key");
		return -1;
	}
	if (rc == EP_ELIMIT) {
		ep_reply_error(rs, 403, "Key limit reached");
		return -1;
	}
	/* 410: a key that was good and no longer is (not 404: it exists). */
	if (rc == EP_EEXPIRED) {
		ep_reply_error(rs, 410, "Key expired");
		return -1;
	}
	if (rc) {
		ep_store_error(ctx, rs, rc);
		return -1;
	}
	return 0;
}

void ep_api_register(struct ep_ctx *ctx, const struct ep_request *rq,
		     struct ep_response *rs)
{
	struct ep_machine m = { 0 };
	struct json_object *o;
	struct ep_key k;

	if (ep_parse_body(rq, ep_register_fields, &m, rs))
		return;
	ep_fmt(m.ip, sizeof(m.ip), "%s", rq->remote ? rq->remote : "");
	if (ep_do_register(ctx, &m, &k, rs))
		return;
	o = json_object_new_object();
	json_object_object_add(o, "server_id", json_object_new_string(m.server_id));
	json_object_object_add(o, "feed", json_object_new_string(k.feed));
	json_object_object_add(o, "sticky_patch", json_object_new_string(k.sticky));
	json_object_object_add(o, "limit", json_object_new_int64(k.limit));
	json_object_object_add(o, "machines", json_object_new_int64(k.machines));
	ep_reply_json(rs, o);
}

void ep_api_unregister(struct ep_ctx *ctx, const struct ep_request *rq,
		       struct ep_response *rs)
{
	struct ep_machine m = { 0 };
	struct json_object *o;
	int rc;

	if (ep_parse_body(rq, ep_server_id_field, &m, rs))
		return;
	rc = ctx->store->ops->machine_unregister(ctx->store, m.server_id);
	if (rc) {
		ep_store_error(ctx, rs, rc);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "server_id", json_object_new_string(m.server_id));
	json_object_object_add(o, "unregistered", json_object_new_boolean(1));
	ep_reply_json(rs, o);
}

/*
 * What a registered machine is told: its feed and sticky date, and
 * whether its key is still valid (an expired key unregisters no one, but
 * its machines learn it at their next check-in).
 */
static struct json_object *ep_machine_terms(const struct ep_machine *m,
					    const struct ep_key *k, time_t now)
{
	struct json_object *o;
	char t[21], day[11];

	o = json_object_new_object();
	json_object_object_add(o, "server_id", json_object_new_string(m->server_id));
	json_object_object_add(o, "valid",
			       json_object_new_boolean(!ep_key_expired(k, now)));
	ep_date_fmt(k->expires, day);
	json_object_object_add(o, "expires", json_object_new_string(day));
	json_object_object_add(o, "feed", json_object_new_string(k->feed));
	json_object_object_add(o, "sticky_patch", json_object_new_string(k->sticky));
	ep_time_fmt(m->registered, t);
	json_object_object_add(o, "registered", json_object_new_string(t));
	ep_time_fmt(m->last_seen, t);
	json_object_object_add(o, "last_seen", json_object_new_string(t));
	return o;
}

void ep_api_checkin(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs)
{
	struct ep_machine m = { 0 };
	struct ep_key k;
	int rc;

	if (ep_parse_body(rq, ep_checkin_fields, &m, rs))
		return;
	if (*m.kernel_id && !ep_valid_sha1(m.kernel_id)) {
		ep_reply_error(rs, 400, "field \"kernel_id\": expected 40 lowercase hex digits");
		return;
	}
	ep_fmt(m.ip, sizeof(m.ip), "%s", rq->remote ? rq->remote : "");
	m.last_seen = ctx->now;
	rc = ctx->store->ops->machine_checkin(ctx->store, &m, &k);
	if (rc) {
		ep_store_error(ctx, rs, rc);
		return;
	}
	ep_reply_json(rs, ep_machine_terms(&m, &k, ctx->now));
}

void ep_api_license(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs)
{
	const char *id = rq->arg(rq, "server_id");
	struct ep_machine m;
	struct ep_key k;
	int rc;

	if (!id || !*id) {
		ep_reply_error(rs, 400, "missing parameter \"server_id\"");
		return;
	}
	if (!ep_valid_text(id, EP_ID_MAX)) {
		ep_reply_error(rs, 404, "Unknown server id");
		return;
	}
	rc = ctx->store->ops->machine_get(ctx->store, id, &m);
	if (!rc)
		rc = ctx->store->ops->key_get(ctx->store, m.key, &k);
	if (rc) {
		ep_store_error(ctx, rs, rc);
		return;
	}
	ep_reply_json(rs, ep_machine_terms(&m, &k, ctx->now));
}
