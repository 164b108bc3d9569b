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

static int ep_key_print(const struct ep_key *k, void *arg)
{
	struct json_object *a = arg, *o;
	char t[21], day[11];

	ep_time_fmt(k->created, t);
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
	o = json_object_new_object();
	json_object_object_add(o, "key", json_object_new_string(k->key));
	json_object_object_add(o, "feed", json_object_new_string(k->feed));
	json_object_object_add(o, "limit", json_object_new_int64(k->limit));
	json_object_object_add(o, "machines", json_object_new_int64(k->machines));
	json_object_object_add(o, "sticky", json_object_new_string(k->sticky));
	json_object_object_add(o, "note", json_object_new_string(k->note));
	json_object_object_add(o, "created", json_object_new_string(t));
	json_object_object_add(o, "expires", json_object_new_string(day));
	json_object_array_add(a, o);
	return 0;
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
	const char *verb, *feed = NULL, *limit = NULL, *sticky = NULL,
		   *note = NULL, *expires = NULL;
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
			feed = strcmp(optarg, "default") ? optarg : "";
			break;
		case 'l':
			limit = optarg;
			break;
		case 's':
			sticky = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'e':
			expires = optarg;
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
	} else if (!feed) {
		return ep_usage("key create: --feed F is required (default for the default feed)");
	}
	if (feed) {
		if (!ep_valid_feed(feed))
			return ep_usage("key: --feed %s: no such feed name", feed);
		/* A key's feed becomes the machines' PREFIX: a kernel feed. */
		if (!strcmp(feed, EP_USERSPACE_FEED))
			return ep_usage("key: --feed %s: that feed holds user-space patchsets, which every machine reads whatever its key",
					feed);
		ep_fmt(k.feed, sizeof(k.feed), "%s", feed);
	}
	if (limit) {
		char *end;
		unsigned long n = strtoul(limit, &end, 10);

		if (!*limit || *end || *limit == '-' || n > 100000000)
			return ep_usage("key: --limit %s: 0 (none) to 100000000", limit);
		k.limit = n;
	}
	if (sticky) {
		if (!ep_valid_sticky(sticky))
			return ep_usage("key: --sticky %s: DDMMYY, a real date, or '' for none",
					sticky);
		ep_fmt(k.sticky, sizeof(k.sticky), "%s", sticky);
	}
	if (expires && ep_date_parse(expires, &k.expires))
		return ep_usage("key: --expires %s: YYYY-MM-DD, a real date, or '' for never",
				expires);
	if (note) {
		if (!ep_valid_text(note, EP_TEXT_MAX))
			return ep_usage("key: --note: at most %d printable ASCII characters",
					EP_TEXT_MAX);
		ep_fmt(k.note, sizeof(k.note), "%s", note);
	}
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
