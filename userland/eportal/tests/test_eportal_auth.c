// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal's credentials (auth.c): a password's scrypt hash accepts
 * the password and nothing else, not even with its stored form altered;
 * an API key's stored hash is its SHA-256; credential names refuse path
 * and shell characters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "auth.h"

static void test_password(void **state)
{
	char h[EP_SECRET_MAX + 1], h2[EP_SECRET_MAX + 1], bad[EP_SECRET_MAX + 1];
	size_t n;

	assert_int_equal(ep_password_hash("correct horse", h), 0);
	assert_int_equal(ep_password_hash("correct horse", h2), 0);
	assert_string_not_equal(h, h2);		/* a salt of its own */
	assert_int_equal(strncmp(h, "$scrypt$ln=15,r=8,p=1$", 22), 0);
	assert_true(ep_password_verify("correct horse", h));
	assert_true(ep_password_verify("correct horse", h2));
	assert_false(ep_password_verify("correct horsf", h));
	assert_false(ep_password_verify("", h));
	/* One digit of the hash changed, the salt changed, the form cut. */
	n = strlen(h);
	strcpy(bad, h);
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';
	assert_false(ep_password_verify("correct horse", bad));
	strcpy(bad, h);
	bad[23] = bad[23] == '0' ? '1' : '0';
	assert_false(ep_password_verify("correct horse", bad));
	strcpy(bad, h);
	bad[n - 10] = 0;
	assert_false(ep_password_verify("correct horse", bad));
	/* Parameters out of bounds are refused, not computed. */
	assert_false(ep_password_verify("x", "$scrypt$ln=40,r=8,p=1$00$00"));
	assert_false(ep_password_verify("x", "plain"));
}

static void test_apikey(void **state)
{
	char key[EP_APIKEY_LEN + 1], hash[65], again[65];

	assert_int_equal(ep_apikey_new(key, hash), 0);
	assert_int_equal(strlen(key), EP_APIKEY_LEN);
	assert_int_equal(strncmp(key, "kep_", 4), 0);
	ep_apikey_hash(key, again);
	assert_string_equal(hash, again);
	ep_apikey_hash("abc", again);
	assert_string_equal(again, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(ep_cred_name_ok("ci.robot-1_x"));
	assert_false(ep_cred_name_ok(""));
	assert_false(ep_cred_name_ok("../x"));
	assert_false(ep_cred_name_ok(".hidden"));
	assert_false(ep_cred_name_ok("a b"));
	assert_false(ep_cred_name_ok("a'b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_apikey),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
