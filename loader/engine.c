// SPDX-License-Identifier: GPL-2.0
/*
 * The running kernel and the engine (engine.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "engine.h"
#include "kernel-id.h"
#include "util.h"

extern char **environ;

int kcl_kernel_identify(struct kcl_kernel *k, char *err, size_t errlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct utsname u;
	char *buf;
	size_t len;

	memset(k, 0, sizeof(*k));
	if (uname(&u))
		return kc_fail(err, errlen, "uname: %s", strerror(errno));
	snprintf(k->release, sizeof(k->release), "%s", u.release);
	if (!strcmp(u.machine, "x86_64"))
		strcpy(k->arch, "x86_64");
	else if (!strcmp(u.machine, "aarch64"))
		strcpy(k->arch, "arm64");
	else
		return kc_fail(err, errlen, "this machine is %s: kcare supports x86_64 and arm64",
				u.machine);
	/*
	 * The repository knows a kernel by the SHA-1 of these exact bytes,
	 * which differ between builds of one release.
	 */
	if (kc_read_file("/proc/version", 4096, &buf, &len, NULL, err, errlen))
		return -1;
	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20) {
		free(buf);
		return kc_fail(err, errlen, "cannot compute SHA-1 of /proc/version");
	}
	kc_hex(k->sha1, md, 20);
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(k->version, sizeof(k->version), "%s", buf);
	free(buf);
	return kcl_kernel_build_id("/sys/kernel/notes", k->build_id,
				   sizeof(k->build_id), err, errlen);
}

/* One line of a sysfs file, without its new line; "" when unreadable. */
static int kcl_sysfs_read(const char *dir, const char *name, char *out,
			  size_t outlen)
{
	char path[512];
	ssize_t n;
	int fd;

	*out = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	do {
		n = read(fd, out, outlen - 1);
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

int kcl_engine_read(struct kcl_engine *e, char *err, size_t errlen)
{
	char v[64];

	memset(e, 0, sizeof(*e));
	if (access(KCL_SYSFS "/state", F_OK))
		return 0;
	e->loaded = true;
	if (kcl_sysfs_read(KCL_SYSFS, "state", e->state, sizeof(e->state)) ||
	    kcl_sysfs_read(KCL_SYSFS, "version", e->version, sizeof(e->version)) ||
	    kcl_sysfs_read(KCL_SYSFS, "level", v, sizeof(v)))
		return kc_fail(err, errlen, "cannot read %s: %s", KCL_SYSFS,
				strerror(errno));
	e->level = strtoul(v, NULL, 10);
	kcl_sysfs_read(KCL_SYSFS, "patchset", e->patchset, sizeof(e->patchset));
	kcl_sysfs_read(KCL_SYSFS, "patch_type", e->patch_type,
		       sizeof(e->patch_type));
	kcl_sysfs_read(KCL_SYSFS, "effective_version", e->effective_version,
		       sizeof(e->effective_version));
	kcl_sysfs_read(KCL_SYSFS, "last_error", e->last_error,
		       sizeof(e->last_error));
	if (!kcl_sysfs_read(KCL_SYSFS, "forced", v, sizeof(v)))
		e->forced = !strcmp(v, "1");
	return 0;
}

int kcl_engine_ensure(char *err, size_t errlen)
{
	char *argv[] = { "modprobe", "kcare", NULL };
	pid_t pid;
	int st, rc;

	if (!access(KCL_SYSFS "/state", F_OK))
		return 0;
	rc = posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ);
	if (rc)
		return kc_fail(err, errlen,
				"the engine kcare.ko is not loaded and modprobe cannot run: %s",
				strerror(rc));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return kc_fail(err, errlen, "modprobe: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) || access(KCL_SYSFS "/state", F_OK))
		return kc_fail(err, errlen,
				"the engine kcare.ko is not loaded and \"modprobe kcare\" failed: is kcare installed for this kernel?");
	return 0;
}

bool kcl_module_loaded(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return !access(path, F_OK);
}

int kcl_engine_load(const void *data, size_t len, const char *name,
		    const char *params, char *err, size_t errlen)
{
	char why[512] = "";
	int fd, rc, e;

	/* finit_module() reads a file: an anonymous one keeps the disk out. */
	fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, errlen, "memfd_create: %s", strerror(errno));
	if (kc_write_full(fd, data, len)) {
		e = errno;
		close(fd);
		return kc_fail(err, errlen, "cannot stage payload %s: %s", name,
				strerror(e));
	}
	rc = syscall(SYS_finit_module, fd, params, 0);
	e = errno;
	close(fd);
	if (!rc)
		return 0;
	kcl_sysfs_read(KCL_SYSFS, "last_error", why, sizeof(why));
	if (e == EEXIST)
		return kc_fail(err, errlen,
				"the kernel refused payload %s: a module of that name is already loaded",
				name);
	if (e == EPERM)
		return kc_fail(err, errlen,
				"the kernel refused payload %s: %s (run as root; module loading may be disabled: kernel.modules_disabled, lockdown)",
				name, strerror(e));
	return kc_fail(err, errlen, "the kernel refused payload %s: %s%s%s",
			name, strerror(e), *why ? ": " : "", why);
}

int kcl_engine_remove_payloads(const char *keep)
{
	struct dirent *d;
	int removed = 0;
	DIR *dir;

	dir = opendir(KCL_MODULE_HOLDERS);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || (keep && !strcmp(d->d_name, keep)))
			continue;
		/* O_NONBLOCK: a held payload fails at once, never waits. */
		if (!syscall(SYS_delete_module, d->d_name, O_NONBLOCK))
			removed++;
	}
	closedir(dir);
	return removed;
}

int kcl_engine_unload(bool force, char *err, size_t errlen)
{
	const char *v = force ? "force" : "1";
	char why[512] = "";
	ssize_t n;
	int fd, e;

	fd = open(KCL_SYSFS "/unload", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, errlen, "cannot open %s/unload: %s", KCL_SYSFS,
				strerror(errno));
	do {
		n = write(fd, v, strlen(v));
	} while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	if (n >= 0)
		return 0;
	kcl_sysfs_read(KCL_SYSFS, "last_error", why, sizeof(why));
	if (e == EBUSY)
		return kc_fail(err, errlen,
				"the patches stay applied: tasks kept running in patched code (%s); see %s/blocking, retry later or use --force",
				*why ? why : strerror(e), KCL_SYSFS);
	return kc_fail(err, errlen, "the patches stay applied: %s%s%s",
			strerror(e), *why ? ": " : "", why);
}

static int kcl_patch_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kcl_engine_patch *)a)->name,
		      ((const struct kcl_engine_patch *)b)->name);
}

int kcl_engine_patches(struct kcl_engine_patch **p, size_t *n, char *err,
		       size_t errlen)
{
	struct kcl_engine_patch *v = NULL, *nv, *x;
	char dirpath[256], en[8];
	size_t cnt = 0;
	struct dirent *d;
	DIR *dir;

	*p = NULL;
	*n = 0;
	dir = opendir(KCL_SYSFS "/patches");
	if (!dir)
		return errno == ENOENT ? 0 :
			kc_fail(err, errlen, "cannot read %s/patches: %s", KCL_SYSFS,
				 strerror(errno));
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof(x->name))
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv) {
			closedir(dir);
			free(v);
			return kc_fail(err, errlen, "out of memory");
		}
		v = nv;
		x = &v[cnt++];
		memset(x, 0, sizeof(*x));
		strcpy(x->name, d->d_name);
		snprintf(dirpath, sizeof(dirpath), "%s/patches/%s", KCL_SYSFS, x->name);
		kcl_sysfs_read(dirpath, "enabled", en, sizeof(en));
		x->enabled = !strcmp(en, "1");
		kcl_sysfs_read(dirpath, "description", x->description, sizeof(x->description));
		kcl_sysfs_read(dirpath, "cve", x->cve, sizeof(x->cve));
		kcl_sysfs_read(dirpath, "cvss", x->cvss, sizeof(x->cvss));
		kcl_sysfs_read(dirpath, "cve_url", x->cve_url, sizeof(x->cve_url));
		kcl_sysfs_read(dirpath, "patch_url", x->patch_url, sizeof(x->patch_url));
		kcl_sysfs_read(dirpath, "sysctl", x->sysctl, sizeof(x->sysctl));
	}
	closedir(dir);
	if (cnt)
		qsort(v, cnt, sizeof(*v), kcl_patch_cmp);
	*p = v;
	*n = cnt;
	return 0;
}
