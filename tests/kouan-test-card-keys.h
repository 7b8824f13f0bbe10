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
 * private key in fixture @key_name: ECDSA P-256 / SHA-256, or SM2 / SM3
 * for an SM2 key, over the signed message of @challenge
 * (docs/card-protocol.md) */
GBytes *kouan_test_card_sign             (const char *key_name,
                                          GBytes     *challenge);

/* (transfer full) the same for a key given as PEM */
GBytes *kouan_test_card_sign_with_key    (GBytes     *key_pem,
                                          GBytes     *challenge);
/* (transfer full) the DER of a PEM certificate */
GBytes *kouan_test_card_pem_to_der       (GBytes     *pem);
/* (transfer full) a certificate made now for a new P-256 key, issued by
 * the CA of fixtures @ca_cert_name and @ca_key_name: subject O=Kouan
 * Test, CN=@holder, a random serial, valid from a year before @not_after
 * to @not_after (seconds). Returns its PEM, and the key's PEM in
 * @out_key_pem. For validity periods relative to the test's clock, such
 * as a card that expires within 30 days. */
GBytes *kouan_test_card_issue            (const char  *ca_cert_name,
                                          const char  *ca_key_name,
                                          const char  *holder,
                                          gint64       not_after,
                                          GBytes     **out_key_pem);

G_END_DECLS
