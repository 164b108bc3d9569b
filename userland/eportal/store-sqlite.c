// SPDX-License-Identifier: GPL-2.0
/*
 * ePortal's storage in SQLite (the system library): one file,
 * DIR/eportal.db, in WAL mode so that readers never wait for the writer.
 *
 * Every statement is prepared once per connection and bound, never built
 * from text it was given. Writers of one process take ep_sqlite_wlock
 * before BEGIN IMMEDIATE: they queue on a mutex instead of spinning in
 * SQLite's busy handler; the busy timeout is for other processes (the
 * admin command line beside a running server).
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "eportal.h"
#include "store.h"

#define EP_SQLITE_BUSY_MS	10000

/*
 * Schema version 1, one statement a line. A machine's seq keeps the
 * order of registration; its (key, machine_id) is unique when the
 * client sent one, so a retried registration finds its slot. A
 * patchset's state is enum ep_ps_state (0 enabled, 1 disabled, 2
 * undeployed: kept so that its level stays in the index). The default
 * feed is named "".
 */
static const char *const ep_sqlite_schema[] = {
	"CREATE TABLE IF NOT EXISTS feeds (name TEXT PRIMARY KEY, delay_hours INTEGER NOT NULL DEFAULT 0, auto_update INTEGER NOT NULL DEFAULT 0, upstream TEXT NOT NULL DEFAULT '')",
	"CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY, feed TEXT NOT NULL REFERENCES feeds(name), lim INTEGER NOT NULL DEFAULT 0, sticky TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL)",
	"CREATE TABLE IF NOT EXISTS machines (seq INTEGER PRIMARY KEY AUTOINCREMENT, server_id TEXT NOT NULL UNIQUE, key TEXT NOT NULL REFERENCES keys(key) ON DELETE CASCADE, machine_id TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '', fqdn TEXT NOT NULL DEFAULT '', ip TEXT NOT NULL DEFAULT '', distro TEXT NOT NULL DEFAULT '', kernel_release TEXT NOT NULL DEFAULT '', kernel_id TEXT NOT NULL DEFAULT '', effective_kernel TEXT NOT NULL DEFAULT '', patch_level INTEGER NOT NULL DEFAULT 0, userspace TEXT NOT NULL DEFAULT '', registered INTEGER NOT NULL, last_seen INTEGER NOT NULL)",
	"CREATE INDEX IF NOT EXISTS machines_key ON machines(key)",
	"CREATE UNIQUE INDEX IF NOT EXISTS machines_key_mid ON machines(key, machine_id) WHERE machine_id <> ''",
	"CREATE TABLE IF NOT EXISTS patchsets (feed TEXT NOT NULL, kernel_sha1 TEXT NOT NULL, level INTEGER NOT NULL, id TEXT NOT NULL, patch_type TEXT NOT NULL, kernel_release TEXT NOT NULL, sha256 TEXT NOT NULL, release_time INTEGER NOT NULL, deployed INTEGER NOT NULL, enable_after INTEGER NOT NULL, state INTEGER NOT NULL, PRIMARY KEY (feed, kernel_sha1, level))",
	"CREATE TABLE IF NOT EXISTS indexes (feed TEXT NOT NULL, kernel_sha1 TEXT NOT NULL, serial INTEGER NOT NULL, PRIMARY KEY (feed, kernel_sha1))",
	"INSERT OR IGNORE INTO feeds(name) VALUES (''), ('test')",
	"PRAGMA user_version = 1",
};

enum ep_sql {
	Q_FEED_ADD, Q_FEED_UPDATE, Q_FEED_GET, Q_FEED_DELETE, Q_FEED_LIST,
	Q_FEED_USED,
	Q_KEY_ADD, Q_KEY_UPDATE, Q_KEY_GET, Q_KEY_DELETE, Q_KEY_LIST,
	Q_KEY_COUNT, Q_M_BY_MID, Q_M_INSERT, Q_M_REFRESH, Q_M_DELETE,
	Q_M_CHECKIN, Q_M_TERMS, Q_M_GET, Q_M_LIST_KEY, Q_M_LIST_ALL,
	Q_PS_ADD, Q_PS_STATE, Q_PS_LIST, Q_IX_NEXT, Q_IX_GET,
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_NR
};

#define EP_M_COLS "server_id, key, machine_id, hostname, fqdn, ip, distro," \
	" kernel_release, kernel_id, effective_kernel, patch_level, userspace," \
	" registered, last_seen"
#define EP_K_COLS "k.key, k.feed, k.lim, k.sticky, k.note, k.created," \
	" (SELECT count(*) FROM machines m WHERE m.key = k.key)"
#define EP_PS_COLS "feed, kernel_sha1, level, id, patch_type, kernel_release," \
	" sha256, release_time, deployed, enable_after, state"

static const char *const ep_sql_text[Q_NR] = {
	[Q_FEED_ADD] = "INSERT INTO feeds(name, delay_hours, auto_update, upstream) VALUES (?1, ?2, ?3, ?4)",
	[Q_FEED_UPDATE] = "UPDATE feeds SET delay_hours = ?2, auto_update = ?3, upstream = ?4 WHERE name = ?1",
	[Q_FEED_GET] = "SELECT name, delay_hours, auto_update, upstream FROM feeds WHERE name = ?1",
	[Q_FEED_DELETE] = "DELETE FROM feeds WHERE name = ?1",
	[Q_FEED_LIST] = "SELECT name, delay_hours, auto_update, upstream FROM feeds ORDER BY name",
	[Q_FEED_USED] = "SELECT (SELECT count(*) FROM keys WHERE feed = ?1) + (SELECT count(*) FROM patchsets WHERE feed = ?1 AND state <> 2)",
	[Q_KEY_ADD] = "INSERT INTO keys(key, feed, lim, sticky, note, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_KEY_UPDATE] = "UPDATE keys SET feed = ?2, lim = ?3, sticky = ?4, note = ?5 WHERE key = ?1",
	[Q_KEY_GET] = "SELECT " EP_K_COLS " FROM keys k WHERE k.key = ?1",
	[Q_KEY_DELETE] = "DELETE FROM keys WHERE key = ?1",
	[Q_KEY_LIST] = "SELECT " EP_K_COLS " FROM keys k ORDER BY k.created, k.key",
	[Q_KEY_COUNT] = "SELECT lim, (SELECT count(*) FROM machines WHERE key = ?1), feed, sticky FROM keys WHERE key = ?1",
	[Q_M_BY_MID] = "SELECT server_id FROM machines WHERE key = ?1 AND machine_id = ?2",
	[Q_M_INSERT] = "INSERT INTO machines(" EP_M_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	[Q_M_REFRESH] = "UPDATE machines SET hostname = ?2, fqdn = ?3, ip = ?4, distro = ?5, kernel_release = ?6, kernel_id = ?7, last_seen = ?8 WHERE server_id = ?1",
	[Q_M_DELETE] = "DELETE FROM machines WHERE server_id = ?1",
	[Q_M_CHECKIN] = "UPDATE machines SET ip = ?2, kernel_release = ?3, kernel_id = ?4, effective_kernel = ?5, patch_level = ?6, userspace = ?7, last_seen = ?8 WHERE server_id = ?1",
	[Q_M_TERMS] = "SELECT m.key, m.registered, k.feed, k.sticky FROM machines m JOIN keys k ON k.key = m.key WHERE m.server_id = ?1",
	[Q_M_GET] = "SELECT " EP_M_COLS " FROM machines WHERE server_id = ?1",
	[Q_M_LIST_KEY] = "SELECT " EP_M_COLS " FROM machines WHERE key = ?1 ORDER BY seq",
	[Q_M_LIST_ALL] = "SELECT " EP_M_COLS " FROM machines ORDER BY seq",
	[Q_PS_ADD] = "INSERT INTO patchsets(" EP_PS_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (feed, kernel_sha1, level) DO UPDATE SET id = ?4, patch_type = ?5, kernel_release = ?6, sha256 = ?7, release_time = ?8, deployed = ?9, enable_after = ?10, state = ?11 WHERE state = 2",
	[Q_PS_STATE] = "UPDATE patchsets SET state = ?4 WHERE feed = ?1 AND kernel_sha1 = ?2 AND level = ?3",
	[Q_PS_LIST] = "SELECT " EP_PS_COLS " FROM patchsets WHERE (?1 IS NULL OR feed = ?1) AND (?2 IS NULL OR kernel_sha1 = ?2) ORDER BY feed, kernel_sha1, level",
	[Q_IX_NEXT] = "INSERT INTO indexes(feed, kernel_sha1, serial) VALUES (?1, ?2, 1) ON CONFLICT (feed, kernel_sha1) DO UPDATE SET serial = serial + 1",
	[Q_IX_GET] = "SELECT serial FROM indexes WHERE feed = ?1 AND kernel_sha1 = ?2",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
};

struct ep_sqlite {
	sqlite3 *db;
	sqlite3_stmt *st[Q_NR];
};

static pthread_mutex_t ep_sqlite_wlock = PTHREAD_MUTEX_INITIALIZER;

static struct ep_sqlite *ep_db(struct ep_store *s)
{
	return s->priv;
}

static int ep_sqlite_fail(struct ep_store *s, const char *what)
{
	struct ep_sqlite *q = ep_db(s);

	snprintf(s->err, sizeof(s->err), "database: %s: %s", what,
		 q && q->db ? sqlite3_errmsg(q->db) : "not open");
	return EP_EINTERNAL;
}

/* The prepared statement @i, reset and unbound, ready for binding. */
static sqlite3_stmt *ep_stmt(struct ep_store *s, enum ep_sql i)
{
	struct ep_sqlite *q = ep_db(s);

	if (!q->st[i] &&
	    sqlite3_prepare_v3(q->db, ep_sql_text[i], -1,
			       SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL)) {
		ep_sqlite_fail(s, "prepare");
		return NULL;
	}
	sqlite3_reset(q->st[i]);
	sqlite3_clear_bindings(q->st[i]);
	return q->st[i];
}

static void ep_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Run a statement that returns no row. */
static int ep_exec(struct ep_store *s, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (!st)
		return EP_EINTERNAL;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT) {
		snprintf(s->err, sizeof(s->err), "%s: already exists", what);
		return EP_EEXISTS;
	}
	return ep_sqlite_fail(s, what);
}

static void ep_col_text(sqlite3_stmt *st, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, len, "%s", t ? (const char *)t : "");
}

static int ep_begin(struct ep_store *s)
{
	pthread_mutex_lock(&ep_sqlite_wlock);
	if (ep_exec(s, ep_stmt(s, Q_BEGIN), "begin")) {
		pthread_mutex_unlock(&ep_sqlite_wlock);
		return EP_EINTERNAL;
	}
	return 0;
}

/* Commit when @rc is 0, else roll back; returns @rc or the commit's error. */
static int ep_end(struct ep_store *s, int rc)
{
	if (!rc)
		rc = ep_exec(s, ep_stmt(s, Q_COMMIT), "commit");
	if (rc) {
		char keep[sizeof(s->err)];

		memcpy(keep, s->err, sizeof(keep));
		ep_exec(s, ep_stmt(s, Q_ROLLBACK), "rollback");
		memcpy(s->err, keep, sizeof(keep));
	}
	pthread_mutex_unlock(&ep_sqlite_wlock);
	return rc;
}

static int ep_sqlite_open(struct ep_store *s, const char *path)
{
	struct ep_sqlite *q = calloc(1, sizeof(*q));
	char *msg = NULL;
	size_t i;

	if (!q) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return EP_EINTERNAL;
	}
	s->priv = q;
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)) {
		ep_sqlite_fail(s, path);
		goto fail;
	}
	sqlite3_busy_timeout(q->db, EP_SQLITE_BUSY_MS);
	sqlite3_extended_result_codes(q->db, 0);
	/*
	 * WAL: readers and the one writer do not block each other. NORMAL
	 * syncs at checkpoints only: a crash of the process loses nothing,
	 * a power loss at most the last transactions, never consistency.
	 * The WAL is cut back to 64 MiB after a checkpoint.
	 */
	if (sqlite3_exec(q->db, "PRAGMA journal_mode = WAL;"
			 "PRAGMA synchronous = NORMAL;"
			 "PRAGMA journal_size_limit = 67108864;"
			 "PRAGMA foreign_keys = ON;", NULL, NULL, &msg))
		goto fail_msg;
	pthread_mutex_lock(&ep_sqlite_wlock);
	if (sqlite3_exec(q->db, "BEGIN IMMEDIATE;", NULL, NULL, &msg)) {
		pthread_mutex_unlock(&ep_sqlite_wlock);
		goto fail_msg;
	}
	for (i = 0; i < ARRAY_SIZE(ep_sqlite_schema); i++)
		if (sqlite3_exec(q->db, ep_sqlite_schema[i], NULL, NULL, &msg))
			break;
	if (msg || sqlite3_exec(q->db, "COMMIT;", NULL, NULL, &msg)) {
		sqlite3_exec(q->db, "ROLLBACK;", NULL, NULL, NULL);
		pthread_mutex_unlock(&ep_sqlite_wlock);
		goto fail_msg;
	}
	pthread_mutex_unlock(&ep_sqlite_wlock);
	return 0;
fail_msg:
	snprintf(s->err, sizeof(s->err), "database %s: %s", path,
		 msg ? msg : "error");
	sqlite3_free(msg);
fail:
	sqlite3_close(q->db);
	free(q);
	s->priv = NULL;
	return EP_EINTERNAL;
}

static void ep_sqlite_close(struct ep_store *s)
{
	struct ep_sqlite *q = ep_db(s);
	int i;

	if (!q)
		return;
	for (i = 0; i < Q_NR; i++)
		sqlite3_finalize(q->st[i]);
	sqlite3_close(q->db);
	free(q);
	s->priv = NULL;
}

/* ---- feeds ---------------------------------------------------------- */

static int ep_feed_write(struct ep_store *s, enum ep_sql i,
			 const struct ep_feed *f)
{
	sqlite3_stmt *st = ep_stmt(s, i);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, f->name);
	sqlite3_bind_int(st, 2, f->deploy_delay_hours);
	sqlite3_bind_int(st, 3, f->auto_update);
	ep_bind_text(st, 4, f->upstream);
	rc = ep_exec(s, st, "feed");
	if (!rc && i == Q_FEED_UPDATE && !sqlite3_changes(ep_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

static int ep_sqlite_feed_add(struct ep_store *s, const struct ep_feed *f)
{
	return ep_feed_write(s, Q_FEED_ADD, f);
}

static int ep_sqlite_feed_update(struct ep_store *s, const struct ep_feed *f)
{
	return ep_feed_write(s, Q_FEED_UPDATE, f);
}

static void ep_feed_row(sqlite3_stmt *st, struct ep_feed *f)
{
	memset(f, 0, sizeof(*f));
	ep_col_text(st, 0, f->name, sizeof(f->name));
	f->deploy_delay_hours = sqlite3_column_int(st, 1);
	f->auto_update = sqlite3_column_int(st, 2);
	ep_col_text(st, 3, f->upstream, sizeof(f->upstream));
}

static int ep_sqlite_feed_get(struct ep_store *s, const char *name,
			      struct ep_feed *f)
{
	sqlite3_stmt *st = ep_stmt(s, Q_FEED_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_feed_row(st, f);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sqlite_fail(s, "feed");
}

static int ep_sqlite_feed_delete(struct ep_store *s, const char *name)
{
	sqlite3_stmt *st;
	int rc, used;

	rc = ep_begin(s);
	if (rc)
		return rc;
	st = ep_stmt(s, Q_FEED_USED);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ep_end(s, ep_sqlite_fail(s, "feed"));
	used = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (used)
		return ep_end(s, EP_EINUSE);
	st = ep_stmt(s, Q_FEED_DELETE);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, name);
	rc = ep_exec(s, st, "feed");
	if (!rc && !sqlite3_changes(ep_db(s)->db))
		rc = EP_ENOTFOUND;
	return ep_end(s, rc);
}

static int ep_sqlite_feed_list(struct ep_store *s, ep_feed_cb cb, void *arg)
{
	sqlite3_stmt *st = ep_stmt(s, Q_FEED_LIST);
	struct ep_feed f;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_feed_row(st, &f);
		if (cb(&f, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       ep_sqlite_fail(s, "feeds");
}

/* ---- keys ----------------------------------------------------------- */

static int ep_key_write(struct ep_store *s, enum ep_sql i,
			const struct ep_key *k)
{
	sqlite3_stmt *st = ep_stmt(s, i);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, k->key);
	ep_bind_text(st, 2, k->feed);
	sqlite3_bind_int64(st, 3, k->limit);
	ep_bind_text(st, 4, k->sticky);
	ep_bind_text(st, 5, k->note);
	if (i == Q_KEY_ADD)
		sqlite3_bind_int64(st, 6, k->created);
	rc = ep_exec(s, st, "key");
	if (rc == EP_EEXISTS) {
		/* The key exists, or its feed does not. */
		struct ep_feed f;

		if (ep_sqlite_feed_get(s, k->feed, &f) == EP_ENOTFOUND) {
			snprintf(s->err, sizeof(s->err), "no feed \"%s\"",
				 k->feed);
			return EP_ENOTFOUND;
		}
	}
	if (!rc && i == Q_KEY_UPDATE && !sqlite3_changes(ep_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

static int ep_sqlite_key_add(struct ep_store *s, const struct ep_key *k)
{
	return ep_key_write(s, Q_KEY_ADD, k);
}

static int ep_sqlite_key_update(struct ep_store *s, const struct ep_key *k)
{
	return ep_key_write(s, Q_KEY_UPDATE, k);
}

static void ep_key_row(sqlite3_stmt *st, struct ep_key *k)
{
	memset(k, 0, sizeof(*k));
	ep_col_text(st, 0, k->key, sizeof(k->key));
	ep_col_text(st, 1, k->feed, sizeof(k->feed));
	k->limit = sqlite3_column_int64(st, 2);
	ep_col_text(st, 3, k->sticky, sizeof(k->sticky));
	ep_col_text(st, 4, k->note, sizeof(k->note));
	k->created = sqlite3_column_int64(st, 5);
	k->machines = sqlite3_column_int64(st, 6);
}

static int ep_sqlite_key_get(struct ep_store *s, const char *key,
			     struct ep_key *k)
{
	sqlite3_stmt *st = ep_stmt(s, Q_KEY_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_key_row(st, k);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sqlite_fail(s, "key");
}

static int ep_sqlite_key_delete(struct ep_store *s, const char *key)
{
	sqlite3_stmt *st = ep_stmt(s, Q_KEY_DELETE);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, key);
	rc = ep_exec(s, st, "key");
	if (!rc && !sqlite3_changes(ep_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

static int ep_sqlite_key_list(struct ep_store *s, ep_key_cb cb, void *arg)
{
	sqlite3_stmt *st = ep_stmt(s, Q_KEY_LIST);
	struct ep_key k;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_key_row(st, &k);
		if (cb(&k, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       ep_sqlite_fail(s, "keys");
}

/* ---- machines ------------------------------------------------------- */

static void ep_machine_row(sqlite3_stmt *st, struct ep_machine *m)
{
	memset(m, 0, sizeof(*m));
	ep_col_text(st, 0, m->server_id, sizeof(m->server_id));
	ep_col_text(st, 1, m->key, sizeof(m->key));
	ep_col_text(st, 2, m->machine_id, sizeof(m->machine_id));
	ep_col_text(st, 3, m->hostname, sizeof(m->hostname));
	ep_col_text(st, 4, m->fqdn, sizeof(m->fqdn));
	ep_col_text(st, 5, m->ip, sizeof(m->ip));
	ep_col_text(st, 6, m->distro, sizeof(m->distro));
	ep_col_text(st, 7, m->kernel_release, sizeof(m->kernel_release));
	ep_col_text(st, 8, m->kernel_id, sizeof(m->kernel_id));
	ep_col_text(st, 9, m->effective_kernel, sizeof(m->effective_kernel));
	m->patch_level = sqlite3_column_int64(st, 10);
	ep_col_text(st, 11, m->userspace, sizeof(m->userspace));
	m->registered = sqlite3_column_int64(st, 12);
	m->last_seen = sqlite3_column_int64(st, 13);
}

/* Inside the registration's transaction: an old slot of m->machine_id. */
static int ep_machine_reuse(struct ep_store *s, struct ep_machine *m)
{
	sqlite3_stmt *st;
	int rc;

	if (!*m->machine_id)
		return EP_ENOTFOUND;
	st = ep_stmt(s, Q_M_BY_MID);
	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, m->key);
	ep_bind_text(st, 2, m->machine_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_col_text(st, 0, m->server_id, sizeof(m->server_id));
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return EP_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return ep_sqlite_fail(s, "machine");
	st = ep_stmt(s, Q_M_REFRESH);
	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, m->server_id);
	ep_bind_text(st, 2, m->hostname);
	ep_bind_text(st, 3, m->fqdn);
	ep_bind_text(st, 4, m->ip);
	ep_bind_text(st, 5, m->distro);
	ep_bind_text(st, 6, m->kernel_release);
	ep_bind_text(st, 7, m->kernel_id);
	sqlite3_bind_int64(st, 8, m->last_seen);
	return ep_exec(s, st, "machine");
}

static int ep_sqlite_machine_register(struct ep_store *s, struct ep_machine *m,
				      struct ep_key *k)
{
	sqlite3_stmt *st;
	unsigned int n;
	int rc;

	rc = ep_begin(s);
	if (rc)
		return rc;
	rc = ep_sqlite_key_get(s, m->key, k);
	if (rc)
		return ep_end(s, rc);
	rc = ep_machine_reuse(s, m);
	if (rc != EP_ENOTFOUND)
		return ep_end(s, rc);
	n = k->machines;
	if (k->limit && n >= k->limit)
		return ep_end(s, EP_ELIMIT);
	st = ep_stmt(s, Q_M_INSERT);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, m->server_id);
	ep_bind_text(st, 2, m->key);
	ep_bind_text(st, 3, m->machine_id);
	ep_bind_text(st, 4, m->hostname);
	ep_bind_text(st, 5, m->fqdn);
	ep_bind_text(st, 6, m->ip);
	ep_bind_text(st, 7, m->distro);
	ep_bind_text(st, 8, m->kernel_release);
	ep_bind_text(st, 9, m->kernel_id);
	ep_bind_text(st, 10, m->effective_kernel);
	sqlite3_bind_int64(st, 11, m->patch_level);
	ep_bind_text(st, 12, m->userspace);
	sqlite3_bind_int64(st, 13, m->registered);
	sqlite3_bind_int64(st, 14, m->last_seen);
	rc = ep_exec(s, st, "machine");
	if (!rc)
		k->machines = n + 1;
	return ep_end(s, rc);
}

static int ep_sqlite_machine_unregister(struct ep_store *s,
					const char *server_id)
{
	sqlite3_stmt *st;
	int rc;

	rc = ep_begin(s);
	if (rc)
		return rc;
	st = ep_stmt(s, Q_M_DELETE);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, server_id);
	rc = ep_exec(s, st, "machine");
	if (!rc && !sqlite3_changes(ep_db(s)->db))
		rc = EP_ENOTFOUND;
	return ep_end(s, rc);
}

static int ep_sqlite_machine_checkin(struct ep_store *s, struct ep_machine *m,
				     struct ep_key *k)
{
	sqlite3_stmt *st;
	int rc;

	rc = ep_begin(s);
	if (rc)
		return rc;
	st = ep_stmt(s, Q_M_CHECKIN);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, m->server_id);
	ep_bind_text(st, 2, m->ip);
	ep_bind_text(st, 3, m->kernel_release);
	ep_bind_text(st, 4, m->kernel_id);
	ep_bind_text(st, 5, m->effective_kernel);
	sqlite3_bind_int64(st, 6, m->patch_level);
	ep_bind_text(st, 7, m->userspace);
	sqlite3_bind_int64(st, 8, m->last_seen);
	rc = ep_exec(s, st, "machine");
	if (!rc && !sqlite3_changes(ep_db(s)->db))
		rc = EP_ENOTFOUND;
	if (rc)
		return ep_end(s, rc);
	st = ep_stmt(s, Q_M_TERMS);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, m->server_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ep_end(s, ep_sqlite_fail(s, "machine"));
	memset(k, 0, sizeof(*k));
	ep_col_text(st, 0, m->key, sizeof(m->key));
	m->registered = sqlite3_column_int64(st, 1);
	ep_col_text(st, 0, k->key, sizeof(k->key));
	ep_col_text(st, 2, k->feed, sizeof(k->feed));
	ep_col_text(st, 3, k->sticky, sizeof(k->sticky));
	sqlite3_reset(st);
	return ep_end(s, 0);
}

static int ep_sqlite_machine_get(struct ep_store *s, const char *server_id,
				 struct ep_machine *m)
{
	sqlite3_stmt *st = ep_stmt(s, Q_M_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, server_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_machine_row(st, m);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sqlite_fail(s, "machine");
}

static int ep_sqlite_machine_list(struct ep_store *s, const char *key,
				  ep_machine_cb cb, void *arg)
{
	sqlite3_stmt *st = ep_stmt(s, key ? Q_M_LIST_KEY : Q_M_LIST_ALL);
	struct ep_machine m;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	if (key)
		ep_bind_text(st, 1, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_machine_row(st, &m);
		if (cb(&m, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       ep_sqlite_fail(s, "machines");
}

/* ---- patchsets and indexes ------------------------------------------ */

static int ep_sqlite_patchset_add(struct ep_store *s,
				  const struct ep_patchset *p)
{
	sqlite3_stmt *st = ep_stmt(s, Q_PS_ADD);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, p->feed);
	ep_bind_text(st, 2, p->kernel_sha1);
	sqlite3_bind_int64(st, 3, p->level);
	ep_bind_text(st, 4, p->id);
	ep_bind_text(st, 5, p->patch_type);
	ep_bind_text(st, 6, p->kernel_release);
	ep_bind_text(st, 7, p->sha256);
	sqlite3_bind_int64(st, 8, p->release_time);
	sqlite3_bind_int64(st, 9, p->deployed);
	sqlite3_bind_int64(st, 10, p->enable_after);
	sqlite3_bind_int(st, 11, p->state);
	rc = ep_exec(s, st, "patchset");
	/* ON CONFLICT ... WHERE: a live patchset of that place stays. */
	if (!rc && !sqlite3_changes(ep_db(s)->db))
		rc = EP_EEXISTS;
	return rc;
}

static int ep_sqlite_patchset_set_state(struct ep_store *s, const char *feed,
					const char *kernel_sha1,
					unsigned int level,
					enum ep_ps_state state)
{
	sqlite3_stmt *st = ep_stmt(s, Q_PS_STATE);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, feed);
	ep_bind_text(st, 2, kernel_sha1);
	sqlite3_bind_int64(st, 3, level);
	sqlite3_bind_int(st, 4, state);
	rc = ep_exec(s, st, "patchset");
	if (!rc && !sqlite3_changes(ep_db(s)->db))
		rc = EP_ENOTFOUND;
	return rc;
}

static int ep_sqlite_patchset_list(struct ep_store *s, const char *feed,
				   const char *kernel_sha1, ep_patchset_cb cb,
				   void *arg)
{
	sqlite3_stmt *st = ep_stmt(s, Q_PS_LIST);
	struct ep_patchset p;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_bind_text(st, 1, feed);
	ep_bind_text(st, 2, kernel_sha1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		ep_col_text(st, 0, p.feed, sizeof(p.feed));
		ep_col_text(st, 1, p.kernel_sha1, sizeof(p.kernel_sha1));
		p.level = sqlite3_column_int64(st, 2);
		ep_col_text(st, 3, p.id, sizeof(p.id));
		ep_col_text(st, 4, p.patch_type, sizeof(p.patch_type));
		ep_col_text(st, 5, p.kernel_release, sizeof(p.kernel_release));
		ep_col_text(st, 6, p.sha256, sizeof(p.sha256));
		p.release_time = sqlite3_column_int64(st, 7);
		p.deployed = sqlite3_column_int64(st, 8);
		p.enable_after = sqlite3_column_int64(st, 9);
		p.state = sqlite3_column_int(st, 10);
		if (cb(&p, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       ep_sqlite_fail(s, "patchsets");
}

static int ep_sqlite_index_next_serial(struct ep_store *s, const char *feed,
				       const char *kernel_sha1,
				       unsigned long long *serial)
{
	sqlite3_stmt *st;
	int rc;

	rc = ep_begin(s);
	if (rc)
		return rc;
	st = ep_stmt(s, Q_IX_NEXT);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, feed);
	ep_bind_text(st, 2, kernel_sha1);
	rc = ep_exec(s, st, "index");
	if (rc)
		return ep_end(s, rc);
	st = ep_stmt(s, Q_IX_GET);
	if (!st)
		return ep_end(s, EP_EINTERNAL);
	ep_bind_text(st, 1, feed);
	ep_bind_text(st, 2, kernel_sha1);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ep_end(s, ep_sqlite_fail(s, "index"));
	*serial = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ep_end(s, 0);
}

/*
 * A server's connections do not checkpoint the WAL on commit (that
 * fsyncs in the middle of a request); the server's housekeeping thread
 * does it every second instead. Under a steady stream of check-ins a
 * checkpoint that runs beside the writers never catches up and the WAL
 * grows without end, so it holds the writers' lock: writers wait for
 * one checkpoint (a few milliseconds) a second, and the WAL restarts.
 */
static void ep_sqlite_set_server(struct ep_store *s, bool server)
{
	sqlite3_wal_autocheckpoint(ep_db(s)->db, server ? 0 : 1000);
}

static int ep_sqlite_maintain(struct ep_store *s)
{
	int rc;

	/* A reader in the way: try again in a second, never wait for it. */
	sqlite3_busy_timeout(ep_db(s)->db, 0);
	pthread_mutex_lock(&ep_sqlite_wlock);
	rc = sqlite3_wal_checkpoint_v2(ep_db(s)->db, NULL,
				       SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	pthread_mutex_unlock(&ep_sqlite_wlock);
	sqlite3_busy_timeout(ep_db(s)->db, EP_SQLITE_BUSY_MS);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 :
	       ep_sqlite_fail(s, "checkpoint");
}

const struct ep_store_ops ep_store_sqlite = {
	.name = "sqlite",
	.open = ep_sqlite_open,
	.close = ep_sqlite_close,
	.feed_add = ep_sqlite_feed_add,
	.feed_update = ep_sqlite_feed_update,
	.feed_get = ep_sqlite_feed_get,
	.feed_delete = ep_sqlite_feed_delete,
	.feed_list = ep_sqlite_feed_list,
	.key_add = ep_sqlite_key_add,
	.key_update = ep_sqlite_key_update,
	.key_get = ep_sqlite_key_get,
	.key_delete = ep_sqlite_key_delete,
	.key_list = ep_sqlite_key_list,
	.machine_register = ep_sqlite_machine_register,
	.machine_unregister = ep_sqlite_machine_unregister,
	.machine_checkin = ep_sqlite_machine_checkin,
	.machine_get = ep_sqlite_machine_get,
	.machine_list = ep_sqlite_machine_list,
	.patchset_add = ep_sqlite_patchset_add,
	.patchset_set_state = ep_sqlite_patchset_set_state,
	.patchset_list = ep_sqlite_patchset_list,
	.index_next_serial = ep_sqlite_index_next_serial,
	.set_server = ep_sqlite_set_server,
	.maintain = ep_sqlite_maintain,
};

int ep_store_open(struct ep_store *s, const char *dir)
{
	char path[PATH_MAX];

	memset(s, 0, sizeof(*s));
	s->ops = &ep_store_sqlite;
	if (snprintf(path, sizeof(path), "%s/eportal.db", dir) >=
	    (int)sizeof(path)) {
		snprintf(s->err, sizeof(s->err), "%s: path too long", dir);
		return EP_EINTERNAL;
	}
	return s->ops->open(s, path);
}

void ep_store_close(struct ep_store *s)
{
	if (s->ops)
		s->ops->close(s);
}

const char *ep_ps_state_name(enum ep_ps_state st)
{
	switch (st) {
	case EP_PS_ENABLED:
		return "enabled";
	case EP_PS_DISABLED:
		return "disabled";
	default:
		return "undeployed";
	}
}
