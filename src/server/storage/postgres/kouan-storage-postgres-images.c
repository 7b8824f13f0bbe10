/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Images on PostgreSQL (schema: migration 9 of kouan-storage-postgres.c).
 * The bytes travel as binary parameters and results (bytea), not as hex
 * text. Whether an image is referenced is read from the tables that hold
 * image ids, each of which has a foreign key to images: the collector
 * never deletes what a record refers to, even across instances. */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT

/* pg_advisory_xact_lock key: 'KOUA' and 3 (kouan-storage-postgres.c) */
#define LOCK_IMAGES "x'4b4f554100000003'::bigint"

static gboolean
image_get (KouanStorage *storage, gint64 enterprise_id, gint64 image_id, gboolean with_data,
           KouanStoredImage *out, GError **error)
{
  INT (iid, image_id);
  INT (eid, enterprise_id);
  const char *params[] = { iid, eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  if (with_data)
    /* binary: the text columns are their bytes, the numbers cast to text */
    r = _kouan_storage_pg_run_binary (storage,
                                      "SELECT sha256, mime, width::text, height::text,"
                                      "       length (data)::text, data FROM images"
                                      " WHERE id = $1 AND enterprise_id = $2",
                                      2, params, NULL, NULL, TRUE, error, "Reading an image");
  else
    r = RUN ("SELECT sha256, mime, width, height, length (data) FROM images"
             " WHERE id = $1 AND enterprise_id = $2", 2, params, "Reading an image");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = image_id;
      out->enterprise_id = enterprise_id;
      out->sha256 = g_strndup (PQgetvalue (r, 0, 0), PQgetlength (r, 0, 0));
      out->mime = g_strndup (PQgetvalue (r, 0, 1), PQgetlength (r, 0, 1));
      out->width = g_ascii_strtoll (PQgetvalue (r, 0, 2), NULL, 10);
      out->height = g_ascii_strtoll (PQgetvalue (r, 0, 3), NULL, 10);
      out->size = g_ascii_strtoll (PQgetvalue (r, 0, 4), NULL, 10);
      if (with_data)
        out->data = g_bytes_new (PQgetvalue (r, 0, 5), PQgetlength (r, 0, 5));
    }
  PQclear (r);
  return TRUE;
}

static gboolean
image_enterprise (KouanStorage *storage, gint64 image_id, gint64 *out_enterprise_id,
                  GError **error)
{
  INT (iid, image_id);
  const char *params[] = { iid };
  PGresult *r = RUN ("SELECT enterprise_id FROM images WHERE id = $1", 1, params,
                     "Finding an image's enterprise");

  *out_enterprise_id = 0;
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    *out_enterprise_id = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
image_known (KouanStorage *storage, gint64 enterprise_id, const char *sha256,
             gboolean *out_known, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid, sha256 };
  PGresult *r = RUN ("SELECT 1 FROM images WHERE enterprise_id = $1 AND sha256 = $2", 2, params,
                     "Looking up an image");

  *out_known = FALSE;
  if (r == NULL)
    return FALSE;
  *out_known = PQntuples (r) == 1;
  PQclear (r);
  return TRUE;
}

static gboolean
usage (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
       gint64 *out_enterprise, gint64 *out_user, GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid };
  PGresult *r = RUN ("SELECT COALESCE (SUM (length (data)), 0),"
                     "       COALESCE (SUM (length (data)) FILTER (WHERE created_by = $2), 0)"
                     " FROM images WHERE enterprise_id = $1", 2, params,
                     "Counting an enterprise's images");

  *out_enterprise = *out_user = 0;
  if (r == NULL)
    return FALSE;
  *out_enterprise = _kouan_storage_pg_int_at (r, 0, 0);
  *out_user = _kouan_storage_pg_int_at (r, 0, 1);
  PQclear (r);
  return TRUE;
}

static gboolean
image_store (KouanStorage *storage, const KouanStoredImage *image, gint64 created_by,
             gint64 now, gint64 *out_id, GError **error)
{
  gsize length = 0;
  const char *bytes = g_bytes_get_data (image->data, &length);
  INT (eid, image->enterprise_id);
  INT (width, image->width);
  INT (height, image->height);
  INT (by, created_by);
  INT (at, now);
  const char *params[] = { eid, image->sha256, image->mime, width, height,
                           length > 0 ? bytes : "", created_by > 0 ? by : NULL, at };
  const int lengths[] = { 0, 0, 0, 0, 0, (int) length, 0, 0 };
  const int formats[] = { 0, 0, 0, 0, 0, 1, 0, 0 };
  PGresult *r;

  *out_id = 0;
  if (length > G_MAXINT)
    {
      g_set_error (error, KOUAN_STORAGE_ERROR, KOUAN_STORAGE_ERROR_FAILED,
                   "Storing an image: %" G_GSIZE_FORMAT " bytes are too many", length);
      return FALSE;
    }
  /* The same content again keeps its first id; stored again while no
   * record refers to it, it gets a fresh grace period. A new image takes
   * the sequence's next id (one taken by a conflict is simply skipped). */
  r = _kouan_storage_pg_run_binary (storage,
        "INSERT INTO images (enterprise_id, sha256, mime, width, height, data, created_by,"
        "                    created_at, unreferenced_since)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
        " ON CONFLICT (enterprise_id, sha256) DO UPDATE SET unreferenced_since ="
        "   CASE WHEN images.unreferenced_since IS NULL THEN NULL"
        "        ELSE excluded.unreferenced_since END"
        " RETURNING id",
        8, params, lengths, formats, FALSE, error, "Storing an image");
  if (r == NULL)
    return FALSE;
  *out_id = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

/* Whether image i is referred to: every column with a foreign key to
 * images (migration 9). A new one must be added here too. */
#define REFERENCED \
  "(EXISTS (SELECT 1 FROM enterprise_profiles p WHERE p.enterprise_id = i.enterprise_id" \
  "           AND (p.logo_image = i.id OR p.seal_image = i.id))" \
  " OR EXISTS (SELECT 1 FROM showcase_slides s WHERE s.image_id = i.id)" \
  " OR EXISTS (SELECT 1 FROM certifications c WHERE c.enterprise_id = i.enterprise_id" \
  "              AND c.licence_image = i.id)" \
  " OR EXISTS (SELECT 1 FROM profiles u WHERE u.avatar_image = i.id)" \
  " OR EXISTS (SELECT 1 FROM profiles u WHERE u.seal_image = i.id))"

static gboolean
images_collect (KouanStorage *storage, gint64 enterprise_id, gint64 now, gint64 before,
                gint64 *out_collected, GError **error)
{
  INT (eid, enterprise_id);
  INT (at, now);
  INT (until, before);
  const char *params[] = { eid, at };
  const char *collect_params[] = { eid, until };
  PGresult *r = NULL;
  gboolean own;
  gboolean ok;

  *out_collected = 0;
  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* One sweep at a time across instances (their hourly sweeps start
   * together): while another runs, this one has nothing to add. */
  r = RUN ("SELECT pg_try_advisory_xact_lock (" LOCK_IMAGES ")", 0, NULL,
           "Taking the images collector's lock");
  ok = r != NULL;
  if (ok && *PQgetvalue (r, 0, 0) != 't')
    {
      PQclear (r);
      return _kouan_storage_pg_finish_own (storage, own, TRUE, error);
    }
  g_clear_pointer (&r, PQclear);
  ok = ok && _kouan_storage_pg_run_done (storage,
         "UPDATE images i SET unreferenced_since = NULL"
         " WHERE unreferenced_since IS NOT NULL AND ($1 = 0 OR enterprise_id = $1)"
         "   AND " REFERENCED, 1, params, error, "Noting the referenced images") &&
       _kouan_storage_pg_run_done (storage,
         "UPDATE images i SET unreferenced_since = $2"
         " WHERE unreferenced_since IS NULL AND ($1 = 0 OR enterprise_id = $1)"
         "   AND NOT " REFERENCED, 2, params, error, "Noting the unreferenced images");
  /* A referrer being written on another connection holds its image's row
   * (the foreign key's KEY SHARE lock): that image is skipped, not
   * waited for; one whose referrer committed meanwhile makes the
   * foreign key refuse the delete, and the next sweep sees it. */
  if (ok)
    {
      r = RUN ("DELETE FROM images WHERE id IN ("
               "  SELECT id FROM images i"
               "   WHERE unreferenced_since <= $2 AND ($1 = 0 OR enterprise_id = $1)"
               "     AND NOT " REFERENCED
               "   FOR UPDATE SKIP LOCKED)", 2, collect_params, "Collecting unreferenced images");
      ok = r != NULL;
    }
  if (ok)
    *out_collected = g_ascii_strtoll (PQcmdTuples (r), NULL, 10);
  PQclear (r);
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    {
      *out_collected = 0;
      return FALSE;
    }
  return TRUE;
}

const KouanStorageImages _kouan_storage_pg_images = {
  .image_get = image_get,
  .image_enterprise = image_enterprise,
  .image_known = image_known,
  .usage = usage,
  .image_store = image_store,
  .images_collect = images_collect,
};
