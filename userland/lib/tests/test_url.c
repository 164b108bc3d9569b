// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of what may be shown of a URL and where a download may be
 * redirected (userland/lib/url.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fetch.h"

/* Credentials never reach a message; https never falls back to http. */
static void redact_and_redirect_rule(void **state)
{
	char out[256];

	kc_url_redact("https://user:s3cret@host:8443/a/b@c", out, sizeof(out));
	assert_string_equal(out, "https://***@host:8443/a/b@c");
	kc_url_redact("http://host/x", out, sizeof(out));
	assert_string_equal(out, "http://host/x");
	kc_url_redact("http://a@b@host/", out, sizeof(out));
	assert_string_equal(out, "http://***@host/");
	assert_false(kc_fetch_redirect_ok("https://a/", "http://b/"));
	assert_true(kc_fetch_redirect_ok("https://a/", "https://b/"));
	assert_true(kc_fetch_redirect_ok("http://a/", "http://b/"));
	assert_true(kc_fetch_redirect_ok("http://a/", "https://b/"));
	assert_false(kc_fetch_redirect_ok("http://a/", "ftp://b/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(redact_and_redirect_rule),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
