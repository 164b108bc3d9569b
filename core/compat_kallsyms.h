/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Walking kallsyms on each supported kernel series (5.10, 6.1, 6.12), for
 * core/symbols.c, which finds the walkers (none is exported) and calls
 * them only through here.
 *
 * Up to 6.1 the walkers' callback gets each symbol's module, and
 * module_kallsyms_on_each_symbol() walks every module. 6.2 dropped the
 * module argument and made module_kallsyms_on_each_symbol() take the name
 * of the one module to walk. Here, on every series, a walk visits the
 * symbols of vmlinux or of one module, and the callback gets no module.
 */
#ifndef _KCARE_COMPAT_KALLSYMS_H
#define _KCARE_COMPAT_KALLSYMS_H

#include <linux/module.h>
#include <linux/string.h>
#include <linux/version.h>

typedef int (*kcare_kallsyms_fn)(void *data, const char *name,
				 unsigned long addr);

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
typedef int (*kcare_kallsyms_mod_fn)(void *data, const char *name,
				     struct module *mod, unsigned long addr);

struct kcare_kallsyms_walk {
	kcare_kallsyms_fn fn;
	void *data;
	const char *modname;	/* NULL: vmlinux */
};

/*
 * Only the object asked for; of a module, only while it is being loaded
 * or live (one on its way out is no longer patchable).
 */
static int kcare_kallsyms_filter(void *data, const char *name,
				 struct module *mod, unsigned long addr)
{
	struct kcare_kallsyms_walk *w = data;

	if (w->modname) {
		if (!mod || strcmp(mod->name, w->modname) ||
		    (mod->state != MODULE_STATE_COMING &&
		     mod->state != MODULE_STATE_LIVE))
			return 0;
	} else if (mod) {
		return 0;
	}
	return w->fn(w->data, name, addr);
}

/* @on_each is kallsyms_on_each_symbol(). */
static inline int kcare_kallsyms_walk_vmlinux(void *on_each,
					      kcare_kallsyms_fn fn, void *data)
{
	int (*walk)(kcare_kallsyms_mod_fn fn, void *data) = on_each;
	struct kcare_kallsyms_walk w = { .fn = fn, .data = data };

	return walk(kcare_kallsyms_filter, &w);
}

/* @on_each is module_kallsyms_on_each_symbol(). */
static inline int kcare_kallsyms_walk_module(void *on_each,
					     const char *modname,
					     kcare_kallsyms_fn fn, void *data)
{
	int (*walk)(kcare_kallsyms_mod_fn fn, void *data) = on_each;
	struct kcare_kallsyms_walk w = {
		.fn = fn,
		.data = data,
		.modname = modname,
	};

	return walk(kcare_kallsyms_filter, &w);
}
#else
static inline int kcare_kallsyms_walk_vmlinux(void *on_each,
					      kcare_kallsyms_fn fn, void *data)
{
	int (*walk)(kcare_kallsyms_fn fn, void *data) = on_each;

	return walk(fn, data);
}

/*
 * The kernel picks the module by name; whether it is still loading or live
 * is for the caller to check before (kcare_object_loaded()).
 */
static inline int kcare_kallsyms_walk_module(void *on_each,
					     const char *modname,
					     kcare_kallsyms_fn fn, void *data)
{
	int (*walk)(const char *modname, kcare_kallsyms_fn fn,
		    void *data) = on_each;

	return walk(modname, fn, data);
}
#endif

#endif /* _KCARE_COMPAT_KALLSYMS_H */
