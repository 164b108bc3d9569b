// SPDX-License-Identifier: GPL-2.0
/*
 * The download child (netchild.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <seccomp.h>

#include "landlock.h"
#include "netchild.h"
#include "util.h"

#define KC_NETCHILD_MAGIC	"KCNR"
#define KC_NETCHILD_MSG_MAX	1024
#define KC_NETCHILD_REPORT_MAX	(4 + 4 + 2 + KC_NETCHILD_MSG_MAX)

/* Plain system calls the child may make with any arguments. */
static const char *const kc_net_plain[] = {
	"read", "readv", "pread64", "write", "writev", "pwrite64", "lseek",
	"close", "fstat", "newfstatat", "statx", "stat", "lstat", "fstatfs",
	"fcntl", "dup", "dup2", "dup3", "pipe", "pipe2", "eventfd2",
	"socketpair", "connect", "bind", "listen", "getsockname",
	"getpeername", "setsockopt", "getsockopt", "sendto", "recvfrom",
	"sendmsg", "recvmsg", "sendmmsg", "recvmmsg", "shutdown", "poll",
	"ppoll", "select", "pselect6", "brk", "munmap", "mremap", "madvise",
	"futex", "set_robust_list", "get_robust_list", "rseq",
	"set_tid_address", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
	"sigaltstack", "getpid", "gettid", "getppid", "getuid", "geteuid",
	"getgid", "getegid", "getresuid", "getresgid", "clock_gettime",
	"clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday",
	"time", "getrandom", "uname", "sysinfo", "getrlimit", "prlimit64",
	"sched_getaffinity", "sched_yield", "exit", "exit_group", "tgkill",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"getcwd", "getdents64", "membarrier", "fsync", "fdatasync",
	"ftruncate", "mincore",
};

static int kc_net_rule(scmp_filter_ctx ctx, uint32_t act, const char *name,
		       unsigned int n, const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	/* A call this architecture does not have needs no rule. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	return seccomp_rule_add_array(ctx, act, nr, n, cmp);
}

/* A call allowed (or answered with an errno) only for one argument value. */
struct kc_net_arg_rule {
	const char *name;
	unsigned int arg;		/* the argument compared */
	enum scmp_compare op;
	uint64_t mask, value;		/* value for SCMP_CMP_EQ; mask too */
	uint32_t action;
};

#define KC_WFLAGS	(O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND)

static const struct kc_net_arg_rule kc_net_args[] = {
	/* Opens only for reading: nothing is created or written by path. */
	{ "openat", 2, SCMP_CMP_MASKED_EQ, KC_WFLAGS, 0, SCMP_ACT_ALLOW },
	{ "open", 1, SCMP_CMP_MASKED_EQ, KC_WFLAGS, 0, SCMP_ACT_ALLOW },
	/* Memory is never executable: no code can be brought in. */
	{ "mmap", 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0, SCMP_ACT_ALLOW },
	{ "mprotect", 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0, SCMP_ACT_ALLOW },
	/* Threads (libcurl's resolver), never a new process. */
	{ "clone", 0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD, SCMP_ACT_ALLOW },
	/* The Internet families and netlink (the resolver's address check). */
	{ "socket", 0, SCMP_CMP_EQ, 0, AF_INET, SCMP_ACT_ALLOW },
	{ "socket", 0, SCMP_CMP_EQ, 0, AF_INET6, SCMP_ACT_ALLOW },
	{ "socket", 0, SCMP_CMP_EQ, 0, AF_NETLINK, SCMP_ACT_ALLOW },
	/* nscd and other local daemons: refused, glibc does without them. */
	{ "socket", 0, SCMP_CMP_EQ, 0, AF_UNIX, SCMP_ACT_ERRNO(EACCES) },
	{ "ioctl", 1, SCMP_CMP_EQ, 0, FIONREAD, SCMP_ACT_ALLOW },
	{ "ioctl", 1, SCMP_CMP_EQ, 0, FIONBIO, SCMP_ACT_ALLOW },
	{ "ioctl", 1, SCMP_CMP_EQ, 0, TCGETS, SCMP_ACT_ERRNO(ENOTTY) },
};

static scmp_filter_ctx kc_net_filter(void)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return NULL;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (i = 0; !rc && i < sizeof(kc_net_plain) / sizeof(*kc_net_plain); i++)
		rc = kc_net_rule(ctx, SCMP_ACT_ALLOW, kc_net_plain[i], 0, NULL);
	for (i = 0; !rc && i < sizeof(kc_net_args) / sizeof(*kc_net_args); i++) {
		const struct kc_net_arg_rule *r = &kc_net_args[i];
		struct scmp_arg_cmp c = {
			.arg = r->arg, .op = r->op,
			.datum_a = r->op == SCMP_CMP_MASKED_EQ ? r->mask : r->value,
			.datum_b = r->op == SCMP_CMP_MASKED_EQ ? r->value : 0,
		};

		rc = kc_net_rule(ctx, r->action, r->name, 1, &c);
	}
	/* clone3's flags are in memory a filter cannot read: glibc falls back. */
	if (!rc)
		rc = kc_net_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	if (rc) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

static void kc_net_report(int fd, int rc, const char *msg)
{
	unsigned char buf[KC_NETCHILD_REPORT_MAX];
	size_t n = msg ? strnlen(msg, KC_NETCHILD_MSG_MAX) : 0;
	uint32_t v = (uint32_t)rc;

	memcpy(buf, KC_NETCHILD_MAGIC, 4);
	buf[4] = v & 0xff;
	buf[5] = (v >> 8) & 0xff;
	buf[6] = (v >> 16) & 0xff;
	buf[7] = v >> 24;
	buf[8] = n & 0xff;
	buf[9] = n >> 8;
	if (n)
		memcpy(buf + 10, msg, n);
	kc_write_full(fd, buf, 10 + n);
}

int kc_netchild_decode(const unsigned char *buf, size_t len, int *rc,
			char *err, size_t errlen)
{
	uint32_t v;
	size_t n, i;

	if (len < 10 || memcmp(buf, KC_NETCHILD_MAGIC, 4))
		return -1;
	v = buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
	    (uint32_t)buf[7] << 24;
	n = buf[8] | (size_t)buf[9] << 8;
	if (n > KC_NETCHILD_MSG_MAX || len != 10 + n)
		return -1;
	/* The job's results are -1..127: anything else is not ours. */
	if ((int32_t)v < -1 || (int32_t)v > 127)
		return -1;
	for (i = 0; i < n; i++)
		if (buf[10 + i] < 0x20 || buf[10 + i] > 0x7e)
			return -1;
	*rc = (int32_t)v;
	if (err && errlen)
		snprintf(err, errlen, "%.*s", (int)n, (const char *)buf + 10);
	return 0;
}

/*
 * What the child may still read, whatever its uid: what the resolver,
 * libcurl and OpenSSL open during a transfer (name service files, CA
 * certificates, OpenSSL's configuration, time zones), the libraries they
 * may load, and the random device. Nothing else: not /etc/shadow, not
 * /root, not the cache or the keys.
 */
static const char *const kc_net_readable[] = {
	"/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/host.conf",
	"/etc/gai.conf", "/etc/services", "/etc/protocols", "/etc/localtime",
	"/etc/ssl", "/etc/ca-certificates", "/etc/pki",
	"/usr/lib/ssl", "/usr/share/ca-certificates",
	"/usr/local/share/ca-certificates", "/usr/share/zoneinfo",
	"/lib", "/lib64", "/usr/lib", "/usr/lib64",
	"/dev/urandom", "/dev/null",
};

/* Who the child becomes: the dedicated user, else nobody. */
static void kc_net_ids(uid_t *uid, gid_t *gid)
{
	struct passwd *pw = getpwnam(KC_NET_USER);

	if (pw && pw->pw_uid && pw->pw_gid) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else {
		*uid = KC_NET_FALLBACK_ID;
		*gid = KC_NET_FALLBACK_ID;
	}
}

static __attribute__((noreturn)) void kc_net_setup_failed(int fd,
							   const char *step)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "cannot confine the download process: %s: %s",
		 step, strerror(errno));
	kc_net_report(fd, -1, msg);
	_exit(1);
}

/*
 * In the child: descriptors, identity, limits, filter; then the job.
 * The report pipe is fd 3, the job's descriptors 4 and up.
 */
static __attribute__((noreturn)) void
kc_net_child(kc_netchild_fn fn, void *arg, const int *fds, int nfds,
	     int rfd, uid_t uid, gid_t gid)
{
	char err[KC_NETCHILD_MSG_MAX] = "";
	int mine[KC_NETCHILD_MAX_FDS], i, rc;
	scmp_filter_ctx ctx;
	struct rlimit rl;

	/* Renumber above everything first, then into place. */
	if (dup2(rfd, 64) < 0)
		_exit(1);
	for (i = 0; i < nfds; i++)
		if (fds[i] >= 0 && dup2(fds[i], 65 + i) < 0)
			_exit(1);
	if (dup2(64, 3) < 0)
		_exit(1);
	for (i = 0; i < nfds; i++) {
		mine[i] = -1;
		if (fds[i] < 0)
			continue;
		if (dup2(65 + i, 4 + i) < 0)
			_exit(1);
		mine[i] = 4 + i;
	}
	if (syscall(SYS_close_range, 4 + nfds, ~0u, 0))
		kc_net_setup_failed(3, "close_range");
	rfd = 3;
	/* libcurl and OpenSSL read their configuration now, still allowed. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		kc_net_setup_failed(rfd, "curl_global_init");
	if (geteuid() == 0) {
		if (setgroups(0, NULL))
			kc_net_setup_failed(rfd, "setgroups");
		if (setresgid(gid, gid, gid))
			kc_net_setup_failed(rfd, "setresgid");
		if (setresuid(uid, uid, uid))
			kc_net_setup_failed(rfd, "setresuid");
		/* All three ids changed: the capabilities are gone with them. */
		if (setuid(0) == 0) {
			errno = EPERM;
			kc_net_setup_failed(rfd, "root could be regained");
		}
	}
	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl))
		kc_net_setup_failed(rfd, "setrlimit");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		kc_net_setup_failed(rfd, "prctl");
	/*
	 * seccomp cannot tell one path from another; Landlock can. Where the
	 * kernel has none (before 5.13, or not enabled), the dropped uid is
	 * what keeps root's files closed.
	 */
	if (kc_landlock_read_only(kc_net_readable,
				  sizeof(kc_net_readable) / sizeof(kc_net_readable[0])) &&
	    errno != ENOSYS && errno != EOPNOTSUPP)
		kc_net_setup_failed(rfd, "landlock");
	ctx = kc_net_filter();
	if (!ctx)
		kc_net_setup_failed(rfd, "seccomp rules");
	if (seccomp_load(ctx))
		kc_net_setup_failed(rfd, "seccomp_load");
	rc = fn(arg, mine, err, sizeof(err));
	kc_net_report(rfd, rc, err);
	_exit(0);
}

static long long kc_net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kc_netchild_run(kc_netchild_fn fn, void *arg, const int *fds, int nfds,
		     long long timeout_ms, char *err, size_t errlen)
{
	unsigned char buf[KC_NETCHILD_REPORT_MAX + 1];
	long long end = timeout_ms > 0 ? kc_net_now_ms() + timeout_ms : 0;
	size_t len = 0;
	int p[2], status, rc = -1;
	bool timed_out = false;
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (nfds < 0 || nfds > KC_NETCHILD_MAX_FDS)
		return kc_fail(err, errlen, "download process: too many descriptors");
	kc_net_ids(&uid, &gid);
	if (pipe2(p, O_CLOEXEC))
		return kc_fail(err, errlen, "cannot start the download process: %s",
				strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return kc_fail(err, errlen, "cannot start the download process: %s",
				strerror(errno));
	}
	if (!pid) {
		close(p[0]);
		kc_net_child(fn, arg, fds, nfds, p[1], uid, gid);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		long long left = end ? end - kc_net_now_ms() : -1;
		ssize_t n;

		if (end && left <= 0) {
			timed_out = true;
			break;
		}
		n = poll(&pf, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			continue;
		n = read(p[0], buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
		if (len == sizeof(buf))
			break;	/* too long: malformed */
	}
	close(p[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return kc_fail(err, errlen, "the download process did not finish within %lld s and was stopped",
				timeout_ms / 1000);
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		return kc_fail(err, errlen, "the download process was killed by signal %d%s",
				sig, sig == SIGSYS ?
				" (SIGSYS: a system call its seccomp filter does not allow)" : "");
	}
	if (kc_netchild_decode(buf, len, &rc, err, errlen))
		return kc_fail(err, errlen, "the download process gave a malformed answer");
	if (rc < 0 && err && errlen && !*err)
		kc_fail(err, errlen, "the download failed");
	return rc;
}

/* ---- the jobs ---- */

struct kc_net_fetch {
	const struct kc_fetch_opts *o;
	const char *url;
	size_t max;
	const struct kc_part_info *pi;
	bool api;		/* kc_fetch_api() with json, not kc_fetch_mem() */
	const char *json;
};

static int kc_net_mem_job(void *arg, const int *fds, char *err,
			   size_t errlen)
{
	struct kc_net_fetch *j = arg;
	char *buf;
	size_t len;
	int rc;

	rc = j->api ? kc_fetch_api(j->o, j->url, j->json, j->max, &buf, &len,
				   err, errlen) :
		kc_fetch_mem(j->o, j->url, j->max, &buf, &len, err, errlen);
	if (rc)
		return rc;
	if (kc_write_full(fds[0], buf, len)) {
		free(buf);
		return kc_fail(err, errlen, "cannot hand the download over: %s",
				strerror(errno));
	}
	free(buf);
	return 0;
}

static int kc_net_fd_job(void *arg, const int *fds, char *err, size_t errlen)
{
	struct kc_net_fetch *j = arg;

	return kc_fetch_fd(j->o, j->url, fds[0], fds[1], j->pi, j->max, err,
			   errlen);
}

/* The child's own deadline plus a margin, or none. */
static long long kc_net_timeout(const struct kc_fetch_opts *o)
{
	long long left;

	if (!o || !o->deadline_ms)
		return 0;
	left = o->deadline_ms - kc_fetch_deadline(0);
	return (left > 0 ? left : 0) + 10000;
}

/* kc_net_fetch_mem() and kc_net_fetch_api(): @j's bytes in memory. */
static int kc_net_mem(const struct kc_net_fetch *j, char **buf, size_t *len,
		      char *err, size_t errlen)
{
	const struct kc_fetch_opts *o = j->o;
	const char *url = j->url;
	size_t max_size = j->max;
	struct stat st;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = memfd_create("kcare-download", MFD_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, errlen, "cannot stage a download: %s",
				strerror(errno));
	rc = kc_netchild_run(kc_net_mem_job, (void *)j, &fd, 1,
			     kc_net_timeout(o), err, errlen);
	if (rc)
		goto out;
	/* The child wrote it; the parent trusts only what the limit allows. */
	if (fstat(fd, &st) || (unsigned long long)st.st_size > max_size) {
		rc = kc_fail(err, errlen, "%s: the download process handed over more than %zu bytes",
			      url, max_size);
		goto out;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		rc = kc_fail(err, errlen, "out of memory");
		goto out;
	}
	if (pread(fd, *buf, st.st_size, 0) != st.st_size) {
		free(*buf);
		*buf = NULL;
		rc = kc_fail(err, errlen, "cannot read the download back: %s",
			      strerror(errno));
		goto out;
	}
	(*buf)[st.st_size] = '\0';
	*len = st.st_size;
out:
	close(fd);
	return rc;
}

int kc_net_fetch_mem(const struct kc_fetch_opts *o, const char *url,
		      size_t max_size, char **buf, size_t *len, char *err,
		      size_t errlen)
{
	struct kc_net_fetch j = { o, url, max_size, NULL };

	return kc_net_mem(&j, buf, len, err, errlen);
}

int kc_net_fetch_api(const struct kc_fetch_opts *o, const char *url,
		      const char *json, size_t max_size, char **buf,
		      size_t *len, char *err, size_t errlen)
{
	struct kc_net_fetch j = { o, url, max_size, NULL, true, json };

	return kc_net_mem(&j, buf, len, err, errlen);
}

int kc_net_fetch_fd(const struct kc_fetch_opts *o, const char *url, int fd,
		     int info_fd, const struct kc_part_info *pi,
		     size_t max_size, char *err, size_t errlen)
{
	struct kc_net_fetch j = { o, url, max_size, pi };
	int fds[2] = { fd, info_fd };

	return kc_netchild_run(kc_net_fd_job, &j, fds, 2, kc_net_timeout(o),
			       err, errlen);
}
