// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the agent's Debian packages the server hands out, so
 * that "curl -s https://HOST/install-kernelcare | bash" works on a machine
 * that has no kcare yet and no way to the Internet. The administrator
 * puts the packages `make deb` built into DIR/packages/ (Debian's file
 * names: kcare_VERSION_ARCH.deb, kcare-dkms_VERSION_all.deb); they are
 * served at /packages/NAME, and the set-up script names, for each
 * architecture, the newest of each with its SHA-256, which it checks
 * before installing anything.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "packages.h"

static const char *const ep_pkg_names[] = { "kcare", "kcare-dkms" };
static const char *const ep_pkg_archs[] = { "amd64", "arm64", "all" };

/* @name is NAME_VERSION_ARCH.deb of one of ours; @pkg and @arch say which. */
static bool ep_package_parse(const char *name, unsigned int *pkg,
			     unsigned int *arch, const char **ver,
			     size_t *verlen)
{
	const char *u1, *u2;
	size_t n = strlen(name), i;

	if (n > EP_PKG_NAME_MAX || n < 5 || strcmp(name + n - 4, ".deb") ||
	    strspn(name, EP_ALNUM ".+~_-") != n)
		return false;
	u1 = strchr(name, '_');
	u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	if (!u2 || strchr(u2 + 1, '_') || u2 == u1 + 1 || !isalnum((unsigned char)u1[1]))
		return false;
	for (i = 0; i < ARRAY_SIZE(ep_pkg_names); i++)
		if ((size_t)(u1 - name) == strlen(ep_pkg_names[i]) &&
		    !strncmp(name, ep_pkg_names[i], u1 - name))
			break;
	if (i == ARRAY_SIZE(ep_pkg_names))
		return false;
	*pkg = i;
	for (i = 0; i < ARRAY_SIZE(ep_pkg_archs); i++)
		if ((size_t)(name + n - 4 - u2 - 1) == strlen(ep_pkg_archs[i]) &&
		    !strncmp(u2 + 1, ep_pkg_archs[i], name + n - 4 - u2 - 1))
			break;
	if (i == ARRAY_SIZE(ep_pkg_archs))
		return false;
	*arch = i;
	*ver = u1 + 1;
	*verlen = u2 - u1 - 1;
	return true;
}

bool ep_package_name_ok(const char *name)
{
	unsigned int pkg, arch;
	const char *ver;
	size_t verlen;

	return ep_package_parse(name, &pkg, &arch, &ver, &verlen);
}

static int ep_sha256_file(const char *path, char hex[65])
{
	unsigned char buf[65536], md[32];
	EVP_MD_CTX *ctx;
	unsigned int i;
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (EVP_DigestUpdate(ctx, buf, n) != 1)
			goto out;
	if (n < 0 || EVP_DigestFinal_ex(ctx, md, NULL) != 1)
		goto out;
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

/*
 * Version order of the file names, as "sort -V" (strverscmp): enough for
 * the versions one build tree makes (1.2.0-1 < 1.10.0-1).
 */
static bool ep_newer(const char *ver, size_t len, const char *than)
{
	char a[EP_PKG_NAME_MAX + 1];

	ep_fmt(a, sizeof(a), "%.*s", (int)len, ver);
	return !*than || strverscmp(a, than) > 0;
}

int ep_packages_find(const struct ep_config *cfg, struct ep_packages *out,
		     char *err, size_t errlen)
{
	char dir[4096], path[8192], vers[2][3][EP_PKG_NAME_MAX + 1] = { 0 };
	unsigned int pkg, arch, a, p;
	struct dirent *de;
	size_t verlen;
	const char *ver;
	DIR *d;

	memset(out, 0, sizeof(*out));
	ep_path(cfg, dir, sizeof(dir), "packages");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : (ep_fmt(err, errlen, "%s: %s", dir,
						     strerror(errno)), -1);
	while ((de = readdir(d))) {
		if (!ep_package_parse(de->d_name, &pkg, &arch, &ver, &verlen) ||
		    !ep_newer(ver, verlen, vers[pkg][arch]))
			continue;
		ep_fmt(vers[pkg][arch], sizeof(vers[pkg][arch]), "%.*s",
		       (int)verlen, ver);
		/* Per machine architecture: its own build, else the "all" one. */
		for (a = 0; a < EP_PKG_ARCHS; a++) {
			if (arch != a && arch != EP_PKG_ARCHS)
				continue;
			if (arch == EP_PKG_ARCHS && *vers[pkg][a])
				continue;
			ep_fmt(out->name[a][pkg], EP_PKG_NAME_MAX + 1, "%s",
			       de->d_name);
		}
	}
	closedir(d);
	for (a = 0; a < EP_PKG_ARCHS; a++)
		for (p = 0; p < EP_PKGS; p++) {
			if (!*out->name[a][p])
				continue;
			ep_fmt(path, sizeof(path), "%s/%s", dir, out->name[a][p]);
			if (ep_sha256_file(path, out->sha256[a][p])) {
				ep_fmt(err, errlen, "cannot read %s: %s", path,
				       strerror(errno));
				return -1;
			}
		}
	return 0;
}

const char *ep_package_arch(unsigned int a)
{
	return ep_pkg_archs[a];
}
