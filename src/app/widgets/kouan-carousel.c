/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-carousel.h"

/* GTK 4.8 has no carousel (libadwaita's is not a dependency), so this is
 * a GtkStack of slides with the controls overlaid. The widget is built in
 * code: its slides and dots are made per record anyway. */

typedef struct {
  GtkWidget *page;      /* in the stack */
  GtkWidget *picture;
  GtkWidget *dot;
  char      *link;      /* (nullable) */
} Slide;

struct _KouanCarousel
{
  GtkWidget    parent_instance;

  /* children */
  GtkWidget   *overlay;
  GtkWidget   *stack;
  GtkWidget   *empty_label;
  GtkWidget   *previous_button;
  GtkWidget   *next_button;
  GtkWidget   *dots;

  /* owned */
  GPtrArray   *slides;      /* Slide* */
  guint        position;
  guint        interval;    /* ms, 0 = no autoplay */
  guint        timeout_id;
  gboolean     hovered;
  gboolean     focused;
};

G_DEFINE_FINAL_TYPE (KouanCarousel, kouan_carousel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_POSITION,
  PROP_PAUSED,
  PROP_N_SLIDES,
  N_PROPS
};

enum {
  OPEN_LINK,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void restart_autoplay (KouanCarousel *self);

static void
slide_free (Slide *slide)
{
  g_free (slide->link);
  g_free (slide);
}

static void
update_controls (KouanCarousel *self)
{
  guint n = self->slides->len;

  gtk_widget_set_visible (self->empty_label, n == 0);
  gtk_widget_set_visible (self->previous_button, n > 1);
  gtk_widget_set_visible (self->next_button, n > 1);
  gtk_widget_set_visible (self->dots, n > 1);

  for (guint i = 0; i < n; i++)
    {
      Slide *slide = g_ptr_array_index (self->slides, i);

      if (i == self->position)
        gtk_widget_add_css_class (slide->dot, "active");
      else
        gtk_widget_remove_css_class (slide->dot, "active");
    }
}

void
kouan_carousel_set_position (KouanCarousel *self,
                             guint          position)
{
  Slide *slide;
  guint old;

  g_return_if_fail (KOUAN_IS_CAROUSEL (self));

  if (self->slides->len == 0 || position >= self->slides->len)
    return;

  old = self->position;
  self->position = position;
  slide = g_ptr_array_index (self->slides, position);
  /* Slide in the direction of travel. */
  gtk_stack_set_transition_type (GTK_STACK (self->stack),
                                 position >= old ? GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT
                                                 : GTK_STACK_TRANSITION_TYPE_SLIDE_RIGHT);
  gtk_stack_set_visible_child (GTK_STACK (self->stack), slide->page);
  update_controls (self);

  if (old != position)
    {
      /* A move by hand gives the new slide its full time. */
      restart_autoplay (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
}

guint
kouan_carousel_get_position (KouanCarousel *self)
{
  g_return_val_if_fail (KOUAN_IS_CAROUSEL (self), 0);
  return self->position;
}

guint
kouan_carousel_get_n_slides (KouanCarousel *self)
{
  g_return_val_if_fail (KOUAN_IS_CAROUSEL (self), 0);
  return self->slides->len;
}

void
kouan_carousel_next (KouanCarousel *self)
{
  g_return_if_fail (KOUAN_IS_CAROUSEL (self));
  if (self->slides->len > 0)
    kouan_carousel_set_position (self, (self->position + 1) % self->slides->len);
}

void
kouan_carousel_previous (KouanCarousel *self)
{
  g_return_if_fail (KOUAN_IS_CAROUSEL (self));
  if (self->slides->len > 0)
    kouan_carousel_set_position (self, (self->position + self->slides->len - 1) % self->slides->len);
}

gboolean
kouan_carousel_get_paused (KouanCarousel *self)
{
  g_return_val_if_fail (KOUAN_IS_CAROUSEL (self), FALSE);
  return self->hovered || self->focused;
}

/* ---- autoplay ------------------------------------------------------- */

static gboolean
on_autoplay_tick (gpointer user_data)
{
  KouanCarousel *self = user_data;

  /* Someone reading a slide or using the keyboard keeps it still. */
  if (!kouan_carousel_get_paused (self) && self->slides->len > 1)
    {
      guint next = (self->position + 1) % self->slides->len;
      Slide *slide = g_ptr_array_index (self->slides, next);

      self->position = next;
      gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT);
      gtk_stack_set_visible_child (GTK_STACK (self->stack), slide->page);
      update_controls (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_autoplay (KouanCarousel *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->interval > 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->timeout_id = g_timeout_add (self->interval, on_autoplay_tick, self);
}

void
kouan_carousel_set_interval (KouanCarousel *self,
                             guint          interval_ms)
{
  g_return_if_fail (KOUAN_IS_CAROUSEL (self));
  self->interval = interval_ms;
  restart_autoplay (self);
}

static void
set_hold (KouanCarousel *self,
          gboolean      *flag,
          gboolean       value)
{
  gboolean was = kouan_carousel_get_paused (self);

  *flag = value;
  if (was != kouan_carousel_get_paused (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

static void
on_contains_pointer (GtkEventControllerMotion *motion,
                     GParamSpec               *pspec,
                     KouanCarousel            *self)
{
  set_hold (self, &self->hovered, gtk_event_controller_motion_contains_pointer (motion));
}

static void
on_contains_focus (GtkEventControllerFocus *focus,
                   GParamSpec              *pspec,
                   KouanCarousel           *self)
{
  set_hold (self, &self->focused, gtk_event_controller_focus_contains_focus (focus));
}

/* ---- links ---------------------------------------------------------- */

static void
on_confirm_response (GtkDialog *dialog,
                     int        response,
                     gpointer   user_data)
{
  g_autofree char *uri = user_data;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

void
kouan_confirm_open_uri (GtkWidget  *widget,
                        const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  /* The user sees where the link goes before anything opens. */
  dialog = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Open this link in the browser?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", uri);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Open"), GTK_RESPONSE_ACCEPT,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  gtk_widget_set_name (dialog, "carousel-link-dialog");
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), g_strdup (uri));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
kouan_carousel_real_open_link (KouanCarousel *self,
                               const char    *uri)
{
  kouan_confirm_open_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

void
kouan_carousel_activate (KouanCarousel *self)
{
  Slide *slide;
  gboolean handled = FALSE;

  g_return_if_fail (KOUAN_IS_CAROUSEL (self));

  if (self->slides->len == 0)
    return;
  slide = g_ptr_array_index (self->slides, self->position);
  if (slide->link != NULL)
    g_signal_emit (self, signals[OPEN_LINK], 0, slide->link, &handled);
}

/* ---- slides --------------------------------------------------------- */

static void
on_dot_clicked (GtkButton     *dot,
                KouanCarousel *self)
{
  for (guint i = 0; i < self->slides->len; i++)
    if (((Slide *) g_ptr_array_index (self->slides, i))->dot == GTK_WIDGET (dot))
      kouan_carousel_set_position (self, i);
}

void
kouan_carousel_clear (KouanCarousel *self)
{
  g_return_if_fail (KOUAN_IS_CAROUSEL (self));

  for (guint i = 0; i < self->slides->len; i++)
    {
      Slide *slide = g_ptr_array_index (self->slides, i);

      gtk_stack_remove (GTK_STACK (self->stack), slide->page);
      gtk_box_remove (GTK_BOX (self->dots), slide->dot);
    }
  g_ptr_array_set_size (self->slides, 0);
  self->position = 0;
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SLIDES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

void
kouan_carousel_append (KouanCarousel *self,
                       GdkPaintable  *image,
                       const char    *caption,
                       const char    *link)
{
  Slide *slide = g_new0 (Slide, 1);
  GtkWidget *caption_label;
  g_autofree char *dot_label = NULL;

  g_return_if_fail (KOUAN_IS_CAROUSEL (self));

  slide->link = link != NULL && link[0] != '\0' ? g_strdup (link) : NULL;

  slide->page = gtk_overlay_new ();
  slide->picture = gtk_picture_new_for_paintable (image);
  gtk_picture_set_content_fit (GTK_PICTURE (slide->picture), GTK_CONTENT_FIT_COVER);
  gtk_widget_add_css_class (slide->picture, "carousel-picture");
  gtk_overlay_set_child (GTK_OVERLAY (slide->page), slide->picture);

  caption_label = gtk_label_new (caption);
  gtk_label_set_wrap (GTK_LABEL (caption_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (caption_label), 0);
  gtk_widget_set_valign (caption_label, GTK_ALIGN_END);
  gtk_widget_set_halign (caption_label, GTK_ALIGN_FILL);
  gtk_widget_add_css_class (caption_label, "carousel-caption");
  gtk_widget_add_css_class (caption_label, "osd");
  gtk_overlay_add_overlay (GTK_OVERLAY (slide->page), caption_label);
  gtk_stack_add_named (GTK_STACK (self->stack), slide->page, NULL);
  if (slide->link != NULL)
    gtk_widget_set_tooltip_text (slide->page, slide->link);

  slide->dot = gtk_button_new ();
  gtk_widget_add_css_class (slide->dot, "carousel-dot");
  gtk_widget_add_css_class (slide->dot, "circular");
  gtk_widget_set_size_request (slide->dot, 12, 12);
  /* The dots are for the pointer; the keyboard uses the arrow keys. */
  gtk_widget_set_focusable (slide->dot, FALSE);
  /* Translators: %u is a slide number, %s its caption */
  dot_label = g_strdup_printf (_("Slide %u: %s"), self->slides->len + 1, caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (slide->dot),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, dot_label, -1);
  g_signal_connect (slide->dot, "clicked", G_CALLBACK (on_dot_clicked), self);
  gtk_box_append (GTK_BOX (self->dots), slide->dot);

  g_ptr_array_add (self->slides, slide);
  if (self->slides->len == 1)
    gtk_stack_set_visible_child (GTK_STACK (self->stack), slide->page);
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SLIDES]);
}

void
kouan_carousel_set_image (KouanCarousel *self,
                          guint          index,
                          GdkPaintable  *image)
{
  g_return_if_fail (KOUAN_IS_CAROUSEL (self));
  if (index < self->slides->len)
    gtk_picture_set_paintable (GTK_PICTURE (((Slide *) g_ptr_array_index (self->slides, index))->picture),
                               image);
}

/* ---- input ---------------------------------------------------------- */

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                KouanCarousel         *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      kouan_carousel_previous (self);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      kouan_carousel_next (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      kouan_carousel_activate (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_slide_released (GtkGestureClick *gesture,
                   int              n_press,
                   double           x,
                   double           y,
                   KouanCarousel   *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  kouan_carousel_activate (self);
}

/* ---- GObject -------------------------------------------------------- */

static void
kouan_carousel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kouan_carousel_parent_class)->map (widget);
  restart_autoplay (KOUAN_CAROUSEL (widget));
}

static void
kouan_carousel_unmap (GtkWidget *widget)
{
  KouanCarousel *self = KOUAN_CAROUSEL (widget);

  /* Nothing moves while nobody can see it. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  GTK_WIDGET_CLASS (kouan_carousel_parent_class)->unmap (widget);
}

static void
kouan_carousel_dispose (GObject *object)
{
  KouanCarousel *self = KOUAN_CAROUSEL (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer (&self->overlay, gtk_widget_unparent);

  G_OBJECT_CLASS (kouan_carousel_parent_class)->dispose (object);
}

static void
kouan_carousel_finalize (GObject *object)
{
  KouanCarousel *self = KOUAN_CAROUSEL (object);

  g_ptr_array_unref (self->slides);

  G_OBJECT_CLASS (kouan_carousel_parent_class)->finalize (object);
}

static void
kouan_carousel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KouanCarousel *self = KOUAN_CAROUSEL (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, kouan_carousel_get_paused (self));
      break;
    case PROP_N_SLIDES:
      g_value_set_uint (value, self->slides->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_carousel_class_init (KouanCarouselClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_carousel_dispose;
  object_class->finalize = kouan_carousel_finalize;
  object_class->get_property = kouan_carousel_get_property;
  widget_class->map = kouan_carousel_map;
  widget_class->unmap = kouan_carousel_unmap;

  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SLIDES] =
    g_param_spec_uint ("n-slides", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_LINK] =
    g_signal_new_class_handler ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (kouan_carousel_real_open_link),
                                g_signal_accumulator_true_handled, NULL, NULL,
                                G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "carousel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static GtkWidget *
arrow_button (const char *icon,
              const char *label,
              GtkAlign    halign)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_halign (button, halign);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (button, 8);
  gtk_widget_set_margin_end (button, 8);
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_add_css_class (button, "osd");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return button;
}

static void
kouan_carousel_init (KouanCarousel *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->slides = g_ptr_array_new_with_free_func ((GDestroyNotify) slide_free);
  self->interval = KOUAN_CAROUSEL_DEFAULT_INTERVAL;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Enterprise news"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Left and Right change the slide; Enter opens its link"),
                                  -1);

  self->overlay = gtk_overlay_new ();
  gtk_widget_set_parent (self->overlay, GTK_WIDGET (self));

  self->stack = gtk_stack_new ();
  gtk_stack_set_transition_duration (GTK_STACK (self->stack), 400);
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_SLIDE_LEFT);
  gtk_widget_set_size_request (self->stack, 320, 160);
  gtk_overlay_set_child (GTK_OVERLAY (self->overlay), self->stack);

  self->empty_label = gtk_label_new (_("No slides yet"));
  gtk_widget_add_css_class (self->empty_label, "dim-label");
  gtk_stack_add_named (GTK_STACK (self->stack), self->empty_label, "empty");

  self->previous_button = arrow_button ("go-previous-symbolic", _("Previous slide"), GTK_ALIGN_START);
  g_signal_connect_swapped (self->previous_button, "clicked", G_CALLBACK (kouan_carousel_previous), self);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->previous_button);

  self->next_button = arrow_button ("go-next-symbolic", _("Next slide"), GTK_ALIGN_END);
  g_signal_connect_swapped (self->next_button, "clicked", G_CALLBACK (kouan_carousel_next), self);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->next_button);

  self->dots = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (self->dots, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->dots, GTK_ALIGN_START);
  gtk_widget_set_margin_top (self->dots, 8);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), self->dots);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "notify::contains-pointer", G_CALLBACK (on_contains_pointer), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "notify::contains-focus", G_CALLBACK (on_contains_focus), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (on_slide_released), self);
  gtk_widget_add_controller (self->stack, GTK_EVENT_CONTROLLER (click));

  update_controls (self);
}

GtkWidget *
kouan_carousel_new (void)
{
  return g_object_new (KOUAN_TYPE_CAROUSEL, NULL);
}
