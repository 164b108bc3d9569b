// SPDX-License-Identifier: GPL-2.0
/*
 * kcare.conf (config.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "conf-lex.h"
#include "fetch.h"
#include "lines.h"
#include "index.h"
#include "util.h"

/* ---- keys and their values ---- */

enum type {
	T_BOOL, T_URL, T_OPT_URL, T_PROXY, T_METHOD, T_PREFIX, T_POLICY,
	T_STICKY, T_PATCH_TYPE, T_GID, T_USERSPACE, T_SECONDS, T_NOPROXY,
	T_MONITORING_KEY, T_TAG,
};

struct key {
	const char *name;
	enum type type;
	size_t off;			/* of the field in struct kc_config */
};

#define F(f)	offsetof(struct kc_config, f)
static const struct key keys[] = {
	{ "AUTO_UPDATE",		T_BOOL,		F(auto_update) },
	{ "PATCH_METHOD",		T_METHOD,	F(freezer) },
	{ "PATCH_SERVER",		T_URL,		F(patch_server) },
	{ "REGISTRATION_URL",		T_OPT_URL,	F(registration_url) },
	{ "PREFIX",			T_PREFIX,	F(prefix) },
	{ "UPDATE_POLICY",		T_POLICY,	F(update_policy) },
	{ "IGNORE_UNKNOWN_KERNEL",	T_BOOL,		F(ignore_unknown_kernel) },
	{ "LOAD_KCARE_SYSCTL",		T_BOOL,		F(load_kcare_sysctl) },
	{ "STICKY_PATCH",		T_STICKY,	F(sticky) },
	{ "PATCH_TYPE",			T_PATCH_TYPE,	F(patch_type) },
	{ "REPORT_FQDN",		T_BOOL,		F(report_fqdn) },
	{ "FORCE_GID",			T_GID,		F(force_gid) },
	{ "USERSPACE_PATCHES",		T_USERSPACE,	F(userspace_patches) },
	{ "HTTP_PROXY",			T_PROXY,	F(http_proxy) },
	{ "HTTPS_PROXY",		T_PROXY,	F(https_proxy) },
	{ "NO_PROXY",			T_NOPROXY,	F(no_proxy) },
	{ "DOWNLOAD_TIMEOUT",		T_SECONDS,	F(download_timeout) },
	{ "MONITORING_KEY",		T_MONITORING_KEY, F(monitoring_key) },
	{ "TAG",			T_TAG,		F(tag) },
};
#undef F

static const struct key *find_key(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == len &&
		    !memcmp(keys[i].name, name, len))
			return &keys[i];
	return NULL;
}

static int parse_bool(const char *v, bool *b)
{
	static const char *const yes[] = { "true", "yes", "1" };
	static const char *const no[] = { "false", "no", "0" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(v, yes[i])) {
			*b = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

/* Printable ASCII, no blanks. */
static bool printable(const char *v)
{
	for (; *v; v++)
		if (*v <= ' ' || *v > '~')
			return false;
	return true;
}

/* SCHEME://HOST... with a non-empty host. */
static bool valid_url(const char *v, const char *const *schemes)
{
	const char *sep = strstr(v, "://");
	size_t n;

	if (!printable(v) || !sep)
		return false;
	for (; *schemes; schemes++) {
		n = strlen(*schemes);
		if ((size_t)(sep - v) == n && !strncasecmp(v, *schemes, n))
			break;
	}
	if (!*schemes)
		return false;
	sep += 3;
	n = strcspn(sep, "/?#");
	/* Not only credentials and nothing else. */
	return n && sep[n - 1] != '@' && sep[0] != ':' && sep[0] != '@';
}

static bool valid_proxy(const char *v)
{
	static const char *const schemes[] = {
		"http", "https", "socks4", "socks4a", "socks5", "socks5h", NULL
	};

	if (strstr(v, "://"))
		return valid_url(v, schemes);
	/* HOST[:PORT], as curl takes it (http). */
	return printable(v) && v[0] != ':' && v[0] != '@' && v[0] != '/';
}

/*
 * DDMMYY (20YY) or DDMMYYYY making a real date. How far back it may be
 * is checked when it is set and when it is used (kcl_sticky_parse), not
 * here: a file that was right when written must keep loading.
 */
static int check_ddmmyy(const char *v, char *why, size_t whylen)
{
	static const unsigned char mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	unsigned int d, m, y, dim;
	int i;

	for (i = 0; i < 8; i++)
		if (v[i] < '0' || v[i] > '9')
			break;
	if ((i != 6 && i != 8) || v[i])
		return kc_fail(why, whylen,
			    "'%.80s' is not a sticky patch (expected DDMMYY, DDMMYYYY, KEY or empty)",
			    v);
	d = (v[0] - '0') * 10 + v[1] - '0';
	m = (v[2] - '0') * 10 + v[3] - '0';
	y = (v[4] - '0') * 10 + v[5] - '0';
	y = i == 8 ? y * 100 + (v[6] - '0') * 10 + v[7] - '0' : 2000 + y;
	if (y < 2000 || y > 2099)
		return kc_fail(why, whylen,
			    "'%s': the year %u (expected DDMMYY or DDMMYYYY of 2000-2099)",
			    v, y);
	if (m < 1 || m > 12)
		return kc_fail(why, whylen,
			    "'%s': no month %u (expected DDMMYY, DDMMYYYY, KEY or empty)",
			    v, m);
	dim = mdays[m - 1] + (m == 2 && y % 4 == 0 &&
			      (y % 100 != 0 || y % 400 == 0));
	if (d < 1 || d > dim)
		return kc_fail(why, whylen,
			    "'%s': no day %u in %04u-%02u (expected DDMMYY, DDMMYYYY, KEY or empty)",
			    v, d, y, m);
	return 0;
}

/* The seed's monitoring key: 16 to 32 letters and digits. */
static int check_monitoring_key(const char *v, char *why, size_t whylen)
{
	size_t n = strlen(v), i;

	for (i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9')))
			return kc_fail(why, whylen,
				    "'%.80s' has a character other than a letter or a digit (expected 16 to 32 letters and digits)",
				    v);
	if (n && (n < 16 || n > 32))
		return kc_fail(why, whylen,
			    "'%.80s' has %zu characters (expected 16 to 32 letters and digits)",
			    v, n);
	return 0;
}

int kc_config_parse_userspace(const char *v, unsigned int *set, char *why,
			       size_t whylen)
{
	static const char *const names[] = { "libs", "qemu", "db" };
	const char *p = v, *e;
	size_t n, i;

	*set = 0;
	if (!*v)
		return 0;
	for (;;) {
		while (kc_is_blank(*p))
			p++;
		e = p + strcspn(p, ",");
		n = e - p;
		while (n && kc_is_blank(p[n - 1]))
			n--;
		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == n && !memcmp(names[i], p, n))
				break;
		if (i == 3)
			return kc_fail(why, whylen,
				    "'%.*s' is not a user-space patch set (expected a comma list of libs, qemu and db)",
				    n > 80 ? 80 : (int)n, p);
		*set |= 1u << i;
		if (!*e)
			return 0;
		p = e + 1;
	}
}

/* Printable ASCII, blanks allowed (a tag is free text). */
static bool kc_tag_ok(const char *v)
{
	for (; *v; v++)
		if (*v < ' ' || *v > '~')
			return false;
	return true;
}

/* Set string field *@f to a copy of @v, or NULL if @v is empty. */
static int set_str(char **f, const char *v, char *why, size_t whylen)
{
	char *s = NULL;

	if (*v) {
		s = strdup(v);
		if (!s)
			return kc_fail(why, whylen, "out of memory");
	}
	free(*f);
	*f = s;
	return 0;
}

/*
 * Check @v for @k and store it into @c; on failure "what is wrong
 * (expected ...)" in @why and @c unchanged. An empty value means the
 * default, except for booleans.
 */
static int set_value(struct kc_config *c, const struct key *k,
		     const char *v, char *why, size_t whylen)
{
	static const char *const web[] = { "http", "https", NULL };
	void *f = (char *)c + k->off;
	char feed[33], tmp[256];
	unsigned long long g;
	unsigned int delay, set;
	char *end;
	bool b;

	switch (k->type) {
	case T_BOOL:
		if (parse_bool(v, &b))
			return kc_fail(why, whylen,
				    "'%.80s' is not a boolean (expected true, false, yes, no, 1 or 0)",
				    v);
		*(bool *)f = b;
		return 0;
	case T_URL:
		if (!*v)
			v = KC_DEFAULT_PATCH_SERVER;
		/* fallthrough */
	case T_OPT_URL:
		if (*v && !valid_url(v, web)) {
			/* The value may hold a password: never shown whole. */
			kc_url_redact(v, tmp, sizeof(tmp));
			return kc_fail(why, whylen,
				    "'%.80s' is not a URL (expected http://HOST/... or https://HOST/...)",
				    tmp);
		}
		return set_str(f, v, why, whylen);
	case T_PROXY:
		if (*v && !valid_proxy(v))
			return kc_fail(why, whylen,
				    "not a proxy (expected [SCHEME://][USER:PASSWORD@]HOST[:PORT], SCHEME one of http, https, socks4, socks4a, socks5, socks5h)");
		return set_str(f, v, why, whylen);
	case T_METHOD:
		if (!*v || !strcasecmp(v, "smart"))
			strcpy(c->freezer, "smart");
		else if (!strcasecmp(v, "nofreeze") || !strcasecmp(v, "none"))
			strcpy(c->freezer, "none");
		else if (!strcasecmp(v, "normal") || !strcasecmp(v, "full"))
			strcpy(c->freezer, "full");
		else
			return kc_fail(why, whylen,
				    "'%.80s' is not a patch method (expected nofreeze, normal or smart)",
				    v);
		return 0;
	case T_PREFIX:
		if (strlen(v) >= sizeof(c->prefix) ||
		    kcl_prefix_parse(v, feed, sizeof(feed), &delay, tmp,
				     sizeof(tmp)))
			return kc_fail(why, whylen,
				    "'%.80s' is not a prefix (expected empty, test, 12h, 24h, 48h or a feed name of a-z, 0-9 and -, at most 32)",
				    v);
		strcpy(c->prefix, v);
		strcpy(c->feed, feed);
		c->delay_hours = delay;
		return 0;
	case T_POLICY:
		if (!*v || !strcasecmp(v, "REMOTE"))
			c->update_policy = KC_POLICY_REMOTE;
		else if (!strcasecmp(v, "LOCAL"))
			c->update_policy = KC_POLICY_LOCAL;
		else if (!strcasecmp(v, "LOCAL_FIRST"))
			c->update_policy = KC_POLICY_LOCAL_FIRST;
		else
			return kc_fail(why, whylen,
				    "'%.80s' is not an update policy (expected REMOTE, LOCAL or LOCAL_FIRST)",
				    v);
		return 0;
	case T_STICKY:
		if (!*v) {
			c->sticky = KC_STICKY_NONE;
			c->sticky_date[0] = '\0';
		} else if (!strcmp(v, "KEY")) {
			c->sticky = KC_STICKY_KEY;
			c->sticky_date[0] = '\0';
		} else {
			if (check_ddmmyy(v, why, whylen))
				return -1;
			c->sticky = KC_STICKY_DATE;
			strcpy(c->sticky_date, v);
		}
		return 0;
	case T_PATCH_TYPE:
		if (!*v)
			v = "default";
		if (strcmp(v, "default") && strcmp(v, "extra") &&
		    strcmp(v, "free"))
			return kc_fail(why, whylen,
				    "'%.80s' is not a patch type (expected default, extra or free)",
				    v);
		strcpy(c->patch_type, v);
		return 0;
	case T_GID:
		if (!*v) {
			c->force_gid_set = false;
			c->force_gid = 0;
			return 0;
		}
		errno = 0;
		g = strtoull(v, &end, 10);
		if (*v < '0' || *v > '9' || *end || errno ||
		    g >= UINT32_MAX)
			return kc_fail(why, whylen,
				    "'%.80s' is not a group id (expected a number from 0 to %u)",
				    v, UINT32_MAX - 1);
		c->force_gid_set = true;
		c->force_gid = g;
		return 0;
	case T_USERSPACE:
		if (kc_config_parse_userspace(v, &set, why, whylen))
			return -1;
		c->userspace_patches = set;
		return 0;
	case T_SECONDS:
		if (!*v) {
			c->download_timeout = KC_DEFAULT_DOWNLOAD_TIMEOUT;
			return 0;
		}
		errno = 0;
		g = strtoull(v, &end, 10);
		if (*v < '0' || *v > '9' || *end || errno || g < 10 || g > 86400)
			return kc_fail(why, whylen,
				    "'%.80s' is not a time in seconds (expected a number from 10 to 86400)",
				    v);
		c->download_timeout = g;
		return 0;
	case T_MONITORING_KEY:
		if (check_monitoring_key(v, why, whylen))
			return -1;
		strcpy(c->monitoring_key, v);
		return 0;
	case T_TAG:
		/* Sent in a JSON string and shown on the server: one short line. */
		if (strlen(v) >= sizeof(c->tag) || !kc_tag_ok(v))
			return kc_fail(why, whylen,
				    "'%.80s' is not a tag (expected at most %zu printable characters)",
				    v, sizeof(c->tag) - 1);
		strcpy(c->tag, v);
		return 0;
	case T_NOPROXY:
		for (end = (char *)v; *end; end++)
			if (!((*end >= 'a' && *end <= 'z') || (*end >= 'A' && *end <= 'Z') ||
			      (*end >= '0' && *end <= '9') || strchr(".-,:*[]/", *end)))
				return kc_fail(why, whylen,
					    "'%.80s' is not a host list (expected host names, addresses, '.domain' or '*', comma separated)",
					    v);
		return set_str(&c->no_proxy, v, why, whylen);
	}
	return kc_fail(why, whylen, "internal error");
}

/* ---- kcare.conf ---- */

int kc_config_defaults(struct kc_config *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->auto_update = true;
	strcpy(c->freezer, "smart");
	c->update_policy = KC_POLICY_REMOTE;
	c->load_kcare_sysctl = true;
	c->sticky = KC_STICKY_NONE;
	strcpy(c->patch_type, "default");
	c->download_timeout = KC_DEFAULT_DOWNLOAD_TIMEOUT;
	c->patch_server = strdup(KC_DEFAULT_PATCH_SERVER);
	if (!c->patch_server)
		return kc_fail(err, errlen, "out of memory");
	return 0;
}

void kc_config_free(struct kc_config *c)
{
	free(c->patch_server);
	free(c->registration_url);
	free(c->http_proxy);
	free(c->https_proxy);
	free(c->no_proxy);
	c->no_proxy = NULL;
	c->patch_server = c->registration_url = NULL;
	c->http_proxy = c->https_proxy = NULL;
}

int kc_config_load(struct kc_config *c, const char *path, char *err,
		    size_t errlen)
{
	char value[KC_CONFIG_MAX_LINE + 1], why[512];
	struct kc_lines l = { .max_line = KC_CONFIG_MAX_LINE };
	const struct key *k;
	struct kc_assign a = { .value = value };
	const char *line;
	bool missing, nl;
	char *buf;
	size_t len;
	int r;

	if (!path)
		path = KC_CONFIG_PATH;
	if (kc_config_defaults(c, err, errlen))
		return -1;
	if (kc_read_file(path, KC_CONFIG_MAX_SIZE, &buf, &len, &missing, err, errlen))
		goto fail;
	if (missing)
		return 0;
	l.file = path;
	l.p = buf;
	l.end = buf + len;
	while ((r = kc_lines_next(&l, &line, &len, &nl, err, errlen)) > 0) {
		r = kc_conf_lex_line(&l, line, len, &a, err, errlen);
		if (r < 0)
			break;
		if (!r)
			continue;
		k = find_key(line + a.key, a.keylen);
		if (!k) {
			/*
			 * A sourced shell file often holds more than the
			 * agent's keys: name it, never stop the agent.
			 */
			fprintf(stderr,
				"kcarectl: warning: %s:%u: unknown key %.*s (ignored)\n",
				path, l.no, a.keylen > 64 ? 64 : (int)a.keylen,
				line + a.key);
			continue;
		}
		if (set_value(c, k, value, why, sizeof(why))) {
			r = kc_fail(err, errlen, "%s:%u: %s: %s", path, l.no,
				     k->name, why);
			break;
		}
	}
	free(buf);
	if (r < 0)
		goto fail;
	return 0;
fail:
	kc_config_free(c);
	return -1;
}

static const char *std_getenv(const char *name)
{
	return getenv(name);
}

const char *kc_config_proxy(const struct kc_config *c, bool https,
			     kc_getenv_fn *getenv_fn)
{
	const char *const names[2][2] = {
		{ "http_proxy", "HTTP_PROXY" },
		{ "https_proxy", "HTTPS_PROXY" },
	};
	const char *v = c ? (https ? c->https_proxy : c->http_proxy) : NULL;
	int i;

	if (v && *v)
		return v;
	if (!getenv_fn)
		getenv_fn = std_getenv;
	for (i = 0; i < 2; i++) {
		v = getenv_fn(names[https][i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* Safe for the shell without quotes. */
static bool bare_ok(const char *v)
{
	if (*v == '~' || *v == '#')
		return false;
	for (; *v; v++)
		if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		      (*v >= '0' && *v <= '9') || strchr("_./:,@%+=-~#", *v)))
			return false;
	return true;
}

/* Write @len bytes of @data as the new content of @path, atomically. */
static int replace_file(const char *path, const char *data, size_t len,
			char *err, size_t errlen)
{
	char *target = NULL, *tmp = NULL, *dir, *slash;
	struct stat st;
	bool exists;
	size_t done = 0;
	ssize_t w;
	int fd = -1, dfd;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		target = realpath(path, NULL);
		if (!target)
			return kc_fail(err, errlen, "%s: cannot resolve: %s",
					path, strerror(errno));
	} else {
		target = strdup(path);
		if (!target)
			return kc_fail(err, errlen, "out of memory");
	}
	exists = stat(target, &st) == 0;
	if (asprintf(&tmp, "%s.XXXXXX", target) < 0) {
		tmp = NULL;
		kc_fail(err, errlen, "out of memory");
		goto fail;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		kc_fail(err, errlen, "%s: cannot create: %s", tmp,
			 strerror(errno));
		free(tmp);
		tmp = NULL;
		goto fail;
	}
	if (fchmod(fd, exists ? st.st_mode & 07777 : 0644) < 0 ||
	    (exists && geteuid() == 0 &&
	     fchown(fd, st.st_uid, st.st_gid) < 0)) {
		kc_fail(err, errlen, "%s: cannot set its mode or owner: %s",
			 tmp, strerror(errno));
		goto fail;
	}
	while (done < len) {
		w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			kc_fail(err, errlen, "%s: cannot write: %s", tmp,
				 w < 0 ? strerror(errno) : "no progress");
			goto fail;
		}
		done += w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		kc_fail(err, errlen, "%s: cannot write: %s", tmp,
			 strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, target) < 0) {
		kc_fail(err, errlen, "%s: cannot replace: %s", target,
			 strerror(errno));
		goto fail;
	}
	/* Make the rename durable; the file is already replaced. */
	dir = tmp;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(target);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(target);
	return -1;
}

int kc_config_set(const char *path, const char *key, const char *value,
		   char *err, size_t errlen)
{
	char vbuf[KC_CONFIG_MAX_LINE + 1], why[512], *buf = NULL, *out = NULL;
	struct kc_assign a = { .value = vbuf };
	struct kc_lines l = { .max_line = KC_CONFIG_MAX_LINE };
	struct kc_config c;
	const struct key *k;
	const char *line, *v;
	bool missing, nl, done = false;
	size_t len, outlen = 0;
	FILE *f;
	int r, ret = -1;
	time_t until;
	char q = 0;

	if (!path)
		path = KC_CONFIG_PATH;
	k = find_key(key, strlen(key));
	if (!k)
		return kc_fail(err, errlen, "unknown key %.64s", key);
	for (v = value; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return kc_fail(err, errlen,
				    "%s: a control character in the value",
				    k->name);
	if (strlen(value) > KC_CONFIG_MAX_LINE - strlen(k->name) - 3)
		return kc_fail(err, errlen, "%s: the value is too long",
				k->name);
	if (!bare_ok(value)) {
		if (!strchr(value, '\''))
			q = '\'';
		else if (!strpbrk(value, "\"$`\\"))
			q = '"';
		else
			return kc_fail(err, errlen,
				    "%s: the value cannot be quoted (it has both ' and one of \" $ ` \\)",
				    k->name);
	}
	if (kc_config_defaults(&c, err, errlen))
		return -1;
	r = set_value(&c, k, value, why, sizeof(why));
	/* A date is set only within the seed's reach: past, 60 days. */
	if (!r && c.sticky == KC_STICKY_DATE &&
	    kcl_sticky_parse(c.sticky_date, time(NULL), &until, why, sizeof(why)))
		r = -1;
	kc_config_free(&c);
	if (r)
		return kc_fail(err, errlen, "%s: %s", k->name, why);

	/* The file must load as it is: then every line lexes. */
	if (kc_config_load(&c, path, err, errlen))
		return -1;
	kc_config_free(&c);
	if (kc_read_file(path, KC_CONFIG_MAX_SIZE, &buf, &len, &missing, err, errlen))
		return -1;
	f = open_memstream(&out, &outlen);
	if (!f) {
		free(buf);
		return kc_fail(err, errlen, "out of memory");
	}
	l.file = path;
	l.p = buf;
	l.end = buf ? buf + len : NULL;
	while ((r = kc_lines_next(&l, &line, &len, &nl, err, errlen)) > 0) {
		r = kc_conf_lex_line(&l, line, len, &a, err, errlen);
		if (r < 0)
			break;
		if (r && a.keylen == strlen(key) &&
		    !memcmp(line + a.key, key, a.keylen)) {
			if (done)	/* a later one: dropped */
				continue;
			done = true;
			fwrite(line, 1, a.vstart, f);
			if (q)
				fprintf(f, "%c%s%c", q, value, q);
			else
				fputs(value, f);
			fwrite(line + a.vend, 1, len - a.vend, f);
			fputc('\n', f);
			continue;
		}
		fwrite(line, 1, len, f);
		fputc('\n', f);
	}
	if (r == 0 && !done) {
		if (q)
			fprintf(f, "%s=%c%s%c\n", key, q, value, q);
		else
			fprintf(f, "%s=%s\n", key, value);
	}
	if (fclose(f) || !out) {
		r = kc_fail(err, errlen, "out of memory");
	}
	if (r == 0)
		ret = replace_file(path, out, outlen, err, errlen);
	free(out);
	free(buf);
	return ret;
}

