/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sysctls kcarectl sets after a patchset loads:
 * /etc/sysconfig/kcare/sysctl.conf (Documentation/kcarectl.md).
 */
#ifndef _KCARE_CTL_SYSCTL_CONF_H
#define _KCARE_CTL_SYSCTL_CONF_H

#include <stddef.h>
#include <stdio.h>

/*
 * Apply the sysctl.conf at @path (KC_SYSCTL_CONF_PATH if NULL): each
 * "name = value" line (or name=value; # and ; comments) is written to
 * @procsys_root ("/proc/sys" if NULL) / name with dots as slashes. Only
 * kernel.kcare_* names are allowed. A line starting with '-' may fail
 * without failing the whole (sysctl -p's convention). Every line is
 * tried; each setting and each failure is reported to @log (if not NULL);
 * -1 if any failed, with all the failures in err. A missing file: 0.
 */
int kc_sysctl_conf_apply(const char *path, const char *procsys_root,
			  char *err, size_t errlen, FILE *log);

#endif /* _KCARE_CTL_SYSCTL_CONF_H */
