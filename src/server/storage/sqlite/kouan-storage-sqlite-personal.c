/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

#define column_dup _kouan_storage_sqlite_column_dup

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

/* ---- enterprises, join requests, certification -------------------------- */

static void
enterprise_from_row (sqlite3_stmt *s, int first, KouanStoredEnterpriseRef *out)
{
  out->id = sqlite3_column_int64 (s, first);
  out->name = column_dup (s, first + 1);
  out->credit_code = column_dup (s, first + 2);
  out->certified = sqlite3_column_int (s, first + 3) != 0;
}

static gboolean
enterprises_search (KouanStorage *storage, const char *credit_code, const char *name_part,
                    guint limit, GArray *out, GError **error)
{
  g_autofree char *pattern = NULL;
  sqlite3_stmt *s;
  int rc;

  if (credit_code != NULL)
    {
      s = S ("SELECT id, name, credit_code, certified FROM enterprises WHERE credit_code = ?1");
      bind_text (s, 1, credit_code);
    }
  else
    {
      g_autofree char *escaped = kouan_storage_like_prefix (name_part);

      pattern = g_strconcat ("%", escaped, NULL);
      s = S ("SELECT id, name, credit_code, certified FROM enterprises"
             " WHERE name LIKE ?1 ESCAPE '\\' ORDER BY name LIMIT ?2");
      bind_text (s, 1, pattern);
      sqlite3_bind_int (s, 2, (int) limit);
    }
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredEnterpriseRef enterprise = { 0 };

      enterprise_from_row (s, 0, &enterprise);
      g_array_append_val (out, enterprise);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Searching enterprises");
  return TRUE;
}

static gboolean
enterprise_get (KouanStorage *storage, gint64 enterprise_id, KouanStoredEnterpriseRef *out,
                GError **error)
{
  sqlite3_stmt *s = S ("SELECT id, name, credit_code, certified FROM enterprises WHERE id = ?1");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    enterprise_from_row (s, 0, out);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading an enterprise");
  return TRUE;
}

static gboolean
enterprise_add (KouanStorage *storage, const char *name, const char *credit_code,
                gboolean certified, gint64 *out_id, GError **error)
{
  sqlite3_stmt *s = S ("INSERT INTO enterprises (name, credit_code, certified) VALUES (?1, ?2, ?3)");

  bind_text (s, 1, name);
  bind_text (s, 2, credit_code);
  sqlite3_bind_int (s, 3, certified);
  if (!DONE (s, "Adding an enterprise"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

static gboolean
join_request_pending (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
                      gboolean *out_pending, GError **error)
{
  sqlite3_stmt *s = S ("SELECT status FROM join_requests WHERE user_id = ?1 AND enterprise_id = ?2"
                       " ORDER BY id DESC LIMIT 1");
  int rc;

  *out_pending = FALSE;
  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    *out_pending = g_strcmp0 ((const char *) sqlite3_column_text (s, 0), "pending") == 0;
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading a join request");
  return TRUE;
}

static gboolean
join_request_create (KouanStorage *storage, gint64 user_id, gint64 enterprise_id, gint64 now,
                     gint64 *out_id, GError **error)
{
  sqlite3_stmt *s = S ("INSERT INTO join_requests (user_id, enterprise_id, status, created_at)"
                       " VALUES (?1, ?2, 'pending', ?3)");

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, enterprise_id);
  sqlite3_bind_int64 (s, 3, now);
  if (!DONE (s, "Recording a join request"))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

#define JOIN_REQUEST_COLUMNS \
  "r.id, r.user_id, r.status, r.created_at, r.decided_at," \
  " e.id, e.name, e.credit_code, e.certified" \
  " FROM join_requests r JOIN enterprises e ON e.id = r.enterprise_id"

static void
join_request_from_row (sqlite3_stmt *s, KouanStoredJoinRequest *out)
{
  out->id = sqlite3_column_int64 (s, 0);
  out->user_id = sqlite3_column_int64 (s, 1);
  out->status = column_dup (s, 2);
  out->created_at = sqlite3_column_int64 (s, 3);
  out->decided_at = sqlite3_column_int64 (s, 4);
  enterprise_from_row (s, 5, &out->enterprise);
}

static gboolean
join_request_get (KouanStorage *storage, gint64 request_id, KouanStoredJoinRequest *out,
                  GError **error)
{
  sqlite3_stmt *s = S ("SELECT " JOIN_REQUEST_COLUMNS " WHERE r.id = ?1");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, request_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    join_request_from_row (s, out);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading a join request");
  return TRUE;
}

static gboolean
join_requests_list (KouanStorage *storage, gint64 user_id, guint limit, GArray *out,
                    GError **error)
{
  sqlite3_stmt *s = S ("SELECT " JOIN_REQUEST_COLUMNS " WHERE r.user_id = ?1"
                       " ORDER BY r.id DESC LIMIT ?2");
  int rc;

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int (s, 2, (int) limit);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredJoinRequest request = { 0 };

      join_request_from_row (s, &request);
      g_array_append_val (out, request);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Listing join requests");
  return TRUE;
}

static gboolean
certification_get (KouanStorage *storage, gint64 enterprise_id, KouanStoredCertification *out,
                   GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT e.certified, c.status, c.legal_representative, c.licence_number,"
    "       c.licence_image, c.contact, c.reason, c.submitted_by, c.submitted_at, c.decided_at"
    " FROM enterprises e LEFT JOIN certifications c ON c.enterprise_id = e.id"
    " WHERE e.id = ?1");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      out->enterprise_id = enterprise_id;
      out->certified = sqlite3_column_int (s, 0) != 0;
      out->status = column_dup (s, 1);
      out->legal_representative = column_dup (s, 2);
      out->licence_number = column_dup (s, 3);
      out->licence_image = sqlite3_column_int64 (s, 4);
      out->contact = column_dup (s, 5);
      out->reason = column_dup (s, 6);
      out->submitted_by = sqlite3_column_int64 (s, 7);
      out->submitted_at = sqlite3_column_int64 (s, 8);
      out->decided_at = sqlite3_column_int64 (s, 9);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading a certification");
  return TRUE;
}

static gboolean
certification_submit (KouanStorage *storage, const KouanStoredCertification *form,
                      GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO certifications (enterprise_id, status, legal_representative, licence_number,"
    "                            licence_image, contact, reason, submitted_by, submitted_at, decided_at)"
    " VALUES (?1, 'pending', ?2, ?3, nullif (?4, 0), ?5, NULL, nullif (?6, 0), ?7, NULL)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET status = 'pending',"
    "  legal_representative = excluded.legal_representative,"
    "  licence_number = excluded.licence_number, licence_image = excluded.licence_image,"
    "  contact = excluded.contact, reason = NULL, submitted_by = excluded.submitted_by,"
    "  submitted_at = excluded.submitted_at, decided_at = NULL");

  sqlite3_bind_int64 (s, 1, form->enterprise_id);
  bind_text (s, 2, form->legal_representative);
  bind_text (s, 3, form->licence_number);
  sqlite3_bind_int64 (s, 4, form->licence_image);
  bind_text (s, 5, form->contact);
  sqlite3_bind_int64 (s, 6, form->submitted_by);
  sqlite3_bind_int64 (s, 7, form->submitted_at);
  return DONE (s, "Submitting a certification");
}

static gboolean
certification_decide (KouanStorage *storage, gint64 enterprise_id, gboolean certified,
                      const char *reason, gint64 now, gboolean *out_decided, GError **error)
{
  sqlite3_stmt *s = S (
    "UPDATE certifications SET status = ?2, reason = ?3, decided_at = ?4"
    " WHERE enterprise_id = ?1 AND status = 'pending'");

  *out_decided = FALSE;
  sqlite3_bind_int64 (s, 1, enterprise_id);
  bind_text (s, 2, certified ? "certified" : "rejected");
  bind_text (s, 3, certified ? NULL : reason);
  sqlite3_bind_int64 (s, 4, now);
  if (!DONE (s, "Deciding a certification"))
    return FALSE;
  *out_decided = sqlite3_changes (_kouan_storage_sqlite_db (storage)) > 0;
  if (!*out_decided || !certified)
    return TRUE;
  s = S ("UPDATE enterprises SET certified = 1 WHERE id = ?1");
  sqlite3_bind_int64 (s, 1, enterprise_id);
  return DONE (s, "Deciding a certification");
}

static gboolean
certifications_pending (KouanStorage *storage, GArray *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT enterprise_id FROM certifications WHERE status = 'pending'"
                       " ORDER BY enterprise_id");
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (s, 0);

      g_array_append_val (out, id);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Listing pending certifications");
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
  .enterprises_search = enterprises_search,
  .enterprise_get = enterprise_get,
  .enterprise_add = enterprise_add,
  .join_request_pending = join_request_pending,
  .join_request_create = join_request_create,
  .join_request_get = join_request_get,
  .join_requests_list = join_requests_list,
  .certification_get = certification_get,
  .certification_submit = certification_submit,
  .certification_decide = certification_decide,
  .certifications_pending = certifications_pending,
};
