// SPDX-License-Identifier: GPL-2.0
/*
 * The logic of kcare-uname, kept apart from main() so that it can be unit
 * tested: argument parsing as GNU uname does it, and formatting.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "uname.h"

static const struct option kcu_longopts[] = {
	{ "all",		no_argument, NULL, 'a' },
	{ "kernel-name",	no_argument, NULL, 's' },
	{ "nodename",		no_argument, NULL, 'n' },
	{ "kernel-release",	no_argument, NULL, 'r' },
	{ "kernel-version",	no_argument, NULL, 'v' },
	{ "machine",		no_argument, NULL, 'm' },
	{ "processor",		no_argument, NULL, 'p' },
	{ "hardware-platform",	no_argument, NULL, 'i' },
	{ "operating-system",	no_argument, NULL, 'o' },
	{ "help",		no_argument, NULL, 'H' },
	{ "version",		no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

enum kcu_action kcu_parse(int argc, char **argv, unsigned int *fields,
			  char *err, size_t errsize)
{
	int c;

	*fields = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+asnrvmpio", kcu_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'a': *fields |= KCU_ALL; break;
		case 's': *fields |= KCU_SYSNAME; break;
		case 'n': *fields |= KCU_NODENAME; break;
		case 'r': *fields |= KCU_RELEASE; break;
		case 'v': *fields |= KCU_VERSION; break;
		case 'm': *fields |= KCU_MACHINE; break;
		case 'p': *fields |= KCU_PROCESSOR; break;
		case 'i': *fields |= KCU_PLATFORM; break;
		case 'o': *fields |= KCU_OS; break;
		case 'H': return KCU_HELP;
		case 'V': return KCU_SHOW_VERSION;
		default:
			if (optopt)
				snprintf(err, errsize, "invalid option -- '%c'",
					 optopt);
			else
				snprintf(err, errsize, "unrecognized option '%s'",
					 argv[optind - 1]);
			return KCU_USAGE_ERROR;
		}
	}
	if (optind < argc) {
		snprintf(err, errsize, "extra operand '%s'", argv[optind]);
		return KCU_USAGE_ERROR;
	}
	if (!*fields)
		*fields = KCU_SYSNAME;
	return KCU_PRINT;
}

int kcu_format(const struct utsname *uts, const char *eff_release,
	       unsigned int fields, char *out, size_t size)
{
	const char *val[8] = {
		uts->sysname, uts->nodename,
		eff_release ? eff_release : uts->release, uts->version,
		uts->machine, "unknown", "unknown", "GNU/Linux",
	};
	size_t len = 0;
	int i, n;

	if (fields & KCU_ALL)
		fields |= KCU_SYSNAME | KCU_NODENAME | KCU_RELEASE |
			  KCU_VERSION | KCU_MACHINE | KCU_OS;
	if (size)
		out[0] = '\0';
	for (i = 0; i < 8; i++) {
		if (!(fields & (1u << i)))
			continue;
		n = snprintf(out + len, size - len, "%s%s", len ? " " : "",
			     val[i]);
		if (n < 0 || (size_t)n >= size - len)
			return -1;
		len += n;
	}
	return (int)len;
}

char *kcu_effective_release(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t len;

	if (!f)
		return NULL;
	if (!fgets(buf, (int)size, f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	len = strcspn(buf, "\n");
	buf[len] = '\0';
	return len ? buf : NULL;
}
