/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-personal-page-private.h"

/* 个人资料: avatar (cropped to a square), name, gender and the declarant's
 * seal (报关员章, a PNG with transparency). Edits are a draft until 保存:
 * switching views or enterprises keeps the draft (the widgets live on and
 * a pulled profile does not overwrite fields being edited); 保存 queues
 * one "profile" update. */

#define AVATAR_SIDE 256
#define SEAL_SIDE   600

static const char *const genders[] = { "unspecified", "male", "female" };

/* ---- images: upload and fetch ----------------------------------------- */

typedef struct {
  KouanPersonalPage  *page;
  GtkLabel           *status;
  KouanImageUploaded  done;
  gpointer            data;
  gboolean            square;
  int                 side;
  GdkPixbuf          *pixbuf;
  GBytes             *png;
} Upload;

static void
upload_free (Upload *upload)
{
  g_clear_object (&upload->page);
  g_clear_object (&upload->status);
  g_clear_object (&upload->pixbuf);
  g_clear_pointer (&upload->png, g_bytes_unref);
  g_free (upload);
}

static void
upload_fail (Upload       *upload,
             const GError *error)
{
  g_autofree char *text = _kouan_personal_describe_error (error, upload->page->client);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_label_set_label (upload->status, text);
      upload->done (upload->page, 0, NULL, upload->data);
    }
  upload_free (upload);
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = kouan_client_upload_finish (KOUAN_CLIENT (source), result, &error);
  gint64 id = 0;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !kouan_json_get_int (json_node_get_object (answer), "id", &id, NULL))
    {
      if (error == NULL)
        error = g_error_new_literal (KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE, "no image id");
      upload_fail (upload, error);
      return;
    }

  /* Kept so it shows offline from now on. */
  if (!kouan_store_put_image (upload->page->store, upload->page->enterprise_id, id, upload->png, &error))
    g_warning ("Cannot cache an uploaded image: %s", error->message);
  gtk_label_set_label (upload->status, "");
  upload->done (upload->page, id, upload->pixbuf, upload->data);
  upload_free (upload);
}

/* Centre square of @pixbuf (when @square), at most @side pixels wide. */
static GdkPixbuf *
fit_pixbuf (GdkPixbuf *pixbuf,
            gboolean   square,
            int        side)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  g_autoptr(GdkPixbuf) cropped = NULL;
  double scale;

  if (square && width != height)
    {
      int edge = MIN (width, height);

      cropped = gdk_pixbuf_new_subpixbuf (pixbuf, (width - edge) / 2, (height - edge) / 2, edge, edge);
      width = height = edge;
    }
  else
    cropped = g_object_ref (pixbuf);

  scale = MIN (1.0, (double) side / MAX (width, height));
  if (scale >= 1.0)
    return g_steal_pointer (&cropped);
  return gdk_pixbuf_scale_simple (cropped, MAX (1, (int) (width * scale)),
                                  MAX (1, (int) (height * scale)), GDK_INTERP_BILINEAR);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) fitted = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *path = NULL;
  gsize length = 0, encoded_length = 0;
  KouanImageInfo info;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      upload_fail (upload, error);
      return;
    }

  /* The same checks as the server, before decoding anything: a file that
   * is not a PNG or JPEG, too large or too big is told at once. */
  if (!kouan_image_check ((const guint8 *) contents, length, &info, &error))
    {
      upload_fail (upload, error);
      return;
    }

  loader = gdk_pixbuf_loader_new ();
  if (!gdk_pixbuf_loader_write (loader, (const guchar *) contents, length, &error) ||
      !gdk_pixbuf_loader_close (loader, &error) ||
      gdk_pixbuf_loader_get_pixbuf (loader) == NULL)
    {
      g_autoptr(GError) damaged = g_error_new_literal (KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_MALFORMED,
                                                       error != NULL ? error->message : "no image");
      upload_fail (upload, damaged);
      return;
    }

  fitted = fit_pixbuf (gdk_pixbuf_loader_get_pixbuf (loader), upload->square, upload->side);
  /* PNG keeps a seal's transparency. */
  if (!gdk_pixbuf_save_to_buffer (fitted, &encoded, &encoded_length, "png", &error, NULL))
    {
      upload_fail (upload, error);
      return;
    }
  upload->png = g_bytes_new_take (g_steal_pointer (&encoded), encoded_length);
  if (!kouan_image_check (g_bytes_get_data (upload->png, NULL), encoded_length, &info, &error))
    {
      upload_fail (upload, error);
      return;
    }
  upload->pixbuf = g_steal_pointer (&fitted);

  gtk_label_set_label (upload->status, _("Uploading the image…"));
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/images", upload->page->enterprise_id);
  kouan_client_upload_async (upload->page->client, path, "image/png", upload->png,
                             upload->page->cancellable, on_uploaded, upload);
}

void
_kouan_personal_upload_file (KouanPersonalPage  *self,
                             GFile              *file,
                             gboolean            square,
                             int                 side,
                             GtkLabel           *status,
                             KouanImageUploaded  done,
                             gpointer            data)
{
  Upload *upload;

  if (self->client == NULL || self->enterprise_id <= 0)
    {
      gtk_label_set_label (status, _("Images can be changed once you are signed in to an enterprise."));
      done (self, 0, NULL, data);
      return;
    }

  upload = g_new0 (Upload, 1);
  upload->page = g_object_ref (self);
  upload->status = g_object_ref (status);
  upload->done = done;
  upload->data = data;
  upload->square = square;
  upload->side = side;
  gtk_label_set_label (status, _("Reading the image…"));
  g_file_load_contents_async (file, self->cancellable, on_file_loaded, upload);
}

typedef struct {
  KouanPersonalPage *page;
  GtkPicture        *target;
  gint64             enterprise_id;
  gint64             image_id;
} Fetch;

static void
set_picture_bytes (GtkPicture *picture,
                   GBytes     *bytes)
{
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, NULL);

  gtk_picture_set_paintable (picture, GDK_PAINTABLE (texture));
}

static void
on_image_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = kouan_client_download_finish (KOUAN_CLIENT (source), result, &error);

  if (bytes != NULL)
    {
      kouan_store_put_image (fetch->page->store, fetch->enterprise_id, fetch->image_id, bytes, NULL);
      if (fetch->target != NULL)
        set_picture_bytes (fetch->target, bytes);
    }
  else
    g_debug ("Fetching image %" G_GINT64_FORMAT ": %s", fetch->image_id, error->message);

  g_clear_weak_pointer (&fetch->target);
  g_object_unref (fetch->page);
  g_free (fetch);
}

void
_kouan_personal_fetch_image (KouanPersonalPage *self,
                             gint64             enterprise_id,
                             gint64             image_id,
                             GtkPicture        *target)
{
  g_autoptr(GBytes) cached = NULL;
  g_autofree char *path = NULL;
  Fetch *fetch;

  if (image_id <= 0 || self->store == NULL)
    {
      gtk_picture_set_paintable (target, NULL);
      return;
    }
  cached = kouan_store_get_image (self->store, enterprise_id, image_id);
  if (cached != NULL)
    {
      set_picture_bytes (target, cached);
      return;
    }
  if (self->client == NULL)
    return;

  fetch = g_new0 (Fetch, 1);
  fetch->page = g_object_ref (self);
  g_set_weak_pointer (&fetch->target, target);
  fetch->enterprise_id = enterprise_id;
  fetch->image_id = image_id;
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/images/%" G_GINT64_FORMAT,
                          enterprise_id, image_id);
  kouan_client_download_async (self->client, path, self->cancellable, on_image_fetched, fetch);
}

void
_kouan_personal_choose_image (KouanPersonalPage *self,
                              const char        *title,
                              GCallback          on_response,
                              gpointer           data)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PNG and JPEG images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", on_response, data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* ---- the form ---------------------------------------------------------- */

static void
update_draft_state (KouanPersonalPage *self)
{
  gtk_widget_set_sensitive (self->profile_save_button, self->profile_dirty);
  gtk_widget_set_visible (self->profile_draft_label, self->profile_dirty);
}

static void
mark_dirty (KouanPersonalPage *self)
{
  if (self->profile_loading)
    return;
  self->profile_dirty = TRUE;
  update_draft_state (self);
}

static void
show_avatar (KouanPersonalPage *self,
             KouanProfile      *profile)
{
  if (self->header_avatar != NULL)
    {
      GtkWidget *placeholder = gtk_widget_get_prev_sibling (self->header_avatar);
      gboolean has_avatar = profile != NULL && profile->avatar_image > 0;

      /* The window's generic person icon stands in while there is none. */
      if (GTK_IS_IMAGE (placeholder))
        gtk_widget_set_visible (placeholder, !has_avatar);
      gtk_widget_set_visible (self->header_avatar, has_avatar);
      if (profile != NULL && profile->avatar_image > 0)
        _kouan_personal_fetch_image (self, profile->avatar_enterprise, profile->avatar_image,
                                     GTK_PICTURE (self->header_avatar));
    }
}

void
_kouan_personal_profile_reload (KouanPersonalPage *self)
{
  g_autoptr(KouanProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL || self->name_entry == NULL)
    return;
  profile = kouan_store_get_profile (self->store, self->user_id, &error);
  if (error != NULL)
    g_warning ("Cannot read the profile: %s", error->message);

  show_avatar (self, profile);

  /* A draft is the user's: what the server says now waits until they
   * save or the draft is gone. */
  if (self->profile_dirty)
    return;

  self->profile_loading = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->name_entry), profile != NULL ? profile->name : "");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->gender_dropdown), 0);
  for (guint i = 0; profile != NULL && i < G_N_ELEMENTS (genders); i++)
    if (g_strcmp0 (profile->gender, genders[i]) == 0)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->gender_dropdown), i);
  if (profile != NULL)
    {
      _kouan_personal_fetch_image (self, profile->avatar_enterprise, profile->avatar_image,
                                   GTK_PICTURE (self->avatar_picture));
      _kouan_personal_fetch_image (self, profile->seal_enterprise, profile->seal_image,
                                   GTK_PICTURE (self->seal_picture));
    }
  gtk_widget_set_sensitive (self->profile_box, profile != NULL);
  if (profile == NULL)
    gtk_label_set_label (GTK_LABEL (self->profile_status_label),
                         _("Your profile has not been synced yet."));
  else if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (self->profile_status_label)),
                      _("Your profile has not been synced yet.")) == 0)
    /* It has arrived since: the notice would now be wrong. Other
     * messages (saved, upload errors) stay until the user acts. */
    gtk_label_set_label (GTK_LABEL (self->profile_status_label), "");
  self->profile_loading = FALSE;
  update_draft_state (self);
}

static void
on_save_clicked (KouanPersonalPage *self)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  guint gender = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->gender_dropdown));

  if (!kouan_personal_text_is_valid (name, KOUAN_PROFILE_NAME_MAX))
    {
      gtk_label_set_label (GTK_LABEL (self->profile_status_label),
                           _("Enter your name (at most 64 characters)."));
      gtk_widget_grab_focus (self->name_entry);
      return;
    }

  json_object_set_string_member (fields, "name", name);
  json_object_set_string_member (fields, "gender", genders[MIN (gender, G_N_ELEMENTS (genders) - 1)]);
  if (self->draft_avatar_image >= 0)
    json_object_set_int_member (fields, "avatar_image", self->draft_avatar_image);
  if (self->draft_seal_image >= 0)
    json_object_set_int_member (fields, "seal_image", self->draft_seal_image);

  id = kouan_store_enqueue (self->store, self->enterprise_id, "profile", "update",
                            self->user_id, fields, &error);
  if (id == NULL)
    {
      g_warning ("Cannot save the profile: %s", error->message);
      gtk_label_set_label (GTK_LABEL (self->profile_status_label),
                           _("The profile could not be saved. Check the fields and try again."));
      return;
    }

  self->profile_dirty = FALSE;
  g_object_set_data (G_OBJECT (self), "kouan-draft-seal", NULL);
  self->draft_avatar_image = -1;
  self->draft_seal_image = -1;
  gtk_label_set_label (GTK_LABEL (self->profile_status_label),
                       _("Saved. It reaches the server with the next sync."));
  _kouan_personal_profile_reload (self);
}

static void
on_avatar_uploaded (KouanPersonalPage *self,
                    gint64             image_id,
                    GdkPixbuf         *pixbuf,
                    gpointer           data)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (image_id <= 0)
    return;
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_picture_set_paintable (GTK_PICTURE (self->avatar_picture), GDK_PAINTABLE (texture));
  self->draft_avatar_image = image_id;
  mark_dirty (self);
}

static void
on_seal_uploaded (KouanPersonalPage *self,
                  gint64             image_id,
                  GdkPixbuf         *pixbuf,
                  gpointer           data)
{
  g_autoptr(GdkTexture) texture = NULL;

  if (image_id <= 0)
    return;
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_picture_set_paintable (GTK_PICTURE (self->seal_picture), GDK_PAINTABLE (texture));
  /* the seal preview shows the draft too */
  g_object_set_data_full (G_OBJECT (self), "kouan-draft-seal", g_object_ref (pixbuf), g_object_unref);
  self->draft_seal_image = image_id;
  mark_dirty (self);
}

void
_kouan_personal_page_use_avatar_file (KouanPersonalPage *self,
                                      const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  _kouan_personal_upload_file (self, file, TRUE, AVATAR_SIDE,
                               GTK_LABEL (self->profile_status_label), on_avatar_uploaded, NULL);
}

void
_kouan_personal_page_use_seal_file (KouanPersonalPage *self,
                                    const char        *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  _kouan_personal_upload_file (self, file, FALSE, SEAL_SIDE,
                               GTK_LABEL (self->profile_status_label), on_seal_uploaded, NULL);
}

static void
on_chosen (GtkNativeDialog   *chooser,
           int                response,
           KouanPersonalPage *self)
{
  gboolean seal = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (self), "kouan-choosing-seal"));

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL && seal)
        _kouan_personal_page_use_seal_file (self, path);
      else if (path != NULL)
        _kouan_personal_page_use_avatar_file (self, path);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_object_unref (chooser);
}

/* Which image the open chooser is for is kept on the page: only one
 * modal chooser can be open at a time. */
static void
choose (KouanPersonalPage *self,
        gboolean           seal)
{
  _kouan_personal_choose_image (self, seal ? _("Choose the Seal Image") : _("Choose an Avatar"),
                                G_CALLBACK (on_chosen), self);
}

static void
on_choose_avatar (KouanPersonalPage *self)
{
  g_object_set_data (G_OBJECT (self), "kouan-choosing-seal", GINT_TO_POINTER (FALSE));
  choose (self, FALSE);
}

static void
on_choose_seal (KouanPersonalPage *self)
{
  g_object_set_data (G_OBJECT (self), "kouan-choosing-seal", GINT_TO_POINTER (TRUE));
  choose (self, TRUE);
}

static GtkWidget *
form_row (GtkWidget  *grid,
          int         row,
          const char *label,
          GtkWidget  *field)
{
  GtkWidget *title = gtk_label_new (label);

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_widget_add_css_class (title, "dim-label");
  gtk_grid_attach (GTK_GRID (grid), title, 0, row, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), field, 1, row, 1, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (field), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  title, NULL, -1);
  return title;
}

static GtkWidget *
framed_picture (int side,
                const char *accessible,
                const char *css)
{
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_set_size_request (picture, side, side);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  if (css != NULL)
    gtk_widget_add_css_class (frame, css);
  gtk_frame_set_child (GTK_FRAME (frame), picture);
  gtk_widget_set_halign (frame, GTK_ALIGN_START);
  return picture;
}

static void
install_css (void)
{
  static gboolean done;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done || gdk_display_get_default () == NULL)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  /* A checkerboard behind the seal, so its transparency can be seen. */
  gtk_css_provider_load_from_data (provider,
    ".kouan-seal-frame { background-color: #ffffff;"
    "  background-image: linear-gradient(45deg, #d8d8d8 25%, transparent 25%, transparent 75%, #d8d8d8 75%),"
    "                    linear-gradient(45deg, #d8d8d8 25%, transparent 25%, transparent 75%, #d8d8d8 75%);"
    "  background-size: 16px 16px; background-position: 0 0, 8px 8px; }"
    ".kouan-avatar { border-radius: 9999px; }", -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

void
_kouan_personal_profile_build (KouanPersonalPage *self)
{
  GtkWidget *title, *grid, *button, *box, *buttons;
  GtkStringList *gender_names;

  install_css ();

  title = gtk_label_new (_("Profile"));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "title-2");
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_box_append (GTK_BOX (self->profile_box), title);

  self->profile_draft_label = gtk_label_new (_("You have unsaved changes. They stay here until you save them."));
  gtk_label_set_xalign (GTK_LABEL (self->profile_draft_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->profile_draft_label), TRUE);
  gtk_widget_add_css_class (self->profile_draft_label, "warning");
  gtk_widget_set_visible (self->profile_draft_label, FALSE);
  gtk_box_append (GTK_BOX (self->profile_box), self->profile_draft_label);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_box_append (GTK_BOX (self->profile_box), grid);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  self->avatar_picture = framed_picture (96, _("Avatar"), NULL);
  gtk_box_append (GTK_BOX (box), gtk_widget_get_parent (self->avatar_picture));
  button = gtk_button_new_with_mnemonic (_("Choose _Avatar…"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_choose_avatar), self);
  gtk_box_append (GTK_BOX (box), button);
  form_row (grid, 0, _("Avatar"), box);

  self->name_entry = gtk_entry_new ();
  gtk_entry_set_max_length (GTK_ENTRY (self->name_entry), KOUAN_PROFILE_NAME_MAX);
  gtk_widget_set_hexpand (self->name_entry, TRUE);
  g_signal_connect_swapped (self->name_entry, "changed", G_CALLBACK (mark_dirty), self);
  form_row (grid, 1, _("Name"), self->name_entry);

  gender_names = gtk_string_list_new (NULL);
  gtk_string_list_append (gender_names, _("Not specified"));
  gtk_string_list_append (gender_names, _("Male"));
  gtk_string_list_append (gender_names, _("Female"));
  self->gender_dropdown = gtk_drop_down_new (G_LIST_MODEL (gender_names), NULL);
  g_signal_connect_swapped (self->gender_dropdown, "notify::selected", G_CALLBACK (mark_dirty), self);
  form_row (grid, 2, _("Gender"), self->gender_dropdown);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->seal_picture = framed_picture (160, _("Declarant's seal"), "kouan-seal-frame");
  gtk_box_append (GTK_BOX (box), gtk_widget_get_parent (self->seal_picture));
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  button = gtk_button_new_with_mnemonic (_("Choose _Seal Image…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_choose_seal), self);
  gtk_box_append (GTK_BOX (buttons), button);
  button = gtk_button_new_with_mnemonic (_("_Preview Seal on a Declaration Form…"));
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (_kouan_personal_seal_preview), self);
  gtk_box_append (GTK_BOX (buttons), button);
  gtk_box_append (GTK_BOX (box), buttons);
  form_row (grid, 3, _("Declarant's seal"), box);

  self->profile_status_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->profile_status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->profile_status_label), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->profile_status_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Profile status"), -1);
  gtk_box_append (GTK_BOX (self->profile_box), self->profile_status_label);

  self->profile_save_button = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (self->profile_save_button, "suggested-action");
  gtk_widget_set_halign (self->profile_save_button, GTK_ALIGN_END);
  g_signal_connect_swapped (self->profile_save_button, "clicked", G_CALLBACK (on_save_clicked), self);
  gtk_box_append (GTK_BOX (self->profile_box), self->profile_save_button);
  update_draft_state (self);
}

GtkEditable *
_kouan_personal_page_get_name_entry (KouanPersonalPage *self)
{
  return GTK_EDITABLE (self->name_entry);
}

GtkLabel *
_kouan_personal_page_get_profile_status_label (KouanPersonalPage *self)
{
  return GTK_LABEL (self->profile_status_label);
}

GtkButton *
_kouan_personal_page_get_profile_save_button (KouanPersonalPage *self)
{
  return GTK_BUTTON (self->profile_save_button);
}

gboolean
_kouan_personal_page_get_profile_dirty (KouanPersonalPage *self)
{
  return self->profile_dirty;
}

const char *
_kouan_personal_page_get_profile_status (KouanPersonalPage *self)
{
  return gtk_label_get_label (GTK_LABEL (self->profile_status_label));
}
