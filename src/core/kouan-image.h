/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Uploaded images (enterprise LOGO and seal, slides, avatars): the checks
 * the server makes before it stores one, shared with the app so it can
 * refuse a file before sending it. Only the header is read — enough to
 * know the type and the dimensions — with every read bounds-checked; the
 * pixels are never decoded here. */

#define KOUAN_IMAGE_ERROR (kouan_image_error_quark ())

typedef enum {
  KOUAN_IMAGE_ERROR_TYPE,        /* not a PNG or a JPEG (by its magic bytes) */
  KOUAN_IMAGE_ERROR_TOO_LARGE,   /* more than KOUAN_IMAGE_MAX_BYTES */
  KOUAN_IMAGE_ERROR_DIMENSIONS,  /* wider or taller than KOUAN_IMAGE_MAX_SIDE, 0, or
                                  * more than KOUAN_IMAGE_MAX_PIXELS */
  KOUAN_IMAGE_ERROR_MALFORMED,   /* the header is truncated or inconsistent */
} KouanImageError;

GQuark kouan_image_error_quark (void);

/* 1 MiB: the server's default request body limit, so every accepted image
 * fits in one request. */
#define KOUAN_IMAGE_MAX_BYTES (1024 * 1024)
#define KOUAN_IMAGE_MAX_SIDE  4096
/* Pixels (width × height): a small, well-compressed file can still claim
 * a huge canvas, and the server decodes every upload (to 4 bytes a pixel,
 * 16 MiB at most). 2048×2048, or a 4096×1024 banner. */
#define KOUAN_IMAGE_MAX_PIXELS (4 * 1024 * 1024)

typedef enum {
  KOUAN_IMAGE_TYPE_PNG,
  KOUAN_IMAGE_TYPE_JPEG,
} KouanImageType;

typedef struct {
  KouanImageType type;
  guint32        width;
  guint32        height;
} KouanImageInfo;

/* Reads the type and dimensions from the header of @data. */
gboolean    kouan_image_probe        (const guint8   *data,
                                      gsize           length,
                                      KouanImageInfo *out,
                                      GError        **error);
/* kouan_image_probe() plus the size and dimension limits. */
gboolean    kouan_image_check        (const guint8   *data,
                                      gsize           length,
                                      KouanImageInfo *out,
                                      GError        **error);
/* "image/png" or "image/jpeg" */
const char *kouan_image_type_to_mime (KouanImageType  type);

G_END_DECLS
