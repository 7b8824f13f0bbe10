/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-server.h"

/* Images uploaded by an enterprise's members: the raw PNG or JPEG bytes
 * are the request body (the type is decided from the bytes, never from
 * Content-Type). The header is checked first with kouan_image_check()
 * (type, size, dimensions, pixel budget), then the image is decoded and
 * what is stored is a fresh encoding of its pixels: whatever else the
 * upload carried (a ZIP or HTML appended after IEND, text chunks, EXIF)
 * is dropped, and a file whose pixels do not decode is refused. Decoding
 * runs on a worker thread. Each image is stored once per enterprise and
 * content (sha256 of the stored bytes). An image never changes under its
 * id, so it is served with a strong ETag (its sha256) and may be cached
 * for a year. Records that show an image (LOGO, seal, slides, avatars)
 * refer to it by id; an image none refers to is collected after a grace
 * period (kouan_server_images_collect). What is stored, and which records
 * refer to an image, is the images storage area's (KouanStorageImages,
 * on SQLite or PostgreSQL); this file holds no SQL. */

/* (transfer full) (nullable) */
static JsonObject *
image_json (KouanServer *self,
            gint64       enterprise_id,
            gint64       image_id)
{
  g_auto(KouanStoredImage) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *image;

  if (!self->storage->images->image_get (self->storage, enterprise_id, image_id, FALSE,
                                         &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  image = json_object_new ();
  json_object_set_int_member (image, "id", image_id);
  json_object_set_string_member (image, "sha256", stored.sha256);
  json_object_set_string_member (image, "mime", stored.mime);
  json_object_set_int_member (image, "width", stored.width);
  json_object_set_int_member (image, "height", stored.height);
  json_object_set_int_member (image, "size", stored.size);
  return image;
}

gboolean
kouan_server_images_exists (KouanServer *self,
                            gint64       enterprise_id,
                            gint64       image_id)
{
  g_autoptr(GError) error = NULL;
  gint64 owner = 0;

  if (!self->storage->images->image_enterprise (self->storage, image_id, &owner, &error))
    {
      kouan_server_storage_failed (self, error);
      return FALSE;
    }
  return owner != 0 && owner == enterprise_id;
}

gint64
kouan_server_images_store (KouanServer  *self,
                           gint64        enterprise_id,
                           gint64        user_id,
                           GBytes       *data,
                           GError      **error)
{
  gsize length = 0;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  g_autofree char *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, length);
  g_autoptr(GError) local_error = NULL;
  KouanImageInfo info;
  KouanStoredImage image = { 0 };
  gint64 id = 0;

  /* The dimensions and type of what is stored, read back from the bytes
   * themselves (they are a fresh encoding, or the demo's own images). */
  if (!kouan_image_check (bytes, length, &info, error))
    return 0;

  image.enterprise_id = enterprise_id;
  image.sha256 = sha256;
  image.mime = (char *) kouan_image_type_to_mime (info.type);
  image.width = info.width;
  image.height = info.height;
  image.data = data;
  if (!self->storage->images->image_store (self->storage, &image, user_id,
                                           g_get_real_time () / G_USEC_PER_SEC, &id,
                                           &local_error))
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB, "%s", local_error->message);
      return 0;
    }
  return id;
}

/* ---- collection ----------------------------------------------------- */

/* An upload is referred to by a later edit, and an image a record stops
 * referring to may be wanted back (undo, a colleague's edit still in an
 * outbox): the grace period runs from when an image was uploaded or first
 * seen without a referrer, not from its upload alone. Sweeps see that
 * within the hour (hourly) or at once (before an upload). Which records
 * refer to an image is the storage's to say (its images_collect). */
gint64
kouan_server_images_collect (KouanServer *self,
                             gint64       enterprise_id,
                             gint64       now)
{
  g_autoptr(GError) error = NULL;
  gint64 collected = 0;

  if (!self->storage->images->images_collect (self->storage, enterprise_id, now,
                                              now - self->image_grace, &collected, &error))
    {
      g_warning ("Collecting unreferenced images: %s", error->message);
      return -1;
    }
  if (collected > 0)
    g_debug ("Collected %" G_GINT64_FORMAT " unreferenced images", collected);
  return collected;
}

static gboolean
on_collect (gpointer data)
{
  kouan_server_images_collect (data, 0, g_get_real_time () / G_USEC_PER_SEC);
  return G_SOURCE_CONTINUE;
}

/* ---- decoding and re-encoding (worker thread) ----------------------- */

typedef struct {
  gboolean over_budget;
  int      width;
  int      height;
} SizeCheck;

/* Emitted once the loader has read the header, before it allocates the
 * pixel buffer: the last moment to refuse a canvas that is too big. */
static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  SizeCheck       *check)
{
  check->width = width;
  check->height = height;
  if (width <= 0 || height <= 0 ||
      width > KOUAN_IMAGE_MAX_SIDE || height > KOUAN_IMAGE_MAX_SIDE ||
      (guint64) width * (guint64) height > KOUAN_IMAGE_MAX_PIXELS)
    {
      check->over_budget = TRUE;
      /* Ask for a 1×1 canvas so nothing big is allocated while the
       * loader winds down. */
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

/* gdk-pixbuf's loaders decode incrementally and hand back whatever rows
 * arrived when the data stops, so a cut-off file would be stored with a
 * blank lower part. The file must reach its end marker: for a PNG, chunks
 * that each fit, up to IEND; for a JPEG, an EOI marker after the first
 * scan. Bytes after the end marker are allowed (they are dropped). */
static gboolean
reaches_end (KouanImageType  type,
             const guint8   *data,
             gsize           length)
{
  if (type == KOUAN_IMAGE_TYPE_PNG)
    {
      gsize pos = 8;

      while (length - pos >= 12)
        {
          guint32 chunk = read_be32 (data + pos);

          if (chunk > length - pos - 12)
            return FALSE;
          if (memcmp (data + pos + 4, "IEND", 4) == 0)
            return TRUE;
          pos += 12 + (gsize) chunk;
        }
      return FALSE;
    }
  else
    {
      const guint8 *sos = memmem (data, length, "\xff\xda", 2);

      return sos != NULL &&
             memmem (sos + 2, length - (gsize) (sos + 2 - data), "\xff\xd9", 2) != NULL;
    }
}

/* Decodes @data (already through kouan_image_check()) and encodes its
 * pixels again in the same format. Returns the new bytes and fills @info
 * with their type and dimensions, or NULL with a KOUAN_IMAGE_ERROR. */
static GBytes *
reencode (GBytes          *data,
          KouanImageInfo  *info,
          GError         **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GError) local_error = NULL;
  SizeCheck check = { FALSE, 0, 0 };
  GdkPixbuf *pixbuf;
  gsize length;
  const guint8 *bytes = g_bytes_get_data (data, &length);
  gchar *buffer = NULL;
  gsize buffer_size = 0;
  gboolean saved;

  /* The loader is chosen by the magic bytes already checked: no other
   * gdk-pixbuf module (SVG, TGA, ICO …) ever sees an upload. */
  loader = gdk_pixbuf_loader_new_with_type (info->type == KOUAN_IMAGE_TYPE_PNG ? "png" : "jpeg",
                                            &local_error);
  if (loader == NULL)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TYPE,
                   "This server cannot decode %s images: %s",
                   kouan_image_type_to_mime (info->type), local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &check);

  /* Fed in pieces so that a canvas refused by its header stops the
   * decoding early. */
  for (gsize offset = 0; offset < length && !check.over_budget; offset += 64 * 1024)
    if (!gdk_pixbuf_loader_write (loader, bytes + offset, MIN (64 * 1024, length - offset),
                                  &local_error))
      break;
  if (!gdk_pixbuf_loader_close (loader, local_error == NULL ? &local_error : NULL) &&
      local_error == NULL)
    g_set_error_literal (&local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                         "incomplete image");
  if (check.over_budget)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS,
                   "The image is %d×%d pixels; at most %d×%d and %d pixels in all are accepted",
                   check.width, check.height, KOUAN_IMAGE_MAX_SIDE, KOUAN_IMAGE_MAX_SIDE,
                   KOUAN_IMAGE_MAX_PIXELS);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (local_error == NULL && !reaches_end (info->type, bytes, length))
    g_set_error_literal (&local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                         "the file ends before the image does");
  if (local_error != NULL || pixbuf == NULL)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_MALFORMED,
                   "The image cannot be decoded: %s",
                   local_error != NULL ? local_error->message : "no pixels");
      return NULL;
    }
  /* A JPEG's EXIF orientation is applied to the pixels, since the EXIF
   * block itself is not carried over. */
  oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);

  if (info->type == KOUAN_IMAGE_TYPE_PNG)
    saved = gdk_pixbuf_save_to_buffer (oriented, &buffer, &buffer_size, "png", &local_error,
                                       "compression", "9", NULL);
  else
    saved = gdk_pixbuf_save_to_buffer (oriented, &buffer, &buffer_size, "jpeg", &local_error,
                                       "quality", "90", NULL);
  if (!saved)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_MALFORMED,
                   "The image cannot be encoded again: %s", local_error->message);
      return NULL;
    }
  info->width = (guint32) gdk_pixbuf_get_width (oriented);
  info->height = (guint32) gdk_pixbuf_get_height (oriented);
  return g_bytes_new_take (buffer, buffer_size);
}

typedef struct {
  KouanServer       *server;      /* borrowed: lives for the process */
  SoupServerMessage *msg;         /* owned */
  gint64             enterprise_id;
  gint64             user_id;
  GBytes            *upload;
  KouanImageInfo     info;
  gboolean           gone;        /* the client went away meanwhile */
  gulong             finished_id;
  gulong             disconnected_id;
} Upload;

static void
upload_free (Upload *upload)
{
  g_clear_signal_handler (&upload->finished_id, upload->msg);
  g_clear_signal_handler (&upload->disconnected_id, upload->msg);
  g_clear_object (&upload->msg);
  g_clear_pointer (&upload->upload, g_bytes_unref);
  g_free (upload);
}

static void
reencode_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  Upload *upload = task_data;
  GError *error = NULL;
  GBytes *stored = reencode (upload->upload, &upload->info, &error);

  if (stored == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, stored, (GDestroyNotify) g_bytes_unref);
}

static void
on_upload_gone (SoupServerMessage *msg,
                Upload            *upload)
{
  upload->gone = TRUE;
}

/* ---- quota ---------------------------------------------------------- */

/* Bytes stored by @user_id in @enterprise_id, and by the whole
 * enterprise. After kouan_server_images_collect() every image left is
 * live: a record refers to it, or it is within its grace period. */
static gboolean
usage (KouanServer  *self,
       gint64        enterprise_id,
       gint64        user_id,
       gint64       *out_user,
       gint64       *out_enterprise,
       GError      **error)
{
  return self->storage->images->usage (self->storage, enterprise_id, user_id,
                                       out_enterprise, out_user, error);
}

/* Answers 403 image_quota and returns FALSE when storing @extra more
 * bytes would take the user or the enterprise over its quota. */
static gboolean
check_quota (KouanServer       *self,
             SoupServerMessage *msg,
             gint64             enterprise_id,
             gint64             user_id,
             gint64             extra)
{
  g_autoptr(GError) error = NULL;
  gint64 by_user, by_enterprise;

  if (!usage (self, enterprise_id, user_id, &by_user, &by_enterprise, &error))
    {
      g_warning ("%s", error->message);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The images' sizes could not be read");
      return FALSE;
    }
  if (by_user + extra > self->image_quota_user)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "image_quota",
                                "Your images in this enterprise already take %" G_GINT64_FORMAT
                                " of the %" G_GINT64_FORMAT " bytes allowed", by_user,
                                self->image_quota_user);
      return FALSE;
    }
  if (by_enterprise + extra > self->image_quota_enterprise)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_FORBIDDEN, "image_quota",
                                "This enterprise's images already take %" G_GINT64_FORMAT
                                " of the %" G_GINT64_FORMAT " bytes allowed", by_enterprise,
                                self->image_quota_enterprise);
      return FALSE;
    }
  return TRUE;
}

static const char *
image_error_code (const GError *error)
{
  switch (error->code)
    {
    case KOUAN_IMAGE_ERROR_TYPE:       return "image_type";
    case KOUAN_IMAGE_ERROR_TOO_LARGE:  return "image_too_large";
    case KOUAN_IMAGE_ERROR_DIMENSIONS: return "image_dimensions";
    default:                           return "image_malformed";
    }
}

static void
reply_image_error (SoupServerMessage *msg,
                   const GError      *error)
{
  kouan_server_reply_error (msg,
                            error->code == KOUAN_IMAGE_ERROR_TOO_LARGE
                              ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE
                              : SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                            image_error_code (error), "%s", error->message);
}

static void
on_reencoded (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Upload *upload = g_task_get_task_data (G_TASK (result));
  KouanServer *self = upload->server;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *sha256 = NULL;
  gboolean known = FALSE;
  gint64 id;

  stored = g_task_propagate_pointer (G_TASK (result), &error);
  if (upload->gone)
    return;

  if (stored == NULL)
    reply_image_error (upload->msg, error);
  else
    {
      sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, stored);
      /* Checked again with the real size: other uploads may have been
       * stored while this one was decoded. The same content again costs
       * nothing. */
      if (!self->storage->images->image_known (self->storage, upload->enterprise_id, sha256,
                                               &known, &error))
        {
          g_warning ("%s", error->message);
          kouan_server_reply_error (upload->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                    "The image could not be stored");
        }
      else if (known ||
               check_quota (self, upload->msg, upload->enterprise_id, upload->user_id,
                            g_bytes_get_size (stored)))
        {
          id = kouan_server_images_store (self, upload->enterprise_id, upload->user_id,
                                          stored, &error);
          if (id == 0)
            {
              g_warning ("%s", error->message);
              kouan_server_reply_error (upload->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                        "The image could not be stored");
            }
          else
            {
              reply = image_json (self, upload->enterprise_id, id);
              if (reply == NULL)
                {
                  kouan_server_db_failure_clear (self);
                  kouan_server_reply_error (upload->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                            "internal", "The image could not be read back");
                }
              else
                kouan_server_reply_json (upload->msg, SOUP_STATUS_CREATED, reply);
            }
        }
    }
  soup_server_message_unpause (upload->msg);
}

static void
handle_upload (KouanRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  KouanImageInfo info;
  Upload *upload;

  if (!kouan_image_check (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &info, &error))
    {
      reply_image_error (req->msg, error);
      return;
    }
  /* Images nobody uses any more stop counting; then an upload is refused
   * before any decoding when the quota is already used up. */
  kouan_server_images_collect (req->server, req->enterprise_id, g_get_real_time () / G_USEC_PER_SEC);
  if (!check_quota (req->server, req->msg, req->enterprise_id, req->session.user_id, 0))
    return;

  upload = g_new0 (Upload, 1);
  upload->server = req->server;
  upload->msg = g_object_ref (req->msg);
  upload->enterprise_id = req->enterprise_id;
  upload->user_id = req->session.user_id;
  upload->upload = g_steal_pointer (&bytes);
  upload->info = info;
  upload->finished_id = g_signal_connect (req->msg, "finished", G_CALLBACK (on_upload_gone), upload);
  upload->disconnected_id = g_signal_connect (req->msg, "disconnected", G_CALLBACK (on_upload_gone), upload);

  task = g_task_new (NULL, NULL, on_reencoded, NULL);
  g_task_set_source_tag (task, handle_upload);
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);
  /* A status must be set before the handler returns, or libsoup tries a
   * WebSocket handshake on the message (the socket handler shares the
   * catch-all path); on_reencoded() replaces it. */
  soup_server_message_set_status (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  soup_server_message_pause (req->msg);
  g_task_run_in_thread (task, reencode_thread);
}

static void
handle_get (KouanRequest *req)
{
  KouanServer *self = req->server;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  g_auto(KouanStoredImage) image = { 0 };
  g_autoptr(GError) error = NULL;
  const char *if_none_match;
  g_autofree char *etag = NULL;

  if (!self->storage->images->image_get (self->storage, req->enterprise_id, req->record_id, TRUE,
                                         &image, &error))
    {
      kouan_server_storage_failed (self, error);
      return;
    }
  if (image.id == 0)
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such image");
      return;
    }

  etag = g_strdup_printf ("\"%s\"", image.sha256);
  /* private: the image is only for the enterprise's members */
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  /* Opened on its own, the image may run nothing (defence in depth: what
   * is stored is a fresh PNG or JPEG already). */
  soup_message_headers_replace (headers, "Content-Security-Policy", "default-src 'none'; sandbox");
  soup_message_headers_replace (headers, "Content-Disposition", "inline");

  if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                "If-None-Match");
  if (if_none_match != NULL && (g_strcmp0 (if_none_match, etag) == 0 ||
                                g_strcmp0 (if_none_match, "*") == 0))
    {
      soup_server_message_set_status (req->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  /* the bytes as storage read them, not copied again */
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, image.mime, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), image.data);
}

static const KouanRoute image_routes[] = {
  /* Any member may upload (an avatar needs no admin right); attaching an
   * image to a record is checked by that record's collection. */
  { "POST", "/api/v1/enterprises/{eid}/images",      KOUAN_ROUTE_MEMBER, NULL, handle_upload },
  { "GET",  "/api/v1/enterprises/{eid}/images/{id}", KOUAN_ROUTE_MEMBER, NULL, handle_get },
};

void
kouan_server_images_install (KouanServer *self)
{
  kouan_server_routes_add (self, image_routes, G_N_ELEMENTS (image_routes));

  /* At start and hourly, so unused images leave the disk within an hour
   * of their grace period's end however long the server runs. */
  kouan_server_images_collect (self, 0, g_get_real_time () / G_USEC_PER_SEC);
  if (self->image_timer == 0)
    self->image_timer = g_timeout_add_seconds (60 * 60, on_collect, self);
}
