/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nodedev monitor [--json] (issue 6): one line per device event,
 *   added pci_8086_10d3_0 /org/freedesktop/Hal/devices/pci_8086_10d3_0
 * or, with --json, one object per line:
 *   {"action":"added","name":"…","key":"…"}
 * Each line is flushed at once, so a pipe sees it when it happens. SIGINT
 * and SIGTERM end it cleanly (exit 0); so does a closed stdout (exit 1).
 */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd_monitor.h"

/* volatile sig_atomic_t is int on Linux, which the library's stop flag is */
static volatile sig_atomic_t stop_requested;
static bool output_failed;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Names and keys hold only [A-Za-z0-9_/] (DESIGN §4), but a JSON string
 * is escaped whatever it holds. */
static void put_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void print_event(ndConnectPtr conn, const char *name, const char *key, int action,
                        void *opaque)
{
    (void)conn;
    bool json = *(const bool *)opaque;
    const char *what = ndEventActionName(action);
    if (json) {
        fputs("{\"action\":", stdout);
        put_json_string(what ? what : "unknown");
        fputs(",\"name\":", stdout);
        put_json_string(name);
        fputs(",\"key\":", stdout);
        put_json_string(key);
        fputs("}\n", stdout);
    } else {
        printf("%s %s %s\n", what ? what : "unknown", name, key);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        output_failed = true;
        stop_requested = 1;
    }
}

int nd_cmd_monitor(ndConnectPtr conn, int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    int o;
    optind = 0;   /* re-initialise getopt: options may follow NAME */
    while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (o != 'j') {
            fprintf(stderr, "nodedev: monitor: bad option\nTry 'nodedev --help'.\n");
            return 2;
        }
        json = true;
    }
    if (optind < argc) {
        fprintf(stderr, "nodedev: monitor: unexpected argument '%s'\nTry 'nodedev --help'.\n",
                argv[optind]);
        return 2;
    }
    /* no SA_RESTART: the signal interrupts the library's poll() */
    struct sigaction sa = { .sa_handler = on_stop_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);   /* a closed stdout is a write error, seen above */

    if (ndConnectMonitorRun(conn, print_event, &json, (volatile int *)&stop_requested) < 0) {
        const ndError *e = ndGetLastError();
        fprintf(stderr, "nodedev: error: %s\n", e ? e->message : "unknown error");
        return 1;
    }
    if (output_failed) {
        fprintf(stderr, "nodedev: error: cannot write the output\n");
        return 1;
    }
    return 0;
}
