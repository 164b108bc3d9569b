// SPDX-License-Identifier: GPL-2.0
/*
 * Relocations of payloads built from a source diff (struct kcare_reloc).
 *
 * The module loader binds only exported symbols, and the code of a fixed
 * function refers to static functions and variables of the running kernel.
 * Those references are left out of the payload's ELF relocations and
 * applied here, once the patchset's symbols are resolved and before the
 * new code can run. By then the module's code is read-only, so each value
 * is written through a second, writable mapping of the same page, the way
 * text_poke() does it (which is not exported); nothing executes that code
 * yet, so no other CPU can see a half-written instruction.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/vmalloc.h>

#include <kcare/patch.h>

#include "arch.h"
#include "error.h"

/* Copy @len bytes to @loc, a page or two of module memory, through an alias. */
static int kcare_poke(void *loc, const void *buf, size_t len)
{
	unsigned long start = (unsigned long)loc & PAGE_MASK;
	unsigned int npages = DIV_ROUND_UP(offset_in_page(loc) + len, PAGE_SIZE);
	struct page *pages[2];
	unsigned int i;
	void *alias;

	if (npages > ARRAY_SIZE(pages))
		return -EINVAL;
	for (i = 0; i < npages; i++) {
		pages[i] = vmalloc_to_page((void *)(start + i * PAGE_SIZE));
		if (!pages[i])
			return -EFAULT;
	}
	alias = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	if (!alias)
		return -ENOMEM;
	memcpy(alias + offset_in_page(loc), buf, len);
	vunmap(alias);
	return 0;
}

int kcare_relocate(struct kcare_patch *patch, const struct kcare_reloc *relocs,
		   size_t n, const unsigned long *values)
{
	struct module *mod = patch->set ? patch->set->mod : NULL;
	u8 buf[KCARE_RELOC_MAX];
	size_t i, len;
	int ret;

	if (!mod) {
		kcare_error("patch %s: relocations without a payload module", patch->name);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const struct kcare_reloc *r = &relocs[i];
		unsigned long loc = (unsigned long)r->loc;

		/* A symbol of a module that is not loaded stays unresolved. */
		if (!values[r->sym]) {
			kcare_error("patch %s: relocation %zu: its symbol is not resolved (a module not loaded?)",
				    patch->name, i);
			return -ENOENT;
		}
		ret = kcare_arch_reloc(r->type, loc, values[r->sym] + r->addend, buf, &len);
		if (ret) {
			kcare_error("patch %s: relocation %zu (type %u at %pS): %s", patch->name, i,
				    r->type, r->loc, ret == -ERANGE ? "target out of range" :
				    "type not supported");
			return ret;
		}
		/* A payload relocates itself, nothing else. */
		if (!within_module(loc, mod) || !within_module(loc + len - 1, mod)) {
			kcare_error("patch %s: relocation %zu is outside its payload", patch->name, i);
			return -EINVAL;
		}
		ret = kcare_poke(r->loc, buf, len);
		if (ret) {
			kcare_error("patch %s: cannot write relocation %zu at %pS (%d)",
				    patch->name, i, r->loc, ret);
			return ret;
		}
	}
	kcare_arch_reloc_done();
	return 0;
}
EXPORT_SYMBOL_GPL(kcare_relocate);
