// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/kcare/: the engine's state, readable by people and programs.
 * Documentation/abi.md describes every file.
 *
 * Writes that change the engine's state never sleep on kcare_mutex: entries
 * are removed under it, and removal waits for handlers in flight, so a
 * handler that finds the mutex taken restarts the write instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/utsname.h>

#include <kcare/patch.h>

#include "error.h"
#include "freezer.h"
#include "state.h"
#include "switch.h"
#include "sysfs.h"

static const struct kcare_sysfs_ops *kcare_sysfs_ops;
static struct kobject *kcare_kobj;
static struct kobject *kcare_patches_kobj;

/* Parse "0" or "1" (a trailing newline allowed); anything else is -EINVAL. */
static int kcare_parse_bool(const char *buf, bool *val)
{
	unsigned int v;

	if (kstrtouint(buf, 10, &v) || v > 1)
		return -EINVAL;
	*val = v;
	return 0;
}

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", KCARE_VERSION);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", kcare_state_name(READ_ONCE(kcare_state)));
}

/* Show a field of the active patchset, or @idle when there is none. */
#define KCARE_SET_ATTR(_name, _fmt, _field, _idle)			\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	ssize_t ret;							\
									\
	/* Interruptible: the full freezer must be able to freeze us. */ \
	if (mutex_lock_interruptible(&kcare_mutex))			\
		return -ERESTARTSYS;					\
	if (kcare_active)						\
		ret = sysfs_emit(buf, _fmt "\n", kcare_active->_field);	\
	else								\
		ret = sysfs_emit(buf, "%s\n", _idle);			\
	mutex_unlock(&kcare_mutex);					\
	return ret;							\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

KCARE_SET_ATTR(patchset, "%s", id, "");
KCARE_SET_ATTR(level, "%u", level, "0");
KCARE_SET_ATTR(patch_type, "%s", type, "");
/* 1: switched while tasks were inside changed code; never removable. */
KCARE_SET_ATTR(forced, "%d", forced, "0");
/* What kcare-uname reports: without patches, the real release. */
KCARE_SET_ATTR(effective_version, "%s", effective_version,
	       init_utsname()->release);

static ssize_t last_error_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	char msg[256];

	kcare_last_error(msg, sizeof(msg));
	return sysfs_emit(buf, "%s\n", msg);
}

/* "1" reverts under the freezer's checks; "force" even if tasks block. */
static ssize_t unload_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	bool val, force = sysfs_streq(buf, "force");
	int ret;

	if (!force && (kcare_parse_bool(buf, &val) || !val))
		return -EINVAL;
	ret = kcare_sysfs_ops->unload(force);
	return ret ? ret : count;
}

static ssize_t freezer_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  kcare_freezer_mode_name(kcare_freezer_get()));
}

static ssize_t freezer_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	enum kcare_freezer_mode mode;

	if (kcare_freezer_parse(buf, &mode))
		return -EINVAL;
	kcare_freezer_set(mode);
	return count;
}

static ssize_t freezer_timeout_ms_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", kcare_freezer_timeout_ms());
}

static ssize_t freezer_timeout_ms_store(struct kobject *kobj,
					struct kobj_attribute *attr,
					const char *buf, size_t count)
{
	unsigned int ms;

	/* Ten minutes at most: longer would hold every other change back. */
	if (kstrtouint(buf, 10, &ms) || ms > 600000)
		return -EINVAL;
	kcare_freezer_set_timeout_ms(ms);
	return count;
}

static ssize_t blocking_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return kcare_freezer_blocking_show(buf);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute last_error_attr = __ATTR_RO(last_error);
static struct kobj_attribute unload_attr = __ATTR_WO(unload);
static struct kobj_attribute freezer_attr = __ATTR_RW(freezer);
static struct kobj_attribute freezer_timeout_ms_attr =
	__ATTR_RW(freezer_timeout_ms);
static struct kobj_attribute blocking_attr = __ATTR_RO(blocking);

static struct attribute *kcare_attrs[] = {
	&version_attr.attr,
	&state_attr.attr,
	&patchset_attr.attr,
	&level_attr.attr,
	&patch_type_attr.attr,
	&effective_version_attr.attr,
	&last_error_attr.attr,
	&unload_attr.attr,
	&forced_attr.attr,
	&freezer_attr.attr,
	&freezer_timeout_ms_attr.attr,
	&blocking_attr.attr,
	NULL,
};

static const struct attribute_group kcare_attr_group = {
	.attrs = kcare_attrs,
};

/* pause/: how long switches held every CPU, in microseconds. */
#define KCARE_PAUSE_ATTR(_name, _fmt)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct kcare_pause_stats st;					\
									\
	kcare_pause_stats(&st);						\
	return sysfs_emit(buf, _fmt "\n", st._name);			\
}									\
static struct kobj_attribute pause_##_name##_attr = __ATTR_RO(_name)

KCARE_PAUSE_ATTR(count, "%lu");
KCARE_PAUSE_ATTR(last_us, "%llu");
KCARE_PAUSE_ATTR(max_us, "%llu");
KCARE_PAUSE_ATTR(median_us, "%llu");

static struct attribute *kcare_pause_attrs[] = {
	&pause_count_attr.attr,
	&pause_last_us_attr.attr,
	&pause_max_us_attr.attr,
	&pause_median_us_attr.attr,
	NULL,
};

static const struct attribute_group kcare_pause_group = {
	.name = "pause",
	.attrs = kcare_pause_attrs,
};

/*
 * patches/<name>/: one directory per patch of the active patchset, with a
 * functions/ directory holding one file per function.
 */
struct kcare_patch_kobj {
	struct kobject kobj;
	struct kobject *funcs_kobj;
	struct kcare_patch *patch;
	unsigned int nr_funcs;
	struct kcare_func_attr {
		struct kobj_attribute attr;
		struct kcare_func *func;
		char name[128];
	} *fattrs;
};

#define to_pk(k) container_of(k, struct kcare_patch_kobj, kobj)

static const char * const kcare_func_state_names[] = {
	[KCARE_FUNC_PENDING]	= "pending",
	[KCARE_FUNC_DISABLED]	= "disabled",
	[KCARE_FUNC_PATCHED]	= "patched",
};

static ssize_t func_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct kcare_func_attr *fa = container_of(attr, struct kcare_func_attr,
						  attr);

	return sysfs_emit(buf, "%s\n",
			  kcare_func_state_names[READ_ONCE(fa->func->state)]);
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_pk(kobj)->patch->enabled));
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool val;
	int ret;

	ret = kcare_parse_bool(buf, &val);
	if (ret)
		return ret;
	ret = kcare_lock_or_restart();
	if (ret)
		return ret;
	ret = kcare_sysfs_ops->patch_enable(to_pk(kobj)->patch, val);
	mutex_unlock(&kcare_mutex);
	return ret ? ret : count;
}

#define KCARE_PATCH_ATTR(_name)						\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	const char *s = to_pk(kobj)->patch->_name;			\
									\
	return sysfs_emit(buf, "%s\n", s ? s : "");			\
}									\
static struct kobj_attribute patch_##_name##_attr = __ATTR_RO(_name)

KCARE_PATCH_ATTR(description);
KCARE_PATCH_ATTR(cve);
KCARE_PATCH_ATTR(cvss);
KCARE_PATCH_ATTR(cve_url);
KCARE_PATCH_ATTR(patch_url);
KCARE_PATCH_ATTR(sysctl);
static struct kobj_attribute patch_enabled_attr = __ATTR_RW(enabled);

static struct attribute *kcare_patch_attrs[] = {
	&patch_enabled_attr.attr,
	&patch_description_attr.attr,
	&patch_cve_attr.attr,
	&patch_cvss_attr.attr,
	&patch_cve_url_attr.attr,
	&patch_patch_url_attr.attr,
	&patch_sysctl_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(kcare_patch);

static void kcare_patch_release(struct kobject *kobj)
{
	struct kcare_patch_kobj *pk = to_pk(kobj);

	kfree(pk->fattrs);
	kfree(pk);
}

static struct kobj_type kcare_patch_ktype = {
	.release = kcare_patch_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kcare_patch_groups,
};

static void kcare_patch_kobj_del(struct kcare_patch *patch)
{
	struct kcare_patch_kobj *pk = patch->kobj_priv;

	if (!pk)
		return;
	patch->kobj_priv = NULL;
	/* Removing a directory waits for its readers and writers. */
	kobject_put(pk->funcs_kobj);
	kobject_put(&pk->kobj);
}

static int kcare_patch_kobj_add(struct kcare_patch *patch)
{
	struct kcare_patch_kobj *pk;
	struct kcare_func *f;
	unsigned int i;
	int ret;

	pk = kzalloc(sizeof(*pk), GFP_KERNEL);
	if (!pk)
		return -ENOMEM;
	pk->patch = patch;
	for (f = patch->funcs; f->name; f++)
		pk->nr_funcs++;
	pk->fattrs = kcalloc(pk->nr_funcs, sizeof(*pk->fattrs), GFP_KERNEL);
	if (!pk->fattrs) {
		kfree(pk);
		return -ENOMEM;
	}
	ret = kobject_init_and_add(&pk->kobj, &kcare_patch_ktype,
				   kcare_patches_kobj, "%s", patch->name);
	if (ret) {
		kobject_put(&pk->kobj);
		return ret;
	}
	patch->kobj_priv = pk;
	pk->funcs_kobj = kobject_create_and_add("functions", &pk->kobj);
	if (!pk->funcs_kobj)
		goto fail;
	for (i = 0; i < pk->nr_funcs; i++) {
		struct kcare_func_attr *fa = &pk->fattrs[i];

		fa->func = &patch->funcs[i];
		if (fa->func->sympos)
			snprintf(fa->name, sizeof(fa->name), "%s:%s,%lu",
				 fa->func->object ?: "vmlinux", fa->func->name,
				 fa->func->sympos);
		else
			snprintf(fa->name, sizeof(fa->name), "%s:%s",
				 fa->func->object ?: "vmlinux", fa->func->name);
		sysfs_attr_init(&fa->attr.attr);
		fa->attr.attr.name = fa->name;
		fa->attr.attr.mode = 0444;
		fa->attr.show = func_show;
		ret = sysfs_create_file(pk->funcs_kobj, &fa->attr.attr);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	kcare_patch_kobj_del(patch);
	return -ENOMEM;
}

int kcare_sysfs_add_patchset(struct kcare_patchset *set)
{
	struct kcare_patch *p;
	int ret;

	for (p = set->patches; p->name; p++) {
		ret = kcare_patch_kobj_add(p);
		if (ret) {
			kcare_sysfs_remove_patchset(set);
			return ret;
		}
	}
	return 0;
}

void kcare_sysfs_remove_patchset(struct kcare_patchset *set)
{
	struct kcare_patch *p;

	for (p = set->patches; p->name; p++)
		kcare_patch_kobj_del(p);
}

/* /sys/kernel/kcare/, for the directories of other parts (filters/). */
struct kobject *kcare_sysfs_root(void)
{
	return kcare_kobj;
}

/* @ops: what writes ask of the patchset layer; it outlives the files. */
int kcare_sysfs_init(const struct kcare_sysfs_ops *ops)
{
	int ret;

	kcare_sysfs_ops = ops;
	kcare_kobj = kobject_create_and_add("kcare", kernel_kobj);
	if (!kcare_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(kcare_kobj, &kcare_attr_group);
	if (!ret)
		ret = sysfs_create_group(kcare_kobj, &kcare_pause_group);
	if (ret)
		goto err;
	kcare_patches_kobj = kobject_create_and_add("patches", kcare_kobj);
	if (!kcare_patches_kobj) {
		ret = -ENOMEM;
		goto err;
	}
	return 0;
err:
	kobject_put(kcare_kobj);
	kcare_kobj = NULL;
	return ret;
}

void kcare_sysfs_exit(void)
{
	kobject_put(kcare_patches_kobj);
	/* Removing the kobject removes its attribute group with it. */
	kobject_put(kcare_kobj);
	kcare_kobj = NULL;
}
