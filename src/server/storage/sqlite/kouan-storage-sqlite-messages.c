/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

#define column_dup _kouan_storage_sqlite_column_dup

/* Area 4, messages, on SQLite. The triggers of the server's schema
 * (kouan-server-db.c) record the changes: a posted message is one change
 * for everyone, a user's read/starred edit one for that user, and the
 * feed materialises the record as that user sees it. */

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

static gboolean
message_get (KouanStorage *storage, gint64 enterprise_id, gint64 message_id,
             gint64 user_id, KouanStoredMessage *out, GError **error)
{
  sqlite3_stmt *s = S (
    "SELECT m.kind, m.category, m.title, m.body, m.severity, m.created_at,"
    "       COALESCE (s.read, 0), COALESCE (s.starred, 0), m.actions"
    " FROM messages m LEFT JOIN message_states s"
    "   ON s.message_id = m.id AND s.user_id = ?3"
    " WHERE m.id = ?2 AND m.enterprise_id = ?1");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, message_id);
  sqlite3_bind_int64 (s, 3, user_id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    {
      out->id = message_id;
      out->enterprise_id = enterprise_id;
      out->kind = column_dup (s, 0);
      out->category = column_dup (s, 1);
      out->title = column_dup (s, 2);
      out->body = column_dup (s, 3);
      out->severity = column_dup (s, 4);
      out->created_at = sqlite3_column_int64 (s, 5);
      out->read = sqlite3_column_int (s, 6) != 0;
      out->starred = sqlite3_column_int (s, 7) != 0;
      out->actions = column_dup (s, 8);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading a message");
  return TRUE;
}

static gboolean
insert_message (KouanStorage *storage, gint64 enterprise_id, const KouanStoredMessage *message,
                gint64 *out_id, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO messages (enterprise_id, kind, category, title, body, severity, created_at, actions)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  bind_text (s, 2, message->kind);
  bind_text (s, 3, message->category);
  bind_text (s, 4, message->title);
  bind_text (s, 5, message->body);
  bind_text (s, 6, message->severity);
  sqlite3_bind_int64 (s, 7, message->created_at);
  bind_text (s, 8, message->actions);
  if (!DONE (s, "Posting a message"))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

static gboolean
message_post (KouanStorage *storage, gint64 enterprise_id, const KouanStoredMessage *message,
              const gint64 *audience, guint n_audience, gint64 *out_id, GError **error)
{
  sqlite3_stmt *s;
  gint64 id;

  if (!insert_message (storage, enterprise_id, message, &id, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  if (audience == NULL)
    return TRUE;

  /* for those users only: the trigger's change for everyone goes */
  s = S ("DELETE FROM changes WHERE enterprise_id = ?1 AND collection = 'messages'"
         " AND record_id = ?2 AND user_id IS NULL");
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, id);
  if (!DONE (s, "Posting a message"))
    return FALSE;
  for (guint i = 0; i < n_audience; i++)
    {
      s = S ("INSERT INTO changes (enterprise_id, user_id, collection, record_id)"
             " VALUES (?1, ?2, 'messages', ?3)");
      sqlite3_bind_int64 (s, 1, enterprise_id);
      sqlite3_bind_int64 (s, 2, audience[i]);
      sqlite3_bind_int64 (s, 3, id);
      if (!DONE (s, "Posting a message"))
        return FALSE;
    }
  return TRUE;
}

static gboolean
message_state_set (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                   gint64 message_id, gboolean read, gboolean starred, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO message_states (user_id, message_id, read, starred) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (user_id, message_id) DO UPDATE SET read = excluded.read, starred = excluded.starred");

  sqlite3_bind_int64 (s, 1, user_id);
  sqlite3_bind_int64 (s, 2, message_id);
  sqlite3_bind_int (s, 3, read);
  sqlite3_bind_int (s, 4, starred);
  return DONE (s, "Marking a message");
}

static gboolean
message_seed (KouanStorage *storage, gint64 enterprise_id, const KouanStoredMessage *message,
              const KouanStoredMessageState *states, guint n_states, gint64 *out_id,
              GError **error)
{
  sqlite3_stmt *s;
  gint64 id;

  if (!insert_message (storage, enterprise_id, message, &id, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  for (guint i = 0; i < n_states; i++)
    {
      if (!states[i].read && !states[i].starred)
        continue;   /* the default: no row */
      s = S ("INSERT INTO message_states (user_id, message_id, read, starred) VALUES (?1, ?2, ?3, ?4)");
      sqlite3_bind_int64 (s, 1, states[i].user_id);
      sqlite3_bind_int64 (s, 2, id);
      sqlite3_bind_int (s, 3, states[i].read);
      sqlite3_bind_int (s, 4, states[i].starred);
      if (!DONE (s, "Seeding a message"))
        return FALSE;
    }
  if (n_states == 0)
    return TRUE;
  /* The message's one change for everyone carries the flags (the feed
   * reads them when it materialises the record): a first sync is half
   * as long. */
  s = S ("DELETE FROM changes WHERE enterprise_id = ?1 AND collection = 'messages'"
         " AND record_id = ?2 AND user_id IS NOT NULL");
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, id);
  return DONE (s, "Seeding a message");
}

const KouanStorageMessages _kouan_storage_sqlite_messages = {
  .message_get = message_get,
  .message_post = message_post,
  .message_state_set = message_state_set,
  .message_seed = message_seed,
};
