/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sound, the entries of sys/class/sound (DESIGN §3–§5):
 *   cardN                         capability sound; <parent body>_sound_card_N
 *   controlCN, pcmCNDMp/c,        capability alsa (type, device, node), below
 *   midiCNDM, hwCNDM              their card; <card body>_alsa_<type>[_M]
 *   timer, seq                    ALSA's global nodes, in virtual/sound: parent
 *                                 computer; computer_alsa_<type>
 *   dsp, mixer, audio …           OSS emulation nodes (snd-pcm-oss,
 *                                 snd-mixer-oss, snd-seq-oss): capability oss
 *                                 (type, node); <parent body>_oss_<name>
 * Anything else in the class is not ours (skipped).
 */
#include <string.h>
#include "internal.h"

/* Decimal digits at p into *v; the end, or NULL when there are none or
 * they overflow. */
static const char *digits(const char *p, unsigned long *v)
{
    unsigned long n = 0;
    const char *start = p;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (n > (~0UL - d) / 10)
            return NULL;
        n = n * 10 + d;
    }
    if (p == start)
        return NULL;
    *v = n;
    return p;
}

/* An ALSA node name: prefix "C" card ["D" device] rest. */
static bool alsa_name(const char *s, const char *prefix, bool has_device,
                      const char *rest, unsigned long *device)
{
    size_t plen = strlen(prefix);
    unsigned long card;
    if (strncmp(s, prefix, plen) != 0 || s[plen] != 'C' || !(s = digits(s + plen + 1, &card)))
        return false;
    if (has_device && (*s != 'D' || !(s = digits(s + 1, device))))
        return false;
    return strcmp(s, rest) == 0;
}

static int probe_card(nd_raw *raw, nd_dev *dev, unsigned long number)
{
    /* the kernel's own count (2.6.3x+), which the name shows too */
    unsigned long attr;
    if (nd_raw_attr_ulong(raw, "number", 10, &attr) >= 0)
        number = attr;
    dev->name_parent = true;
    dev->name_tail = nd_arena_printf(raw->arena, "_sound_card_%lu", number);

    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "sound");
    nd_node_addf(raw->arena, cap, "card", "%lu", number);
    const char *id = nd_raw_attr_str(raw, "id");
    if (id)
        nd_node_add(raw->arena, cap, "id", id);
    /* the card's long name lives in procfs only; udev's card entry has
     * the hardware database's name of the controller or USB device */
    const char *name = nd_raw_prop(raw, "ID_MODEL_FROM_DATABASE");
    if (!name)
        name = nd_raw_prop(raw, "ID_MODEL");
    if (name)
        nd_node_add(raw->arena, cap, "name", name);
    return ND_PROBE_OK;
}

/* capability alsa; device NULL: the node has no device number. */
static int probe_alsa(nd_raw *raw, nd_dev *dev, const char *type,
                      const unsigned long *device)
{
    dev->name_parent = true;
    dev->name_tail = device ? nd_arena_printf(raw->arena, "_alsa_%s_%lu", type, *device)
                            : nd_arena_printf(raw->arena, "_alsa_%s", type);
    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "alsa");
    nd_node_add(raw->arena, cap, "type", type);
    if (device)
        nd_node_addf(raw->arena, cap, "device", "%lu", *device);
    nd_node_add(raw->arena, cap, "node", nd_raw_devnode(raw, "snd/"));
    return ND_PROBE_OK;
}

/* The OSS emulation's nodes (sound/core/sound_oss.c), numbered after the
 * first card ("dsp", "dsp1" …). */
static const char *oss_type(const char *s)
{
    static const char *const types[] = {
        "mixer", "sequencer", "midi", "dmmidi", "dsp", "audio", "dmfm",
        "sequencer2", "amidi", "admmidi", "adsp",
    };
    unsigned long n;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(s, types[i]) == 0 || nd_name_number(s, types[i], &n))
            return types[i];
    return NULL;
}

static int probe_oss(nd_raw *raw, nd_dev *dev, const char *type)
{
    dev->name_parent = true;
    dev->name_tail = nd_arena_printf(raw->arena, "_oss_%s", raw->sysname);
    nd_node *cap = nd_dev_add_cap(raw->arena, dev, NULL, "oss");
    nd_node_add(raw->arena, cap, "type", type);
    nd_node_add(raw->arena, cap, "node", nd_raw_devnode(raw, ""));
    return ND_PROBE_OK;
}

int nd_probe_sound(nd_raw *raw, nd_dev *dev)
{
    const char *s = raw->sysname;
    unsigned long n;
    if (nd_name_number(s, "card", &n))
        return probe_card(raw, dev, n);
    if (alsa_name(s, "control", false, "", &n))
        return probe_alsa(raw, dev, "control", NULL);
    if (alsa_name(s, "pcm", true, "p", &n))
        return probe_alsa(raw, dev, "playback", &n);
    if (alsa_name(s, "pcm", true, "c", &n))
        return probe_alsa(raw, dev, "capture", &n);
    if (alsa_name(s, "midi", true, "", &n))
        return probe_alsa(raw, dev, "midi", &n);
    if (alsa_name(s, "hw", true, "", &n))
        return probe_alsa(raw, dev, "hw", &n);
    if (strcmp(s, "timer") == 0 || strcmp(s, "seq") == 0)
        return probe_alsa(raw, dev, s, NULL);
    const char *oss = oss_type(s);
    if (oss)
        return probe_oss(raw, dev, oss);
    return ND_PROBE_SKIP;
}
