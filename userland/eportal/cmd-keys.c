// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal key: registration keys. A key is bound to a feed, may
 * limit how many machines register with it, may carry a sticky date
 * (DDMMYY) that pins its machines (STICKY_PATCH=KEY), and may expire: from
 * that day on it registers no one and its machines are told it is no
 * longer valid.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cmd.h"
#include "fields.h"

static int ep_key_print(const struct ep_key *k, void *arg)
{
	struct json_object *a = arg;
	char day[11];

	ep_date_fmt(k->expires, day);
	if (!a) {
		char lim[16];

		ep_fmt(lim, sizeof(lim), "%u", k->limit);
		printf("%-20s feed %-12s machines %u/%s  sticky %-6s  expires %-10s  %s\n",
		       k->key, ep_feed_label(k->feed), k->machines,
		       k->limit ? lim : "-", *k->sticky ? k->sticky : "-",
		       *day ? day : "never", k->note);
		return 0;
	}
	return json_object_array_add(a, ep_key_json(k));
}

int ep_cmd_key(struct ep_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "feed", required_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'l' },
		{ "sticky", required_argument, NULL, 's' },
		{ "note", required_argument, NULL, 'n' },
		{ "expires", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL },
	};
	struct ep_key_change chg = { 0 };
	const char *verb;
	char err[256];
	struct ep_key k = { 0 };
	bool json = false;
	int o, rc;

	if (argc < 2)
		return ep_usage("key: expected create, set, list or delete");
	verb = argv[1];
	optind = 2;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'f':
			chg.feed = optarg;
			break;
		case 'l':
			chg.limit = optarg;
			break;
		case 's':
			chg.sticky = optarg;
			break;
		case 'n':
			chg.note = optarg;
			break;
		case 'e':
			chg.expires = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return ep_usage("key: unknown option");
		}
	}
	if (!strcmp(verb, "list")) {
		struct json_object *a = json ? json_object_new_array() : NULL;

		rc = cli->store.ops->key_list(&cli->store, ep_key_print, a);
		if (a) {
			printf("%s\n", json_object_to_json_string_ext(a,
			       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
			json_object_put(a);
		}
		return rc ? ep_fail("key list: %s", cli->store.err) : 0;
	}
	if (!strcmp(verb, "delete")) {
		if (optind != argc - 1)
			return ep_usage("key delete: expected one key");
		rc = cli->store.ops->key_delete(&cli->store, argv[optind]);
		if (rc)
			return ep_fail("key delete: %s: %s", argv[optind],
				       ep_cli_store_err(cli, rc));
		printf("deleted key %s and its machines\n", argv[optind]);
		return 0;
	}
	if (strcmp(verb, "create") && strcmp(verb, "set"))
		return ep_usage("key: unknown verb \"%s\"", verb);
	if (optind < argc - 1 || (!strcmp(verb, "set") && optind != argc - 1))
		return ep_usage("key %s: expected %s key", verb,
				!strcmp(verb, "set") ? "one" : "at most one");
	if (optind == argc - 1) {
		if (!ep_valid_key(argv[optind]))
			return ep_usage("key %s: \"%s\": a key is [A-Za-z0-9_-], 1..64",
					verb, argv[optind]);
		ep_fmt(k.key, sizeof(k.key), "%s", argv[optind]);
	} else if (ep_random_key(k.key)) {
		return ep_fail("key create: no random numbers");
	}
	if (!strcmp(verb, "set")) {
		rc = cli->store.ops->key_get(&cli->store, k.key, &k);
		if (rc)
			return ep_fail("key set: %s: %s", argv[optind],
				       ep_cli_store_err(cli, rc));
	} else if (!chg.feed) {
		return ep_usage("key create: --feed F is required (default for the default feed)");
	}
	if (ep_key_fields(&k, &chg, err, sizeof(err)))
		return ep_usage("key: --%s", err);
	if (!strcmp(verb, "create")) {
		k.created = time(NULL);
		rc = cli->store.ops->key_add(&cli->store, &k);
	} else {
		rc = cli->store.ops->key_update(&cli->store, &k);
	}
	if (rc)
		return ep_fail("key %s: %s: %s", verb, k.key,
			       rc == EP_ENOTFOUND ? cli->store.err :
			       ep_cli_store_err(cli, rc));
	if (!strcmp(verb, "create"))
		printf("%s\n", k.key);
	else
		printf("changed key %s\n", k.key);
	return 0;
}
