/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The freezer (freezer.c): when a switch may happen. Modes, retries,
 * helping blocking tasks out, force.
 */
#ifndef _KCARE_FREEZER_H
#define _KCARE_FREEZER_H

#include <linux/types.h>

#include "switch.h"		/* struct kcare_switch, enum kcare_freezer_mode */

int kcare_freezer_init(void);
void kcare_freezer_exit(void);
/*
 * Make every change of @sw at once, after the consistency check of its
 * freezer mode, or none of them: -EBUSY when tasks kept blocking it, and
 * /sys/kernel/kcare/blocking names them. kcare_mutex held.
 */
int kcare_freezer_switch(struct kcare_switch *sw);
const char *kcare_freezer_mode_name(enum kcare_freezer_mode mode);
/* Parse "none", "full", "smart" (a trailing newline allowed). */
int kcare_freezer_parse(const char *buf, enum kcare_freezer_mode *mode);
enum kcare_freezer_mode kcare_freezer_get(void);
void kcare_freezer_set(enum kcare_freezer_mode mode);
unsigned int kcare_freezer_timeout_ms(void);
void kcare_freezer_set_timeout_ms(unsigned int ms);
/* The blocking tasks of the last switch that did not happen cleanly. */
ssize_t kcare_freezer_blocking_show(char *buf);

#endif /* _KCARE_FREEZER_H */
