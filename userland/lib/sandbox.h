/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing downloaded data in a confined process (Documentation/kcarectl.md,
 * "Parsing in a sandbox").
 *
 * kc_sandbox_run() forks; the child closes every file descriptor but the
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
 * Functions returning int give 0, or -1 with a one-line reason in err; on
 * error no output is left allocated.
 */
#ifndef _KCARE_LIB_SANDBOX_H
#define _KCARE_LIB_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KC_SANDBOX_TIMEOUT_MS	30000
#define KC_SANDBOX_MAX_RESULT	((size_t)128 << 20)
/* Address space the child may add to what it inherits. */
#define KC_SANDBOX_MAX_MEMORY	((size_t)1 << 30)

/* A growable buffer the child serialises its result into. */
struct kc_sbuf {
	unsigned char *data;
	size_t len, cap;
	bool oom;		/* an append failed: the result is incomplete */
};

/* Each returns 0, or -1 (and sets oom) when memory runs out. */
int kc_sbuf_add(struct kc_sbuf *b, const void *p, size_t n);
int kc_sbuf_u8(struct kc_sbuf *b, uint8_t v);
int kc_sbuf_u16(struct kc_sbuf *b, uint16_t v);	/* little-endian */
int kc_sbuf_u32(struct kc_sbuf *b, uint32_t v);
int kc_sbuf_blob(struct kc_sbuf *b, const void *p, uint32_t n); /* u32 n, bytes */
/* Replace the contents by the message @msg (a parser's error); return -1. */
int kc_sbuf_fail(struct kc_sbuf *b, const char *msg);
void kc_sbuf_free(struct kc_sbuf *b);

/* Bounds-checked reading of what a kc_sbuf holds; 0, or -1 past the end. */
struct kc_sread {
	const unsigned char *p;
	size_t left;
};
int kc_sread_u16(struct kc_sread *r, uint16_t *v);
int kc_sread_u32(struct kc_sread *r, uint32_t *v);
int kc_sread_bytes(struct kc_sread *r, size_t n, const unsigned char **p);
int kc_sread_blob(struct kc_sread *r, const unsigned char **p, size_t *n);

/*
 * The parser run in the child: it reads @in (@inlen bytes) and @arg,
 * appends its result to @out and returns 0; or it returns -1 with its error
 * message as the only contents of @out (kc_sbuf_fail). It may use only
 * memory: no file, no socket, no library call that makes another system
 * call than those listed above.
 */
typedef int (*kc_sandbox_fn)(const void *in, size_t inlen, void *arg,
			      struct kc_sbuf *out);

struct kc_sandbox_opts {
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
int kc_sandbox_run(kc_sandbox_fn fn, const void *in, size_t inlen,
		    void *arg, unsigned char **out, size_t *outlen, char *err,
		    size_t errlen);
/* The same with other limits (@opts may be NULL: the defaults). */
int kc_sandbox_run_opts(const struct kc_sandbox_opts *opts,
			 kc_sandbox_fn fn, const void *in, size_t inlen,
			 void *arg, unsigned char **out, size_t *outlen,
			 char *err, size_t errlen);

#endif /* _KCARE_LIB_SANDBOX_H */
