// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: machines, registered under a key's limit in one
 * transaction, and their check-ins (store-sqlite.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eportal.h"
#include "store-sqlite.h"

static void ep_machine_row(sqlite3_stmt *st, struct ep_machine *m)
{
	memset(m, 0, sizeof(*m));
	ep_sql_col_text(st, 0, m->server_id, sizeof(m->server_id));
	ep_sql_col_text(st, 1, m->key, sizeof(m->key));
	ep_sql_col_text(st, 2, m->machine_id, sizeof(m->machine_id));
	ep_sql_col_text(st, 3, m->hostname, sizeof(m->hostname));
	ep_sql_col_text(st, 4, m->fqdn, sizeof(m->fqdn));
	ep_sql_col_text(st, 5, m->ip, sizeof(m->ip));
	ep_sql_col_text(st, 6, m->distro, sizeof(m->distro));
	ep_sql_col_text(st, 7, m->kernel_release, sizeof(m->kernel_release));
	ep_sql_col_text(st, 8, m->kernel_id, sizeof(m->kernel_id));
	ep_sql_col_text(st, 9, m->effective_kernel, sizeof(m->effective_kernel));
	m->patch_level = sqlite3_column_int64(st, 10);
	ep_sql_col_text(st, 11, m->userspace, sizeof(m->userspace));
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
	st = ep_sql_stmt(s, Q_M_BY_MID);
	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, m->key);
	ep_sql_bind_text(st, 2, m->machine_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_sql_col_text(st, 0, m->server_id, sizeof(m->server_id));
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return EP_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return ep_sql_fail(s, "machine");
	st = ep_sql_stmt(s, Q_M_REFRESH);
	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, m->server_id);
	ep_sql_bind_text(st, 2, m->hostname);
	ep_sql_bind_text(st, 3, m->fqdn);
	ep_sql_bind_text(st, 4, m->ip);
	ep_sql_bind_text(st, 5, m->distro);
	ep_sql_bind_text(st, 6, m->kernel_release);
	ep_sql_bind_text(st, 7, m->kernel_id);
	sqlite3_bind_int64(st, 8, m->last_seen);
	return ep_sql_exec(s, st, "machine");
}

int ep_sqlite_machine_register(struct ep_store *s, struct ep_machine *m,
				      struct ep_key *k)
{
	sqlite3_stmt *st;
	unsigned int n;
	int rc;

	rc = ep_sql_begin(s);
	if (rc)
		return rc;
	rc = ep_sqlite_key_get(s, m->key, k);
	if (rc)
		return ep_sql_end(s, rc);
	/* An expired key takes no one new, nor back. */
	if (k->expires && m->registered >= k->expires)
		return ep_sql_end(s, EP_EEXPIRED);
	rc = ep_machine_reuse(s, m);
	if (rc != EP_ENOTFOUND)
		return ep_sql_end(s, rc);
	n = k->machines;
	if (k->limit && n >= k->limit)
		return ep_sql_end(s, EP_ELIMIT);
	st = ep_sql_stmt(s, Q_M_INSERT);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, m->server_id);
	ep_sql_bind_text(st, 2, m->key);
	ep_sql_bind_text(st, 3, m->machine_id);
	ep_sql_bind_text(st, 4, m->hostname);
	ep_sql_bind_text(st, 5, m->fqdn);
	ep_sql_bind_text(st, 6, m->ip);
	ep_sql_bind_text(st, 7, m->distro);
	ep_sql_bind_text(st, 8, m->kernel_release);
	ep_sql_bind_text(st, 9, m->kernel_id);
	ep_sql_bind_text(st, 10, m->effective_kernel);
	sqlite3_bind_int64(st, 11, m->patch_level);
	ep_sql_bind_text(st, 12, m->userspace);
	sqlite3_bind_int64(st, 13, m->registered);
	sqlite3_bind_int64(st, 14, m->last_seen);
	rc = ep_sql_exec(s, st, "machine");
	if (!rc)
		k->machines = n + 1;
	return ep_sql_end(s, rc);
}

int ep_sqlite_machine_unregister(struct ep_store *s,
					const char *server_id)
{
	sqlite3_stmt *st;
	int rc;

	rc = ep_sql_begin(s);
	if (rc)
		return rc;
	st = ep_sql_stmt(s, Q_M_DELETE);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, server_id);
	rc = ep_sql_exec(s, st, "machine");
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		rc = EP_ENOTFOUND;
	return ep_sql_end(s, rc);
}

int ep_sqlite_machine_checkin(struct ep_store *s, struct ep_machine *m,
				     struct ep_key *k)
{
	sqlite3_stmt *st;
	int rc;

	rc = ep_sql_begin(s);
	if (rc)
		return rc;
	st = ep_sql_stmt(s, Q_M_CHECKIN);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, m->server_id);
	ep_sql_bind_text(st, 2, m->ip);
	ep_sql_bind_text(st, 3, m->kernel_release);
	ep_sql_bind_text(st, 4, m->kernel_id);
	ep_sql_bind_text(st, 5, m->effective_kernel);
	sqlite3_bind_int64(st, 6, m->patch_level);
	ep_sql_bind_text(st, 7, m->userspace);
	sqlite3_bind_int64(st, 8, m->last_seen);
	rc = ep_sql_exec(s, st, "machine");
	if (!rc && !sqlite3_changes(ep_sql_db(s)->db))
		rc = EP_ENOTFOUND;
	if (rc)
		return ep_sql_end(s, rc);
	st = ep_sql_stmt(s, Q_M_TERMS);
	if (!st)
		return ep_sql_end(s, EP_EINTERNAL);
	ep_sql_bind_text(st, 1, m->server_id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return ep_sql_end(s, ep_sql_fail(s, "machine"));
	memset(k, 0, sizeof(*k));
	ep_sql_col_text(st, 0, m->key, sizeof(m->key));
	m->registered = sqlite3_column_int64(st, 1);
	ep_sql_col_text(st, 0, k->key, sizeof(k->key));
	ep_sql_col_text(st, 2, k->feed, sizeof(k->feed));
	ep_sql_col_text(st, 3, k->sticky, sizeof(k->sticky));
	k->expires = sqlite3_column_int64(st, 4);
	sqlite3_reset(st);
	return ep_sql_end(s, 0);
}

int ep_sqlite_machine_get(struct ep_store *s, const char *server_id,
				 struct ep_machine *m)
{
	sqlite3_stmt *st = ep_sql_stmt(s, Q_M_GET);
	int rc;

	if (!st)
		return EP_EINTERNAL;
	ep_sql_bind_text(st, 1, server_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ep_machine_row(st, m);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? EP_ENOTFOUND : ep_sql_fail(s, "machine");
}

int ep_sqlite_machine_list(struct ep_store *s, const char *key,
				  ep_machine_cb cb, void *arg)
{
	sqlite3_stmt *st = ep_sql_stmt(s, key ? Q_M_LIST_KEY : Q_M_LIST_ALL);
	struct ep_machine m;
	int rc;

	if (!st)
		return EP_EINTERNAL;
	if (key)
		ep_sql_bind_text(st, 1, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ep_machine_row(st, &m);
		if (cb(&m, arg))
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	       ep_sql_fail(s, "machines");
}

