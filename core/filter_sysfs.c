// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/kcare/filters/: load, show and remove filters (filter.c).
 * Documentation/abi.md describes every file.
 *
 * A load is a write to filters/load of one line of key=value words:
 *
 *   name=ldt16 fd=3 function=write_ldt errno=EINVAL cve=CVE-... description=...
 *
 * fd is a BPF program's file descriptor in the writing process, which is
 * where sysfs writes run; description takes the rest of the line. A
 * successful load creates filters/<name>/; a write of the name to
 * filters/remove removes it.
 *
 * As in sysfs.c, writers never sleep on kcare_mutex (directories are
 * removed under it, and removal waits for their writers): they restart.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "error.h"
#include "filter.h"
#include "filter_sysfs.h"
#include "state.h"
#include "sysfs.h"

static struct kobject *kcare_filters_kobj;

/* filters/<name>/: the kobject's parent pointer leads back to the filter. */
struct kcare_filter_kobj {
	struct kobject kobj;
	struct kcare_filter *filter;
};

#define to_filter(k) (container_of(k, struct kcare_filter_kobj, kobj)->filter)

static ssize_t function_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "vmlinux:%s\n", to_filter(kobj)->function);
}

static ssize_t errno_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", kcare_filter_err_name(to_filter(kobj)->err));
}

static ssize_t cve_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%s\n", to_filter(kobj)->cve);
}

static ssize_t description_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_filter(kobj)->description);
}

static ssize_t prog_id_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", kcare_filter_prog_id(to_filter(kobj)));
}

static ssize_t seen_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct kcare_filter_stats st;

	kcare_filter_stats(to_filter(kobj), &st);
	return sysfs_emit(buf, "%llu\n", st.seen);
}

static ssize_t denied_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct kcare_filter_stats st;

	kcare_filter_stats(to_filter(kobj), &st);
	return sysfs_emit(buf, "%llu\n", st.denied);
}

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_filter(kobj)->enabled));
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool on;
	int ret;

	if (sysfs_streq(buf, "0"))
		on = false;
	else if (sysfs_streq(buf, "1"))
		on = true;
	else
		return -EINVAL;
	ret = kcare_lock_or_restart();
	if (ret)
		return ret;
	kcare_filter_set_enabled(to_filter(kobj), on);
	mutex_unlock(&kcare_mutex);
	return count;
}

static struct kobj_attribute function_attr = __ATTR_RO(function);
static struct kobj_attribute errno_attr = __ATTR_RO(errno);
static struct kobj_attribute cve_attr = __ATTR_RO(cve);
static struct kobj_attribute description_attr = __ATTR_RO(description);
static struct kobj_attribute prog_id_attr = __ATTR_RO(prog_id);
static struct kobj_attribute seen_attr = __ATTR_RO(seen);
static struct kobj_attribute denied_attr = __ATTR_RO(denied);
static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);

static struct attribute *kcare_filter_attrs[] = {
	&function_attr.attr,
	&errno_attr.attr,
	&cve_attr.attr,
	&description_attr.attr,
	&prog_id_attr.attr,
	&seen_attr.attr,
	&denied_attr.attr,
	&enabled_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(kcare_filter);

static void kcare_filter_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct kcare_filter_kobj, kobj));
}

static struct kobj_type kcare_filter_ktype = {
	.release = kcare_filter_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kcare_filter_groups,
};

/* Remove @f's directory (waiting for its readers), then @f. */
static void kcare_filter_drop(struct kcare_filter *f)
{
	kobject_put(f->kobj);
	f->kobj = NULL;
	kcare_filter_remove(f);
}

static int kcare_filter_kobj_add(struct kcare_filter *f)
{
	struct kcare_filter_kobj *fk;
	int ret;

	fk = kzalloc(sizeof(*fk), GFP_KERNEL);
	if (!fk)
		return -ENOMEM;
	fk->filter = f;
	ret = kobject_init_and_add(&fk->kobj, &kcare_filter_ktype,
				   kcare_filters_kobj, "%s", f->name);
	if (ret) {
		kobject_put(&fk->kobj);
		return ret;
	}
	f->kobj = &fk->kobj;
	return 0;
}

/* Split "key=value ..." of @line into @spec; the strings stay in @line. */
static int kcare_filter_parse(char *line, struct kcare_filter_spec *spec)
{
	char *word, *val;
	bool fd = false;

	memset(spec, 0, sizeof(*spec));
	line = strim(line);
	while (line && *line) {
		line = skip_spaces(line);
		if (str_has_prefix(line, "description=")) {
			spec->description = line + strlen("description=");
			break;
		}
		word = strsep(&line, " \t");
		val = strchr(word, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(word, "name"))
			spec->name = val;
		else if (!strcmp(word, "function"))
			spec->function = val;
		else if (!strcmp(word, "errno"))
			spec->errname = val;
		else if (!strcmp(word, "cve"))
			spec->cve = val;
		else if (!strcmp(word, "fd")) {
			if (kstrtoint(val, 10, &spec->prog_fd) || spec->prog_fd < 0)
				return -EINVAL;
			fd = true;
		} else
			return -EINVAL;
	}
	if (!spec->name || !spec->function || !spec->errname || !fd)
		return -EINVAL;
	return 0;
}

static ssize_t load_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t count)
{
	struct kcare_filter_spec spec;
	struct kcare_filter *f;
	char *line;
	int ret;

	line = kstrndup(buf, count, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	ret = kcare_filter_parse(line, &spec);
	if (ret) {
		kcare_error("filters/load: expected \"name=N fd=F function=F errno=E [cve=C] [description=...]\"");
		goto out;
	}
	/* Those names are taken by the control files beside the filters. */
	if (!strcmp(spec.name, "load") || !strcmp(spec.name, "remove")) {
		kcare_error("filter name \"%s\" is reserved", spec.name);
		ret = -EINVAL;
		goto out;
	}
	ret = kcare_lock_or_restart();
	if (ret)
		goto out;
	if (kcare_state == KCARE_FAILED) {
		kcare_error("filter %s: the engine failed earlier; reload it",
			    spec.name);
		ret = -EIO;
		goto unlock;
	}
	f = kcare_filter_load(&spec);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		goto unlock;
	}
	ret = kcare_filter_kobj_add(f);
	if (ret) {
		kcare_error("filter %s: cannot create its sysfs directory",
			    f->name);
		kcare_filter_remove(f);
	}
unlock:
	mutex_unlock(&kcare_mutex);
out:
	kfree(line);
	return ret ? ret : count;
}

static ssize_t remove_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	char name[KCARE_FILTER_NAME_MAX + 2];
	struct kcare_filter *f;
	int ret;

	if (count > KCARE_FILTER_NAME_MAX + 1) {
		kcare_error("filters/remove: no filter has so long a name");
		return -ENOENT;
	}
	memcpy(name, buf, count);
	name[count] = '\0';
	strim(name);
	ret = kcare_lock_or_restart();
	if (ret)
		return ret;
	f = kcare_filter_find(strim(name));
	if (f) {
		kcare_filter_drop(f);
	} else {
		kcare_error("filters/remove: no filter %s", name);
		ret = -ENOENT;
	}
	mutex_unlock(&kcare_mutex);
	return ret ? ret : count;
}

static struct kobj_attribute load_attr = __ATTR_WO(load);
static struct kobj_attribute remove_attr = __ATTR_WO(remove);

static struct attribute *kcare_filters_attrs[] = {
	&load_attr.attr,
	&remove_attr.attr,
	NULL,
};

static const struct attribute_group kcare_filters_group = {
	.attrs = kcare_filters_attrs,
};

int kcare_filter_sysfs_init(void)
{
	int ret;

	kcare_filters_kobj = kobject_create_and_add("filters",
						    kcare_sysfs_root());
	if (!kcare_filters_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(kcare_filters_kobj, &kcare_filters_group);
	if (ret) {
		kobject_put(kcare_filters_kobj);
		kcare_filters_kobj = NULL;
	}
	return ret;
}

/* At the engine's exit: detach every filter, then remove the directory. */
void kcare_filter_sysfs_exit(void)
{
	struct kcare_filter *f;

	if (!kcare_filters_kobj)
		return;
	/* The control files go first: no load can start meanwhile. */
	sysfs_remove_group(kcare_filters_kobj, &kcare_filters_group);
	mutex_lock(&kcare_mutex);
	while ((f = kcare_filter_first()))
		kcare_filter_drop(f);
	mutex_unlock(&kcare_mutex);
	kobject_put(kcare_filters_kobj);
	kcare_filters_kobj = NULL;
}
