/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kind of an input device from its capability bitmaps, decided as
 * udev's input_id builtin decides its ID_INPUT_* properties (the systemd
 * 252 rules Debian 12 ships), so a host with udev and a fixture without it
 * agree: keyboard (ID_INPUT_KEYBOARD), keys (ID_INPUT_KEY), mouse,
 * touchpad, touchscreen, joystick, tablet, switch. udev's other kinds
 * (accelerometer, pointing stick, tablet pad) have no capability here.
 *
 * The words are taken as 64 bits wide, the long of every 64-bit kernel
 * (a 32-bit kernel prints 32-bit words, which read wrongly here, as in a
 * 64-bit udev).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/input-event-codes.h>
#include "input_kind.h"
#include "hex.h"

#define WORD_BITS 64
#define NWORDS(bits) (((bits) + WORD_BITS - 1) / WORD_BITS)

static const char *const kind_names[ND_INPUT_NKINDS] = {
    "keyboard", "keys", "mouse", "touchpad", "touchscreen", "joystick", "tablet", "switch",
};

const char *nd_input_kind_name(unsigned i)
{
    return i < ND_INPUT_NKINDS ? kind_names[i] : NULL;
}

const char *const nd_input_bitmap_file[ND_INPUT_NBITMAPS] = {
    [ND_INPUT_BM_EV] = "capabilities/ev",
    [ND_INPUT_BM_KEY] = "capabilities/key",
    [ND_INPUT_BM_REL] = "capabilities/rel",
    [ND_INPUT_BM_ABS] = "capabilities/abs",
    [ND_INPUT_BM_PROPS] = "properties",
};

/* Each bitmap's size in words, from the kernel's *_CNT of the headers. */
static const size_t bitmap_words[ND_INPUT_NBITMAPS] = {
    [ND_INPUT_BM_EV] = NWORDS(EV_CNT),
    [ND_INPUT_BM_KEY] = NWORDS(KEY_CNT),
    [ND_INPUT_BM_REL] = NWORDS(REL_CNT),
    [ND_INPUT_BM_ABS] = NWORDS(ABS_CNT),
    [ND_INPUT_BM_PROPS] = NWORDS(INPUT_PROP_CNT),
};
#define MAX_WORDS NWORDS(KEY_CNT)   /* the largest of them */

int nd_input_bitmap_parse(const char *text, uint64_t *words, size_t nwords)
{
    memset(words, 0, nwords * sizeof(*words));
    /* the kernel prints the most significant word first: count the words,
     * then fill from the last one (bits 0-63) backwards */
    size_t count = 0;
    for (const char *p = text;;) {
        size_t digits = 0;
        while (nd_hex_digit(p[digits]) >= 0)
            digits++;
        if (digits == 0 || digits > WORD_BITS / 4)
            return -EINVAL;
        count++;
        p += digits;
        if (*p == '\0')
            break;
        if (*p != ' ')
            return -EINVAL;
        p++;
    }
    if (count > nwords)
        return -EINVAL;
    size_t i = count;
    for (const char *p = text; *p; p++) {
        if (*p == ' ')
            continue;
        uint64_t w = 0;
        for (; *p && *p != ' '; p++)
            w = w << 4 | (uint64_t)nd_hex_digit(*p);
        words[--i] = w;
        if (!*p)
            break;
    }
    return 0;
}

static bool bit(const uint64_t *words, unsigned b)
{
    return (words[b / WORD_BITS] >> (b % WORD_BITS)) & 1;
}

/* Whether any bit in [from, to) is set. */
static bool any_bit(const uint64_t *words, unsigned from, unsigned to)
{
    for (unsigned b = from; b < to; b++)
        if (bit(words, b))
            return true;
    return false;
}

/* The pointer kinds (udev's test_pointers); *pointer tells whether udev
 * would call the device a pointer at all, accelerometers included. */
static unsigned pointer_kinds(const uint64_t *ev, const uint64_t *key, const uint64_t *rel,
                              const uint64_t *abs, const uint64_t *props, bool *pointer)
{
    bool abs_xy = bit(abs, ABS_X) && bit(abs, ABS_Y);
    /* an accelerometer reports x/y/z but no keys; it is none of ours */
    if (bit(props, INPUT_PROP_ACCELEROMETER) || (!bit(ev, EV_KEY) && abs_xy && bit(abs, ABS_Z))) {
        *pointer = true;
        return 0;
    }
    bool stylus = bit(key, BTN_STYLUS), pen = bit(key, BTN_TOOL_PEN);
    bool finger_only = bit(key, BTN_TOOL_FINGER) && !pen;
    bool mouse_button = any_bit(key, BTN_MOUSE, BTN_JOYSTICK);
    bool rel_xy = bit(ev, EV_REL) && bit(rel, REL_X) && bit(rel, REL_Y);
    /* a device claiming every axis up to the MT slot is not multi-touch */
    bool mt_xy = bit(abs, ABS_MT_POSITION_X) && bit(abs, ABS_MT_POSITION_Y) &&
                 !(bit(abs, ABS_MT_SLOT) && bit(abs, ABS_MT_SLOT - 1));
    bool direct = bit(props, INPUT_PROP_DIRECT);
    bool touch = bit(key, BTN_TOUCH);
    /* a mouse with more than 16 buttons runs into the joystick range: its
     * buttons there do not count */
    bool joystick_controls =
        (!bit(key, BTN_JOYSTICK - 1) &&
         (any_bit(key, BTN_JOYSTICK, BTN_DIGI) ||
          any_bit(key, BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY40 + 1) ||
          any_bit(key, BTN_DPAD_UP, BTN_DPAD_RIGHT + 1))) ||
        any_bit(abs, ABS_RX, ABS_PRESSURE);

    unsigned k = 0;
    if (abs_xy) {
        if (stylus || pen)
            k |= ND_INPUT_TABLET;
        else if (finger_only && !direct)
            k |= ND_INPUT_TOUCHPAD;
        else if (mouse_button)
            k |= ND_INPUT_MOUSE;   /* absolute mice, as virtual machines have */
        else if (touch || direct)
            k |= ND_INPUT_TOUCHSCREEN;
        else if (joystick_controls)
            k |= ND_INPUT_JOYSTICK;
    } else if (joystick_controls) {
        k |= ND_INPUT_JOYSTICK;
    }
    if (mt_xy) {
        if (stylus || pen)
            k |= ND_INPUT_TABLET;
        else if (finger_only && !direct)
            k |= ND_INPUT_TOUCHPAD;
        else if (touch || direct)
            k |= ND_INPUT_TOUCHSCREEN;
    }
    if (!(k & (ND_INPUT_TABLET | ND_INPUT_TOUCHPAD | ND_INPUT_JOYSTICK)) && mouse_button &&
        (rel_xy || !abs_xy))
        k |= ND_INPUT_MOUSE;
    /* udev also counts a pointing stick (INPUT_PROP_POINTING_STICK) */
    *pointer = k != 0 || bit(props, INPUT_PROP_POINTING_STICK);
    return k;
}

/* The key kinds (udev's test_key). */
static unsigned key_kinds(const uint64_t *ev, const uint64_t *key)
{
    if (!bit(ev, EV_KEY))
        return 0;
    /* keys proper (KEY_*), not buttons (BTN_*): the block below BTN_MISC,
     * then the two blocks of keys above the buttons */
    bool keys = any_bit(key, 0, BTN_MISC) || any_bit(key, KEY_OK, BTN_DPAD_UP) ||
                any_bit(key, KEY_ALS_TOGGLE, BTN_TRIGGER_HAPPY);
    unsigned k = keys ? ND_INPUT_KEYS : 0;
    /* Esc, the digits and Q to D (bits 1-31): a real keyboard */
    if ((key[0] & 0xfffffffeu) == 0xfffffffeu)
        k |= ND_INPUT_KEYBOARD;
    return k;
}

unsigned nd_input_classify(const char *const text[ND_INPUT_NBITMAPS], unsigned *bad)
{
    uint64_t bm[ND_INPUT_NBITMAPS][MAX_WORDS];
    *bad = 0;
    for (unsigned i = 0; i < ND_INPUT_NBITMAPS; i++) {
        memset(bm[i], 0, sizeof(bm[i]));
        if (text[i] && nd_input_bitmap_parse(text[i], bm[i], bitmap_words[i]) < 0) {
            *bad |= 1u << i;
            memset(bm[i], 0, sizeof(bm[i]));
        }
    }
    const uint64_t *ev = bm[ND_INPUT_BM_EV], *key = bm[ND_INPUT_BM_KEY];
    const uint64_t *rel = bm[ND_INPUT_BM_REL];
    bool pointer;
    unsigned k = pointer_kinds(ev, key, rel, bm[ND_INPUT_BM_ABS], bm[ND_INPUT_BM_PROPS], &pointer);
    unsigned keys = key_kinds(ev, key);
    k |= keys;
    /* an evdev node with nothing but a scroll wheel sends keys, says udev */
    if (!pointer && !keys && bit(ev, EV_REL) && (bit(rel, REL_WHEEL) || bit(rel, REL_HWHEEL)))
        k |= ND_INPUT_KEYS;
    if (bit(ev, EV_SW))
        k |= ND_INPUT_SWITCH;
    return k;
}
