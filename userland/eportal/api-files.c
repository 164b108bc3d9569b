// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the static repository (DIR/repo) over HTTP, for clients
 * that use the server itself rather than a web server or CDN in front.
 * A path is at most four segments of [A-Za-z0-9._-], none starting with
 * a dot: nothing outside the repository, no hidden file (the publishers'
 * lock); and the file found must resolve to a regular file inside the
 * repository (a symbolic link pointing out of it is not followed).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"

#define EP_FILE_MAX_DEPTH 4

static bool ep_repo_path_ok(const char *p)
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
		if (++depth > EP_FILE_MAX_DEPTH)
			return false;
		p += n;
	}
	return !*p;
}

static const char *ep_file_type(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	if (!strcmp(b, "cves.json"))
		return "application/json";
	if (!strcmp(b, "patchset.kcp") || strstr(b, ".sig"))
		return "application/octet-stream";
	return "text/plain";
}

void ep_api_file(struct ep_ctx *ctx, const struct ep_request *rq,
		 struct ep_response *rs)
{
	char root[PATH_MAX], path[PATH_MAX], real[PATH_MAX], rroot[PATH_MAX];
	struct stat st;
	size_t n;
	int fd;

	if (!ep_repo_path_ok(rq->path)) {
		ep_reply_error(rs, strstr(rq->path, "..") ? 400 : 404,
			       strstr(rq->path, "..") ?
			       "bad path: only [A-Za-z0-9._-] segments, none starting with '.'" :
			       "not found");
		return;
	}
	ep_path(ctx->cfg, root, sizeof(root), "repo");
	if (ep_fmt(path, sizeof(path), "%s%s", root, rq->path) >= (int)sizeof(path)) {
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
}

void ep_api_health(struct ep_ctx *ctx, const struct ep_request *rq,
		   struct ep_response *rs)
{
	ep_reply(rs, 200, "application/json", "{\"status\":\"ok\"}");
}
