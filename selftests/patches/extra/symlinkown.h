/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symlink owner match protection for Debian 12's kernels 6.1.0-56-amd64
 * and 6.1.0-56-arm64 (6.1.192-2): the "extra" patch of the seed's
 * KernelCare Extra patchset (this directory for x86_64, ../extra-arm64/,
 * which links these files, for arm64).
 *
 * With fs.enforce_symlinksifowner = 1, a process in the group
 * fs.symlinkown_gid may not follow a symbolic link whose owner is not the
 * owner of what the link leads to: the attack where a web server running
 * as that group is made to read another user's files through a link the
 * attacker planted in his own web tree.
 *
 * Path walking (fs/namei.c) follows a link by pushing it on the walk's
 * stack of links, walking its body and popping it when the body's last
 * component is reached; only then is the link's target known. The patch
 * replaces the functions where that happens, or right before or after it
 * (walk_component(), lookup_fast(), complete_walk()), and the one that
 * ends every walk (terminate_walk()), and keeps a small record per walk
 * (a shadow variable of the walk's struct nameidata) of the links on the
 * stack and whose owner their target must have. symlinkown.c is the policy and the
 * record; symlinkown_namei.c the copied functions.
 * Documentation/symlink-owner-match.md tells the rules and the choices.
 */
#ifndef _KCPATCH_SYMLINKOWN_H
#define _KCPATCH_SYMLINKOWN_H

#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/delayed_call.h>

#include <kcare/patch.h>

/*
 * fs/namei.c's private structure, copied from that exact source (Debian's
 * linux-source-6.1 6.1.192-2; CONFIG_RANDSTRUCT_NONE, so the layout is
 * the declared one). Only the fields the copied functions use matter, but
 * the layout must be the kernel's, field for field.
 */
#define SYMLINKOWN_EMBEDDED_LEVELS 2
struct symlinkown_nameidata {
	struct path	path;
	struct qstr	last;
	struct path	root;
	struct inode	*inode; /* path.dentry.d_inode */
	unsigned int	flags, state;
	unsigned int	seq, next_seq, m_seq, r_seq;
	int		last_type;
	unsigned int	depth;
	int		total_link_count;
	struct symlinkown_saved {
		struct path link;
		struct delayed_call done;
		const char *name;
		unsigned int seq;
	} *stack, internal[SYMLINKOWN_EMBEDDED_LEVELS];
	struct filename	*name;
	struct symlinkown_nameidata *saved;
	unsigned int	root_seq;
	int		dfd;
	kuid_t		dir_uid;
	umode_t		dir_mode;
};

/* fs/namei.c's flags of nd->state and of step_into() */
#define SYMLINKOWN_ND_ROOT_PRESET	1
#define SYMLINKOWN_ND_ROOT_GRABBED	2
#define SYMLINKOWN_ND_JUMPED		4
#define SYMLINKOWN_WALK_TRAILING	1
#define SYMLINKOWN_WALK_MORE		2
#define SYMLINKOWN_WALK_NOFOLLOW	4

/*
 * struct symlinkown_step - what walk_component() knew before it stepped
 * @link_uid:	owner of the link it stepped onto, if @link
 * @link:	the dentry stepped onto is a link that is not exempt
 * @links:	nd->total_link_count before the step
 * @depth:	nd->depth before the step
 *
 * A link whose body is only "/" is pushed and popped within the step
 * (step_into()'s "pure jump"), so no record ever sees it on the stack:
 * this is how the check still finds it.
 */
struct symlinkown_step {
	kuid_t link_uid;
	bool link;
	int links;
	unsigned int depth;
};

/* symlinkown.c: the policy */
bool symlinkown_restricted(void);
int symlinkown_sync(struct symlinkown_nameidata *nd,
		    const struct symlinkown_step *jump);
int symlinkown_before_step(struct symlinkown_nameidata *nd,
			   struct dentry *dentry, struct symlinkown_step *step);
void symlinkown_forget(struct symlinkown_nameidata *nd);
int symlinkown_pre_apply(struct kcare_patch *patch);
void symlinkown_post_revert(struct kcare_patch *patch);
void symlinkown_exit(void);

/* symlinkown_namei.c: the copied functions and what they call */
extern struct kcare_func symlinkown_funcs[];
extern typeof(__d_lookup_rcu) *symlinkown___d_lookup_rcu;
extern typeof(__d_lookup) *symlinkown___d_lookup;
extern bool (*symlinkown_try_to_unlazy_next)(struct symlinkown_nameidata *nd,
					     struct dentry *dentry);
extern struct dentry *(*symlinkown___lookup_slow)(const struct qstr *name,
						  struct dentry *dir,
						  unsigned int flags);
extern const char *(*symlinkown_handle_dots)(struct symlinkown_nameidata *nd,
					      int type);
extern const char *(*symlinkown_step_into)(struct symlinkown_nameidata *nd,
					    int flags, struct dentry *dentry);
extern bool (*symlinkown_try_to_unlazy)(struct symlinkown_nameidata *nd);

#define SYMLINKOWN_PATCH {						\
	KCARE_META_PATCH_symlink_owner_match,				\
	.funcs = symlinkown_funcs,					\
	.hooks.pre_apply = symlinkown_pre_apply,			\
	.hooks.post_revert = symlinkown_post_revert,			\
}

#endif
