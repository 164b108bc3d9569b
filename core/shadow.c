// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow variables: data a fix attaches to an existing kernel object when
 * it needs a field the object's structure does not have.
 *
 * Each variable is identified by <obj, id>. They live in one hash table
 * keyed by the object's address. Lookups only take the RCU read lock, since
 * replacement functions call kcare_shadow_get() on hot paths; additions and
 * removals are serialised by a spinlock that is taken with interrupts off,
 * so that all of these may be called from any context the caller's gfp
 * flags allow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <kcare/patch.h>

#include "shadow.h"

#define KCARE_SHADOW_HASH_BITS	12

struct kcare_shadow {
	struct hlist_node node;
	struct rcu_head rcu;
	void *obj;
	unsigned long id;
	u8 data[] __aligned(sizeof(u64));
};

static DEFINE_HASHTABLE(kcare_shadow_hash, KCARE_SHADOW_HASH_BITS);
static DEFINE_SPINLOCK(kcare_shadow_lock);

/* The caller holds the RCU read lock or kcare_shadow_lock. */
static struct kcare_shadow *kcare_shadow_find(void *obj, unsigned long id)
{
	struct kcare_shadow *shadow;

	hash_for_each_possible_rcu(kcare_shadow_hash, shadow, node,
				   (unsigned long)obj,
				   lockdep_is_held(&kcare_shadow_lock)) {
		if (shadow->obj == obj && shadow->id == id)
			return shadow;
	}
	return NULL;
}

/**
 * kcare_shadow_get() - find the shadow variable <@obj, @id>
 * @obj:	the object the variable is attached to
 * @id:		which of the object's variables
 *
 * Lock-free: callable from any context, including hot paths.
 *
 * Return: the variable's data, or NULL if there is none.
 */
void *kcare_shadow_get(void *obj, unsigned long id)
{
	struct kcare_shadow *shadow;
	void *data = NULL;

	rcu_read_lock();
	shadow = kcare_shadow_find(obj, id);
	if (shadow)
		data = shadow->data;
	rcu_read_unlock();
	return data;
}
EXPORT_SYMBOL_GPL(kcare_shadow_get);

static void *kcare_shadow_create(void *obj, unsigned long id, size_t size,
				 gfp_t gfp, kcare_shadow_ctor_t ctor,
				 void *ctor_arg, bool existing_ok)
{
	struct kcare_shadow *shadow, *new;
	unsigned long flags;
	void *data;
	int ret;

	data = kcare_shadow_get(obj, id);
	if (data)
		goto exists;

	/*
	 * Allocate before taking the lock, so that @gfp alone decides whether
	 * this may sleep; another CPU may add the same variable meanwhile,
	 * which the check under the lock catches.
	 */
	new = kzalloc(struct_size(new, data, size), gfp);
	if (!new)
		return NULL;
	new->obj = obj;
	new->id = id;

	spin_lock_irqsave(&kcare_shadow_lock, flags);
	shadow = kcare_shadow_find(obj, id);
	if (shadow) {
		spin_unlock_irqrestore(&kcare_shadow_lock, flags);
		kfree(new);
		data = shadow->data;
		goto exists;
	}
	/*
	 * The constructor runs before the variable is visible, and under the
	 * lock so that no other CPU can construct the same one.
	 */
	if (ctor) {
		ret = ctor(obj, new->data, ctor_arg);
		if (ret) {
			spin_unlock_irqrestore(&kcare_shadow_lock, flags);
			kfree(new);
			pr_err("shadow variable <%p, %lu>: constructor failed (%d)\n",
			       obj, id, ret);
			return NULL;
		}
	}
	hash_add_rcu(kcare_shadow_hash, &new->node, (unsigned long)obj);
	spin_unlock_irqrestore(&kcare_shadow_lock, flags);
	return new->data;

exists:
	if (existing_ok)
		return data;
	/* Not a WARN: a payload's mistake must not look like a kernel bug. */
	pr_err_ratelimited("shadow variable <%p, %lu> already exists\n",
			   obj, id);
	return NULL;
}

/**
 * kcare_shadow_alloc() - attach a new shadow variable to an object
 * @obj:	the object
 * @id:		which of the object's variables
 * @size:	size of the data
 * @gfp:	allocation flags for the caller's context
 * @ctor:	initialises the data; runs with a spinlock held and interrupts
 *		off, so it must not sleep. NULL leaves the data zeroed.
 * @ctor_arg:	passed to @ctor
 *
 * Return: the new variable's data; NULL if it already exists (logged), if
 * the allocation fails or if @ctor returns an error.
 */
void *kcare_shadow_alloc(void *obj, unsigned long id, size_t size, gfp_t gfp,
			 kcare_shadow_ctor_t ctor, void *ctor_arg)
{
	return kcare_shadow_create(obj, id, size, gfp, ctor, ctor_arg, false);
}
EXPORT_SYMBOL_GPL(kcare_shadow_alloc);

/**
 * kcare_shadow_get_or_alloc() - find a shadow variable, or attach it
 * @obj:	the object
 * @id:		which of the object's variables
 * @size:	size of the data
 * @gfp:	allocation flags for the caller's context
 * @ctor:	as for kcare_shadow_alloc(); not called if the variable exists
 * @ctor_arg:	passed to @ctor
 *
 * Return: the data of the existing or new variable; NULL if the allocation
 * fails or if @ctor returns an error.
 */
void *kcare_shadow_get_or_alloc(void *obj, unsigned long id, size_t size,
				gfp_t gfp, kcare_shadow_ctor_t ctor,
				void *ctor_arg)
{
	return kcare_shadow_create(obj, id, size, gfp, ctor, ctor_arg, true);
}
EXPORT_SYMBOL_GPL(kcare_shadow_get_or_alloc);

/* Under kcare_shadow_lock. Readers may still see it until a grace period. */
static void kcare_shadow_remove(struct kcare_shadow *shadow,
				kcare_shadow_dtor_t dtor)
{
	hash_del_rcu(&shadow->node);
	if (dtor)
		dtor(shadow->obj, shadow->data);
	kfree_rcu(shadow, rcu);
}

/**
 * kcare_shadow_free() - detach and free a shadow variable
 * @obj:	the object
 * @id:		which of the object's variables
 * @dtor:	called on the data before it goes, with a spinlock held and
 *		interrupts off; may be NULL
 *
 * Nothing happens if the variable does not exist. The memory is freed after
 * an RCU grace period, so concurrent kcare_shadow_get() callers that found
 * it stay safe while in their read-side critical section.
 */
void kcare_shadow_free(void *obj, unsigned long id, kcare_shadow_dtor_t dtor)
{
	struct kcare_shadow *shadow;
	unsigned long flags;

	spin_lock_irqsave(&kcare_shadow_lock, flags);
	shadow = kcare_shadow_find(obj, id);
	if (shadow)
		kcare_shadow_remove(shadow, dtor);
	spin_unlock_irqrestore(&kcare_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(kcare_shadow_free);

/**
 * kcare_shadow_free_all() - free the shadow variables of one id on all objects
 * @id:		the id
 * @dtor:	as for kcare_shadow_free()
 *
 * Typically called when the patch that attached them is reverted.
 */
void kcare_shadow_free_all(unsigned long id, kcare_shadow_dtor_t dtor)
{
	struct kcare_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags;
	int bkt;

	spin_lock_irqsave(&kcare_shadow_lock, flags);
	hash_for_each_safe(kcare_shadow_hash, bkt, tmp, shadow, node) {
		if (shadow->id == id)
			kcare_shadow_remove(shadow, dtor);
	}
	spin_unlock_irqrestore(&kcare_shadow_lock, flags);
}
EXPORT_SYMBOL_GPL(kcare_shadow_free_all);

/*
 * At engine unload no payload is left, so nobody can look these up any
 * more; their destructors went away with the payloads, so the data is
 * just freed.
 */
void kcare_shadow_exit(void)
{
	struct kcare_shadow *shadow;
	struct hlist_node *tmp;
	unsigned long flags;
	unsigned int left = 0;
	int bkt;

	spin_lock_irqsave(&kcare_shadow_lock, flags);
	hash_for_each_safe(kcare_shadow_hash, bkt, tmp, shadow, node) {
		kcare_shadow_remove(shadow, NULL);
		left++;
	}
	spin_unlock_irqrestore(&kcare_shadow_lock, flags);

	if (left)
		pr_info("freed %u shadow variables left by payloads\n", left);
}
