// SPDX-License-Identifier: GPL-2.0
/*
 * kernel.kcare_<name>: a sysctl per patch that declares one. Writing 1
 * switches the patch off, 0 on again.
 *
 * A toggle belongs to its name, not to one patchset: when a cumulative
 * replace brings a patch with the same toggle, the administrator's choice
 * carries over, and the new patch starts disabled if the toggle says so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/slab.h>
#include <linux/sysctl.h>

#include <kcare/patch.h>

#include "compat_sysctl.h"
#include "error.h"
#include "state.h"
#include "sysctl.h"

/*
 * @set: NULL for a patch's toggle (the active patch of that name is looked
 * up at each write); for another owner's (a filter's, added with
 * kcare_sysctl_add()), what a write calls with @priv.
 */
struct kcare_toggle {
	struct list_head list;
	char procname[64];		/* "kcare_<name>" */
	struct ctl_table table[KCARE_CTL_TABLE_LEN(1)];
	struct ctl_table_header *header;
	int value;			/* 1: the patch is disabled */
	int (*set)(void *priv, bool off);
	void *priv;
};

/* Registered toggles, under kcare_mutex. */
static LIST_HEAD(kcare_toggles);
static const struct kcare_sysctl_ops *kcare_sysctl_ops;

/* The active patch that @t controls, or NULL. */
static struct kcare_patch *kcare_toggle_patch(struct kcare_toggle *t)
{
	struct kcare_patch *p;

	if (!kcare_active)
		return NULL;
	for (p = kcare_active->patches; p->name; p++)
		if (p->sysctl && !strcmp(p->sysctl, t->procname + 6))
			return p;
	return NULL;
}

static int kcare_toggle_handler(kcare_ctl_table *table, int write,
				void *buffer, size_t *lenp, loff_t *ppos)
{
	struct kcare_toggle *t = container_of(table, struct kcare_toggle,
					      table[0]);
	struct kcare_patch *patch;
	int val = READ_ONCE(t->value);
	char in[8] = "";
	int ret;

	if (!write) {
		struct ctl_table tmp = *table;

		tmp.data = &val;
		return proc_dointvec(&tmp, 0, buffer, lenp, ppos);
	}
	/*
	 * Only "0" or "1", with surrounding white space: proc_dointvec()
	 * would ignore whatever follows the first number.
	 */
	if (*ppos || *lenp >= sizeof(in))
		return -EINVAL;
	memcpy(in, buffer, *lenp);
	if (kstrtoint(strim(in), 10, &val) || (val != 0 && val != 1))
		return -EINVAL;

	/*
	 * Toggles are unregistered under kcare_mutex, and unregistering waits
	 * for handlers in flight: never sleep on the mutex here, let the write
	 * restart instead.
	 */
	ret = kcare_lock_or_restart();
	if (ret)
		return ret;
	patch = t->set ? NULL : kcare_toggle_patch(t);
	if (t->set)
		ret = t->set(t->priv, val);
	else if (patch)
		ret = kcare_sysctl_ops->patch_enable(patch, !val);
	else
		ret = -ENODEV;
	if (!ret) {
		WRITE_ONCE(t->value, val);
		*ppos += *lenp;
	}
	mutex_unlock(&kcare_mutex);
	return ret;
}

static struct kcare_toggle *kcare_toggle_find(const char *name)
{
	struct kcare_toggle *t;

	list_for_each_entry(t, &kcare_toggles, list)
		if (!strcmp(t->procname + 6, name))
			return t;
	return NULL;
}

static struct kcare_toggle *kcare_toggle_create(const char *name)
{
	struct kcare_toggle *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	snprintf(t->procname, sizeof(t->procname), "kcare_%s", name);
	t->table[0].procname = t->procname;
	t->table[0].data = &t->value;
	t->table[0].maxlen = sizeof(t->value);
	t->table[0].mode = 0644;
	t->table[0].proc_handler = kcare_toggle_handler;
	t->header = register_sysctl("kernel", t->table);
	if (!t->header) {
		kfree(t);
		return NULL;
	}
	list_add_tail(&t->list, &kcare_toggles);
	return t;
}

/* @ops: what toggle writes ask of the patchset layer. */
void kcare_sysctl_init(const struct kcare_sysctl_ops *ops)
{
	kcare_sysctl_ops = ops;
}

int kcare_sysctl_bind(struct kcare_patchset *set)
{
	struct kcare_toggle *t;
	struct kcare_patch *p;

	lockdep_assert_held(&kcare_mutex);
	for (p = set->patches; p->name; p++) {
		if (!p->sysctl)
			continue;
		t = kcare_toggle_find(p->sysctl);
		if (t && t->set) {
			kcare_error("patchset %s: sysctl kernel.kcare_%s belongs to a filter: remove the filter first",
				    set->id, p->sysctl);
			kcare_sysctl_unbind(set);
			return -EEXIST;
		}
		if (!t)
			t = kcare_toggle_create(p->sysctl);
		if (!t) {
			kcare_error("patchset %s: cannot register sysctl kernel.kcare_%s",
				    set->id, p->sysctl);
			kcare_sysctl_unbind(set);
			return -ENOMEM;
		}
		p->enabled = !t->value;
	}
	return 0;
}

void kcare_sysctl_unbind(struct kcare_patchset *set)
{
	struct kcare_toggle *t, *tmp;

	lockdep_assert_held(&kcare_mutex);
	/* Keep exactly the toggles of the active patchset. */
	list_for_each_entry_safe(t, tmp, &kcare_toggles, list) {
		if (t->set || kcare_toggle_patch(t))
			continue;
		list_del(&t->list);
		unregister_sysctl_table(t->header);
		kfree(t);
	}
}

void kcare_sysctl_update(struct kcare_patch *patch)
{
	struct kcare_toggle *t;

	lockdep_assert_held(&kcare_mutex);
	if (patch->sysctl) {
		t = kcare_toggle_find(patch->sysctl);
		if (t)
			WRITE_ONCE(t->value, !patch->enabled);
	}
}

/**
 * kcare_sysctl_add() - a toggle kernel.kcare_<name> of another owner
 * @name:	the name after "kcare_"
 * @set:	what a write of 0 or 1 calls, with kcare_mutex held; @off is
 *		the value written (1: switched off)
 * @priv:	passed to @set
 * @off:	the value it shows first
 *
 * Context: kcare_mutex held.
 * Return: the toggle, or ERR_PTR(-EEXIST) when the name is taken (by a
 * patch or another owner), or ERR_PTR(-ENOMEM).
 */
struct kcare_toggle *kcare_sysctl_add(const char *name,
				      int (*set)(void *priv, bool off),
				      void *priv, bool off)
{
	struct kcare_toggle *t;

	lockdep_assert_held(&kcare_mutex);
	if (kcare_toggle_find(name))
		return ERR_PTR(-EEXIST);
	t = kcare_toggle_create(name);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->set = set;
	t->priv = priv;
	t->value = off;
	return t;
}

/* Make a toggle of kcare_sysctl_add() show @off after a change elsewhere. */
void kcare_sysctl_set(struct kcare_toggle *t, bool off)
{
	lockdep_assert_held(&kcare_mutex);
	WRITE_ONCE(t->value, off);
}

/* Remove a toggle of kcare_sysctl_add(); waits for writes in flight. */
void kcare_sysctl_del(struct kcare_toggle *t)
{
	lockdep_assert_held(&kcare_mutex);
	list_del(&t->list);
	unregister_sysctl_table(t->header);
	kfree(t);
}

void kcare_sysctl_exit(void)
{
	mutex_lock(&kcare_mutex);
	kcare_sysctl_unbind(NULL);
	mutex_unlock(&kcare_mutex);
}
