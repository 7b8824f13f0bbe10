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
 * protocol"). The cycle itself is in kouan-sync-cycle.c. */

#define G_LOG_DOMAIN "kouan-sync"

#include "config.h"

#include <math.h>

#include "kouan-core-enums.h"
#include "kouan-json.h"
#include "kouan-sync-private.h"

#define PERIODIC_PULL_S       60
#define PUSH_DEBOUNCE_MS      200
#define NUDGE_COALESCE_MS     50
#define BACKOFF_FIRST_MS      1000
#define BACKOFF_MAX_MS        60000

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
  PROP_SYNCING_COLLECTION,
  N_PROPS
};

enum {
  WARNING_RECEIVED,
  COLLECTION_PROGRESS,
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

void
_kouan_sync_set_progress (KouanSync *self, double progress)
{
  set_progress (self, progress);
}

static void
set_syncing_collection (KouanSync *self, const char *collection)
{
  if (g_strcmp0 (self->syncing_collection, collection) == 0)
    return;
  g_free (self->syncing_collection);
  self->syncing_collection = g_strdup (collection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING_COLLECTION]);
}

void
_kouan_sync_reset_progress (KouanSync *self)
{
  g_hash_table_remove_all (self->collection_progress);
  set_syncing_collection (self, NULL);
}

static KouanCollectionProgress *
collection_progress (KouanSync *self, const char *collection)
{
  KouanCollectionProgress *progress = g_hash_table_lookup (self->collection_progress, collection);

  if (progress == NULL)
    {
      progress = g_new0 (KouanCollectionProgress, 1);
      progress->total = -1;
      g_hash_table_insert (self->collection_progress, g_strdup (collection), progress);
    }
  return progress;
}

gboolean
_kouan_sync_page_progress (KouanSync       *self,
                           KouanChangePage *page)
{
  g_autoptr(GHashTable) touched = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;
  const char *last = NULL;
  gint64 done = 0, total = 0;
  gboolean all_known = TRUE;

  for (guint i = 0; i < page->changes->len; i++)
    {
      KouanChange *change = g_ptr_array_index (page->changes, i);

      collection_progress (self, change->collection)->done++;
      g_hash_table_add (touched, change->collection);
      last = change->collection;
    }

  /* The server counted what is left after this page: the total is what
   * came so far plus that. Collections it did not name are complete. */
  if (page->remaining != NULL)
    {
      g_hash_table_iter_init (&iter, page->remaining);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          collection_progress (self, key);
          g_hash_table_add (touched, key);
        }
      g_hash_table_iter_init (&iter, self->collection_progress);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          KouanCollectionProgress *progress = value;
          gint64 *remaining = g_hash_table_lookup (page->remaining, key);

          progress->total = progress->done + (remaining != NULL ? *remaining : 0);
        }
    }

  /* Records that changed again during the pull come once more: the total
   * grows with them rather than being overtaken. */
  g_hash_table_iter_init (&iter, self->collection_progress);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      KouanCollectionProgress *progress = value;

      if (progress->total >= 0 && progress->total < progress->done)
        progress->total = progress->done;
      if (progress->total < 0)
        all_known = FALSE;
      done += progress->done;
      total += progress->total;
    }

  if (last != NULL)
    set_syncing_collection (self, last);

  g_hash_table_iter_init (&iter, touched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      /* looked up again each time: a handler may have stopped the engine,
       * which forgets the progress */
      KouanCollectionProgress *progress = g_hash_table_lookup (self->collection_progress, key);
      g_autofree char *name = g_strdup (key);
      gint64 collection_done, collection_total;

      if (progress == NULL)
        continue;
      collection_done = progress->done;
      collection_total = progress->total;
      g_signal_emit (self, signals[COLLECTION_PROGRESS], g_quark_from_string (name),
                     name, collection_done, collection_total);
    }

  if (!all_known || total <= 0)
    return FALSE;
  set_progress (self, CLAMP ((double) done / (double) total, 0.0, 1.0));
  return TRUE;
}

gboolean
kouan_sync_get_collection_progress (KouanSync   *self,
                                    const char  *collection,
                                    gint64      *done,
                                    gint64      *total)
{
  KouanCollectionProgress *progress;

  g_return_val_if_fail (KOUAN_IS_SYNC (self), FALSE);
  g_return_val_if_fail (collection != NULL, FALSE);

  progress = g_hash_table_lookup (self->collection_progress, collection);
  if (progress == NULL)
    return FALSE;
  if (done != NULL)
    *done = progress->done;
  if (total != NULL)
    *total = progress->total;
  return TRUE;
}

const char *
kouan_sync_get_syncing_collection (KouanSync *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC (self), NULL);
  return self->syncing_collection;
}

void
_kouan_sync_emit_warning_received (KouanSync *self, gint64 message_id)
{
  g_signal_emit (self, signals[WARNING_RECEIVED], 0, message_id);
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

/* Runs one cycle, keeping the engine's flags and state around it. */
static void
cycle_start (KouanSync           *self,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  self->cycle_running = TRUE;
  self->cycle_again = FALSE;
  set_state (self, KOUAN_SYNC_STATE_SYNCING);
  set_progress (self, -1.0);
  _kouan_sync_reset_progress (self);

  _kouan_sync_cycle_async (self, cancellable, callback, user_data);
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
  _kouan_sync_reset_progress (self);

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

  _kouan_sync_cycle_finish (self, result, &error);
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
  if (!self->started || self->state == KOUAN_SYNC_STATE_UNAUTHORIZED || self->enterprise_id <= 0)
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
  /* Compared with what the engine last stored rather than asking the
   * store, which may be busy applying a page in a worker right now. */
  if (self->local_cursor >= 0 && cursor <= self->local_cursor)
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
  self->local_cursor = -1;
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
  _kouan_sync_reset_progress (self);
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
  if (!_kouan_sync_cycle_finish (self, result, &error))
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
  g_clear_pointer (&self->syncing_collection, g_free);
  g_clear_pointer (&self->collection_progress, g_hash_table_unref);

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
    case PROP_SYNCING_COLLECTION:
      g_value_set_string (value, self->syncing_collection);
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
  properties[PROP_SYNCING_COLLECTION] =
    g_param_spec_string ("syncing-collection", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[WARNING_RECEIVED] =
    g_signal_new ("warning-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[COLLECTION_PROGRESS] =
    g_signal_new ("collection-progress", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                  G_TYPE_STRING, G_TYPE_INT64, G_TYPE_INT64);
}

static void
kouan_sync_init (KouanSync *self)
{
  self->state = KOUAN_SYNC_STATE_OFFLINE;
  self->progress = -1.0;
  self->collection_progress = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->local_cursor = -1;
  self->cancellable = g_cancellable_new ();
}
