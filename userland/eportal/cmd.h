/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcare-eportal: the administration commands, one file per resource
 * (cmd-server.c, cmd-feeds.c, cmd-keys.c, cmd-patchsets.c,
 * cmd-servers.c, cmd-check.c, cmd-admin.c, mirror.c); main.c dispatches from the table.
 */
#ifndef _KCARE_EPORTAL_CMD_H
#define _KCARE_EPORTAL_CMD_H

#include "eportal.h"

/* What a command works on: the directory, its configuration and store. */
struct ep_cli {
	const char *dir;
	struct ep_config cfg;
	struct ep_store store;
	bool open;
	/* The patch type of a user-space stream; NULL: the kernel's. */
	const char *stream;
};

/* Load the configuration and open the store of cli->dir; 0 or exit code. */
int ep_cli_open(struct ep_cli *cli);
void ep_cli_close(struct ep_cli *cli);
/* A message for a store error code. */
const char *ep_cli_store_err(struct ep_cli *cli, int rc);

/* The feed every user-space patchset lives in (formats.md). */
#define EP_USERSPACE_FEED	"userspace"

/* ---- stream.c: kc.eportal [kernel|libcare|qemu|db] COMMAND ---------- */
/* Set cli->stream from a stream word; -1 when @word is not one. */
int ep_stream_select(struct ep_cli *cli, const char *word);
/* The feed a command of the stream works on, from --feed (@feed); 0 or exit code. */
int ep_stream_feed(const struct ep_cli *cli, const char *cmd,
		   const char **feed);
/* A user-space stream's feed is created at its first use; 0 or exit code. */
int ep_stream_open(struct ep_cli *cli);
/* @fn for the kernel's stream, then each user-space one: 0, or the error exit. */
int ep_stream_for_each(struct ep_cli *cli, int (*fn)(struct ep_cli *cli));
/* Whether levels of @patch_type belong to @stream (a mirror's filter). */
bool ep_stream_wants(const char *stream, const char *patch_type);
/* Refuse a patchset of another stream, or in the wrong feed: -1, @err. */
int ep_stream_check(const char *stream, const char *feed,
		    const char *patch_type, char *err, size_t errlen);

typedef int (*ep_cmd_fn)(struct ep_cli *cli, int argc, char **argv);

int ep_cmd_init(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_serve(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_refresh(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_feed(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_key(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_deploy(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_enable(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_disable(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_undeploy(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_list(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_servers(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_check_servers(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_user(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_apikey(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_mirror(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_update(struct ep_cli *cli, int argc, char **argv);
int ep_cmd_auto_update(struct ep_cli *cli, int argc, char **argv);

/* Mirror @url into @feed (kernels: NULL-terminated, or NULL for all). */
int ep_mirror(struct ep_cli *cli, const char *url, const char *feed,
	      char **kernels, size_t nkernels, char *err, size_t errlen);

#endif /* _KCARE_EPORTAL_CMD_H */
