/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small text files (configuration files) read line by line, with the
 * position for messages of the form "FILE:LINE: what is wrong".
 */
#ifndef _KCARE_LIB_LINES_H
#define _KCARE_LIB_LINES_H

#include <stdbool.h>
#include <stddef.h>

struct kc_lines {
	const char *file;	/* for messages */
	const char *p, *end;	/* what is left to read */
	unsigned int no;	/* the current line's number */
	size_t max_line;	/* longer lines are an error */
};

/*
 * The next line (without its new line; *@nl tells whether it had one):
 * 1, 0 at the end, or -1 with a reason in err when it is longer than
 * l->max_line.
 */
int kc_lines_next(struct kc_lines *l, const char **line, size_t *len, bool *nl,
		  char *err, size_t errlen);
/* 0, or -1 for a control byte other than tab (NUL, CR, DEL...) in the line. */
int kc_lines_check_bytes(const struct kc_lines *l, const char *s, size_t len,
			 char *err, size_t errlen);

static inline bool kc_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

#endif /* _KCARE_LIB_LINES_H */
