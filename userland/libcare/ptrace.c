// SPDX-License-Identifier: GPL-2.0
/*
 * Holding a process: PTRACE_SEIZE and PTRACE_INTERRUPT every thread until
 * no new one appears, and letting all of them go again on every path.
 * No option that outlives us is set (no PTRACE_O_EXITKILL): if libcare
 * dies, the kernel detaches the threads and they run on. Signals that
 * arrive while a thread is held are given back to it at detach.
 */
#include <dirent.h>
#include <fcntl.h>
#include <elf.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lc.h"

static int get_regs(pid_t tid, lc_regs *r)
{
	struct iovec io = { r, sizeof(*r) };

	return ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &io) ? -errno : 0;
}

static int set_regs(pid_t tid, lc_regs *r)
{
	struct iovec io = { r, sizeof(*r) };

	return ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &io) ? -errno : 0;
}

static struct lc_thread *find_thread(struct lc_proc *p, pid_t tid)
{
	int i;

	for (i = 0; i < p->nth; i++)
		if (p->th[i].tid == tid)
			return &p->th[i];
	return NULL;
}

/* The process a thread belongs to (Tgid: in its status). */
static pid_t tgid_of(pid_t tid)
{
	char path[64], buf[512], *s;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tid;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return tid;
	buf[n] = 0;
	s = strstr(buf, "Tgid:");
	return s ? atoi(s + 5) : tid;
}

/* A thread that is a zombie or gone: it will not stop for us. */
static bool thread_dead(pid_t pid, pid_t tid)
{
	char path[80], buf[256], *s;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = 0;
	s = strrchr(buf, ')');
	return !s || s[2] == 'Z' || s[2] == 'X';
}

static void on_alarm(int sig)
{
}

/*
 * waitpid() for one thread, never blocking for good: a thread whose
 * group is exiting may never report to us (its leader, a zombie, waits
 * for the others). A 20 ms interval timer interrupts the wait to look:
 * dead threads are given up at once, any thread after 5 s.
 */
static int wait_one(pid_t tid, int *st)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, old_it;
	struct sigaction sa = { .sa_handler = on_alarm }, old_sa;
	int ticks = 0, err = 0;
	pid_t r;

	/*
	 * Most stops have happened by the time we look (the interrupts of
	 * all threads go out first): one call, without arming the timer.
	 */
	r = waitpid(tid, st, __WALL | WNOHANG);
	if (r == tid)
		return 0;
	if (r < 0 && errno != EINTR)
		return -errno;
	sigaction(SIGALRM, &sa, &old_sa);
	setitimer(ITIMER_REAL, &it, &old_it);
	for (;;) {
		r = waitpid(tid, st, __WALL);
		if (r == tid)
			break;
		if (r >= 0 || errno != EINTR) {
			err = r < 0 ? -errno : -EPROTO;
			break;
		}
		if (thread_dead(tgid_of(tid), tid)) {
			err = -ESRCH;
			break;
		}
		if (++ticks > 250) {
			err = -ETIMEDOUT;
			break;
		}
	}
	setitimer(ITIMER_REAL, &old_it, NULL);
	sigaction(SIGALRM, &old_sa, NULL);
	return err;
}

/*
 * Wait for @t's next ptrace-stop. Signals that arrive meanwhile are kept
 * for detach and suppressed now. Returns the stop signal with the event
 * in bits 8..15, or -ESRCH when the thread is gone.
 */
static int wait_stop(struct lc_thread *t)
{
	int st, sig, ev;

	for (;;) {
		int r = wait_one(t->tid, &st);

		if (r < 0)
			return r;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			return -ESRCH;
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (ev || sig == SIGTRAP || sig == (SIGTRAP | 0x80))
			return sig | ev << 8;
		/* A real signal: keep it for later, let the thread stop again. */
		t->sig = sig;
		if (ptrace(PTRACE_CONT, t->tid, 0, 0))
			return -errno;
	}
}

/* Seize and interrupt a thread; its stop is collected by collect_stops(). */
static int seize_one(struct lc_proc *p, pid_t tid)
{
	struct lc_thread *t;

	if (p->nth >= LC_MAX_THREADS)
		return -E2BIG;
	/* Grown as threads appear: most processes have a few. */
	if (p->nth == p->th_cap) {
		int cap = p->th_cap ? 2 * p->th_cap : 16;

		t = realloc(p->th, cap * sizeof(*t));
		if (!t)
			return -ENOMEM;
		p->th = t;
		p->th_cap = cap;
	}
	t = &p->th[p->nth];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	if (ptrace(PTRACE_SEIZE, tid, 0, (void *)PTRACE_O_TRACESYSGOOD))
		return errno == ESRCH ? 0 : -errno;	/* exited meanwhile */
	p->nth++;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) && errno != ESRCH)
		return -errno;
	return 0;
}

/* Wait for the interrupt stops, all requested before: one round trip. */
static int collect_stops(struct lc_proc *p, int from)
{
	int i, r;

	for (i = from; i < p->nth; i++) {
		struct lc_thread *t = &p->th[i];

		r = wait_stop(t);
		if (r == -ESRCH) {
			/* Gone: forget it, keep the others in order. */
			memmove(t, t + 1, (p->nth - i - 1) * sizeof(*t));
			p->nth--;
			i--;
			continue;
		}
		if (r < 0)
			return r;
		t->stopped = true;
		r = get_regs(t->tid, &t->regs);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Stop every thread (@all), repeating the scan until it finds no new
 * thread; or just one, enough to run system calls in the process.
 */
int lc_attach(struct lc_proc *p, bool all)
{
	char path[64];
	int round, r = 0;

	p->nth = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)p->pid);
	for (round = 0; round < 100; round++) {
		DIR *d = opendir(path);
		struct dirent *de;
		int from = p->nth;

		if (!d) {
			r = -ESRCH;
			break;
		}
		while ((de = readdir(d))) {
			pid_t tid = atoi(de->d_name);

			if (tid <= 0 || find_thread(p, tid))
				continue;
			r = seize_one(p, tid);
			if (r || (!all && p->nth))
				break;
		}
		closedir(d);
		if (!r)
			r = collect_stops(p, from);
		if (r || p->nth == from || (!all && p->nth))
			break;
	}
	if (!r && !p->nth)
		r = -ESRCH;
	if (!r && round == 100)
		r = -EAGAIN;
	if (r) {
		lc_msg(p->o, p->pid, "cannot stop %s: %s", p->comm,
		       r == -ESRCH ? "the process exited" : strerror(-r));
		lc_detach(p);
		return r;
	}
	return 0;
}

static void scratch_restore(struct lc_proc *p)
{
	if (p->scratch_set &&
	    lc_mem_write(p, p->scratch, p->scratch_orig, p->scratch_len))
		lc_msg(p->o, p->pid, "cannot restore %d bytes at %#lx",
		       p->scratch_len, p->scratch);
	p->scratch_set = false;
}

/* Let every thread go, registers and pending signals as they were. */
void lc_detach(struct lc_proc *p)
{
	int i;

	scratch_restore(p);
	for (i = 0; i < p->nth; i++) {
		struct lc_thread *t = &p->th[i];

		if (t->dirty && set_regs(t->tid, &t->regs))
			lc_msg(p->o, p->pid, "thread %d: cannot restore its registers", t->tid);
		ptrace(PTRACE_DETACH, t->tid, 0, (void *)(long)t->sig);
	}
	p->nth = 0;
}

/*
 * Where to run injected system calls: the tail of the last page of an
 * executable segment, past the segment's content, where no code of the
 * process ever jumps. Our system call stops at its exit (PTRACE_SYSCALL);
 * what follows it is a stub that puts back every register of the thread
 * and jumps to where it was: should we die while the thread runs our
 * system call, the kernel lets it go and the stub makes it carry on as if
 * nothing happened.
 */
static int scratch_setup(struct lc_proc *p)
{
	unsigned char code[LC_STUB_MAX];
	struct lc_thread *t = &p->th[0];
	int i, len;

	if (p->scratch_set)
		return 0;
	/* Where the thread goes back to, its interrupted call restarted. */
	lc_arch_restart(&t->regs);
	t->dirty = true;
	len = lc_arch_syscall_stub(code, &t->regs);
	for (i = 0; i < p->nobjs; i++) {
		struct lc_obj *o = &p->objs[i];
		unsigned long a = (o->xend + 15) & ~15UL;

		if (!o->xend || a + len > o->xpage_end)
			continue;
		if (lc_mem_read(p, a, p->scratch_orig, len))
			continue;
		if (lc_mem_write(p, a, code, len))
			continue;
		p->scratch = a;
		p->scratch_len = len;
		p->scratch_set = true;
		return 0;
	}
	lc_msg(p->o, p->pid, "no room for the injected system call in any executable segment");
	return -ENOSPC;
}

static int syscall_stop(struct lc_thread *t)
{
	int err;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0))
			return -errno;
		err = wait_stop(t);
		if (err < 0 || err == (SIGTRAP | 0x80))
			return err < 0 ? err : 0;
		/* Anything else (a group-stop): go on through it. */
	}
}

/* Run one system call in the first thread, registers restored after. */
int lc_syscall(struct lc_proc *p, long nr, long a0, long a1, long a2,
	       long a3, long a4, long a5, long *ret)
{
	const long args[6] = { a0, a1, a2, a3, a4, a5 };
	struct lc_thread *t = &p->th[0];
	lc_regs r;
	int err;

	err = scratch_setup(p);
	if (err)
		return err;
	/* It may map or unmap: the maps are read again when next needed. */
	lc_maps_drop(p);
	r = t->regs;
	lc_arch_set_syscall(&r, p->scratch, nr, args);
	err = set_regs(t->tid, &r);
	/* For the tests: die right here, the thread set to run our call. */
	if (!err && lc_fault("kill-in-syscall"))
		raise(SIGKILL);
	/* Entry, then exit of the system call. */
	if (!err)
		err = syscall_stop(t);
	if (!err)
		err = syscall_stop(t);
	if (!err)
		err = get_regs(t->tid, &r);
	if (err < 0)
		return err;
	*ret = lc_arch_ret(&r);
	return 0;
}

/*
 * Single-step a thread whose pc is inside @r until it leaves, at most
 * @max steps: a short function is left in a few instructions, while the
 * other threads stay stopped. Returns 0 once out, -LC_EBUSY if still in.
 */
int lc_step_out(struct lc_proc *p, struct lc_thread *t,
		const struct lc_range *r, int n, int max)
{
	int step, k, err;

	for (step = 0; step < max; step++) {
		unsigned long pc = lc_arch_pc(&t->regs);
		bool in = false;

		for (k = 0; k < n && !in; k++)
			in = pc >= r[k].start && pc < r[k].end;
		if (!in)
			return 0;
		if (ptrace(PTRACE_SINGLESTEP, t->tid, 0, 0))
			return -errno;
		for (;;) {
			int st;

			err = wait_one(t->tid, &st);
			if (err)
				return err;
			if (WIFEXITED(st) || WIFSIGNALED(st))
				return -ESRCH;
			if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP)
				break;
			/* Kept for detach; stepping goes on without it. */
			if (WIFSTOPPED(st) && !(st >> 16))
				t->sig = WSTOPSIG(st);
			if (ptrace(PTRACE_SINGLESTEP, t->tid, 0, 0))
				return -errno;
		}
		err = get_regs(t->tid, &t->regs);
		if (err)
			return err;
	}
	return -LC_EBUSY;
}
