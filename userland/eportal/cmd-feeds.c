// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal feed: the feeds patchsets are deployed to and keys are
 * bound to. The default feed ("", shown "default") and "test" always
 * exist; a feed may delay new patchsets (--delay HOURS) and be kept
 * up to date from an upstream repository (--auto-update --upstream URL).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "fields.h"

static int ep_feed_print(const struct ep_feed *f, void *arg)
{
	struct json_object *a = arg;

	if (!a) {
		printf("%-16s delay %3uh  auto-update %-3s  %s\n",
		       ep_feed_label(f->name), f->deploy_delay_hours,
		       f->auto_update ? "yes" : "no", f->upstream);
		return 0;
	}
	return json_object_array_add(a, ep_feed_json(f));
}

/* "default" names the default feed on the command line. */
static const char *ep_feed_arg(const char *name)
{
	return strcmp(name, "default") ? name : "";
}

int ep_cmd_feed(struct ep_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "auto-update", no_argument, NULL, 'a' },
		{ "no-auto-update", no_argument, NULL, 'n' },
		{ "upstream", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL },
	};
	const char *verb, *delay = NULL, *upstream = NULL, *name;
	int o, autoup = -1, rc;
	struct ep_feed f = { 0 };
	bool json = false;
	char err[256];

	if (argc < 2)
		return ep_usage("feed: expected add, set, list or delete");
	verb = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'd':
			delay = optarg;
			break;
		case 'a':
			autoup = 1;
			break;
		case 'n':
			autoup = 0;
			break;
		case 'u':
			upstream = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return ep_usage("feed: unknown option");
		}
	}
	if (!strcmp(verb, "list")) {
		struct json_object *a = json ? json_object_new_array() : NULL;

		rc = cli->store.ops->feed_list(&cli->store, ep_feed_print, a);
		if (a) {
			printf("%s\n", json_object_to_json_string_ext(a,
			       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(a);
		}
		return rc ? ep_fail("feed list: %s", cli->store.err) : 0;
	}
	if (optind != argc - 1)
		return ep_usage("feed %s: expected one feed name", verb);
	name = ep_feed_arg(argv[optind]);
	if (!ep_valid_feed(name))
		return ep_usage("feed %s: \"%s\": a feed name is [a-z0-9-], 1..32, not api or admin",
				verb, name);
	if (!strcmp(verb, "delete")) {
		if (!*name || !strcmp(name, "test"))
			return ep_fail("feed delete: the %s feed always exists",
				       ep_feed_label(name));
		rc = cli->store.ops->feed_delete(&cli->store, name);
		if (rc == EP_EINUSE)
			return ep_fail("feed delete: feed %s still has keys or patchsets",
				       name);
		if (rc)
			return ep_fail("feed delete: %s: %s", name,
				       ep_cli_store_err(cli, rc));
		printf("deleted feed %s\n", name);
		return 0;
	}
	if (strcmp(verb, "add") && strcmp(verb, "set"))
		return ep_usage("feed: unknown verb \"%s\"", verb);
	rc = strcmp(verb, "set") ? 0 :
	     cli->store.ops->feed_get(&cli->store, name, &f);
	if (rc)
		return ep_fail("feed set: %s: %s", ep_feed_label(name),
			       ep_cli_store_err(cli, rc));
	ep_fmt(f.name, sizeof(f.name), "%s", name);
	if (ep_feed_fields(&f, delay, autoup, upstream, err, sizeof(err)))
		return ep_usage("feed: --%s", err);
	rc = !strcmp(verb, "add") ? cli->store.ops->feed_add(&cli->store, &f) :
	     cli->store.ops->feed_update(&cli->store, &f);
	if (rc)
		return ep_fail("feed %s: %s: %s", verb, ep_feed_label(name),
			       ep_cli_store_err(cli, rc));
	printf("%s feed %s\n", !strcmp(verb, "add") ? "added" : "changed",
	       ep_feed_label(name));
	return 0;
}
