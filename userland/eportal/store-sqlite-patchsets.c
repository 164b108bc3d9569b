// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: deployed patchsets, the serials of the indexes
 * published for them, and what mirrors last took from their upstreams
 * (store-sqlite.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eportal.h"
#include "store-sqlite.h"

int ep_sqlite_patchset_add(struct ep_store *s,
				  const struct ep_patchset *p)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_PS_ADD);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, p->feed);
	ep_sql_bind_text(st, 2, p->kernel_sha1);
	sqlite3_bind_int64(st, 3, p->level);
	ep_sql_bind_text(st, 4, p->id);
	ep_sql_bind_text(st, 5, p->patch_type);
	ep_sql_bind_text(st, 6, p->kernel_release);
	ep_sql_bind_text(st, 7, p->sha256);
	sqlite3_bind_int64(st, 8, p->release_time);
	sqlite3_bind_int64(st, 9, p->deployed);
	sqlite3_bind_int64(st, 10, p->enable_after);
	sqlite3_bind_int(st, 11, p->state);
	rc = ep_sql_exec(s, st, "patchset");
	/* ON CONFLICT ... WHERE: a live patchset of that place stays. */
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		rc = EP_EEXISTS;
	return rc;
}

int ep_sqlite_patchset_set_state(struct ep_store *s, const char *feed,
					const char *kernel_sha1,
					unsigned int level,
					enum ep_ps_state state)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_PS_STATE);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, feed);
	ep_sql_bind_text(st, 2, kernel_sha1);
	sqlite3_bind_int64(st, 3, level);
	sqlite3_bind_int(st, 4, state);
	rc = ep_sql_exec(s, st, "patchset");
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		rc = EP_ENOTFOUND;
	return rc;
}

int ep_sqlite_patchset_list(struct ep_store *s, const char *feed,
				   const char *kernel_sha1, ep_patchset_cb cb,
				   void *arg)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_PS_LIST);
	struct ep_patchset p;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, feed);
	ep_sql_bind_text(st, 2, kernel_sha1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&p, 0, sizeof(p));
		ep_sql_col_text(st, 0, p.feed, sizeof(p.feed));
		ep_sql_col_text(st, 1, p.kernel_sha1, sizeof(p.kernel_sha1));
		p.level = sqlite3_column_int64(st, 2);
		ep_sql_col_text(st, 3, p.id, sizeof(p.id));
		ep_sql_col_text(st, 4, p.patch_type, sizeof(p.patch_type));
		ep_sql_col_text(st, 5, p.kernel_release, sizeof(p.kernel_release));
		ep_sql_col_text(st, 6, p.sha256, sizeof(p.sha256));
		p.release_time = sqlite3_column_int64(st, 7);
		p.deployed = sqlite3_column_int64(st, 8);
		p.enable_after = sqlite3_column_int64(st, 9);
		p.state = sqlite3_column_int(st, 10);
		if (cb(&p, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       ep_sql_fail(s, "patchsets");
}

int ep_sqlite_index_next_serial(struct ep_store *s, const char *feed,
				       const char *kernel_sha1,
				       unsigned long long *serial)
{
	sqlite3_stmt *st;
	int rc;

	rc = ep_sql_begin(s);
	if (rc)
		return rc;
	st = ep_sql_stmt(s, Q_IX_NEXT);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, feed);
	ep_sql_bind_text(st, 2, kernel_sha1);
	rc = ep_sql_exec(s, st, "index");
	if (rc)
		return ep_sql_end(s, rc);
	st = ep_sql_stmt(s, Q_IX_GET);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, feed);
	ep_sql_bind_text(st, 2, kernel_sha1);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ep_sql_end(s, ep_sql_fail(s, "index"));
	*serial = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ep_sql_end(s, 0);
}


int ep_sqlite_upstream_get(struct ep_store *s, const char *url,
			   const char *kernel_sha1, unsigned long long *serial,
			   unsigned int *max_level)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_UP_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, url);
	ep_sql_bind_text(st, 2, kernel_sha1);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*serial = sqlite3_column_int64(st, 0);
		*max_level = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sql_fail(s, "upstream");
}

int ep_sqlite_upstream_set(struct ep_store *s, const char *url,
			   const char *kernel_sha1, unsigned long long serial,
			   unsigned int max_level)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_UP_SET);

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, url);
	ep_sql_bind_text(st, 2, kernel_sha1);
	sqlite3_bind_int64(st, 3, serial);
	sqlite3_bind_int64(st, 4, max_level);
	return ep_sql_exec(s, st, "upstream");
}
