/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Prometheus textfile-collector file (Documentation/install.md,
 * "Monitoring"): kcare.prom, rewritten after every update, in the
 * directory node_exporter's --collector.textfile.directory reads.
 */
#ifndef _KCARE_METRICS_H
#define _KCARE_METRICS_H

#include <stddef.h>
#include <time.h>

/* Debian's prometheus-node-exporter reads this directory. */
#define KC_METRICS_DIR		"/var/lib/prometheus/node-exporter"
#define KC_METRICS_FILE		"kcare.prom"
/* Another directory, for node_exporter set up some other way. */
#define KC_METRICS_DIR_ENV	"KCARE_TEXTFILE_DIR"

/**
 * struct kc_metrics - what one kcare.prom says
 * @level: applied patch level, 0 when none
 * @available: newest level the feed offered, 0 when not known
 * @success: whether this run succeeded
 * @last_run: when this run ended
 * @last_success: the last successful run, 0 when never
 * @last_error_time: when @last_error happened, 0 when never
 * @last_error: the last failure's message ("" when none)
 * @held: the boot guard holds patches back
 * @kernel: running kernel release
 * @effective: effective kernel version ("" unpatched)
 */
struct kc_metrics {
	unsigned int level, available;
	int success;
	time_t last_run, last_success, last_error_time;
	char last_error[512];
	int held;
	char kernel[65], effective[65];
};

/* The text format of @m into @buf; the length, or -1 when it is too short. */
int kc_metrics_format(const struct kc_metrics *m, char *buf, size_t len);
/*
 * The last success and last error of an earlier kcare.prom (@text) into
 * @m, so that they survive runs that do not change them.
 */
void kc_metrics_carry(struct kc_metrics *m, const char *text);
/*
 * After an update or a restore that ended with exit code @rc: write
 * kcare.prom when its directory exists (node_exporter is set up); a
 * failure to write is a warning only.
 */
void kc_metrics_after_update(int rc, unsigned int available);

#endif
