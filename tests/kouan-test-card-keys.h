/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The PEM fixtures of tests/card/ (see its README), for tests that play the
 * card's part without pcscd. Every helper aborts the test on failure. */

/* (transfer full) the path of fixture @name */
char   *kouan_test_card_fixture_path     (const char *name);
/* (transfer full) the bytes of fixture @name */
GBytes *kouan_test_card_load_file        (const char *name);
/* (transfer full) the DER of the PEM certificate in fixture @name */
GBytes *kouan_test_card_load_certificate (const char *name);
/* (transfer full) what the card answers to INTERNAL AUTHENTICATE with the
 * private key in fixture @key_name: ECDSA P-256 / SHA-256 over the signed
 * message of @challenge (docs/card-protocol.md) */
GBytes *kouan_test_card_sign             (const char *key_name,
                                          GBytes     *challenge);

G_END_DECLS
