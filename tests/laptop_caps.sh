#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Capability queries over the laptop fixtures (`list --cap`, which the
# library answers with ndNodeListDevicesByCap): the block, sound and input
# capabilities, nested input kinds included, name the devices they should.
# Environment (set by ctest): NODEDEV (the CLI), ND_SOURCE_DIR.

set -u
: "${NODEDEV:?NODEDEV must name the nodedev CLI}"
: "${ND_SOURCE_DIR:?ND_SOURCE_DIR must name the source tree}"
unset NODEDEV_ROOT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# caps FIXTURE CAP NAME...: `list --cap CAP` prints exactly the NAMEs.
caps() {
    local fx=$1 cap=$2 got want
    shift 2
    got=$("$NODEDEV" --root "$ND_SOURCE_DIR/fixtures/$fx" list --cap "$cap" 2>&1) ||
        fail "$fx: list --cap $cap exited $?"
    want=$(printf '%s\n' "$@" | sed '/^$/d')
    [ "$got" = "$want" ] ||
        fail "$fx: --cap $cap gave [$(echo $got)], want [$(echo $want)]"
}

caps laptop keyboard computer_logicaldev_input_1
caps laptop keys computer_logicaldev_input computer_logicaldev_input_1
caps laptop mouse usb_device_46d_c077_noserial_if0_logicaldev_input
caps laptop touchpad computer_logicaldev_input_2
caps laptop switch computer_logicaldev_input_0
caps laptop touchscreen
caps laptop input computer_logicaldev_input computer_logicaldev_input_0 \
    computer_logicaldev_input_1 computer_logicaldev_input_2 \
    usb_device_46d_c077_noserial_if0_logicaldev_input
caps laptop storage pci_1af4_1001_storage storage_model_Cruzer_Blade \
    storage_model_DVDRAM_GUE1N storage_model_DVDRAM_GUE1N_0 storage_model_SC32G \
    storage_model_Samsung_SSD_860 storage_model_Samsung_SSD_970_EVO_Plus_1TB
caps laptop sound pci_8086_9d71_sound_card_0 usb_device_d8c_14_noserial_if0_sound_card_1
caps laptop oss pci_8086_9d71_sound_card_0_oss_dsp pci_8086_9d71_sound_card_0_oss_mixer
n=$("$NODEDEV" --root "$ND_SOURCE_DIR/fixtures/laptop" list --cap alsa | wc -l)
[ "$n" = 10 ] || fail "laptop: want 10 ALSA nodes, got $n"
# with the udev database a whole disc and a whole disk are volumes too
caps laptop-udev volume storage_serial_HL_DT_ST_DVDRAM_GUE1N_KZ8A1234567 \
    storage_serial_VD_SCRATCH_01 volume_label_root volume_part3_size_64368640000 \
    volume_uuid_0b7f6a0e_3c1d_4e8a_9b52_7d4c1e2f3a5b volume_uuid_1A2B_3C4D \
    volume_uuid_5E2A_1B3C volume_uuid_B4E1_7C22

[ "$failed" = 0 ] && echo "PASS: capability queries over laptop and laptop-udev"
exit "$failed"
