// SPDX-License-Identifier: GPL-2.0
/*
 * Structure layouts from DWARF (layout.h). A layout is the size of the type
 * and, per member, its name, offset, size and bit position: what the
 * machine code of every other file of the kernel depends on. libdwfl reads
 * the objects because it applies their relocations to the debug sections.
 */
#define _GNU_SOURCE
#include <dwarf.h>
#include <stdarg.h>
#include <elfutils/libdwfl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "strbuf.h"

struct kb_type {
	char *name;	/* "struct foo" or "union foo" */
	char *sig;
};

struct kb_types {
	struct kb_type *t;
	size_t n, cap;
};

static Dwarf_Word kb_attr_word(Dwarf_Die *die, unsigned int at, Dwarf_Word dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word w;

	if (!dwarf_attr_integrate(die, at, &a) || dwarf_formudata(&a, &w))
		return dflt;
	return w;
}

/* The layout of structure or union @die, as one comparable string. */
static char *kb_signature(Dwarf_Die *die)
{
	Dwarf_Die m, type;
	Dwarf_Attribute a;
	char *s = NULL;
	size_t len = 0;

	kb_cat(&s, &len, "%llu bytes", (unsigned long long)kb_attr_word(die, DW_AT_byte_size, 0));
	if (dwarf_child(die, &m))
		return s;
	do {
		Dwarf_Word size = 0;
		const char *name;

		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		name = dwarf_diename(&m);
		if (dwarf_attr_integrate(&m, DW_AT_type, &a) && dwarf_formref_die(&a, &type) &&
		    dwarf_peel_type(&type, &type) == 0)
			dwarf_aggregate_size(&type, &size);
		kb_cat(&s, &len, ", %s at %llu (%llu bytes", name ? name : "(anonymous)",
		       (unsigned long long)kb_attr_word(&m, DW_AT_data_member_location, 0),
		       (unsigned long long)size);
		if (dwarf_hasattr(&m, DW_AT_bit_size))
			kb_cat(&s, &len, ", bits %llu+%llu",
			       (unsigned long long)kb_attr_word(&m, DW_AT_data_bit_offset, 0),
			       (unsigned long long)kb_attr_word(&m, DW_AT_bit_size, 0));
		kb_cat(&s, &len, ")");
	} while (dwarf_siblingof(&m, &m) == 0);
	return s;
}

static int kb_add_type(struct kb_types *ts, const char *kind, const char *name, char *sig)
{
	size_t i;

	for (i = 0; i < ts->n; i++)
		if (!strcmp(ts->t[i].name + strlen(kind) + 1, name) &&
		    !strncmp(ts->t[i].name, kind, strlen(kind))) {
			free(sig);	/* the same type seen again */
			return 0;
		}
	if (ts->n == ts->cap) {
		struct kb_type *t = realloc(ts->t, (ts->cap * 2 + 64) * sizeof(*t));

		if (!t)
			return -1;
		ts->t = t;
		ts->cap = ts->cap * 2 + 64;
	}
	if (asprintf(&ts->t[ts->n].name, "%s %s", kind, name) < 0)
		return -1;
	ts->t[ts->n++].sig = sig;
	return 0;
}

/* The named, complete structures and unions of @path; 1 if no DWARF. */
static int kb_read_types(struct kb_types *ts, const char *path)
{
	static const Dwfl_Callbacks cb = {
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	Dwfl *dwfl = dwfl_begin(&cb);
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	int rc = 1;

	if (!dwfl)
		return -1;
	if (!dwfl_report_offline(dwfl, path, path, -1)) {
		fprintf(stderr, "kcare-objdiff: %s: %s\n", path, dwfl_errmsg(-1));
		dwfl_end(dwfl);
		return -1;
	}
	dwfl_report_end(dwfl, NULL, NULL);
	while ((cu = dwfl_nextcu(dwfl, cu, &bias))) {
		Dwarf_Die d;

		rc = 0;
		if (dwarf_child(cu, &d))
			continue;
		do {
			int tag = dwarf_tag(&d);
			const char *name = dwarf_diename(&d);

			if ((tag != DW_TAG_structure_type && tag != DW_TAG_union_type) ||
			    !name || dwarf_hasattr(&d, DW_AT_declaration))
				continue;
			if (kb_add_type(ts, tag == DW_TAG_union_type ? "union" : "struct",
					name, kb_signature(&d))) {
				rc = -1;
				break;
			}
		} while (dwarf_siblingof(&d, &d) == 0);
	}
	dwfl_end(dwfl);
	return rc;
}

static void kb_types_free(struct kb_types *ts)
{
	size_t i;

	for (i = 0; i < ts->n; i++) {
		free(ts->t[i].name);
		free(ts->t[i].sig);
	}
	free(ts->t);
}

int kb_layout_compare(struct kb_layout_diff *ld, const char *old, const char *new)
{
	struct kb_types a = { 0 }, b = { 0 };
	size_t i, j;
	int ra, rb;

	memset(ld, 0, sizeof(*ld));
	ra = kb_read_types(&a, old);
	rb = ra < 0 ? -1 : kb_read_types(&b, new);
	if (ra < 0 || rb < 0) {
		kb_types_free(&a);
		kb_types_free(&b);
		return -1;
	}
	ld->no_dwarf = ra || rb;
	for (i = 0; i < a.n; i++) {
		for (j = 0; j < b.n && strcmp(a.t[i].name, b.t[j].name); j++)
			;
		if (j == b.n || !strcmp(a.t[i].sig, b.t[j].sig))
			continue;
		ld->lines = realloc(ld->lines, (ld->nlines + 1) * sizeof(*ld->lines));
		if (!ld->lines ||
		    asprintf(&ld->lines[ld->nlines], "refused %s: its layout changes: the running kernel's objects keep the old one (was: %s; now: %s)",
			     a.t[i].name, a.t[i].sig, b.t[j].sig) < 0)
			break;
		ld->nlines++;
		ld->refused++;
	}
	kb_types_free(&a);
	kb_types_free(&b);
	return 0;
}

void kb_layout_report(FILE *f, const struct kb_layout_diff *ld)
{
	size_t i;

	if (ld->no_dwarf)
		fprintf(f, "note: no debug information: structure layouts were not compared\n");
	for (i = 0; i < ld->nlines; i++)
		fprintf(f, "%s\n", ld->lines[i]);
}

void kb_layout_free(struct kb_layout_diff *ld)
{
	size_t i;

	for (i = 0; i < ld->nlines; i++)
		free(ld->lines[i]);
	free(ld->lines);
	memset(ld, 0, sizeof(*ld));
}
