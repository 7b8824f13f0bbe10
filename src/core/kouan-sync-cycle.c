/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-sync-cycle.c: one sync cycle of KouanSync — push the outbox, then
 * pull the change feed (docs/architecture.md, "Sync protocol"). The engine
 * around it (when to run a cycle, WebSocket, backoff, properties) is in
 * kouan-sync.c.
 *
 * Threads: everything here runs on the engine's main context except the
 * two worker functions (settle_batch_thread, apply_page_thread), which only
 * touch the store (thread-safe) and their own task data. */

#define G_LOG_DOMAIN "kouan-sync"

#include "config.h"

#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-settings.h"
#include "kouan-store-outbox.h"
#include "kouan-store-people.h"
#include "kouan-sync-private.h"

/* The server's largest page: every page costs a round trip and a few
 * thread hand-offs, which a busy machine makes expensive. */
#define PAGE_LIMIT            1000
#define PUSH_BATCH            100   /* the server's limit per request */
/* A batch the server refuses as malformed as a whole would block every
 * later edit forever; after this many tries its oldest edit is dropped. */
#define POISON_ATTEMPTS       3

typedef struct {
  gint64     enterprise_id;
  gint64     start_cursor;
  gboolean   initial;        /* first sync of this enterprise: no warning spam */
  gboolean   deferred;       /* this pull deferred the search indexes */
  GPtrArray *batch;          /* (element-type KouanMutation) being pushed */
  JsonArray *results;        /* the server's answer for @batch */
  GError    *push_error;     /* batch-wide failure, for the worker */
  gboolean   counted;        /* the pull's first request asked for counts */
  gboolean   fetching;       /* a page request is in flight */
  gboolean   applying;       /* a page is being applied in a worker */
  gboolean   finished;       /* the cycle's result was returned */
  GQueue     ready;             /* (element-type KouanChangePage) fetched, decoded,
                                 * waiting for the applies before them */
  gint64     fetch_since;       /* where the next request starts */
  gboolean   fetch_more;        /* the last fetched page said more follow */
  GError    *fetch_error;       /* a prefetch failed, reported after the applies */
} Cycle;

static void
cycle_free (Cycle *cycle)
{
  g_clear_pointer (&cycle->batch, g_ptr_array_unref);
  g_clear_pointer (&cycle->results, json_array_unref);
  g_clear_error (&cycle->push_error);
  g_queue_clear_full (&cycle->ready, (GDestroyNotify) kouan_change_page_free);
  g_clear_error (&cycle->fetch_error);
  g_free (cycle);
}

static void cycle_push_next (GTask *task);
static void cycle_pull_next (GTask *task);
static void on_page_applied (GObject *source, GAsyncResult *result, gpointer user_data);

static JsonObject *
mutation_to_json (KouanMutation *mutation)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", mutation->id);
  json_object_set_string_member (object, "collection", mutation->collection);
  json_object_set_string_member (object, "op", mutation->op);
  json_object_set_int_member (object, "record_id", mutation->record_id);
  json_object_set_object_member (object, "fields", json_object_ref (mutation->fields));
  /* The conflict check: the record must not have changed since @base. */
  if (mutation->base > 0)
    json_object_set_int_member (object, "base", mutation->base);
  return object;
}

/* Worker: the server answered (or failed) for cycle->batch. Each edit it
 * answered for leaves the outbox, with the server's record stored (for a
 * rejected edit that restores the server's value). Edits it did not
 * answer for stay, with one more attempt counted. */
static void
settle_batch_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  KouanSync *self = source_object;
  Cycle *cycle = task_data;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  gboolean all_answered = TRUE;

  if (cycle->results != NULL)
    {
      for (guint i = 0; i < json_array_get_length (cycle->results); i++)
        {
          JsonObject *result = json_array_get_object_element (cycle->results, i);
          const char *id = NULL;

          if (kouan_json_get_string (result, "id", &id, NULL))
            g_hash_table_insert (by_id, (gpointer) id, result);
        }
    }

  for (guint i = 0; i < cycle->batch->len; i++)
    {
      KouanMutation *mutation = g_ptr_array_index (cycle->batch, i);
      JsonObject *result = g_hash_table_lookup (by_id, mutation->id);
      JsonObject *record = NULL;
      const char *status = NULL;

      if (result == NULL)
        {
          gboolean poisoned = (i == 0 &&
                               g_error_matches (cycle->push_error, KOUAN_API_ERROR,
                                                KOUAN_API_ERROR_BAD_REQUEST) &&
                               mutation->attempts + 1 >= POISON_ATTEMPTS);

          all_answered = FALSE;
          if (poisoned)
            {
              g_warning ("Dropping local edit %s: the server refused it %u times (%s)",
                         mutation->id, mutation->attempts + 1, cycle->push_error->message);
              if (!kouan_store_ack_mutation (self->store, mutation->id, mutation->collection,
                                             mutation->enterprise_id, NULL, &error))
                break;
            }
          else if (!kouan_store_note_attempt (self->store, mutation->id, &error))
            break;
          continue;
        }

      if (!kouan_json_get_string (result, "status", &status, NULL))
        {
          /* An answer we cannot read is no answer: keep the edit. */
          all_answered = FALSE;
          if (!kouan_store_note_attempt (self->store, mutation->id, &error))
            break;
          continue;
        }
      if (!kouan_json_get_object (result, "record", &record, NULL))
        record = NULL;

      if (g_strcmp0 (status, "applied") != 0)
        {
          const char *code = NULL;
          JsonObject *error_object = NULL;

          if (kouan_json_get_object (result, "error", &error_object, NULL))
            kouan_json_get_string (error_object, "code", &code, NULL);
          g_debug ("The server rejected edit %s (%s); restoring its record",
                   mutation->id, code != NULL ? code : "no code");
          /* The settings and people pages show a refusal next to its field. */
          if (error_object != NULL &&
              (kouan_settings_is_collection (mutation->collection) ||
               kouan_store_people_view_permission (mutation->collection) != NULL))
            {
              g_autofree char *key = g_strdup_printf ("rejected:%s:%" G_GINT64_FORMAT,
                                                      mutation->collection, mutation->enterprise_id);
              g_autofree char *text = kouan_json_object_to_string (error_object);

              kouan_store_set_meta (self->store, key, text, NULL);
            }
        }

      if (g_strcmp0 (status, "applied") != 0 && g_strcmp0 (mutation->collection, "messages") != 0)
        {
          /* It stays in the outbox, refused or in conflict, until the
           * user retries, discards or keeps it; a message's own read and
           * starred flags are the user's alone and just take the
           * server's value. */
          JsonObject *error_object = NULL;
          const char *code = "refused", *reason = NULL, *changed_by = NULL;
          gint64 changed_at = 0;

          if (kouan_json_get_object (result, "error", &error_object, NULL))
            {
              kouan_json_get_string (error_object, "code", &code, NULL);
              kouan_json_get_string (error_object, "message", &reason, NULL);
              if (!kouan_json_get_string (error_object, "changed_by", &changed_by, NULL))
                changed_by = NULL;
              if (!kouan_json_get_int (error_object, "changed_at", &changed_at, NULL))
                changed_at = 0;
            }
          if (!kouan_store_refuse_mutation (self->store, mutation->id, mutation->collection,
                                            mutation->enterprise_id, code, reason, changed_by,
                                            changed_at, record, &error))
            break;
          continue;
        }

      if (!kouan_store_ack_mutation (self->store, mutation->id, mutation->collection,
                                     mutation->enterprise_id, record, &error))
        break;
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, all_answered);
}

static void
on_batch_settled (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean all_answered;

  all_answered = g_task_propagate_boolean (G_TASK (result), &error);

  g_clear_pointer (&cycle->batch, g_ptr_array_unref);
  g_clear_pointer (&cycle->results, json_array_unref);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (cycle->push_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&cycle->push_error));
      return;
    }
  if (!all_answered)
    {
      g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                               "The server did not answer for every edit sent");
      return;
    }

  /* Every edit sent was answered, so each left the outbox: look again
   * until it is empty (a batch may also end early, before an edit of a
   * record created in it — kouan_store_peek_outbox()). */
  cycle_push_next (g_steal_pointer (&task));
}

static void
settle_batch (GTask *task)
{
  KouanSync *self = g_task_get_source_object (task);
  g_autoptr(GTask) worker = NULL;

  /* Not cancellable: once the server has answered, its answer must reach
   * the outbox even if the engine is stopped meanwhile. */
  worker = g_task_new (self, NULL, on_batch_settled, task);
  g_task_set_source_tag (worker, settle_batch);
  g_task_set_task_data (worker, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (worker, settle_batch_thread);
}

static void
on_pushed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  cycle->results = kouan_client_push_mutations_finish (KOUAN_CLIENT (source), result, &error);
  if (cycle->results == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED))
        {
          /* Nothing was answered for: the batch stays as it is. */
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      cycle->push_error = g_steal_pointer (&error);
    }

  settle_batch (task);
}

static void
cycle_push_next (GTask *task)
{
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) mutations = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  cycle->batch = kouan_store_peek_outbox (self->store, cycle->enterprise_id, PUSH_BATCH, &error);
  if (cycle->batch == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (cycle->batch->len == 0)
    {
      g_clear_pointer (&cycle->batch, g_ptr_array_unref);
      cycle_pull_next (task);
      return;
    }

  if (!kouan_store_outbox_mark_sending (self->store, cycle->batch, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  mutations = json_array_sized_new (cycle->batch->len);
  for (guint i = 0; i < cycle->batch->len; i++)
    json_array_add_object_element (mutations, mutation_to_json (g_ptr_array_index (cycle->batch, i)));

  g_debug ("Pushing %u local edits", cycle->batch->len);
  kouan_client_push_mutations_async (self->client, cycle->enterprise_id, mutations,
                                     g_task_get_cancellable (task), on_pushed, task);
}

/* The pages one worker applies, in order, one transaction each: all the
 * pages that were waiting when the worker started, so a busy main context
 * costs one hand-off for several pages, not one per page. */
typedef struct {
  KouanStore      *store;
  GPtrArray       *pages;          /* (element-type KouanChangePage) */
  guint            n_applied;      /* pages committed; the rest were not tried */
  gboolean         detect_warnings;
  gboolean         defer_index;    /* defer the search indexes before the first page */
  GArray          *new_warnings;   /* gint64 message ids */
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->pages, g_ptr_array_unref);
  g_clear_pointer (&data->new_warnings, g_array_unref);
  g_free (data);
}

/* A change that would show the user a warning they have never seen: an
 * unread warning the cache does not hold yet. Checked before the page is
 * applied, since afterwards every row is "known". */
static gboolean
change_is_new_warning (KouanStore *store, gint64 enterprise_id, KouanChange *change)
{
  const char *kind = NULL;
  gboolean read = TRUE;
  g_autoptr(KouanMessage) known = NULL;

  if (change->deleted || g_strcmp0 (change->collection, "messages") != 0 || change->record == NULL)
    return FALSE;
  if (!kouan_json_get_string (change->record, "kind", &kind, NULL) ||
      !g_str_equal (kind, "warning") ||
      !kouan_json_get_bool (change->record, "read", &read, NULL) || read)
    return FALSE;

  known = kouan_store_get_message (store, enterprise_id, change->id, NULL);
  return known == NULL;
}

static void
apply_page_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ApplyData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  data->new_warnings = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (data->defer_index && !kouan_store_defer_search_index (data->store, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint p = 0; p < data->pages->len; p++)
    {
      KouanChangePage *page = g_ptr_array_index (data->pages, p);
      guint warnings_before = data->new_warnings->len;

      if (data->detect_warnings)
        {
          for (guint i = 0; i < page->changes->len; i++)
            {
              KouanChange *change = g_ptr_array_index (page->changes, i);

              if (change_is_new_warning (data->store, page->enterprise_id, change))
                g_array_append_val (data->new_warnings, change->id);
            }
        }

      if (!kouan_store_apply_page (data->store, page, &error))
        {
          /* only the committed pages' warnings are news */
          g_array_set_size (data->new_warnings, warnings_before);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      data->n_applied++;

      /* The records are stored. Freeing the JSON trees is work too:
       * neither on the main context, nor before the next page may be
       * applied, so after returning, in this worker (the main context
       * only needs the pages' cursors and which collections they
       * carried). */
      for (guint i = 0; i < page->changes->len; i++)
        {
          KouanChange *change = g_ptr_array_index (page->changes, i);

          if (change->record != NULL)
            g_ptr_array_add (records, g_steal_pointer (&change->record));
        }
    }

  /* The feed is exhausted: index what was deferred (this pull's rows, or
   * those of a pull that was interrupted), here on the worker, before
   * the cycle ends. Searches scan those rows until it is done. */
  if (data->pages->len > 0 &&
      !((KouanChangePage *) g_ptr_array_index (data->pages, data->pages->len - 1))->more &&
      !kouan_store_search_index_complete (data->store) &&
      !kouan_store_build_search_index (data->store, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* The pull overlaps the network with SQLite: pages are fetched and
 * decoded ahead of the one being applied, up to PREFETCH_PAGES waiting,
 * so a slow page on one side (a checkpoint, a busy server) does not stall
 * the other. One request and one apply are in flight at most; pages are
 * still applied strictly in order, and the pages fetched after a failed
 * apply are dropped. */

#define PREFETCH_PAGES 3

static void pull_fetch (GTask *task, gint64 since);

static void
pull_finish (GTask *task, GError *error)
{
  Cycle *cycle = g_task_get_task_data (task);

  cycle->finished = TRUE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Asks for the next page when the feed has more and there is room. */
static void
pull_fetch_ahead (GTask *task)
{
  Cycle *cycle = g_task_get_task_data (task);

  if (!cycle->fetching && cycle->fetch_more && cycle->fetch_error == NULL &&
      g_queue_get_length (&cycle->ready) < PREFETCH_PAGES &&
      !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    pull_fetch (task, cycle->fetch_since);
}

/* Takes ownership of @page; the pages waiting behind it go to the same
 * worker. */
static void
pull_apply (GTask *task, KouanChangePage *page)
{
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GTask) worker = NULL;
  ApplyData *data;

  data = g_new0 (ApplyData, 1);
  data->store = g_object_ref (self->store);
  data->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_change_page_free);
  g_ptr_array_add (data->pages, page);
  while (page->more && !g_queue_is_empty (&cycle->ready))
    {
      page = g_queue_pop_head (&cycle->ready);
      g_ptr_array_add (data->pages, page);
    }
  data->detect_warnings = !cycle->initial;
  /* A first sync that brings more than a page writes its rows without
   * indexing them and builds the search indexes once at the end
   * (docs/architecture.md, "The search indexes during a first sync"). */
  if (cycle->initial && !cycle->deferred && (data->pages->len > 1 || page->more))
    {
      data->defer_index = TRUE;
      cycle->deferred = TRUE;
    }

  /* Not cancellable: the page and its cursor are committed together or not
   * at all, and a started transaction is cheaper to finish than redo. */
  cycle->applying = TRUE;
  worker = g_task_new (self, NULL, on_page_applied, g_object_ref (task));
  g_task_set_source_tag (worker, pull_apply);
  g_task_set_task_data (worker, data, (GDestroyNotify) apply_data_free);
  g_task_run_in_thread (worker, apply_page_thread);

  /* the queue has room again */
  pull_fetch_ahead (task);
}

static void
on_page_applied (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);
  ApplyData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  KouanChangePage *last = NULL;
  gboolean ok;

  cycle->applying = FALSE;

  /* This reports what happened to the transactions: each committed its
   * page and cursor or neither, and the pages before a failed one are
   * committed. */
  ok = g_task_propagate_boolean (G_TASK (result), &error);

  for (guint i = 0; i < data->n_applied; i++)
    {
      KouanChangePage *page = g_ptr_array_index (data->pages, i);

      last = page;
      if (cycle->enterprise_id == self->enterprise_id)
        self->local_cursor = page->cursor;

      /* Counted per collection when the server said how many changes
       * follow (the figures the window shows); otherwise estimated from
       * the cursor the socket announced. */
      if (!(cycle->enterprise_id == self->enterprise_id &&
            _kouan_sync_page_progress (self, page)) &&
          self->server_cursor > cycle->start_cursor)
        {
          double done = (double) (page->cursor - cycle->start_cursor) /
                        (double) (self->server_cursor - cycle->start_cursor);
          _kouan_sync_set_progress (self, CLAMP (done, 0.0, 1.0));
        }
    }
  if (data->new_warnings != NULL)
    for (guint i = 0; i < data->new_warnings->len; i++)
      _kouan_sync_emit_warning_received (self, g_array_index (data->new_warnings, gint64, i));

  if (!ok)
    {
      pull_finish (task, g_steal_pointer (&error));
      return;
    }

  g_assert (last != NULL);
  if (!last->more)
    pull_finish (task, NULL);
  else if (!g_queue_is_empty (&cycle->ready))
    pull_apply (task, g_queue_pop_head (&cycle->ready));
  else if (cycle->fetch_error != NULL)
    pull_finish (task, g_steal_pointer (&cycle->fetch_error));
  else if (!cycle->fetching)
    {
      /* No request in flight and nothing waiting: cancelled meanwhile. */
      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        pull_finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                "Operation was cancelled"));
      else
        pull_fetch (task, cycle->fetch_since);
    }
  /* else: on_fetched carries on when the next page arrives. */
}

static void
on_fetched (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  KouanChangePage *page;

  page = kouan_client_fetch_changes_finish (KOUAN_CLIENT (source), result, &error);
  cycle->fetching = FALSE;

  if (cycle->finished)
    {
      /* The cycle already failed on its apply side; drop the prefetch. */
      kouan_change_page_free (page);
      return;
    }

  if (page == NULL)
    {
      /* Reported once the pages before it are applied. */
      if (cycle->applying || !g_queue_is_empty (&cycle->ready))
        cycle->fetch_error = g_steal_pointer (&error);
      else
        pull_finish (task, g_steal_pointer (&error));
      return;
    }

  cycle->fetch_since = page->cursor;
  cycle->fetch_more = page->more;
  if (cycle->applying)
    g_queue_push_tail (&cycle->ready, page);
  else
    pull_apply (task, page);
  pull_fetch_ahead (task);
}

static void
pull_fetch (GTask *task, gint64 since)
{
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);

  /* The first request of a pull asks how many changes follow (one count
   * on the server), so progress can say "12 000 / 100 000"; later pages
   * are counted here as they are applied. */
  cycle->fetching = TRUE;
  kouan_client_fetch_changes_async (self->client, cycle->enterprise_id, since, PAGE_LIMIT,
                                    cycle->counted ? KOUAN_FETCH_NONE : KOUAN_FETCH_COUNT,
                                    g_task_get_cancellable (task), on_fetched, g_object_ref (task));
  cycle->counted = TRUE;
}

/* Takes ownership of @task. */
static void
cycle_pull_next (GTask *task)
{
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  pull_fetch (task, kouan_store_get_cursor (self->store, cycle->enterprise_id));
  g_object_unref (task);
}

/**
 * _kouan_sync_cycle_async:
 *
 * One cycle for the engine's current enterprise: push the outbox until it
 * is empty, then pull until the feed has no more. The caller keeps the
 * engine's flags (kouan-sync.c).
 */
void
_kouan_sync_cycle_async (KouanSync           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  Cycle *cycle;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _kouan_sync_cycle_async);

  if (self->enterprise_id <= 0)
    {
      g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND,
                               "No enterprise selected to sync");
      g_object_unref (task);
      return;
    }

  cycle = g_new0 (Cycle, 1);
  cycle->enterprise_id = self->enterprise_id;
  cycle->start_cursor = kouan_store_get_cursor (self->store, self->enterprise_id);
  cycle->initial = (cycle->start_cursor == 0);
  self->local_cursor = cycle->start_cursor;
  g_task_set_task_data (task, cycle, (GDestroyNotify) cycle_free);

  cycle_push_next (task);
}

gboolean
_kouan_sync_cycle_finish (KouanSync     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
