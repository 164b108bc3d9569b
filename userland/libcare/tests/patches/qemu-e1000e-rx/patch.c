// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU 7.2.22's fixes of e1000e's receive path (Debian 1:7.2+dfsg-7+deb12u18,
 * its v7.2.22.diff), live on the qemu-system-x86_64 of 1:7.2+dfsg-7+deb12u15
 * (QEMU 7.2.18), among them "hw/net/e1000e_core: Don't advance desc_offset
 * for NULL buffer RX descriptors": a receive descriptor whose buffer
 * address is 0 must be skipped, and the old code counted it as if the
 * packet had been written there, so a packet that fit in one buffer was
 * lost whole.
 *
 * The fixed function, e1000e_write_packet_to_guest(), is static, and so
 * are its callers up to e1000e_receive_iov(), the exported entry of the
 * receive path; Debian's binary is stripped. So the patch is the fixed
 * e1000e_core.c (the test applies the diff to the old source and passes
 * its folder first with -I), with e1000e_receive_iov() renamed: that one
 * replaces the binary's, and the static functions it reaches come from
 * this object, while every exported function and object it uses (the
 * net_rx_pkt_*() helpers, PCI DMA, trace states) binds to the binary's.
 * The device state is untouched: the same E1000ECore, read and written by
 * the same layout.
 */
#define e1000e_receive_iov lp_e1000e_receive_iov
#include "e1000e_core.c"
#undef e1000e_receive_iov

#include "lpatch.h"

KCARE_LPATCH_REPLACE(e1000e_receive_iov, lp_e1000e_receive_iov);
