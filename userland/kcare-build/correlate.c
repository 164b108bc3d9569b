// SPDX-License-Identifier: GPL-2.0
/*
 * Pairing the symbols of two builds (correlate.h).
 *
 * A global symbol keeps its name. A local one may not: GCC numbers its
 * clones (foo.isra.0, foo.constprop.1, foo.part.0, and foo.cold for the
 * unlikely part) and function-local statics (stfu.0, __already_done.12),
 * and a fix elsewhere in the file can shift the numbers. So symbols are
 * compared by a key without the numbers; where several share a key (one
 * __already_done per WARN_ONCE), they are paired through the functions that
 * use them, in the order those functions first refer to them, which is what
 * identifies a function-local static.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"

static bool kb_all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

int kb_keys(struct kb_obj *o)
{
	size_t i;

	for (i = 0; i < o->nsym; i++) {
		struct kb_sym *s = &o->sym[i];
		const char *p = strchr(s->name, '.');
		char *k;
		size_t n;

		s->key = k = malloc(strlen(s->name) + 1);
		if (!k)
			return -1;
		/* Section names and globals are kept whole. */
		if (!p || p == s->name || s->type == STT_SECTION || s->bind != STB_LOCAL) {
			strcpy(k, s->name);
			continue;
		}
		n = p - s->name;
		memcpy(k, s->name, n);
		k += n;
		while (*p == '.') {
			const char *q = strchr(p + 1, '.');

			n = q ? (size_t)(q - p) : strlen(p);
			if (!kb_all_digits(p + 1, n - 1)) {
				memcpy(k, p, n);
				k += n;
			}
			p += n;
		}
		*k = 0;
	}
	return 0;
}

bool kb_is_clone(const char *name)
{
	return strstr(name, ".isra.") || strstr(name, ".constprop.") ||
	       strstr(name, ".part.") || strstr(name, ".cold");
}

static bool kb_pairable(const struct kb_sym *s)
{
	return kb_sym_defined(s) && !s->twin;
}

static size_t kb_count_key(struct kb_obj *o, const char *key, unsigned char type)
{
	size_t i, n = 0;

	for (i = 0; i < o->nsym; i++)
		if (kb_sym_defined(&o->sym[i]) && o->sym[i].type == type &&
		    !strcmp(o->sym[i].key, key))
			n++;
	return n;
}

#define KB_MAX_REFS 256

/*
 * The distinct symbols without a twin that function @f refers to, in the
 * order of its first reference to each (through a section symbol too).
 */
static size_t kb_refs(struct kb_obj *o, struct kb_sym *f, struct kb_sym **out)
{
	struct kb_sec *sec = f->sec;
	size_t i, j, n = 0;

	for (i = kb_rel_from(sec, f->s.st_value);
	     i < sec->nrel && sec->rel[i].off < f->s.st_value + f->s.st_size; i++) {
		struct kb_sym *t = sec->rel[i].sym;

		if (t->type == STT_SECTION && t->sec)
			t = kb_sym_at(o, t->sec, sec->rel[i].addend < 0 ? 0 :
				      (GElf_Addr)sec->rel[i].addend);
		if (!t || !kb_pairable(t))
			continue;
		for (j = 0; j < n && out[j] != t; j++)
			;
		if (j == n && n < KB_MAX_REFS)
			out[n++] = t;
	}
	return n;
}

/*
 * Pair symbols that share a key through the twin functions that use them:
 * the n-th one of a key that f uses is the n-th one of that key its twin
 * uses.
 */
static void kb_pair_by_use(struct kb_obj *a, struct kb_obj *b)
{
	static struct kb_sym *ra[KB_MAX_REFS], *rb[KB_MAX_REFS];
	size_t i, j, k, na, nb;

	for (i = 0; i < a->nsym; i++) {
		struct kb_sym *f = &a->sym[i];

		if (f->type != STT_FUNC || !f->twin || !f->sec || !f->twin->sec)
			continue;
		na = kb_refs(a, f, ra);
		nb = kb_refs(b, f->twin, rb);
		for (j = 0; j < na; j++) {
			size_t nth = 0;

			if (!kb_pairable(ra[j]))
				continue;
			for (k = 0; k < j; k++)
				if (ra[k]->type == ra[j]->type && !strcmp(ra[k]->key, ra[j]->key))
					nth++;
			for (k = 0; k < nb; k++) {
				if (rb[k]->type != ra[j]->type || strcmp(rb[k]->key, ra[j]->key))
					continue;
				if (nth--)
					continue;
				if (kb_pairable(rb[k])) {
					ra[j]->twin = rb[k];
					rb[k]->twin = ra[j];
				}
				break;
			}
		}
	}
}

/* Whether @x and @y are read-only data with the same bytes. */
static bool kb_same_const(const struct kb_sym *x, const struct kb_sym *y)
{
	const unsigned char *bx = kb_sym_bytes(x), *by = kb_sym_bytes(y);

	return x->type == STT_OBJECT && y->type == STT_OBJECT &&
	       !(x->sec->sh.sh_flags & SHF_WRITE) && !(y->sec->sh.sh_flags & SHF_WRITE) &&
	       x->s.st_size == y->s.st_size && bx && by && !memcmp(bx, by, x->s.st_size) &&
	       !strcmp(x->key, y->key);
}

/*
 * Read-only data that shares a key (__func__.3, the name of the function
 * that uses it) pairs by its contents where they tell it apart.
 */
static void kb_pair_consts(struct kb_obj *a, struct kb_obj *b)
{
	size_t i, j, k, na, nb;
	struct kb_sym *y;

	for (i = 0; i < a->nsym; i++) {
		struct kb_sym *x = &a->sym[i];

		if (!kb_pairable(x) || x->type != STT_OBJECT || (x->sec->sh.sh_flags & SHF_WRITE))
			continue;
		na = nb = 0;
		y = NULL;
		for (k = 0; k < a->nsym; k++)
			na += kb_pairable(&a->sym[k]) && kb_same_const(x, &a->sym[k]);
		for (j = 0; j < b->nsym; j++)
			if (kb_pairable(&b->sym[j]) && kb_same_const(x, &b->sym[j])) {
				nb++;
				y = &b->sym[j];
			}
		if (na == 1 && nb == 1) {
			x->twin = y;
			y->twin = x;
		}
	}
}

void kb_correlate(struct kb_obj *a, struct kb_obj *b)
{
	size_t i, j;

	/* Unique keys (every global, most locals) pair directly. */
	for (i = 0; i < a->nsym; i++) {
		struct kb_sym *x = &a->sym[i];

		if (!kb_pairable(x) || kb_count_key(a, x->key, x->type) != 1 ||
		    kb_count_key(b, x->key, x->type) != 1)
			continue;
		for (j = 0; j < b->nsym; j++) {
			struct kb_sym *y = &b->sym[j];

			if (kb_pairable(y) && y->type == x->type && !strcmp(x->key, y->key)) {
				x->twin = y;
				y->twin = x;
				break;
			}
		}
	}
	kb_pair_consts(a, b);
	/*
	 * Shared keys: through the functions that use them (twice, as a
	 * pairing can let a function's statics pair in turn).
	 */
	kb_pair_by_use(a, b);
	kb_pair_by_use(a, b);
}
