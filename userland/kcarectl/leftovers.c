// SPDX-License-Identifier: GPL-2.0
/*
 * Removing what killed runs left (leftovers.h).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "leftovers.h"
#include "util.h"

/* A directory of root's, below @dfd (AT_FDCWD: a path) or -1. */
static int kc_open_own_dir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd >= 0 && kc_dir_check_fd(fd, name, NULL, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Call @fn for each entry of @dfd (not "." or ".."); @dfd stays open.
 * A callback removes or recurses; the listing is of a dup of @dfd.
 */
static void kc_each_entry(int dfd, void (*fn)(int dfd, struct dirent *de,
					       void *arg), void *arg)
{
	struct dirent *de;
	DIR *d;
	int fd;

	fd = dup(dfd);
	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			fn(dfd, de, arg);
	closedir(d);
}

/* The cache: ".tmp.*" files at any depth up to *(int *)arg. */
static void kc_cache_entry(int dfd, struct dirent *de, void *arg)
{
	int depth = *(int *)arg - 1, sub;

	if (!strncmp(de->d_name, ".tmp.", 5)) {
		unlinkat(dfd, de->d_name, 0);
		return;
	}
	if (de->d_type != DT_DIR || depth < 0 || !strcmp(de->d_name, KC_CACHE_STAGING))
		return;
	sub = kc_open_own_dir(dfd, de->d_name);
	if (sub < 0)
		return;
	kc_each_entry(sub, kc_cache_entry, &depth);
	close(sub);
}

/* The staging directory: downloads nobody resumed for a week. */
static void kc_staging_entry(int dfd, struct dirent *de, void *arg)
{
	time_t now = *(time_t *)arg;
	struct stat st;

	if (!fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
	    (!S_ISREG(st.st_mode) || st.st_mtime + KC_CACHE_STAGING_MAX_AGE < now))
		unlinkat(dfd, de->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
}

/* The state directory: kc_write_atomic()'s ".NAME.tmp.PID". */
static void kc_state_entry(int dfd, struct dirent *de, void *arg)
{
	if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp."))
		unlinkat(dfd, de->d_name, 0);
}

void kc_leftovers_clean(const char *cache_dir, const char *state_dir,
			time_t now)
{
	int fd, sfd, depth = 4;

	fd = kc_open_own_dir(AT_FDCWD, cache_dir);
	if (fd >= 0) {
		kc_each_entry(fd, kc_cache_entry, &depth);
		sfd = kc_open_own_dir(fd, KC_CACHE_STAGING);
		if (sfd >= 0) {
			kc_each_entry(sfd, kc_staging_entry, &now);
			close(sfd);
		}
		close(fd);
	}
	fd = kc_open_own_dir(AT_FDCWD, state_dir);
	if (fd >= 0) {
		kc_each_entry(fd, kc_state_entry, NULL);
		close(fd);
	}
}
