// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the configuration (loader/config.c): kcare.conf's
 * defaults, every key, the syntax (quotes, comments, export, duplicates),
 * each error with its exact "FILE:LINE: KEY: ..." message, the proxy
 * precedence, kc_config_set()'s rewriting, and sysctl.conf applied into
 * a temporary tree standing for /proc/sys.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "sysctl-conf.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char dir[] = "/tmp/kc-config-test.XXXXXX";
static char conf[256], procsys[256];
static char err[4096];

static int rm_one(const char *p, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	snprintf(conf, sizeof(conf), "%s/kcare.conf", dir);
	snprintf(procsys, sizeof(procsys), "%s/proc", dir);
	return 0;
}

static int teardown(void **state)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *get(const char *path)
{
	static char buf[1 << 17];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int load(const char *text, struct kc_config *c)
{
	put(conf, text);
	return kc_config_load(c, conf, err, sizeof(err));
}

/* The error of loading @text is "CONF:@msg". */
static void load_fails(const char *text, const char *msg)
{
	struct kc_config c;
	char want[1024];

	snprintf(want, sizeof(want), "%s:%s", conf, msg);
	if (load(text, &c) == 0)
		fail_msg("accepted: %s", text);
	assert_string_equal(err, want);
	assert_null(c.patch_server);
}

/* ---- kcare.conf ---- */

static void check_defaults(const struct kc_config *c)
{
	assert_true(c->auto_update);
	assert_string_equal(c->freezer, "smart");
	assert_string_equal(c->patch_server, KC_DEFAULT_PATCH_SERVER);
	assert_string_equal(c->patch_server, "https://patches.kcare.example/");
	assert_null(c->registration_url);
	assert_string_equal(c->prefix, "");
	assert_string_equal(c->feed, "");
	assert_int_equal(c->delay_hours, 0);
	assert_int_equal(c->update_policy, KC_POLICY_REMOTE);
	assert_false(c->ignore_unknown_kernel);
	assert_true(c->load_kcare_sysctl);
	assert_int_equal(c->sticky, KC_STICKY_NONE);
	assert_string_equal(c->sticky_date, "");
	assert_string_equal(c->patch_type, "default");
	assert_false(c->report_fqdn);
	assert_false(c->force_gid_set);
	assert_int_equal(c->userspace_patches, 0);
	assert_null(c->http_proxy);
	assert_null(c->https_proxy);
}

static void defaults(void **state)
{
	struct kc_config c;
	char missing[300];

	snprintf(missing, sizeof(missing), "%s/nothing/kcare.conf", dir);
	assert_int_equal(kc_config_load(&c, missing, err, sizeof(err)), 0);
	check_defaults(&c);
	kc_config_free(&c);
	kc_config_free(&c);	/* twice is harmless */

	assert_int_equal(load("", &c), 0);
	check_defaults(&c);
	kc_config_free(&c);

	assert_int_equal(load("# only comments\n\n   \n\t# indented\n", &c), 0);
	check_defaults(&c);
	kc_config_free(&c);

	/* Empty values are the defaults (booleans aside). */
	assert_int_equal(load("PATCH_METHOD=\nPATCH_SERVER=\nREGISTRATION_URL=\n"
			      "PREFIX=\nUPDATE_POLICY=\nSTICKY_PATCH=\n"
			      "PATCH_TYPE=\nFORCE_GID=\nUSERSPACE_PATCHES=\n"
			      "HTTP_PROXY=\nHTTPS_PROXY=''\n", &c), 0);
	check_defaults(&c);
	kc_config_free(&c);
}

static void every_key(void **state)
{
	struct kc_config c;

	assert_int_equal(load("AUTO_UPDATE=False\n"
			      "PATCH_METHOD=nofreeze\n"
			      "PATCH_SERVER=http://10.0.0.1:8080/kcare/\n"
			      "REGISTRATION_URL=https://reg.example/api\n"
			      "PREFIX=24h\n"
			      "UPDATE_POLICY=LOCAL_FIRST\n"
			      "IGNORE_UNKNOWN_KERNEL=yes\n"
			      "LOAD_KCARE_SYSCTL=0\n"
			      "STICKY_PATCH=290228\n"
			      "PATCH_TYPE=extra\n"
			      "REPORT_FQDN=TRUE\n"
			      "FORCE_GID=4294967294\n"
			      "USERSPACE_PATCHES=libs,db\n"
			      "HTTP_PROXY=http://proxy:3128\n"
			      "HTTPS_PROXY=socks5h://user:pw@proxy:1080\n", &c), 0);
	assert_false(c.auto_update);
	assert_string_equal(c.freezer, "none");
	assert_string_equal(c.patch_server, "http://10.0.0.1:8080/kcare/");
	assert_string_equal(c.registration_url, "https://reg.example/api");
	assert_string_equal(c.prefix, "24h");
	assert_string_equal(c.feed, "");
	assert_int_equal(c.delay_hours, 24);
	assert_int_equal(c.update_policy, KC_POLICY_LOCAL_FIRST);
	assert_true(c.ignore_unknown_kernel);
	assert_false(c.load_kcare_sysctl);
	assert_int_equal(c.sticky, KC_STICKY_DATE);
	assert_string_equal(c.sticky_date, "290228");
	assert_string_equal(c.patch_type, "extra");
	assert_true(c.report_fqdn);
	assert_true(c.force_gid_set);
	assert_int_equal(c.force_gid, 4294967294u);
	assert_int_equal(c.userspace_patches,
			 KC_USERSPACE_LIBS | KC_USERSPACE_DB);
	assert_string_equal(c.http_proxy, "http://proxy:3128");
	assert_string_equal(c.https_proxy, "socks5h://user:pw@proxy:1080");
	kc_config_free(&c);
	assert_null(c.patch_server);
	assert_null(c.https_proxy);

	/* The other spellings. */
	assert_int_equal(load("PATCH_METHOD=normal\nPREFIX=test\nUPDATE_POLICY=local\n"
			      "STICKY_PATCH=KEY\nFORCE_GID=0\n"
			      "USERSPACE_PATCHES='qemu, libs ,db'\nPATCH_TYPE=free\n"
			      "HTTP_PROXY=proxy.example:3128\n", &c), 0);
	assert_string_equal(c.freezer, "full");
	assert_string_equal(c.prefix, "test");
	assert_string_equal(c.feed, "test");
	assert_int_equal(c.delay_hours, 0);
	assert_int_equal(c.update_policy, KC_POLICY_LOCAL);
	assert_int_equal(c.sticky, KC_STICKY_KEY);
	assert_true(c.force_gid_set);
	assert_int_equal(c.force_gid, 0);
	assert_int_equal(c.userspace_patches, KC_USERSPACE_LIBS |
			 KC_USERSPACE_QEMU | KC_USERSPACE_DB);
	assert_string_equal(c.patch_type, "free");
	assert_string_equal(c.http_proxy, "proxy.example:3128");
	kc_config_free(&c);

	assert_int_equal(load("PATCH_METHOD=SMART\nPREFIX=12h\nUPDATE_POLICY=REMOTE\n"
			      "PATCH_METHOD=full\n", &c), 0);
	assert_string_equal(c.freezer, "full");
	assert_int_equal(c.delay_hours, 12);
	kc_config_free(&c);
	assert_int_equal(load("PATCH_METHOD=none\nPREFIX=48h\n", &c), 0);
	assert_string_equal(c.freezer, "none");
	assert_int_equal(c.delay_hours, 48);
	kc_config_free(&c);
}

static void booleans(void **state)
{
	static const char *const yes[] = { "True", "true", "TRUE", "yes", "Yes", "1" };
	static const char *const no[] = { "False", "false", "no", "NO", "0" };
	struct kc_config c;
	char text[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		snprintf(text, sizeof(text), "REPORT_FQDN=%s\n", yes[i]);
		assert_int_equal(load(text, &c), 0);
		assert_true(c.report_fqdn);
		kc_config_free(&c);
	}
	for (i = 0; i < ARRAY_SIZE(no); i++) {
		snprintf(text, sizeof(text), "AUTO_UPDATE=%s\n", no[i]);
		assert_int_equal(load(text, &c), 0);
		assert_false(c.auto_update);
		kc_config_free(&c);
	}
}

static void syntax(void **state)
{
	struct kc_config c;

	/* Quotes, export, comments, blanks, a missing last new line. */
	assert_int_equal(load("# kcare.conf\n"
			      "\n"
			      "  export AUTO_UPDATE='no'   # trailing comment\n"
			      "export\tPATCH_SERVER=\"https://a.example/x#y\"\n"
			      "REGISTRATION_URL=https://r.example/#frag # comment\n"
			      "HTTPS_PROXY='http://u:p$w@proxy:3128'\n"
			      "PREFIX=\"\"\n"
			      "\tREPORT_FQDN=1\t\n"
			      "STICKY_PATCH= # empty\n"
			      "PATCH_TYPE=extra", &c), 0);
	assert_false(c.auto_update);
	assert_string_equal(c.patch_server, "https://a.example/x#y");
	assert_string_equal(c.registration_url, "https://r.example/#frag");
	assert_string_equal(c.https_proxy, "http://u:p$w@proxy:3128");
	assert_string_equal(c.prefix, "");
	assert_true(c.report_fqdn);
	assert_int_equal(c.sticky, KC_STICKY_NONE);
	assert_string_equal(c.patch_type, "extra");
	kc_config_free(&c);

	/* As sh reads them: parts joined, escapes, # inside a word. */
	assert_int_equal(load("PATCH_SERVER='https://a/'x\n"
			      "REGISTRATION_URL=https://r/b'c'\"d\"\n"
			      "HTTP_PROXY=\"http://u:p\\$w\\\"@proxy:1\"\n"
			      "HTTPS_PROXY=http://u:p\\$x@proxy:2 # c\n"
			      "TAG='web servers'#x\n"
			      "export PREFIX\n"
			      "MONITORING_KEY=abcdefghABCDEFGH1234\n"
			      "STICKY_PATCH=16092020\n", &c), 0);
	assert_string_equal(c.patch_server, "https://a/x");
	assert_string_equal(c.registration_url, "https://r/bcd");
	assert_string_equal(c.http_proxy, "http://u:p$w\"@proxy:1");
	assert_string_equal(c.https_proxy, "http://u:p$x@proxy:2");
	assert_string_equal(c.tag, "web servers#x");
	assert_string_equal(c.monitoring_key, "abcdefghABCDEFGH1234");
	assert_int_equal(c.sticky, KC_STICKY_DATE);
	assert_string_equal(c.sticky_date, "16092020");
	kc_config_free(&c);

	/* Unknown keys: a warning, never an error (a shell file has more). */
	assert_int_equal(load("# c\nFOO=1\nauto_update=1\nAUTO_UPDATE=no\n", &c), 0);
	assert_false(c.auto_update);
	kc_config_free(&c);

	/* A key given twice: the last one wins. */
	assert_int_equal(load("PATCH_SERVER=https://one.example/\n"
			      "AUTO_UPDATE=no\n"
			      "PATCH_SERVER=https://two.example/\n"
			      "AUTO_UPDATE=yes\n", &c), 0);
	assert_string_equal(c.patch_server, "https://two.example/");
	assert_true(c.auto_update);
	kc_config_free(&c);

	/* ... also back to the default. */
	assert_int_equal(load("HTTP_PROXY=http://p:1\nHTTP_PROXY=\n", &c), 0);
	assert_null(c.http_proxy);
	kc_config_free(&c);
}

struct bad {
	const char *text;
	const char *msg;	/* after "FILE:" */
};

static void errors(void **state)
{
	static const struct bad bad[] = {
		/* Syntax. */
		{ "AUTO_UPDATE = 1\n", "1: AUTO_UPDATE: spaces around '=' (sh would run KEY as a command; expected KEY=VALUE)" },
		{ "AUTO_UPDATE =1\n", "1: AUTO_UPDATE: spaces around '=' (sh would run KEY as a command; expected KEY=VALUE)" },
		{ "\nAUTO_UPDATE= 1\n", "2: AUTO_UPDATE: spaces after '=' (sh would run the value as a command; expected KEY=VALUE)" },
		{ "AUTO_UPDATE\n", "1: expected KEY=VALUE (KEY of letters, digits and _)" },
		{ "AUTO-UPDATE=1\n", "1: expected KEY=VALUE (KEY of letters, digits and _)" },
		{ "1KEY=1\n", "1: expected KEY=VALUE (KEY of letters, digits and _)" },
		{ "export\n", "1: expected KEY=VALUE (KEY of letters, digits and _)" },
		{ "PATCH_SERVER='https://a/\n",
		  "1: PATCH_SERVER: unterminated ' (expected the closing quote on the same line)" },
		{ "PATCH_SERVER=\"https://a/\n",
		  "1: PATCH_SERVER: unterminated \" (expected the closing quote on the same line)" },
		{ "PATCH_SERVER='https://a/' x\n",
		  "1: PATCH_SERVER: text after the value (sh would run it as a command; expected the value in quotes if it has blanks)" },
		{ "PATCH_SERVER=https://a/ x\n",
		  "1: PATCH_SERVER: text after the value (sh would run it as a command; expected the value in quotes if it has blanks)" },
		{ "PATCH_SERVER=$SERVER\n",
		  "1: PATCH_SERVER: '$' would expand (expected \\$ or the value in single quotes)" },
		{ "PATCH_SERVER=\"https://$HOST/\"\n",
		  "1: PATCH_SERVER: '$' in double quotes would expand (expected \\$ or single quotes)" },
		{ "PATCH_SERVER=\"https://`hostname`/\"\n",
		  "1: PATCH_SERVER: '`' in double quotes would run a command (expected \\` or single quotes)" },
		{ "PATCH_SERVER=https://a/;reboot\n",
		  "1: PATCH_SERVER: a shell operator in the value (expected the value in quotes)" },
		{ "PATCH_SERVER=https://a/\\\n",
		  "1: PATCH_SERVER: a \\ at the end of the line (expected the value on one line)" },
		{ "STICKY_PATCH=16092020x\n",
		  "1: STICKY_PATCH: '16092020x' is not a sticky patch (expected DDMMYY, DDMMYYYY, KEY or empty)" },
		{ "STICKY_PATCH=16091920\n",
		  "1: STICKY_PATCH: '16091920': the year 1920 (expected DDMMYY or DDMMYYYY of 2000-2099)" },
		{ "MONITORING_KEY=abc\n",
		  "1: MONITORING_KEY: 'abc' has 3 characters (expected 16 to 32 letters and digits)" },
		{ "MONITORING_KEY=abcdefgh-12345678\n",
		  "1: MONITORING_KEY: 'abcdefgh-12345678' has a character other than a letter or a digit (expected 16 to 32 letters and digits)" },
		{ "AUTO_UPDATE=1\r\n",
		  "1: a carriage return (expected Unix line ends: convert the file with dos2unix)" },
		{ "AUTO_UPDATE=\0011\n", "1: a control byte (0x01) (expected text)" },
		/* Values. */
		{ "AUTO_UPDATE=maybe\n",
		  "1: AUTO_UPDATE: 'maybe' is not a boolean (expected true, false, yes, no, 1 or 0)" },
		{ "AUTO_UPDATE=\n",
		  "1: AUTO_UPDATE: '' is not a boolean (expected true, false, yes, no, 1 or 0)" },
		{ "IGNORE_UNKNOWN_KERNEL=on\n",
		  "1: IGNORE_UNKNOWN_KERNEL: 'on' is not a boolean (expected true, false, yes, no, 1 or 0)" },
		{ "LOAD_KCARE_SYSCTL=2\n",
		  "1: LOAD_KCARE_SYSCTL: '2' is not a boolean (expected true, false, yes, no, 1 or 0)" },
		{ "REPORT_FQDN=y\n",
		  "1: REPORT_FQDN: 'y' is not a boolean (expected true, false, yes, no, 1 or 0)" },
		{ "PATCH_METHOD=fast\n",
		  "1: PATCH_METHOD: 'fast' is not a patch method (expected nofreeze, normal or smart)" },
		{ "PATCH_SERVER=ftp://a/\n",
		  "1: PATCH_SERVER: 'ftp://a/' is not a URL (expected http://HOST/... or https://HOST/...)" },
		{ "PATCH_SERVER=patches.example\n",
		  "1: PATCH_SERVER: 'patches.example' is not a URL (expected http://HOST/... or https://HOST/...)" },
		{ "PATCH_SERVER=https:///path\n",
		  "1: PATCH_SERVER: 'https:///path' is not a URL (expected http://HOST/... or https://HOST/...)" },
		{ "PATCH_SERVER='https://a b/'\n",
		  "1: PATCH_SERVER: 'https://a b/' is not a URL (expected http://HOST/... or https://HOST/...)" },
		{ "REGISTRATION_URL=reg\n",
		  "1: REGISTRATION_URL: 'reg' is not a URL (expected http://HOST/... or https://HOST/...)" },
		{ "PREFIX=13h\n",
		  "1: PREFIX: '13h' is not a prefix (expected empty, test, 12h, 24h, 48h or a feed name of a-z, 0-9 and -, at most 32)" },
		{ "PREFIX=Test\n",
		  "1: PREFIX: 'Test' is not a prefix (expected empty, test, 12h, 24h, 48h or a feed name of a-z, 0-9 and -, at most 32)" },
		{ "UPDATE_POLICY=CACHE\n",
		  "1: UPDATE_POLICY: 'CACHE' is not an update policy (expected REMOTE, LOCAL or LOCAL_FIRST)" },
		{ "STICKY_PATCH=2026-02-01\n",
		  "1: STICKY_PATCH: '2026-02-01' is not a sticky patch (expected DDMMYY, DDMMYYYY, KEY or empty)" },
		{ "STICKY_PATCH=key\n",
		  "1: STICKY_PATCH: 'key' is not a sticky patch (expected DDMMYY, DDMMYYYY, KEY or empty)" },
		{ "STICKY_PATCH=011326\n",
		  "1: STICKY_PATCH: '011326': no month 13 (expected DDMMYY, DDMMYYYY, KEY or empty)" },
		{ "STICKY_PATCH=290225\n",
		  "1: STICKY_PATCH: '290225': no day 29 in 2025-02 (expected DDMMYY, DDMMYYYY, KEY or empty)" },
		{ "PATCH_TYPE=paid\n",
		  "1: PATCH_TYPE: 'paid' is not a patch type (expected default, extra or free)" },
		{ "FORCE_GID=-1\n",
		  "1: FORCE_GID: '-1' is not a group id (expected a number from 0 to 4294967294)" },
		{ "FORCE_GID=4294967295\n",
		  "1: FORCE_GID: '4294967295' is not a group id (expected a number from 0 to 4294967294)" },
		{ "FORCE_GID=12a\n",
		  "1: FORCE_GID: '12a' is not a group id (expected a number from 0 to 4294967294)" },
		{ "USERSPACE_PATCHES=libs,,db\n",
		  "1: USERSPACE_PATCHES: '' is not a user-space patch set (expected a comma list of libs, qemu and db)" },
		{ "USERSPACE_PATCHES=libs,mysql\n",
		  "1: USERSPACE_PATCHES: 'mysql' is not a user-space patch set (expected a comma list of libs, qemu and db)" },
		{ "HTTP_PROXY=ftp://p:21\n",
		  "1: HTTP_PROXY: not a proxy (expected [SCHEME://][USER:PASSWORD@]HOST[:PORT], SCHEME one of http, https, socks4, socks4a, socks5, socks5h)" },
		{ "HTTPS_PROXY=':3128'\n",
		  "1: HTTPS_PROXY: not a proxy (expected [SCHEME://][USER:PASSWORD@]HOST[:PORT], SCHEME one of http, https, socks4, socks4a, socks5, socks5h)" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		load_fails(bad[i].text, bad[i].msg);
}

static void file_limits(void **state)
{
	struct kc_config c;
	char *big, want[512];
	size_t i;

	/* A line of exactly KC_CONFIG_MAX_LINE bytes is fine. */
	big = malloc(KC_CONFIG_MAX_SIZE + 16);
	assert_non_null(big);
	memset(big, '#', KC_CONFIG_MAX_LINE);
	strcpy(big + KC_CONFIG_MAX_LINE, "\nAUTO_UPDATE=0\n");
	assert_int_equal(load(big, &c), 0);
	assert_false(c.auto_update);
	kc_config_free(&c);
	/* One more is not. */
	memset(big, '#', KC_CONFIG_MAX_LINE + 1);
	strcpy(big + KC_CONFIG_MAX_LINE + 1, "\n");
	load_fails(big, "1: line longer than 4096 bytes");

	/* KC_CONFIG_MAX_SIZE bytes are fine, one more is not. */
	for (i = 0; i < KC_CONFIG_MAX_SIZE; i += 64) {
		memset(big + i, '#', 63);
		big[i + 63] = '\n';
	}
	big[KC_CONFIG_MAX_SIZE] = '\0';
	assert_int_equal(load(big, &c), 0);
	kc_config_free(&c);
	strcpy(big + KC_CONFIG_MAX_SIZE, "\n");
	snprintf(want, sizeof(want), "%s: larger than 65536 bytes", conf);
	assert_int_equal(load(big, &c), -1);
	assert_string_equal(err, want);
	free(big);

	/* Unreadable: a directory. */
	assert_int_equal(kc_config_load(&c, dir, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s: not a regular file", dir);
	assert_string_equal(err, want);
	assert_null(c.patch_server);

	/* Unreadable: no permission (root reads anyway). */
	if (geteuid() != 0) {
		put(conf, "AUTO_UPDATE=1\n");
		assert_int_equal(chmod(conf, 0), 0);
		assert_int_equal(kc_config_load(&c, conf, err, sizeof(err)), -1);
		snprintf(want, sizeof(want), "%s: cannot open: Permission denied",
			 conf);
		assert_string_equal(err, want);
		assert_int_equal(chmod(conf, 0644), 0);
	}
}

/* ---- proxies ---- */

static const char *env_http, *env_HTTP, *env_https, *env_HTTPS;

static const char *fake_getenv(const char *name)
{
	if (!strcmp(name, "http_proxy"))
		return env_http;
	if (!strcmp(name, "HTTP_PROXY"))
		return env_HTTP;
	if (!strcmp(name, "https_proxy"))
		return env_https;
	if (!strcmp(name, "HTTPS_PROXY"))
		return env_HTTPS;
	return NULL;
}

static void proxy(void **state)
{
	struct kc_config c;

	assert_int_equal(load("", &c), 0);
	env_http = env_HTTP = env_https = env_HTTPS = NULL;
	assert_null(kc_config_proxy(&c, false, fake_getenv));
	assert_null(kc_config_proxy(&c, true, fake_getenv));

	/* Either case, lower case first; empty is unset. */
	env_HTTP = "http://HTTP:1";
	env_HTTPS = "http://HTTPS:1";
	assert_string_equal(kc_config_proxy(&c, false, fake_getenv), "http://HTTP:1");
	assert_string_equal(kc_config_proxy(&c, true, fake_getenv), "http://HTTPS:1");
	env_http = "http://http:1";
	env_https = "http://https:1";
	assert_string_equal(kc_config_proxy(&c, false, fake_getenv), "http://http:1");
	assert_string_equal(kc_config_proxy(&c, true, fake_getenv), "http://https:1");
	env_http = "";
	env_https = "";
	assert_string_equal(kc_config_proxy(&c, false, fake_getenv), "http://HTTP:1");
	assert_string_equal(kc_config_proxy(&c, true, fake_getenv), "http://HTTPS:1");
	/* No crossing between http and https. */
	env_http = env_HTTP = NULL;
	assert_null(kc_config_proxy(&c, false, fake_getenv));
	assert_string_equal(kc_config_proxy(&c, true, fake_getenv), "http://HTTPS:1");
	kc_config_free(&c);

	/* The config first. */
	assert_int_equal(load("HTTPS_PROXY=http://conf-s:1\n", &c), 0);
	env_http = "http://http:1";
	env_https = "http://https:1";
	assert_string_equal(kc_config_proxy(&c, true, fake_getenv), "http://conf-s:1");
	assert_string_equal(kc_config_proxy(&c, false, fake_getenv), "http://http:1");
	kc_config_free(&c);
	assert_int_equal(load("HTTP_PROXY=http://conf:1\n", &c), 0);
	assert_string_equal(kc_config_proxy(&c, false, fake_getenv), "http://conf:1");
	assert_string_equal(kc_config_proxy(&c, true, fake_getenv), "http://https:1");
	kc_config_free(&c);

	/* No config at all; the real environment by default. */
	assert_string_equal(kc_config_proxy(NULL, true, fake_getenv), "http://https:1");
	setenv("https_proxy", "http://real:1", 1);
	assert_string_equal(kc_config_proxy(NULL, true, NULL), "http://real:1");
	unsetenv("https_proxy");
}

/* ---- kc_config_set ---- */

static int set(const char *key, const char *value)
{
	return kc_config_set(conf, key, value, err, sizeof(err));
}

static void config_set(void **state)
{
	struct kc_config c;
	struct stat st;
	char want[512];

	put(conf, "# KernelCare\n"
		  "\n"
		  "AUTO_UPDATE=True\n"
		  "export STICKY_PATCH='010126'   # pinned\n"
		  "PATCH_SERVER=https://a.example/\n"
		  "STICKY_PATCH=020126\n"
		  "# end");
	assert_int_equal(chmod(conf, 0600), 0);
	assert_int_equal(set("STICKY_PATCH", "KEY"), 0);
	assert_string_equal(get(conf), "# KernelCare\n"
					"\n"
					"AUTO_UPDATE=True\n"
					"export STICKY_PATCH=KEY   # pinned\n"
					"PATCH_SERVER=https://a.example/\n"
					"# end\n");
	assert_int_equal(stat(conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* Cleared; a new key appended. */
	assert_int_equal(set("STICKY_PATCH", ""), 0);
	assert_int_equal(set("PATCH_TYPE", "extra"), 0);
	assert_string_equal(get(conf), "# KernelCare\n"
					"\n"
					"AUTO_UPDATE=True\n"
					"export STICKY_PATCH=   # pinned\n"
					"PATCH_SERVER=https://a.example/\n"
					"# end\n"
					"PATCH_TYPE=extra\n");
	assert_int_equal(kc_config_load(&c, conf, err, sizeof(err)), 0);
	assert_int_equal(c.sticky, KC_STICKY_NONE);
	assert_string_equal(c.patch_type, "extra");
	kc_config_free(&c);

	/* Quoted when the shell needs it, and read back the same. */
	assert_int_equal(set("PATCH_SERVER", "https://b.example/?a=1&b=2"), 0);
	assert_non_null(strstr(get(conf), "\nPATCH_SERVER='https://b.example/?a=1&b=2'\n"));
	assert_int_equal(kc_config_load(&c, conf, err, sizeof(err)), 0);
	assert_string_equal(c.patch_server, "https://b.example/?a=1&b=2");
	kc_config_free(&c);

	/* Invalid values and keys: refused, the file untouched. */
	strcpy(want, get(conf));
	assert_int_equal(set("STICKY_PATCH", "310226"), -1);
	assert_string_equal(err, "STICKY_PATCH: '310226': no day 31 in 2026-02 (expected DDMMYY, DDMMYYYY, KEY or empty)");
	assert_int_equal(set("STICKY_PATCH", "01012001"), -1);
	assert_non_null(strstr(err, "more than 60 days ago"));
	{
		char d[16];
		time_t t = time(NULL);

		strftime(d, sizeof(d), "%d%m%y", gmtime(&t));
		assert_int_equal(set("STICKY_PATCH", d), -1);
		assert_non_null(strstr(err, "is today (expected yesterday or an earlier day)"));
		t += 86400;
		strftime(d, sizeof(d), "%d%m%Y", gmtime(&t));
		assert_int_equal(set("STICKY_PATCH", d), -1);
		assert_non_null(strstr(err, "is in the future"));
	}
	assert_int_equal(set("PATCH_TYPE", "paid"), -1);
	assert_string_equal(err, "PATCH_TYPE: 'paid' is not a patch type (expected default, extra or free)");
	assert_int_equal(set("NO_SUCH_KEY", "1"), -1);
	assert_string_equal(err, "unknown key NO_SUCH_KEY");
	assert_int_equal(set("PATCH_SERVER", "https://a/\nAUTO_UPDATE=0"), -1);
	assert_string_equal(err, "PATCH_SERVER: a control character in the value");
	assert_string_equal(get(conf), want);

	/* A file that does not load is not edited; unknown keys are kept. */
	put(conf, "AUTO_UPDATE=1\nBOGUS=1\n");
	assert_int_equal(set("PATCH_TYPE", "free"), 0);
	assert_string_equal(get(conf), "AUTO_UPDATE=1\nBOGUS=1\nPATCH_TYPE=free\n");
	put(conf, "AUTO_UPDATE=maybe\n");
	assert_int_equal(set("PATCH_TYPE", "free"), -1);
	snprintf(want, sizeof(want), "%s:1: AUTO_UPDATE: 'maybe' is not a boolean (expected true, false, yes, no, 1 or 0)", conf);
	assert_string_equal(err, want);
	assert_string_equal(get(conf), "AUTO_UPDATE=maybe\n");

	/* A missing file is created. */
	assert_int_equal(unlink(conf), 0);
	assert_int_equal(set("PATCH_TYPE", "free"), 0);
	assert_string_equal(get(conf), "PATCH_TYPE=free\n");
	assert_int_equal(stat(conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* Through a symbolic link: the target is replaced, the link kept. */
	{
		char link[300];

		snprintf(link, sizeof(link), "%s/link.conf", dir);
		assert_int_equal(symlink(conf, link), 0);
		assert_int_equal(kc_config_set(link, "PATCH_TYPE", "extra",
						err, sizeof(err)), 0);
		assert_int_equal(lstat(link, &st), 0);
		assert_true(S_ISLNK(st.st_mode));
		assert_string_equal(get(conf), "PATCH_TYPE=extra\n");
		unlink(link);
	}
	unlink(conf);
}

/* ---- sysctl.conf ---- */

static char sysctl_conf[300];

static void mkfile(const char *rel, const char *content)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", procsys, rel);
	put(p, content);
}

static const char *sys(const char *rel)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/%s", procsys, rel);
	return get(p);
}

static void sysctl_tree(void)
{
	char p[400];

	snprintf(p, sizeof(p), "%s/kernel/kcare_dir", procsys);
	mkdir(procsys, 0755);
	snprintf(p, sizeof(p), "%s/kernel", procsys);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/kernel/kcare_dir", procsys);
	mkdir(p, 0755);
	mkfile("kernel/kcare_modify_ldt", "1\n");
	mkfile("kernel/kcare_other", "0\n");
	mkfile("kernel/panic", "0\n");
	snprintf(sysctl_conf, sizeof(sysctl_conf), "%s/sysctl.conf", dir);
}

static int apply(const char *text, char **logtext)
{
	static char *buf;
	size_t len;
	FILE *log;
	int r;

	put(sysctl_conf, text);
	free(buf);
	buf = NULL;
	log = open_memstream(&buf, &len);
	assert_non_null(log);
	r = kc_sysctl_conf_apply(sysctl_conf, procsys, err, sizeof(err), log);
	fclose(log);
	*logtext = buf;
	return r;
}

static void sysctl_apply(void **state)
{
	char *log, want[4096];

	sysctl_tree();
	assert_int_equal(apply("# kcare sysctls\n"
			       "; also a comment\n"
			       "\n"
			       "kernel.kcare_modify_ldt = 0\n"
			       "  kernel/kcare_other=1 2\t\n", &log), 0);
	assert_string_equal(sys("kernel/kcare_modify_ldt"), "0\n");
	assert_string_equal(sys("kernel/kcare_other"), "1 2\n");
	snprintf(want, sizeof(want), "%s:4: kernel.kcare_modify_ldt = 0\n"
		 "%s:5: kernel/kcare_other = 1 2\n", sysctl_conf, sysctl_conf);
	assert_string_equal(log, want);

	/* A missing file is nothing to do. */
	assert_int_equal(kc_sysctl_conf_apply("/nonexistent/sysctl.conf",
					       procsys, err, sizeof(err), NULL), 0);
	/* Nor is an empty one. */
	assert_int_equal(apply("", &log), 0);
	assert_string_equal(log, "");
}

static void sysctl_refusals(void **state)
{
	char *log, want[4096];

	sysctl_tree();
	/* Every line is tried; every failure reported. */
	assert_int_equal(apply("kernel.panic = 1\n"
			       "kernel.kcare_modify_ldt = 0\n"
			       "kernel.kcare_missing = 1\n"
			       "kernel.kcare_../panic = 1\n"
			       "kernel.kcare_dir = 1\n"
			       "kernel.kcare_other\n"
			       "kernel.kcare_other =\n"
			       "-kernel.kcare_gone = 1\n"
			       "kernel.kcare_other = 1\n", &log), -1);
	snprintf(want, sizeof(want),
		 "%1$s:1: kernel.panic: not a kcare sysctl (expected kernel.kcare_* or fs.enforce_symlinksifowner; set others in /etc/sysctl.d); "
		 "%1$s:3: kernel.kcare_missing: no such sysctl (expected the patch that adds it to be applied); "
		 "%1$s:4: kernel.kcare_../panic: not a kcare sysctl (expected kernel.kcare_* or fs.enforce_symlinksifowner; set others in /etc/sysctl.d); "
		 "%1$s:5: kernel.kcare_dir: writing '1' to %2$s/kernel/kcare_dir: Is a directory; "
		 "%1$s:6: expected name = value; "
		 "%1$s:7: kernel.kcare_other: an empty value (expected name = value)",
		 sysctl_conf, procsys);
	assert_string_equal(err, want);
	/* The good lines were applied, the others left alone. */
	assert_string_equal(sys("kernel/panic"), "0\n");
	assert_string_equal(sys("kernel/kcare_modify_ldt"), "0\n");
	assert_string_equal(sys("kernel/kcare_other"), "1\n");
	snprintf(want, sizeof(want),
		 "%1$s:1: kernel.panic: not a kcare sysctl (expected kernel.kcare_* or fs.enforce_symlinksifowner; set others in /etc/sysctl.d)\n"
		 "%1$s:2: kernel.kcare_modify_ldt = 0\n"
		 "%1$s:3: kernel.kcare_missing: no such sysctl (expected the patch that adds it to be applied)\n"
		 "%1$s:4: kernel.kcare_../panic: not a kcare sysctl (expected kernel.kcare_* or fs.enforce_symlinksifowner; set others in /etc/sysctl.d)\n"
		 "%1$s:5: kernel.kcare_dir: writing '1' to %2$s/kernel/kcare_dir: Is a directory\n"
		 "%1$s:6: expected name = value\n"
		 "%1$s:7: kernel.kcare_other: an empty value (expected name = value)\n"
		 "%1$s:8: kernel.kcare_gone: no such sysctl (expected the patch that adds it to be applied) (ignored: the line starts with -)\n"
		 "%1$s:9: kernel.kcare_other = 1\n",
		 sysctl_conf, procsys);
	assert_string_equal(log, want);

	/* Only optional failures: success. */
	assert_int_equal(apply("-kernel.kcare_gone = 1\n", &log), 0);

	/*
	 * The seed's extra-patch line: without that patch applied a note,
	 * not a failure (no warning after every update); with it, set.
	 */
	assert_int_equal(apply("fs.enforce_symlinksifowner=1\n", &log), 0);
	assert_non_null(strstr(log, "fs.enforce_symlinksifowner: not set: the symlink owner match patch is not applied"));
	{
		char d[600];

		snprintf(d, sizeof(d), "%s/fs", procsys);
		mkdir(d, 0755);
		snprintf(d, sizeof(d), "%s/fs/enforce_symlinksifowner", procsys);
		put(d, "0\n");
		snprintf(d, sizeof(d), "%s/fs/symlinkown_gid", procsys);
		assert_int_equal(kc_sysctl_force_gid(procsys, 48, err, sizeof(err)), 1);
		put(d, "99\n");
		assert_int_equal(kc_sysctl_force_gid(procsys, 48, err, sizeof(err)), 0);
		assert_string_equal(sys("fs/symlinkown_gid"), "48\n");
	}
	assert_int_equal(apply("fs.enforce_symlinksifowner = 1\n", &log), 0);
	assert_string_equal(sys("fs/enforce_symlinksifowner"), "1\n");

	/* Without a log. */
	put(sysctl_conf, "kernel.kcare_missing=1\n");
	assert_int_equal(kc_sysctl_conf_apply(sysctl_conf, procsys, err,
					       sizeof(err), NULL), -1);
	snprintf(want, sizeof(want),
		 "%s:1: kernel.kcare_missing: no such sysctl (expected the patch that adds it to be applied)",
		 sysctl_conf);
	assert_string_equal(err, want);

	/* A line too long stops everything. */
	{
		char *big = malloc(KC_CONFIG_MAX_LINE + 8);

		assert_non_null(big);
		memset(big, ';', KC_CONFIG_MAX_LINE + 1);
		strcpy(big + KC_CONFIG_MAX_LINE + 1, "\n");
		assert_int_equal(apply(big, &log), -1);
		snprintf(want, sizeof(want), "%s:1: line longer than 4096 bytes",
			 sysctl_conf);
		assert_string_equal(err, want);
		free(big);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(every_key),
		cmocka_unit_test(booleans),
		cmocka_unit_test(syntax),
		cmocka_unit_test(errors),
		cmocka_unit_test(file_limits),
		cmocka_unit_test(proxy),
		cmocka_unit_test(config_set),
		cmocka_unit_test(sysctl_apply),
		cmocka_unit_test(sysctl_refusals),
	};

	return cmocka_run_group_tests_name("config", tests, setup, teardown);
}
