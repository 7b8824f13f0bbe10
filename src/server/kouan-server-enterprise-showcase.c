/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-server-enterprise-private.h"

/* 企业风采设置: the home page carousel's slides (collection
 * "showcase_slides", at most KOUAN_SHOWCASE_MAX_SLIDES per enterprise) and
 * the enterprise's links ("showcase_links"). Every member sees them (the
 * portal's home shows them to all); changing them needs
 * admin.showcase:manage. Records are created, updated (also to reorder:
 * "position") and deleted through the mutation batch. */

#define rejected kouan_server_enterprise_rejected

/* ---- slides -------------------------------------------------------- */

static JsonObject *
materialise_slide (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT image_id, caption, link, position FROM showcase_slides"
    " WHERE id = ?1 AND enterprise_id = ?2");
  JsonObject *record = NULL;

  sqlite3_bind_int64 (stmt, 1, record_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      record = json_object_new ();
      json_object_set_int_member (record, "id", record_id);
      json_object_set_int_member (record, "image", sqlite3_column_int64 (stmt, 0));
      json_object_set_string_member (record, "caption", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (record, "link", (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_int_member (record, "position", sqlite3_column_int64 (stmt, 3));
    }
  sqlite3_reset (stmt);
  return record;
}

static gint64
count_query (KouanServer *self,
             const char  *sql,
             gint64       enterprise_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, sql);
  gint64 value = 0;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return value;
}

static gboolean
delete_row (KouanServer  *self,
            const char   *sql,
            gint64        enterprise_id,
            gint64        record_id,
            GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, sql);

  sqlite3_bind_int64 (stmt, 1, record_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  return kouan_server_db_step_done (self, stmt, error);
}

static JsonObject *
apply_slide (KouanServer               *self,
             const KouanServerMutation *mutation,
             gint64                     enterprise_id,
             gint64                     user_id,
             GError                   **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  gboolean create = g_strcmp0 (mutation->op, "create") == 0;
  JsonObject *refused;
  sqlite3_stmt *stmt;
  gint64 id;

  if (create)
    {
      record = json_object_new ();
      json_object_set_string_member (record, "link", "");
      json_object_set_int_member (record, "position",
                                  count_query (self,
                                               "SELECT coalesce (max (position) + 1, 0)"
                                               " FROM showcase_slides WHERE enterprise_id = ?1",
                                               enterprise_id));
    }
  else
    {
      record = materialise_slide (self, enterprise_id, mutation->record_id, user_id);
      if (record == NULL)
        return rejected (mutation->id, "not_found", NULL, NULL, "No such slide", NULL);
    }

  refused = _kouan_server_settings_check (mutation, create ? NULL : json_object_ref (record));
  if (refused != NULL)
    return refused;

  if (g_strcmp0 (mutation->op, "delete") == 0)
    {
      if (!delete_row (self, "DELETE FROM showcase_slides WHERE id = ?1 AND enterprise_id = ?2",
                       enterprise_id, mutation->record_id, error))
        return NULL;
      return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, record, NULL, error);
    }

  if (create && count_query (self, "SELECT count(*) FROM showcase_slides WHERE enterprise_id = ?1",
                             enterprise_id) >= KOUAN_SHOWCASE_MAX_SLIDES)
    return rejected (mutation->id, "limit_reached", NULL, "limit",
                     "The carousel has 6 slides already, the most it can show; delete one first",
                     NULL);

  if (json_object_has_member (mutation->fields, "image") &&
      !kouan_server_images_exists (self, enterprise_id,
                                   json_object_get_int_member (mutation->fields, "image")))
    return rejected (mutation->id, "invalid_field", "image", "not_found",
                     "No such image in this enterprise; upload it first",
                     create ? NULL : json_object_ref (record));

  if (!create)
    before = materialise_slide (self, enterprise_id, mutation->record_id, user_id);
  _kouan_server_settings_merge (record, mutation->fields);

  if (create)
    stmt = kouan_server_db_stmt (self,
      "INSERT INTO showcase_slides (enterprise_id, image_id, caption, link, position)"
      " VALUES (?1, ?3, ?4, ?5, ?6) RETURNING id");
  else
    stmt = kouan_server_db_stmt (self,
      "UPDATE showcase_slides SET image_id = ?3, caption = ?4, link = ?5, position = ?6"
      " WHERE enterprise_id = ?1 AND id = ?2 RETURNING id");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, mutation->record_id);
  sqlite3_bind_int64 (stmt, 3, json_object_get_int_member (record, "image"));
  sqlite3_bind_text (stmt, 4, json_object_get_string_member (record, "caption"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, json_object_get_string_member (record, "link"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, json_object_get_int_member (record, "position"));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Writing a slide: %s", sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
      return NULL;
    }
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         materialise_slide (self, enterprise_id, id, user_id), error);
}

/* ---- links --------------------------------------------------------- */

static JsonObject *
materialise_link (KouanServer *self,
                  gint64       enterprise_id,
                  gint64       record_id,
                  gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT title, url, position FROM showcase_links WHERE id = ?1 AND enterprise_id = ?2");
  JsonObject *record = NULL;

  sqlite3_bind_int64 (stmt, 1, record_id);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  if (kouan_server_db_row (self, stmt))
    {
      record = json_object_new ();
      json_object_set_int_member (record, "id", record_id);
      json_object_set_string_member (record, "title", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (record, "url", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_int_member (record, "position", sqlite3_column_int64 (stmt, 2));
    }
  sqlite3_reset (stmt);
  return record;
}

static JsonObject *
apply_link (KouanServer               *self,
            const KouanServerMutation *mutation,
            gint64                     enterprise_id,
            gint64                     user_id,
            GError                   **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  gboolean create = g_strcmp0 (mutation->op, "create") == 0;
  JsonObject *refused;
  sqlite3_stmt *stmt;
  gint64 id;

  if (create)
    {
      record = json_object_new ();
      json_object_set_int_member (record, "position",
                                  count_query (self,
                                               "SELECT coalesce (max (position) + 1, 0)"
                                               " FROM showcase_links WHERE enterprise_id = ?1",
                                               enterprise_id));
    }
  else
    {
      record = materialise_link (self, enterprise_id, mutation->record_id, user_id);
      if (record == NULL)
        return rejected (mutation->id, "not_found", NULL, NULL, "No such link", NULL);
    }

  refused = _kouan_server_settings_check (mutation, create ? NULL : json_object_ref (record));
  if (refused != NULL)
    return refused;

  if (g_strcmp0 (mutation->op, "delete") == 0)
    {
      if (!delete_row (self, "DELETE FROM showcase_links WHERE id = ?1 AND enterprise_id = ?2",
                       enterprise_id, mutation->record_id, error))
        return NULL;
      return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, record, NULL, error);
    }

  if (!create)
    before = materialise_link (self, enterprise_id, mutation->record_id, user_id);
  _kouan_server_settings_merge (record, mutation->fields);

  if (create)
    stmt = kouan_server_db_stmt (self,
      "INSERT INTO showcase_links (enterprise_id, title, url, position)"
      " VALUES (?1, ?3, ?4, ?5) RETURNING id");
  else
    stmt = kouan_server_db_stmt (self,
      "UPDATE showcase_links SET title = ?3, url = ?4, position = ?5"
      " WHERE enterprise_id = ?1 AND id = ?2 RETURNING id");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, mutation->record_id);
  sqlite3_bind_text (stmt, 3, json_object_get_string_member (record, "title"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, json_object_get_string_member (record, "url"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, json_object_get_int_member (record, "position"));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Writing a link: %s", sqlite3_errmsg (self->db));
      sqlite3_reset (stmt);
      return NULL;
    }
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         materialise_link (self, enterprise_id, id, user_id), error);
}

static const KouanServerCollection slides_collection = {
  .name = KOUAN_COLLECTION_SHOWCASE_SLIDES,
  .manage_permission = "admin.showcase:manage",
  .materialise = materialise_slide,
  .apply = apply_slide,
};

static const KouanServerCollection links_collection = {
  .name = KOUAN_COLLECTION_SHOWCASE_LINKS,
  .manage_permission = "admin.showcase:manage",
  .materialise = materialise_link,
  .apply = apply_link,
};

void
_kouan_server_showcase_install (KouanServer *self)
{
  kouan_server_collections_add (self, &slides_collection);
  kouan_server_collections_add (self, &links_collection);
}

/* ---- demo ---------------------------------------------------------- */

static void
put_be32 (GByteArray *out,
          guint32     value)
{
  guint8 bytes[4] = { (value >> 24) & 0xff, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (out, bytes, 4);
}

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  return ~crc;
}

static void
put_chunk (GByteArray   *out,
           const char   *type,
           const guint8 *data,
           gsize         length)
{
  guint32 crc = crc32_update (0, (const guint8 *) type, 4);

  crc = crc32_update (crc, data, length);
  put_be32 (out, length);
  g_byte_array_append (out, (const guint8 *) type, 4);
  g_byte_array_append (out, data, length);
  put_be32 (out, crc);
}

/* A demo slide picture: a horizontal gradient between two colours with a
 * lighter band, as an uncompressed (stored-deflate) PNG, so the demo needs
 * no image files and no compression library. */
static GBytes *
demo_slide_png (const guint8 from[3],
                const guint8 to[3])
{
  const guint width = 320, height = 120;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  g_autoptr(GByteArray) zlib = g_byte_array_new ();
  GByteArray *png = g_byte_array_new ();
  static const guint8 magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13] = { 0 };
  guint32 a = 1, b = 0;

  for (guint y = 0; y < height; y++)
    {
      guint8 filter = 0;

      g_byte_array_append (raw, &filter, 1);
      for (guint x = 0; x < width; x++)
        for (guint c = 0; c < 3; c++)
          {
            guint value = (from[c] * (width - x) + to[c] * x) / width;
            guint8 byte;

            if (y > height / 2 && y < height / 2 + 16)
              value = (value + 255) / 2;
            byte = value;
            g_byte_array_append (raw, &byte, 1);
          }
    }

  g_byte_array_append (zlib, (const guint8 *) "\x78\x01", 2);
  for (gsize pos = 0; pos < raw->len;)
    {
      gsize n = MIN (raw->len - pos, 65535);
      guint8 header[5] = { pos + n == raw->len, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff };

      g_byte_array_append (zlib, header, 5);
      g_byte_array_append (zlib, raw->data + pos, n);
      pos += n;
    }
  for (guint i = 0; i < raw->len; i++)
    {
      a = (a + raw->data[i]) % 65521;
      b = (b + a) % 65521;
    }
  put_be32 (zlib, (b << 16) | a);

  for (guint i = 0; i < 4; i++)
    {
      ihdr[i] = (width >> (24 - 8 * i)) & 0xff;
      ihdr[4 + i] = (height >> (24 - 8 * i)) & 0xff;
    }
  ihdr[8] = 8;   /* bit depth */
  ihdr[9] = 2;   /* RGB */
  g_byte_array_append (png, magic, sizeof magic);
  put_chunk (png, "IHDR", ihdr, sizeof ihdr);
  put_chunk (png, "IDAT", zlib->data, zlib->len);
  put_chunk (png, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (png);
}

gboolean
_kouan_server_showcase_demo_seed (KouanServer  *self,
                                  gint64        enterprise_id,
                                  GError      **error)
{
  static const struct {
    guint8 from[3], to[3];
    const char *caption;
    const char *link;
  } slides[] = {
    { { 0x1c, 0x71, 0xd8 }, { 0x62, 0xa0, 0xea }, "浦江国际荣获海关 AEO 高级认证",
      "https://www.customs.gov.cn" },
    { { 0x26, 0xa2, 0x69 }, { 0x8f, 0xf0, 0xa4 }, "外高桥物流园区二期正式投入使用", "" },
    { { 0xc0, 0x1c, 0x28 }, { 0xf6, 0x61, 0x51 }, "中欧班列（上海）首发专列顺利出运",
      "https://www.singlewindow.cn" },
  };
  static const struct { const char *title, *url; } links[] = {
    { "中国国际贸易单一窗口", "https://www.singlewindow.cn" },
    { "海关总署", "http://www.customs.gov.cn" },
    { "上海海关", "http://shanghai.customs.gov.cn" },
  };
  sqlite3_stmt *stmt;

  for (guint i = 0; i < G_N_ELEMENTS (slides); i++)
    {
      g_autoptr(GBytes) png = demo_slide_png (slides[i].from, slides[i].to);
      gint64 image_id = kouan_server_images_store (self, enterprise_id, 0, png, error);

      if (image_id == 0)
        return FALSE;
      stmt = kouan_server_db_stmt (self,
        "INSERT INTO showcase_slides (enterprise_id, image_id, caption, link, position)"
        " VALUES (?1, ?2, ?3, ?4, ?5)");
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, image_id);
      sqlite3_bind_text (stmt, 3, slides[i].caption, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, slides[i].link, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, i);
      if (!kouan_server_db_step_done (self, stmt, error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      stmt = kouan_server_db_stmt (self,
        "INSERT INTO showcase_links (enterprise_id, title, url, position) VALUES (?1, ?2, ?3, ?4)");
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, links[i].title, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, links[i].url, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, i);
      if (!kouan_server_db_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}
