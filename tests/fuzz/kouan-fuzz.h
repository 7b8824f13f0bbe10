/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>

/* libFuzzer's entry points (tests/fuzz/README.md). A harness aborts on a
 * property a caller relies on; the sanitizers catch the rest. */
int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* (transfer full): @data as a NUL-terminated string, cut at the first NUL
 * as a C caller would see it. */
static inline char *
kouan_fuzz_string (const uint8_t *data,
                   size_t         size)
{
  return g_strndup ((const char *) data, size);
}

static void
kouan_fuzz_on_trap (int signal_number)
{
  abort ();
}

/* g_error() and (with G_DEBUG=fatal-criticals) g_critical() stop the
 * process with SIGTRAP, which libFuzzer does not catch: it would exit
 * without saving the input. As SIGABRT the input is saved as a crash. */
static inline void
kouan_fuzz_setup (void)
{
  signal (SIGTRAP, kouan_fuzz_on_trap);
}
