/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Downloads in an unprivileged, confined child (Documentation/security.md,
 * "The download child").
 *
 * libcurl, its TLS library and our header callback handle bytes from the
 * network; none of that runs as root. kc_netchild_run() forks; the child
 * keeps only the descriptors it is given (the staged file, its resume
 * info, a result pipe), drops to an unprivileged user (KC_NET_USER, else
 * uid/gid 65534 "nobody"; no supplementary groups, so no capability is
 * left), becomes non-dumpable, sets no_new_privs and loads a seccomp
 * filter that kills it on any system call but what libcurl, OpenSSL and
 * glibc's resolver need: sockets of the inet families and netlink (AF_UNIX
 * fails with EACCES), read-only opens (configuration, CA certificates,
 * /etc/hosts), memory without PROT_EXEC, threads (the resolver's), the
 * clocks. No exec, no write-open, no ptrace, no module loading. Then it
 * runs the job; the parent gets back only the job's result and message,
 * and the bytes in the file it opened itself.
 *
 * The parent then verifies those bytes in the parsing sandbox (sandbox.h)
 * as before: the download child is a second wall, not a replacement.
 */
#ifndef _KCARE_LIB_NETCHILD_H
#define _KCARE_LIB_NETCHILD_H

#include <stddef.h>

#include "fetch.h"

#define KC_NET_USER		"kcare-net"
#define KC_NET_FALLBACK_ID	65534
#define KC_NETCHILD_MAX_FDS	4

/*
 * The job, run in the child: @fds are the caller's descriptors in the
 * same order (renumbered). Returns what the caller's job returns (an int
 * from -1 to 127), with a message in err.
 */
typedef int (*kc_netchild_fn)(void *arg, const int *fds, char *err,
			       size_t errlen);

/*
 * Run @fn(@arg) in the confined child with @nfds descriptors @fds.
 * Returns the job's result, or -1 with why the child failed: "the
 * download process was killed by signal 31 (SIGSYS: a system call its
 * seccomp filter does not allow)", a setup step that failed, or no
 * answer within @timeout_ms (0: none; then it is killed).
 */
int kc_netchild_run(kc_netchild_fn fn, void *arg, const int *fds, int nfds,
		     long long timeout_ms, char *err, size_t errlen);

/*
 * Decode the child's report of @len bytes (the result pipe's content):
 * 0 and *rc, err set, or -1 when it is malformed. For the fuzzer too.
 */
int kc_netchild_decode(const unsigned char *buf, size_t len, int *rc,
			char *err, size_t errlen);

/* kc_fetch_mem() in the child: the bytes come back in a memfd. */
int kc_net_fetch_mem(const struct kc_fetch_opts *o, const char *url,
		      size_t max_size, char **buf, size_t *len, char *err,
		      size_t errlen);

/* kc_fetch_api() in the child: its result, the answer in memory. */
int kc_net_fetch_api(const struct kc_fetch_opts *o, const char *url,
		      const char *json, size_t max_size, char **buf,
		      size_t *len, char *err, size_t errlen);

/*
 * kc_fetch_fd() in the child, into @fd and @info_fd that the caller
 * opened (the staging file and its resume info).
 */
int kc_net_fetch_fd(const struct kc_fetch_opts *o, const char *url, int fd,
		     int info_fd, const struct kc_part_info *pi,
		     size_t max_size, char *err, size_t errlen);

#endif /* _KCARE_LIB_NETCHILD_H */
