// SPDX-License-Identifier: GPL-2.0
/*
 * The target process seen through /proc: who it is, whether we may touch
 * it, its memory, and the ELF objects it maps, identified by the GNU
 * build-id read from its own memory (never from the file on disk, which
 * may have been replaced since the process loaded it).
 */
#include <ctype.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc.h"

void lc_msg(const struct lc_opts *o, pid_t pid, const char *fmt, ...)
{
	FILE *f = o->err ? o->err : stderr;
	va_list ap;

	if (pid)
		fprintf(f, "libcare: pid %d: ", (int)pid);
	else
		fprintf(f, "libcare: ");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/* Fault injection for the tests: LIBCARE_FAULT=NAME. */
bool lc_fault(const char *name)
{
	const char *f = getenv("LIBCARE_FAULT");

	return f && !strcmp(f, name);
}

void lc_hex(char *out, const unsigned char *in, int len)
{
	int i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
	out[2 * len] = 0;
}

int lc_unhex(unsigned char *out, int max, const char *in)
{
	int n = 0;
	unsigned int b;

	while (isxdigit((unsigned char)in[0]) && isxdigit((unsigned char)in[1]) &&
	       n < max) {
		if (sscanf(in, "%2x", &b) != 1)
			return -1;
		out[n++] = b;
		in += 2;
	}
	return in[0] ? -1 : n;
}

/* A status line's value ("State:\tS (sleeping)"), or NULL. */
static char *status_field(const char *status, const char *key, char *buf,
			  size_t len)
{
	const char *s = strstr(status, key);

	if (!s)
		return NULL;
	s += strlen(key);
	while (*s == ' ' || *s == '\t')
		s++;
	snprintf(buf, len, "%.*s", (int)strcspn(s, "\n"), s);
	return buf;
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return 0;
}

bool lc_blacklisted(const struct lc_opts *o, const char *comm)
{
	static const char *const dflt[] = {
		"/var/cache/kcare/userspace/blacklist",
		"/var/lib/libcare/blacklist",
	};
	char line[256];
	FILE *f = NULL;
	bool hit = false;
	size_t i;

	if (o->blacklist)
		f = fopen(o->blacklist, "re");
	/* The first file that exists wins: the cache one overrides. */
	for (i = 0; !o->blacklist && !f && i < 2; i++)
		f = fopen(dflt[i], "re");
	if (!f)
		return false;
	while (!hit && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		hit = line[0] && line[0] != '#' && !strcmp(line, comm);
	}
	fclose(f);
	return hit;
}

int lc_proc_open(struct lc_proc *p, pid_t pid, const struct lc_opts *o)
{
	char path[64];

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->o = o;
	p->mem_fd = -1;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	if (read_small(path, p->comm, sizeof(p->comm))) {
		lc_msg(o, pid, "no such process");
		return -ESRCH;
	}
	p->comm[strcspn(p->comm, "\n")] = 0;
	return 0;
}

static int open_mem(struct lc_proc *p)
{
	char path[64];

	if (p->mem_fd >= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->pid);
	p->mem_fd = open(path, (p->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (p->mem_fd < 0) {
		lc_msg(p->o, p->pid, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	return 0;
}

void lc_proc_close(struct lc_proc *p)
{
	if (p->mem_fd >= 0)
		close(p->mem_fd);
	free(p->th);
	free(p->objs);
	lc_maps_drop(p);
	p->th = NULL;
	p->th_cap = 0;
	p->objs = NULL;
	p->mem_fd = -1;
}

/* Processes we refuse, each with the reason said once. */
int lc_proc_check(struct lc_proc *p)
{
	char status[4096], path[64], v[64];

	if (p->pid == 1 || p->pid == getpid()) {
		lc_msg(p->o, p->pid, "refused: %s is never patched",
		       p->pid == 1 ? "init" : "libcare itself");
		return -LC_EREFUSED;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)p->pid);
	if (read_small(path, status, sizeof(status))) {
		lc_msg(p->o, p->pid, "no such process");
		return -ESRCH;
	}
	if (status_field(status, "Threads:", v, sizeof(v)))
		p->threads = atoi(v);
	if (status_field(status, "State:", v, sizeof(v)) && v[0] == 'Z') {
		lc_msg(p->o, p->pid, "refused: %s is a zombie", p->comm);
		return -LC_EREFUSED;
	}
	if (status_field(status, "TracerPid:", v, sizeof(v)) && atoi(v)) {
		lc_msg(p->o, p->pid, "refused: %s is traced by pid %s", p->comm, v);
		return -LC_EREFUSED;
	}
	/*
	 * A filter may kill the process for the calls we inject (mmap,
	 * mprotect with PROT_EXEC: what systemd's MemoryDenyWriteExecute=
	 * forbids, with a seccomp filter); a filter cannot be read back
	 * without CAP_SYS_ADMIN tricks, so any filter refuses.
	 */
	if (status_field(status, "Seccomp:", v, sizeof(v)) && atoi(v)) {
		lc_msg(p->o, p->pid, "refused: %s runs under a seccomp filter (mode %s; MemoryDenyWriteExecute= of systemd is one); injected system calls could kill it",
		       p->comm, v);
		return -LC_EPOLICY;
	}
	if (lc_blacklisted(p->o, p->comm)) {
		lc_msg(p->o, p->pid, "refused: %s is in the blacklist", p->comm);
		return -LC_EREFUSED;
	}
	return 0;
}

int lc_mem_read(struct lc_proc *p, unsigned long addr, void *buf, size_t len)
{
	ssize_t n = pread(p->mem_fd, buf, len, (off_t)addr);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/* Through /proc/PID/mem: writes read-only text too (copy on write). */
int lc_mem_write(struct lc_proc *p, unsigned long addr, const void *buf,
		 size_t len)
{
	ssize_t n = pwrite(p->mem_fd, buf, len, (off_t)addr);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

/*
 * /proc/PID/maps, read once and kept until a system call we run in the
 * process changes its mappings (lc_syscall() drops it): the objects, the
 * free room, our regions and the unwinder's modules all come from the
 * same text, which the kernel builds anew, at some cost, at every read.
 */
static int maps_load(struct lc_proc *p)
{
	char path[64];
	size_t cap = 8192;
	ssize_t n;
	int fd;

	if (p->maps)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)p->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p->maps = malloc(cap);
	p->maps_len = 0;
	while (p->maps) {
		if (p->maps_len == cap) {
			char *m = realloc(p->maps, 2 * cap);

			if (!m)
				break;
			p->maps = m;
			cap *= 2;
		}
		n = read(fd, p->maps + p->maps_len, cap - p->maps_len);
		if (n <= 0) {
			if (n < 0)
				lc_maps_drop(p);
			break;
		}
		p->maps_len += n;
	}
	close(fd);
	return p->maps ? 0 : -EIO;
}

FILE *lc_maps_open(struct lc_proc *p)
{
	if (maps_load(p))
		return NULL;
	/* An empty buffer is no stream: a process with no mapping at all. */
	return p->maps_len ? fmemopen(p->maps, p->maps_len, "r") :
			     fopen("/dev/null", "re");
}

void lc_maps_drop(struct lc_proc *p)
{
	free(p->maps);
	p->maps = NULL;
	p->maps_len = 0;
}

/* The build-id note of the ELF object mapped at @o->start. */
static int obj_identify(struct lc_proc *p, struct lc_obj *o)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[64];
	unsigned long first = ~0UL, note_addr, note_len;
	unsigned char notes[1024];
	int i, n;

	if (lc_mem_read(p, o->start, &eh, sizeof(eh)) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr))
		return -1;
	n = eh.e_phnum < 64 ? eh.e_phnum : 64;
	if (lc_mem_read(p, o->start + eh.e_phoff, ph, n * sizeof(ph[0])))
		return -1;
	for (i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr < first)
			first = ph[i].p_vaddr & ~4095UL;
	if (first == ~0UL)
		return -1;
	o->bias = o->start - first;
	for (i = 0; i < n; i++) {
		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_X)) {
			o->xend = o->bias + ph[i].p_vaddr + ph[i].p_filesz;
			o->xpage_end = (o->xend + 4095) & ~4095UL;
		}
	}
	/* Objects may have several PT_NOTE: look at each. */
	for (i = 0; i < n; i++) {
		unsigned long off = 0;

		if (ph[i].p_type != PT_NOTE)
			continue;
		note_addr = o->bias + ph[i].p_vaddr;
		note_len = ph[i].p_memsz < sizeof(notes) ? ph[i].p_memsz : sizeof(notes);
		if (lc_mem_read(p, note_addr, notes, note_len))
			continue;
		while (off + sizeof(Elf64_Nhdr) <= note_len) {
			Elf64_Nhdr *nh = (Elf64_Nhdr *)(notes + off);
			unsigned long name = off + sizeof(*nh);
			unsigned long desc = name + ((nh->n_namesz + 3) & ~3UL);

			if (desc + nh->n_descsz > note_len)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    !memcmp(notes + name, "GNU", 4) &&
			    nh->n_descsz <= LC_BUILD_ID_MAX) {
				memcpy(o->build_id, notes + desc, nh->n_descsz);
				o->build_id_len = nh->n_descsz;
				return 0;
			}
			off = desc + ((nh->n_descsz + 3) & ~3UL);
		}
	}
	return -1;
}

/* Every file-backed ELF object of the target, with its build-id. */
int lc_proc_objects(struct lc_proc *p)
{
	char line[PATH_MAX + 128];
	FILE *f;
	int cap = 0;

	int r = open_mem(p);

	if (r)
		return r;
	f = lc_maps_open(p);
	if (!f)
		return -ESRCH;
	free(p->objs);
	p->objs = NULL;
	p->nobjs = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e, off;
		char perm[8], file[PATH_MAX];
		struct lc_obj *o;
		int ino;

		file[0] = 0;
		if (sscanf(line, "%lx-%lx %7s %lx %*s %d %4095[^\n]", &s, &e,
			   perm, &off, &ino, file) < 5 || !ino || file[0] != '/')
			continue;
		o = p->nobjs ? &p->objs[p->nobjs - 1] : NULL;
		if (o && !strcmp(o->path, file) && s >= o->start) {
			if (e > o->end)
				o->end = e;
			continue;
		}
		if (off)
			continue;
		if (p->nobjs == cap) {
			cap = cap ? 2 * cap : 32;
			o = realloc(p->objs, cap * sizeof(*o));
			if (!o) {
				fclose(f);
				return -ENOMEM;
			}
			p->objs = o;
		}
		o = &p->objs[p->nobjs];
		memset(o, 0, sizeof(*o));
		snprintf(o->path, sizeof(o->path), "%s", file);
		snprintf(o->map_file, sizeof(o->map_file), "/proc/%d/map_files/%lx-%lx",
			 (int)p->pid, s, e);
		o->start = s;
		o->end = e;
		if (!obj_identify(p, o))
			p->nobjs++;
	}
	fclose(f);
	return 0;
}

struct lc_obj *lc_proc_find(struct lc_proc *p, const unsigned char *id, int len)
{
	int i;

	for (i = 0; i < p->nobjs; i++)
		if (p->objs[i].build_id_len == len &&
		    !memcmp(p->objs[i].build_id, id, len))
			return &p->objs[i];
	return NULL;
}

/* Quiet: for --all, which looks at every process, kernel threads too. */
bool lc_process_maps_build_id(pid_t pid, const unsigned char *id, int len)
{
	struct lc_opts o = { .err = fopen("/dev/null", "we") };
	struct lc_proc p;
	bool hit = false;

	if (lc_proc_open(&p, pid, &o) == 0 && lc_proc_objects(&p) == 0)
		hit = lc_proc_find(&p, id, len) != NULL;
	lc_proc_close(&p);
	if (o.err)
		fclose(o.err);
	return hit;
}

int lc_process_objects(pid_t pid,
		       int (*fn)(pid_t pid, const char *comm, const char *path,
				 const unsigned char *id, int len, void *arg),
		       void *arg)
{
	struct lc_opts o = { .err = fopen("/dev/null", "we") };
	struct lc_proc p;
	int i, r;

	r = lc_proc_open(&p, pid, &o);
	if (!r)
		r = lc_proc_objects(&p);
	for (i = 0; !r && i < p.nobjs; i++)
		if (p.objs[i].build_id_len)
			r = fn(pid, p.comm, p.objs[i].path, p.objs[i].build_id,
			       p.objs[i].build_id_len, arg);
	lc_proc_close(&p);
	if (o.err)
		fclose(o.err);
	return r;
}

/*
 * A free, page-aligned range of @size bytes inside [@lo, @hi), as close to
 * @near as the gaps between the mappings allow.
 */
int lc_proc_free_near(struct lc_proc *p, unsigned long lo, unsigned long hi,
		      unsigned long size, unsigned long near, unsigned long *out)
{
	char line[PATH_MAX + 128];
	unsigned long prev = 0x10000, best = 0, bestd = ~0UL, s, e;
	FILE *f = lc_maps_open(p);

	if (!f)
		return -ESRCH;
	for (;;) {
		bool more = fgets(line, sizeof(line), f) != NULL;
		unsigned long gs, ge, cand, d;

		if (!more || sscanf(line, "%lx-%lx", &s, &e) != 2)
			s = e = 0x7ffffffff000UL;
		/* Keep a guard page on each side of the gap. */
		gs = (prev > lo ? prev : lo) + 4096;
		ge = (s < hi ? s : hi);
		if (ge > gs + 4096 && ge - gs - 4096 >= size) {
			cand = near < gs ? gs : ge - 4096 - size;
			d = cand > near ? cand - near : near - cand;
			if (d < bestd) {
				best = cand;
				bestd = d;
			}
		}
		if (!more)
			break;
		prev = e;
	}
	fclose(f);
	if (!best)
		return -ENOSPC;
	*out = best;
	return 0;
}

/* Regions we injected earlier: anonymous mappings that start with our magic. */
int lc_proc_markers(struct lc_proc *p, unsigned long *addrs, int max)
{
	char line[PATH_MAX + 128], magic[8];
	FILE *f = lc_maps_open(p);
	int n = 0;

	if (!f)
		return -ESRCH;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perm[8];
		int ino;

		if (sscanf(line, "%lx-%lx %7s %*s %*s %d", &s, &e, perm, &ino) != 4 ||
		    ino || perm[2] != 'x')
			continue;
		if (!lc_mem_read(p, s, magic, sizeof(magic)) &&
		    !memcmp(magic, LC_MAGIC, sizeof(magic)))
			addrs[n++] = s;
	}
	fclose(f);
	return n;
}
