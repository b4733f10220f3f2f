/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef ND_CMD_MONITOR_H
#define ND_CMD_MONITOR_H
#include "nodedev.h"

/* nodedev monitor [--json] (issue 6): one line per device event until
 * SIGINT or SIGTERM; exit status as the other commands. */
int nd_cmd_monitor(ndConnectPtr conn, int argc, char **argv);
#endif
