// SPDX-License-Identifier: GPL-2.0
/*
 * hammer [-n NICE] FILE SECONDS PATTERN...: read FILE from start to end in
 * a tight loop for SECONDS (which calls the kernel functions behind it),
 * and check that every read returns one of the expected contents (all of
 * the file, without its final new line). Prints
 * the number of reads; exits 1 on an unexpected content or a read error.
 * -n lowers its priority first, as nice(1) would (the test guest's
 * busybox has no nice).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[4096];
	unsigned long reads = 0;
	time_t end;
	ssize_t n;
	int fd, i;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		errno = 0;
		if (nice(atoi(argv[2])) == -1 && errno) {
			fprintf(stderr, "hammer: nice: %s\n", strerror(errno));
			return 1;
		}
		argv += 2;
		argc -= 2;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: hammer [-n NICE] FILE SECONDS EXPECTED...\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hammer: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			fprintf(stderr, "hammer: read: %s\n", strerror(errno));
			return 1;
		}
		/* The whole content, less its final new line. */
		if (n && buf[n - 1] == '\n')
			n--;
		buf[n] = '\0';
		for (i = 3; i < argc; i++)
			if (!strcmp(buf, argv[i]))
				break;
		if (i == argc) {
			fprintf(stderr, "hammer: unexpected content '%s'\n", buf);
			return 1;
		}
		reads++;
	}
	printf("hammer: %lu reads\n", reads);
	return 0;
}
