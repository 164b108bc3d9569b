/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KCARE_CONFLICT_H
#define _KCARE_CONFLICT_H

#include <linux/types.h>

/*
 * Put in @buf who else redirects the function at @addr, for the message
 * of a hook ftrace refused (conflict.c); true if it is known by name.
 * May sleep.
 */
bool kcare_conflict_owner(unsigned long addr, char *buf, size_t size);
/* A filter of ours holds @addr (or no more); kcare_mutex held. */
int kcare_conflict_claim(unsigned long addr, const char *owner);
void kcare_conflict_release(unsigned long addr);

#endif /* _KCARE_CONFLICT_H */
