/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "kouan-storage.h"

G_BEGIN_DECLS

/* What the PostgreSQL backend's area files (kouan-storage-postgres-AREA.c)
 * share with kouan-storage-postgres.c. */

/* Runs @sql with text parameters (NULL: SQL NULL); the result (transfer
 * full) when it succeeded, NULL with @error otherwise. */
PGresult *_kouan_storage_pg_run      (KouanStorage        *storage,
                                      const char          *sql,
                                      int                  n_params,
                                      const char * const  *params,
                                      GError             **error,
                                      const char          *what);
gboolean  _kouan_storage_pg_run_done (KouanStorage        *storage,
                                      const char          *sql,
                                      int                  n_params,
                                      const char * const  *params,
                                      GError             **error,
                                      const char          *what);
/* The same with per-parameter @lengths and @formats (1: binary, e.g.
 * bytea), every column of the result binary when @binary_result (text
 * columns are their bytes then; cast integers to text) */
PGresult *_kouan_storage_pg_run_binary (KouanStorage       *storage,
                                        const char         *sql,
                                        int                 n_params,
                                        const char * const *params,
                                        const int          *lengths,
                                        const int          *formats,
                                        gboolean            binary_result,
                                        GError            **error,
                                        const char         *what);
/* Opens a transaction unless the caller's transaction
 * is open already: a write and its change commit together. */
gboolean  _kouan_storage_pg_begin_own  (KouanStorage *storage, gboolean *out_own,
                                        GError **error);
gboolean  _kouan_storage_pg_finish_own (KouanStorage *storage, gboolean own,
                                        gboolean ok, GError **error);
/* The integer at (@row, @column); 0 for NULL */
gint64    _kouan_storage_pg_int_at   (PGresult            *result,
                                      int                  row,
                                      int                  column);
/* (transfer full) (nullable) the text at (@row, @column); NULL for NULL */
char     *_kouan_storage_pg_value_dup (PGresult           *result,
                                       int                 row,
                                       int                 column);
/* The boolean at (@row, @column); FALSE for NULL */
gboolean  _kouan_storage_pg_bool_at   (PGresult           *result,
                                       int                 row,
                                       int                 column);

/* A parameter's text for an integer */
#define KOUAN_PG_INT(name, value) \
  char name[24]; g_snprintf (name, sizeof name, "%" G_GINT64_FORMAT, (gint64) (value))

extern const KouanStoragePersonal _kouan_storage_pg_personal;
extern const KouanStorageMessages _kouan_storage_pg_messages;
extern const KouanStorageInsurance _kouan_storage_pg_insurance;
extern const KouanStorageEnterprise _kouan_storage_pg_enterprise;
extern const KouanStoragePeople   _kouan_storage_pg_people;
extern const KouanStorageAudit    _kouan_storage_pg_audit;
extern const KouanStorageImages   _kouan_storage_pg_images;

G_END_DECLS
