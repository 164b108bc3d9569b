// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl: the agent administrators and their automation run.
 */
#include <stdio.h>

#include "cli.h"
#include "loader.h"

static int kc_help(const char *arg, const struct kc_opts *opts);

static int kc_version(const char *arg, const struct kc_opts *opts)
{
	char libs[512];

	kcl_lib_versions(libs, sizeof(libs));
	if (opts->json)
		printf("{\"version\": \"%s\", \"libraries\": \"%s\"}\n",
		       KCARE_VERSION, libs);
	else
		printf("kcarectl %s (%s)\n", KCARE_VERSION, libs);
	return 0;
}

static const struct kc_verb kc_verbs[] = {
	{ "help", 'h', NULL, "show this help", kc_help },
	{ "version", 0, NULL, "show the version and the libraries in use",
	  kc_version },
	{ NULL },
};

static int kc_help(const char *arg, const struct kc_opts *opts)
{
	kc_cli_usage(kc_verbs, "kcarectl", stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const struct kc_verb *verb;
	struct kc_opts opts;
	const char *arg;

	verb = kc_cli_parse(kc_verbs, argc, argv, &arg, &opts, stderr);
	if (!verb)
		return KC_EXIT_USAGE;
	return verb->run(arg, &opts);
}
