/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol resolution through kallsyms, which 6.1 does not export to
 * modules (symbols.c).
 */
#ifndef _KCARE_SYMBOLS_H
#define _KCARE_SYMBOLS_H

#include <linux/types.h>

int kcare_symbols_init(void);
/*
 * Find @name in @object ("vmlinux" or a module name). @sympos as in struct
 * kcare_symbol. Returns 0 and the address, -ENOENT when there is no such
 * symbol, -EINVAL when it is ambiguous or @sympos is out of range, -ENXIO
 * when the module @object is not loaded.
 */
int kcare_symbol_lookup(const char *object, const char *name,
			unsigned long sympos, unsigned long *addr);
/* The end of the function starting at @addr, or 0. */
unsigned long kcare_symbol_end(unsigned long addr);
/* Whether @object ("vmlinux" or a module name) is loaded. */
bool kcare_object_loaded(const char *object);
/* The running kernel's GNU build-id, as lowercase hex. */
int kcare_kernel_build_id(char *hex, size_t size);

#endif /* _KCARE_SYMBOLS_H */
