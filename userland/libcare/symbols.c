// SPDX-License-Identifier: GPL-2.0
/*
 * Symbols of a mapped object, read with libelf from the very file the
 * process maps (/proc/PID/map_files/, which still works when the file was
 * deleted or replaced on disk), checked against the build-id found in
 * memory. Both .dynsym and .symtab (when not stripped) are read; local
 * symbols remember the source file (STT_FILE) they belong to, and
 * versioned symbols keep only their default version.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc.h"

/* Where the GOT tells an IFUNC's choice (ifunc_via_got()). */
#if defined(__x86_64__)
#define LC_IFUNC_VIA_GOT	1
#else
#define LC_IFUNC_VIA_GOT	0
#endif

struct lc_sym {
	char *name;
	const char *file;
	unsigned long addr, size;
	unsigned char type, bind;
	bool hidden;
};

struct lc_syms {
	struct lc_sym *v;
	int n, cap;
	char **files;
	int nfiles;
};

static const char *keep_file(struct lc_syms *s, const char *name)
{
	char **f = realloc(s->files, (s->nfiles + 1) * sizeof(*f));

	if (!f)
		return NULL;
	s->files = f;
	f[s->nfiles] = strdup(name);
	return f[s->nfiles] ? f[s->nfiles++] : NULL;
}

static int add_sym(struct lc_syms *s, const char *name, const char *file,
		   const GElf_Sym *sym, unsigned long bias, bool hidden)
{
	struct lc_sym *n;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		n = realloc(s->v, s->cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		s->v = n;
	}
	n = &s->v[s->n];
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	n->file = GELF_ST_BIND(sym->st_info) == STB_LOCAL ? file : NULL;
	n->addr = bias + sym->st_value;
	n->size = sym->st_size;
	n->type = GELF_ST_TYPE(sym->st_info);
	n->bind = GELF_ST_BIND(sym->st_info);
	n->hidden = hidden;
	s->n++;
	return 0;
}

bool lc_elf_matches(Elf *elf, const struct lc_obj *obj)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;
		GElf_Nhdr nh;
		size_t off = 0, name, desc;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		while (d && (off = gelf_getnote(d, off, &nh, &name, &desc)) > 0)
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + name, "GNU", 4))
				return (int)nh.n_descsz == obj->build_id_len &&
				       !memcmp((char *)d->d_buf + desc, obj->build_id,
					       obj->build_id_len);
	}
	return false;
}

static int read_table(struct lc_syms *s, Elf *elf, Elf_Scn *scn,
		      GElf_Shdr *sh, unsigned long bias, bool globals_only)
{
	Elf_Data *d = elf_getdata(scn, NULL), *vd = NULL;
	Elf_Scn *v = NULL;
	GElf_Shdr vsh;
	const char *file = NULL;
	size_t i, n;

	if (!d || !sh->sh_entsize)
		return -EINVAL;
	/* The version table that goes with .dynsym, if any. */
	while (sh->sh_type == SHT_DYNSYM && (v = elf_nextscn(elf, v)))
		if (gelf_getshdr(v, &vsh) && vsh.sh_type == SHT_GNU_versym) {
			vd = elf_getdata(v, NULL);
			break;
		}
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Versym ver = 0;
		const char *name;
		int type;

		if (!gelf_getsym(d, i, &sym))
			continue;
		name = elf_strptr(elf, sh->sh_link, sym.st_name);
		type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_FILE) {
			file = name ? keep_file(s, name) : NULL;
			continue;
		}
		if (!name || !*name || sym.st_shndx == SHN_UNDEF ||
		    (type != STT_FUNC && type != STT_OBJECT && type != STT_GNU_IFUNC &&
		     type != STT_NOTYPE && type != STT_TLS))
			continue;
		if (globals_only && GELF_ST_BIND(sym.st_info) == STB_LOCAL)
			continue;
		if (vd)
			gelf_getversym(vd, i, &ver);
		if (add_sym(s, name, file, &sym, sym.st_shndx == SHN_ABS ? 0 : bias,
			    ver & 0x8000))
			return -ENOMEM;
	}
	return 0;
}

Elf *lc_obj_elf(const struct lc_obj *obj, Elf_Cmd cmd, int *fdp, bool *other)
{
	Elf *elf = NULL;
	int fd;

	*other = false;
	fd = open(obj->map_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open(obj->path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		elf = elf_begin(fd, cmd, NULL);
	if (elf && lc_elf_matches(elf, obj)) {
		*fdp = fd;
		return elf;
	}
	*other = elf != NULL;
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static struct lc_syms *load(struct lc_proc *p, struct lc_obj *obj,
			    bool globals_only)
{
	struct lc_syms *s = calloc(1, sizeof(*s));
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf *elf = NULL;
	bool other;
	int fd = -1;

	if (!s)
		return NULL;
	elf = lc_obj_elf(obj, ELF_C_READ, &fd, &other);
	if (!elf) {
		lc_msg(p->o, p->pid, "%s: %s", obj->path, other ?
		       "the file does not have the build-id of the mapped object" :
		       "cannot read the mapped file");
		goto err;
	}
	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh) &&
		    (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) &&
		    (sh.sh_type == SHT_DYNSYM || !globals_only) &&
		    read_table(s, elf, scn, &sh, obj->bias, globals_only))
			goto err;
	elf_end(elf);
	close(fd);
	return s;
err:
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	lc_syms_free(s);
	return NULL;
}

struct lc_syms *lc_syms_load(struct lc_proc *p, struct lc_obj *obj)
{
	return load(p, obj, false);
}

void lc_syms_free(struct lc_syms *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		free(s->v[i].name);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->v);
	free(s);
}

/*
 * Globals match by name; locals only when @file names their source file
 * ("*": any file).
 * Returns how many different addresses match (1: found, 0: none).
 */
int lc_syms_lookup(struct lc_syms *s, const char *name, const char *file,
		   bool want_func, unsigned long *addr, unsigned long *size)
{
	unsigned long found = 0, fsize = 0;
	int i, n = 0;
	bool hidden = true;

	for (i = 0; i < s->n; i++) {
		struct lc_sym *y = &s->v[i];

		if (strcmp(y->name, name))
			continue;
		if (y->bind == STB_LOCAL && (!file || !y->file ||
					     (strcmp(file, "*") && strcmp(file, y->file))))
			continue;
		if (want_func && y->type != STT_FUNC)
			continue;
		if (n && found == y->addr)
			continue;
		/* A default version beats the older, hidden ones. */
		if (n && y->hidden && !hidden)
			continue;
		if (n && hidden && !y->hidden)
			n = 0;
		found = y->addr;
		fsize = y->size;
		hidden = y->hidden;
		n++;
	}
	if (n == 1) {
		*addr = found;
		if (size)
			*size = fsize;
	}
	return n;
}

/* The dynamic relocations' GOT slot of @name in @elf, or 0. */
static unsigned long got_slot(Elf *elf, const char *name)
{
	Elf_Scn *scn = NULL, *symscn;
	GElf_Shdr sh, ssh;

	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d, *sd;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
		    !sh.sh_entsize)
			continue;
		symscn = elf_getscn(elf, sh.sh_link);
		if (!symscn || !gelf_getshdr(symscn, &ssh) ||
		    ssh.sh_type != SHT_DYNSYM)
			continue;
		d = elf_getdata(scn, NULL);
		sd = elf_getdata(symscn, NULL);
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; d && sd && i < n; i++) {
			GElf_Rela r;
			GElf_Sym y;
			const char *yn;

			if (!gelf_getrela(d, i, &r) ||
			    (GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT &&
			     GELF_R_TYPE(r.r_info) != R_X86_64_GLOB_DAT) ||
			    !gelf_getsym(sd, GELF_R_SYM(r.r_info), &y))
				continue;
			yn = elf_strptr(elf, ssh.sh_link, y.st_name);
			if (yn && !strcmp(yn, name))
				return r.r_offset;
		}
	}
	return 0;
}

/*
 * An IFUNC (glibc's gettimeofday, memcpy...) has no address of its own:
 * its resolver picks an implementation when the dynamic linker binds it.
 * If @obj, the object being patched, imports @name, the loader already
 * wrote that choice into @obj's GOT slot (or, bound lazily, the address
 * of the PLT code that binds it): what @obj itself calls, so the patch
 * calls the same. x86_64 only; elsewhere the IFUNC stays refused.
 */
static int ifunc_via_got(struct lc_proc *p, struct lc_obj *obj,
			 const char *name, unsigned long *addr)
{
	unsigned long slot = 0, v;
	bool other;
	Elf *elf;
	int fd;

	if (!obj || !LC_IFUNC_VIA_GOT)
		return -ENOTSUP;
	elf = lc_obj_elf(obj, ELF_C_READ, &fd, &other);
	if (elf) {
		slot = got_slot(elf, name);
		elf_end(elf);
		close(fd);
	}
	if (!slot || lc_mem_read(p, obj->bias + slot, &v, sizeof(v)) || !v)
		return -ENOTSUP;
	*addr = v;
	return 0;
}

/* A symbol the patch needs from another object (libc...): its .dynsym. */
int lc_syms_extern(struct lc_proc *p, struct lc_obj *skip, const char *name,
		   unsigned long *addr)
{
	int i;

	for (i = 0; i < p->nobjs; i++) {
		struct lc_obj *o = &p->objs[i];
		struct lc_syms *s;
		int n, j;

		if (o == skip)
			continue;
		s = load(p, o, true);
		if (!s)
			continue;
		n = lc_syms_lookup(s, name, NULL, false, addr, NULL);
		for (j = 0; n == 1 && j < s->n; j++)
			if (s->v[j].addr == *addr && s->v[j].type == STT_GNU_IFUNC) {
				if (!ifunc_via_got(p, skip, name, addr))
					break;
				lc_msg(p->o, p->pid, "%s in %s is an IFUNC the patched object does not import: not supported",
				       name, o->path);
				n = -1;
			}
		lc_syms_free(s);
		if (n == 1)
			return 0;
		if (n < 0)
			return -ENOTSUP;
	}
	return -ENOENT;
}
