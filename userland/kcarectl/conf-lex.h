/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One line of kcare.conf read as sh(1) reads an assignment, so that a
 * file KernelCare users wrote for their shell means the same here
 * (Documentation/kcarectl.md, "The configuration file").
 */
#ifndef _KCARE_CTL_CONF_LEX_H
#define _KCARE_CTL_CONF_LEX_H

#include <stddef.h>

#include "lines.h"

/* One KEY=VALUE line, as offsets into it. */
struct kc_assign {
	size_t key, keylen;		/* KEY */
	size_t vstart, vend;		/* the value as written, quotes included */
	char *value;			/* unquoted, in the caller's buffer */
};

/*
 * Lex one line: 1 for an assignment (@a filled, its value unquoted into
 * a->value, KC_CONFIG_MAX_LINE + 1 bytes), 0 for a blank line, a comment
 * or a bare "export KEY", -1 with "FILE:LINE: KEY: what (expected ...)"
 * in err for what sh would run as a command or expand.
 */
int kc_conf_lex_line(const struct kc_lines *l, const char *s, size_t len,
		     struct kc_assign *a, char *err, size_t errlen);

#endif /* _KCARE_CTL_CONF_LEX_H */
