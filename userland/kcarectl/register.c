// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of registration (register.h): the four calls of the
 * registration API as JSON over the download code (fetch.c), the server
 * id and the last terms under /var/lib/kcare.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ctl-lib.h"
#include "ctl.h"
#include "engine.h"
#include "fetch.h"
#include "netchild.h"
#include "register.h"
#include "sandbox.h"
#include "state.h"
#include "util.h"

/* Whether @s is @n lowercase hex digits. */
static bool kc_reg_hex(const char *s, size_t n)
{
	return strlen(s) == n && kc_all_hex(s, n);
}

int kc_reg_server_id(char id[33], char *err, size_t errlen)
{
	bool missing;
	size_t len;
	char *buf;

	if (kc_read_file(KC_REG_SERVERID_PATH, 4096, &buf, &len, &missing, err,
			  errlen))
		return KC_REG_FAILED;
	if (missing) {
		kc_fail(err, errlen,
			 "this machine is not registered (kcarectl --register KEY registers it)");
		return KC_REG_NOT_REGISTERED;
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (!kc_reg_hex(buf, 32)) {
		free(buf);
		kc_fail(err, errlen,
			 "%s does not hold a server id: register again (kcarectl --register KEY)",
			 KC_REG_SERVERID_PATH);
		return KC_REG_FAILED;
	}
	memcpy(id, buf, 33);
	free(buf);
	return KC_REG_OK;
}

/* /var/lib/kcare, made 0700 if missing. */
static int kc_reg_state_dir(char *err, size_t errlen)
{
	return kc_mkdirs(KCL_STATE_DIR, 0700, err, errlen);
}

/*
 * The machine's stable id, so that a retried registration gets its slot
 * back: /etc/machine-id, not sent as is (systemd asks applications not
 * to) but as the first 128 bits of SHA-256("kcare:" ID), hex; without
 * it, an id of our own made once.
 */
static int kc_reg_machine_id(char out[33], char *err, size_t errlen)
{
	unsigned char raw[16], sha[32];
	char *buf = NULL, *in;
	unsigned int n = 0;
	bool missing;
	size_t len;

	if (kc_read_file(KC_REG_MACHINE_ID_PATH, 4096, &buf, &len, &missing,
			  err, errlen))
		return -1;
	if (missing || !buf[0]) {
		free(buf);
		if (kc_read_file(KC_REG_OWN_ID_PATH, 4096, &buf, &len, &missing, err, errlen))
			return -1;
		if (missing) {
			if (kc_reg_state_dir(err, errlen))
				return -1;
			if (RAND_bytes(raw, sizeof(raw)) != 1)
				return kc_fail(err, errlen, "no random numbers for a machine id");
			kc_hex(out, raw, sizeof(raw));
			out[32] = '\n';
			if (kc_write_atomic(KC_REG_OWN_ID_PATH, out, 33, 0600,
					    err, errlen))
				return -1;
			out[32] = '\0';
			buf = strdup(out);
			if (!buf)
				return kc_fail(err, errlen, "out of memory");
		}
	}
	buf[strcspn(buf, "\n")] = '\0';
	if (asprintf(&in, "kcare:%s", buf) < 0) {
		free(buf);
		return kc_fail(err, errlen, "out of memory");
	}
	free(buf);
	if (!EVP_Digest(in, strlen(in), sha, &n, EVP_sha256(), NULL)) {
		free(in);
		return kc_fail(err, errlen, "cannot hash the machine id");
	}
	free(in);
	kc_hex(out, sha, 16);
	return 0;
}

/* REGISTRATION_URL/v1/NAME, malloc'd. */
static char *kc_reg_url(const struct kc_config *cfg, const char *name,
			char *err, size_t errlen)
{
	const char *u = cfg->registration_url;
	size_t n;
	char *url;

	if (!u || !*u) {
		kc_fail(err, errlen,
			 "REGISTRATION_URL is not set in %s: set it to the registration server (https://HOST/admin/api/kcare for an ePortal)",
			 KC_CONFIG_PATH);
		return NULL;
	}
	n = strlen(u);
	while (n && u[n - 1] == '/')
		n--;
	if (asprintf(&url, "%.*s/v1/%s", (int)n, u, name) < 0) {
		kc_fail(err, errlen, "out of memory");
		return NULL;
	}
	return url;
}

static void kc_reg_str(struct json_object *o, const char *name, char *out,
		       size_t len)
{
	struct json_object *v;

	out[0] = '\0';
	if (json_object_object_get_ex(o, name, &v) &&
	    json_object_is_type(v, json_type_string))
		snprintf(out, len, "%s", json_object_get_string(v));
}

static unsigned long kc_reg_uint(struct json_object *o, const char *name)
{
	struct json_object *v;

	if (json_object_object_get_ex(o, name, &v) &&
	    json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0)
		return (unsigned long)json_object_get_int64(v);
	return 0;
}

/* A feed is a PREFIX word: what the repository's paths may hold. */
static bool kc_reg_feed_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-')
			return false;
	return i <= 32;
}

/* In the sandbox: json-c reads the answer into the terms, unchecked. */
static int kc_reg_parse_fn(const void *in, size_t inlen, void *arg,
			   struct kc_sbuf *out)
{
	struct json_tokener *tok = json_tokener_new_ex(4);
	struct json_object *o, *v;
	struct kc_reg_terms t;

	memset(&t, 0, sizeof(t));
	if (!tok)
		return kc_sbuf_fail(out, "out of memory");
	o = json_tokener_parse_ex(tok, in, (int)inlen);
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return kc_sbuf_fail(out, "the server's answer is not a JSON object");
	}
	kc_reg_str(o, "server_id", t.server_id, sizeof(t.server_id));
	kc_reg_str(o, "feed", t.feed, sizeof(t.feed));
	kc_reg_str(o, "sticky_patch", t.sticky_patch, sizeof(t.sticky_patch));
	kc_reg_str(o, "registered", t.registered, sizeof(t.registered));
	kc_reg_str(o, "last_seen", t.last_seen, sizeof(t.last_seen));
	kc_reg_str(o, "expires", t.expires, sizeof(t.expires));
	t.valid = json_object_object_get_ex(o, "valid", &v) ?
		json_object_get_boolean(v) : true;
	t.limit = kc_reg_uint(o, "limit");
	t.machines = kc_reg_uint(o, "machines");
	json_object_put(o);
	return kc_sbuf_add(out, &t, sizeof(t));
}

/* Whether @s (@len bytes) is a terminated string of printable ASCII. */
static bool kc_reg_text(char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return i < len;
}

/*
 * The answer parsed in the sandbox (like every byte from the network),
 * then each term checked here before it is believed.
 */
static int kc_reg_parse(const char *body, size_t len, struct kc_reg_terms *t,
			char *err, size_t errlen)
{
	unsigned char *out;
	size_t outlen;

	memset(t, 0, sizeof(*t));
	if (kc_sandbox_run(kc_reg_parse_fn, body, len, NULL, &out, &outlen,
			   err, errlen))
		return -1;
	if (outlen != sizeof(*t)) {
		free(out);
		return kc_fail(err, errlen, "the parser's result is malformed");
	}
	memcpy(t, out, sizeof(*t));
	free(out);
	if (!kc_reg_text(t->server_id, sizeof(t->server_id)) ||
	    !kc_reg_text(t->feed, sizeof(t->feed)) ||
	    !kc_reg_text(t->sticky_patch, sizeof(t->sticky_patch)) ||
	    !kc_reg_text(t->registered, sizeof(t->registered)) ||
	    !kc_reg_text(t->last_seen, sizeof(t->last_seen)) ||
	    !kc_reg_text(t->expires, sizeof(t->expires)))
		return kc_fail(err, errlen, "the parser's result is malformed");
	if (!kc_reg_hex(t->server_id, 32))
		return kc_fail(err, errlen, "the server's answer has no valid server_id");
	if (!kc_reg_feed_ok(t->feed))
		return kc_fail(err, errlen, "the server's answer names an invalid feed");
	if (*t->sticky_patch && (strlen(t->sticky_patch) != 6 ||
				 strspn(t->sticky_patch, "0123456789") != 6))
		return kc_fail(err, errlen, "the server's answer has an invalid sticky_patch");
	if (*t->expires && (strlen(t->expires) != 10 ||
			    strspn(t->expires, "0123456789-") != 10))
		return kc_fail(err, errlen, "the server's answer has an invalid expires");
	return 0;
}

/*
 * One call: POST @req (consumed) to v1/@name, or GET v1/@name?@query
 * when @req is NULL. @unknown is the message of a 404.
 */
static int kc_reg_call(const struct kc_config *cfg, const char *name,
		       struct json_object *req, const char *query,
		       unsigned int retries, const char *unknown,
		       struct kc_reg_terms *t, char *err, size_t errlen)
{
	char e[1024], *url, *full = NULL, *buf = NULL;
	struct kc_fetch_opts o;
	size_t len;
	int rc;

	/*
	 * json-c seeds its hash on first use (getrandom, which the parsing
	 * sandbox forbids): done here, before any fork.
	 */
	json_object_put(json_tokener_parse("{\"seed\": 0}"));
	url = kc_reg_url(cfg, name, err, errlen);
	if (!url) {
		json_object_put(req);
		return KC_REG_FAILED;
	}
	if (query && asprintf(&full, "%s?%s", url, query) < 0)
		full = NULL;
	kc_fetch_opts_init(&o);
	o.retries = retries;
	o.proxy = kc_config_proxy(cfg, !strncmp(url, "https:", 6), NULL);
	o.no_proxy = cfg->no_proxy;
	o.deadline_s = cfg->download_timeout ? cfg->download_timeout : 60;
	o.deadline_ms = kc_fetch_deadline(o.deadline_s);
	/* As every download: libcurl runs in the unprivileged child. */
	rc = kc_net_fetch_api(&o, full ? full : url,
			      req ? json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN) : NULL,
			      KC_REG_MAX_ANSWER, &buf, &len, e, sizeof(e));
	json_object_put(req);
	if (!rc) {
		if (kc_reg_parse(buf, len, t, e, sizeof(e)))
			rc = kc_fail(err, errlen, "%s: %s", url, e);
	} else if (rc == KC_FETCH_FORBIDDEN) {
		kc_fail(err, errlen, "Key limit reached");
		rc = KC_REG_LIMIT;
	} else if (rc == KC_FETCH_GONE) {
		kc_fail(err, errlen, "Key expired: the registration key is past its expiry date on the server (ask its administrator for another)");
		rc = KC_REG_EXPIRED;
	} else if (rc == KC_FETCH_NOT_FOUND) {
		kc_fail(err, errlen, "%s", unknown);
		rc = KC_REG_UNKNOWN;
	} else if (rc == KC_FETCH_REJECTED) {
		rc = kc_fail(err, errlen, "the registration server refused the request: %s",
			     e);
	} else {
		kc_fail(err, errlen, "cannot reach the registration server: %s", e);
		rc = KC_REG_UNREACHABLE;
	}
	free(full);
	free(url);
	free(buf);
	return rc;
}

static void kc_reg_add(struct json_object *o, const char *name,
		       const char *value)
{
	if (value && *value)
		json_object_object_add(o, name, json_object_new_string(value));
}

/* The host's fully qualified name, or "" when the resolver has none. */
static void kc_reg_fqdn(const char *host, char *out, size_t len)
{
	struct addrinfo hints = { .ai_flags = AI_CANONNAME }, *ai;

	out[0] = '\0';
	if (getaddrinfo(host, NULL, &hints, &ai))
		return;
	if (ai->ai_canonname)
		snprintf(out, len, "%s", ai->ai_canonname);
	freeaddrinfo(ai);
}

/*
 * What the administrator set to tell this machine apart on the server:
 * REPORT_FQDN's name, --tag, --set-monitoring-key. Optional members, so
 * that a server which does not know them ignores them.
 */
static void kc_reg_add_labels(struct json_object *req,
			      const struct kc_config *cfg)
{
	char host[256] = "", fqdn[256];

	if (cfg->report_fqdn) {
		gethostname(host, sizeof(host) - 1);
		kc_reg_fqdn(host, fqdn, sizeof(fqdn));
		kc_reg_add(req, "fqdn", fqdn);
	}
	kc_reg_add(req, "tag", cfg->tag);
	kc_reg_add(req, "monitoring_key", cfg->monitoring_key);
}

/* The last terms, for STICKY_PATCH=KEY without network; best effort. */
static void kc_reg_keep_terms(const struct kc_reg_terms *t)
{
	char text[256], e[256];
	int n;

	n = snprintf(text, sizeof(text), "feed %s\nsticky_patch %s\nvalid %s\n",
		     t->feed, t->sticky_patch, t->valid ? "yes" : "no");
	kc_write_atomic(KC_REG_LICENSE_PATH, text, n, 0600, e, sizeof(e));
}

int kc_reg_register(const struct kc_config *cfg, const char *key,
		     unsigned int retries, struct kc_reg_terms *t, char *err,
		     size_t errlen)
{
	char mid[33], host[256] = "", distro[128], old[33], e[1024];
	char line[34], unknown[256];
	struct kcl_kernel k;
	struct json_object *req;
	struct kc_reg_terms ot;
	bool had;
	int rc;

	if (kc_reg_machine_id(mid, err, errlen) ||
	    kcl_kernel_identify(&k, err, errlen))
		return KC_REG_FAILED;
	gethostname(host, sizeof(host) - 1);
	kc_os_name(distro, sizeof(distro));
	req = json_object_new_object();
	if (!req)
		return kc_fail(err, errlen, "out of memory");
	kc_reg_add(req, "key", key);
	kc_reg_add(req, "machine_id", mid);
	kc_reg_add(req, "hostname", host);
	kc_reg_add_labels(req, cfg);
	kc_reg_add(req, "distro", distro);
	kc_reg_add(req, "kernel_release", k.release);
	kc_reg_add(req, "kernel_id", k.sha1);
	had = !kc_reg_server_id(old, e, sizeof(e));
	snprintf(unknown, sizeof(unknown),
		 "Unknown key: the registration server does not know key %.64s (check it, or ask the server's administrator)",
		 key);
	rc = kc_reg_call(cfg, "register", req, NULL, retries, unknown, t, err,
			 errlen);
	if (rc)
		return rc;
	snprintf(line, sizeof(line), "%s\n", t->server_id);
	if (kc_reg_state_dir(err, errlen) ||
	    kc_write_atomic(KC_REG_SERVERID_PATH, line, 33, 0600, err, errlen))
		return KC_REG_FAILED;
	kc_reg_keep_terms(t);
	/* Registered again with another key: free the old slot. */
	if (had && strcmp(old, t->server_id)) {
		struct json_object *o = json_object_new_object();

		kc_reg_add(o, "server_id", old);
		if (o && kc_reg_call(cfg, "unregister", o, NULL, retries, "", &ot,
				     e, sizeof(e)) == KC_REG_UNREACHABLE)
			fprintf(stderr, "kcarectl: warning: the previous registration %s was not freed: %s\n",
				old, e);
	}
	return KC_REG_OK;
}

int kc_reg_unregister(const struct kc_config *cfg, struct kc_reg_terms *t,
		       char *err, size_t errlen)
{
	struct json_object *req;
	char id[33];
	int rc;

	memset(t, 0, sizeof(*t));
	rc = kc_reg_server_id(id, err, errlen);
	if (rc)
		return rc;
	snprintf(t->server_id, sizeof(t->server_id), "%s", id);
	req = json_object_new_object();
	if (!req)
		return kc_fail(err, errlen, "out of memory");
	kc_reg_add(req, "server_id", id);
	rc = kc_reg_call(cfg, "unregister", req, NULL, 2,
			 "Unknown server id: the server had already forgotten this machine",
			 t, err, errlen);
	/* Already gone there is gone: forget it here too. */
	if (rc && rc != KC_REG_UNKNOWN)
		return rc;
	if (unlink(KC_REG_SERVERID_PATH) && errno != ENOENT)
		return kc_fail(err, errlen, "cannot remove %s: %s",
				KC_REG_SERVERID_PATH, strerror(errno));
	unlink(KC_REG_LICENSE_PATH);
	snprintf(t->server_id, sizeof(t->server_id), "%s", id);
	return rc;
}

static const char kc_reg_gone[] =
	"Unknown server id: the registration server no longer knows this machine (unregistered, or its key was deleted): register again with kcarectl --register KEY";

int kc_reg_checkin(const struct kc_config *cfg, struct kc_reg_terms *t,
		    char *err, size_t errlen)
{
	char id[33], e[256], user[KC_LIB_LEVELS_MAX];
	struct json_object *req;
	struct kcl_engine eng;
	struct kcl_kernel k;
	int rc;

	rc = kc_reg_server_id(id, err, errlen);
	if (rc)
		return rc;
	if (kcl_kernel_identify(&k, err, errlen))
		return KC_REG_FAILED;
	if (kcl_engine_read(&eng, e, sizeof(e)))
		memset(&eng, 0, sizeof(eng));
	req = json_object_new_object();
	if (!req)
		return kc_fail(err, errlen, "out of memory");
	kc_reg_add(req, "server_id", id);
	kc_reg_add(req, "kernel_release", k.release);
	kc_reg_add(req, "kernel_id", k.sha1);
	kc_reg_add(req, "effective_kernel",
		   eng.level && *eng.effective_version ? eng.effective_version :
		   k.release);
	json_object_object_add(req, "patch_level",
			       json_object_new_int64(eng.loaded ? eng.level : 0));
	kc_lib_levels_text(user);
	kc_reg_add(req, "userspace", user);
	kc_reg_add_labels(req, cfg);
	rc = kc_reg_call(cfg, "checkin", req, NULL, 1, kc_reg_gone, t, err,
			 errlen);
	if (!rc)
		kc_reg_keep_terms(t);
	return rc;
}

int kc_reg_license(const struct kc_config *cfg, struct kc_reg_terms *t,
		    char *err, size_t errlen)
{
	char id[33], q[64];
	int rc;

	rc = kc_reg_server_id(id, err, errlen);
	if (rc)
		return rc;
	snprintf(q, sizeof(q), "server_id=%s", id);
	rc = kc_reg_call(cfg, "license", NULL, q, 1, kc_reg_gone, t, err,
			 errlen);
	if (!rc)
		kc_reg_keep_terms(t);
	return rc;
}

int kc_reg_sticky(const struct kc_config *cfg, char date[7], FILE *log,
		   char *err, size_t errlen)
{
	char e[1024], *buf, *s;
	struct kc_reg_terms t;
	bool missing;
	size_t len;
	int rc;

	date[0] = '\0';
	rc = kc_reg_license(cfg, &t, e, sizeof(e));
	if (!rc) {
		if (!t.valid)
			return kc_fail(err, errlen,
					"STICKY_PATCH=KEY: the registration is no longer valid (the key expired or was withdrawn): register again");
		snprintf(date, 7, "%s", t.sticky_patch);
		return 0;
	}
	if (rc != KC_REG_UNREACHABLE)
		return kc_fail(err, errlen, "STICKY_PATCH=KEY: %s", e);
	if (kc_read_file(KC_REG_LICENSE_PATH, 4096, &buf, &len, &missing, err,
			  errlen))
		return -1;
	if (missing)
		return kc_fail(err, errlen,
				"STICKY_PATCH=KEY: %s, and no earlier answer is kept", e);
	s = strstr(buf, "sticky_patch ");
	if (s && strspn(s + 13, "0123456789") == 6)
		snprintf(date, 7, "%.6s", s + 13);
	free(buf);
	if (log)
		fprintf(log, "The registration server cannot be reached (%s): STICKY_PATCH=KEY uses its last answer, %s\n",
			e, *date ? date : "no sticky date");
	return 0;
}

int kc_reg_apply_feed(const struct kc_config *cfg, const char *feed,
		       FILE *log, char *err, size_t errlen)
{
	if (!*feed || !strcmp(feed, cfg->feed))
		return 0;
	if (kc_config_set(NULL, "PREFIX", feed, err, errlen))
		return -1;
	if (log)
		fprintf(log, "The key's feed is %s: PREFIX=%s set in %s\n", feed,
			feed, KC_CONFIG_PATH);
	return 0;
}

void kc_reg_warn_expired(const struct kc_reg_terms *t)
{
	if (!t->valid)
		fprintf(stderr, "kcarectl: warning: the registration key expired%s%s: ask the server's administrator, or register with another key\n",
			*t->expires ? " on " : "", t->expires);
}

void kc_reg_checkin_after_update(const struct kc_config *cfg)
{
	struct kc_reg_terms t;
	char err[2048];
	int rc;

	if (!cfg->registration_url)
		return;
	rc = kc_reg_checkin(cfg, &t, err, sizeof(err));
	if (rc == KC_REG_NOT_REGISTERED)
		return;
	if (rc) {
		fprintf(stderr, "kcarectl: warning: the check-in failed: %s\n", err);
		return;
	}
	kc_reg_warn_expired(&t);
	if (kc_reg_apply_feed(cfg, t.feed, stdout, err, sizeof(err)))
		fprintf(stderr, "kcarectl: warning: the key's feed %s was not set: %s\n",
			t.feed, err);
}
