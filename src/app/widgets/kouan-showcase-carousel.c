/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-showcase-carousel.h"

typedef struct {
  GtkWidget *page;      /* in the carousel */
  GtkWidget *picture;
  char      *link;      /* (nullable) */
} Slide;

struct _KouanShowcaseCarousel
{
  GtkWidget    parent_instance;

  /* template widgets */
  GtkWidget   *box;
  GtkWidget   *carousel;
  GtkWidget   *dots;
  GtkWidget   *next_button;
  GtkWidget   *previous_button;

  /* owned */
  GPtrArray   *slides;      /* Slide* */
  guint        position;    /* the slide shown or being scrolled to */
  guint        interval;    /* ms, 0 = no autoplay */
  guint        timeout_id;
  gboolean     hovered;
  gboolean     focused;
};

G_DEFINE_FINAL_TYPE (KouanShowcaseCarousel, kouan_showcase_carousel, GTK_TYPE_WIDGET)

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

static void restart_autoplay (KouanShowcaseCarousel *self);

static void
slide_free (gpointer data)
{
  Slide *slide = data;

  g_free (slide->link);
  g_free (slide);
}

static void
update_actions (KouanShowcaseCarousel *self)
{
  gboolean several = self->slides->len > 1;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "carousel.previous", several);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "carousel.next", several);
  gtk_widget_set_visible (self->previous_button, several);
  gtk_widget_set_visible (self->next_button, several);
  gtk_widget_set_visible (self->dots, several);
}

/* ---- position and autoplay ------------------------------------------ */

guint
kouan_showcase_carousel_get_n_slides (KouanShowcaseCarousel *self)
{
  g_return_val_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self), 0);
  return self->slides->len;
}

guint
kouan_showcase_carousel_get_position (KouanShowcaseCarousel *self)
{
  g_return_val_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self), 0);
  return self->position;
}

void
kouan_showcase_carousel_set_position (KouanShowcaseCarousel *self,
                                      guint                  position)
{
  Slide *slide;

  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));

  if (position >= self->slides->len)
    return;
  slide = g_ptr_array_index (self->slides, position);
  self->position = position;
  /* No animation while nobody can see it (and none to wait for). */
  adw_carousel_scroll_to (ADW_CAROUSEL (self->carousel), slide->page, gtk_widget_get_mapped (GTK_WIDGET (self)));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  restart_autoplay (self);
}

void
kouan_showcase_carousel_next (KouanShowcaseCarousel *self)
{
  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));
  if (self->slides->len > 0)
    kouan_showcase_carousel_set_position (self, (self->position + 1) % self->slides->len);
}

void
kouan_showcase_carousel_previous (KouanShowcaseCarousel *self)
{
  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));
  if (self->slides->len > 0)
    kouan_showcase_carousel_set_position (self, (self->position + self->slides->len - 1) % self->slides->len);
}

gboolean
kouan_showcase_carousel_get_paused (KouanShowcaseCarousel *self)
{
  g_return_val_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self), FALSE);
  return self->hovered || self->focused;
}

static gboolean
on_autoplay (gpointer user_data)
{
  KouanShowcaseCarousel *self = user_data;

  self->timeout_id = 0;
  if (!kouan_showcase_carousel_get_paused (self) && self->slides->len > 1)
    kouan_showcase_carousel_next (self);
  else
    restart_autoplay (self);
  return G_SOURCE_REMOVE;
}

/* Each move (by autoplay, the user or a swipe) restarts the wait, so a
 * slide the user just chose stays a whole interval. */
static void
restart_autoplay (KouanShowcaseCarousel *self)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->interval > 0 && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      !kouan_showcase_carousel_get_paused (self))
    self->timeout_id = g_timeout_add (self->interval, on_autoplay, self);
}

void
kouan_showcase_carousel_set_interval (KouanShowcaseCarousel *self,
                                      guint                  interval_ms)
{
  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));
  self->interval = interval_ms;
  restart_autoplay (self);
}

static void
set_hold (KouanShowcaseCarousel *self,
          gboolean              *hold,
          gboolean               value)
{
  gboolean was = kouan_showcase_carousel_get_paused (self);

  *hold = value;
  if (was != kouan_showcase_carousel_get_paused (self))
    {
      restart_autoplay (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
    }
}

static void
on_contains_pointer (GtkEventControllerMotion *motion,
                     GParamSpec               *pspec,
                     KouanShowcaseCarousel    *self)
{
  set_hold (self, &self->hovered, gtk_event_controller_motion_contains_pointer (motion));
}

static void
on_contains_focus (GtkEventControllerFocus *focus,
                   GParamSpec              *pspec,
                   KouanShowcaseCarousel   *self)
{
  set_hold (self, &self->focused, gtk_event_controller_focus_contains_focus (focus));
}

/* A swipe or a click on a dot */
static void
on_page_changed (AdwCarousel           *carousel,
                 guint                  index,
                 KouanShowcaseCarousel *self)
{
  if (index == self->position || index >= self->slides->len)
    return;
  self->position = index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  restart_autoplay (self);
}

/* ---- links ---------------------------------------------------------- */

static void
on_confirm_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  g_autofree char *uri = user_data;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (g_strcmp0 (response, "open") == 0)
    gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

void
kouan_confirm_open_uri (GtkWidget  *widget,
                        const char *uri)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  /* The user sees where the link goes before anything opens; Escape is
   * the close response, 取消. */
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Open this link in the browser?"), uri);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open Link"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_widget_set_name (dialog, "carousel-link-dialog");
  g_signal_connect (dialog, "response", G_CALLBACK (on_confirm_response), g_strdup (uri));
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
kouan_showcase_carousel_real_open_link (KouanShowcaseCarousel *self,
                                        const char            *uri)
{
  kouan_confirm_open_uri (GTK_WIDGET (self), uri);
  return TRUE;
}

void
kouan_showcase_carousel_activate (KouanShowcaseCarousel *self)
{
  Slide *slide;
  gboolean handled = FALSE;

  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));

  if (self->slides->len == 0)
    return;
  slide = g_ptr_array_index (self->slides, self->position);
  if (slide->link != NULL)
    g_signal_emit (self, signals[OPEN_LINK], 0, slide->link, &handled);
}

/* ---- slides --------------------------------------------------------- */

void
kouan_showcase_carousel_clear (KouanShowcaseCarousel *self)
{
  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));

  for (guint i = 0; i < self->slides->len; i++)
    adw_carousel_remove (ADW_CAROUSEL (self->carousel), ((Slide *) g_ptr_array_index (self->slides, i))->page);
  g_ptr_array_set_size (self->slides, 0);
  self->position = 0;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SLIDES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
}

void
kouan_showcase_carousel_append (KouanShowcaseCarousel *self,
                                GdkPaintable          *image,
                                const char            *caption,
                                const char            *link)
{
  Slide *slide = g_new0 (Slide, 1);
  GtkWidget *caption_label;
  GtkWidget *placeholder;
  g_autofree char *label = NULL;

  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));

  slide->link = link != NULL && link[0] != '\0' ? g_strdup (link) : NULL;
  slide->page = gtk_overlay_new ();
  gtk_widget_set_hexpand (slide->page, TRUE);
  gtk_widget_set_vexpand (slide->page, TRUE);

  /* Until (or unless) the picture arrives, an icon says one belongs here. */
  placeholder = gtk_image_new_from_icon_name ("image-x-generic-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (placeholder), 64);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_overlay_set_child (GTK_OVERLAY (slide->page), placeholder);

  slide->picture = gtk_picture_new_for_paintable (image);
  gtk_picture_set_content_fit (GTK_PICTURE (slide->picture), GTK_CONTENT_FIT_COVER);
  gtk_picture_set_can_shrink (GTK_PICTURE (slide->picture), TRUE);
  gtk_overlay_add_overlay (GTK_OVERLAY (slide->page), slide->picture);

  caption_label = gtk_label_new (caption);
  gtk_label_set_wrap (GTK_LABEL (caption_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (caption_label), 0);
  gtk_widget_set_valign (caption_label, GTK_ALIGN_END);
  gtk_widget_set_halign (caption_label, GTK_ALIGN_FILL);
  gtk_widget_add_css_class (caption_label, "carousel-caption");
  gtk_widget_add_css_class (caption_label, "osd");
  gtk_overlay_add_overlay (GTK_OVERLAY (slide->page), caption_label);
  if (slide->link != NULL)
    gtk_widget_set_tooltip_text (slide->page, slide->link);
  /* Translators: %u is a slide number, %s its caption */
  label = g_strdup_printf (_("Slide %u: %s"), self->slides->len + 1, caption);
  gtk_accessible_update_property (GTK_ACCESSIBLE (slide->page), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);

  adw_carousel_append (ADW_CAROUSEL (self->carousel), slide->page);
  g_ptr_array_add (self->slides, slide);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SLIDES]);
}

void
kouan_showcase_carousel_set_image (KouanShowcaseCarousel *self,
                                   guint                  index,
                                   GdkPaintable          *image)
{
  g_return_if_fail (KOUAN_IS_SHOWCASE_CAROUSEL (self));
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
                KouanShowcaseCarousel *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      kouan_showcase_carousel_previous (self);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      kouan_showcase_carousel_next (self);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      kouan_showcase_carousel_activate (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_slide_released (GtkGestureClick       *gesture,
                   int                    n_press,
                   double                 x,
                   double                 y,
                   KouanShowcaseCarousel *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  kouan_showcase_carousel_activate (self);
}

static void
on_previous (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  kouan_showcase_carousel_previous (KOUAN_SHOWCASE_CAROUSEL (widget));
}

static void
on_next (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  kouan_showcase_carousel_next (KOUAN_SHOWCASE_CAROUSEL (widget));
}

/* ---- GObject -------------------------------------------------------- */

static void
kouan_showcase_carousel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (kouan_showcase_carousel_parent_class)->map (widget);
  restart_autoplay (KOUAN_SHOWCASE_CAROUSEL (widget));
}

static void
kouan_showcase_carousel_unmap (GtkWidget *widget)
{
  KouanShowcaseCarousel *self = KOUAN_SHOWCASE_CAROUSEL (widget);

  /* Nothing moves while nobody can see it. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  GTK_WIDGET_CLASS (kouan_showcase_carousel_parent_class)->unmap (widget);
}

static void
kouan_showcase_carousel_dispose (GObject *object)
{
  KouanShowcaseCarousel *self = KOUAN_SHOWCASE_CAROUSEL (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), KOUAN_TYPE_SHOWCASE_CAROUSEL);
  G_OBJECT_CLASS (kouan_showcase_carousel_parent_class)->dispose (object);
}

static void
kouan_showcase_carousel_finalize (GObject *object)
{
  KouanShowcaseCarousel *self = KOUAN_SHOWCASE_CAROUSEL (object);

  g_clear_pointer (&self->slides, g_ptr_array_unref);
  G_OBJECT_CLASS (kouan_showcase_carousel_parent_class)->finalize (object);
}

static void
kouan_showcase_carousel_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  KouanShowcaseCarousel *self = KOUAN_SHOWCASE_CAROUSEL (object);

  switch (prop_id)
    {
    case PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, kouan_showcase_carousel_get_paused (self));
      break;
    case PROP_N_SLIDES:
      g_value_set_uint (value, self->slides->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_showcase_carousel_class_init (KouanShowcaseCarouselClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_showcase_carousel_dispose;
  object_class->finalize = kouan_showcase_carousel_finalize;
  object_class->get_property = kouan_showcase_carousel_get_property;
  widget_class->map = kouan_showcase_carousel_map;
  widget_class->unmap = kouan_showcase_carousel_unmap;

  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SLIDES] =
    g_param_spec_uint ("n-slides", NULL, NULL, 0, G_MAXUINT, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_LINK] =
    g_signal_new_class_handler ("open-link", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                G_CALLBACK (kouan_showcase_carousel_real_open_link),
                                g_signal_accumulator_true_handled, NULL, NULL,
                                G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kouan-showcase-carousel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kouan/Kouan/ui/kouan-showcase-carousel.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanShowcaseCarousel, box);
  gtk_widget_class_bind_template_child (widget_class, KouanShowcaseCarousel, carousel);
  gtk_widget_class_bind_template_child (widget_class, KouanShowcaseCarousel, dots);
  gtk_widget_class_bind_template_child (widget_class, KouanShowcaseCarousel, next_button);
  gtk_widget_class_bind_template_child (widget_class, KouanShowcaseCarousel, previous_button);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed);
  gtk_widget_class_install_action (widget_class, "carousel.previous", NULL, on_previous);
  gtk_widget_class_install_action (widget_class, "carousel.next", NULL, on_next);
}

static void
kouan_showcase_carousel_init (KouanShowcaseCarousel *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->slides = g_ptr_array_new_with_free_func (slide_free);
  self->interval = KOUAN_SHOWCASE_CAROUSEL_DEFAULT_INTERVAL;

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "notify::contains-pointer", G_CALLBACK (on_contains_pointer), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "notify::contains-focus", G_CALLBACK (on_contains_focus), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* A click (not a swipe: AdwCarousel claims drags) on a slide */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_slide_released), self);
  gtk_widget_add_controller (self->carousel, GTK_EVENT_CONTROLLER (click));

  update_actions (self);
}

GtkWidget *
kouan_showcase_carousel_new (void)
{
  return g_object_new (KOUAN_TYPE_SHOWCASE_CAROUSEL, NULL);
}
