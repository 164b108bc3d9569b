// SPDX-License-Identifier: GPL-2.0
/*
 * The patch object (Documentation/libcare.md): an ELF relocatable object
 * whose .kcare.lpatch section holds "key=value" strings (build-id, level,
 * id, file, replace=OLD:NEW...). For one process, it is laid out in an
 * image: the sections the replacement functions reach through their
 * relocations are copied, except those that are one function or object of
 * the library itself (found by name in its symbols), which are bound to
 * the library's own copy, so that state is shared and code not duplicated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc.h"
#include "lpatch-int.h"

#define SEC_UNUSED 0
#define SEC_LOAD 1
#define SEC_BOUND 2

static int parse_desc(struct lc_patch *pt, const char *s, size_t len, FILE *err)
{
	struct lc_patch_info *in = &pt->info;
	size_t off = 0;

	while (off < len) {
		const char *kv = s + off, *v;
		size_t l = strnlen(kv, len - off);

		off += l + 1;
		if (!l)
			continue;
		v = memchr(kv, '=', l);
		if (!v || l > 400)
			goto bad;
		v++;
		if (!strncmp(kv, "buildid=", 8)) {
			in->build_id_len = lc_unhex(in->build_id, LC_BUILD_ID_MAX, v);
			if (in->build_id_len <= 0)
				goto bad;
		} else if (!strncmp(kv, "level=", 6)) {
			in->level = strtoul(v, NULL, 10);
		} else if (!strncmp(kv, "id=", 3)) {
			snprintf(in->id, sizeof(in->id), "%s", v);
		} else if (!strncmp(kv, "file=", 5)) {
			snprintf(in->file, sizeof(in->file), "%s", v);
		} else if (!strncmp(kv, "cve=", 4)) {
			size_t n = strlen(in->cves);

			snprintf(in->cves + n, sizeof(in->cves) - n, "%s%s", n ? " " : "", v);
		} else if (!strncmp(kv, "description=", 12)) {
			snprintf(in->description, sizeof(in->description), "%s", v);
		} else if (!strncmp(kv, "replace=", 8)) {
			const char *c = strchr(v, ':');
			int i = in->nfuncs;

			if (!c || i == LC_MAX_FUNCS || c - v >= 128 || strlen(c + 1) >= 128)
				goto bad;
			snprintf(in->funcs[i].name, 128, "%.*s", (int)(c - v), v);
			snprintf(in->funcs[i].repl, 128, "%s", c + 1);
			in->nfuncs++;
		}
	}
	if (!in->build_id_len || !in->level || !in->id[0] || !in->nfuncs) {
		fprintf(err, "libcare: %s: .kcare.lpatch lacks buildid=, level=, id= or replace=\n",
			pt->path);
		return -LC_EBADPATCH;
	}
	return 0;
bad:
	fprintf(err, "libcare: %s: malformed .kcare.lpatch entry\n", pt->path);
	return -LC_EBADPATCH;
}

static int find_sym(struct lc_patch *pt, const char *name)
{
	size_t i;

	for (i = 1; i < pt->nsyms; i++) {
		GElf_Sym s;
		const char *n;

		if (!gelf_getsym(pt->symdata, i, &s))
			continue;
		n = elf_strptr(pt->elf, pt->symstr, s.st_name);
		if (n && !strcmp(n, name) && s.st_shndx != SHN_UNDEF &&
		    s.st_shndx < pt->nsecs && GELF_ST_TYPE(s.st_info) == STT_FUNC)
			return i;
	}
	return -1;
}

int lc_patch_open(const char *path, struct lc_patch **out, FILE *err)
{
	struct lc_patch *pt = calloc(1, sizeof(*pt));
	GElf_Ehdr eh;
	size_t shstr, i;
	int r = -LC_EBADPATCH;
	bool desc = false;

	if (!pt)
		return -ENOMEM;
	elf_version(EV_CURRENT);
	pt->path = strdup(path);
	pt->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (pt->fd < 0) {
		r = -errno;
		fprintf(err, "libcare: cannot open %s: %s\n", path, strerror(errno));
		goto err;
	}
	pt->elf = elf_begin(pt->fd, ELF_C_READ, NULL);
	if (!pt->elf || !gelf_getehdr(pt->elf, &eh) || eh.e_type != ET_REL ||
	    gelf_getclass(pt->elf) != ELFCLASS64 || elf_getshdrnum(pt->elf, &pt->nsecs) ||
	    elf_getshdrstrndx(pt->elf, &shstr)) {
		fprintf(err, "libcare: %s: not an ELF relocatable object (%s)\n", path,
			elf_errmsg(-1));
		goto err;
	}
	if (eh.e_machine != lc_arch_machine) {
		fprintf(err, "libcare: %s: built for another architecture (e_machine %d)\n",
			path, eh.e_machine);
		goto err;
	}
	pt->secs = calloc(pt->nsecs, sizeof(*pt->secs));
	if (!pt->secs)
		goto err;
	for (i = 1; i < pt->nsecs; i++) {
		struct lc_psec *s = &pt->secs[i];
		Elf_Scn *scn = elf_getscn(pt->elf, i);

		if (!scn || !gelf_getshdr(scn, &s->sh))
			goto corrupt;
		s->name = elf_strptr(pt->elf, shstr, s->sh.sh_name);
		if (!s->name)
			goto corrupt;
		if (s->sh.sh_type != SHT_NOBITS) {
			s->data = elf_getdata(scn, NULL);
			if (!s->data || s->data->d_size != s->sh.sh_size)
				goto corrupt;
		}
		if (s->sh.sh_type == SHT_SYMTAB) {
			if (!s->sh.sh_entsize || s->sh.sh_link >= pt->nsecs)
				goto corrupt;
			pt->symdata = s->data;
			pt->nsyms = s->sh.sh_size / s->sh.sh_entsize;
			pt->symstr = s->sh.sh_link;
		}
		if (!strcmp(s->name, ".kcare.lpatch")) {
			r = parse_desc(pt, s->data->d_buf, s->data->d_size, err);
			if (r)
				goto err;
			desc = true;
		}
	}
	if (!desc || !pt->symdata) {
		fprintf(err, "libcare: %s: no %s: not a libcare patch\n", path,
			desc ? "symbol table" : ".kcare.lpatch section");
		r = -LC_EBADPATCH;
		goto err;
	}
	for (i = 0; i < (size_t)pt->info.nfuncs; i++) {
		pt->repl[i] = find_sym(pt, pt->info.funcs[i].repl);
		if (pt->repl[i] < 0) {
			fprintf(err, "libcare: %s: replacement function %s is not defined\n",
				path, pt->info.funcs[i].repl);
			r = -LC_EBADPATCH;
			goto err;
		}
	}
	*out = pt;
	return 0;
corrupt:
	fprintf(err, "libcare: %s: corrupt ELF object\n", path);
	r = -LC_EBADPATCH;
err:
	lc_patch_close(pt);
	return r;
}

void lc_patch_close(struct lc_patch *pt)
{
	if (!pt)
		return;
	if (pt->elf)
		elf_end(pt->elf);
	if (pt->fd >= 0)
		close(pt->fd);
	free(pt->secs);
	free(pt->path);
	free(pt);
}

const struct lc_patch_info *lc_patch_info(const struct lc_patch *pt)
{
	return &pt->info;
}

/* The one function or object a section holds, as gcc -ffunction-sections makes them. */
static const char *sec_owner(struct lc_patch *pt, size_t sec, bool *local)
{
	const char *name = NULL;
	size_t i;
	int n = 0;

	for (i = 1; i < pt->nsyms; i++) {
		GElf_Sym s;
		int t;

		if (!gelf_getsym(pt->symdata, i, &s) || s.st_shndx != sec)
			continue;
		t = GELF_ST_TYPE(s.st_info);
		if (t != STT_FUNC && t != STT_OBJECT)
			continue;
		if (s.st_value || s.st_size != pt->secs[sec].sh.sh_size || n++)
			return NULL;
		name = elf_strptr(pt->elf, pt->symstr, s.st_name);
		*local = GELF_ST_BIND(s.st_info) == STB_LOCAL;
	}
	return name;
}

/* Is this a replacement function's section? Those are always loaded. */
static bool sec_is_repl(struct lc_patch *pt, size_t sec)
{
	int i;

	for (i = 0; i < pt->info.nfuncs; i++) {
		GElf_Sym s;

		if (gelf_getsym(pt->symdata, pt->repl[i], &s) && s.st_shndx == sec)
			return true;
	}
	return false;
}

static int classify(struct lc_patch *pt, size_t sec, struct lc_syms *syms)
{
	struct lc_psec *s = &pt->secs[sec];
	const char *name;
	bool local = false;
	unsigned long addr;

	if (s->state != SEC_UNUSED)
		return 0;
	if (!(s->sh.sh_flags & SHF_ALLOC))
		return -EINVAL;
	name = sec_is_repl(pt, sec) ? NULL : sec_owner(pt, sec, &local);
	if (name && lc_syms_lookup(syms, name, local ? pt->info.file : NULL,
				   false, &addr, NULL) == 1) {
		s->state = SEC_BOUND;
		s->addr = addr;
		return 0;
	}
	s->state = SEC_LOAD;
	return 1;
}

/* Mark what the replacement functions need, following relocations. */
static int closure(struct lc_patch *pt, struct lc_syms *syms)
{
	bool changed = true;
	size_t i, j;
	int k, r;

	for (i = 0; i < pt->nsecs; i++)
		pt->secs[i].state = SEC_UNUSED;
	for (k = 0; k < pt->info.nfuncs; k++) {
		GElf_Sym s;

		gelf_getsym(pt->symdata, pt->repl[k], &s);
		pt->secs[s.st_shndx].state = SEC_LOAD;
	}
	while (changed) {
		changed = false;
		for (i = 1; i < pt->nsecs; i++) {
			struct lc_psec *rs = &pt->secs[i];
			size_t n;

			if (rs->sh.sh_type != SHT_RELA || rs->sh.sh_info >= pt->nsecs ||
			    pt->secs[rs->sh.sh_info].state != SEC_LOAD || rs->done)
				continue;
			rs->done = true;
			n = rs->sh.sh_entsize ? rs->sh.sh_size / rs->sh.sh_entsize : 0;
			for (j = 0; j < n; j++) {
				GElf_Rela rel;
				GElf_Sym s;

				if (!gelf_getrela(rs->data, j, &rel) ||
				    !gelf_getsym(pt->symdata, GELF_R_SYM(rel.r_info), &s))
					return -EINVAL;
				if (s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE)
					continue;
				if (s.st_shndx >= pt->nsecs)
					return -EINVAL;
				r = classify(pt, s.st_shndx, syms);
				if (r < 0)
					return r;
				changed |= r > 0;
			}
		}
	}
	return 0;
}

static unsigned long align_up(unsigned long v, unsigned long a)
{
	return a > 1 ? (v + a - 1) & ~(a - 1) : v;
}

int lc_patch_prepare(struct lc_patch *pt, struct lc_proc *p, struct lc_syms *syms,
		     unsigned long *size)
{
	unsigned long off = align_up(sizeof(struct lc_marker), 64);
	size_t i, nrel = 0;
	int pass, r;

	for (i = 0; i < pt->nsecs; i++)
		pt->secs[i].done = false;
	r = closure(pt, syms);
	if (r) {
		lc_msg(p->o, p->pid, "%s: corrupt relocations", pt->path);
		return -LC_EBADPATCH;
	}
	for (i = 1; i < pt->nsecs; i++) {
		struct lc_psec *s = &pt->secs[i];

		if (s->sh.sh_type == SHT_RELA && s->sh.sh_info < pt->nsecs &&
		    pt->secs[s->sh.sh_info].state == SEC_LOAD && s->sh.sh_entsize)
			nrel += s->sh.sh_size / s->sh.sh_entsize;
	}
	/* Read-only and code first, then the slots, then writable data. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i < pt->nsecs; i++) {
			struct lc_psec *s = &pt->secs[i];

			if (s->state != SEC_LOAD ||
			    !!(s->sh.sh_flags & SHF_WRITE) != pass)
				continue;
			off = align_up(off, s->sh.sh_addralign);
			s->off = off;
			off += s->sh.sh_size;
		}
		if (!pass) {
			off = align_up(off, 16);
			pt->slots_off = off;
			pt->nslots = nrel;
			off = align_up(off + 16 * nrel, 4096);
			pt->rx_size = off;
		}
	}
	*size = align_up(off, 4096);
	return 0;
}

/*
 * An undefined symbol of the patch: a global of the library, else a
 * local one found once in the whole library (a helper such as libgcc's
 * __aarch64_ldadd8_relax, linked into it hidden), else another object's.
 */
static bool resolve(struct lc_proc *p, struct lc_obj *obj, struct lc_syms *syms,
		    const char *name, unsigned long *S)
{
	return lc_syms_lookup(syms, name, NULL, false, S, NULL) == 1 ||
	       lc_syms_lookup(syms, name, "*", false, S, NULL) == 1 ||
	       !lc_syms_extern(p, obj, name, S);
}

/* Relocate the image for its address in the target. */
int lc_patch_relocate(struct lc_patch *pt, struct lc_proc *p, struct lc_obj *obj,
		      struct lc_syms *syms, struct lc_image *img)
{
	size_t i, j;

	img->rx_size = pt->rx_size;
	img->slots = img->addr + pt->slots_off;
	img->nslots = 0;
	img->slot_max = pt->nslots;
	for (i = 1; i < pt->nsecs; i++) {
		struct lc_psec *s = &pt->secs[i];

		if (s->state == SEC_LOAD) {
			s->addr = img->addr + s->off;
			if (s->data)
				memcpy(img->buf + s->off, s->data->d_buf, s->sh.sh_size);
		}
	}
	for (i = 1; i < pt->nsecs; i++) {
		struct lc_psec *rs = &pt->secs[i], *ts;
		size_t n;

		if (rs->sh.sh_type != SHT_RELA || rs->sh.sh_info >= pt->nsecs)
			continue;
		ts = &pt->secs[rs->sh.sh_info];
		if (ts->state != SEC_LOAD)
			continue;
		n = rs->sh.sh_size / rs->sh.sh_entsize;
		for (j = 0; j < n; j++) {
			GElf_Rela rel;
			GElf_Sym s;
			unsigned long S, P;
			const char *name;
			int r;

			gelf_getrela(rs->data, j, &rel);
			gelf_getsym(pt->symdata, GELF_R_SYM(rel.r_info), &s);
			name = elf_strptr(pt->elf, pt->symstr, s.st_name);
			if (rel.r_offset + 4 > ts->sh.sh_size) {
				lc_msg(p->o, p->pid, "%s: relocation outside its section", pt->path);
				return -LC_EBADPATCH;
			}
			if (s.st_shndx == SHN_ABS) {
				S = s.st_value;
			} else if (s.st_shndx != SHN_UNDEF && s.st_shndx < pt->nsecs) {
				S = pt->secs[s.st_shndx].addr + s.st_value;
			} else if (!name || !resolve(p, obj, syms, name, &S)) {
				lc_msg(p->o, p->pid, "%s: cannot resolve symbol %s", pt->path,
				       name ? name : "?");
				return -LC_EBADPATCH;
			}
			P = ts->addr + rel.r_offset;
			r = lc_arch_reloc(img, GELF_R_TYPE(rel.r_info),
					  img->buf + ts->off + rel.r_offset, P, S, rel.r_addend);
			if (r) {
				lc_msg(p->o, p->pid, "%s: relocation type %d against %s: %s",
				       pt->path, (int)GELF_R_TYPE(rel.r_info),
				       name && *name ? name : pt->secs[s.st_shndx < pt->nsecs ? s.st_shndx : 0].name ?: "?",
				       r == -ERANGE ? "out of range" : "not supported");
				return -LC_EBADPATCH;
			}
		}
	}
	return 0;
}

/* The address of a replacement function in the image. */
unsigned long lc_patch_repl_addr(struct lc_patch *pt, int i)
{
	GElf_Sym s;

	gelf_getsym(pt->symdata, pt->repl[i], &s);
	return pt->secs[s.st_shndx].addr + s.st_value;
}

/* A GOT entry (@stub false) or a jump stub for @value, in the slot area. */
unsigned long lc_image_slot(struct lc_image *img, unsigned long value, bool stub)
{
	unsigned long i, addr;
	unsigned char *b;

	unsigned char want[16] = { 0 };

	if (stub)
		lc_arch_stub(want, value);
	else
		memcpy(want, &value, 8);
	/* One slot per value: an ADRP and its LDR must find the same one. */
	for (i = 0; i < img->nslots; i++) {
		addr = img->slots + 16 * i;
		if (!memcmp(img->buf + (addr - img->addr), want, 16))
			return addr;
	}
	if (img->nslots >= img->slot_max)
		return 0;
	i = img->nslots++;
	addr = img->slots + 16 * i;
	b = img->buf + (addr - img->addr);
	memcpy(b, want, 16);
	return addr;
}
