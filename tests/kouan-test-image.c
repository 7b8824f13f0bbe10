/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "kouan-image.h"
#include "kouan-test-image.h"

static GByteArray *
header_only_png (guint32 width,
                 guint32 height)
{
  static const guint8 head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                 'I', 'H', 'D', 'R' };
  GByteArray *png = g_byte_array_new ();
  guint8 rest[17] = { 0 };

  for (guint i = 0; i < 4; i++)
    {
      rest[i] = (width >> (24 - 8 * i)) & 0xff;
      rest[4 + i] = (height >> (24 - 8 * i)) & 0xff;
    }
  rest[8] = 8;   /* bit depth */
  rest[9] = 2;   /* RGB */
  g_byte_array_append (png, head, sizeof head);
  g_byte_array_append (png, rest, sizeof rest);
  return png;
}

GBytes *
kouan_test_png (guint32 width,
                guint32 height,
                gsize   pad_to)
{
  GByteArray *png;

  if (width >= 1 && height >= 1 && width <= KOUAN_IMAGE_MAX_SIDE && height <= KOUAN_IMAGE_MAX_SIDE &&
      (guint64) width * height <= KOUAN_IMAGE_MAX_PIXELS)
    {
      g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, (int) width, (int) height);
      g_autoptr(GError) error = NULL;
      gchar *buffer = NULL;
      gsize size = 0;

      g_assert_nonnull (pixbuf);
      gdk_pixbuf_fill (pixbuf, (g_random_int () & 0xffffff00) | 0xff);
      g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL));
      g_assert_no_error (error);
      png = g_byte_array_new_take ((guint8 *) buffer, size);
    }
  else
    png = header_only_png (width, height);

  if (pad_to > png->len)
    {
      gsize from = png->len;

      g_byte_array_set_size (png, pad_to);
      memset (png->data + from, 0, pad_to - from);
    }
  return g_byte_array_free_to_bytes (png);
}
