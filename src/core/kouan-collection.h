/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* A synced collection: how the store writes a pulled record, deletes a
 * tombstoned one and applies a local edit. Adding a synced type means a
 * migration creating its table plus one of these registered in
 * kouan-collections.c. All callbacks run inside the store's transaction. */
struct _KouanCollection {
  const char *name;   /* as in the change feed: "messages", "enterprise" */
  gboolean (*upsert)       (sqlite3 *db, gint64 enterprise_id, gint64 id,
                            JsonObject *record, GError **error);
  gboolean (*remove)       (sqlite3 *db, gint64 enterprise_id, gint64 id,
                            GError **error);
  /* Apply an outbox edit locally; FALSE + error when the fields are not
   * editable in this collection. */
  gboolean (*apply_local)  (sqlite3 *db, gint64 enterprise_id, const char *op,
                            gint64 record_id, JsonObject *fields,
                            GError **error);
};

const KouanCollection *kouan_collection_lookup (const char *name);
/* NULL-terminated */
const KouanCollection * const *kouan_collection_all (void);

G_END_DECLS
