// SPDX-License-Identifier: GPL-2.0
/*
 * kcare-uname: print system information like uname(1), with the kernel
 * release the applied live patches bring the kernel to, so that
 * vulnerability scanners see the truth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "uname.h"

#define KCU_EFFECTIVE_PATH "/sys/kernel/kcare/effective_version"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kcare-uname [OPTION]...\n"
		"Print system information, with the effective kernel release when\n"
		"kcare live patches are applied. With no OPTION, same as -s.\n\n"
		"  -a, --all                print all information, except -p and -i if unknown\n"
		"  -s, --kernel-name        print the kernel name\n"
		"  -n, --nodename           print the network node hostname\n"
		"  -r, --kernel-release     print the effective kernel release\n"
		"  -v, --kernel-version     print the kernel version\n"
		"  -m, --machine            print the machine hardware name\n"
		"  -p, --processor          print the processor type\n"
		"  -i, --hardware-platform  print the hardware platform\n"
		"  -o, --operating-system   print the operating system\n"
		"      --help               display this help and exit\n"
		"      --version            output version information and exit\n");
}

int main(int argc, char **argv)
{
	char err[128], eff[256], out[2048];
	struct utsname uts;
	unsigned int fields;

	switch (kcu_parse(argc, argv, &fields, err, sizeof(err))) {
	case KCU_HELP:
		usage(stdout);
		return 0;
	case KCU_SHOW_VERSION:
		printf("kcare-uname %s\n", KCARE_VERSION);
		return 0;
	case KCU_USAGE_ERROR:
		fprintf(stderr, "kcare-uname: %s\n", err);
		fprintf(stderr, "Try 'kcare-uname --help' for more information.\n");
		return 1;
	case KCU_PRINT:
		break;
	}
	if (uname(&uts)) {
		perror("kcare-uname: uname");
		return 1;
	}
	if (kcu_format(&uts, kcu_effective_release(KCU_EFFECTIVE_PATH, eff,
						   sizeof(eff)),
		       fields, out, sizeof(out)) < 0) {
		fprintf(stderr, "kcare-uname: output too long\n");
		return 1;
	}
	puts(out);
	return 0;
}
