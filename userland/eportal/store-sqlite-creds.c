// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: the admin API's credentials, API keys and admin
 * users (store-sqlite.h). Every request looks its credential up here,
 * so a deleted one stops working at once, on every worker and process.
 */
#include <stdio.h>
#include <string.h>

#include "eportal.h"
#include "store-sqlite.h"

int ep_sqlite_cred_add(struct ep_store *s, const struct ep_cred *c)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_CRED_ADD);

	if (!st)
		return EP_EINTERNAL;
	sqlite3_bind_int(st, 1, c->kind);
	ep_sql_bind_text(st, 2, c->name);
	ep_sql_bind_text(st, 3, c->secret);
	ep_sql_bind_text(st, 4, c->note);
	sqlite3_bind_int64(st, 5, c->created);
	return ep_sql_exec(s, st, c->name);
}

static void ep_cred_row(sqlite3_stmt *st, struct ep_cred *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = sqlite3_column_int(st, 0);
	ep_sql_col_text(st, 1, c->name, sizeof(c->name));
	ep_sql_col_text(st, 2, c->secret, sizeof(c->secret));
	ep_sql_col_text(st, 3, c->note, sizeof(c->note));
	c->created = sqlite3_column_int64(st, 4);
}

/* One row of @q for (@kind, @text): 0, EP_ENOTFOUND or EP_EINTERNAL. */
static int ep_cred_one(struct ep_store *s, enum ep_sql q, int kind,
		       const char *text, struct ep_cred *c)
{
	sqlite3_stmt *st = ep_sql_stmt(s, q);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	sqlite3_bind_int(st, 1, kind);
	ep_sql_bind_text(st, 2, text);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_cred_row(st, c);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sql_fail(s, "credentials");
}

int ep_sqlite_cred_get(struct ep_store *s, int kind, const char *name,
		       struct ep_cred *c)
{
	return ep_cred_one(s, Q_CRED_GET, kind, name, c);
}

int ep_sqlite_cred_find(struct ep_store *s, int kind, const char *secret,
			struct ep_cred *c)
{
	return ep_cred_one(s, Q_CRED_FIND, kind, secret, c);
}

/* @q changes the row (@kind, @name), binding @secret third when given. */
static int ep_cred_change(struct ep_store *s, enum ep_sql q, int kind,
			  const char *name, const char *secret)
{
	sqlite3_stmt *st = ep_sql_stmt(s, q);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	sqlite3_bind_int(st, 1, kind);
	ep_sql_bind_text(st, 2, name);
	if (secret)
		ep_sql_bind_text(st, 3, secret);
	rc = ep_sql_exec(s, st, name);
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		return EP_ENOTFOUND;
	return rc;
}

int ep_sqlite_cred_set_secret(struct ep_store *s, int kind, const char *name,
			      const char *secret)
{
	return ep_cred_change(s, Q_CRED_SECRET, kind, name, secret);
}

int ep_sqlite_cred_delete(struct ep_store *s, int kind, const char *name)
{
	return ep_cred_change(s, Q_CRED_DELETE, kind, name, NULL);
}

int ep_sqlite_cred_list(struct ep_store *s, int kind, ep_cred_cb cb,
			void *arg)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_CRED_LIST);
	struct ep_cred c;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	sqlite3_bind_int(st, 1, kind);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_cred_row(st, &c);
		if (cb(&c, arg)) {
			sqlite3_reset(st);
			return 0;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : ep_sql_fail(s, "credentials");
}
