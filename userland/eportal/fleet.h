/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the state of the registered machines, for /metrics and
 * check-servers (fleet.c).
 */
#ifndef _KCARE_EPORTAL_FLEET_H
#define _KCARE_EPORTAL_FLEET_H

#include "eportal.h"

enum ep_mstate { EP_M_CURRENT, EP_M_BEHIND, EP_M_SILENT, EP_M_NSTATES };

/* The highest visible level of a feed for a kernel. */
struct ep_level {
	char feed[EP_FEED_MAX + 1];
	char kernel[41];
	unsigned int level;
};

struct ep_fleet {
	unsigned long machines, keys;
	unsigned long by_state[EP_M_NSTATES];
	struct ep_level *levels;	/* by feed and kernel; ep_fleet_free() */
	size_t nlevels;
};

/* Called for each machine with its state and its feed's highest level (0: none). */
typedef int (*ep_fleet_cb)(const struct ep_machine *m, enum ep_mstate st,
			   unsigned int latest, void *arg);

/*
 * Scan the machines of @s at @now (silent: no check-in for @silent_hours)
 * into @f, calling @cb (may be NULL) for each; 0 or an EP_E* code.
 */
int ep_fleet_scan(struct ep_store *s, time_t now, unsigned int silent_hours,
		  struct ep_fleet *f, ep_fleet_cb cb, void *arg);
void ep_fleet_free(struct ep_fleet *f);
const char *ep_mstate_name(enum ep_mstate st);

#endif /* _KCARE_EPORTAL_FLEET_H */
