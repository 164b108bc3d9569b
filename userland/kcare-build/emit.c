// SPDX-License-Identifier: GPL-2.0
/*
 * Writing the payload of a patch built from a diff (emit.h).
 *
 * The included functions and data are copied, section by section, into a
 * new relocatable object, with the string literals and constants they use.
 * Each relocation of the copy is rebound by what it points at: to the copy
 * when the target is included, to the kernel by name when the kernel
 * exports it (the module loader binds it), and otherwise to the running
 * kernel's own symbol, through the engine: the relocation is left out of
 * the ELF and listed in the patch's table of struct kcare_reloc, its target
 * in the patchset's struct kcare_symbol table (by the old build's name,
 * which is the running kernel's). Of the kernel's tables about code, those
 * the new code needs to be correct travel with it, filtered to its
 * entries: exception fixups (__ex_table), BUG/WARN sites (__bug_table),
 * alternatives (.altinstructions), ORC unwind data (.orc_unwind_ip and
 * .orc_unwind, for the freezer's stack walks); the others describe
 * optimisations the copy does without (return thunks, static call sites, ftrace entries:
 * its calls to __fentry__ stay, and return at once). Static keys cannot be
 * bound before the module loader needs them, so a function using one is
 * refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit.h"
#include "strbuf.h"

static int kb_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kb_emit_symvers(struct kb_emit *e, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (!f) {
		fprintf(stderr, "kcare-objdiff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* CRC, symbol, module, export type, namespace: tab-separated. */
	while (fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t'), *end;

		if (!name)
			continue;
		end = strchr(++name, '\t');
		if (!end)
			continue;
		*end = 0;
		if (e->nexported == cap) {
			cap = cap * 2 + 1024;
			e->exported = realloc(e->exported, cap * sizeof(*e->exported));
		}
		e->exported[e->nexported++] = strdup(name);
	}
	fclose(f);
	qsort(e->exported, e->nexported, sizeof(*e->exported), kb_cmp_str);
	return 0;
}

static bool kb_exported(struct kb_emit *e, const char *name)
{
	return bsearch(&name, e->exported, e->nexported, sizeof(*e->exported), kb_cmp_str);
}

/* The index of kernel symbol @object:@name in the patchset's table. */
static size_t kb_kernel_sym(struct kb_emit *e, const char *object, const char *name)
{
	char *key;
	size_t i;

	if (asprintf(&key, "%s:%s", object, name) < 0)
		exit(1);
	for (i = 0; i < e->nsyms; i++)
		if (!strcmp(e->symnames[i], key)) {
			free(key);
			return i;
		}
	e->symnames = realloc(e->symnames, (e->nsyms + 1) * sizeof(*e->symnames));
	e->symnames[e->nsyms] = key;
	kb_cat(&e->syms, &e->lsyms, "\t{ \"%s\", \"%s\", 0, &kcdiff_values[%zu] },\n",
	       name, object, e->nsyms);
	return e->nsyms++;
}

/* The kernel's tables about code that the copy needs, and their entry sizes. */
static const struct {
	const char *name;
	size_t entsize;
} kb_tables[] = {
	{ "__ex_table", 12 },
	{ "__bug_table", 12 },
	{ ".altinstructions", 12 },
};

/* One section of the output object. */
struct kb_osec {
	struct kb_sec *src;
	unsigned char *buf;	/* filtered contents (tables), else the source's */
	size_t size;
	const struct kb_rel **srel;	/* its relocations in the source */
	GElf_Addr *soff;		/* and where each now applies */
	size_t nsrel;
	GElf_Rela *rela;		/* those the output keeps */
	size_t nrela;
	size_t symidx;		/* its section symbol */
};

struct kb_out {
	struct kb_emit *e;
	struct kb_diff *d;
	struct kb_obj *o;
	const char *object;
	size_t file;
	int *map;		/* source section -> output section + 1 */
	struct kb_osec *sec;
	size_t nsec;
	GElf_Sym *sym;
	size_t nsym, nlocal;
	int *symmap;		/* source symbol -> output symbol, or 0 */
	char *str;		/* .strtab */
	size_t lstr;
	int err;
};

static size_t kb_str(struct kb_out *w, const char *s)
{
	size_t off = w->lstr;

	w->str = realloc(w->str, w->lstr + strlen(s) + 1);
	strcpy(w->str + w->lstr, s);
	w->lstr += strlen(s) + 1;
	return off;
}

static size_t kb_add_sym(struct kb_out *w, const char *name, unsigned char bind,
			 unsigned char type, size_t shndx, GElf_Addr value, GElf_Xword size)
{
	GElf_Sym s = {
		.st_name = name ? kb_str(w, name) : 0,
		.st_info = GELF_ST_INFO(bind, type),
		.st_shndx = shndx,
		.st_value = value,
		.st_size = size,
	};

	w->sym = realloc(w->sym, (w->nsym + 1) * sizeof(*w->sym));
	w->sym[w->nsym] = s;
	return w->nsym++;
}

static void kb_copy(struct kb_out *w, struct kb_sec *s)
{
	if (w->map[s->index])
		return;
	w->sec = realloc(w->sec, (w->nsec + 1) * sizeof(*w->sec));
	memset(&w->sec[w->nsec], 0, sizeof(w->sec[w->nsec]));
	w->sec[w->nsec].src = s;
	w->sec[w->nsec].size = s->sh.sh_size;
	w->map[s->index] = ++w->nsec;
}

static bool kb_copied(struct kb_out *w, const struct kb_sec *s)
{
	return s && w->map[s->index] && !w->sec[w->map[s->index] - 1].buf;
}

static void kb_refuse(struct kb_out *w, struct kb_sym *f, const char *why, const char *what)
{
	fprintf(stderr, "refused function %s: %s %s\n", f ? f->name : "?", why, what);
	w->e->refused++;
	w->err = -1;
}

/* Copy the section of the literal or anonymous data @rel points at. */
static void kb_pick_literal(struct kb_out *w, const struct kb_rel *rel)
{
	struct kb_target tg;
	struct kb_sym *t;

	/* Literals and anonymous data have no name in the kernel. */
	kb_target(w->o, rel, &tg);
	if (tg.kind != KB_T_SYM) {
		kb_copy(w, rel->sym->sec);
		return;
	}
	/*
	 * A constant of the running kernel (__func__.12, a table of numbers)
	 * is copied rather than bound: the same bytes, and no lookup of a name
	 * that other files of the kernel also use.
	 */
	t = tg.sym;
	if (t && t->type == STT_OBJECT && t->sec && !kb_included(t) && t->status != KB_REFUSED &&
	    !(t->sec->sh.sh_flags & SHF_WRITE) && kb_sym_bytes(t) &&
	    kb_rel_from(t->sec, t->s.st_value) == kb_rel_from(t->sec, t->s.st_value + t->s.st_size)) {
		t->status = KB_CHANGED;
		free(t->why);
		t->why = strdup("a constant the new code uses, copied");
		kb_copy(w, t->sec);
	}
}

/* The sections the included symbols need: theirs, and the literals they use. */
static void kb_pick(struct kb_out *w)
{
	struct kb_obj *o = w->o;
	size_t i;

	for (i = 0; i < o->nsym; i++)
		if (kb_sym_defined(&o->sym[i]) && kb_included(&o->sym[i]))
			kb_copy(w, o->sym[i].sec);
}

/* And what every copied section (a table's entries too) refers to. */
static void kb_pick_literals(struct kb_out *w)
{
	size_t n, j;

	/* kb_copy() moves w->sec: take what the loops need first. */
	for (n = 0; n < w->nsec; n++) {
		const struct kb_rel **srel = w->sec[n].srel;
		struct kb_sec *src = w->sec[n].src;
		size_t nsrel = w->sec[n].nsrel;

		if (w->sec[n].buf) {
			for (j = 0; j < nsrel; j++)
				kb_pick_literal(w, srel[j]);
			continue;
		}
		for (j = 0; j < src->nrel; j++)
			kb_pick_literal(w, &src->rel[j]);
	}
}

/* Add the entries of table @s about copied code, as a filtered section. */
static void kb_pick_table(struct kb_out *w, struct kb_sec *s, size_t entsize)
{
	struct kb_osec *os;
	size_t i, r, n = 0;

	if (!s->data)
		return;
	for (i = 0; i + entsize <= s->sh.sh_size; i += entsize) {
		r = kb_rel_from(s, i);
		if (r < s->nrel && s->rel[r].off == i && s->rel[r].sym->sec &&
		    kb_copied(w, s->rel[r].sym->sec))
			n++;
	}
	if (!n)
		return;
	kb_copy(w, s);
	os = &w->sec[w->nsec - 1];
	os->buf = calloc(n, entsize);
	os->size = 0;
	for (i = 0; i + entsize <= s->sh.sh_size; i += entsize) {
		r = kb_rel_from(s, i);
		if (!(r < s->nrel && s->rel[r].off == i && s->rel[r].sym->sec &&
		      kb_copied(w, s->rel[r].sym->sec)))
			continue;
		memcpy(os->buf + os->size, (char *)s->data->d_buf + i, entsize);
		/* Its relocations, moved to where the entry now is. */
		for (; r < s->nrel && s->rel[r].off < i + entsize; r++) {
			os->srel = realloc(os->srel, (os->nsrel + 1) * sizeof(*os->srel));
			os->soff = realloc(os->soff, (os->nsrel + 1) * sizeof(*os->soff));
			os->srel[os->nsrel] = &s->rel[r];
			os->soff[os->nsrel++] = s->rel[r].off - i + os->size;
		}
		os->size += entsize;
	}
}

/*
 * The ORC unwind entries of the copied code, so that the stack of a task
 * inside it can be walked reliably (the freezer's check): two parallel
 * tables, the instruction of entry i in .orc_unwind_ip (4 bytes, relocated),
 * its unwind rule in .orc_unwind (6 bytes); entry i is kept in both or in
 * neither.
 */
static void kb_pick_orc(struct kb_out *w)
{
	struct kb_sec *ip = kb_sec_by_name(w->o, ".orc_unwind_ip");
	struct kb_sec *orc = kb_sec_by_name(w->o, ".orc_unwind");
	struct kb_osec *oip, *oorc;
	size_t i, r, n;

	if (!ip || !orc || !ip->data || !orc->data || ip->sh.sh_size / 4 != orc->sh.sh_size / 6)
		return;
	kb_pick_table(w, ip, 4);
	if (!w->map[ip->index])
		return;
	kb_copy(w, orc);
	oip = &w->sec[w->map[ip->index] - 1];
	oorc = &w->sec[w->map[orc->index] - 1];
	oorc->buf = calloc(oip->size / 4, 6);
	for (i = 0, n = 0; i < ip->sh.sh_size / 4; i++) {
		r = kb_rel_from(ip, i * 4);
		if (r < ip->nrel && ip->rel[r].off == i * 4 && ip->rel[r].sym->sec &&
		    kb_copied(w, ip->rel[r].sym->sec))
			memcpy(oorc->buf + 6 * n++, (char *)orc->data->d_buf + 6 * i, 6);
	}
	oorc->size = 6 * n;
}

/* A function that uses a static key cannot be copied (see the top). */
static void kb_check_jump_labels(struct kb_out *w)
{
	struct kb_sec *jt = kb_sec_by_name(w->o, "__jump_table");
	size_t r;

	for (r = 0; jt && r < jt->nrel; r++) {
		struct kb_sym *t = jt->rel[r].sym;

		if (jt->rel[r].off % 16 || !t->sec || !kb_copied(w, t->sec))
			continue;
		t = kb_sym_at(w->o, t->sec, jt->rel[r].addend < 0 ? 0 : jt->rel[r].addend);
		kb_refuse(w, t, "uses a static key (jump label):",
			  "the module loader binds those before the engine can");
	}
}

static void kb_add_rela(struct kb_osec *os, GElf_Addr off, size_t sym, unsigned int type,
			GElf_Sxword addend)
{
	os->rela = realloc(os->rela, (os->nrela + 1) * sizeof(*os->rela));
	os->rela[os->nrela].r_offset = off;
	os->rela[os->nrela].r_info = GELF_R_INFO(sym, type);
	os->rela[os->nrela].r_addend = addend;
	os->nrela++;
}

/* The undefined global symbol @name of the output, made on first use. */
static size_t kb_undef(struct kb_out *w, const char *name)
{
	size_t i;

	for (i = w->nlocal; i < w->nsym; i++)
		if (w->sym[i].st_shndx == SHN_UNDEF && !strcmp(w->str + w->sym[i].st_name, name))
			return i;
	return kb_add_sym(w, name, STB_GLOBAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
}

/* A reference the engine binds: a line of the patch's relocation table. */
static void kb_runtime(struct kb_out *w, size_t k, GElf_Addr off, unsigned int type,
		       const char *name, GElf_Sxword addend)
{
	struct kb_emit *e = w->e;
	size_t idx = kb_kernel_sym(e, w->object, name);

	kb_cat(&e->relocs, &e->lrelocs, "\t{ kcdiff_%zu_s%zu + 0x%llx, %u, %zu, %lldL },\t/* %s */\n",
	       w->file, k, (unsigned long long)off, type, idx, (long long)addend, name);
	e->nrelocs++;
}

/* Bind relocation @rel of the source, now at @off of output section @k. */
static void kb_rebind(struct kb_out *w, size_t k, GElf_Addr off, const struct kb_rel *rel)
{
	struct kb_osec *os = &w->sec[k];
	struct kb_sym *t = rel->sym, *ts;
	struct kb_target tg;

	kb_target(w->o, rel, &tg);
	ts = tg.sym;
	if (tg.kind == KB_T_SYM && ts && ts->type != STT_SECTION) {
		const char *name;

		if (ts->sec && kb_included(ts)) {
			kb_add_rela(os, off, w->symmap[ts->index], rel->type, tg.off);
			return;
		}
		if (ts->sec && !ts->twin) {
			fprintf(stderr, "kcare-objdiff: %s: %s refers to %s, which the running kernel does not have\n",
				w->o->path, os->src->name, ts->name);
			w->err = -1;
			return;
		}
		/* The running kernel's: by the name the old build gave it. */
		name = ts->sec ? ts->twin->name : ts->name;
		if (ts->bind != STB_LOCAL && kb_exported(w->e, name))
			kb_add_rela(os, off, kb_undef(w, name), rel->type, tg.off);
		else
			kb_runtime(w, k, off, rel->type, name, tg.off);
		return;
	}
	if (t->sec && kb_copied(w, t->sec)) {
		/* From the copied section's start (a label .LCn has a value). */
		kb_add_rela(os, off, w->sec[w->map[t->sec->index] - 1].symidx, rel->type,
			    rel->addend + (t->type == STT_SECTION ? 0 : (GElf_Sxword)t->s.st_value));
		return;
	}
	fprintf(stderr, "kcare-objdiff: %s: cannot bind a reference of %s to %s\n",
		w->o->path, os->src->name, t->name);
	w->err = -1;
}

static void kb_symbols(struct kb_out *w)
{
	struct kb_obj *o = w->o;
	size_t i, k;

	kb_add_sym(w, NULL, STB_LOCAL, STT_NOTYPE, SHN_UNDEF, 0, 0);
	for (k = 0; k < w->nsec; k++)
		w->sec[k].symidx = kb_add_sym(w, NULL, STB_LOCAL, STT_SECTION, k + 1, 0, 0);
	for (i = 0; i < o->nsym; i++) {
		struct kb_sym *s = &o->sym[i];

		if (kb_sym_defined(s) && kb_included(s))
			w->symmap[i] = kb_add_sym(w, s->name, STB_LOCAL, s->type,
						  w->map[s->sec->index], s->s.st_value, s->s.st_size);
	}
	w->nlocal = w->nsym;
	/* Where the glue finds each section: kcdiff_FILE_sK. */
	for (k = 0; k < w->nsec; k++) {
		char name[64];

		snprintf(name, sizeof(name), "kcdiff_%zu_s%zu", w->file, k);
		kb_add_sym(w, name, STB_GLOBAL, STT_NOTYPE, k + 1, 0, 0);
		kb_cat(&w->e->decls, &w->e->ldecls, "extern char %s[];\n", name);
	}
}

/* The functions the patch redirects, for the glue. */
static void kb_funcs(struct kb_out *w)
{
	struct kb_obj *o = w->o;
	size_t i;

	for (i = 0; i < o->nsym; i++) {
		struct kb_sym *s = &o->sym[i];

		if (s->type != STT_FUNC || s->status != KB_CHANGED || !s->twin ||
		    strstr(s->key, ".cold"))
			continue;
		kb_cat(&w->e->funcs, &w->e->lfuncs,
		       "\t{ .name = \"%s\", .object = \"%s\", .new_func = kcdiff_%zu_s%d + 0x%llx },\n",
		       s->twin->name, w->object, w->file, w->map[s->sec->index] - 1,
		       (unsigned long long)s->s.st_value);
		w->e->nfuncs++;
	}
}

static Elf_Scn *kb_new_scn(Elf *out, char **shstr, size_t *lshstr, const char *name,
			   const GElf_Shdr *tmpl, void *buf, size_t size)
{
	Elf_Scn *scn = elf_newscn(out);
	Elf_Data *data;
	GElf_Shdr sh = *tmpl;

	if (!scn)
		return NULL;
	sh.sh_name = *lshstr;
	*shstr = realloc(*shstr, *lshstr + strlen(name) + 1);
	strcpy(*shstr + *lshstr, name);
	*lshstr += strlen(name) + 1;
	sh.sh_offset = 0;
	sh.sh_size = size;
	data = elf_newdata(scn);
	if (!data)
		return NULL;
	data->d_buf = buf;
	data->d_size = size;
	data->d_align = sh.sh_addralign ? sh.sh_addralign : 1;
	data->d_type = ELF_T_BYTE;
	if (sh.sh_type == SHT_NOBITS)
		data->d_buf = NULL;
	gelf_update_shdr(scn, &sh);
	return scn;
}

static int kb_write(struct kb_out *w, const char *path)
{
	size_t k, nrsec = 0, symtab, shstrndx, first_rela;
	char *shstr = calloc(1, 1);
	size_t lshstr = 1;
	GElf_Ehdr eh;
	Elf *out;
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		fprintf(stderr, "kcare-objdiff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	out = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!out || !gelf_newehdr(out, ELFCLASS64) || !gelf_getehdr(out, &eh))
		goto out;
	memcpy(eh.e_ident, w->o->eh.e_ident, EI_NIDENT);
	eh.e_type = ET_REL;
	eh.e_machine = w->o->eh.e_machine;
	eh.e_version = EV_CURRENT;
	eh.e_flags = w->o->eh.e_flags;
	for (k = 0; k < w->nsec; k++)
		nrsec += w->sec[k].nrela > 0;
	first_rela = 1 + w->nsec;
	symtab = first_rela + nrsec + 1;	/* after .note.GNU-stack */
	shstrndx = symtab + 2;
	for (k = 0; k < w->nsec; k++) {
		struct kb_osec *os = &w->sec[k];
		void *buf = os->buf ? os->buf :
			    (os->src->data ? os->src->data->d_buf : NULL);

		if (!kb_new_scn(out, &shstr, &lshstr, os->src->name, &os->src->sh, buf, os->size))
			goto out;
	}
	for (k = 0; k < w->nsec; k++) {
		struct kb_osec *os = &w->sec[k];
		GElf_Shdr sh = { .sh_type = SHT_RELA, .sh_flags = SHF_INFO_LINK,
				 .sh_link = symtab, .sh_info = k + 1,
				 .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Rela) };
		Elf64_Rela *r;
		char name[256];
		size_t i;

		if (!os->nrela)
			continue;
		r = calloc(os->nrela, sizeof(*r));
		for (i = 0; i < os->nrela; i++) {
			r[i].r_offset = os->rela[i].r_offset;
			r[i].r_info = os->rela[i].r_info;
			r[i].r_addend = os->rela[i].r_addend;
		}
		snprintf(name, sizeof(name), ".rela%s", os->src->name);
		if (!kb_new_scn(out, &shstr, &lshstr, name, &sh, r, os->nrela * sizeof(*r)))
			goto out;
		first_rela++;
	}
	{
		GElf_Shdr note = { .sh_type = SHT_PROGBITS, .sh_addralign = 1 };
		GElf_Shdr st = { .sh_type = SHT_SYMTAB, .sh_link = symtab + 1, .sh_info = w->nlocal,
				 .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym) };
		GElf_Shdr str = { .sh_type = SHT_STRTAB, .sh_addralign = 1 };
		Elf64_Sym *syms = calloc(w->nsym, sizeof(*syms));
		size_t i;

		for (i = 0; i < w->nsym; i++) {
			syms[i].st_name = w->sym[i].st_name;
			syms[i].st_info = w->sym[i].st_info;
			syms[i].st_shndx = w->sym[i].st_shndx;
			syms[i].st_value = w->sym[i].st_value;
			syms[i].st_size = w->sym[i].st_size;
		}
		if (!kb_new_scn(out, &shstr, &lshstr, ".note.GNU-stack", &note, NULL, 0) ||
		    !kb_new_scn(out, &shstr, &lshstr, ".symtab", &st, syms, w->nsym * sizeof(*syms)) ||
		    !kb_new_scn(out, &shstr, &lshstr, ".strtab", &str, w->str, w->lstr))
			goto out;
		if (!kb_new_scn(out, &shstr, &lshstr, ".shstrtab", &str, NULL, 0))
			goto out;
		/* .shstrtab's own name is in it now: give it its contents. */
		elf_getdata(elf_getscn(out, shstrndx), NULL)->d_buf = shstr;
		elf_getdata(elf_getscn(out, shstrndx), NULL)->d_size = lshstr;
	}
	eh.e_shstrndx = shstrndx;
	if (!gelf_update_ehdr(out, &eh) || elf_update(out, ELF_C_WRITE) < 0)
		goto out;
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "kcare-objdiff: %s: %s\n", path, elf_errmsg(-1));
	if (out)
		elf_end(out);
	close(fd);
	return rc;
}

int kb_emit_file(struct kb_emit *e, struct kb_diff *d, const char *object)
{
	struct kb_out w = { .e = e, .d = d, .o = d->new, .object = object, .file = e->nfiles };
	char path[4096];
	size_t k, i, t;
	int rc;

	w.str = calloc(1, 1);	/* the empty name */
	w.lstr = 1;
	w.map = calloc(w.o->nsec, sizeof(*w.map));
	w.symmap = calloc(w.o->nsym, sizeof(*w.symmap));
	kb_pick(&w);
	kb_check_jump_labels(&w);
	for (t = 0; t < sizeof(kb_tables) / sizeof(kb_tables[0]); t++) {
		struct kb_sec *s = kb_sec_by_name(w.o, kb_tables[t].name);

		if (s)
			kb_pick_table(&w, s, kb_tables[t].entsize);
	}
	kb_pick_orc(&w);
	/* Alternatives bring their replacement code. */
	if (kb_sec_by_name(w.o, ".altinstructions") &&
	    w.map[kb_sec_by_name(w.o, ".altinstructions")->index])
		kb_copy(&w, kb_sec_by_name(w.o, ".altinstr_replacement"));
	kb_pick_literals(&w);
	kb_symbols(&w);
	for (k = 0; k < w.nsec; k++) {
		struct kb_osec *os = &w.sec[k];

		if (os->buf) {
			for (i = 0; i < os->nsrel; i++)
				kb_rebind(&w, k, os->soff[i], os->srel[i]);
			continue;
		}
		for (i = 0; i < os->src->nrel; i++)
			kb_rebind(&w, k, os->src->rel[i].off, &os->src->rel[i]);
	}
	kb_funcs(&w);
	snprintf(path, sizeof(path), "%s/kcdiff_%zu.o_shipped", e->dir, w.file);
	rc = w.err ? -1 : kb_write(&w, path);
	for (k = 0; k < w.nsec; k++) {
		free(w.sec[k].buf);
		free(w.sec[k].srel);
		free(w.sec[k].soff);
		free(w.sec[k].rela);
	}
	free(w.sec);
	free(w.sym);
	free(w.str);
	free(w.map);
	free(w.symmap);
	e->nfiles++;
	return rc;
}

static bool kb_has_hook(const struct kb_emit *e, const char *name)
{
	size_t n = strlen(name);
	const char *p = e->hooks;

	while (p && (p = strstr(p, name))) {
		if ((p == e->hooks || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

int kb_emit_glue(struct kb_emit *e)
{
	static const char *const hooks[] = { "pre_apply", "post_apply", "pre_revert", "post_revert" };
	char path[4096], *hdecl = NULL, *hset = NULL;
	size_t i, lhdecl = 0, lhset = 0;
	FILE *f;

	/* The author's hooks (FIX.hooks.c): declared here, run with the patch. */
	for (i = 0; i < 4; i++) {
		if (!kb_has_hook(e, hooks[i]))
			continue;
		kb_cat(&hdecl, &lhdecl, "%s kcdiff_hook_%s(struct kcare_patch *patch);\n",
		       i ? "void" : "int", hooks[i]);
		if (i)
			kb_cat(&hset, &lhset, "\t\t\t.%s = kcdiff_hook_%s,\n", hooks[i], hooks[i]);
	}
	if (hdecl)
		kb_cat(&hdecl, &lhdecl, "\n");
	snprintf(path, sizeof(path), "%s/kcdiff.c", e->dir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "kcare-objdiff: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "// SPDX-License-Identifier: GPL-2.0\n"
		"/*\n * Written by kcare-objdiff --emit: the patch %s, built from a source diff\n"
		" * (Documentation/from-diff.md). Its code is in kcdiff_*.o.\n */\n"
		"#include <linux/module.h>\n#include <kcare/patch.h>\n\n#include \"patchset-meta.h\"\n\n"
		"%s\nstatic unsigned long kcdiff_values[%zu];\n\n"
		"/* The running kernel's symbols the new code uses. */\n"
		"static struct kcare_symbol kcdiff_symbols[] = {\n%s\t{ }\n};\n\n"
		"static const struct kcare_reloc kcdiff_relocs[%zu] = {\n%s};\n\n"
		"%s"
		"static int kcdiff_pre_apply(struct kcare_patch *patch)\n{\n"
		"\tint ret = kcare_relocate(patch, kcdiff_relocs, %zu, kcdiff_values);\n\n"
		"\treturn ret ? ret : %s;\n}\n\n"
		"static struct kcare_func kcdiff_funcs[] = {\n%s\t{ }\n};\n\n"
		"static struct kcare_patch kcdiff_patches[] = {\n"
		"\t{\n\t\tKCARE_META_PATCH_%s,\n\t\t.funcs = kcdiff_funcs,\n"
		"\t\t.hooks = {\n\t\t\t.pre_apply = kcdiff_pre_apply,\n%s\t\t},\n\t},\n\t{ }\n};\n\n"
		"static struct kcare_patchset kcdiff_set = {\n"
		"\t.id = KCARE_META_ID,\n\t.level = KCARE_LEVEL,\n\t.type = KCARE_META_PATCH_TYPE,\n"
		"\t.build_time = KCARE_BUILD_TIME,\n"
		"\t.effective_version = KCARE_META_EFFECTIVE_VERSION,\n"
		"\t.kernel_build_id = KCARE_TARGET_BUILD_ID,\n"
		"\t.patches = kcdiff_patches,\n\t.symbols = kcdiff_symbols,\n};\n"
		"KCARE_PATCHSET(kcdiff_set);\n"
		"MODULE_DESCRIPTION(\"kcare patch %s, built from a source diff\");\n",
		e->patch, e->decls ? e->decls : "", e->nsyms ? e->nsyms : 1,
		e->syms ? e->syms : "", e->nrelocs ? e->nrelocs : 1,
		e->relocs ? e->relocs : "", hdecl ? hdecl : "", e->nrelocs,
		kb_has_hook(e, "pre_apply") ? "kcdiff_hook_pre_apply(patch)" : "0",
		e->funcs ? e->funcs : "", e->patch, hset ? hset : "", e->patch);
	free(hdecl);
	free(hset);
	return fclose(f) ? -1 : 0;
}

void kb_emit_free(struct kb_emit *e)
{
	size_t i;

	for (i = 0; i < e->nexported; i++)
		free(e->exported[i]);
	for (i = 0; i < e->nsyms; i++)
		free(e->symnames[i]);
	free(e->exported);
	free(e->symnames);
	free(e->decls);
	free(e->syms);
	free(e->relocs);
	free(e->funcs);
}
