/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-collection.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-cjk-tokenizer.h"
#include "kouan-message.h"
#include "kouan-store-private.h"

/* Enterprises */

static gboolean
save_enterprises_locked (KouanStore  *self,
                         GPtrArray   *enterprises,
                         GArray      *removed,
                         GError     **error)
{
  g_autoptr(GHashTable) kept = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  for (guint i = 0; i < enterprises->len; i++)
    {
      KouanEnterprise *enterprise = g_ptr_array_index (enterprises, i);
      g_autoptr(KouanStatement) stmt = NULL;
      g_autoptr(JsonArray) roles = json_array_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *roles_json = NULL;
      const char * const *role_names = kouan_enterprise_get_roles (enterprise);

      for (guint r = 0; role_names[r] != NULL; r++)
        json_array_add_string_element (roles, role_names[r]);
      node = json_node_init_array (json_node_alloc (), roles);
      roles_json = kouan_json_to_string (node);

      stmt = kouan_statement_get (self->db,
        "INSERT INTO enterprises (id, name, credit_code, certified, roles)"
        " VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
        "  credit_code = excluded.credit_code, certified = excluded.certified,"
        "  roles = excluded.roles", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, kouan_enterprise_get_id (enterprise));
      sqlite3_bind_text (stmt, 2, kouan_enterprise_get_name (enterprise), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, kouan_enterprise_get_credit_code (enterprise), -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, kouan_enterprise_get_certified (enterprise));
      sqlite3_bind_text (stmt, 5, roles_json, -1, SQLITE_STATIC);
      if (!kouan_statement_run (stmt, error))
        return FALSE;

      {
        gint64 id = kouan_enterprise_get_id (enterprise);

        g_array_append_val (ids, id);
      }
    }

  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (kept, &g_array_index (ids, gint64, i));

  /* An enterprise the user is no longer a member of goes, with its rows,
   * cursor and queued edits (ON DELETE CASCADE): the server would refuse
   * them anyway, and the data is no longer theirs to see. */
  {
    g_autoptr(KouanStatement) stmt = kouan_statement_get (self->db, "SELECT id FROM enterprises", error);

    if (stmt == NULL)
      return FALSE;
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        if (!g_hash_table_contains (kept, &id))
          g_array_append_val (removed, id);
      }
    if (rc != SQLITE_DONE)
      return kouan_store_set_sql_error (error, self->db, rc, "Cannot read enterprises");
  }

  for (guint i = 0; i < removed->len; i++)
    {
      g_autoptr(KouanStatement) stmt = kouan_statement_get (self->db, "DELETE FROM enterprises WHERE id = ?1", error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, g_array_index (removed, gint64, i));
      if (!kouan_statement_run (stmt, error))
        return FALSE;
      /* cascaded deletes may bypass the update hook */
      self->message_deletions++;
    }

  return TRUE;
}

gboolean
kouan_store_save_enterprises (KouanStore  *self,
                              GPtrArray   *enterprises,
                              GError     **error)
{
  g_autoptr(GArray) removed = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (enterprises != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  if (ok)
    ok = save_enterprises_locked (self, enterprises, removed, error);
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (!ok)
    return FALSE;

  for (guint i = 0; i < enterprises->len; i++)
    _kouan_store_emit_changed (self, "enterprise",
                        kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)));
  for (guint i = 0; i < removed->len; i++)
    {
      gint64 id = g_array_index (removed, gint64, i);

      /* its rows went by cascade, which may bypass the triggers */
      _kouan_store_forget_message_counts (self, id);
      _kouan_store_emit_changed (self, "enterprise", id);
      _kouan_store_emit_changed (self, "messages", id);
    }
  if (removed->len > 0)
    _kouan_store_emit_outbox_changed (self);

  return TRUE;
}

static GStrv
parse_roles (const char *json)
{
  g_autoptr(JsonNode) root = kouan_json_parse (json, -1, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (node));
        }
    }

  return g_strv_builder_end (builder);
}

GPtrArray *
kouan_store_list_enterprises (KouanStore  *self,
                              GError     **error)
{
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = TRUE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT id, name, credit_code, certified, roles FROM enterprises ORDER BY id", error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_auto(GStrv) roles = parse_roles ((const char *) sqlite3_column_text (stmt, 4));

          g_ptr_array_add (enterprises,
                           kouan_enterprise_new (sqlite3_column_int64 (stmt, 0),
                                                 (const char *) sqlite3_column_text (stmt, 1),
                                                 (const char *) sqlite3_column_text (stmt, 2),
                                                 sqlite3_column_int (stmt, 3) != 0,
                                                 (const char * const *) roles));
        }
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot read enterprises");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  return ok ? g_steal_pointer (&enterprises) : NULL;
}

/* Messages */

/* One query text per filter shape, so each is prepared once. Without
 * statistics SQLite would serve "unread and starred" from the read index
 * and look up every unread row in the table; the few starred rows have
 * their own partial index, named explicitly. A severity filter on a
 * date-ordered tab scans the read index, which carries severity_rank
 * (store migration 9), and the severity order has an index of its own:
 * either way no row of the table is read. */
typedef enum {
  QUERY_COUNT,
  QUERY_LIST,
} QueryShape;

#define N_READ_FILTERS 3

static char *
message_query_text (QueryShape        shape,
                    KouanReadFilter   read_filter,
                    gboolean          starred_only,
                    gboolean          by_severity,
                    gboolean          severity_filter)
{
  GString *sql = g_string_new (shape == QUERY_COUNT ? "SELECT count(*)"
                                                    : "SELECT id, rev, created_at, severity_rank");

  g_string_append (sql, " FROM messages");
  if (starred_only)
    g_string_append (sql, " INDEXED BY messages_starred");
  else if (read_filter != KOUAN_READ_FILTER_ALL && (by_severity || severity_filter))
    g_string_append (sql, by_severity || shape == QUERY_COUNT
                          ? " INDEXED BY messages_by_severity"
                          : " INDEXED BY messages_by_read");
  g_string_append (sql, " WHERE enterprise_id = ?1 AND kind = ?2");
  if (read_filter == KOUAN_READ_FILTER_UNREAD)
    g_string_append (sql, " AND read = 0");
  else if (read_filter == KOUAN_READ_FILTER_READ)
    g_string_append (sql, " AND read = 1");
  if (starred_only)
    g_string_append (sql, " AND starred = 1");
  if (severity_filter)
    g_string_append (sql, " AND severity_rank >= ?3");
  if (shape == QUERY_LIST)
    g_string_append (sql, by_severity ? " ORDER BY severity_rank DESC, created_at DESC, id DESC"
                                      : " ORDER BY created_at DESC, id DESC");
  return g_string_free (sql, FALSE);
}

/* The texts, built once and kept for the life of the process (the
 * statement cache compares texts, not pointers). */
static const char *
message_query (QueryShape        shape,
               KouanReadFilter   read_filter,
               gboolean          starred_only,
               KouanMessageSort  sort,
               KouanSeverity     min_severity)
{
  static char *texts[2][N_READ_FILTERS][2][2][2];
  static gsize built;
  gboolean by_severity = sort == KOUAN_MESSAGE_SORT_SEVERITY;
  gboolean severity_filter = min_severity > KOUAN_SEVERITY_LOW;

  if (g_once_init_enter (&built))
    {
      for (guint q = 0; q < 2; q++)
        for (guint r = 0; r < N_READ_FILTERS; r++)
          for (guint st = 0; st < 2; st++)
            for (guint so = 0; so < 2; so++)
              for (guint f = 0; f < 2; f++)
                texts[q][r][st][so][f] = message_query_text (q, r, st, so, f);
      g_once_init_leave (&built, 1);
    }

  if ((guint) read_filter >= N_READ_FILTERS)
    read_filter = KOUAN_READ_FILTER_ALL;
  return texts[shape][read_filter][starred_only ? 1 : 0][by_severity ? 1 : 0][severity_filter ? 1 : 0];
}

static KouanStatement *
message_filter_statement (sqlite3           *db,
                          QueryShape         shape,
                          gint64             enterprise_id,
                          KouanMessageKind   kind,
                          KouanReadFilter    read_filter,
                          gboolean           starred_only,
                          KouanMessageSort   sort,
                          KouanSeverity      min_severity,
                          GError           **error)
{
  KouanStatement *stmt;

  stmt = kouan_statement_get (db, message_query (shape, read_filter, starred_only, sort, min_severity),
                              error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, kouan_message_kind_to_string (kind), -1, SQLITE_STATIC);
  if (min_severity > KOUAN_SEVERITY_LOW)
    sqlite3_bind_int (stmt, 3, min_severity);
  return stmt;
}

guint
kouan_store_count_messages (KouanStore       *self,
                            gint64            enterprise_id,
                            KouanMessageKind  kind,
                            KouanReadFilter   read_filter,
                            gboolean          starred_only)
{
  return kouan_store_count_messages_at_least (self, enterprise_id, kind, read_filter,
                                              starred_only, KOUAN_SEVERITY_NONE);
}

guint
kouan_store_count_messages_at_least (KouanStore       *self,
                                     gint64            enterprise_id,
                                     KouanMessageKind  kind,
                                     KouanReadFilter   read_filter,
                                     gboolean          starred_only,
                                     KouanSeverity     min_severity)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  guint count = 0;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), 0);

  /* the badges' and tabs' counts: kept in memory per severity, never a
   * scan */
  if (!starred_only && read_filter != KOUAN_READ_FILTER_ALL &&
      _kouan_store_message_count (self, enterprise_id, kind,
                                  read_filter == KOUAN_READ_FILTER_READ,
                                  min_severity, &count))
    return count;

  db = _kouan_store_read_begin (self);
  stmt = message_filter_statement (db, QUERY_COUNT, enterprise_id, kind, read_filter,
                                   starred_only, KOUAN_MESSAGE_SORT_DATE, min_severity, &error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        count = (guint) sqlite3_column_int64 (stmt, 0);
      else
        kouan_store_set_sql_error (&error, db, rc, "Cannot count messages");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  if (error != NULL)
    g_warning ("%s", error->message);

  return count;
}

static gboolean
list_messages_locked (sqlite3           *db,
                      gint64             enterprise_id,
                      KouanMessageKind   kind,
                      KouanReadFilter    read_filter,
                      gboolean           starred_only,
                      KouanMessageSort   sort,
                      KouanSeverity      min_severity,
                      KouanMessageSnapshot *rows,
                      GError           **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  int rc;

  stmt = message_filter_statement (db, QUERY_LIST, enterprise_id, kind, read_filter,
                                   starred_only, sort, min_severity, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      gint64 rev = sqlite3_column_int64 (stmt, 1);
      gint64 created = sqlite3_column_int64 (stmt, 2);
      guint8 rank = (guint8) CLAMP (sqlite3_column_int (stmt, 3), 0, KOUAN_SEVERITY_HIGH);

      g_array_append_val (rows->ids, id);
      if (rows->revisions != NULL)
        g_array_append_val (rows->revisions, rev);
      if (rows->created_at != NULL)
        g_array_append_val (rows->created_at, created);
      if (rows->severity != NULL)
        g_array_append_val (rows->severity, rank);
    }
  if (rc != SQLITE_DONE)
    return kouan_store_set_sql_error (error, db, rc, "Cannot list messages");

  return TRUE;
}

GArray *
kouan_store_list_message_ids (KouanStore       *self,
                              gint64            enterprise_id,
                              KouanMessageKind  kind,
                              KouanReadFilter   read_filter,
                              gboolean          starred_only,
                              GError          **error)
{
  KouanMessageSnapshot rows = { 0, };
  gboolean ok;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rows.ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  db = _kouan_store_read_begin (self);
  ok = list_messages_locked (db, enterprise_id, kind, read_filter, starred_only,
                             KOUAN_MESSAGE_SORT_DATE, KOUAN_SEVERITY_NONE, &rows, error);
  _kouan_store_read_end (self, db);

  if (!ok)
    g_clear_pointer (&rows.ids, g_array_unref);
  return rows.ids;
}

void
_kouan_message_snapshot_clear (KouanMessageSnapshot *snapshot)
{
  g_clear_pointer (&snapshot->ids, g_array_unref);
  g_clear_pointer (&snapshot->revisions, g_array_unref);
  g_clear_pointer (&snapshot->created_at, g_array_unref);
  g_clear_pointer (&snapshot->severity, g_array_unref);
  snapshot->watermark = 0;
  snapshot->deletions = 0;
}

gboolean
_kouan_store_snapshot_messages (KouanStore           *self,
                                gint64                enterprise_id,
                                KouanMessageKind      kind,
                                KouanReadFilter       read_filter,
                                gboolean              starred_only,
                                KouanMessageSort      sort,
                                KouanSeverity         min_severity,
                                KouanMessageSnapshot *snapshot,
                                GError              **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  sqlite3 *db;

  snapshot->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  snapshot->revisions = g_array_new (FALSE, FALSE, sizeof (gint64));
  snapshot->created_at = g_array_new (FALSE, FALSE, sizeof (gint64));
  snapshot->severity = g_array_new (FALSE, FALSE, sizeof (guint8));

  /* One read transaction for both reads, so no write falls between them;
   * the deletion count is taken before it starts, so it never claims a
   * deletion the snapshot does not show. */
  db = _kouan_store_read_begin (self);
  snapshot->deletions = _kouan_store_committed_deletions (self);
  ok = _kouan_store_read_transaction (db, "BEGIN DEFERRED", error) &&
       list_messages_locked (db, enterprise_id, kind, read_filter, starred_only,
                             sort, min_severity, snapshot, error);
  if (ok)
    {
      stmt = kouan_statement_get (db,
        "SELECT coalesce (max (rev), 0) FROM messages WHERE enterprise_id = ?1", error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      int rc;

      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        snapshot->watermark = sqlite3_column_int64 (stmt, 0);
      else
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot list messages");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  if (ok)
    ok = _kouan_store_read_transaction (db, "COMMIT", error);
  if (!ok)
    _kouan_store_read_transaction (db, "ROLLBACK", NULL);
  _kouan_store_read_end (self, db);

  if (!ok)
    _kouan_message_snapshot_clear (snapshot);
  return ok;
}

gboolean
_kouan_store_message_changes (KouanStore  *self,
                              gint64       enterprise_id,
                              gint64       since,
                              guint        limit,
                              GArray     **changes,
                              guint64     *deletions,
                              GError     **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (KouanMessageChange));
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = TRUE;
  sqlite3 *db;
  int rc;

  db = _kouan_store_read_begin (self);
  *deletions = _kouan_store_committed_deletions (self);
  stmt = kouan_statement_get (db,
    "SELECT id, rev, created_at, kind, read, starred, severity_rank FROM messages"
    " WHERE enterprise_id = ?1 AND rev > ?2 ORDER BY rev LIMIT ?3", error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, since);
      sqlite3_bind_int64 (stmt, 3, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          KouanMessageChange row = {
            .id = sqlite3_column_int64 (stmt, 0),
            .revision = sqlite3_column_int64 (stmt, 1),
            .created_at = sqlite3_column_int64 (stmt, 2),
            .read = sqlite3_column_int (stmt, 4) != 0,
            .starred = sqlite3_column_int (stmt, 5) != 0,
            .severity = (guint8) CLAMP (sqlite3_column_int (stmt, 6), 0, KOUAN_SEVERITY_HIGH),
          };

          if (!kouan_message_kind_from_string ((const char *) sqlite3_column_text (stmt, 3), &row.kind))
            {
              g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT,
                           "Message %" G_GINT64_FORMAT " in the cache is damaged", row.id);
              ok = FALSE;
              break;
            }
          g_array_append_val (rows, row);
        }
      if (ok && rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot list changed messages");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  if (!ok)
    return FALSE;
  *changes = g_steal_pointer (&rows);
  return TRUE;
}

/* Builds a message from the current row of a statement selecting
 * kind, category, title, body, severity, created_at, read, starred,
 * actions. */
static KouanMessage *
message_from_row (sqlite3_stmt  *stmt,
                  gint64         enterprise_id,
                  gint64         id,
                  GError       **error)
{
  KouanMessageKind kind;
  KouanSeverity severity = KOUAN_SEVERITY_NONE;
  const char *severity_str = (const char *) sqlite3_column_text (stmt, 4);
  const char *actions_json = (const char *) sqlite3_column_text (stmt, 8);
  g_autoptr(KouanMessage) message = NULL;

  if (!kouan_message_kind_from_string ((const char *) sqlite3_column_text (stmt, 0), &kind) ||
      (severity_str != NULL && !kouan_severity_from_string (severity_str, &severity)))
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT,
                   "Message %" G_GINT64_FORMAT " in the cache is damaged", id);
      return NULL;
    }

  message = kouan_message_new (id, enterprise_id, kind,
                               (const char *) sqlite3_column_text (stmt, 1),
                               (const char *) sqlite3_column_text (stmt, 2),
                               (const char *) sqlite3_column_text (stmt, 3),
                               severity,
                               sqlite3_column_int64 (stmt, 5),
                               sqlite3_column_int (stmt, 6) != 0,
                               sqlite3_column_int (stmt, 7) != 0);
  if (actions_json != NULL)
    {
      g_autoptr(JsonNode) node = kouan_json_parse (actions_json, -1, NULL);
      g_autoptr(GPtrArray) actions = node != NULL ? kouan_message_actions_from_json (node, NULL) : NULL;

      if (actions == NULL)
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT,
                       "Message %" G_GINT64_FORMAT " in the cache is damaged", id);
          return NULL;
        }
      kouan_message_set_actions (message, actions);
    }
  return g_steal_pointer (&message);
}

#define SELECT_MESSAGE \
  "SELECT kind, category, title, body, severity, created_at, read, starred, actions" \
  " FROM messages WHERE enterprise_id = ?1 AND id = ?2"

static gboolean
load_message_locked (sqlite3        *db,
                     gint64          enterprise_id,
                     gint64          id,
                     KouanMessage  **out,
                     GError        **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db, SELECT_MESSAGE, error);
  int rc;

  *out = NULL;
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, db, rc, "Cannot read a message");

  *out = message_from_row (stmt, enterprise_id, id, error);
  return *out != NULL;
}

gboolean
kouan_store_load_messages (KouanStore    *self,
                           gint64         enterprise_id,
                           const gint64  *ids,
                           guint          n_ids,
                           GPtrArray     *out,
                           GError       **error)
{
  gboolean ok = TRUE;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  db = _kouan_store_read_begin (self);
  ok = _kouan_store_read_transaction (db, "BEGIN DEFERRED", error);
  for (guint i = 0; ok && i < n_ids; i++)
    {
      KouanMessage *message = NULL;

      ok = load_message_locked (db, enterprise_id, ids[i], &message, error);
      if (ok)
        g_ptr_array_add (out, message);
    }
  if (ok)
    ok = _kouan_store_read_transaction (db, "COMMIT", error);
  if (!ok)
    _kouan_store_read_transaction (db, "ROLLBACK", NULL);
  _kouan_store_read_end (self, db);

  return ok;
}

KouanMessage *
kouan_store_get_message (KouanStore  *self,
                         gint64       enterprise_id,
                         gint64       id,
                         GError     **error)
{
  KouanMessage *message = NULL;
  gboolean ok;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = _kouan_store_read_begin (self);
  ok = load_message_locked (db, enterprise_id, id, &message, error);
  _kouan_store_read_end (self, db);

  if (ok && message == NULL)
    g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                 "Message %" G_GINT64_FORMAT " is not in the cache", id);
  return message;
}

/* Queues a change of one flag unless the row already shows it: opening a
 * message that is already read must not cost a server round trip. */
static gboolean
set_message_flag (KouanStore    *self,
                  KouanMessage  *message,
                  const char    *flag,
                  gboolean       value,
                  GError       **error)
{
  gint64 enterprise_id = kouan_message_get_enterprise_id (message);
  g_autoptr(KouanMessage) current = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;
  gboolean ok, queued = FALSE;

  json_object_set_boolean_member (fields, flag, value);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error) &&
       load_message_locked (self->db, enterprise_id, kouan_message_get_id (message), &current, error);
  if (ok && current == NULL)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Message %" G_GINT64_FORMAT " is not in the cache",
                   kouan_message_get_id (message));
      ok = FALSE;
    }
  if (ok)
    {
      gboolean now = g_str_equal (flag, "read") ? kouan_message_get_read (current)
                                                : kouan_message_get_starred (current);

      if (!now != !value)
        {
          id = _kouan_store_enqueue_locked (self, enterprise_id, "messages", "update",
                               kouan_message_get_id (message), fields, error);
          ok = id != NULL;
          queued = ok;
        }
    }
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (ok && queued)
    {
      _kouan_store_emit_changed (self, "messages", enterprise_id);
      _kouan_store_emit_outbox_changed (self);
    }
  return ok;
}

gboolean
kouan_store_set_message_read (KouanStore    *self,
                              KouanMessage  *message,
                              gboolean       read,
                              GError       **error)
{
  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (KOUAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_message_flag (self, message, "read", read, error);
}

gboolean
kouan_store_set_message_starred (KouanStore    *self,
                                 KouanMessage  *message,
                                 gboolean       starred,
                                 GError       **error)
{
  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (KOUAN_IS_MESSAGE (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_message_flag (self, message, "starred", starred, error);
}

/* ---- search ---------------------------------------------------------- */

/* Brings the message index up to date with the rows the triggers queued
 * (store migration MIGRATION_MESSAGES_FTS): what the index held for them
 * goes out, their current rows go in; two statements per transaction. */
gboolean
_kouan_store_index_messages (sqlite3  *db,
                             GError  **error)
{
  g_autoptr(KouanStatement) any = NULL;
  g_autoptr(KouanStatement) forget = NULL;
  g_autoptr(KouanStatement) index = NULL;
  g_autoptr(KouanStatement) clear = NULL;
  int rc;

  any = kouan_statement_get (db, "SELECT EXISTS (SELECT 1 FROM messages_fts_pending)", error);
  if (any == NULL)
    return FALSE;
  rc = sqlite3_step (any);
  if (rc != SQLITE_ROW)
    return kouan_store_set_sql_error (error, db, rc, "Cannot read the message index's queue");
  if (sqlite3_column_int (any, 0) == 0)
    return TRUE;
  g_clear_pointer (&any, kouan_statement_release);

  forget = kouan_statement_get (db,
    "INSERT INTO messages_fts (messages_fts, rowid, title, body, category)"
    " SELECT 'delete', rid, title, body, category FROM messages_fts_pending WHERE indexed = 1",
    error);
  if (forget == NULL || !kouan_statement_run (forget, error))
    return FALSE;
  index = kouan_statement_get (db,
    "INSERT INTO messages_fts (rowid, title, body, category)"
    " SELECT m.search_key, m.title, m.body, m.category FROM messages_fts_pending p"
    " JOIN messages m ON m.search_key = p.rid", error);
  if (index == NULL || !kouan_statement_run (index, error))
    return FALSE;
  clear = kouan_statement_get (db, "DELETE FROM messages_fts_pending", error);
  return clear != NULL && kouan_statement_run (clear, error);
}

/* The index's matches drive the first branch (CROSS JOIN), newest
 * first, only those of the kind (the index is keyed by search_key,
 * store migration 11: ?8 and ?9 are the kind's range of keys). Left to
 * itself the planner walks messages in date order and runs the
 * full-text query for every row: seconds at 100k (bench-search). The
 * second branch finds the rows the index does not hold yet (above meta's
 * "messages_fts_built_to", after a first sync; none otherwise) by
 * scanning them with the tokenizer's own matcher, in the same snapshot.
 * Both hand out search keys, newest first (the second sorts its few),
 * and SQLite merges them (MERGE (UNION ALL)) and stops at the limit: no
 * match past the 500th is fetched or sorted. */
static const char * const search_sql[3] = {
#define SEARCH_FILTERS(filter)                                                     \
  " AND m.enterprise_id = ?1 AND m.kind = ?2" filter                               \
  "   AND (?4 = 0 OR m.starred = 1) AND m.severity_rank >= ?6"
#define SEARCH_SQL(filter)                                                         \
  "SELECT m.id, f.rowid AS k FROM messages_fts f CROSS JOIN messages m"          \
  "  ON m.search_key = f.rowid"                                                    \
  " WHERE messages_fts MATCH ?3 AND f.rowid BETWEEN ?8 AND ?9" SEARCH_FILTERS (filter) \
  " UNION ALL"                                                                     \
  " SELECT m.id, m.search_key AS k FROM messages m NOT INDEXED"                    \
  "  WHERE m.rowid > (SELECT CAST (value AS INTEGER) FROM meta"                    \
  "                   WHERE key = 'messages_fts_built_to')"                        \
  SEARCH_FILTERS (filter) " AND kouan_cjk_match (?7, m.title, m.body, m.category)" \
  " ORDER BY 2 DESC LIMIT ?5"
  SEARCH_SQL (""),
  SEARCH_SQL (" AND m.read = 0"),
  SEARCH_SQL (" AND m.read = 1"),
#undef SEARCH_SQL
#undef SEARCH_FILTERS
};

GArray *
kouan_store_search_messages (KouanStore       *self,
                             gint64            enterprise_id,
                             KouanMessageKind  kind,
                             KouanReadFilter   read_filter,
                             gboolean          starred_only,
                             const char       *keyword,
                             guint             limit,
                             GError          **error)
{
  return kouan_store_search_messages_at_least (self, enterprise_id, kind, read_filter, starred_only,
                                               KOUAN_SEVERITY_NONE, keyword, limit, error);
}

GArray *
kouan_store_search_messages_at_least (KouanStore       *self,
                                      gint64            enterprise_id,
                                      KouanMessageKind  kind,
                                      KouanReadFilter   read_filter,
                                      gboolean          starred_only,
                                      KouanSeverity     min_severity,
                                      const char       *keyword,
                                      guint             limit,
                                      GError          **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *match = NULL;
  gboolean ok = TRUE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  match = kouan_cjk_match_expression (keyword);
  if (match == NULL)
    return g_steal_pointer (&ids);
  if ((guint) read_filter > KOUAN_READ_FILTER_READ)
    read_filter = KOUAN_READ_FILTER_ALL;

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db, search_sql[read_filter], error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, kouan_message_kind_to_string (kind), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, match, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, starred_only ? 1 : 0);
      sqlite3_bind_int64 (stmt, 5, limit > 0 ? (gint64) limit : -1);
      sqlite3_bind_int (stmt, 6, min_severity > KOUAN_SEVERITY_LOW ? min_severity : KOUAN_SEVERITY_NONE);
      sqlite3_bind_text (stmt, 7, keyword, -1, SQLITE_STATIC);
      /* the kind's keys: bit 62 set for warnings (store migration 11) */
      sqlite3_bind_int64 (stmt, 8, kind == KOUAN_MESSAGE_KIND_WARNING ? G_GINT64_CONSTANT (1) << 62 : 0);
      sqlite3_bind_int64 (stmt, 9, kind == KOUAN_MESSAGE_KIND_WARNING ? G_MAXINT64
                                                                      : (G_GINT64_CONSTANT (1) << 62) - 1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          g_array_append_val (ids, id);
        }
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot search messages");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  return ok ? g_steal_pointer (&ids) : NULL;
}
