/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing a downloaded patchset or index in the sandbox (sandbox.h, of
 * userland/lib/, runs the parser confined; Documentation/kcarectl.md,
 * "Parsing in a sandbox").
 *
 * What comes back is re-validated, so that a child that was taken over by a
 * malicious input gains nothing a bad input could not do directly:
 *
 *  - a patchset: the child unpacks the archive (zlib, the container), parses
 *    the manifest, checks every payload's size and SHA-256 and the
 *    mandatory entries, and returns the manifest's canonical text
 *    (kcl_manifest_format) and the entries, length-prefixed. The parent
 *    never inflates anything: it reads the length-prefixed entries with
 *    bounds checks, checks their names again, parses the canonical manifest
 *    text again (a short, line-based, fuzzed parser, on text that came out
 *    of the formatter) and checks the payloads' sizes and SHA-256 again
 *    (cheap). So the parent's result satisfies the same rules as a direct
 *    parse, whatever the child sent;
 *  - an index: the child parses it and returns its canonical text
 *    (kcl_index_format), which the parent parses again.
 *
 * Signatures are checked in the parent, on the raw bytes, before any of
 * this (kcl_verify, kcl_index_verify): they parse nothing.
 *
 * Functions returning int give 0, or -1 with a one-line reason in err; on
 * error no output is left allocated.
 */
#ifndef _KCARE_LOADER_SANDBOX_PARSE_H
#define _KCARE_LOADER_SANDBOX_PARSE_H

#include <stddef.h>

#include "archive.h"
#include "index.h"
#include "manifest.h"
#include "sandbox.h"

/*
 * Unpack the patchset file @buf confined: its entries into @ar, its built
 * manifest into @m; "manifest" and "cves.txt" exist, and each payload the
 * manifest lists exists with its size and SHA-256. Checking the manifest's
 * kernel and arch against the running kernel is the caller's.
 */
int kcl_sandbox_unpack_patchset(const unsigned char *buf, size_t len,
				struct kcl_archive *ar, struct kcl_manifest *m,
				char *err, size_t errlen);
/*
 * Parse the index text confined, as kcl_index_parse(): @len is the length
 * of the signed text, the body_len kcl_index_verify() gave.
 */
int kcl_sandbox_parse_index(const char *text, size_t len,
			    struct kcl_index *ix, char *err, size_t errlen);

/*
 * The parent's half of kcl_sandbox_unpack_patchset(): decode and check
 * again what the child serialised (@res, @reslen), trusting none of it.
 * Public for its fuzzer.
 */
int kcl_sandbox_decode_patchset(const unsigned char *res, size_t reslen,
				struct kcl_archive *ar, struct kcl_manifest *m,
				char *err, size_t errlen);

#endif /* _KCARE_LOADER_SANDBOX_PARSE_H */
