// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal's handlers, called as the server calls them, on a real
 * SQLite file: registration, its limit and its refusals of bad input
 * (leaving the database as it was), check-in, license, the scanners'
 * list of a key's machines, the original's plain answers, static files
 * and path traversal, the agents' set-up script, and the route table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "api.h"

struct fx {
	char dir[64];
	struct ep_config cfg;
	struct ep_store s;
	struct ep_ctx ctx;
};

static const char *const *fake_args;
static const char *const *fake_headers;

static const char *fake_arg(const struct ep_request *rq, const char *name)
{
	const char *const *a;

	for (a = fake_args; a && *a; a += 2)
		if (!strcmp(a[0], name))
			return a[1];
	return NULL;
}

static const char *fake_header(const struct ep_request *rq, const char *name)
{
	const char *const *a;

	for (a = fake_headers; a && *a; a += 2)
		if (!strcmp(a[0], name))
			return a[1];
	return NULL;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ep_key k = { .limit = 2, .created = 1 };
	char cmd[128];

	strcpy(f->dir, "/tmp/ep-api-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/repo/abc/1", f->dir);
	assert_int_equal(system(cmd), 0);
	ep_config_defaults(&f->cfg, f->dir);
	assert_int_equal(ep_store_open(&f->s, f->dir), 0);
	strcpy(k.key, "KEY2");
	assert_int_equal(f->s.ops->key_add(&f->s, &k), 0);
	f->ctx.cfg = &f->cfg;
	f->ctx.store = &f->s;
	f->ctx.now = 1000;
	fake_args = NULL;
	fake_headers = NULL;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	ep_store_close(&f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Call @h with @body (may be NULL); the response body in @out. */
static unsigned int call(struct fx *f, ep_handler h, const char *path,
			 const char *body, char *out, size_t outlen)
{
	struct ep_request rq = {
		.method = body ? "POST" : "GET", .path = path,
		.remote = "192.0.2.7", .body = body,
		.body_len = body ? strlen(body) : 0, .arg = fake_arg,
		.header = fake_header,
	};
	struct ep_response rs = { .fd = -1 };
	const char *star = strrchr(path, '/');

	rq.route_arg = star ? star + 1 : NULL;
	h(&f->ctx, &rq, &rs);
	if (rs.fd >= 0) {
		ssize_t n = pread(rs.fd, out, rs.fd_len < outlen ? rs.fd_len : outlen - 1,
				  rs.fd_off);

		out[n > 0 ? n : 0] = 0;
		close(rs.fd);
	} else {
		snprintf(out, outlen, "%.*s", (int)rs.len, rs.body ? rs.body : "");
	}
	free(rs.body);
	return rs.status;
}

static int count_cb(const struct ep_machine *m, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int machines(struct fx *f)
{
	int n = 0;

	assert_int_equal(f->s.ops->machine_list(&f->s, NULL, count_cb, &n), 0);
	return n;
}

static void test_register(void **state)
{
	struct fx *f = *state;
	char out[1024];

	assert_int_equal(call(f, ep_api_register, "/api/v1/register",
			      "{\"key\":\"KEY2\",\"hostname\":\"a\",\"machine_id\":\"m1\",\"fqdn\":\"a.example\"}",
			      out, sizeof(out)), 200);
	assert_non_null(strstr(out, "\"server_id\":\""));
	assert_non_null(strstr(out, "\"machines\":1"));
	assert_int_equal(call(f, ep_api_register, "/api/v1/register",
			      "{\"key\":\"KEY2\",\"machine_id\":\"m2\"}", out, sizeof(out)), 200);
	assert_int_equal(call(f, ep_api_register, "/api/v1/register",
			      "{\"key\":\"KEY2\",\"machine_id\":\"m3\"}", out, sizeof(out)), 403);
	assert_string_equal(out, "{\"error\":\"Key limit reached\"}");
	assert_int_equal(machines(f), 2);
}

static void test_register_refusals(void **state)
{
	static const struct {
		const char *body;
		unsigned int status;
		const char *msg;
	} bad[] = {
		{ "", 400, "expected a JSON object in the request body" },
		{ "{\"key\":", 400, "malformed JSON at offset" },
		{ "{\"key\":\"KEY2\"} x", 400, "data after the object" },
		{ "[1,2]", 400, "expected a JSON object" },
		{ "\"KEY2\"", 400, "expected a JSON object" },
		{ "{\"hostname\":\"x\"}", 400, "missing field \\\"key\\\"" },
		{ "{\"key\":null}", 400, "missing field" },
		{ "{\"key\":1}", 400, "expected a string" },
		{ "{\"key\":\"KEY2\",\"hostname\":[]}", 400, "expected a string" },
		{ "{\"key\":\"KEY2\",\"hostname\":\"a\\nb\"}", 400, "printable ASCII" },
		{ "{\"key\":\"KEY2\",\"hostname\":\"a\\u0000b\"}", 400, "printable ASCII" },
		{ "{\"key\":\"KEY2\",\"kernel_id\":\"xyz\"}", 400, "40 lowercase hex" },
		{ "{\"key\":\"NOPE\"}", 404, "Unknown key" },
		{ "{\"key\":\"KEY2' OR '1'='1\"}", 404, "Unknown key" },
		{ "{\"key\":\"\"}", 404, "Unknown key" },
		{ "{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}", 400, "malformed JSON" },
	};
	struct fx *f = *state;
	char out[1024], longname[400];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(call(f, ep_api_register, "/api/v1/register",
				      bad[i].body, out, sizeof(out)), bad[i].status);
		if (!strstr(out, bad[i].msg))
			fail_msg("%s: got %s", bad[i].body, out);
	}
	memset(longname, 'a', sizeof(longname));
	memcpy(longname, "{\"key\":\"KEY2\",\"hostname\":\"", 26);
	strcpy(longname + sizeof(longname) - 3, "\"}");
	assert_int_equal(call(f, ep_api_register, "/api/v1/register", longname,
			      out, sizeof(out)), 400);
	assert_int_equal(machines(f), 0);
}

static void test_checkin_license(void **state)
{
	struct fx *f = *state;
	char out[1024], body[512], sid[33];
	const char *const args[] = { "server_id", sid, NULL };

	assert_int_equal(call(f, ep_api_register, "/api/v1/register",
			      "{\"key\":\"KEY2\"}", out, sizeof(out)), 200);
	assert_int_equal(sscanf(out, "{\"server_id\":\"%32[0-9a-f]\"", sid), 1);
	f->ctx.now = 2000;
	snprintf(body, sizeof(body),
		 "{\"server_id\":\"%s\",\"kernel_id\":\"0123456789abcdef0123456789abcdef01234567\",\"patch_level\":3,\"effective_kernel\":\"6.1.0-99.3kc\"}",
		 sid);
	assert_int_equal(call(f, ep_api_checkin, "/api/v1/checkin", body, out,
			      sizeof(out)), 200);
	assert_non_null(strstr(out, "\"valid\":true"));
	assert_int_equal(call(f, ep_api_checkin, "/api/v1/checkin",
			      "{\"server_id\":\"ffff\"}", out, sizeof(out)), 404);
	assert_int_equal(call(f, ep_api_checkin, "/api/v1/checkin",
			      "{\"server_id\":\"ffff\",\"patch_level\":\"3\"}", out, sizeof(out)), 400);
	assert_int_equal(call(f, ep_api_checkin, "/api/v1/checkin",
			      "{\"server_id\":\"ffff\",\"patch_level\":4294967296}", out, sizeof(out)), 400);
	fake_args = args;
	assert_int_equal(call(f, ep_api_license, "/api/v1/license", NULL, out,
			      sizeof(out)), 200);
	assert_non_null(strstr(out, "\"last_seen\":\"1970-01-01T00:33:20Z\""));
	assert_int_equal(call(f, ep_api_key_machines, "/admin/api/kcare/patchset/KEY2",
			      NULL, out, sizeof(out)), 200);
	assert_string_equal(out, "{\"data\":[[\"192.0.2.7\",\"0123456789abcdef0123456789abcdef01234567\",3]]}");
	assert_int_equal(call(f, ep_api_key_machines, "/admin/api/kcare/patchset/NOPE",
			      NULL, out, sizeof(out)), 404);
	assert_int_equal(call(f, ep_api_compat_check, "/admin/api/kcare/check.plain",
			      NULL, out, sizeof(out)), 200);
	assert_string_equal(out, "code: 0\nfeed: \nsticky_patch: \n");
	assert_int_equal(call(f, ep_api_compat_unregister, "/admin/api/kcare/unregister.plain",
			      NULL, out, sizeof(out)), 200);
	assert_string_equal(out, "code: 0\n");
	assert_int_equal(machines(f), 0);
}

/* An expired key: 410 to a newcomer, "valid": false to its machines. */
static void test_key_expiry(void **state)
{
	struct fx *f = *state;
	const char *const args[] = { "key", "KEY2", "hostname", "h", NULL };
	char out[1024], body[128], sid[33];
	struct ep_key k;

	assert_int_equal(f->s.ops->key_get(&f->s, "KEY2", &k), 0);
	k.expires = 86400 * 365;
	assert_int_equal(f->s.ops->key_update(&f->s, &k), 0);
	assert_int_equal(call(f, ep_api_register, "/api/v1/register",
			      "{\"key\":\"KEY2\"}", out, sizeof(out)), 200);
	assert_int_equal(sscanf(out, "{\"server_id\":\"%32[0-9a-f]\"", sid), 1);
	snprintf(body, sizeof(body), "{\"server_id\":\"%s\"}", sid);
	assert_int_equal(call(f, ep_api_checkin, "/api/v1/checkin", body, out,
			      sizeof(out)), 200);
	assert_non_null(strstr(out, "\"valid\":true,\"expires\":\"1971-01-01\""));
	f->ctx.now = k.expires;
	assert_int_equal(call(f, ep_api_checkin, "/api/v1/checkin", body, out,
			      sizeof(out)), 200);
	assert_non_null(strstr(out, "\"valid\":false,\"expires\":\"1971-01-01\""));
	assert_int_equal(call(f, ep_api_register, "/api/v1/register",
			      "{\"key\":\"KEY2\"}", out, sizeof(out)), 410);
	assert_string_equal(out, "{\"error\":\"Key expired\"}");
	fake_args = args;
	assert_int_equal(call(f, ep_api_compat_register, "/admin/api/kcare/register_by_key.plain",
			      NULL, out, sizeof(out)), 410);
	assert_string_equal(out, "code: 4\nmessage: Key expired\n");
	assert_int_equal(machines(f), 1);
}

static void test_compat_register(void **state)
{
	struct fx *f = *state;
	static const char *const args[] = { "key", "KEY2", "hostname", "h", NULL };
	char out[256];

	fake_args = args;
	assert_int_equal(call(f, ep_api_compat_register, "/x", NULL, out, sizeof(out)), 200);
	assert_non_null(strstr(out, "code: 0\nserver_id: "));
	assert_int_equal(call(f, ep_api_compat_register, "/x", NULL, out, sizeof(out)), 200);
	assert_int_equal(call(f, ep_api_compat_register, "/x", NULL, out, sizeof(out)), 403);
	assert_string_equal(out, "code: 3\nmessage: Key limit reached\n");
}

static void test_files(void **state)
{
	static const char *const refused[] = {
		"/../eportal.conf", "/abc/../../eportal.db", "/.lock", "/abc/.x",
		"//abc", "/abc//1", "/a b", "/abc/1/2/3/4", "/", "/abc", "/nothing",
		"/abc/%2e%2e", "/link/eportal.conf",
	};
	struct fx *f = *state;
	char out[256], path[256];
	size_t i;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/repo/abc/1/kpatch.info", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("kpatch-name: x\n", fp);
	fclose(fp);
	snprintf(path, sizeof(path), "%s/repo/link", f->dir);
	assert_int_equal(symlink(f->dir, path), 0);
	assert_int_equal(call(f, ep_api_file, "/abc/1/kpatch.info", NULL, out,
			      sizeof(out)), 200);
	assert_string_equal(out, "kpatch-name: x\n");
	/* Ranges: a resumed download. */
	fake_headers = (const char *const[]){ "Range", "bytes=12-", NULL };
	assert_int_equal(call(f, ep_api_file, "/abc/1/kpatch.info", NULL, out,
			      sizeof(out)), 206);
	assert_string_equal(out, " x\n");
	fake_headers = (const char *const[]){ "Range", "bytes=0-3", NULL };
	assert_int_equal(call(f, ep_api_file, "/abc/1/kpatch.info", NULL, out,
			      sizeof(out)), 206);
	assert_string_equal(out, "kpat");
	fake_headers = (const char *const[]){ "Range", "bytes=15-", NULL };
	assert_int_equal(call(f, ep_api_file, "/abc/1/kpatch.info", NULL, out,
			      sizeof(out)), 416);
	fake_headers = (const char *const[]){ "Range", "bytes=1-2", "If-Range", "\"old\"", NULL };
	assert_int_equal(call(f, ep_api_file, "/abc/1/kpatch.info", NULL, out,
			      sizeof(out)), 200);
	fake_headers = (const char *const[]){ "Range", "bytes=x", NULL };
	assert_int_equal(call(f, ep_api_file, "/abc/1/kpatch.info", NULL, out,
			      sizeof(out)), 200);
	fake_headers = NULL;
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		unsigned int st = call(f, ep_api_file, refused[i], NULL, out, sizeof(out));

		if (st != 400 && st != 404)
			fail_msg("%s: status %u", refused[i], st);
	}
}

/* install-kernelcare: the address from public_url or the Host, never shell. */
static void test_install(void **state)
{
	static const char *const host[] = { "Host", "ep.example:8443", NULL };
	static const char *const evil[] = { "Host", "x';id;'", NULL };
	struct fx *f = *state;
	char out[4096], path[128];
	FILE *k;

	/* No key yet (init makes it): an error, not a script without one. */
	fake_headers = host;
	assert_int_equal(call(f, ep_api_install, "/install-kernelcare", NULL,
			      out, sizeof(out)), 500);
	snprintf(path, sizeof(path), "%s/keys", f->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/keys/eportal.pub.pem", f->dir);
	k = fopen(path, "w");
	assert_non_null(k);
	fputs("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", k);
	fclose(k);
	assert_int_equal(call(f, ep_api_install, "/install-kernelcare", NULL,
			      out, sizeof(out)), 200);
	assert_non_null(strstr(out, "\nurl='https://ep.example:8443'\n"));
	/* The key, and the here-document's end on a line of its own. */
	assert_non_null(strstr(out, "-----END PUBLIC KEY-----\nKCARE_EPORTAL_KEY\n"));
	f->cfg.plain_http = true;
	assert_int_equal(call(f, ep_api_install, "/install-kernelcare", NULL,
			      out, sizeof(out)), 200);
	assert_non_null(strstr(out, "\nurl='http://ep.example:8443'\n"));
	fake_headers = evil;
	assert_int_equal(call(f, ep_api_install, "/install-kernelcare", NULL,
			      out, sizeof(out)), 400);
	fake_headers = NULL;
	assert_int_equal(call(f, ep_api_install, "/install-kernelcare", NULL,
			      out, sizeof(out)), 400);
	/* public_url wins over any Host. */
	strcpy(f->cfg.public_url, "https://patches.example/kc");
	fake_headers = evil;
	assert_int_equal(call(f, ep_api_install, "/install-kernelcare", NULL,
			      out, sizeof(out)), 200);
	assert_non_null(strstr(out, "\nurl='https://patches.example/kc'\n"));

	assert_true(ep_valid_public_url("https://ep.example"));
	assert_true(ep_valid_public_url("http://[::1]:8080/p"));
	assert_false(ep_valid_public_url("https://ep.example/"));
	assert_false(ep_valid_public_url("ftp://ep.example"));
	assert_false(ep_valid_public_url("https://"));
	assert_false(ep_valid_public_url("https://e'p"));
	assert_false(ep_valid_public_url("https://ep|x"));
	assert_false(ep_valid_public_url("https://ep x"));
}

static void test_routes(void **state)
{
	const struct ep_route *r;
	const char *arg;
	bool mm;

	r = ep_route_find("POST", "/api/v1/register", &arg, &mm);
	assert_non_null(r);
	assert_ptr_equal(r->handler, ep_api_register);
	assert_null(ep_route_find("GET", "/api/v1/register", &arg, &mm));
	assert_true(mm);
	r = ep_route_find("GET", "/admin/api/kcare/patchset/ABC", &arg, &mm);
	assert_non_null(r);
	assert_string_equal(arg, "ABC");
	assert_true(r->secret_arg);
	r = ep_route_find("GET", "/api/v2/x", &arg, &mm);
	assert_non_null(r);
	assert_null(r->handler);
	r = ep_route_find("HEAD", "/abc/index", &arg, &mm);
	assert_non_null(r);
	assert_ptr_equal(r->handler, ep_api_file);
	assert_null(ep_route_find("DELETE", "/abc/index", &arg, &mm));
	assert_true(mm);
	r = ep_route_find("GET", "/install-kernelcare", &arg, &mm);
	assert_non_null(r);
	assert_ptr_equal(r->handler, ep_api_install);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkin_license, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compat_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_install, setup, teardown),
		cmocka_unit_test(test_routes),
	};

	return cmocka_run_group_tests_name("eportal_api", tests, NULL, NULL);
}
