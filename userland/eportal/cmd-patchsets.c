// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal deploy, enable, disable, undeploy, list: the patchsets
 * of a feed. A patchset is named by its id (K20261125_01), which covers
 * every kernel it was built for; --kernel narrows to one.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "cmd.h"
#include "fields.h"
#include "deploy.h"
#include "repo.h"

struct ep_ps_opts {
	const char *feed, *kernel;
	bool disabled, json;
	int pos;			/* optind after parsing */
};

static int ep_ps_parse(const struct ep_cli *cli, const char *cmd, int argc,
		       char **argv, struct ep_ps_opts *po)
{
	static const struct option lo[] = {
		{ "feed", required_argument, NULL, 'f' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "disabled", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL },
	};
	int o;

	memset(po, 0, sizeof(*po));
	po->feed = "";
	optind = 1;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'f':
			po->feed = strcmp(optarg, "default") ? optarg : "";
			break;
		case 'k':
			po->kernel = optarg;
			break;
		case 'D':
			po->disabled = true;
			break;
		case 'j':
			po->json = true;
			break;
		default:
			return ep_usage("%s: unknown option", cmd);
		}
	}
	if (!ep_valid_feed(po->feed))
		return ep_usage("%s: --feed %s: not a feed name", cmd, po->feed);
	o = ep_stream_feed(cli, cmd, &po->feed);
	if (o)
		return o;
	if (po->kernel && !ep_valid_sha1(po->kernel))
		return ep_usage("%s: --kernel %s: expected a kernel's 40-hex SHA-1",
				cmd, po->kernel);
	po->pos = optind;
	return 0;
}

int ep_cmd_deploy(struct ep_cli *cli, int argc, char **argv)
{
	struct ep_kcp_set set;
	struct ep_ps_opts po;
	char err[1024];
	int rc;

	rc = ep_ps_parse(cli, "deploy", argc, argv, &po);
	if (rc)
		return rc;
	if (po.pos != argc - 1)
		return ep_usage("deploy: expected one archive");
	if (ep_deploy_read_archive(argv[po.pos], &set, err, sizeof(err)))
		return ep_fail("deploy: %s", err);
	rc = ep_deploy(&cli->cfg, &cli->store, cli->stream, po.feed, &set,
		       po.disabled, false, time(NULL), stdout, err, sizeof(err));
	ep_kcp_set_free(&set);
	if (rc)
		return ep_fail("deploy: %s: nothing deployed", err);
	return 0;
}

struct ep_ps_match {
	const char *id, *kernel;
	struct ep_patchset *v;
	size_t n;
};

static int ep_ps_match_cb(const struct ep_patchset *p, void *arg)
{
	struct ep_ps_match *m = arg;
	struct ep_patchset *nv;

	if (strcmp(p->id, m->id) || (m->kernel && strcmp(p->kernel_sha1, m->kernel)) ||
	    p->state == EP_PS_UNDEPLOYED)
		return 0;
	nv = realloc(m->v, (m->n + 1) * sizeof(*nv));
	if (!nv)
		return -1;
	m->v = nv;
	m->v[m->n++] = *p;
	return 0;
}

/* Set the state of every match of ID, then republish their indexes. */
static int ep_ps_set_state(struct ep_cli *cli, const char *cmd, int argc,
			   char **argv, enum ep_ps_state st)
{
	struct ep_ps_match m = { 0 };
	struct ep_ps_opts po;
	char err[1024];
	time_t now = time(NULL);
	size_t i;
	int rc, lock;

	rc = ep_ps_parse(cli, cmd, argc, argv, &po);
	if (rc)
		return rc;
	if (po.pos != argc - 1)
		return ep_usage("%s: expected one patchset id", cmd);
	m.id = argv[po.pos];
	m.kernel = po.kernel;
	lock = ep_repo_lock(&cli->cfg, err, sizeof(err));
	if (lock < 0)
		return ep_fail("%s: %s", cmd, err);
	rc = EP_EXIT_ERROR;
	if (cli->store.ops->patchset_list(&cli->store, po.feed, NULL,
					  ep_ps_match_cb, &m)) {
		ep_fail("%s: %s", cmd, cli->store.err);
		goto out;
	}
	if (!m.n) {
		ep_fail("%s: no patchset %s in feed %s%s%s", cmd, m.id,
			ep_feed_label(po.feed), m.kernel ? " for kernel " : "",
			m.kernel ? m.kernel : "");
		goto out;
	}
	for (i = 0; i < m.n; i++) {
		if (cli->store.ops->patchset_set_state(&cli->store, po.feed,
						       m.v[i].kernel_sha1,
						       m.v[i].level, st)) {
			ep_fail("%s: %s", cmd, cli->store.err);
			goto out;
		}
		if (ep_repo_publish(&cli->cfg, &cli->store, po.feed,
				    m.v[i].kernel_sha1, now, err, sizeof(err))) {
			ep_fail("%s: %s", cmd, err);
			goto out;
		}
		printf("%s %s level %u for %s in feed %s\n",
		       st == EP_PS_ENABLED ? "enabled" :
		       st == EP_PS_DISABLED ? "disabled" : "undeployed",
		       m.id, m.v[i].level, m.v[i].kernel_sha1,
		       ep_feed_label(po.feed));
	}
	rc = 0;
out:
	ep_repo_unlock(lock);
	free(m.v);
	return rc;
}

int ep_cmd_enable(struct ep_cli *cli, int argc, char **argv)
{
	return ep_ps_set_state(cli, "enable", argc, argv, EP_PS_ENABLED);
}

int ep_cmd_disable(struct ep_cli *cli, int argc, char **argv)
{
	return ep_ps_set_state(cli, "disable", argc, argv, EP_PS_DISABLED);
}

int ep_cmd_undeploy(struct ep_cli *cli, int argc, char **argv)
{
	return ep_ps_set_state(cli, "undeploy", argc, argv, EP_PS_UNDEPLOYED);
}

struct ep_ps_print {
	struct json_object *a;
	time_t now;
	const char *stream;	/* a user-space stream shows its own type */
};

static int ep_ps_print_cb(const struct ep_patchset *p, void *arg)
{
	struct ep_ps_print *pp = arg;

	if (p->state == EP_PS_UNDEPLOYED ||
	    (pp->stream && !ep_stream_wants(pp->stream, p->patch_type)))
		return 0;
	if (pp->a)
		return json_object_array_add(pp->a, ep_patchset_json(p, pp->now));
	printf("%-8s %-14s level %-4u %-8s %-9s %s %s\n",
	       ep_feed_label(p->feed), p->id, p->level, p->patch_type,
	       ep_patchset_state(p, pp->now), p->kernel_sha1, p->kernel_release);
	return 0;
}

int ep_cmd_list(struct ep_cli *cli, int argc, char **argv)
{
	struct ep_ps_print pp = { .now = time(NULL), .stream = cli->stream };
	struct ep_ps_opts po;
	bool all;
	int rc, i;

	rc = ep_ps_parse(cli, "list", argc, argv, &po);
	if (rc)
		return rc;
	if (po.pos != argc)
		return ep_usage("list: no argument expected");
	all = !cli->stream;
	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--feed", 6))
			all = false;
	if (po.json)
		pp.a = json_object_new_array();
	rc = cli->store.ops->patchset_list(&cli->store, all ? NULL : po.feed,
					   po.kernel, ep_ps_print_cb, &pp);
	if (pp.a) {
		printf("%s\n", json_object_to_json_string_ext(pp.a,
		       JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(pp.a);
	}
	return rc ? ep_fail("list: %s", cli->store.err) : 0;
}
