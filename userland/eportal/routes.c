// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the table of routes. The API lives under /api/v1/ and
 * again under /admin/api/kcare/v1/, so that an agent appends "/v1/..."
 * to its REGISTRATION_URL (https://HOST/admin/api/kcare); the original's
 * agents and integrations use /admin/api/kcare/; every other GET is a
 * file of the static repository.
 */
#include <string.h>

#include "api.h"

/* A route of the admin API: only with an API key or an admin user. */
#define EP_ADMIN(m, p, h, n)	{ m, "/admin/api/v1/" p, h, "admin-" n, false, true }

static const struct ep_route ep_routes[] = {
	{ "POST", "/api/v1/register", ep_api_register, "register" },
	{ "POST", "/api/v1/unregister", ep_api_unregister, "unregister" },
	{ "POST", "/api/v1/checkin", ep_api_checkin, "checkin" },
	{ "GET", "/api/v1/license", ep_api_license, "license" },
	{ "GET", "/api/v1/health", ep_api_health, "health" },
	{ "POST", "/admin/api/kcare/v1/register", ep_api_register, "register" },
	{ "POST", "/admin/api/kcare/v1/unregister", ep_api_unregister, "unregister" },
	{ "POST", "/admin/api/kcare/v1/checkin", ep_api_checkin, "checkin" },
	{ "GET", "/admin/api/kcare/v1/license", ep_api_license, "license" },
	{ "GET", "/admin/api/kcare/register_by_key.plain", ep_api_compat_register,
	  "compat-register" },
	{ "GET", "/admin/api/kcare/unregister.plain", ep_api_compat_unregister,
	  "compat-unregister" },
	{ "GET", "/admin/api/kcare/check.plain", ep_api_compat_check,
	  "compat-check" },
	{ "GET", "/admin/api/kcare/patchset.json", ep_api_key_machines_json,
	  "key-machines" },
	{ "GET", "/admin/api/kcare/patchset/*", ep_api_key_machines,
	  "key-machines", true },
	/* The same lists where a scanner configured as for CLN asks. */
	{ "GET", "/api/kcare/patchset.json", ep_api_key_machines_json,
	  "key-machines" },
	{ "GET", "/api/kcare/patchset/*", ep_api_key_machines,
	  "key-machines", true },
	EP_ADMIN("GET", "feeds", ep_admin_feeds, "feeds"),
	EP_ADMIN("POST", "feeds", ep_admin_feed_add, "feeds"),
	EP_ADMIN("GET", "keys", ep_admin_keys, "keys"),
	EP_ADMIN("POST", "keys", ep_admin_key_add, "keys"),
	{ "GET", "/admin/api/v1/keys/*", ep_admin_key, "admin-key", true, true },
	{ "PUT", "/admin/api/v1/keys/*", ep_admin_key, "admin-key", true, true },
	{ "DELETE", "/admin/api/v1/keys/*", ep_admin_key, "admin-key", true, true },
	EP_ADMIN("GET", "servers", ep_admin_servers, "servers"),
	EP_ADMIN("GET", "servers/*", ep_admin_server, "server"),
	EP_ADMIN("DELETE", "servers/*", ep_admin_server, "server"),
	EP_ADMIN("GET", "patchsets", ep_admin_patchsets, "patchsets"),
	EP_ADMIN("GET", "apikeys", ep_admin_apikeys, "apikeys"),
	EP_ADMIN("POST", "apikeys", ep_admin_apikey_add, "apikeys"),
	EP_ADMIN("GET", "apikeys/*", ep_admin_apikey, "apikey"),
	EP_ADMIN("DELETE", "apikeys/*", ep_admin_apikey, "apikey"),
	{ "GET", "/metrics", ep_api_metrics, "metrics", false, true },
	{ "GET", "/install-kernelcare", ep_api_install, "install" },
	{ "GET", "/packages/*", ep_api_package, "package" },
	{ "GET", "/api/*", NULL, "unknown" },
	{ "GET", "/admin/*", NULL, "unknown" },
	{ "GET", "/*", ep_api_file, "file" },
	{ NULL },
};

const struct ep_route *ep_route_find(const char *method, const char *path,
				     const char **route_arg,
				     bool *method_mismatch)
{
	const struct ep_route *r;
	size_t n;

	*method_mismatch = false;
	*route_arg = NULL;
	for (r = ep_routes; r->path; r++) {
		n = strlen(r->path);
		if (r->path[n - 1] == '*') {
			if (strncmp(path, r->path, n - 1))
				continue;
			if (!strcmp(r->path, "/*"))
				*route_arg = path;
			else
				*route_arg = path + n - 1;
		} else if (strcmp(path, r->path)) {
			continue;
		}
		if (strcmp(method, r->method) &&
		    !(!strcmp(method, "HEAD") && !strcmp(r->method, "GET"))) {
			*method_mismatch = true;
			continue;
		}
		/* A catch-all does not hide a path known for another method. */
		if (!r->handler && *method_mismatch)
			return NULL;
		*method_mismatch = false;
		return r;
	}
	return NULL;
}
