// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the per-address token buckets (ratelimit.h). Each slot
 * has its own lock, so threads serving different clients rarely meet.
 */
#include <pthread.h>
#include <stdlib.h>

#include "ratelimit.h"

#define EP_RL_SLOTS 4096

struct ep_bucket {
	pthread_mutex_t lock;
	double tokens, last;
};

struct ep_ratelimit {
	double rate, burst;
	struct ep_bucket slot[EP_RL_SLOTS];
};

struct ep_ratelimit *ep_ratelimit_new(unsigned int rate, unsigned int burst)
{
	struct ep_ratelimit *rl = calloc(1, sizeof(*rl));
	int i;

	if (!rl)
		return NULL;
	rl->rate = rate;
	rl->burst = burst;
	for (i = 0; i < EP_RL_SLOTS; i++) {
		pthread_mutex_init(&rl->slot[i].lock, NULL);
		rl->slot[i].tokens = burst;
	}
	return rl;
}

void ep_ratelimit_free(struct ep_ratelimit *rl)
{
	free(rl);
}

/* FNV-1a */
static unsigned int ep_rl_hash(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % EP_RL_SLOTS;
}

bool ep_ratelimit_take(struct ep_ratelimit *rl, const char *addr, double now)
{
	struct ep_bucket *b;
	bool ok;

	if (!rl || !rl->rate)
		return true;
	b = &rl->slot[ep_rl_hash(addr)];
	pthread_mutex_lock(&b->lock);
	if (b->last) {
		b->tokens += (now - b->last) * rl->rate;
		if (b->tokens > rl->burst)
			b->tokens = rl->burst;
	}
	b->last = now;
	ok = b->tokens >= 1;
	if (ok)
		b->tokens -= 1;
	pthread_mutex_unlock(&b->lock);
	return ok;
}
