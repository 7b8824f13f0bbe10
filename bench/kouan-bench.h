/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-test-server.h"

G_BEGIN_DECLS

/* Shared by the benchmarks: a real kouan-server with generated data, and
 * synchronous wrappers around the async core API so each benchmark reads
 * as a straight sequence of timed steps. Failures abort with a message:
 * a benchmark that cannot run must not print figures. */

#define KOUAN_BENCH_ACCOUNT  "demo-admin"
#define KOUAN_BENCH_PASSWORD "kouan-demo"

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
void          kouan_bench_die            (const char *format, ...);

/* Deletes @path and everything under it (the benchmarks' temp dirs). */
void          kouan_bench_remove_tree    (const char *path);

/* Prints the load average, so figures taken on a busy machine say so. */
void          kouan_bench_print_load     (const char *when);

/* CPU seconds (user + system) used so far by this process (RUSAGE_SELF)
 * or by its waited-for children (RUSAGE_CHILDREN). */
double        kouan_bench_cpu_seconds    (int who);

/* Seconds since @start_us (a g_get_monotonic_time() value). */
double        kouan_bench_seconds_since  (gint64 start_us);

/* Starts kouan-server --demo --demo-scale @scale; @out_seconds gets the
 * time it took to seed and listen. */
KouanTestServer *kouan_bench_start_server (guint   scale,
                                           double *out_seconds);

KouanSession *kouan_bench_login          (KouanClient *client);

/* Saves the session's enterprises in @store and runs one full sync cycle
 * (KouanSync run_once) for each, as the app's first start would. */
void          kouan_bench_sync_all       (KouanClient  *client,
                                          KouanStore   *store,
                                          KouanSession *session);

/* Notices + warnings in @store for the session's enterprises. */
guint         kouan_bench_count_messages (KouanStore   *store,
                                          KouanSession *session);

G_END_DECLS
