// SPDX-License-Identifier: GPL-2.0
/*
 * Link-time addresses, for the symbols kallsyms does not know.
 *
 * Debian's arm64 kernel is built without CONFIG_KALLSYMS_ALL: kallsyms
 * names its functions, static ones included, but none of its variables,
 * so a patch that must use a kernel variable cannot find it by name. The
 * exact kernel's full symbol table can: it is in the -dbg package
 * (System.map), and a payload is only ever applied to the kernel whose
 * build-id it names. So a payload may give a symbol as "name@hexaddr", the
 * address being the symbol's in that System.map. The kernel runs at those
 * addresses moved by one KASLR offset; every symbol given this way that
 * kallsyms does know is an anchor, and the engine computes the offset from
 * them: all must agree, and at least KCARE_LINK_ANCHORS of them are needed
 * before any address is relocated. A disagreement means the payload was
 * built from another kernel's map: the patchset is refused, before
 * anything is applied. Only vmlinux moves by one offset; a module's
 * symbols always go through kallsyms.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include <kcare/patch.h>

#include "error.h"
#include "linkaddr.h"
#include "symbols.h"

/* Anchors needed before a link-time address is trusted. */
#define KCARE_LINK_ANCHORS	2

int kcare_link_split(const char *spec, char *buf, size_t size,
		     unsigned long *link)
{
	const char *at = strrchr(spec, '@');
	size_t len = at ? at - spec : strlen(spec);

	*link = 0;
	if (!len || len >= size)
		return -EINVAL;
	memcpy(buf, spec, len);
	buf[len] = '\0';
	if (at && (kstrtoul(at + 1, 16, link) || !*link))
		return -EINVAL;
	return 0;
}

static bool kcare_link_vmlinux(const struct kcare_symbol *sym)
{
	return !sym->object || !strcmp(sym->object, "vmlinux");
}

/**
 * kcare_link_offset() - the KASLR offset the link-time addresses of a
 * patchset's symbols imply
 * @id:		the patchset, for messages
 * @syms:	its symbol table (may be NULL)
 * @offset:	set to what to add to a link-time address
 *
 * Return: 0 (also when no symbol has a link-time address, or none needs
 * one); -EINVAL, reported, when an entry is malformed or names a module,
 * when the anchors disagree, or when a symbol needs relocating and fewer
 * than KCARE_LINK_ANCHORS anchors vouch for the offset.
 */
int kcare_link_offset(const char *id, const struct kcare_symbol *syms,
		      unsigned long *offset)
{
	const struct kcare_symbol *sym, *first = NULL;
	char name[KSYM_NAME_LEN];
	unsigned int anchors = 0, missing = 0;
	unsigned long link, addr;

	*offset = 0;
	for (sym = syms; sym && sym->name; sym++) {
		if (kcare_link_split(sym->name, name, sizeof(name), &link)) {
			kcare_error("patchset %s: malformed symbol '%s' (name or name@hexaddr)",
				    id, sym->name);
			return -EINVAL;
		}
		if (!link)
			continue;
		if (!kcare_link_vmlinux(sym)) {
			kcare_error("patchset %s: %s: only vmlinux symbols may have a link-time address",
				    id, sym->name);
			return -EINVAL;
		}
		if (kcare_symbol_lookup("vmlinux", name, sym->sympos, &addr)) {
			missing++;
			continue;
		}
		if (!anchors++) {
			first = sym;
			*offset = addr - link;
		} else if (addr - link != *offset) {
			kcare_error("patchset %s: %s is at 0x%lx, %ld bytes from where %s puts it: built for another kernel's symbol table",
				    id, sym->name, addr,
				    (long)(addr - link - *offset), first->name);
			return -EINVAL;
		}
	}
	if (missing && anchors < KCARE_LINK_ANCHORS) {
		kcare_error("patchset %s: %u symbols need their link-time address, but only %u symbols that kallsyms knows vouch for it (at least %u)",
			    id, missing, anchors, KCARE_LINK_ANCHORS);
		return -EINVAL;
	}
	if (missing)
		pr_info("patchset %s: %u symbols relocated from link-time addresses (KASLR offset 0x%lx, %u anchors agree)\n",
			id, missing, *offset, anchors);
	return 0;
}
