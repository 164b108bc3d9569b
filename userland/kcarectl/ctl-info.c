// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's reports of what is applied: --info, --patch-info, --uname,
 * in the original product's formats (scripts parse them) and as JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "ctl.h"
#include "engine.h"
#include "boot-guard.h"
#include "json.h"
#include "manifest.h"
#include "state.h"
#include "util.h"

/*
 * The build and release times of the applied patchset, from the manifest
 * the agent kept when it applied it: "" when it was applied otherwise.
 */
static void kc_applied_times(const struct kcl_engine *e, char build[21],
			     char release[21])
{
	struct kcl_manifest m;
	size_t len;
	char *text;

	*build = *release = '\0';
	if (kc_read_file(KCL_STATE_MANIFEST, KCL_MANIFEST_MAX_SIZE, &text, &len,
			  NULL, NULL, 0))
		return;
	if (!kcl_manifest_parse(text, len, KCL_MANIFEST_BUILT, &m, NULL, 0)) {
		if (m.level == e->level && !strcmp(m.id, e->patchset)) {
			kc_time_format(m.build_time, build);
			kc_time_format(m.release_time, release);
		}
		kcl_manifest_free(&m);
	}
	free(text);
}

int kc_cmd_info(const char *arg, const struct kc_opts *opts)
{
	struct kcl_engine_patch *p = NULL;
	char err[512], build[21], release[21], why[512];
	struct kcl_kernel k;
	struct kcl_engine e;
	size_t n = 0, i;
	int held, off;

	if (kcl_engine_read(&e, err, sizeof(err)) ||
	    kcl_kernel_identify(&k, err, sizeof(err)) ||
	    (e.level && kcl_engine_patches(&p, &n, err, sizeof(err))))
		return kc_error("%s", err);
	kc_applied_times(&e, build, release);
	held = kc_guard_held(&kc_guard_system, why, sizeof(why));
	off = kc_guard_cmdline_off(&kc_guard_system);
	if (opts->json) {
		printf("{\"state\": \"%s\", ", !e.loaded ? "not-loaded" :
		       e.level ? "applied" : "unpatched");
		kc_json_kv(stdout, 1, "kernel", k.release);
		kc_json_kv(stdout, 0, "kernel_version", k.version);
		kc_json_kv(stdout, 0, "kernel_sha1", k.sha1);
		kc_json_kv(stdout, 0, "engine_version", e.loaded ? e.version : NULL);
		kc_json_kv(stdout, 0, "patchset", e.level ? e.patchset : NULL);
		printf(", \"level\": %u", e.level);
		kc_json_kv(stdout, 0, "patch_type", e.level ? e.patch_type : NULL);
		kc_json_kv(stdout, 0, "effective_version",
			   e.level ? e.effective_version : k.release);
		kc_json_kv(stdout, 0, "build_time", *build ? build : NULL);
		kc_json_kv(stdout, 0, "release_time", *release ? release : NULL);
		kc_json_kv(stdout, 0, "boot_guard", held ? why : NULL);
		printf(", \"kcare_off\": %s", off ? "true" : "false");
		printf(", \"forced\": %s, \"patches\": [", e.forced ? "true" : "false");
		for (i = 0; i < n; i++) {
			printf("%s{", i ? ", " : "");
			kc_json_kv(stdout, 1, "name", p[i].name);
			printf(", \"enabled\": %s", p[i].enabled ? "true" : "false");
			kc_json_kv(stdout, 0, "description", p[i].description);
			kc_json_kv(stdout, 0, "cve", p[i].cve);
			printf("}");
		}
		printf("]}\n");
		free(p);
		return KC_EXIT_OK;
	}
	/* Before anything else: the reason patches are not there. */
	if (off)
		printf("kpatch-kcare-off: kcare=off is on the kernel command line\n");
	if (held)
		printf("kpatch-boot-guard: held back: %s\n", why);
	if (!e.level) {
		printf("No patches applied%s\n", e.loaded ? "" :
		       " (the engine kcare.ko is not loaded)");
		return KC_EXIT_OK;
	}
	printf("kpatch-state: patch is applied\n");
	printf("kpatch-for: %s\n", k.version);
	printf("kpatch-build-time: %s\n", *build ? build : "unknown");
	printf("kpatch-description: %u-%s;%s\n", e.level, e.patchset,
	       e.effective_version);
	printf("kpatch-patchset: %s\n", e.patchset);
	printf("kpatch-level: %u\n", e.level);
	printf("kpatch-type: %s\n", e.patch_type);
	printf("kpatch-effective-version: %s\n", e.effective_version);
	printf("kpatch-release-time: %s\n", *release ? release : "unknown");
	printf("kpatch-forced: %s\n", e.forced ? "yes" : "no");
	for (i = 0; i < n; i++)
		printf("kpatch-patch: %s %s\n", p[i].name,
		       p[i].enabled ? "enabled" : "disabled");
	free(p);
	return KC_EXIT_OK;
}

int kc_cmd_patch_info(const char *arg, const struct kc_opts *opts)
{
	struct kcl_engine_patch *p = NULL;
	char err[512], os[128], now[32];
	struct kcl_engine e;
	struct utsname u;
	size_t n = 0, i;
	time_t t = time(NULL);

	if (kcl_engine_read(&e, err, sizeof(err)) ||
	    (e.level && kcl_engine_patches(&p, &n, err, sizeof(err))))
		return kc_error("%s", err);
	uname(&u);
	kc_os_name(os, sizeof(os));
	strftime(now, sizeof(now), "%Y-%m-%d %H:%M:%S", gmtime(&t));
	if (opts->json) {
		printf("{");
		kc_json_kv(stdout, 1, "os", os);
		kc_json_kv(stdout, 0, "kernel", u.release);
		kc_json_kv(stdout, 0, "time", now);
		kc_json_kv(stdout, 0, "uname", e.level ? e.effective_version : u.release);
		printf(", \"patches\": [");
		for (i = 0; i < n; i++) {
			printf("%s{", i ? ", " : "");
			kc_json_kv(stdout, 1, "kpatch-name", p[i].name);
			kc_json_kv(stdout, 0, "kpatch-description", p[i].description);
			kc_json_kv(stdout, 0, "kpatch-kernel", u.release);
			kc_json_kv(stdout, 0, "kpatch-cve", p[i].cve);
			kc_json_kv(stdout, 0, "kpatch-cvss", p[i].cvss);
			kc_json_kv(stdout, 0, "kpatch-cve-url", p[i].cve_url);
			kc_json_kv(stdout, 0, "kpatch-patch-url", p[i].patch_url);
			printf(", \"enabled\": %s}", p[i].enabled ? "true" : "false");
		}
		printf("]}\n");
		free(p);
		return KC_EXIT_OK;
	}
	printf("OS: %s\nkernel: %s\ntime: %s\nuname: %s\n", os, u.release, now,
	       e.level ? e.effective_version : u.release);
	if (!n)
		printf("\nNo patches applied\n");
	for (i = 0; i < n; i++)
		printf("\nkpatch-name: %s\nkpatch-description: %s\nkpatch-kernel: %s\n"
		       "kpatch-cve: %s\nkpatch-cvss: %s\nkpatch-cve-url: %s\n"
		       "kpatch-patch-url: %s\n", p[i].name, p[i].description,
		       u.release, p[i].cve, p[i].cvss, p[i].cve_url,
		       p[i].patch_url);
	free(p);
	return KC_EXIT_OK;
}

int kc_cmd_uname(const char *arg, const struct kc_opts *opts)
{
	struct kcl_engine e;
	struct utsname u;
	char err[512];
	const char *r;

	if (kcl_engine_read(&e, err, sizeof(err)))
		return kc_error("%s", err);
	uname(&u);
	r = e.level && *e.effective_version ? e.effective_version : u.release;
	if (opts->json) {
		printf("{");
		kc_json_kv(stdout, 1, "uname", r);
		printf("}\n");
	} else {
		printf("%s\n", r);
	}
	return KC_EXIT_OK;
}
