// SPDX-License-Identifier: GPL-2.0
/*
 * kcare.conf lines as the shell reads them (conf-lex.h). What sh would
 * expand ($, `) or run as a command (KEY = v, KEY=a b, ;) is refused
 * with the line, rather than read differently from the shell.
 */
#include <stdbool.h>
#include <string.h>

#include "conf-lex.h"
#include "util.h"

static bool is_key_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

struct lex {
	const struct kc_lines *l;
	const char *s;
	size_t len, i, n;		/* line, position, value length */
	const char *key;
	int kl;
	char *out;
	char *err;
	size_t errlen;
};

static int lex_fail(struct lex *x, const char *what)
{
	return kc_fail(x->err, x->errlen, "%s:%u: %.*s: %s", x->l->file,
		       x->l->no, x->kl, x->key, what);
}

/* '...': everything literal up to the next quote, as in sh. */
static int lex_single(struct lex *x)
{
	const char *q = memchr(x->s + x->i + 1, '\'', x->len - x->i - 1);
	size_t n;

	if (!q)
		return lex_fail(x, "unterminated ' (expected the closing quote on the same line)");
	n = q - (x->s + x->i + 1);
	memcpy(x->out + x->n, x->s + x->i + 1, n);
	x->n += n;
	x->i += n + 2;
	return 0;
}

/* "...": \ escapes only $ ` " \ (sh); $ and ` would expand: refused. */
static int lex_double(struct lex *x)
{
	char c;

	for (x->i++; x->i < x->len; x->i++) {
		c = x->s[x->i];
		if (c == '"') {
			x->i++;
			return 0;
		}
		if (c == '$' || c == '`')
			return lex_fail(x, c == '$' ?
				"'$' in double quotes would expand (expected \\$ or single quotes)" :
				"'`' in double quotes would run a command (expected \\` or single quotes)");
		if (c == '\\' && x->i + 1 < x->len &&
		    strchr("$`\"\\", x->s[x->i + 1]))
			c = x->s[++x->i];
		x->out[x->n++] = c;
	}
	return lex_fail(x, "unterminated \" (expected the closing quote on the same line)");
}

/* The value: one shell word of bare, quoted and escaped parts. */
static int lex_word(struct lex *x)
{
	char c;

	while (x->i < x->len && !kc_is_blank(x->s[x->i])) {
		c = x->s[x->i];
		if (c == '\'') {
			if (lex_single(x))
				return -1;
		} else if (c == '"') {
			if (lex_double(x))
				return -1;
		} else if (c == '\\') {
			if (x->i + 1 == x->len)
				return lex_fail(x, "a \\ at the end of the line (expected the value on one line)");
			x->out[x->n++] = x->s[x->i + 1];
			x->i += 2;
		} else if (c == '$' || c == '`') {
			return lex_fail(x, c == '$' ?
				"'$' would expand (expected \\$ or the value in single quotes)" :
				"'`' would run a command (expected the value in single quotes)");
		} else if (strchr(";&|<>()", c)) {
			return lex_fail(x, "a shell operator in the value (expected the value in quotes)");
		} else {
			x->out[x->n++] = c;
			x->i++;
		}
	}
	return 0;
}

int kc_conf_lex_line(const struct kc_lines *l, const char *s, size_t len,
		     struct kc_assign *a, char *err, size_t errlen)
{
	struct lex x = { .l = l, .s = s, .len = len, .out = a->value,
			 .err = err, .errlen = errlen };
	bool exported = false;
	size_t i = 0, k;

	if (kc_lines_check_bytes(l, s, len, err, errlen))
		return -1;
	while (i < len && kc_is_blank(s[i]))
		i++;
	if (i == len || s[i] == '#')
		return 0;
	if (len - i > 7 && !memcmp(s + i, "export", 6) && kc_is_blank(s[i + 6])) {
		i += 6;
		while (i < len && kc_is_blank(s[i]))
			i++;
		exported = true;
	}
	if (i == len || !is_key_start(s[i]))
		return kc_fail(err, errlen,
			    "%s:%u: expected KEY=VALUE (KEY of letters, digits and _)",
			    l->file, l->no);
	a->key = k = i;
	while (i < len && is_key_char(s[i]))
		i++;
	a->keylen = i - k;
	x.key = s + k;
	x.kl = a->keylen > 64 ? 64 : (int)a->keylen;
	if (i < len && kc_is_blank(s[i])) {
		while (i < len && kc_is_blank(s[i]))
			i++;
		if (i < len && s[i] == '=')
			return lex_fail(&x, "spaces around '=' (sh would run KEY as a command; expected KEY=VALUE)");
	}
	/* "export KEY" alone: sh only marks it for export. */
	if (exported && (i == len || s[i] == '#'))
		return 0;
	if (i == len || s[i] != '=')
		return kc_fail(err, errlen,
			    "%s:%u: expected KEY=VALUE (KEY of letters, digits and _)",
			    l->file, l->no);
	x.i = a->vstart = i + 1;
	if (lex_word(&x))
		return -1;
	a->value[x.n] = '\0';
	a->vend = x.i;
	i = x.i;
	while (i < len && kc_is_blank(s[i]))
		i++;
	if (i < len && s[i] != '#')
		return lex_fail(&x, a->vend == a->vstart ?
			"spaces after '=' (sh would run the value as a command; expected KEY=VALUE)" :
			"text after the value (sh would run it as a command; expected the value in quotes if it has blanks)");
	return 1;
}
