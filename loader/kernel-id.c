// SPDX-License-Identifier: GPL-2.0
/*
 * The running kernel's GNU build-id from /sys/kernel/notes (kernel-id.h).
 *
 * The file is vmlinux's .notes section as is: a sequence of ELF notes in
 * the kernel's byte order, which is this program's, each a 12-byte header
 * (namesz, descsz, type) followed by the name and the description, each
 * padded to 4 bytes. It is small and comes from the kernel, but it is
 * parsed with every length checked all the same: a fault here would stop
 * every update.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-id.h"
#include "util.h"

#define KCL_NT_GNU_BUILD_ID	3

static uint32_t kcl_note_word(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* @n rounded up to 4 (in a size_t, where it cannot overflow). */
static size_t kcl_note_pad(uint32_t n)
{
	return ((size_t)n + 3) & ~(size_t)3;
}

int kcl_kernel_notes_build_id(const char *what, const unsigned char *buf,
			      size_t len, char *hex, size_t hexlen, char *err,
			      size_t errlen)
{
	size_t off = 0;

	while (len - off >= 12) {
		uint32_t namesz = kcl_note_word(buf + off);
		uint32_t descsz = kcl_note_word(buf + off + 4);
		uint32_t type = kcl_note_word(buf + off + 8);
		size_t name = off + 12, desc, next;

		if (kcl_note_pad(namesz) > len - name)
			break;
		desc = name + kcl_note_pad(namesz);
		if (descsz > len - desc)
			break;
		/* The last note's padding may be missing. */
		next = kcl_note_pad(descsz) > len - desc ? len :
		       desc + kcl_note_pad(descsz);
		if (type == KCL_NT_GNU_BUILD_ID && namesz == 4 &&
		    !memcmp(buf + name, "GNU", 4)) {
			if (!descsz)
				return kc_fail(err, errlen,
						"%s has an empty GNU build-id note",
						what);
			if (hexlen < 2 * (size_t)descsz + 1)
				return kc_fail(err, errlen,
						"%s has a GNU build-id of %u bytes, longer than any expected",
						what, descsz);
			kc_hex(hex, buf + desc, descsz);
			return 0;
		}
		off = next;
	}
	if (off < len)
		return kc_fail(err, errlen,
				"%s is malformed: a note at byte %zu runs past the end",
				what, off);
	return kc_fail(err, errlen, "%s has no GNU build-id note", what);
}

int kcl_kernel_build_id(const char *path, char *hex, size_t hexlen,
			char *err, size_t errlen)
{
	unsigned char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kc_fail(err, errlen,
				"cannot read the kernel's build-id from %s: %s",
				path, strerror(errno));
	/* One byte more than allowed, to tell a file that is too large. */
	buf = malloc(KCL_KERNEL_NOTES_MAX + 1);
	if (!buf) {
		close(fd);
		return kc_fail(err, errlen, "out of memory");
	}
	/* sysfs may return less than asked: read to the end. */
	do {
		n = read(fd, buf + len, KCL_KERNEL_NOTES_MAX + 1 - len);
		if (n > 0)
			len += n;
	} while ((n > 0 && len <= KCL_KERNEL_NOTES_MAX) ||
		 (n < 0 && errno == EINTR));
	if (n < 0) {
		ret = kc_fail(err, errlen,
			       "cannot read the kernel's build-id from %s: %s",
			       path, strerror(errno));
	} else if (len > KCL_KERNEL_NOTES_MAX) {
		ret = kc_fail(err, errlen, "%s is larger than %d bytes",
			       path, KCL_KERNEL_NOTES_MAX);
	} else {
		ret = kcl_kernel_notes_build_id(path, buf, len, hex, hexlen,
						err, errlen);
	}
	close(fd);
	free(buf);
	return ret;
}
