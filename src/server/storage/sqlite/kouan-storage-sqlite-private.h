/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "kouan-storage.h"

G_BEGIN_DECLS

/* What the SQLite backend's area files (kouan-storage-sqlite-AREA.c)
 * share with kouan-storage-sqlite.c: the borrowed connection and its
 * cache of prepared statements. */

sqlite3      *_kouan_storage_sqlite_db   (KouanStorage   *storage);
/* A prepared statement for constant @sql, reset and unbound */
sqlite3_stmt *_kouan_storage_sqlite_stmt (KouanStorage   *storage,
                                          const char     *sql);
/* Steps a statement that returns no row, then resets it */
gboolean      _kouan_storage_sqlite_done (KouanStorage   *storage,
                                          sqlite3_stmt   *stmt,
                                          GError        **error,
                                          const char     *what);
/* Sets @error from the connection's last error; returns FALSE */
gboolean      _kouan_storage_sqlite_fail (KouanStorage   *storage,
                                          GError        **error,
                                          const char     *what);
/* Steps @stmt, expected to return at most one row: TRUE on a row or none
 * (*out_row says which; the caller reads the row, then resets); on an
 * error resets @stmt and fails as _kouan_storage_sqlite_fail (@what) */
gboolean      _kouan_storage_sqlite_step_row (KouanStorage   *storage,
                                              sqlite3_stmt   *stmt,
                                              gboolean       *out_row,
                                              GError        **error,
                                              const char     *what);
/* (transfer full) (nullable): column @i of the current row as a string,
 * NULL for SQL NULL */
char         *_kouan_storage_sqlite_column_dup (sqlite3_stmt *stmt,
                                                int           i);

extern const KouanStoragePersonal _kouan_storage_sqlite_personal;
extern const KouanStorageMessages _kouan_storage_sqlite_messages;
extern const KouanStorageInsurance _kouan_storage_sqlite_insurance;
extern const KouanStorageEnterprise _kouan_storage_sqlite_enterprise;
extern const KouanStoragePeople   _kouan_storage_sqlite_people;
extern const KouanStorageAudit    _kouan_storage_sqlite_audit;
extern const KouanStorageImages   _kouan_storage_sqlite_images;

G_END_DECLS
