// SPDX-License-Identifier: GPL-2.0
/*
 * The path-walk functions the symlink owner match protection replaces,
 * copied from fs/namei.c of Debian's linux-source-6.1 6.1.192-2
 * (Copyright (C) 1991, 1992 Linus Torvalds, and the authors named in
 * that file; GPL-2.0). Changes are marked "kcare:".
 *
 * - walk_component(): steps to the next component, popping the link whose
 *   body ends there; kcare: checks the links it popped or pushed against
 *   where the step led (symlinkown_sync()).
 * - lookup_fast(): looks a component up in the dcache; kcare: open()'s
 *   last component is looked up by open_last_lookups(), inlined into
 *   path_openat(), which calls it while the link whose body ends there is
 *   still on the stack: the record learns of that link here.
 * - complete_walk(): the end of a successful walk; kcare: checks the links
 *   popped by steps made elsewhere (open_last_lookups() pops that link
 *   and steps on its target).
 * - terminate_walk(): the end of every walk; kcare: drops the walk's
 *   record.
 *
 * In /proc/kallsyms of 6.1.0-56-amd64, and in the System.map of
 * 6.1.0-56-arm64, these four are functions of their own (unique names);
 * lookup_slow(), d_revalidate(), put_link(), drop_links() and leave_rcu()
 * are inlined, so they are copied along; step_into(), handle_dots(),
 * __lookup_slow(), __d_lookup(), __d_lookup_rcu(), try_to_unlazy() and
 * try_to_unlazy_next() are called through pointers the engine fills
 * (functions, which arm64's kallsyms lists too).
 */
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/dcache.h>

#include "symlinkown.h"

typeof(__d_lookup_rcu) *symlinkown___d_lookup_rcu;
typeof(__d_lookup) *symlinkown___d_lookup;
bool (*symlinkown_try_to_unlazy_next)(struct symlinkown_nameidata *nd,
				      struct dentry *dentry);
struct dentry *(*symlinkown___lookup_slow)(const struct qstr *name,
					   struct dentry *dir,
					   unsigned int flags);
const char *(*symlinkown_handle_dots)(struct symlinkown_nameidata *nd,
				      int type);
const char *(*symlinkown_step_into)(struct symlinkown_nameidata *nd,
				    int flags, struct dentry *dentry);
bool (*symlinkown_try_to_unlazy)(struct symlinkown_nameidata *nd);

static inline int symlinkown_d_revalidate(struct dentry *dentry,
					  unsigned int flags)
{
	if (unlikely(dentry->d_flags & DCACHE_OP_REVALIDATE))
		return dentry->d_op->d_revalidate(dentry, flags);
	else
		return 1;
}

static struct dentry *symlinkown_lookup_fast(struct symlinkown_nameidata *nd)
{
	struct dentry *dentry, *parent = nd->path.dentry;
	int status = 1;

	/* kcare: the trailing link open() is about to pop is on the stack */
	if (symlinkown_restricted()) {
		status = symlinkown_sync(nd, NULL);
		if (status)
			return ERR_PTR(status);
	}
	/*
	 * Rename seqlock is not required here because in the off chance
	 * of a false negative due to a concurrent rename, the caller is
	 * going to fall back to non-racy lookup.
	 */
	if (nd->flags & LOOKUP_RCU) {
		dentry = symlinkown___d_lookup_rcu(parent, &nd->last,
						   &nd->next_seq);
		if (unlikely(!dentry)) {
			if (!symlinkown_try_to_unlazy(nd))
				return ERR_PTR(-ECHILD);
			return NULL;
		}

		/*
		 * This sequence count validates that the parent had no
		 * changes while we did the lookup of the dentry above.
		 */
		if (read_seqcount_retry(&parent->d_seq, nd->seq))
			return ERR_PTR(-ECHILD);

		status = symlinkown_d_revalidate(dentry, nd->flags);
		if (likely(status > 0))
			return dentry;
		if (!symlinkown_try_to_unlazy_next(nd, dentry))
			return ERR_PTR(-ECHILD);
		if (status == -ECHILD)
			/* we'd been told to redo it in non-rcu mode */
			status = symlinkown_d_revalidate(dentry, nd->flags);
	} else {
		dentry = symlinkown___d_lookup(parent, &nd->last);
		if (unlikely(!dentry))
			return NULL;
		status = symlinkown_d_revalidate(dentry, nd->flags);
	}
	if (unlikely(status <= 0)) {
		if (!status)
			d_invalidate(dentry);
		dput(dentry);
		return ERR_PTR(status);
	}
	return dentry;
}

static struct dentry *symlinkown_lookup_slow(const struct qstr *name,
					     struct dentry *dir,
					     unsigned int flags)
{
	struct inode *inode = dir->d_inode;
	struct dentry *res;

	inode_lock_shared(inode);
	res = symlinkown___lookup_slow(name, dir, flags);
	inode_unlock_shared(inode);
	return res;
}

static inline void symlinkown_put_link(struct symlinkown_nameidata *nd)
{
	struct symlinkown_saved *last = nd->stack + --nd->depth;

	do_delayed_call(&last->done);
	if (!(nd->flags & LOOKUP_RCU))
		path_put(&last->link);
}

static const char *symlinkown_walk_component(struct symlinkown_nameidata *nd,
					     int flags)
{
	/* kcare: */
	bool restricted = symlinkown_restricted();
	struct symlinkown_step step;
	struct dentry *dentry;
	const char *res;
	int err;

	/* kcare: a step made by open() since the last check */
	if (restricted) {
		err = symlinkown_sync(nd, NULL);
		if (err)
			return ERR_PTR(err);
	}
	/*
	 * "." and ".." are special - ".." especially so because it has
	 * to be able to know about the current root directory and
	 * parent relationships.
	 */
	if (unlikely(nd->last_type != LAST_NORM)) {
		if (!(flags & SYMLINKOWN_WALK_MORE) && nd->depth)
			symlinkown_put_link(nd);
		res = symlinkown_handle_dots(nd, nd->last_type);
		/* kcare: */
		if (restricted && !IS_ERR(res)) {
			err = symlinkown_sync(nd, NULL);
			if (err)
				return ERR_PTR(err);
		}
		return res;
	}
	dentry = symlinkown_lookup_fast(nd);
	if (IS_ERR(dentry))
		return ERR_CAST(dentry);
	if (unlikely(!dentry)) {
		dentry = symlinkown_lookup_slow(&nd->last, nd->path.dentry,
						nd->flags);
		if (IS_ERR(dentry))
			return ERR_CAST(dentry);
	}
	if (!(flags & SYMLINKOWN_WALK_MORE) && nd->depth)
		symlinkown_put_link(nd);
	/* kcare: */
	if (restricted) {
		err = symlinkown_before_step(nd, dentry, &step);
		if (err)	/* only in RCU mode: no reference to drop */
			return ERR_PTR(err);
	}
	res = symlinkown_step_into(nd, flags, dentry);
	/* kcare: a link popped before the step, or pushed by it */
	if (restricted && !IS_ERR(res)) {
		bool jumped = step.link && !res && nd->depth == step.depth &&
			      nd->total_link_count != step.links;

		err = symlinkown_sync(nd, jumped ? &step : NULL);
		if (err)
			return ERR_PTR(err);
	}
	return res;
}

static int symlinkown_complete_walk(struct symlinkown_nameidata *nd)
{
	struct dentry *dentry = nd->path.dentry;
	int status;

	if (nd->flags & LOOKUP_RCU) {
		/*
		 * We don't want to zero nd->root for scoped-lookups or
		 * externally-managed nd->root.
		 */
		if (!(nd->state & SYMLINKOWN_ND_ROOT_PRESET))
			if (!(nd->flags & LOOKUP_IS_SCOPED))
				nd->root.mnt = NULL;
		nd->flags &= ~LOOKUP_CACHED;
		if (!symlinkown_try_to_unlazy(nd))
			return -ECHILD;
	}

	if (unlikely(nd->flags & LOOKUP_IS_SCOPED)) {
		/*
		 * While the guarantee of LOOKUP_IS_SCOPED is (roughly) "don't
		 * ever step outside the root during lookup" and should already
		 * be guaranteed by the rest of namei, we want to avoid a namei
		 * BUG resulting in userspace being given a path that was not
		 * scoped within the root at some point during the lookup.
		 *
		 * So, do a final sanity-check to make sure that in the
		 * worst-case scenario (a complete bypass of LOOKUP_IS_SCOPED)
		 * we won't silently return an fd completely outside of the
		 * requested root to userspace.
		 *
		 * Userspace could move the path outside the root after this
		 * check, but as discussed elsewhere this is not a concern (the
		 * resolved file was inside the root at some point).
		 */
		if (!path_is_under(&nd->path, &nd->root))
			return -EXDEV;
	}

	/* kcare: links popped by steps made outside walk_component() */
	if (symlinkown_restricted()) {
		status = symlinkown_sync(nd, NULL);
		if (status)
			return status;
	}

	if (likely(!(nd->state & SYMLINKOWN_ND_JUMPED)))
		return 0;

	if (likely(!(dentry->d_flags & DCACHE_OP_WEAK_REVALIDATE)))
		return 0;

	status = dentry->d_op->d_weak_revalidate(dentry, nd->flags);
	if (status > 0)
		return 0;

	if (!status)
		status = -ESTALE;

	return status;
}

static void symlinkown_drop_links(struct symlinkown_nameidata *nd)
{
	int i = nd->depth;

	while (i--) {
		struct symlinkown_saved *last = nd->stack + i;

		do_delayed_call(&last->done);
		clear_delayed_call(&last->done);
	}
}

static void symlinkown_leave_rcu(struct symlinkown_nameidata *nd)
{
	nd->flags &= ~LOOKUP_RCU;
	nd->seq = nd->next_seq = 0;
	rcu_read_unlock();
}

static void symlinkown_terminate_walk(struct symlinkown_nameidata *nd)
{
	/* kcare: */
	symlinkown_forget(nd);
	symlinkown_drop_links(nd);
	if (!(nd->flags & LOOKUP_RCU)) {
		int i;

		path_put(&nd->path);
		for (i = 0; i < nd->depth; i++)
			path_put(&nd->stack[i].link);
		if (nd->state & SYMLINKOWN_ND_ROOT_GRABBED) {
			path_put(&nd->root);
			nd->state &= ~SYMLINKOWN_ND_ROOT_GRABBED;
		}
	} else {
		symlinkown_leave_rcu(nd);
	}
	nd->depth = 0;
	nd->path.mnt = NULL;
	nd->path.dentry = NULL;
}

struct kcare_func symlinkown_funcs[] = {
	{
		.name = "walk_component",
		.object = "vmlinux",
		.new_func = symlinkown_walk_component,
	},
	{
		.name = "lookup_fast",
		.object = "vmlinux",
		.new_func = symlinkown_lookup_fast,
	},
	{
		.name = "complete_walk",
		.object = "vmlinux",
		.new_func = symlinkown_complete_walk,
	},
	{
		.name = "terminate_walk",
		.object = "vmlinux",
		.new_func = symlinkown_terminate_walk,
	},
	{ }
};
