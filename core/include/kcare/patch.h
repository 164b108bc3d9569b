/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The public interface of kcare.ko for patch payloads.
 *
 * A payload is a kernel module built against the exact target kernel. It
 * describes one patchset with the structures below and declares it with
 * KCARE_PATCHSET(); loading the module applies the patchset, or fails and
 * changes nothing. Documentation/writing-patches.md walks through one.
 *
 * Fields marked "engine" belong to kcare.ko: leave them zero.
 */
#ifndef _KCARE_PATCH_H
#define _KCARE_PATCH_H

#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/types.h>

/* Bumped whenever a structure below changes layout. */
#define KCARE_ABI_VERSION	2

/**
 * struct kcare_symbol - a non-exported symbol the replacement code uses
 * @name:	symbol name, as in /proc/kallsyms
 * @object:	"vmlinux", or the name of the module that defines it
 * @sympos:	1-based position among symbols of that name in @object, for
 *		duplicate static names; 0 means the name must be unique
 * @addr:	where the engine stores the address before anything switches;
 *		usually the address of a function pointer in the payload
 *
 * Symbols in a module that is not loaded are resolved when it loads.
 */
struct kcare_symbol {
	const char *name;
	const char *object;
	unsigned long sympos;
	void *addr;
};

/* States of a function, as shown in sysfs. */
enum kcare_func_state {
	KCARE_FUNC_PENDING,	/* target module not loaded */
	KCARE_FUNC_DISABLED,	/* the patch is switched off */
	KCARE_FUNC_PATCHED,	/* calls go to new_func */
};

/**
 * struct kcare_func - a function replaced by a new version
 * @name:	the original function's symbol
 * @object:	"vmlinux", or the name of the module that defines it
 * @sympos:	as for struct kcare_symbol
 * @new_func:	the replacement, with the same prototype
 * @old_addr:	engine: the resolved original, 0 while pending
 * @state:	engine: enum kcare_func_state
 * @hook:	engine: the redirection installed for @old_addr
 */
struct kcare_func {
	const char *name;
	const char *object;
	unsigned long sympos;
	void *new_func;

	unsigned long old_addr;
	enum kcare_func_state state;
	struct kcare_hook *hook;
};

struct kcare_patch;

/**
 * struct kcare_patch_hooks - optional callbacks around a patch's switch
 * @pre_apply:	may refuse the whole patchset by returning an error
 * @post_apply:	after the patch's functions switched to the new code
 * @pre_revert:	before they switch back
 * @post_revert: after they switched back (also after a failed apply whose
 *		pre_apply succeeded)
 */
struct kcare_patch_hooks {
	int (*pre_apply)(struct kcare_patch *patch);
	void (*post_apply)(struct kcare_patch *patch);
	void (*pre_revert)(struct kcare_patch *patch);
	void (*post_revert)(struct kcare_patch *patch);
};

/**
 * struct kcare_patch - one fix: metadata and the functions it replaces
 * @name:	short unique name, [a-z0-9_], e.g. "modify_ldt"
 * @description: one line for people
 * @cve:	CVE ids separated by spaces, or "" for none
 * @cvss:	CVSS score, e.g. "7.8", or ""
 * @cve_url:	where the CVE is described
 * @patch_url:	where the upstream fix is
 * @sysctl:	if set, the patch can be switched off with the sysctl
 *		kernel.kcare_<sysctl> (1 disables, 0 enables)
 * @funcs:	the functions, ended by an entry with a NULL name
 * @hooks:	optional callbacks
 * @enabled:	engine: whether the patch's functions are switched on
 * @set:	engine: the patchset this patch belongs to
 * @kobj_priv:	engine: sysfs state
 */
struct kcare_patch {
	const char *name;
	const char *description;
	const char *cve;
	const char *cvss;
	const char *cve_url;
	const char *patch_url;
	const char *sysctl;
	struct kcare_func *funcs;
	struct kcare_patch_hooks hooks;

	bool enabled;
	struct kcare_patchset *set;
	void *kobj_priv;
};

/**
 * struct kcare_patchset - what one payload brings
 * @abi:	KCARE_ABI_VERSION the payload was built with
 * @id:		e.g. "K20261125_01"
 * @level:	grows with each release for this kernel
 * @type:	"default", "extra" or "free"
 * @build_time:	when it was built, "YYYY-MM-DDTHH:MM:SSZ"
 * @effective_version: the kernel release the patches bring the kernel to,
 *		as kcare-uname reports it
 * @kernel_build_id: hex GNU build-id of the target kernel (vmlinux)
 * @patches:	ended by an entry with a NULL name
 * @symbols:	ended by an entry with a NULL name; may be NULL
 * @mod:	the payload module (THIS_MODULE)
 * @list, @forced: engine
 */
struct kcare_patchset {
	unsigned int abi;
	const char *id;
	unsigned int level;
	const char *type;
	const char *build_time;
	const char *effective_version;
	const char *kernel_build_id;
	struct kcare_patch *patches;
	struct kcare_symbol *symbols;
	struct module *mod;

	struct list_head list;
	bool forced;
};

/*
 * KCARE_CALL_ORIGINAL(orig, args...): call, from a wrapper patch, the
 * function it replaces, through a pointer (@orig) that a struct
 * kcare_symbol of the patchset resolves to that function. The engine runs
 * the original for calls whose return address is inside the replacement
 * (Documentation/writing-patches.md, "Wrappers"): this macro keeps the
 * compiler from making the call a tail call (a jump, whose return address
 * would be the wrapper's caller's, so the call would loop back into the
 * wrapper). For functions that return a value.
 */
#define KCARE_CALL_ORIGINAL(orig, ...)					\
	({								\
		__typeof__((orig)(__VA_ARGS__)) __kcare_ret =		\
			(orig)(__VA_ARGS__);				\
		OPTIMIZER_HIDE_VAR(__kcare_ret);			\
		__kcare_ret;						\
	})

/*
 * Apply @set, replacing the active patchset if there is one. @force allows
 * a lower level than the active one, and switching even while tasks are
 * inside the code that changes (the payload then stays loaded for ever).
 * @freezer is "none", "full", "smart", or NULL or "" for the engine's
 * default (Documentation/consistency.md). Called from the payload's init;
 * returns 0, or an error after which nothing changed.
 */
int kcare_patchset_apply(struct kcare_patchset *set, bool force,
			 const char *freezer);

/* Called from the payload's exit: forget @set (it is never active then). */
void kcare_patchset_release(struct kcare_patchset *set);

/**
 * struct kcare_reloc - a relocation the engine applies to a payload's code
 * @loc:	where, inside the payload module (its code or read-only data)
 * @type:	the architecture's ELF relocation type (R_X86_64_PC32, ...)
 * @sym:	index of the target's address in the array given with it
 * @addend:	as in the ELF relocation
 *
 * Code built from a source diff (Documentation/from-diff.md) refers to
 * symbols the kernel does not export; the module loader cannot bind them,
 * so the build leaves them out and lists them here, and the payload's
 * pre_apply hook has the engine write them once the patchset's symbols are
 * resolved, before anything switches.
 */
struct kcare_reloc {
	void *loc;
	unsigned int type;
	unsigned int sym;
	long addend;
};

/*
 * Apply @n relocations of @patch's payload, with the target addresses in
 * @values (filled through the patchset's struct kcare_symbol table).
 * Returns 0, or an error after which the code may be half-written: the
 * patch must not switch (its pre_apply returns the error).
 */
int kcare_relocate(struct kcare_patch *patch, const struct kcare_reloc *relocs,
		   size_t n, const unsigned long *values);

/*
 * Shadow variables: data attached to an existing kernel object (@obj) under
 * an id, for fixes that need a new field in a structure they cannot change.
 * @ctor runs with a spinlock held and must not sleep; it may be NULL (the
 * data is zeroed). Returns the data, or NULL.
 */
typedef int (*kcare_shadow_ctor_t)(void *obj, void *data, void *ctor_arg);
typedef void (*kcare_shadow_dtor_t)(void *obj, void *data);

void *kcare_shadow_get(void *obj, unsigned long id);
void *kcare_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
			 kcare_shadow_ctor_t ctor, void *ctor_arg);
void *kcare_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
				gfp_t gfp, kcare_shadow_ctor_t ctor,
				void *ctor_arg);
void kcare_shadow_free(void *obj, unsigned long id, kcare_shadow_dtor_t dtor);
void kcare_shadow_free_all(unsigned long id, kcare_shadow_dtor_t dtor);

/*
 * The build-id of the target kernel, also in the payload's .modinfo, where
 * tools read it without running the payload: the build passes it as
 * -DKCARE_TARGET_BUILD_ID="hex" (Documentation/writing-patches.md).
 */
#ifdef KCARE_TARGET_BUILD_ID
#define KCARE_BUILD_ID_INFO MODULE_INFO(kcare_build_id, KCARE_TARGET_BUILD_ID)
#else
#define KCARE_BUILD_ID_INFO MODULE_INFO(kcare_build_id, "")
#endif

/*
 * KCARE_PATCHSET(set) makes the payload module: its init applies @set, its
 * exit releases it. The module parameters "force=1" and "freezer=MODE" are
 * those of kcare_patchset_apply().
 *
 * KCARE_PATCHSET_EXIT(set, fn) also calls fn() when the payload goes. A
 * patch that registers something of its own (a sysctl, say) needs it: a
 * patchset that replaces this one does not run this one's revert hooks,
 * so the payload's exit is the last place to undo what they would have.
 */
#define KCARE_PATCHSET(set) KCARE_PATCHSET_EXIT(set, kcare_payload_no_exit)

static inline void kcare_payload_no_exit(void)
{
}

#define KCARE_PATCHSET_EXIT(set, exit_fn)				\
	static bool kcare_force;					\
	module_param_named(force, kcare_force, bool, 0400);		\
	MODULE_PARM_DESC(force, "apply even if the level is lower than the active one, or tasks block the switch"); \
	static char *kcare_freezer;					\
	module_param_named(freezer, kcare_freezer, charp, 0400);	\
	MODULE_PARM_DESC(freezer, "none, full or smart (default: the engine's)"); \
	static int __init kcare_payload_init(void)			\
	{								\
		(set).abi = KCARE_ABI_VERSION;				\
		(set).mod = THIS_MODULE;				\
		return kcare_patchset_apply(&(set), kcare_force,	\
					    kcare_freezer);		\
	}								\
	static void __exit kcare_payload_exit(void)			\
	{								\
		kcare_patchset_release(&(set));				\
		exit_fn();						\
	}								\
	module_init(kcare_payload_init);				\
	module_exit(kcare_payload_exit);				\
	MODULE_LICENSE("GPL");						\
	MODULE_INFO(kcare_patchset, "yes");				\
	KCARE_BUILD_ID_INFO

#endif /* _KCARE_PATCH_H */
