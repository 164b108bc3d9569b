// SPDX-License-Identifier: GPL-2.0
/*
 * One process: each ELF object it maps, its build-id read from the
 * process's own memory (LibCare's proc.c, opened read-only, so nothing is
 * attached or stopped), against the build-id of the file now at that path
 * in the process's own root (/proc/PID/root, so containers are seen from
 * inside), and against the LibCare patch markers the process carries.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lc.h"
#include "uchecker.h"

enum uc_level uc_loglevel = UC_ERROR;

/* Like the original's logging.basicConfig(format='%(message)s'): stderr. */
void uc_log(enum uc_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl < uc_loglevel)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* LOGLEVEL as Python's logging takes it: a name, any case, or a number. */
enum uc_level uc_parse_level(const char *s)
{
	static const struct { const char *name; enum uc_level lvl; } names[] = {
		{ "DEBUG", UC_DEBUG }, { "INFO", UC_INFO },
		{ "WARNING", UC_WARNING }, { "WARN", UC_WARNING },
		{ "ERROR", UC_ERROR }, { "CRITICAL", UC_CRITICAL },
		{ "FATAL", UC_CRITICAL },
	};
	char *end;
	long v;
	size_t i;

	if (!s || !*s)
		return UC_ERROR;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcasecmp(s, names[i].name))
			return names[i].lvl;
	v = strtol(s, &end, 10);
	return *end ? 0 : (enum uc_level)v;
}

/*
 * The GNU build-id of the ELF file at @path, in hex. The file is read
 * through libelf, by its program headers, as the loader sees it.
 * -ENODATA: an ELF file without one; -ENOEXEC: not ELF.
 */
int uc_file_build_id(const char *path, char *hex, size_t len)
{
	size_t i, nph;
	int fd, r = -ENODATA;
	Elf *e;

	hex[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getphdrnum(e, &nph)) {
		r = -ENOEXEC;
		goto out;
	}
	for (i = 0; i < nph && r; i++) {
		size_t off = 0, next, name, desc;
		GElf_Phdr ph;
		GElf_Nhdr nh;
		Elf_Data *d;

		if (!gelf_getphdr(e, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(e, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		while (d && (next = gelf_getnote(d, off, &nh, &name, &desc)) > 0) {
			const unsigned char *b = d->d_buf;

			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp(b + name, "GNU", 4) && nh.n_descsz <= UC_ID_MAX &&
			    2 * nh.n_descsz < len) {
				lc_hex(hex, b + desc, nh.n_descsz);
				r = 0;
				break;
			}
			off = next;
		}
	}
out:
	if (e)
		elf_end(e);
	close(fd);
	return r;
}

/*
 * Disk build-ids by (device, inode, mtime, size): a library that a
 * thousand processes map is read once per scan.
 */
#define CACHE_SIZE 4096
static struct disk_entry {
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	int r;
	char hex[2 * UC_ID_MAX + 1];
} cache[CACHE_SIZE];

static int disk_build_id(const char *path, char *hex, size_t len)
{
	struct disk_entry *c;
	struct stat st;
	size_t h, i;

	if (stat(path, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOEXEC;
	h = (st.st_ino * 31 + st.st_dev) % CACHE_SIZE;
	for (i = 0; i < 8; i++) {
		c = &cache[(h + i) % CACHE_SIZE];
		if (!c->ino)
			break;
		if (c->ino == st.st_ino && c->dev == st.st_dev && c->size == st.st_size &&
		    c->mtime.tv_sec == st.st_mtim.tv_sec &&
		    c->mtime.tv_nsec == st.st_mtim.tv_nsec) {
			snprintf(hex, len, "%s", c->hex);
			return c->r;
		}
	}
	c = &cache[(h + (i % 8)) % CACHE_SIZE];
	c->r = uc_file_build_id(path, c->hex, sizeof(c->hex));
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	snprintf(hex, len, "%s", c->hex);
	return c->r;
}

#define MAX_MARKERS 64

/* The LibCare patch the process carries for @o, from its marker. */
static bool find_patch(struct lc_proc *p, const unsigned long *marks, int n,
		       const struct lc_obj *o, struct uc_finding *f)
{
	struct lc_marker m;
	int i;

	for (i = 0; i < n; i++) {
		/* The header only: the function table is not needed here. */
		if (lc_mem_read(p, marks[i], &m, offsetof(struct lc_marker, funcs)))
			continue;
		if ((int)m.build_id_len != o->build_id_len ||
		    memcmp(m.build_id, o->build_id, o->build_id_len))
			continue;
		f->level = m.level;
		snprintf(f->patch, sizeof(f->patch), "%.*s", (int)sizeof(m.id), m.id);
		return true;
	}
	return false;
}

static void judge(struct lc_proc *p, const struct lc_obj *o,
		  const unsigned long *marks, int nmarks, struct uc_finding *f)
{
	static const char del[] = " (deleted)";
	size_t l = strlen(o->path);
	bool deleted = l > sizeof(del) - 1 &&
		       !strcmp(o->path + l - (sizeof(del) - 1), del);
	char disk[PATH_MAX + 32];
	int r;

	memset(f, 0, sizeof(*f));
	f->pid = p->pid;
	snprintf(f->comm, sizeof(f->comm), "%s", p->comm);
	snprintf(f->path, sizeof(f->path), "%.*s",
		 (int)(deleted ? l - (sizeof(del) - 1) : l), o->path);
	f->name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
	lc_hex(f->mem_id, o->build_id, o->build_id_len);
	uc_log(UC_INFO, "For %s[%d] `%s` was found with buid id = %s",
	       f->comm, (int)f->pid, f->name, f->mem_id);

	snprintf(disk, sizeof(disk), "/proc/%d/root%s", (int)p->pid, f->path);
	r = disk_build_id(disk, f->disk_id, sizeof(f->disk_id));
	uc_log(UC_DEBUG, "path: %s, on disk: %s", f->path,
	       r ? strerror(-r) : f->disk_id);
	if (!r && !strcmp(f->mem_id, f->disk_id)) {
		/* A reinstall of the same build: the code is the same. */
		f->state = UC_CURRENT;
		return;
	}
	if (deleted)
		uc_log(UC_WARNING, "Library `%s` was gathered from memory.", f->name);
	if (r == -ENOENT || r == -ENOTDIR)
		f->reason = "deleted";
	else if (r)
		f->reason = "unreadable on disk";
	else
		f->reason = deleted ? "replaced" : "changed";
	f->state = find_patch(p, marks, nmarks, o, f) ? UC_PATCHED : UC_OUTDATED;
}

/*
 * Calls @fn for every ELF object with a build-id that @pid maps.
 * 0, or -errno: -ESRCH when the process is gone, -EACCES/-EPERM when its
 * memory may not be read, -ECHILD for a kernel thread (nothing mapped).
 */
int uc_scan_pid(pid_t pid, int (*fn)(const struct uc_finding *f, void *arg),
		void *arg)
{
	static FILE *quiet;
	unsigned long marks[MAX_MARKERS];
	struct lc_opts o = { 0 };
	struct uc_finding f;
	struct lc_proc p;
	char exe[64], buf[8];
	int i, r, nmarks;

	/* LibCare's own messages: ours say the same in the original's words. */
	if (!quiet)
		quiet = fopen("/dev/null", "we");
	o.err = quiet;
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	if (readlink(exe, buf, sizeof(buf)) < 0 && errno == ENOENT) {
		/* No executable: a kernel thread, or a process gone. */
		exe[strlen(exe) - 4] = 0;
		return access(exe, F_OK) ? -ESRCH : -ECHILD;
	}
	r = lc_proc_open(&p, pid, &o);
	if (r)
		return r;
	p.read_only = true;
	r = lc_proc_objects(&p);
	if (r)
		goto out;
	nmarks = lc_proc_markers(&p, marks, MAX_MARKERS);
	for (i = 0; i < p.nobjs && !r; i++) {
		judge(&p, &p.objs[i], marks, nmarks > 0 ? nmarks : 0, &f);
		r = fn(&f, arg);
	}
out:
	lc_proc_close(&p);
	return r;
}
