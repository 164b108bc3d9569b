// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal check-servers: a Nagios-style check of the registered
 * machines (fleet.c): one status line and the exit code monitoring
 * understands, 0 OK, 1 WARNING (more machines behind than allowed),
 * 2 CRITICAL (more machines silent than allowed), 3 UNKNOWN (the server's
 * directory or database cannot be read). Performance data after '|'.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fleet.h"

enum { EP_NAGIOS_OK, EP_NAGIOS_WARNING, EP_NAGIOS_CRITICAL, EP_NAGIOS_UNKNOWN };

#define EP_CHECK_NAMES	5	/* machines named in the status line */

struct ep_check {
	const char *key;	/* only this key's machines, or NULL */
	char names[EP_M_NSTATES][EP_CHECK_NAMES * 64];
	unsigned long n[EP_M_NSTATES];
};

static int ep_check_machine(const struct ep_machine *m, enum ep_mstate st,
			    unsigned int latest, void *arg)
{
	struct ep_check *c = arg;
	size_t len = strlen(c->names[st]);

	if (c->key && strcmp(c->key, m->key))
		return 0;
	if (c->n[st]++ < EP_CHECK_NAMES)
		ep_fmt(c->names[st] + len, sizeof(c->names[st]) - len, "%s%.40s",
		       len ? ", " : "", *m->hostname ? m->hostname : m->server_id);
	return 0;
}

static int ep_check_count(const char *v, unsigned long *out)
{
	char *end;

	*out = strtoul(v, &end, 10);
	if (!*v || *end || *v == '-')
		return -1;
	return 0;
}

int ep_cmd_check_servers(struct ep_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "silent-hours", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ NULL },
	};
	unsigned long warn = 0, crit = 0, hours = 24, total;
	struct ep_check c = { 0 };
	struct ep_fleet fl;
	char err[1024];
	int o, rc, code;

	optind = 1;
	while ((o = getopt_long(argc, argv, "w:c:s:k:", lo, NULL)) != -1) {
		if ((o == 'w' && ep_check_count(optarg, &warn)) ||
		    (o == 'c' && ep_check_count(optarg, &crit)) ||
		    (o == 's' && (ep_check_count(optarg, &hours) ||
				  !hours || hours > 87600)) || o == '?') {
			printf("UNKNOWN: check-servers: bad option (--warning N, --critical N, --silent-hours 1..87600, --key KEY)\n");
			return EP_NAGIOS_UNKNOWN;
		}
		if (o == 'k')
			c.key = optarg;
	}
	if (optind != argc) {
		printf("UNKNOWN: check-servers: no argument expected\n");
		return EP_NAGIOS_UNKNOWN;
	}
	if (ep_config_load(&cli->cfg, cli->dir, err, sizeof(err))) {
		printf("UNKNOWN: %s\n", err);
		return EP_NAGIOS_UNKNOWN;
	}
	rc = ep_store_open(&cli->store, cli->dir);
	if (rc) {
		printf("UNKNOWN: %s\n", cli->store.err);
		return EP_NAGIOS_UNKNOWN;
	}
	cli->open = true;
	rc = ep_fleet_scan(&cli->store, time(NULL), hours, &fl, ep_check_machine, &c);
	ep_fleet_free(&fl);
	if (rc) {
		printf("UNKNOWN: %s\n", cli->store.err);
		return EP_NAGIOS_UNKNOWN;
	}
	total = c.n[EP_M_CURRENT] + c.n[EP_M_BEHIND] + c.n[EP_M_SILENT];
	if (c.n[EP_M_SILENT] > crit) {
		code = EP_NAGIOS_CRITICAL;
		printf("CRITICAL: %lu of %lu machines silent for %lu h (%s%s)",
		       c.n[EP_M_SILENT], total, hours, c.names[EP_M_SILENT],
		       c.n[EP_M_SILENT] > EP_CHECK_NAMES ? ", ..." : "");
	} else if (c.n[EP_M_BEHIND] > warn) {
		code = EP_NAGIOS_WARNING;
		printf("WARNING: %lu of %lu machines behind their feed's patch level (%s%s)",
		       c.n[EP_M_BEHIND], total, c.names[EP_M_BEHIND],
		       c.n[EP_M_BEHIND] > EP_CHECK_NAMES ? ", ..." : "");
	} else {
		code = EP_NAGIOS_OK;
		printf("OK: %lu machines, %lu current, %lu behind, %lu silent",
		       total, c.n[EP_M_CURRENT], c.n[EP_M_BEHIND], c.n[EP_M_SILENT]);
	}
	printf(" | machines=%lu current=%lu behind=%lu;%lu silent=%lu;;%lu\n", total,
	       c.n[EP_M_CURRENT], c.n[EP_M_BEHIND], warn, c.n[EP_M_SILENT], crit);
	return code;
}
