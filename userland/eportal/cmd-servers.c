// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal servers list: the registered machines, each with its
 * key, kernel, effective kernel, patch levels and last check-in.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cmd.h"
#include "fields.h"

static int ep_machine_print(const struct ep_machine *m, void *arg)
{
	struct json_object *a = arg;
	char seen[21];

	ep_time_fmt(m->last_seen, seen);
	if (!a) {
		printf("%s %-20s %-24s %-15s %-22s level %-4u %s %s user %s%s%s\n",
		       m->server_id, m->key, *m->hostname ? m->hostname : "-",
		       *m->ip ? m->ip : "-",
		       *m->kernel_release ? m->kernel_release : "-",
		       m->patch_level, seen,
		       *m->effective_kernel ? m->effective_kernel : "-",
		       *m->userspace ? m->userspace : "-",
		       *m->tag ? " tag " : "", m->tag);
		return 0;
	}
	return json_object_array_add(a, ep_machine_json(m));
}

int ep_cmd_servers(struct ep_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL },
	};
	struct json_object *a = NULL;
	const char *key = NULL;
	bool json = false;
	int o, rc;

	if (argc < 2 || strcmp(argv[1], "list"))
		return ep_usage("servers: expected list");
	optind = 2;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (o == 'k')
			key = optarg;
		else if (o == 'j')
			json = true;
		else
			return ep_usage("servers list: unknown option");
	}
	if (optind != argc)
		return ep_usage("servers list: no argument expected");
	if (json)
		a = json_object_new_array();
	rc = cli->store.ops->machine_list(&cli->store, key, ep_machine_print, a);
	if (a) {
		printf("%s\n", json_object_to_json_string_ext(a,
		       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(a);
	}
	return rc ? ep_fail("servers list: %s", cli->store.err) : 0;
}
