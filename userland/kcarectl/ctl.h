/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcarectl's verbs, by concern: updating and reverting (ctl-update.c),
 * reporting (ctl-info.c), the diagnostic report (ctl-doctor.c), user-space
 * patching (ctl-lib.c, ctl-lib-info.c), registration (ctl-register.c), and the
 * rest with main() (kcarectl.c).
 */
#ifndef _KCARE_CTL_H
#define _KCARE_CTL_H

#include "cli.h"
#include "config.h"

#define KC_EXIT_OK	0
#define KC_EXIT_ERROR	1
/* --status */
#define KC_STATUS_UP_TO_DATE	0
#define KC_STATUS_UNPATCHED	1
#define KC_STATUS_OUTDATED	2
#define KC_STATUS_UNSUPPORTED	3
#define KC_STATUS_UNKNOWN	4
#define KC_STATUS_STALE		5	/* the index expired: cannot tell */

/* "kcarectl: MESSAGE" on stderr; returns KC_EXIT_ERROR. */
__attribute__((format(printf, 1, 2))) int kc_error(const char *fmt, ...);
/* The last message kc_error() printed, for the metrics file. */
extern char kc_last_error[512];
/* The run's lock (lock.h) while a KC_LOCK verb runs, else -1. */
extern int kc_lock_fd;
/* kcare.conf, or a message and -1. */
int kc_load_config(struct kc_config *cfg);
/* PRETTY "ID VERSION_ID" of /etc/os-release, or "Linux". */
void kc_os_name(char *buf, size_t len);

int kc_cmd_update(const char *arg, const struct kc_opts *opts);
int kc_cmd_smart_update(const char *arg, const struct kc_opts *opts);
int kc_cmd_auto_update(const char *arg, const struct kc_opts *opts);
int kc_cmd_restore(const char *arg, const struct kc_opts *opts);
int kc_cmd_unload(const char *arg, const struct kc_opts *opts);
int kc_cmd_check(const char *arg, const struct kc_opts *opts);
int kc_cmd_status(const char *arg, const struct kc_opts *opts);
/* kc-compat: COMPATIBLE 0, UNSUPPORTED 1, SYSTEM ERROR 2, CONNECTION ERROR 3. */
int kc_cmd_compat(const char *arg, const struct kc_opts *opts);

int kc_cmd_info(const char *arg, const struct kc_opts *opts);
int kc_cmd_patch_info(const char *arg, const struct kc_opts *opts);
int kc_cmd_uname(const char *arg, const struct kc_opts *opts);

int kc_cmd_doctor(const char *arg, const struct kc_opts *opts);

/* User-space patching (ctl-lib.c, ctl-lib-info.c). */
int kc_cmd_lib_update(const char *arg, const struct kc_opts *opts);
int kc_cmd_userspace_update(const char *arg, const struct kc_opts *opts);
int kc_cmd_lib_unload(const char *arg, const struct kc_opts *opts);
int kc_cmd_lib_info(const char *arg, const struct kc_opts *opts);
int kc_cmd_lib_patch_info(const char *arg, const struct kc_opts *opts);

/* Registration (ctl-register.c). */
int kc_cmd_register(const char *arg, const struct kc_opts *opts);
int kc_cmd_unregister(const char *arg, const struct kc_opts *opts);
int kc_cmd_license_info(const char *arg, const struct kc_opts *opts);
int kc_cmd_checkin(const char *arg, const struct kc_opts *opts);

#endif /* _KCARE_CTL_H */
