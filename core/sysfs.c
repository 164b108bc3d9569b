// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/kcare/: the engine's state, readable by people and programs.
 * Documentation/abi.md describes every file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "kcare.h"

static struct kobject *kcare_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", KCARE_VERSION);
}
static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *kcare_attrs[] = {
	&version_attr.attr,
	NULL,
};

static const struct attribute_group kcare_attr_group = {
	.attrs = kcare_attrs,
};

int kcare_sysfs_init(void)
{
	int ret;

	kcare_kobj = kobject_create_and_add("kcare", kernel_kobj);
	if (!kcare_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(kcare_kobj, &kcare_attr_group);
	if (ret) {
		kobject_put(kcare_kobj);
		kcare_kobj = NULL;
	}
	return ret;
}

void kcare_sysfs_exit(void)
{
	/* Removing the kobject removes its attribute group with it. */
	kobject_put(kcare_kobj);
	kcare_kobj = NULL;
}
