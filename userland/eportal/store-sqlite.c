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
#include "store-sqlite.h"

#define EP_SQLITE_BUSY_MS	10000

/*
 * Schema version 4 (1 had no key expiry, 2 no machine tag, 3 no
 * credentials), one statement a line. A machine's seq keeps the
 * order of registration; its (key, machine_id) is unique when the
 * client sent one, so a retried registration finds its slot; a key's
 * nmachines counts them (triggers), so that registering under a limit
 * costs the same with 10 machines or 100,000. A
 * patchset's state is enum ep_ps_state (0 enabled, 1 disabled, 2
 * undeployed: kept so that its level stays in the index). The default
 * feed is named "".
 */
static const char *const ep_sqlite_schema[] = {
	"CREATE TABLE IF NOT EXISTS feeds (name TEXT PRIMARY KEY, delay_hours INTEGER NOT NULL DEFAULT 0, auto_update INTEGER NOT NULL DEFAULT 0, upstream TEXT NOT NULL DEFAULT '')",
	"CREATE TABLE IF NOT EXISTS keys (key TEXT PRIMARY KEY, feed TEXT NOT NULL REFERENCES feeds(name), lim INTEGER NOT NULL DEFAULT 0, sticky TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, nmachines INTEGER NOT NULL DEFAULT 0, expires INTEGER NOT NULL DEFAULT 0)",
	"CREATE TABLE IF NOT EXISTS machines (seq INTEGER PRIMARY KEY AUTOINCREMENT, server_id TEXT NOT NULL UNIQUE, key TEXT NOT NULL REFERENCES keys(key) ON DELETE CASCADE, machine_id TEXT NOT NULL DEFAULT '', hostname TEXT NOT NULL DEFAULT '', fqdn TEXT NOT NULL DEFAULT '', ip TEXT NOT NULL DEFAULT '', distro TEXT NOT NULL DEFAULT '', kernel_release TEXT NOT NULL DEFAULT '', kernel_id TEXT NOT NULL DEFAULT '', effective_kernel TEXT NOT NULL DEFAULT '', patch_level INTEGER NOT NULL DEFAULT 0, userspace TEXT NOT NULL DEFAULT '', registered INTEGER NOT NULL, last_seen INTEGER NOT NULL, tag TEXT NOT NULL DEFAULT '')",
	"CREATE INDEX IF NOT EXISTS machines_key ON machines(key)",
	"CREATE TRIGGER IF NOT EXISTS machines_count_add AFTER INSERT ON machines BEGIN UPDATE keys SET nmachines = nmachines + 1 WHERE key = NEW.key; END",
	"CREATE TRIGGER IF NOT EXISTS machines_count_del AFTER DELETE ON machines BEGIN UPDATE keys SET nmachines = nmachines - 1 WHERE key = OLD.key; END",
	"CREATE UNIQUE INDEX IF NOT EXISTS machines_key_mid ON machines(key, machine_id) WHERE machine_id <> ''",
	"CREATE TABLE IF NOT EXISTS patchsets (feed TEXT NOT NULL, kernel_sha1 TEXT NOT NULL, level INTEGER NOT NULL, id TEXT NOT NULL, patch_type TEXT NOT NULL, kernel_release TEXT NOT NULL, sha256 TEXT NOT NULL, release_time INTEGER NOT NULL, deployed INTEGER NOT NULL, enable_after INTEGER NOT NULL, state INTEGER NOT NULL, PRIMARY KEY (feed, kernel_sha1, level))",
	"CREATE TABLE IF NOT EXISTS indexes (feed TEXT NOT NULL, kernel_sha1 TEXT NOT NULL, serial INTEGER NOT NULL, PRIMARY KEY (feed, kernel_sha1))",
	"CREATE TABLE IF NOT EXISTS upstream (url TEXT NOT NULL, kernel_sha1 TEXT NOT NULL, serial INTEGER NOT NULL, max_level INTEGER NOT NULL, PRIMARY KEY (url, kernel_sha1))",
	"CREATE TABLE IF NOT EXISTS credentials (kind INTEGER NOT NULL, name TEXT NOT NULL, secret TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL, PRIMARY KEY (kind, name))",
	"CREATE UNIQUE INDEX IF NOT EXISTS credentials_secret ON credentials(kind, secret)",
	"INSERT OR IGNORE INTO feeds(name) VALUES (''), ('test')",
	"PRAGMA user_version = 4",
};

/* What a database of an older schema needs first, by its user_version. */
static const char *const ep_sqlite_upgrade[] = {
	[1] = "ALTER TABLE keys ADD COLUMN expires INTEGER NOT NULL DEFAULT 0",
	[2] = "ALTER TABLE machines ADD COLUMN tag TEXT NOT NULL DEFAULT ''",
};

static const char *const ep_sql_text[Q_NR] = {
	[Q_FEED_ADD] = "INSERT INTO feeds(name, delay_hours, auto_update, upstream) VALUES (?1, ?2, ?3, ?4)",
	[Q_FEED_UPDATE] = "UPDATE feeds SET delay_hours = ?2, auto_update = ?3, upstream = ?4 WHERE name = ?1",
	[Q_FEED_GET] = "SELECT name, delay_hours, auto_update, upstream FROM feeds WHERE name = ?1",
	[Q_FEED_DELETE] = "DELETE FROM feeds WHERE name = ?1",
	[Q_FEED_LIST] = "SELECT name, delay_hours, auto_update, upstream FROM feeds ORDER BY name",
	[Q_FEED_USED] = "SELECT (SELECT count(*) FROM keys WHERE feed = ?1) + (SELECT count(*) FROM patchsets WHERE feed = ?1 AND state <> 2)",
	[Q_KEY_ADD] = "INSERT INTO keys(key, feed, lim, sticky, note, expires, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[Q_KEY_UPDATE] = "UPDATE keys SET feed = ?2, lim = ?3, sticky = ?4, note = ?5, expires = ?6 WHERE key = ?1",
	[Q_KEY_GET] = "SELECT " EP_K_COLS " FROM keys k WHERE k.key = ?1",
	[Q_KEY_DELETE] = "DELETE FROM keys WHERE key = ?1",
	[Q_KEY_LIST] = "SELECT " EP_K_COLS " FROM keys k ORDER BY k.created, k.key",
	[Q_M_BY_MID] = "SELECT server_id FROM machines WHERE key = ?1 AND machine_id = ?2",
	[Q_M_INSERT] = "INSERT INTO machines(" EP_M_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	[Q_M_REFRESH] = "UPDATE machines SET hostname = ?2, fqdn = ?3, ip = ?4, distro = ?5, kernel_release = ?6, kernel_id = ?7, last_seen = ?8 WHERE server_id = ?1",
	[Q_M_DELETE] = "DELETE FROM machines WHERE server_id = ?1",
	[Q_M_CHECKIN] = "UPDATE machines SET ip = ?2, kernel_release = ?3, kernel_id = ?4, effective_kernel = ?5, patch_level = ?6, userspace = ?7, last_seen = ?8, tag = ?9 WHERE server_id = ?1",
	[Q_M_TERMS] = "SELECT m.key, m.registered, k.feed, k.sticky, k.expires FROM machines m JOIN keys k ON k.key = m.key WHERE m.server_id = ?1",
	[Q_M_GET] = "SELECT " EP_M_COLS " FROM machines WHERE server_id = ?1",
	[Q_M_LIST_KEY] = "SELECT " EP_M_COLS " FROM machines WHERE key = ?1 ORDER BY seq",
	[Q_M_LIST_ALL] = "SELECT " EP_M_COLS " FROM machines ORDER BY seq",
	[Q_PS_ADD] = "INSERT INTO patchsets(" EP_PS_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (feed, kernel_sha1, level) DO UPDATE SET id = ?4, patch_type = ?5, kernel_release = ?6, sha256 = ?7, release_time = ?8, deployed = ?9, enable_after = ?10, state = ?11 WHERE state = 2",
	[Q_PS_STATE] = "UPDATE patchsets SET state = ?4 WHERE feed = ?1 AND kernel_sha1 = ?2 AND level = ?3",
	[Q_PS_LIST] = "SELECT " EP_PS_COLS " FROM patchsets WHERE (?1 IS NULL OR feed = ?1) AND (?2 IS NULL OR kernel_sha1 = ?2) ORDER BY feed, kernel_sha1, level",
	[Q_IX_NEXT] = "INSERT INTO indexes(feed, kernel_sha1, serial) VALUES (?1, ?2, 1) ON CONFLICT (feed, kernel_sha1) DO UPDATE SET serial = serial + 1",
	[Q_IX_GET] = "SELECT serial FROM indexes WHERE feed = ?1 AND kernel_sha1 = ?2",
	[Q_UP_GET] = "SELECT serial, max_level FROM upstream WHERE url = ?1 AND kernel_sha1 = ?2",
	[Q_UP_SET] = "INSERT INTO upstream(url, kernel_sha1, serial, max_level) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (url, kernel_sha1) DO UPDATE SET serial = ?3, max_level = ?4",
	[Q_CRED_ADD] = "INSERT INTO credentials(kind, name, secret, note, created) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_CRED_GET] = "SELECT kind, name, secret, note, created FROM credentials WHERE kind = ?1 AND name = ?2",
	[Q_CRED_FIND] = "SELECT kind, name, secret, note, created FROM credentials WHERE kind = ?1 AND secret = ?2",
	[Q_CRED_SECRET] = "UPDATE credentials SET secret = ?3 WHERE kind = ?1 AND name = ?2",
	[Q_CRED_DELETE] = "DELETE FROM credentials WHERE kind = ?1 AND name = ?2",
	[Q_CRED_LIST] = "SELECT kind, name, secret, note, created FROM credentials WHERE kind = ?1 ORDER BY name",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
};

pthread_mutex_t ep_sqlite_wlock = PTHREAD_MUTEX_INITIALIZER;

struct ep_sqlite *ep_sql_db(struct ep_store *s)
{
	return s->priv;
}

int ep_sql_fail(struct ep_store *s, const char *what)
{
	struct ep_sqlite *q = ep_sql_db(s);

	snprintf(s->err, sizeof(s->err), "database: %s: %s", what,
		 q && q->db ? sqlite3_errmsg(q->db) : "not open");
	return EP_EINTERNAL;
}

/* The prepared statement @i, reset and unbound, ready for binding. */
sqlite3_stmt *ep_sql_stmt(struct ep_store *s, enum ep_sql i)
{
	struct ep_sqlite *q = ep_sql_db(s);

	if (!q->st[i] &&
	    sqlite3_prepare_v3(q->db, ep_sql_text[i], -1,
			       SQLITE_PREPARE_PERSISTENT, &q->st[i], NULL)) {
		ep_sql_fail(s, "prepare");
		return NULL;
	}
	sqlite3_reset(q->st[i]);
	sqlite3_clear_bindings(q->st[i]);
	return q->st[i];
}

void ep_sql_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Run a statement that returns no row. */
int ep_sql_exec(struct ep_store *s, sqlite3_stmt *st, const char *what)
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
	return ep_sql_fail(s, what);
}

void ep_sql_col_text(sqlite3_stmt *st, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, len, "%s", t ? (const char *)t : "");
}

int ep_sql_begin(struct ep_store *s)
{
	pthread_mutex_lock(&ep_sqlite_wlock);
	if (ep_sql_exec(s, ep_sql_stmt(s, Q_BEGIN), "begin")) {
		pthread_mutex_unlock(&ep_sqlite_wlock);
		return EP_EINTERNAL;
	}
	return 0;
}

/* Commit when @rc is 0, else roll back; returns @rc or the commit's error. */
int ep_sql_end(struct ep_store *s, int rc)
{
	if (!rc)
		rc = ep_sql_exec(s, ep_sql_stmt(s, Q_COMMIT), "commit");
	if (rc) {
		char keep[sizeof(s->err)];

		memcpy(keep, s->err, sizeof(keep));
		ep_sql_exec(s, ep_sql_stmt(s, Q_ROLLBACK), "rollback");
		memcpy(s->err, keep, sizeof(keep));
	}
	pthread_mutex_unlock(&ep_sqlite_wlock);
	return rc;
}

/* The database's PRAGMA user_version; on an error, *@msg says it. */
static unsigned int ep_sqlite_version(sqlite3 *db, char **msg)
{
	sqlite3_stmt *st;
	unsigned int v = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) ||
	    sqlite3_step(st) != SQLITE_ROW)
		*msg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
	else
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int ep_sqlite_open(struct ep_store *s, const char *path)
{
	struct ep_sqlite *q = calloc(1, sizeof(*q));
	unsigned int version;
	char *msg = NULL;
	size_t i;

	if (!q) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return EP_EINTERNAL;
	}
	s->priv = q;
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL)) {
		ep_sql_fail(s, path);
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
	/* A new database is version 0: the schema makes it whole. */
	version = ep_sqlite_version(q->db, &msg);
	for (; !msg && version && version < ARRAY_SIZE(ep_sqlite_upgrade);
	     version++)
		sqlite3_exec(q->db, ep_sqlite_upgrade[version], NULL, NULL, &msg);
	for (i = 0; !msg && i < ARRAY_SIZE(ep_sqlite_schema); i++)
		sqlite3_exec(q->db, ep_sqlite_schema[i], NULL, NULL, &msg);
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
	struct ep_sqlite *q = ep_sql_db(s);
	int i;

	if (!q)
		return;
	for (i = 0; i < Q_NR; i++)
		sqlite3_finalize(q->st[i]);
	sqlite3_close(q->db);
	free(q);
	s->priv = NULL;
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
	sqlite3_wal_autocheckpoint(ep_sql_db(s)->db, server ? 0 : 1000);
}

static int ep_sqlite_maintain(struct ep_store *s)
{
	int rc;

	/* A reader in the way: try again in a second, never wait for it. */
	sqlite3_busy_timeout(ep_sql_db(s)->db, 0);
	pthread_mutex_lock(&ep_sqlite_wlock);
	rc = sqlite3_wal_checkpoint_v2(ep_sql_db(s)->db, NULL,
				       SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	pthread_mutex_unlock(&ep_sqlite_wlock);
	sqlite3_busy_timeout(ep_sql_db(s)->db, EP_SQLITE_BUSY_MS);
	return rc == SQLITE_OK || rc == SQLITE_BUSY ? 0 :
	       ep_sql_fail(s, "checkpoint");
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
	.upstream_get = ep_sqlite_upstream_get,
	.upstream_set = ep_sqlite_upstream_set,
	.cred_add = ep_sqlite_cred_add,
	.cred_get = ep_sqlite_cred_get,
	.cred_find = ep_sqlite_cred_find,
	.cred_set_secret = ep_sqlite_cred_set_secret,
	.cred_delete = ep_sqlite_cred_delete,
	.cred_list = ep_sqlite_cred_list,
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
