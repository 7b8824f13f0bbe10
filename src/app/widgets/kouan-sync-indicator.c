/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kouan-format.h"
#include "kouan-sync.h"
#include "kouan-sync-indicator.h"

struct _KouanSyncIndicator
{
  GtkWidget  parent_instance;

  /* template widgets */
  GtkWidget *attention_label;
  GtkWidget *box;
  GtkWidget *button;
  GtkWidget *icon;
  GtkWidget *icon_stack;
  GtkWidget *label;
  GtkWidget *outbox_button;
  GtkWidget *spinner;

  /* owned */
  KouanSync *sync;
  gulong     notify_handler;
  gulong     progress_handler;
};

G_DEFINE_FINAL_TYPE (KouanSyncIndicator, kouan_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SYNC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
kouan_sync_indicator_describe (KouanSyncState state,
                               guint          pending,
                               gint64         last_synced,
                               double         progress)
{
  switch (state)
    {
    case KOUAN_SYNC_STATE_OFFLINE:
      if (pending > 0)
        /* Translators: shown when offline with edits not yet sent */
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Offline · %u change waiting",
                                             "Offline · %u changes waiting",
                                             pending),
                                pending);
      return g_strdup (_("Offline"));

    case KOUAN_SYNC_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));

    case KOUAN_SYNC_STATE_SYNCING:
      if (progress >= 0.0 && progress <= 1.0)
        /* Translators: %d is a percentage; "%%" is the percent sign */
        return g_strdup_printf (_("Syncing %d %%"), (int) (progress * 100.0 + 0.5));
      return g_strdup (_("Syncing…"));

    case KOUAN_SYNC_STATE_UNAUTHORIZED:
      return g_strdup (_("Session ended"));

    case KOUAN_SYNC_STATE_ONLINE:
    default:
      break;
    }

  if (pending > 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u change waiting",
                                         "%u changes waiting",
                                         pending),
                            pending);

  if (last_synced > 0)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (last_synced);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *time_text = NULL;

      /* Today only the time matters; on an older sync the day tells the
       * user how stale the cache is (Kouan's one way to show a moment). */
      if (when != NULL)
        time_text = kouan_format_moment (when, now);

      if (time_text != NULL)
        /* Translators: %s is a moment: 14:05, Yesterday 09:12, Dec 1 */
        return g_strdup_printf (_("Last synced %s"), time_text);
    }

  return g_strdup (_("Online"));
}

/* What the user calls the records of a synced collection. */
static const char *
collection_label (const char *collection)
{
  if (g_strcmp0 (collection, "messages") == 0)
    return C_("sync collection", "Messages");
  if (g_strcmp0 (collection, "risk_articles") == 0)
    return C_("sync collection", "Risk information");
  if (g_strcmp0 (collection, "insurance_policies") == 0)
    return C_("sync collection", "Policies");
  if (g_strcmp0 (collection, "insurance_claims") == 0)
    return C_("sync collection", "Claims");
  return C_("sync collection", "Enterprise data");
}

/* 100000 → "100 000": groups of three digits, joined by a no-break space
 * so a count never wraps (and reads the same in every language). */
static char *
format_count (gint64 count)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (count, 0));
  GString *text = g_string_new (NULL);
  gsize length = strlen (digits);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && (length - i) % 3 == 0)
        g_string_append (text, "\u00a0");
      g_string_append_c (text, digits[i]);
    }
  return g_string_free (text, FALSE);
}

char *
kouan_sync_indicator_describe_collection (const char *collection,
                                          gint64      done,
                                          gint64      total)
{
  g_autofree char *done_text = format_count (done);
  g_autofree char *total_text = format_count (total);

  /* Translators: "Syncing Messages 12 000 / 100 000": the first %s is a
   * kind of record (Messages, Risk information …), then how many of them
   * arrived so far and how many the sync brings */
  return g_strdup_printf (_("Syncing %s %s / %s"), collection_label (collection),
                          done_text, total_text);
}

static const char *
icon_for_state (KouanSyncState state,
                guint          pending)
{
  switch (state)
    {
    case KOUAN_SYNC_STATE_OFFLINE:
      return "network-offline-symbolic";
    case KOUAN_SYNC_STATE_UNAUTHORIZED:
      return "dialog-password-symbolic";
    case KOUAN_SYNC_STATE_CONNECTING:
    case KOUAN_SYNC_STATE_SYNCING:
      return "emblem-synchronizing-symbolic";
    case KOUAN_SYNC_STATE_ONLINE:
    default:
      return pending > 0 ? "document-send-symbolic" : "emblem-ok-symbolic";
    }
}

static void
kouan_sync_indicator_update (KouanSyncIndicator *self)
{
  KouanSyncState state = KOUAN_SYNC_STATE_CONNECTING;
  guint pending = 0;
  gint64 last_synced = 0;
  double progress = -1.0;
  const char *last_error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  gboolean busy;

  if (self->sync != NULL)
    {
      state = kouan_sync_get_state (self->sync);
      pending = kouan_sync_get_pending (self->sync);
      last_synced = kouan_sync_get_last_synced (self->sync);
      progress = kouan_sync_get_progress (self->sync);
      last_error = kouan_sync_get_last_error (self->sync);
    }

  /* A first sync of 100 000 records takes a while: say what is coming
   * in and how far it is, when the server told the totals. */
  if (state == KOUAN_SYNC_STATE_SYNCING && kouan_sync_get_syncing_collection (self->sync) != NULL)
    {
      const char *collection = kouan_sync_get_syncing_collection (self->sync);
      gint64 done = 0, total = -1;

      if (kouan_sync_get_collection_progress (self->sync, collection, &done, &total) && total > 0)
        text = kouan_sync_indicator_describe_collection (collection, done, total);
    }
  if (text == NULL)
    text = kouan_sync_indicator_describe (state, pending, last_synced, progress);
  gtk_label_set_label (GTK_LABEL (self->label), text);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->icon), icon_for_state (state, pending));

  busy = state == KOUAN_SYNC_STATE_SYNCING || state == KOUAN_SYNC_STATE_CONNECTING;
  gtk_stack_set_visible_child_name (GTK_STACK (self->icon_stack), busy ? "spinner" : "icon");
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);

  if (state == KOUAN_SYNC_STATE_OFFLINE)
    gtk_widget_add_css_class (GTK_WIDGET (self), "offline");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "offline");
  if (state == KOUAN_SYNC_STATE_UNAUTHORIZED)
    gtk_widget_add_css_class (GTK_WIDGET (self), "unauthorized");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unauthorized");

  /* The error text is for the user (the engine's contract); the tooltip is
   * where a curious user finds why we are offline. */
  if (last_error != NULL && *last_error != '\0' && state != KOUAN_SYNC_STATE_ONLINE)
    tooltip = g_strdup_printf ("%s\n%s\n%s", text, last_error, _("Click to sync now"));
  else
    tooltip = g_strdup_printf ("%s\n%s", text, _("Sync now"));
  gtk_widget_set_tooltip_text (self->button, tooltip);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Sync now"),
                                  -1);
}

static void
on_sync_notify (KouanSyncIndicator *self,
                GParamSpec         *pspec,
                KouanSync          *sync)
{
  kouan_sync_indicator_update (self);
}

static void
on_collection_progress (KouanSyncIndicator *self,
                        const char         *collection,
                        gint64              done,
                        gint64              total,
                        KouanSync          *sync)
{
  kouan_sync_indicator_update (self);
}

static void
kouan_sync_indicator_dispose (GObject *object)
{
  KouanSyncIndicator *self = KOUAN_SYNC_INDICATOR (object);

  kouan_sync_indicator_set_sync (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (kouan_sync_indicator_parent_class)->dispose (object);
}

static void
kouan_sync_indicator_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  KouanSyncIndicator *self = KOUAN_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      g_value_set_object (value, self->sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_sync_indicator_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  KouanSyncIndicator *self = KOUAN_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_SYNC:
      kouan_sync_indicator_set_sync (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_sync_indicator_class_init (KouanSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_sync_indicator_dispose;
  object_class->get_property = kouan_sync_indicator_get_property;
  object_class->set_property = kouan_sync_indicator_set_property;

  properties[PROP_SYNC] =
    g_param_spec_object ("sync", NULL, NULL, KOUAN_TYPE_SYNC,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, attention_label);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, box);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, outbox_button);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, icon_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, KouanSyncIndicator, spinner);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "syncindicator");
}

static void
kouan_sync_indicator_init (KouanSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "sync-indicator");
  kouan_sync_indicator_update (self);
}

GtkWidget *
kouan_sync_indicator_new (void)
{
  return g_object_new (KOUAN_TYPE_SYNC_INDICATOR, NULL);
}

KouanSync *
kouan_sync_indicator_get_sync (KouanSyncIndicator *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC_INDICATOR (self), NULL);

  return self->sync;
}

void
kouan_sync_indicator_set_sync (KouanSyncIndicator *self,
                               KouanSync          *sync)
{
  g_return_if_fail (KOUAN_IS_SYNC_INDICATOR (self));
  g_return_if_fail (sync == NULL || KOUAN_IS_SYNC (sync));

  if (self->sync == sync)
    return;

  if (self->sync != NULL)
    {
      g_clear_signal_handler (&self->notify_handler, self->sync);
      g_clear_signal_handler (&self->progress_handler, self->sync);
    }
  g_set_object (&self->sync, sync);
  if (self->sync != NULL)
    {
      self->notify_handler = g_signal_connect_object (self->sync, "notify",
                                                      G_CALLBACK (on_sync_notify),
                                                      self, G_CONNECT_SWAPPED);
      self->progress_handler = g_signal_connect_object (self->sync, "collection-progress",
                                                        G_CALLBACK (on_collection_progress),
                                                        self, G_CONNECT_SWAPPED);
    }

  kouan_sync_indicator_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
}

const char *
kouan_sync_indicator_get_text (KouanSyncIndicator *self)
{
  g_return_val_if_fail (KOUAN_IS_SYNC_INDICATOR (self), NULL);

  return gtk_label_get_label (GTK_LABEL (self->label));
}

void
kouan_sync_indicator_set_outbox (KouanSyncIndicator *self,
                                 guint               total,
                                 guint               attention)
{
  g_autofree char *number = NULL;
  g_autofree char *tooltip = NULL;

  g_return_if_fail (KOUAN_IS_SYNC_INDICATOR (self));

  /* nothing waits: the header bar keeps its room for the status */
  gtk_widget_set_visible (self->outbox_button, total > 0);
  gtk_widget_set_visible (self->attention_label, attention > 0);
  if (attention == 0)
    {
      gtk_widget_remove_css_class (self->outbox_button, "warning");
      gtk_widget_set_tooltip_text (self->outbox_button, _("Outbox"));
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->outbox_button),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      return;
    }
  number = g_strdup_printf ("%u", attention);
  gtk_label_set_label (GTK_LABEL (self->attention_label), number);
  gtk_widget_add_css_class (self->outbox_button, "warning");
  tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Outbox: %u change needs your decision",
                                          "Outbox: %u changes need your decision",
                                          attention),
                             attention);
  gtk_widget_set_tooltip_text (self->outbox_button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->outbox_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, tooltip, -1);
}
