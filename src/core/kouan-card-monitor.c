/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KouanCardMonitor: a dedicated thread waits in SCardGetStatusChange for
 * readers and cards to come and go, reads the holder certificate of a new
 * card, and posts each resulting state to the owner's main context.  Every
 * wait has a finite timeout, and SCardCancel wakes the thread for shutdown. */

#include "config.h"

#include <string.h>

#include "kouan-card-private.h"

/* How long one SCardGetStatusChange may wait.  Readers that cannot report
 * hot-plug through the PnP pseudo reader are re-listed at this pace. */
#define WAIT_MS 2000
/* Retry pace while the smart-card service is not running. */
#define SERVICE_RETRY_MS 1000

/* What the thread tells the main thread; owned by whoever holds it. */
typedef struct {
  KouanCardState  state;
  char           *reader;
  char           *holder_name;
  GBytes         *certificate;
  char           *problem;
} Snapshot;

static void
snapshot_free (Snapshot *snapshot)
{
  g_free (snapshot->reader);
  g_free (snapshot->holder_name);
  g_clear_pointer (&snapshot->certificate, g_bytes_unref);
  g_free (snapshot->problem);
  g_free (snapshot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_free)

/* Shared between the monitor (main thread) and its watch thread.  The
 * reference count lets idle callbacks outlive the monitor safely: they
 * find @owner cleared and do nothing. */
typedef struct {
  GMutex            mutex;
  GCond             cond;
  gboolean          stopping;        /* under mutex */
  gboolean          context_valid;   /* under mutex */
  SCARDCONTEXT      context;         /* under mutex, for SCardCancel */
  GMainContext     *main_context;
  KouanCardMonitor *owner;           /* main thread only */
} Watch;

static Watch *
watch_ref (Watch *watch)
{
  return g_atomic_rc_box_acquire (watch);
}

static void
watch_clear (Watch *watch)
{
  g_mutex_clear (&watch->mutex);
  g_cond_clear (&watch->cond);
  g_main_context_unref (watch->main_context);
}

static void
watch_unref (Watch *watch)
{
  g_atomic_rc_box_release_full (watch, (GDestroyNotify) watch_clear);
}

struct _KouanCardMonitor {
  GObject parent_instance;

  /* owned */
  Watch          *watch;
  GThread        *thread;
  KouanCardState  state;
  char           *reader;
  char           *holder_name;
  GBytes         *certificate;
  char           *problem;
};

G_DEFINE_FINAL_TYPE (KouanCardMonitor, kouan_card_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_READER,
  PROP_HOLDER_NAME,
  PROP_CERTIFICATE,
  PROP_PROBLEM,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- Main thread side -------------------------------------------------- */

typedef struct {
  Watch    *watch;
  Snapshot *snapshot;
} Delivery;

static void
delivery_free (Delivery *delivery)
{
  watch_unref (delivery->watch);
  snapshot_free (delivery->snapshot);
  g_free (delivery);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static gboolean
deliver_snapshot (gpointer user_data)
{
  Delivery *delivery = user_data;
  KouanCardMonitor *self = delivery->watch->owner;
  Snapshot *snapshot = delivery->snapshot;
  gboolean changed = FALSE;

  if (self == NULL)
    return G_SOURCE_REMOVE;

  g_object_freeze_notify (G_OBJECT (self));

  if (self->state != snapshot->state)
    {
      self->state = snapshot->state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
      changed = TRUE;
    }
  if (set_string (&self->reader, snapshot->reader))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READER]);
      changed = TRUE;
    }
  if (set_string (&self->holder_name, snapshot->holder_name))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLDER_NAME]);
      changed = TRUE;
    }
  if (!(self->certificate == NULL && snapshot->certificate == NULL) &&
      (self->certificate == NULL || snapshot->certificate == NULL ||
       !g_bytes_equal (self->certificate, snapshot->certificate)))
    {
      g_clear_pointer (&self->certificate, g_bytes_unref);
      self->certificate = snapshot->certificate != NULL ? g_bytes_ref (snapshot->certificate) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE]);
      changed = TRUE;
    }
  if (set_string (&self->problem, snapshot->problem))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBLEM]);
      changed = TRUE;
    }

  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);

  return G_SOURCE_REMOVE;
}

/* ---- Watch thread ------------------------------------------------------ */

typedef struct {
  Watch            *watch;
  SCARDCONTEXT      context;
  gboolean          has_context;
  char             *readers;        /* NUL-separated list */
  KouanReaderState *states;         /* readers, then the PnP pseudo reader */
  guint             n_states;
  gboolean          pnp_supported;
  /* what was last published, to publish only changes */
  KouanCardState    published_state;
  char             *published_reader;
  gboolean          published_any;
  /* the card whose certificate was read, by reader and event counter */
  char             *card_reader;
  DWORD             card_events;
  Snapshot         *card;           /* result for that card */
} Thread;

static gboolean
thread_stopping (Thread *t)
{
  gboolean stopping;

  g_mutex_lock (&t->watch->mutex);
  stopping = t->watch->stopping;
  g_mutex_unlock (&t->watch->mutex);
  return stopping;
}

/* Sleeps up to @ms unless the monitor is being stopped. */
static void
thread_pause (Thread *t,
              guint   ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;

  g_mutex_lock (&t->watch->mutex);
  while (!t->watch->stopping)
    if (!g_cond_wait_until (&t->watch->cond, &t->watch->mutex, end))
      break;
  g_mutex_unlock (&t->watch->mutex);
}

static void
thread_publish (Thread         *t,
                KouanCardState  state,
                const char     *reader,
                const Snapshot *card,
                const char     *problem)
{
  Snapshot *snapshot;
  Delivery *delivery;
  GSource *source;

  if (t->published_any && t->published_state == state &&
      g_strcmp0 (t->published_reader, reader) == 0 &&
      state != KOUAN_CARD_STATE_CARD_READY && state != KOUAN_CARD_STATE_CARD_UNUSABLE &&
      state != KOUAN_CARD_STATE_NO_SERVICE)
    return;

  t->published_any = TRUE;
  t->published_state = state;
  g_free (t->published_reader);
  t->published_reader = g_strdup (reader);

  snapshot = g_new0 (Snapshot, 1);
  snapshot->state = state;
  snapshot->reader = g_strdup (reader);
  if (card != NULL)
    {
      snapshot->holder_name = g_strdup (card->holder_name);
      snapshot->certificate = card->certificate ? g_bytes_ref (card->certificate) : NULL;
      snapshot->problem = g_strdup (card->problem);
    }
  else
    snapshot->problem = g_strdup (problem);

  g_debug ("card monitor: state %d reader %s", state, reader ? reader : "-");

  delivery = g_new0 (Delivery, 1);
  delivery->watch = watch_ref (t->watch);
  delivery->snapshot = snapshot;
  /* Always through a source the owner of the context dispatches: with
   * g_main_context_invoke, a context nobody holds at that instant (a loop
   * between iterations) would run the delivery here, on this thread. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_snapshot, delivery, (GDestroyNotify) delivery_free);
  g_source_set_static_name (source, "[kouan] card monitor delivery");
  g_source_attach (source, t->watch->main_context);
  g_source_unref (source);
}

static void
thread_drop_context (Thread *t)
{
  g_mutex_lock (&t->watch->mutex);
  t->watch->context_valid = FALSE;
  g_mutex_unlock (&t->watch->mutex);

  if (t->has_context)
    SCardReleaseContext (t->context);
  t->has_context = FALSE;
  g_clear_pointer (&t->readers, g_free);
  g_clear_pointer (&t->states, g_free);
  t->n_states = 0;
}

static gboolean
thread_connect_service (Thread *t)
{
  LONG rv = SCardEstablishContext (SCARD_SCOPE_USER, NULL, NULL, &t->context);

#ifdef G_OS_WIN32
  /* Windows 8 and later stop the smart-card service when the last reader
   * goes away and start it when one is plugged in: no service there means
   * no reader. */
  if (rv == SCARD_E_NO_SERVICE)
    {
      thread_publish (t, KOUAN_CARD_STATE_NO_READER, NULL, NULL, NULL);
      return FALSE;
    }
#endif
  if (rv != SCARD_S_SUCCESS)
    {
      g_autofree char *problem = g_strdup_printf ("SCardEstablishContext: 0x%08X", (guint32) rv);

      thread_publish (t, KOUAN_CARD_STATE_NO_SERVICE, NULL, NULL, problem);
      return FALSE;
    }

  t->has_context = TRUE;
  g_mutex_lock (&t->watch->mutex);
  t->watch->context = t->context;
  t->watch->context_valid = TRUE;
  g_mutex_unlock (&t->watch->mutex);
  return TRUE;
}

/* Re-reads the reader list and rebuilds the state array.  Returns the
 * PC/SC code; SCARD_E_NO_READERS_AVAILABLE is a normal answer. */
static LONG
thread_list_readers (Thread *t)
{
  LONG rv;
  guint n = 0;

  g_clear_pointer (&t->readers, g_free);
  g_clear_pointer (&t->states, g_free);
  t->n_states = 0;

  t->readers = _kouan_card_list_readers (t->context, &rv);
  if (t->readers == NULL && rv != SCARD_E_NO_READERS_AVAILABLE)
    return rv;

  if (t->readers != NULL)
    for (const char *r = t->readers; *r != '\0'; r += strlen (r) + 1)
      n++;

  t->states = g_new0 (KouanReaderState, n + 1);
  n = 0;
  if (t->readers != NULL)
    for (const char *r = t->readers; *r != '\0'; r += strlen (r) + 1)
      {
        t->states[n].szReader = r;
        t->states[n].dwCurrentState = SCARD_STATE_UNAWARE;
        n++;
      }
  /* pcsc-lite and Windows compare the reader count kept in the high word
   * of the PnP entry's current state with the actual count. */
  t->states[n].szReader = KOUAN_PNP_READER;
  t->states[n].dwCurrentState = (DWORD) n << 16;
  t->n_states = n + 1;

  return SCARD_S_SUCCESS;
}

static guint
thread_n_readers (Thread *t)
{
  return t->n_states > 0 ? t->n_states - 1 : 0;
}

/* Reads the certificate of the card now in @reader, once per insertion. */
static void
thread_read_card (Thread     *t,
                  const char *reader,
                  DWORD       events)
{
  KouanCardLink link;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autofree char *holder = NULL;

  if (t->card != NULL && g_strcmp0 (t->card_reader, reader) == 0 && t->card_events == events)
    return;

  g_clear_pointer (&t->card, snapshot_free);
  g_free (t->card_reader);
  t->card_reader = g_strdup (reader);
  t->card_events = events;

  thread_publish (t, KOUAN_CARD_STATE_CARD_PRESENT, reader, NULL, NULL);

  t->card = g_new0 (Snapshot, 1);
  /* A card just inserted (or swapped faster than the service polls) may
   * fail its first exchange: try a few times before calling it unusable. */
  for (guint attempt = 0; attempt < 3 && !thread_stopping (t); attempt++)
    {
      if (attempt > 0)
        thread_pause (t, 300);
      g_clear_error (&error);
      g_clear_pointer (&der, g_bytes_unref);
      if (_kouan_card_link_open (&link, t->context, reader, &error))
        {
          der = _kouan_card_link_read_certificate (&link, NULL, &error);
          _kouan_card_link_close (&link);
        }
      if (der != NULL)
        holder = kouan_card_certificate_get_holder_name (der, &error);
      if (holder != NULL ||
          g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NOT_KOUAN_CARD))
        break;
    }

  if (holder != NULL)
    {
      t->card->state = KOUAN_CARD_STATE_CARD_READY;
      t->card->holder_name = g_steal_pointer (&holder);
      t->card->certificate = g_steal_pointer (&der);
    }
  else
    {
      t->card->state = KOUAN_CARD_STATE_CARD_UNUSABLE;
      /* No error when the monitor was stopped before a first attempt. */
      t->card->problem = g_strdup (error != NULL ? error->message : "the monitor stopped");
      /* A card pulled out while being read is simply gone: the next
       * status change says so, and the next insertion is read again. */
      if (g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_CARD_REMOVED) ||
          g_error_matches (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_NO_CARD))
        t->card_events = (DWORD) -1;
    }
}

/* Publishes the state the current reader states describe. */
static void
thread_evaluate (Thread *t)
{
  guint n = thread_n_readers (t);

  for (guint i = 0; i < n; i++)
    {
      DWORD event = t->states[i].dwEventState;

      if ((event & SCARD_STATE_PRESENT) && !(event & SCARD_STATE_MUTE))
        {
          /* The high word counts card events in this reader: a new value
           * means another insertion, even of the same card. */
          thread_read_card (t, t->states[i].szReader, event >> 16);
          if (t->card != NULL && thread_stopping (t) == FALSE)
            thread_publish (t, t->card->state, t->states[i].szReader, t->card, NULL);
          return;
        }
    }

  g_clear_pointer (&t->card, snapshot_free);
  g_clear_pointer (&t->card_reader, g_free);
  thread_publish (t, n > 0 ? KOUAN_CARD_STATE_NO_CARD : KOUAN_CARD_STATE_NO_READER,
                  NULL, NULL, NULL);
}

static gboolean
is_service_gone (LONG rv)
{
  return rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED ||
         rv == SCARD_E_INVALID_HANDLE || rv == SCARD_F_COMM_ERROR ||
         rv == SCARD_F_INTERNAL_ERROR;
}

static gpointer
watch_thread (gpointer data)
{
  Thread t = { 0 };
  gboolean need_list = TRUE;

  t.watch = data;
  t.pnp_supported = TRUE;

  while (!thread_stopping (&t))
    {
      LONG rv;

      if (!t.has_context && !thread_connect_service (&t))
        {
          thread_pause (&t, SERVICE_RETRY_MS);
          continue;
        }

      if (need_list)
        {
          rv = thread_list_readers (&t);
          if (rv != SCARD_S_SUCCESS)
            {
              if (rv == SCARD_E_CANCELLED)
                continue;
              thread_drop_context (&t);
              continue;
            }
          need_list = FALSE;
          /* UNAWARE entries return at once with the present state. */
          rv = KOUAN_SCARD_GET_STATUS_CHANGE (t.context, 0, t.states, thread_n_readers (&t));
          if (thread_n_readers (&t) > 0 && rv != SCARD_S_SUCCESS && rv != SCARD_E_TIMEOUT)
            {
              if (is_service_gone (rv))
                thread_drop_context (&t);
              need_list = TRUE;
              thread_pause (&t, 200);
              continue;
            }
          for (guint i = 0; i < thread_n_readers (&t); i++)
            t.states[i].dwCurrentState = t.states[i].dwEventState & ~SCARD_STATE_CHANGED;
          thread_evaluate (&t);
        }

      rv = KOUAN_SCARD_GET_STATUS_CHANGE (t.context, WAIT_MS, t.states,
                                          t.pnp_supported ? t.n_states : thread_n_readers (&t));
      if (rv == SCARD_S_SUCCESS)
        {
          guint n = thread_n_readers (&t);
          gboolean readers_changed = t.pnp_supported &&
                                     (t.states[n].dwEventState & SCARD_STATE_CHANGED);

          for (guint i = 0; i < n; i++)
            {
              if (t.states[i].dwEventState & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE |
                                              SCARD_STATE_IGNORE))
                readers_changed = TRUE;
              t.states[i].dwCurrentState = t.states[i].dwEventState & ~SCARD_STATE_CHANGED;
            }
          if (readers_changed)
            need_list = TRUE;
          else
            thread_evaluate (&t);
        }
      else if (rv == SCARD_E_TIMEOUT)
        {
          /* Without PnP notification, look for new readers now and then. */
          if (!t.pnp_supported)
            need_list = TRUE;
        }
      else if (rv == SCARD_E_CANCELLED)
        continue;
      else if (rv == SCARD_E_UNKNOWN_READER && t.pnp_supported)
        {
          /* Some stacks refuse the PnP pseudo reader. */
          g_debug ("card monitor: no PnP notification, polling for readers");
          t.pnp_supported = FALSE;
          need_list = TRUE;
        }
      else if (rv == SCARD_E_NO_READERS_AVAILABLE || rv == SCARD_E_UNKNOWN_READER ||
               rv == SCARD_E_READER_UNAVAILABLE)
        {
          need_list = TRUE;
          thread_pause (&t, 250);
        }
      else
        {
          g_debug ("card monitor: SCardGetStatusChange: 0x%08X", (guint32) rv);
          if (is_service_gone (rv))
            {
              g_autofree char *problem = g_strdup_printf ("SCardGetStatusChange: 0x%08X",
                                                          (guint32) rv);
              thread_drop_context (&t);
              thread_publish (&t, KOUAN_CARD_STATE_NO_SERVICE, NULL, NULL, problem);
            }
          need_list = TRUE;
          thread_pause (&t, 250);
        }
    }

  thread_drop_context (&t);
  g_clear_pointer (&t.card, snapshot_free);
  g_free (t.card_reader);
  g_free (t.published_reader);
  watch_unref (t.watch);
  _kouan_card_activity_end ();
  return NULL;
}

/* ---- GObject ----------------------------------------------------------- */

static void
kouan_card_monitor_dispose (GObject *object)
{
  KouanCardMonitor *self = KOUAN_CARD_MONITOR (object);

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->watch->mutex);
      self->watch->stopping = TRUE;
      if (self->watch->context_valid)
        SCardCancel (self->watch->context);
      g_cond_broadcast (&self->watch->cond);
      g_mutex_unlock (&self->watch->mutex);

      /* Not joined: a card that stopped answering can hold the thread in
       * SCardTransmit until it is pulled out, and closing a window must not
       * wait for that.  The thread owns its reference to the watch and
       * finishes on its own; its last snapshots find no owner. */
      g_clear_pointer (&self->thread, g_thread_unref);
    }
  if (self->watch != NULL)
    {
      self->watch->owner = NULL;
      g_clear_pointer (&self->watch, watch_unref);
    }

  G_OBJECT_CLASS (kouan_card_monitor_parent_class)->dispose (object);
}

static void
kouan_card_monitor_finalize (GObject *object)
{
  KouanCardMonitor *self = KOUAN_CARD_MONITOR (object);

  g_free (self->reader);
  g_free (self->holder_name);
  g_clear_pointer (&self->certificate, g_bytes_unref);
  g_free (self->problem);

  G_OBJECT_CLASS (kouan_card_monitor_parent_class)->finalize (object);
}

static void
kouan_card_monitor_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KouanCardMonitor *self = KOUAN_CARD_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_READER:
      g_value_set_string (value, self->reader);
      break;
    case PROP_HOLDER_NAME:
      g_value_set_string (value, self->holder_name);
      break;
    case PROP_CERTIFICATE:
      g_value_set_boxed (value, self->certificate);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_card_monitor_constructed (GObject *object)
{
  KouanCardMonitor *self = KOUAN_CARD_MONITOR (object);

  G_OBJECT_CLASS (kouan_card_monitor_parent_class)->constructed (object);

  self->watch = g_atomic_rc_box_new0 (Watch);
  g_mutex_init (&self->watch->mutex);
  g_cond_init (&self->watch->cond);
  self->watch->main_context = g_main_context_ref_thread_default ();
  self->watch->owner = self;

  _kouan_card_activity_begin ();
  self->thread = g_thread_new ("kouan-card-monitor", watch_thread, watch_ref (self->watch));
}

static void
kouan_card_monitor_class_init (KouanCardMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = kouan_card_monitor_constructed;
  object_class->dispose = kouan_card_monitor_dispose;
  object_class->finalize = kouan_card_monitor_finalize;
  object_class->get_property = kouan_card_monitor_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, KOUAN_TYPE_CARD_STATE,
                       KOUAN_CARD_STATE_NO_READER,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READER] =
    g_param_spec_string ("reader", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOLDER_NAME] =
    g_param_spec_string ("holder-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CERTIFICATE] =
    g_param_spec_boxed ("certificate", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROBLEM] =
    g_param_spec_string ("problem", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted once after any of the properties changed together. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kouan_card_monitor_init (KouanCardMonitor *self)
{
  /* Until the thread has looked, assume the least. */
  self->state = KOUAN_CARD_STATE_NO_READER;
}

KouanCardMonitor *
kouan_card_monitor_new (void)
{
  return g_object_new (KOUAN_TYPE_CARD_MONITOR, NULL);
}

KouanCardState
kouan_card_monitor_get_state (KouanCardMonitor *self)
{
  g_return_val_if_fail (KOUAN_IS_CARD_MONITOR (self), KOUAN_CARD_STATE_NO_SERVICE);
  return self->state;
}

const char *
kouan_card_monitor_get_reader (KouanCardMonitor *self)
{
  g_return_val_if_fail (KOUAN_IS_CARD_MONITOR (self), NULL);
  return self->reader;
}

const char *
kouan_card_monitor_get_holder_name (KouanCardMonitor *self)
{
  g_return_val_if_fail (KOUAN_IS_CARD_MONITOR (self), NULL);
  return self->holder_name;
}

GBytes *
kouan_card_monitor_get_certificate (KouanCardMonitor *self)
{
  g_return_val_if_fail (KOUAN_IS_CARD_MONITOR (self), NULL);
  return self->certificate;
}

const char *
kouan_card_monitor_get_problem (KouanCardMonitor *self)
{
  g_return_val_if_fail (KOUAN_IS_CARD_MONITOR (self), NULL);
  return self->problem;
}
