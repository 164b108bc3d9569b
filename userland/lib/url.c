// SPDX-License-Identifier: GPL-2.0
/*
 * What may be shown of a URL, and where a download may be redirected
 * (fetch.h).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"

void kc_url_redact(const char *url, char *out, size_t outlen)
{
	const char *s, *at, *end;

	if (!outlen)
		return;
	if (!url) {
		snprintf(out, outlen, "(null)");
		return;
	}
	s = strstr(url, "://");
	s = s ? s + 3 : url;
	/* The authority ends at the first '/', '?' or '#'. */
	end = s + strcspn(s, "/?#");
	at = memrchr(s, '@', end - s);
	if (!at) {
		snprintf(out, outlen, "%s", url);
		return;
	}
	snprintf(out, outlen, "%.*s***%s", (int)(s - url), url, at);
}

bool kc_url_is_https(const char *url)
{
	return !strncasecmp(url, "https://", 8);
}

int kc_fetch_redirect_ok(const char *from, const char *to)
{
	if (!to || !(kc_url_is_https(to) || !strncasecmp(to, "http://", 7)))
		return 0;
	return !(kc_url_is_https(from) && !kc_url_is_https(to));
}
