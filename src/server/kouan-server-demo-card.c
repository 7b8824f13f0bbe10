/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The demo IC card: `--demo` trusts the demo card CA (unless --card-ca
 * names another) and binds the demo card's certificate to demo-admin, so
 * the virtual card of tests/card/ (kouan-vcard with holder.pem and PIN
 * 123456) logs in against a demo server. Both are copies of the fixtures
 * in tests/card/ (card-ca.pem, and the SHA-256 of holder.pem's DER); the
 * server never reads tests/ at runtime, and test-card-api proves the
 * copies match by logging in with the fixture. */
#include "config.h"

#include "kouan-server.h"

static const char demo_card_ca_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBmDCCAT6gAwIBAgIEawKRaTAKBggqhkjOPQQDAjAyMRMwEQYDVQQKEwpLb3Vh\n"
  "biBUZXN0MRswGQYDVQQDExJLb3VhbiBUZXN0IENhcmQgQ0EwHhcNMjQwMTAxMDAw\n"
  "MDAwWhcNNDYwMTAxMDAwMDAwWjAyMRMwEQYDVQQKEwpLb3VhbiBUZXN0MRswGQYD\n"
  "VQQDExJLb3VhbiBUZXN0IENhcmQgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\n"
  "AAR/UVYFAe82DfqxHzUmHHDhYHHr+HL43ZsKDVQr2gOC3nbNnM2U2uUctJmwvowF\n"
  "hpyhVQc6glloW8ftisG+qR8ro0IwQDAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB\n"
  "/wQEAwIBBjAdBgNVHQ4EFgQUiQVheVyJmYILRWa0REHAaJAoomgwCgYIKoZIzj0E\n"
  "AwIDSAAwRQIhAJDMV91c5CBKMLwP7uHiJUVaKfJ4if8GUrtEcaHIH63vAiBMVWxK\n"
  "qqx7wYqJDPazR5ExUw1/o2z3ji5x7H2CG1jwbA==\n"
  "-----END CERTIFICATE-----\n"
  ;

#define DEMO_CARD_FINGERPRINT "48bee51eced335e69eb7e4446e95f17d97b8bd09b5f56813ab7c3fb05d3727dc"

GBytes *
kouan_server_demo_card_ca (void)
{
  return g_bytes_new_static (demo_card_ca_pem, sizeof demo_card_ca_pem - 1);
}

gboolean
kouan_server_demo_bind_card (KouanServer  *self,
                             GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self, "SELECT id FROM users WHERE account = 'demo-admin'");
  gint64 admin_id = 0;

  if (kouan_server_db_row (self, stmt))
    admin_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (admin_id == 0)
    return TRUE;
  {
    /* with its details, as a bind from the app stores them: holder.pem's
     * CN, serial and expiry (2045-01-01), which 人员权限 shows */
    KouanStoredCard card = {
      .fingerprint = (char *) DEMO_CARD_FINGERPRINT, .user_id = admin_id,
      .holder = (char *) "测试持卡人", .serial = (char *) "18ea4b7ed56473b5",
      .not_after = G_GINT64_CONSTANT (2366841600),
    };
    KouanCardBindResult result;

    return self->storage->card->card_bind (self->storage, &card, g_get_real_time () / G_USEC_PER_SEC,
                                           &result, error);
  }
}
