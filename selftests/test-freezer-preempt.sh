#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The freezer's stress in a kernel that preempts anywhere: tasks are then
# caught inside the patched functions, and the check in the pause must
# refuse those instants. scripts/check boots this file's guest with the
# command line below.
#
# kc-cmdline: preempt=full

KC_FREEZER_PREEMPT=1
. "$(dirname "$0")/test-freezer.sh"
