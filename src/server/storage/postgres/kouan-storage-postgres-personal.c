/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Area 5, the personal center, on PostgreSQL (schema: the personal
 * center's migration of kouan-storage-postgres.c). Each write records
 * its change with the record's JSON as written, built by the statement
 * that reads the row back (json_build_object), so the feed concatenates
 * it as is: a profile is a change for its user in each enterprise the
 * caller names (the user's), preferences one for the user in their
 * enterprise. The members of the records are those of docs/api.md,
 * "profile" and "preferences". */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT

/* The user u with the profile p (LEFT JOINed) */
#define PROFILE_JSON \
  "json_build_object ('id', u.id, 'account', u.account, 'name', u.name," \
  " 'gender', COALESCE (p.gender, 'unspecified')," \
  " 'avatar_image', p.avatar_image, 'avatar_enterprise', p.avatar_enterprise," \
  " 'seal_image', p.seal_image, 'seal_enterprise', p.seal_enterprise," \
  " 'phone', COALESCE (p.phone, ''), 'email', COALESCE (p.email, ''))::text"

/* The preferences p of user $1 */
#define PREFERENCES_JSON \
  "json_build_object ('id', p.user_id, 'remember_last', p.remember_last," \
  " 'check_hs_codes', p.check_hs_codes, 'warn_duplicates', p.warn_duplicates," \
  " 'autofill_consignee', p.autofill_consignee, 'confirm_submit', p.confirm_submit)::text"

static char *
value_dup (PGresult *r, int row, int column)
{
  return PQgetisnull (r, row, column) ? NULL : g_strdup (PQgetvalue (r, row, column));
}

static gboolean
bool_at (PGresult *r, int row, int column)
{
  return *PQgetvalue (r, row, column) == 't';
}

/* ---- profile --------------------------------------------------------- */

static gboolean
profile_get (KouanStorage *storage, gint64 user_id, KouanStoredProfile *out, GError **error)
{
  INT (uid, user_id);
  const char *params[] = { uid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT u.account, u.name, COALESCE (p.gender, 'unspecified'),"
           "       p.avatar_image, p.avatar_enterprise, p.seal_image, p.seal_enterprise,"
           "       COALESCE (p.phone, ''), COALESCE (p.email, '')"
           " FROM users u LEFT JOIN profiles p ON p.user_id = u.id WHERE u.id = $1",
           1, params, "Reading a profile");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->user_id = user_id;
      out->account = value_dup (r, 0, 0);
      out->name = value_dup (r, 0, 1);
      out->gender = value_dup (r, 0, 2);
      out->avatar_image = _kouan_storage_pg_int_at (r, 0, 3);
      out->avatar_enterprise = _kouan_storage_pg_int_at (r, 0, 4);
      out->seal_image = _kouan_storage_pg_int_at (r, 0, 5);
      out->seal_enterprise = _kouan_storage_pg_int_at (r, 0, 6);
      out->phone = value_dup (r, 0, 7);
      out->email = value_dup (r, 0, 8);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
write_profile (KouanStorage *storage, const KouanStoredProfile *profile,
               const gint64 *enterprises, guint n_enterprises, GError **error)
{
  INT (uid, profile->user_id);
  INT (avatar, profile->avatar_image);
  INT (avatar_enterprise, profile->avatar_image != 0 ? profile->avatar_enterprise : 0);
  INT (seal, profile->seal_image);
  INT (seal_enterprise, profile->seal_image != 0 ? profile->seal_enterprise : 0);
  const char *name_params[] = { uid, profile->name };
  const char *params[] = { uid, profile->gender, avatar, avatar_enterprise, seal,
                           seal_enterprise, profile->phone, profile->email };
  PGresult *r;
  gboolean ok = TRUE;

  if (!_kouan_storage_pg_run_done (storage, "UPDATE users SET name = $2 WHERE id = $1",
                                   2, name_params, error, "Writing a profile"))
    return FALSE;
  r = RUN ("WITH p AS (INSERT INTO profiles (user_id, gender, avatar_image, avatar_enterprise,"
           "                                seal_image, seal_enterprise, phone, email)"
           "   VALUES ($1, $2, nullif ($3::bigint, 0), nullif ($4::bigint, 0),"
           "           nullif ($5::bigint, 0), nullif ($6::bigint, 0), $7, $8)"
           "   ON CONFLICT (user_id) DO UPDATE SET gender = excluded.gender,"
           "    avatar_image = excluded.avatar_image, avatar_enterprise = excluded.avatar_enterprise,"
           "    seal_image = excluded.seal_image, seal_enterprise = excluded.seal_enterprise,"
           "    phone = excluded.phone, email = excluded.email RETURNING *)"
           " SELECT " PROFILE_JSON " FROM users u JOIN p ON p.user_id = u.id",
           8, params, "Writing a profile");
  if (r == NULL)
    return FALSE;
  for (guint i = 0; ok && PQntuples (r) == 1 && i < n_enterprises; i++)
    ok = storage->feed->change_record (storage, enterprises[i], profile->user_id, "profile",
                                       profile->user_id, PQgetvalue (r, 0, 0), error);
  PQclear (r);
  return ok;
}

static gboolean
profile_put (KouanStorage *storage, const KouanStoredProfile *profile,
             const gint64 *enterprises, guint n_enterprises, GError **error)
{
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = write_profile (storage, profile, enterprises, n_enterprises, error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

/* ---- declaration preferences ------------------------------------------ */

static gboolean
preferences_get (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                 KouanStoredPreferences *out, GError **error)
{
  static const gboolean defaults[KOUAN_STORED_PREFERENCES_N] = { TRUE, TRUE, TRUE, FALSE, TRUE };
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid };
  PGresult *r;

  out->user_id = user_id;
  out->enterprise_id = enterprise_id;
  memcpy (out->values, defaults, sizeof defaults);
  r = RUN ("SELECT remember_last, check_hs_codes, warn_duplicates, autofill_consignee, confirm_submit"
           " FROM declaration_preferences WHERE enterprise_id = $1 AND user_id = $2",
           2, params, "Reading declaration preferences");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    for (guint i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
      out->values[i] = bool_at (r, 0, (int) i);
  PQclear (r);
  return TRUE;
}

static gboolean
write_preferences (KouanStorage *storage, const KouanStoredPreferences *preferences,
                   GError **error)
{
  INT (eid, preferences->enterprise_id);
  INT (uid, preferences->user_id);
  const char *params[2 + KOUAN_STORED_PREFERENCES_N] = { eid, uid };
  PGresult *r;
  gboolean ok;

  for (guint i = 0; i < KOUAN_STORED_PREFERENCES_N; i++)
    params[2 + i] = preferences->values[i] ? "true" : "false";
  r = RUN ("WITH p AS (INSERT INTO declaration_preferences (enterprise_id, user_id, remember_last,"
           "   check_hs_codes, warn_duplicates, autofill_consignee, confirm_submit)"
           "   VALUES ($1, $2, $3, $4, $5, $6, $7)"
           "   ON CONFLICT (enterprise_id, user_id) DO UPDATE SET"
           "    remember_last = excluded.remember_last, check_hs_codes = excluded.check_hs_codes,"
           "    warn_duplicates = excluded.warn_duplicates,"
           "    autofill_consignee = excluded.autofill_consignee,"
           "    confirm_submit = excluded.confirm_submit RETURNING *)"
           " SELECT " PREFERENCES_JSON " FROM p", 2 + KOUAN_STORED_PREFERENCES_N, params,
           "Writing declaration preferences");
  if (r == NULL)
    return FALSE;
  ok = storage->feed->change_record (storage, preferences->enterprise_id, preferences->user_id,
                                     "preferences", preferences->user_id, PQgetvalue (r, 0, 0),
                                     error);
  PQclear (r);
  return ok;
}

static gboolean
preferences_put (KouanStorage *storage, const KouanStoredPreferences *preferences,
                 GError **error)
{
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = write_preferences (storage, preferences, error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

/* ---- account ----------------------------------------------------------- */

static gboolean
account_card (KouanStorage *storage, gint64 user_id, KouanStoredCard *out, GError **error)
{
  INT (uid, user_id);
  const char *params[] = { uid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT c.fingerprint, c.created_at, d.holder, d.not_after"
           " FROM card_certificates c LEFT JOIN card_certificate_details d"
           "   ON d.fingerprint = c.fingerprint"
           " WHERE c.user_id = $1 AND c.active ORDER BY c.created_at DESC LIMIT 1",
           1, params, "Reading the account's card");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->fingerprint = value_dup (r, 0, 0);
      out->user_id = user_id;
      out->bound_at = _kouan_storage_pg_int_at (r, 0, 1);
      out->holder = value_dup (r, 0, 2);
      out->not_after = _kouan_storage_pg_int_at (r, 0, 3);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
card_details_note (KouanStorage *storage, const char *fingerprint, const char *holder,
                   gint64 not_after, GError **error)
{
  INT (at, not_after);
  const char *params[] = { fingerprint, holder, at };

  return _kouan_storage_pg_run_done (storage,
    "INSERT INTO card_certificate_details (fingerprint, holder, not_after) VALUES ($1, $2, $3)"
    " ON CONFLICT (fingerprint) DO UPDATE SET holder = excluded.holder, not_after = excluded.not_after",
    3, params, error, "Noting a card's details");
}

static gboolean
password_set (KouanStorage *storage, gint64 user_id, const char *password_hash,
              GError **error)
{
  INT (uid, user_id);
  const char *params[] = { uid, password_hash };

  return _kouan_storage_pg_run_done (storage, "UPDATE users SET password_hash = $2 WHERE id = $1",
                                     2, params, error, "Changing a password");
}

static gboolean
sessions_list (KouanStorage *storage, gint64 user_id, GArray *out, GError **error)
{
  INT (uid, user_id);
  const char *params[] = { uid };
  PGresult *r = RUN ("SELECT token_sha256, method, created_at, last_seen, expires_at FROM sessions"
                     " WHERE user_id = $1 ORDER BY last_seen DESC, created_at DESC",
                     1, params, "Listing an account's sessions");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredSession session = {
        .token_sha256 = value_dup (r, i, 0),
        .user_id = user_id,
        .method = value_dup (r, i, 1),
        .created_at = _kouan_storage_pg_int_at (r, i, 2),
        .last_seen = _kouan_storage_pg_int_at (r, i, 3),
        .expires_at = _kouan_storage_pg_int_at (r, i, 4),
        .user_active = TRUE,
      };

      g_array_append_val (out, session);
    }
  PQclear (r);
  return TRUE;
}

const KouanStoragePersonal _kouan_storage_pg_personal = {
  .profile_get = profile_get,
  .profile_put = profile_put,
  .preferences_get = preferences_get,
  .preferences_put = preferences_put,
  .account_card = account_card,
  .card_details_note = card_details_note,
  .password_set = password_set,
  .sessions_list = sessions_list,
};
