// SPDX-License-Identifier: GPL-2.0
/*
 * Symlink owner match protection: the policy, its two sysctls and the
 * record each path walk keeps of the links it follows (symlinkown.h).
 *
 * The rule (the seed's, Documentation/symlink-owner-match.md): while
 * fs.enforce_symlinksifowner is 1, a process in the group
 * fs.symlinkown_gid (its filesystem group or one of its supplementary
 * groups) may not follow a link whose owner is not the owner of the link's
 * target, where the target is what the link finally leads to: through a
 * chain of links, every link must belong to the owner of the end of the
 * chain. Following is refused with EACCES. Links owned by root are
 * trusted (root can read everything anyway), and so are procfs's own
 * links (/proc/PID/fd/N and the like), which nobody can plant.
 *
 * The sysctls outlive one payload: a later level of the extra patchset
 * replaces this one without the sysctls going away or losing their
 * values. So they live in a shadow variable attached to the engine, not
 * in the payload, with a count of the payloads that use them; the last
 * one to go removes them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sysctl.h>
#include <linux/uidgid.h>

#include "symlinkown.h"

/* Shadow ids: the shared sysctl state, and each walk's record. */
#define SYMLINKOWN_STATE_ID	0x6b63534fUL	/* "kcSO" */
#define SYMLINKOWN_WALK_ID	0x6b635357UL	/* "kcSW" */

/* The seed: "48 (Apache's default group) or 99 (nobody)"; FORCE_GID picks. */
#define SYMLINKOWN_DEFAULT_GID	48

/**
 * struct symlinkown_state - the sysctls, shared by every level's payload
 * @enforce:	fs.enforce_symlinksifowner, 0 or 1
 * @gid:	fs.symlinkown_gid
 * @gid_max:	the highest valid group id, the sysctl's bound
 * @users:	payloads that hold it (from pre_apply to revert or unload)
 * @walks:	walk records alive, so that walks end without a lookup
 *		while there are none
 * @header:	the registered table
 * @table:	fs.enforce_symlinksifowner, fs.symlinkown_gid, end
 */
struct symlinkown_state {
	int enforce;
	unsigned int gid;
	unsigned int gid_max;
	atomic_t users;
	atomic_t walks;
	struct ctl_table_header *header;
	struct ctl_table table[3];
};

/**
 * struct symlinkown_link - a link on the walk's stack, as the record saw it
 * @dentry:	which link: compared, never dereferenced (once popped, the
 *		walk no longer holds it)
 * @owner:	whose the link's target must be
 * @check:	false for a trusted link that inherited no owner to check
 */
struct symlinkown_link {
	struct dentry *dentry;
	kuid_t owner;
	bool check;
};

/**
 * struct symlinkown_walk - the record of one walk (shadow of its nameidata)
 * @name:	the walk's name, and
 * @links:	its link count when last synced: a record that does not match
 *		them belongs to an earlier walk at the same address
 * @depth:	how many of @link mirror the walk's stack
 * @link:	the links, bottom first
 */
struct symlinkown_walk {
	const struct filename *name;
	int links;
	unsigned int depth;
	struct symlinkown_link link[MAXSYMLINKS];
};

static struct symlinkown_state *symlinkown;
static bool symlinkown_held;

/* Where the shared state hangs: an address every payload resolves alike. */
static void *symlinkown_anchor(void)
{
	return (void *)kcare_shadow_get;
}

/* Is the current process one the rule applies to? */
bool symlinkown_restricted(void)
{
	struct symlinkown_state *st = symlinkown;

	return READ_ONCE(st->enforce) == 1 &&
	       in_group_p(KGIDT_INIT(READ_ONCE(st->gid)));
}

/* The owner of @dentry as seen through @mnt (idmapped mounts). */
static kuid_t symlinkown_owner(struct vfsmount *mnt, struct dentry *dentry)
{
	return i_uid_into_mnt(mnt_user_ns(mnt), d_inode(dentry));
}

static int symlinkown_refuse(struct symlinkown_nameidata *nd, kuid_t link,
			     kuid_t target)
{
	/* Decide on what ref-walk sees, not on a lockless snapshot. */
	if (nd->flags & LOOKUP_RCU)
		return -ECHILD;
	pr_notice_ratelimited("symlink owner match: %s[%d] may not follow a link of uid %u to a target of uid %u\n",
			      current->comm, task_pid_nr(current),
			      from_kuid(&init_user_ns, link),
			      from_kuid(&init_user_ns, target));
	return -EACCES;
}

static void symlinkown_walk_dtor(void *obj, void *data)
{
	atomic_dec(&symlinkown->walks);
}

static struct symlinkown_walk *symlinkown_walk_get(struct symlinkown_nameidata *nd,
						   bool create)
{
	struct symlinkown_walk *w = kcare_shadow_get(nd, SYMLINKOWN_WALK_ID);

	if (w && (w->name != nd->name || w->links > nd->total_link_count)) {
		/* Left by a walk that did not end in terminate_walk(). */
		w->depth = 0;
		w->name = nd->name;
	}
	if (w || !create)
		return w;
	w = kcare_shadow_alloc(nd, SYMLINKOWN_WALK_ID, sizeof(*w), GFP_KERNEL,
			       NULL, NULL);
	if (!w)
		return NULL;
	atomic_inc(&symlinkown->walks);
	w->name = nd->name;
	return w;
}

/**
 * symlinkown_sync() - bring the walk's record up to its stack, and check
 * @nd:		the walk, just after a step (or where a step may have been
 *		made by code that is not ours)
 * @jump:	the step followed a link without pushing it (a "pure jump"),
 *		or NULL
 *
 * Links the record has and the stack no longer has were popped: their
 * target is where the walk now is, or, if a new link was pushed in their
 * place, that link's target, which then inherits their owner. Links the
 * stack has and the record not yet are recorded, which reads their
 * inodes: a walk in RCU mode is sent back to do that in ref-walk.
 *
 * Return: 0, -EACCES when a link may not be followed, -ECHILD to redo the
 * walk in ref-walk, -ENOMEM.
 */
int symlinkown_sync(struct symlinkown_nameidata *nd,
		    const struct symlinkown_step *jump)
{
	struct symlinkown_walk *w = symlinkown_walk_get(nd, false);
	unsigned int have = w ? w->depth : 0, same = 0, i;
	bool wanted = false;
	kuid_t want = GLOBAL_ROOT_UID, owner;

	while (same < have && same < nd->depth &&
	       w->link[same].dentry == nd->stack[same].link.dentry)
		same++;
	for (i = same; i < have; i++) {
		if (!w->link[i].check)
			continue;
		if (wanted && !uid_eq(want, w->link[i].owner))
			return symlinkown_refuse(nd, w->link[i].owner, want);
		want = w->link[i].owner;
		wanted = true;
	}
	if (jump) {
		if (wanted && !uid_eq(want, jump->link_uid))
			return symlinkown_refuse(nd, jump->link_uid, want);
		want = jump->link_uid;
		wanted = true;
	}
	if (nd->depth > same) {
		if (nd->flags & LOOKUP_RCU)
			return -ECHILD;
		if (!w)
			w = symlinkown_walk_get(nd, true);
		if (!w)
			return -ENOMEM;
		for (i = same; i < nd->depth; i++) {
			struct symlinkown_link *l = &w->link[i];
			struct path *link = &nd->stack[i].link;

			owner = symlinkown_owner(link->mnt, link->dentry);
			l->dentry = link->dentry;
			l->owner = owner;
			l->check = !uid_eq(owner, GLOBAL_ROOT_UID);
			if (i > same || !wanted)
				continue;
			/* The popped links lead to this one: same target. */
			if (l->check && !uid_eq(owner, want))
				return symlinkown_refuse(nd, owner, want);
			l->owner = want;
			l->check = true;
			wanted = false;
		}
	}
	if (w) {
		w->depth = nd->depth;
		w->links = nd->total_link_count;
	}
	if (!wanted)
		return 0;
	owner = i_uid_into_mnt(mnt_user_ns(nd->path.mnt), nd->inode);
	if (!uid_eq(owner, want))
		return symlinkown_refuse(nd, want, owner);
	return 0;
}

/**
 * symlinkown_before_step() - note what walk_component() is about to step on
 * @nd:		the walk
 * @dentry:	what it steps on
 * @step:	filled for the check after the step
 *
 * Return: 0, or -ECHILD when the walk must redo this in ref-walk (a link
 * read without references would be a guess).
 */
int symlinkown_before_step(struct symlinkown_nameidata *nd,
			   struct dentry *dentry, struct symlinkown_step *step)
{
	struct inode *inode;

	step->link = false;
	step->links = nd->total_link_count;
	step->depth = nd->depth;
	if (!d_is_symlink(dentry))
		return 0;
	if (nd->flags & LOOKUP_RCU)
		return -ECHILD;
	inode = d_inode(dentry);
	step->link_uid = symlinkown_owner(nd->path.mnt, dentry);
	step->link = !uid_eq(step->link_uid, GLOBAL_ROOT_UID) &&
		     inode->i_sb->s_magic != PROC_SUPER_MAGIC;
	return 0;
}

/* The walk ends: its record goes. */
void symlinkown_forget(struct symlinkown_nameidata *nd)
{
	if (atomic_read(&symlinkown->walks))
		kcare_shadow_free(nd, SYMLINKOWN_WALK_ID, symlinkown_walk_dtor);
}

/* Runs under the shadow lock: only fills memory. */
static int symlinkown_state_ctor(void *obj, void *data, void *arg)
{
	struct symlinkown_state *st = data;

	st->gid = SYMLINKOWN_DEFAULT_GID;
	st->gid_max = (unsigned int)-2;
	st->table[0] = (struct ctl_table) {
		.procname	= "enforce_symlinksifowner",
		.data		= &st->enforce,
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	};
	st->table[1] = (struct ctl_table) {
		.procname	= "symlinkown_gid",
		.data		= &st->gid,
		.maxlen		= sizeof(unsigned int),
		.mode		= 0644,
		.proc_handler	= proc_douintvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &st->gid_max,
	};
	return 0;
}

/*
 * Take a reference on the shared state, registering the sysctls if this
 * is the first payload. Hooks run under the engine's mutex and payloads
 * of one stream replace each other one at a time (kcarectl removes the
 * old payload after the new one applied), so the count needs no lock of
 * its own.
 */
int symlinkown_pre_apply(struct kcare_patch *patch)
{
	struct symlinkown_state *st;

	if (symlinkown_held)
		return 0;
	st = kcare_shadow_get_or_alloc(symlinkown_anchor(), SYMLINKOWN_STATE_ID,
				       sizeof(*st), GFP_KERNEL,
				       symlinkown_state_ctor, NULL);
	if (!st)
		return -ENOMEM;
	if (atomic_inc_return(&st->users) == 1) {
		st->header = register_sysctl("fs", st->table);
		if (!st->header) {
			atomic_dec(&st->users);
			pr_err("symlink owner match: cannot register fs.enforce_symlinksifowner\n");
			return -ENOMEM;
		}
	}
	symlinkown = st;
	symlinkown_held = true;
	return 0;
}

static void symlinkown_put(void)
{
	struct symlinkown_state *st = symlinkown;

	if (!symlinkown_held)
		return;
	symlinkown_held = false;
	if (!atomic_dec_and_test(&st->users))
		return;
	unregister_sysctl_table(st->header);
	kcare_shadow_free_all(SYMLINKOWN_WALK_ID, NULL);
	kcare_shadow_free(symlinkown_anchor(), SYMLINKOWN_STATE_ID, NULL);
}

/* Reverted (unloaded), or an apply that failed after pre_apply. */
void symlinkown_post_revert(struct kcare_patch *patch)
{
	symlinkown_put();
}

/* The payload goes: replaced by a patchset without this patch, say. */
void symlinkown_exit(void)
{
	symlinkown_put();
}
