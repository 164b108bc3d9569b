// SPDX-License-Identifier: GPL-2.0
/*
 * Which functions changed between two builds (diff.h).
 *
 * Code is compared byte for byte except where a relocation will write, and
 * relocations are compared by what they point at, never by offset: the
 * twin symbol (correlate.c), the text of a string literal, the bytes of a
 * merged constant. A function is included when its code differs, when a
 * constant it uses changed, or when its cold part changed (a cold part
 * always travels with its parent: it jumps back into it). Data is never
 * changed in place: a live patch cannot re-run the initialisation of the
 * running kernel, so a writable variable whose initial value or size
 * changes is refused, as is a change to __init code; a read-only constant
 * that changed is carried as a new copy for the new functions.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "diff.h"

static void kb_set(struct kb_sym *s, enum kb_status st, const char *fmt, ...)
{
	va_list ap;

	if (s->status == KB_REFUSED)
		return;
	free(s->why);
	s->why = NULL;
	s->status = st;
	va_start(ap, fmt);
	if (vasprintf(&s->why, fmt, ap) < 0)
		s->why = NULL;
	va_end(ap);
}

bool kb_included(const struct kb_sym *sym)
{
	return sym->status == KB_CHANGED || sym->status == KB_NEW;
}

/* The addend of @r from the start of its symbol's section. */
static GElf_Sxword kb_sec_addend(const struct kb_sym *s, const struct kb_rel *r)
{
	return r->addend + (s->type == STT_SECTION ? 0 : (GElf_Sxword)s->s.st_value);
}

void kb_target(struct kb_obj *o, const struct kb_rel *r, struct kb_target *t)
{
	struct kb_sym *s = r->sym;
	const struct kb_sec *sec = s->sec;
	GElf_Sxword at = r->addend + (kb_rel_pcrel(o, r->type) ? 4 : 0);
	const char *base;
	size_t size, start;

	memset(t, 0, sizeof(*t));
	t->sym = s;
	t->off = r->addend;
	/* A named function or variable, or an undefined symbol, is itself. */
	if (!sec || kb_sym_defined(s))
		return;
	/*
	 * Else a position in a section: the section symbol's, or a local
	 * label's (.LC0, a constant in a merged section).
	 */
	if (s->type != STT_SECTION)
		at += s->s.st_value;
	base = sec->data ? sec->data->d_buf : NULL;
	size = sec->data ? sec->data->d_size : 0;
	if (at < 0)
		at = 0;
	if (base && (sec->sh.sh_flags & SHF_STRINGS) && (size_t)at < size) {
		/* A string literal: its text, wherever the merge put it. */
		for (start = at; start > 0 && base[start - 1]; start--)
			;
		t->kind = KB_T_STR;
		t->bytes = base + start;
		t->len = strnlen(base + start, size - start);
		t->off = kb_sec_addend(s, r) - (GElf_Sxword)start;
		return;
	}
	if (base && (sec->sh.sh_flags & SHF_MERGE) && sec->sh.sh_entsize &&
	    (size_t)at < size) {
		start = at - at % sec->sh.sh_entsize;
		t->kind = KB_T_CONST;
		t->bytes = base + start;
		t->len = sec->sh.sh_entsize;
		t->off = kb_sec_addend(s, r) - (GElf_Sxword)start;
		return;
	}
	t->sym = kb_sym_at(o, s->sec, at);
	if (t->sym) {
		t->off = kb_sec_addend(s, r) - (GElf_Sxword)t->sym->s.st_value;
		return;
	}
	t->kind = KB_T_ANON;
	t->sec = sec;
	t->off = kb_sec_addend(s, r);
}

static bool kb_sec_same(const struct kb_sec *x, const struct kb_sec *y)
{
	if (strcmp(x->name, y->name) || x->sh.sh_size != y->sh.sh_size)
		return false;
	if (!x->data || !y->data)
		return x->data == y->data;
	return !memcmp(x->data->d_buf, y->data->d_buf, x->sh.sh_size);
}

/* Whether @x (old build) and @y (new build) point at the same thing. */
static bool kb_target_same(const struct kb_target *x, const struct kb_target *y)
{
	if (x->kind != y->kind || x->off != y->off)
		return false;
	switch (x->kind) {
	case KB_T_SYM:
		if (x->sym->twin == y->sym && y->sym)
			return true;
		/* Undefined (other files' or the kernel's) symbols: by name. */
		return !x->sym->sec && !y->sym->sec && !strcmp(x->sym->name, y->sym->name);
	case KB_T_STR:
	case KB_T_CONST:
		return x->len == y->len && !memcmp(x->bytes, y->bytes, x->len);
	case KB_T_ANON:
		return kb_sec_same(x->sec, y->sec);
	}
	return false;
}

/* How many bytes relocation @type writes. */
static size_t kb_rel_size(const struct kb_obj *o, unsigned int type)
{
	if (o->eh.e_machine == EM_X86_64)
		return (type == R_X86_64_64 || type == R_X86_64_PC64) ? 8 : 4;
	if (o->eh.e_machine == EM_AARCH64)
		return (type == R_AARCH64_ABS64 || type == R_AARCH64_PREL64) ? 8 : 4;
	return 4;
}

/*
 * Whether the bytes and relocations of @x's range (old) and @y's (new)
 * are the same thing; NULL when they are, else what differs.
 */
static const char *kb_range_diff(struct kb_diff *d, struct kb_sym *x, struct kb_sym *y)
{
	const unsigned char *bx = kb_sym_bytes(x), *by = kb_sym_bytes(y);
	const struct kb_sec *sx = x->sec, *sy = y->sec;
	GElf_Addr size = x->s.st_size, i;
	size_t rx = kb_rel_from(sx, x->s.st_value), ry = kb_rel_from(sy, y->s.st_value);
	size_t ex = kb_rel_from(sx, x->s.st_value + size), ey = kb_rel_from(sy, y->s.st_value + size);
	size_t k, skip_until = 0;

	if (x->s.st_size != y->s.st_size)
		return "its size changes";
	if (ex - rx != ey - ry)
		return "its references change";
	for (k = 0; k < ex - rx; k++) {
		const struct kb_rel *a = &sx->rel[rx + k], *b = &sy->rel[ry + k];
		struct kb_target ta, tb;

		if (a->off - x->s.st_value != b->off - y->s.st_value || a->type != b->type)
			return "its references change";
		kb_target(d->old, a, &ta);
		kb_target(d->new, b, &tb);
		if (!kb_target_same(&ta, &tb))
			return "its references change";
	}
	if (!bx || !by)
		return (bx || by) ? "its contents change" : NULL;
	/* The bytes, but where a relocation will write. */
	k = rx;
	for (i = 0; i < size; i++) {
		while (k < ex && sx->rel[k].off - x->s.st_value <= i) {
			size_t end = sx->rel[k].off - x->s.st_value + kb_rel_size(d->old, sx->rel[k].type);

			if (end > skip_until)
				skip_until = end;
			k++;
		}
		if (i < skip_until)
			continue;
		if (bx[i] != by[i])
			return "its code differs";
	}
	return NULL;
}

/* Whether ftrace can redirect function @f of the running kernel. */
static bool kb_traceable(struct kb_obj *o, struct kb_sym *f)
{
	static const char *const tables[] = { "__mcount_loc", "__patchable_function_entries" };
	bool any = false;
	size_t t, i;

	for (t = 0; t < 2; t++) {
		for (i = 0; i < o->nsec; i++) {
			struct kb_sec *s = &o->sec[i];
			size_t r;

			if (strcmp(s->name, tables[t]))
				continue;
			any = true;
			for (r = 0; r < s->nrel; r++) {
				struct kb_target tg;

				kb_target(o, &(struct kb_rel){ .sym = s->rel[r].sym,
					  .addend = s->rel[r].addend, .type = R_X86_64_64 }, &tg);
				if (tg.kind == KB_T_SYM && tg.sym == f)
					return true;
				if (s->rel[r].sym == f)
					return true;
			}
		}
	}
	/* An object built without ftrace entries says nothing either way. */
	return !any;
}

/* The parent of cold part @c ("foo.cold" of "foo"), in the same build. */
static struct kb_sym *kb_cold_parent(struct kb_obj *o, struct kb_sym *c)
{
	size_t n = strlen(c->key), i;

	if (n < 6 || strcmp(c->key + n - 5, ".cold"))
		return NULL;
	for (i = 0; i < o->nsym; i++) {
		struct kb_sym *s = &o->sym[i];

		if (s->type == STT_FUNC && s->sec && strlen(s->key) == n - 5 &&
		    !strncmp(s->key, c->key, n - 5))
			return s;
	}
	return NULL;
}

/* Whether function @f of @o refers to symbol @t (directly or by section). */
static bool kb_refers(struct kb_obj *o, struct kb_sym *f, struct kb_sym *t)
{
	size_t i;

	for (i = kb_rel_from(f->sec, f->s.st_value);
	     i < f->sec->nrel && f->sec->rel[i].off < f->s.st_value + f->s.st_size; i++) {
		struct kb_target tg;

		kb_target(o, &f->sec->rel[i], &tg);
		if (tg.kind == KB_T_SYM && tg.sym == t)
			return true;
	}
	return false;
}

/* Whether @t's range holds relocations to code (a table of pointers). */
static bool kb_has_code_refs(struct kb_sym *t)
{
	size_t i;

	for (i = kb_rel_from(t->sec, t->s.st_value);
	     i < t->sec->nrel && t->sec->rel[i].off < t->s.st_value + t->s.st_size; i++) {
		struct kb_sym *s = t->sec->rel[i].sym;

		if (s->type == STT_FUNC || (s->sec && (s->sec->sh.sh_flags & SHF_EXECINSTR)))
			return true;
	}
	return false;
}

static void kb_diff_data(struct kb_diff *d, struct kb_sym *y)
{
	struct kb_sym *x = y->twin;
	const char *what;

	if (!x) {
		if (kb_sec_is_init(y->sec))
			return;		/* only used at boot, which is over */
		kb_set(y, KB_NEW, "a new variable (starts with its initial value)");
		return;
	}
	what = x->s.st_size != y->s.st_size ? "its size changes" : kb_range_diff(d, x, y);
	if (!what)
		return;
	if (x->s.st_size != y->s.st_size && (y->sec->sh.sh_flags & SHF_WRITE)) {
		kb_set(y, KB_REFUSED, "its size changes (%llu to %llu bytes): the running kernel's variable cannot grow",
		       (unsigned long long)x->s.st_size, (unsigned long long)y->s.st_size);
		return;
	}
	if (kb_sec_is_init(y->sec))
		kb_set(y, KB_REFUSED, "init-only data changes: it was used at boot, which is over");
	else if (y->sec->sh.sh_flags & SHF_WRITE)
		kb_set(y, KB_REFUSED, "its initial value changes: the running kernel's variable keeps the old one");
	else if (kb_has_code_refs(y))
		kb_set(y, KB_REFUSED, "a table of code pointers changes: the kernel keeps using the old table");
	else
		kb_set(y, KB_CHANGED, "a constant that changed: the new functions use a new copy");
}

static void kb_diff_func(struct kb_diff *d, struct kb_sym *y)
{
	struct kb_sym *x = y->twin;
	const char *what;

	if (!x) {
		if (!kb_sec_is_init(y->sec))
			kb_set(y, KB_NEW, "a new function");
		return;
	}
	what = kb_range_diff(d, x, y);
	if (!what)
		return;
	if (kb_sec_is_init(y->sec) || kb_sec_is_init(x->sec))
		kb_set(y, KB_REFUSED, "__init code changes: it ran at boot, a live patch cannot run it again");
	else
		kb_set(y, KB_CHANGED, "%s", what);
}

/* Pull in what must travel with what is included, until nothing moves. */
static void kb_close_over(struct kb_diff *d)
{
	struct kb_obj *o = d->new;
	bool moved = true;
	size_t i, j;

	while (moved) {
		moved = false;
		for (i = 0; i < o->nsym; i++) {
			struct kb_sym *s = &o->sym[i], *p;

			if (s->type != STT_FUNC || !s->sec)
				continue;
			p = kb_cold_parent(o, s);
			if (p && kb_included(s) && !kb_included(p) && p->status != KB_REFUSED) {
				kb_set(p, KB_CHANGED, "its cold part %s changed", s->name);
				moved = true;
			}
			if (p && kb_included(p) && s->status == KB_SAME) {
				kb_set(s, KB_CHANGED, "the cold part of %s (travels with it)", p->name);
				moved = true;
			}
			if (kb_included(s) || s->status == KB_REFUSED)
				continue;
			for (j = 0; j < o->nsym; j++) {
				struct kb_sym *t = &o->sym[j];

				if (t->type == STT_OBJECT && t->status == KB_CHANGED &&
				    kb_refers(o, s, t)) {
					kb_set(s, KB_CHANGED, "it uses %s, a constant that changed", t->name);
					moved = true;
					break;
				}
			}
		}
	}
}

/* A changed function ftrace cannot redirect is refused. */
static void kb_check_entries(struct kb_diff *d)
{
	size_t i;

	for (i = 0; i < d->new->nsym; i++) {
		struct kb_sym *y = &d->new->sym[i];

		if (y->type != STT_FUNC || y->status != KB_CHANGED || !y->twin)
			continue;
		if (strstr(y->key, ".cold"))
			continue;	/* never an entry: its parent is redirected */
		if (!kb_traceable(d->old, y->twin))
			kb_set(y, KB_REFUSED, "not traceable (notrace, or no ftrace entry): it cannot be redirected");
	}
}

int kb_diff_run(struct kb_diff *d, struct kb_obj *old, struct kb_obj *new)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	d->old = old;
	d->new = new;
	if (old->eh.e_machine != new->eh.e_machine) {
		fprintf(stderr, "kcare-objdiff: %s and %s are for different machines\n",
			old->path, new->path);
		return -1;
	}
	if (kb_keys(old) || kb_keys(new))
		return -1;
	kb_correlate(old, new);
	for (i = 0; i < new->nsym; i++) {
		struct kb_sym *y = &new->sym[i];

		if (y->type == STT_OBJECT && y->sec)
			kb_diff_data(d, y);
		else if (y->type == STT_FUNC && y->sec)
			kb_diff_func(d, y);
	}
	kb_close_over(d);
	kb_check_entries(d);
	for (i = 0; i < new->nsym; i++) {
		struct kb_sym *y = &new->sym[i];

		if (!kb_sym_defined(y))
			continue;
		if (y->status == KB_CHANGED)
			d->changed++;
		else if (y->status == KB_NEW)
			d->added++;
		else if (y->status == KB_REFUSED)
			d->refused++;
		else
			d->same++;
	}
	return 0;
}
