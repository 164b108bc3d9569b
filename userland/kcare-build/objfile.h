/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An ELF relocatable object (a kernel source file compiled with
 * -ffunction-sections -fdata-sections) read into memory: its sections, its
 * symbols and every section's relocations, resolved to symbols. The differ
 * (diff.c) works on two of them; nothing here knows about "before" or
 * "after".
 */
#ifndef KB_OBJFILE_H
#define KB_OBJFILE_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

struct kb_sym;

/* One relocation, with its addend and its symbol. */
struct kb_rel {
	GElf_Addr off;
	unsigned int type;
	GElf_Sxword addend;
	struct kb_sym *sym;
};

struct kb_sec {
	const char *name;
	size_t index;
	GElf_Shdr sh;
	Elf_Data *data;		/* NULL for SHT_NOBITS */
	struct kb_rel *rel;	/* the relocations applied to it, by offset */
	size_t nrel;
	bool is_rela;		/* a relocation section itself */
};

/* What the differ decided about a symbol (diff.c). */
enum kb_status {
	KB_SAME,
	KB_CHANGED,	/* included: its code (or a constant it uses) changed */
	KB_NEW,		/* included: only in the fixed build */
	KB_REFUSED,	/* cannot be live-patched; @why says why */
};

struct kb_sym {
	const char *name;
	char *key;		/* the name used to correlate (correlate.c) */
	size_t index;
	GElf_Sym s;
	unsigned char type, bind;
	struct kb_sec *sec;	/* NULL when undefined, absolute or common */
	struct kb_sym *twin;	/* the same symbol in the other build */
	enum kb_status status;
	char *why;
};

struct kb_obj {
	const char *path;
	int fd;
	Elf *elf;
	GElf_Ehdr eh;
	struct kb_sec *sec;
	size_t nsec;
	struct kb_sym *sym;
	size_t nsym;
};

int kb_obj_open(struct kb_obj *o, const char *path);
void kb_obj_close(struct kb_obj *o);

/* The section called @name, or NULL. */
struct kb_sec *kb_sec_by_name(struct kb_obj *o, const char *name);

/* The defined function or object symbol at @off in @sec (or covering it). */
struct kb_sym *kb_sym_at(struct kb_obj *o, struct kb_sec *sec, GElf_Addr off);

/* The first relocation of @sec at or after @off; @sec->nrel if none. */
size_t kb_rel_from(const struct kb_sec *sec, GElf_Addr off);

/* Whether @sym is a function or object the object file defines. */
bool kb_sym_defined(const struct kb_sym *sym);

/* The bytes of @sym, or NULL for a symbol in a SHT_NOBITS section. */
const unsigned char *kb_sym_bytes(const struct kb_sym *sym);

/* Whether relocation @type is relative to where it is applied. */
bool kb_rel_pcrel(const struct kb_obj *o, unsigned int type);

/* The section holding init-only (or exit-only) code or data. */
bool kb_sec_is_init(const struct kb_sec *sec);

#endif /* KB_OBJFILE_H */
