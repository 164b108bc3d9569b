// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: init (a new server directory), serve (the HTTP(S)
 * server, republishing what a feed's delay or an index's age asks for
 * every interval), refresh (re-sign every index now).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sign.h"
#include "util.h"
#include "write.h"

#include "cmd.h"
#include "http.h"
#include "repo.h"
#include "tls.h"

int ep_cmd_init(struct ep_cli *cli, int argc, char **argv)
{
	static const char *const dirs[] = {
		"repo", "store", "keys", "keys/trusted", "log", "tls", "tmp",
	};
	char err[1024], path[PATH_MAX], pub[PATH_MAX], cert[PATH_MAX],
	     tkey[PATH_MAX];
	struct ep_store s;
	const char *dir;
	size_t i;

	if (argc != 2)
		return ep_usage("init: expected one directory");
	dir = argv[1];
	ep_fmt(path, sizeof(path), "%s/eportal.conf", dir);
	if (!access(path, F_OK))
		return ep_fail("init: %s already exists: %s is a server directory already",
			       path, dir);
	if (kc_mkdirs(dir, 0750, err, sizeof(err)))
		return ep_fail("init: %s", err);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		ep_fmt(path, sizeof(path), "%s/%s", dir, dirs[i]);
		if (kc_mkdirs(path, strcmp(dirs[i], "repo") ? 0750 : 0755, err,
			       sizeof(err)))
			return ep_fail("init: %s", err);
	}
	ep_fmt(path, sizeof(path), "%s/keys/eportal.pem", dir);
	ep_fmt(pub, sizeof(pub), "%s/keys/eportal.pub.pem", dir);
	if (kcp_key_generate(path, pub, err, sizeof(err)))
		return ep_fail("init: %s", err);
	ep_fmt(cert, sizeof(cert), "%s/tls/cert.pem", dir);
	ep_fmt(tkey, sizeof(tkey), "%s/tls/key.pem", dir);
	if (ep_tls_selfsigned(cert, tkey, err, sizeof(err)))
		return ep_fail("init: %s", err);
	if (ep_store_open(&s, dir))
		return ep_fail("init: %s", s.err);
	ep_store_close(&s);
	if (ep_config_write_default(dir, err, sizeof(err)))
		return ep_fail("init: %s", err);
	printf("initialised %s\n"
	       "  signing key:  %s (clients: kcarectl --import-key %s)\n"
	       "  trusted keys: %s/keys/trusted/*.pem (publishers whose patchsets deploy and mirror accept)\n"
	       "  HTTPS:        %s/tls/cert.pem and key.pem (self-signed: replace them)\n"
	       "  settings:     %s/eportal.conf\n",
	       dir, path, pub, dir, dir, dir);
	return 0;
}

int ep_cmd_serve(struct ep_cli *cli, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "http", no_argument, NULL, 'h' },
		{ "listen", required_argument, NULL, 'l' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL },
	};
	const char *listen = NULL;
	unsigned long interval = 60;
	struct timespec ts;
	struct ep_http *h;
	bool plain = false;
	char err[1024];
	sigset_t set;
	int o, sig;

	optind = 1;
	while ((o = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (o) {
		case 'h':
			plain = true;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'i':
			interval = strtoul(optarg, NULL, 10);
			if (!interval || interval > 86400)
				return ep_usage("serve: --interval: 1..86400 seconds");
			break;
		default:
			return ep_usage("serve: unknown option");
		}
	}
	if (optind != argc - 1)
		return ep_usage("serve: expected one directory");
	cli->dir = argv[optind];
	o = ep_cli_open(cli);
	if (o)
		return o;
	cli->cfg.plain_http = plain;
	if (listen)
		ep_fmt(cli->cfg.listen, sizeof(cli->cfg.listen), "%s", listen);

	/* Signals are taken by this thread only, with sigtimedwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (ep_repo_maintain(&cli->cfg, &cli->store, time(NULL), false, err,
			     sizeof(err)) < 0)
		fprintf(stderr, "%s: publishing: %s\n", ep_prog, err);
	h = ep_http_start(&cli->cfg, plain, err, sizeof(err));
	if (!h)
		return ep_fail("serve: %s", err);
	/* The port, also when the system chose it (listen = ADDR:0). */
	fprintf(stderr, "%s: serving %s on %s, port %u (%s)\n", ep_prog,
		cli->dir, cli->cfg.listen, ep_http_port(h),
		plain ? "plain HTTP" : "HTTPS");
	for (;;) {
		ts.tv_sec = interval;
		ts.tv_nsec = 0;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM)
			break;
		if (sig == SIGHUP)
			ep_http_reopen_log(h);
		if (sig < 0 && errno != EAGAIN)
			continue;
		if (ep_repo_maintain(&cli->cfg, &cli->store, time(NULL), false,
				     err, sizeof(err)) < 0)
			fprintf(stderr, "%s: publishing: %s\n", ep_prog, err);
	}
	ep_http_stop(h);
	fprintf(stderr, "%s: stopped\n", ep_prog);
	return 0;
}

int ep_cmd_refresh(struct ep_cli *cli, int argc, char **argv)
{
	char err[1024];
	int n;

	if (argc != 1)
		return ep_usage("refresh: no argument expected");
	n = ep_repo_maintain(&cli->cfg, &cli->store, time(NULL), true, err,
			     sizeof(err));
	if (n < 0)
		return ep_fail("refresh: %s", err);
	printf("re-signed %d index%s\n", n, n == 1 ? "" : "es");
	return 0;
}
