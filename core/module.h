/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module notifier (module.c): patches to modules, applied when the
 * module loads. It sits below patchset.c and calls back up through the
 * ops patchset.c gives kcare_module_init().
 */
#ifndef _KCARE_MODULE_H
#define _KCARE_MODULE_H

/**
 * struct kcare_module_ops - what a module's coming and going asks for
 * @coming:	a module is loading, before its init: patch it; an error
 *		makes the load fail
 * @going:	a module went away, after its exit: unpatch it
 */
struct kcare_module_ops {
	int (*coming)(const char *object);
	void (*going)(const char *object);
};

int kcare_module_init(const struct kcare_module_ops *ops);
void kcare_module_exit(void);

#endif /* _KCARE_MODULE_H */
