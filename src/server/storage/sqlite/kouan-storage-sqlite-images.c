/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

/* Images on SQLite: the images table of the server's schema
 * (kouan-server-db.c, steps 1 and 9). The records that show an image
 * refer to it with a foreign key; image_ids keeps the highest id ever
 * given, so a collected id never comes back for other content. */

#define S(sql) _kouan_storage_sqlite_stmt (storage, sql)
#define DONE(s, what) _kouan_storage_sqlite_done (storage, s, error, what)
#define FAIL(what) _kouan_storage_sqlite_fail (storage, error, what)
#define step_row _kouan_storage_sqlite_step_row

static gboolean
image_get (KouanStorage *storage, gint64 enterprise_id, gint64 image_id, gboolean with_data,
           KouanStoredImage *out, GError **error)
{
  sqlite3_stmt *s = with_data
    ? S ("SELECT sha256, mime, width, height, length (data), data FROM images"
         " WHERE id = ?1 AND enterprise_id = ?2")
    : S ("SELECT sha256, mime, width, height, length (data) FROM images"
         " WHERE id = ?1 AND enterprise_id = ?2");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, image_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!step_row (storage, s, &row, error, "Reading an image"))
    return FALSE;
  if (row)
    {
      out->id = image_id;
      out->enterprise_id = enterprise_id;
      out->sha256 = g_strdup ((const char *) sqlite3_column_text (s, 0));
      out->mime = g_strdup ((const char *) sqlite3_column_text (s, 1));
      out->width = sqlite3_column_int64 (s, 2);
      out->height = sqlite3_column_int64 (s, 3);
      out->size = sqlite3_column_int64 (s, 4);
      if (with_data)
        out->data = g_bytes_new (sqlite3_column_blob (s, 5), sqlite3_column_bytes (s, 5));
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
image_enterprise (KouanStorage *storage, gint64 image_id, gint64 *out_enterprise_id,
                  GError **error)
{
  sqlite3_stmt *s = S ("SELECT enterprise_id FROM images WHERE id = ?1");
  gboolean row;

  *out_enterprise_id = 0;
  sqlite3_bind_int64 (s, 1, image_id);
  if (!step_row (storage, s, &row, error, "Finding an image's enterprise"))
    return FALSE;
  if (row)
    *out_enterprise_id = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
image_known (KouanStorage *storage, gint64 enterprise_id, const char *sha256,
             gboolean *out_known, GError **error)
{
  sqlite3_stmt *s = S ("SELECT 1 FROM images WHERE enterprise_id = ?1 AND sha256 = ?2");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_text (s, 2, sha256, -1, SQLITE_TRANSIENT);
  if (!step_row (storage, s, out_known, error, "Looking up an image"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
usage (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
       gint64 *out_enterprise, gint64 *out_user, GError **error)
{
  sqlite3_stmt *s = S ("SELECT COALESCE (SUM (length (data)), 0),"
                       "       COALESCE (SUM (CASE WHEN created_by = ?2 THEN length (data) END), 0)"
                       " FROM images WHERE enterprise_id = ?1");
  gboolean row;

  *out_enterprise = *out_user = 0;
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, user_id);
  if (!step_row (storage, s, &row, error, "Counting an enterprise's images"))
    return FALSE;
  if (row)
    {
      *out_enterprise = sqlite3_column_int64 (s, 0);
      *out_user = sqlite3_column_int64 (s, 1);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
image_store (KouanStorage *storage, const KouanStoredImage *image, gint64 created_by,
             gint64 now, gint64 *out_id, GError **error)
{
  /* The same content again keeps its first id; stored again while no
   * record refers to it, it gets a fresh grace period (the edit that will
   * refer to it is on its way). A new image takes an id never given
   * before, also when the highest one was collected (image_ids). */
  sqlite3_stmt *s = S (
    "INSERT INTO images (id, enterprise_id, sha256, mime, width, height, data, created_by,"
    "                    created_at, unreferenced_since)"
    " VALUES ((SELECT last + 1 FROM image_ids), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
    " ON CONFLICT (enterprise_id, sha256) DO UPDATE SET unreferenced_since ="
    "   CASE WHEN images.unreferenced_since IS NULL THEN NULL ELSE excluded.unreferenced_since END"
    " RETURNING id");
  gsize length = 0;
  gconstpointer bytes = g_bytes_get_data (image->data, &length);
  gboolean row;

  *out_id = 0;
  sqlite3_bind_int64 (s, 1, image->enterprise_id);
  sqlite3_bind_text (s, 2, image->sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, image->mime, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 4, image->width);
  sqlite3_bind_int64 (s, 5, image->height);
  /* a zero-length blob is still a blob, never NULL */
  sqlite3_bind_blob64 (s, 6, length > 0 ? bytes : "", length, SQLITE_STATIC);
  if (created_by > 0)
    sqlite3_bind_int64 (s, 7, created_by);
  else
    sqlite3_bind_null (s, 7);
  sqlite3_bind_int64 (s, 8, now);
  if (!step_row (storage, s, &row, error, "Storing an image"))
    return FALSE;
  if (row)
    *out_id = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  if (*out_id == 0)
    return FAIL ("Storing an image");
  return TRUE;
}

/* Every column that refers to an image. A new one must be added here, or
 * the images it refers to are collected under it (test-hardening's
 * /hardening/images/collect checks the schema against this list). */
#define REFERENCED_IMAGES \
  "SELECT logo_image FROM enterprise_profiles WHERE logo_image IS NOT NULL" \
  " UNION SELECT seal_image FROM enterprise_profiles WHERE seal_image IS NOT NULL" \
  " UNION SELECT image_id FROM showcase_slides" \
  " UNION SELECT avatar_image FROM profiles WHERE avatar_image IS NOT NULL" \
  " UNION SELECT seal_image FROM profiles WHERE seal_image IS NOT NULL" \
  " UNION SELECT licence_image FROM certifications WHERE licence_image IS NOT NULL"

static gboolean
images_collect (KouanStorage *storage, gint64 enterprise_id, gint64 now, gint64 before,
                gint64 *out_collected, GError **error)
{
  sqlite3_stmt *referred = S (
    "UPDATE images SET unreferenced_since = NULL"
    " WHERE unreferenced_since IS NOT NULL AND (?1 = 0 OR enterprise_id = ?1)"
    "   AND id IN (" REFERENCED_IMAGES ")");
  sqlite3_stmt *released = S (
    "UPDATE images SET unreferenced_since = ?2"
    " WHERE unreferenced_since IS NULL AND (?1 = 0 OR enterprise_id = ?1)"
    "   AND id NOT IN (" REFERENCED_IMAGES ")");
  sqlite3_stmt *collect = S (
    "DELETE FROM images"
    " WHERE unreferenced_since <= ?2 AND (?1 = 0 OR enterprise_id = ?1)");
  gboolean own = sqlite3_get_autocommit (_kouan_storage_sqlite_db (storage));

  *out_collected = 0;
  /* One writer at a time on SQLite: nothing can refer to an image
   * between the statements of this transaction. */
  if (own && !kouan_storage_begin (storage, error))
    return FALSE;
  sqlite3_bind_int64 (referred, 1, enterprise_id);
  if (!DONE (referred, "Noting the referenced images"))
    goto failed;
  sqlite3_bind_int64 (released, 1, enterprise_id);
  sqlite3_bind_int64 (released, 2, now);
  if (!DONE (released, "Noting the unreferenced images"))
    goto failed;
  sqlite3_bind_int64 (collect, 1, enterprise_id);
  sqlite3_bind_int64 (collect, 2, before);
  if (!DONE (collect, "Collecting unreferenced images"))
    goto failed;
  *out_collected = sqlite3_changes64 (_kouan_storage_sqlite_db (storage));
  if (own && !kouan_storage_commit (storage, error))
    goto failed;
  return TRUE;

failed:
  if (own)
    kouan_storage_rollback (storage);
  *out_collected = 0;
  return FALSE;
}

const KouanStorageImages _kouan_storage_sqlite_images = {
  .image_get = image_get,
  .image_enterprise = image_enterprise,
  .image_known = image_known,
  .usage = usage,
  .image_store = image_store,
  .images_collect = images_collect,
};
