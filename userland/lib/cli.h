/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line dispatch for kcarectl: each verb is a table entry with its
 * own help line, and --help is generated from the table. Modifiers
 * (--json, --force, --freezer, --prefix, --test,
 * --register-autoretry) may accompany any verb.
 */
#ifndef _KCARE_CLI_H
#define _KCARE_CLI_H

#include <stdbool.h>
#include <stdio.h>

#define KC_EXIT_USAGE 2

/* At most this many setters on one line (one of each there is). */
#define KC_MAX_SETTERS	8

struct kc_verb;

struct kc_opts {
	bool json;			/* --json: machine-readable output */
	bool force;			/* --force */
	const char *freezer;		/* --freezer none|full|smart, or NULL */
	const char *prefix;		/* --prefix P or --test ("test"), or NULL */
	bool register_autoretry;	/* --register-autoretry */
	/* Setters given beside the verb, run first, in order. */
	const struct kc_verb *setters[KC_MAX_SETTERS];
	const char *setter_args[KC_MAX_SETTERS];
	int nsetters;
};

/* kc_verb.flags */
#define KC_ARG_OPTIONAL	(1 << 0)	/* the argument may be left out */
#define KC_ROOT		(1 << 1)	/* changes the system: root only */
#define KC_LOCK		(1 << 2)	/* runs alone (kcarectl's lock) */
/*
 * Only records a setting (--set-patch-type, --tag): may come beside a
 * verb and other setters, as in the seed's "--set-patch-type extra
 * --update"; it runs before the verb.
 */
#define KC_SETTER	(1 << 3)

struct kc_verb {
	const char *name;		/* long option, without "--" */
	char short_name;		/* or 0 */
	const char *arg;		/* argument's name, or NULL for none */
	const char *help;
	int (*run)(const char *arg, const struct kc_opts *opts);
	unsigned int flags;
};

/*
 * Find the verb and options on the command line. Exactly one verb is
 * allowed, plus any KC_SETTER verbs (in opts->setters; the last of them
 * is the verb when there is no other); an argument is the next word or
 * follows "=" (--prefix=test).
 * Returns the verb, or NULL after writing a usage error naming the
 * offending argument to err (then exit with KC_EXIT_USAGE).
 */
const struct kc_verb *kc_cli_parse(const struct kc_verb *verbs, int argc,
				   char **argv, const char **arg,
				   struct kc_opts *opts, FILE *err);

/* Print the usage, one line per verb and modifier, from the tables. */
void kc_cli_usage(const struct kc_verb *verbs, const char *prog, FILE *out);

#endif /* _KCARE_CLI_H */
