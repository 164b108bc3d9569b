/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the agent's packages in DIR/packages/ (packages.c), for
 * install-kernelcare to install on a machine without kcare.
 */
#ifndef _KCARE_EPORTAL_PACKAGES_H
#define _KCARE_EPORTAL_PACKAGES_H

#include "eportal.h"

#define EP_PKG_NAME_MAX	128
#define EP_PKG_ARCHS	2	/* amd64, arm64: machines that run kcare */
#define EP_PKGS		2	/* kcare, kcare-dkms */

/* For each architecture, the newest file of each package ("" : none). */
struct ep_packages {
	char name[EP_PKG_ARCHS][EP_PKGS][EP_PKG_NAME_MAX + 1];
	char sha256[EP_PKG_ARCHS][EP_PKGS][65];
};

/* Whether @name is a file name of ours: kcare[-dkms]_VERSION_ARCH.deb. */
bool ep_package_name_ok(const char *name);
/* The packages of DIR/packages/ (none without the folder); -1 and @err. */
int ep_packages_find(const struct ep_config *cfg, struct ep_packages *out,
		     char *err, size_t errlen);
/* "amd64", "arm64". */
const char *ep_package_arch(unsigned int a);

#endif /* _KCARE_EPORTAL_PACKAGES_H */
