/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kouan-message.h"
#include "kouan-cjk-tokenizer.h"
#include "kouan-message-row.h"

struct _KouanMessageRow
{
  GtkWidget     parent_instance;

  /* template widgets */
  GtkLabel     *category_label;
  GtkLabel     *date_label;
  GtkLabel     *severity_label;
  GtkToggleButton *star_button;
  GtkLabel     *title_label;
  char         *highlight;      /* the search's keyword, or NULL */

  /* owned references */
  KouanMessage *message;
};

G_DEFINE_FINAL_TYPE (KouanMessageRow, kouan_message_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
kouan_message_severity_label (KouanSeverity severity)
{
  switch (severity)
    {
    /* Translators: severity of a warning, shown in a small pill; keep it
     * to one or two characters (zh_CN: 高) */
    case KOUAN_SEVERITY_HIGH:   return C_("severity", "High");
    /* Translators: severity of a warning (zh_CN: 中) */
    case KOUAN_SEVERITY_MEDIUM: return C_("severity", "Medium");
    /* Translators: severity of a warning (zh_CN: 低) */
    case KOUAN_SEVERITY_LOW:    return C_("severity", "Low");
    case KOUAN_SEVERITY_NONE:
    default:                    return NULL;
    }
}

const char *
kouan_message_severity_css_class (KouanSeverity severity)
{
  switch (severity)
    {
    case KOUAN_SEVERITY_HIGH:   return "severity-high";
    case KOUAN_SEVERITY_MEDIUM: return "severity-medium";
    case KOUAN_SEVERITY_LOW:    return "severity-low";
    case KOUAN_SEVERITY_NONE:
    default:                    return NULL;
    }
}

char *
kouan_message_format_date (gint64     created_at,
                           GDateTime *now)
{
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (created_at);
  g_autoptr(GDateTime) local_now = NULL;
  const char *format;

  if (when == NULL)
    return g_strdup ("");

  local_now = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();

  if (g_date_time_get_year (when) == g_date_time_get_year (local_now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (local_now))
    /* Translators: time of a message received today, in g_date_time_format()
     * syntax (zh_CN: %H:%M) */
    format = C_("message date today", "%H:%M");
  else if (g_date_time_get_year (when) == g_date_time_get_year (local_now))
    /* Translators: date of a message from the current year, in
     * g_date_time_format() syntax (zh_CN: %-m月%-d日) */
    format = C_("message date this year", "%b %-d");
  else
    /* Translators: date of a message from an earlier year, in
     * g_date_time_format() syntax (zh_CN: %Y-%m-%d) */
    format = C_("message date other year", "%Y-%m-%d");

  return g_date_time_format (when, format);
}

/* Severity pills and the unread dot. Kept with the widgets that use them so
 * the view looks right wherever it is embedded (tests, the window). */
static const char messages_css[] =
  "kouanmessagerow .unread-dot {"
  "  min-width: 8px; min-height: 8px; border-radius: 4px; margin-left: 2px;"
  "  background-color: #3584e4; }"
  "kouanmessagerow:not(.unread) .unread-dot { background: none; }"
  "row:selected kouanmessagerow .unread-dot { background-color: currentColor; }"
  "kouanmessagerow.unread .message-title { font-weight: bold; }"
  "kouanmessagerow:not(.unread) .message-title { font-weight: normal; }"
  ".severity-pill {"
  "  padding: 0 7px; border-radius: 9px; font-weight: bold; }"
  ".severity-pill.severity-high { background-color: #c01c28; color: white; }"
  ".severity-pill.severity-medium { background-color: #f6d32d; color: #3d3846; }"
  ".severity-pill.severity-low { background-color: alpha(currentColor, 0.15); }"
  ".star-button:checked, .star-button:checked:hover { color: #e5a50a; background: none; }"
  "kouanmessagesview .messages-toolbar { padding: 6px 12px; }"
  "kouanmessagedetail .message-body { font-size: larger; }";

void
kouan_message_row_load_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;
  GdkDisplay *display = gdk_display_get_default ();

  if (loaded || display == NULL)
    return;
  loaded = TRUE;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, messages_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
star_button_clicked_cb (KouanMessageRow *self,
                        GtkButton       *button)
{
  if (self->message == NULL)
    return;

  /* The toggle has already flipped itself; the store's answer rebinds the
   * row with the message's real state, so a failed edit flips it back. */
  gtk_widget_activate_action (GTK_WIDGET (self), "messages.toggle-star", "x",
                              kouan_message_get_id (self->message));
}

/* The star's tooltip is made when it is about to show: setting a
 * tooltip text asks the display where the pointer is (a round trip to the
 * X server in GTK 4.8), which a list building and rebinding rows by the
 * hundred cannot afford. */
static gboolean
star_button_query_tooltip_cb (KouanMessageRow *self,
                              int              x,
                              int              y,
                              gboolean         keyboard_mode,
                              GtkTooltip      *tooltip,
                              GtkWidget       *button)
{
  gboolean starred = self->message != NULL && kouan_message_get_starred (self->message);

  /* Translators: tooltip of the star toggle of a message */
  gtk_tooltip_set_text (tooltip, starred ? _("Unstar") : _("Star"));
  return TRUE;
}

/* A click anywhere on the row but its star opens the message (the star
 * button claims its own clicks); Enter does through the list's activate. */
static void
row_released_cb (KouanMessageRow *self,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkGestureClick *gesture)
{
  if (self->message == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "messages.open", "x",
                              kouan_message_get_id (self->message));
}

static void kouan_message_row_update (KouanMessageRow *self);

char *
kouan_message_highlight_markup (const char *text,
                                const char *keyword)
{
  g_autoptr(GArray) ranges = kouan_cjk_match_ranges (text, keyword);
  gsize length = strlen (text);
  g_autofree gboolean *on = g_new0 (gboolean, length + 1);
  GString *markup = g_string_new (NULL);
  gsize b = 0;

  for (guint i = 0; i + 1 < ranges->len; i += 2)
    for (guint k = g_array_index (ranges, guint, i); k < g_array_index (ranges, guint, i + 1) && k < length; k++)
      on[k] = TRUE;
  while (b < length)
    {
      gsize run = b;
      g_autofree char *escaped = NULL;

      while (run < length && on[run] == on[b])
        run++;
      escaped = g_markup_escape_text (text + b, run - b);
      if (on[b])
        g_string_append_printf (markup, "<span background=\"#f6d32d\" foreground=\"#000000\">%s</span>",
                                escaped);
      else
        g_string_append (markup, escaped);
      b = run;
    }
  return g_string_free (markup, FALSE);
}

void
kouan_message_row_set_highlight (KouanMessageRow *self,
                                 const char      *keyword)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_ROW (self));

  if (keyword != NULL && *keyword == '\0')
    keyword = NULL;
  if (g_strcmp0 (self->highlight, keyword) == 0)
    return;
  g_free (self->highlight);
  self->highlight = g_strdup (keyword);
  kouan_message_row_update (self);
}

static void
kouan_message_row_update (KouanMessageRow *self)
{
  KouanMessage *message = self->message;
  g_autofree char *date = NULL;
  g_autofree char *star_label = NULL;
  const char *title;
  const char *severity;
  gboolean read;
  gboolean starred;

  if (message == NULL)
    {
      gtk_label_set_label (self->title_label, "");
      gtk_label_set_label (self->category_label, "");
      gtk_label_set_label (self->date_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->severity_label), FALSE);
      return;
    }

  title = kouan_message_get_title (message);
  read = kouan_message_get_read (message);
  starred = kouan_message_get_starred (message);

  if (self->highlight != NULL)
    {
      g_autofree char *markup = kouan_message_highlight_markup (title, self->highlight);

      gtk_label_set_markup (self->title_label, markup);
    }
  else
    gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->category_label, kouan_message_get_category (message));

  date = kouan_message_format_date (kouan_message_get_created_at (message), NULL);
  gtk_label_set_label (self->date_label, date);

  /* Unread rows are bold and carry a dot (its space is kept on read rows
   * so titles stay aligned), so the state does not rest on font weight
   * alone; screen readers get it as the row's description. */
  if (read)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "unread");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "unread");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  read ? _("Read") : _("Unread"),
                                  -1);

  severity = kouan_message_severity_label (kouan_message_get_severity (message));
  gtk_widget_set_visible (GTK_WIDGET (self->severity_label), severity != NULL);
  if (severity != NULL)
    {
      static const char *classes[] = { "severity-high", "severity-medium", "severity-low" };
      g_autofree char *severity_a11y = NULL;

      gtk_label_set_label (self->severity_label, severity);
      for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
        gtk_widget_remove_css_class (GTK_WIDGET (self->severity_label), classes[i]);
      gtk_widget_add_css_class (GTK_WIDGET (self->severity_label),
                                kouan_message_severity_css_class (kouan_message_get_severity (message)));
      /* Translators: accessible name of the severity pill, %s is High/Medium/Low */
      severity_a11y = g_strdup_printf (_("Severity: %s"), severity);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->severity_label),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, severity_a11y,
                                      -1);
    }

  /* Reflect the state without emitting "clicked": set_active only emits
   * "toggled", which nothing listens to. */
  gtk_toggle_button_set_active (self->star_button, starred);
  gtk_button_set_icon_name (GTK_BUTTON (self->star_button),
                            starred ? "starred-symbolic" : "non-starred-symbolic");

  if (starred)
    /* Translators: accessible name of the star toggle of a message; %s is its title */
    star_label = g_strdup_printf (_("Unstar “%s”"), title);
  else
    /* Translators: accessible name of the star toggle of a message; %s is its title */
    star_label = g_strdup_printf (_("Star “%s”"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, star_label,
                                  -1);

}

/* Whether two versions of a message look the same in a row: a pull may
 * rewrite a row (new revision, new object) with what it already showed,
 * e.g. a queued star replayed over the server's copy. */
static gboolean
shows_same (KouanMessage *a,
            KouanMessage *b)
{
  return kouan_message_get_id (a) == kouan_message_get_id (b) &&
         kouan_message_get_read (a) == kouan_message_get_read (b) &&
         kouan_message_get_starred (a) == kouan_message_get_starred (b) &&
         kouan_message_get_severity (a) == kouan_message_get_severity (b) &&
         kouan_message_get_created_at (a) == kouan_message_get_created_at (b) &&
         g_strcmp0 (kouan_message_get_title (a), kouan_message_get_title (b)) == 0 &&
         g_strcmp0 (kouan_message_get_category (a), kouan_message_get_category (b)) == 0;
}

void
kouan_message_row_set_message (KouanMessageRow *self,
                               KouanMessage    *message)
{
  gboolean same;

  g_return_if_fail (KOUAN_IS_MESSAGE_ROW (self));
  g_return_if_fail (message == NULL || KOUAN_IS_MESSAGE (message));

  if (self->message == message)
    return;

  same = self->message != NULL && message != NULL && shows_same (self->message, message);
  g_set_object (&self->message, message);
  /* Labels, CSS classes, tooltips and accessible properties are what a
   * rebind costs; a row that would look the same keeps them. */
  if (!same)
    kouan_message_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

void
kouan_message_row_refresh (KouanMessageRow *self)
{
  g_return_if_fail (KOUAN_IS_MESSAGE_ROW (self));

  kouan_message_row_update (self);
}

KouanMessage *
kouan_message_row_get_message (KouanMessageRow *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_ROW (self), NULL);

  return self->message;
}

GtkWidget *
kouan_message_row_get_star_button (KouanMessageRow *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE_ROW (self), NULL);

  return GTK_WIDGET (self->star_button);
}

GtkWidget *
kouan_message_row_new (void)
{
  return g_object_new (KOUAN_TYPE_MESSAGE_ROW, NULL);
}

static void
kouan_message_row_dispose (GObject *object)
{
  KouanMessageRow *self = KOUAN_MESSAGE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_MESSAGE_ROW);
  /* GTK 4.8's dispose_template unparents only the children that have an
   * id; the template's unnamed ones must go too. */
  while (gtk_widget_get_first_child (GTK_WIDGET (self)) != NULL)
    gtk_widget_unparent (gtk_widget_get_first_child (GTK_WIDGET (self)));
  g_clear_object (&self->message);
  g_clear_pointer (&self->highlight, g_free);

  G_OBJECT_CLASS (kouan_message_row_parent_class)->dispose (object);
}

static void
kouan_message_row_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KouanMessageRow *self = KOUAN_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      g_value_set_object (value, self->message);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_row_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  KouanMessageRow *self = KOUAN_MESSAGE_ROW (object);

  switch (prop_id)
    {
    case PROP_MESSAGE:
      kouan_message_row_set_message (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_row_class_init (KouanMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_message_row_dispose;
  object_class->get_property = kouan_message_row_get_property;
  object_class->set_property = kouan_message_row_set_property;

  properties[PROP_MESSAGE] =
    g_param_spec_object ("message", NULL, NULL,
                         KOUAN_TYPE_MESSAGE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-message-row.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanMessageRow, category_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageRow, date_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageRow, severity_label);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageRow, star_button);
  gtk_widget_class_bind_template_child (widget_class, KouanMessageRow, title_label);
  gtk_widget_class_bind_template_callback (widget_class, star_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, star_button_query_tooltip_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_GRID_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouanmessagerow");
}

static void
kouan_message_row_init (KouanMessageRow *self)
{
  GtkLayoutManager *layout;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  kouan_message_row_load_css ();

  /* the spacings of the boxes this grid replaces */
  layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  gtk_grid_layout_set_column_spacing (GTK_GRID_LAYOUT (layout), 6);
  gtk_grid_layout_set_row_spacing (GTK_GRID_LAYOUT (layout), 3);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (click, "released", G_CALLBACK (row_released_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}
