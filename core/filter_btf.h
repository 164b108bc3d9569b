/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a function may be filtered, from its type in the kernel's BTF
 * (filter_btf.c).
 */
#ifndef _KCARE_FILTER_BTF_H
#define _KCARE_FILTER_BTF_H

/*
 * 0 when @function (of vmlinux) returns a signed int or long, which can
 * carry an error; otherwise an error, explained with kcare_error().
 */
int kcare_filter_btf_check(const char *function);

#endif /* _KCARE_FILTER_BTF_H */
