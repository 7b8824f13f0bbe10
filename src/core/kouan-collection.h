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

/* For collection callbacks (and the store itself): a prepared statement for
 * @sql, cached on the connection, reset and unbound when released. Use as
 *   g_autoptr(KouanStatement) stmt = kouan_statement_get (db, SQL, error);
 * The SQL text must be a constant; each distinct text is prepared once. */
typedef sqlite3_stmt KouanStatement;
KouanStatement *kouan_statement_get     (sqlite3        *db,
                                         const char     *sql,
                                         GError        **error);
void            kouan_statement_release (KouanStatement *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanStatement, kouan_statement_release)
/* Sets a KOUAN_STORE_ERROR from the connection's last error (CORRUPT for
 * a damaged file, otherwise SQL). Always returns FALSE. */
gboolean        kouan_store_set_sql_error (GError     **error,
                                           sqlite3     *db,
                                           int          rc,
                                           const char  *what);
/* Steps a statement whose rows are not needed; FALSE + error on failure. */
gboolean        kouan_statement_run     (KouanStatement *stmt,
                                         GError        **error);
/* Runs @sql (a constant) with ?1 bound to @enterprise_id and ?2 to @id:
 * the usual shape of a collection's remove callback. */
gboolean        kouan_statement_run_for_record (sqlite3     *db,
                                                const char  *sql,
                                                gint64       enterprise_id,
                                                gint64       id,
                                                GError     **error);
/* NULL-terminated */
const KouanCollection * const *kouan_collection_all (void);

G_END_DECLS
