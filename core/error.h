/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error reporting, for every part of the engine: each failure is logged
 * and kept as the last error (/sys/kernel/kcare/last_error), so that a
 * caller up the stack can quote the reason in its own message.
 */
#ifndef _KCARE_ERROR_H
#define _KCARE_ERROR_H

#include <linux/compiler.h>
#include <linux/types.h>

/* Record why the last operation failed, for last_error and the log. */
__printf(1, 2) void kcare_error(const char *fmt, ...);
/*
 * An internal error the engine cannot undo: refuse every later change.
 * kcare_mutex held.
 */
void kcare_fail(const char *why);
void kcare_last_error(char *buf, size_t size);

#endif /* _KCARE_ERROR_H */
