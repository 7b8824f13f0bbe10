/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The upload checks (src/core/kouan-image.c) on arbitrary bytes, as a
 * client may POST them to …/images. What they accept must be within the
 * limits the server promises. */

#include "kouan-fuzz.h"
#include "kouan-image.h"

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* a copy of exactly @size bytes, so any read past the end is caught */
  g_autofree guint8 *copy = g_memdup2 (data, size);
  KouanImageInfo info;
  g_autoptr(GError) error = NULL;

  if (kouan_image_check (copy, size, &info, &error))
    {
      g_assert_cmpuint (size, <=, KOUAN_IMAGE_MAX_BYTES);
      g_assert_cmpuint (info.width, >, 0);
      g_assert_cmpuint (info.height, >, 0);
      g_assert_cmpuint (info.width, <=, KOUAN_IMAGE_MAX_SIDE);
      g_assert_cmpuint (info.height, <=, KOUAN_IMAGE_MAX_SIDE);
      g_assert_nonnull (kouan_image_type_to_mime (info.type));
    }
  else
    g_assert_true (error != NULL && error->domain == KOUAN_IMAGE_ERROR);
  g_clear_error (&error);
  if (kouan_image_probe (copy, size, &info, &error))
    g_assert_nonnull (kouan_image_type_to_mime (info.type));
  return 0;
}
