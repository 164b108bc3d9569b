// SPDX-License-Identifier: GPL-2.0
/*
 * Which functions a filter may guard, decided from the kernel's own BTF.
 *
 * A denied call returns an error instead of running the function, so the
 * function's callers must already expect an error from it: the function
 * has to return a signed integer (int, long, or a typedef of them such as
 * ssize_t), the type that carries -EINVAL and friends. void, bool,
 * unsigned and pointer returns are refused: a caller of a function
 * returning a pointer may test it for NULL only, and would dereference an
 * ERR_PTR. A function without BTF is refused too: GCC's clones
 * (.isra.0, .constprop.0) may have another calling convention than the
 * prototype says, and nothing else tells.
 *
 * The BTF lookups are not exported in 6.1 (btf_type_by_id() is from 6.0,
 * not in 5.10), but are global functions of vmlinux, found through
 * kallsyms like every other symbol the engine uses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/err.h>
#include <linux/version.h>

#include "error.h"
#include "filter_btf.h"
#include "symbols.h"

typedef struct btf *(*kcare_get_btf_t)(void);
typedef s32 (*kcare_find_t)(const struct btf *btf, const char *name, u8 kind);
typedef const struct btf_type *(*kcare_type_by_id_t)(const struct btf *btf,
						    u32 id);

static kcare_type_by_id_t kcare_type_by_id;

/* Follow typedefs and qualifiers to the type they name; NULL for void. */
static const struct btf_type *kcare_btf_resolve(const struct btf *btf, u32 id)
{
	const struct btf_type *t;
	int depth;

	for (depth = 0; depth < 32; depth++) {
		if (!id)
			return NULL;
		t = kcare_type_by_id(btf, id);
		if (!t)
			return NULL;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 17, 0)
		case BTF_KIND_TYPE_TAG:
#endif
			id = t->type;
			continue;
		default:
			return t;
		}
	}
	return NULL;
}

/**
 * kcare_filter_btf_check() - may calls of @function fail with an error?
 * @function:	a function of vmlinux
 *
 * Return: 0; -ENOENT (no BTF for it), -EINVAL (its return type cannot
 * carry an error), -EOPNOTSUPP (no BTF in this kernel); each explained
 * with kcare_error().
 */
int kcare_filter_btf_check(const char *function)
{
	const struct btf_type *func, *proto, *ret;
	unsigned long get_addr, find_addr, type_addr;
	struct btf *btf;
	s32 id;
	u32 enc;

	if (kcare_symbol_lookup("vmlinux", "bpf_get_btf_vmlinux", 0, &get_addr) ||
	    kcare_symbol_lookup("vmlinux", "btf_find_by_name_kind", 0, &find_addr) ||
	    kcare_symbol_lookup("vmlinux", "btf_type_by_id", 0, &type_addr)) {
		kcare_error("cannot filter %s: this kernel's BTF cannot be read",
			    function);
		return -EOPNOTSUPP;
	}
	kcare_type_by_id = (kcare_type_by_id_t)type_addr;
	btf = ((kcare_get_btf_t)get_addr)();
	if (IS_ERR_OR_NULL(btf)) {
		kcare_error("cannot filter %s: this kernel has no BTF (CONFIG_DEBUG_INFO_BTF)",
			    function);
		return -EOPNOTSUPP;
	}
	id = ((kcare_find_t)find_addr)(btf, function, BTF_KIND_FUNC);
	func = id > 0 ? kcare_type_by_id(btf, id) : NULL;
	proto = func ? kcare_type_by_id(btf, func->type) : NULL;
	if (!proto || BTF_INFO_KIND(proto->info) != BTF_KIND_FUNC_PROTO) {
		kcare_error("cannot filter %s: no BTF type for it, so its return type is unknown (a compiler clone, or not a function of vmlinux?)",
			    function);
		return -ENOENT;
	}
	ret = kcare_btf_resolve(btf, proto->type);
	if (!ret) {
		kcare_error("cannot filter %s: it returns void, so a call cannot fail",
			    function);
		return -EINVAL;
	}
	if (BTF_INFO_KIND(ret->info) == BTF_KIND_PTR) {
		kcare_error("cannot filter %s: it returns a pointer, and callers may not check it for an error pointer",
			    function);
		return -EINVAL;
	}
	if (BTF_INFO_KIND(ret->info) != BTF_KIND_INT) {
		kcare_error("cannot filter %s: its return type is not an integer",
			    function);
		return -EINVAL;
	}
	enc = *(const u32 *)(ret + 1);
	if (!(BTF_INT_ENCODING(enc) & BTF_INT_SIGNED) ||
	    (ret->size != 4 && ret->size != 8)) {
		kcare_error("cannot filter %s: it returns an unsigned, bool or short integer, which cannot carry an error",
			    function);
		return -EINVAL;
	}
	return 0;
}
