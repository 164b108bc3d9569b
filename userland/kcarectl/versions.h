/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The loader: the only code that downloads, verifies and hands payloads to
 * the kernel. Every name it exports starts with kcl_.
 */
#ifndef _KCARE_CTL_VERSIONS_H
#define _KCARE_CTL_VERSIONS_H

#include <stddef.h>

/* Write "libcurl X, OpenSSL Y, ..." into buf; returns snprintf()'s value. */
int kc_lib_versions(char *buf, size_t size);

#endif /* _KCARE_CTL_VERSIONS_H */
