/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the fields of feeds, keys, machines and patchsets as the
 * commands and the admin API take and show them (fields.c).
 */
#ifndef _KCARE_EPORTAL_FIELDS_H
#define _KCARE_EPORTAL_FIELDS_H

#include "eportal.h"

struct json_object;

/* What to change in a key, as text; NULL: unchanged. */
struct ep_key_change {
	const char *feed;	/* "default" or "" for the default feed */
	const char *limit, *sticky, *expires, *note;
};

/* Check and apply @c to @k: 0, or -1 with "FIELD VALUE: what is allowed". */
int ep_key_fields(struct ep_key *k, const struct ep_key_change *c, char *err,
		  size_t errlen);
/* The same for a feed's delay (hours, text), auto-update (-1: unchanged), upstream. */
int ep_feed_fields(struct ep_feed *f, const char *delay, int autoup,
		   const char *upstream, char *err, size_t errlen);

struct json_object *ep_feed_json(const struct ep_feed *f);
struct json_object *ep_key_json(const struct ep_key *k);
struct json_object *ep_machine_json(const struct ep_machine *m);
struct json_object *ep_patchset_json(const struct ep_patchset *p, time_t now);
/* An API key or user: name, note, created (never the secret). */
struct json_object *ep_cred_json(const struct ep_cred *c);
/* "enabled", "waiting" (for its feed's delay), "disabled", "undeployed". */
const char *ep_patchset_state(const struct ep_patchset *p, time_t now);
/* Store list callbacks that append each row's JSON to the array @arg. */
int ep_json_add_feed(const struct ep_feed *f, void *arg);
int ep_json_add_key(const struct ep_key *k, void *arg);
int ep_json_add_machine(const struct ep_machine *m, void *arg);

#endif /* _KCARE_EPORTAL_FIELDS_H */
