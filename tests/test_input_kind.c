/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The input device classifier (backends/input_kind.c): bitmap parsing as
 * the kernel prints the capabilities/ files, and the kinds udev's
 * input_id gives real devices.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <linux/input-event-codes.h>

#include "../backends/input_kind.h"

#define END 0xffffu   /* ends a list of bits */

/* A bitmap as drivers/input/input.c prints it: 64-bit words in "%lx",
 * most significant first, leading zero words left out ("0" when empty). */
static const char *bitmap(char *buf, size_t size, const unsigned *bits)
{
    uint64_t w[12] = { 0 };
    for (; *bits != END; bits++)
        w[*bits / 64] |= (uint64_t)1 << (*bits % 64);
    int top = 11;
    while (top > 0 && !w[top])
        top--;
    size_t off = 0;
    for (int i = top; i >= 0; i--)
        off += (size_t)snprintf(buf + off, size - off, "%s%" PRIx64, i == top ? "" : " ", w[i]);
    return buf;
}

typedef struct device {
    const char *what;
    unsigned ev[8], key[96], rel[8], abs[16], props[4];
    unsigned want;
} device;

/* Bits of a few real devices (as their capabilities/ files show them). */
static const device devices[] = {
    { "AT keyboard", { EV_SYN, EV_KEY, EV_MSC, EV_LED, EV_REP, END },
      { KEY_ESC, KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0,
        KEY_MINUS, KEY_EQUAL, KEY_BACKSPACE, KEY_TAB, KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T,
        KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P, KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER,
        KEY_LEFTCTRL, KEY_A, KEY_S, KEY_D, KEY_F, KEY_SPACE, END },
      { END }, { END }, { END }, ND_INPUT_KEYBOARD | ND_INPUT_KEYS },
    { "power button", { EV_SYN, EV_KEY, END }, { KEY_POWER, END }, { END }, { END }, { END },
      ND_INPUT_KEYS },
    { "lid switch", { EV_SYN, EV_SW, END }, { END }, { END }, { END }, { END },
      ND_INPUT_SWITCH },
    { "PC speaker", { EV_SYN, EV_SND, END }, { END }, { END }, { END }, { END }, 0 },
    { "USB mouse", { EV_SYN, EV_KEY, EV_REL, EV_MSC, END },
      { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE, BTN_EXTRA, END },
      { REL_X, REL_Y, REL_WHEEL, REL_HWHEEL, END }, { END }, { END }, ND_INPUT_MOUSE },
    { "touchpad", { EV_SYN, EV_KEY, EV_ABS, END },
      { BTN_LEFT, BTN_TOOL_FINGER, BTN_TOOL_QUINTTAP, BTN_TOUCH, BTN_TOOL_DOUBLETAP,
        BTN_TOOL_TRIPLETAP, BTN_TOOL_QUADTAP, END },
      { END },
      { ABS_X, ABS_Y, ABS_PRESSURE, ABS_TOOL_WIDTH, ABS_MT_SLOT, ABS_MT_POSITION_X,
        ABS_MT_POSITION_Y, ABS_MT_TRACKING_ID, END },
      { INPUT_PROP_POINTER, INPUT_PROP_BUTTONPAD, END }, ND_INPUT_TOUCHPAD },
    { "touchscreen", { EV_SYN, EV_KEY, EV_ABS, END }, { BTN_TOUCH, END }, { END },
      { ABS_X, ABS_Y, ABS_MT_SLOT, ABS_MT_POSITION_X, ABS_MT_POSITION_Y, END },
      { INPUT_PROP_DIRECT, END }, ND_INPUT_TOUCHSCREEN },
    { "pen tablet", { EV_SYN, EV_KEY, EV_ABS, END },
      { BTN_TOOL_PEN, BTN_TOOL_RUBBER, BTN_TOUCH, BTN_STYLUS, BTN_STYLUS2, END }, { END },
      { ABS_X, ABS_Y, ABS_PRESSURE, END }, { END }, ND_INPUT_TABLET },
    { "gamepad", { EV_SYN, EV_KEY, EV_ABS, END },
      { BTN_SOUTH, BTN_EAST, BTN_NORTH, BTN_WEST, BTN_TL, BTN_TR, BTN_SELECT, BTN_START,
        END },
      { END }, { ABS_X, ABS_Y, ABS_RX, ABS_RY, ABS_HAT0X, ABS_HAT0Y, END }, { END },
      ND_INPUT_JOYSTICK },
    { "rudder pedals (axes only)", { EV_SYN, EV_ABS, END }, { END }, { END },
      { ABS_RUDDER, ABS_GAS, ABS_BRAKE, END }, { END }, ND_INPUT_JOYSTICK },
    { "absolute mouse of a VM", { EV_SYN, EV_KEY, EV_ABS, END },
      { BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, END }, { END }, { ABS_X, ABS_Y, END }, { END },
      ND_INPUT_MOUSE },
    { "accelerometer", { EV_SYN, EV_ABS, END }, { END }, { END },
      { ABS_X, ABS_Y, ABS_Z, END }, { END }, 0 },
    { "accelerometer by property", { EV_SYN, EV_KEY, EV_ABS, END }, { BTN_LEFT, END },
      { END }, { ABS_X, ABS_Y, END }, { INPUT_PROP_ACCELEROMETER, END }, 0 },
    { "scroll wheel alone", { EV_SYN, EV_REL, END }, { END }, { REL_WHEEL, END }, { END },
      { END }, ND_INPUT_KEYS },
    { "mouse with 17 buttons", { EV_SYN, EV_KEY, EV_REL, END },
      { BTN_LEFT, BTN_JOYSTICK - 1, BTN_TRIGGER, END }, { REL_X, REL_Y, END }, { END },
      { END }, ND_INPUT_MOUSE },
    { "media keys above the buttons", { EV_SYN, EV_KEY, END }, { KEY_OK, KEY_ALS_TOGGLE, END },
      { END }, { END }, { END }, ND_INPUT_KEYS },
    { "thinkpad buttons and switch", { EV_SYN, EV_KEY, EV_MSC, EV_SW, END },
      { KEY_MUTE, KEY_VOLUMEUP, KEY_SLEEP, END }, { END }, { END }, { END },
      ND_INPUT_KEYS | ND_INPUT_SWITCH },
};

static void test_devices(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        const device *d = &devices[i];
        char b[ND_INPUT_NBITMAPS][256];
        const char *text[ND_INPUT_NBITMAPS] = {
            [ND_INPUT_BM_EV] = bitmap(b[0], sizeof(b[0]), d->ev),
            [ND_INPUT_BM_KEY] = bitmap(b[1], sizeof(b[1]), d->key),
            [ND_INPUT_BM_REL] = bitmap(b[2], sizeof(b[2]), d->rel),
            [ND_INPUT_BM_ABS] = bitmap(b[3], sizeof(b[3]), d->abs),
            [ND_INPUT_BM_PROPS] = bitmap(b[4], sizeof(b[4]), d->props),
        };
        unsigned bad = 1;
        unsigned got = nd_input_classify(text, &bad);
        if (got != d->want)
            fail_msg("%s: kinds %#x, want %#x", d->what, got, d->want);
        assert_int_equal(bad, 0);
    }
}

/* Text recorded from a 2008 ThinkPad (the corpus's systemd tree). */
static void test_recorded(void **state)
{
    (void)state;
    const char *kbd[ND_INPUT_NBITMAPS] = {
        "120013", "402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe", "0", "0",
        NULL,
    };
    const char *trackpoint[ND_INPUT_NBITMAPS] = { "7", "70000 0 0 0 0", "3", "0", NULL };
    unsigned bad;
    assert_int_equal(nd_input_classify(kbd, &bad), ND_INPUT_KEYBOARD | ND_INPUT_KEYS);
    assert_int_equal(bad, 0);
    assert_int_equal(nd_input_classify(trackpoint, &bad), ND_INPUT_MOUSE);
    /* absent files are empty bitmaps */
    const char *none[ND_INPUT_NBITMAPS] = { NULL };
    assert_int_equal(nd_input_classify(none, &bad), 0);
    assert_int_equal(bad, 0);
}

static void test_parse(void **state)
{
    (void)state;
    uint64_t w[12];
    assert_int_equal(nd_input_bitmap_parse("0", w, 1), 0);
    assert_true(w[0] == 0);
    assert_int_equal(nd_input_bitmap_parse("ffffffffffffffff", w, 1), 0);
    assert_true(w[0] == UINT64_MAX);
    assert_int_equal(nd_input_bitmap_parse("1 0 2", w, 12), 0);
    assert_true(w[0] == 2 && w[1] == 0 && w[2] == 1 && w[3] == 0 && w[11] == 0);
    assert_int_equal(nd_input_bitmap_parse("ABCdef", w, 1), 0);
    assert_true(w[0] == 0xabcdef);
    /* twelve words fit a key bitmap, thirteen do not */
    assert_int_equal(nd_input_bitmap_parse("1 0 0 0 0 0 0 0 0 0 0 0", w, 12), 0);
    assert_true(w[11] == 1);
    assert_int_equal(nd_input_bitmap_parse("1 0 0 0 0 0 0 0 0 0 0 0 0", w, 12), -EINVAL);
    static const char *const bad[] = {
        "", " ", "1 ", " 1", "1  2", "1\t2", "g", "0x1", "-1", "+1",
        "10000000000000000",   /* 17 digits: wider than 64 bits */
        "1 2",                 /* two words in a one-word bitmap */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (nd_input_bitmap_parse(bad[i], w, 1) != -EINVAL)
            fail_msg("\"%s\" parsed", bad[i]);
}

/* A bitmap of the wrong length is reported and read as empty; the other
 * bitmaps still count. */
static void test_bad_length(void **state)
{
    (void)state;
    const char *text[ND_INPUT_NBITMAPS] = {
        [ND_INPUT_BM_EV] = "23",   /* SYN, KEY, SW */
        [ND_INPUT_BM_KEY] = "1 0 0 0 0 0 0 0 0 0 0 0 fffffffffffffffe",
        [ND_INPUT_BM_REL] = "0",
        [ND_INPUT_BM_ABS] = "0",
        [ND_INPUT_BM_PROPS] = NULL,
    };
    unsigned bad;
    assert_int_equal(nd_input_classify(text, &bad), ND_INPUT_SWITCH);
    assert_int_equal(bad, 1u << ND_INPUT_BM_KEY);
    text[ND_INPUT_BM_EV] = "1 23";
    text[ND_INPUT_BM_KEY] = "2";
    assert_int_equal(nd_input_classify(text, &bad), 0);
    assert_int_equal(bad, 1u << ND_INPUT_BM_EV);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const want[ND_INPUT_NKINDS] = {
        "keyboard", "keys", "mouse", "touchpad", "touchscreen", "joystick", "tablet", "switch",
    };
    for (unsigned i = 0; i < ND_INPUT_NKINDS; i++)
        assert_string_equal(nd_input_kind_name(i), want[i]);
    assert_null(nd_input_kind_name(ND_INPUT_NKINDS));
    assert_int_equal(ND_INPUT_SWITCH, 1u << (ND_INPUT_NKINDS - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_recorded),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_bad_length),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
