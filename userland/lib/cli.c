// SPDX-License-Identifier: GPL-2.0
/*
 * kcarectl's command-line parsing, driven by its verb table.
 */
#include <string.h>

#include "cli.h"

enum kc_mod_id { KC_MOD_JSON, KC_MOD_FORCE, KC_MOD_FREEZER, KC_MOD_PREFIX, KC_MOD_TEST,
		 KC_MOD_AUTORETRY };

struct kc_mod {
	const char *name;
	const char *arg;
	const char *help;
	enum kc_mod_id id;
};

static const struct kc_mod kc_mods[] = {
	{ "json", NULL, "print the result as JSON (read commands)", KC_MOD_JSON },
	{ "force", NULL, "apply a lower level, or switch even while tasks run in patched code (the payload then stays loaded until reboot)",
	  KC_MOD_FORCE },
	{ "freezer", "MODE", "none, full or smart: how this switch waits for tasks (default: PATCH_METHOD)",
	  KC_MOD_FREEZER },
	{ "prefix", "P", "use feed P instead of PREFIX: test, 12h, 24h, 48h or a feed name",
	  KC_MOD_PREFIX },
	{ "test", NULL, "use the test feed (the same as --prefix test)", KC_MOD_TEST },
	{ "register-autoretry", NULL, "with --register: retry until the server answers (boot before the network)",
	  KC_MOD_AUTORETRY },
	{ NULL },
};

/*
 * Whether @word is "--NAME" or "--NAME=VALUE"; *value is set for the
 * latter (NULL otherwise).
 */
static bool kc_long_match(const char *word, const char *name,
			  const char **value)
{
	size_t n = strlen(name);

	*value = NULL;
	if (word[0] != '-' || word[1] != '-' || strncmp(word + 2, name, n))
		return false;
	if (!word[2 + n])
		return true;
	if (word[2 + n] == '=') {
		*value = word + 3 + n;
		return true;
	}
	return false;
}

static const struct kc_verb *kc_find(const struct kc_verb *verbs,
				     const char *word, const char **value)
{
	const struct kc_verb *v;

	*value = NULL;
	if (word[0] != '-')
		return NULL;
	for (v = verbs; v->name; v++) {
		if (kc_long_match(word, v->name, value))
			return v;
		if (word[1] && word[1] == v->short_name && !word[2])
			return v;
	}
	return NULL;
}

/* The argument of option @name: after '=', or the next word. */
static int kc_take_arg(const char *name, const char *argname, bool optional,
		       const char *inline_value, int argc, char **argv,
		       int *i, const char **out, FILE *err)
{
	if (inline_value) {
		*out = inline_value;
		return 0;
	}
	if (*i + 1 < argc && (!optional || argv[*i + 1][0] != '-')) {
		*out = argv[++*i];
		return 0;
	}
	if (optional)
		return 0;
	fprintf(err, "kcarectl: --%s needs an argument (%s)\n", name, argname);
	return -1;
}

static int kc_modifier(const struct kc_mod *m, const char *value, int argc,
		       char **argv, int *i, struct kc_opts *opts, FILE *err)
{
	const char *a = NULL;

	if (!m->arg && value) {
		fprintf(err, "kcarectl: --%s takes no argument\n", m->name);
		return -1;
	}
	if (m->arg && kc_take_arg(m->name, m->arg, false, value, argc, argv, i,
				  &a, err))
		return -1;
	switch (m->id) {
	case KC_MOD_JSON:
		opts->json = true;
		break;
	case KC_MOD_FORCE:
		opts->force = true;
		break;
	case KC_MOD_FREEZER:
		if (strcmp(a, "none") && strcmp(a, "full") && strcmp(a, "smart")) {
			fprintf(err, "kcarectl: --freezer '%s': expected none, full or smart\n",
				a);
			return -1;
		}
		opts->freezer = a;
		break;
	case KC_MOD_PREFIX:
	case KC_MOD_TEST:
		if (opts->prefix) {
			fprintf(err, "kcarectl: --prefix and --test give the feed twice\n");
			return -1;
		}
		opts->prefix = m->id == KC_MOD_TEST ? "test" : a;
		break;
	case KC_MOD_AUTORETRY:
		opts->register_autoretry = true;
		break;
	}
	return 0;
}

static int kc_add_setter(const struct kc_verb *v, const char *value,
			 int argc, char **argv, int *i, struct kc_opts *opts,
			 FILE *err)
{
	const char *a = NULL;
	int j;

	for (j = 0; j < opts->nsetters; j++)
		if (opts->setters[j] == v) {
			fprintf(err, "kcarectl: --%s is given twice\n", v->name);
			return -1;
		}
	if (opts->nsetters == KC_MAX_SETTERS) {
		fprintf(err, "kcarectl: too many settings on one line\n");
		return -1;
	}
	if (v->arg && kc_take_arg(v->name, v->arg, v->flags & KC_ARG_OPTIONAL,
				  value, argc, argv, i, &a, err))
		return -1;
	opts->setters[opts->nsetters] = v;
	opts->setter_args[opts->nsetters++] = a;
	return 0;
}

const struct kc_verb *kc_cli_parse(const struct kc_verb *verbs, int argc,
				   char **argv, const char **arg,
				   struct kc_opts *opts, FILE *err)
{
	const struct kc_verb *verb = NULL, *v;
	const struct kc_mod *m;
	const char *value;
	int i;

	memset(opts, 0, sizeof(*opts));
	*arg = NULL;
	for (i = 1; i < argc; i++) {
		for (m = kc_mods; m->name; m++)
			if (kc_long_match(argv[i], m->name, &value))
				break;
		if (m->name) {
			if (kc_modifier(m, value, argc, argv, &i, opts, err))
				return NULL;
			continue;
		}
		v = kc_find(verbs, argv[i], &value);
		if (!v) {
			fprintf(err, "kcarectl: unknown argument '%s'; see kcarectl --help\n",
				argv[i]);
			return NULL;
		}
		if (!v->arg && value) {
			fprintf(err, "kcarectl: --%s takes no argument\n", v->name);
			return NULL;
		}
		if (v->flags & KC_SETTER) {
			if (kc_add_setter(v, value, argc, argv, &i, opts, err))
				return NULL;
			continue;
		}
		if (verb) {
			fprintf(err, "kcarectl: --%s and --%s cannot be combined\n",
				verb->name, v->name);
			return NULL;
		}
		verb = v;
		if (v->arg && kc_take_arg(v->name, v->arg, v->flags & KC_ARG_OPTIONAL,
					  value, argc, argv, &i, arg, err))
			return NULL;
	}
	/* Only setters: the last one is the verb. */
	if (!verb && opts->nsetters) {
		verb = opts->setters[--opts->nsetters];
		*arg = opts->setter_args[opts->nsetters];
	}
	if (!verb)
		fprintf(err, "kcarectl: no command given; see kcarectl --help\n");
	return verb;
}

static void kc_usage_line(FILE *out, char short_name, const char *name,
			  const char *arg, bool optional, const char *help)
{
	char left[64];

	snprintf(left, sizeof(left), "%s%c%s--%s%s%s%s%s",
		 short_name ? "-" : "", short_name ? short_name : ' ',
		 short_name ? ", " : "  ", name, arg ? " " : "",
		 arg && optional ? "[" : "", arg ? arg : "",
		 arg && optional ? "]" : "");
	/* A long option gets its help on the next line, still aligned. */
	if (strlen(short_name ? left : left + 1) > 30)
		fprintf(out, "  %s\n  %-30s %s\n", short_name ? left : left + 1, "", help);
	else
		fprintf(out, "  %-30s %s\n", short_name ? left : left + 1, help);
}

void kc_cli_usage(const struct kc_verb *verbs, const char *prog, FILE *out)
{
	const struct kc_verb *v;
	const struct kc_mod *m;

	fprintf(out, "Usage: %s COMMAND [MODIFIERS]\n\nCommands:\n", prog);
	for (v = verbs; v->name; v++)
		kc_usage_line(out, v->short_name, v->name, v->arg,
			      v->flags & KC_ARG_OPTIONAL, v->help);
	fprintf(out, "\nModifiers:\n");
	for (m = kc_mods; m->name; m++)
		kc_usage_line(out, 0, m->name, m->arg, false, m->help);
}
