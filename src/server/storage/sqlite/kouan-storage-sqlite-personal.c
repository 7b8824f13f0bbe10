/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

/* Area 5, the personal center, on SQLite. The triggers of the server's
 * schema (kouan-server-db.c) record the changes: a profile (its row or
 * the user's name) is a change for that user in each enterprise they are
 * a member of, preferences one in their enterprise; the feed
 * materialises the record. */

#define S(sql) _kouan_storage_sqlite_stmt (storage, sql)
#define DONE(s, what) _kouan_storage_sqlite_done (storage, s, error, what)

static void
bind_text (sqlite3_stmt *s, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (s, i);
}

static char *
column_dup (sqlite3_stmt *s, int i)
{
  return sqlite3_column_type (s, i) == SQLITE_NULL
           ? NULL : g_strdup ((const char *) sqlite3_column_text (s, i));
}

/* ---- profile --------------------------------------------------------- */

static gboolean
profile_get (KouanStorage *storage, gint64 user_id, KouanStoredProfile *out, GError **error)
{
  /* an image's enterprise is the images table's; an image without one
   * (removed meanwhile) reads as none */
  sqlite3_stmt *s = S (
    "SELECT u.account, u.name, coalesce (p.gender, 'unspecified'),"
    "       p.avatar_image, (SELECT enterprise_id FROM images WHERE id = p.avatar_image),"
    "       p.seal_image, (SELECT enterprise_id FROM images WHERE id = p.seal_image),"
    "       coalesce (p.phone, ''), coalesce (p.email, '')"
    " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = ?1");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, user_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      out->user_id = user_id;
      out->account = column_dup (s, 0);
      out->name = column_dup (s, 1);
      out->gender = column_dup (s, 2);
      if (sqlite3_column_type (s, 3) != SQLITE_NULL && sqlite3_column_type (s, 4) != SQLITE_NULL)
        {
          out->avatar_image = sqlite3_column_int64 (s, 3);
          out->avatar_enterprise = sqlite3_column_int64 (s, 4);
        }
      if (sqlite3_column_type (s, 5) != SQLITE_NULL && sqlite3_column_type (s, 6) != SQLITE_NULL)
        {
          out->seal_image = sqlite3_column_int64 (s, 5);
          out->seal_enterprise = sqlite3_column_int64 (s, 6);
        }
      out->phone = column_dup (s, 7);
      out->email = column_dup (s, 8);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading a profile");
  return TRUE;
}

static gboolean
profile_put (KouanStorage *storage, const KouanStoredProfile *profile,
             const gint64 *enterprises, guint n_enterprises, GError **error)
{
  sqlite3_stmt *s = S ("UPDATE users SET name = ?2 WHERE id = ?1");

  sqlite3_bind_int64 (s, 1, profile->user_id);
  bind_text (s, 2, profile->name);
  if (!DONE (s, "Writing a profile"))
    return FALSE;

  s = S ("INSERT INTO profiles (user_id, gender, avatar_image, seal_image, phone, email)"
         " VALUES (?1, ?2, nullif (?3, 0), nullif (?4, 0), ?5, ?6)"
         " ON CONFLICT (user_id) DO UPDATE SET gender = excluded.gender,"
         "  avatar_image = excluded.avatar_image, seal_image = excluded.seal_image,"
         "  phone = excluded.phone, email = excluded.email");
  sqlite3_bind_int64 (s, 1, profile->user_id);
  bind_text (s, 2, profile->gender);
  sqlite3_bind_int64 (s, 3, profile->avatar_image);
  sqlite3_bind_int64 (s, 4, profile->seal_image);
  bind_text (s, 5, profile->phone);
  bind_text (s, 6, profile->email);
  return DONE (s, "Writing a profile");
}

/* ---- declaration preferences ------------------------------------------ */

static gboolean
preferences_get (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                 KouanStoredPreferences *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT remember_last, check_hs_codes, warn_duplicates, autofill_consignee, confirm_submit"
    " FROM declaration_preferences WHERE user_id = ?1 AND enterprise_id = ?2");
  static const gboolean defaults[KOUAN_STORED_PREFERENCES_N] = { TRUE, TRUE, TRUE, FALSE, TRUE };
  int rc;

  out->user_id = user_id;
  out->enterprise_id = enterprise_id;
  memcpy (out->values, defaults, sizeof defaults);
  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    for (guint i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
      out->values[i] = sqlite3_column_int (s, (int) i) != 0;
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading declaration preferences");
  return TRUE;
}

static gboolean
preferences_put (KouanStorage *storage, const KouanStoredPreferences *preferences,
                 GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO declaration_preferences (user_id, enterprise_id, remember_last, check_hs_codes,"
    "                                     warn_duplicates, autofill_consignee, confirm_submit)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (user_id, enterprise_id) DO UPDATE SET"
    "  remember_last = excluded.remember_last, check_hs_codes = excluded.check_hs_codes,"
    "  warn_duplicates = excluded.warn_duplicates, autofill_consignee = excluded.autofill_consignee,"
    "  confirm_submit = excluded.confirm_submit");

  sqlite3_bind_int64 (s, 1, preferences->user_id);
  sqlite3_bind_int64 (s, 2, preferences->enterprise_id);
  for (guint i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
    sqlite3_bind_int (s, 3 + (int) i, preferences->values[i]);
  return DONE (s, "Writing declaration preferences");
}

/* ---- account ----------------------------------------------------------- */

static gboolean
account_card (KouanStorage *storage, gint64 user_id, KouanStoredCard *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT c.fingerprint, c.created_at, d.holder, d.not_after"
    " FROM card_certificates c LEFT JOIN card_certificate_details d"
    "   ON d.fingerprint = c.fingerprint"
    " WHERE c.user_id = ?1 AND c.active ORDER BY c.created_at DESC LIMIT 1");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, user_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      out->fingerprint = column_dup (s, 0);
      out->user_id = user_id;
      out->bound_at = sqlite3_column_int64 (s, 1);
      out->holder = column_dup (s, 2);
      out->not_after = out->holder != NULL ? sqlite3_column_int64 (s, 3) : 0;
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading the account's card");
  return TRUE;
}

static gboolean
card_details_note (KouanStorage *storage, const char *fingerprint, const char *holder,
                   gint64 not_after, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT OR REPLACE INTO card_certificate_details (fingerprint, holder, not_after)"
    " VALUES (?1, ?2, ?3)");

  bind_text (s, 1, fingerprint);
  bind_text (s, 2, holder);
  sqlite3_bind_int64 (s, 3, not_after);
  return DONE (s, "Noting a card's details");
}

static gboolean
password_set (KouanStorage *storage, gint64 user_id, const char *password_hash,
              GError **error)
{
  sqlite3_stmt *s = S ("UPDATE users SET password_hash = ?2 WHERE id = ?1");

  sqlite3_bind_int64 (s, 1, user_id);
  bind_text (s, 2, password_hash);
  return DONE (s, "Changing a password");
}

static gboolean
sessions_list (KouanStorage *storage, gint64 user_id, GArray *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT token_sha256, method, created_at, last_seen, expires_at FROM sessions"
    " WHERE user_id = ?1 ORDER BY last_seen DESC, created_at DESC");
  int rc;

  sqlite3_bind_int64 (s, 1, user_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredSession session = {
        .token_sha256 = column_dup (s, 0),
        .user_id = user_id,
        .method = column_dup (s, 1),
        .created_at = sqlite3_column_int64 (s, 2),
        .last_seen = sqlite3_column_int64 (s, 3),
        .expires_at = sqlite3_column_int64 (s, 4),
        .user_active = TRUE,
      };

      g_array_append_val (out, session);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Listing an account's sessions");
  return TRUE;
}

const KouanStoragePersonal _kouan_storage_sqlite_personal = {
  .profile_get = profile_get,
  .profile_put = profile_put,
  .preferences_get = preferences_get,
  .preferences_put = preferences_put,
  .account_card = account_card,
  .card_details_note = card_details_note,
  .password_set = password_set,
  .sessions_list = sessions_list,
};
