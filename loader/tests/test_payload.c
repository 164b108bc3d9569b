// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the payload check (loader/payload.c) and of reading the
 * kernel's build-id (loader/kernel-id.c).
 *
 * The modules are made here, byte by byte, rather than taken from a
 * kernel build: the tests run before any, and each case changes exactly
 * one thing of a good payload.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kernel-id.h"
#include "payload.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define KREL		"6.1.0-56-amd64"
#define BUILD_ID	"85c7e4e2ed76f4417e8aaad7c6b040d2bb897a26"
#define VERMAGIC	KREL " SMP preempt mod_unload modversions "
#define FILE_NAME	"kcpatch_demo.ko"
/* The longest module name there is: 55 bytes. */
#define NAME55		"kcpatch_01234567890123456789012345678901234567890123456"

static const struct kcl_payload_want want_x86 = {
	"x86_64", KREL, BUILD_ID,
};

static char errbuf[512];

/* The .modinfo of a good payload: what kbuild and KCARE_PATCHSET() write. */
#define GOOD_MODINFO \
	"kcare_patchset=yes\0kcare_build_id=" BUILD_ID "\0license=GPL\0" \
	"depends=kcare\0retpoline=Y\0name=kcpatch_demo\0vermagic=" VERMAGIC

struct sec {
	const char *name;
	uint32_t type;
	uint64_t flags;
	const void *data;
	size_t size;
};

/* The sections of a good payload, .modinfo first: tests replace it. */
static const unsigned char ret_insn[] = { 0xc3 };
static const unsigned char zero_sym[24];
static const unsigned char this_module[64];

static struct sec good[] = {
	{ ".modinfo", SHT_PROGBITS, SHF_ALLOC, GOOD_MODINFO,
	  sizeof(GOOD_MODINFO) },
	{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, ret_insn,
	  sizeof(ret_insn) },
	{ ".rela.text", SHT_RELA, SHF_INFO_LINK, NULL, 0 },
	{ ".rodata.str1.1", SHT_PROGBITS, SHF_ALLOC | SHF_MERGE | SHF_STRINGS,
	  "x", 2 },
	{ ".gnu.linkonce.this_module", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
	  this_module, sizeof(this_module) },
	{ ".bss", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, NULL, 16 },
	{ ".note.gnu.build-id", SHT_NOTE, SHF_ALLOC, "", 1 },
	{ ".symtab", SHT_SYMTAB, 0, zero_sym, sizeof(zero_sym) },
	{ ".strtab", SHT_STRTAB, 0, "", 1 },
};

static void put(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

/*
 * A relocatable ELF64 little-endian object of @machine with sections @s
 * (@n of them) and a last .shstrtab: header, contents, names, section
 * table, in that order. *@len gets its size.
 */
static unsigned char *make_elf(uint16_t machine, const struct sec *s,
			       size_t n, size_t *len)
{
	size_t contents = 0, names = 1, strtab, shoff, size, off, noff, i;
	unsigned char *img, *sh;

	for (i = 0; i < n; i++) {
		if (s[i].type != SHT_NOBITS)
			contents += s[i].size;
		names += strlen(s[i].name) + 1;
	}
	names += sizeof(".shstrtab");
	strtab = 64 + contents;
	shoff = (strtab + names + 7) & ~(size_t)7;
	size = shoff + 64 * (n + 2);
	img = calloc(1, size);
	assert_non_null(img);

	memcpy(img, ELFMAG, SELFMAG);
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_VERSION] = EV_CURRENT;
	put(img + 16, ET_REL, 2);
	put(img + 18, machine, 2);
	put(img + 20, EV_CURRENT, 4);
	put(img + 40, shoff, 8);
	put(img + 52, 64, 2);			/* e_ehsize */
	put(img + 58, 64, 2);			/* e_shentsize */
	put(img + 60, n + 2, 2);		/* e_shnum */
	put(img + 62, n + 1, 2);		/* e_shstrndx */

	off = 64;
	noff = 1;
	sh = img + shoff + 64;			/* section 0 stays null */
	for (i = 0; i <= n; i++, sh += 64) {
		const char *name = i < n ? s[i].name : ".shstrtab";
		uint32_t type = i < n ? s[i].type : SHT_STRTAB;

		strcpy((char *)img + strtab + noff, name);
		put(sh, noff, 4);
		noff += strlen(name) + 1;
		put(sh + 4, type, 4);
		put(sh + 48, 1, 8);			/* sh_addralign */
		if (i == n) {
			put(sh + 24, strtab, 8);
			put(sh + 32, names, 8);
			break;
		}
		put(sh + 8, s[i].flags, 8);
		put(sh + 24, off, 8);
		put(sh + 32, s[i].size, 8);
		if (type == SHT_SYMTAB || type == SHT_RELA) {
			put(sh + 40, type == SHT_SYMTAB ? i + 2 : n - 1, 4);
			put(sh + 44, type == SHT_SYMTAB ? 1 : i, 4);
			put(sh + 56, 24, 8);		/* sh_entsize */
		}
		if (type != SHT_NOBITS && s[i].size) {
			memcpy(img + off, s[i].data, s[i].size);
			off += s[i].size;
		}
	}
	*len = size;
	return img;
}

/* The good payload with .modinfo replaced by @mi (@misize bytes). */
static unsigned char *with_modinfo(const char *mi, size_t misize, size_t *len)
{
	struct sec s[ARRAY_SIZE(good)];

	memcpy(s, good, sizeof(good));
	s[0].data = mi;
	s[0].size = misize;
	return make_elf(EM_X86_64, s, ARRAY_SIZE(s), len);
}

/* The good payload and one more section. */
static unsigned char *with_section(const char *name, uint32_t type,
				   uint64_t flags, size_t *len)
{
	struct sec s[ARRAY_SIZE(good) + 1];

	memcpy(s, good, sizeof(good));
	s[ARRAY_SIZE(good)] = (struct sec){ name, type, flags, "\0\0\0\0\0\0\0",
					    8 };
	return make_elf(EM_X86_64, s, ARRAY_SIZE(s), len);
}

/* Check @img; a refusal must leave one line naming the file and no info. */
static int check(const unsigned char *img, size_t len,
		 const struct kcl_payload_want *want,
		 struct kcl_payload_info *info)
{
	unsigned char *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	if (len)
		memcpy(copy, img, len);
	errbuf[0] = '\0';
	memset(info, 'x', sizeof(*info));
	ret = kcl_payload_check(FILE_NAME, img, len, want, info, errbuf,
				sizeof(errbuf));
	/* The image is only read. */
	assert_memory_equal(copy, img, len ? len : 0);
	free(copy);
	if (ret) {
		assert_int_equal(ret, -1);
		assert_true(errbuf[0]);
		assert_null(strchr(errbuf, '\n'));
		assert_non_null(strstr(errbuf, FILE_NAME));
		assert_int_equal(info->name[0], '\0');
	}
	return ret;
}

static void expect_refused(const unsigned char *img, size_t len,
			   const char *msg)
{
	struct kcl_payload_info info;

	assert_int_equal(check(img, len, &want_x86, &info), -1);
	if (!strstr(errbuf, msg))
		fail_msg("error '%s' does not say '%s'", errbuf, msg);
}

static void accepts_good_payload(void **state)
{
	struct kcl_payload_info info;
	unsigned char *img;
	size_t len;

	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	if (check(img, len, &want_x86, &info))
		fail_msg("good payload refused: %s", errbuf);
	assert_string_equal(info.name, "kcpatch_demo");
	assert_string_equal(info.vermagic, VERMAGIC);
	assert_string_equal(info.build_id, BUILD_ID);
	free(img);
}

/* A libcare patch object (*.o): .kcare.lpatch names the library's build-id. */
static void checks_user_payload(void **state)
{
	static const char desc[] = "id=lp_1\0level=1\0buildid=" BUILD_ID "\0";
	static const char other[] = "id=lp_1\0buildid=0123456789abcdef\0";
	struct sec s[] = {
		{ ".kcare.lpatch", SHT_PROGBITS, 0, desc, sizeof(desc) },
		{ ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, ret_insn,
		  sizeof(ret_insn) },
	};
	struct kcl_payload_info info;
	unsigned char *img;
	size_t len;

	img = make_elf(EM_X86_64, s, ARRAY_SIZE(s), &len);
	assert_int_equal(kcl_payload_check("lp-demo.o", img, len, &want_x86,
					   &info, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(info.build_id, BUILD_ID);
	assert_string_equal(info.name, "lp_demo");
	free(img);

	s[0].data = other;
	s[0].size = sizeof(other);
	img = make_elf(EM_X86_64, s, ARRAY_SIZE(s), &len);
	assert_int_equal(kcl_payload_check("lp-demo.o", img, len, &want_x86,
					   &info, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "is a patch for the library of build-id 0123456789abcdef"));
	free(img);

	/* A module named .o is not a patch object, nor the reverse. */
	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	assert_int_equal(kcl_payload_check("lp-demo.o", img, len, &want_x86,
					   &info, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "has no .kcare.lpatch"));
	free(img);
	s[0].data = desc;
	s[0].size = sizeof(desc);
	img = make_elf(EM_AARCH64, s, ARRAY_SIZE(s), &len);
	assert_int_equal(kcl_payload_check("lp-demo.o", img, len, &want_x86,
					   &info, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "expected x86_64"));
	free(img);
}

static void accepts_arm64_payload(void **state)
{
	static const struct kcl_payload_want want = {
		"arm64", "6.1.0-56-arm64", BUILD_ID,
	};
	static const char mi[] = "name=kcpatch_t1\0kcare_patchset=yes\0"
		"vermagic=6.1.0-56-arm64 SMP mod_unload modversions aarch64\0"
		"kcare_build_id=" BUILD_ID;
	struct sec s[ARRAY_SIZE(good) + 2];
	struct kcl_payload_info info;
	unsigned char *img;
	size_t len;

	memcpy(s, good, sizeof(good));
	s[0].data = mi;
	s[0].size = sizeof(mi);
	s[ARRAY_SIZE(good)] = (struct sec){ ".plt", SHT_NOBITS, SHF_ALLOC, NULL,
					    0 };
	s[ARRAY_SIZE(good)].type = SHT_PROGBITS;
	s[ARRAY_SIZE(good) + 1] = (struct sec){ ".text.ftrace_trampoline",
						SHT_PROGBITS, SHF_ALLOC, NULL,
						0 };
	img = make_elf(EM_AARCH64, s, ARRAY_SIZE(s), &len);
	if (check(img, len, &want, &info))
		fail_msg("arm64 payload refused: %s", errbuf);
	assert_string_equal(info.name, "kcpatch_t1");

	/* ... and not for x86_64. */
	expect_refused(img, len,
		       "payload " FILE_NAME " is an ELF for machine 183 (arm64), expected x86_64");
	free(img);
}

static void refuses_unknown_arch(void **state)
{
	static const struct kcl_payload_want want = { "riscv64", KREL, BUILD_ID };
	struct kcl_payload_info info;
	unsigned char *img;
	size_t len;

	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	errbuf[0] = '\0';
	assert_int_equal(kcl_payload_check(FILE_NAME, img, len, &want, &info,
					   errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "unknown architecture 'riscv64'"));
	free(img);
}

static void refuses_bad_elf_header(void **state)
{
	static const char text[] = "#!/bin/sh\necho not a module\n";
	unsigned char *img, saved;
	size_t len;

	expect_refused((const unsigned char *)text, sizeof(text),
		       "payload " FILE_NAME " is not an ELF file");
	expect_refused((const unsigned char *)"", 0, "is not an ELF file");

	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	img[EI_CLASS] = ELFCLASS32;
	expect_refused(img, len, "is not a 64-bit ELF (class 1), expected a x86_64 kernel module");
	img[EI_CLASS] = ELFCLASS64;
	img[EI_DATA] = ELFDATA2MSB;
	expect_refused(img, len, "is not a little-endian ELF");
	img[EI_DATA] = ELFDATA2LSB;

	put(img + 16, ET_DYN, 2);
	expect_refused(img, len, "is not a kernel module (not a relocatable ELF)");
	put(img + 16, ET_EXEC, 2);
	expect_refused(img, len, "is not a kernel module");
	put(img + 16, ET_REL, 2);

	put(img + 18, EM_386, 2);
	expect_refused(img, len, "is an ELF for machine 3 (i386), expected x86_64");
	put(img + 18, 4242, 2);
	expect_refused(img, len, "is an ELF for machine 4242, expected x86_64");
	put(img + 18, EM_X86_64, 2);

	/* a section table that is not one */
	saved = img[58];
	put(img + 58, 40, 2);
	expect_refused(img, len, "its section table is missing or lies outside the file");
	img[58] = saved;
	put(img + 40, len - 64, 8);
	expect_refused(img, len, "truncated or corrupt");
	free(img);
}

static void refuses_truncated(void **state)
{
	unsigned char *img;
	size_t len;

	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	expect_refused(img, len - 1, "truncated or corrupt");
	expect_refused(img, 64, "truncated or corrupt");
	free(img);
}

/* No prefix of a good payload is one: all refused, none read too far. */
static void refuses_every_truncation(void **state)
{
	struct kcl_payload_info info;
	unsigned char *img, *cut;
	size_t len, i;

	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	for (i = 0; i < len; i++) {
		/* An exact-size copy, so that a sanitizer sees any overread. */
		cut = malloc(i ? i : 1);
		assert_non_null(cut);
		memcpy(cut, img, i);
		if (check(cut, i, &want_x86, &info) != -1)
			fail_msg("a payload cut to %zu of %zu bytes was accepted",
				 i, len);
		free(cut);
	}
	free(img);
}

/* A section whose contents lie past the end of the file. */
static void refuses_section_outside_file(void **state)
{
	unsigned char *img;
	size_t len, shoff;

	img = make_elf(EM_X86_64, good, ARRAY_SIZE(good), &len);
	shoff = len - 64 * (ARRAY_SIZE(good) + 2);
	/* .text (section 2): its size */
	put(img + shoff + 2 * 64 + 32, len, 8);
	expect_refused(img, len, "section 2 lies outside the file");
	put(img + shoff + 2 * 64 + 32, 1, 8);
	put(img + shoff + 2 * 64 + 24, UINT64_MAX, 8);
	expect_refused(img, len, "truncated or corrupt");
	free(img);
}

static void refuses_missing_modinfo(void **state)
{
	unsigned char *img;
	size_t len;

	img = make_elf(EM_X86_64, good + 1, ARRAY_SIZE(good) - 1, &len);
	expect_refused(img, len,
		       "payload " FILE_NAME " has no .modinfo: not a kernel module");
	free(img);
}

static void refuses_bad_modinfo(void **state)
{
	static const char no_nul[] = "kcare_patchset=yes\0name=x";
	static const char twice[] = GOOD_MODINFO "\0vermagic=" KREL " SMP";
	struct sec s[ARRAY_SIZE(good) + 1];
	unsigned char *img;
	size_t len;

	/* the last string not terminated (sizeof - 1: no final NUL) */
	img = with_modinfo(no_nul, sizeof(no_nul) - 1, &len);
	expect_refused(img, len, "has a .modinfo that does not end in a NUL byte");
	free(img);
	img = with_modinfo("", 0, &len);
	expect_refused(img, len, ".modinfo");
	free(img);

	img = with_modinfo(twice, sizeof(twice), &len);
	expect_refused(img, len, "has two vermagic= entries in .modinfo");
	free(img);

	memcpy(s, good, sizeof(good));
	s[ARRAY_SIZE(good)] = good[0];
	img = make_elf(EM_X86_64, s, ARRAY_SIZE(s), &len);
	expect_refused(img, len, "has two .modinfo sections");
	free(img);

	/* a .modinfo without contents */
	memcpy(s, good, sizeof(good));
	s[0].type = SHT_NOBITS;
	img = make_elf(EM_X86_64, s, ARRAY_SIZE(good), &len);
	expect_refused(img, len, ".modinfo");
	free(img);
}

static void refuses_non_payload(void **state)
{
	static const char none[] = "license=GPL\0name=kcare\0vermagic=" VERMAGIC;
	static const char no[] = "kcare_patchset=no\0name=kcare\0vermagic=" VERMAGIC;
	static const char yes_prefix[] = "kcare_patchset=yesplease\0name=kcare\0vermagic=" VERMAGIC;
	unsigned char *img;
	size_t len;

	img = with_modinfo(none, sizeof(none), &len);
	expect_refused(img, len,
		       "payload " FILE_NAME " is not a kcare payload (no kcare_patchset=yes in .modinfo");
	free(img);
	img = with_modinfo(no, sizeof(no), &len);
	expect_refused(img, len, "is not a kcare payload");
	free(img);
	img = with_modinfo(yes_prefix, sizeof(yes_prefix), &len);
	expect_refused(img, len, "is not a kcare payload");
	free(img);
}

static void refuses_wrong_build_id(void **state)
{
	static const char other[] = "kcare_patchset=yes\0kcare_build_id=0123456789abcdef\0"
		"name=kcpatch_demo\0vermagic=" VERMAGIC;
	static const char none[] = "kcare_patchset=yes\0name=kcpatch_demo\0vermagic=" VERMAGIC;
	static const char empty[] = "kcare_patchset=yes\0kcare_build_id=\0"
		"name=kcpatch_demo\0vermagic=" VERMAGIC;
	static const char escape[] = "kcare_patchset=yes\0kcare_build_id=\033[2J\0"
		"name=kcpatch_demo\0vermagic=" VERMAGIC;
	unsigned char *img;
	size_t len;

	img = with_modinfo(other, sizeof(other), &len);
	expect_refused(img, len,
		       "payload " FILE_NAME " carries build-id 0123456789abcdef, but the kernel's is " BUILD_ID);
	free(img);
	img = with_modinfo(none, sizeof(none), &len);
	expect_refused(img, len, "carries no kernel build-id");
	free(img);
	img = with_modinfo(empty, sizeof(empty), &len);
	expect_refused(img, len, "carries no kernel build-id");
	free(img);
	/* what the image says is shown, but never as terminal controls */
	img = with_modinfo(escape, sizeof(escape), &len);
	expect_refused(img, len, "carries build-id ?[2J, but");
	free(img);
}

static void refuses_wrong_vermagic(void **state)
{
	static const char newer[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=kcpatch_demo\0vermagic=6.1.0-57-amd64 SMP preempt mod_unload modversions ";
	static const char longer[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=kcpatch_demo\0vermagic=" KREL "-rt SMP";
	static const char none[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=kcpatch_demo";
	static const char bare[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=kcpatch_demo\0vermagic=" KREL;
	struct kcl_payload_info info;
	unsigned char *img;
	size_t len;

	img = with_modinfo(newer, sizeof(newer), &len);
	expect_refused(img, len,
		       "payload " FILE_NAME " was built for kernel \"6.1.0-57-amd64 SMP preempt mod_unload modversions \", not " KREL " (vermagic)");
	free(img);
	/* the release is the whole first word, not a prefix of it */
	img = with_modinfo(longer, sizeof(longer), &len);
	expect_refused(img, len, "was built for kernel \"" KREL "-rt SMP\"");
	free(img);
	img = with_modinfo(none, sizeof(none), &len);
	expect_refused(img, len, "was built for kernel \"?\"");
	free(img);
	/* a vermagic of the release alone is the release */
	img = with_modinfo(bare, sizeof(bare), &len);
	if (check(img, len, &want_x86, &info))
		fail_msg("vermagic of the release alone refused: %s", errbuf);
	free(img);
}

static void refuses_bad_name(void **state)
{
	static const char none[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0vermagic=" VERMAGIC;
	static const char dash[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=kcpatch-demo\0vermagic=" VERMAGIC;
	static const char empty[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=\0vermagic=" VERMAGIC;
	static const char too_long[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=" NAME55 "x\0vermagic=" VERMAGIC;
	static const char longest[] = "kcare_patchset=yes\0kcare_build_id=" BUILD_ID
		"\0name=" NAME55 "\0vermagic=" VERMAGIC;
	struct kcl_payload_info info;
	unsigned char *img;
	size_t len;

	img = with_modinfo(none, sizeof(none), &len);
	expect_refused(img, len,
		       "payload " FILE_NAME " has no module name (no name= in .modinfo");
	free(img);
	img = with_modinfo(dash, sizeof(dash), &len);
	expect_refused(img, len, "has the module name \"kcpatch-demo\", expected 1 to 55 of A-Z a-z 0-9 _");
	free(img);
	img = with_modinfo(empty, sizeof(empty), &len);
	expect_refused(img, len, "has the module name \"\"");
	free(img);
	img = with_modinfo(too_long, sizeof(too_long), &len);
	expect_refused(img, len, "has the module name");
	free(img);
	img = with_modinfo(longest, sizeof(longest), &len);
	if (check(img, len, &want_x86, &info))
		fail_msg("a 55-byte module name refused: %s", errbuf);
	assert_int_equal(strlen(info.name), KCL_PAYLOAD_NAME_MAX);
	free(img);
}

static void refuses_forbidden_sections(void **state)
{
	static const char *const names[] = {
		"__ksymtab", "__ksymtab_gpl", "__ksymtab_strings", "__kcrctab",
		"__kcrctab_gpl", ".init_array", ".ctors", ".fini_array",
		".dtors", ".preinit_array", "_ftrace_events", "__tracepoints",
		".rela__ksymtab_gpl", ".rela.init_array", ".rela.rela.text",
		".eh_frame", ".texts", ".data2", ".init.text2", "", ".init",
	};
	char msg[128];
	unsigned char *img;
	size_t len, i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		bool rela = !strncmp(names[i], ".rela", 5);

		img = with_section(names[i], rela ? SHT_RELA : SHT_PROGBITS,
				   SHF_ALLOC, &len);
		snprintf(msg, sizeof(msg),
			 "payload " FILE_NAME " has section %s, which a payload may not have",
			 names[i]);
		expect_refused(img, len, msg);
		free(img);
	}
}

/* A name on the list is not enough: the type must go with it. */
static void refuses_mismatched_types(void **state)
{
	static const struct {
		const char *name;
		uint32_t type;
		uint64_t flags;
	} cases[] = {
		{ ".data.ctors", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE },
		{ ".data.x", SHT_FINI_ARRAY, SHF_ALLOC | SHF_WRITE },
		{ ".text.x", SHT_NOBITS, SHF_ALLOC | SHF_EXECINSTR },
		{ ".bss.x", SHT_NOBITS, 0 },
		{ ".rela.text.x", SHT_PROGBITS, SHF_ALLOC },
		{ ".text.x", SHT_RELA, 0 },
		{ ".rel.text", SHT_REL, 0 },
		{ ".strtab", SHT_SYMTAB, 0 },
		{ ".data.x", SHT_DYNAMIC, SHF_ALLOC },
		{ ".data.x", SHT_GROUP, 0 },
	};
	unsigned char *img;
	size_t len, i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		img = with_section(cases[i].name, cases[i].type, cases[i].flags,
				   &len);
		expect_refused(img, len, "which a payload may not have");
		if (!strstr(errbuf, cases[i].name))
			fail_msg("'%s' does not name section %s", errbuf,
				 cases[i].name);
		free(img);
	}
}

/* What real payloads of both architectures have, as readelf -S lists. */
static void allows_real_payload_sections(void **state)
{
	static const char *const allowed[] = {
		".text", ".text.unlikely", ".text.ftrace_trampoline",
		".rela.text", ".rela.text.unlikely", ".init.text",
		".rela.init.text", ".exit.text", ".rela.exit.text",
		".init.data", ".rela.init.data", ".exit.data",
		".rela.exit.data", ".init.plt", ".plt", ".data",
		".rela.data", ".data..read_mostly", ".rodata", ".rela.rodata",
		".rodata.str", ".rodata.str1.1", ".rodata.str1.8",
		".rodata.cst2", ".bss", ".modinfo", ".gnu.linkonce.this_module",
		".rela.gnu.linkonce.this_module", "__versions", "__param",
		".rela__param", "__mcount_loc", ".rela__mcount_loc",
		"__patchable_function_entries",
		".rela__patchable_function_entries", "__bug_table",
		".rela__bug_table", "__jump_table", ".rela__jump_table",
		"__ex_table", ".altinstructions", ".rela.altinstructions",
		".parainstructions", ".rela.parainstructions", ".smp_locks",
		".rela.smp_locks", ".orc_unwind", ".orc_unwind_ip",
		".rela.orc_unwind_ip", ".return_sites", ".rela.return_sites",
		".retpoline_sites", ".rela.retpoline_sites",
		".static_call_sites", ".rela.static_call_sites", ".call_sites",
		".comment", ".note.GNU-stack", ".note.Linux",
		".note.gnu.build-id", ".note.gnu.property", ".BTF",
		".debug_info", ".rela.debug_info", ".debug_abbrev",
		".debug_line_str", ".debug_loclists", ".symtab", ".strtab",
		".shstrtab",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(allowed); i++)
		if (!kcl_payload_section_allowed(allowed[i]))
			fail_msg("section %s of real payloads is refused",
				 allowed[i]);
}

/* ---- the kernel's build-id -------------------------------------------- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
	strcpy(tmpdir, "/tmp/test_payload.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd);
}

/* Append a note to @buf at @off (native byte order, as the kernel's). */
static size_t add_note(unsigned char *buf, size_t off, const char *name,
		       uint32_t namesz, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	memcpy(buf + off, &namesz, 4);
	memcpy(buf + off + 4, &descsz, 4);
	memcpy(buf + off + 8, &type, 4);
	off += 12;
	memset(buf + off, 0, (namesz + 3) & ~3u);
	memcpy(buf + off, name, namesz);
	off += (namesz + 3) & ~3u;
	memset(buf + off, 0, (descsz + 3) & ~3u);
	memcpy(buf + off, desc, descsz);
	return off + ((descsz + 3) & ~3u);
}

static const char *write_notes(const unsigned char *buf, size_t len)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/notes", tmpdir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const unsigned char id20[20] = {
	0x85, 0xc7, 0xe4, 0xe2, 0xed, 0x76, 0xf4, 0x41, 0x7e, 0x8a,
	0xaa, 0xd7, 0xc6, 0xb0, 0x40, 0xd2, 0xbb, 0x89, 0x7a, 0x26,
};

static void reads_kernel_build_id(void **state)
{
	unsigned char buf[256];
	char hex[129];
	size_t off = 0;

	/* what an x86_64 kernel has: Xen notes and Linux notes around it */
	off = add_note(buf, off, "Xen", 4, 6, "linux", 6);
	off = add_note(buf, off, "GNU", 4, 1, "\0\0\0\0", 4);
	off = add_note(buf, off, "Linux", 6, 0x100, "6.1", 4);
	off = add_note(buf, off, "GNU", 4, 3, id20, sizeof(id20));
	off = add_note(buf, off, "Xen", 4, 18, "\0\0\0\0\0\0\0\0", 8);
	errbuf[0] = '\0';
	if (kcl_kernel_build_id(write_notes(buf, off), hex, sizeof(hex),
				errbuf, sizeof(errbuf)))
		fail_msg("refused: %s", errbuf);
	assert_string_equal(hex, BUILD_ID);

	/* exactly large enough */
	assert_int_equal(kcl_kernel_build_id(write_notes(buf, off), hex, 41,
					     errbuf, sizeof(errbuf)), 0);
	assert_int_equal(kcl_kernel_build_id(write_notes(buf, off), hex, 40,
					     errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "GNU build-id of 20 bytes"));
}

static void refuses_bad_notes(void **state)
{
	unsigned char buf[256];
	char hex[129], path[128];
	size_t off, cut;

	off = add_note(buf, 0, "Linux", 6, 0x100, "6.1", 4);
	assert_int_equal(kcl_kernel_build_id(write_notes(buf, off), hex,
					     sizeof(hex), errbuf,
					     sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "has no GNU build-id note"));

	/* type 3 of another name is not a build-id */
	off = add_note(buf, 0, "GNX", 4, 3, id20, sizeof(id20));
	assert_int_equal(kcl_kernel_build_id(write_notes(buf, off), hex,
					     sizeof(hex), errbuf,
					     sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "has no GNU build-id note"));

	off = add_note(buf, 0, "GNU", 4, 3, "", 0);
	assert_int_equal(kcl_kernel_build_id(write_notes(buf, off), hex,
					     sizeof(hex), errbuf,
					     sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "empty GNU build-id note"));

	/* every truncation of a good note is refused */
	off = add_note(buf, 0, "GNU", 4, 3, id20, sizeof(id20));
	for (cut = 0; cut < off; cut++) {
		errbuf[0] = '\0';
		assert_int_equal(kcl_kernel_notes_build_id("notes", buf, cut,
							   hex, sizeof(hex),
							   errbuf,
							   sizeof(errbuf)), -1);
		assert_true(errbuf[0]);
	}

	/* a size that would wrap around */
	off = add_note(buf, 0, "Linux", 6, 0x100, "6.1", 4);
	memset(buf + 4, 0xff, 4);
	assert_int_equal(kcl_kernel_notes_build_id("notes", buf, off, hex,
						   sizeof(hex), errbuf,
						   sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "runs past the end"));

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(kcl_kernel_build_id(path, hex, sizeof(hex), errbuf,
					     sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "cannot read the kernel's build-id from"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_good_payload),
		cmocka_unit_test(checks_user_payload),
		cmocka_unit_test(accepts_arm64_payload),
		cmocka_unit_test(refuses_unknown_arch),
		cmocka_unit_test(refuses_bad_elf_header),
		cmocka_unit_test(refuses_truncated),
		cmocka_unit_test(refuses_every_truncation),
		cmocka_unit_test(refuses_section_outside_file),
		cmocka_unit_test(refuses_missing_modinfo),
		cmocka_unit_test(refuses_bad_modinfo),
		cmocka_unit_test(refuses_non_payload),
		cmocka_unit_test(refuses_wrong_build_id),
		cmocka_unit_test(refuses_wrong_vermagic),
		cmocka_unit_test(refuses_bad_name),
		cmocka_unit_test(refuses_forbidden_sections),
		cmocka_unit_test(refuses_mismatched_types),
		cmocka_unit_test(allows_real_payload_sections),
		cmocka_unit_test(reads_kernel_build_id),
		cmocka_unit_test(refuses_bad_notes),
	};

	return cmocka_run_group_tests_name("payload", tests, make_tmpdir,
					   remove_tmpdir);
}
