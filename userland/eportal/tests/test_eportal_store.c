// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal's SQLite store on a real database file: feeds, keys,
 * registration up to a key's limit and the reuse of a machine's slot,
 * check-ins, patchsets and index serials; text with SQL in it stays
 * text; the data survives closing and reopening.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "eportal.h"
#include "store.h"

struct fx {
	char dir[64];
	struct ep_store s;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/ep-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(ep_store_open(&f->s, f->dir), 0);
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

static void add_key(struct ep_store *s, const char *key, const char *feed,
		    unsigned int limit)
{
	struct ep_key k = { .limit = limit, .created = 1 };

	strcpy(k.key, key);
	strcpy(k.feed, feed);
	assert_int_equal(s->ops->key_add(s, &k), 0);
}

static int reg(struct ep_store *s, const char *key, const char *mid,
	       char *sid_out)
{
	struct ep_machine m = { 0 };
	struct ep_key k;
	int rc;

	strcpy(m.key, key);
	strcpy(m.machine_id, mid);
	strcpy(m.hostname, mid);
	assert_int_equal(ep_random_hex(m.server_id, 16), 0);
	m.registered = m.last_seen = 100;
	rc = s->ops->machine_register(s, &m, &k);
	if (!rc && sid_out)
		strcpy(sid_out, m.server_id);
	return rc;
}

static void test_feeds(void **state)
{
	struct ep_store *s = &((struct fx *)*state)->s;
	struct ep_feed f = { .deploy_delay_hours = 24 }, g;

	/* The default and test feeds exist from the start. */
	assert_int_equal(s->ops->feed_get(s, "", &g), 0);
	assert_int_equal(s->ops->feed_get(s, "test", &g), 0);
	strcpy(f.name, "slow");
	assert_int_equal(s->ops->feed_add(s, &f), 0);
	assert_int_equal(s->ops->feed_add(s, &f), EP_EEXISTS);
	assert_int_equal(s->ops->feed_get(s, "slow", &g), 0);
	assert_int_equal(g.deploy_delay_hours, 24);
	add_key(s, "k1", "slow", 0);
	assert_int_equal(s->ops->feed_delete(s, "slow"), EP_EINUSE);
	assert_int_equal(s->ops->key_delete(s, "k1"), 0);
	assert_int_equal(s->ops->feed_delete(s, "slow"), 0);
	assert_int_equal(s->ops->feed_get(s, "slow", &g), EP_ENOTFOUND);
}

static void test_key_needs_feed(void **state)
{
	struct ep_store *s = &((struct fx *)*state)->s;
	struct ep_key k = { .created = 1 };

	strcpy(k.key, "k2");
	strcpy(k.feed, "nosuchfeed");
	assert_int_equal(s->ops->key_add(s, &k), EP_ENOTFOUND);
	assert_int_equal(s->ops->key_get(s, "k2", &k), EP_ENOTFOUND);
}

static void test_limit(void **state)
{
	struct ep_store *s = &((struct fx *)*state)->s;
	char sid[3][33], again[33], mid[16];
	struct ep_key k;
	int i;

	add_key(s, "lim3", "", 3);
	for (i = 0; i < 3; i++) {
		snprintf(mid, sizeof(mid), "m%d", i);
		assert_int_equal(reg(s, "lim3", mid, sid[i]), 0);
	}
	assert_int_equal(reg(s, "lim3", "m3", NULL), EP_ELIMIT);
	/* A known machine gets its slot back, even at the limit. */
	assert_int_equal(reg(s, "lim3", "m1", again), 0);
	assert_string_equal(again, sid[1]);
	assert_int_equal(s->ops->key_get(s, "lim3", &k), 0);
	assert_int_equal(k.machines, 3);
	/* Unregistering frees a slot. */
	assert_int_equal(s->ops->machine_unregister(s, sid[0]), 0);
	assert_int_equal(s->ops->machine_unregister(s, sid[0]), EP_ENOTFOUND);
	assert_int_equal(reg(s, "lim3", "m3", NULL), 0);
	assert_int_equal(reg(s, "lim3", "m4", NULL), EP_ELIMIT);
	assert_int_equal(reg(s, "nokey", "m5", NULL), EP_ENOTFOUND);
	/* Without a machine id each registration takes a slot. */
	add_key(s, "unlimited", "", 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(reg(s, "unlimited", "", NULL), 0);
	assert_int_equal(s->ops->key_get(s, "unlimited", &k), 0);
	assert_int_equal(k.machines, 5);
}

static int count_cb(const struct ep_machine *m, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_checkin_and_sql_text(void **state)
{
	struct fx *f = *state;
	struct ep_store *s = &f->s;
	const char *evil = "x'); DROP TABLE machines; --";
	struct ep_machine m = { 0 }, got;
	struct ep_key k;
	char sid[33];
	int n = 0;

	add_key(s, "k", "", 0);
	assert_int_equal(reg(s, "k", evil, sid), 0);
	strcpy(m.server_id, sid);
	strcpy(m.kernel_release, evil);
	strcpy(m.kernel_id, "0123456789abcdef0123456789abcdef01234567");
	m.patch_level = 4;
	m.last_seen = 200;
	assert_int_equal(s->ops->machine_checkin(s, &m, &k), 0);
	assert_string_equal(m.key, "k");
	assert_string_equal(k.feed, "");
	assert_int_equal(m.registered, 100);
	strcpy(m.server_id, "nosuch");
	assert_int_equal(s->ops->machine_checkin(s, &m, &k), EP_ENOTFOUND);
	/* The server's housekeeping: a checkpoint of the WAL. */
	s->ops->set_server(s, true);
	assert_int_equal(s->ops->maintain(s), 0);
	/* Reopened: everything is on disk. */
	ep_store_close(s);
	assert_int_equal(ep_store_open(s, f->dir), 0);
	assert_int_equal(s->ops->machine_get(s, sid, &got), 0);
	assert_string_equal(got.machine_id, evil);
	assert_string_equal(got.kernel_release, evil);
	assert_int_equal(got.patch_level, 4);
	assert_int_equal(got.last_seen, 200);
	assert_int_equal(got.registered, 100);
	assert_int_equal(s->ops->machine_list(s, NULL, count_cb, &n), 0);
	assert_int_equal(n, 1);
	/* Deleting a key deletes its machines. */
	assert_int_equal(s->ops->key_delete(s, "k"), 0);
	assert_int_equal(s->ops->machine_get(s, sid, &got), EP_ENOTFOUND);
}

static int ps_cb(const struct ep_patchset *p, void *arg)
{
	struct ep_patchset *out = arg;

	out[p->level - 1] = *p;
	return 0;
}

static void test_patchsets(void **state)
{
	struct ep_store *s = &((struct fx *)*state)->s;
	struct ep_patchset p = { 0 }, got[2];
	unsigned long long serial;

	strcpy(p.kernel_sha1, "0123456789abcdef0123456789abcdef01234567");
	strcpy(p.id, "K1");
	strcpy(p.patch_type, "default");
	strcpy(p.sha256, "aa");
	p.level = 1;
	assert_int_equal(s->ops->patchset_add(s, &p), 0);
	assert_int_equal(s->ops->patchset_add(s, &p), EP_EEXISTS);
	p.level = 2;
	assert_int_equal(s->ops->patchset_add(s, &p), 0);
	assert_int_equal(s->ops->patchset_set_state(s, "", p.kernel_sha1, 1,
						    EP_PS_UNDEPLOYED), 0);
	/* An undeployed level may be deployed again, with another file. */
	p.level = 1;
	strcpy(p.sha256, "bb");
	assert_int_equal(s->ops->patchset_add(s, &p), 0);
	assert_int_equal(s->ops->patchset_list(s, "", NULL, ps_cb, got), 0);
	assert_string_equal(got[0].sha256, "bb");
	assert_int_equal(got[0].state, EP_PS_ENABLED);
	assert_int_equal(s->ops->patchset_set_state(s, "", p.kernel_sha1, 9,
						    EP_PS_DISABLED), EP_ENOTFOUND);
	assert_int_equal(s->ops->index_next_serial(s, "", p.kernel_sha1, &serial), 0);
	assert_int_equal(serial, 1);
	assert_int_equal(s->ops->index_next_serial(s, "", p.kernel_sha1, &serial), 0);
	assert_int_equal(serial, 2);
	assert_int_equal(s->ops->index_next_serial(s, "test", p.kernel_sha1, &serial), 0);
	assert_int_equal(serial, 1);
}

/*
 * An expired key registers no one, not even a machine it had (at 100,
 * reg()'s time); a database of schema 1 (no expiry, no machine tag) is
 * upgraded in place, its keys kept, never expiring.
 */
static void test_key_expiry(void **state)
{
	struct fx *f = *state;
	struct ep_key k = { .limit = 0, .created = 1, .expires = 101 };
	char cmd[128];
	sqlite3 *db;

	strcpy(k.key, "exp");
	assert_int_equal(f->s.ops->key_add(&f->s, &k), 0);
	assert_int_equal(reg(&f->s, "exp", "m1", NULL), 0);
	k.expires = 100;
	assert_int_equal(f->s.ops->key_update(&f->s, &k), 0);
	assert_int_equal(reg(&f->s, "exp", "m1", NULL), EP_EEXPIRED);
	assert_int_equal(reg(&f->s, "exp", "m2", NULL), EP_EEXPIRED);
	assert_int_equal(f->s.ops->key_get(&f->s, "exp", &k), 0);
	assert_int_equal(k.machines, 1);
	assert_int_equal(k.expires, 100);

	ep_store_close(&f->s);
	snprintf(cmd, sizeof(cmd), "rm -f %s/eportal.db*", f->dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/eportal.db", f->dir);
	assert_int_equal(sqlite3_open(cmd, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE feeds (name TEXT PRIMARY KEY, delay_hours INTEGER NOT NULL DEFAULT 0, auto_update INTEGER NOT NULL DEFAULT 0, upstream TEXT NOT NULL DEFAULT '');"
		"INSERT INTO feeds(name) VALUES ('');"
		"CREATE TABLE keys (key TEXT PRIMARY KEY, feed TEXT NOT NULL REFERENCES feeds(name), lim INTEGER NOT NULL DEFAULT 0, sticky TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, nmachines INTEGER NOT NULL DEFAULT 0);"
		"INSERT INTO keys(key, feed, created) VALUES ('old', '', 5);"
		"CREATE TABLE machines (seq INTEGER PRIMARY KEY AUTOINCREMENT, server_id TEXT NOT NULL UNIQUE, key TEXT NOT NULL REFERENCES keys(key) ON DELETE CASCADE, machine_id TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '', fqdn TEXT NOT NULL DEFAULT '', ip TEXT NOT NULL DEFAULT '', distro TEXT NOT NULL DEFAULT '', kernel_release TEXT NOT NULL DEFAULT '', kernel_id TEXT NOT NULL DEFAULT '', effective_kernel TEXT NOT NULL DEFAULT '', patch_level INTEGER NOT NULL DEFAULT 0, userspace TEXT NOT NULL DEFAULT '', registered INTEGER NOT NULL, last_seen INTEGER NOT NULL);"
		"PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ep_store_open(&f->s, f->dir), 0);
	assert_int_equal(f->s.ops->key_get(&f->s, "old", &k), 0);
	assert_int_equal(k.created, 5);
	assert_int_equal(k.expires, 0);
	assert_int_equal(reg(&f->s, "old", "m1", NULL), 0);
	/* Opened again: already at the new schema, nothing to upgrade. */
	ep_store_close(&f->s);
	assert_int_equal(ep_store_open(&f->s, f->dir), 0);
	assert_int_equal(f->s.ops->key_get(&f->s, "old", &k), 0);
	assert_int_equal(k.machines, 1);
}

static void test_upstream(void **state)
{
	struct ep_store *s = &((struct fx *)*state)->s;
	const char *u = "https://up.example/x'; --";
	unsigned long long serial;
	unsigned int max;

	assert_int_equal(s->ops->upstream_get(s, u, "k", &serial, &max), EP_ENOTFOUND);
	assert_int_equal(s->ops->upstream_set(s, u, "k", 7, 3), 0);
	assert_int_equal(s->ops->upstream_set(s, u, "k", 9, 4), 0);
	assert_int_equal(s->ops->upstream_get(s, u, "k", &serial, &max), 0);
	assert_int_equal(serial, 9);
	assert_int_equal(max, 4);
	assert_int_equal(s->ops->upstream_get(s, "https://other", "k", &serial, &max),
			 EP_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_feeds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_needs_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkin_and_sql_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_patchsets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upstream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_expiry, setup, teardown),
	};

	return cmocka_run_group_tests_name("eportal_store", tests, NULL, NULL);
}
