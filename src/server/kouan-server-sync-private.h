/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server.h"

G_BEGIN_DECLS

/* POST …/mutations without HTTP, for tests/fuzz/: reads @body as a batch,
 * applies it for @user_id in @enterprise_id in one transaction (committed
 * when @keep, else rolled back) and returns the per-mutation results
 * (transfer full). FALSE + KOUAN_JSON_ERROR for a malformed batch (the
 * endpoint's 400), FALSE + another error for a database failure (500). */
gboolean _kouan_server_sync_apply_body (KouanServer  *self,
                                        JsonObject   *body,
                                        gint64        enterprise_id,
                                        gint64        user_id,
                                        gboolean      keep,
                                        JsonArray   **out_results,
                                        GError      **error);

G_END_DECLS
