/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-sync.c: keeps the offline cache in step with kouan-server.
 *
 * One "cycle" is: push the outbox (oldest first, 100 at a time) until it
 * is empty, then pull the change feed from the stored cursor page by page
 * until the server says there is no more. Pushing first means the pull
 * that follows brings back the server's truth for every edit just sent.
 *
 * When started, the engine also listens on the enterprise's WebSocket and
 * runs a cycle when told that changes are waiting, runs one every 60 s in
 * case a nudge was lost, and one shortly after a local edit. Failures are
 * retried with exponential backoff; a rejected token stops everything
 * until the app logs in again. All state changes happen on the main
 * context the engine was created in; only page application and outbox
 * bookkeeping run in worker threads (docs/architecture.md, "Sync
 * protocol"). */

#define G_LOG_DOMAIN "kouan-sync"

#include "config.h"

#include <math.h>

#include "kouan-client.h"
#include "kouan-core-enums.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-store.h"
#include "kouan-sync.h"

#define PAGE_LIMIT            500
#define PUSH_BATCH            100   /* the server's limit per request */
#define PERIODIC_PULL_S       60
#define PUSH_DEBOUNCE_MS      200
#define NUDGE_COALESCE_MS     50
#define BACKOFF_FIRST_MS      1000
#define BACKOFF_MAX_MS        60000
/* A batch the server refuses as malformed as a whole would block every
 * later edit forever; after this many tries its oldest edit is dropped. */
#define POISON_ATTEMPTS       3

struct _KouanSync
{
  GObject parent_instance;

  /* owned references */
  KouanClient             *client;
  KouanStore              *store;
  GCancellable            *cancellable;  /* cancelled by stop / enterprise change */
  SoupWebsocketConnection *events;
  char                    *last_error;

  /* properties */
  gint64          enterprise_id;
  KouanSyncState  state;
  guint           pending;
  gint64          last_synced;
  double          progress;

  /* engine state */
  gboolean started;
  gboolean cycle_running;
  gboolean cycle_again;        /* a cycle was asked for while one ran */
  gboolean events_connecting;
  gint64   server_cursor;      /* latest cursor announced on the WebSocket */
  guint    retry_attempt;
  guint    events_attempt;
  guint    generation;         /* bumped by stop: late cycle reports are ignored */

  /* main-context sources */
  guint    retry_source;
  guint    events_retry_source;
  guint    periodic_source;
  guint    push_source;
  guint    nudge_source;
  gulong   outbox_handler;
  gulong   message_handler;
  gulong   closed_handler;
};

G_DEFINE_FINAL_TYPE (KouanSync, kouan_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_STORE,
  PROP_STATE,
  PROP_PENDING,
  PROP_LAST_SYNCED,
  PROP_PROGRESS,
  PROP_LAST_ERROR,
  PROP_ENTERPRISE_ID,
  N_PROPS
};

enum {
  WARNING_RECEIVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void request_cycle   (KouanSync *self);
static void connect_events  (KouanSync *self);

/* Property setters (main context only) ---------------------------------- */

static void
set_state (KouanSync *self, KouanSyncState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_progress (KouanSync *self, double progress)
{
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
set_last_error (KouanSync *self, const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
update_pending (KouanSync *self)
{
  guint pending = kouan_store_count_outbox (self->store);

  if (self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static char *
last_synced_key (gint64 enterprise_id)
{
  return g_strdup_printf ("sync.last-synced.%" G_GINT64_FORMAT, enterprise_id);
}

static void
load_last_synced (KouanSync *self)
{
  g_autofree char *key = last_synced_key (self->enterprise_id);
  g_autofree char *value = NULL;
  gint64 last_synced = 0;

  if (self->enterprise_id > 0)
    value = kouan_store_get_meta (self->store, key);
  if (value != NULL)
    g_ascii_string_to_signed (value, 10, 0, G_MAXINT64, &last_synced, NULL);

  if (self->last_synced != last_synced)
    {
      self->last_synced = last_synced;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
    }
}

static void
save_last_synced (KouanSync *self)
{
  g_autofree char *key = last_synced_key (self->enterprise_id);
  g_autofree char *value = NULL;
  g_autoptr(GError) error = NULL;

  self->last_synced = g_get_real_time () / G_USEC_PER_SEC;
  value = g_strdup_printf ("%" G_GINT64_FORMAT, self->last_synced);
  if (!kouan_store_set_meta (self->store, key, value, &error))
    g_debug ("Cannot remember the last sync time: %s", error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
}

/* Errors that mean "the server cannot be reached right now". */
static gboolean
error_is_offline (const GError *error)
{
  return g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK) ||
         g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS) ||
         g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_SERVER);
}

static gboolean
error_is_unauthorized (const GError *error)
{
  return g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED);
}

/* 1 s, 2 s, 4 s … capped at 60 s, each ±20 % so that many clients cut off
 * by the same outage do not all come back in the same second. */
static guint
backoff_delay_ms (guint attempt)
{
  double delay = BACKOFF_FIRST_MS * pow (2.0, MIN (attempt, 16));

  delay *= g_random_double_range (0.8, 1.2);
  return (guint) MIN (delay, (double) BACKOFF_MAX_MS);
}

/* Cycle: push then pull ---------------------------------------------------- */

typedef struct {
  gint64     enterprise_id;
  gint64     start_cursor;
  gboolean   initial;        /* first sync of this enterprise: no warning spam */
  GPtrArray *batch;          /* (element-type KouanMutation) being pushed */
  JsonArray *results;        /* the server's answer for @batch */
  GError    *push_error;     /* batch-wide failure, for the worker */
  gboolean   fetching;       /* a page request is in flight */
  gboolean   applying;       /* a page is being applied in a worker */
  gboolean   finished;       /* the cycle's result was returned */
  KouanChangePage *next_page;   /* prefetched, waiting for the apply before it */
  GError    *fetch_error;       /* the prefetch failed, reported after the apply */
} Cycle;

static void
cycle_free (Cycle *cycle)
{
  g_clear_pointer (&cycle->batch, g_ptr_array_unref);
  g_clear_pointer (&cycle->results, json_array_unref);
  g_clear_error (&cycle->push_error);
  g_clear_pointer (&cycle->next_page, kouan_change_page_free);
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
  guint batch_len = cycle->batch->len;

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

  if (batch_len == PUSH_BATCH)
    cycle_push_next (g_steal_pointer (&task));
  else
    cycle_pull_next (g_steal_pointer (&task));
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
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error_is_unauthorized (error))
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

  mutations = json_array_sized_new (cycle->batch->len);
  for (guint i = 0; i < cycle->batch->len; i++)
    json_array_add_object_element (mutations, mutation_to_json (g_ptr_array_index (cycle->batch, i)));

  g_debug ("Pushing %u local edits", cycle->batch->len);
  kouan_client_push_mutations_async (self->client, cycle->enterprise_id, mutations,
                                     g_task_get_cancellable (task), on_pushed, task);
}

typedef struct {
  KouanStore      *store;
  KouanChangePage *page;
  gboolean         detect_warnings;
  GArray          *new_warnings;   /* gint64 message ids */
} ApplyData;

static void
apply_data_free (ApplyData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->page, kouan_change_page_free);
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

  data->new_warnings = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (data->detect_warnings)
    {
      for (guint i = 0; i < data->page->changes->len; i++)
        {
          KouanChange *change = g_ptr_array_index (data->page->changes, i);

          if (change_is_new_warning (data->store, data->page->enterprise_id, change))
            g_array_append_val (data->new_warnings, change->id);
        }
    }

  if (!kouan_store_apply_page (data->store, data->page, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The pull overlaps the network with SQLite: while page N is applied in a
 * worker, page N+1 (from N's cursor) is already being fetched. At most one
 * of each is in flight; pages are still applied strictly in order. */

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

/* Takes ownership of @page. */
static void
pull_apply (GTask *task, KouanChangePage *page)
{
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);
  g_autoptr(GTask) worker = NULL;
  ApplyData *data;
  gboolean more = page->more;
  gint64 next = page->cursor;

  data = g_new0 (ApplyData, 1);
  data->store = g_object_ref (self->store);
  data->page = page;
  data->detect_warnings = !cycle->initial;

  /* Not cancellable: the page and its cursor are committed together or not
   * at all, and a started transaction is cheaper to finish than redo. */
  cycle->applying = TRUE;
  worker = g_task_new (self, NULL, on_page_applied, g_object_ref (task));
  g_task_set_source_tag (worker, pull_apply);
  g_task_set_task_data (worker, data, (GDestroyNotify) apply_data_free);
  g_task_run_in_thread (worker, apply_page_thread);

  if (more && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    pull_fetch (task, next);
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

  cycle->applying = FALSE;

  /* This reports what happened to the transaction, which either committed
   * page and cursor or neither. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      pull_finish (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < data->new_warnings->len; i++)
    g_signal_emit (self, signals[WARNING_RECEIVED], 0, g_array_index (data->new_warnings, gint64, i));

  if (self->server_cursor > cycle->start_cursor)
    {
      double done = (double) (data->page->cursor - cycle->start_cursor) /
                    (double) (self->server_cursor - cycle->start_cursor);
      set_progress (self, CLAMP (done, 0.0, 1.0));
    }

  if (!data->page->more)
    pull_finish (task, NULL);
  else if (cycle->fetch_error != NULL)
    pull_finish (task, g_steal_pointer (&cycle->fetch_error));
  else if (cycle->next_page != NULL)
    pull_apply (task, g_steal_pointer (&cycle->next_page));
  else if (!cycle->fetching)
    {
      /* The prefetch was not started (cancelled meanwhile). */
      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        pull_finish (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                "Operation was cancelled"));
      else
        pull_fetch (task, data->page->cursor);
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

  if (cycle->applying)
    {
      /* Wait for the page before it; its completion picks this up. */
      if (page == NULL)
        cycle->fetch_error = g_steal_pointer (&error);
      else
        cycle->next_page = page;
      return;
    }

  if (page == NULL)
    pull_finish (task, g_steal_pointer (&error));
  else
    pull_apply (task, page);
}

static void
pull_fetch (GTask *task, gint64 since)
{
  KouanSync *self = g_task_get_source_object (task);
  Cycle *cycle = g_task_get_task_data (task);

  cycle->fetching = TRUE;
  kouan_client_fetch_changes_async (self->client, cycle->enterprise_id, since, PAGE_LIMIT,
                                    g_task_get_cancellable (task), on_fetched, g_object_ref (task));
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

static void
cycle_start (KouanSync           *self,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  GTask *task;
  Cycle *cycle;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cycle_start);

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
  g_task_set_task_data (task, cycle, (GDestroyNotify) cycle_free);

  self->cycle_running = TRUE;
  self->cycle_again = FALSE;
  set_state (self, KOUAN_SYNC_STATE_SYNCING);
  set_progress (self, -1.0);

  cycle_push_next (task);
}

/* Engine ------------------------------------------------------------------ */

static void
clear_source (guint *source)
{
  if (*source != 0)
    {
      g_source_remove (*source);
      *source = 0;
    }
}

static void
disconnect_events (KouanSync *self)
{
  if (self->events == NULL)
    return;
  g_clear_signal_handler (&self->message_handler, self->events);
  g_clear_signal_handler (&self->closed_handler, self->events);
  if (soup_websocket_connection_get_state (self->events) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->events, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->events);
}

static void
go_unauthorized (KouanSync *self, const GError *error)
{
  clear_source (&self->retry_source);
  clear_source (&self->events_retry_source);
  clear_source (&self->periodic_source);
  clear_source (&self->push_source);
  clear_source (&self->nudge_source);
  disconnect_events (self);
  set_last_error (self, error->message);
  set_state (self, KOUAN_SYNC_STATE_UNAUTHORIZED);
}

static gboolean
on_retry (gpointer user_data)
{
  KouanSync *self = user_data;

  self->retry_source = 0;
  request_cycle (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (KouanSync *self)
{
  guint delay;

  if (!self->started || self->retry_source != 0)
    return;
  delay = backoff_delay_ms (self->retry_attempt++);
  g_debug ("Next sync attempt in %u ms", delay);
  self->retry_source = g_timeout_add (delay, on_retry, self);
}

/* Shared by the engine and run_once: what the outcome of a cycle means for
 * the properties. Returns TRUE when the engine should try again later. */
static gboolean
cycle_outcome (KouanSync *self, const GError *error)
{
  set_progress (self, -1.0);

  if (error == NULL)
    {
      save_last_synced (self);
      set_last_error (self, NULL);
      set_state (self, KOUAN_SYNC_STATE_ONLINE);
      return FALSE;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  g_debug ("Sync failed: %s", error->message);
  if (error_is_unauthorized (error))
    {
      go_unauthorized (self, error);
      return FALSE;
    }

  set_last_error (self, error->message);
  /* Any other answer still proves the server is reachable. */
  set_state (self, error_is_offline (error) ? KOUAN_SYNC_STATE_OFFLINE : KOUAN_SYNC_STATE_ONLINE);
  return TRUE;
}

static void
on_engine_cycle_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  KouanSync *self = KOUAN_SYNC (source);
  g_autoptr(GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  /* A cycle cancelled by stop reports after a new start may have begun
   * another one: that one owns the flags now. */
  if (GPOINTER_TO_UINT (user_data) != self->generation)
    return;

  self->cycle_running = FALSE;
  update_pending (self);
  if (!self->started)
    return;

  if (cycle_outcome (self, error))
    {
      schedule_retry (self);
      return;
    }
  if (error != NULL)
    return;

  self->retry_attempt = 0;
  if (self->events == NULL && !self->events_connecting && self->events_retry_source == 0)
    connect_events (self);
  if (self->cycle_again)
    request_cycle (self);
}

static void
request_cycle (KouanSync *self)
{
  if (!self->started || self->state == KOUAN_SYNC_STATE_UNAUTHORIZED)
    return;
  if (self->cycle_running)
    {
      self->cycle_again = TRUE;
      return;
    }
  clear_source (&self->retry_source);
  cycle_start (self, self->cancellable, on_engine_cycle_done, GUINT_TO_POINTER (self->generation));
}

static gboolean
on_push_debounced (gpointer user_data)
{
  KouanSync *self = user_data;

  self->push_source = 0;
  request_cycle (self);
  return G_SOURCE_REMOVE;
}

static void
on_outbox_changed (KouanStore *store,
                   KouanSync  *self)
{
  update_pending (self);

  /* Edits made while offline wait for the backoff retry instead of
   * hammering an unreachable server once per click. */
  if (!self->started || self->pending == 0 || self->retry_source != 0 || self->push_source != 0)
    return;
  self->push_source = g_timeout_add (PUSH_DEBOUNCE_MS, on_push_debounced, self);
}

static gboolean
on_periodic (gpointer user_data)
{
  KouanSync *self = user_data;

  if (self->retry_source == 0)
    request_cycle (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_nudge (gpointer user_data)
{
  KouanSync *self = user_data;

  self->nudge_source = 0;
  request_cycle (self);
  return G_SOURCE_REMOVE;
}

static void
on_events_message (SoupWebsocketConnection *connection,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   KouanSync               *self)
{
  g_autoptr(JsonObject) object = NULL;
  const char *kind = NULL;
  gint64 cursor = 0;
  gsize size;
  const char *data;

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  data = g_bytes_get_data (message, &size);
  object = kouan_json_parse_object (data, size, NULL);
  if (object == NULL ||
      !kouan_json_get_string (object, "type", &kind, NULL) ||
      !kouan_json_get_int (object, "cursor", &cursor, NULL))
    {
      g_debug ("Ignoring an event frame we do not understand");
      return;
    }
  if (!g_str_equal (kind, "hello") && !g_str_equal (kind, "changes"))
    return;

  self->server_cursor = MAX (self->server_cursor, cursor);
  if (cursor <= kouan_store_get_cursor (self->store, self->enterprise_id))
    return;

  /* Several nudges in a burst become one pull. */
  if (self->nudge_source == 0)
    self->nudge_source = g_timeout_add (NUDGE_COALESCE_MS, on_nudge, self);
}

static gboolean
on_events_retry (gpointer user_data)
{
  KouanSync *self = user_data;

  self->events_retry_source = 0;
  connect_events (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_events_retry (KouanSync *self)
{
  if (!self->started || self->events_retry_source != 0 ||
      self->state == KOUAN_SYNC_STATE_UNAUTHORIZED)
    return;
  self->events_retry_source = g_timeout_add (backoff_delay_ms (self->events_attempt++),
                                             on_events_retry, self);
}

static void
on_events_closed (SoupWebsocketConnection *connection,
                  KouanSync               *self)
{
  g_debug ("Event socket closed (code %u)", soup_websocket_connection_get_close_code (connection));
  disconnect_events (self);
  /* A pull tells whether the server is gone (→ offline) or only the
   * socket dropped; either way listen again later. */
  request_cycle (self);
  schedule_events_retry (self);
}

static void
on_events_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KouanSync) self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;

  self->events_connecting = FALSE;
  connection = kouan_client_connect_events_finish (KOUAN_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
        return;
      g_debug ("Cannot listen for changes: %s", error->message);
      if (error_is_unauthorized (error))
        {
          go_unauthorized (self, error);
          return;
        }
      if (error_is_offline (error) && !self->cycle_running)
        {
          set_last_error (self, error->message);
          set_state (self, KOUAN_SYNC_STATE_OFFLINE);
        }
      schedule_events_retry (self);
      return;
    }

  if (!self->started)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (connection);
      return;
    }

  self->events = connection;
  self->events_attempt = 0;
  self->message_handler = g_signal_connect (connection, "message",
                                            G_CALLBACK (on_events_message), self);
  self->closed_handler = g_signal_connect (connection, "closed",
                                           G_CALLBACK (on_events_closed), self);
  /* Anything that changed while we were not listening. */
  request_cycle (self);
}

static void
connect_events (KouanSync *self)
{
  if (!self->started || self->events != NULL || self->events_connecting ||
      self->enterprise_id <= 0 || self->state == KOUAN_SYNC_STATE_UNAUTHORIZED)
    return;
  self->events_connecting = TRUE;
  kouan_client_connect_events_async (self->client, self->enterprise_id, self->cancellable,
                                     on_events_connected, g_object_ref (self));
}

/* Public API ----------------------------------------------------------------- */

KouanSync *
kouan_sync_new (KouanClient *client, KouanStore *store)
{
  g_return_val_if_fail (KOUAN_IS_CLIENT (client), NULL);
  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);

  return g_object_new (KOUAN_TYPE_SYNC, "client", client, "store", store, NULL);
}

gint64
kouan_sync_get_enterprise_id (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), 0);
  return self->enterprise_id;
}

void
kouan_sync_set_enterprise_id (KouanSync *self, gint64 enterprise_id)
{
  gboolean was_started;

  g_return_if_fail (KOUAN_IS_SYNC (self));

  if (self->enterprise_id == enterprise_id)
    return;

  was_started = self->started;
  if (was_started)
    kouan_sync_stop (self);

  self->enterprise_id = enterprise_id;
  self->server_cursor = 0;
  load_last_synced (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTERPRISE_ID]);

  if (was_started)
    kouan_sync_start (self);
}

/* After the app logged in again (new token on the client): listen and
 * sync again. */
static void
resume_after_unauthorized (KouanSync *self)
{
  set_last_error (self, NULL);
  set_state (self, KOUAN_SYNC_STATE_CONNECTING);
  self->retry_attempt = 0;
  self->events_attempt = 0;
  if (self->periodic_source == 0)
    self->periodic_source = g_timeout_add_seconds (PERIODIC_PULL_S, on_periodic, self);
  connect_events (self);
  request_cycle (self);
}

void
kouan_sync_start (KouanSync *self)
{
  g_return_if_fail (KOUAN_IS_SYNC (self));

  if (self->started)
    {
      if (self->state == KOUAN_SYNC_STATE_UNAUTHORIZED)
        resume_after_unauthorized (self);
      return;
    }
  self->started = TRUE;
  self->retry_attempt = 0;
  self->events_attempt = 0;

  if (self->state == KOUAN_SYNC_STATE_UNAUTHORIZED)
    self->state = KOUAN_SYNC_STATE_OFFLINE;
  set_state (self, KOUAN_SYNC_STATE_CONNECTING);

  self->outbox_handler = g_signal_connect (self->store, "outbox-changed",
                                           G_CALLBACK (on_outbox_changed), self);
  self->periodic_source = g_timeout_add_seconds (PERIODIC_PULL_S, on_periodic, self);
  update_pending (self);
  connect_events (self);
  request_cycle (self);
}

void
kouan_sync_stop (KouanSync *self)
{
  g_return_if_fail (KOUAN_IS_SYNC (self));

  if (!self->started)
    return;
  self->started = FALSE;
  self->generation++;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_signal_handler (&self->outbox_handler, self->store);
  clear_source (&self->retry_source);
  clear_source (&self->events_retry_source);
  clear_source (&self->periodic_source);
  clear_source (&self->push_source);
  clear_source (&self->nudge_source);
  disconnect_events (self);
  self->events_connecting = FALSE;
  /* A cancelled cycle still reports back, later; a new start must not wait
   * for it. */
  self->cycle_running = FALSE;
  self->cycle_again = FALSE;

  if (self->state != KOUAN_SYNC_STATE_UNAUTHORIZED)
    set_state (self, KOUAN_SYNC_STATE_OFFLINE);
  set_progress (self, -1.0);
}

void
kouan_sync_kick (KouanSync *self)
{
  g_return_if_fail (KOUAN_IS_SYNC (self));

  if (self->started && self->state == KOUAN_SYNC_STATE_UNAUTHORIZED)
    {
      resume_after_unauthorized (self);
      return;
    }

  /* The user asked: try now, and start the backoff over. */
  self->retry_attempt = 0;
  clear_source (&self->retry_source);
  request_cycle (self);
  if (self->events == NULL && !self->events_connecting)
    {
      clear_source (&self->events_retry_source);
      self->events_attempt = 0;
      connect_events (self);
    }
}

KouanSyncState
kouan_sync_get_state (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), KOUAN_SYNC_STATE_OFFLINE);
  return self->state;
}

guint
kouan_sync_get_pending (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), 0);
  return self->pending;
}

gint64
kouan_sync_get_last_synced (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), 0);
  return self->last_synced;
}

double
kouan_sync_get_progress (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), -1.0);
  return self->progress;
}

const char *
kouan_sync_get_last_error (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), NULL);
  return self->last_error;
}

static void
on_run_once_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  KouanSync *self = KOUAN_SYNC (source);
  g_autoptr(GError) error = NULL;

  self->cycle_running = FALSE;
  update_pending (self);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      cycle_outcome (self, error);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  cycle_outcome (self, NULL);
  g_task_return_boolean (outer, TRUE);
}

void
kouan_sync_run_once_async (KouanSync           *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (KOUAN_IS_SYNC (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, kouan_sync_run_once_async);

  if (self->started || self->cycle_running)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_BUSY,
                               "The sync engine is running; use kouan_sync_kick()");
      g_object_unref (outer);
      return;
    }

  cycle_start (self, cancellable, on_run_once_done, outer);
}

gboolean
kouan_sync_run_once_finish (KouanSync     *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject --------------------------------------------------------------------- */

static void
kouan_sync_dispose (GObject *object)
{
  KouanSync *self = KOUAN_SYNC (object);

  kouan_sync_stop (self);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_sync_parent_class)->dispose (object);
}

static void
kouan_sync_finalize (GObject *object)
{
  KouanSync *self = KOUAN_SYNC (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (kouan_sync_parent_class)->finalize (object);
}

static void
kouan_sync_constructed (GObject *object)
{
  KouanSync *self = KOUAN_SYNC (object);

  G_OBJECT_CLASS (kouan_sync_parent_class)->constructed (object);

  g_assert (self->client != NULL);
  g_assert (self->store != NULL);
  self->pending = kouan_store_count_outbox (self->store);
  load_last_synced (self);
}

static void
kouan_sync_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KouanSync *self = KOUAN_SYNC (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LAST_SYNCED:
      g_value_set_int64 (value, self->last_synced);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_ENTERPRISE_ID:
      g_value_set_int64 (value, self->enterprise_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_sync_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  KouanSync *self = KOUAN_SYNC (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_ENTERPRISE_ID:
      kouan_sync_set_enterprise_id (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_sync_class_init (KouanSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = kouan_sync_constructed;
  object_class->dispose = kouan_sync_dispose;
  object_class->finalize = kouan_sync_finalize;
  object_class->get_property = kouan_sync_get_property;
  object_class->set_property = kouan_sync_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, KOUAN_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, KOUAN_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, KOUAN_TYPE_SYNC_STATE, KOUAN_SYNC_STATE_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNCED] =
    g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, -1.0, 1.0, -1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENTERPRISE_ID] =
    g_param_spec_int64 ("enterprise-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[WARNING_RECEIVED] =
    g_signal_new ("warning-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
kouan_sync_init (KouanSync *self)
{
  self->state = KOUAN_SYNC_STATE_OFFLINE;
  self->progress = -1.0;
  self->cancellable = g_cancellable_new ();
}
