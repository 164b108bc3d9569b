// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the fields of feeds, keys and machines as the commands
 * and the admin API take and show them: one place checks a value given
 * as text (a command's option, or a JSON member) and one place makes
 * the JSON object of a row, so that `key list --json` and
 * GET /admin/api/v1/keys say the same thing.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fields.h"

int ep_key_fields(struct ep_key *k, const struct ep_key_change *c, char *err,
		  size_t errlen)
{
	if (c->feed) {
		const char *feed = strcmp(c->feed, "default") ? c->feed : "";

		if (!ep_valid_feed(feed))
			return ep_fmt(err, errlen, "feed %s: no such feed name", feed), -1;
		/* A key's feed becomes the machines' PREFIX: a kernel feed. */
		if (!strcmp(feed, "userspace"))
			return ep_fmt(err, errlen, "feed %s: that feed holds user-space patchsets, which every machine reads whatever its key",
				      feed), -1;
		ep_fmt(k->feed, sizeof(k->feed), "%s", feed);
	}
	if (c->limit) {
		char *end;
		unsigned long n = strtoul(c->limit, &end, 10);

		if (!*c->limit || *end || *c->limit == '-' || n > 100000000)
			return ep_fmt(err, errlen, "limit %s: 0 (none) to 100000000",
				      c->limit), -1;
		k->limit = n;
	}
	if (c->sticky) {
		if (!ep_valid_sticky(c->sticky))
			return ep_fmt(err, errlen, "sticky %s: DDMMYY, a real date, or '' for none",
				      c->sticky), -1;
		ep_fmt(k->sticky, sizeof(k->sticky), "%s", c->sticky);
	}
	if (c->expires && ep_date_parse(c->expires, &k->expires))
		return ep_fmt(err, errlen, "expires %s: YYYY-MM-DD, a real date, or '' for never",
			      c->expires), -1;
	if (c->note) {
		if (!ep_valid_text(c->note, EP_TEXT_MAX))
			return ep_fmt(err, errlen, "note: at most %d printable ASCII characters",
				      EP_TEXT_MAX), -1;
		ep_fmt(k->note, sizeof(k->note), "%s", c->note);
	}
	return 0;
}

int ep_feed_fields(struct ep_feed *f, const char *delay, int autoup,
		   const char *upstream, char *err, size_t errlen)
{
	if (delay) {
		char *end;
		unsigned long h = strtoul(delay, &end, 10);

		if (!*delay || *end || *delay == '-' || h > 8760)
			return ep_fmt(err, errlen, "delay %s: 0..8760 hours", delay), -1;
		f->deploy_delay_hours = h;
	}
	if (autoup >= 0)
		f->auto_update = autoup;
	if (upstream) {
		if (strncmp(upstream, "http://", 7) && strncmp(upstream, "https://", 8) &&
		    *upstream)
			return ep_fmt(err, errlen, "upstream: an http:// or https:// URL"), -1;
		if (!ep_valid_text(upstream, EP_TEXT_MAX))
			return ep_fmt(err, errlen, "upstream: at most %d printable characters",
				      EP_TEXT_MAX), -1;
		ep_fmt(f->upstream, sizeof(f->upstream), "%s", upstream);
	}
	if (f->auto_update && !*f->upstream)
		return ep_fmt(err, errlen, "auto-update needs an upstream URL"), -1;
	return 0;
}

static void ep_jstr(struct json_object *o, const char *name, const char *v)
{
	json_object_object_add(o, name, json_object_new_string(v));
}

static void ep_jtime(struct json_object *o, const char *name, time_t t)
{
	char buf[21];

	ep_time_fmt(t, buf);
	ep_jstr(o, name, buf);
}

struct json_object *ep_feed_json(const struct ep_feed *f)
{
	struct json_object *o = json_object_new_object();

	ep_jstr(o, "name", f->name);
	json_object_object_add(o, "delay_hours", json_object_new_int64(f->deploy_delay_hours));
	json_object_object_add(o, "auto_update", json_object_new_boolean(f->auto_update));
	ep_jstr(o, "upstream", f->upstream);
	return o;
}

struct json_object *ep_key_json(const struct ep_key *k)
{
	struct json_object *o = json_object_new_object();
	char day[11];

	ep_date_fmt(k->expires, day);
	ep_jstr(o, "key", k->key);
	ep_jstr(o, "feed", k->feed);
	json_object_object_add(o, "limit", json_object_new_int64(k->limit));
	json_object_object_add(o, "machines", json_object_new_int64(k->machines));
	ep_jstr(o, "sticky", k->sticky);
	ep_jstr(o, "note", k->note);
	ep_jtime(o, "created", k->created);
	ep_jstr(o, "expires", day);
	return o;
}

struct json_object *ep_machine_json(const struct ep_machine *m)
{
	struct json_object *o = json_object_new_object();

	ep_jstr(o, "server_id", m->server_id);
	ep_jstr(o, "key", m->key);
	ep_jstr(o, "machine_id", m->machine_id);
	ep_jstr(o, "hostname", m->hostname);
	ep_jstr(o, "fqdn", m->fqdn);
	ep_jstr(o, "ip", m->ip);
	ep_jstr(o, "distro", m->distro);
	ep_jstr(o, "kernel_release", m->kernel_release);
	ep_jstr(o, "kernel_id", m->kernel_id);
	ep_jstr(o, "effective_kernel", m->effective_kernel);
	json_object_object_add(o, "patch_level", json_object_new_int64(m->patch_level));
	ep_jstr(o, "userspace", m->userspace);
	ep_jstr(o, "tag", m->tag);
	ep_jtime(o, "registered", m->registered);
	ep_jtime(o, "last_seen", m->last_seen);
	return o;
}

const char *ep_patchset_state(const struct ep_patchset *p, time_t now)
{
	if (p->state == EP_PS_ENABLED && p->enable_after > now)
		return "waiting";
	return ep_ps_state_name(p->state);
}

struct json_object *ep_patchset_json(const struct ep_patchset *p, time_t now)
{
	struct json_object *o = json_object_new_object();

	ep_jstr(o, "feed", p->feed);
	ep_jstr(o, "id", p->id);
	json_object_object_add(o, "level", json_object_new_int64(p->level));
	ep_jstr(o, "patch_type", p->patch_type);
	ep_jstr(o, "state", ep_patchset_state(p, now));
	ep_jstr(o, "kernel_id", p->kernel_sha1);
	ep_jstr(o, "kernel_release", p->kernel_release);
	ep_jtime(o, "release_time", p->release_time);
	ep_jtime(o, "enable_after", p->enable_after);
	ep_jstr(o, "sha256", p->sha256);
	return o;
}

struct json_object *ep_cred_json(const struct ep_cred *c)
{
	struct json_object *o = json_object_new_object();

	ep_jstr(o, "name", c->name);
	ep_jstr(o, "note", c->note);
	ep_jtime(o, "created", c->created);
	return o;
}

/* The JSON array of a store's list; the callbacks of its rows. */
int ep_json_add_feed(const struct ep_feed *f, void *arg)
{
	return json_object_array_add(arg, ep_feed_json(f));
}

int ep_json_add_key(const struct ep_key *k, void *arg)
{
	return json_object_array_add(arg, ep_key_json(k));
}

int ep_json_add_machine(const struct ep_machine *m, void *arg)
{
	return json_object_array_add(arg, ep_machine_json(m));
}
