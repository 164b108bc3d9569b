/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ePortal's storage: feeds, registration keys, machines and deployed
 * patchsets behind one small interface, a table of functions, so that
 * another database (PostgreSQL through libpq) is one more table and no
 * handler changes. store-sqlite.c is the SQLite one.
 *
 * Every function returns 0 or a negative EP_E* code; on EP_EINTERNAL the
 * store's err says what failed. A store is used by one thread at a time:
 * the server opens one per worker thread.
 */
#ifndef _KCARE_EPORTAL_STORE_H
#define _KCARE_EPORTAL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum {
	EP_OK = 0,
	EP_EINTERNAL = -1,	/* database error: see store->err */
	EP_ENOTFOUND = -2,	/* no such key, machine, feed or patchset */
	EP_ELIMIT = -3,		/* the key's machine limit is reached */
	EP_EEXISTS = -4,	/* already there */
	EP_EINUSE = -5,		/* a feed still used by keys or patchsets */
	EP_EEXPIRED = -6,	/* the key expired: it registers no one */
};

#define EP_KEY_MAX	64	/* [A-Za-z0-9_-] */
#define EP_FEED_MAX	32	/* "" (default) or [a-z0-9-] */
#define EP_ID_MAX	32	/* a server id: 32 hex */
#define EP_TEXT_MAX	255	/* hostnames, notes and other free text */

struct ep_feed {
	char name[EP_FEED_MAX + 1];
	unsigned int deploy_delay_hours;	/* new patchsets wait this long */
	bool auto_update;			/* mirrored by "auto-update" */
	char upstream[EP_TEXT_MAX + 1];		/* its mirror source, or "" */
};

struct ep_key {
	char key[EP_KEY_MAX + 1];
	char feed[EP_FEED_MAX + 1];
	unsigned int limit;			/* machines; 0: no limit */
	char sticky[7];				/* DDMMYY or "" */
	char note[EP_TEXT_MAX + 1];
	time_t created;
	time_t expires;				/* registers no one from then; 0: never */
	unsigned int machines;			/* filled by get and list */
};

struct ep_machine {
	char server_id[EP_ID_MAX + 1];
	char key[EP_KEY_MAX + 1];
	char machine_id[EP_TEXT_MAX + 1];	/* the client's own id, or "" */
	char hostname[EP_TEXT_MAX + 1];
	char fqdn[EP_TEXT_MAX + 1];
	char ip[64];
	char distro[EP_TEXT_MAX + 1];
	char kernel_release[EP_TEXT_MAX + 1];
	char kernel_id[41];			/* SHA-1 of /proc/version, or "" */
	char effective_kernel[EP_TEXT_MAX + 1];
	unsigned int patch_level;		/* 0: none applied */
	char userspace[EP_TEXT_MAX + 1];	/* user-space patch levels */
	char tag[EP_TEXT_MAX + 1];		/* kcarectl --tag, or "" */
	time_t registered, last_seen;
};

enum ep_ps_state { EP_PS_ENABLED, EP_PS_DISABLED, EP_PS_UNDEPLOYED };

struct ep_patchset {
	char feed[EP_FEED_MAX + 1];
	char kernel_sha1[41];
	unsigned int level;
	char id[49];
	char patch_type[8];
	char kernel_release[65];
	char sha256[65];			/* of the patchset file */
	time_t release_time, deployed, enable_after;
	enum ep_ps_state state;
};

/*
 * Who may use the admin API: API keys (the secret is the SHA-256 of the
 * key, which is shown once and never stored) and admin users (the secret
 * is the password's scrypt hash, auth.c). Names are [A-Za-z0-9_.-].
 */
enum ep_cred_kind { EP_CRED_APIKEY = 1, EP_CRED_USER = 2 };
#define EP_SECRET_MAX	160

struct ep_cred {
	int kind;
	char name[EP_KEY_MAX + 1];
	char secret[EP_SECRET_MAX + 1];
	char note[EP_TEXT_MAX + 1];
	time_t created;
};

typedef int (*ep_feed_cb)(const struct ep_feed *f, void *arg);
typedef int (*ep_key_cb)(const struct ep_key *k, void *arg);
typedef int (*ep_machine_cb)(const struct ep_machine *m, void *arg);
typedef int (*ep_patchset_cb)(const struct ep_patchset *p, void *arg);
typedef int (*ep_cred_cb)(const struct ep_cred *c, void *arg);

struct ep_store;

struct ep_store_ops {
	const char *name;
	int (*open)(struct ep_store *s, const char *where);
	void (*close)(struct ep_store *s);

	int (*feed_add)(struct ep_store *s, const struct ep_feed *f);
	int (*feed_update)(struct ep_store *s, const struct ep_feed *f);
	int (*feed_get)(struct ep_store *s, const char *name, struct ep_feed *f);
	int (*feed_delete)(struct ep_store *s, const char *name);
	int (*feed_list)(struct ep_store *s, ep_feed_cb cb, void *arg);

	int (*key_add)(struct ep_store *s, const struct ep_key *k);
	int (*key_update)(struct ep_store *s, const struct ep_key *k);
	int (*key_get)(struct ep_store *s, const char *key, struct ep_key *k);
	/* Deletes the key's machines with it. */
	int (*key_delete)(struct ep_store *s, const char *key);
	int (*key_list)(struct ep_store *s, ep_key_cb cb, void *arg);

	/*
	 * Bind @m to m->key in one transaction: EP_ENOTFOUND without the key,
	 * EP_EEXPIRED when it expired by m->registered, EP_ELIMIT when it
	 * has its limit of machines. A machine_id already
	 * registered with that key gets its old slot and server id back (a
	 * retried registration takes no second slot); otherwise m->server_id
	 * is the new id. Fills @k with the key.
	 */
	int (*machine_register)(struct ep_store *s, struct ep_machine *m,
				struct ep_key *k);
	int (*machine_unregister)(struct ep_store *s, const char *server_id);
	/*
	 * Record kernel, levels and last_seen of m->server_id; then fill
	 * m->key, m->registered and k's feed, sticky date and expiry (what
	 * the machine is told), in the same transaction.
	 */
	int (*machine_checkin)(struct ep_store *s, struct ep_machine *m,
			       struct ep_key *k);
	int (*machine_get)(struct ep_store *s, const char *server_id,
			   struct ep_machine *m);
	/* Machines of @key, or all with NULL, in registration order. */
	int (*machine_list)(struct ep_store *s, const char *key,
			    ep_machine_cb cb, void *arg);

	/* Insert, or replace an undeployed one of the same place. */
	int (*patchset_add)(struct ep_store *s, const struct ep_patchset *p);
	int (*patchset_set_state)(struct ep_store *s, const char *feed,
				  const char *kernel_sha1, unsigned int level,
				  enum ep_ps_state state);
	/* Of @feed (NULL: all), @kernel (NULL: all), by feed, kernel, level. */
	int (*patchset_list)(struct ep_store *s, const char *feed,
			     const char *kernel_sha1, ep_patchset_cb cb,
			     void *arg);
	/* Increment and return the index serial of (feed, kernel). */
	int (*index_next_serial)(struct ep_store *s, const char *feed,
				 const char *kernel_sha1,
				 unsigned long long *serial);
	/*
	 * What a mirror last took from the upstream @url for @kernel_sha1:
	 * its index serial and highest level (EP_ENOTFOUND: nothing yet),
	 * so that a replayed or rolled-back upstream index is refused.
	 */
	int (*upstream_get)(struct ep_store *s, const char *url,
			    const char *kernel_sha1, unsigned long long *serial,
			    unsigned int *max_level);
	int (*upstream_set)(struct ep_store *s, const char *url,
			    const char *kernel_sha1, unsigned long long serial,
			    unsigned int max_level);

	/* Admin credentials; EP_EEXISTS for a name (or secret) taken. */
	int (*cred_add)(struct ep_store *s, const struct ep_cred *c);
	int (*cred_get)(struct ep_store *s, int kind, const char *name,
			struct ep_cred *c);
	/* The credential of @kind whose secret is @secret (an API key's hash). */
	int (*cred_find)(struct ep_store *s, int kind, const char *secret,
			 struct ep_cred *c);
	int (*cred_set_secret)(struct ep_store *s, int kind, const char *name,
			       const char *secret);
	int (*cred_delete)(struct ep_store *s, int kind, const char *name);
	int (*cred_list)(struct ep_store *s, int kind, ep_cred_cb cb, void *arg);

	/*
	 * Housekeeping a server runs every second on a connection of its
	 * own (SQLite: the WAL checkpoint, kept off the request path). With
	 * @server, the store is a server's: leave that work to maintain().
	 */
	void (*set_server)(struct ep_store *s, bool server);
	int (*maintain)(struct ep_store *s);
};

struct ep_store {
	const struct ep_store_ops *ops;
	void *priv;
	char err[512];
};

extern const struct ep_store_ops ep_store_sqlite;

/* Open the store of an ePortal directory (DIR/eportal.db). */
int ep_store_open(struct ep_store *s, const char *dir);
void ep_store_close(struct ep_store *s);

const char *ep_ps_state_name(enum ep_ps_state st);

#endif /* _KCARE_EPORTAL_STORE_H */
