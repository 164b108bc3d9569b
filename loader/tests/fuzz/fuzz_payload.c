// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the payload check (loader/payload.c): the input is
 * checked as a payload for an x86_64 and for an arm64 kernel, which never
 * both accept it; a refusal fills no info, and what is accepted is a
 * payload for that kernel by every field the check reports. The same for
 * a user-space payload (a libcare object, loader/payload-user.c).
 *
 * The seeds (fuzz/corpus/fuzz_payload/) are small objects made with gcc -c
 * from a .modinfo string and a function, not kernel modules: real ones
 * are too large to be good seeds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "util.h"

#define BUILD_ID	"85c7e4e2ed76f4417e8aaad7c6b040d2bb897a26"

static const struct kcl_payload_want want_x86 = {
	"x86_64", "6.1.0-56-amd64", BUILD_ID,
};
static const struct kcl_payload_want want_arm64 = {
	"arm64", "6.1.0-56-arm64", BUILD_ID,
};

static bool good_name(const char *s)
{
	size_t len = strlen(s);

	return len && len <= KCL_PAYLOAD_NAME_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

static int try_want(const uint8_t *data, size_t size,
		    const struct kcl_payload_want *want)
{
	size_t krl = strlen(want->kernel_release);
	struct kcl_payload_info info;
	char err[512];

	err[0] = '\0';
	if (kcl_payload_check("fuzz.ko", data, size, want, &info, err,
			      sizeof(err))) {
		if (!err[0] || strchr(err, '\n') || info.name[0] ||
		    info.vermagic[0] || info.build_id[0])
			abort();
		return 0;
	}
	if (!good_name(info.name) ||
	    strncmp(info.vermagic, want->kernel_release, krl) ||
	    (info.vermagic[krl] != ' ' && info.vermagic[krl] != '\0') ||
	    strcmp(info.build_id, want->build_id))
		abort();
	return 1;
}

/* As a libcare patch object: no vermagic, the library's build-id. */
static int try_user(const uint8_t *data, size_t size,
		    const struct kcl_payload_want *want)
{
	struct kcl_payload_info info;
	char err[512];

	err[0] = '\0';
	if (kcl_payload_check("fuzz-lp.o", data, size, want, &info, err,
			      sizeof(err))) {
		if (!err[0] || strchr(err, '\n') || info.name[0] ||
		    info.build_id[0])
			abort();
		return 0;
	}
	if (!good_name(info.name) || strcmp(info.build_id, want->build_id))
		abort();
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (try_want(data, size, &want_x86) + try_want(data, size, &want_arm64) > 1)
		abort();
	if (try_user(data, size, &want_x86) + try_user(data, size, &want_arm64) > 1)
		abort();
	return 0;
}
