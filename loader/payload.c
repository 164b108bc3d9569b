// SPDX-License-Identifier: GPL-2.0
/*
 * The payload check (payload.h), with libelf.
 *
 * A payload arrives signed, inside a patchset whose manifest names the
 * kernel, so a wrong one here is a publisher's mistake rather than an
 * attack; but the module runs in the kernel, so the check is written as if
 * the bytes were hostile: every offset is checked against the image before
 * libelf is asked for the data behind it, and every string taken from the
 * image is shown in a message only as printable ASCII.
 *
 * The order of the checks is the order of the questions a person asks:
 * is it a module for this machine, is it a kcare payload, is it for this
 * kernel, and only then is it made of what a payload may be made of.
 */
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <string.h>

#include "payload.h"
#include "util.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Room for one untrusted string in a message. */
#define KCL_PAYLOAD_SHOW	96

/*
 * Sections a payload may have, by exact name. The list is what real
 * payloads (selftests/patches, both architectures) are made of, plus the
 * tables the kernel's own code generates when a patched function uses a
 * facility (alternatives, static keys, BUG(), fault fixups, pr_debug):
 * code copied from the kernel must not be refused for using them. Anything
 * else is refused, above all __ksymtab* and __kcrctab* (a payload exports
 * nothing: other modules would come to depend on a patch) and .init_array
 * and .ctors (the kernel runs them as constructors at load, before the
 * engine has seen the patch).
 */
static const char *const kcl_payload_sections[] = {
	/* the module itself */
	".modinfo", ".gnu.linkonce.this_module", "__versions", "__param",
	".symtab", ".strtab", ".shstrtab", ".comment", ".BTF",
	/* code and data the module loader frees after init */
	".init.text", ".init.data", ".init.rodata", ".exit.text",
	".exit.data",
	/* code of kernel annotations a patched function may carry */
	".noinstr.text", ".ref.text",
	/* ftrace, static keys, BUG()/WARN(), exception fixups, pr_debug */
	"__mcount_loc", "__patchable_function_entries", "__jump_table",
	"__bug_table", "__ex_table", "__dyndbg",
	/* x86_64: alternatives, paravirt, ORC unwinder, mitigations */
	".altinstructions", ".altinstr_replacement", ".altinstr_aux",
	".parainstructions", ".smp_locks", ".orc_unwind", ".orc_unwind_ip",
	".orc_header", ".return_sites", ".retpoline_sites", ".call_sites",
	".static_call_sites",
	/* arm64: the module PLTs (the kernel's module linker script) */
	".plt", ".init.plt",
};

/*
 * Families: the name itself or the name, a dot and anything (.text.unlikely,
 * .rodata.str1.8, .data..read_mostly), which compilers and the kernel's
 * section macros make of plain code and data.
 */
static const char *const kcl_payload_families[] = {
	".text", ".data", ".rodata", ".bss",
};

/* Prefixes: debug information and notes (build-id, GNU-stack, Linux). */
static const char *const kcl_payload_prefixes[] = {
	".debug_", ".note.",
};

static bool kcl_payload_in_family(const char *name, const char *family)
{
	size_t len = strlen(family);

	return !strncmp(name, family, len) &&
	       (name[len] == '\0' || name[len] == '.');
}

static bool kcl_payload_plain_allowed(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kcl_payload_sections); i++)
		if (!strcmp(name, kcl_payload_sections[i]))
			return true;
	for (i = 0; i < ARRAY_SIZE(kcl_payload_families); i++)
		if (kcl_payload_in_family(name, kcl_payload_families[i]))
			return true;
	for (i = 0; i < ARRAY_SIZE(kcl_payload_prefixes); i++)
		if (!strncmp(name, kcl_payload_prefixes[i],
			     strlen(kcl_payload_prefixes[i])))
			return true;
	return false;
}

bool kcl_payload_section_allowed(const char *name)
{
	/* Relocations of an allowed section, never of a relocation section. */
	if (!strncmp(name, ".rela", 5))
		return kcl_payload_plain_allowed(name + 5);
	return kcl_payload_plain_allowed(name);
}

/* @src (@len bytes) for a message: printable ASCII only, maybe shortened. */
static const char *kcl_payload_show(char *dst, size_t dstlen, const char *src,
				    size_t len)
{
	size_t i;

	if (len > dstlen - 1)
		len = dstlen - 1;
	for (i = 0; i < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[len] = '\0';
	return dst;
}

static bool kcl_payload_printable(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s >= 0x7f)
			return false;
	return true;
}

/* What modpost makes of KBUILD_MODNAME: [A-Za-z0-9_], at most 55 bytes. */
static bool kcl_payload_good_name(const char *s)
{
	size_t len = strlen(s), i;

	if (!len || len > KCL_PAYLOAD_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static unsigned int kcl_payload_machine(const char *arch)
{
	if (!strcmp(arch, "x86_64"))
		return EM_X86_64;
	if (!strcmp(arch, "arm64"))
		return EM_AARCH64;
	return EM_NONE;
}

static const char *kcl_payload_machine_name(unsigned int machine)
{
	switch (machine) {
	case EM_X86_64:
		return " (x86_64)";
	case EM_AARCH64:
		return " (arm64)";
	case EM_386:
		return " (i386)";
	default:
		return "";
	}
}

/* The .modinfo keys the check reads, as pointers into the image. */
struct kcl_modinfo {
	const char *patchset;
	const char *build_id;
	const char *vermagic;
	const char *name;
};

/*
 * Split .modinfo (@data, @size bytes) into its NUL-terminated key=value
 * strings. The kernel reads the first of duplicate keys; a second one
 * could only serve to show a tool one value and the kernel another.
 */
static int kcl_payload_modinfo(const char *file, const char *data,
			       size_t size, struct kcl_modinfo *mi, char *err,
			       size_t errlen)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "kcare_patchset=", offsetof(struct kcl_modinfo, patchset) },
		{ "kcare_build_id=", offsetof(struct kcl_modinfo, build_id) },
		{ "vermagic=", offsetof(struct kcl_modinfo, vermagic) },
		{ "name=", offsetof(struct kcl_modinfo, name) },
	};
	const char *p = data, *end = data + size;
	size_t i;

	memset(mi, 0, sizeof(*mi));
	if (!size || end[-1] != '\0')
		return kc_fail(err, errlen,
				"payload %s has a .modinfo that does not end in a NUL byte",
				file);
	for (; p < end; p += strlen(p) + 1) {
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			size_t klen = strlen(keys[i].key);
			const char **slot = (const char **)((char *)mi +
							    keys[i].off);

			if (strncmp(p, keys[i].key, klen))
				continue;
			if (*slot)
				return kc_fail(err, errlen,
						"payload %s has two %.*s entries in .modinfo",
						file, (int)klen, keys[i].key);
			*slot = p + klen;
		}
	}
	return 0;
}

/* Whether @mi is a payload for @want; fill @info. */
static int kcl_payload_check_modinfo(const char *file,
				     const struct kcl_modinfo *mi,
				     const struct kcl_payload_want *want,
				     struct kcl_payload_info *info, char *err,
				     size_t errlen)
{
	size_t krl = strlen(want->kernel_release);
	char show[KCL_PAYLOAD_SHOW];

	if (!mi->patchset || strcmp(mi->patchset, "yes"))
		return kc_fail(err, errlen,
				"payload %s is not a kcare payload (no kcare_patchset=yes in .modinfo: KCARE_PATCHSET() missing?)",
				file);
	/* The first word of vermagic is the release the module was built for. */
	if (!mi->vermagic || strncmp(mi->vermagic, want->kernel_release, krl) ||
	    (mi->vermagic[krl] != ' ' && mi->vermagic[krl] != '\0'))
		return kc_fail(err, errlen,
				"payload %s was built for kernel \"%s\", not %s (vermagic)",
				file, mi->vermagic ?
				kcl_payload_show(show, sizeof(show), mi->vermagic,
						 strlen(mi->vermagic)) : "?",
				want->kernel_release);
	if (strlen(mi->vermagic) > KCL_PAYLOAD_VERMAGIC_MAX ||
	    !kcl_payload_printable(mi->vermagic))
		return kc_fail(err, errlen,
				"payload %s has a malformed vermagic in .modinfo (not printable or longer than %d bytes)",
				file, KCL_PAYLOAD_VERMAGIC_MAX);
	if (!mi->build_id || !mi->build_id[0])
		return kc_fail(err, errlen,
				"payload %s carries no kernel build-id (built without KCARE_TARGET_BUILD_ID)",
				file);
	if (strcmp(mi->build_id, want->build_id))
		return kc_fail(err, errlen,
				"payload %s carries build-id %s, but the kernel's is %s",
				file,
				kcl_payload_show(show, sizeof(show), mi->build_id,
						 strlen(mi->build_id)),
				want->build_id);
	/* Equal to the caller's, but that one need not be valid hex. */
	if (strlen(mi->build_id) > KCL_PAYLOAD_BUILD_ID_MAX ||
	    !kc_all_hex(mi->build_id, strlen(mi->build_id)))
		return kc_fail(err, errlen,
				"payload %s has a malformed kcare_build_id in .modinfo (expected at most %d lowercase hex digits)",
				file, KCL_PAYLOAD_BUILD_ID_MAX);
	if (!mi->name)
		return kc_fail(err, errlen,
				"payload %s has no module name (no name= in .modinfo: not built by kbuild?)",
				file);
	if (!kcl_payload_good_name(mi->name))
		return kc_fail(err, errlen,
				"payload %s has the module name \"%s\", expected 1 to %d of A-Z a-z 0-9 _",
				file,
				kcl_payload_show(show, sizeof(show), mi->name,
						 strlen(mi->name)),
				KCL_PAYLOAD_NAME_MAX);
	strcpy(info->name, mi->name);
	strcpy(info->vermagic, mi->vermagic);
	strcpy(info->build_id, mi->build_id);
	return 0;
}

/* Whether section @sh, named @name, may be in a payload: type and name. */
static int kcl_payload_check_section(const char *file, const char *name,
				     const GElf_Shdr *sh, char *err,
				     size_t errlen)
{
	char show[KCL_PAYLOAD_SHOW];
	bool ok;

	kcl_payload_show(show, sizeof(show), name, strlen(name));
	if (!kcl_payload_section_allowed(name))
		return kc_fail(err, errlen,
				"payload %s has section %s, which a payload may not have",
				file, show);
	/*
	 * The kernel finds constructors and exports by name, but also looks
	 * at types: a section whose type does not go with its name is either
	 * a broken toolchain or a way around the list above.
	 */
	switch (sh->sh_type) {
	case SHT_PROGBITS:
	case SHT_NOTE:
	case SHT_STRTAB:
		ok = strncmp(name, ".rela", 5);
		break;
	case SHT_NOBITS:
		/* Zero-filled at load: only .bss is, and it is loaded. */
		ok = kcl_payload_in_family(name, ".bss") &&
		     (sh->sh_flags & SHF_ALLOC);
		break;
	case SHT_SYMTAB:
		ok = !strcmp(name, ".symtab");
		break;
	case SHT_RELA:
		ok = !strncmp(name, ".rela", 5);
		break;
	default:
		ok = false;
	}
	if (!ok)
		return kc_fail(err, errlen,
				"payload %s has section %s of ELF type %u, which a payload may not have",
				file, show, (unsigned int)sh->sh_type);
	return 0;
}

/*
 * The ELF header: a 64-bit little-endian relocatable object of the
 * machine of @want, whose section header table lies within @len bytes.
 */
static int kcl_payload_check_ehdr(const char *file, const unsigned char *buf,
				  size_t len, const struct kcl_payload_want *want,
				  Elf *elf, char *err, size_t errlen)
{
	unsigned int machine = kcl_payload_machine(want->arch);
	GElf_Ehdr eh;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG))
		return kc_fail(err, errlen, "payload %s is not an ELF file",
				file);
	if (buf[EI_CLASS] != ELFCLASS64)
		return kc_fail(err, errlen,
				"payload %s is not a 64-bit ELF (class %u), expected a %s kernel module",
				file, buf[EI_CLASS], want->arch);
	if (buf[EI_DATA] != ELFDATA2LSB)
		return kc_fail(err, errlen,
				"payload %s is not a little-endian ELF, expected a %s kernel module",
				file, want->arch);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		return kc_fail(err, errlen,
				"payload %s is not a valid ELF file (truncated or corrupt: %s)",
				file, elf_errmsg(-1));
	if (eh.e_type != ET_REL)
		return kc_fail(err, errlen,
				"payload %s is not a kernel module (not a relocatable ELF)",
				file);
	if (eh.e_machine != machine)
		return kc_fail(err, errlen,
				"payload %s is an ELF for machine %u%s, expected %s",
				file, eh.e_machine,
				kcl_payload_machine_name(eh.e_machine), want->arch);
	if (!eh.e_shnum || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shoff > len ||
	    (len - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum)
		return kc_fail(err, errlen,
				"payload %s is truncated or corrupt: its section table is missing or lies outside the file",
				file);
	return 0;
}

int kcl_payload_check(const char *file, const unsigned char *buf, size_t len,
		      const struct kcl_payload_want *want,
		      struct kcl_payload_info *info, char *err, size_t errlen)
{
	Elf_Scn *scn = NULL, *modinfo = NULL;
	struct kcl_modinfo mi;
	Elf_Data *data;
	size_t shstrndx;
	Elf *elf = NULL;
	int ret = -1;

	memset(info, 0, sizeof(*info));
	if (kcl_payload_machine(want->arch) == EM_NONE)
		return kc_fail(err, errlen,
				"unknown architecture '%s' (expected x86_64 or arm64)",
				want->arch);
	elf_version(EV_CURRENT);
	/* libelf reads the image in place: nothing here writes to it. */
	if (len >= EI_NIDENT)
		elf = elf_memory((char *)buf, len);
	if (kcl_payload_check_ehdr(file, buf, len, want, elf, err, errlen))
		goto out;
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		kc_fail(err, errlen,
			 "payload %s is corrupt: it has no section name table",
			 file);
		goto out;
	}

	/* Every section within the file, named; find .modinfo. */
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		name = gelf_getshdr(scn, &sh) ?
		       elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
		if (!name) {
			kc_fail(err, errlen,
				 "payload %s is corrupt: section %zu has no valid header or name",
				 file, elf_ndxscn(scn));
			goto out;
		}
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)) {
			kc_fail(err, errlen,
				 "payload %s is truncated or corrupt: section %zu lies outside the file",
				 file, elf_ndxscn(scn));
			goto out;
		}
		if (strcmp(name, ".modinfo"))
			continue;
		/* The kernel reads the first; there must be no other to read. */
		if (modinfo) {
			kc_fail(err, errlen,
				 "payload %s has two .modinfo sections", file);
			goto out;
		}
		modinfo = scn;
	}
	if (kcl_payload_is_user(file)) {
		ret = kcl_payload_check_user(file, elf, shstrndx, want, info,
					     err, errlen);
		goto out;
	}
	if (!modinfo) {
		kc_fail(err, errlen,
			 "payload %s has no .modinfo: not a kernel module", file);
		goto out;
	}
	data = elf_getdata(modinfo, NULL);
	if (!data || !data->d_buf) {
		kc_fail(err, errlen,
			 "payload %s has an empty or unreadable .modinfo", file);
		goto out;
	}
	if (kcl_payload_modinfo(file, data->d_buf, data->d_size, &mi, err,
				errlen) ||
	    kcl_payload_check_modinfo(file, &mi, want, info, err, errlen))
		goto out;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		/* Both succeeded in the first pass. */
		gelf_getshdr(scn, &sh);
		if (kcl_payload_check_section(file,
					      elf_strptr(elf, shstrndx,
							 sh.sh_name),
					      &sh, err, errlen))
			goto out;
	}
	ret = 0;
out:
	if (ret)
		memset(info, 0, sizeof(*info));
	elf_end(elf);
	return ret;
}
