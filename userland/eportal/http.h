/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the HTTP(S) server (GNU libmicrohttpd, a pool of
 * threads), with the limits of the configuration checked at the edge and
 * one access-log line per request.
 */
#ifndef _KCARE_EPORTAL_HTTP_H
#define _KCARE_EPORTAL_HTTP_H

#include "eportal.h"

struct ep_http;

/*
 * Start serving @cfg's directory on cfg->listen: HTTPS with the
 * configured certificate, or plain HTTP when @plain. NULL with a message
 * in err.
 */
struct ep_http *ep_http_start(const struct ep_config *cfg, bool plain,
			      char *err, size_t errlen);
void ep_http_stop(struct ep_http *h);
/* Reopen the access log (after logrotate moved it): SIGHUP. */
void ep_http_reopen_log(struct ep_http *h);
/* The port listened on (what the system chose for port 0). */
unsigned int ep_http_port(struct ep_http *h);

#endif /* _KCARE_EPORTAL_HTTP_H */
