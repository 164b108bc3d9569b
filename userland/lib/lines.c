// SPDX-License-Identifier: GPL-2.0
/*
 * Small text files read line by line (lines.h).
 */
#include <string.h>

#include "lines.h"
#include "util.h"

int kc_lines_next(struct kc_lines *l, const char **line, size_t *len, bool *nl,
		  char *err, size_t errlen)
{
	const char *e;

	if (l->p >= l->end)
		return 0;
	l->no++;
	e = memchr(l->p, '\n', l->end - l->p);
	*line = l->p;
	*len = (e ? e : l->end) - l->p;
	*nl = e != NULL;
	l->p = e ? e + 1 : l->end;
	if (*len > l->max_line)
		return kc_fail(err, errlen, "%s:%u: line longer than %zu bytes",
			       l->file, l->no, l->max_line);
	return 1;
}

int kc_lines_check_bytes(const struct kc_lines *l, const char *s, size_t len,
			 char *err, size_t errlen)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = s[i];
		if (c == '\r')
			return kc_fail(err, errlen,
				       "%s:%u: a carriage return (expected Unix line ends: convert the file with dos2unix)",
				       l->file, l->no);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return kc_fail(err, errlen,
				       "%s:%u: a control byte (0x%02x) (expected text)",
				       l->file, l->no, c);
	}
	return 0;
}
