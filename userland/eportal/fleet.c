// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the state of the registered machines, for monitoring
 * (/metrics, check-servers). A machine is
 *  - silent when it has not checked in for the silence threshold,
 *  - else behind when its kernel patch level is below the highest level
 *    its key's feed shows for its kernel (enabled and past the feed's
 *    delay), unless its key has a sticky date (held back on purpose),
 *  - else current.
 * The feeds' levels and the keys are read once, sorted, and looked up
 * for each machine, so a scan costs O(machines log keys).
 */
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

struct ep_keyterm {
	char key[EP_KEY_MAX + 1];
	char feed[EP_FEED_MAX + 1];
	bool sticky;
};

struct ep_scan {
	struct ep_fleet *f;
	struct ep_level *lv;
	size_t nlv, lvcap;
	struct ep_keyterm *kt;
	size_t nkt, ktcap;
	time_t now, silent_after;
	ep_fleet_cb cb;
	void *arg;
	bool oom;
};

static int ep_level_cmp(const void *a, const void *b)
{
	const struct ep_level *x = a, *y = b;
	int c = strcmp(x->feed, y->feed);

	return c ? c : strcmp(x->kernel, y->kernel);
}

static int ep_keyterm_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ep_keyterm *)a)->key,
		      ((const struct ep_keyterm *)b)->key);
}

/* Grow *@arr of @size-byte items to hold one more; false when out of memory. */
static bool ep_grow(void **arr, size_t n, size_t *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return true;
	p = realloc(*arr, (*cap ? *cap * 2 : 64) * size);
	if (!p)
		return false;
	*arr = p;
	*cap = *cap ? *cap * 2 : 64;
	return true;
}

static int ep_scan_patchset(const struct ep_patchset *p, void *arg)
{
	struct ep_scan *sc = arg;
	struct ep_level *l;

	if (p->state != EP_PS_ENABLED || p->enable_after > sc->now)
		return 0;
	if (sc->nlv && !strcmp(sc->lv[sc->nlv - 1].feed, p->feed) &&
	    !strcmp(sc->lv[sc->nlv - 1].kernel, p->kernel_sha1)) {
		l = &sc->lv[sc->nlv - 1];	/* listed by feed, kernel, level */
	} else {
		if (!ep_grow((void **)&sc->lv, sc->nlv, &sc->lvcap, sizeof(*sc->lv))) {
			sc->oom = true;
			return 1;
		}
		l = &sc->lv[sc->nlv++];
		ep_fmt(l->feed, sizeof(l->feed), "%s", p->feed);
		ep_fmt(l->kernel, sizeof(l->kernel), "%s", p->kernel_sha1);
	}
	l->level = p->level;
	return 0;
}

static int ep_scan_key(const struct ep_key *k, void *arg)
{
	struct ep_scan *sc = arg;
	struct ep_keyterm *t;

	if (!ep_grow((void **)&sc->kt, sc->nkt, &sc->ktcap, sizeof(*sc->kt))) {
		sc->oom = true;
		return 1;
	}
	t = &sc->kt[sc->nkt++];
	ep_fmt(t->key, sizeof(t->key), "%s", k->key);
	ep_fmt(t->feed, sizeof(t->feed), "%s", k->feed);
	t->sticky = *k->sticky;
	return 0;
}

static int ep_scan_machine(const struct ep_machine *m, void *arg)
{
	struct ep_scan *sc = arg;
	struct ep_keyterm kq, *t;
	struct ep_level lq, *l = NULL;
	enum ep_mstate st = EP_M_CURRENT;
	unsigned int latest = 0;

	ep_fmt(kq.key, sizeof(kq.key), "%s", m->key);
	t = bsearch(&kq, sc->kt, sc->nkt, sizeof(*sc->kt), ep_keyterm_cmp);
	if (t && *m->kernel_id) {
		ep_fmt(lq.feed, sizeof(lq.feed), "%s", t->feed);
		ep_fmt(lq.kernel, sizeof(lq.kernel), "%s", m->kernel_id);
		l = bsearch(&lq, sc->lv, sc->nlv, sizeof(*sc->lv), ep_level_cmp);
		latest = l ? l->level : 0;
	}
	if (m->last_seen < sc->now - sc->silent_after)
		st = EP_M_SILENT;
	else if (t && !t->sticky && m->patch_level < latest)
		st = EP_M_BEHIND;
	sc->f->machines++;
	sc->f->by_state[st]++;
	return sc->cb ? sc->cb(m, st, latest, sc->arg) : 0;
}

int ep_fleet_scan(struct ep_store *s, time_t now, unsigned int silent_hours,
		  struct ep_fleet *f, ep_fleet_cb cb, void *arg)
{
	struct ep_scan sc = { .f = f, .now = now, .cb = cb, .arg = arg,
			      .silent_after = (time_t)silent_hours * 3600 };
	int rc;

	memset(f, 0, sizeof(*f));
	rc = s->ops->patchset_list(s, NULL, NULL, ep_scan_patchset, &sc);
	if (!rc && !sc.oom)
		rc = s->ops->key_list(s, ep_scan_key, &sc);
	if (!rc && !sc.oom) {
		qsort(sc.lv, sc.nlv, sizeof(*sc.lv), ep_level_cmp);
		qsort(sc.kt, sc.nkt, sizeof(*sc.kt), ep_keyterm_cmp);
		f->keys = sc.nkt;
		rc = s->ops->machine_list(s, NULL, ep_scan_machine, &sc);
	}
	if (sc.oom) {
		ep_fmt(s->err, sizeof(s->err), "out of memory");
		rc = EP_EINTERNAL;
	}
	f->levels = sc.lv;
	f->nlevels = sc.nlv;
	sc.lv = NULL;
	free(sc.kt);
	return rc;
}

void ep_fleet_free(struct ep_fleet *f)
{
	free(f->levels);
	f->levels = NULL;
}

const char *ep_mstate_name(enum ep_mstate st)
{
	static const char *const names[] = { "current", "behind", "silent" };

	return names[st];
}
