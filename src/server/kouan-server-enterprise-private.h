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
/* Records the change in the audit log ("<collection>.<op>") inside the
 * batch's transaction and returns the result: applied with @after
 * (transfer full) (nullable), or NULL with @error when the audit entry
 * cannot be written (the batch then rolls back). @before (nullable) is
 * borrowed. */
JsonObject *_kouan_server_settings_applied (KouanServer                *self,
                                            gint64                      enterprise_id,
                                            gint64                      user_id,
                                            const KouanServerMutation  *mutation,
                                            JsonObject                 *before,
                                            JsonObject                 *after,
                                            GError                    **error);

G_END_DECLS
