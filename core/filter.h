/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Filters: a verified BPF program run at the entry of a kernel function,
 * which may make the call fail with an allowed error instead of running
 * the function (filter.c; Documentation/filters.md). Their files in sysfs
 * are filter_sysfs.c's, the check of the function's return type
 * filter_btf.c's.
 */
#ifndef _KCARE_FILTER_H
#define _KCARE_FILTER_H

#include <linux/ftrace.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/types.h>

struct bpf_prog;
struct kcare_toggle;

/* A filter's name: [a-z0-9_], like a patch's toggle. */
#define KCARE_FILTER_NAME_MAX	48

/* Calls per CPU, summed when read. */
struct kcare_filter_stats {
	u64 seen;	/* the program ran */
	u64 denied;	/* and said no: the function did not run */
};

/**
 * struct kcare_filter - one BPF program guarding one function
 * @ops:	its own ftrace_ops, on that function only (no other function
 *		pays anything)
 * @list:	in the list of filters, under kcare_mutex
 * @name:	unique, [a-z0-9_]; the sysctl is kernel.kcare_<name>
 * @function:	the function's symbol (in vmlinux)
 * @cve, @description: metadata for people; may be empty
 * @addr:	the function's entry
 * @err:	the positive errno a denied call fails with
 * @prog:	the program, verified by bpf(); we hold a reference
 * @enabled:	read by the handler at each call
 * @stats:	per CPU
 * @toggle:	kernel.kcare_<name>
 * @kobj:	filters/<name>/ (filter_sysfs.c), owned by the filter
 */
struct kcare_filter {
	struct ftrace_ops ops;
	struct list_head list;
	char name[KCARE_FILTER_NAME_MAX + 1];
	char *function;
	char *cve;
	char *description;
	unsigned long addr;
	int err;
	struct bpf_prog *prog;
	bool enabled;
	struct kcare_filter_stats __percpu *stats;
	struct kcare_toggle *toggle;
	struct kobject *kobj;
};

/* What a load asks for; the strings are the caller's. */
struct kcare_filter_spec {
	const char *name;
	const char *function;
	const char *errname;	/* "EINVAL", ... */
	const char *cve;
	const char *description;
	int prog_fd;		/* in the calling task */
};

/*
 * Load and attach a filter; every refusal is explained with kcare_error().
 * kcare_mutex held. Returns the filter or an ERR_PTR.
 */
struct kcare_filter *kcare_filter_load(const struct kcare_filter_spec *spec);
/* Detach (waiting for calls in the handler) and free; kcare_mutex held. */
void kcare_filter_remove(struct kcare_filter *f);
struct kcare_filter *kcare_filter_find(const char *name);
struct kcare_filter *kcare_filter_first(void);
/* Switch on or off; kcare_mutex held. */
void kcare_filter_set_enabled(struct kcare_filter *f, bool on);
void kcare_filter_stats(struct kcare_filter *f, struct kcare_filter_stats *st);
/* The program's id, as bpftool shows it. */
u32 kcare_filter_prog_id(const struct kcare_filter *f);
/* The errno's name, "EINVAL". */
const char *kcare_filter_err_name(int err);

#endif /* _KCARE_FILTER_H */
