/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pairing the symbols of two builds of one source file: the same function
 * or variable before and after the fix, even when GCC numbered it
 * differently (clones, function-local statics).
 */
#ifndef KB_CORRELATE_H
#define KB_CORRELATE_H

#include "objfile.h"

/*
 * Set ->key of every symbol of @o: its name without the numbers GCC adds
 * ("foo.isra.0" is "foo.isra", "stfu.3" is "stfu").
 */
int kb_keys(struct kb_obj *o);

/* Set ->twin of the symbols of @a and @b that are the same thing. */
void kb_correlate(struct kb_obj *a, struct kb_obj *b);

/* Whether @name is a GCC clone or split part ("foo.isra.0", "foo.cold"). */
bool kb_is_clone(const char *name);

#endif /* KB_CORRELATE_H */
