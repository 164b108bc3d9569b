// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-eportal: patch streams ("kc.eportal [kernel|libcare|qemu|db]
 * COMMAND"). The kernel's stream works on the kernel feeds; the three
 * user-space streams share the feed "userspace", because that is the one
 * folder of the repository a client reads user-space patchsets from
 * (Documentation/formats.md, "User-space patchsets"), and each stream
 * deploys and mirrors only the levels of its own patch type.
 */
#include <string.h>

#include "manifest.h"

#include "cmd.h"

static const struct {
	const char *word, *type;
} ep_streams[] = {
	{ "libcare", "libs" },
	{ "qemu", "qemu" },
	{ "db", "db" },
};

int ep_stream_select(struct ep_cli *cli, const char *word)
{
	size_t i;

	if (!strcmp(word, "kernel")) {
		cli->stream = NULL;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(ep_streams); i++)
		if (!strcmp(word, ep_streams[i].word)) {
			cli->stream = ep_streams[i].type;
			return 0;
		}
	return -1;
}

int ep_stream_feed(const struct ep_cli *cli, const char *cmd,
		   const char **feed)
{
	bool user_feed = !strcmp(*feed, EP_USERSPACE_FEED);

	if (!cli->stream && user_feed)
		return ep_usage("%s: the feed %s holds user-space patchsets: %s libcare|qemu|db %s",
				cmd, EP_USERSPACE_FEED, ep_prog, cmd);
	if (cli->stream && **feed && !user_feed)
		return ep_usage("%s: user-space patchsets live in the feed %s, which clients read (not %s)",
				cmd, EP_USERSPACE_FEED, *feed);
	if (cli->stream)
		*feed = EP_USERSPACE_FEED;
	return 0;
}

int ep_stream_open(struct ep_cli *cli)
{
	struct ep_feed f = { .name = EP_USERSPACE_FEED };
	int rc;

	if (!cli->stream ||
	    !cli->store.ops->feed_get(&cli->store, EP_USERSPACE_FEED, &f))
		return 0;
	rc = cli->store.ops->feed_add(&cli->store, &f);
	if (rc && rc != EP_EEXISTS)
		return ep_fail("cannot add the feed %s: %s", EP_USERSPACE_FEED,
			       ep_cli_store_err(cli, rc));
	return 0;
}

/* The stream word of a patch type: "kernel" for the kernel's types. */
static const char *ep_stream_word(const char *patch_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ep_streams); i++)
		if (patch_type && !strcmp(patch_type, ep_streams[i].type))
			return ep_streams[i].word;
	return "kernel";
}

bool ep_stream_wants(const char *stream, const char *patch_type)
{
	if (!stream)
		return !kcl_patch_type_user(patch_type);
	return !strcmp(stream, patch_type);
}

int ep_stream_check(const char *stream, const char *feed,
		    const char *patch_type, char *err, size_t errlen)
{
	bool user = kcl_patch_type_user(patch_type);

	if (!ep_stream_wants(stream, patch_type)) {
		ep_fmt(err, errlen, "patch type %s is not for the %s stream: %s %s deploy",
		       patch_type, ep_stream_word(stream), ep_prog,
		       ep_stream_word(patch_type));
		return -1;
	}
	if (user != !strcmp(feed, EP_USERSPACE_FEED)) {
		ep_fmt(err, errlen, "a patchset of type %s goes %s the feed %s",
		       patch_type, user ? "in" : "outside", EP_USERSPACE_FEED);
		return -1;
	}
	return 0;
}

int ep_stream_for_each(struct ep_cli *cli, int (*fn)(struct ep_cli *cli))
{
	const char *was = cli->stream;
	size_t i;
	int rc;

	cli->stream = NULL;
	rc = fn(cli);
	for (i = 0; i < ARRAY_SIZE(ep_streams); i++) {
		cli->stream = ep_streams[i].type;
		if (fn(cli))
			rc = EP_EXIT_ERROR;
	}
	cli->stream = was;
	return rc;
}
