/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing JSON: strings escaped per RFC 8259, so that what the kernel or a
 * file holds (task names, descriptions) cannot break the document.
 */
#ifndef _KCARE_JSON_H
#define _KCARE_JSON_H

#include <stdio.h>

/* @s as a JSON string, quotes included; NULL as null. */
void kc_json_str(FILE *f, const char *s);
/* The @n bytes at @s as a JSON string. */
void kc_json_strn(FILE *f, const char *s, size_t n);
/* "KEY": "VALUE" (or null), with ", " before it unless @first. */
void kc_json_kv(FILE *f, int first, const char *key, const char *value);

#endif /* _KCARE_JSON_H */
