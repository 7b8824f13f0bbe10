/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-server.h"

/* Images uploaded by an enterprise's members: the raw PNG or JPEG bytes
 * are the request body (the type is decided from the bytes, never from
 * Content-Type), checked with kouan_image_check() and stored once per
 * enterprise and content (sha256). An image never changes under its id, so
 * it is served with a strong ETag (its sha256) and may be cached for a
 * year. Records that show an image (LOGO, seal, slides, avatars) refer to
 * it by id. */

/* (transfer full) (nullable) */
static JsonObject *
image_json (KouanServer *self,
            gint64       enterprise_id,
            gint64       image_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT sha256, mime, width, height, length (data) FROM images"
    " WHERE id = ?1 AND enterprise_id = ?2");
  JsonObject *image = NULL;

  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      image = json_object_new ();
      json_object_set_int_member (image, "id", image_id);
      json_object_set_string_member (image, "sha256", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (image, "mime", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_int_member (image, "width", sqlite3_column_int64 (stmt, 2));
      json_object_set_int_member (image, "height", sqlite3_column_int64 (stmt, 3));
      json_object_set_int_member (image, "size", sqlite3_column_int64 (stmt, 4));
    }
  sqlite3_reset (stmt);
  return image;
}

gboolean
kouan_server_images_exists (KouanServer *self,
                            gint64       enterprise_id,
                            gint64       image_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT 1 FROM images WHERE id = ?1 AND enterprise_id = ?2");
  gboolean exists;

  sqlite3_bind_int64 (stmt, 1, image_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  exists = kouan_server_db_row (self, stmt);
  sqlite3_reset (stmt);
  return exists;
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
  KouanImageInfo info;
  sqlite3_stmt *stmt;
  gint64 id = 0;

  if (!kouan_image_check (bytes, length, &info, error))
    return 0;

  /* The same content again keeps its first id. */
  stmt = kouan_server_db_stmt (self,
    "INSERT INTO images (enterprise_id, sha256, mime, width, height, data, created_by, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (enterprise_id, sha256) DO UPDATE SET sha256 = excluded.sha256"
    " RETURNING id");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kouan_image_type_to_mime (info.type), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, info.width);
  sqlite3_bind_int64 (stmt, 5, info.height);
  sqlite3_bind_blob64 (stmt, 6, bytes, length, SQLITE_STATIC);
  if (user_id > 0)
    sqlite3_bind_int64 (stmt, 7, user_id);
  else
    sqlite3_bind_null (stmt, 7);
  sqlite3_bind_int64 (stmt, 8, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  else
    g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                 "Storing an image: %s", sqlite3_errmsg (self->db));
  sqlite3_reset (stmt);
  return id;
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
handle_upload (KouanRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) reply = NULL;
  KouanImageInfo info;
  gint64 id;

  if (!kouan_image_check (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &info, &error))
    {
      kouan_server_reply_error (req->msg,
                                error->code == KOUAN_IMAGE_ERROR_TOO_LARGE
                                  ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE
                                  : SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                                image_error_code (error), "%s", error->message);
      return;
    }

  id = kouan_server_images_store (req->server, req->enterprise_id,
                                  req->session.user_id, bytes, &error);
  if (id == 0)
    {
      g_warning ("%s", error->message);
      kouan_server_reply_error (req->msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The image could not be stored");
      return;
    }

  reply = image_json (req->server, req->enterprise_id, id);
  kouan_server_reply_json (req->msg, SOUP_STATUS_CREATED, reply);
}

static void
handle_get (KouanRequest *req)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (req->server,
    "SELECT sha256, mime, data FROM images WHERE id = ?1 AND enterprise_id = ?2");
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);
  const char *if_none_match;
  g_autofree char *etag = NULL;
  g_autofree char *mime = NULL;
  gsize length;

  sqlite3_bind_int64 (stmt, 1, req->record_id);
  sqlite3_bind_int64 (stmt, 2, req->enterprise_id);
  if (!kouan_server_db_row (req->server, stmt))
    {
      sqlite3_reset (stmt);
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found", "No such image");
      return;
    }

  etag = g_strdup_printf ("\"%s\"", (const char *) sqlite3_column_text (stmt, 0));
  mime = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  /* private: the image is only for the enterprise's members */
  soup_message_headers_replace (headers, "ETag", etag);
  soup_message_headers_replace (headers, "Cache-Control", "private, max-age=31536000, immutable");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");

  if_none_match = soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg),
                                                "If-None-Match");
  if (if_none_match != NULL && (g_strcmp0 (if_none_match, etag) == 0 ||
                                g_strcmp0 (if_none_match, "*") == 0))
    {
      sqlite3_reset (stmt);
      soup_server_message_set_status (req->msg, SOUP_STATUS_NOT_MODIFIED, NULL);
      return;
    }

  length = sqlite3_column_bytes (stmt, 2);
  soup_server_message_set_status (req->msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (req->msg, mime, SOUP_MEMORY_COPY,
                                    sqlite3_column_blob (stmt, 2), length);
  sqlite3_reset (stmt);
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
}
