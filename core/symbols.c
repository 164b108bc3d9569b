// SPDX-License-Identifier: GPL-2.0
/*
 * Symbol resolution for patches.
 *
 * Linux 6.1 exports none of kallsyms to modules, yet patches name the
 * functions they replace and the static symbols their new code uses. The
 * address of kallsyms_lookup_name() is taken from the kprobes core (which
 * resolves a probe's symbol name for us), and everything else is then
 * looked up through it once, at load time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/elf.h>
#include <linux/kallsyms.h>
#include <linux/kernfs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "compat_kallsyms.h"
#include "symbols.h"

/* The note type of a GNU build-id (NT_GNU_BUILD_ID in <elf.h>). */
#define KCARE_NT_GNU_BUILD_ID	3
/* SHA-1 ids are 20 bytes; leave room for longer hashes. */
#define KCARE_BUILD_ID_MAX	64

typedef int (*kcare_match_fn_t)(void *data, unsigned long addr);

static unsigned long (*kcare_kallsyms_lookup_name)(const char *name);
/* Called through compat_kallsyms.h: their types differ between series. */
static void *kcare_kallsyms_on_each_symbol;
static void *kcare_module_kallsyms_on_each_symbol;
static int (*kcare_kallsyms_on_each_match_symbol)(kcare_match_fn_t fn,
						   const char *name,
						   void *data);
static struct module *(*kcare_find_module)(const char *name);
static int (*kcare_kallsyms_size_offset)(unsigned long addr,
					 unsigned long *size,
					 unsigned long *offset);

static char kcare_build_id_hex[KCARE_BUILD_ID_MAX * 2 + 1];

static bool kcare_is_vmlinux(const char *object)
{
	return !object || !strcmp(object, "vmlinux");
}

/*
 * A kprobe is never armed here: registering one only makes the kprobes
 * core resolve the symbol name, and it stores the address in the probe
 * before any of its safety checks, so the address is good even when the
 * registration itself is refused (the function may be on the kprobe
 * blacklist). Only a failed name lookup leaves it unset.
 */
static unsigned long kcare_kprobe_lookup(const char *name)
{
	struct kprobe kp = {
		.symbol_name = name,
		.flags = KPROBE_FLAG_DISABLED,
	};
	int ret;

	ret = register_kprobe(&kp);
	if (!ret)
		unregister_kprobe(&kp);
	else if (ret == -ENOENT)
		return 0;
	return (unsigned long)kp.addr;
}

static int kcare_lookup_kallsyms(void)
{
	unsigned long addr, self;

	addr = kcare_kprobe_lookup("kallsyms_lookup_name");
	if (!addr) {
		pr_err("cannot find kallsyms_lookup_name through kprobes\n");
		return -ENOENT;
	}
	kcare_kallsyms_lookup_name = (void *)addr;

	/*
	 * kprobes may move a probe past a landing-pad instruction at the
	 * function's entry (x86 IBT). kallsyms knows the real entry, and
	 * the function is callable at either.
	 */
	self = kcare_kallsyms_lookup_name("kallsyms_lookup_name");
	if (self && self != addr) {
		if (addr - self > 16) {
			pr_err("kprobes and kallsyms disagree on where kallsyms_lookup_name is (%ld bytes apart)\n",
			       (long)(addr - self));
			kcare_kallsyms_lookup_name = NULL;
			return -EINVAL;
		}
		kcare_kallsyms_lookup_name = (void *)self;
	}
	return 0;
}

static void *kcare_lookup_required(const char *name, int *err)
{
	unsigned long addr = kcare_kallsyms_lookup_name(name);

	if (!addr) {
		pr_err("cannot find %s in kallsyms\n", name);
		*err = -ENOENT;
	}
	return (void *)addr;
}

/*
 * Walk the notes of the kernel image, as /sys/kernel/notes shows them, for
 * the GNU build-id.
 */
static int kcare_parse_build_id(const void *notes, size_t size)
{
	const void *p = notes, *end = notes + size;

	while (end - p >= (long)sizeof(Elf32_Nhdr)) {
		const Elf32_Nhdr *nhdr = p;
		size_t left = end - p - sizeof(*nhdr);
		size_t namesz = ALIGN((size_t)nhdr->n_namesz, 4);
		size_t descsz = ALIGN((size_t)nhdr->n_descsz, 4);
		const char *name = p + sizeof(*nhdr);
		const u8 *desc = p + sizeof(*nhdr) + namesz;

		if (namesz > left || descsz > left - namesz)
			break;
		if (nhdr->n_type == KCARE_NT_GNU_BUILD_ID &&
		    nhdr->n_namesz == sizeof("GNU") &&
		    !memcmp(name, "GNU", sizeof("GNU"))) {
			if (!nhdr->n_descsz ||
			    nhdr->n_descsz > KCARE_BUILD_ID_MAX)
				return -EINVAL;
			bin2hex(kcare_build_id_hex, desc, nhdr->n_descsz);
			kcare_build_id_hex[nhdr->n_descsz * 2] = '\0';
			return 0;
		}
		p = desc + descsz;
	}
	return -ENODATA;
}

/* The notes section itself, when kallsyms lists data (KALLSYMS_ALL). */
static int kcare_build_id_from_kallsyms(void)
{
	unsigned long start, stop;

	start = kcare_kallsyms_lookup_name("__start_notes");
	stop = kcare_kallsyms_lookup_name("__stop_notes");
	if (!start || stop <= start)
		return -ENOENT;
	return kcare_parse_build_id((const void *)start, stop - start);
}

/*
 * Without KALLSYMS_ALL (Debian's arm64 kernel) the section has no symbol,
 * but /sys/kernel/notes is a binary attribute that copies it out. Its read
 * method is called directly rather than opening the file, so that neither
 * the caller's mount namespace nor its root matters.
 */
static int kcare_build_id_from_sysfs(void)
{
	struct bin_attribute *attr;
	struct kernfs_node *kn;
	size_t size;
	ssize_t len;
	void *buf;
	int ret;

	kn = sysfs_get_dirent(kernel_kobj->sd, "notes");
	if (!kn)
		return -ENOENT;
	ret = -EINVAL;
	if (kernfs_type(kn) != KERNFS_FILE)
		goto out_put;
	attr = kn->priv;
	size = kn->attr.size;
	if (!attr || !attr->read || !size || size > PAGE_SIZE)
		goto out_put;

	ret = -ENOMEM;
	buf = kzalloc(size, GFP_KERNEL);
	if (!buf)
		goto out_put;
	len = attr->read(NULL, kernel_kobj, attr, buf, 0, size);
	ret = len < 0 ? len : kcare_parse_build_id(buf, len);
	kfree(buf);
out_put:
	kernfs_put(kn);
	return ret;
}

/**
 * kcare_symbols_init() - find the kallsyms functions the engine needs
 *
 * Also reads the running kernel's build-id once, since payloads are
 * checked against it. Sleeps.
 *
 * Return: 0, or an error after a message naming what is missing.
 */
int kcare_symbols_init(void)
{
	int ret = 0;

	ret = kcare_lookup_kallsyms();
	if (ret)
		return ret;

	kcare_kallsyms_on_each_symbol =
		kcare_lookup_required("kallsyms_on_each_symbol", &ret);
	kcare_module_kallsyms_on_each_symbol =
		kcare_lookup_required("module_kallsyms_on_each_symbol", &ret);
	kcare_find_module = kcare_lookup_required("find_module", &ret);
	kcare_kallsyms_size_offset =
		kcare_lookup_required("kallsyms_lookup_size_offset", &ret);
	if (ret)
		return ret;

	/*
	 * Optional: a binary search of the names instead of a walk over
	 * every symbol. With Clang LTO it also matches names that differ
	 * by a ".llvm." suffix, so it is only used when names are exact.
	 */
	if (!IS_ENABLED(CONFIG_LTO_CLANG))
		kcare_kallsyms_on_each_match_symbol = (void *)
			kcare_kallsyms_lookup_name("kallsyms_on_each_match_symbol");

	ret = kcare_build_id_from_kallsyms();
	if (ret)
		ret = kcare_build_id_from_sysfs();
	if (ret) {
		pr_err("cannot read the kernel's GNU build-id from its notes (%d)\n",
		       ret);
		return ret;
	}
	return 0;
}

/**
 * kcare_symbol_end() - where the function starting at @addr ends
 * @addr:	a function's entry (in vmlinux or a module)
 *
 * Return: the address past its last byte, or 0 when @addr is not the
 * start of a symbol.
 */
unsigned long kcare_symbol_end(unsigned long addr)
{
	unsigned long size, offset;

	if (!kcare_kallsyms_size_offset(addr, &size, &offset) || offset)
		return 0;
	return addr + size;
}

struct kcare_sym_search {
	const char *object;	/* module name, NULL for vmlinux */
	const char *name;
	unsigned long sympos;
	unsigned long count;	/* matches so far */
	unsigned long addr;	/* of the match sympos asks for */
};

static void kcare_sym_found(struct kcare_sym_search *s, unsigned long addr)
{
	s->count++;
	if (s->count == (s->sympos ? s->sympos : 1))
		s->addr = addr;
}

/*
 * Every match is counted, even after the wanted one, so that an ambiguous
 * name can be reported with the number of candidates. The walk visits
 * only the object searched (compat_kallsyms.h).
 */
static int kcare_sym_each(void *data, const char *name, unsigned long addr)
{
	struct kcare_sym_search *s = data;

	if (!strcmp(name, s->name))
		kcare_sym_found(s, addr);
	return 0;
}

static int kcare_sym_match(void *data, unsigned long addr)
{
	kcare_sym_found(data, addr);
	return 0;
}

/*
 * The binary search visits equal names in address order, which is also the
 * order of the full walk (the symbol table is sorted by address), so
 * sympos means the same either way.
 */
static void kcare_sym_walk(struct kcare_sym_search *s)
{
	if (s->object)
		kcare_kallsyms_walk_module(kcare_module_kallsyms_on_each_symbol,
					   s->object, kcare_sym_each, s);
	else if (kcare_kallsyms_on_each_match_symbol)
		kcare_kallsyms_on_each_match_symbol(kcare_sym_match, s->name,
						    s);
	else
		kcare_kallsyms_walk_vmlinux(kcare_kallsyms_on_each_symbol,
					    kcare_sym_each, s);
}

/**
 * kcare_symbol_lookup() - resolve a symbol of vmlinux or of a module
 * @object:	"vmlinux" (or NULL), or the name of a module
 * @name:	the exact symbol name; GCC clones such as "foo.isra.0" are
 *		other names
 * @sympos:	1-based position among the symbols called @name in @object,
 *		in kallsyms order; 0 when @name must be unique there
 * @addr:	set to the address on success
 *
 * A module counts as loaded while it is COMING or LIVE, so this works from
 * a module notifier for a module being loaded. Sleeps; takes module_mutex
 * to walk module symbols, so the caller must not hold it.
 *
 * Return: 0; -ENOENT when @object has no such symbol; -EINVAL when @name is
 * ambiguous or @sympos is out of range (both logged here, with the number
 * of matches); -ENXIO when the module @object is not loaded.
 */
int kcare_symbol_lookup(const char *object, const char *name,
			unsigned long sympos, unsigned long *addr)
{
	struct kcare_sym_search s = {
		.name = name,
		.sympos = sympos,
	};

	might_sleep();
	if (!name || !*name)
		return -EINVAL;
	if (!kcare_is_vmlinux(object)) {
		if (!kcare_object_loaded(object))
			return -ENXIO;
		s.object = object;
	} else {
		object = "vmlinux";
	}

	kcare_sym_walk(&s);

	if (!s.count) {
		/* The module may have gone while we looked. */
		if (s.object && !kcare_object_loaded(object))
			return -ENXIO;
		return -ENOENT;
	}
	if (!sympos && s.count > 1) {
		pr_err("symbol %s is ambiguous in %s: %lu symbols have that name; set sympos to choose one\n",
		       name, object, s.count);
		return -EINVAL;
	}
	if (sympos > s.count) {
		pr_err("symbol %s in %s: sympos %lu is out of range, there are only %lu\n",
		       name, object, sympos, s.count);
		return -EINVAL;
	}
	*addr = s.addr;
	return 0;
}

/**
 * kcare_object_loaded() - whether patches to @object can be resolved now
 * @object:	"vmlinux" (or NULL), or the name of a module
 *
 * Return: true for vmlinux, and for a module that is COMING or LIVE.
 */
bool kcare_object_loaded(const char *object)
{
	struct module *mod;
	bool loaded;

	if (kcare_is_vmlinux(object))
		return true;
	if (strnlen(object, MODULE_NAME_LEN) >= MODULE_NAME_LEN)
		return false;

	/* The module list is RCU-protected: readers only disable preemption. */
	preempt_disable();
	mod = kcare_find_module(object);
	loaded = mod && (mod->state == MODULE_STATE_COMING ||
			 mod->state == MODULE_STATE_LIVE);
	preempt_enable();
	return loaded;
}

/**
 * kcare_kernel_build_id() - the running kernel's GNU build-id
 * @hex:	receives the id as lowercase hex, NUL-terminated
 * @size:	size of @hex
 *
 * The same id as the one in /sys/kernel/notes, which payloads built for
 * this kernel carry.
 *
 * Return: 0, or -ENOSPC when @hex is too small.
 */
int kcare_kernel_build_id(char *hex, size_t size)
{
	if (strscpy(hex, kcare_build_id_hex, size) < 0)
		return -ENOSPC;
	return 0;
}
