/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "widgets/kouan-image-chooser.h"

#include <glib/gi18n.h>

#include "kouan-personal-page-private.h"
#include "kouan-seal-preview.h"

/* 个人资料: avatar (cropped to a square), name, gender and the declarant's
 * seal (报关员章, a PNG with transparency). Edits are a draft until Save:
 * switching views or enterprises keeps the draft (the widgets live on and
 * a pulled profile does not overwrite fields being edited); Save queues
 * one "profile" update. The avatar and the header's follow the store. */

#define AVATAR_SIDE 256
#define SEAL_SIDE   600

static const char *const genders[] = { "unspecified", "male", "female" };

struct _KouanPersonalProfile
{
  GtkWidget          parent_instance;

  /* template widgets */
  GtkWidget         *avatar;
  GtkWidget         *avatar_row;
  GtkWidget         *gender_row;
  GtkWidget         *name_row;
  GtkWidget         *seal_picture;
  GtkWidget         *seal_row;
  GtkWidget         *seal_stack;
  GtkWidget         *stack;

  /* owned */
  GdkPixbuf         *draft_seal;        /* the seal preview shows the draft */
  char              *message;           /* what the user was last told */
  gint64             draft_avatar_image; /* -1: unchanged */
  gint64             draft_seal_image;   /* -1: unchanged */
  gboolean           dirty;
  gboolean           loading;           /* filling the form: not an edit */
  gboolean           uploading;

  /* borrowed */
  KouanPersonalPage *page;
  GtkWidget         *seal_preview;      /* weak */
};

G_DEFINE_FINAL_TYPE (KouanPersonalProfile, kouan_personal_profile, GTK_TYPE_WIDGET)

static void
tell (KouanPersonalProfile *self,
      const char           *text)
{
  g_free (self->message);
  self->message = g_strdup (text);
  _kouan_personal_page_toast (self->page, text);
}

static void
update_actions (KouanPersonalProfile *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.choose-avatar", !self->uploading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.choose-seal", !self->uploading);
  if (self->page != NULL)
    _kouan_personal_page_update_save (self->page);
}

static void
on_edited (KouanPersonalProfile *self)
{
  g_autoptr(KouanProfile) profile = NULL;
  guint stored_gender = 0;

  if (self->loading)
    return;
  /* A draft while it differs from the stored profile: typing back what
   * was there leaves nothing to save (as on the admin forms). */
  if (self->page != NULL && self->page->store != NULL)
    profile = kouan_store_get_profile (self->page->store, self->page->user_id, NULL);
  /* as the form shows it: an unknown value is 未指定 */
  for (guint i = 0; profile != NULL && i < G_N_ELEMENTS (genders); i++)
    if (g_strcmp0 (profile->gender, genders[i]) == 0)
      stored_gender = i;
  self->dirty = profile == NULL ||
                self->draft_avatar_image != -1 || self->draft_seal_image != -1 ||
                g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->name_row)),
                           profile->name != NULL ? profile->name : "") != 0 ||
                adw_combo_row_get_selected (ADW_COMBO_ROW (self->gender_row)) != stored_gender;
  update_actions (self);
}

static void
show_seal (KouanPersonalProfile *self,
           gboolean              has_seal)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->seal_stack), has_seal ? "seal" : "empty");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->seal_row),
                               has_seal ? _("Shown below as it will be stamped.")
                                        : _("None yet: declaration forms go out without your seal."));
}

/* The sidebar's avatar: the picture, or the initials of the name. */
static void
show_header_avatar (KouanPersonalProfile *self,
                    KouanProfile         *profile)
{
  GtkWidget *avatar = self->page->header_avatar;

  if (avatar == NULL)
    return;
  adw_avatar_set_text (ADW_AVATAR (avatar),
                       profile != NULL && profile->name != NULL && *profile->name != '\0'
                       ? profile->name : self->page->account_name);
  _kouan_personal_fetch_image (self->page, profile != NULL ? profile->avatar_enterprise : 0,
                               profile != NULL ? profile->avatar_image : 0, avatar);
}

void
_kouan_personal_profile_reload (KouanPersonalProfile *self)
{
  g_autoptr(KouanProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  KouanPersonalPage *page = self->page;

  if (page == NULL || page->store == NULL)
    return;
  profile = kouan_store_get_profile (page->store, page->user_id, &error);
  if (error != NULL)
    g_warning ("Cannot read the profile: %s", error->message);

  show_header_avatar (self, profile);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), profile != NULL ? "form" : "unsynced");

  /* A draft is the user's: what the server says now waits until they
   * save or the draft is gone. */
  if (self->dirty || profile == NULL)
    return;

  self->loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), profile->name != NULL ? profile->name : "");
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->gender_row), 0);
  for (guint i = 0; i < G_N_ELEMENTS (genders); i++)
    if (g_strcmp0 (profile->gender, genders[i]) == 0)
      adw_combo_row_set_selected (ADW_COMBO_ROW (self->gender_row), i);
  _kouan_personal_fetch_image (page, profile->avatar_enterprise, profile->avatar_image, self->avatar);
  _kouan_personal_fetch_image (page, profile->seal_enterprise, profile->seal_image, self->seal_picture);
  show_seal (self, profile->seal_image > 0);
  self->loading = FALSE;
  update_actions (self);
}

gboolean
_kouan_personal_profile_get_dirty (KouanPersonalProfile *self)
{
  return self->dirty;
}

GdkPixbuf *
_kouan_personal_profile_get_draft_seal (KouanPersonalProfile *self)
{
  return self->draft_seal;
}

void
_kouan_personal_profile_save (KouanPersonalProfile *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  KouanPersonalPage *page = self->page;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  guint gender = adw_combo_row_get_selected (ADW_COMBO_ROW (self->gender_row));

  if (!kouan_personal_text_is_valid (name, KOUAN_PROFILE_NAME_MAX))
    {
      gtk_widget_add_css_class (self->name_row, "error");
      tell (self, _("Enter your name (at most 64 characters)."));
      gtk_widget_grab_focus (self->name_row);
      return;
    }
  gtk_widget_remove_css_class (self->name_row, "error");

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "gender", genders[MIN (gender, G_N_ELEMENTS (genders) - 1)]);
  if (self->draft_avatar_image >= 0)
    json_object_set_int_member (fields, "avatar_image", self->draft_avatar_image);
  if (self->draft_seal_image >= 0)
    json_object_set_int_member (fields, "seal_image", self->draft_seal_image);

  id = kouan_store_enqueue (page->store, page->enterprise_id, "profile", "update",
                            page->user_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Cannot save the profile: %s", error->message);
      tell (self, _("The profile could not be saved. Check the fields and try again."));
      return;
    }

  self->dirty = FALSE;
  g_clear_object (&self->draft_seal);
  self->draft_avatar_image = -1;
  self->draft_seal_image = -1;
  g_free (self->message);
  self->message = NULL;
  _kouan_personal_page_toast_queued (page);
  _kouan_personal_profile_reload (self);
}

/* Drops the draft: the form shows the stored profile again. */
void
_kouan_personal_profile_revert (KouanPersonalProfile *self)
{
  self->dirty = FALSE;
  g_clear_object (&self->draft_seal);
  self->draft_avatar_image = -1;
  self->draft_seal_image = -1;
  gtk_widget_remove_css_class (self->name_row, "error");
  _kouan_personal_profile_reload (self);
  update_actions (self);
}

/* ---- images ----------------------------------------------------------------- */

static void
on_avatar_uploaded (gint64      image_id,
                    GdkPixbuf  *pixbuf,
                    const char *problem,
                    gpointer    data)
{
  g_autoptr(KouanPersonalProfile) self = data;
  g_autoptr(GdkTexture) texture = NULL;

  self->uploading = FALSE;
  update_actions (self);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->avatar_row), _("A square picture, PNG or JPEG up to 1 MB."));
  if (image_id <= 0)
    {
      if (problem != NULL)
        tell (self, problem);
      return;
    }
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  adw_avatar_set_custom_image (ADW_AVATAR (self->avatar), GDK_PAINTABLE (texture));
  self->draft_avatar_image = image_id;
  on_edited (self);
}

static void
on_seal_uploaded (gint64      image_id,
                  GdkPixbuf  *pixbuf,
                  const char *problem,
                  gpointer    data)
{
  g_autoptr(KouanPersonalProfile) self = data;
  g_autoptr(GdkTexture) texture = NULL;

  self->uploading = FALSE;
  update_actions (self);
  if (image_id <= 0)
    {
      show_seal (self, g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (self->seal_stack)), "seal") == 0);
      if (problem != NULL)
        tell (self, problem);
      return;
    }
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_picture_set_paintable (GTK_PICTURE (self->seal_picture), GDK_PAINTABLE (texture));
  show_seal (self, TRUE);
  g_set_object (&self->draft_seal, pixbuf);
  self->draft_seal_image = image_id;
  on_edited (self);
}

static void
use_file (KouanPersonalProfile *self,
          GFile                *file,
          gboolean              seal)
{
  self->uploading = TRUE;
  update_actions (self);
  /* the row says what is going on; the form does not move */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (seal ? self->seal_row : self->avatar_row),
                               _("Uploading the image…"));
  if (seal)
    _kouan_personal_upload_file (self->page, file, FALSE, SEAL_SIDE, on_seal_uploaded, g_object_ref (self));
  else
    _kouan_personal_upload_file (self->page, file, TRUE, AVATAR_SIDE, on_avatar_uploaded, g_object_ref (self));
}

static void
on_avatar_chosen (GFile    *file,
                  gpointer  data)
{
  g_autoptr(KouanPersonalProfile) self = data;

  if (file != NULL)
    use_file (self, file, FALSE);
}

static void
on_seal_chosen (GFile    *file,
                gpointer  data)
{
  g_autoptr(KouanPersonalProfile) self = data;

  if (file != NULL)
    use_file (self, file, TRUE);
}

static void
choose_avatar (GtkWidget  *widget,
               const char *action,
               GVariant   *parameter)
{
  kouan_image_chooser_open (widget, _("Choose an Avatar"), on_avatar_chosen, g_object_ref (widget));
}

static void
choose_seal (GtkWidget  *widget,
             const char *action,
             GVariant   *parameter)
{
  kouan_image_chooser_open (widget, _("Choose the Seal Image"), on_seal_chosen, g_object_ref (widget));
}

static void
preview_seal (GtkWidget  *widget,
              const char *action,
              GVariant   *parameter)
{
  KouanPersonalProfile *self = KOUAN_PERSONAL_PROFILE (widget);
  g_autoptr(GdkPixbuf) seal = _kouan_personal_seal_pixbuf (self->page);
  GtkWidget *preview = kouan_seal_preview_new (_kouan_personal_page_get_window (self->page), seal);

  g_set_weak_pointer (&self->seal_preview, preview);
  gtk_window_present (GTK_WINDOW (preview));
}

/* ---- lifecycle ---------------------------------------------------------------- */

static void
kouan_personal_profile_dispose (GObject *object)
{
  GtkWidget *child;
  KouanPersonalProfile *self = KOUAN_PERSONAL_PROFILE (object);

  gtk_widget_dispose_template (GTK_WIDGET (object), KOUAN_TYPE_PERSONAL_PROFILE);
  /* template children without an id are not unparented for us */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_weak_pointer (&self->seal_preview);
  g_clear_object (&self->draft_seal);

  G_OBJECT_CLASS (kouan_personal_profile_parent_class)->dispose (object);
}

static void
kouan_personal_profile_finalize (GObject *object)
{
  KouanPersonalProfile *self = KOUAN_PERSONAL_PROFILE (object);

  g_free (self->message);

  G_OBJECT_CLASS (kouan_personal_profile_parent_class)->finalize (object);
}

static void
kouan_personal_profile_class_init (KouanPersonalProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kouan_personal_profile_dispose;
  object_class->finalize = kouan_personal_profile_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/kouan/Kouan/ui/kouan-personal-profile.ui");
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, avatar);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, avatar_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, gender_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, name_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, seal_picture);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, seal_row);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, seal_stack);
  gtk_widget_class_bind_template_child (widget_class, KouanPersonalProfile, stack);
  gtk_widget_class_bind_template_callback (widget_class, on_edited);

  gtk_widget_class_install_action (widget_class, "profile.choose-avatar", NULL, choose_avatar);
  gtk_widget_class_install_action (widget_class, "profile.choose-seal", NULL, choose_seal);
  gtk_widget_class_install_action (widget_class, "profile.preview-seal", NULL, preview_seal);
}

static void
kouan_personal_profile_init (KouanPersonalProfile *self)
{
  self->loading = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->loading = FALSE;
  self->draft_avatar_image = -1;
  self->draft_seal_image = -1;
  show_seal (self, FALSE);
}

void
_kouan_personal_profile_set_page (KouanPersonalProfile *self,
                                  KouanPersonalPage    *page)
{
  self->page = page;
}

/* ---- the page's test hooks that reach the profile --------------------------- */

#define PROFILE(page) KOUAN_PERSONAL_PROFILE ((page)->profile)

GtkEditable *
_kouan_personal_page_get_name_entry (KouanPersonalPage *self)
{
  return GTK_EDITABLE (PROFILE (self)->name_row);
}

GtkButton *
_kouan_personal_page_get_profile_save_button (KouanPersonalPage *self)
{
  return GTK_BUTTON (self->save_button);
}

gboolean
_kouan_personal_page_get_profile_dirty (KouanPersonalPage *self)
{
  return PROFILE (self)->dirty;
}

const char *
_kouan_personal_page_get_profile_status (KouanPersonalPage *self)
{
  KouanPersonalProfile *profile = PROFILE (self);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (profile->stack)), "unsynced") == 0)
    return _("Your profile has not been synced yet.");
  return profile->message != NULL ? profile->message : "";
}

void
_kouan_personal_page_use_avatar_file (KouanPersonalPage *self,
                                      const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  use_file (PROFILE (self), file, FALSE);
}

void
_kouan_personal_page_use_seal_file (KouanPersonalPage *self,
                                    const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  use_file (PROFILE (self), file, TRUE);
}

GtkWindow *
_kouan_personal_page_get_seal_preview (KouanPersonalPage *self)
{
  return PROFILE (self)->seal_preview != NULL ? GTK_WINDOW (PROFILE (self)->seal_preview) : NULL;
}
