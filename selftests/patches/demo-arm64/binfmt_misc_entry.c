// SPDX-License-Identifier: GPL-2.0
/*
 * binfmt_misc_entry: the file of a registered binfmt_misc format also
 * says the format's name.
 *
 *   before:  enabled                after:  enabled
 *            interpreter /bin/true          interpreter /bin/true
 *            flags:                         flags:
 *            extension .kctest              extension .kctest
 *                                           name kctest
 *
 * The lines before are unchanged, so whatever reads them still works. This
 * is arm64's patch to a loadable module: binfmt_misc.ko ships with the
 * Debian image, loads with no hardware and no dependencies, and until it
 * is loaded the function is pending; the engine patches it when the module
 * loads. x86_64's (../demo/binfmt_misc.c) changes bm_status_read(), which
 * reads the module's static variables; Debian's arm64 kernel lists no
 * variables in kallsyms (no CONFIG_KALLSYMS_ALL), for vmlinux or for a
 * module once it has loaded, so this patch takes a function that needs
 * only what it is given. bm_entry_read() is static, a function of its own
 * (the file operations hold its address) and traceable; entry_status(),
 * which GCC may inline, is copied with it, and so is the module's private
 * type Node.
 *
 * Copied from fs/binfmt_misc.c of Linux 6.1.192 (Debian linux-source-6.1
 * 6.1.192-2), Copyright (C) 1997 Richard Günther. Changes: the name line
 * is added (marked "kcare:").
 */
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/refcount.h>

#include "demo.h"

/* As in fs/binfmt_misc.c. */
enum {
	VERBOSE_STATUS = 1 /* make it zero to save 400 bytes kernel memory */
};

enum {Enabled, Magic};
#define MISC_FMT_PRESERVE_ARGV0 (1UL << 31)
#define MISC_FMT_OPEN_BINARY (1UL << 30)
#define MISC_FMT_CREDENTIALS (1UL << 29)
#define MISC_FMT_OPEN_FILE (1UL << 28)

typedef struct {
	struct list_head list;
	unsigned long flags;		/* type, status, etc. */
	int offset;			/* offset of magic */
	int size;			/* size of magic/mask */
	char *magic;			/* magic or filename extension */
	char *mask;			/* mask, NULL for exact match */
	const char *interpreter;	/* filename of interpreter */
	char *name;
	struct dentry *dentry;
	struct file *interp_file;
	refcount_t users;		/* sync removal with load_misc_binary() */
} Node;

static void demo_entry_status(Node *e, char *page)
{
	char *dp = page;
	const char *status = "disabled";

	if (test_bit(Enabled, &e->flags))
		status = "enabled";

	if (!VERBOSE_STATUS) {
		sprintf(page, "%s\n", status);
		return;
	}

	dp += sprintf(dp, "%s\ninterpreter %s\n", status, e->interpreter);

	/* print the special flags */
	dp += sprintf(dp, "flags: ");
	if (e->flags & MISC_FMT_PRESERVE_ARGV0)
		*dp++ = 'P';
	if (e->flags & MISC_FMT_OPEN_BINARY)
		*dp++ = 'O';
	if (e->flags & MISC_FMT_CREDENTIALS)
		*dp++ = 'C';
	if (e->flags & MISC_FMT_OPEN_FILE)
		*dp++ = 'F';
	*dp++ = '\n';

	if (!test_bit(Magic, &e->flags)) {
		dp += sprintf(dp, "extension .%s\n", e->magic);
	} else {
		dp += sprintf(dp, "offset %i\nmagic ", e->offset);
		dp = bin2hex(dp, e->magic, e->size);
		if (e->mask) {
			dp += sprintf(dp, "\nmask ");
			dp = bin2hex(dp, e->mask, e->size);
		}
		*dp++ = '\n';
		*dp = '\0';
	}
	/* kcare: the name (at most 255 bytes with the rest: the page holds it) */
	sprintf(dp, "name %s\n", e->name);
}

static ssize_t
demo_bm_entry_read(struct file *file, char __user *buf, size_t nbytes,
		   loff_t *ppos)
{
	Node *e = file_inode(file)->i_private;
	ssize_t res;
	char *page;

	page = (char *) __get_free_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;

	demo_entry_status(e, page);

	res = simple_read_from_buffer(buf, nbytes, ppos, page, strlen(page));

	free_page((unsigned long) page);
	return res;
}

struct kcare_func demo_binfmt_misc_entry_funcs[] = {
	{
		.name = "bm_entry_read",
		.object = "binfmt_misc",
		.new_func = demo_bm_entry_read,
	},
	{ }
};
