/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-collection.h"
#include "kouan-json.h"
#include "kouan-personal.h"
#include "kouan-store-private.h"

/* The personal center's collections in the cache (tables of store
 * migration "personal center" in kouan-store.c) and its queries. The
 * callbacks run inside the store's transaction with its lock held. */

static gboolean
invalid (GError     **error,
         const char  *collection,
         gint64       id,
         const char  *why)
{
  g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
               "Record %" G_GINT64_FORMAT " of \"%s\" is invalid: %s", id, collection, why);
  return FALSE;
}

/* A nullable integer member: 0 for null. */
static gboolean
get_opt_id (JsonObject  *record,
            const char  *name,
            gint64      *out)
{
  JsonNode *node = json_object_get_member (record, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *out = 0;
      return TRUE;
    }
  return kouan_json_get_int (record, name, out, NULL);
}

static void
bind_opt_id (sqlite3_stmt *stmt,
             int           column,
             gint64        value)
{
  if (value > 0)
    sqlite3_bind_int64 (stmt, column, value);
  else
    sqlite3_bind_null (stmt, column);
}

/* ---- profile ---------------------------------------------------------- */

static gboolean
profile_upsert (sqlite3     *db,
                gint64       enterprise_id,
                gint64       id,
                JsonObject  *record,
                GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  const char *account, *name, *gender, *phone, *email;
  gint64 record_id, avatar, avatar_enterprise, seal, seal_enterprise;

  if (!kouan_json_get_int (record, "id", &record_id, &local_error) ||
      !kouan_json_get_string (record, "account", &account, &local_error) ||
      !kouan_json_get_string (record, "name", &name, &local_error) ||
      !kouan_json_get_string (record, "gender", &gender, &local_error) ||
      !kouan_json_get_string (record, "phone", &phone, &local_error) ||
      !kouan_json_get_string (record, "email", &email, &local_error))
    return invalid (error, "profile", id, local_error->message);
  if (record_id != id ||
      !get_opt_id (record, "avatar_image", &avatar) ||
      !get_opt_id (record, "avatar_enterprise", &avatar_enterprise) ||
      !get_opt_id (record, "seal_image", &seal) ||
      !get_opt_id (record, "seal_enterprise", &seal_enterprise))
    return invalid (error, "profile", id, "bad id or image members");

  stmt = kouan_statement_get (db,
    "INSERT INTO profiles (id, account, name, gender, avatar_image, avatar_enterprise,"
    "                      seal_image, seal_enterprise, phone, email)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    " ON CONFLICT (id) DO UPDATE SET account = excluded.account, name = excluded.name,"
    "  gender = excluded.gender, avatar_image = excluded.avatar_image,"
    "  avatar_enterprise = excluded.avatar_enterprise, seal_image = excluded.seal_image,"
    "  seal_enterprise = excluded.seal_enterprise, phone = excluded.phone, email = excluded.email",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, account, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, gender, -1, SQLITE_STATIC);
  bind_opt_id (stmt, 5, avatar);
  bind_opt_id (stmt, 6, avatar_enterprise);
  bind_opt_id (stmt, 7, seal);
  bind_opt_id (stmt, 8, seal_enterprise);
  sqlite3_bind_text (stmt, 9, phone, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 10, email, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
profile_remove (sqlite3  *db,
                gint64    enterprise_id,
                gint64    id,
                GError  **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db, "DELETE FROM profiles WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return kouan_statement_run (stmt, error);
}

/* One editable text column of a profile, checked like the server does. */
static gboolean
profile_set_text (sqlite3     *db,
                  gint64       id,
                  const char  *name,
                  const char  *value,
                  GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  const char *sql;

  if (g_str_equal (name, "name"))
    {
      if (!kouan_personal_text_is_valid (value, KOUAN_PROFILE_NAME_MAX))
        return invalid (error, "profile", id, "the name must be 1–64 characters");
      sql = "UPDATE profiles SET name = trim (?2) WHERE id = ?1";
    }
  else if (g_str_equal (name, "gender"))
    {
      if (!g_str_equal (value, "unspecified") && !g_str_equal (value, "male") &&
          !g_str_equal (value, "female"))
        return invalid (error, "profile", id, "unknown gender");
      sql = "UPDATE profiles SET gender = ?2 WHERE id = ?1";
    }
  else if (g_str_equal (name, "phone"))
    {
      if (value[0] != '\0' && !kouan_personal_phone_is_valid (value))
        return invalid (error, "profile", id, "not a telephone number");
      sql = "UPDATE profiles SET phone = ?2 WHERE id = ?1";
    }
  else if (g_str_equal (name, "email"))
    {
      if (value[0] != '\0' && !kouan_personal_email_is_valid (value))
        return invalid (error, "profile", id, "not an e-mail address");
      sql = "UPDATE profiles SET email = ?2 WHERE id = ?1";
    }
  else
    return invalid (error, "profile", id, "a field that cannot be edited");

  stmt = kouan_statement_get (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
profile_set_image (sqlite3     *db,
                   gint64       enterprise_id,
                   gint64       id,
                   const char  *name,
                   JsonObject  *fields,
                   GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gint64 image;

  if (!get_opt_id (fields, name, &image))
    return invalid (error, "profile", id, "an image is an id or null");

  /* Uploaded through the current enterprise, so served by its route. */
  stmt = kouan_statement_get (db, g_str_equal (name, "avatar_image")
    ? "UPDATE profiles SET avatar_image = ?2, avatar_enterprise = ?3 WHERE id = ?1"
    : "UPDATE profiles SET seal_image = ?2, seal_enterprise = ?3 WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  bind_opt_id (stmt, 2, image);
  bind_opt_id (stmt, 3, image > 0 ? enterprise_id : 0);
  return kouan_statement_run (stmt, error);
}

static gboolean
profile_apply_local (sqlite3     *db,
                     gint64       enterprise_id,
                     const char  *op,
                     gint64       record_id,
                     JsonObject  *fields,
                     GError     **error)
{
  g_autoptr(KouanStatement) exists = NULL;
  g_autoptr(GList) members = NULL;

  if (g_strcmp0 (op, "update") != 0)
    return invalid (error, "profile", record_id, "profiles only take \"update\"");
  if (fields == NULL || json_object_get_size (fields) == 0)
    return invalid (error, "profile", record_id, "nothing to change");

  exists = kouan_statement_get (db, "SELECT 1 FROM profiles WHERE id = ?1", error);
  if (exists == NULL)
    return FALSE;
  sqlite3_bind_int64 (exists, 1, record_id);
  if (sqlite3_step (exists) != SQLITE_ROW)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Profile %" G_GINT64_FORMAT " is not in the cache", record_id);
      return FALSE;
    }
  g_clear_pointer (&exists, kouan_statement_release);

  members = json_object_get_members (fields);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      const char *value;

      if (g_str_equal (name, "avatar_image") || g_str_equal (name, "seal_image"))
        {
          if (!profile_set_image (db, enterprise_id, record_id, name, fields, error))
            return FALSE;
          continue;
        }
      if (!kouan_json_get_string (fields, name, &value, NULL))
        return invalid (error, "profile", record_id, "a text field is not a string");
      if (!profile_set_text (db, record_id, name, value, error))
        return FALSE;
    }
  return TRUE;
}

const KouanCollection kouan_profile_collection = {
  .name = "profile",
  .upsert = profile_upsert,
  .remove = profile_remove,
  .apply_local = profile_apply_local,
};

/* ---- preferences -------------------------------------------------------- */

static gboolean
preferences_write (sqlite3   *db,
                   gint64     enterprise_id,
                   gint64     user_id,
                   gboolean  *values,
                   GError   **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
    "INSERT INTO declaration_preferences (enterprise_id, user_id, remember_last,"
    "  check_hs_codes, warn_duplicates, autofill_consignee, confirm_submit)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (enterprise_id, user_id) DO UPDATE SET"
    "  remember_last = excluded.remember_last, check_hs_codes = excluded.check_hs_codes,"
    "  warn_duplicates = excluded.warn_duplicates, autofill_consignee = excluded.autofill_consignee,"
    "  confirm_submit = excluded.confirm_submit", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
    sqlite3_bind_int (stmt, 3 + i, values[i] ? 1 : 0);
  return kouan_statement_run (stmt, error);
}

static gboolean
preferences_read (sqlite3   *db,
                  gint64     enterprise_id,
                  gint64     user_id,
                  gboolean  *values,
                  GError   **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
    "SELECT remember_last, check_hs_codes, warn_duplicates, autofill_consignee, confirm_submit"
    " FROM declaration_preferences WHERE enterprise_id = ?1 AND user_id = ?2", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, user_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
      values[i] = sqlite3_column_int (stmt, i) != 0;
  else
    for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
      values[i] = kouan_preference_default (i);
  return TRUE;
}

static gboolean
preferences_upsert (sqlite3     *db,
                    gint64       enterprise_id,
                    gint64       id,
                    JsonObject  *record,
                    GError     **error)
{
  gboolean values[KOUAN_N_PREFERENCES];

  for (guint i = 0; i < KOUAN_N_PREFERENCES; i++)
    if (!kouan_json_get_bool (record, kouan_preference_to_string (i), &values[i], NULL))
      return invalid (error, "preferences", id, "a switch is missing");
  return preferences_write (db, enterprise_id, id, values, error);
}

static gboolean
preferences_remove (sqlite3  *db,
                    gint64    enterprise_id,
                    gint64    id,
                    GError  **error)
{
  return kouan_statement_run_for_record (db,
    "DELETE FROM declaration_preferences WHERE enterprise_id = ?1 AND user_id = ?2",
    enterprise_id, id, error);
}

static gboolean
preferences_apply_local (sqlite3     *db,
                         gint64       enterprise_id,
                         const char  *op,
                         gint64       record_id,
                         JsonObject  *fields,
                         GError     **error)
{
  gboolean values[KOUAN_N_PREFERENCES];
  g_autoptr(GList) members = NULL;

  if (g_strcmp0 (op, "update") != 0)
    return invalid (error, "preferences", record_id, "preferences only take \"update\"");
  if (fields == NULL || json_object_get_size (fields) == 0)
    return invalid (error, "preferences", record_id, "nothing to change");
  if (!preferences_read (db, enterprise_id, record_id, values, error))
    return FALSE;

  members = json_object_get_members (fields);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      guint i;

      for (i = 0; i < KOUAN_N_PREFERENCES; i++)
        if (g_str_equal (l->data, kouan_preference_to_string (i)))
          break;
      if (i == KOUAN_N_PREFERENCES ||
          !kouan_json_get_bool (fields, l->data, &values[i], NULL))
        return invalid (error, "preferences", record_id, "not a declaration preference switch");
    }
  return preferences_write (db, enterprise_id, record_id, values, error);
}

const KouanCollection kouan_preferences_collection = {
  .name = "preferences",
  .upsert = preferences_upsert,
  .remove = preferences_remove,
  .apply_local = preferences_apply_local,
};

/* ---- certification -------------------------------------------------------- */

static gboolean
certification_upsert (sqlite3     *db,
                      gint64       enterprise_id,
                      gint64       id,
                      JsonObject  *record,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  const char *status, *reason = NULL, *representative, *licence, *contact;
  gint64 image;

  if (!kouan_json_get_string (record, "status", &status, &local_error) ||
      !kouan_json_get_opt_string (record, "reason", &reason, &local_error) ||
      !kouan_json_get_string (record, "legal_representative", &representative, &local_error) ||
      !kouan_json_get_string (record, "licence_number", &licence, &local_error) ||
      !kouan_json_get_string (record, "contact", &contact, &local_error))
    return invalid (error, "certification", id, local_error->message);
  if (id != enterprise_id || !get_opt_id (record, "licence_image", &image))
    return invalid (error, "certification", id, "not this enterprise's certification");

  stmt = kouan_statement_get (db,
    "INSERT INTO certifications (enterprise_id, status, reason, legal_representative,"
    "                            licence_number, licence_image, contact)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET status = excluded.status,"
    "  reason = excluded.reason, legal_representative = excluded.legal_representative,"
    "  licence_number = excluded.licence_number, licence_image = excluded.licence_image,"
    "  contact = excluded.contact", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  if (reason != NULL)
    sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_text (stmt, 4, representative, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, licence, -1, SQLITE_STATIC);
  bind_opt_id (stmt, 6, image);
  sqlite3_bind_text (stmt, 7, contact, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
certification_remove (sqlite3  *db,
                      gint64    enterprise_id,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
    "DELETE FROM certifications WHERE enterprise_id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  return kouan_statement_run (stmt, error);
}

/* A submitted form shows as pending at once, offline too; the server's
 * answer (or its review) replaces it. */
static gboolean
certification_apply_local (sqlite3     *db,
                           gint64       enterprise_id,
                           const char  *op,
                           gint64       record_id,
                           JsonObject  *fields,
                           GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  const char *representative, *licence, *contact;
  gint64 image;

  if (g_strcmp0 (op, "update") != 0 || record_id != enterprise_id || fields == NULL)
    return invalid (error, "certification", record_id, "a certification is an \"update\" of its enterprise");
  if (!kouan_json_get_string (fields, "legal_representative", &representative, NULL) ||
      !kouan_json_get_string (fields, "licence_number", &licence, NULL) ||
      !kouan_json_get_string (fields, "contact", &contact, NULL) ||
      !kouan_json_get_int (fields, "licence_image", &image, NULL))
    return invalid (error, "certification", record_id, "the form is incomplete");

  stmt = kouan_statement_get (db,
    "INSERT INTO certifications (enterprise_id, status, reason, legal_representative,"
    "                            licence_number, licence_image, contact)"
    " VALUES (?1, 'pending', NULL, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET status = 'pending', reason = NULL,"
    "  legal_representative = excluded.legal_representative,"
    "  licence_number = excluded.licence_number, licence_image = excluded.licence_image,"
    "  contact = excluded.contact", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, representative, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, licence, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, image);
  sqlite3_bind_text (stmt, 5, contact, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

const KouanCollection kouan_certification_collection = {
  .name = "certification",
  .upsert = certification_upsert,
  .remove = certification_remove,
  .apply_local = certification_apply_local,
};

/* ---- queries ----------------------------------------------------------- */

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);

  return g_strdup (text != NULL ? text : "");
}

KouanProfile *
kouan_store_get_profile (KouanStore  *self,
                         gint64       user_id,
                         GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  KouanProfile *profile = NULL;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT account, name, gender, coalesce (avatar_image, 0), coalesce (avatar_enterprise, 0),"
    "       coalesce (seal_image, 0), coalesce (seal_enterprise, 0), phone, email"
    " FROM profiles WHERE id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, user_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          profile = g_new0 (KouanProfile, 1);
          profile->id = user_id;
          profile->account = column_dup (stmt, 0);
          profile->name = column_dup (stmt, 1);
          profile->gender = column_dup (stmt, 2);
          profile->avatar_image = sqlite3_column_int64 (stmt, 3);
          profile->avatar_enterprise = sqlite3_column_int64 (stmt, 4);
          profile->seal_image = sqlite3_column_int64 (stmt, 5);
          profile->seal_enterprise = sqlite3_column_int64 (stmt, 6);
          profile->phone = column_dup (stmt, 7);
          profile->email = column_dup (stmt, 8);
        }
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  return profile;
}

gboolean
kouan_store_get_preferences (KouanStore  *self,
                             gint64       enterprise_id,
                             gint64       user_id,
                             gboolean    *out,
                             GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = preferences_read (self->db, enterprise_id, user_id, out, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

KouanCertification *
kouan_store_get_certification (KouanStore  *self,
                               gint64       enterprise_id,
                               GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  KouanCertification *certification = NULL;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT status, reason, legal_representative, licence_number,"
    "       coalesce (licence_image, 0), contact"
    " FROM certifications WHERE enterprise_id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          certification = g_new0 (KouanCertification, 1);
          certification->enterprise_id = enterprise_id;
          certification->status = column_dup (stmt, 0);
          if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
            certification->reason = column_dup (stmt, 1);
          certification->legal_representative = column_dup (stmt, 2);
          certification->licence_number = column_dup (stmt, 3);
          certification->licence_image = sqlite3_column_int64 (stmt, 4);
          certification->contact = column_dup (stmt, 5);
        }
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  return certification;
}

gboolean
kouan_store_put_image (KouanStore  *self,
                       gint64       enterprise_id,
                       gint64       image_id,
                       GBytes      *data,
                       GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = FALSE;
  gsize size = 0;
  gconstpointer bytes;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  bytes = g_bytes_get_data (data, &size);
  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "INSERT OR REPLACE INTO image_cache (enterprise_id, id, data) VALUES (?1, ?2, ?3)", error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, image_id);
      sqlite3_bind_blob64 (stmt, 3, bytes, size, SQLITE_STATIC);
      ok = kouan_statement_run (stmt, error);
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  return ok;
}

GBytes *
kouan_store_get_image (KouanStore *self,
                       gint64      enterprise_id,
                       gint64      image_id)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *data = NULL;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT data FROM image_cache WHERE enterprise_id = ?1 AND id = ?2", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, image_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        data = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  else
    g_warning ("Cannot read the image cache: %s", error->message);
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  return data;
}

guint
kouan_store_count_queued (KouanStore  *self,
                          const char  *collection,
                          gint64       record_id)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_return_val_if_fail (KOUAN_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT count(*) FROM outbox WHERE collection = ?1 AND record_id = ?2", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, collection, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, record_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        count = sqlite3_column_int (stmt, 0);
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  return count;
}
