// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl: the agent administrators and their automation run. The verb
 * table is the command line (cli.c); each verb lives with its concern
 * (ctl.h). Here: main(), the configuration and key verbs.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "ctl.h"
#include "leftovers.h"
#include "lock.h"
#include "state.h"
#include "json.h"
#include "versions.h"
#include "sign.h"
#include "update.h"
#include "util.h"

char kc_last_error[512];

int kc_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("kcarectl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	/* Kept for the metrics file (metrics.h). */
	va_start(ap, fmt);
	vsnprintf(kc_last_error, sizeof(kc_last_error), fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return KC_EXIT_ERROR;
}

int kc_load_config(struct kc_config *cfg)
{
	char err[1024];

	if (kc_config_load(cfg, NULL, err, sizeof(err))) {
		kc_error("%s", err);
		return -1;
	}
	return 0;
}

void kc_os_name(char *buf, size_t len)
{
	char line[256], id[64] = "", ver[64] = "";
	FILE *f = fopen("/etc/os-release", "re");

	snprintf(buf, len, "Linux");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "ID=", 3))
			snprintf(id, sizeof(id), "%s", line + 3 + (line[3] == '"'));
		else if (!strncmp(line, "VERSION_ID=", 11))
			snprintf(ver, sizeof(ver), "%s", line + 11 + (line[11] == '"'));
	}
	fclose(f);
	id[strcspn(id, "\"")] = '\0';
	ver[strcspn(ver, "\"")] = '\0';
	if (*id)
		snprintf(buf, len, "%s%s%s", id, *ver ? " " : "", ver);
}

static int kc_help(const char *arg, const struct kc_opts *opts);

static int kc_version(const char *arg, const struct kc_opts *opts)
{
	char libs[512];

	kc_lib_versions(libs, sizeof(libs));
	if (opts->json)
		printf("{\"version\": \"%s\", \"libraries\": \"%s\"}\n",
		       KCARE_VERSION, libs);
	else
		printf("kcarectl %s (%s)\n", KCARE_VERSION, libs);
	return KC_EXIT_OK;
}

static int kc_set(const char *key, const char *value)
{
	char err[1024];

	if (kc_config_set(NULL, key, value, err, sizeof(err)))
		return kc_error("%s", err);
	printf("%s set to '%s' in %s\n", key, value, KC_CONFIG_PATH);
	return KC_EXIT_OK;
}

static int kc_set_sticky(const char *arg, const struct kc_opts *opts)
{
	return kc_set("STICKY_PATCH", arg);
}

static int kc_set_patch_type(const char *arg, const struct kc_opts *opts)
{
	if (strcmp(arg, "extra") && strcmp(arg, "free") && strcmp(arg, "default")) {
		fprintf(stderr, "kcarectl: --set-patch-type '%s': expected extra, free or default\n",
			arg);
		return KC_EXIT_USAGE;
	}
	return kc_set("PATCH_TYPE", arg);
}

static int kc_set_monitoring_key(const char *arg, const struct kc_opts *opts)
{
	return kc_set("MONITORING_KEY", arg);
}

static int kc_set_tag(const char *arg, const struct kc_opts *opts)
{
	return kc_set("TAG", arg);
}

static int kc_import_key(const char *arg, const struct kc_opts *opts)
{
	struct kcl_keyring kr = { 0 };
	char err[1024], hex[17], dest[256];
	size_t len;
	char *pem;
	int rc;

	/* Parsed as a key first: only a valid public key is trusted. */
	if (kcl_keyring_add_file(&kr, arg, err, sizeof(err)))
		return kc_error("cannot import %s: %s", arg, err);
	kcl_key_id_hex(kr.keys[0].id, hex);
	kcl_keyring_free(&kr);
	if (kc_read_file(arg, 1 << 20, &pem, &len, NULL, err, sizeof(err)))
		return kc_error("cannot import %s: %s", arg, err);
	snprintf(dest, sizeof(dest), "%s/%s.pem", KC_KEYS_DIR, hex);
	rc = kc_mkdirs(KC_KEYS_DIR, 0755, err, sizeof(err)) ||
	     kc_write_atomic(dest, pem, len, 0644, err, sizeof(err));
	free(pem);
	if (rc)
		return kc_error("cannot import %s: %s", arg, err);
	printf("Key %s imported from %s into %s\n", hex, arg, dest);
	return KC_EXIT_OK;
}

/*
 * The scanner is its own program (userland/uchecker): run the one
 * installed beside us, else the first on PATH, with --json passed on.
 */
static int kc_uchecker(const char *arg, const struct kc_opts *opts)
{
	char *argv[] = { "kcare-uchecker", opts->json ? "--json" : NULL, NULL };
	char self[PATH_MAX], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 32);

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
		strcpy(slash + 1, "kcare-uchecker");
		execv(self, argv);
	}
	execvp(argv[0], argv);
	return kc_error("cannot run kcare-uchecker: %s", strerror(errno));
}

static const struct kc_verb kc_verbs[] = {
	{ "help", 'h', NULL, "show this help", kc_help },
	{ "version", 0, NULL, "show the version and the libraries in use",
	  kc_version },
	{ "info", 'i', NULL, "show the applied patchset (kpatch-* lines, or --json)",
	  kc_cmd_info },
	{ "update", 'u', NULL, "download the newest patchset from PATCH_SERVER and apply it",
	  kc_cmd_update, KC_ROOT | KC_LOCK },
	{ "smart-update", 0, NULL, "update as UPDATE_POLICY says (REMOTE, LOCAL cache, LOCAL_FIRST)",
	  kc_cmd_smart_update, KC_ROOT | KC_LOCK },
	{ "auto-update", 0, NULL, "the timer's update: --smart-update when AUTO_UPDATE is on",
	  kc_cmd_auto_update, KC_ROOT | KC_LOCK },
	{ "restore", 0, NULL, "re-apply this kernel's last patchset from the cache (boot)",
	  kc_cmd_restore, KC_ROOT | KC_LOCK },
	{ "unload", 0, NULL, "revert every patch and remove the payloads",
	  kc_cmd_unload, KC_ROOT | KC_LOCK },
	{ "patch-info", 0, NULL, "list the applied patches and their CVEs",
	  kc_cmd_patch_info },
	{ "uname", 0, NULL, "print the effective kernel release", kc_cmd_uname },
	{ "check", 0, NULL, "exit 0 when a newer patchset is available, 1 when not",
	  kc_cmd_check },
	{ "status", 0, NULL, "exit 0 up to date, 1 no patches, 2 newer not applied, 3 unsupported kernel, 4 unknown, 5 index expired",
	  kc_cmd_status },
	{ "compat", 0, NULL, "is this kernel supported by the repository: COMPATIBLE (0), UNSUPPORTED (1), SYSTEM ERROR (2), CONNECTION ERROR (3); also as kc-compat",
	  kc_cmd_compat },
	{ "set-sticky-patch", 0, "DDMMYY|KEY|''", "pin updates to a date's patchset (STICKY_PATCH)",
	  kc_set_sticky, KC_ROOT | KC_LOCK | KC_SETTER },
	{ "set-patch-type", 0, "extra|free|default", "which patch types to take (PATCH_TYPE)",
	  kc_set_patch_type, KC_ROOT | KC_LOCK | KC_SETTER },
	{ "import-key", 0, "PATH", "trust the repository's public key in PATH",
	  kc_import_key, KC_ROOT | KC_LOCK },
	{ "doctor", 0, NULL, "write a diagnostic report and say where it is",
	  kc_cmd_doctor, KC_ROOT },
	{ "register", 0, "KEY", "register this machine at REGISTRATION_URL with a key",
	  kc_cmd_register, KC_ROOT | KC_LOCK },
	{ "unregister", 0, NULL, "free this machine's slot and forget its registration",
	  kc_cmd_unregister, KC_ROOT | KC_LOCK },
	{ "license-info", 0, NULL, "what the registration server says of this machine",
	  kc_cmd_license_info },
	{ "checkin", 0, NULL, "report the kernel and patch level to the registration server",
	  kc_cmd_checkin, KC_ROOT | KC_LOCK },
	{ "set-monitoring-key", 0, "KEY", "set the monitoring key sent with check-ins (16 to 32 letters and digits; MONITORING_KEY)",
	  kc_set_monitoring_key, KC_ROOT | KC_LOCK | KC_SETTER },
	{ "tag", 0, "T", "tag this server on the registration server (TAG; '' clears it)",
	  kc_set_tag, KC_ROOT | KC_LOCK | KC_SETTER },
	{ "userspace-update", 0, "LIST", "patch processes with user-space patch types LIST (libs,qemu,db; default USERSPACE_PATCHES)",
	  kc_cmd_userspace_update, KC_ARG_OPTIONAL | KC_ROOT | KC_LOCK },
	{ "lib-update", 0, NULL, "patch the libraries of running processes (every user-space type)",
	  kc_cmd_lib_update, KC_ROOT | KC_LOCK },
	{ "lib-info", 0, NULL, "list the processes carrying user-space patches",
	  kc_cmd_lib_info },
	{ "lib-patch-info", 0, NULL, "list the applied user-space patches and their CVEs",
	  kc_cmd_lib_patch_info },
	{ "lib-unload", 0, NULL, "remove every user-space patch from running processes",
	  kc_cmd_lib_unload, KC_ROOT | KC_LOCK },
	{ "uchecker", 0, NULL, "list processes running outdated or deleted libraries (kcare-uchecker)",
	  kc_uchecker },
	{ NULL },
};

static const struct kc_verb *kc_current;
/* The lock held by this run (lock.h), or -1. */
int kc_lock_fd = -1;

static int kc_help(const char *arg, const struct kc_opts *opts)
{
	kc_cli_usage(kc_verbs, "kcarectl", stdout);
	return KC_EXIT_OK;
}

/* The setters given beside the verb, then the verb (cli.h, KC_SETTER). */
static int kc_run(const char *arg, const struct kc_opts *opts)
{
	int i, rc;

	for (i = 0; i < opts->nsetters; i++) {
		rc = opts->setters[i]->run(opts->setter_args[i], opts);
		if (rc)
			return rc;
	}
	return kc_current->run(arg, opts);
}

/*
 * Called as kc-compat (a link to kcarectl), the seed's checker: the
 * --compat verb, with the checker's own -q/--silent (only the exit code).
 */
static int kc_compat_main(int argc, char **argv)
{
	struct kc_opts opts = { 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--silent")) {
			if (!freopen("/dev/null", "w", stdout))
				return 2;
		} else if (!strcmp(argv[i], "--json")) {
			opts.json = true;
		} else {
			fprintf(stderr, "kc-compat: unknown argument '%s' (usage: kc-compat [-q|--silent] [--json])\n",
				argv[i]);
			return 2;
		}
	}
	return kc_cmd_compat(NULL, &opts);
}

int main(int argc, char **argv)
{
	struct kc_opts opts;
	unsigned int flags;
	const char *arg, *me;
	int i;

	me = argc ? strrchr(argv[0], '/') : NULL;
	me = me ? me + 1 : argc ? argv[0] : "";
	if (!strcmp(me, "kc-compat"))
		return kc_compat_main(argc, argv);
	kc_current = kc_cli_parse(kc_verbs, argc, argv, &arg, &opts, stderr);
	if (!kc_current)
		return KC_EXIT_USAGE;
	flags = kc_current->flags;
	for (i = 0; i < opts.nsetters; i++)
		flags |= opts.setters[i]->flags;
	/* Said first, rather than as whichever file it fails to write. */
	if ((flags & KC_ROOT) && geteuid())
		return kc_error("--%s changes the system: run it as root",
				(kc_current->flags & KC_ROOT) || !opts.nsetters ?
				kc_current->name : opts.setters[0]->name);
	if (flags & KC_LOCK) {
		char err[512];
		int busy, rc;

		kc_lock_fd = kc_lock_take(KC_LOCK_WAIT_S, &busy, err, sizeof(err));
		if (kc_lock_fd < 0)
			return kc_error("%s", err);
		/* Alone now: what killed runs left can go. */
		kc_leftovers_clean(KC_CACHE_DIR, KCL_STATE_DIR, time(NULL));
		rc = kc_run(arg, &opts);
		kc_lock_release(kc_lock_fd);
		return rc;
	}
	return kc_run(arg, &opts);
}
