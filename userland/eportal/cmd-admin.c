// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal user, apikey: who may use the admin API. Admin users
 * sign in with a password (stored as its scrypt hash, auth.c), read from
 * standard input so that it never shows in a process list; API keys are
 * printed once, when made, and only their hash is kept.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/crypto.h>

#include "auth.h"
#include "cmd.h"
#include "fields.h"

#define EP_PASSWORD_MIN	8
#define EP_PASSWORD_MAX	200

/* A password from standard input: a prompt without echo on a terminal. */
static int ep_read_password(char *pw, size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(0) && !tcgetattr(0, &old);
	size_t n;

	if (tty) {
		fprintf(stderr, "password: ");
		quiet = old;
		quiet.c_lflag &= ~ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	if (!fgets(pw, len, stdin))
		*pw = 0;
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	n = strcspn(pw, "\n");
	if (pw[n] != '\n' && n == len - 1)
		return ep_fail("password: at most %d characters", EP_PASSWORD_MAX);
	pw[n] = 0;
	if (n < EP_PASSWORD_MIN || !ep_valid_text(pw, EP_PASSWORD_MAX))
		return ep_fail("password: %d to %d printable ASCII characters, on standard input",
			       EP_PASSWORD_MIN, EP_PASSWORD_MAX);
	return 0;
}

static int ep_cred_print(const struct ep_cred *c, void *arg)
{
	struct json_object *a = arg;
	char t[21];

	if (a)
		return json_object_array_add(a, ep_cred_json(c));
	ep_time_fmt(c->created, t);
	printf("%-24s created %s  %s\n", c->name, t, c->note);
	return 0;
}

static int ep_cred_list_cmd(struct ep_cli *cli, int kind, bool json)
{
	struct json_object *a = json ? json_object_new_array() : NULL;
	int rc;

	rc = cli->store.ops->cred_list(&cli->store, kind, ep_cred_print, a);
	if (a) {
		printf("%s\n", json_object_to_json_string_ext(a,
		       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(a);
	}
	return rc ? ep_fail("list: %s", cli->store.err) : 0;
}

/* Options of both commands: --note TEXT, --json; the verb's NAME. */
static int ep_cred_args(const char *cmd, int argc, char **argv,
			const char **note, bool *json, const char **name)
{
	static const struct option lo[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL },
	};
	int o;

	optind = 2;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (o == 'n')
			*note = optarg;
		else if (o == 'j')
			*json = true;
		else
			return ep_usage("%s: unknown option", cmd);
	}
	if (*note && !ep_valid_text(*note, EP_TEXT_MAX))
		return ep_usage("%s: --note: at most %d printable ASCII characters",
				cmd, EP_TEXT_MAX);
	*name = NULL;
	if (!strcmp(argv[1], "list"))
		return optind == argc ? 0 : ep_usage("%s list: no argument expected", cmd);
	if (optind != argc - 1)
		return ep_usage("%s %s: expected one name", cmd, argv[1]);
	*name = argv[optind];
	if (!ep_cred_name_ok(*name))
		return ep_usage("%s: \"%s\": a name is [A-Za-z0-9_.-], 1..64, not starting with '.'",
				cmd, *name);
	return 0;
}

int ep_cmd_user(struct ep_cli *cli, int argc, char **argv)
{
	struct ep_cred c = { .kind = EP_CRED_USER };
	const char *note = NULL, *name;
	char pw[EP_PASSWORD_MAX + 2];
	bool json = false;
	int rc;

	if (argc < 2)
		return ep_usage("user: expected add, passwd, delete or list");
	rc = ep_cred_args("user", argc, argv, &note, &json, &name);
	if (rc)
		return rc;
	if (!strcmp(argv[1], "list"))
		return ep_cred_list_cmd(cli, EP_CRED_USER, json);
	if (!strcmp(argv[1], "delete")) {
		rc = cli->store.ops->cred_delete(&cli->store, EP_CRED_USER, name);
		if (rc)
			return ep_fail("user delete: %s: %s", name, ep_cli_store_err(cli, rc));
		printf("deleted user %s\n", name);
		return 0;
	}
	if (strcmp(argv[1], "add") && strcmp(argv[1], "passwd"))
		return ep_usage("user: unknown verb \"%s\"", argv[1]);
	rc = ep_read_password(pw, sizeof(pw));
	if (rc)
		return rc;
	rc = ep_password_hash(pw, c.secret);
	OPENSSL_cleanse(pw, sizeof(pw));
	if (rc)
		return ep_fail("user %s: scrypt failed (OpenSSL)", argv[1]);
	if (!strcmp(argv[1], "passwd")) {
		rc = cli->store.ops->cred_set_secret(&cli->store, EP_CRED_USER,
						     name, c.secret);
	} else {
		ep_fmt(c.name, sizeof(c.name), "%s", name);
		ep_fmt(c.note, sizeof(c.note), "%s", note ? note : "");
		c.created = time(NULL);
		rc = cli->store.ops->cred_add(&cli->store, &c);
	}
	if (rc)
		return ep_fail("user %s: %s: %s", argv[1], name, ep_cli_store_err(cli, rc));
	printf("%s user %s\n", strcmp(argv[1], "add") ? "changed the password of" :
	       "added", name);
	return 0;
}

int ep_cmd_apikey(struct ep_cli *cli, int argc, char **argv)
{
	struct ep_cred c = { .kind = EP_CRED_APIKEY };
	const char *note = NULL, *name;
	char key[EP_APIKEY_LEN + 1];
	bool json = false;
	int rc;

	if (argc < 2)
		return ep_usage("apikey: expected create, revoke or list");
	rc = ep_cred_args("apikey", argc, argv, &note, &json, &name);
	if (rc)
		return rc;
	if (!strcmp(argv[1], "list"))
		return ep_cred_list_cmd(cli, EP_CRED_APIKEY, json);
	if (!strcmp(argv[1], "revoke")) {
		rc = cli->store.ops->cred_delete(&cli->store, EP_CRED_APIKEY, name);
		if (rc)
			return ep_fail("apikey revoke: %s: %s", name, ep_cli_store_err(cli, rc));
		printf("revoked API key %s\n", name);
		return 0;
	}
	if (strcmp(argv[1], "create"))
		return ep_usage("apikey: unknown verb \"%s\"", argv[1]);
	ep_fmt(c.name, sizeof(c.name), "%s", name);
	ep_fmt(c.note, sizeof(c.note), "%s", note ? note : "");
	c.created = time(NULL);
	if (ep_apikey_new(key, c.secret))
		return ep_fail("apikey create: no random numbers");
	rc = cli->store.ops->cred_add(&cli->store, &c);
	if (rc)
		return ep_fail("apikey create: %s: %s", name, ep_cli_store_err(cli, rc));
	/* Shown this once: only its hash is kept. */
	printf("%s\n", key);
	return 0;
}
