// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: DIR/eportal.conf, "name = value" lines; '#' starts a
 * comment. Unknown names and bad values are errors that name the line.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eportal.h"

void ep_config_defaults(struct ep_config *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	ep_fmt(c->dir, sizeof(c->dir), "%s", dir);
	strcpy(c->listen, "0.0.0.0:443");
	strcpy(c->tls_cert, "tls/cert.pem");
	strcpy(c->tls_key, "tls/key.pem");
	c->threads = 4;
	c->max_body = 16384;
	c->max_conns = 1024;
	c->max_conns_per_ip = 64;
	c->timeout = 30;
	c->rate = 50;
	c->burst = 200;
	c->valid_days = 14;
	strcpy(c->access_log, "log/access.log");
}

void ep_path(const struct ep_config *c, char *out, size_t len, const char *rel)
{
	if (*rel == '/')
		ep_fmt(out, len, "%s", rel);
	else
		ep_fmt(out, len, "%s/%s", c->dir, rel);
}

struct ep_conf_uint {
	const char *name;
	size_t off;
	unsigned int min, max;
};

static const struct ep_conf_uint ep_conf_uints[] = {
	{ "threads", offsetof(struct ep_config, threads), 1, 256 },
	{ "max_body", offsetof(struct ep_config, max_body), 1024, 1u << 24 },
	{ "max_connections", offsetof(struct ep_config, max_conns), 1, 100000 },
	{ "max_connections_per_ip", offsetof(struct ep_config, max_conns_per_ip), 1, 100000 },
	{ "timeout", offsetof(struct ep_config, timeout), 1, 3600 },
	{ "rate_limit", offsetof(struct ep_config, rate), 0, 1000000 },
	{ "rate_burst", offsetof(struct ep_config, burst), 1, 1000000 },
	{ "index_valid_days", offsetof(struct ep_config, valid_days), 1, 3660 },
};

static int ep_conf_set(struct ep_config *c, const char *name, const char *v)
{
	struct { const char *name; char *dst; size_t len; } strs[] = {
		{ "listen", c->listen, sizeof(c->listen) },
		{ "tls_cert", c->tls_cert, sizeof(c->tls_cert) },
		{ "tls_key", c->tls_key, sizeof(c->tls_key) },
		{ "access_log", c->access_log, sizeof(c->access_log) },
		{ "real_ip_header", c->real_ip_header, sizeof(c->real_ip_header) },
		{ "public_url", c->public_url, sizeof(c->public_url) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(strs); i++) {
		if (strcmp(name, strs[i].name))
			continue;
		if (strlen(v) >= strs[i].len)
			return -1;
		if (strs[i].dst == c->public_url && *v &&
		    !ep_valid_public_url(v))
			return -1;
		strcpy(strs[i].dst, v);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ep_conf_uints); i++) {
		const struct ep_conf_uint *u = &ep_conf_uints[i];
		unsigned long n;
		char *end;

		if (strcmp(name, u->name))
			continue;
		errno = 0;
		n = strtoul(v, &end, 10);
		if (errno || end == v || *end || *v == '-' || n < u->min ||
		    n > u->max)
			return -1;
		*(unsigned int *)((char *)c + u->off) = n;
		return 0;
	}
	return -2;
}

static char *ep_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
			 e[-1] == '\r'))
		*--e = 0;
	return s;
}

int ep_config_load(struct ep_config *c, const char *dir, char *err,
		   size_t errlen)
{
	char path[PATH_MAX], line[2048], *eq, *name, *v;
	unsigned int n = 0;
	FILE *f;
	int rc;

	ep_config_defaults(c, dir);
	ep_fmt(path, sizeof(path), "%s/eportal.conf", dir);
	f = fopen(path, "re");
	if (!f) {
		ep_fmt(err, errlen, "cannot read %s: %s (run '%s init %s')",
		       path, strerror(errno), ep_prog, dir);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		n++;
		name = ep_trim(line);
		if (!*name || *name == '#')
			continue;
		eq = strchr(name, '=');
		if (!eq) {
			ep_fmt(err, errlen, "%s:%u: expected NAME = VALUE", path, n);
			goto fail;
		}
		*eq = 0;
		v = ep_trim(eq + 1);
		name = ep_trim(name);
		rc = ep_conf_set(c, name, v);
		if (rc == -2) {
			ep_fmt(err, errlen, "%s:%u: unknown setting \"%s\"", path,
			       n, name);
			goto fail;
		}
		if (rc) {
			ep_fmt(err, errlen, "%s:%u: bad value for %s: \"%s\"",
			       path, n, name, v);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

static const char ep_default_conf[] =
	"# kcare-eportal configuration (Documentation/eportal.md).\n"
	"# Relative paths are relative to this directory.\n"
	"\n"
	"# Address and port to listen on; [::]:443 for IPv6.\n"
	"listen = 0.0.0.0:443\n"
	"# HTTPS certificate chain and private key (PEM). Plain HTTP only\n"
	"# with 'serve --http'.\n"
	"tls_cert = tls/cert.pem\n"
	"tls_key = tls/key.pem\n"
	"threads = 4\n"
	"# Limits: bytes of a request body, connections, idle seconds.\n"
	"max_body = 16384\n"
	"max_connections = 1024\n"
	"max_connections_per_ip = 64\n"
	"timeout = 30\n"
	"# Requests per second per client address (0: no limit), and burst.\n"
	"rate_limit = 50\n"
	"rate_burst = 200\n"
	"# Days a signed index stays valid; the server re-signs it daily.\n"
	"index_valid_days = 14\n"
	"# One JSON object per request; '-' for stderr, empty for none.\n"
	"access_log = log/access.log\n"
	"# Behind a reverse proxy on this machine: the header with the client's\n"
	"# address, believed on loopback connections only (e.g. X-Real-IP).\n"
	"real_ip_header =\n"
	"# The address agents use, as install-kernelcare writes it into their\n"
	"# kcare.conf (https://eportal.example.com); empty: the request's Host.\n"
	"public_url =\n";

int ep_config_write_default(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	size_t len = strlen(ep_default_conf);
	int fd;

	ep_fmt(path, sizeof(path), "%s/eportal.conf", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		ep_fmt(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, ep_default_conf, len) != (ssize_t)len || close(fd)) {
		ep_fmt(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
