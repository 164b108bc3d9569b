/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: requests per second per client address, a token bucket
 * per address hash in a fixed table: bounded memory whatever the number
 * of clients (addresses that share a slot share their bucket).
 */
#ifndef _KCARE_EPORTAL_RATELIMIT_H
#define _KCARE_EPORTAL_RATELIMIT_H

#include <stdbool.h>

struct ep_ratelimit;

/* @rate tokens a second, at most @burst kept; rate 0: never limits. */
struct ep_ratelimit *ep_ratelimit_new(unsigned int rate, unsigned int burst);
void ep_ratelimit_free(struct ep_ratelimit *rl);
/* Take a token for @addr: false when there is none (answer 429). */
bool ep_ratelimit_take(struct ep_ratelimit *rl, const char *addr, double now);

#endif /* _KCARE_EPORTAL_RATELIMIT_H */
