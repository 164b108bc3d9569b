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
 * kernel.kcare_* names and the extra patch's fs.enforce_symlinksifowner
 * and fs.symlinkown_gid are allowed; the latter two missing (the extra
 * patch not applied) are a note to @log, not a failure. A line starting with '-' may fail
 * without failing the whole (sysctl -p's convention). Every line is
 * tried; each setting and each failure is reported to @log (if not NULL);
 * -1 if any failed, with all the failures in err. A missing file: 0.
 */
int kc_sysctl_conf_apply(const char *path, const char *procsys_root,
			  char *err, size_t errlen, FILE *log);

/*
 * FORCE_GID: the group the symlink owner match patch protects, written to
 * @procsys_root/fs/symlinkown_gid. 0, 1 when that sysctl does not exist
 * (the extra patch is not applied), -1 with err.
 */
int kc_sysctl_force_gid(const char *procsys_root, unsigned int gid, char *err,
			size_t errlen);

#endif /* _KCARE_CTL_SYSCTL_CONF_H */
