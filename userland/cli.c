// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's command-line parsing, driven by its verb table.
 */
#include <string.h>

#include "cli.h"

static const struct kc_verb *kc_find(const struct kc_verb *verbs,
				     const char *word)
{
	const struct kc_verb *v;

	if (word[0] != '-')
		return NULL;
	for (v = verbs; v->name; v++) {
		if (word[1] == '-' && !strcmp(word + 2, v->name))
			return v;
		if (word[1] && word[1] == v->short_name && !word[2])
			return v;
	}
	return NULL;
}

const struct kc_verb *kc_cli_parse(const struct kc_verb *verbs, int argc,
				   char **argv, const char **arg,
				   struct kc_opts *opts, FILE *err)
{
	const struct kc_verb *verb = NULL, *v;
	int i;

	memset(opts, 0, sizeof(*opts));
	*arg = NULL;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			opts->json = true;
			continue;
		}
		v = kc_find(verbs, argv[i]);
		if (!v) {
			fprintf(err, "kcarectl: unknown argument '%s'; see kcarectl --help\n",
				argv[i]);
			return NULL;
		}
		if (verb) {
			fprintf(err, "kcarectl: --%s and --%s cannot be combined\n",
				verb->name, v->name);
			return NULL;
		}
		verb = v;
		if (v->arg) {
			if (i + 1 >= argc) {
				fprintf(err, "kcarectl: --%s needs an argument (%s)\n",
					v->name, v->arg);
				return NULL;
			}
			*arg = argv[++i];
		}
	}
	if (!verb)
		fprintf(err, "kcarectl: no command given; see kcarectl --help\n");
	return verb;
}

void kc_cli_usage(const struct kc_verb *verbs, const char *prog, FILE *out)
{
	const struct kc_verb *v;
	char left[64];

	fprintf(out, "Usage: %s COMMAND [--json]\n\nCommands:\n", prog);
	for (v = verbs; v->name; v++) {
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 v->short_name ? "-" : "",
			 v->short_name ? v->short_name : ' ',
			 v->short_name ? ", " : "  ", v->name,
			 v->arg ? " " : "", v->arg ? v->arg : "");
		fprintf(out, "  %-28s %s\n", v->short_name ? left : left + 1,
			v->help);
	}
}
