# SPDX-License-Identifier: GPL-2.0
#
# A QEMU e1000e network card driven from outside the guest, as a guest
# driver would drive it (sourced by test-qemucare.sh): registers through
# the card's I/O BAR and PCI configuration through ports 0xcf8/0xcfc,
# both with the monitor's "o"/"i" commands over QMP; receive rings that
# -device loader put in guest memory at start-up (qe_image); a frame sent
# to the card's -netdev socket backend; then what the card wrote to guest
# memory, read with "xp". The guest (SeaBIOS, no boot device) runs on.
# Everything on 127.0.0.1. QMP is fd 7, the netdev's stream socket fd 6.

QE_MEM=0x4000000	# rings and buffers, in the middle of 128 MiB of RAM
QE_ROUNDS=6		# one fresh ring per round
QE_CFG=0x80002000	# PCI config address of 00:04.0 (-device ...,addr=04.0)
QE_PROBE="0x4b 0x43 0x41 0x52 0x45 0x50 0x52 0x4f 0x42 0x45"	# KCAREPROBE

qe_ring() { echo $((QE_MEM + $1 * 0x1000)); }
qe_buf() { echo $((QE_MEM + 0x10000 + $1 * 0x1000)); }

# qe_image FILE: for each round a ring of 8 legacy descriptors whose first
# has a NULL buffer and whose second has that round's buffer.
qe_image() {
	local k a
	head -c $((0x10000 + QE_ROUNDS * 0x1000)) /dev/zero >"$1"
	for k in $(seq 0 $((QE_ROUNDS - 1))); do
		a=$(qe_buf "$k")
		printf "$(printf '\\x%02x' $((a & 255)) $((a >> 8 & 255)) $((a >> 16 & 255)) $((a >> 24 & 255)))" |
			dd of="$1" bs=1 seek=$((k * 0x1000 + 16)) conv=notrunc status=none
	done
}

# qmp_send JSON: one QMP command; its answer line in $qmp_reply.
qmp_send() {
	printf '%s\n' "$1" >&7
	while IFS= read -r -t 20 qmp_reply <&7; do
		case $qmp_reply in *'"return"'* | *'"error"'*) return 0 ;; esac
	done
	echo "# QMP: no answer to $1"
	return 1
}
qmp() { qmp_send "{\"execute\": \"$1\"}"; }
# hmp LINE: a monitor command; the numbers it printed in $hmp_vals.
hmp() {
	qmp_send "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"$1\"}}" || return 1
	case $qmp_reply in *'"error"'*) echo "# HMP $1: $qmp_reply"; return 1 ;; esac
	hmp_vals=$(echo "$qmp_reply" | sed 's/.*"return": "//; s/port.\[0x[0-9a-f]*\] = //g; s/[0-9a-f]*: //g' | grep -o '0x[0-9a-f]*' | tr '\n' ' ')
	hmp_vals=${hmp_vals% }
}

# Numbers to the monitor in hex: it reads a decimal above 2^31 as negative.
qe_out() { hmp "$(printf 'o /w 0x%x 0x%x' "$1" "$2")"; }
qe_in() { hmp "$(printf 'i /w 0x%x' "$1")" && echo $((hmp_vals)); }
qe_cfg_w() { qe_out 0xcf8 $((QE_CFG + $1)) && qe_out 0xcfc "$2"; }
qe_cfg_r() { qe_out 0xcf8 $((QE_CFG + $1)) && qe_in 0xcfc; }
qe_reg_w() { qe_out "$QE_IO" "$1" && qe_out $((QE_IO + 4)) "$2"; }
qe_reg_r() { qe_out "$QE_IO" "$1" && qe_in $((QE_IO + 4)); }

# qe_setup: once the firmware gave the card its I/O BAR, I/O and bus
# master on, reset with the link forced up. Sets QE_IO.
qe_setup() {
	local i bar=0
	for i in $(seq 120); do
		bar=$(qe_cfg_r 0x18) || return 1
		[ $((bar & ~3)) != 0 ] && break
		sleep 0.5
	done
	QE_IO=$((bar & ~3))
	[ "$QE_IO" != 0 ] && qe_cfg_w 0x04 0x7 &&
		qe_reg_w 0x0 $((0x04000000 | 0x40)) && sleep 0.2 &&
		[ $(($(qe_reg_r 0x8) & 0x2)) = 2 ]
}

# qe_round K: ring K, one frame, and where it went: "received" (in the
# buffer of descriptor 1, the next one with a buffer, as the card's
# specification says), "lost" (consumed, descriptor 1 untouched) or
# "nothing" (not taken).
qe_round() {
	local k=$1 i head=0 ring
	ring=$(qe_ring "$k")
	qe_reg_w 0x100 0 && qe_reg_w 0x2800 "$ring" && qe_reg_w 0x2804 0 &&
		qe_reg_w 0x2808 128 && qe_reg_w 0x2810 0 && qe_reg_w 0x2818 2 &&
		qe_reg_w 0x100 $((0x2 | 0x8 | 0x10 | 0x8000)) || { echo error; return; }
	printf '\x00\x00\x00\x3c\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x88\xb5KCAREPROBE' >&6 &&
		head -c 36 /dev/zero >&6 || { echo error; return; }
	for i in $(seq 50); do
		head=$(qe_reg_r 0x2810) || { echo error; return; }
		[ "$head" != 0 ] && break
		sleep 0.1
	done
	[ "$head" = 0 ] && { echo nothing; return; }
	hmp "$(printf 'xp /1bx 0x%x' $((ring + 16 + 12)))" || { echo error; return; }
	if [ $((hmp_vals & 1)) = 0 ]; then
		echo lost
		return
	fi
	hmp "$(printf 'xp /10bx 0x%x' $(($(qe_buf "$k") + 14)))" || { echo error; return; }
	[ "$hmp_vals" = "$QE_PROBE" ] && echo received || echo "garbled: $hmp_vals"
}

# qe_start DIR QEMU_TREE LOG QMP_PORT NETDEV_PORT IOTHREADS: the machine,
# in the background (its pid in $qe_pid), and QMP (fd 7) and the netdev
# socket (fd 6) connected: q35, the old binary and its own TCG module,
# SeaBIOS with no boot device (it stays in the firmware, running), the
# e1000e card, IOTHREADS iothreads, the rings of qe_image in memory.
qe_start() {
	local dir=$1 q=$2 log=$3 qp=$4 np=$5 n=$6 io= i greet

	qe_image "$dir/rings.bin"
	for i in $(seq "$n"); do io="$io -object iothread,id=io$i"; done
	QEMU_MODULE_DIR="$q/root/usr/lib/x86_64-linux-gnu/qemu" \
		"$q/root/usr/bin/qemu-system-x86_64" -M q35 -accel tcg -m 128 \
		-nodefaults -display none -boot reboot-timeout=-1 \
		-L /usr/share/seabios -L /usr/share/qemu \
		-qmp tcp:127.0.0.1:$qp,server=on,wait=off \
		-netdev socket,id=n0,listen=127.0.0.1:$np \
		-device e1000e,netdev=n0,addr=04.0,romfile= \
		-device loader,file="$dir/rings.bin",addr=$QE_MEM,force-raw=on \
		$io >"$log" 2>&1 &
	qe_pid=$!
	disown "$qe_pid" 2>/dev/null
	for i in $(seq 100); do
		exec 7<>/dev/tcp/127.0.0.1/$qp && break
		sleep 0.2
	done 2>/dev/null
	exec 6<>/dev/tcp/127.0.0.1/$np && read -r -t 10 greet <&7 &&
		qmp qmp_capabilities
}

# qe_patch QEMU_TREE DIR OUT: the patch object of the fix (the e1000e_core.c
# part of Debian's v7.2.22.diff applied to a copy of the old source, in
# DIR), built with the flags QEMU's build gives that file.
qe_patch() {
	local q=$1 dir=$2 top=${top:?}

	awk '/^diff --git/ { p = ($3 == "a/hw/net/e1000e_core.c") } p' \
		"$q/fixes/v7.2.22.diff" >"$dir/fix.diff" &&
		grep -q "Loop processing descriptors" "$dir/fix.diff" &&
		patch -s -o "$dir/e1000e_core.c" "$q/src/hw/net/e1000e_core.c" <"$dir/fix.diff" &&
		"$top/userland/libcare/build-libpatch" \
			--target "$q/root/usr/bin/qemu-system-x86_64" \
			--cflags "$(cat "$q/build/cflags")" -I "$dir" -I "$q/src/hw/net" \
			-o "$3" "$top/userland/libcare/tests/patches/qemu-e1000e-rx"
}
