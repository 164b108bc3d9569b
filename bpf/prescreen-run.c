// SPDX-License-Identifier: GPL-2.0
/*
 * Before the loader hands a patchset to the engine, it asks kcare-prescreen
 * which tasks sit in the functions the patchset changes, so that it can
 * wait for a better moment, or say why the engine may refuse the switch,
 * instead of learning it from a refused finit_module(). The answer is
 * advice: tasks move on while it is computed, and the engine's stack check
 * with every CPU stopped stays the only safety decision. So every failure
 * of the pre-screen itself ends in a warning, never in a refusal.
 *
 * The command's output is read as data from a program that may be broken
 * or replaced: it is parsed strictly, with bounded sizes, and the command
 * runs without a shell, with a bounded time and output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "prescreen-run.h"

#define __printf(a, b)	__attribute__((format(printf, a, b)))

/* Bytes of the command's stderr kept for messages; the rest is discarded. */
#define KPS_MAX_STDERR	4096

/* How often a run that closed its output is checked for its exit. */
#define KPS_POLL_MS	10

/* One of the command's outputs, read as it comes, up to max bytes kept. */
struct kps_sink {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	size_t max;
	bool more;	/* it wrote more than max */
};

/* Read what is there: 1 while open, 0 at its end, -errno on failure. */
static int kps_sink_read(struct kps_sink *s)
{
	char scratch[4096], *dst, *tmp;
	size_t room;
	ssize_t n;

	for (;;) {
		if (s->len == s->cap && s->cap < s->max) {
			size_t cap = s->cap ? 2 * s->cap : 4096;

			if (cap > s->max)
				cap = s->max;
			tmp = realloc(s->buf, cap + 1);
			if (!tmp)
				return -ENOMEM;
			s->buf = tmp;
			s->cap = cap;
		}
		if (s->len < s->cap) {
			dst = s->buf + s->len;
			room = s->cap - s->len;
		} else {
			dst = scratch;
			room = sizeof(scratch);
		}
		n = read(s->fd, dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n < 0)
			return -errno;
		if (!n)
			return 0;
		if (dst == scratch)
			s->more = true;
		else
			s->len += n;
	}
}

static long long kps_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void kps_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * The command's stderr as one line: lines joined with "; ", other
 * unprintable bytes as '?', so that it cannot forge lines of our own.
 */
static void kps_one_line(char *dst, size_t size, const char *src, size_t len,
			bool more)
{
	bool sep = false;
	size_t i, n = 0;

	if (!dst || !size)
		return;
	dst[0] = '\0';
	if (size < 8)
		return;
	while (len && (src[len - 1] == '\n' || src[len - 1] == ' '))
		len--;
	/* room for "; ", a byte, then "..." and the NUL */
	for (i = 0; i < len && n + 7 <= size; i++) {
		unsigned char c = src[i];

		if (c == '\n') {
			sep = n > 0;
			continue;
		}
		if (sep) {
			dst[n++] = ';';
			dst[n++] = ' ';
			sep = false;
		}
		dst[n++] = c == '\t' ? ' ' : (c < 0x20 || c >= 0x7f) ? '?' : c;
	}
	if (more || i < len) {
		memcpy(dst + n, "...", 3);
		n += 3;
	}
	dst[n] = '\0';
}

static __printf(4, 5) enum kps_status
kps_say(enum kps_status status, char *msg, size_t msglen,
	const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return status;
}

/* Start cmd with stdout and stderr into pipes, in a process group of its own. */
static int kps_spawn(const char *cmd, char **argv, int out, int err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t mask, dfl;
	int ret;

	ret = posix_spawn_file_actions_init(&fa);
	if (ret)
		return ret;
	ret = posix_spawnattr_init(&attr);
	if (ret)
		goto err_fa;
	sigemptyset(&mask);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	ret = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	ret = ret ? : posix_spawn_file_actions_adddup2(&fa, out, 1);
	ret = ret ? : posix_spawn_file_actions_adddup2(&fa, err, 2);
	/* its own group, so that a timeout kills whatever it started too */
	ret = ret ? : posix_spawnattr_setpgroup(&attr, 0);
	ret = ret ? : posix_spawnattr_setsigmask(&attr, &mask);
	ret = ret ? : posix_spawnattr_setsigdefault(&attr, &dfl);
	ret = ret ? : posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
					       POSIX_SPAWN_SETSIGMASK |
					       POSIX_SPAWN_SETSIGDEF);
	ret = ret ? : posix_spawn(pid, cmd, &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
err_fa:
	posix_spawn_file_actions_destroy(&fa);
	return ret;
}

static void kps_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Read both outputs until they end, then wait for the exit, all before the
 * deadline. Returns CLEAR once it has exited, for kps_conclude() to say what
 * that means; on any failure the process group is killed and reaped.
 */
static enum kps_status kps_collect(const char *cmd, pid_t pid,
					   struct kps_sink *sinks,
					   unsigned int timeout_ms,
					   int *wstatus, char *msg,
					   size_t msglen)
{
	long long deadline = kps_now_ms() + timeout_ms, left;
	struct pollfd pfd[2];
	bool open[2] = { true, true };
	int i, nfds, ret;

	for (;;) {
		left = deadline - kps_now_ms();
		if (left <= 0)
			goto timeout;
		nfds = 0;
		for (i = 0; i < 2; i++) {
			if (open[i])
				pfd[nfds++] = (struct pollfd){ .fd = sinks[i].fd,
							       .events = POLLIN };
		}
		if (!nfds)
			break;
		ret = poll(pfd, nfds, left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = -errno;
			goto fail;
		}
		for (i = 0; i < 2; i++) {
			if (!open[i])
				continue;
			ret = kps_sink_read(&sinks[i]);
			if (ret < 0)
				goto fail;
			open[i] = ret;
		}
		if (sinks[0].more) {
			kps_kill(pid);
			return kps_say(KPS_BADOUTPUT, msg, msglen,
				      "%s wrote more than %zu bytes: killed",
				      cmd, sinks[0].max);
		}
	}

	/* Outputs closed; it may still be running. */
	for (;;) {
		pid_t r = waitpid(pid, wstatus, WNOHANG);

		if (r == pid)
			return KPS_CLEAR;
		if (r < 0 && errno == ECHILD)	/* reaped by someone else */
			return kps_say(KPS_SYSERR, msg, msglen,
				      "lost the exit status of %s", cmd);
		if (r < 0 && errno != EINTR) {
			ret = -errno;
			goto fail;
		}
		left = deadline - kps_now_ms();
		if (left <= 0)
			goto timeout;
		kps_sleep_ms(left < KPS_POLL_MS ? left : KPS_POLL_MS);
	}

timeout:
	kps_kill(pid);
	return kps_say(KPS_TIMEOUT, msg, msglen,
		      "%s did not finish within %u ms: killed", cmd, timeout_ms);
fail:
	kps_kill(pid);
	return kps_say(KPS_SYSERR, msg, msglen,
		      "cannot read the output of %s: %s", cmd, strerror(-ret));
}

/* What an exit status and the outputs mean. */
static enum kps_status kps_conclude(const char *cmd, int wstatus,
					    struct kps_sink *out,
					    struct kps_sink *err,
					    struct kps_hit **hits,
					    size_t *n, char *msg, size_t msglen)
{
	char what[KPS_MSG_LEN];
	int code, ret;

	kps_one_line(what, sizeof(what), err->buf, err->len, err->more);
	if (WIFSIGNALED(wstatus))
		return kps_say(KPS_FAILED, msg, msglen,
			      "%s was killed by signal %d (%s)%s%s", cmd,
			      WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)),
			      what[0] ? ": " : "", what);
	code = WEXITSTATUS(wstatus);
	if (code == 127 && !out->len && !what[0])	/* the spawned child's exec failed */
		return kps_say(KPS_NOCMD, msg, msglen,
			      "cannot run %s: exit status 127", cmd);
	if (code == 2 && what[0])
		return kps_say(KPS_FAILED, msg, msglen, "%s", what);
	if (code != KPS_CLEAR && code != KPS_INSIDE)
		return kps_say(KPS_FAILED, msg, msglen,
			      "%s exited with status %d%s%s", cmd, code,
			      what[0] ? ": " : " and no message", what);

	ret = kps_parse(out->buf, out->len, hits, n, what,
				 sizeof(what));
	if (ret == -ENOMEM)
		return kps_say(KPS_SYSERR, msg, msglen, "out of memory");
	if (ret)
		return kps_say(KPS_BADOUTPUT, msg, msglen,
			      "bad output from %s: %s", cmd, what);
	if ((code == KPS_INSIDE) != (*n > 0)) {
		size_t listed = *n;

		free(*hits);
		*hits = NULL;
		*n = 0;
		return kps_say(KPS_BADOUTPUT, msg, msglen,
			      "bad output from %s: exit status %d with %zu tasks listed",
			      cmd, code, listed);
	}
	/* its warnings, e.g. a function whose tasks it cannot see */
	kps_one_line(msg, msglen, err->buf, err->len, err->more);
	return code;
}

enum kps_status kps_run(const struct kps_opts *opts,
					  const char *const *functions, size_t nr,
					  struct kps_hit **hits, size_t *n,
					  char *msg, size_t msglen)
{
	const char *cmd = opts && opts->command ? opts->command : KPS_COMMAND;
	unsigned int timeout = opts && opts->timeout_ms ? opts->timeout_ms :
			       KPS_TIMEOUT_MS;
	struct kps_sink sinks[2] = {
		{ .fd = -1, .max = KPS_MAX_OUTPUT },
		{ .fd = -1, .max = KPS_MAX_STDERR },
	};
	enum kps_status status;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int wstatus = 0, ret;
	char **argv;
	pid_t pid;

	*hits = NULL;
	*n = 0;
	if (msg && msglen)
		msg[0] = '\0';
	if (!nr)
		return KPS_CLEAR;

	/*
	 * posix_spawn() reports a failed exec, but not where it falls back to
	 * fork() (some libcs, valgrind): ask first for a clear reason.
	 */
	if (access(cmd, X_OK))
		return kps_say(KPS_NOCMD, msg, msglen, "cannot run %s: %s",
			      cmd, strerror(errno));

	/* "--" so that no FUNCTION is taken for an option */
	argv = calloc(nr + 4, sizeof(*argv));
	if (!argv)
		return kps_say(KPS_SYSERR, msg, msglen, "out of memory");
	argv[0] = (char *)cmd;
	argv[1] = "--json";
	argv[2] = "--";
	memcpy(argv + 3, functions, nr * sizeof(*argv));

	/* close-on-exec: only the child's dup2() copies survive its exec */
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(err[0], F_SETFL, O_NONBLOCK)) {
		status = kps_say(KPS_SYSERR, msg, msglen,
				"cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	ret = kps_spawn(cmd, argv, out[1], err[1], &pid);
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	if (ret) {
		status = kps_say(KPS_NOCMD, msg, msglen,
				"cannot run %s: %s", cmd, strerror(ret));
		goto out;
	}

	sinks[0].fd = out[0];
	sinks[1].fd = err[0];
	status = kps_collect(cmd, pid, sinks, timeout, &wstatus, msg, msglen);
	if (status == KPS_CLEAR)
		status = kps_conclude(cmd, wstatus, &sinks[0], &sinks[1], hits,
				     n, msg, msglen);
out:
	for (ret = 0; ret < 2; ret++) {
		if (out[ret] >= 0)
			close(out[ret]);
		if (err[ret] >= 0)
			close(err[ret]);
	}
	free(sinks[0].buf);
	free(sinks[1].buf);
	free(argv);
	return status;
}

/* The decision */

/* Printable on a terminal and in a log, whatever the bytes. */
static void kps_printable(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = '\0';
}

int kps_format_hit(const struct kps_hit *hit, char *buf,
			    size_t size)
{
	char comm[KPS_COMM_LEN], function[KPS_NAME_LEN];
	char module[KPS_MODULE_LEN];
	const char *fmt = hit->kthread ? "%u [%s] " : "%u %s ";
	int n;

	kps_printable(comm, hit->comm, sizeof(comm));
	kps_printable(function, hit->function, sizeof(function));
	kps_printable(module, hit->module, sizeof(module));
	n = snprintf(buf, size, fmt, hit->pid, comm);
	if (n < 0 || (size_t)n >= size)
		return n;
	if (!function[0])
		return n + snprintf(buf + n, size - n, "0x%llx", hit->address);
	return n + snprintf(buf + n, size - n, "%s+0x%llx%s%s%s", function,
			    hit->offset, module[0] ? " [" : "", module,
			    module[0] ? "]" : "");
}

static __printf(2, 3) void kps_append(struct kps_result *res,
				     const char *fmt, ...)
{
	size_t len = strlen(res->message);
	va_list ap;

	if (len + 1 >= sizeof(res->message))
		return;
	va_start(ap, fmt);
	vsnprintf(res->message + len, sizeof(res->message) - len, fmt, ap);
	va_end(ap);
}

/* "2 tasks are inside ...: 107 sleep f+0x9e, 2 [kthreadd] g+0x2bc" */
static void kps_list_hits(struct kps_result *res, const char *still)
{
	char one[KPS_MSG_LEN];
	size_t i;

	kps_append(res, "%zu %s %sinside the functions to change", res->nr_hits,
		  res->nr_hits == 1 ? "task is" : "tasks are", still);
	if (*still)
		kps_append(res, " after %u %s", res->tries,
			  res->tries == 1 ? "try" : "tries");
	for (i = 0; i < res->nr_hits && i < KPS_MAX_LISTED; i++) {
		kps_format_hit(&res->hits[i], one, sizeof(one));
		kps_append(res, "%s%s", i ? ", " : ": ", one);
	}
	if (res->nr_hits > KPS_MAX_LISTED)
		kps_append(res, ", and %zu more",
			  res->nr_hits - KPS_MAX_LISTED);
}

enum kps_decision kps_decide(const struct kps_opts *opts,
					       const char *const *functions, size_t nr,
					       struct kps_result *res)
{
	unsigned int tries = opts && opts->tries ? opts->tries : KPS_TRIES;
	unsigned int delay = opts && opts->delay_ms ? opts->delay_ms :
			     KPS_DELAY_MS;
	void (*wait_ms)(unsigned int ms) = opts && opts->sleep ? opts->sleep :
					   kps_sleep_ms;
	char note[KPS_MSG_LEN];

	memset(res, 0, sizeof(*res));
	for (;;) {
		kps_result_free(res);
		res->message[0] = '\0';
		res->status = kps_run(opts, functions, nr, &res->hits,
					       &res->nr_hits, note, sizeof(note));
		res->tries++;

		if (res->status == KPS_CLEAR) {
			res->decision = KPS_PROCEED;
			kps_append(res, "no task is inside the functions to change");
			if (res->tries > 1)
				kps_append(res, " after %u tries", res->tries);
			break;
		}
		if (res->status != KPS_INSIDE) {
			/* Advice that cannot be had is no reason to refuse. */
			res->decision = KPS_WARN;
			kps_append(res, "no pre-screen: %s; the engine's check decides",
				  note);
			return res->decision;
		}
		if (res->tries >= tries) {
			res->decision = KPS_WARN;
			kps_list_hits(res, "still ");
			kps_append(res, "; the engine's check decides");
			break;
		}
		res->decision = KPS_WAIT;
		kps_list_hits(res, "");
		if (delay % 1000)
			kps_append(res, "; trying again in %u ms", delay);
		else
			kps_append(res, "; trying again in %u s", delay / 1000);
		kps_append(res, " (try %u of %u)", res->tries, tries);
		if (opts && opts->waiting)
			opts->waiting(res, opts->data);
		wait_ms(delay);
	}
	/* the command's warnings, e.g. functions whose tasks it cannot see */
	if (note[0])
		kps_append(res, "; %s", note);
	return res->decision;
}

void kps_result_free(struct kps_result *res)
{
	free(res->hits);
	res->hits = NULL;
	res->nr_hits = 0;
}
