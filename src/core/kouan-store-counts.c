/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unread and read message counts kept in memory (see
 * KouanStore::message_counts): the badges and tabs ask for them after
 * every page of a pull, and counting 100 000 rows each time would tie up
 * the main thread. Temporary triggers on the writer connection report
 * each written row; the commit hook applies what a transaction reported,
 * the rollback hook forgets it. */
#include "config.h"

#include "kouan-collection.h"
#include "kouan-message.h"
#include "kouan-store-private.h"

/* One count per severity (KouanSeverity, the rows' severity_rank), so the
 * warnings badge can count "unread and at least medium" from memory. */
static char *
count_key (gint64      enterprise_id,
           const char *kind,
           gboolean    read,
           int         severity)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT "/%s/%d/%d", enterprise_id, kind, read ? 1 : 0,
                          CLAMP (severity, KOUAN_SEVERITY_NONE, KOUAN_SEVERITY_HIGH));
}

/* SQL function kouan_count_message(enterprise_id, kind, read, severity_rank, delta),
 * called by the temporary triggers below inside the writer's transaction. */
static void
count_message_func (sqlite3_context  *context,
                    int               argc,
                    sqlite3_value   **argv)
{
  KouanStore *self = sqlite3_user_data (context);
  const char *kind = (const char *) sqlite3_value_text (argv[1]);
  g_autofree char *key = NULL;

  sqlite3_result_null (context);
  if (kind == NULL)
    return;
  /* nobody asked for a count yet (a headless sync): no key to build */
  g_mutex_lock (&self->signal_lock);
  if (g_hash_table_size (self->message_counts) == 0)
    {
      g_mutex_unlock (&self->signal_lock);
      return;
    }
  g_mutex_unlock (&self->signal_lock);
  key = count_key (sqlite3_value_int64 (argv[0]), kind, sqlite3_value_int (argv[2]) != 0,
                   sqlite3_value_int (argv[3]));

  g_mutex_lock (&self->signal_lock);
  /* deltas of a count nobody asked for yet are not worth keeping */
  if (g_hash_table_contains (self->message_counts, key))
    {
      gint64 *delta = g_hash_table_lookup (self->pending_counts, key);

      if (delta == NULL)
        {
          delta = g_new0 (gint64, 1);
          g_hash_table_insert (self->pending_counts, g_steal_pointer (&key), delta);
        }
      *delta += sqlite3_value_int64 (argv[4]);
    }
  g_mutex_unlock (&self->signal_lock);
}

static int
commit_hook (void *data)
{
  KouanStore *self = data;
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->signal_lock);
  g_hash_table_iter_init (&iter, self->pending_counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *count = g_hash_table_lookup (self->message_counts, key);

      if (count != NULL)
        *count += *(gint64 *) value;
    }
  g_hash_table_remove_all (self->pending_counts);
  g_mutex_unlock (&self->signal_lock);
  return 0;
}

static void
rollback_hook (void *data)
{
  KouanStore *self = data;

  g_mutex_lock (&self->signal_lock);
  g_hash_table_remove_all (self->pending_counts);
  g_mutex_unlock (&self->signal_lock);
}

/* The sum of the kept counts of severities from @min_severity up; FALSE
 * when they are not kept yet. Under @signal_lock. */
static gboolean
kept_count_locked (KouanStore  *self,
                   gint64       enterprise_id,
                   const char  *kind,
                   gboolean     read,
                   int          min_severity,
                   guint       *out)
{
  gint64 sum = 0;

  for (int severity = KOUAN_SEVERITY_NONE; severity <= KOUAN_SEVERITY_HIGH; severity++)
    {
      g_autofree char *key = count_key (enterprise_id, kind, read, severity);
      gint64 *count = g_hash_table_lookup (self->message_counts, key);

      if (count == NULL)
        return FALSE;
      if (severity >= min_severity)
        sum += MAX (*count, 0);
    }
  *out = (guint) sum;
  return TRUE;
}

/* Counts the rows for a key not known yet, with the writer's lock held
 * (no transaction open, so none of its deltas can be pending), and keeps
 * the result, one count per severity; afterwards the triggers keep them
 * right. */
gboolean
_kouan_store_message_count (KouanStore        *self,
                            gint64             enterprise_id,
                            KouanMessageKind   kind,
                            gboolean           read,
                            KouanSeverity      min_severity,
                            guint             *out)
{
  const char *kind_str = kouan_message_kind_to_string (kind);
  g_autoptr(KouanStatement) stmt = NULL;
  gint64 counts[KOUAN_SEVERITY_HIGH + 1] = { 0, };
  gboolean found;
  int rc;

  g_mutex_lock (&self->signal_lock);
  found = kept_count_locked (self, enterprise_id, kind_str, read, min_severity, out);
  g_mutex_unlock (&self->signal_lock);
  if (found)
    return TRUE;

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT severity_rank, count(*) FROM messages"
    " WHERE enterprise_id = ?1 AND kind = ?2 AND read = ?3 GROUP BY severity_rank", NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, kind_str, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, read ? 1 : 0);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        counts[CLAMP (sqlite3_column_int (stmt, 0), KOUAN_SEVERITY_NONE, KOUAN_SEVERITY_HIGH)] +=
          sqlite3_column_int64 (stmt, 1);
      if (rc == SQLITE_DONE)
        {
          g_mutex_lock (&self->signal_lock);
          for (int severity = KOUAN_SEVERITY_NONE; severity <= KOUAN_SEVERITY_HIGH; severity++)
            g_hash_table_insert (self->message_counts,
                                 count_key (enterprise_id, kind_str, read, severity),
                                 g_memdup2 (&counts[severity], sizeof (gint64)));
          found = kept_count_locked (self, enterprise_id, kind_str, read, min_severity, out);
          g_mutex_unlock (&self->signal_lock);
        }
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);

  return found;
}

/* Forgets the kept counts of an enterprise whose rows went by cascade. */
void
_kouan_store_forget_message_counts (KouanStore *self,
                                    gint64      enterprise_id)
{
  g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT "/", enterprise_id);
  GHashTableIter iter;
  gpointer key;

  g_mutex_lock (&self->signal_lock);
  g_hash_table_iter_init (&iter, self->message_counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (g_str_has_prefix (key, prefix))
      g_hash_table_iter_remove (&iter);
  g_mutex_unlock (&self->signal_lock);
}

gboolean
_kouan_store_setup_counts (KouanStore  *self,
                           GError     **error)
{
  static const char * const triggers[] = {
    /* temporary: they live on this connection only and need no migration */
    "CREATE TEMP TRIGGER messages_counted_insert AFTER INSERT ON main.messages"
    " BEGIN SELECT kouan_count_message (NEW.enterprise_id, NEW.kind, NEW.read,"
    "   NEW.severity_rank, 1); END",
    "CREATE TEMP TRIGGER messages_counted_delete AFTER DELETE ON main.messages"
    " BEGIN SELECT kouan_count_message (OLD.enterprise_id, OLD.kind, OLD.read,"
    "   OLD.severity_rank, -1); END",
    "CREATE TEMP TRIGGER messages_counted_update AFTER UPDATE OF kind, read, severity_rank"
    " ON main.messages"
    " WHEN OLD.kind IS NOT NEW.kind OR OLD.read IS NOT NEW.read"
    "   OR OLD.severity_rank IS NOT NEW.severity_rank BEGIN"
    "  SELECT kouan_count_message (OLD.enterprise_id, OLD.kind, OLD.read, OLD.severity_rank, -1);"
    "  SELECT kouan_count_message (NEW.enterprise_id, NEW.kind, NEW.read, NEW.severity_rank, 1);"
    " END",
  };
  int rc = sqlite3_create_function_v2 (self->db, "kouan_count_message", 5, SQLITE_UTF8, self,
                                       count_message_func, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return kouan_store_set_sql_error (error, self->db, rc, "Cannot set up the cache");
  sqlite3_commit_hook (self->db, commit_hook, self);
  sqlite3_rollback_hook (self->db, rollback_hook, self);

  for (guint i = 0; i < G_N_ELEMENTS (triggers); i++)
    {
      g_autoptr(KouanStatement) stmt = kouan_statement_get (self->db, triggers[i], error);

      if (stmt == NULL || !kouan_statement_run (stmt, error))
        return FALSE;
    }
  return TRUE;
}
