// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl --doctor: everything support needs to know, in one local file
 * (there is no upload yet): versions, the kernel, the configuration
 * (proxy passwords hidden), the keys, the engine's sysfs state, the
 * payload modules, the state and cache files, and the engine's kernel-log
 * lines.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "ctl.h"
#include "engine.h"
#include "fetch.h"
#include "versions.h"
#include "state.h"
#include "update.h"
#include "util.h"

#define KC_DOCTOR_DIR	KCL_STATE_DIR "/doctor"
/* Where the seed keeps the report when it cannot upload it. */
#define KC_DOCTOR_LOCAL	"/root/cl-report"

static void kc_section(FILE *f, const char *title)
{
	fprintf(f, "\n== %s ==\n", title);
}

/*
 * A file's text; with @mask, the "user:password@" of every URL (the
 * server's as the proxies') replaced by "***@", and a proxy setting
 * without a scheme masked up to its '@' too.
 */
static void kc_dump_file(FILE *f, const char *path, bool mask)
{
	char *buf, *line, *save = NULL, err[512];
	size_t len;
	bool missing;

	if (kc_read_file(path, 1 << 20, &buf, &len, &missing, err, sizeof(err))) {
		fprintf(f, "%s\n", err);
		return;
	}
	if (missing) {
		fprintf(f, "%s: does not exist\n", path);
		return;
	}
	fprintf(f, "--- %s\n", path);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *at = mask ? strrchr(line, '@') : NULL;
		char *scheme = mask ? strstr(line, "://") : NULL;
		char *eq = strchr(line, '=');

		if (at && (scheme || eq) && (scheme ? scheme + 3 : eq + 1) < at) {
			char *start = scheme && scheme < at ? scheme + 3 : eq + 1;

			fprintf(f, "%.*s***%s\n", (int)(start - line), line, at);
		} else {
			fprintf(f, "%s\n", line);
		}
	}
	free(buf);
}

static void kc_dump_dir(FILE *f, const char *dir)
{
	struct dirent *d;
	char path[1024], v[512];
	DIR *dp = opendir(dir);

	if (!dp) {
		fprintf(f, "%s: %s\n", dir, strerror(errno));
		return;
	}
	while ((d = readdir(dp))) {
		struct stat st;
		FILE *in;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & 0444))
			continue;
		in = fopen(path, "re");
		if (!in)
			continue;
		fprintf(f, "%s:", path);
		while (fgets(v, sizeof(v), in))
			fprintf(f, " %s", v);
		if (ftell(in) == 0)
			fprintf(f, "\n");
		fclose(in);
	}
	closedir(dp);
}

static void kc_walk(FILE *f, const char *dir, int depth)
{
	struct dirent *d;
	char path[1024];
	struct stat st;
	DIR *dp;

	dp = opendir(dir);
	if (!dp) {
		if (!depth)
			fprintf(f, "%s: %s\n", dir, strerror(errno));
		return;
	}
	while ((d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth < 6)
			kc_walk(f, path, depth + 1);
		else
			fprintf(f, "%s %lld bytes, mode %o\n", path,
				(long long)st.st_size, st.st_mode & 07777);
	}
	closedir(dp);
}

static void kc_kernel_log(FILE *f)
{
	int n = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *line, *save = NULL;

	if (n <= 0 || !(buf = malloc(n + 1))) {
		fprintf(f, "cannot read the kernel log: %s\n", strerror(errno));
		return;
	}
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, n);
	if (n < 0) {
		fprintf(f, "cannot read the kernel log: %s\n", strerror(errno));
		free(buf);
		return;
	}
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "kcare") || strstr(line, "kcpatch"))
			fprintf(f, "%s\n", line);
	free(buf);
}

int kc_cmd_doctor(const char *arg, const struct kc_opts *opts)
{
	char path[256], libs[512], err[1024], stamp[32];
	struct kc_config cfg;
	struct kcl_keyring kr;
	struct kcl_kernel k;
	struct utsname u;
	char *text = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	FILE *f;
	size_t i;
	bool local = false;
	int rc;

	f = open_memstream(&text, &len);
	if (!f)
		return kc_error("out of memory");
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", gmtime(&now));
	kc_lib_versions(libs, sizeof(libs));
	uname(&u);
	fprintf(f, "kcare diagnostic report, %s\nkcarectl %s (%s)\n", stamp,
		KCARE_VERSION, libs);

	kc_section(f, "kernel");
	fprintf(f, "uname: %s %s %s %s %s\n", u.sysname, u.nodename, u.release,
		u.version, u.machine);
	if (kcl_kernel_identify(&k, err, sizeof(err)))
		fprintf(f, "identity: %s\n", err);
	else
		fprintf(f, "/proc/version: %s\nsha1: %s\nbuild-id: %s\narch: %s\n",
			k.version, k.sha1, k.build_id, k.arch);
	kc_dump_file(f, "/proc/cmdline", false);
	kc_dump_file(f, "/proc/sys/kernel/tainted", false);
	kc_dump_file(f, "/etc/os-release", false);

	kc_section(f, "configuration");
	kc_dump_file(f, KC_CONFIG_PATH, true);
	if (kc_config_load(&cfg, NULL, err, sizeof(err))) {
		fprintf(f, "ERROR: %s\n", err);
	} else {
		static const char *const policy[] = {
			[KC_POLICY_REMOTE] = "REMOTE",
			[KC_POLICY_LOCAL] = "LOCAL",
			[KC_POLICY_LOCAL_FIRST] = "LOCAL_FIRST",
		};

		char server[1024];

		kc_url_redact(cfg.patch_server, server, sizeof(server));
		fprintf(f, "in effect: PATCH_SERVER=%s PREFIX=%s UPDATE_POLICY=%s AUTO_UPDATE=%s PATCH_METHOD=%s PATCH_TYPE=%s LOAD_KCARE_SYSCTL=%s\n",
			server, cfg.prefix, policy[cfg.update_policy],
			cfg.auto_update ? "true" : "false", cfg.freezer,
			cfg.patch_type, cfg.load_kcare_sysctl ? "true" : "false");
		kc_config_free(&cfg);
	}
	kc_dump_file(f, KC_SYSCTL_CONF_PATH, false);

	kc_section(f, "trusted keys");
	if (kc_update_keys(&kr, err, sizeof(err))) {
		fprintf(f, "ERROR: %s\n", err);
	} else {
		for (i = 0; i < kr.n; i++) {
			char hex[17];

			kcl_key_id_hex(kr.keys[i].id, hex);
			fprintf(f, "key %s\n", hex);
		}
		kcl_keyring_free(&kr);
	}

	kc_section(f, "engine");
	if (access(KCL_SYSFS, F_OK)) {
		fprintf(f, "kcare.ko is not loaded\n");
	} else {
		kc_dump_dir(f, KCL_SYSFS);
		kc_dump_dir(f, KCL_SYSFS "/pause");
		kc_walk(f, KCL_SYSFS "/patches", 0);
	}
	kc_section(f, "payload modules (holders of kcare)");
	kc_walk(f, KCL_MODULE_HOLDERS, 0);

	kc_section(f, "state and cache");
	kc_dump_file(f, KCL_STATE_APPLIED, false);
	kc_dump_file(f, KCL_STATE_SEEN, false);
	kc_walk(f, KC_CACHE_DIR, 0);

	kc_section(f, "kernel log (kcare lines)");
	kc_kernel_log(f);
	fclose(f);
	if (!text)
		return kc_error("out of memory");

	snprintf(path, sizeof(path), "%s/kcare-doctor-%s.txt", KC_DOCTOR_DIR, stamp);
	rc = kc_mkdirs(KC_DOCTOR_DIR, 0700, err, sizeof(err)) ||
	     kc_write_atomic(path, text, len, 0600, err, sizeof(err));
	/*
	 * There is no upload service: the report goes where the seed keeps
	 * it when the upload fails, the path its users look at.
	 */
	if (!rc && kc_write_atomic(KC_DOCTOR_LOCAL, text, len, 0600, err,
				   sizeof(err)))
		fprintf(stderr, "kcarectl: warning: %s; the report is only in %s\n",
			err, path);
	else if (!rc)
		local = true;
	free(text);
	if (rc)
		return kc_error("cannot write the report: %s", err);
	if (opts->json) {
		printf("{\"report\": \"%s\"", local ? KC_DOCTOR_LOCAL : path);
		printf(", \"copy\": \"%s\", \"uploaded\": false}\n", path);
	} else {
		printf("Generating report...\nThe report cannot be uploaded (no support upload service is configured): it is saved as %s\n",
		       local ? KC_DOCTOR_LOCAL : path);
		if (local)
			printf("(a copy is kept in %s)\n", path);
		printf("Send this file with your support request.\n");
	}
	return KC_EXIT_OK;
}
