/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What only a publisher writes: key pairs, signatures, signed indexes and
 * patchset files (Documentation/formats.md). kcare-patchset uses them; the
 * loader's tests use them to make their inputs. Functions returning int
 * give 0, or -1 with a reason in err.
 */
#ifndef _KCARE_PATCHSET_WRITE_H
#define _KCARE_PATCHSET_WRITE_H

#include <stddef.h>

#include "archive.h"
#include "index.h"
#include "sign.h"

/* Create a key pair: @priv written 0600, @pub 0644; refuses to overwrite. */
int kcp_key_generate(const char *priv, const char *pub, char *err,
		     size_t errlen);
/* Sign @data with the private key in @priv into @sig. */
int kcp_sign(const char *priv, const unsigned char *data, size_t len,
	     unsigned char sig[KCL_SIG_SIZE], char *err, size_t errlen);
/*
 * Append the signature line of the private key @priv to @body (malloc'd,
 * taken over): the signed file (malloc'd), or NULL with a reason in err.
 */
char *kcp_text_sign(char *body, const char *priv, char *err, size_t errlen);
/*
 * Format @ix and sign it with the private key @priv: the whole file
 * (malloc'd), or NULL with a reason in err.
 */
char *kcp_index_sign(const struct kcl_index *ix, const char *priv,
		     char *err, size_t errlen);
/* Build a patchset file from @n entries (names unique and valid). */
int kcp_archive_pack(const struct kcl_entry *entries, size_t n,
		     unsigned char **out, size_t *outlen, char *err,
		     size_t errlen);

#endif /* _KCARE_PATCHSET_WRITE_H */
