// SPDX-License-Identifier: GPL-2.0
/*
 * Patchsets: apply, cumulative replace, revert, and per-patch toggles.
 *
 * At most one patchset is active. Every change of what is active follows
 * the same order, so that a failure at any step leaves the kernel exactly
 * as it was: check the payload, resolve its symbols, run the pre-apply
 * callbacks, install pass-through hooks, then switch every target in one
 * stop_machine(). Only after the switch succeeded is anything of the old
 * state released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kcare/patch.h>

#include "error.h"
#include "freezer.h"
#include "hook.h"
#include "linkaddr.h"
#include "module.h"
#include "patchset.h"
#include "state.h"
#include "switch.h"
#include "symbols.h"
#include "sysctl.h"
#include "sysfs.h"

/* Once failed, the engine stays so: only reloading it recovers. */
static void kcare_set_state(enum kcare_state state)
{
	if (kcare_state != KCARE_FAILED)
		kcare_state = state;
}

#define kcare_for_each_patch(set, p) \
	for ((p) = (set)->patches; (p)->name; (p)++)
#define kcare_for_each_func(patch, f) \
	for ((f) = (patch)->funcs; (f)->name; (f)++)

static const char *kcare_obj(const char *object)
{
	return object ? object : "vmlinux";
}

/* Names that become sysfs and sysctl entries: short, [a-z0-9_]. */
static bool kcare_valid_name(const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (!len || len > 48)
		return false;
	for (i = 0; i < len; i++)
		if (!islower(name[i]) && !isdigit(name[i]) && name[i] != '_')
			return false;
	return true;
}

static bool kcare_same_func(const struct kcare_func *a,
			    const struct kcare_func *b)
{
	return !strcmp(a->name, b->name) && a->sympos == b->sympos &&
	       !strcmp(kcare_obj(a->object), kcare_obj(b->object));
}

/* Check everything about @set that does not depend on the running system. */
static int kcare_check_payload(struct kcare_patchset *set)
{
	struct kcare_patch *p, *q;
	struct kcare_func *f, *g;
	const char *id = set->id ? set->id : "(no id)";

	if (set->abi != KCARE_ABI_VERSION) {
		kcare_error("patchset %s: built for engine ABI %u, this engine has ABI %u",
			    id, set->abi, KCARE_ABI_VERSION);
		return -EINVAL;
	}
	if (!set->id || !set->type || !set->build_time ||
	    !set->effective_version || !set->kernel_build_id || !set->patches) {
		kcare_error("patchset %s: id, type, build_time, effective_version, kernel_build_id and patches are required",
			    id);
		return -EINVAL;
	}
	if (strcmp(set->type, "default") && strcmp(set->type, "extra") &&
	    strcmp(set->type, "free")) {
		kcare_error("patchset %s: unknown patch type '%s' (default, extra or free)",
			    id, set->type);
		return -EINVAL;
	}
	if (!set->patches->name) {
		kcare_error("patchset %s: has no patches", id);
		return -EINVAL;
	}
	kcare_for_each_patch(set, p) {
		if (!kcare_valid_name(p->name) ||
		    (p->sysctl && !kcare_valid_name(p->sysctl))) {
			kcare_error("patchset %s: invalid patch or sysctl name '%s' (use a-z, 0-9, _)",
				    id, p->name);
			return -EINVAL;
		}
		for (q = set->patches; q != p; q++) {
			if (!strcmp(q->name, p->name) ||
			    (p->sysctl && q->sysctl && !strcmp(p->sysctl, q->sysctl))) {
				kcare_error("patchset %s: patch '%s' appears twice",
					    id, p->name);
				return -EINVAL;
			}
		}
		if (!p->funcs || !p->funcs->name) {
			kcare_error("patchset %s: patch %s replaces no function",
				    id, p->name);
			return -EINVAL;
		}
		kcare_for_each_func(p, f) {
			if (!f->new_func) {
				kcare_error("patchset %s: %s has no replacement",
					    id, f->name);
				return -EINVAL;
			}
			/* One function, one replacement, in a whole patchset. */
			for (q = set->patches; q <= p; q++) {
				for (g = q->funcs; g->name && g != f; g++) {
					if (kcare_same_func(f, g)) {
						kcare_error("patchset %s: %s:%s is replaced twice",
							    id, kcare_obj(f->object), f->name);
						return -EINVAL;
					}
				}
			}
		}
	}
	return 0;
}

static int kcare_check_kernel(struct kcare_patchset *set)
{
	char running[2 * 20 + 1];
	int ret;

	ret = kcare_kernel_build_id(running, sizeof(running));
	if (ret) {
		kcare_error("cannot read the running kernel's build-id (%d)", ret);
		return ret;
	}
	if (strcasecmp(running, set->kernel_build_id)) {
		kcare_error("patchset %s is for the kernel with build-id %s, the running kernel's is %s",
			    set->id, set->kernel_build_id, running);
		return -ENOEXEC;
	}
	return 0;
}

/* A patchset's type ("default", "extra", "free"), "" when it has none. */
static const char *kcare_type(const struct kcare_patchset *set)
{
	return set->type ? set->type : "";
}

static int kcare_check_level(struct kcare_patchset *set, bool force)
{
	if (!kcare_active || set->level >= kcare_active->level)
		return 0;
	/*
	 * The administrator chose another stream (kcarectl --set-patch-type):
	 * its newest level may be lower than the other stream's.
	 */
	if (strcmp(kcare_type(set), kcare_type(kcare_active))) {
		pr_info("replacing %s level %u with %s level %u (another patch type)\n",
			kcare_type(kcare_active), kcare_active->level,
			kcare_type(set), set->level);
		return 0;
	}
	if (force) {
		pr_info("replacing level %u with lower level %u (forced)\n",
			kcare_active->level, set->level);
		return 0;
	}
	kcare_error("patchset %s has level %u, lower than the active level %u; force to downgrade",
		    set->id, set->level, kcare_active->level);
	return -EINVAL;
}

/* Why kcare_symbol_lookup() failed, for people. */
static const char *kcare_lookup_failure(int ret)
{
	switch (ret) {
	case -EINVAL:
		return ": ambiguous, set sympos";
	case -ENOENT:
		return ": no such symbol";
	default:
		return "";
	}
}

/*
 * Resolve the symbols and functions of @set that live in @object (NULL:
 * every loaded object). Functions in modules that are not loaded stay
 * pending. Nothing is switched yet.
 */
static int kcare_resolve(struct kcare_patchset *set, const char *object)
{
	unsigned long addr, link, offset = 0;
	char name[KSYM_NAME_LEN];
	struct kcare_symbol *sym;
	struct kcare_patch *p;
	struct kcare_func *f;
	int ret;

	/* Only vmlinux symbols have link-time addresses (linkaddr.c). */
	if (!object) {
		ret = kcare_link_offset(set->id, set->symbols, &offset);
		if (ret)
			return ret;
	}
	for (sym = set->symbols; sym && sym->name; sym++) {
		const char *obj = kcare_obj(sym->object);

		if (object ? strcmp(obj, object) : !kcare_object_loaded(obj))
			continue;
		ret = kcare_link_split(sym->name, name, sizeof(name), &link);
		if (!ret)
			ret = kcare_symbol_lookup(obj, name, sym->sympos, &addr);
		if (ret == -ENOENT && link) {
			addr = link + offset;
			ret = 0;
		}
		if (ret) {
			kcare_error("patchset %s: cannot resolve symbol %s:%s%s (%d)",
				    set->id, obj, sym->name,
				    kcare_lookup_failure(ret), ret);
			return ret;
		}
		*(unsigned long *)sym->addr = addr;
	}

	kcare_for_each_patch(set, p) {
		kcare_for_each_func(p, f) {
			const char *obj = kcare_obj(f->object);

			if (object ? strcmp(obj, object) :
				     !kcare_object_loaded(obj)) {
				if (!object)
					f->state = KCARE_FUNC_PENDING;
				continue;
			}
			ret = kcare_symbol_lookup(obj, f->name, f->sympos,
						  &addr);
			if (ret) {
				kcare_error("patchset %s: cannot find function %s:%s%s (%d)",
					    set->id, obj, f->name,
					    kcare_lookup_failure(ret), ret);
				return ret;
			}
			f->old_addr = addr;
		}
	}
	return 0;
}

/*
 * Whether @set resolves a symbol to @f's original: a wrapper patch, whose
 * replacement calls the function it replaces (Documentation/
 * writing-patches.md).
 */
static bool kcare_calls_original(struct kcare_patchset *set,
				 struct kcare_func *f)
{
	struct kcare_symbol *sym;

	for (sym = set->symbols; sym && sym->name; sym++)
		if (*(unsigned long *)sym->addr == f->old_addr)
			return true;
	return false;
}

/*
 * Install the hooks of every resolved function of @set in @object, all at
 * once. On error some may have been got: kcare_uninstall() drops them.
 */
static int kcare_install(struct kcare_patchset *set, const char *object)
{
	struct kcare_patch *p;
	struct kcare_func *f;
	int ret;

	kcare_for_each_patch(set, p) {
		kcare_for_each_func(p, f) {
			if (!f->old_addr || f->hook)
				continue;
			if (object && strcmp(kcare_obj(f->object), object))
				continue;
			ret = kcare_hook_get(f);
			if (ret) {
				kcare_error("patchset %s: out of memory for %s",
					    set->id, f->name);
				return ret;
			}
			if (kcare_calls_original(set, f)) {
				ret = kcare_hook_wrap(f);
				if (ret)
					return ret;
			}
		}
	}
	/* kcare_hooks_commit() says why it failed. */
	return kcare_hooks_commit();
}

/*
 * Drop @set's hooks in @object (NULL: all) and forget resolutions; the
 * hooks leave ftrace at the next kcare_hooks_sync().
 */
static void kcare_drop_hooks(struct kcare_patchset *set, const char *object)
{
	struct kcare_patch *p;
	struct kcare_func *f;

	kcare_for_each_patch(set, p) {
		kcare_for_each_func(p, f) {
			if (object && strcmp(kcare_obj(f->object), object))
				continue;
			if (f->hook)
				kcare_hook_put(f);
			f->hook = NULL;
			f->old_addr = 0;
			f->state = KCARE_FUNC_PENDING;
		}
	}
}

/* Undo kcare_install() for @object (NULL: all) and forget resolutions. */
static void kcare_uninstall(struct kcare_patchset *set, const char *object)
{
	kcare_drop_hooks(set, object);
	kcare_hooks_sync();
}

/* Add the targets @set wants for its installed hooks in @object to @sw. */
static int kcare_want(struct kcare_switch *sw, struct kcare_patchset *set,
		      const char *object, bool on)
{
	struct kcare_patch *p;
	struct kcare_func *f;
	int ret;

	kcare_for_each_patch(set, p) {
		kcare_for_each_func(p, f) {
			if (!f->hook)
				continue;
			if (object && strcmp(kcare_obj(f->object), object))
				continue;
			ret = kcare_switch_add(sw, f->hook, on && p->enabled ?
					       f->new_func : NULL);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void kcare_update_states(struct kcare_patchset *set)
{
	struct kcare_patch *p;
	struct kcare_func *f;

	kcare_for_each_patch(set, p) {
		kcare_for_each_func(p, f) {
			if (!f->hook)
				f->state = KCARE_FUNC_PENDING;
			else if (p->enabled)
				f->state = KCARE_FUNC_PATCHED;
			else
				f->state = KCARE_FUNC_DISABLED;
		}
	}
}

/* Run pre_apply of every enabled patch; on refusal undo the earlier ones. */
static int kcare_pre_apply(struct kcare_patchset *set)
{
	struct kcare_patch *p, *q;
	int ret;

	kcare_for_each_patch(set, p) {
		if (!p->enabled || !p->hooks.pre_apply)
			continue;
		ret = p->hooks.pre_apply(p);
		if (ret) {
			kcare_error("patchset %s: patch %s refused to apply (%d)",
				    set->id, p->name, ret);
			for (q = set->patches; q != p; q++)
				if (q->enabled && q->hooks.post_revert)
					q->hooks.post_revert(q);
			return ret;
		}
	}
	return 0;
}

static void kcare_run_hooks(struct kcare_patchset *set, bool apply, bool pre)
{
	struct kcare_patch *p;

	kcare_for_each_patch(set, p) {
		void (*fn)(struct kcare_patch *patch);

		if (!p->enabled)
			continue;
		if (apply)
			fn = p->hooks.post_apply;
		else
			fn = pre ? p->hooks.pre_revert : p->hooks.post_revert;
		if (fn)
			fn(p);
	}
}

static unsigned int kcare_count(struct kcare_patchset *set,
				enum kcare_func_state state)
{
	struct kcare_patch *p;
	struct kcare_func *f;
	unsigned int n = 0;

	kcare_for_each_patch(set, p)
		kcare_for_each_func(p, f)
			n += f->state == state;
	return n;
}

/*
 * Release what an inactive patchset still holds. A patchset that was
 * switched by force keeps its payload loaded for ever: a task may still
 * run its code. After a switch that @checked stacks, its hooks leave
 * ftrace in the background (kcare_hooks_sync_later() says why that is
 * safe), and the payload may go at once.
 */
static void kcare_retire(struct kcare_patchset *set, bool checked)
{
	kcare_sysfs_remove_patchset(set);
	kcare_drop_hooks(set, NULL);
	if (checked)
		kcare_hooks_sync_later();
	else
		kcare_hooks_sync();
	if (set->forced)
		pr_warn("patchset %s was switched by force: its payload stays loaded\n",
			set->id);
	else
		module_put(set->mod);
}

/* Keep the freezer's reason in a message about what it refused. */
static void kcare_switch_failed(const char *id, const char *what, int ret)
{
	char why[200];

	kcare_last_error(why, sizeof(why));
	kcare_error("patchset %s not %s (%d): %s", id, what, ret, why);
}

int kcare_patchset_apply(struct kcare_patchset *set, bool force,
			 const char *freezer)
{
	struct kcare_switch sw = { .force = force };
	struct kcare_patchset *old;
	enum kcare_state prev;
	struct kcare_patch *p;
	int ret;

	mutex_lock(&kcare_mutex);
	old = kcare_active;
	prev = kcare_state;
	if (prev == KCARE_FAILED) {
		kcare_error("refusing to apply %s: the engine failed earlier; see the kernel log and reload kcare.ko",
			    set->id ? set->id : "(no id)");
		ret = -EIO;
		goto out_unlock;
	}
	ret = kcare_check_payload(set);
	if (ret)
		goto out_unlock;
	if (freezer && *freezer && kcare_freezer_parse(freezer, &sw.mode)) {
		kcare_error("patchset %s: unknown freezer mode '%s' (none, full or smart)",
			    set->id, freezer);
		ret = -EINVAL;
		goto out_unlock;
	}
	ret = kcare_check_kernel(set);
	if (ret)
		goto out_unlock;
	ret = kcare_check_level(set, force);
	if (ret)
		goto out_unlock;

	kcare_set_state(KCARE_APPLYING);
	pr_info("applying patchset %s level %u%s\n", set->id, set->level,
		old ? " (replacing the active one)" : "");
	INIT_LIST_HEAD(&set->list);
	set->forced = false;

	kcare_for_each_patch(set, p) {
		p->set = set;
		p->enabled = true;
	}
	ret = kcare_resolve(set, NULL);
	if (ret)
		goto out_forget;
	ret = kcare_sysctl_bind(set);
	if (ret)
		goto out_forget;
	ret = kcare_pre_apply(set);
	if (ret)
		goto out_unbind;
	ret = kcare_install(set, NULL);
	if (ret)
		goto out_post_revert;

	/* Old functions go back to their original unless the new set keeps them. */
	if (old)
		ret = kcare_want(&sw, old, NULL, false);
	if (!ret)
		ret = kcare_want(&sw, set, NULL, true);
	if (ret)
		goto out_switch;
	/* The payload's code must stay while calls may reach it. */
	if (!try_module_get(set->mod)) {
		ret = -ENODEV;
		goto out_switch;
	}
	ret = kcare_freezer_switch(&sw);
	if (ret) {
		kcare_switch_failed(set->id, "applied", ret);
		module_put(set->mod);
		goto out_switch;
	}
	kcare_switch_free(&sw);
	/* Tasks may still run code of both: neither payload may go. */
	if (sw.forced) {
		set->forced = true;
		if (old)
			old->forced = true;
	}

	kcare_update_states(set);
	kcare_active = set;
	kcare_set_state(KCARE_APPLIED);
	if (old) {
		kcare_sysctl_unbind(old);
		kcare_retire(old, sw.checked);
	}
	kcare_run_hooks(set, true, false);
	/* Only now are the old patchset's sysfs names free. */
	if (kcare_sysfs_add_patchset(set))
		kcare_error("patchset %s applied, but its sysfs entries could not be created",
			    set->id);
	pr_info("applied patchset %s level %u: %u functions patched, %u disabled, %u pending\n",
		set->id, set->level, kcare_count(set, KCARE_FUNC_PATCHED),
		kcare_count(set, KCARE_FUNC_DISABLED),
		kcare_count(set, KCARE_FUNC_PENDING));
	mutex_unlock(&kcare_mutex);
	return 0;

out_switch:
	kcare_switch_free(&sw);
out_post_revert:
	kcare_uninstall(set, NULL);
	kcare_for_each_patch(set, p)
		if (p->enabled && p->hooks.post_revert)
			p->hooks.post_revert(p);
out_unbind:
	kcare_sysctl_unbind(set);
out_forget:
	kcare_uninstall(set, NULL);
	kcare_set_state(prev);
	pr_info("patchset %s not applied; the kernel is unchanged\n", set->id);
out_unlock:
	mutex_unlock(&kcare_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(kcare_patchset_apply);

void kcare_patchset_release(struct kcare_patchset *set)
{
	/*
	 * The payload can only be unloaded once the engine dropped its
	 * reference, and by then its sysfs and sysctl entries are gone:
	 * nothing points into it any more.
	 */
	WARN_ON_ONCE(kcare_active == set);
}
EXPORT_SYMBOL_GPL(kcare_patchset_release);

/*
 * Revert every patch; the payloads can then be removed. @force: even if
 * tasks still block it (the payload then stays loaded).
 */
static int kcare_unload_all(bool force)
{
	struct kcare_switch sw = { .force = force };
	struct kcare_patchset *set;
	int ret;

	mutex_lock(&kcare_mutex);
	set = kcare_active;
	if (!set) {
		/* Returns once the hooks of an earlier revert left ftrace. */
		kcare_hooks_sync();
		mutex_unlock(&kcare_mutex);
		return 0;
	}
	kcare_set_state(KCARE_REVERTING);
	pr_info("reverting patchset %s level %u\n", set->id, set->level);
	ret = kcare_want(&sw, set, NULL, false);
	if (ret)
		goto fail;
	kcare_run_hooks(set, false, true);
	ret = kcare_freezer_switch(&sw);
	if (ret) {
		kcare_switch_failed(set->id, "reverted, it stays applied", ret);
		kcare_run_hooks(set, true, false);
		goto fail;
	}
	kcare_switch_free(&sw);
	if (sw.forced)
		set->forced = true;
	kcare_run_hooks(set, false, false);
	kcare_active = NULL;
	kcare_sysctl_unbind(set);
	kcare_retire(set, sw.checked);
	kcare_set_state(KCARE_IDLE);
	pr_info("reverted patchset %s: the kernel runs its original code\n",
		set->id);
	mutex_unlock(&kcare_mutex);
	return 0;

fail:
	kcare_switch_free(&sw);
	kcare_set_state(KCARE_APPLIED);
	mutex_unlock(&kcare_mutex);
	return ret;
}

/* Switch one patch of the active patchset off (enable == false) or on. */
static int kcare_patch_enable(struct kcare_patch *patch, bool enable)
{
	struct kcare_switch sw = {};
	struct kcare_func *f;
	int ret;

	lockdep_assert_held(&kcare_mutex);
	if (patch->set != kcare_active || !kcare_active)
		return -ENODEV;
	if (patch->enabled == enable)
		return 0;
	if (enable && patch->hooks.pre_apply) {
		ret = patch->hooks.pre_apply(patch);
		if (ret) {
			kcare_error("patch %s refused to be enabled (%d)",
				    patch->name, ret);
			return ret;
		}
	}
	if (!enable && patch->hooks.pre_revert)
		patch->hooks.pre_revert(patch);
	kcare_for_each_func(patch, f) {
		if (!f->hook)
			continue;
		ret = kcare_switch_add(&sw, f->hook, enable ? f->new_func : NULL);
		if (ret)
			goto fail;
	}
	ret = kcare_freezer_switch(&sw);
	if (ret) {
		char why[200];

		kcare_last_error(why, sizeof(why));
		kcare_error("cannot %s patch %s (%d): %s",
			    enable ? "enable" : "disable", patch->name, ret,
			    why);
		goto fail;
	}
	kcare_switch_free(&sw);
	patch->enabled = enable;
	kcare_update_states(patch->set);
	kcare_sysctl_update(patch);
	if (enable && patch->hooks.post_apply)
		patch->hooks.post_apply(patch);
	if (!enable && patch->hooks.post_revert)
		patch->hooks.post_revert(patch);
	pr_info("patch %s %s\n", patch->name, enable ? "enabled" : "disabled");
	return 0;

fail:
	kcare_switch_free(&sw);
	if (enable && patch->hooks.post_revert)
		patch->hooks.post_revert(patch);
	if (!enable && patch->hooks.post_apply)
		patch->hooks.post_apply(patch);
	return ret;
}

/**
 * kcare_patchset_module_coming() - patch a module that is loading
 * @object: the module's name
 *
 * Called before the module's init runs. Return: 0, or an error that makes
 * the module's load fail (its patches could not be applied).
 */
static int kcare_patchset_module_coming(const char *object)
{
	struct kcare_patchset *set;
	/* Its init has not run: nobody can be inside the module yet. */
	struct kcare_switch sw = { .unchecked = true };
	int ret = 0;

	mutex_lock(&kcare_mutex);
	set = kcare_active;
	if (!set)
		goto out;
	ret = kcare_resolve(set, object);
	if (!ret)
		ret = kcare_install(set, object);
	if (!ret)
		ret = kcare_want(&sw, set, object, true);
	if (!ret) {
		ret = kcare_freezer_switch(&sw);
		if (ret)
			kcare_error("patchset %s: switch failed (%d)", set->id,
				    ret);
	}
	if (ret) {
		char why[200];

		/* Every failure above said why: keep that in the message. */
		kcare_last_error(why, sizeof(why));
		kcare_uninstall(set, object);
		kcare_error("refusing to load module %s: %s", object, why);
	} else if (sw.nr) {
		pr_info("patched module %s\n", object);
	}
	kcare_switch_free(&sw);
	kcare_update_states(set);
out:
	mutex_unlock(&kcare_mutex);
	return ret;
}

/**
 * kcare_patchset_module_going() - unpatch a module that is going away
 * @object: the module's name
 *
 * Its functions go back to pending: patched again if it loads again.
 */
static void kcare_patchset_module_going(const char *object)
{
	struct kcare_patchset *set;
	/* Its exit has run and nothing holds it: nobody is inside it. */
	struct kcare_switch sw = { .unchecked = true };
	int ret;

	mutex_lock(&kcare_mutex);
	/* Its code goes: no retired hook may keep one of its call sites. */
	kcare_hooks_sync();
	set = kcare_active;
	if (!set)
		goto out;
	ret = kcare_want(&sw, set, object, false);
	if (!ret)
		ret = kcare_freezer_switch(&sw);
	if (ret)
		kcare_error("cannot unpatch module %s (%d)", object, ret);
	/*
	 * The module's code is about to be freed whatever happened: its hooks
	 * must go. Its exit already ran, so nothing calls into it.
	 */
	if (sw.nr)
		pr_info("unpatched module %s\n", object);
	kcare_switch_free(&sw);
	kcare_uninstall(set, object);
	kcare_update_states(set);
out:
	mutex_unlock(&kcare_mutex);
}

static const struct kcare_sysfs_ops kcare_patchset_sysfs_ops = {
	.unload		= kcare_unload_all,
	.patch_enable	= kcare_patch_enable,
};

static const struct kcare_sysctl_ops kcare_patchset_sysctl_ops = {
	.patch_enable	= kcare_patch_enable,
};

static const struct kcare_module_ops kcare_patchset_module_ops = {
	.coming		= kcare_patchset_module_coming,
	.going		= kcare_patchset_module_going,
};

/**
 * kcare_patchset_init() - set up what reaches the patchsets from outside
 *
 * sysfs, the sysctl toggles and the module notifier sit below this file,
 * which calls them; what they must ask of it (a write that disables a
 * patch or unloads everything, a module coming or going) they ask through
 * the ops given here, so that no file calls back up.
 *
 * Return: 0, or an error after which nothing is set up.
 */
int kcare_patchset_init(void)
{
	int ret;

	kcare_sysctl_init(&kcare_patchset_sysctl_ops);
	ret = kcare_sysfs_init(&kcare_patchset_sysfs_ops);
	if (ret)
		return ret;
	ret = kcare_module_init(&kcare_patchset_module_ops);
	if (ret)
		kcare_sysfs_exit();
	return ret;
}

/* Nothing is patched any more (see main.c): take the entry points down. */
void kcare_patchset_exit(void)
{
	kcare_module_exit();
	kcare_sysctl_exit();
	kcare_sysfs_exit();
	kcare_hooks_exit();
}
