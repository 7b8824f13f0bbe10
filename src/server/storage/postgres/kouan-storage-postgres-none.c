/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-storage.h"

/* Built with -Dpostgres=disabled (or without libpq-dev): the server
 * still builds and runs on SQLite, and says so for a postgresql:// URI. */
KouanStorage *
kouan_storage_postgres_open (const char  *uri,
                             GError     **error)
{
  g_set_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_UNSUPPORTED,
               "This kouan-server was built without PostgreSQL support (meson -Dpostgres)");
  return NULL;
}
