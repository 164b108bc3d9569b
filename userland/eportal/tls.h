/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: a self-signed HTTPS certificate for a new server
 * directory (tls.c).
 */
#ifndef _KCARE_EPORTAL_TLS_H
#define _KCARE_EPORTAL_TLS_H

#include "eportal.h"

/*
 * An EC P-256 key (@key, mode 0600) and a certificate for it (@cert),
 * valid 825 days, naming this host, localhost, 127.0.0.1 and ::1.
 * Refuses to overwrite either file.
 */
int ep_tls_selfsigned(const char *cert, const char *key, char *err,
		      size_t errlen);

#endif /* _KCARE_EPORTAL_TLS_H */
