/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server.h"

G_BEGIN_DECLS

/* Shared by kouan-server-enterprise.c and kouan-server-enterprise-showcase.c. */

void     _kouan_server_showcase_install   (KouanServer  *self);
gboolean _kouan_server_showcase_demo_seed (KouanServer  *self,
                                           gint64        enterprise_id,
                                           GError      **error);
/* Checks @mutation's fields with the shared rules (kouan-settings.h);
 * NULL when they pass, else the rejected result. @current (transfer full)
 * (nullable) is handed to the result, or freed when they pass. */
JsonObject *_kouan_server_settings_check  (const KouanServerMutation *mutation,
                                           JsonObject                *current);
/* Merges @fields over @record (both borrowed). */
void     _kouan_server_settings_merge    (JsonObject  *record,
                                          JsonObject  *fields);
/* Records the change in the audit log when the log exists. */
void     _kouan_server_settings_audit    (KouanServer                *self,
                                          gint64                      enterprise_id,
                                          gint64                      user_id,
                                          const KouanServerMutation  *mutation);

G_END_DECLS
