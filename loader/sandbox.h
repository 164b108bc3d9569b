/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing downloaded data in a confined process (Documentation/kcarectl.md,
 * "Parsing in a sandbox").
 *
 * kcl_sandbox_run() forks; the child closes every file descriptor but the
 * write end of a result pipe, lowers its resource limits (address space,
 * CPU time, no file size, no new descriptors, no core), drops the ability to
 * gain privileges and loads a seccomp filter that kills the whole process on
 * any system call but read, write (to the result pipe only), brk, mmap and
 * mprotect (never with PROT_EXEC), munmap, mremap, madvise, futex, the
 * clocks, rt_sigreturn, exit and exit_group. Then it runs the parser on the
 * input it inherited, and sends back what the parser serialised. The parent
 * caps the size of that result and the time the child takes, and tells a
 * crash, a forbidden system call, a timeout and the parser's own error
 * apart.
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
#ifndef _KCARE_LOADER_SANDBOX_H
#define _KCARE_LOADER_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "archive.h"
#include "index.h"
#include "manifest.h"

#define KCL_SANDBOX_TIMEOUT_MS	30000
#define KCL_SANDBOX_MAX_RESULT	((size_t)128 << 20)
/* Address space the child may add to what it inherits. */
#define KCL_SANDBOX_MAX_MEMORY	((size_t)1 << 30)

/* A growable buffer the child serialises its result into. */
struct kcl_sbuf {
	unsigned char *data;
	size_t len, cap;
	bool oom;		/* an append failed: the result is incomplete */
};

/* Each returns 0, or -1 (and sets oom) when memory runs out. */
int kcl_sbuf_add(struct kcl_sbuf *b, const void *p, size_t n);
int kcl_sbuf_u8(struct kcl_sbuf *b, uint8_t v);
int kcl_sbuf_u16(struct kcl_sbuf *b, uint16_t v);	/* little-endian */
int kcl_sbuf_u32(struct kcl_sbuf *b, uint32_t v);
int kcl_sbuf_blob(struct kcl_sbuf *b, const void *p, uint32_t n); /* u32 n, bytes */
/* Replace the contents by the message @msg (a parser's error); return -1. */
int kcl_sbuf_fail(struct kcl_sbuf *b, const char *msg);
void kcl_sbuf_free(struct kcl_sbuf *b);

/* Bounds-checked reading of what a kcl_sbuf holds; 0, or -1 past the end. */
struct kcl_sread {
	const unsigned char *p;
	size_t left;
};
int kcl_sread_u16(struct kcl_sread *r, uint16_t *v);
int kcl_sread_u32(struct kcl_sread *r, uint32_t *v);
int kcl_sread_bytes(struct kcl_sread *r, size_t n, const unsigned char **p);
int kcl_sread_blob(struct kcl_sread *r, const unsigned char **p, size_t *n);

/*
 * The parser run in the child: it reads @in (@inlen bytes) and @arg,
 * appends its result to @out and returns 0; or it returns -1 with its error
 * message as the only contents of @out (kcl_sbuf_fail). It may use only
 * memory: no file, no socket, no library call that makes another system
 * call than those listed above.
 */
typedef int (*kcl_sandbox_fn)(const void *in, size_t inlen, void *arg,
			      struct kcl_sbuf *out);

struct kcl_sandbox_opts {
	unsigned int timeout_ms;	/* wall clock; 0: the default */
	size_t max_result;		/* bytes; 0: the default */
	size_t max_memory;		/* bytes; 0: the default */
};

/*
 * Run @fn confined; on success *out (malloc'd, *outlen bytes) is what it
 * appended. The errors: "the parser crashed (signal N)", "the parser was
 * killed for a forbidden system call (SIGSYS)", "the parser timed out after
 * N s", "the parser's result is larger than N bytes", "the parser failed:
 * MESSAGE", and those of setting the sandbox up.
 */
int kcl_sandbox_run(kcl_sandbox_fn fn, const void *in, size_t inlen,
		    void *arg, unsigned char **out, size_t *outlen, char *err,
		    size_t errlen);
/* The same with other limits (@opts may be NULL: the defaults). */
int kcl_sandbox_run_opts(const struct kcl_sandbox_opts *opts,
			 kcl_sandbox_fn fn, const void *in, size_t inlen,
			 void *arg, unsigned char **out, size_t *outlen,
			 char *err, size_t errlen);

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

#endif /* _KCARE_LOADER_SANDBOX_H */
