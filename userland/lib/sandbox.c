// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing downloaded data in a confined child process (sandbox.h).
 *
 * The child must need no system call outside the filter: the libraries the
 * parsers use are warmed up in the parent before the fork (OpenSSL loads
 * its configuration and providers on first use, glibc reads the time zone
 * on the first time conversion), and the child never uses stdio on a file.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "sandbox.h"
#include "util.h"

/* The first byte of a result: what follows it. */
enum {
	KC_SB_OK,		/* the parser's result */
	KC_SB_FAILED,		/* the parser's error message */
	KC_SB_SETUP,		/* why the child could not confine itself */
};

/* The child's exit code when it could not even report. */
#define KC_SB_EXIT_WRITE	3

int kc_sbuf_add(struct kc_sbuf *b, const void *p, size_t n)
{
	unsigned char *d;
	size_t cap;

	if (b->oom)
		return -1;
	if (n > b->cap - b->len) {
		if (n > SIZE_MAX / 2 - b->len)
			goto oom;
		cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d)
			goto oom;
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
oom:
	b->oom = true;
	return -1;
}

int kc_sbuf_u8(struct kc_sbuf *b, uint8_t v)
{
	return kc_sbuf_add(b, &v, 1);
}

int kc_sbuf_u16(struct kc_sbuf *b, uint16_t v)
{
	unsigned char p[2] = { v, v >> 8 };

	return kc_sbuf_add(b, p, 2);
}

int kc_sbuf_u32(struct kc_sbuf *b, uint32_t v)
{
	unsigned char p[4] = { v, v >> 8, v >> 16, v >> 24 };

	return kc_sbuf_add(b, p, 4);
}

int kc_sbuf_blob(struct kc_sbuf *b, const void *p, uint32_t n)
{
	return kc_sbuf_u32(b, n) || kc_sbuf_add(b, p, n) ? -1 : 0;
}

int kc_sbuf_fail(struct kc_sbuf *b, const char *msg)
{
	b->len = 0;
	b->oom = false;
	kc_sbuf_add(b, msg, strlen(msg));
	return -1;
}

void kc_sbuf_free(struct kc_sbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int kc_sread_bytes(struct kc_sread *r, size_t n, const unsigned char **p)
{
	if (n > r->left)
		return -1;
	*p = r->p;
	r->p += n;
	r->left -= n;
	return 0;
}

int kc_sread_u16(struct kc_sread *r, uint16_t *v)
{
	const unsigned char *p;

	if (kc_sread_bytes(r, 2, &p))
		return -1;
	*v = p[0] | p[1] << 8;
	return 0;
}

int kc_sread_u32(struct kc_sread *r, uint32_t *v)
{
	const unsigned char *p;

	if (kc_sread_bytes(r, 4, &p))
		return -1;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	     (uint32_t)p[3] << 24;
	return 0;
}

int kc_sread_blob(struct kc_sread *r, const unsigned char **p, size_t *n)
{
	uint32_t len;

	if (kc_sread_u32(r, &len) || kc_sread_bytes(r, len, p))
		return -1;
	*n = len;
	return 0;
}

/* ---- the runner ---- */

/*
 * First uses of libraries that touch files or make unusual system calls,
 * done in the parent so that the child's calls find them ready.
 */
static void kc_sandbox_warm_up(void)
{
	static bool done;
	unsigned char md[SHA256_DIGEST_LENGTH];
	struct tm tm;
	time_t t = 0;

	if (done)
		return;
	tzset();
	gmtime_r(&t, &tm);
	SHA256((const unsigned char *)"", 0, md);
	done = true;
}

/* The parent's address space size, which the child inherits; 0 if unknown. */
static size_t kc_vm_size(void)
{
	char buf[64];
	unsigned long long pages;
	ssize_t n;
	int fd;

	fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu", &pages) != 1)
		return 0;
	return pages * (size_t)sysconf(_SC_PAGESIZE);
}

static scmp_filter_ctx kc_sandbox_filter(int fd, char *err, size_t errlen)
{
	static const int plain[] = {
		SCMP_SYS(read), SCMP_SYS(brk), SCMP_SYS(munmap),
		SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(exit),
		SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn), SCMP_SYS(futex),
		SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	};
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx) {
		kc_fail(err, errlen, "cannot set up the sandbox: seccomp_init failed");
		return NULL;
	}
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (i = 0; !rc && i < sizeof(plain) / sizeof(plain[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, plain[i], 0);
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1,
				      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)fd));
	/* Memory, never executable (glibc's malloc uses mprotect too). */
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc) {
		seccomp_release(ctx);
		kc_fail(err, errlen, "cannot set up the sandbox: seccomp rule: %s",
			 strerror(-rc));
		return NULL;
	}
	return ctx;
}

static int kc_write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;
	ssize_t w;

	while (n) {
		w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= w;
	}
	return 0;
}

static __attribute__((noreturn)) void kc_child_report(int fd, int status,
							const void *p, size_t n)
{
	unsigned char s = status;

	if (kc_write_all(fd, &s, 1) || kc_write_all(fd, p, n))
		_exit(KC_SB_EXIT_WRITE);
	_exit(0);
}

static __attribute__((noreturn)) void kc_child_setup_failed(int fd,
							      const char *what)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(errno));
	kc_child_report(fd, KC_SB_SETUP, msg, strlen(msg));
}

static void kc_close_others(int keep)
{
	struct rlimit rl;
	long fd, max;

	if (keep > 0 && syscall(SYS_close_range, 0, keep - 1, 0) == 0 &&
	    syscall(SYS_close_range, keep + 1, ~0u, 0) == 0)
		return;
	if (keep == 0 && syscall(SYS_close_range, 1, ~0u, 0) == 0)
		return;
	max = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
		(long)rl.rlim_cur : 65536;
	for (fd = 0; fd < max; fd++)
		if (fd != keep)
			close(fd);
}

static __attribute__((noreturn)) void
kc_child(int fd, scmp_filter_ctx ctx, size_t vm, pid_t parent,
	  const struct kc_sandbox_opts *o, kc_sandbox_fn fn, const void *in,
	  size_t inlen, void *arg)
{
	struct kc_sbuf out = { 0 };
	struct sigaction sa;
	struct rlimit rl;
	sigset_t all;
	int sig, pers, ret;

	/* Default actions, so that a crash is reported as what it is. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);

	kc_close_others(fd);

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(KC_SB_EXIT_WRITE);
	if (prctl(PR_SET_DUMPABLE, 0))
		kc_child_setup_failed(fd, "PR_SET_DUMPABLE");
	/* PROT_READ must not imply PROT_EXEC. */
	pers = personality(0xffffffff);
	if (pers != -1 && (pers & READ_IMPLIES_EXEC))
		personality(pers & ~READ_IMPLIES_EXEC);

	rl.rlim_cur = rl.rlim_max = vm + o->max_memory;
	if (setrlimit(RLIMIT_AS, &rl))
		kc_child_setup_failed(fd, "RLIMIT_AS");
	rl.rlim_cur = rl.rlim_max = o->timeout_ms / 1000 + 1;
	if (setrlimit(RLIMIT_CPU, &rl))
		kc_child_setup_failed(fd, "RLIMIT_CPU");
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_FSIZE, &rl) || setrlimit(RLIMIT_CORE, &rl) ||
	    setrlimit(RLIMIT_NOFILE, &rl))
		kc_child_setup_failed(fd, "setrlimit");

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		kc_child_setup_failed(fd, "PR_SET_NO_NEW_PRIVS");
	ret = seccomp_load(ctx);
	if (ret) {
		errno = -ret;
		kc_child_setup_failed(fd, "seccomp_load");
	}

	/* Confined from here on. */
	ret = fn(in, inlen, arg, &out);
	if (out.oom) {
		kc_sbuf_fail(&out, "out of memory");
		ret = -1;
	}
	if (ret && !out.len)
		kc_sbuf_fail(&out, "unknown error");
	kc_child_report(fd, ret ? KC_SB_FAILED : KC_SB_OK, out.data, out.len);
}

static long long kc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child's message, one printable line, into @err after @prefix. */
static void kc_child_message(const char *prefix, const unsigned char *p,
			      size_t n, char *err, size_t errlen)
{
	char msg[512];
	size_t i, k = 0;

	for (i = 0; i < n && k < sizeof(msg) - 1; i++) {
		if (p[i] == '\n')
			break;
		msg[k++] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?';
	}
	msg[k] = '\0';
	kc_fail(err, errlen, "%s%s", prefix, k ? msg : "no message");
}

static void kc_timeout_message(unsigned int ms, char *err, size_t errlen)
{
	if (ms % 1000 == 0)
		kc_fail(err, errlen, "the parser timed out after %u s", ms / 1000);
	else
		kc_fail(err, errlen, "the parser timed out after %u ms", ms);
}

int kc_sandbox_run_opts(const struct kc_sandbox_opts *opts,
			 kc_sandbox_fn fn, const void *in, size_t inlen,
			 void *arg, unsigned char **out, size_t *outlen,
			 char *err, size_t errlen)
{
	struct kc_sandbox_opts o = opts ? *opts : (struct kc_sandbox_opts){ 0 };
	struct kc_sbuf res = { 0 };
	bool timed_out = false, too_big = false, killed = false;
	long long deadline, left;
	scmp_filter_ctx ctx;
	int pfd[2], status, ret = -1;
	struct pollfd pl;
	unsigned char chunk[65536];
	size_t vm;
	ssize_t n;
	pid_t pid, w, self = getpid();

	*out = NULL;
	*outlen = 0;
	if (!o.timeout_ms)
		o.timeout_ms = KC_SANDBOX_TIMEOUT_MS;
	if (!o.max_result)
		o.max_result = KC_SANDBOX_MAX_RESULT;
	if (!o.max_memory)
		o.max_memory = KC_SANDBOX_MAX_MEMORY;

	kc_sandbox_warm_up();
	vm = kc_vm_size();
	if (!vm)
		vm = (size_t)1 << 30;
	if (pipe2(pfd, O_CLOEXEC))
		return kc_fail(err, errlen, "cannot set up the sandbox: pipe: %s",
				strerror(errno));
	ctx = kc_sandbox_filter(pfd[1], err, errlen);
	if (!ctx)
		goto close_both;
	deadline = kc_now_ms() + o.timeout_ms;
	pid = fork();
	if (pid < 0) {
		kc_fail(err, errlen, "cannot set up the sandbox: fork: %s",
			 strerror(errno));
		seccomp_release(ctx);
		goto close_both;
	}
	if (!pid)
		kc_child(pfd[1], ctx, vm, self, &o, fn, in, inlen, arg);
	seccomp_release(ctx);
	close(pfd[1]);

	/* Read the result until EOF, the size cap or the deadline. */
	pl.fd = pfd[0];
	pl.events = POLLIN;
	for (;;) {
		left = deadline - kc_now_ms();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&pl, 1, left > INT_MAX ? INT_MAX : (int)left) < 0) {
			if (errno == EINTR)
				continue;
			kc_fail(err, errlen, "the sandbox: poll: %s", strerror(errno));
			killed = true;
			break;
		}
		if (!pl.revents)
			continue;
		n = read(pfd[0], chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			kc_fail(err, errlen, "the sandbox: read: %s", strerror(errno));
			killed = true;
			break;
		}
		if (!n)
			break;
		if ((size_t)n > o.max_result - res.len) {
			too_big = true;
			break;
		}
		if (kc_sbuf_add(&res, chunk, n)) {
			kc_fail(err, errlen, "the sandbox: out of memory");
			killed = true;
			break;
		}
	}
	close(pfd[0]);

	/* Reap the child, killing it when it overstays. */
	if (timed_out || too_big || killed) {
		kill(pid, SIGKILL);
	} else {
		while ((w = waitpid(pid, &status, WNOHANG)) == 0 &&
		       kc_now_ms() < deadline)
			nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
		if (w == pid)
			goto reaped;
		if (w == 0) {
			timed_out = true;
			kill(pid, SIGKILL);
		}
	}
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w != pid) {
		kc_fail(err, errlen, "the sandbox: waitpid: %s", strerror(errno));
		goto out;
	}
reaped:
	if (killed)
		goto out;
	if (timed_out) {
		kc_timeout_message(o.timeout_ms, err, errlen);
		goto out;
	}
	if (too_big) {
		kc_fail(err, errlen, "the parser's result is larger than %zu bytes",
			 o.max_result);
		goto out;
	}
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) == SIGSYS)
			kc_fail(err, errlen, "the parser was killed for a forbidden system call (SIGSYS)");
		else if (WTERMSIG(status) == SIGXCPU)
			kc_timeout_message(o.timeout_ms, err, errlen);
		else
			kc_fail(err, errlen, "the parser crashed (signal %d)",
				 WTERMSIG(status));
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !res.len) {
		kc_fail(err, errlen, "the parser exited with status %d and no result",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto out;
	}
	switch (res.data[0]) {
	case KC_SB_OK:
		/* Hand the buffer over rather than copy up to 128 MiB. */
		*outlen = res.len - 1;
		memmove(res.data, res.data + 1, *outlen);
		*out = res.data;
		res.data = NULL;
		ret = 0;
		break;
	case KC_SB_FAILED:
		kc_child_message("the parser failed: ", res.data + 1,
				  res.len - 1, err, errlen);
		break;
	case KC_SB_SETUP:
		kc_child_message("cannot set up the sandbox: ", res.data + 1,
				  res.len - 1, err, errlen);
		break;
	default:
		kc_fail(err, errlen, "the parser returned a malformed result");
	}
out:
	if (ret)
		*outlen = 0;
	kc_sbuf_free(&res);
	return ret;

close_both:
	close(pfd[0]);
	close(pfd[1]);
	return -1;
}

int kc_sandbox_run(kc_sandbox_fn fn, const void *in, size_t inlen,
		    void *arg, unsigned char **out, size_t *outlen, char *err,
		    size_t errlen)
{
	return kc_sandbox_run_opts(NULL, fn, in, inlen, arg, out, outlen, err,
				    errlen);
}
