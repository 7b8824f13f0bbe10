/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server.h"

G_BEGIN_DECLS

/* Shared by kouan-server-personal.c (profile, preferences, account,
 * sessions) and kouan-server-personal-enterprises.c (binding and
 * certification). */

#define KOUAN_PERSONAL_NAME_MAX   64   /* characters */
#define KOUAN_PERSONAL_TEXT_MAX   128  /* characters, other free text */

/* Checks a free-text field: 1..@max characters after trimming, no control
 * characters. Returns the trimmed copy or NULL with a message in @error. */
char    *_kouan_server_personal_clean_text   (const char  *value,
                                              const char  *name,
                                              guint        max,
                                              GError     **error);

void     _kouan_server_personal_enterprises_install (KouanServer *self);
gboolean _kouan_server_personal_enterprises_demo_seed (KouanServer  *self,
                                                       GError      **error);

G_END_DECLS
