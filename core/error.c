// SPDX-License-Identifier: GPL-2.0
/*
 * The last error, and the failed state (error.h).
 *
 * The message has its own spinlock: sysfs reads it without kcare_mutex,
 * which a switch may hold for seconds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/lockdep.h>
#include <linux/printk.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "error.h"
#include "state.h"

static DEFINE_SPINLOCK(kcare_error_lock);
static char kcare_error_msg[256];

void kcare_error(const char *fmt, ...)
{
	va_list args;

	spin_lock(&kcare_error_lock);
	va_start(args, fmt);
	vscnprintf(kcare_error_msg, sizeof(kcare_error_msg), fmt, args);
	va_end(args);
	pr_err("%s\n", kcare_error_msg);
	spin_unlock(&kcare_error_lock);
}

void kcare_last_error(char *buf, size_t size)
{
	spin_lock(&kcare_error_lock);
	strscpy(buf, kcare_error_msg, size);
	spin_unlock(&kcare_error_lock);
}

void kcare_fail(const char *why)
{
	lockdep_assert_held(&kcare_mutex);
	kcare_error("engine failed: %s; reload kcare.ko after removing the payloads",
		    why);
	kcare_state = KCARE_FAILED;
}
