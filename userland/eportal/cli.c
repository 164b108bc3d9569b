// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: what every administration command opens: the server
 * directory's configuration and its store.
 */
#include <stdio.h>

#include "cmd.h"

int ep_cli_open(struct ep_cli *cli)
{
	char err[1024];
	int rc;

	if (ep_config_load(&cli->cfg, cli->dir, err, sizeof(err)))
		return ep_fail("%s", err);
	rc = ep_store_open(&cli->store, cli->dir);
	if (rc)
		return ep_fail("%s", cli->store.err);
	cli->open = true;
	return 0;
}

void ep_cli_close(struct ep_cli *cli)
{
	if (cli->open)
		ep_store_close(&cli->store);
	cli->open = false;
}

const char *ep_cli_store_err(struct ep_cli *cli, int rc)
{
	switch (rc) {
	case EP_ENOTFOUND:
		return "not found";
	case EP_ELIMIT:
		return "Key limit reached";
	case EP_EEXISTS:
		return "already exists";
	case EP_EINUSE:
		return "still in use";
	case EP_EEXPIRED:
		return "Key expired";
	default:
		return cli->store.err;
	}
}
