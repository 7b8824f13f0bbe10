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

/* Logs a storage failure (the batch then fails); returns NULL */
static JsonObject *
storage_failed (KouanServer *self,
                GError      *error)
{
  kouan_server_storage_failed (self, error);
  g_error_free (error);
  return NULL;
}

/* ---- slides -------------------------------------------------------- */

static JsonObject *
slide_json (const KouanStoredSlide *slide)
{
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", slide->id);
  json_object_set_int_member (record, "image", slide->image_id);
  json_object_set_string_member (record, "caption", slide->caption);
  json_object_set_string_member (record, "link", slide->link);
  json_object_set_int_member (record, "position", slide->position);
  return record;
}

static JsonObject *
materialise_slide (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  g_auto(KouanStoredSlide) slide = { 0 };
  GError *error = NULL;

  if (!self->storage->enterprise->slide_get (self->storage, enterprise_id, record_id, &slide, &error))
    return storage_failed (self, error);
  return slide.id != 0 ? slide_json (&slide) : NULL;
}

static JsonObject *
apply_slide (KouanServer               *self,
             const KouanServerMutation *mutation,
             gint64                     enterprise_id,
             gint64                     user_id,
             GError                   **error)
{
  const KouanStorageEnterprise *storage = self->storage->enterprise;
  g_auto(KouanStoredSlide) slide = { 0 };
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  gboolean create = g_strcmp0 (mutation->op, "create") == 0;
  JsonObject *refused;
  gint64 count = 0, next_position = 0, id = 0;

  if (create)
    {
      if (!storage->slides_count (self->storage, enterprise_id, &count, &next_position, error))
        return NULL;
      record = json_object_new ();
      json_object_set_string_member (record, "link", "");
      json_object_set_int_member (record, "position", next_position);
    }
  else
    {
      if (!storage->slide_get (self->storage, enterprise_id, mutation->record_id, &slide, error))
        return NULL;
      if (slide.id == 0)
        return rejected (mutation->id, "not_found", NULL, NULL, "No such slide", NULL);
      record = slide_json (&slide);
    }

  refused = _kouan_server_settings_check (mutation, create ? NULL : json_object_ref (record));
  if (refused != NULL)
    return refused;

  if (g_strcmp0 (mutation->op, "delete") == 0)
    {
      if (!storage->slide_delete (self->storage, enterprise_id, mutation->record_id, error))
        return NULL;
      return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, record, NULL, error);
    }

  if (create && count >= KOUAN_SHOWCASE_MAX_SLIDES)
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
    before = slide_json (&slide);
  _kouan_server_settings_merge (record, mutation->fields);

  kouan_stored_slide_clear (&slide);
  slide.id = create ? 0 : mutation->record_id;
  slide.image_id = json_object_get_int_member (record, "image");
  slide.caption = g_strdup (json_object_get_string_member (record, "caption"));
  slide.link = g_strdup (json_object_get_string_member (record, "link"));
  slide.position = json_object_get_int_member (record, "position");
  if (!storage->slide_put (self->storage, enterprise_id, &slide, &id, error))
    return NULL;
  if (id == 0)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Writing a slide: slide %" G_GINT64_FORMAT " is gone", mutation->record_id);
      return NULL;
    }

  kouan_stored_slide_clear (&slide);
  if (!storage->slide_get (self->storage, enterprise_id, id, &slide, error))
    return NULL;
  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         slide.id != 0 ? slide_json (&slide) : NULL, error);
}

/* ---- links --------------------------------------------------------- */

static JsonObject *
link_json (const KouanStoredLink *link)
{
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", link->id);
  json_object_set_string_member (record, "title", link->title);
  json_object_set_string_member (record, "url", link->url);
  json_object_set_int_member (record, "position", link->position);
  return record;
}

static JsonObject *
materialise_link (KouanServer *self,
                  gint64       enterprise_id,
                  gint64       record_id,
                  gint64       user_id)
{
  g_auto(KouanStoredLink) link = { 0 };
  GError *error = NULL;

  if (!self->storage->enterprise->link_get (self->storage, enterprise_id, record_id, &link, &error))
    return storage_failed (self, error);
  return link.id != 0 ? link_json (&link) : NULL;
}

static JsonObject *
apply_link (KouanServer               *self,
            const KouanServerMutation *mutation,
            gint64                     enterprise_id,
            gint64                     user_id,
            GError                   **error)
{
  const KouanStorageEnterprise *storage = self->storage->enterprise;
  g_auto(KouanStoredLink) link = { 0 };
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(JsonObject) before = NULL;
  gboolean create = g_strcmp0 (mutation->op, "create") == 0;
  JsonObject *refused;
  gint64 count = 0, next_position = 0, id = 0;

  if (create)
    {
      if (!storage->links_count (self->storage, enterprise_id, &count, &next_position, error))
        return NULL;
      record = json_object_new ();
      json_object_set_int_member (record, "position", next_position);
    }
  else
    {
      if (!storage->link_get (self->storage, enterprise_id, mutation->record_id, &link, error))
        return NULL;
      if (link.id == 0)
        return rejected (mutation->id, "not_found", NULL, NULL, "No such link", NULL);
      record = link_json (&link);
    }

  refused = _kouan_server_settings_check (mutation, create ? NULL : json_object_ref (record));
  if (refused != NULL)
    return refused;

  if (g_strcmp0 (mutation->op, "delete") == 0)
    {
      if (!storage->link_delete (self->storage, enterprise_id, mutation->record_id, error))
        return NULL;
      return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, record, NULL, error);
    }

  if (!create)
    before = link_json (&link);
  _kouan_server_settings_merge (record, mutation->fields);

  kouan_stored_link_clear (&link);
  link.id = create ? 0 : mutation->record_id;
  link.title = g_strdup (json_object_get_string_member (record, "title"));
  link.url = g_strdup (json_object_get_string_member (record, "url"));
  link.position = json_object_get_int_member (record, "position");
  if (!storage->link_put (self->storage, enterprise_id, &link, &id, error))
    return NULL;
  if (id == 0)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Writing a link: link %" G_GINT64_FORMAT " is gone", mutation->record_id);
      return NULL;
    }

  kouan_stored_link_clear (&link);
  if (!storage->link_get (self->storage, enterprise_id, id, &link, error))
    return NULL;
  return _kouan_server_settings_applied (self, enterprise_id, user_id, mutation, before,
                                         link.id != 0 ? link_json (&link) : NULL, error);
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
  const KouanStorageEnterprise *storage = self->storage->enterprise;

  for (guint i = 0; i < G_N_ELEMENTS (slides); i++)
    {
      g_autoptr(GBytes) png = demo_slide_png (slides[i].from, slides[i].to);
      gint64 image_id = kouan_server_images_store (self, enterprise_id, 0, png, error);
      KouanStoredSlide slide = {
        .image_id = image_id, .caption = (char *) slides[i].caption,
        .link = (char *) slides[i].link, .position = i,
      };
      gint64 id;

      if (image_id == 0 ||
          !storage->slide_put (self->storage, enterprise_id, &slide, &id, error))
        return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      KouanStoredLink link = {
        .title = (char *) links[i].title, .url = (char *) links[i].url, .position = i,
      };
      gint64 id;

      if (!storage->link_put (self->storage, enterprise_id, &link, &id, error))
        return FALSE;
    }
  return TRUE;
}
