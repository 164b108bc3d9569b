// SPDX-License-Identifier: GPL-2.0
/*
 * State files: one per patched library per process,
 * STATE_DIR/PID/BUILD-ID, "key=value" lines, so that "info" needs no
 * ptrace and survives our restarts. The process start time in each file
 * tells a live entry from one whose pid was reused. A patch or removal in
 * progress is "state=unclean" until it is finished: if the patcher dies,
 * info says so until the next patch or unpatch of that process cleans up.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lc.h"

static unsigned long long start_time(pid_t pid)
{
	char path[64], buf[1024], *s;
	unsigned long long t = 0;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	s = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	if (s) {
		/* Field 22, counted from the state (field 3) after ')'. */
		for (i = 0; i < 20 && s; i++)
			s = strchr(s + 1, ' ');
		if (s)
			t = strtoull(s + 1, NULL, 10);
	}
	fclose(f);
	return t;
}

static void mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *s;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (s = strchr(buf + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		mkdir(buf, 0700);
		*s = '/';
	}
	mkdir(buf, 0700);
}

int lc_state_save(const struct lc_opts *o, struct lc_proc *p,
		  struct lc_obj *obj, const struct lc_marker *m,
		  unsigned long addr, bool unclean)
{
	char dir[PATH_MAX], path[PATH_MAX + 160], tmp[PATH_MAX + 170], hex[2 * LC_BUILD_ID_MAX + 1];
	FILE *f;

	lc_hex(hex, m->build_id, m->build_id_len);
	snprintf(dir, sizeof(dir), "%s/%d", o->state_dir, (int)p->pid);
	/* The state directory is there but for the first process of all. */
	if (mkdir(dir, 0700) && errno == ENOENT)
		mkdir_p(dir);
	/* Read once: a patch writes its file twice (unclean, then applied). */
	if (!p->start_time)
		p->start_time = start_time(p->pid);
	snprintf(path, sizeof(path), "%s/%s", dir, hex);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f) {
		lc_msg(o, p->pid, "cannot write %s: %s", tmp, strerror(errno));
		return -errno;
	}
	fprintf(f, "pid=%d\ncomm=%s\nstart=%llu\npath=%s\nbuildid=%s\nlevel=%u\nid=%s\naddr=%#lx\nsize=%lu\nstate=%s\n",
		(int)p->pid, p->comm, p->start_time, obj->path, hex, m->level,
		m->id, addr, (unsigned long)m->size, unclean ? "unclean" : "applied");
	if (fclose(f) || rename(tmp, path)) {
		lc_msg(o, p->pid, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

void lc_state_drop(const struct lc_opts *o, pid_t pid, const char *hexid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%d/%s", o->state_dir, (int)pid, hexid);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%d", o->state_dir, (int)pid);
	rmdir(path);
}

static int read_entry(const char *path, struct lc_applied *a,
		      unsigned long long *start)
{
	char line[1024];
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	memset(a, 0, sizeof(*a));
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '=');

		if (!v)
			continue;
		*v++ = 0;
		v[strcspn(v, "\n")] = 0;
		if (!strcmp(line, "pid"))
			a->pid = atoi(v);
		else if (!strcmp(line, "comm"))
			snprintf(a->comm, sizeof(a->comm), "%s", v);
		else if (!strcmp(line, "start"))
			*start = strtoull(v, NULL, 10);
		else if (!strcmp(line, "path"))
			snprintf(a->path, sizeof(a->path), "%s", v);
		else if (!strcmp(line, "buildid"))
			snprintf(a->build_id, sizeof(a->build_id), "%s", v);
		else if (!strcmp(line, "level"))
			a->level = strtoul(v, NULL, 10);
		else if (!strcmp(line, "id"))
			snprintf(a->id, sizeof(a->id), "%s", v);
		else if (!strcmp(line, "addr"))
			a->addr = strtoul(v, NULL, 0);
		else if (!strcmp(line, "size"))
			a->size = strtoul(v, NULL, 10);
		else if (!strcmp(line, "state"))
			a->unclean = !strcmp(v, "unclean");
	}
	fclose(f);
	return a->pid ? 0 : -EINVAL;
}

/* Every live entry; those of processes that are gone are skipped. */
int lc_info(const struct lc_opts *o,
	    int (*fn)(const struct lc_applied *a, void *arg), void *arg)
{
	DIR *d = opendir(o->state_dir), *pd;
	struct dirent *de, *fe;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!r && (de = readdir(d))) {
		char dir[PATH_MAX];

		if (atoi(de->d_name) <= 0)
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", o->state_dir, de->d_name);
		pd = opendir(dir);
		while (pd && !r && (fe = readdir(pd))) {
			char path[PATH_MAX + 256];
			unsigned long long start = 0;
			struct lc_applied a;

			if (fe->d_name[0] == '.' || strchr(fe->d_name, '.'))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, fe->d_name);
			if (read_entry(path, &a, &start) || start != start_time(a.pid))
				continue;
			r = fn(&a, arg);
		}
		if (pd)
			closedir(pd);
	}
	closedir(d);
	return r;
}
