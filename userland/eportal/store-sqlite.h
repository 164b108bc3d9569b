/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SQLite store's parts (store.h): the connection, its statements and
 * transactions (store-sqlite.c), and the rows of each resource
 * (store-sqlite-keys.c: feeds and keys, store-sqlite-machines.c,
 * store-sqlite-patchsets.c: patchsets and index serials,
 * store-sqlite-creds.c: API keys and admin users).
 */
#ifndef _KCARE_EPORTAL_STORE_SQLITE_H
#define _KCARE_EPORTAL_STORE_SQLITE_H

#include <pthread.h>

#include <sqlite3.h>

#include "store.h"

enum ep_sql {
	Q_FEED_ADD, Q_FEED_UPDATE, Q_FEED_GET, Q_FEED_DELETE, Q_FEED_LIST,
	Q_FEED_USED,
	Q_KEY_ADD, Q_KEY_UPDATE, Q_KEY_GET, Q_KEY_DELETE, Q_KEY_LIST,
	Q_M_BY_MID, Q_M_INSERT, Q_M_REFRESH, Q_M_DELETE,
	Q_M_CHECKIN, Q_M_TERMS, Q_M_GET, Q_M_LIST_KEY, Q_M_LIST_ALL,
	Q_PS_ADD, Q_PS_STATE, Q_PS_LIST, Q_IX_NEXT, Q_IX_GET, Q_UP_GET, Q_UP_SET,
	Q_CRED_ADD, Q_CRED_GET, Q_CRED_FIND, Q_CRED_SECRET, Q_CRED_DELETE,
	Q_CRED_LIST,
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK, Q_NR
};

#define EP_M_COLS "server_id, key, machine_id, hostname, fqdn, ip, distro," \
	" kernel_release, kernel_id, effective_kernel, patch_level, userspace," \
	" registered, last_seen, tag"
#define EP_K_COLS "k.key, k.feed, k.lim, k.sticky, k.note, k.created, k.nmachines," \
	" k.expires"
#define EP_PS_COLS "feed, kernel_sha1, level, id, patch_type, kernel_release," \
	" sha256, release_time, deployed, enable_after, state"

struct ep_sqlite {
	sqlite3 *db;
	sqlite3_stmt *st[Q_NR];
};

/* Writers of one process take it around their transaction. */
extern pthread_mutex_t ep_sqlite_wlock;

struct ep_sqlite *ep_sql_db(struct ep_store *s);
/* Set s->err from the connection's last error; EP_EINTERNAL. */
int ep_sql_fail(struct ep_store *s, const char *what);
/* The prepared statement @i, reset and unbound, ready for binding. */
sqlite3_stmt *ep_sql_stmt(struct ep_store *s, enum ep_sql i);
void ep_sql_bind_text(sqlite3_stmt *st, int i, const char *v);
/* Run a statement that returns no row: 0, EP_EEXISTS or EP_EINTERNAL. */
int ep_sql_exec(struct ep_store *s, sqlite3_stmt *st, const char *what);
void ep_sql_col_text(sqlite3_stmt *st, int i, char *out, size_t len);
/* BEGIN IMMEDIATE under ep_sqlite_wlock; ep_sql_end() commits when @rc is 0. */
int ep_sql_begin(struct ep_store *s);
int ep_sql_end(struct ep_store *s, int rc);

/* The operations of ep_store_sqlite, by resource (store.h says what each does). */
int ep_sqlite_feed_add(struct ep_store *s, const struct ep_feed *f);
int ep_sqlite_feed_update(struct ep_store *s, const struct ep_feed *f);
int ep_sqlite_feed_get(struct ep_store *s, const char *name,
		       struct ep_feed *f);
int ep_sqlite_feed_delete(struct ep_store *s, const char *name);
int ep_sqlite_feed_list(struct ep_store *s, ep_feed_cb cb, void *arg);
int ep_sqlite_key_add(struct ep_store *s, const struct ep_key *k);
int ep_sqlite_key_update(struct ep_store *s, const struct ep_key *k);
int ep_sqlite_key_get(struct ep_store *s, const char *key, struct ep_key *k);
int ep_sqlite_key_delete(struct ep_store *s, const char *key);
int ep_sqlite_key_list(struct ep_store *s, ep_key_cb cb, void *arg);
int ep_sqlite_machine_register(struct ep_store *s, struct ep_machine *m,
			       struct ep_key *k);
int ep_sqlite_machine_unregister(struct ep_store *s, const char *server_id);
int ep_sqlite_machine_checkin(struct ep_store *s, struct ep_machine *m,
			      struct ep_key *k);
int ep_sqlite_machine_get(struct ep_store *s, const char *server_id,
			  struct ep_machine *m);
int ep_sqlite_machine_list(struct ep_store *s, const char *key,
			   ep_machine_cb cb, void *arg);
int ep_sqlite_patchset_add(struct ep_store *s, const struct ep_patchset *p);
int ep_sqlite_patchset_set_state(struct ep_store *s, const char *feed,
				 const char *kernel_sha1, unsigned int level,
				 enum ep_ps_state state);
int ep_sqlite_patchset_list(struct ep_store *s, const char *feed,
			    const char *kernel_sha1, ep_patchset_cb cb,
			    void *arg);
int ep_sqlite_index_next_serial(struct ep_store *s, const char *feed,
				const char *kernel_sha1,
				unsigned long long *serial);
int ep_sqlite_upstream_get(struct ep_store *s, const char *url,
			   const char *kernel_sha1, unsigned long long *serial,
			   unsigned int *max_level);
int ep_sqlite_upstream_set(struct ep_store *s, const char *url,
			   const char *kernel_sha1, unsigned long long serial,
			   unsigned int max_level);
int ep_sqlite_cred_add(struct ep_store *s, const struct ep_cred *c);
int ep_sqlite_cred_get(struct ep_store *s, int kind, const char *name,
		       struct ep_cred *c);
int ep_sqlite_cred_find(struct ep_store *s, int kind, const char *secret,
			struct ep_cred *c);
int ep_sqlite_cred_set_secret(struct ep_store *s, int kind, const char *name,
			      const char *secret);
int ep_sqlite_cred_delete(struct ep_store *s, int kind, const char *name);
int ep_sqlite_cred_list(struct ep_store *s, int kind, ep_cred_cb cb,
			void *arg);

#endif /* _KCARE_EPORTAL_STORE_SQLITE_H */
