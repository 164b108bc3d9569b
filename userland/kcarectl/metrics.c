// SPDX-License-Identifier: GPL-2.0
/*
 * kcare.prom (metrics.h). The format is Prometheus's text exposition
 * format 0.0.4: HELP and TYPE before each family, label values escaped
 * (backslash, double quote, newline), one sample a line, a final newline.
 * Written atomically so that node_exporter never reads half a file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot-guard.h"
#include "ctl.h"
#include "engine.h"
#include "metrics.h"
#include "util.h"

struct kc_out {
	char *buf;
	size_t len, off;
	int overflow;
};

__attribute__((format(printf, 2, 3)))
static void kc_out(struct kc_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->off < o->len ? o->len - o->off : 0,
		      fmt, ap);
	va_end(ap);
	if (n < 0 || o->off + n >= o->len)
		o->overflow = 1;
	else
		o->off += n;
}

/* A label value: the three escapes the format knows, nothing else. */
static void kc_out_label(struct kc_out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			kc_out(o, "\\\\");
		else if (*s == '"')
			kc_out(o, "\\\"");
		else if (*s == '\n')
			kc_out(o, "\\n");
		else
			kc_out(o, "%c", *s);
	}
}

static void kc_out_family(struct kc_out *o, const char *name, const char *help)
{
	kc_out(o, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

int kc_metrics_format(const struct kc_metrics *m, char *buf, size_t len)
{
	struct kc_out o = { buf, len, 0, 0 };

	kc_out_family(&o, "kcare_patch_level",
		      "Applied kernel patch level (0 when no patches are applied).");
	kc_out(&o, "kcare_patch_level %u\n", m->level);
	kc_out_family(&o, "kcare_patch_level_available",
		      "Newest patch level the feed offered at the last update (0 when not known).");
	kc_out(&o, "kcare_patch_level_available %u\n", m->available);
	kc_out_family(&o, "kcare_patches_outdated",
		      "1 when the feed offers a newer level than the applied one.");
	kc_out(&o, "kcare_patches_outdated %d\n", m->available > m->level);
	kc_out_family(&o, "kcare_last_update_success",
		      "1 when the last update succeeded.");
	kc_out(&o, "kcare_last_update_success %d\n", !!m->success);
	kc_out_family(&o, "kcare_last_update_timestamp_seconds",
		      "When the last update ran (Unix time).");
	kc_out(&o, "kcare_last_update_timestamp_seconds %lld\n",
	       (long long)m->last_run);
	kc_out_family(&o, "kcare_last_success_timestamp_seconds",
		      "When an update last succeeded (Unix time, 0 never).");
	kc_out(&o, "kcare_last_success_timestamp_seconds %lld\n",
	       (long long)m->last_success);
	kc_out_family(&o, "kcare_last_error_timestamp_seconds",
		      "When an update last failed (Unix time, 0 never).");
	kc_out(&o, "kcare_last_error_timestamp_seconds %lld\n",
	       (long long)m->last_error_time);
	kc_out_family(&o, "kcare_last_error_info",
		      "The last failure's message, as a label.");
	kc_out(&o, "kcare_last_error_info{message=\"");
	kc_out_label(&o, m->last_error);
	kc_out(&o, "\"} %d\n", !!*m->last_error);
	kc_out_family(&o, "kcare_boot_guard_held",
		      "1 when the crash-loop guard holds patches back.");
	kc_out(&o, "kcare_boot_guard_held %d\n", !!m->held);
	kc_out_family(&o, "kcare_info",
		      "The running kernel and its effective (patched) version.");
	kc_out(&o, "kcare_info{kernel=\"");
	kc_out_label(&o, m->kernel);
	kc_out(&o, "\",effective_version=\"");
	kc_out_label(&o, m->effective);
	kc_out(&o, "\"} 1\n");
	return o.overflow ? -1 : (int)o.off;
}

/* The label value after @key=" in @line, unescaped, into @out. */
static void kc_unlabel(const char *line, char *out, size_t len)
{
	const char *s = strstr(line, "=\"");
	size_t n = 0;

	*out = '\0';
	if (!s)
		return;
	for (s += 2; *s && *s != '"' && n + 1 < len; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			out[n++] = *s == 'n' ? '\n' : *s;
		} else {
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

void kc_metrics_carry(struct kc_metrics *m, const char *text)
{
	const char *line;
	long long t;

	for (line = text; line && *line; line = strchr(line, '\n'),
	     line = line ? line + 1 : NULL) {
		if (!m->last_success &&
		    sscanf(line, "kcare_last_success_timestamp_seconds %lld", &t) == 1)
			m->last_success = t;
		else if (!m->last_error_time &&
			 sscanf(line, "kcare_last_error_timestamp_seconds %lld", &t) == 1)
			m->last_error_time = t;
		else if (!*m->last_error &&
			 !strncmp(line, "kcare_last_error_info{", 22))
			kc_unlabel(line, m->last_error, sizeof(m->last_error));
	}
}

void kc_metrics_after_update(int rc, unsigned int available)
{
	const char *dir = getenv(KC_METRICS_DIR_ENV);
	char path[512], err[256], why[512], *old = NULL, *text;
	struct kc_metrics m = { 0 };
	struct kcl_engine e;
	struct kcl_kernel k;
	struct stat st;
	size_t len;
	int n;

	if (!dir || !*dir)
		dir = KC_METRICS_DIR;
	/* No directory: nobody collects, and kcarectl creates no clutter. */
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, KC_METRICS_FILE);
	m.last_run = time(NULL);
	m.success = rc == KC_EXIT_OK;
	m.available = available;
	if (m.success) {
		m.last_success = m.last_run;
	} else {
		m.last_error_time = m.last_run;
		snprintf(m.last_error, sizeof(m.last_error), "%s",
			 *kc_last_error ? kc_last_error : "failed");
	}
	if (!kc_read_file(path, 1 << 20, &old, &len, NULL, err, sizeof(err))) {
		kc_metrics_carry(&m, old);
		free(old);
	}
	if (!kcl_engine_read(&e, err, sizeof(err))) {
		m.level = e.level;
		snprintf(m.effective, sizeof(m.effective), "%s",
			 e.level ? e.effective_version : "");
	}
	if (!kcl_kernel_identify(&k, err, sizeof(err)))
		snprintf(m.kernel, sizeof(m.kernel), "%s", k.release);
	m.held = kc_guard_held(&kc_guard_system, why, sizeof(why));
	text = malloc(8192);
	if (!text)
		return;
	n = kc_metrics_format(&m, text, 8192);
	if (n < 0 || kc_write_atomic(path, text, n, 0644, err, sizeof(err)))
		fprintf(stderr, "kcarectl: warning: cannot write %s: %s\n", path,
			n < 0 ? "too long" : err);
	free(text);
}
