/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Link-time addresses of symbols kallsyms does not know (linkaddr.c):
 * "name@hexaddr" in a payload's symbol table.
 */
#ifndef _KCARE_LINKADDR_H
#define _KCARE_LINKADDR_H

#include <linux/types.h>

struct kcare_symbol;

/*
 * Put @spec's name, without "@hexaddr", in @buf, and the address in @link
 * (0 when there is none). -EINVAL when @spec is malformed or too long.
 */
int kcare_link_split(const char *spec, char *buf, size_t size,
		     unsigned long *link);
/*
 * Check the link-time addresses of @syms against kallsyms and compute the
 * running kernel's KASLR offset from them, for kcare_link_resolve().
 * Reports every refusal with kcare_error().
 */
int kcare_link_offset(const char *id, const struct kcare_symbol *syms,
		      unsigned long *offset);

#endif /* _KCARE_LINKADDR_H */
