/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A PNG of @width × @height for upload tests. The server decodes every
 * upload, so a canvas it would accept (1 – KOUAN_IMAGE_MAX_SIDE a side,
 * at most KOUAN_IMAGE_MAX_PIXELS) is a real image filled with a random
 * colour (every call gives new content); any other is only a signature
 * and an IHDR header, enough for the header checks that refuse it.
 * Bytes are appended after the image up to @pad_to (0: none). */
GBytes *kouan_test_png (guint32 width,
                        guint32 height,
                        gsize   pad_to);

G_END_DECLS
