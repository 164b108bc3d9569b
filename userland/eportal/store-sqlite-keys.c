// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: feeds and registration keys (store-sqlite.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eportal.h"
#include "store-sqlite.h"

static int ep_feed_write(struct ep_store *s, enum ep_sql i,
			 const struct ep_feed *f)
{
	sqlite3_stmt *st = ep_sql_stmt(s, i);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, f->name);
	sqlite3_bind_int(st, 2, f->deploy_delay_hours);
	sqlite3_bind_int(st, 3, f->auto_update);
	ep_sql_bind_text(st, 4, f->upstream);
	rc = ep_sql_exec(s, st, "feed");
	if (!rc && i == Q_FEED_UPDATE && !sqlite3_changes(ep_sql_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

int ep_sqlite_feed_add(struct ep_store *s, const struct ep_feed *f)
{
	return ep_feed_write(s, Q_FEED_ADD, f);
}

int ep_sqlite_feed_update(struct ep_store *s, const struct ep_feed *f)
{
	return ep_feed_write(s, Q_FEED_UPDATE, f);
}

static void ep_feed_row(sqlite3_stmt *st, struct ep_feed *f)
{
	memset(f, 0, sizeof(*f));
	ep_sql_col_text(st, 0, f->name, sizeof(f->name));
	f->deploy_delay_hours = sqlite3_column_int(st, 1);
	f->auto_update = sqlite3_column_int(st, 2);
	ep_sql_col_text(st, 3, f->upstream, sizeof(f->upstream));
}

int ep_sqlite_feed_get(struct ep_store *s, const char *name,
			      struct ep_feed *f)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_FEED_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_feed_row(st, f);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sql_fail(s, "feed");
}

int ep_sqlite_feed_delete(struct ep_store *s, const char *name)
{
	sqlite3_stmt *st;
	int rc, used;

	rc = ep_sql_begin(s);
	if (rc)
		return rc;
	st = ep_sql_stmt(s, Q_FEED_USED);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, name);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ep_sql_end(s, ep_sql_fail(s, "feed"));
	used = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	if (used)
		return ep_sql_end(s, EP_EINUSE);
	st = ep_sql_stmt(s, Q_FEED_DELETE);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, name);
	rc = ep_sql_exec(s, st, "feed");
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		rc = EP_ENOTFOUND;
	return ep_sql_end(s, rc);
}

int ep_sqlite_feed_list(struct ep_store *s, ep_feed_cb cb, void *arg)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_FEED_LIST);
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
	       ep_sql_fail(s, "feeds");
}

/* ---- keys ----------------------------------------------------------- */

static int ep_key_write(struct ep_store *s, enum ep_sql i,
			const struct ep_key *k)
{
	sqlite3_stmt *st = ep_sql_stmt(s, i);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, k->key);
	ep_sql_bind_text(st, 2, k->feed);
	sqlite3_bind_int64(st, 3, k->limit);
	ep_sql_bind_text(st, 4, k->sticky);
	ep_sql_bind_text(st, 5, k->note);
	sqlite3_bind_int64(st, 6, k->expires);
	if (i == Q_KEY_ADD)
		sqlite3_bind_int64(st, 7, k->created);
	rc = ep_sql_exec(s, st, "key");
	if (rc == EP_EEXISTS) {
		/* The key exists, or its feed does not. */
		struct ep_feed f;

		if (ep_sqlite_feed_get(s, k->feed, &f) == EP_ENOTFOUND) {
			snprintf(s->err, sizeof(s->err), "no feed \"%s\"",
				 k->feed);
			return EP_ENOTFOUND;
		}
	}
	if (!rc && i == Q_KEY_UPDATE && !sqlite3_changes(ep_sql_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

int ep_sqlite_key_add(struct ep_store *s, const struct ep_key *k)
{
	return ep_key_write(s, Q_KEY_ADD, k);
}

int ep_sqlite_key_update(struct ep_store *s, const struct ep_key *k)
{
	return ep_key_write(s, Q_KEY_UPDATE, k);
}

static void ep_key_row(sqlite3_stmt *st, struct ep_key *k)
{
	memset(k, 0, sizeof(*k));
	ep_sql_col_text(st, 0, k->key, sizeof(k->key));
	ep_sql_col_text(st, 1, k->feed, sizeof(k->feed));
	k->limit = sqlite3_column_int64(st, 2);
	ep_sql_col_text(st, 3, k->sticky, sizeof(k->sticky));
	ep_sql_col_text(st, 4, k->note, sizeof(k->note));
	k->created = sqlite3_column_int64(st, 5);
	k->machines = sqlite3_column_int64(st, 6);
	k->expires = sqlite3_column_int64(st, 7);
}

int ep_sqlite_key_get(struct ep_store *s, const char *key,
			     struct ep_key *k)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_KEY_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_key_row(st, k);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sql_fail(s, "key");
}

int ep_sqlite_key_delete(struct ep_store *s, const char *key)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_KEY_DELETE);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, key);
	rc = ep_sql_exec(s, st, "key");
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

int ep_sqlite_key_list(struct ep_store *s, ep_key_cb cb, void *arg)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_KEY_LIST);
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
	       ep_sql_fail(s, "keys");
}

