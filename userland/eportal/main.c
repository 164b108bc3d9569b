// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: the private patch server and its administration command
 * (Documentation/eportal.md). Also answers as "kc.eportal" with the
 * original product's spellings (feed -a NAME, key -a --feed F KEY,
 * [qemu|libcare|db] deploy ...).
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct ep_cmd {
	const char *name;
	ep_cmd_fn fn;
	bool needs_open;	/* configuration and store of DIR */
	bool stream;		/* also of the user-space streams */
	const char *usage;
};

static const struct ep_cmd ep_cmds[] = {
	{ "init", ep_cmd_init, false, false, "init DIR" },
	{ "serve", ep_cmd_serve, false, false, "serve DIR [--http] [--listen ADDR:PORT] [--interval S]" },
	{ "feed", ep_cmd_feed, true, false, "feed add|set NAME [--delay HOURS] [--auto-update|--no-auto-update] [--upstream URL] | feed list [--json] | feed delete NAME" },
	{ "key", ep_cmd_key, true, false, "key create --feed F [--limit N] [--sticky DDMMYY] [--expires YYYY-MM-DD] [--note TEXT] [KEY] | key set KEY [...] | key list [--json] | key delete KEY" },
	{ "deploy", ep_cmd_deploy, true, true, "deploy [--feed F] [--disabled] ARCHIVE" },
	{ "enable", ep_cmd_enable, true, true, "enable [--feed F] [--kernel SHA1] ID" },
	{ "disable", ep_cmd_disable, true, true, "disable [--feed F] [--kernel SHA1] ID" },
	{ "undeploy", ep_cmd_undeploy, true, true, "undeploy [--feed F] [--kernel SHA1] ID" },
	{ "list", ep_cmd_list, true, true, "list [--feed F] [--json]" },
	{ "servers", ep_cmd_servers, true, false, "servers list [--key KEY] [--json]" },
	{ "check-servers", ep_cmd_check_servers, false, false, "check-servers [--warning N] [--critical N] [--silent-hours H] [--key KEY]" },
	{ "user", ep_cmd_user, true, false, "user add|passwd NAME [--note TEXT] (password on standard input) | user delete NAME | user list [--json]" },
	{ "apikey", ep_cmd_apikey, true, false, "apikey create NAME [--note TEXT] | apikey revoke NAME | apikey list [--json]" },
	{ "mirror", ep_cmd_mirror, true, true, "mirror --from URL [--feed F] [--kernel SHA1]..." },
	{ "update", ep_cmd_update, true, true, "update [--feed F]" },
	{ "auto-update", ep_cmd_auto_update, true, true, "auto-update [--all-streams]" },
	{ "refresh", ep_cmd_refresh, true, false, "refresh" },
	{ NULL },
};

static void ep_help(FILE *f)
{
	const struct ep_cmd *c;

	fprintf(f, "usage: %s [-d DIR] COMMAND ...\n"
		"  DIR: the server's directory (default $KCARE_EPORTAL_DIR or %s)\n\n",
		ep_prog, EP_DEFAULT_DIR);
	for (c = ep_cmds; c->name; c++)
		fprintf(f, "  %s %s\n", ep_prog, c->usage);
	fprintf(f, "  %s --version\n  %s COMMAND --help\n"
		"\nUser-space streams (the feed userspace): %s libcare|qemu|db deploy|enable|disable|undeploy|list|mirror|update|auto-update ...\n",
		ep_prog, ep_prog, ep_prog);
}

/*
 * kc.eportal's spellings, rewritten in place to ours: "feed -a NAME",
 * "feed -l", "feed -d NAME", "key -a ... KEY", "key -l", "key -d KEY".
 */
static void ep_compat_args(int argc, char **argv)
{
	if (argc < 2)
		return;
	if (!strcmp(argv[1], "-a"))
		argv[1] = strcmp(argv[0], "key") ? "add" : "create";
	else if (!strcmp(argv[1], "-l"))
		argv[1] = "list";
	else if (!strcmp(argv[1], "-d"))
		argv[1] = "delete";
}

int main(int argc, char **argv)
{
	struct ep_cli cli = { 0 };
	const struct ep_cmd *c;
	int i = 1, rc;

	if (argv[0] && !strcmp(basename(argv[0]), "kc.eportal"))
		ep_prog = "kc.eportal";
	cli.dir = getenv("KCARE_EPORTAL_DIR");
	if (!cli.dir || !*cli.dir)
		cli.dir = EP_DEFAULT_DIR;
	if (i < argc && (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--dir"))) {
		if (i + 1 >= argc)
			return ep_usage("%s: expected a directory", argv[i]);
		cli.dir = argv[i + 1];
		i += 2;
	}
	if (i >= argc || !strcmp(argv[i], "help") || !strcmp(argv[i], "--help") ||
	    !strcmp(argv[i], "-h")) {
		ep_help(i >= argc ? stderr : stdout);
		return i >= argc ? EP_EXIT_USAGE : 0;
	}
	if (!strcmp(argv[i], "--version")) {
		printf("%s %s\n", ep_prog, KCARE_VERSION);
		return 0;
	}
	/* Patch streams (stream.c): the kernel's is the default one. */
	if (!ep_stream_select(&cli, argv[i]))
		i++;
	if (i >= argc)
		return ep_usage("expected a command");
	for (c = ep_cmds; c->name; c++)
		if (!strcmp(c->name, argv[i]))
			break;
	if (!c->name)
		return ep_usage("unknown command \"%s\"", argv[i]);
	/* COMMAND --help: its usage line. */
	for (rc = i + 1; rc < argc; rc++)
		if (!strcmp(argv[rc], "--help") || !strcmp(argv[rc], "-h")) {
			printf("usage: %s %s\n", ep_prog, c->usage);
			return 0;
		}
	ep_compat_args(argc - i, argv + i);
	if (cli.stream && !c->stream)
		return ep_usage("%s is not a command of a user-space stream", c->name);
	if (c->needs_open) {
		rc = ep_cli_open(&cli);
		if (!rc)
			rc = ep_stream_open(&cli);
		if (rc) {
			ep_cli_close(&cli);
			return rc;
		}
	}
	rc = c->fn(&cli, argc - i, argv + i);
	ep_cli_close(&cli);
	return rc;
}
