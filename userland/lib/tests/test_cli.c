// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of kcarectl's table-driven argument parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static int run_nothing(const char *arg, const struct kc_opts *opts)
{
	return 0;
}

static const struct kc_verb verbs[] = {
	{ "info", 'i', NULL, "show the applied patches", run_nothing },
	{ "import-key", 0, "PATH", "trust a key", run_nothing },
	{ "version", 0, NULL, "show the version", run_nothing },
	{ "userspace-update", 0, "LIST", "later", run_nothing, KC_ARG_OPTIONAL },
	{ "set-patch-type", 0, "T", "set", run_nothing, KC_SETTER },
	{ "tag", 0, "T", "set", run_nothing, KC_SETTER },
	{ NULL },
};

static char errbuf[512];

static const struct kc_verb *parse(const char **arg, struct kc_opts *opts, ...)
{
	char *argv[16] = { "kcarectl" };
	int argc = 1;
	FILE *err = fmemopen(errbuf, sizeof(errbuf), "w");
	const struct kc_verb *v;
	va_list ap;

	va_start(ap, opts);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	v = kc_cli_parse(verbs, argc, argv, arg, opts, err);
	fclose(err);
	return v;
}

/* The seed's "--set-patch-type extra --update": setters beside a verb. */
static void setters_with_a_verb(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--set-patch-type", "extra", "--info", NULL),
			 &verbs[0]);
	assert_int_equal(o.nsetters, 1);
	assert_ptr_equal(o.setters[0], &verbs[4]);
	assert_string_equal(o.setter_args[0], "extra");
	assert_ptr_equal(parse(&arg, &o, "--info", "--tag=web", "--set-patch-type",
			       "free", "--prefix", "test", NULL), &verbs[0]);
	assert_int_equal(o.nsetters, 2);
	assert_string_equal(o.setter_args[0], "web");
	assert_string_equal(o.setter_args[1], "free");
	assert_string_equal(o.prefix, "test");
	/* Setters alone: the last is the verb. */
	assert_ptr_equal(parse(&arg, &o, "--tag", "a", "--set-patch-type", "extra", NULL),
			 &verbs[4]);
	assert_string_equal(arg, "extra");
	assert_int_equal(o.nsetters, 1);
	assert_null(parse(&arg, &o, "--tag", "a", "--tag", "b", NULL));
	assert_non_null(strstr(errbuf, "--tag is given twice"));
	assert_null(parse(&arg, &o, "--info", "--version", NULL));
}

static void long_and_short_names(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--info", NULL), &verbs[0]);
	assert_false(o.json);
	assert_ptr_equal(parse(&arg, &o, "-i", "--json", NULL), &verbs[0]);
	assert_true(o.json);
	assert_ptr_equal(parse(&arg, &o, "--version", NULL), &verbs[2]);
	assert_ptr_equal(parse(&arg, &o, "--json", "--version", NULL), &verbs[2]);
	assert_true(o.json);
}

static void verb_argument(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--import-key", "k.pem", NULL), &verbs[1]);
	assert_string_equal(arg, "k.pem");
	assert_ptr_equal(parse(&arg, &o, "--import-key=k2.pem", NULL), &verbs[1]);
	assert_string_equal(arg, "k2.pem");
	/* An empty argument is an argument (--set-sticky-patch ''). */
	assert_ptr_equal(parse(&arg, &o, "--import-key", "", NULL), &verbs[1]);
	assert_string_equal(arg, "");
	assert_null(parse(&arg, &o, "--import-key", NULL));
	assert_string_equal(errbuf, "kcarectl: --import-key needs an argument (PATH)\n");
	assert_null(parse(&arg, &o, "--info=x", NULL));
	assert_string_equal(errbuf, "kcarectl: --info takes no argument\n");
}

static void optional_argument(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--userspace-update", NULL), &verbs[3]);
	assert_null(arg);
	assert_ptr_equal(parse(&arg, &o, "--userspace-update", "libs,qemu", NULL),
			 &verbs[3]);
	assert_string_equal(arg, "libs,qemu");
	/* A following option is not taken as the argument. */
	assert_ptr_equal(parse(&arg, &o, "--userspace-update", "--json", NULL),
			 &verbs[3]);
	assert_null(arg);
	assert_true(o.json);
}

static void modifiers(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_ptr_equal(parse(&arg, &o, "--force", "-i", "--freezer", "full",
			       "--prefix", "12h", NULL), &verbs[0]);
	assert_true(o.force);
	assert_false(o.json);
	assert_string_equal(o.freezer, "full");
	assert_string_equal(o.prefix, "12h");
	assert_ptr_equal(parse(&arg, &o, "--info", "--test", "--freezer=none", NULL),
			 &verbs[0]);
	assert_string_equal(o.prefix, "test");
	assert_string_equal(o.freezer, "none");
	assert_false(o.force);
	assert_ptr_equal(parse(&arg, &o, "--prefix=24h", "--info", NULL), &verbs[0]);
	assert_string_equal(o.prefix, "24h");
	assert_null(o.freezer);
	assert_false(o.register_autoretry);
	assert_ptr_equal(parse(&arg, &o, "--import-key", "K", "--register-autoretry", NULL),
			 &verbs[1]);
	assert_true(o.register_autoretry);
	assert_string_equal(arg, "K");

	assert_null(parse(&arg, &o, "--info", "--freezer", "fast", NULL));
	assert_string_equal(errbuf,
			    "kcarectl: --freezer 'fast': expected none, full or smart\n");
	assert_null(parse(&arg, &o, "--info", "--freezer", NULL));
	assert_string_equal(errbuf, "kcarectl: --freezer needs an argument (MODE)\n");
	assert_null(parse(&arg, &o, "--info", "--test", "--prefix", "x", NULL));
	assert_string_equal(errbuf, "kcarectl: --prefix and --test give the feed twice\n");
	assert_null(parse(&arg, &o, "--info", "--json=yes", NULL));
	assert_string_equal(errbuf, "kcarectl: --json takes no argument\n");
	/* A modifier alone is no command. */
	assert_null(parse(&arg, &o, "--force", NULL));
	assert_string_equal(errbuf, "kcarectl: no command given; see kcarectl --help\n");
	/* Names are whole: --informal is not --info. */
	assert_null(parse(&arg, &o, "--informal", NULL));
	assert_string_equal(errbuf,
			    "kcarectl: unknown argument '--informal'; see kcarectl --help\n");
}

static void usage_errors_name_the_argument(void **state)
{
	struct kc_opts o;
	const char *arg;

	assert_null(parse(&arg, &o, "--bogus", NULL));
	assert_string_equal(errbuf,
			    "kcarectl: unknown argument '--bogus'; see kcarectl --help\n");
	assert_null(parse(&arg, &o, "-", NULL));
	assert_null(parse(&arg, &o, "info", NULL));
	assert_null(parse(&arg, &o, NULL));
	assert_string_equal(errbuf, "kcarectl: no command given; see kcarectl --help\n");
	assert_null(parse(&arg, &o, "--info", "--version", NULL));
	assert_string_equal(errbuf,
			    "kcarectl: --info and --version cannot be combined\n");
}

static void help_lists_every_verb(void **state)
{
	char buf[2048];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	const struct kc_verb *v;

	kc_cli_usage(verbs, "kcarectl", f);
	fclose(f);
	for (v = verbs; v->name; v++) {
		char want[64];

		snprintf(want, sizeof(want), "--%s", v->name);
		assert_non_null(strstr(buf, want));
		assert_non_null(strstr(buf, v->help));
	}
	assert_non_null(strstr(buf, "  -i, --info "));
	assert_non_null(strstr(buf, "\n    --import-key PATH "));
	assert_non_null(strstr(buf, "--userspace-update [LIST]"));
	assert_non_null(strstr(buf, "\nModifiers:\n"));
	assert_non_null(strstr(buf, "\n    --prefix P "));
	assert_non_null(strstr(buf, "\n    --freezer MODE "));
	assert_non_null(strstr(buf, "\n    --force "));
	assert_non_null(strstr(buf, "\n    --test "));
	assert_non_null(strstr(buf, "\n    --json "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_and_short_names),
		cmocka_unit_test(setters_with_a_verb),
		cmocka_unit_test(verb_argument),
		cmocka_unit_test(optional_argument),
		cmocka_unit_test(modifiers),
		cmocka_unit_test(usage_errors_name_the_argument),
		cmocka_unit_test(help_lists_every_verb),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
