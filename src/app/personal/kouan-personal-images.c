/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kouan-image.h"
#include "kouan-image-cache.h"
#include "kouan-json.h"
#include "kouan-personal-page-private.h"

/* The images of the personal center (avatar, seal, business licence):
 * checked as the server checks them before anything is sent, fitted,
 * uploaded to the current enterprise and cached, so they show offline
 * from then on. Also the error texts every sub-page and dialog shares. */

char *
_kouan_personal_describe_error (const GError *error,
                                KouanClient  *client)
{
  const char *code = client != NULL ? kouan_client_get_error_code (client) : NULL;

  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK))
    return g_strdup (_("The server cannot be reached. Try again when you are online."));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_THROTTLED))
    return g_strdup_printf (_("Too many attempts. Try again in %u seconds."),
                            kouan_client_get_retry_after (client));
  if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED))
    return g_strdup (_("Your session has ended. Log in again."));
  if (g_strcmp0 (code, "image_type") == 0)
    return g_strdup (_("Only PNG and JPEG images can be used."));
  if (g_strcmp0 (code, "image_too_large") == 0 || g_strcmp0 (code, "payload_too_large") == 0)
    return g_strdup (_("The image is larger than 1 MB."));
  if (g_strcmp0 (code, "image_dimensions") == 0)
    return g_strdup (_("The image is too large: at most 4096 pixels a side and 4 megapixels in all."));
  if (g_strcmp0 (code, "image_malformed") == 0)
    return g_strdup (_("The image file is damaged."));
  if (g_strcmp0 (code, "image_quota") == 0)
    return g_strdup (_("You have uploaded as many images to this enterprise as the server allows."));
  if (g_strcmp0 (code, "wrong_password") == 0)
    return g_strdup (_("The current password is wrong."));
  if (g_strcmp0 (code, "weak_password") == 0)
    return g_strdup (_("The new password is too weak."));
  if (g_strcmp0 (code, "last_admin") == 0)
    return g_strdup (_("You are the only administrator of this enterprise. Make another member an administrator in the Administrator Center first."));
  if (g_strcmp0 (code, "invalid_credit_code") == 0)
    return g_strdup (_("This is not a valid unified social credit code."));
  if (g_strcmp0 (code, "already_pending") == 0)
    return g_strdup (_("You have already asked to join; the enterprise's administrator has not decided yet."));
  if (g_strcmp0 (code, "already_member") == 0)
    return g_strdup (_("You are already a member of this enterprise."));
  if (error->domain == KOUAN_IMAGE_ERROR)
    {
      switch (error->code)
        {
        case KOUAN_IMAGE_ERROR_TYPE:
          return g_strdup (_("Only PNG and JPEG images can be used."));
        case KOUAN_IMAGE_ERROR_TOO_LARGE:
          return g_strdup (_("The image is larger than 1 MB."));
        case KOUAN_IMAGE_ERROR_DIMENSIONS:
          return g_strdup (_("The image is too large: at most 4096 pixels a side and 4 megapixels in all."));
        default:
          return g_strdup (_("The image file is damaged."));
        }
    }
  g_debug ("Personal center error: %s", error->message);
  return g_strdup (_("Something went wrong. Try again later."));
}

/* ---- upload ---------------------------------------------------------------- */

typedef struct {
  KouanPersonalPage  *page;
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
  g_clear_object (&upload->pixbuf);
  g_clear_pointer (&upload->png, g_bytes_unref);
  g_free (upload);
}

static void
upload_fail (Upload       *upload,
             const GError *error)
{
  g_autofree char *text = _kouan_personal_describe_error (error, upload->page->client);

  upload->done (0, NULL, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ? NULL : text,
                upload->data);
  upload_free (upload);
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Upload *upload = user_data;
  g_autoptr(GError) error = NULL;
  /* cached by the image pipeline, so it shows offline from now on */
  gint64 id = kouan_image_upload_finish (result, &error);

  if (id <= 0)
    {
      upload_fail (upload, error);
      return;
    }
  upload->done (id, upload->pixbuf, NULL, upload->data);
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

  kouan_image_upload_async (upload->page->client, upload->page->store, upload->page->enterprise_id,
                            upload->png, upload->page->cancellable, on_uploaded, upload);
}

void
_kouan_personal_upload_file (KouanPersonalPage  *self,
                             GFile              *file,
                             gboolean            square,
                             int                 side,
                             KouanImageUploaded  done,
                             gpointer            data)
{
  Upload *upload;

  if (self->client == NULL || self->enterprise_id <= 0)
    {
      done (0, NULL, _("Images can be changed once you are signed in to an enterprise."), data);
      return;
    }

  upload = g_new0 (Upload, 1);
  upload->page = g_object_ref (self);
  upload->done = done;
  upload->data = data;
  upload->square = square;
  upload->side = side;
  g_file_load_contents_async (file, self->cancellable, on_file_loaded, upload);
}

/* ---- fetch ---------------------------------------------------------------- */

typedef struct {
  KouanPersonalPage *page;
  GtkWidget         *target;
  gint64             enterprise_id;
  gint64             image_id;
} Fetch;

static void
show_texture (GtkWidget  *target,
              GdkTexture *texture)
{
  if (ADW_IS_AVATAR (target))
    adw_avatar_set_custom_image (ADW_AVATAR (target), GDK_PAINTABLE (texture));
  else if (GTK_IS_PICTURE (target))
    gtk_picture_set_paintable (GTK_PICTURE (target), GDK_PAINTABLE (texture));
}

static void
show_bytes (GtkWidget *target,
            GBytes    *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);

  if (texture == NULL)
    g_debug ("A cached image cannot be shown: %s", error->message);
  show_texture (target, texture);
}

/* The image the target should show now: a fetch that comes back after
 * the profile changed again must not put the old picture back. */
#define TARGET_IMAGE_KEY "kouan-image-id"

static void
on_image_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Fetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = kouan_image_fetch_finish (result, &error);

  if (bytes != NULL)
    {
      if (fetch->target != NULL &&
          GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (fetch->target), TARGET_IMAGE_KEY)) == (gsize) fetch->image_id)
        show_bytes (fetch->target, bytes);
    }
  else
    g_debug ("Fetching image %" G_GINT64_FORMAT ": %s", fetch->image_id, error->message);

  g_clear_weak_pointer (&fetch->target);
  g_object_unref (fetch->page);
  g_free (fetch);
}

/* Through the one image pipeline (core/kouan-image-cache): the cache,
 * else fetched once and cached. */
void
_kouan_personal_fetch_image (KouanPersonalPage *self,
                             gint64             enterprise_id,
                             gint64             image_id,
                             GtkWidget         *target)
{
  g_autoptr(GBytes) cached = NULL;
  Fetch *fetch;

  g_object_set_data (G_OBJECT (target), TARGET_IMAGE_KEY, GSIZE_TO_POINTER ((gsize) MAX (image_id, 0)));
  if (image_id <= 0 || self->store == NULL)
    {
      show_texture (target, NULL);
      return;
    }
  /* cached: shown at once, without waiting for a main loop turn */
  cached = kouan_store_get_image (self->store, enterprise_id, image_id);
  if (cached != NULL)
    {
      show_bytes (target, cached);
      return;
    }

  fetch = g_new0 (Fetch, 1);
  fetch->page = g_object_ref (self);
  g_set_weak_pointer (&fetch->target, target);
  fetch->enterprise_id = enterprise_id;
  fetch->image_id = image_id;
  kouan_image_fetch_async (self->client, self->store, enterprise_id, image_id,
                           self->cancellable, on_image_fetched, fetch);
}

void
_kouan_personal_install_css (void)
{
  static gboolean done;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (done || gdk_display_get_default () == NULL)
    return;
  done = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/io/github/kouan/Kouan/ui/kouan-personal.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}
