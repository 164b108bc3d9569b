/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shadow variables (shadow.c); payloads use them through <kcare/patch.h>.
 */
#ifndef _KCARE_SHADOW_H
#define _KCARE_SHADOW_H

/* Free every shadow variable left: the engine is going away. */
void kcare_shadow_exit(void);

#endif /* _KCARE_SHADOW_H */
