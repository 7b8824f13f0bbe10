/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-image.h"

G_DEFINE_QUARK (kouan-image-error-quark, kouan_image_error)

static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint16
read_be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_MALFORMED,
               "The image header is damaged: %s", what);
  return FALSE;
}

/* PNG: the signature, then the IHDR chunk first (length 13), whose data
 * starts with width and height (each 1 – 2^31-1). */
static gboolean
probe_png (const guint8   *data,
           gsize           length,
           KouanImageInfo *out,
           GError        **error)
{
  guint32 chunk_length;

  if (length < 8 + 8 + 13)
    return malformed (error, "PNG shorter than its IHDR chunk");
  chunk_length = read_be32 (data + 8);
  if (chunk_length != 13 || memcmp (data + 12, "IHDR", 4) != 0)
    return malformed (error, "PNG without IHDR first");

  out->type = KOUAN_IMAGE_TYPE_PNG;
  out->width = read_be32 (data + 16);
  out->height = read_be32 (data + 20);
  if (out->width > G_MAXINT32 || out->height > G_MAXINT32)
    return malformed (error, "PNG dimensions out of range");
  return TRUE;
}

/* A start-of-frame marker (baseline, progressive, lossless, arithmetic):
 * C0–CF except C4 (DHT), C8 (JPG extension) and CC (DAC). */
static gboolean
is_sof (guint8 marker)
{
  return marker >= 0xc0 && marker <= 0xcf &&
         marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
}

/* JPEG: walk the marker segments after SOI until a SOF, whose payload is
 * precision (1), height (2), width (2). Every segment length is checked
 * against the data left before it is used. */
static gboolean
probe_jpeg (const guint8   *data,
            gsize           length,
            KouanImageInfo *out,
            GError        **error)
{
  gsize pos = 2;

  while (pos < length)
    {
      guint8 marker;
      guint16 segment;

      if (data[pos] != 0xff)
        return malformed (error, "JPEG marker expected");
      /* Any number of 0xFF fill bytes may precede a marker. */
      while (pos < length && data[pos] == 0xff)
        pos++;
      if (pos >= length)
        break;
      marker = data[pos++];

      /* Markers without a length: TEM, RSTn, and SOI again. */
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        continue;
      if (marker == 0xd9 || marker == 0xda)
        return malformed (error, "JPEG image data before any frame header");

      if (length - pos < 2)
        break;
      segment = read_be16 (data + pos);
      if (segment < 2 || segment > length - pos)
        return malformed (error, "JPEG segment runs past the end");

      if (is_sof (marker))
        {
          if (segment < 2 + 5)
            return malformed (error, "JPEG frame header too short");
          out->type = KOUAN_IMAGE_TYPE_JPEG;
          out->height = read_be16 (data + pos + 3);
          out->width = read_be16 (data + pos + 5);
          return TRUE;
        }
      pos += segment;
    }

  return malformed (error, "JPEG without a frame header");
}

gboolean
kouan_image_probe (const guint8   *data,
                   gsize           length,
                   KouanImageInfo *out,
                   GError        **error)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (length >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
    return probe_png (data, length, out, error);
  if (length >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return probe_jpeg (data, length, out, error);

  g_set_error_literal (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TYPE,
                       "Only PNG and JPEG images are accepted");
  return FALSE;
}

gboolean
kouan_image_check (const guint8   *data,
                   gsize           length,
                   KouanImageInfo *out,
                   GError        **error)
{
  KouanImageInfo info;

  if (length > KOUAN_IMAGE_MAX_BYTES)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TOO_LARGE,
                   "The image is %" G_GSIZE_FORMAT " bytes; at most %d are accepted",
                   length, KOUAN_IMAGE_MAX_BYTES);
      return FALSE;
    }
  if (!kouan_image_probe (data, length, &info, error))
    return FALSE;
  if (info.width == 0 || info.height == 0 ||
      info.width > KOUAN_IMAGE_MAX_SIDE || info.height > KOUAN_IMAGE_MAX_SIDE)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS,
                   "The image is %u×%u pixels; at most %d×%d are accepted",
                   info.width, info.height, KOUAN_IMAGE_MAX_SIDE, KOUAN_IMAGE_MAX_SIDE);
      return FALSE;
    }
  if ((guint64) info.width * info.height > KOUAN_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS,
                   "The image is %u×%u pixels; at most %d pixels in all are accepted",
                   info.width, info.height, KOUAN_IMAGE_MAX_PIXELS);
      return FALSE;
    }
  if (out != NULL)
    *out = info;
  return TRUE;
}

const char *
kouan_image_type_to_mime (KouanImageType type)
{
  return type == KOUAN_IMAGE_TYPE_PNG ? "image/png" : "image/jpeg";
}
