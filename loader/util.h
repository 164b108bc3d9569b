/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers every loader part shares: error messages and lowercase hex.
 */
#ifndef _KCARE_LOADER_UTIL_H
#define _KCARE_LOADER_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* Write the message into @err (@errlen bytes, terminated); return -1. */
__printf(3, 4) int kcl_fail(char *err, size_t errlen, const char *fmt, ...);

/* Whether @c is a lowercase hex digit: formats allow no other. */
bool kcl_is_hex(char c);
/* Whether @s[0..@len) is all lowercase hex digits. */
bool kcl_all_hex(const char *s, size_t len);
/* Exactly 2 * @n lowercase hex digits of @s (@slen long) into @out; 0 or -1. */
int kcl_unhex(const char *s, size_t slen, unsigned char *out, size_t n);
/* @n bytes of @in as 2 * @n lowercase hex digits and a NUL into @out. */
void kcl_hex(char *out, const unsigned char *in, size_t n);

#endif /* _KCARE_LOADER_UTIL_H */
