// SPDX-License-Identifier: GPL-2.0
/*
 * The crash-loop guard and kcare=off (boot-guard.h). Every file is small
 * and written atomically: a crash half-way through writing the marker
 * must not itself look like, or hide, a crash during an apply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot-guard.h"
#include "util.h"

const struct kc_guard kc_guard_system = {
	.dir = "/var/lib/kcare",
	.cmdline = "/proc/cmdline",
	.boot_id = "/proc/sys/kernel/random/boot_id",
	.max_restores = KC_GUARD_MAX_RESTORES,
	.window = KC_GUARD_WINDOW_SEC,
};

static void kc_guard_path(const struct kc_guard *g, const char *name,
			  char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", g->dir, name);
}

/* The whole small file, or NULL when it is absent or unreadable. */
static char *kc_guard_read(const char *path)
{
	char err[256], *buf = NULL;
	size_t len;
	bool missing;

	if (kc_read_file(path, 64 << 10, &buf, &len, &missing, err, sizeof(err)))
		return NULL;
	return buf;
}

int kc_guard_cmdline_off(const struct kc_guard *g)
{
	char *s = kc_guard_read(g->cmdline), *tok, *save = NULL;
	int off = 0;

	if (!s)
		return 0;
	/* The last kcare= wins, as the kernel's own parameters do. */
	for (tok = strtok_r(s, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		if (!strncmp(tok, "kcare=", 6))
			off = !strcmp(tok + 6, "off") || !strcmp(tok + 6, "0");
	free(s);
	return off;
}

static void kc_guard_boot_id(const struct kc_guard *g, char *buf, size_t len)
{
	char *s = kc_guard_read(g->boot_id);

	snprintf(buf, len, "%s", s ? s : "unknown");
	buf[strcspn(buf, " \n")] = '\0';
	free(s);
}

int kc_guard_begin(const struct kc_guard *g, unsigned int level, char *err,
		   size_t len)
{
	char path[512], id[64], line[160];
	int n;

	kc_guard_path(g, "apply-in-progress", path, sizeof(path));
	kc_guard_boot_id(g, id, sizeof(id));
	n = snprintf(line, sizeof(line), "%s %u %lld\n", id, level,
		     (long long)time(NULL));
	/* The first apply on a fresh machine may come before any state. */
	if (kc_mkdirs(g->dir, 0700, err, len))
		return -1;
	/* Atomic and synced: it must be on disk before the switch starts. */
	return kc_write_atomic(path, line, n, 0600, err, len);
}

void kc_guard_end(const struct kc_guard *g)
{
	char path[512];

	kc_guard_path(g, "apply-in-progress", path, sizeof(path));
	unlink(path);
}

static void kc_guard_hold(const struct kc_guard *g, const char *why)
{
	char path[512], err[256], line[600];
	int n;

	kc_guard_path(g, "boot-guard", path, sizeof(path));
	n = snprintf(line, sizeof(line), "%s\n", why);
	if (kc_write_atomic(path, line, n, 0600, err, sizeof(err)))
		fprintf(stderr, "kcarectl: warning: %s\n", err);
}

int kc_guard_held(const struct kc_guard *g, char *why, size_t len)
{
	char path[512], *s;

	kc_guard_path(g, "boot-guard", path, sizeof(path));
	s = kc_guard_read(path);
	if (!s)
		return 0;
	s[strcspn(s, "\n")] = '\0';
	snprintf(why, len, "%s", *s ? s : "held back");
	free(s);
	return 1;
}

void kc_guard_release(const struct kc_guard *g)
{
	char path[512];

	kc_guard_path(g, "boot-guard", path, sizeof(path));
	unlink(path);
	kc_guard_path(g, "boot-restores", path, sizeof(path));
	unlink(path);
}

/* A marker left by an earlier boot: that boot ended during a switch. */
static int kc_guard_check_marker(const struct kc_guard *g, char *why,
				 size_t len)
{
	char path[512], id[64], mid[64], when[21];
	unsigned int level;
	long long t;
	char *s;
	int held = 0;

	kc_guard_path(g, "apply-in-progress", path, sizeof(path));
	s = kc_guard_read(path);
	if (!s)
		return 0;
	kc_guard_boot_id(g, id, sizeof(id));
	if (sscanf(s, "%63s %u %lld", mid, &level, &t) != 3) {
		snprintf(why, len, "the machine restarted while a patchset was being applied (unreadable marker %s)",
			 path);
		held = 1;
	} else if (strcmp(mid, id)) {
		kc_time_format((time_t)t, when);
		snprintf(why, len, "the machine restarted while patch level %u was being applied (at %s, boot %s)",
			 level, when, mid);
		held = 1;
	}
	/* The same boot: a kcarectl killed mid-apply, not a crash. */
	free(s);
	unlink(path);
	return held;
}

/*
 * Crash loop: the boot unit re-applied max_restores times within the
 * window, this one included. A healthy machine boots a few times an hour
 * at most, so that many re-applies mean the patched kernel keeps dying.
 */
static int kc_guard_check_loop(const struct kc_guard *g, time_t now, char *why,
			       size_t len)
{
	char path[512], err[256], out[1024], *s, *line, *save = NULL;
	long long times[16];
	unsigned int n = 0, recent = 1, i;
	size_t o = 0;

	kc_guard_path(g, "boot-restores", path, sizeof(path));
	s = kc_guard_read(path);
	for (line = s ? strtok_r(s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		long long t;

		if (sscanf(line, "%lld", &t) != 1)
			continue;
		/* Keep the newest few only: the file stays small. */
		if (n == sizeof(times) / sizeof(times[0]) - 1) {
			memmove(times, times + 1, (n - 1) * sizeof(times[0]));
			n--;
		}
		times[n++] = t;
	}
	free(s);
	for (i = 0; i < n; i++)
		if (times[i] <= now && now - times[i] < g->window)
			recent++;
	times[n++] = now;
	for (i = 0; i < n && o < sizeof(out); i++)
		o += snprintf(out + o, sizeof(out) - o, "%lld\n", times[i]);
	if (o >= sizeof(out))
		o = sizeof(out) - 1;
	if (kc_write_atomic(path, out, o, 0600, err, sizeof(err)))
		fprintf(stderr, "kcarectl: warning: %s\n", err);
	if (recent < g->max_restores)
		return 0;
	snprintf(why, len, "patches were re-applied at boot %u times within %ld minutes: the machine seems to crash after applying them",
		 recent, g->window / 60);
	return 1;
}

int kc_guard_boot_check(const struct kc_guard *g, time_t now, char *why,
			size_t len)
{
	if (kc_guard_held(g, why, len))
		return 1;
	if (kc_guard_check_marker(g, why, len) ||
	    kc_guard_check_loop(g, now, why, len)) {
		kc_guard_hold(g, why);
		return 1;
	}
	return 0;
}
