/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What manifest.c shares with manifest-cve.c only: the small formatting
 * helpers both print with. Not for other users of the loader.
 */
#ifndef _KCARE_MANIFEST_INT_H
#define _KCARE_MANIFEST_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "manifest.h"

/* An author's file: none of the fields the build adds are set. */
bool kcl_manifest_is_author(const struct kcl_manifest *m);
/* @s, or "" for NULL. */
const char *kcl_mstr(const char *s);
/* "key: value", or "key:" when the value is empty. */
void kcl_mput_kv(FILE *f, const char *key, const char *value);
/* Close the stream of open_memstream() and give its text, or NULL. */
char *kcl_mclose(FILE *f, char **buf);

#endif /* _KCARE_MANIFEST_INT_H */
