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
#define value_dup _kouan_storage_pg_value_dup
#define bool_at _kouan_storage_pg_bool_at

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

/* ---- enterprises, join requests, certification -------------------------- */

/* The certification of enterprise e with its form c (LEFT JOINed); the
 * enterprise's flag wins, as in kouan-server-personal-enterprises.c */
#define CERTIFICATION_JSON \
  "json_build_object ('id', e.id, 'status', CASE WHEN e.certified THEN 'certified'" \
  "   WHEN c.status IS NULL OR c.status = 'certified' THEN 'none' ELSE c.status END," \
  " 'legal_representative', COALESCE (c.legal_representative, '')," \
  " 'licence_number', COALESCE (c.licence_number, ''), 'licence_image', c.licence_image," \
  " 'contact', COALESCE (c.contact, ''), 'reason', c.reason," \
  " 'submitted_at', c.submitted_at, 'decided_at', c.decided_at)::text"

/* Records the certification of @enterprise_id as it now reads: a change
 * for every member */
static gboolean
record_certification (KouanStorage *storage, gint64 enterprise_id, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r = RUN ("SELECT " CERTIFICATION_JSON " FROM enterprises e"
                     " LEFT JOIN certifications c ON c.enterprise_id = e.id WHERE e.id = $1",
                     1, params, "Recording a change");
  gboolean ok;

  if (r == NULL)
    return FALSE;
  ok = PQntuples (r) != 1 ||
       storage->feed->change_record (storage, enterprise_id, 0, "certification", enterprise_id,
                                     PQgetvalue (r, 0, 0), error);
  PQclear (r);
  return ok;
}

static void
enterprise_at (PGresult *r, int row, int first, KouanStoredEnterpriseRef *out)
{
  out->id = _kouan_storage_pg_int_at (r, row, first);
  out->name = value_dup (r, row, first + 1);
  out->credit_code = value_dup (r, row, first + 2);
  out->certified = bool_at (r, row, first + 3);
}

static gboolean
enterprises_search (KouanStorage *storage, const char *credit_code, const char *name_part,
                    guint limit, GArray *out, GError **error)
{
  PGresult *r;

  if (credit_code != NULL)
    {
      const char *params[] = { credit_code };

      r = RUN ("SELECT id, name, credit_code, certified FROM enterprises WHERE credit_code = $1",
               1, params, "Searching enterprises");
    }
  else
    {
      g_autofree char *escaped = kouan_storage_like_prefix (name_part);
      g_autofree char *pattern = g_strconcat ("%", escaped, NULL);
      INT (n, limit);
      const char *params[] = { pattern, n };

      /* as SQLite's LIKE: ASCII letters match either case; by the bytes
       * of the name */
      r = RUN ("SELECT id, name, credit_code, certified FROM enterprises"
               " WHERE name ILIKE $1 ESCAPE '\\' ORDER BY name COLLATE \"C\", id LIMIT $2",
               2, params, "Searching enterprises");
    }
  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredEnterpriseRef enterprise = { 0 };

      enterprise_at (r, i, 0, &enterprise);
      g_array_append_val (out, enterprise);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
enterprise_get (KouanStorage *storage, gint64 enterprise_id, KouanStoredEnterpriseRef *out,
                GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT id, name, credit_code, certified FROM enterprises WHERE id = $1",
           1, params, "Reading an enterprise");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    enterprise_at (r, 0, 0, out);
  PQclear (r);
  return TRUE;
}

/* The enterprise's flag is set: its "enterprise" record (docs/api.md,
 * as enterprise settings writes it) changes for everyone */
static gboolean
set_certified (KouanStorage *storage, gint64 enterprise_id, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r = RUN ("UPDATE enterprises e SET certified = true WHERE e.id = $1"
                     " RETURNING json_build_object ('id', e.id, 'name', e.name,"
                     "   'credit_code', e.credit_code, 'certified', e.certified)::text",
                     1, params, "Certifying an enterprise");
  gboolean ok;

  if (r == NULL)
    return FALSE;
  ok = PQntuples (r) != 1 ||
       storage->feed->change_record (storage, enterprise_id, 0, "enterprise", enterprise_id,
                                     PQgetvalue (r, 0, 0), error);
  PQclear (r);
  return ok;
}

static gboolean
enterprise_add (KouanStorage *storage, const char *name, const char *credit_code,
                gboolean certified, gint64 *out_id, GError **error)
{
  gboolean own, ok = FALSE;
  gint64 id = 0;
  PGresult *r;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* opened by enterprise settings (its records enter the feed), with an
   * id the database picks */
  r = RUN ("SELECT nextval (pg_get_serial_sequence ('enterprises', 'id'))", 0, NULL,
           "Adding an enterprise");
  if (r != NULL)
    {
      id = _kouan_storage_pg_int_at (r, 0, 0);
      PQclear (r);
      ok = storage->enterprise->enterprise_open (storage, id, name, credit_code, error) &&
           (!certified || set_certified (storage, id, error)) &&
           record_certification (storage, id, error);
    }
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

static gboolean
join_request_pending (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
                      gboolean *out_pending, GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  const char *params[] = { uid, eid };
  PGresult *r = RUN ("SELECT status FROM join_requests WHERE user_id = $1 AND enterprise_id = $2"
                     " ORDER BY id DESC LIMIT 1", 2, params, "Reading a join request");

  *out_pending = FALSE;
  if (r == NULL)
    return FALSE;
  *out_pending = PQntuples (r) == 1 && g_str_equal (PQgetvalue (r, 0, 0), "pending");
  PQclear (r);
  return TRUE;
}

static gboolean
join_request_create (KouanStorage *storage, gint64 user_id, gint64 enterprise_id, gint64 now,
                     gint64 *out_id, GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  INT (at, now);
  const char *params[] = { uid, eid, at };
  PGresult *r = RUN ("INSERT INTO join_requests (user_id, enterprise_id, status, created_at)"
                     " VALUES ($1, $2, 'pending', $3) RETURNING id", 3, params,
                     "Recording a join request");

  if (r == NULL)
    return FALSE;
  *out_id = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

#define JOIN_REQUEST_COLUMNS \
  "r.id, r.user_id, r.status, r.created_at, r.decided_at," \
  " e.id, e.name, e.credit_code, e.certified" \
  " FROM join_requests r JOIN enterprises e ON e.id = r.enterprise_id"

static void
join_request_at (PGresult *r, int row, KouanStoredJoinRequest *out)
{
  out->id = _kouan_storage_pg_int_at (r, row, 0);
  out->user_id = _kouan_storage_pg_int_at (r, row, 1);
  out->status = value_dup (r, row, 2);
  out->created_at = _kouan_storage_pg_int_at (r, row, 3);
  out->decided_at = _kouan_storage_pg_int_at (r, row, 4);
  enterprise_at (r, row, 5, &out->enterprise);
}

static gboolean
join_request_get (KouanStorage *storage, gint64 request_id, KouanStoredJoinRequest *out,
                  GError **error)
{
  INT (rid, request_id);
  const char *params[] = { rid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT " JOIN_REQUEST_COLUMNS " WHERE r.id = $1", 1, params, "Reading a join request");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    join_request_at (r, 0, out);
  PQclear (r);
  return TRUE;
}

static gboolean
join_requests_list (KouanStorage *storage, gint64 user_id, guint limit, GArray *out,
                    GError **error)
{
  INT (uid, user_id);
  INT (n, limit);
  const char *params[] = { uid, n };
  PGresult *r = RUN ("SELECT " JOIN_REQUEST_COLUMNS " WHERE r.user_id = $1"
                     " ORDER BY r.id DESC LIMIT $2", 2, params, "Listing join requests");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredJoinRequest request = { 0 };

      join_request_at (r, i, &request);
      g_array_append_val (out, request);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
certification_get (KouanStorage *storage, gint64 enterprise_id, KouanStoredCertification *out,
                   GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT e.certified, c.status, c.legal_representative, c.licence_number,"
           "       c.licence_image, c.contact, c.reason, c.submitted_by, c.submitted_at, c.decided_at"
           " FROM enterprises e LEFT JOIN certifications c ON c.enterprise_id = e.id"
           " WHERE e.id = $1", 1, params, "Reading a certification");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->enterprise_id = enterprise_id;
      out->certified = bool_at (r, 0, 0);
      out->status = value_dup (r, 0, 1);
      out->legal_representative = value_dup (r, 0, 2);
      out->licence_number = value_dup (r, 0, 3);
      out->licence_image = _kouan_storage_pg_int_at (r, 0, 4);
      out->contact = value_dup (r, 0, 5);
      out->reason = value_dup (r, 0, 6);
      out->submitted_by = _kouan_storage_pg_int_at (r, 0, 7);
      out->submitted_at = _kouan_storage_pg_int_at (r, 0, 8);
      out->decided_at = _kouan_storage_pg_int_at (r, 0, 9);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
certification_submit (KouanStorage *storage, const KouanStoredCertification *form,
                      GError **error)
{
  INT (eid, form->enterprise_id);
  INT (image, form->licence_image);
  INT (by, form->submitted_by);
  INT (at, form->submitted_at);
  const char *params[] = { eid, form->legal_representative, form->licence_number, image,
                           form->contact, by, at };
  gboolean own, ok;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = _kouan_storage_pg_run_done (storage,
    "INSERT INTO certifications (enterprise_id, status, legal_representative, licence_number,"
    "                            licence_image, contact, reason, submitted_by, submitted_at, decided_at)"
    " VALUES ($1, 'pending', $2, $3, nullif ($4::bigint, 0), $5, NULL, nullif ($6::bigint, 0), $7, NULL)"
    " ON CONFLICT (enterprise_id) DO UPDATE SET status = 'pending',"
    "  legal_representative = excluded.legal_representative,"
    "  licence_number = excluded.licence_number, licence_image = excluded.licence_image,"
    "  contact = excluded.contact, reason = NULL, submitted_by = excluded.submitted_by,"
    "  submitted_at = excluded.submitted_at, decided_at = NULL",
    7, params, error, "Submitting a certification") &&
       record_certification (storage, form->enterprise_id, error);
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
certification_decide (KouanStorage *storage, gint64 enterprise_id, gboolean certified,
                      const char *reason, gint64 now, gboolean *out_decided, GError **error)
{
  INT (eid, enterprise_id);
  INT (at, now);
  const char *params[] = { eid, certified ? "certified" : "rejected", certified ? NULL : reason, at };
  gboolean own, ok = FALSE;
  PGresult *r;

  *out_decided = FALSE;
  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* the row lock decides between two reviewers (instances): one updates
   * a pending form, the other finds none */
  r = RUN ("UPDATE certifications SET status = $2, reason = $3, decided_at = $4"
           " WHERE enterprise_id = $1 AND status = 'pending' RETURNING 1",
           4, params, "Deciding a certification");
  if (r != NULL)
    {
      *out_decided = PQntuples (r) == 1;
      PQclear (r);
      ok = !*out_decided ||
           ((!certified || set_certified (storage, enterprise_id, error)) &&
            record_certification (storage, enterprise_id, error));
    }
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    {
      *out_decided = FALSE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
certifications_pending (KouanStorage *storage, GArray *out, GError **error)
{
  PGresult *r = RUN ("SELECT enterprise_id FROM certifications WHERE status = 'pending'"
                     " ORDER BY enterprise_id", 0, NULL, "Listing pending certifications");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      gint64 id = _kouan_storage_pg_int_at (r, i, 0);

      g_array_append_val (out, id);
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
