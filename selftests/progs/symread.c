// SPDX-License-Identifier: GPL-2.0
/*
 * symread: follow a path as another user, the way a web server would.
 *
 *   symread open|stat UID GID[,GID...] PATH
 *
 * Becomes UID with group GID (and the further GIDs as supplementary
 * groups), then open(2)s and reads PATH ("open": the last component is
 * looked up by open itself) or stat(2)s it ("stat": looked up by the
 * generic path walk), following links in both. Prints "symread: allowed"
 * and exits 0, or "symread: refused (errno N: text)" and exits 1. The
 * extra patchset's symlink owner match protection refuses with EACCES.
 * Exits 2 when something else went wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: symread open|stat UID GID[,GID...] PATH\n");
	return 2;
}

int main(int argc, char **argv)
{
	gid_t groups[16];
	size_t ngroups = 0;
	char buf[4096], *p, *end;
	struct stat st;
	int fd = -1, ret;
	uid_t uid;

	if (argc != 5 || (strcmp(argv[1], "open") && strcmp(argv[1], "stat")))
		return usage();
	uid = strtoul(argv[2], &end, 10);
	if (*end)
		return usage();
	for (p = argv[3]; ngroups < 16; p = end + 1) {
		groups[ngroups++] = strtoul(p, &end, 10);
		if (*end != ',')
			break;
	}
	if (*end)
		return usage();
	if (setgroups(ngroups - 1, groups + 1) || setgid(groups[0]) ||
	    setuid(uid)) {
		printf("symread: cannot become %s:%s: %s\n", argv[2], argv[3],
		       strerror(errno));
		return 2;
	}
	if (!strcmp(argv[1], "stat")) {
		ret = stat(argv[4], &st);
	} else {
		fd = open(argv[4], O_RDONLY);
		ret = fd < 0 ? -1 : (int)read(fd, buf, sizeof(buf));
	}
	if (ret < 0) {
		printf("symread: refused (errno %d: %s)\n", errno, strerror(errno));
		return 1;
	}
	if (fd >= 0)
		close(fd);
	printf("symread: allowed\n");
	return 0;
}
