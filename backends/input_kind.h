/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What kind of input device an evdev node is, from the capability bitmaps
 * of its inputN device (backends/input_kind.c). Pure: it takes the files'
 * text and touches nothing else, so the unit test and the fuzzers can
 * reach it directly.
 */
#ifndef ND_INPUT_KIND_H
#define ND_INPUT_KIND_H

#include <stddef.h>
#include <stdint.h>

/* The kinds, in the order the XML lists them (xml/nodedev.rng). */
enum {
    ND_INPUT_KEYBOARD = 1u << 0,
    ND_INPUT_KEYS = 1u << 1,
    ND_INPUT_MOUSE = 1u << 2,
    ND_INPUT_TOUCHPAD = 1u << 3,
    ND_INPUT_TOUCHSCREEN = 1u << 4,
    ND_INPUT_JOYSTICK = 1u << 5,
    ND_INPUT_TABLET = 1u << 6,
    ND_INPUT_SWITCH = 1u << 7,
};
#define ND_INPUT_NKINDS 8
/* The capability type of kind bit i ("keyboard" for i = 0 …). */
const char *nd_input_kind_name(unsigned i);

/* The bitmaps the classifier reads, each a file of the inputN directory. */
enum {
    ND_INPUT_BM_EV,
    ND_INPUT_BM_KEY,
    ND_INPUT_BM_REL,
    ND_INPUT_BM_ABS,
    ND_INPUT_BM_PROPS,
    ND_INPUT_NBITMAPS
};
/* "capabilities/ev" … "properties" */
extern const char *const nd_input_bitmap_file[ND_INPUT_NBITMAPS];

/*
 * The kinds (ND_INPUT_* flags) of a device whose bitmap files hold text[i]
 * (cleaned attribute text; NULL when the file is absent, which counts as
 * an empty bitmap). A text that is not a bitmap of its file's size is read
 * as empty too, and sets bit i of *bad.
 */
unsigned nd_input_classify(const char *const text[ND_INPUT_NBITMAPS], unsigned *bad);

/*
 * One bitmap as the kernel prints it (drivers/input/input.c): blank
 * separated hex words of 64 bits, most significant first, without leading
 * zero words. Fills words[0 .. nwords-1] (word 0 = bits 0-63), zeroing the
 * rest. -EINVAL when the text is empty, holds anything but hex words and
 * single blanks, a word wider than 64 bits, or more than nwords words.
 */
int nd_input_bitmap_parse(const char *text, uint64_t *words, size_t nwords);

#endif
