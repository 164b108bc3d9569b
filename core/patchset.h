/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patchsets (patchset.c), the top of the engine; payloads reach it
 * through <kcare/patch.h>.
 */
#ifndef _KCARE_PATCHSET_H
#define _KCARE_PATCHSET_H

/* Set up sysfs, the sysctl toggles and the module notifier, wired to us. */
int kcare_patchset_init(void);
void kcare_patchset_exit(void);

#endif /* _KCARE_PATCHSET_H */
