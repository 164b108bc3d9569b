// SPDX-License-Identifier: GPL-2.0
/*
 * Reading an ELF relocatable object with libelf (objfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "objfile.h"

static int kb_err(const struct kb_obj *o, const char *what)
{
	fprintf(stderr, "kcare-objdiff: %s: %s: %s\n", o->path, what,
		elf_errmsg(-1));
	return -1;
}

static int kb_cmp_rel(const void *a, const void *b)
{
	const struct kb_rel *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* Read relocation section @rs into the section it applies to. */
static int kb_read_rela(struct kb_obj *o, struct kb_sec *rs)
{
	struct kb_sec *to;
	size_t i, n;

	if (rs->sh.sh_info >= o->nsec || rs->sh.sh_link >= o->nsec)
		return kb_err(o, "bad relocation section");
	to = &o->sec[rs->sh.sh_info];
	n = rs->sh.sh_entsize ? rs->sh.sh_size / rs->sh.sh_entsize : 0;
	to->rel = calloc(n ? n : 1, sizeof(*to->rel));
	if (!to->rel)
		return -1;
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		size_t si;

		if (!gelf_getrela(rs->data, i, &r))
			return kb_err(o, "cannot read a relocation");
		si = GELF_R_SYM(r.r_info);
		if (si >= o->nsym)
			return kb_err(o, "relocation against a bad symbol");
		to->rel[i].off = r.r_offset;
		to->rel[i].type = GELF_R_TYPE(r.r_info);
		to->rel[i].addend = r.r_addend;
		to->rel[i].sym = &o->sym[si];
	}
	to->nrel = n;
	qsort(to->rel, n, sizeof(*to->rel), kb_cmp_rel);
	return 0;
}

static int kb_read_symtab(struct kb_obj *o, struct kb_sec *st)
{
	size_t i;

	o->nsym = st->sh.sh_entsize ? st->sh.sh_size / st->sh.sh_entsize : 0;
	o->sym = calloc(o->nsym ? o->nsym : 1, sizeof(*o->sym));
	if (!o->sym)
		return -1;
	for (i = 0; i < o->nsym; i++) {
		struct kb_sym *s = &o->sym[i];

		if (!gelf_getsym(st->data, i, &s->s))
			return kb_err(o, "cannot read a symbol");
		s->index = i;
		s->type = GELF_ST_TYPE(s->s.st_info);
		s->bind = GELF_ST_BIND(s->s.st_info);
		s->name = elf_strptr(o->elf, st->sh.sh_link, s->s.st_name);
		if (!s->name)
			s->name = "";
		if (s->s.st_shndx != SHN_UNDEF && s->s.st_shndx < o->nsec &&
		    s->s.st_shndx < SHN_LORESERVE)
			s->sec = &o->sec[s->s.st_shndx];
		/* A section symbol is named after its section. */
		if (s->type == STT_SECTION && s->sec)
			s->name = s->sec->name;
	}
	return 0;
}

int kb_obj_open(struct kb_obj *o, const char *path)
{
	size_t i, shstrndx;
	struct kb_sec *symtab = NULL;

	memset(o, 0, sizeof(*o));
	o->path = path;
	elf_version(EV_CURRENT);
	o->fd = open(path, O_RDONLY);
	if (o->fd < 0) {
		fprintf(stderr, "kcare-objdiff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	o->elf = elf_begin(o->fd, ELF_C_READ, NULL);
	if (!o->elf || !gelf_getehdr(o->elf, &o->eh))
		return kb_err(o, "not an ELF file");
	if (o->eh.e_type != ET_REL) {
		fprintf(stderr, "kcare-objdiff: %s: not a relocatable object (.o)\n", path);
		return -1;
	}
	if (elf_getshdrnum(o->elf, &o->nsec) || elf_getshdrstrndx(o->elf, &shstrndx))
		return kb_err(o, "cannot read the section headers");
	o->sec = calloc(o->nsec, sizeof(*o->sec));
	if (!o->sec)
		return -1;
	for (i = 0; i < o->nsec; i++) {
		struct kb_sec *s = &o->sec[i];
		Elf_Scn *scn = elf_getscn(o->elf, i);

		if (!scn || !gelf_getshdr(scn, &s->sh))
			return kb_err(o, "cannot read a section header");
		s->index = i;
		s->name = elf_strptr(o->elf, shstrndx, s->sh.sh_name);
		if (!s->name)
			s->name = "";
		if (s->sh.sh_type != SHT_NOBITS) {
			s->data = elf_getdata(scn, NULL);
			if (!s->data && s->sh.sh_size)
				return kb_err(o, "cannot read a section");
		}
		if (s->sh.sh_type == SHT_SYMTAB)
			symtab = s;
		if (s->sh.sh_type == SHT_REL) {
			fprintf(stderr, "kcare-objdiff: %s: SHT_REL relocations are not supported\n", path);
			return -1;
		}
		s->is_rela = s->sh.sh_type == SHT_RELA;
	}
	if (!symtab) {
		fprintf(stderr, "kcare-objdiff: %s: no symbol table\n", path);
		return -1;
	}
	if (kb_read_symtab(o, symtab))
		return -1;
	for (i = 0; i < o->nsec; i++)
		if (o->sec[i].is_rela && kb_read_rela(o, &o->sec[i]))
			return -1;
	return 0;
}

void kb_obj_close(struct kb_obj *o)
{
	size_t i;

	for (i = 0; i < o->nsec && o->sec; i++)
		free(o->sec[i].rel);
	for (i = 0; i < o->nsym && o->sym; i++) {
		free(o->sym[i].key);
		free(o->sym[i].why);
	}
	free(o->sec);
	free(o->sym);
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	memset(o, 0, sizeof(*o));
	o->fd = -1;
}

struct kb_sec *kb_sec_by_name(struct kb_obj *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->nsec; i++)
		if (!strcmp(o->sec[i].name, name))
			return &o->sec[i];
	return NULL;
}

bool kb_sym_defined(const struct kb_sym *sym)
{
	return sym->sec && (sym->type == STT_FUNC || sym->type == STT_OBJECT);
}

struct kb_sym *kb_sym_at(struct kb_obj *o, struct kb_sec *sec, GElf_Addr off)
{
	struct kb_sym *best = NULL;
	size_t i;

	for (i = 0; i < o->nsym; i++) {
		struct kb_sym *s = &o->sym[i];

		if (s->sec != sec || !kb_sym_defined(s))
			continue;
		if (s->s.st_value == off)
			return s;
		if (s->s.st_value < off && off < s->s.st_value + s->s.st_size)
			best = s;
	}
	return best;
}

size_t kb_rel_from(const struct kb_sec *sec, GElf_Addr off)
{
	size_t lo = 0, hi = sec->nrel;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (sec->rel[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const unsigned char *kb_sym_bytes(const struct kb_sym *sym)
{
	if (!sym->sec || !sym->sec->data || !sym->sec->data->d_buf)
		return NULL;
	if (sym->s.st_value + sym->s.st_size > sym->sec->data->d_size)
		return NULL;
	return (const unsigned char *)sym->sec->data->d_buf + sym->s.st_value;
}

bool kb_rel_pcrel(const struct kb_obj *o, unsigned int type)
{
	if (o->eh.e_machine == EM_X86_64)
		return type == R_X86_64_PC32 || type == R_X86_64_PLT32 ||
		       type == R_X86_64_PC64 || type == R_X86_64_GOTPCREL;
	return false;	/* arm64: ADRP/ADD pairs carry the target itself */
}

bool kb_sec_is_init(const struct kb_sec *sec)
{
	return !strncmp(sec->name, ".init.", 6) || !strncmp(sec->name, ".exit.", 6) ||
	       !strncmp(sec->name, ".meminit.", 9);
}
