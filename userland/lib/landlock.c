// SPDX-License-Identifier: GPL-2.0
/*
 * Landlock, read-only below a few paths (landlock.h). Only the access
 * rights of Landlock's first ABI are handled, so the same ruleset works on
 * every kernel that has Landlock (5.13 and later, Debian 12's 6.1 among
 * them).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "landlock.h"

/* Everything ABI 1 can deny: reading, writing, creating, removing, exec. */
#define KC_LL_HANDLED	((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1)
#define KC_LL_READ	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE)
#define KC_LL_READ_DIR	(KC_LL_READ | LANDLOCK_ACCESS_FS_READ_DIR)

static int kc_ll_allow(int ruleset, const char *path)
{
	struct landlock_path_beneath_attr pb = { 0 };
	struct stat st;
	int fd, ret;

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	/* A rule on a file may name only the rights a file has. */
	pb.allowed_access = S_ISDIR(st.st_mode) ? KC_LL_READ_DIR : KC_LL_READ;
	pb.parent_fd = fd;
	ret = syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH,
		      &pb, 0);
	close(fd);
	return ret ? -1 : 0;
}

int kc_landlock_read_only(const char *const *paths, size_t n)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = KC_LL_HANDLED,
	};
	int ruleset, saved;
	size_t i;

	ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (kc_ll_allow(ruleset, paths[i]))
			goto fail;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0))
		goto fail;
	close(ruleset);
	return 0;
fail:
	saved = errno;
	close(ruleset);
	errno = saved;
	return -1;
}
