/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Area 4, messages, on PostgreSQL (schema: migration 2 of
 * kouan-storage-postgres.c). Each write records its change with the
 * record's JSON as it was written, built by the same statement that reads
 * the row (json_build_object), so the feed concatenates it as is: a posted
 * message is one change for everyone (or for each user of its audience),
 * a user's read/starred edit one change for that user carrying the
 * message as that user now sees it. The members of the record are those
 * of docs/api.md, "message". */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT
#define value_dup _kouan_storage_pg_value_dup

/* The message m as the user whose state s is (LEFT JOINed) sees it */
#define MESSAGE_JSON \
  "json_build_object ('id', m.id, 'kind', m.kind, 'category', m.category, 'title', m.title," \
  " 'body', m.body, 'severity', m.severity, 'created_at', m.created_at," \
  " 'read', COALESCE (s.read, false), 'starred', COALESCE (s.starred, false)," \
  " 'actions', COALESCE (m.actions, '[]'::jsonb))::text"

static gboolean
message_get (KouanStorage *storage, gint64 enterprise_id, gint64 message_id,
             gint64 user_id, KouanStoredMessage *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (mid, message_id);
  INT (uid, user_id);
  const char *params[] = { eid, mid, uid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT m.kind, m.category, m.title, m.body, m.severity, m.created_at,"
           "       COALESCE (s.read, false), COALESCE (s.starred, false), m.actions::text"
           " FROM messages m LEFT JOIN message_states s"
           "   ON s.message_id = m.id AND s.user_id = $3"
           " WHERE m.id = $2 AND m.enterprise_id = $1", 3, params, "Reading a message");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    {
      out->id = message_id;
      out->enterprise_id = enterprise_id;
      out->kind = value_dup (r, 0, 0);
      out->category = value_dup (r, 0, 1);
      out->title = value_dup (r, 0, 2);
      out->body = value_dup (r, 0, 3);
      out->severity = value_dup (r, 0, 4);
      out->created_at = _kouan_storage_pg_int_at (r, 0, 5);
      out->read = *PQgetvalue (r, 0, 6) == 't';
      out->starred = *PQgetvalue (r, 0, 7) == 't';
      out->actions = value_dup (r, 0, 8);
    }
  PQclear (r);
  return TRUE;
}

/* Inserts the row; *out_json its JSON for a user without flags */
static gboolean
insert_message (KouanStorage *storage, gint64 enterprise_id, const KouanStoredMessage *message,
                gint64 *out_id, char **out_json, GError **error)
{
  INT (eid, enterprise_id);
  INT (at, message->created_at);
  const char *params[] = { eid, message->kind, message->category, message->title,
                           message->body, message->severity, at, message->actions };
  PGresult *r = RUN (
    "WITH m AS (INSERT INTO messages (enterprise_id, kind, category, title, body, severity, created_at, actions)"
    "   VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING *),"
    " s AS (SELECT NULL::boolean AS read, NULL::boolean AS starred)"
    " SELECT m.id, " MESSAGE_JSON " FROM m, s", 8, params, "Posting a message");

  if (r == NULL)
    return FALSE;
  *out_id = _kouan_storage_pg_int_at (r, 0, 0);
  *out_json = g_strdup (PQgetvalue (r, 0, 1));
  PQclear (r);
  return TRUE;
}

/* Records @user_id's change of the message, with its JSON as they see it */
static gboolean
record_for_user (KouanStorage *storage, gint64 enterprise_id, gint64 message_id,
                 gint64 user_id, GError **error)
{
  INT (mid, message_id);
  INT (uid, user_id);
  const char *params[] = { mid, uid };
  PGresult *r = RUN ("SELECT " MESSAGE_JSON " FROM messages m LEFT JOIN message_states s"
                     "   ON s.message_id = m.id AND s.user_id = $2"
                     " WHERE m.id = $1", 2, params, "Recording a change");
  gboolean ok;

  if (r == NULL)
    return FALSE;
  ok = PQntuples (r) != 1 ||
       storage->feed->change_record (storage, enterprise_id, user_id, "messages", message_id,
                                     PQgetvalue (r, 0, 0), error);
  PQclear (r);
  return ok;
}

static gboolean
message_post (KouanStorage *storage, gint64 enterprise_id, const KouanStoredMessage *message,
              const gint64 *audience, guint n_audience, gint64 *out_id, GError **error)
{
  g_autofree char *json = NULL;
  gboolean own, ok;
  gint64 id = 0;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = insert_message (storage, enterprise_id, message, &id, &json, error);
  if (ok && audience == NULL)
    ok = storage->feed->change_record (storage, enterprise_id, 0, "messages", id, json, error);
  for (guint i = 0; ok && audience != NULL && i < n_audience; i++)
    ok = storage->feed->change_record (storage, enterprise_id, audience[i], "messages", id,
                                       json, error);
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/* Stores the flags; *out_changed unless they were already so */
static gboolean
store_state (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
             gint64 message_id, gboolean read, gboolean starred, gboolean *out_changed,
             GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  INT (mid, message_id);
  const char *params[] = { eid, uid, mid, read ? "true" : "false", starred ? "true" : "false" };
  PGresult *r = RUN (
    "INSERT INTO message_states (enterprise_id, user_id, message_id, read, starred)"
    " VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (enterprise_id, user_id, message_id) DO UPDATE"
    "   SET read = excluded.read, starred = excluded.starred"
    "   WHERE message_states.read <> excluded.read OR message_states.starred <> excluded.starred"
    " RETURNING 1", 5, params, "Marking a message");

  if (r == NULL)
    return FALSE;
  *out_changed = PQntuples (r) == 1;
  PQclear (r);
  return TRUE;
}

static gboolean
message_state_set (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                   gint64 message_id, gboolean read, gboolean starred, GError **error)
{
  gboolean own, ok, changed = FALSE;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* as the SQLite trigger: an edit that changes nothing is no change */
  ok = store_state (storage, enterprise_id, user_id, message_id, read, starred, &changed, error) &&
       (!changed || record_for_user (storage, enterprise_id, message_id, user_id, error));
  return _kouan_storage_pg_finish_own (storage, own, ok, error);
}

static gboolean
message_seed (KouanStorage *storage, gint64 enterprise_id, const KouanStoredMessage *message,
              const KouanStoredMessageState *states, guint n_states, gint64 *out_id,
              GError **error)
{
  g_autofree char *json = NULL;
  gboolean own, ok;
  gint64 id = 0;

  /* The JSON kept with a change is the record as its audience sees it:
   * one change for everyone, one more for each user with flags. */
  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  ok = insert_message (storage, enterprise_id, message, &id, &json, error) &&
       storage->feed->change_record (storage, enterprise_id, 0, "messages", id, json, error);
  for (guint i = 0; ok && i < n_states; i++)
    {
      gboolean changed = FALSE;

      if (!states[i].read && !states[i].starred)
        continue;
      ok = store_state (storage, enterprise_id, states[i].user_id, id, states[i].read,
                        states[i].starred, &changed, error) &&
           record_for_user (storage, enterprise_id, id, states[i].user_id, error);
    }
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

const KouanStorageMessages _kouan_storage_pg_messages = {
  .message_get = message_get,
  .message_post = message_post,
  .message_state_set = message_state_set,
  .message_seed = message_seed,
};
