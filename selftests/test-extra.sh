#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The extra patchset (selftests/patches/extra/, x86_64): the symlink owner
# match protection of the seed's KernelCare Extra, on the running kernel.
# With fs.enforce_symlinksifowner=1, a process in the group
# fs.symlinkown_gid may not follow a link whose owner is not the owner of
# its target (Documentation/symlink-owner-match.md). symread (progs/)
# follows a path as a given user and group, through open(2) or stat(2).

. "$(dirname "$0")/lib.sh"

P=$KC_DIR/patches
BIN=$KC_DIR/bin
EXTRA=$P/kcpatch_extra.ko
ENFORCE=/proc/sys/fs/enforce_symlinksifowner
GID=/proc/sys/fs/symlinkown_gid
U1=1001 U2=1002 WEB=48
T=/srv/web

apply_extra() { "$BIN/finit" $EXTRA; }
reset() {
	[ ! -e $KC_SYSFS/unload ] || echo 1 >$KC_SYSFS/unload
	! grep -q '^kcpatch_extra ' /proc/modules || rmmod kcpatch_extra
	kc_load_engine
}

# Two users' web trees: u1 plants links to u2's files, and has its own.
tree() {
	rm -rf $T && mkdir -p $T/u1 $T/u2/conf
	echo "u2's secret" >$T/u2/conf/secret
	echo "u1's page" >$T/u1/page
	chown -R $U2:$U2 $T/u2
	chown $U1:$U1 $T/u1 $T/u1/page
	ln -s $T/u2/conf/secret $T/u1/evil		# u1's link to u2's file
	ln -s $T/u1/page $T/u1/good			# u1's link to u1's file
	ln -s $T/u2/conf $T/u1/dir			# u1's link to u2's directory
	ln -s evil $T/u1/chain				# u1 -> u1's link -> u2's file
	ln -s good $T/u1/chain_good			# u1 -> u1 -> u1's file
	ln -s / $T/u1/root				# a link that is only a jump
	echo "u2's upload" >$T/u1/upload && chown $U2:$U2 $T/u1/upload
	ln -s upload $T/u1/near				# one name: the same directory
	chown -h $U1:$U1 $T/u1/evil $T/u1/good $T/u1/dir $T/u1/chain \
		$T/u1/chain_good $T/u1/root $T/u1/near
	ln -s $T/u2/conf/secret $T/rootlink		# root's link: trusted
}

# expect allowed|refused open|stat UID GIDS PATH
expect() {
	local want=$1 out

	shift
	out=$("$BIN/symread" "$@") || true
	case $want in
	allowed) [ "$out" = "symread: allowed" ] ;;
	refused) [ "$out" = "symread: refused (errno 13: Permission denied)" ] ;;
	esac || kc_fail "symread $*: $out (expected $want)"
}

sysctls_come_and_go_with_the_patch() {
	reset
	[ ! -e $ENFORCE ] || kc_fail "$ENFORCE exists before the patch"
	apply_extra
	kc_check_sysfs $KC_SYSFS/patches/symlink_owner_match/functions/vmlinux:walk_component 444 patched
	kc_assert_eq "$(cat $KC_SYSFS/patch_type)" extra patch_type
	kc_check_sysfs $ENFORCE 644 0
	kc_check_sysfs $GID 644 48
	# only 0 and 1; a bad value leaves the old one
	! echo 2 >$ENFORCE 2>/dev/null || kc_fail "enforce_symlinksifowner took 2"
	! echo -1 >$GID 2>/dev/null || kc_fail "symlinkown_gid took -1"
	kc_assert_eq "$(cat $ENFORCE) $(cat $GID)" "0 48" "after bad values"
	echo 1 >$ENFORCE
	echo 33 >$GID
	kc_assert_eq "$(cat $ENFORCE) $(cat $GID)" "1 33" "after good values"
	echo 1 >$KC_SYSFS/unload
	[ ! -e $ENFORCE ] || kc_fail "$ENFORCE left after unload"
	rmmod kcpatch_extra
	apply_extra
	kc_assert_eq "$(cat $ENFORCE) $(cat $GID)" "0 48" "a new load starts from the defaults"
	reset
}

off_until_enabled() {
	reset
	tree
	apply_extra
	for how in open stat; do
		expect allowed $how $U2 $WEB $T/u1/evil
	done
	reset
	# and without the patch the kernel follows it too
	expect allowed open $U2 $WEB $T/u1/evil
}

refused_and_allowed() {
	reset
	tree
	apply_extra
	echo 1 >$ENFORCE
	for how in open stat; do
		# u1's link to u2's file, followed by the web server's group
		expect refused $how 33 $WEB $T/u1/evil
		# u1's link to u1's file
		expect allowed $how 33 $WEB $T/u1/good
		# root's link to u2's file
		expect allowed $how 33 $WEB $T/rootlink
		# through a link to a directory
		expect refused $how 33 $WEB $T/u1/dir/secret
		# chains: every link must be the target's owner's
		expect refused $how 33 $WEB $T/u1/chain
		expect allowed $how 33 $WEB $T/u1/chain_good
		# a link that only jumps to /
		expect refused $how 33 $WEB $T/u1/root/srv/web/u2/conf/secret
		# a one-name link to another owner's file beside it
		expect refused $how 33 $WEB $T/u1/near
		# not in the group: not restricted
		expect allowed $how 33 33 $T/u1/evil
		# the group as a supplementary group
		expect refused $how 33 33,$WEB $T/u1/evil
		# the plain path is not a link: allowed
		expect allowed $how 33 $WEB $T/u2/conf/secret
	done
	dmesg | grep -Eq "kcpatch_extra: symlink owner match: symread\[[0-9]+\] may not follow a link of uid $U1 to a target of uid $U2\$" ||
		kc_fail "no refusal in the kernel log"
	# another group
	echo 33 >$GID
	expect allowed open 33 $WEB $T/u1/evil
	expect refused open 33 33 $T/u1/evil
	# switched off
	echo 0 >$ENFORCE
	expect allowed open 33 33 $T/u1/evil
	reset
	expect allowed open 33 $WEB $T/u1/evil
}

kc_scenario "fs.enforce_symlinksifowner and fs.symlinkown_gid come and go with the patch" \
	sysctls_come_and_go_with_the_patch
kc_scenario "off until fs.enforce_symlinksifowner=1" off_until_enabled
kc_scenario "a link to another owner's file refused, to the same owner's allowed" \
	refused_and_allowed
kc_done
