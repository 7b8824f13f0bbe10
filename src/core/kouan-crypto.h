/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* GnuTLS-backed primitives shared by the server (and later the card code). */

/* (transfer full) @n_bytes random bytes from the GnuTLS key RNG, base64url
 * without padding. */
char     *kouan_crypto_random_token   (gsize        n_bytes);
/* (transfer full) lowercase hex SHA-256 of @data */
char     *kouan_crypto_sha256_hex     (const void  *data,
                                       gsize        length);
/* (transfer full) "pbkdf2-sha256$ITER$SALT_B64$HASH_B64" */
char     *kouan_crypto_hash_password  (const char  *password,
                                       guint        iterations);
gboolean  kouan_crypto_verify_password (const char *password,
                                        const char *encoded);
/* Constant-time comparison of two equal-length buffers. */
gboolean  kouan_crypto_equal          (const void  *a,
                                       const void  *b,
                                       gsize        length);

G_END_DECLS
