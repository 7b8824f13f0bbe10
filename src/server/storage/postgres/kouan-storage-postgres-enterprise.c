/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Area 7, enterprise settings, on PostgreSQL (schema: migration 7 of
 * kouan-storage-postgres.c). Each write records its change with the
 * record's JSON as it was written, built by the statement that writes or
 * reads the row (json_build_object), so the feed concatenates it as is.
 * The members are those the handlers materialise on SQLite
 * (kouan-server-enterprise*.c; docs/api.md): a profile not written yet
 * reads as empty strings, switches not written yet as off. Every change
 * is for everyone: who may view a collection is the feed's to decide.
 * Images are referenced by id without a foreign key until area 9 is
 * ported. */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT
#define value_dup _kouan_storage_pg_value_dup
#define value_bool _kouan_storage_pg_bool_at

/* The "enterprise" record of e (docs/api.md), as the SQLite trigger
 * enterprises_update announces it */
#define ENTERPRISE_JSON \
  "json_build_object ('id', e.id, 'name', e.name, 'credit_code', e.credit_code," \
  " 'certified', e.certified)::text"

/* The "enterprise_settings" record of e with its profile p (LEFT JOINed) */
#define SETTINGS_JSON \
  "json_build_object ('id', e.id, 'name', e.name, 'credit_code', e.credit_code," \
  " 'registered_address', COALESCE (p.registered_address, '')," \
  " 'contact_person', COALESCE (p.contact_person, '')," \
  " 'contact_phone', COALESCE (p.contact_phone, '')," \
  " 'customs_code', COALESCE (p.customs_code, '')," \
  " 'invoice_title', COALESCE (p.invoice_title, '')," \
  " 'taxpayer_number', COALESCE (p.taxpayer_number, '')," \
  " 'bank_name', COALESCE (p.bank_name, '')," \
  " 'bank_account', COALESCE (p.bank_account, '')," \
  " 'invoice_address_phone', COALESCE (p.invoice_address_phone, '')," \
  " 'logo_image', p.logo_image, 'seal_image', p.seal_image)::text"

/* The "business_settings" record of enterprise e with its row b (LEFT JOINed) */
#define BUSINESS_JSON \
  "json_build_object ('id', e.id," \
  " 'aircraft_auto', COALESCE (b.aircraft_auto, false)," \
  " 'manifest_auto', COALESCE (b.manifest_auto, false)," \
  " 'status_push', COALESCE (b.status_push, false)," \
  " 'e_payment', COALESCE (b.e_payment, false)," \
  " 'receipt_download', COALESCE (b.receipt_download, false)," \
  " 'aircraft_time', b.aircraft_time)::text"

#define SLIDE_JSON \
  "json_build_object ('id', s.id, 'image', s.image_id, 'caption', s.caption," \
  " 'link', s.link, 'position', s.position)::text"

#define LINK_JSON \
  "json_build_object ('id', l.id, 'title', l.title, 'url', l.url, 'position', l.position)::text"

/* Records a change of each row's (column 0: id, 1: JSON) record */
static gboolean
record_rows (KouanStorage *storage, gint64 enterprise_id, const char *collection,
             PGresult *r, GError **error)
{
  for (int i = 0; i < PQntuples (r); i++)
    if (!storage->feed->change_record (storage, enterprise_id, 0, collection,
                                       _kouan_storage_pg_int_at (r, i, 0),
                                       PQgetvalue (r, i, 1), error))
      return FALSE;
  return TRUE;
}

/* Runs @sql (rows of id and JSON) and records their changes */
static gboolean
write_and_record (KouanStorage *storage, gint64 enterprise_id, const char *collection,
                  const char *sql, int n_params, const char * const *params,
                  gint64 *out_id, GError **error, const char *what)
{
  PGresult *r = RUN (sql, n_params, params, what);
  gboolean ok;

  if (r == NULL)
    return FALSE;
  if (out_id != NULL)
    *out_id = PQntuples (r) > 0 ? _kouan_storage_pg_int_at (r, 0, 0) : 0;
  ok = record_rows (storage, enterprise_id, collection, r, error);
  PQclear (r);
  return ok;
}

/* The current settings records of @enterprise_id, as changes */
static gboolean
record_settings (KouanStorage *storage, gint64 enterprise_id, gboolean profile,
                 gboolean business, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };

  return (!profile ||
          write_and_record (storage, enterprise_id, "enterprise_settings",
                            "SELECT e.id, " SETTINGS_JSON " FROM enterprises e"
                            " LEFT JOIN enterprise_profiles p ON p.enterprise_id = e.id"
                            " WHERE e.id = $1", 1, params, NULL, error,
                            "Recording enterprise settings")) &&
         (!business ||
          write_and_record (storage, enterprise_id, "business_settings",
                            "SELECT e.id, " BUSINESS_JSON " FROM enterprises e"
                            " LEFT JOIN business_settings b ON b.enterprise_id = e.id"
                            " WHERE e.id = $1", 1, params, NULL, error,
                            "Recording business settings"));
}

static gboolean
enterprise_open (KouanStorage *storage, gint64 enterprise_id, const char *name,
                 const char *credit_code, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid, name, credit_code };
  gboolean own, ok;
  gint64 inserted = 0;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* the serial goes past an id given here, so that one the database
   * picks later cannot collide with it */
  ok = write_and_record (storage, enterprise_id, "enterprise",
                         "WITH e AS (INSERT INTO enterprises (id, name, credit_code)"
                         "   VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING *)"
                         " SELECT e.id, " ENTERPRISE_JSON " FROM e",
                         3, params, &inserted, error, "Opening an enterprise") &&
       (inserted == 0 ||
        _kouan_storage_pg_run_done (storage,
                                    "SELECT setval (q.s, GREATEST ($1::bigint,"
                                    "   COALESCE (pg_sequence_last_value (q.s), 0)))"
                                    " FROM (SELECT pg_get_serial_sequence ('enterprises', 'id')::regclass AS s) AS q",
                                    1, params, error, "Opening an enterprise")) &&
       (inserted == 0 || record_settings (storage, enterprise_id, TRUE, TRUE, error));
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

/* ---- enterprise_settings ------------------------------------------- */

static gboolean
settings_get (KouanStorage *storage, gint64 enterprise_id,
              KouanStoredEnterpriseSettings *out, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT e.name, e.credit_code,"
           "       COALESCE (p.registered_address, ''), COALESCE (p.contact_person, ''),"
           "       COALESCE (p.contact_phone, ''), COALESCE (p.customs_code, ''),"
           "       COALESCE (p.invoice_title, ''), COALESCE (p.taxpayer_number, ''),"
           "       COALESCE (p.bank_name, ''), COALESCE (p.bank_account, ''),"
           "       COALESCE (p.invoice_address_phone, ''), p.logo_image, p.seal_image"
           " FROM enterprises e LEFT JOIN enterprise_profiles p ON p.enterprise_id = e.id"
           " WHERE e.id = $1", 1, params, "Reading enterprise settings");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->enterprise_id = enterprise_id;
      out->name = value_dup (r, 0, 0);
      out->credit_code = value_dup (r, 0, 1);
      for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
        out->profile[i] = value_dup (r, 0, 2 + i);
      out->logo_image = _kouan_storage_pg_int_at (r, 0, 11);
      out->seal_image = _kouan_storage_pg_int_at (r, 0, 12);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
credit_code_taken (KouanStorage *storage, gint64 enterprise_id, const char *credit_code,
                   gboolean *out_taken, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { credit_code, eid };
  PGresult *r = RUN ("SELECT 1 FROM enterprises WHERE credit_code = $1 AND id <> $2",
                     2, params, "Checking a credit code");

  if (r == NULL)
    return FALSE;
  *out_taken = PQntuples (r) > 0;
  PQclear (r);
  return TRUE;
}

static gboolean
settings_put (KouanStorage *storage, const KouanStoredEnterpriseSettings *settings,
              GError **error)
{
  INT (eid, settings->enterprise_id);
  INT (logo, settings->logo_image);
  INT (seal, settings->seal_image);
  const char *names[] = { eid, settings->name, settings->credit_code };
  const char *profile[3 + KOUAN_STORED_PROFILE_N] = { eid };
  gboolean own, ok;

  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    profile[1 + i] = settings->profile[i] != NULL ? settings->profile[i] : "";
  profile[1 + KOUAN_STORED_PROFILE_N] = settings->logo_image != 0 ? logo : NULL;
  profile[2 + KOUAN_STORED_PROFILE_N] = settings->seal_image != 0 ? seal : NULL;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* the enterprise's own record moves only when its name or code does */
  ok = write_and_record (storage, settings->enterprise_id, "enterprise",
                         "WITH e AS (UPDATE enterprises SET name = $2, credit_code = $3"
                         "   WHERE id = $1 AND (name, credit_code) IS DISTINCT FROM ($2, $3)"
                         "   RETURNING *)"
                         " SELECT e.id, " ENTERPRISE_JSON " FROM e",
                         3, names, NULL, error, "Writing enterprise settings") &&
       write_and_record (storage, settings->enterprise_id, "enterprise_settings",
                         "WITH p AS (INSERT INTO enterprise_profiles (enterprise_id,"
                         "   registered_address, contact_person, contact_phone, customs_code,"
                         "   invoice_title, taxpayer_number, bank_name, bank_account,"
                         "   invoice_address_phone, logo_image, seal_image)"
                         "   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                         "   ON CONFLICT (enterprise_id) DO UPDATE SET"
                         "   registered_address = excluded.registered_address,"
                         "   contact_person = excluded.contact_person,"
                         "   contact_phone = excluded.contact_phone, customs_code = excluded.customs_code,"
                         "   invoice_title = excluded.invoice_title,"
                         "   taxpayer_number = excluded.taxpayer_number,"
                         "   bank_name = excluded.bank_name, bank_account = excluded.bank_account,"
                         "   invoice_address_phone = excluded.invoice_address_phone,"
                         "   logo_image = excluded.logo_image, seal_image = excluded.seal_image"
                         "   RETURNING *)"
                         " SELECT e.id, " SETTINGS_JSON " FROM p JOIN enterprises e ON e.id = p.enterprise_id",
                         G_N_ELEMENTS (profile), profile, NULL, error, "Writing enterprise settings");
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

/* ---- business_settings --------------------------------------------- */

static gboolean
business_get (KouanStorage *storage, gint64 enterprise_id,
              KouanStoredBusinessSettings *out, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT b.aircraft_auto, b.manifest_auto, b.status_push, b.e_payment,"
           "       b.receipt_download, b.aircraft_time"
           " FROM enterprises e LEFT JOIN business_settings b ON b.enterprise_id = e.id"
           " WHERE e.id = $1", 1, params, "Reading business settings");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->enterprise_id = enterprise_id;
      for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
        out->switches[i] = value_bool (r, 0, i);
      out->aircraft_time = value_dup (r, 0, 5);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
business_put (KouanStorage *storage, const KouanStoredBusinessSettings *settings,
              GError **error)
{
  INT (eid, settings->enterprise_id);
  const char *params[2 + KOUAN_STORED_SWITCHES_N] = { eid };
  gboolean own, ok;

  for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
    params[1 + i] = settings->switches[i] ? "true" : "false";
  params[1 + KOUAN_STORED_SWITCHES_N] = settings->aircraft_time;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = write_and_record (storage, settings->enterprise_id, "business_settings",
                         "WITH b AS (INSERT INTO business_settings (enterprise_id, aircraft_auto,"
                         "   manifest_auto, status_push, e_payment, receipt_download, aircraft_time)"
                         "   VALUES ($1, $2, $3, $4, $5, $6, $7)"
                         "   ON CONFLICT (enterprise_id) DO UPDATE SET"
                         "   aircraft_auto = excluded.aircraft_auto,"
                         "   manifest_auto = excluded.manifest_auto, status_push = excluded.status_push,"
                         "   e_payment = excluded.e_payment, receipt_download = excluded.receipt_download,"
                         "   aircraft_time = excluded.aircraft_time RETURNING *),"
                         " e AS (SELECT b.enterprise_id AS id FROM b)"
                         " SELECT e.id, " BUSINESS_JSON " FROM b, e",
                         G_N_ELEMENTS (params), params, NULL, error, "Writing business settings");
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

/* ---- showcase: slides and links ------------------------------------ */

static gboolean
count_rows (KouanStorage *storage, const char *sql, gint64 enterprise_id,
            gint64 *out_count, gint64 *out_next_position, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r = RUN (sql, 1, params, "Counting the showcase");

  if (r == NULL)
    return FALSE;
  *out_count = _kouan_storage_pg_int_at (r, 0, 0);
  *out_next_position = _kouan_storage_pg_int_at (r, 0, 1);
  PQclear (r);
  return TRUE;
}

/* Runs the DELETE … RETURNING id, NULL and records the deletion */
static gboolean
delete_row (KouanStorage *storage, const char *collection, const char *sql,
            gint64 enterprise_id, gint64 id, GError **error)
{
  INT (eid, enterprise_id);
  INT (rid, id);
  const char *params[] = { rid, eid };
  PGresult *r;
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  r = RUN (sql, 2, params, "Deleting from the showcase");
  ok = r != NULL;
  for (int i = 0; ok && i < PQntuples (r); i++)
    ok = storage->feed->change_record (storage, enterprise_id, 0, collection,
                                       _kouan_storage_pg_int_at (r, i, 0), NULL, error);
  g_clear_pointer (&r, PQclear);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
slide_get (KouanStorage *storage, gint64 enterprise_id, gint64 slide_id,
           KouanStoredSlide *out, GError **error)
{
  INT (sid, slide_id);
  INT (eid, enterprise_id);
  const char *params[] = { sid, eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT image_id, caption, link, position FROM showcase_slides"
           " WHERE id = $1 AND enterprise_id = $2", 2, params, "Reading a slide");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = slide_id;
      out->image_id = _kouan_storage_pg_int_at (r, 0, 0);
      out->caption = value_dup (r, 0, 1);
      out->link = value_dup (r, 0, 2);
      out->position = _kouan_storage_pg_int_at (r, 0, 3);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
slides_count (KouanStorage *storage, gint64 enterprise_id, gint64 *out_count,
              gint64 *out_next_position, GError **error)
{
  return count_rows (storage,
                     "SELECT count(*), COALESCE (max (position) + 1, 0)"
                     " FROM showcase_slides WHERE enterprise_id = $1",
                     enterprise_id, out_count, out_next_position, error);
}

static gboolean
slide_put (KouanStorage *storage, gint64 enterprise_id, const KouanStoredSlide *slide,
           gint64 *out_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (sid, slide->id);
  INT (image, slide->image_id);
  INT (position, slide->position);
  const char *params[] = { eid, sid, image, slide->caption != NULL ? slide->caption : "",
                           slide->link != NULL ? slide->link : "", position };
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  if (slide->id == 0)
    ok = write_and_record (storage, enterprise_id, "showcase_slides",
                           "WITH s AS (INSERT INTO showcase_slides (enterprise_id, image_id,"
                           "   caption, link, position) VALUES ($1, $3, $4, $5, $6) RETURNING *)"
                           " SELECT s.id, " SLIDE_JSON " FROM s WHERE $2::bigint = 0",
                           G_N_ELEMENTS (params), params, out_id, error, "Writing a slide");
  else
    ok = write_and_record (storage, enterprise_id, "showcase_slides",
                           "WITH s AS (UPDATE showcase_slides SET image_id = $3, caption = $4,"
                           "   link = $5, position = $6 WHERE enterprise_id = $1 AND id = $2"
                           "   RETURNING *)"
                           " SELECT s.id, " SLIDE_JSON " FROM s",
                           G_N_ELEMENTS (params), params, out_id, error, "Writing a slide");
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
slide_delete (KouanStorage *storage, gint64 enterprise_id, gint64 slide_id, GError **error)
{
  return delete_row (storage, "showcase_slides",
                     "DELETE FROM showcase_slides WHERE id = $1 AND enterprise_id = $2 RETURNING id",
                     enterprise_id, slide_id, error);
}

static gboolean
link_get (KouanStorage *storage, gint64 enterprise_id, gint64 link_id,
          KouanStoredLink *out, GError **error)
{
  INT (lid, link_id);
  INT (eid, enterprise_id);
  const char *params[] = { lid, eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT title, url, position FROM showcase_links"
           " WHERE id = $1 AND enterprise_id = $2", 2, params, "Reading a link");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = link_id;
      out->title = value_dup (r, 0, 0);
      out->url = value_dup (r, 0, 1);
      out->position = _kouan_storage_pg_int_at (r, 0, 2);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
links_count (KouanStorage *storage, gint64 enterprise_id, gint64 *out_count,
             gint64 *out_next_position, GError **error)
{
  return count_rows (storage,
                     "SELECT count(*), COALESCE (max (position) + 1, 0)"
                     " FROM showcase_links WHERE enterprise_id = $1",
                     enterprise_id, out_count, out_next_position, error);
}

static gboolean
link_put (KouanStorage *storage, gint64 enterprise_id, const KouanStoredLink *link,
          gint64 *out_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (lid, link->id);
  INT (position, link->position);
  const char *params[] = { eid, lid, link->title != NULL ? link->title : "",
                           link->url != NULL ? link->url : "", position };
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  if (link->id == 0)
    ok = write_and_record (storage, enterprise_id, "showcase_links",
                           "WITH l AS (INSERT INTO showcase_links (enterprise_id, title, url,"
                           "   position) VALUES ($1, $3, $4, $5) RETURNING *)"
                           " SELECT l.id, " LINK_JSON " FROM l WHERE $2::bigint = 0",
                           G_N_ELEMENTS (params), params, out_id, error, "Writing a link");
  else
    ok = write_and_record (storage, enterprise_id, "showcase_links",
                           "WITH l AS (UPDATE showcase_links SET title = $3, url = $4,"
                           "   position = $5 WHERE enterprise_id = $1 AND id = $2 RETURNING *)"
                           " SELECT l.id, " LINK_JSON " FROM l",
                           G_N_ELEMENTS (params), params, out_id, error, "Writing a link");
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
link_delete (KouanStorage *storage, gint64 enterprise_id, gint64 link_id, GError **error)
{
  return delete_row (storage, "showcase_links",
                     "DELETE FROM showcase_links WHERE id = $1 AND enterprise_id = $2 RETURNING id",
                     enterprise_id, link_id, error);
}

const KouanStorageEnterprise _kouan_storage_pg_enterprise = {
  .enterprise_open = enterprise_open,
  .settings_get = settings_get,
  .credit_code_taken = credit_code_taken,
  .settings_put = settings_put,
  .business_get = business_get,
  .business_put = business_put,
  .slide_get = slide_get,
  .slides_count = slides_count,
  .slide_put = slide_put,
  .slide_delete = slide_delete,
  .link_get = link_get,
  .links_count = links_count,
  .link_put = link_put,
  .link_delete = link_delete,
};
