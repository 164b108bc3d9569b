// SPDX-License-Identifier: GPL-2.0
/*
 * Text built piece by piece (strbuf.h). Out of memory, the text stays as
 * it was: the command then fails on what it cannot write.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void kb_cat(char **s, size_t *len, const char *fmt, ...)
{
	va_list ap;
	char *p, *grown;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grown = realloc(*s, *len + n + 1);
	if (grown) {
		memcpy(grown + *len, p, n + 1);
		*s = grown;
		*len += n;
	}
	free(p);
}
