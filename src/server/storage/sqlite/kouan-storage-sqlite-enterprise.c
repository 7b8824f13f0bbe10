/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

/* Area 7, enterprise settings, on SQLite: the enterprise's profile and
 * invoice details (enterprise_profiles, with its name and credit code in
 * enterprises), its business switches (business_settings) and the
 * showcase's slides and links. The triggers of the server's schema
 * (kouan-server-db.c) record the changes; the feed materialises the
 * records. */

#define S(sql) _kouan_storage_sqlite_stmt (storage, sql)
#define DONE(s, what) _kouan_storage_sqlite_done (storage, s, error, what)
#define FAIL(what) _kouan_storage_sqlite_fail (storage, error, what)
#define step_row _kouan_storage_sqlite_step_row
#define column_dup _kouan_storage_sqlite_column_dup

/* "" for NULL: a profile not written yet */
static char *
column_text (sqlite3_stmt *s, int i)
{
  const char *text = (const char *) sqlite3_column_text (s, i);

  return g_strdup (text != NULL ? text : "");
}

static void
bind_id_or_null (sqlite3_stmt *s, int i, gint64 id)
{
  if (id != 0)
    sqlite3_bind_int64 (s, i, id);
  else
    sqlite3_bind_null (s, i);
}

static gboolean
enterprise_open (KouanStorage *storage, gint64 enterprise_id, const char *name,
                 const char *credit_code, GError **error)
{
  /* the insert triggers record both settings records' changes */
  sqlite3_stmt *s = S ("INSERT INTO enterprises (id, name, credit_code) VALUES (?1, ?2, ?3)"
                       " ON CONFLICT (id) DO NOTHING");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_text (s, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, credit_code, -1, SQLITE_TRANSIENT);
  return DONE (s, "Opening an enterprise");
}

/* ---- enterprise_settings ------------------------------------------- */

static gboolean
settings_get (KouanStorage *storage, gint64 enterprise_id,
              KouanStoredEnterpriseSettings *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT e.name, e.credit_code,"
    "       p.registered_address, p.contact_person, p.contact_phone, p.customs_code,"
    "       p.invoice_title, p.taxpayer_number, p.bank_name, p.bank_account,"
    "       p.invoice_address_phone, p.logo_image, p.seal_image"
    " FROM enterprises e LEFT JOIN enterprise_profiles p ON p.enterprise_id = e.id"
    " WHERE e.id = ?1");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (!step_row (storage, s, &row, error, "Reading enterprise settings"))
    return FALSE;
  if (row)
    {
      out->enterprise_id = enterprise_id;
      out->name = column_text (s, 0);
      out->credit_code = column_text (s, 1);
      for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
        out->profile[i] = column_text (s, 2 + i);
      out->logo_image = sqlite3_column_int64 (s, 11);
      out->seal_image = sqlite3_column_int64 (s, 12);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
credit_code_taken (KouanStorage *storage, gint64 enterprise_id, const char *credit_code,
                   gboolean *out_taken, GError **error)
{
  sqlite3_stmt *s = S ("SELECT 1 FROM enterprises WHERE credit_code = ?1 AND id != ?2");

  sqlite3_bind_text (s, 1, credit_code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!step_row (storage, s, out_taken, error, "Checking a credit code"))
    return FALSE;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
settings_put (KouanStorage *storage, const KouanStoredEnterpriseSettings *settings,
              GError **error)
{
  sqlite3_stmt *s;

  /* only when they change: the enterprise's own record moves then */
  s = S ("UPDATE enterprises SET name = ?2, credit_code = ?3"
         " WHERE id = ?1 AND (name, credit_code) IS NOT (?2, ?3)");
  sqlite3_bind_int64 (s, 1, settings->enterprise_id);
  sqlite3_bind_text (s, 2, settings->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 3, settings->credit_code, -1, SQLITE_TRANSIENT);
  if (!DONE (s, "Writing enterprise settings"))
    return FALSE;

  s = S ("INSERT INTO enterprise_profiles (enterprise_id, registered_address, contact_person,"
         "  contact_phone, customs_code, invoice_title, taxpayer_number, bank_name, bank_account,"
         "  invoice_address_phone, logo_image, seal_image)"
         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
         " ON CONFLICT (enterprise_id) DO UPDATE SET"
         "  registered_address = excluded.registered_address, contact_person = excluded.contact_person,"
         "  contact_phone = excluded.contact_phone, customs_code = excluded.customs_code,"
         "  invoice_title = excluded.invoice_title, taxpayer_number = excluded.taxpayer_number,"
         "  bank_name = excluded.bank_name, bank_account = excluded.bank_account,"
         "  invoice_address_phone = excluded.invoice_address_phone,"
         "  logo_image = excluded.logo_image, seal_image = excluded.seal_image");
  sqlite3_bind_int64 (s, 1, settings->enterprise_id);
  for (guint i = 0; i < KOUAN_STORED_PROFILE_N; i++)
    sqlite3_bind_text (s, 2 + i, settings->profile[i] != NULL ? settings->profile[i] : "",
                       -1, SQLITE_TRANSIENT);
  bind_id_or_null (s, 11, settings->logo_image);
  bind_id_or_null (s, 12, settings->seal_image);
  return DONE (s, "Writing enterprise settings");
}

/* ---- business_settings --------------------------------------------- */

static gboolean
business_get (KouanStorage *storage, gint64 enterprise_id,
              KouanStoredBusinessSettings *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT b.aircraft_auto, b.manifest_auto, b.status_push, b.e_payment,"
    "       b.receipt_download, b.aircraft_time"
    " FROM enterprises e LEFT JOIN business_settings b ON b.enterprise_id = e.id"
    " WHERE e.id = ?1");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (!step_row (storage, s, &row, error, "Reading business settings"))
    return FALSE;
  if (row)
    {
      out->enterprise_id = enterprise_id;
      for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
        out->switches[i] = sqlite3_column_int (s, i) != 0;
      out->aircraft_time = column_dup (s, 5);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
business_put (KouanStorage *storage, const KouanStoredBusinessSettings *settings,
              GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO business_settings (enterprise_id, aircraft_auto, manifest_auto, status_push,"
    "  e_payment, receipt_download, aircraft_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET aircraft_auto = excluded.aircraft_auto,"
    "  manifest_auto = excluded.manifest_auto, status_push = excluded.status_push,"
    "  e_payment = excluded.e_payment, receipt_download = excluded.receipt_download,"
    "  aircraft_time = excluded.aircraft_time");

  sqlite3_bind_int64 (s, 1, settings->enterprise_id);
  for (guint i = 0; i < KOUAN_STORED_SWITCHES_N; i++)
    sqlite3_bind_int (s, 2 + i, settings->switches[i] != FALSE);
  if (settings->aircraft_time != NULL)
    sqlite3_bind_text (s, 7, settings->aircraft_time, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (s, 7);
  return DONE (s, "Writing business settings");
}

/* ---- showcase: slides and links ------------------------------------ */

static gboolean
count_rows (KouanStorage *storage, sqlite3_stmt *s, gint64 enterprise_id,
            gint64 *out_count, gint64 *out_next_position, GError **error)
{
  gboolean row;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (!step_row (storage, s, &row, error, "Counting the showcase"))
    return FALSE;
  *out_count = row ? sqlite3_column_int64 (s, 0) : 0;
  *out_next_position = row ? sqlite3_column_int64 (s, 1) : 0;
  sqlite3_reset (s);
  return TRUE;
}

/* Steps an INSERT/UPDATE … RETURNING id; *out_id 0 when no row */
static gboolean
step_returning (KouanStorage *storage, sqlite3_stmt *s, gint64 *out_id, GError **error,
                const char *what)
{
  gboolean row;

  if (!step_row (storage, s, &row, error, what))
    return FALSE;
  *out_id = row ? sqlite3_column_int64 (s, 0) : 0;
  /* run to the end so that the write completes */
  while (row && sqlite3_step (s) == SQLITE_ROW)
    ;
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
delete_row (KouanStorage *storage, sqlite3_stmt *s, gint64 enterprise_id, gint64 id,
            GError **error)
{
  sqlite3_bind_int64 (s, 1, id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  return DONE (s, "Deleting from the showcase");
}

static gboolean
slide_get (KouanStorage *storage, gint64 enterprise_id, gint64 slide_id,
           KouanStoredSlide *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT image_id, caption, link, position FROM showcase_slides"
                       " WHERE id = ?1 AND enterprise_id = ?2");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, slide_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!step_row (storage, s, &row, error, "Reading a slide"))
    return FALSE;
  if (row)
    {
      out->id = slide_id;
      out->image_id = sqlite3_column_int64 (s, 0);
      out->caption = column_text (s, 1);
      out->link = column_text (s, 2);
      out->position = sqlite3_column_int64 (s, 3);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
slides_count (KouanStorage *storage, gint64 enterprise_id, gint64 *out_count,
              gint64 *out_next_position, GError **error)
{
  return count_rows (storage,
                     S ("SELECT count(*), coalesce (max (position) + 1, 0)"
                        " FROM showcase_slides WHERE enterprise_id = ?1"),
                     enterprise_id, out_count, out_next_position, error);
}

static gboolean
slide_put (KouanStorage *storage, gint64 enterprise_id, const KouanStoredSlide *slide,
           gint64 *out_id, GError **error)
{
  sqlite3_stmt *s;

  if (slide->id == 0)
    s = S ("INSERT INTO showcase_slides (enterprise_id, image_id, caption, link, position)"
           " VALUES (?1, ?3, ?4, ?5, ?6) RETURNING id");
  else
    s = S ("UPDATE showcase_slides SET image_id = ?3, caption = ?4, link = ?5, position = ?6"
           " WHERE enterprise_id = ?1 AND id = ?2 RETURNING id");
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, slide->id);
  sqlite3_bind_int64 (s, 3, slide->image_id);
  sqlite3_bind_text (s, 4, slide->caption != NULL ? slide->caption : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 5, slide->link != NULL ? slide->link : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 6, slide->position);
  return step_returning (storage, s, out_id, error, "Writing a slide");
}

static gboolean
slide_delete (KouanStorage *storage, gint64 enterprise_id, gint64 slide_id, GError **error)
{
  return delete_row (storage, S ("DELETE FROM showcase_slides WHERE id = ?1 AND enterprise_id = ?2"),
                     enterprise_id, slide_id, error);
}

static gboolean
link_get (KouanStorage *storage, gint64 enterprise_id, gint64 link_id,
          KouanStoredLink *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT title, url, position FROM showcase_links"
                       " WHERE id = ?1 AND enterprise_id = ?2");
  gboolean row;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, link_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  if (!step_row (storage, s, &row, error, "Reading a link"))
    return FALSE;
  if (row)
    {
      out->id = link_id;
      out->title = column_text (s, 0);
      out->url = column_text (s, 1);
      out->position = sqlite3_column_int64 (s, 2);
    }
  sqlite3_reset (s);
  return TRUE;
}

static gboolean
links_count (KouanStorage *storage, gint64 enterprise_id, gint64 *out_count,
             gint64 *out_next_position, GError **error)
{
  return count_rows (storage,
                     S ("SELECT count(*), coalesce (max (position) + 1, 0)"
                        " FROM showcase_links WHERE enterprise_id = ?1"),
                     enterprise_id, out_count, out_next_position, error);
}

static gboolean
link_put (KouanStorage *storage, gint64 enterprise_id, const KouanStoredLink *link,
          gint64 *out_id, GError **error)
{
  sqlite3_stmt *s;

  if (link->id == 0)
    s = S ("INSERT INTO showcase_links (enterprise_id, title, url, position)"
           " VALUES (?1, ?3, ?4, ?5) RETURNING id");
  else
    s = S ("UPDATE showcase_links SET title = ?3, url = ?4, position = ?5"
           " WHERE enterprise_id = ?1 AND id = ?2 RETURNING id");
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, link->id);
  sqlite3_bind_text (s, 3, link->title != NULL ? link->title : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (s, 4, link->url != NULL ? link->url : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (s, 5, link->position);
  return step_returning (storage, s, out_id, error, "Writing a link");
}

static gboolean
link_delete (KouanStorage *storage, gint64 enterprise_id, gint64 link_id, GError **error)
{
  return delete_row (storage, S ("DELETE FROM showcase_links WHERE id = ?1 AND enterprise_id = ?2"),
                     enterprise_id, link_id, error);
}

const KouanStorageEnterprise _kouan_storage_sqlite_enterprise = {
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
