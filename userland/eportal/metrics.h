/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: this process's request counters and GET /metrics
 * (metrics.c).
 */
#ifndef _KCARE_EPORTAL_METRICS_H
#define _KCARE_EPORTAL_METRICS_H

#include "eportal.h"

/* Count a request of @route (the route table's name) answered @status in @seconds. */
void ep_metrics_observe(const char *route, unsigned int status, double seconds);

#endif /* _KCARE_EPORTAL_METRICS_H */
