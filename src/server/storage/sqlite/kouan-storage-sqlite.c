/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "kouan-storage-sqlite-private.h"

/* The SQLite backend of the ported areas. It works on the server's one
 * connection (opened and migrated by kouan-server-db.c, which the other
 * areas still use), with its own cache of prepared statements. One writer
 * at a time on one connection: the change feed's AUTOINCREMENT seq is
 * assigned in commit order, so a page never skips (docs/architecture.md,
 * "Sync protocol"). */
typedef struct {
  KouanStorage  parent;
  sqlite3      *db;          /* borrowed */
  GHashTable   *statements;  /* constant SQL → sqlite3_stmt* */
} SqliteStorage;

static gboolean
fail (SqliteStorage *self,
      GError       **error,
      const char    *what)
{
  int code = sqlite3_extended_errcode (self->db);

  g_set_error (error, KOUAN_STORAGE_ERROR,
               (code & 0xff) == SQLITE_CONSTRAINT ? KOUAN_STORAGE_ERROR_CONSTRAINT
                                                  : KOUAN_STORAGE_ERROR_FAILED,
               "%s: %s", what, sqlite3_errmsg (self->db));
  return FALSE;
}

static sqlite3_stmt *
stmt (SqliteStorage *self,
      const char    *sql)
{
  sqlite3_stmt *s = g_hash_table_lookup (self->statements, sql);

  if (s != NULL)
    {
      sqlite3_reset (s);
      sqlite3_clear_bindings (s);
      return s;
    }
  /* The SQL text is a constant of this file: a failure is a bug. */
  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
    g_error ("Bad SQL (%s): %s", sqlite3_errmsg (self->db), sql);
  g_hash_table_insert (self->statements, (gpointer) sql, s);
  return s;
}

/* Steps a statement that returns no row. */
static gboolean
done (SqliteStorage *self,
      sqlite3_stmt  *s,
      GError       **error,
      const char    *what)
{
  int rc = sqlite3_step (s);

  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (self, error, what);
  return TRUE;
}

#define SELF SqliteStorage *self = (SqliteStorage *) storage

static void
bind_text (sqlite3_stmt *s, int i, const char *text)
{
  sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
}

/* ---- sessions and authentication ----------------------------------- */

static gboolean
user_for_login (KouanStorage *storage, const char *account, gint64 *out_id,
                char **out_hash, gboolean *out_active, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "SELECT id, password_hash, active FROM users WHERE account = ?1");
  int rc;

  bind_text (s, 1, account);
  *out_id = 0;
  *out_hash = NULL;
  *out_active = FALSE;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *out_id = sqlite3_column_int64 (s, 0);
      *out_hash = g_strdup ((const char *) sqlite3_column_text (s, 1));
      *out_active = sqlite3_column_int (s, 2) != 0;
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, error, "Looking up an account");
  return TRUE;
}

static gboolean
user_create (KouanStorage *storage, const char *account, const char *name,
             const char *password_hash, gint64 *out_id, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "INSERT INTO users (account, name, password_hash) VALUES (?1, ?2, ?3)");

  bind_text (s, 1, account);
  bind_text (s, 2, name);
  bind_text (s, 3, password_hash);
  if (!done (self, s, error, "Creating a user"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
session_insert (KouanStorage *storage, const char *token_sha256, gint64 user_id,
                const char *method, gint64 now, gint64 expires_at, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "INSERT INTO sessions (token_sha256, user_id, method, created_at, last_seen, expires_at)"
    " VALUES (?1, ?2, ?5, ?3, ?3, ?4)");

  bind_text (s, 1, token_sha256);
  sqlite3_bind_int64 (s, 2, user_id);
  sqlite3_bind_int64 (s, 3, now);
  sqlite3_bind_int64 (s, 4, expires_at);
  bind_text (s, 5, method);
  return done (self, s, error, "Creating a session");
}

static gboolean
session_lookup (KouanStorage *storage, const char *token_sha256,
                KouanStoredSession *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT s.user_id, s.method, s.created_at, s.last_seen, s.expires_at, u.active"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = ?1");
  int rc;

  memset (out, 0, sizeof *out);
  bind_text (s, 1, token_sha256);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      out->token_sha256 = g_strdup (token_sha256);
      out->user_id = sqlite3_column_int64 (s, 0);
      out->method = g_strdup ((const char *) sqlite3_column_text (s, 1));
      out->created_at = sqlite3_column_int64 (s, 2);
      out->last_seen = sqlite3_column_int64 (s, 3);
      out->expires_at = sqlite3_column_int64 (s, 4);
      out->user_active = sqlite3_column_int (s, 5) != 0;
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, error, "Looking up a session");
  return TRUE;
}

static gboolean
session_touch (KouanStorage *storage, const char *token_sha256, gint64 now, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "UPDATE sessions SET last_seen = ?2 WHERE token_sha256 = ?1");

  bind_text (s, 1, token_sha256);
  sqlite3_bind_int64 (s, 2, now);
  return done (self, s, error, "Touching a session");
}

static gboolean
session_delete (KouanStorage *storage, const char *token_sha256, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "DELETE FROM sessions WHERE token_sha256 = ?1");

  bind_text (s, 1, token_sha256);
  return done (self, s, error, "Ending a session");
}

static GPtrArray *
sessions_evict (KouanStorage *storage, gint64 user_id, const char *keep_sha,
                guint keep, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "DELETE FROM sessions WHERE token_sha256 IN ("
    "  SELECT token_sha256 FROM sessions WHERE user_id = ?1 AND token_sha256 <> ?2"
    "  ORDER BY last_seen DESC, created_at DESC LIMIT -1 OFFSET ?3)"
    " RETURNING token_sha256");
  g_autoptr(GPtrArray) evicted = g_ptr_array_new_with_free_func (g_free);
  int rc;

  sqlite3_bind_int64 (s, 1, user_id);
  bind_text (s, 2, keep_sha);
  sqlite3_bind_int (s, 3, keep);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (evicted, g_strdup ((const char *) sqlite3_column_text (s, 0)));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "Evicting sessions");
      return NULL;
    }
  return g_steal_pointer (&evicted);
}

static gboolean
sessions_sweep (KouanStorage *storage, gint64 now, gint64 idle_before, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?2");

  sqlite3_bind_int64 (s, 1, now);
  sqlite3_bind_int64 (s, 2, idle_before);
  return done (self, s, error, "Sweeping sessions");
}

static gboolean
throttle_recent (KouanStorage *storage, const char *key, gint64 since, guint max,
                 gint64 *out_count, gint64 *out_oldest, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT COUNT(*), COALESCE (MIN(at), 0) FROM ("
    "  SELECT at FROM login_failures WHERE key = ?1 AND at > ?2"
    "  ORDER BY at DESC LIMIT ?3)");
  int rc;

  bind_text (s, 1, key);
  sqlite3_bind_int64 (s, 2, since);
  sqlite3_bind_int (s, 3, max);
  *out_count = *out_oldest = 0;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *out_count = sqlite3_column_int64 (s, 0);
      *out_oldest = sqlite3_column_int64 (s, 1);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW)
    return fail (self, error, "Counting failed logins");
  return TRUE;
}

static gboolean
throttle_record (KouanStorage *storage, const char *key, gint64 at, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "INSERT INTO login_failures (key, at) VALUES (?1, ?2)");

  bind_text (s, 1, key);
  sqlite3_bind_int64 (s, 2, at);
  return done (self, s, error, "Recording a failed login");
}

static gboolean
throttle_forget (KouanStorage *storage, const char *key, gint64 before, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "DELETE FROM login_failures WHERE key = ?1 OR at <= ?2");

  bind_text (s, 1, key);
  sqlite3_bind_int64 (s, 2, before);
  return done (self, s, error, "Forgetting failed logins");
}

static const KouanStorageAuth auth_area = {
  .user_for_login = user_for_login,
  .user_create = user_create,
  .session_insert = session_insert,
  .session_lookup = session_lookup,
  .session_touch = session_touch,
  .session_delete = session_delete,
  .sessions_evict = sessions_evict,
  .sessions_sweep = sessions_sweep,
  .throttle_recent = throttle_recent,
  .throttle_record = throttle_record,
  .throttle_forget = throttle_forget,
};

/* ---- IC card -------------------------------------------------------- */

static gboolean
challenges_sweep (KouanStorage *storage, gint64 before, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "DELETE FROM card_challenges WHERE expires_at <= ?1");

  sqlite3_bind_int64 (s, 1, before);
  return done (self, s, error, "Sweeping card challenges");
}

static gboolean
challenges_outstanding (KouanStorage *storage, gint64 now, gint64 *out_count,
                        gint64 *out_first_expiry, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT COUNT(*), COALESCE (MIN(expires_at), 0) FROM card_challenges"
    " WHERE used = 0 AND expires_at > ?1");
  int rc;

  sqlite3_bind_int64 (s, 1, now);
  *out_count = *out_first_expiry = 0;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *out_count = sqlite3_column_int64 (s, 0);
      *out_first_expiry = sqlite3_column_int64 (s, 1);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW)
    return fail (self, error, "Counting card challenges");
  return TRUE;
}

static gboolean
challenge_insert (KouanStorage *storage, const char *sha256, gint64 expires_at, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "INSERT INTO card_challenges (challenge_sha256, expires_at, used) VALUES (?1, ?2, 0)");

  bind_text (s, 1, sha256);
  sqlite3_bind_int64 (s, 2, expires_at);
  return done (self, s, error, "Storing a card challenge");
}

static gboolean
challenge_consume (KouanStorage *storage, const char *sha256, gint64 now,
                   KouanChallengeStatus *out, GError **error)
{
  SELF;
  /* One statement marks it used and says whether it was unused: atomic
   * whatever else runs. */
  sqlite3_stmt *s = stmt (self,
    "UPDATE card_challenges SET used = 1 WHERE challenge_sha256 = ?1 AND used = 0"
    " RETURNING expires_at");
  gint64 expires_at = 0;
  int rc;

  bind_text (s, 1, sha256);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    expires_at = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, error, "Using a card challenge");
  if (rc == SQLITE_ROW)
    {
      *out = now >= expires_at ? KOUAN_CHALLENGE_EXPIRED : KOUAN_CHALLENGE_OK;
      return TRUE;
    }

  s = stmt (self, "SELECT 1 FROM card_challenges WHERE challenge_sha256 = ?1");
  bind_text (s, 1, sha256);
  rc = sqlite3_step (s);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, error, "Looking up a card challenge");
  *out = rc == SQLITE_ROW ? KOUAN_CHALLENGE_USED : KOUAN_CHALLENGE_UNKNOWN;
  return TRUE;
}

static gboolean
certificate_bind (KouanStorage *storage, const char *fingerprint, gint64 user_id,
                  gint64 now, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "INSERT INTO card_certificates (fingerprint, user_id, active, created_at)"
    " VALUES (?1, ?2, 1, ?3)"
    " ON CONFLICT (fingerprint) DO UPDATE SET user_id = excluded.user_id, active = 1");

  bind_text (s, 1, fingerprint);
  sqlite3_bind_int64 (s, 2, user_id);
  sqlite3_bind_int64 (s, 3, now);
  return done (self, s, error, "Binding a card");
}

static gboolean
certificate_user (KouanStorage *storage, const char *fingerprint, gint64 *out_user_id,
                  GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT u.id FROM card_certificates c JOIN users u ON u.id = c.user_id"
    " WHERE c.fingerprint = ?1 AND c.active AND u.active");
  int rc;

  bind_text (s, 1, fingerprint);
  *out_user_id = 0;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    *out_user_id = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, error, "Looking up a card");
  return TRUE;
}

/* The columns of KouanStoredCard, in its order, from column @first */
#define CARD_COLUMNS "fingerprint, user_id, holder, serial, not_after, created_at"

static void
card_from_row (sqlite3_stmt *s, KouanStoredCard *card)
{
  const char *holder = (const char *) sqlite3_column_text (s, 2);
  const char *serial = (const char *) sqlite3_column_text (s, 3);

  card->fingerprint = g_strdup ((const char *) sqlite3_column_text (s, 0));
  card->user_id = sqlite3_column_int64 (s, 1);
  card->holder = g_strdup (holder);
  card->serial = g_strdup (serial);
  card->not_after = sqlite3_column_int64 (s, 4);
  card->bound_at = sqlite3_column_int64 (s, 5);
}

/* Appends the rows of @s to @out (KouanStoredCard) */
static gboolean
cards_from_rows (SqliteStorage *self, sqlite3_stmt *s, GArray *out, GError **error,
                 const char *what)
{
  int rc;

  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredCard card = { 0 };

      card_from_row (s, &card);
      g_array_append_val (out, card);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (self, error, what);
  return TRUE;
}

static gboolean
card_bind (KouanStorage *storage, const KouanStoredCard *card, gint64 now,
           KouanCardBindResult *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT user_id, active FROM card_certificates WHERE fingerprint = ?1");
  gboolean already = FALSE;
  int rc;

  bind_text (s, 1, card->fingerprint);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    already = sqlite3_column_int64 (s, 0) == card->user_id && sqlite3_column_int (s, 1) != 0;
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail (self, error, "Looking up a card");

  /* The WHERE of the upsert is what keeps another account's card: no row
   * comes back then. All right-hand sides read the old row. */
  s = stmt (self,
    "INSERT INTO card_certificates (fingerprint, user_id, active, created_at, holder, serial,"
    "                               not_after, expiry_announced)"
    " VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, 0)"
    " ON CONFLICT (fingerprint) DO UPDATE SET"
    "  holder = excluded.holder, serial = excluded.serial, not_after = excluded.not_after,"
    "  created_at = CASE WHEN card_certificates.user_id = excluded.user_id AND card_certificates.active"
    "               THEN card_certificates.created_at ELSE excluded.created_at END,"
    "  expiry_announced = CASE WHEN card_certificates.user_id = excluded.user_id"
    "                      AND card_certificates.active AND card_certificates.not_after = excluded.not_after"
    "                     THEN card_certificates.expiry_announced ELSE 0 END,"
    "  user_id = excluded.user_id, active = 1"
    " WHERE card_certificates.user_id = excluded.user_id OR NOT card_certificates.active"
    " RETURNING user_id");
  bind_text (s, 1, card->fingerprint);
  sqlite3_bind_int64 (s, 2, card->user_id);
  sqlite3_bind_int64 (s, 3, now);
  bind_text (s, 4, card->holder);
  bind_text (s, 5, card->serial);
  sqlite3_bind_int64 (s, 6, card->not_after);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      rc = sqlite3_step (s);
      *out = already ? KOUAN_CARD_BIND_ALREADY : KOUAN_CARD_BIND_BOUND;
    }
  else
    *out = KOUAN_CARD_BIND_OTHER_ACCOUNT;
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (self, error, "Binding a card");
  return TRUE;
}

static gboolean
cards_list (KouanStorage *storage, gint64 user_id, GArray *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT " CARD_COLUMNS " FROM card_certificates WHERE user_id = ?1 AND active"
    " ORDER BY created_at DESC, fingerprint");

  sqlite3_bind_int64 (s, 1, user_id);
  return cards_from_rows (self, s, out, error, "Listing an account's cards");
}

static gboolean
card_unbind (KouanStorage *storage, gint64 user_id, const char *fingerprint,
             KouanStoredCard *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "DELETE FROM card_certificates WHERE user_id = ?1 AND fingerprint = ?2 AND active"
    " RETURNING " CARD_COLUMNS);
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, user_id);
  bind_text (s, 2, fingerprint);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      card_from_row (s, out);
      rc = sqlite3_step (s);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      kouan_stored_card_clear (out);
      return fail (self, error, "Unbinding a card");
    }
  return TRUE;
}

static gboolean
cards_expiring (KouanStorage *storage, gint64 before, GArray *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT c.fingerprint, c.user_id, c.holder, c.serial, c.not_after, c.created_at"
    " FROM card_certificates c JOIN users u ON u.id = c.user_id"
    " WHERE c.active AND u.active AND NOT c.expiry_announced"
    "   AND c.not_after > 0 AND c.not_after < ?1 ORDER BY c.not_after, c.fingerprint");

  sqlite3_bind_int64 (s, 1, before);
  return cards_from_rows (self, s, out, error, "Finding expiring cards");
}

static gboolean
card_expiry_announced (KouanStorage *storage, const char *fingerprint, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "UPDATE card_certificates SET expiry_announced = 1 WHERE fingerprint = ?1");

  bind_text (s, 1, fingerprint);
  return done (self, s, error, "Marking a card's expiry announced");
}

static gboolean
account_credentials (KouanStorage *storage, gint64 user_id, char **out_account,
                     char **out_hash, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT account, password_hash FROM users WHERE id = ?1 AND active");
  int rc;

  *out_account = *out_hash = NULL;
  sqlite3_bind_int64 (s, 1, user_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      *out_account = g_strdup ((const char *) sqlite3_column_text (s, 0));
      *out_hash = g_strdup ((const char *) sqlite3_column_text (s, 1));
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      g_clear_pointer (out_account, g_free);
      g_clear_pointer (out_hash, g_free);
      return fail (self, error, "Looking up an account");
    }
  return TRUE;
}

static GPtrArray *
card_sessions_end (KouanStorage *storage, gint64 user_id, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "DELETE FROM sessions WHERE user_id = ?1 AND method = 'card' RETURNING token_sha256");
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);
  int rc;

  sqlite3_bind_int64 (s, 1, user_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_ptr_array_add (ended, g_strdup ((const char *) sqlite3_column_text (s, 0)));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    {
      fail (self, error, "Ending card sessions");
      return NULL;
    }
  return g_steal_pointer (&ended);
}

static const KouanStorageCard card_area = {
  .challenges_sweep = challenges_sweep,
  .challenges_outstanding = challenges_outstanding,
  .challenge_insert = challenge_insert,
  .challenge_consume = challenge_consume,
  .certificate_bind = certificate_bind,
  .certificate_user = certificate_user,
  .card_bind = card_bind,
  .cards_list = cards_list,
  .card_unbind = card_unbind,
  .cards_expiring = cards_expiring,
  .card_expiry_announced = card_expiry_announced,
  .account_credentials = account_credentials,
  .card_sessions_end = card_sessions_end,
};

/* ---- change feed and mutation ids ------------------------------------ */

static gboolean
change_record (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
               const char *collection, gint64 record_id, const char *record_json,
               GError **error)
{
  SELF;
  /* Like the TOUCH() of the triggers (kouan-server-db.c): the record's
   * older row for the same audience is superseded. */
  sqlite3_stmt *s = stmt (self,
    "DELETE FROM changes WHERE enterprise_id = ?1 AND collection = ?3 AND record_id = ?4"
    " AND user_id IS ?2");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (user_id != 0)
    sqlite3_bind_int64 (s, 2, user_id);
  bind_text (s, 3, collection);
  sqlite3_bind_int64 (s, 4, record_id);
  if (!done (self, s, error, "Recording a change"))
    return FALSE;
  s = stmt (self,
    "INSERT INTO changes (enterprise_id, user_id, collection, record_id) VALUES (?1, ?2, ?3, ?4)");
  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (user_id != 0)
    sqlite3_bind_int64 (s, 2, user_id);
  bind_text (s, 3, collection);
  sqlite3_bind_int64 (s, 4, record_id);
  return done (self, s, error, "Recording a change");
}

/* @hidden as a JSON array of names, for json_each */
static char *
hidden_json (const char * const *hidden)
{
  g_autoptr(GString) text = g_string_new ("[");

  for (guint i = 0; hidden != NULL && hidden[i] != NULL; i++)
    {
      g_string_append (text, i > 0 ? ",\"" : "\"");
      /* collection names are identifiers ([a-z_.]): nothing to escape */
      g_string_append (text, hidden[i]);
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, ']');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
changes_page (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              gint64 since, guint limit, const char * const *hidden, GArray *out,
              GError **error)
{
  SELF;
  /* A row is left out when a later row of the same record is visible to
   * this user: each record then appears once, at its latest change, and
   * the page stays an index range scan instead of a GROUP BY over the
   * whole tail of the feed. */
  sqlite3_stmt *s = stmt (self,
    "SELECT c.seq, c.collection, c.record_id FROM changes c"
    " WHERE c.enterprise_id = ?1 AND c.seq > ?2"
    "   AND (c.user_id IS NULL OR c.user_id = ?3)"
    "   AND c.collection NOT IN (SELECT value FROM json_each (?5))"
    "   AND NOT EXISTS (SELECT 1 FROM changes d"
    "     WHERE d.enterprise_id = c.enterprise_id AND d.collection = c.collection"
    "       AND d.record_id = c.record_id AND d.seq > c.seq"
    "       AND (d.user_id IS NULL OR d.user_id = ?3))"
    " ORDER BY c.seq LIMIT ?4");
  g_autofree char *names = hidden_json (hidden);
  int rc;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, since);
  sqlite3_bind_int64 (s, 3, user_id);
  sqlite3_bind_int64 (s, 4, limit);
  bind_text (s, 5, names);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredChange change = {
        .seq = sqlite3_column_int64 (s, 0),
        .collection = g_strdup ((const char *) sqlite3_column_text (s, 1)),
        .record_id = sqlite3_column_int64 (s, 2),
        .record_json = NULL,   /* materialised by the handler */
      };
      g_array_append_val (out, change);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (self, error, "Reading the change feed");
  return TRUE;
}

static gboolean
changes_count (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
               gint64 since, GHashTable *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT c.collection, count(*) FROM changes c"
    " WHERE c.enterprise_id = ?1 AND c.seq > ?2"
    "   AND (c.user_id IS NULL OR c.user_id = ?3)"
    "   AND NOT EXISTS (SELECT 1 FROM changes d"
    "     WHERE d.enterprise_id = c.enterprise_id AND d.collection = c.collection"
    "       AND d.record_id = c.record_id AND d.seq > c.seq"
    "       AND (d.user_id IS NULL OR d.user_id = ?3))"
    " GROUP BY c.collection");
  int rc;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, since);
  sqlite3_bind_int64 (s, 3, user_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    g_hash_table_insert (out, g_strdup ((const char *) sqlite3_column_text (s, 0)),
                         g_memdup2 (&(gint64) { sqlite3_column_int64 (s, 1) }, sizeof (gint64)));
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (self, error, "Counting the change feed");
  return TRUE;
}

static gboolean
changes_newest (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                gint64 *out_seq, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT COALESCE (MAX (seq), 0) FROM changes WHERE enterprise_id = ?1"
    " AND (user_id IS NULL OR user_id = ?2)");
  int rc;

  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, user_id);
  *out_seq = 0;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    *out_seq = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW)
    return fail (self, error, "Reading the newest change");
  return TRUE;
}

static gboolean
changes_newest_all (KouanStorage *storage, gint64 *out_seq, GError **error)
{
  SELF;
  /* MAX of the rowid alias is one index probe, cheap enough for every
   * request. */
  sqlite3_stmt *s = stmt (self, "SELECT COALESCE (MAX (seq), 0) FROM changes");
  int rc = sqlite3_step (s);

  *out_seq = rc == SQLITE_ROW ? sqlite3_column_int64 (s, 0) : 0;
  sqlite3_reset (s);
  if (rc != SQLITE_ROW)
    return fail (self, error, "Reading the newest change");
  return TRUE;
}

static gboolean
changes_touched (KouanStorage *storage, gint64 after_seq, GArray *out, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT DISTINCT enterprise_id, COALESCE (user_id, 0), collection FROM changes WHERE seq > ?1");
  int rc;

  sqlite3_bind_int64 (s, 1, after_seq);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredTouch touch = { sqlite3_column_int64 (s, 0), sqlite3_column_int64 (s, 1),
                                 g_strdup ((const char *) sqlite3_column_text (s, 2)) };

      g_array_append_val (out, touch);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return fail (self, error, "Reading new changes to announce");
  return TRUE;
}

static char *
mutation_result (KouanStorage *storage, gint64 user_id, const char *mutation_id, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "SELECT result_json FROM applied_mutations WHERE user_id = ?1 AND mutation_id = ?2");
  char *result = NULL;
  int rc;

  sqlite3_bind_int64 (s, 1, user_id);
  bind_text (s, 2, mutation_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (self, error, "Looking up a mutation id");
  return result;
}

static gboolean
mutation_store (KouanStorage *storage, gint64 user_id, const char *mutation_id,
                const char *result_json, gint64 now, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self,
    "INSERT INTO applied_mutations (user_id, mutation_id, result_json, applied_at)"
    " VALUES (?1, ?2, ?3, ?4)");

  sqlite3_bind_int64 (s, 1, user_id);
  bind_text (s, 2, mutation_id);
  bind_text (s, 3, result_json);
  sqlite3_bind_int64 (s, 4, now);
  return done (self, s, error, "Storing a mutation result");
}

static gboolean
mutations_prune (KouanStorage *storage, gint64 before, gint64 *out_count, GError **error)
{
  SELF;
  sqlite3_stmt *s = stmt (self, "DELETE FROM applied_mutations WHERE applied_at < ?1");

  sqlite3_bind_int64 (s, 1, before);
  if (!done (self, s, error, "Pruning mutation ids"))
    return FALSE;
  if (out_count != NULL)
    *out_count = sqlite3_changes64 (self->db);
  return TRUE;
}

static const KouanStorageFeed feed_area = {
  .change_record = change_record,
  .changes_page = changes_page,
  .changes_count = changes_count,
  .changes_newest = changes_newest,
  .changes_newest_all = changes_newest_all,
  .changes_touched = changes_touched,
  .mutation_result = mutation_result,
  .mutation_store = mutation_store,
  .mutations_prune = mutations_prune,
};

/* ---- the backend ------------------------------------------------------ */

static gboolean
exec (SqliteStorage *self, const char *sql, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail (self, error, sql);
  return TRUE;
}

static gboolean
sqlite_begin (KouanStorage *storage, GError **error)
{
  SELF;
  return exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_commit (KouanStorage *storage, GError **error)
{
  SELF;
  return exec (self, "COMMIT", error);
}

static void
sqlite_rollback (KouanStorage *storage)
{
  SELF;
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static void
sqlite_free (KouanStorage *storage)
{
  SELF;
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_free (self);
}

static void
finalize_stmt (gpointer s)
{
  sqlite3_finalize (s);
}

KouanStorage *
kouan_storage_sqlite_new (sqlite3 *db)
{
  SqliteStorage *self = g_new0 (SqliteStorage, 1);

  self->db = db;
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, finalize_stmt);
  self->parent.backend = KOUAN_STORAGE_SQLITE;
  self->parent.auth = &auth_area;
  self->parent.card = &card_area;
  self->parent.feed = &feed_area;
  self->parent.personal = &_kouan_storage_sqlite_personal;
  self->parent.messages = &_kouan_storage_sqlite_messages;
  self->parent.insurance = &_kouan_storage_sqlite_insurance;
  self->parent.enterprise = &_kouan_storage_sqlite_enterprise;
  self->parent.people = &_kouan_storage_sqlite_people;
  self->parent.audit = &_kouan_storage_sqlite_audit;
  self->parent.images = &_kouan_storage_sqlite_images;
  self->parent.begin = sqlite_begin;
  self->parent.commit = sqlite_commit;
  self->parent.rollback = sqlite_rollback;
  self->parent.free = sqlite_free;
  return &self->parent;
}

/* ---- for the area files (kouan-storage-sqlite-private.h) ------------- */

sqlite3 *
_kouan_storage_sqlite_db (KouanStorage *storage)
{
  SELF;
  return self->db;
}

sqlite3_stmt *
_kouan_storage_sqlite_stmt (KouanStorage *storage, const char *sql)
{
  SELF;
  return stmt (self, sql);
}

gboolean
_kouan_storage_sqlite_done (KouanStorage *storage, sqlite3_stmt *s, GError **error,
                            const char *what)
{
  SELF;
  return done (self, s, error, what);
}

gboolean
_kouan_storage_sqlite_fail (KouanStorage *storage, GError **error, const char *what)
{
  SELF;
  return fail (self, error, what);
}

char *
_kouan_storage_sqlite_column_dup (sqlite3_stmt *stmt,
                                  int           i)
{
  return sqlite3_column_type (stmt, i) == SQLITE_NULL
           ? NULL : g_strdup ((const char *) sqlite3_column_text (stmt, i));
}

gboolean
_kouan_storage_sqlite_step_row (KouanStorage *storage, sqlite3_stmt *stmt, gboolean *out_row,
                                GError **error, const char *what)
{
  int rc = sqlite3_step (stmt);

  *out_row = rc == SQLITE_ROW;
  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return TRUE;
  sqlite3_reset (stmt);
  return _kouan_storage_sqlite_fail (storage, error, what);
}
