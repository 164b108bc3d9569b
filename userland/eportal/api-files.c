// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the static repository (DIR/repo) over HTTP, for clients
 * that use the server itself rather than a web server or CDN in front.
 * A path is at most four segments of [A-Za-z0-9._-], none starting with
 * a dot: nothing outside the repository, no hidden file (the publishers'
 * lock); and the file found must resolve to a regular file inside the
 * repository (a symbolic link pointing out of it is not followed).
 *
 * A download cut half-way resumes (lib/fetch.c asks so): a
 * "Range: bytes=N-" or "bytes=N-M" is answered 206 with that part,
 * unless an If-Range names another version (ETag or date) of the file.
 *
 * DIR/packages is served the same way at /packages/NAME.deb (the agent's
 * packages, packages.c), one level deep.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "packages.h"

#define EP_FILE_MAX_DEPTH 4

static bool ep_repo_path_ok(const char *p, unsigned int max_depth)
{
	unsigned int depth = 0;
	size_t n;

	if (*p != '/')
		return false;
	while (*p == '/') {
		p++;
		n = strspn(p, EP_ALNUM "._-");
		if (!n || *p == '.' || (p[n] && p[n] != '/'))
			return false;
		if (++depth > max_depth)
			return false;
		p += n;
	}
	return !*p;
}

static const char *ep_file_type(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	if (!strcmp(b, "cves.json"))
		return "application/json";
	if (!strcmp(b, "patchset.kcp") || strstr(b, ".sig"))
		return "application/octet-stream";
	n = strlen(b);
	if (n > 4 && !strcmp(b + n - 4, ".deb"))
		return "application/vnd.debian.binary-package";
	return "text/plain";
}

/*
 * The part of a file of @size a Range asks for: 0 and [*off, *off + *len)
 * set, 1 for the whole file (no Range, or one of another kind), -1 when
 * the Range cannot be satisfied (416).
 */
static int ep_range(const char *range, size_t size, size_t *off, size_t *len)
{
	unsigned long long a, b;
	char *end;

	if (!range || strncmp(range, "bytes=", 6) || !isdigit((unsigned char)range[6]))
		return 1;
	a = strtoull(range + 6, &end, 10);
	if (*end != '-')
		return 1;
	if (!end[1]) {
		b = size ? size - 1 : 0;
	} else {
		b = strtoull(end + 1, &end, 10);
		if (*end)
			return 1;	/* several ranges: the whole file */
		if (b >= size)
			b = size - 1;
	}
	if (a >= size || b < a)
		return -1;
	*off = a;
	*len = b - a + 1;
	return 0;
}

/* The file @rel (a path from '/') of the directory @dir of the server's. */
static void ep_serve_file(struct ep_ctx *ctx, const struct ep_request *rq,
			  struct ep_response *rs, const char *dir,
			  const char *rel, unsigned int max_depth)
{
	char root[PATH_MAX], path[PATH_MAX], real[PATH_MAX], rroot[PATH_MAX];
	const char *range, *ifr;
	size_t n, off, len;
	struct stat st;
	struct tm tm;
	int fd;

	if (!ep_repo_path_ok(rel, max_depth)) {
		ep_reply_error(rs, strstr(rel, "..") ? 400 : 404,
			       strstr(rel, "..") ?
			       "bad path: only [A-Za-z0-9._-] segments, none starting with '.'" :
			       "not found");
		return;
	}
	ep_path(ctx->cfg, root, sizeof(root), dir);
	if (ep_fmt(path, sizeof(path), "%s%s", root, rel) >= (int)sizeof(path)) {
		ep_reply_error(rs, 404, "not found");
		return;
	}
	n = realpath(root, rroot) ? strlen(rroot) : 0;
	if (!n || !realpath(path, real) || strncmp(real, rroot, n) ||
	    real[n] != '/') {
		ep_reply_error(rs, 404, "not found");
		return;
	}
	fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		ep_reply_error(rs, 404, "not found");
		return;
	}
	rs->status = 200;
	rs->content_type = ep_file_type(path);
	rs->fd = fd;
	rs->fd_len = st.st_size;
	/* Files are replaced by rename, never rewritten: inode, size and time name a version. */
	ep_fmt(rs->etag, sizeof(rs->etag), "\"%llx-%llx-%llx\"",
	       (unsigned long long)st.st_ino, (unsigned long long)st.st_size,
	       (unsigned long long)st.st_mtime);
	gmtime_r(&st.st_mtime, &tm);
	strftime(rs->last_modified, sizeof(rs->last_modified),
		 "%a, %d %b %Y %H:%M:%S GMT", &tm);
	range = rq->header ? rq->header(rq, "Range") : NULL;
	ifr = rq->header ? rq->header(rq, "If-Range") : NULL;
	if (ifr && strcmp(ifr, rs->etag) && strcmp(ifr, rs->last_modified))
		return;
	switch (ep_range(range, st.st_size, &off, &len)) {
	case 0:
		rs->status = 206;
		rs->fd_off = off;
		rs->fd_len = len;
		ep_fmt(rs->content_range, sizeof(rs->content_range),
		       "bytes %zu-%zu/%llu", off, off + len - 1,
		       (unsigned long long)st.st_size);
		break;
	case -1:
		close(fd);
		rs->fd = -1;
		ep_reply_error(rs, 416, "range not satisfiable");
		ep_fmt(rs->content_range, sizeof(rs->content_range),
		       "bytes */%llu", (unsigned long long)st.st_size);
		break;
	}
}

void ep_api_file(struct ep_ctx *ctx, const struct ep_request *rq,
		 struct ep_response *rs)
{
	ep_serve_file(ctx, rq, rs, "repo", rq->path, EP_FILE_MAX_DEPTH);
}

/* GET /packages/NAME: the agent's packages install-kernelcare installs. */
void ep_api_package(struct ep_ctx *ctx, const struct ep_request *rq,
		    struct ep_response *rs)
{
	char rel[EP_PKG_NAME_MAX + 2];

	if (ep_fmt(rel, sizeof(rel), "/%s", rq->route_arg) >= (int)sizeof(rel) ||
	    !ep_package_name_ok(rq->route_arg)) {
		ep_reply_error(rs, strstr(rq->route_arg, "..") ? 400 : 404,
			       strstr(rq->route_arg, "..") ? "bad package name" : "not found");
		return;
	}
	ep_serve_file(ctx, rq, rs, "packages", rel, 1);
}

void ep_api_health(struct ep_ctx *ctx, const struct ep_request *rq,
		   struct ep_response *rs)
{
	ep_reply(rs, 200, "application/json", "{\"status\":\"ok\"}");
}
