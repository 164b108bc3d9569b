/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcarectl's user-space patching verbs (ctl-lib.c changes processes,
 * ctl-lib-info.c reports), over libcare (userland/libcare/libcare.h).
 */
#ifndef _KCARE_CTL_LIB_H
#define _KCARE_CTL_LIB_H

#include "ctl.h"
#include "libcare.h"

/* libcare's state: which process carries which patch. */
#define KC_LIB_STATE_DIR	"/var/lib/kcare/libcare"

/* Exit statuses besides KC_EXIT_OK and KC_EXIT_ERROR (as libcare-ctl's). */
#define KC_LIB_EXIT_REFUSED	3
#define KC_LIB_EXIT_BUSY	4

/* libcare's options as kcarectl uses them: the documented paths only. */
void kc_lib_opts(struct lc_opts *o);
/*
 * The user-space patch levels applied, as a check-in reports them: the
 * distinct "LIBRARY:LEVEL" pairs, space-separated ("libssl.so.3:2"), at
 * most the registration API's 255 characters; "" when none.
 */
#define KC_LIB_LEVELS_MAX	256
void kc_lib_levels_text(char buf[KC_LIB_LEVELS_MAX]);
/* The file name of a library's path, for messages. */
const char *kc_lib_base(const char *path);

#endif /* _KCARE_CTL_LIB_H */
