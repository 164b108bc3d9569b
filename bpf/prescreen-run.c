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

/* JSON parsing */

/* Where the parser is in the command's output, and where to say what failed. */
struct kc_json {
	const char *s;
	size_t len;
	size_t pos;
	char *err;
	size_t errlen;
};

/* Say what is wrong and where, as "line L, column C: ..." */
static __printf(2, 3) int kc_json_bad(struct kc_json *j, const char *fmt, ...)
{
	size_t line = 1, col = 1, i;
	va_list ap;
	int n;

	if (!j->err || !j->errlen)
		return -EBADMSG;
	for (i = 0; i < j->pos && i < j->len; i++) {
		if (j->s[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(j->err, j->errlen, "line %zu, column %zu: ", line, col);
	if (n >= 0 && (size_t)n < j->errlen) {
		va_start(ap, fmt);
		vsnprintf(j->err + n, j->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static size_t kc_json_left(const struct kc_json *j)
{
	return j->len - j->pos;
}

/* Consume lit if it comes next. */
static bool kc_json_match(struct kc_json *j, const char *lit)
{
	size_t n = strlen(lit);

	if (kc_json_left(j) < n || memcmp(j->s + j->pos, lit, n))
		return false;
	j->pos += n;
	return true;
}

/* Consume lit, which must come next; what names it in the error. */
static int kc_json_expect(struct kc_json *j, const char *lit, const char *what)
{
	size_t n = strlen(lit), left = kc_json_left(j);

	if (kc_json_match(j, lit))
		return 0;
	if (left < n && !memcmp(j->s + j->pos, lit, left)) {
		j->pos = j->len;
		return kc_json_bad(j, "truncated: the output ends before %s",
				   what);
	}
	return kc_json_bad(j, "expected %s", what);
}

/* `, "key": ` (or `{"key": ` for the first one) */
static int kc_json_key(struct kc_json *j, const char *key, bool first)
{
	char lit[32], what[40];

	snprintf(lit, sizeof(lit), "%s\"%s\": ", first ? "{" : ", ", key);
	snprintf(what, sizeof(what), "'%s'", lit);
	return kc_json_expect(j, lit, what);
}

static bool kc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int kc_hex_digit(char c)
{
	if (kc_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON number that is an integer in [0, max]: no sign, fraction or exponent. */
static int kc_json_uint(struct kc_json *j, const char *key,
			unsigned long long max, unsigned long long *val)
{
	unsigned long long v = 0;
	size_t start = j->pos;

	if (!kc_json_left(j))
		return kc_json_bad(j, "truncated: the output ends before the value of \"%s\"",
				   key);
	if (!kc_is_digit(j->s[j->pos]))
		return kc_json_bad(j, "\"%s\" is not an unsigned integer", key);
	if (j->s[j->pos] == '0' && kc_json_left(j) > 1 &&
	    kc_is_digit(j->s[j->pos + 1]))
		return kc_json_bad(j, "\"%s\" has a leading zero", key);
	while (kc_json_left(j) && kc_is_digit(j->s[j->pos])) {
		unsigned int d = j->s[j->pos] - '0';

		if (v > (max - d) / 10) {
			j->pos = start;
			return kc_json_bad(j, "\"%s\" is larger than %llu", key,
					   max);
		}
		v = v * 10 + d;
		j->pos++;
	}
	if (kc_json_left(j) && strchr(".eE", j->s[j->pos]))
		return kc_json_bad(j, "\"%s\" is not an unsigned integer", key);
	*val = v;
	return 0;
}

/*
 * A string as kcare-prescreen writes one: printable ASCII, with \" and \\,
 * and \u00XX for any other byte. size counts the NUL.
 */
static int kc_json_string(struct kc_json *j, const char *key, char *buf,
			  size_t size)
{
	size_t n = 0;

	if (!kc_json_left(j))
		return kc_json_bad(j, "truncated: the output ends before the value of \"%s\"",
				   key);
	if (j->s[j->pos] != '"')
		return kc_json_bad(j, "\"%s\" is not a string", key);
	j->pos++;
	for (;;) {
		unsigned char c;
		size_t step = 1;

		if (!kc_json_left(j))
			return kc_json_bad(j, "truncated: the string \"%s\" is not terminated",
					   key);
		c = j->s[j->pos];
		if (c == '"')
			break;
		if (c == '\\') {
			int h[4] = { -1, -1, -1, -1 }, i;

			if (kc_json_left(j) < 2)
				return kc_json_bad(j, "truncated: the string \"%s\" is not terminated",
						   key);
			c = j->s[j->pos + 1];
			step = 2;
			if (c == 'u') {
				if (kc_json_left(j) < 6)
					return kc_json_bad(j, "truncated: the string \"%s\" is not terminated",
							   key);
				for (i = 0; i < 4; i++)
					h[i] = kc_hex_digit(j->s[j->pos + 2 + i]);
				if (h[0] || h[1] || h[2] < 0 || h[3] < 0 ||
				    !(h[2] | h[3]))
					return kc_json_bad(j, "\"%s\" has a \\u escape that is not \\u0001 to \\u00ff",
							   key);
				c = h[2] << 4 | h[3];
				step = 6;
			} else if (c != '"' && c != '\\') {
				return kc_json_bad(j, "\"%s\" has an escape other than \\\", \\\\ and \\u00XX",
						   key);
			}
		} else if (c < 0x20 || c >= 0x7f) {
			return kc_json_bad(j, "\"%s\" holds the raw byte 0x%02x",
					   key, c);
		}
		if (n + 1 >= size)
			return kc_json_bad(j, "\"%s\" is longer than %zu bytes",
					   key, size - 1);
		buf[n++] = c;
		j->pos += step;
	}
	j->pos++;
	buf[n] = '\0';
	return 0;
}

/* A string, or null as "": an empty string would be ambiguous. */
static int kc_json_string_or_null(struct kc_json *j, const char *key,
				  char *buf, size_t size)
{
	int ret;

	if (kc_json_match(j, "null")) {
		buf[0] = '\0';
		return 0;
	}
	ret = kc_json_string(j, key, buf, size);
	if (!ret && !buf[0])
		ret = kc_json_bad(j, "\"%s\" is empty", key);
	return ret;
}

static int kc_json_bool(struct kc_json *j, const char *key, bool *val)
{
	if (kc_json_match(j, "true"))
		*val = true;
	else if (kc_json_match(j, "false"))
		*val = false;
	else if (!kc_json_left(j))
		return kc_json_bad(j, "truncated: the output ends before the value of \"%s\"",
				   key);
	else
		return kc_json_bad(j, "\"%s\" is not true or false", key);
	return 0;
}

/* "0x" and 1 to 16 hex digits, as printf's %llx writes them */
static int kc_json_address(struct kc_json *j, const char *key,
			   unsigned long long *val)
{
	char buf[24];
	size_t i;
	int ret;

	ret = kc_json_string(j, key, buf, sizeof(buf));
	if (ret)
		return ret;
	if (strncmp(buf, "0x", 2) || !buf[2] || strlen(buf) > 18 ||
	    strspn(buf + 2, "0123456789abcdef") != strlen(buf + 2))
		return kc_json_bad(j, "\"%s\" is not \"0x\" and 1 to 16 hex digits",
				   key);
	*val = 0;
	for (i = 2; buf[i]; i++)
		*val = *val << 4 | kc_hex_digit(buf[i]);
	return 0;
}

/* One object, all its keys in kcare-prescreen's order. */
static int kc_json_hit(struct kc_json *j, struct kps_hit *h)
{
	unsigned long long v;
	int ret;

	memset(h, 0, sizeof(*h));
	ret = kc_json_key(j, "pid", true);
	if (!ret)
		ret = kc_json_uint(j, "pid", 0xffffffffU, &v);
	if (ret)
		return ret;
	h->pid = v;
	ret = kc_json_key(j, "tgid", false);
	if (!ret)
		ret = kc_json_uint(j, "tgid", 0xffffffffU, &v);
	if (ret)
		return ret;
	h->tgid = v;
	ret = kc_json_key(j, "comm", false);
	if (!ret)
		ret = kc_json_string(j, "comm", h->comm, sizeof(h->comm));
	if (!ret)
		ret = kc_json_key(j, "kthread", false);
	if (!ret)
		ret = kc_json_bool(j, "kthread", &h->kthread);
	if (!ret)
		ret = kc_json_key(j, "function", false);
	if (!ret)
		ret = kc_json_string_or_null(j, "function", h->function,
					     sizeof(h->function));
	if (!ret)
		ret = kc_json_key(j, "module", false);
	if (!ret)
		ret = kc_json_string_or_null(j, "module", h->module,
					     sizeof(h->module));
	if (!ret)
		ret = kc_json_key(j, "offset", false);
	if (!ret)
		ret = kc_json_uint(j, "offset", ~0ULL, &h->offset);
	if (!ret)
		ret = kc_json_key(j, "address", false);
	if (!ret)
		ret = kc_json_address(j, "address", &h->address);
	if (!ret)
		ret = kc_json_expect(j, "}", "'}'");
	if (!ret && h->module[0] && !h->function[0])
		ret = kc_json_bad(j, "a module without a function");
	return ret;
}

int kps_parse(const char *json, size_t len,
		       struct kps_hit **hits, size_t *n,
		       char *err, size_t errlen)
{
	struct kc_json j = { json, json ? len : 0, 0, err, errlen };
	struct kps_hit *v = NULL, *tmp;
	size_t nr = 0, cap = 0;
	int ret;

	*hits = NULL;
	*n = 0;
	if (err && errlen)
		err[0] = '\0';
	if (!j.len)
		return kc_json_bad(&j, "empty output");
	if (kc_json_match(&j, "[]"))
		goto end;
	ret = kc_json_expect(&j, "[\n", "'[' and a new line");
	if (ret)
		return ret;
	for (;;) {
		if (nr == cap) {
			cap = cap ? 2 * cap : 16;
			tmp = realloc(v, cap * sizeof(*v));
			if (!tmp) {
				ret = -ENOMEM;
				if (err && errlen)
					snprintf(err, errlen, "out of memory");
				goto err;
			}
			v = tmp;
		}
		ret = kc_json_hit(&j, &v[nr]);
		if (ret)
			goto err;
		nr++;
		if (kc_json_match(&j, ",\n"))
			continue;
		ret = kc_json_expect(&j, "\n]", "',' and a new line, or a new line and ']'");
		if (ret)
			goto err;
		break;
	}
end:
	kc_json_match(&j, "\n");
	if (kc_json_left(&j)) {
		ret = kc_json_bad(&j, "unexpected data after the closing ']'");
		goto err;
	}
	*hits = v;
	*n = nr;
	return 0;
err:
	free(v);
	return ret;
}

/* Running the command */

/* One of the command's outputs, read as it comes, up to max bytes kept. */
struct kc_sink {
	int fd;
	char *buf;
	size_t len;
	size_t cap;
	size_t max;
	bool more;	/* it wrote more than max */
};

/* Read what is there: 1 while open, 0 at its end, -errno on failure. */
static int kc_sink_read(struct kc_sink *s)
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

static long long kc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void kc_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * The command's stderr as one line: lines joined with "; ", other
 * unprintable bytes as '?', so that it cannot forge lines of our own.
 */
static void kc_one_line(char *dst, size_t size, const char *src, size_t len,
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
kc_say(enum kps_status status, char *msg, size_t msglen,
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
static int kc_spawn(const char *cmd, char **argv, int out, int err, pid_t *pid)
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

static void kc_kill(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Read both outputs until they end, then wait for the exit, all before the
 * deadline. Returns CLEAR once it has exited, for kc_conclude() to say what
 * that means; on any failure the process group is killed and reaped.
 */
static enum kps_status kc_collect(const char *cmd, pid_t pid,
					   struct kc_sink *sinks,
					   unsigned int timeout_ms,
					   int *wstatus, char *msg,
					   size_t msglen)
{
	long long deadline = kc_now_ms() + timeout_ms, left;
	struct pollfd pfd[2];
	bool open[2] = { true, true };
	int i, nfds, ret;

	for (;;) {
		left = deadline - kc_now_ms();
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
			ret = kc_sink_read(&sinks[i]);
			if (ret < 0)
				goto fail;
			open[i] = ret;
		}
		if (sinks[0].more) {
			kc_kill(pid);
			return kc_say(KPS_BADOUTPUT, msg, msglen,
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
			return kc_say(KPS_SYSERR, msg, msglen,
				      "lost the exit status of %s", cmd);
		if (r < 0 && errno != EINTR) {
			ret = -errno;
			goto fail;
		}
		left = deadline - kc_now_ms();
		if (left <= 0)
			goto timeout;
		kc_sleep_ms(left < KPS_POLL_MS ? left : KPS_POLL_MS);
	}

timeout:
	kc_kill(pid);
	return kc_say(KPS_TIMEOUT, msg, msglen,
		      "%s did not finish within %u ms: killed", cmd, timeout_ms);
fail:
	kc_kill(pid);
	return kc_say(KPS_SYSERR, msg, msglen,
		      "cannot read the output of %s: %s", cmd, strerror(-ret));
}

/* What an exit status and the outputs mean. */
static enum kps_status kc_conclude(const char *cmd, int wstatus,
					    struct kc_sink *out,
					    struct kc_sink *err,
					    struct kps_hit **hits,
					    size_t *n, char *msg, size_t msglen)
{
	char what[KPS_MSG_LEN];
	int code, ret;

	kc_one_line(what, sizeof(what), err->buf, err->len, err->more);
	if (WIFSIGNALED(wstatus))
		return kc_say(KPS_FAILED, msg, msglen,
			      "%s was killed by signal %d (%s)%s%s", cmd,
			      WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)),
			      what[0] ? ": " : "", what);
	code = WEXITSTATUS(wstatus);
	if (code == 127 && !out->len && !what[0])	/* the spawned child's exec failed */
		return kc_say(KPS_NOCMD, msg, msglen,
			      "cannot run %s: exit status 127", cmd);
	if (code == 2 && what[0])
		return kc_say(KPS_FAILED, msg, msglen, "%s", what);
	if (code != KPS_CLEAR && code != KPS_INSIDE)
		return kc_say(KPS_FAILED, msg, msglen,
			      "%s exited with status %d%s%s", cmd, code,
			      what[0] ? ": " : " and no message", what);

	ret = kps_parse(out->buf, out->len, hits, n, what,
				 sizeof(what));
	if (ret == -ENOMEM)
		return kc_say(KPS_SYSERR, msg, msglen, "out of memory");
	if (ret)
		return kc_say(KPS_BADOUTPUT, msg, msglen,
			      "bad output from %s: %s", cmd, what);
	if ((code == KPS_INSIDE) != (*n > 0)) {
		size_t listed = *n;

		free(*hits);
		*hits = NULL;
		*n = 0;
		return kc_say(KPS_BADOUTPUT, msg, msglen,
			      "bad output from %s: exit status %d with %zu tasks listed",
			      cmd, code, listed);
	}
	/* its warnings, e.g. a function whose tasks it cannot see */
	kc_one_line(msg, msglen, err->buf, err->len, err->more);
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
	struct kc_sink sinks[2] = {
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
		return kc_say(KPS_NOCMD, msg, msglen, "cannot run %s: %s",
			      cmd, strerror(errno));

	/* "--" so that no FUNCTION is taken for an option */
	argv = calloc(nr + 4, sizeof(*argv));
	if (!argv)
		return kc_say(KPS_SYSERR, msg, msglen, "out of memory");
	argv[0] = (char *)cmd;
	argv[1] = "--json";
	argv[2] = "--";
	memcpy(argv + 3, functions, nr * sizeof(*argv));

	/* close-on-exec: only the child's dup2() copies survive its exec */
	if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC) ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(err[0], F_SETFL, O_NONBLOCK)) {
		status = kc_say(KPS_SYSERR, msg, msglen,
				"cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	ret = kc_spawn(cmd, argv, out[1], err[1], &pid);
	close(out[1]);
	close(err[1]);
	out[1] = err[1] = -1;
	if (ret) {
		status = kc_say(KPS_NOCMD, msg, msglen,
				"cannot run %s: %s", cmd, strerror(ret));
		goto out;
	}

	sinks[0].fd = out[0];
	sinks[1].fd = err[0];
	status = kc_collect(cmd, pid, sinks, timeout, &wstatus, msg, msglen);
	if (status == KPS_CLEAR)
		status = kc_conclude(cmd, wstatus, &sinks[0], &sinks[1], hits,
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
static void kc_printable(char *dst, const char *src, size_t size)
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

	kc_printable(comm, hit->comm, sizeof(comm));
	kc_printable(function, hit->function, sizeof(function));
	kc_printable(module, hit->module, sizeof(module));
	n = snprintf(buf, size, fmt, hit->pid, comm);
	if (n < 0 || (size_t)n >= size)
		return n;
	if (!function[0])
		return n + snprintf(buf + n, size - n, "0x%llx", hit->address);
	return n + snprintf(buf + n, size - n, "%s+0x%llx%s%s%s", function,
			    hit->offset, module[0] ? " [" : "", module,
			    module[0] ? "]" : "");
}

static __printf(2, 3) void kc_append(struct kps_result *res,
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
static void kc_list_hits(struct kps_result *res, const char *still)
{
	char one[KPS_MSG_LEN];
	size_t i;

	kc_append(res, "%zu %s %sinside the functions to change", res->nr_hits,
		  res->nr_hits == 1 ? "task is" : "tasks are", still);
	if (*still)
		kc_append(res, " after %u %s", res->tries,
			  res->tries == 1 ? "try" : "tries");
	for (i = 0; i < res->nr_hits && i < KPS_MAX_LISTED; i++) {
		kps_format_hit(&res->hits[i], one, sizeof(one));
		kc_append(res, "%s%s", i ? ", " : ": ", one);
	}
	if (res->nr_hits > KPS_MAX_LISTED)
		kc_append(res, ", and %zu more",
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
					   kc_sleep_ms;
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
			kc_append(res, "no task is inside the functions to change");
			if (res->tries > 1)
				kc_append(res, " after %u tries", res->tries);
			break;
		}
		if (res->status != KPS_INSIDE) {
			/* Advice that cannot be had is no reason to refuse. */
			res->decision = KPS_WARN;
			kc_append(res, "no pre-screen: %s; the engine's check decides",
				  note);
			return res->decision;
		}
		if (res->tries >= tries) {
			res->decision = KPS_WARN;
			kc_list_hits(res, "still ");
			kc_append(res, "; the engine's check decides");
			break;
		}
		res->decision = KPS_WAIT;
		kc_list_hits(res, "");
		if (delay % 1000)
			kc_append(res, "; trying again in %u ms", delay);
		else
			kc_append(res, "; trying again in %u s", delay / 1000);
		kc_append(res, " (try %u of %u)", res->tries, tries);
		if (opts && opts->waiting)
			opts->waiting(res, opts->data);
		wait_ms(delay);
	}
	/* the command's warnings, e.g. functions whose tasks it cannot see */
	if (note[0])
		kc_append(res, "; %s", note);
	return res->decision;
}

void kps_result_free(struct kps_result *res)
{
	free(res->hits);
	res->hits = NULL;
	res->nr_hits = 0;
}
